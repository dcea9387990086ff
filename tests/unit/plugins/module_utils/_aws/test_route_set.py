"""Route set normalisers and planners, and real-AWS route shapes moto cannot produce (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import route_set as rs
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)

RTB = "rtb-0123456789abcdef0"
VPC = "vpc-0123456789abcdef0"
TGW, TGW2 = "tgw-0000000000000000a", "tgw-0000000000000000b"
IGW = "igw-0000000000000000a"
VGW = "vgw-0000000000000000a"
PL = "pl-0000000000000000a"
VPCE = "vpce-0000000000000000a"


# --- validation ------------------------------------------------------------------------------------


def test_want_routes_canonical():
    config = [
        {"destination_cidr": " 10.0.0.0/8", "transit_gateway_id": TGW},
        {"destination_prefix_list_id": PL, "vpc_endpoint_id": VPCE},
        {"destination_cidr": "FD00::/8", "gateway_id": IGW},
        {"destination_cidr": "0.0.0.0/0", "gateway_id": VGW},
    ]
    assert rs.want_routes(config, "merged") == {"10.0.0.0/8": TGW, PL: VPCE, "fd00::/8": IGW, "0.0.0.0/0": VGW}


def test_deleted_allows_a_destination_without_target():
    assert rs.want_routes([{"destination_cidr": "10.0.0.0/8"}], "deleted") == {"10.0.0.0/8": None}


@pytest.mark.parametrize(
    "route, state, field",
    [
        ({"destination_cidr": "10.0.0.1/8", "transit_gateway_id": TGW}, "merged", "config[0].destination_cidr"),
        ({"destination_cidr": "10.0.0.0", "transit_gateway_id": TGW}, "merged", "config[0].destination_cidr"),
        ({"destination_cidr": "10.0.0.0/8", "destination_prefix_list_id": PL, "transit_gateway_id": TGW},
         "merged", "config[0]"),
        ({"transit_gateway_id": TGW}, "merged", "config[0]"),
        ({"destination_cidr": "10.0.0.0/8"}, "merged", "config[0]"),
        ({"destination_cidr": "10.0.0.0/8"}, "overridden", "config[0]"),
        ({"destination_cidr": "10.0.0.0/8", "transit_gateway_id": TGW, "gateway_id": IGW}, "merged", "config[0]"),
        ({"destination_cidr": "10.0.0.0/8", "transit_gateway_id": TGW, "gateway_id": IGW}, "deleted", "config[0]"),
        ({"destination_prefix_list_id": "pl-1", "transit_gateway_id": TGW}, "merged",
         "config[0].destination_prefix_list_id"),
        ({"destination_cidr": "10.0.0.0/8", "transit_gateway_id": "tgw-XYZ"}, "merged",
         "config[0].transit_gateway_id"),
        ({"destination_cidr": "10.0.0.0/8", "gateway_id": TGW}, "merged", "config[0].gateway_id"),
        ({"destination_cidr": "10.0.0.0/8", "nat_gateway_id": IGW}, "merged", "config[0].nat_gateway_id"),
    ],
)
def test_want_routes_rejects_by_field(route, state, field):
    with pytest.raises(ValidationError) as err:
        rs.want_routes([route], state)
    assert err.value.field == field
    assert "Fix:" in err.value.message


def test_want_routes_rejects_repeated_destination():
    config = [{"destination_cidr": "10.0.0.0/8", "transit_gateway_id": TGW},
              {"destination_cidr": "10.0.0.0/8", "gateway_id": IGW}]
    with pytest.raises(ValidationError) as err:
        rs.want_routes(config, "merged")
    assert err.value.field == "config[1]"


@pytest.mark.parametrize(
    "params, field",
    [
        ({}, "route_table_ids"),
        ({"route_table_ids": [RTB], "vpc_id": VPC}, "route_table_ids"),
        ({"route_table_ids": ["rtb-1"]}, "route_table_ids[0]"),
        ({"route_table_ids": [RTB, RTB]}, "route_table_ids"),
        ({"vpc_id": "vpc-nope"}, "vpc_id"),
        ({"route_table_ids": [RTB], "route_table_filters": {"tag:x": "y"}}, "route_table_filters"),
        ({"vpc_id": VPC, "state": "rendered"}, "vpc_id"),
        ({"route_table_ids": [RTB], "state": "present"}, "state"),
    ],
)
def test_validate_scope(params, field):
    with pytest.raises(ValidationError) as err:
        rs.validate(params)
    assert err.value.field == field


# --- ownership tags --------------------------------------------------------------------------------


def test_routes_tags_round_trip_within_the_value_limit():
    dests = {f"10.{i}.0.0/16" for i in range(60)} | {PL}
    tags = rs.routes_tags(dests)
    assert len(tags) > 1
    assert list(tags)[:2] == ["cloudnet:routes", "cloudnet:routes:1"]
    assert all(len(v) <= rs.TAG_VALUE_MAX for v in tags.values())
    assert rs.managed_destinations(dict(tags, Name="x", **{"cloudnet:routesx": "1.1.1.1/32"})) == dests


def test_routes_tags_empty_and_too_many():
    assert rs.routes_tags(set()) == {}
    with pytest.raises(ValidationError):
        rs.routes_tags({f"2001:db8:{i:x}::/48" for i in range(1000)})
    with pytest.raises(ValidationError):
        rs.plan_table(RTB, {}, set(), {f"2001:db8:{i:x}::/48": TGW for i in range(1000)}, "merged", False)


def test_tag_delta_only_touches_route_tags():
    have = {"cloudnet:routes": "a", "cloudnet:routes:1": "b", "Name": "x"}
    assert rs.tag_delta(have, {"cloudnet:routes": "a c"}) == ({"cloudnet:routes": "a c"}, ["cloudnet:routes:1"])
    assert rs.tag_delta(have, {}) == ({}, ["cloudnet:routes", "cloudnet:routes:1"])


# --- reading ---------------------------------------------------------------------------------------

LOCAL = {"DestinationCidrBlock": "10.1.0.0/16", "GatewayId": "local", "Origin": "CreateRouteTable", "State": "active"}
PROPAGATED = {"DestinationCidrBlock": "192.168.0.0/16", "GatewayId": VGW, "Origin": "EnableVgwRoutePropagation",
              "State": "active"}


@pytest.mark.parametrize(
    "route, dest, target, option",
    [
        ({"DestinationPrefixListId": PL, "TransitGatewayId": TGW}, PL, TGW, "transit_gateway_id"),
        ({"DestinationPrefixListId": PL, "GatewayId": VPCE}, PL, VPCE, "vpc_endpoint_id"),
        ({"DestinationCidrBlock": "0.0.0.0/0", "InstanceId": "i-0123456789abcdef0", "InstanceOwnerId": "1",
          "NetworkInterfaceId": "eni-0123456789abcdef0"}, "0.0.0.0/0", "eni-0123456789abcdef0",
         "network_interface_id"),
        ({"DestinationIpv6CidrBlock": "::/0", "EgressOnlyInternetGatewayId": "eigw-0123456789abcdef0"}, "::/0",
         "eigw-0123456789abcdef0", "egress_only_internet_gateway_id"),
        ({"DestinationCidrBlock": "10.2.0.0/16", "VpcPeeringConnectionId": "pcx-0123456789abcdef0"},
         "10.2.0.0/16", "pcx-0123456789abcdef0", "vpc_peering_connection_id"),
        ({"DestinationCidrBlock": "10.3.0.0/16", "NatGatewayId": "nat-0123456789abcdef0"},
         "10.3.0.0/16", "nat-0123456789abcdef0", "nat_gateway_id"),
    ],
)
def test_route_destination_and_target(route, dest, target, option):
    assert rs.route_destination(route) == dest
    assert rs.route_target(route) == target
    assert rs.target_option(target) == option


def test_classify_separates_local_and_propagated():
    static = {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": IGW, "Origin": "CreateRoute"}
    out = rs.classify({"Routes": [LOCAL, PROPAGATED, static]})
    assert out == {"static": {"0.0.0.0/0": static}, "local": [LOCAL], "propagated": [PROPAGATED]}


@pytest.mark.parametrize(
    "dest, target, args",
    [
        ("10.0.0.0/8", TGW, {"DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": TGW}),
        ("fd00::/8", IGW, {"DestinationIpv6CidrBlock": "fd00::/8", "GatewayId": IGW}),
        (PL, VPCE, {"DestinationPrefixListId": PL, "VpcEndpointId": VPCE}),
        (PL, None, {"DestinationPrefixListId": PL}),
    ],
)
def test_route_args(dest, target, args):
    assert rs.route_args(RTB, dest, target) == dict(args, RouteTableId=RTB)


# --- planning --------------------------------------------------------------------------------------

A, B, C = "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"


@pytest.mark.parametrize(
    "state, static, managed, want, take_over, expect",
    [
        # merged: create missing, retarget managed, keep other managed, ignore foreign elsewhere.
        ("merged", {B: TGW, C: IGW}, {B}, {A: TGW, B: TGW2}, False,
         {"create": {A: TGW}, "replace": {B: TGW2}, "delete": [], "claim": [], "managed_after": {A, B}}),
        ("merged", {A: TGW, B: TGW}, {A, B}, {A: TGW}, False,
         {"create": {}, "replace": {}, "delete": [], "claim": [], "managed_after": {A, B}}),
        # replaced plans like merged (one target per destination).
        ("replaced", {A: TGW, B: TGW}, {A, B}, {A: TGW2}, False,
         {"create": {}, "replace": {A: TGW2}, "delete": [], "claim": [], "managed_after": {A, B}}),
        # overridden: managed routes become exactly want; foreign C stays.
        ("overridden", {A: TGW, B: TGW, C: IGW}, {A, B}, {A: TGW}, False,
         {"create": {}, "replace": {}, "delete": [B], "claim": [], "managed_after": {A}}),
        ("overridden", {A: TGW, C: IGW}, {A}, {}, False,
         {"create": {}, "replace": {}, "delete": [A], "claim": [], "managed_after": set()}),
        # take_over: foreign route on a declared destination is replaced and claimed.
        ("merged", {A: IGW}, set(), {A: TGW}, True,
         {"create": {}, "replace": {A: TGW}, "delete": [], "claim": [A], "managed_after": {A}}),
        ("merged", {A: TGW}, set(), {A: TGW}, True,
         {"create": {}, "replace": {}, "delete": [], "claim": [A], "managed_after": {A}}),
        # stale record (managed destination without a route) is created again, or forgotten.
        ("merged", {}, {A}, {A: TGW}, False,
         {"create": {A: TGW}, "replace": {}, "delete": [], "claim": [], "managed_after": {A}}),
        ("overridden", {}, {A}, {}, False,
         {"create": {}, "replace": {}, "delete": [], "claim": [], "managed_after": set()}),
        # deleted: declared managed only; empty config = all managed; foreign skipped unless take_over.
        ("deleted", {A: TGW, B: TGW, C: IGW}, {A, B}, {A: None, C: None}, False,
         {"create": {}, "replace": {}, "delete": [A], "claim": [], "managed_after": {B}, "skipped": [C]}),
        ("deleted", {A: TGW, B: TGW, C: IGW}, {A, B}, {}, False,
         {"create": {}, "replace": {}, "delete": [A, B], "claim": [], "managed_after": set()}),
        ("deleted", {C: IGW}, set(), {C: None}, True,
         {"create": {}, "replace": {}, "delete": [C], "claim": [], "managed_after": set()}),
        ("deleted", {}, set(), {A: None}, False,
         {"create": {}, "replace": {}, "delete": [], "claim": [], "managed_after": set()}),
    ],
)
def test_plan_table(state, static, managed, want, take_over, expect):
    plan = rs.plan_table(RTB, static, managed, want, state, take_over)
    for key, value in expect.items():
        assert plan[key] == value, key
    expected_after = {d: t for d, t in static.items() if d not in plan["delete"]}
    expected_after.update(plan["create"])
    expected_after.update(plan["replace"])
    assert plan["routes_after"] == expected_after


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_plan_table_foreign_route_is_a_conflict(state):
    with pytest.raises(ConflictError) as err:
        rs.plan_table(RTB, {A: IGW}, set(), {A: TGW}, state, False)
    for part in (RTB, A, IGW, "take_over: true"):
        assert part in err.value.message
    assert err.value.details["current_target"] == IGW


def test_render_calls():
    calls = rs.render_calls([RTB], {PL: TGW, A: TGW})
    assert [c["operation"] for c in calls] == ["CreateTags", "CreateRoute", "CreateRoute"]
    assert calls[0]["parameters"]["Tags"] == [{"Key": "cloudnet:routes", "Value": f"{A} {PL}"}]
    assert calls[1]["parameters"] == {"RouteTableId": RTB, "DestinationCidrBlock": A, "TransitGatewayId": TGW}
    assert rs.render_calls([RTB], {}) == []


# --- manager against the documented AWS responses ---------------------------------------------------


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


def table(routes, managed=()):
    tags = [{"Key": k, "Value": v} for k, v in rs.routes_tags(set(managed)).items()]
    return {"RouteTableId": RTB, "VpcId": VPC, "Routes": routes, "Tags": tags, "Associations": []}


def params(**kw):
    base = {"route_table_ids": [RTB], "config": [], "state": "merged", "take_over": False}
    base.update(kw)
    return base


def test_propagated_and_local_routes_never_touched():
    """Real AWS lists VGW-propagated routes (moto cannot propagate): overridden [] leaves them alone."""
    conn, stub = stubbed()
    managed = {"DestinationCidrBlock": A, "TransitGatewayId": TGW, "Origin": "CreateRoute", "State": "active"}
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL, PROPAGATED, managed], {A})]},
                      {"RouteTableIds": [RTB]})
    stub.add_response("delete_route", {}, {"RouteTableId": RTB, "DestinationCidrBlock": A})
    stub.add_response("delete_tags", {}, {"Resources": [RTB], "Tags": [{"Key": "cloudnet:routes"}]})
    with stub:
        result = rs.RouteSetManager(conn, params(state="overridden"), False).ensure()
        stub.assert_no_pending_responses()
    assert result["route_tables"] == [{"route_table_id": RTB, "vpc_id": VPC, "routes": [], "foreign_routes": []}]


def test_declared_destination_with_a_propagated_route_gets_a_static_route():
    """A static route may cover the same prefix as a propagated one (static wins); it is created, not a conflict."""
    conn, stub = stubbed()
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL, PROPAGATED])]}, {"RouteTableIds": [RTB]})
    stub.add_response("create_tags", {}, {"Resources": [RTB], "Tags": [{"Key": "cloudnet:routes", "Value": C}]})
    stub.add_response("create_route", {"Return": True},
                      {"RouteTableId": RTB, "DestinationCidrBlock": C, "TransitGatewayId": TGW})
    with stub:
        result = rs.RouteSetManager(conn, params(config=[{"destination_cidr": C, "transit_gateway_id": TGW}]),
                                    False).ensure()
        stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["tag", "create_route"]


def test_gateway_load_balancer_endpoint_route_read_as_gateway_id_is_in_sync():
    """AWS reports a route created with VpcEndpointId as GatewayId vpce-...: no change."""
    conn, stub = stubbed()
    route = {"DestinationPrefixListId": PL, "GatewayId": VPCE, "Origin": "CreateRoute", "State": "active"}
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL, route], {PL})]},
                      {"RouteTableIds": [RTB]})
    with stub:
        result = rs.RouteSetManager(
            conn, params(config=[{"destination_prefix_list_id": PL, "vpc_endpoint_id": VPCE}]), False).ensure()
    assert result["changed"] is False
    assert result["route_tables"][0]["routes"] == [{"destination_prefix_list_id": PL, "vpc_endpoint_id": VPCE}]


def test_conflict_in_a_later_table_stops_before_any_change():
    conn, stub = stubbed()
    other = dict(table([LOCAL, {"DestinationCidrBlock": A, "GatewayId": IGW, "Origin": "CreateRoute"}]),
                 RouteTableId="rtb-0123456789abcdef1")
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL]), other]},
                      {"Filters": [{"Name": "vpc-id", "Values": [VPC]}]})
    with stub, pytest.raises(ConflictError):
        rs.RouteSetManager(conn, {"vpc_id": VPC, "config": [{"destination_cidr": A, "transit_gateway_id": TGW}],
                                  "state": "merged"}, False).ensure()
    stub.assert_no_pending_responses()


def test_missing_route_table_is_named():
    conn, stub = stubbed()
    ids = [RTB, "rtb-0123456789abcdef1"]
    stub.add_client_error("describe_route_tables", "InvalidRouteTableID.NotFound",
                          expected_params={"RouteTableIds": ids})
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL])]}, {"RouteTableIds": [ids[0]]})
    stub.add_client_error("describe_route_tables", "InvalidRouteTableID.NotFound",
                          expected_params={"RouteTableIds": [ids[1]]})
    with stub, pytest.raises(NotFoundError) as err:
        rs.RouteSetManager(conn, params(route_table_ids=ids), False).ensure()
    assert ids[1] in err.value.message and RTB not in err.value.message


def test_check_mode_plans_without_mutating_calls():
    conn, stub = stubbed()
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL])]}, {"RouteTableIds": [RTB]})
    with stub:
        result = rs.RouteSetManager(conn, params(config=[{"destination_cidr": A, "transit_gateway_id": TGW}]),
                                    True).ensure()
        stub.assert_no_pending_responses()
    assert result["changed"] is True
    assert [op["action"] for op in result["operations"]] == ["tag", "create_route"]


def test_rendered_needs_no_connection():
    config = [{"destination_cidr": A, "nat_gateway_id": "nat-0123456789abcdef0"}]
    result = rs.RouteSetManager(None, params(state="rendered", config=config), False).ensure()
    assert result["rendered"][1]["parameters"]["NatGatewayId"] == "nat-0123456789abcdef0"
    assert result["route_tables"][0]["routes"] == [{"destination_cidr": A, "nat_gateway_id": "nat-0123456789abcdef0"}]


def _create_retried_into_an_existing_route(stub, existing):
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL, PROPAGATED])]}, {"RouteTableIds": [RTB]})
    stub.add_response("create_tags", {}, {"Resources": [RTB], "Tags": [{"Key": "cloudnet:routes", "Value": C}]})
    stub.add_client_error("create_route", "RouteAlreadyExists", response_meta={"RetryAttempts": 1})
    stub.add_response("describe_route_tables", {"RouteTables": [table([LOCAL, PROPAGATED, existing], {C})]},
                      {"RouteTableIds": [RTB]})


def test_a_create_route_retried_after_its_lost_answer_is_done_when_the_route_is_ours():
    conn, stub = stubbed()
    _create_retried_into_an_existing_route(
        stub, {"DestinationCidrBlock": C, "TransitGatewayId": TGW, "Origin": "CreateRoute", "State": "active"})
    with stub:
        result = rs.RouteSetManager(conn, params(config=[{"destination_cidr": C, "transit_gateway_id": TGW}]),
                                    False).ensure()
        stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["tag", "create_route"]


def test_a_route_with_another_target_met_by_a_retry_is_a_conflict_not_taken_over():
    conn, stub = stubbed()
    _create_retried_into_an_existing_route(
        stub, {"DestinationCidrBlock": C, "GatewayId": IGW, "Origin": "CreateRoute", "State": "active"})
    with stub, pytest.raises(ConflictError) as err:
        rs.RouteSetManager(conn, params(config=[{"destination_cidr": C, "transit_gateway_id": TGW}]), False).ensure()
    assert IGW in err.value.message and C in err.value.message
