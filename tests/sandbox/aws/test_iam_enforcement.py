"""IAM enforcement in the AWS sandbox: the ``iam_enforcement`` setting, signatures, denials per protocol.

Route 53 is a REST API: moto finds the operation from the method and path, and the IAM action must be
``route53:<Operation>`` for every operation the collection calls (checked one by one below).
"""

from __future__ import annotations

import json
import pathlib

import botocore
import pytest
from botocore.exceptions import ClientError

from sandbox.aws import server
from sandbox.aws.client import SandboxControl

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHIPPED = json.loads((ROOT / "docs" / "iam" / "cloudnet-privatelink.json").read_text())
VPC = {"VPCRegion": "us-east-1", "VPCId": "vpc-0000000000000000a"}
RECORD = {"Name": "a.example.com", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}
# Minimal valid parameters of every Route 53 operation the shipped policy allows.
ROUTE53_CALLS = {
    "AssociateVPCWithHostedZone": {"HostedZoneId": "Z0000000000000000001", "VPC": VPC},
    "ChangeResourceRecordSets": {"HostedZoneId": "Z0000000000000000001",
                                 "ChangeBatch": {"Changes": [{"Action": "CREATE", "ResourceRecordSet": RECORD}]}},
    "ChangeTagsForResource": {"ResourceType": "hostedzone", "ResourceId": "Z0000000000000000001",
                              "AddTags": [{"Key": "k", "Value": "v"}]},
    "CreateHostedZone": {"Name": "iam-check.example.com", "CallerReference": "iam-check"},
    "CreateVPCAssociationAuthorization": {"HostedZoneId": "Z0000000000000000001", "VPC": VPC},
    "DeleteHostedZone": {"Id": "Z0000000000000000001"},
    "DeleteVPCAssociationAuthorization": {"HostedZoneId": "Z0000000000000000001", "VPC": VPC},
    "DisassociateVPCFromHostedZone": {"HostedZoneId": "Z0000000000000000001", "VPC": VPC},
    "GetChange": {"Id": "C0000000000000000001"},
    "GetHostedZone": {"Id": "Z0000000000000000001"},
    "ListHostedZonesByName": {},
    "ListHostedZonesByVPC": {"VPCId": VPC["VPCId"], "VPCRegion": "us-east-1"},
    "ListResourceRecordSets": {"HostedZoneId": "Z0000000000000000001"},
    "ListTagsForResources": {"ResourceType": "hostedzone", "ResourceIds": ["Z0000000000000000001"]},
    "ListVPCAssociationAuthorizations": {"HostedZoneId": "Z0000000000000000001"},
}
DENIED_CODES = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation"}


def shipped_actions(prefix: str) -> set[str]:
    return {a.split(":", 1)[1] for a in SHIPPED["Statement"][0]["Action"] if a.startswith(f"{prefix}:")}


@pytest.fixture
def make_user(make_client):
    """Create an IAM user with ``actions`` allowed (before enforcement); return its boto3 credentials."""
    iam = make_client("iam")
    counter = iter(range(1000))

    def make(actions: list[str]) -> dict[str, str]:
        name = f"user-{next(counter)}"
        iam.create_user(UserName=name)
        document = {"Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": sorted(actions), "Resource": "*"}]}
        arn = iam.create_policy(PolicyName=f"{name}-policy", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
        iam.attach_user_policy(UserName=name, PolicyArn=arn)
        key = iam.create_access_key(UserName=name)["AccessKey"]
        return {"aws_access_key_id": key["AccessKeyId"], "aws_secret_access_key": key["SecretAccessKey"]}

    return make


def error_of(call) -> dict:
    with pytest.raises(ClientError) as excinfo:
        call()
    return {**excinfo.value.response["Error"], "status": excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"]}


def test_enforcement_is_off_by_default_and_a_control_setting(control, make_client):
    assert "iam_enforcement" not in control.settings()
    ec2 = make_client("ec2")
    ec2.describe_vpcs()  # the default sandbox keys are not IAM users: fine while enforcement is off
    assert control.settings(iam_enforcement=True)["iam_enforcement"] is True
    assert server.iam_enforced()
    assert error_of(ec2.describe_vpcs)["Code"] == "AuthFailure"
    assert error_of(make_client("sts").get_caller_identity)["Code"] == "InvalidClientTokenId"
    control.reset()
    assert not server.iam_enforced()
    ec2.describe_vpcs()


def test_allowed_actions_pass_and_others_are_denied_naming_the_action(control, make_client, make_user):
    creds = make_user(["ec2:DescribeVpcs", "ec2:CreateVpc"])
    control.settings(iam_enforcement=True, page_size=2)
    ec2 = make_client("ec2", credentials=creds)
    vpc_id = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
    ec2.create_vpc(CidrBlock="10.10.0.0/16")
    # Paged reads: the signature covers MaxResults/NextToken even though moto never sees them.
    vpcs = [v for page in ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 5})
            for v in page["Vpcs"]]
    assert vpc_id in {v["VpcId"] for v in vpcs}
    denied = error_of(lambda: ec2.delete_vpc(VpcId=vpc_id))
    assert denied["Code"] == "UnauthorizedOperation" and denied["status"] == 403
    assert "is not authorized to perform: ec2:DeleteVpc" in denied["Message"]
    # The denial changed nothing.
    assert vpc_id in {v["VpcId"] for v in ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]}


def test_wrong_secret_is_refused(control, make_client, make_user):
    creds = make_user(["ec2:DescribeVpcs"])
    control.settings(iam_enforcement=True)
    ec2 = make_client("ec2", credentials={**creds, "aws_secret_access_key": "not-the-secret"})
    assert error_of(ec2.describe_vpcs)["Code"] == "AuthFailure"
    r53 = make_client("route53", credentials={**creds, "aws_secret_access_key": "not-the-secret"})
    assert error_of(r53.list_hosted_zones_by_name)["Code"] == "SignatureDoesNotMatch"
    nfw = make_client("network-firewall", credentials={**creds, "aws_secret_access_key": "not-the-secret"})
    assert error_of(nfw.list_firewalls)["Code"] == "InvalidSignatureException"
    unknown = {"aws_access_key_id": "AKIAUNKNOWNKEY000000", "aws_secret_access_key": "x"}
    assert error_of(make_client("route53", credentials=unknown).list_hosted_zones_by_name)["Code"] == \
        "InvalidClientTokenId"
    assert error_of(make_client("network-firewall", credentials=unknown).list_firewalls)["Code"] == \
        "UnrecognizedClientException"


def test_every_route53_operation_of_the_policy_is_checked_against_its_own_iam_action(control, make_client, make_user):
    assert set(ROUTE53_CALLS) == shipped_actions("route53"), "ROUTE53_CALLS must list the policy's Route 53 actions"
    nothing = make_user(["ec2:DescribeVpcs"])
    everything = make_user([f"route53:{op}" for op in ROUTE53_CALLS])
    control.settings(iam_enforcement=True)
    denied_client = make_client("route53", credentials=nothing)
    allowed_client = make_client("route53", credentials=everything)
    for operation, params in ROUTE53_CALLS.items():
        method = botocore.xform_name(operation)
        denied = error_of(lambda m=method, p=params: getattr(denied_client, m)(**p))
        assert (denied["Code"], denied["status"]) == ("AccessDenied", 403), operation
        assert f"is not authorized to perform: route53:{operation} " in denied["Message"], denied
        try:
            getattr(allowed_client, method)(**params)
        except ClientError as err:  # not found and the like: the action itself was authorized
            assert err.response["Error"]["Code"] not in DENIED_CODES, (operation, err.response["Error"])


def test_json_service_denial_is_an_access_denied_exception(control, make_client, make_user):
    creds = make_user(["network-firewall:ListFirewalls"])
    control.settings(iam_enforcement=True)
    nfw = make_client("network-firewall", credentials=creds)
    assert nfw.list_firewalls()["Firewalls"] == []
    denied = error_of(nfw.list_rule_groups)
    assert denied["Code"] == "AccessDeniedException"
    assert "is not authorized to perform: network-firewall:ListRuleGroups " in denied["Message"]


def test_start_option_enables_enforcement_until_stop(aws_sandbox, make_client):
    emulator = server.start("127.0.0.1", 0, iam_enforcement=True)
    try:
        control = SandboxControl(emulator.url)
        assert control.settings()["iam_enforcement"] is True
        control.reset()  # reset restores the start value
        assert control.settings()["iam_enforcement"] is True
        assert server.iam_enforced()
    finally:
        emulator.stop()
    # The session's sandbox decides again once the enforcing one stopped.
    assert not server.iam_enforced()
    make_client("ec2").describe_vpcs()
