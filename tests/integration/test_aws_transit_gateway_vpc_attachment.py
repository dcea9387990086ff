"""aws_transit_gateway_vpc_attachment and its _info sibling against the sandbox; read back through boto3."""

from __future__ import annotations

import random
import uuid

import pytest

MOD = "aws_transit_gateway_vpc_attachment"


@pytest.fixture
def tgw_id(ec2):
    return ec2.create_transit_gateway(
        Options={"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
    )["TransitGateway"]["TransitGatewayId"]


@pytest.fixture
def vpc(ec2):
    """A VPC with one subnet in each of three Availability Zones."""
    second = random.randint(0, 255)
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{second}.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{second}.{i}.0/24", AvailabilityZone=f"us-east-1{az}")[
            "Subnet"
        ]["SubnetId"]
        for i, az in enumerate("abc")
    ]
    return vpc_id, subnets


def _att(ec2, att_id):
    return ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])[
        "TransitGatewayVpcAttachments"
    ][0]


def test_four_pass_and_read_back(four_pass, ec2, tgw_id, vpc):
    vpc_id, subnets = vpc
    name = f"att-{uuid.uuid4().hex[:8]}"
    args = {
        "name": name,
        "topology": "it",
        "transit_gateway_id": tgw_id,
        "vpc_id": vpc_id,
        "subnet_ids": subnets[:2],
        "appliance_mode_support": True,
    }
    result = four_pass(MOD, args, "attachment")
    att = _att(ec2, result["attachment"]["transit_gateway_attachment_id"])
    assert att["State"] == "available" and sorted(att["SubnetIds"]) == sorted(subnets[:2])
    assert att["Options"]["ApplianceModeSupport"] == "enable" and att["Options"]["DnsSupport"] == "enable"
    tags = {t["Key"]: t["Value"] for t in att["Tags"]}
    assert tags["Name"] == name and tags["cloudnet:topology"] == "it"


def test_subnets_added_and_removed_in_place(module, ec2, tgw_id, vpc):
    vpc_id, subnets = vpc
    args = {"transit_gateway_id": tgw_id, "vpc_id": vpc_id, "subnet_ids": subnets[:2]}
    att_id = module(MOD, args)["attachment"]["transit_gateway_attachment_id"]
    moved = dict(args, subnet_ids=[subnets[2], subnets[1]], dns_support=False)
    check = module(MOD, moved, check=True)
    assert sorted(_att(ec2, att_id)["SubnetIds"]) == sorted(subnets[:2]), "check mode changed subnets"
    result = module(MOD, moved)
    [op] = result["operations"]
    assert op["action"] == "modify" and op["add_subnet_ids"] == [subnets[2]]
    assert op["remove_subnet_ids"] == [subnets[0]]
    assert check["operations"] == result["operations"]
    att = _att(ec2, att_id)
    assert att["TransitGatewayAttachmentId"] == att_id, "the attachment must be modified, not recreated"
    assert sorted(att["SubnetIds"]) == sorted(subnets[1:])
    assert att["Options"]["DnsSupport"] == "disable"
    assert result["attachment"]["subnet_ids"] == sorted(subnets[1:])
    info = module(f"{MOD}_info", {"vpc_id": vpc_id})
    assert info["attachments"] == [result["attachment"]]


def test_unmanaged_attachment_on_the_same_vpc_is_an_error(module, ec2, tgw_id, vpc):
    vpc_id, subnets = vpc
    att_id = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=subnets[:1]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    args = {"transit_gateway_id": tgw_id, "vpc_id": vpc_id, "subnet_ids": subnets[:1]}
    failed = module(MOD, args, expect_failure=True)
    assert att_id in failed["msg"] and "Fix:" in failed["msg"]
    left = module(MOD, dict(args, state="absent"))
    assert left["changed"] is False and _att(ec2, att_id)["State"] == "available"


def test_absent_deletes(module, ec2, tgw_id, vpc):
    vpc_id, subnets = vpc
    args = {"transit_gateway_id": tgw_id, "vpc_id": vpc_id, "subnet_ids": subnets[:1]}
    att_id = module(MOD, args)["attachment"]["transit_gateway_attachment_id"]
    gone = module(MOD, dict(args, state="absent"))
    assert gone["changed"] is True and gone["attachment"] == {}
    left = ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])[
        "TransitGatewayVpcAttachments"
    ]
    assert all(a["State"] in ("deleting", "deleted") for a in left)
    assert module(MOD, dict(args, state="absent"))["changed"] is False


def test_bad_subnet_fails_before_any_call(module, sandbox, tgw_id, vpc):
    vpc_id, subnets = vpc
    before = sandbox.mutating_calls()
    failed = module(
        MOD,
        {"transit_gateway_id": tgw_id, "vpc_id": vpc_id, "subnet_ids": [subnets[0], "sub-1"]},
        expect_failure=True,
    )
    assert failed["msg"].startswith("subnet_ids[1]:") and "'sub-1'" in failed["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before
