"""aws_transit_gateway_route_table and its _info sibling against the sandbox; read back through boto3."""

from __future__ import annotations

import random
import uuid

import pytest

MOD = "aws_transit_gateway_route_table"
ALL = [{"Name": "type", "Values": ["static", "propagated"]}]


def _tgw(ec2, default_tables=False):
    flag = "enable" if default_tables else "disable"
    return ec2.create_transit_gateway(
        Options={"DefaultRouteTableAssociation": flag, "DefaultRouteTablePropagation": flag}
    )["TransitGateway"]


def _attach(ec2, tgw_id):
    """A new VPC (random /16) attached to ``tgw_id``: returns (attachment id, VPC CIDR)."""
    cidr = f"10.{random.randint(0, 255)}.0.0/16"
    vpc_id = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc_id, CidrBlock=cidr.replace("0.0/16", "0.0/24"))["Subnet"]["SubnetId"]
    att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=[subnet])
    return att["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"], cidr


def _associations(ec2, table_id):
    return sorted(
        a["TransitGatewayAttachmentId"]
        for a in ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table_id)[
            "Associations"
        ]
        if a["State"] == "associated"
    )


def _routes(ec2, table_id):
    """``{(cidr, type): attachment id or "blackhole"}`` read from the sandbox."""
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table_id, Filters=ALL)["Routes"]
    return {
        (r["DestinationCidrBlock"], r["Type"]): (
            r.get("TransitGatewayAttachments") or [{"TransitGatewayAttachmentId": "blackhole"}]
        )[0]["TransitGatewayAttachmentId"]
        for r in routes
    }


def _name():
    return f"rt-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def hub(ec2):
    tgw_id = _tgw(ec2)["TransitGatewayId"]
    (att_a, cidr_a), (att_b, cidr_b) = _attach(ec2, tgw_id), _attach(ec2, tgw_id)
    return {"tgw": tgw_id, "a": att_a, "b": att_b, "cidr_a": cidr_a, "cidr_b": cidr_b}


def test_four_pass_and_read_back(four_pass, ec2, hub):
    args = {
        "name": _name(),
        "topology": "it",
        "transit_gateway_id": hub["tgw"],
        "associations": [hub["a"]],
        "propagations": [hub["b"]],
        "routes": [
            {"destination_cidr": "172.16.0.0/12", "attachment_id": hub["b"]},
            {"destination_cidr": "192.168.0.0/16", "blackhole": True},
        ],
    }
    result = four_pass(MOD, args, "route_table")
    table_id = result["route_table"]["transit_gateway_route_table_id"]
    assert _associations(ec2, table_id) == [hub["a"]]
    props = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table_id)[
        "TransitGatewayRouteTablePropagations"
    ]
    assert [(p["TransitGatewayAttachmentId"], p["State"]) for p in props] == [(hub["b"], "enabled")]
    routes = _routes(ec2, table_id)
    assert routes[("172.16.0.0/12", "static")] == hub["b"]
    assert routes[("192.168.0.0/16", "static")] == "blackhole"
    assert routes[(hub["cidr_b"], "propagated")] == hub["b"]
    table = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[table_id])[
        "TransitGatewayRouteTables"
    ][0]
    assert {t["Key"]: t["Value"] for t in table["Tags"]}["cloudnet:topology"] == "it"


def test_association_moved_from_default_and_between_tables(module, ec2):
    tgw = _tgw(ec2, default_tables=True)
    default = tgw["Options"]["AssociationDefaultRouteTableId"]
    att, _cidr = _attach(ec2, tgw["TransitGatewayId"])
    assert _associations(ec2, default) == [att]
    args = {"name": _name(), "transit_gateway_id": tgw["TransitGatewayId"], "associations": [att]}
    first = module(MOD, args)
    table_x = first["route_table"]["transit_gateway_route_table_id"]
    assert [(op["action"], op["target"]) for op in first["operations"]] == [
        ("create", f"transit-gateway-route-table/{args['name']}"),
        ("disassociate", default),
        ("associate", table_x),
    ]
    assert _associations(ec2, table_x) == [att] and _associations(ec2, default) == []
    second = module(MOD, dict(args, name=_name()))
    table_y = second["route_table"]["transit_gateway_route_table_id"]
    assert ("disassociate", table_x) in [(op["action"], op["target"]) for op in second["operations"]]
    assert _associations(ec2, table_y) == [att] and _associations(ec2, table_x) == []
    info = module(f"{MOD}_info", {"transit_gateway_route_table_ids": [table_x, table_y]})
    assert [t["associations"] for t in info["route_tables"]] == [
        [] if t["transit_gateway_route_table_id"] == table_x else [att] for t in info["route_tables"]
    ]


def test_route_target_replaced_and_purge_spares_propagated(module, ec2, hub):
    args = {
        "name": _name(),
        "transit_gateway_id": hub["tgw"],
        "propagations": [hub["a"]],
        "routes": [
            {"destination_cidr": "172.16.0.0/12", "attachment_id": hub["a"]},
            {"destination_cidr": "192.168.0.0/16", "attachment_id": hub["a"]},
        ],
    }
    table_id = module(MOD, args)["route_table"]["transit_gateway_route_table_id"]
    moved = dict(args, routes=[{"destination_cidr": "172.16.0.0/12", "attachment_id": hub["b"]}])
    check = module(MOD, moved, check=True)
    assert _routes(ec2, table_id)[("172.16.0.0/12", "static")] == hub["a"], "check mode changed a route"
    result = module(MOD, moved)
    assert [(op["action"], op.get("destination_cidr")) for op in result["operations"]] == [
        ("replace_route", "172.16.0.0/12"),
        ("delete_route", "192.168.0.0/16"),
    ]
    assert check["operations"] == result["operations"]
    routes = _routes(ec2, table_id)
    assert routes[("172.16.0.0/12", "static")] == hub["b"]
    assert ("192.168.0.0/16", "static") not in routes
    emptied = module(MOD, dict(args, routes=[]))
    assert [op["action"] for op in emptied["operations"]] == ["delete_route"]
    assert _routes(ec2, table_id) == {(hub["cidr_a"], "propagated"): hub["a"]}, (
        "propagated route must survive"
    )


def test_absent_clears_associations_then_deletes(module, ec2, hub):
    args = {
        "name": _name(),
        "transit_gateway_id": hub["tgw"],
        "associations": [hub["a"]],
        "propagations": [hub["b"]],
    }
    table_id = module(MOD, args)["route_table"]["transit_gateway_route_table_id"]
    gone = module(MOD, dict(args, state="absent"))
    assert [op["action"] for op in gone["operations"]] == ["disassociate", "disable_propagation", "delete"]
    left = ec2.describe_transit_gateway_route_tables(TransitGatewayRouteTableIds=[table_id])[
        "TransitGatewayRouteTables"
    ]
    assert all(t["State"] in ("deleting", "deleted") for t in left)
    assert module(MOD, dict(args, state="absent"))["changed"] is False


def test_route_with_two_targets_fails_before_any_call(module, sandbox, hub):
    before = sandbox.mutating_calls()
    failed = module(
        MOD,
        {
            "name": _name(),
            "transit_gateway_id": hub["tgw"],
            "routes": [
                {"destination_cidr": "10.0.0.0/8", "blackhole": True},
                {"destination_cidr": "172.16.0.0/12", "attachment_id": hub["a"], "blackhole": True},
            ],
        },
        expect_failure=True,
    )
    assert failed["msg"].startswith("routes[1]:") and "exactly one target" in failed["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before
