"""gcp_ha_vpn against the GCP emulator, state read back with google-cloud-compute."""

from __future__ import annotations

import json

from gcp_env import PROJECT, REGION

SECRETS = ["psk-zero-Secret-0001", "psk-one-Secret-0002"]


def args_for(network, uid, tunnels=2):
    return {
        "name": f"vpn-{uid}", "region": REGION, "network": network, "topology": "itest",
        "router": {"asn": 64514},
        "external_gateway": {"interfaces": ["203.0.113.10", "203.0.113.11", "203.0.113.20", "203.0.113.21"]},
        "tunnels": [
            {"name": f"vpn-{uid}-t{i}", "vpn_gateway_interface": i % 2, "peer_interface": i,
             "shared_secret": SECRETS[i % 2], "ip_range": f"169.254.{10 + i}.2/30",
             "peer_ip_address": f"169.254.{10 + i}.1", "peer_asn": 64512}
            for i in range(tunnels)
        ],
    }


def test_four_pass_builds_the_whole_link(four_pass, module, compute, network, uid):
    args = args_for(network, uid)
    result = four_pass("gcp_ha_vpn", args, "ha_vpn")
    text = json.dumps(result)
    assert not any(s in text for s in SECRETS), "a shared secret leaked into the result"
    gw = compute("VpnGateways").get(project=PROJECT, region=REGION, vpn_gateway=f"vpn-{uid}")
    assert gw.network.endswith(f"/networks/{network}")
    assert gw.labels["cloudnet-managed-by"] == "cloudnet-privatelink" and gw.labels["cloudnet-topology"] == "itest"
    ext = compute("ExternalVpnGateways").get(project=PROJECT, external_vpn_gateway=f"vpn-{uid}-peer")
    assert ext.redundancy_type == "FOUR_IPS_REDUNDANCY"
    assert sorted((i.id, i.ip_address) for i in ext.interfaces) == [
        (0, "203.0.113.10"), (1, "203.0.113.11"), (2, "203.0.113.20"), (3, "203.0.113.21")]
    router = compute("Routers").get(project=PROJECT, region=REGION, router=f"vpn-{uid}-router")
    assert router.bgp.asn == 64514
    assert "cloudnet:managed-by=cloudnet.privatelink" in router.description
    assert sorted((i.name, i.ip_range, i.linked_vpn_tunnel.rsplit("/", 1)[1]) for i in router.interfaces) == [
        (f"vpn-{uid}-t0-if", "169.254.10.2/30", f"vpn-{uid}-t0"),
        (f"vpn-{uid}-t1-if", "169.254.11.2/30", f"vpn-{uid}-t1")]
    assert sorted((p.name, p.peer_ip_address, p.peer_asn) for p in router.bgp_peers) == [
        (f"vpn-{uid}-t0-bgp", "169.254.10.1", 64512), (f"vpn-{uid}-t1-bgp", "169.254.11.1", 64512)]
    for i in range(2):
        tunnel = compute("VpnTunnels").get(project=PROJECT, region=REGION, vpn_tunnel=f"vpn-{uid}-t{i}")
        assert tunnel.vpn_gateway_interface == i and tunnel.peer_external_gateway_interface == i
        assert tunnel.peer_ip == ext.interfaces[i].ip_address
        assert tunnel.router.endswith(f"/routers/vpn-{uid}-router")
        assert tunnel.shared_secret == ""  # write-only on GCP
    status = compute("Routers").get_router_status(project=PROJECT, region=REGION, router=f"vpn-{uid}-router")
    assert {p.status for p in status.result.bgp_peer_status} == {"UP"}
    assert [t["name"] for t in result["ha_vpn"]["tunnels"]] == [f"vpn-{uid}-t0", f"vpn-{uid}-t1"]
    info = module("gcp_ha_vpn_info", {"name": f"vpn-{uid}", "region": REGION, "topology": "itest"})
    assert info["ha_vpns"] == [result["ha_vpn"]]
    assert module("gcp_ha_vpn_info", {"name": f"none-{uid}", "region": REGION})["ha_vpns"] == []


def test_purge_removes_a_tunnel_and_its_router_entries_then_absent_removes_only_owned(
        module, compute, gcp, network, uid):
    module("gcp_ha_vpn", args_for(network, uid))
    shrink = module("gcp_ha_vpn", args_for(network, uid, tunnels=1))
    assert [op["action"] for op in shrink["operations"]] == ["update", "delete"]
    router = compute("Routers").get(project=PROJECT, region=REGION, router=f"vpn-{uid}-router")
    assert [i.name for i in router.interfaces] == [f"vpn-{uid}-t0-if"]
    names = [t.name for t in compute("VpnTunnels").list(project=PROJECT, region=REGION)]
    assert f"vpn-{uid}-t1" not in names and f"vpn-{uid}-t0" in names

    absent = {"name": f"vpn-{uid}", "region": REGION, "topology": "itest", "state": "absent"}
    before = gcp.calls.count(mutating=True)
    planned = module("gcp_ha_vpn", absent, check=True)
    assert gcp.calls.count(mutating=True) == before
    assert [op["action"] for op in planned["operations"]] == ["update", "delete", "delete", "delete", "delete"]
    gone = module("gcp_ha_vpn", absent)
    assert gone["changed"] and gone["ha_vpn"] == {}
    assert not [g for g in compute("VpnGateways").list(project=PROJECT, region=REGION) if g.name == f"vpn-{uid}"]
    assert module("gcp_ha_vpn", absent)["changed"] is False


def test_foreign_gateway_with_the_same_name_is_refused(module, session, gcp, network, uid):
    from gcp_env import wait_op

    wait_op(session, gcp, session.post(
        gcp.compute_endpoint + f"projects/{PROJECT}/regions/{REGION}/vpnGateways",
        json={"name": f"vpn-{uid}", "network": f"projects/{PROJECT}/global/networks/{network}"}).json())
    before = gcp.calls.count(mutating=True)
    failed = module("gcp_ha_vpn", args_for(network, uid), expect_failure=True)
    assert "not labelled as managed" in failed["msg"]
    assert gcp.calls.count(mutating=True) == before, "a refused run wrote"
    assert not any(s in json.dumps(failed) for s in SECRETS)
    kept = module("gcp_ha_vpn", {"name": f"vpn-{uid}", "region": REGION, "topology": "itest", "state": "absent"})
    assert kept["changed"] is False  # absent never deletes what it does not own
    assert any(f"vpnGateway vpn-{uid} is not managed" in w for w in kept["warnings"])


def test_immutable_tunnel_change_fails_before_any_write(module, gcp, network, uid):
    module("gcp_ha_vpn", args_for(network, uid, tunnels=1))
    changed = args_for(network, uid, tunnels=1)
    changed["tunnels"][0]["peer_interface"] = 2
    before = gcp.calls.count(mutating=True)
    failed = module("gcp_ha_vpn", changed, expect_failure=True)
    assert "peer_interface cannot be changed in place" in failed["msg"]
    assert gcp.calls.count(mutating=True) == before


def test_bad_input_is_rejected_without_credentials(module):
    bad = {"name": "x", "region": REGION, "network": "n", "router": {"asn": 64514},
           "external_gateway": {"interfaces": ["203.0.113.1", "203.0.113.2", "203.0.113.3"]}}
    failed = module("gcp_ha_vpn", bad, expect_failure=True, env={"GCP_PROJECT": ""})
    assert failed["msg"].startswith("external_gateway.interfaces: must list 1, 2 or 4 addresses")


def test_label_changes_use_set_labels_with_the_current_fingerprint(module, compute, gcp, network, uid):
    args = args_for(network, uid, tunnels=1)
    module("gcp_ha_vpn", args)
    start = len(gcp.calls.calls())
    relabelled = module("gcp_ha_vpn", dict(args, labels={"team": "net"}))
    assert [(op["action"], op["target"]) for op in relabelled["operations"]] == [
        ("set_labels", f"vpn-{uid}"), ("set_labels", f"vpn-{uid}-peer"), ("set_labels", f"vpn-{uid}-t0")]
    assert {c["status"] for c in gcp.calls.calls()[start:] if c["method"] == "setLabels"} == {200}
    gw = compute("VpnGateways").get(project=PROJECT, region=REGION, vpn_gateway=f"vpn-{uid}")
    assert gw.labels["team"] == "net" and gw.labels["cloudnet-topology"] == "itest"
    tunnel = compute("VpnTunnels").get(project=PROJECT, region=REGION, vpn_tunnel=f"vpn-{uid}-t0")
    assert tunnel.labels["team"] == "net"
    assert module("gcp_ha_vpn", dict(args, labels={"team": "net"}))["changed"] is False


def test_gateway_only_makes_the_gateway_first_then_the_full_call_builds_the_rest(
        four_pass, module, compute, gcp, network, uid):
    # On a fresh network the gateway's interface IPs are needed (by AWS) before the tunnels can be declared.
    first = {"name": f"vpn-{uid}", "region": REGION, "network": network, "topology": "itest", "gateway_only": True}
    made = four_pass("gcp_ha_vpn", first, "ha_vpn")
    assert [(op["action"], op["kind"]) for op in made["operations"]] == [("create", "vpnGateway")]
    gw = compute("VpnGateways").get(project=PROJECT, region=REGION, vpn_gateway=f"vpn-{uid}")
    ips = [i.ip_address for i in sorted(gw.vpn_interfaces, key=lambda i: i.id)]
    assert len(ips) == 2 and all(ips)
    assert [i["ip_address"] for i in made["ha_vpn"]["vpn_gateway"]["interfaces"]] == ips
    names = {"externalVpnGateways": [g.name for g in compute("ExternalVpnGateways").list(project=PROJECT)],
             "routers": [r.name for r in compute("Routers").list(project=PROJECT, region=REGION)]}
    assert f"vpn-{uid}-peer" not in names["externalVpnGateways"] and f"vpn-{uid}-router" not in names["routers"]

    full = module("gcp_ha_vpn", args_for(network, uid))
    kinds = [op.get("kind") for op in full["operations"] if op["action"] == "create"]
    assert kinds == ["externalVpnGateway", "router", "vpnTunnel", "vpnTunnel"]  # the gateway is reused
    # The gateway-only call again: nothing to do, and it leaves the tunnels and router entries alone.
    before = gcp.calls.count(mutating=True)
    again = module("gcp_ha_vpn", first)
    assert again["changed"] is False and gcp.calls.count(mutating=True) == before
    assert len(compute("Routers").get(project=PROJECT, region=REGION, router=f"vpn-{uid}-router").bgp_peers) == 2


def test_gateway_only_refuses_tunnels_before_any_call(module):
    bad = {"name": "x", "region": REGION, "network": "n", "gateway_only": True,
           "tunnels": [{"name": "x-0", "vpn_gateway_interface": 0, "peer_interface": 0, "ip_range": "169.254.10.2/30",
                        "peer_ip_address": "169.254.10.1", "peer_asn": 64512}]}
    failed = module("gcp_ha_vpn", bad, expect_failure=True, env={"GCP_PROJECT": ""})
    assert failed["msg"].startswith("tunnels: ") and "gateway_only" in failed["msg"]
