"""Fixtures for integration tests: a sandbox AWS per test session, boto3 clients, and the four-pass check."""

from __future__ import annotations

import sys
from pathlib import Path

import boto3
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from harness import run_module  # noqa: E402

REGION = "us-east-1"


class Sandbox:
    """A running sandbox AWS: its URL, the env modules need, and call counting when the layer has it."""

    def __init__(self):
        try:
            from sandbox.aws import server
            from sandbox.aws.client import SandboxControl
        except ImportError:  # the sandbox layer is being written; plain moto until then
            server = None
        if server is not None:
            self._emu = server.start(host="127.0.0.1", port=0)
            self.url = self._emu.url
            self.control = SandboxControl(self.url)
        else:
            from moto.server import ThreadedMotoServer
            self._emu = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
            self._emu.start()
            host, port = self._emu.get_host_and_port()
            self.url = f"http://{host}:{port}"
            self.control = None
        self.env = {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": "AKIAIOSFODNN7EXAMPLE",
            "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }

    def client(self, service: str, **kwargs):
        return boto3.client(service, endpoint_url=self.url, region_name=kwargs.pop("region_name", REGION),
                            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"], **kwargs)

    def mutating_calls(self) -> int | None:
        """How many mutating AWS calls the sandbox has seen (None without the sandbox layer)."""
        if self.control is None:
            return None
        return self.control.summary()["mutating"]

    def calls_total(self) -> int | None:
        """How many AWS calls of any kind the sandbox has seen."""
        if self.control is None:
            return None
        return self.control.summary()["total"]

    def stop(self):
        self._emu.stop()


@pytest.fixture(scope="session")
def sandbox():
    sb = Sandbox()
    yield sb
    sb.stop()


@pytest.fixture(scope="session")
def ec2(sandbox):
    return sandbox.client("ec2")


@pytest.fixture(scope="session")
def route53(sandbox):
    return sandbox.client("route53")


@pytest.fixture
def module(sandbox):
    """``module(name, args, check=False, expect_failure=False)`` runs a collection module on the sandbox."""

    def _run(name, args, check=False, expect_failure=False, env=None):
        merged = dict(sandbox.env)
        merged.update(env or {})
        return run_module(name, args, merged, check=check, expect_failure=expect_failure)

    return _run


@pytest.fixture
def four_pass(sandbox, module):
    """Check, apply, check, apply: the first two change, the last two do not; check mode writes nothing.

    Returns the result of the first apply.
    """

    def _four(name, args, result_key):
        before = sandbox.mutating_calls()
        check1 = module(name, args, check=True)
        if before is not None:
            assert sandbox.mutating_calls() == before, f"{name} made mutating API calls in check mode"
        assert check1["changed"] is True, f"check mode on a fresh resource should report a change: {check1}"
        assert check1["operations"], "check mode should show the planned operations"
        apply1 = module(name, args)
        assert apply1["changed"] is True
        assert set(check1[result_key]) <= set(apply1[result_key]) | {"id"}, "check result shape differs"
        assert [op["action"] for op in check1["operations"]] == [op["action"] for op in apply1["operations"]]
        check2 = module(name, args, check=True)
        assert check2["changed"] is False, f"second check should be clean: {check2['operations']}"
        apply2 = module(name, args)
        assert apply2["changed"] is False, f"second apply should be clean: {apply2['operations']}"
        assert apply2[result_key] == apply1[result_key] or _same_ignoring_state(apply2[result_key], apply1[result_key])
        return apply1

    return _four


def _same_ignoring_state(a: dict, b: dict) -> bool:
    volatile = {"state", "version", "creation_timestamp"}
    return {k: v for k, v in a.items() if k not in volatile} == {k: v for k, v in b.items() if k not in volatile}
