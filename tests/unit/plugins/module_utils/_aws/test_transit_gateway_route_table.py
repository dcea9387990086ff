"""Transit Gateway route table planners, and real-AWS association/route behaviour (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import (
    transit_gateway_route_table as rt,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import (
    transit_gateway_route_table_plan as plan,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

TGW = "tgw-0123456789abcdef0"
TABLE, OTHER = "tgw-rtb-0000000000000000a", "tgw-rtb-0000000000000000b"
A, B = "tgw-attach-0000000000000000a", "tgw-attach-0000000000000000b"
OWN = [
    {"Key": "Name", "Value": "spokes"},
    {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
    {"Key": "cloudnet:topology", "Value": "t"},
]


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


def params(**kw):
    base = {
        "name": "spokes",
        "topology": "t",
        "state": "present",
        "transit_gateway_id": TGW,
        "associations": None,
        "purge_associations": True,
        "propagations": None,
        "purge_propagations": True,
        "routes": None,
        "purge_routes": True,
        "tags": None,
        "purge_tags": True,
        "wait": True,
        "wait_timeout": 30,
    }
    base.update(kw)
    return base


def static(cidr, att=None, state="active", **extra):
    route = {"DestinationCidrBlock": cidr, "Type": "static", "State": "blackhole" if att is None else state}
    if att:
        route["TransitGatewayAttachments"] = [
            {"TransitGatewayAttachmentId": att, "ResourceType": "vpc", "ResourceId": "vpc-0123456789abcdef0"}
        ]
    route.update(extra)
    return route


def existing_table(stub, associations=(), propagations=(), routes=()):
    stub.add_response(
        "describe_transit_gateway_route_tables",
        {
            "TransitGatewayRouteTables": [
                {
                    "TransitGatewayRouteTableId": TABLE,
                    "TransitGatewayId": TGW,
                    "State": "available",
                    "Tags": OWN,
                }
            ]
        },
    )
    stub.add_response(
        "get_transit_gateway_route_table_associations",
        {"Associations": [{"TransitGatewayAttachmentId": a, "State": "associated"} for a in associations]},
        {"TransitGatewayRouteTableId": TABLE},
    )
    stub.add_response(
        "get_transit_gateway_route_table_propagations",
        {
            "TransitGatewayRouteTablePropagations": [
                {"TransitGatewayAttachmentId": a, "State": "enabled"} for a in propagations
            ]
        },
        {"TransitGatewayRouteTableId": TABLE},
    )
    stub.add_response(
        "search_transit_gateway_routes",
        {"Routes": list(routes), "AdditionalRoutesAvailable": False},
        {"TransitGatewayRouteTableId": TABLE, "Filters": rt.STATIC_ROUTES},
    )


def attachment(att, table=None, state="associated"):
    item = {"TransitGatewayAttachmentId": att, "State": "available"}
    if table:
        item["Association"] = {"TransitGatewayRouteTableId": table, "State": state}
    return {"TransitGatewayAttachments": [item]}


@pytest.mark.parametrize(
    "have,want,purge,expected",
    [
        ([A], None, True, ([], [])),
        ([A], [A], True, ([], [])),
        ([], [A, B], True, ([A, B], [])),
        ([A, B], [B], True, ([], [A])),
        ([A, B], [B], False, ([], [])),
        ([A], [B], True, ([B], [A])),
        ([A], [], True, ([], [A])),
    ],
)
def test_plan_set(have, want, purge, expected):
    assert plan.plan_set(have, want, purge) == expected


@pytest.mark.parametrize(
    "have,want,purge,expected",
    [
        ({"10.0.0.0/8": A}, None, True, ({}, {}, [])),
        ({}, {"10.0.0.0/8": A}, True, ({"10.0.0.0/8": A}, {}, [])),
        ({"10.0.0.0/8": A}, {"10.0.0.0/8": A}, True, ({}, {}, [])),
        ({"10.0.0.0/8": A}, {"10.0.0.0/8": B}, True, ({}, {"10.0.0.0/8": B}, [])),
        ({"10.0.0.0/8": A}, {"10.0.0.0/8": "blackhole"}, True, ({}, {"10.0.0.0/8": "blackhole"}, [])),
        ({"10.0.0.0/8": A, "0.0.0.0/0": B}, {"10.0.0.0/8": A}, True, ({}, {}, ["0.0.0.0/0"])),
        ({"10.0.0.0/8": A, "0.0.0.0/0": B}, {"10.0.0.0/8": A}, False, ({}, {}, [])),
        ({"10.0.0.0/8": A}, {}, True, ({}, {}, ["10.0.0.0/8"])),
    ],
)
def test_plan_routes(have, want, purge, expected):
    assert plan.plan_routes(have, want, purge) == expected


def test_have_routes_keeps_static_cidr_routes_only():
    routes = [
        static("10.0.0.0/8", A),
        static("192.168.0.0/16"),
        {"DestinationCidrBlock": "10.1.0.0/16", "Type": "propagated", "State": "active"},
        static("172.16.0.0/12", A, PrefixListId="pl-0123456789abcdef0"),
    ]
    assert plan.have_routes(routes) == {"10.0.0.0/8": A, "192.168.0.0/16": "blackhole"}


@pytest.mark.parametrize(
    "routes,field",
    [
        ([{"destination_cidr": "10.0.0.1/8", "attachment_id": A}], "routes[0].destination_cidr"),
        ([{"destination_cidr": "10.0.0.0/8", "attachment_id": A, "blackhole": True}], "routes[0]"),
        ([{"destination_cidr": "10.0.0.0/8"}], "routes[0]"),
        ([{"destination_cidr": "10.0.0.0/8", "attachment_id": "tgw-attach-x"}], "routes[0].attachment_id"),
        (
            [
                {"destination_cidr": "10.0.0.0/8", "blackhole": True},
                {"destination_cidr": "10.0.0.0/8", "blackhole": True},
            ],
            "routes[1].destination_cidr",
        ),
    ],
)
def test_want_routes_rejects(routes, field):
    with pytest.raises(ValidationError) as err:
        plan.want_routes(routes)
    assert err.value.field == field


def test_validate_ids_and_render():
    with pytest.raises(ValidationError) as err:
        plan.validate(params(associations=[A, A]))
    assert err.value.field == "associations[1]"
    with pytest.raises(ValidationError) as err:
        plan.validate(params(propagations=["vpc-0123456789abcdef0"]))
    assert err.value.field == "propagations[0]"
    assert plan.render_routes({"10.0.0.0/8": "blackhole", "0.0.0.0/0": A}) == [
        {"destination_cidr": "0.0.0.0/0", "attachment_id": A},
        {"destination_cidr": "10.0.0.0/8", "blackhole": True},
    ]


def test_association_elsewhere_is_disassociated_and_settled_first():
    """Real AWS answers Resource.AlreadyAssociated to associating an attachment associated elsewhere."""
    conn, stub = stubbed()
    existing_table(stub)
    stub.add_response(
        "describe_transit_gateway_attachments", attachment(A, OTHER), {"TransitGatewayAttachmentIds": [A]}
    )
    stub.add_response(
        "disassociate_transit_gateway_route_table",
        {
            "Association": {
                "TransitGatewayRouteTableId": OTHER,
                "TransitGatewayAttachmentId": A,
                "State": "disassociating",
            }
        },
        {"TransitGatewayRouteTableId": OTHER, "TransitGatewayAttachmentId": A},
    )
    stub.add_response("describe_transit_gateway_attachments", attachment(A, OTHER, "disassociating"))
    stub.add_response("describe_transit_gateway_attachments", attachment(A))
    stub.add_response(
        "associate_transit_gateway_route_table",
        {
            "Association": {
                "TransitGatewayRouteTableId": TABLE,
                "TransitGatewayAttachmentId": A,
                "State": "associating",
            }
        },
        {"TransitGatewayRouteTableId": TABLE, "TransitGatewayAttachmentId": A},
    )
    stub.add_response("describe_transit_gateway_attachments", attachment(A, TABLE, "associating"))
    stub.add_response("describe_transit_gateway_attachments", attachment(A, TABLE))
    with stub:
        result = rt.RouteTableManager(conn, params(associations=[A]), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert [(op["action"], op["target"]) for op in result["operations"]] == [
        ("disassociate", OTHER),
        ("associate", TABLE),
    ]
    assert result["route_table"]["associations"] == [A]


def test_already_associated_error_surfaces_with_its_code():
    """Should AWS still refuse (a concurrent association), the error names the AWS code, no retry loop."""
    conn, stub = stubbed()
    existing_table(stub)
    stub.add_response("describe_transit_gateway_attachments", attachment(A))
    stub.add_client_error(
        "associate_transit_gateway_route_table",
        "Resource.AlreadyAssociated",
        f"Transit Gateway Attachment {A} is already associated to a route table.",
    )
    with stub, pytest.raises(Exception) as err:
        rt.RouteTableManager(conn, params(associations=[A]), check_mode=False).ensure()
    assert "Resource.AlreadyAssociated" in str(err.value)


def test_target_change_is_one_replace_call_and_blackhole_too():
    conn, stub = stubbed()
    existing_table(stub, routes=[static("0.0.0.0/0", A), static("10.0.0.0/8", A), static("172.16.0.0/12", A)])
    stub.add_response(
        "replace_transit_gateway_route",
        {"Route": static("0.0.0.0/0", B)},
        {
            "TransitGatewayRouteTableId": TABLE,
            "DestinationCidrBlock": "0.0.0.0/0",
            "TransitGatewayAttachmentId": B,
        },
    )
    stub.add_response(
        "replace_transit_gateway_route",
        {"Route": static("10.0.0.0/8")},
        {"TransitGatewayRouteTableId": TABLE, "DestinationCidrBlock": "10.0.0.0/8", "Blackhole": True},
    )
    stub.add_response(
        "delete_transit_gateway_route",
        {"Route": static("172.16.0.0/12", A, "deleting")},
        {"TransitGatewayRouteTableId": TABLE, "DestinationCidrBlock": "172.16.0.0/12"},
    )
    want = [
        {"destination_cidr": "0.0.0.0/0", "attachment_id": B},
        {"destination_cidr": "10.0.0.0/8", "blackhole": True},
    ]
    with stub:
        result = rt.RouteTableManager(conn, params(routes=want), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert result["route_table"]["routes"] == [
        {"destination_cidr": "0.0.0.0/0", "attachment_id": B},
        {"destination_cidr": "10.0.0.0/8", "blackhole": True},
    ]


def test_check_mode_predicts_the_same_shape_without_mutations():
    conn, stub = stubbed()
    existing_table(stub, associations=[B], propagations=[B], routes=[static("10.0.0.0/8", B)])
    stub.add_response("describe_transit_gateway_attachments", attachment(A, OTHER))
    with stub:
        result = rt.RouteTableManager(
            conn, params(associations=[A], propagations=[A], routes=[]), check_mode=True
        ).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == [
        "enable_propagation",
        "disassociate",
        "associate",
        "disassociate",
        "disable_propagation",
        "delete_route",
    ]
    after = result["route_table"]
    assert (after["associations"], after["propagations"], after["routes"]) == ([A], [A], [])
    assert set(after) == set(result["diff"]["before"])


def test_a_pending_attachment_is_waited_for_before_it_is_associated_and_propagated(monkeypatch):
    """AWS answers IncorrectState to associating or propagating an attachment that is not available."""
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    existing_table(stub)
    pending = {"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": A, "State": "pending"}]}
    stub.add_response("describe_transit_gateway_attachments", pending, {"TransitGatewayAttachmentIds": [A]})
    stub.add_response("describe_transit_gateway_attachments", pending, {"TransitGatewayAttachmentIds": [A]})
    stub.add_response("describe_transit_gateway_attachments", attachment(A), {"TransitGatewayAttachmentIds": [A]})
    stub.add_response(
        "enable_transit_gateway_route_table_propagation",
        {"Propagation": {"TransitGatewayAttachmentId": A, "TransitGatewayRouteTableId": TABLE, "State": "enabling"}},
        {"TransitGatewayRouteTableId": TABLE, "TransitGatewayAttachmentId": A},
    )
    stub.add_response(
        "associate_transit_gateway_route_table",
        {"Association": {"TransitGatewayRouteTableId": TABLE, "TransitGatewayAttachmentId": A, "State": "associated"}},
        {"TransitGatewayRouteTableId": TABLE, "TransitGatewayAttachmentId": A},
    )
    stub.add_response("describe_transit_gateway_attachments", attachment(A, TABLE))
    with stub:
        result = rt.RouteTableManager(conn, params(associations=[A], propagations=[A]), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["enable_propagation", "associate"]


def test_an_association_retried_after_its_lost_answer_is_done(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    existing_table(stub)
    stub.add_response("describe_transit_gateway_attachments", attachment(A))
    stub.add_client_error(
        "associate_transit_gateway_route_table", "Resource.AlreadyAssociated", response_meta={"RetryAttempts": 1}
    )
    stub.add_response("describe_transit_gateway_attachments", attachment(A, TABLE))
    with stub:
        result = rt.RouteTableManager(conn, params(associations=[A]), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert result["route_table"]["associations"] == [A]


def test_an_attachment_that_goes_away_while_waited_for_fails_the_wait(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    existing_table(stub)
    stub.add_response(
        "describe_transit_gateway_attachments",
        {"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": A, "State": "pending"}]},
    )
    stub.add_response(
        "describe_transit_gateway_attachments",
        {"TransitGatewayAttachments": [{"TransitGatewayAttachmentId": A, "State": "failed"}]},
    )
    with stub, pytest.raises(Exception) as err:
        rt.RouteTableManager(conn, params(associations=[A]), check_mode=False).ensure()
    assert "failed" in str(err.value)
