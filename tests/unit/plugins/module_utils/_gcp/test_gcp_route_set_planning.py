"""gcp_route_set planners: every state against managed, foreign and declared routes and ranges."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import ownership as own
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import route_set as rs

T1 = "projects/p/regions/r/vpnTunnels/t1"
T2 = "projects/p/regions/r/vpnTunnels/t2"


def want(dest, hop=T1, priority=1000, tags=()):
    return {"destination": dest, "hop_kind": "next_hop_vpn_tunnel" if hop else None, "hop": hop,
            "priority": priority, "tags": sorted(tags)}


def have(name, dest, hop=T1, priority=1000):
    return dict(want(dest, hop, priority), name=name)


A = have("m-a", "10.0.0.0/24")
A2 = have("m-a2", "10.0.0.0/24", hop=T2)
B = have("m-b", "10.1.0.0/24")
F = have("hand", "10.0.0.0/24", hop=T2)
G = have("hand-other", "10.9.0.0/24")


@pytest.mark.parametrize("state, declared, managed, foreign, take_over, creates, deletes, conflict", [
    # nothing changes when the declared route exists
    ("merged", [want("10.0.0.0/24")], [A, B], [], False, [], [], False),
    ("replaced", [want("10.0.0.0/24")], [A, B], [], False, [], [], False),
    ("overridden", [want("10.0.0.0/24")], [A, B], [], False, [], ["m-b"], False),
    # a second hop for a destination: merged adds, replaced swaps, overridden swaps and prunes
    ("merged", [want("10.0.0.0/24", T2)], [A, B], [], False, ["10.0.0.0/24"], [], False),
    ("replaced", [want("10.0.0.0/24", T2)], [A, B], [], False, ["10.0.0.0/24"], ["m-a"], False),
    ("overridden", [want("10.0.0.0/24", T2)], [A, B], [], False, ["10.0.0.0/24"], ["m-a", "m-b"], False),
    # a priority change replaces the route in every writing state (make-before-break: create listed first)
    ("merged", [want("10.0.0.0/24", priority=10)], [A], [], False, ["10.0.0.0/24"], ["m-a"], False),
    # foreign route on a declared destination
    ("merged", [want("10.0.0.0/24")], [], [F], False, [], [], True),
    ("overridden", [want("10.0.0.0/24")], [], [F, G], True, ["10.0.0.0/24"], ["hand"], False),
    # foreign route elsewhere is never touched
    ("overridden", [], [A, A2, B], [G], False, [], ["m-a", "m-a2", "m-b"], False),
    # deleted: by destination, by destination and hop, everything managed, foreign kept or taken over
    ("deleted", [want("10.0.0.0/24", None)], [A, A2, B], [F], False, [], ["m-a", "m-a2"], False),
    ("deleted", [want("10.0.0.0/24", T2)], [A, A2, B], [], False, [], ["m-a2"], False),
    ("deleted", [], [A, B], [G], False, [], ["m-a", "m-b"], False),
    ("deleted", [want("10.0.0.0/24", None)], [], [F], True, [], ["hand"], False),
])
def test_plan_routes(state, declared, managed, foreign, take_over, creates, deletes, conflict):
    create, delete, conflicts, warnings = rs.plan_routes(state, declared, managed, foreign, take_over)
    assert bool(conflicts) is conflict
    assert [c["destination"] for c in create] == creates
    assert [d["name"] for d in delete] == deletes
    if state == "deleted" and foreign and not take_over and declared:
        assert warnings and "hand" in warnings[0]


def test_route_names_are_deterministic_and_change_with_attributes():
    net = "projects/p/global/networks/n"
    a = rs.route_name("cloudnet-rt", net, want("10.0.0.0/24"), "t")
    assert a == rs.route_name("cloudnet-rt", net, want("10.0.0.0/24"), "t")
    assert a != rs.route_name("cloudnet-rt", net, want("10.0.0.0/24", priority=5), "t")
    assert a != rs.route_name("cloudnet-rt", net, want("10.0.0.0/24"), "other-topology")
    assert own.NAME_RE.fullmatch(a) and len(a) == len("cloudnet-rt-") + 10


def test_normalize_config_canonical_hops():
    routes = rs.normalize_config([
        {"destination": "10.0.0.0/24", "next_hop_vpn_tunnel": "t1"},
        {"destination": "10.0.1.0/24", "next_hop_gateway": "global/gateways/default-internet-gateway",
         "tags": ["b", "a"]},
        {"destination": "10.0.2.0/24", "next_hop_ip": "10.10.0.5", "priority": 7},
        {"destination": "10.0.3.0/24", "next_hop_vpn_tunnel": "https://x/compute/v1/projects/p/regions/r/vpnTunnels/t2"},
    ], "p", "r", "merged")
    assert [r["hop"] for r in routes] == [T1, "projects/p/global/gateways/default-internet-gateway", "10.10.0.5", T2]
    assert routes[1]["tags"] == ["a", "b"] and routes[2]["priority"] == 7 and routes[0]["priority"] == 1000


@pytest.mark.parametrize("item, state, field", [
    ({"destination": "10.0.0.1/24", "next_hop_ip": "10.0.0.5"}, "merged", "config[0].destination"),
    ({"destination": "10.0.0.0/24"}, "merged", "config[0]"),
    ({"destination": "10.0.0.0/24", "next_hop_ip": "1.1.1.1", "next_hop_gateway": "default-internet-gateway"},
     "merged", "config[0]"),
    ({"destination": "10.0.0.0/24", "next_hop_gateway": "other-gateway"}, "merged", "config[0].next_hop_gateway"),
    ({"destination": "10.0.0.0/24", "next_hop_ip": "10.0.0"}, "merged", "config[0].next_hop_ip"),
    ({"destination": "fd00::/64", "next_hop_ip": "10.0.0.1"}, "merged", "config[0].destination"),
])
def test_normalize_config_rejects(item, state, field):
    with pytest.raises(ValidationError) as err:
        rs.normalize_config([item], "p", "r", state)
    assert err.value.field == field


def test_tunnel_name_needs_a_region_and_deleted_needs_no_hop():
    with pytest.raises(ValidationError, match="region"):
        rs.normalize_config([{"destination": "10.0.0.0/24", "next_hop_vpn_tunnel": "t1"}], "p", None, "merged")
    assert rs.normalize_config([{"destination": "10.0.0.0/24"}], "p", None, "deleted")[0]["hop"] is None


MINE = {"range": "10.60.0.0/16", "description": own.with_marker("pods", "t")}
OTHER_TOPOLOGY = {"range": "10.61.0.0/16", "description": own.with_marker("x", "u")}
HAND = {"range": "192.168.0.0/24", "description": "hand"}


@pytest.mark.parametrize("state, declared, take_over, expect, conflict", [
    ("merged", [{"range": "10.70.0.0/16", "description": "new"}], False,
     ["10.60.0.0/16", "10.61.0.0/16", "10.70.0.0/16", "192.168.0.0/24"], False),
    ("replaced", [{"range": "10.60.0.0/16", "description": "pods"}], False,
     ["10.60.0.0/16", "10.61.0.0/16", "192.168.0.0/24"], False),
    ("overridden", [], False, ["10.61.0.0/16", "192.168.0.0/24"], False),
    ("merged", [{"range": "192.168.0.0/24", "description": ""}], False, None, True),
    ("merged", [{"range": "192.168.0.0/24", "description": ""}], True,
     ["10.60.0.0/16", "10.61.0.0/16", "192.168.0.0/24"], False),
    ("deleted", [], False, ["10.61.0.0/16", "192.168.0.0/24"], False),
    ("deleted", [{"range": "192.168.0.0/24", "description": ""}], False,
     ["10.60.0.0/16", "10.61.0.0/16", "192.168.0.0/24"], False),  # a foreign range stays without take_over
    ("deleted", [{"range": "192.168.0.0/24", "description": ""}], True, ["10.60.0.0/16", "10.61.0.0/16"], False),
])
def test_plan_ranges(state, declared, take_over, expect, conflict):
    ranges, conflicts = rs.plan_ranges(state, declared, [MINE, OTHER_TOPOLOGY, HAND], "t", take_over)
    assert bool(conflicts) is conflict
    if expect is not None:
        assert sorted(r["range"] for r in ranges) == expect
        for r in ranges:
            if r["range"] in {d["range"] for d in declared} and state != "deleted":
                assert own.description_owned(r["description"], "t")


def test_unchanged_ranges_compare_equal():
    want = [{"range": "10.60.0.0/16", "description": "pods"}]
    ranges, _conflicts = rs.plan_ranges("merged", want, [MINE, HAND], "t", False)
    assert rs.range_key(ranges) == rs.range_key([MINE, HAND])
