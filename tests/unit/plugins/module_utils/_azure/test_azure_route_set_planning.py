"""Planner and normalisers of azure_route_set (no cloud)."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure import route_set as rs
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ConflictError, ValidationError

P = "cloudnet-"
GW = "VirtualNetworkGateway"


def route(name, prefix, hop=GW, ip=None):
    out = {"name": name, "address_prefix": prefix, "next_hop_type": hop}
    if ip:
        out["next_hop_ip_address"] = ip
    return out


MANAGED_A = route("cloudnet-10.1.0.0_16", "10.1.0.0/16")
MANAGED_B = route("cloudnet-10.2.0.0_16", "10.2.0.0/16")
FOREIGN_A = route("legacy", "10.1.0.0/16", "Internet")
FOREIGN_X = route("onprem", "192.168.0.0/16")


@pytest.mark.parametrize("config,state,expected", [
    ([{"address_prefix": "10.1.0.0/16"}], "merged", {"10.1.0.0/16": MANAGED_A}),
    ([{"address_prefix": "10.1.0.0/16", "next_hop_type": "VirtualAppliance", "next_hop_ip_address": "10.0.0.4"}],
     "merged", {"10.1.0.0/16": route("cloudnet-10.1.0.0_16", "10.1.0.0/16", "VirtualAppliance", "10.0.0.4")}),
    ([{"address_prefix": "10.1.0.0/16"}], "deleted",
     {"10.1.0.0/16": {"name": "cloudnet-10.1.0.0_16", "address_prefix": "10.1.0.0/16", "next_hop_type": None}}),
    ([{"address_prefix": "fd00::/8"}], "merged", {"fd00::/8": route("cloudnet-fd00--_8", "fd00::/8")}),
])
def test_want_routes(config, state, expected):
    assert rs.want_routes(config, state, P) == expected


@pytest.mark.parametrize("config,field", [
    ([{"address_prefix": "10.1.0.1/16"}], "config[0].address_prefix"),
    ([{"address_prefix": "10.1.0.0/16"}, {"address_prefix": "10.1.0.0/16"}], "config[1].address_prefix"),
    ([{"address_prefix": "10.1.0.0/16", "next_hop_type": "VirtualAppliance"}], "config[0].next_hop_ip_address"),
    ([{"address_prefix": "10.1.0.0/16", "next_hop_ip_address": "10.0.0.4"}], "config[0].next_hop_ip_address"),
    ([{"address_prefix": "10.1.0.0/16", "next_hop_type": "Blackhole"}], "config[0].next_hop_type"),
])
def test_want_routes_rejects(config, field):
    with pytest.raises(ValidationError) as err:
        rs.want_routes(config, "merged", P)
    assert err.value.field == field


def _want(*prefixes, state="merged"):
    return rs.want_routes([{"address_prefix": p} for p in prefixes], state, P)


def _actions(ops):
    return [(o["action"], o["route"]) for o in ops]


@pytest.mark.parametrize("state", ["merged", "replaced"])
def test_merged_and_replaced_keep_other_managed_routes(state):
    routes, ops, _warnings = rs.plan_routes([MANAGED_B, FOREIGN_X], _want("10.1.0.0/16"), state, P, False, "rt")
    assert _actions(ops) == [("create_route", "cloudnet-10.1.0.0_16")]
    assert MANAGED_B in routes and FOREIGN_X in routes and MANAGED_A in routes


def test_overridden_deletes_undeclared_managed_only():
    have = [MANAGED_A, MANAGED_B, FOREIGN_X]
    routes, ops, _warnings = rs.plan_routes(have, _want("10.1.0.0/16"), "overridden", P, False, "rt")
    assert _actions(ops) == [("delete_route", "cloudnet-10.2.0.0_16")]
    assert routes == [MANAGED_A, FOREIGN_X]


def test_update_next_hop_in_place():
    have = [route("cloudnet-10.1.0.0_16", "10.1.0.0/16", "Internet")]
    routes, ops, _warnings = rs.plan_routes(have, _want("10.1.0.0/16"), "merged", P, False, "rt")
    assert ops[0]["action"] == "update_route" and ops[0]["previous"] == "Internet"
    assert routes == [MANAGED_A]


def test_unchanged_plans_nothing():
    for state in ("merged", "replaced", "overridden"):
        _routes, ops, _warnings = rs.plan_routes([MANAGED_A, FOREIGN_X], _want("10.1.0.0/16"), state, P, False, "rt")
        assert ops == []


def test_foreign_route_on_declared_prefix_conflicts_unless_take_over():
    with pytest.raises(ConflictError) as err:
        rs.plan_routes([FOREIGN_A], _want("10.1.0.0/16"), "merged", P, False, "rt")
    assert "legacy" in err.value.message and "take_over" in err.value.message
    routes, ops, _warnings = rs.plan_routes([FOREIGN_A], _want("10.1.0.0/16"), "merged", P, True, "rt")
    assert _actions(ops) == [("take_over_route", "cloudnet-10.1.0.0_16")] and ops[0]["previous"] == "legacy"
    assert routes == [MANAGED_A]


def test_deleted_all_managed_when_config_empty():
    routes, ops, warnings = rs.plan_routes([MANAGED_A, MANAGED_B, FOREIGN_X], {}, "deleted", P, False, "rt")
    assert _actions(ops) == [("delete_route", MANAGED_A["name"]), ("delete_route", MANAGED_B["name"])]
    assert routes == [FOREIGN_X] and warnings == []


def test_deleted_declared_leaves_foreign_with_warning_or_deletes_with_take_over():
    want = _want("10.1.0.0/16", state="deleted")
    routes, ops, warnings = rs.plan_routes([FOREIGN_A, MANAGED_B], want, "deleted", P, False, "rt")
    assert ops == [] and routes == [FOREIGN_A, MANAGED_B] and "legacy" in warnings[0]
    routes, ops, _warnings = rs.plan_routes([FOREIGN_A, MANAGED_B], want, "deleted", P, True, "rt")
    assert _actions(ops) == [("delete_route", "legacy")] and routes == [MANAGED_B]


@pytest.mark.parametrize("state", ["gathered", "rendered"])
def test_read_states_plan_nothing(state):
    routes, ops, _warnings = rs.plan_routes([MANAGED_A], _want("10.2.0.0/16"), state, P, False, "rt")
    assert ops == [] and routes == [MANAGED_A]


def test_canonical_route_and_body_round_trip():
    body = {"name": "cloudnet-10.1.0.0_16", "etag": 'W/"x"', "id": "/x",
            "properties": {"addressPrefix": "10.1.0.0/16", "nextHopType": GW, "provisioningState": "Succeeded"}}
    assert rs.canonical_route(body) == MANAGED_A
    assert rs.canonical_route(rs.route_body(MANAGED_A)) == MANAGED_A


def test_subnet_refs_by_name_and_id():
    sub = "00000000-0000-0000-0000-000000000001"
    got = rs.subnet_refs([{"virtual_network": "v", "name": "app"},
                          {"id": f"/subscriptions/{sub}/resourceGroups/other/providers/Microsoft.Network/"
                                 "virtualNetworks/w/subnets/db"}], "rg", sub)
    assert [(s["resource_group"], s["virtual_network"], s["name"]) for s in got] == [
        ("rg", "v", "app"), ("other", "w", "db")]
    assert got[0]["id"].endswith("/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/app")
    with pytest.raises(ValidationError):
        rs.subnet_refs([{"id": "/subscriptions/x/resourceGroups/rg"}], "rg", sub)
