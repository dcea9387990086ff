"""Fixtures for the AWS sandbox server tests: one server per session on a free port, driven by boto3."""

from __future__ import annotations

import pathlib
import sys
from collections.abc import Iterator
from typing import Any

ROOT = pathlib.Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import boto3  # noqa: E402 - after the sys.path set-up above
import pytest  # noqa: E402
from botocore.config import Config  # noqa: E402

from sandbox.aws import server  # noqa: E402
from sandbox.aws.client import SandboxControl  # noqa: E402

REGION = "us-east-1"


@pytest.fixture(scope="session")
def aws_sandbox() -> Iterator[server.Emulator]:
    emulator = server.start("127.0.0.1", 0)
    yield emulator
    emulator.stop()


@pytest.fixture
def control(aws_sandbox: server.Emulator) -> Iterator[SandboxControl]:
    """Control client on a freshly reset sandbox (moto state, calls, faults, settings)."""
    ctl = SandboxControl(aws_sandbox.url)
    ctl.reset()
    yield ctl
    ctl.reset()


@pytest.fixture
def make_client(aws_sandbox: server.Emulator, control: SandboxControl):
    """boto3 clients configured only through standard settings (endpoint, keys, retry mode)."""

    def make(service: str, max_attempts: int = 1, credentials: dict[str, str] | None = None, **config: Any):
        creds = credentials or {
            "aws_access_key_id": server.ACCESS_KEY_ID,
            "aws_secret_access_key": server.SECRET_ACCESS_KEY,
        }
        retries = {"mode": "standard", "total_max_attempts": max_attempts}
        return boto3.client(
            service,
            region_name=config.pop("region_name", REGION),
            endpoint_url=aws_sandbox.url,
            config=Config(retries=retries, **config),
            **creds,
        )

    return make
