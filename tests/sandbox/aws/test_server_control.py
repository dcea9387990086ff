"""The control API under /_sandbox/ and the Emulator object returned by start()."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from sandbox.aws import server
from sandbox.aws.client import SandboxControl, SandboxControlError


def test_emulator_exposes_url_port_and_client_environment(aws_sandbox):
    assert aws_sandbox.url == f"http://127.0.0.1:{aws_sandbox.port}"
    env = aws_sandbox.env()
    assert env["AWS_ENDPOINT_URL"] == aws_sandbox.url
    assert env["AWS_DEFAULT_REGION"] == "us-east-1"
    assert env["AWS_ACCESS_KEY_ID"] and env["AWS_SECRET_ACCESS_KEY"]


def test_standard_environment_variables_alone_reach_the_sandbox(aws_sandbox, control, tmp_path):
    """A plain boto3 program configured only by env.sh-style variables talks to the sandbox."""
    code = "import boto3; print(boto3.client('sts').get_caller_identity()['Account'])"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(aws_sandbox.env(), AWS_CONFIG_FILE=str(tmp_path / "none"), HOME=str(tmp_path))
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "123456789012"
    assert control.summary()["by_operation"]["sts:GetCallerIdentity"]["count"] == 1


def test_settings_are_shared_validated_and_reset(aws_sandbox, control):
    assert control.settings() == {"page_size": 0, "pending_reads": 0}
    updated = control.settings(page_size=7, pending_reads=2)
    assert updated == {"page_size": 7, "pending_reads": 2}
    # The object handed to the moto patches is the same one the control API changes.
    assert aws_sandbox.settings["pending_reads"] == 2
    for bad in ({"page_size": -1}, {"pending_reads": "two"}, {"page_size": True}):
        with pytest.raises(SandboxControlError) as excinfo:
            control.settings(**bad)
        assert excinfo.value.status == 400
    control.reset()
    assert control.settings() == {"page_size": 0, "pending_reads": 0}
    assert aws_sandbox.settings["pending_reads"] == 0


def test_reset_clears_cloud_state_calls_faults_and_settings(make_client, control):
    ec2 = make_client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.7.0.0/16")["Vpc"]["VpcId"]
    control.set_faults([{"kind": "latency", "service": "sts", "delay_ms": 5}], seed=3)
    control.settings(page_size=9)
    control.reset()
    assert control.summary()["total"] == 0
    assert control.faults() == {"seed": 0, "rules": []}
    assert control.settings()["page_size"] == 0
    assert vpc_id not in {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}


def test_fault_rules_round_trip(control):
    rules = [
        {"kind": "throttle", "service": "ec2", "operation": "CreateVpc", "probability": 0.5, "max_count": 3}
    ]
    described = control.set_faults(rules, seed=11)
    assert described["seed"] == 11
    rule = described["rules"][0]
    assert {k: rule[k] for k in rules[0]} == rules[0]
    assert rule["fired"] == 0
    control.clear_faults()
    assert control.faults()["rules"] == []


def test_unknown_paths_and_methods_answer_json_errors(aws_sandbox):
    for method, path, status in (("GET", "/_sandbox/nothing", 404), ("DELETE", "/_sandbox/calls", 405)):
        request = urllib.request.Request(aws_sandbox.url + path, method=method)
        with pytest.raises(urllib.error.HTTPError) as excinfo:
            urllib.request.urlopen(request)
        assert excinfo.value.code == status
        assert "error" in json.loads(excinfo.value.read())


def test_moto_api_stays_reachable(aws_sandbox, make_client, control):
    ec2 = make_client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.8.0.0/16")["Vpc"]["VpcId"]
    request = urllib.request.Request(aws_sandbox.url + "/moto-api/reset", method="POST")
    with urllib.request.urlopen(request) as response:
        assert json.loads(response.read()) == {"status": "ok"}
    assert vpc_id not in {v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]}


def test_a_second_server_gets_its_own_port_and_counters(aws_sandbox, control):
    with server.start(page_size=3) as other:
        assert other.port != aws_sandbox.port
        other_control = SandboxControl(other.url)
        assert other_control.settings()["page_size"] == 3
        other_control.settings(page_size=4)
        other_control.reset()
        assert other_control.settings()["page_size"] == 3
    assert control.settings()["page_size"] == 0
