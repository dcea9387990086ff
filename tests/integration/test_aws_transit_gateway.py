"""aws_transit_gateway and aws_transit_gateway_info against the sandbox; state read back through boto3."""

from __future__ import annotations

import uuid


def _name():
    return f"tgw-it-{uuid.uuid4().hex[:8]}"


def _tgw(ec2, tgw_id):
    return ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"][0]


def test_four_pass_defaults_disable_default_tables(four_pass, ec2):
    name = _name()
    result = four_pass(
        "aws_transit_gateway",
        {"name": name, "topology": "it", "description": "hub", "asn": 64600, "tags": {"env": "test"}},
        "transit_gateway",
    )
    tgw = _tgw(ec2, result["transit_gateway"]["transit_gateway_id"])
    assert tgw["State"] == "available" and tgw["Description"] == "hub"
    opts = tgw["Options"]
    assert opts["DefaultRouteTableAssociation"] == "disable"
    assert opts["DefaultRouteTablePropagation"] == "disable"
    assert opts["AutoAcceptSharedAttachments"] == "disable"
    assert opts["AmazonSideAsn"] == 64600
    tags = {t["Key"]: t["Value"] for t in tgw["Tags"]}
    assert tags == {
        "Name": name,
        "env": "test",
        "cloudnet:managed-by": "cloudnet.privatelink",
        "cloudnet:topology": "it",
    }


def test_modify_in_place_and_info(module, ec2):
    name = _name()
    first = module("aws_transit_gateway", {"name": name, "description": "one"})
    tgw_id = first["transit_gateway"]["transit_gateway_id"]
    args = {"name": name, "description": "two", "dns_support": False, "auto_accept_shared_attachments": True}
    check = module("aws_transit_gateway", args, check=True)
    assert check["changed"] is True and _tgw(ec2, tgw_id)["Description"] == "one"
    second = module("aws_transit_gateway", args)
    assert [op["action"] for op in second["operations"]] == ["modify"]
    assert second["transit_gateway"]["transit_gateway_id"] == tgw_id
    assert check["transit_gateway"] == second["transit_gateway"] | {
        "state": check["transit_gateway"]["state"]
    }
    tgw = _tgw(ec2, tgw_id)
    assert tgw["Description"] == "two"
    assert tgw["Options"]["DnsSupport"] == "disable"
    assert tgw["Options"]["AutoAcceptSharedAttachments"] == "enable"
    info = module("aws_transit_gateway_info", {"names": [name]})
    assert [t["transit_gateway_id"] for t in info["transit_gateways"]] == [tgw_id]
    assert info["transit_gateways"][0]["options"]["dns_support"] is False


def test_absent_refuses_while_attachments_exist_then_deletes(module, ec2):
    name = _name()
    tgw_id = module("aws_transit_gateway", {"name": name})["transit_gateway"]["transit_gateway_id"]
    vpc_id = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.42.0.0/24")["Subnet"]["SubnetId"]
    att = ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=[subnet]
    )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
    failed = module("aws_transit_gateway", {"name": name, "state": "absent"}, expect_failure=True)
    assert att in failed["msg"] and vpc_id in failed["msg"] and "Fix:" in failed["msg"]
    assert _tgw(ec2, tgw_id)["State"] == "available"
    ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att)
    gone = module("aws_transit_gateway", {"name": name, "state": "absent"})
    assert gone["changed"] is True and gone["transit_gateway"] == {}
    remaining = ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"]
    assert [t["State"] for t in remaining if t["State"] not in ("deleting", "deleted")] == []
    again = module("aws_transit_gateway", {"name": name, "state": "absent"})
    assert again["changed"] is False


def test_absent_leaves_unmanaged_gateway_alone(module, ec2):
    name = _name()
    tgw_id = ec2.create_transit_gateway(
        TagSpecifications=[{"ResourceType": "transit-gateway", "Tags": [{"Key": "Name", "Value": name}]}]
    )["TransitGateway"]["TransitGatewayId"]
    result = module("aws_transit_gateway", {"name": name, "state": "absent"})
    assert result["changed"] is False
    assert _tgw(ec2, tgw_id)["State"] not in ("deleting", "deleted")


def test_bad_asn_fails_before_any_call(module, sandbox):
    before = sandbox.mutating_calls()
    failed = module("aws_transit_gateway", {"name": _name(), "asn": 100}, expect_failure=True)
    assert failed["msg"].startswith("asn:") and "64512" in failed["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before
