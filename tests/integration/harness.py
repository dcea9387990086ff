"""Run collection modules as Ansible runs them (a separate process, JSON arguments) against the sandbox."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".build" / "collections"
LINK = COLLECTIONS / "ansible_collections" / "cloudnet" / "privatelink"


def ensure_collection_tree() -> Path:
    """The collection must import as ansible_collections.cloudnet.privatelink: link the repo there."""
    LINK.parent.mkdir(parents=True, exist_ok=True)
    if not LINK.exists():
        LINK.symlink_to(REPO, target_is_directory=True)
    return COLLECTIONS


class ModuleFailed(AssertionError):
    def __init__(self, module: str, result: dict):
        super().__init__(f"{module} failed: {result.get('msg')}\n{json.dumps(result, indent=1, default=str)[:4000]}")
        self.result = result


def _message(warning) -> str:
    if isinstance(warning, dict):
        return str((warning.get("event") or {}).get("msg", warning))
    return str(warning)


def run_module(name: str, args: dict, env: dict, check: bool = False, diff: bool = True,
               expect_failure: bool = False) -> dict:
    """Run plugins/modules/<name>.py with ``args``; return its JSON result."""
    ensure_collection_tree()
    payload = dict(args)
    payload["_ansible_check_mode"] = check
    payload["_ansible_diff"] = diff
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as fh:
        json.dump({"ANSIBLE_MODULE_ARGS": payload}, fh)
        path = fh.name
    try:
        proc_env = dict(os.environ)
        proc_env.update(env)
        proc_env["PYTHONPATH"] = str(COLLECTIONS)
        proc = subprocess.run(
            [sys.executable, "-m", f"ansible_collections.cloudnet.privatelink.plugins.modules.{name}", path],
            capture_output=True, text=True, env=proc_env, timeout=600, check=False,
        )
    finally:
        os.unlink(path)
    try:
        result = json.loads(proc.stdout)
    except json.JSONDecodeError:
        raise AssertionError(f"{name} printed no JSON (rc={proc.returncode}):\n{proc.stdout}\n{proc.stderr}") from None
    # ansible-core 2.19 reports warnings as structured summaries; tests read the message text.
    result["warnings"] = [_message(w) for w in result.get("warnings") or []]
    if result.get("failed") and not expect_failure:
        raise ModuleFailed(name, result)
    if expect_failure and not result.get("failed"):
        raise AssertionError(f"{name} was expected to fail but returned {result}")
    return result


@contextlib.contextmanager
def own_aws_sandbox(state_dir: Path):
    """An AWS sandbox in its own process: ``(url, env)``.

    Playbook tests need a fresh cloud: an in-process sandbox would share moto's state with the session
    sandbox of the module tests, so a playbook would see (and a --check count) other tests' resources.
    """
    repo = Path(__file__).resolve().parents[2]
    subprocess.run([sys.executable, "-m", "sandbox", "up", "--only", "aws", "--state-dir", str(state_dir)],
                   cwd=repo, check=True, capture_output=True, text=True, timeout=180)
    try:
        running = json.loads((state_dir / "sandbox.json").read_text())
        yield running["emulators"]["aws"]["url"], dict(running["env"])
    finally:
        subprocess.run([sys.executable, "-m", "sandbox", "down", "--state-dir", str(state_dir)],
                       cwd=repo, check=False, capture_output=True, text=True, timeout=120)
