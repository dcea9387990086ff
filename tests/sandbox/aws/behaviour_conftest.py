"""Helpers for the moto behaviour tests: patched in-process moto driven through boto3."""

from __future__ import annotations

import contextlib
import pathlib
import sys
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws

ROOT = pathlib.Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox.aws.patches import apply_all  # noqa: E402  (needs the repository root on sys.path)

REGION = "us-east-1"
# One botocore session for every client: its loader caches the (large) service models.
_SESSION = boto3.session.Session()
SETTINGS: dict[str, Any] = {"pending_reads": 0}


@contextlib.contextmanager
def patched_aws(pending_reads: int = 0) -> Iterator[dict[str, Any]]:
    """Patched moto with the given ``pending_reads``; yields the shared settings dict."""
    apply_all(SETTINGS)
    SETTINGS["pending_reads"] = pending_reads
    with mock_aws():
        try:
            yield SETTINGS
        finally:
            SETTINGS["pending_reads"] = 0


def client(service: str, region: str = REGION, **kwargs: Any) -> Any:
    return _SESSION.client(
        service, region_name=region, aws_access_key_id="testing", aws_secret_access_key="testing", **kwargs
    )


def assumed_client(service: str, account_id: str, region: str = REGION) -> Any:
    """A client acting in another account through STS assumed-role credentials."""
    creds = client("sts").assume_role(
        RoleArn=f"arn:aws:iam::{account_id}:role/network", RoleSessionName="behaviour-test"
    )["Credentials"]
    return _SESSION.client(
        service,
        region_name=region,
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
    )


def error_code(excinfo: pytest.ExceptionInfo[ClientError]) -> str:
    return excinfo.value.response["Error"]["Code"]


def vpc_with_subnets(
    ec2: Any, cidr: str = "10.0.0.0/16", azs: tuple[str, ...] = ("us-east-1a",)
) -> tuple[str, list[str]]:
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    base = cidr.split(".")
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, AvailabilityZone=az, CidrBlock=f"{base[0]}.{base[1]}.{i}.0/24")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate(azs)
    ]
    return vpc_id, subnets
