"""``python -m sandbox`` up / status / calls / down in a temporary state directory."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import boto3

ROOT = pathlib.Path(__file__).resolve().parents[3]


def sandbox(*args: str, timeout: float = 90) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "sandbox", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    status = pathlib.Path(f"/proc/{pid}/status")
    return not (status.exists() and "\nState:\tZ" in status.read_text())


def test_up_status_calls_down(tmp_path):
    state_dir = str(tmp_path / "state")
    assert sandbox("status", "--state-dir", state_dir).returncode == 3

    up = sandbox("up", "--state-dir", state_dir, "--only", "aws")
    try:
        assert up.returncode == 0, up.stderr
        state = json.loads((tmp_path / "state" / "sandbox.json").read_text())
        aws = state["emulators"]["aws"]
        assert aws["url"] == f"http://127.0.0.1:{aws['port']}"
        assert alive(state["pid"])
        assert aws["url"] in up.stdout
        env_sh = (tmp_path / "state" / "env.sh").read_text()
        assert f"export AWS_ENDPOINT_URL={aws['url']}\n" in env_sh
        assert "export AWS_DEFAULT_REGION=us-east-1\n" in env_sh
        assert (tmp_path / "state" / "sandbox.log").exists()

        ec2 = boto3.client(
            "ec2",
            endpoint_url=state["env"]["AWS_ENDPOINT_URL"],
            region_name=state["env"]["AWS_DEFAULT_REGION"],
            aws_access_key_id=state["env"]["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=state["env"]["AWS_SECRET_ACCESS_KEY"],
        )
        ec2.create_vpc(CidrBlock="10.0.0.0/16")
        ec2.describe_vpcs()

        calls = sandbox("calls", "--state-dir", state_dir)
        assert calls.returncode == 0, calls.stderr
        assert "AWS API calls: 2 total, 1 mutating, 1 read" in calls.stdout
        rows = {
            line.split()[1]: line.split() for line in calls.stdout.splitlines() if line.startswith("  ec2 ")
        }
        assert rows["CreateVpc"][2:4] == ["mutating", "1"]
        assert rows["DescribeVpcs"][2:4] == ["read", "1"]
        as_json = json.loads(sandbox("calls", "--state-dir", state_dir, "--json").stdout)
        assert as_json["by_operation"]["ec2:CreateVpc"]["count"] == 1

        again = sandbox("up", "--state-dir", state_dir, "--only", "aws")
        assert again.returncode == 0
        assert "already running" in again.stdout
        assert json.loads((tmp_path / "state" / "sandbox.json").read_text())["pid"] == state["pid"]

        status = sandbox("status", "--state-dir", state_dir, "--json")
        assert status.returncode == 0
        assert json.loads(status.stdout)["answering"] == {"aws": True}
    finally:
        down = sandbox("down", "--state-dir", state_dir)
    assert down.returncode == 0, down.stderr
    assert f"pid {state['pid']}" in down.stdout
    assert not alive(state["pid"])
    assert not (tmp_path / "state" / "sandbox.json").exists()
    assert not (tmp_path / "state" / "env.sh").exists()
    assert sandbox("status", "--state-dir", state_dir).returncode == 3


def test_stale_state_is_reported_and_cleaned(tmp_path):
    dead = subprocess.Popen(["true"])
    dead.wait()
    (tmp_path / "sandbox.json").write_text(json.dumps({"pid": dead.pid, "emulators": {}}))
    (tmp_path / "env.sh").write_text("export AWS_ENDPOINT_URL=http://127.0.0.1:1\n")

    status = sandbox("status", "--state-dir", str(tmp_path))
    assert status.returncode == 3
    assert "stale pid" in status.stdout
    calls = sandbox("calls", "--state-dir", str(tmp_path))
    assert calls.returncode == 3
    down = sandbox("down", "--state-dir", str(tmp_path))
    assert down.returncode == 0
    assert "stale pid" in down.stdout
    assert not (tmp_path / "sandbox.json").exists()
    assert not (tmp_path / "env.sh").exists()
