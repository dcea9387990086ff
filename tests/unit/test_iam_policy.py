"""The shipped least-privilege policy lists exactly the AWS actions the code calls."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_shipped_policy_matches_the_code():
    proc = subprocess.run([sys.executable, "tools/iam_policy.py", "--check"], cwd=REPO, capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "covers all" in proc.stdout
