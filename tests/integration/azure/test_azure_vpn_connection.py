"""azure_vpn_connection against the ARM emulator, read back through azure-mgmt-network."""

from __future__ import annotations

import json

from azure_module_env import LOCATION

KEY1 = "Tunnel1-Secret-Key-0123456789"
KEY2 = "Tunnel2-Secret-Key-9876543210"


def _tunnel(name, outside, inside, key):
    base = inside.rsplit(".", 1)[0]
    return {"name": name, "peer_ip": outside, "bgp_peer_address": inside, "asn": 64512, "shared_key": key,
            "gateway_custom_bgp_addresses": [{"ip_configuration": "ipconfig1", "address": f"{base}.2"},
                                             {"ip_configuration": "ipconfig2", "address": f"{base}.6"}]}


def _tunnels(k1=KEY1, k2=KEY2):
    return [_tunnel("aws-t1", "203.0.113.10", "169.254.21.1", k1),
            _tunnel("aws-t2", "203.0.113.11", "169.254.22.1", k2)]


def test_four_pass_key_rotation_and_delete(four_pass, module, network, rg, vnet):
    vnet("hub", "10.10.0.0/16", {"GatewaySubnet": "10.10.255.0/27"})
    apipa = [["169.254.21.2", "169.254.22.2"], ["169.254.21.6", "169.254.22.6"]]
    module("azure_vpn_gateway", {"resource_group": rg, "name": "vgw", "location": LOCATION, "virtual_network": "hub",
                                 "apipa_addresses": apipa})
    args = {"resource_group": rg, "virtual_network_gateway": "vgw", "tunnels": _tunnels()}
    results = four_pass("azure_vpn_connection", args, "tunnels")
    for r in results:
        text = json.dumps(r)
        assert KEY1 not in text and KEY2 not in text, "shared key leaked into a result or diff"
    info = module("azure_vpn_connection_info", {"resource_group": rg})
    assert info["tunnels"] == results[1]["tunnels"]
    assert KEY1 not in json.dumps(info)
    ops = [o["action"] for o in results[1]["operations"]]
    assert ops == ["create_local_network_gateway", "create_connection"] * 2
    gw_id = network.virtual_network_gateways.get(rg, "vgw").id
    c = network.virtual_network_gateway_connections.get(rg, "aws-t1").as_dict()
    p = c["properties"]
    assert p["enableBgp"] is True and p["connectionType"] == "IPsec"
    assert p["virtualNetworkGateway1"]["id"].lower() == gw_id.lower()
    assert sorted(x["customBgpIpAddress"] for x in p["gatewayCustomBgpIpAddresses"]) == ["169.254.21.2", "169.254.21.6"]
    assert "sharedKey" not in p
    assert network.virtual_network_gateway_connections.get_shared_key(rg, "aws-t1").as_dict()["value"] == KEY1
    lng = network.local_network_gateways.get(rg, "aws-t2-lng").as_dict()["properties"]
    assert lng["gatewayIpAddress"] == "203.0.113.11"
    assert (lng["bgpSettings"]["asn"], lng["bgpSettings"]["bgpPeeringAddress"]) == (64512, "169.254.22.1")

    rotated = module("azure_vpn_connection", dict(args, tunnels=_tunnels(k1="Rotated-Key-abcdef")))
    assert [o["action"] for o in rotated["operations"]] == ["set_shared_key"]
    assert "Rotated-Key-abcdef" not in json.dumps(rotated)
    assert network.virtual_network_gateway_connections.get_shared_key(rg, "aws-t1").as_dict()["value"] == (
        "Rotated-Key-abcdef")

    gone = module("azure_vpn_connection", {"resource_group": rg, "virtual_network_gateway": "vgw", "state": "absent",
                                           "tunnels": [{"name": "aws-t1"}, {"name": "aws-t2"}]})
    assert [o["action"] for o in gone["operations"]] == ["delete_connection", "delete_local_network_gateway"] * 2
    assert not list(network.virtual_network_gateway_connections.list(rg))
    assert not list(network.local_network_gateways.list(rg))


def test_missing_shared_key_fails_before_any_call(module, emulator, rg):
    before = emulator.calls.count()
    bad = _tunnels()
    del bad[0]["shared_key"]
    failed = module("azure_vpn_connection", {"resource_group": rg, "virtual_network_gateway": "vgw", "tunnels": bad},
                    expect_failure=True)
    assert "tunnels[0].shared_key" in failed["msg"]
    assert emulator.calls.count() == before
