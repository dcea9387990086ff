"""gcp_route_set against the GCP emulator, state read back with google-cloud-compute."""

from __future__ import annotations

import pytest
from gcp_env import PROJECT, REGION, wait_op

MARKER = "cloudnet:managed-by=cloudnet.privatelink cloudnet:topology=itest"


def raw(session, gcp, method, path, body=None):
    return wait_op(session, gcp, session.request(method, gcp.compute_endpoint + f"projects/{PROJECT}/" + path,
                                                 json=body).json())


@pytest.fixture
def classic_tunnel(session, gcp, network, uid):
    """A Classic VPN tunnel (static routing) in the network."""
    raw(session, gcp, "POST", f"regions/{REGION}/targetVpnGateways",
        {"name": f"tvg-{uid}", "network": f"projects/{PROJECT}/global/networks/{network}"})
    raw(session, gcp, "POST", f"regions/{REGION}/vpnTunnels",
        {"name": f"classic-{uid}",
         "targetVpnGateway": f"projects/{PROJECT}/regions/{REGION}/targetVpnGateways/tvg-{uid}",
         "peerIp": "198.51.100.7", "sharedSecret": "classic-secret-1", "ikeVersion": 2})
    return f"classic-{uid}"


def routes_of(compute, network):
    return {r.name: r for r in compute("Routes").list(project=PROJECT) if r.network.endswith(f"/networks/{network}")}


def test_four_pass_static_routes(four_pass, module, compute, network, classic_tunnel):
    args = {"network": network, "region": REGION, "topology": "itest", "state": "merged", "config": [
        {"destination": "10.100.0.0/24", "next_hop_vpn_tunnel": classic_tunnel},
        {"destination": "10.100.1.0/24", "next_hop_ip": f"{routes_ip(network)}", "priority": 900, "tags": ["app"]},
    ]}
    result = four_pass("gcp_route_set", args, "route_set")
    routes = {r.dest_range: r for r in routes_of(compute, network).values() if MARKER in (r.description or "")}
    assert set(routes) == {"10.100.0.0/24", "10.100.1.0/24"}
    assert routes["10.100.0.0/24"].next_hop_vpn_tunnel.endswith(f"/vpnTunnels/{classic_tunnel}")
    assert routes["10.100.1.0/24"].priority == 900 and list(routes["10.100.1.0/24"].tags) == ["app"]
    assert all(r.name.startswith("cloudnet-rt-") for r in routes.values())
    assert [r["destination"] for r in result["route_set"]["routes"]["routes"]] == ["10.100.0.0/24", "10.100.1.0/24"]
    info = module("gcp_route_set_info", {"network": network, "topology": "itest"})
    assert info["route_sets"][0]["routes"] == result["route_set"]["routes"]


def routes_ip(network):
    """An address inside the network fixture's subnetwork."""
    return f"10.{int(network[4:6], 16)}.0.5"


def test_foreign_route_is_an_error_then_take_over_replaces_it(module, compute, session, gcp, network):
    raw(session, gcp, "POST", "global/routes", {"name": f"{network}-hand", "network": f"global/networks/{network}",
                                                "destRange": "10.200.0.0/16", "nextHopIp": routes_ip(network),
                                                "priority": 1000})
    args = {"network": network, "topology": "itest", "config": [
        {"destination": "10.200.0.0/16", "next_hop_gateway": "default-internet-gateway"}]}
    before = gcp.calls.count(mutating=True)
    failed = module("gcp_route_set", args, expect_failure=True)
    assert f"{network}-hand" in failed["msg"] and "take_over" in failed["msg"]
    assert gcp.calls.count(mutating=True) == before
    taken = module("gcp_route_set", dict(args, take_over=True))
    assert [op["action"] for op in taken["operations"]] == ["create_route", "delete_route"]  # make-before-break
    routes = routes_of(compute, network)
    assert f"{network}-hand" not in routes
    assert [r.dest_range for r in routes.values() if MARKER in (r.description or "")] == ["10.200.0.0/16"]


def test_states_replaced_overridden_deleted_keep_foreign_routes(
        module, compute, session, gcp, network, classic_tunnel):
    raw(session, gcp, "POST", "global/routes", {"name": f"{network}-keep", "network": f"global/networks/{network}",
                                                "destRange": "172.16.0.0/12", "nextHopIp": routes_ip(network),
                                                "priority": 1000})
    base = {"network": network, "region": REGION, "topology": "itest"}
    a = {"destination": "10.100.0.0/24", "next_hop_vpn_tunnel": classic_tunnel}
    b = {"destination": "10.100.0.0/24", "next_hop_ip": routes_ip(network)}
    c = {"destination": "10.101.0.0/24", "next_hop_ip": routes_ip(network)}
    module("gcp_route_set", dict(base, config=[a, c]))
    merged = module("gcp_route_set", dict(base, config=[b]))  # merged keeps a (another hop, same destination)
    assert [op["action"] for op in merged["operations"]] == ["create_route"]
    replaced = module("gcp_route_set", dict(base, config=[b], state="replaced"))
    assert [(op["action"], op["destination"]) for op in replaced["operations"]] == [("delete_route", "10.100.0.0/24")]
    managed = sorted((r.dest_range, r.next_hop_ip or r.next_hop_vpn_tunnel.rsplit("/", 1)[1])
                     for r in routes_of(compute, network).values() if MARKER in (r.description or ""))
    assert managed == [("10.100.0.0/24", routes_ip(network)), ("10.101.0.0/24", routes_ip(network))]
    changed = module("gcp_route_set", dict(base, config=[dict(c, priority=500)], state="overridden"))
    assert [op["action"] for op in changed["operations"]] == ["create_route", "delete_route", "delete_route"]
    gathered = module("gcp_route_set", dict(base, state="gathered"))
    assert gathered["changed"] is False
    assert [(r["destination"], r["priority"]) for r in gathered["gathered"]["config"]] == [("10.101.0.0/24", 500)]
    foreign = {r["name"]: r for r in gathered["route_set"]["routes"]["foreign_routes"]}
    assert foreign[f"{network}-keep"]["destination"] == "172.16.0.0/12"
    assert any(r.get("next_hop_gateway", "").endswith("/default-internet-gateway") for r in foreign.values())
    deleted = module("gcp_route_set", dict(base, state="deleted"))
    assert [op["action"] for op in deleted["operations"]] == ["delete_route"]
    routes = routes_of(compute, network)
    assert f"{network}-keep" in routes and not [r for r in routes.values() if MARKER in (r.description or "")]


def test_static_route_to_ha_tunnel_fails_before_any_write(module, gcp, network, uid):
    from test_gcp_ha_vpn import args_for

    module("gcp_ha_vpn", dict(args_for(network, uid, tunnels=1), topology="itest"))
    before = gcp.calls.count(mutating=True)
    failed = module("gcp_route_set", {"network": network, "region": REGION, "topology": "itest", "config": [
        {"destination": "10.100.0.0/24", "next_hop_vpn_tunnel": f"vpn-{uid}-t0"}]}, expect_failure=True)
    assert "HA VPN tunnel" in failed["msg"] and "advertisements" in failed["msg"]
    assert gcp.calls.count(mutating=True) == before


def test_advertisements_four_pass_and_foreign_range(four_pass, module, compute, session, gcp, network, uid):
    raw(session, gcp, "POST", f"regions/{REGION}/routers", {
        "name": f"rtr-{uid}", "network": f"global/networks/{network}",
        "bgp": {"asn": 64514, "advertiseMode": "CUSTOM", "advertisedGroups": ["ALL_SUBNETS"],
                "advertisedIpRanges": [{"range": "192.168.50.0/24", "description": "hand-made"}]}})
    args = {"region": REGION, "topology": "itest", "advertisements": {
        "router": f"rtr-{uid}", "ranges": [{"range": "10.60.0.0/16", "description": "GKE pods"}]}}
    result = four_pass("gcp_route_set", args, "route_set")
    bgp = compute("Routers").get(project=PROJECT, region=REGION, router=f"rtr-{uid}").bgp
    assert bgp.advertise_mode == "CUSTOM" and list(bgp.advertised_groups) == ["ALL_SUBNETS"]
    assert sorted((r.range_, r.description) for r in bgp.advertised_ip_ranges) == [
        ("10.60.0.0/16", f"GKE pods [{MARKER}]"), ("192.168.50.0/24", "hand-made")]
    assert result["route_set"]["advertisements"]["foreign_ranges"] == [
        {"range": "192.168.50.0/24", "description": "hand-made"}]
    info = module("gcp_route_set_info", {"region": REGION, "router": f"rtr-{uid}", "topology": "itest"})
    assert info["route_sets"] == [result["route_set"]]
    clash = dict(args, advertisements={"router": f"rtr-{uid}", "ranges": [{"range": "192.168.50.0/24"}]})
    assert "take_over" in module("gcp_route_set", clash, expect_failure=True)["msg"]
    module("gcp_route_set", dict(args, state="overridden", advertisements=dict(args["advertisements"], ranges=[])))
    bgp = compute("Routers").get(project=PROJECT, region=REGION, router=f"rtr-{uid}").bgp
    assert [r.range_ for r in bgp.advertised_ip_ranges] == ["192.168.50.0/24"]


def test_rendered_needs_no_credentials_and_makes_no_call(module, gcp):
    before = len(gcp.calls.calls())
    out = module("gcp_route_set", {"project": "p1", "network": "hub", "state": "rendered", "config": [
        {"destination": "10.100.0.0/24", "next_hop_ip": "10.10.0.5"}]},
        env={"GCP_SERVICE_ACCOUNT_FILE": "/nonexistent", "GCP_COMPUTE_ENDPOINT": "http://127.0.0.1:9/"})
    assert len(gcp.calls.calls()) == before and out["changed"] is False
    assert out["rendered"][0]["method"] == "POST" and out["rendered"][0]["path"] == "projects/p1/global/routes"
    body = out["rendered"][0]["body"]
    assert body["destRange"] == "10.100.0.0/24" and body["nextHopIp"] == "10.10.0.5"
    assert body["network"] == "projects/p1/global/networks/hub" and "cloudnet:topology=default" in body["description"]


def test_check_mode_plans_advertisements_for_a_router_created_later_in_the_play(module, gcp, uid):
    args = {"region": REGION, "topology": "itest", "advertisements": {
        "router": f"later-{uid}", "ranges": [{"range": "10.60.0.0/16"}]}}
    before = gcp.calls.count(mutating=True)
    planned = module("gcp_route_set", args, check=True)
    assert gcp.calls.count(mutating=True) == before
    assert planned["changed"] and "does not exist yet" in planned["warnings"][0]
    assert planned["route_set"]["advertisements"]["ranges"][0]["range"] == "10.60.0.0/16"
    assert "does not exist" in module("gcp_route_set", args, expect_failure=True)["msg"]
