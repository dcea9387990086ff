"""azure_vpn_gateway against the ARM emulator, read back through azure-mgmt-network."""

from __future__ import annotations

from azure_module_env import LOCATION

APIPA = [["169.254.21.2", "169.254.22.2"], ["169.254.21.6", "169.254.22.6"]]


def test_four_pass_update_and_delete(four_pass, module, network, rg, vnet):
    vnet("hub", "10.10.0.0/16", {"GatewaySubnet": "10.10.255.0/27"})
    args = {"resource_group": rg, "name": "vgw", "location": LOCATION, "virtual_network": "hub", "asn": 65010,
            "apipa_addresses": APIPA, "topology": "t1"}
    check1, apply1, _apply2 = four_pass("azure_vpn_gateway", args, "gateway")
    assert [o["action"] for o in apply1["operations"]] == ["create_public_ip", "create_public_ip", "create_gateway"]
    gw = network.virtual_network_gateways.get(rg, "vgw").as_dict()
    p = gw["properties"]
    assert p["activeActive"] is True and p["enableBgp"] is True and p["vpnType"] == "RouteBased"
    assert p["bgpSettings"]["asn"] == 65010
    custom = {b["ipconfigurationId"].rsplit("/", 1)[-1]: sorted(b["customBgpIpAddresses"])
              for b in p["bgpSettings"]["bgpPeeringAddresses"]}
    assert custom == {"ipconfig1": APIPA[0], "ipconfig2": APIPA[1]}
    assert gw["tags"]["cloudnet:managed-by"] == "cloudnet.privatelink"
    pips = [network.public_ip_addresses.get(rg, f"vgw-pip{i}").as_dict() for i in (1, 2)]
    assert [i["public_ip_address"] for i in apply1["gateway"]["instances"]] == [
        x["properties"]["ipAddress"] for x in pips]
    assert check1["gateway"]["instances"][0]["public_ip_address"] is None
    info = module("azure_vpn_gateway_info", {"resource_group": rg})
    assert info["changed"] is False and info["gateways"] == [apply1["gateway"]]

    changed = module("azure_vpn_gateway", dict(args, apipa_addresses=[["169.254.21.10"], ["169.254.21.14"]]))
    assert [o["action"] for o in changed["operations"]] == ["update_gateway"]
    p = network.virtual_network_gateways.get(rg, "vgw").as_dict()["properties"]
    assert sorted(a for b in p["bgpSettings"]["bgpPeeringAddresses"] for a in b["customBgpIpAddresses"]) == [
        "169.254.21.10", "169.254.21.14"]

    gone = module("azure_vpn_gateway", {"resource_group": rg, "name": "vgw", "state": "absent", "topology": "t1"})
    assert [o["action"] for o in gone["operations"]] == ["delete_gateway", "delete_public_ip", "delete_public_ip"]
    assert not list(network.virtual_network_gateways.list(rg))
    assert not list(network.public_ip_addresses.list(rg))


def test_foreign_gateway_is_never_touched(module, rg, vnet):
    vnet("hub2", "10.11.0.0/16", {"GatewaySubnet": "10.11.255.0/27"})
    args = {"resource_group": rg, "name": "vgw", "location": LOCATION, "virtual_network": "hub2", "topology": "a"}
    module("azure_vpn_gateway", args)
    failed = module("azure_vpn_gateway", dict(args, topology="b"), expect_failure=True)
    assert "not managed" in failed["msg"]
    kept = module("azure_vpn_gateway", {"resource_group": rg, "name": "vgw", "state": "absent", "topology": "b"})
    assert kept["changed"] is False


def test_bad_apipa_fails_before_any_call(module, emulator, rg):
    before = emulator.calls.count()
    failed = module("azure_vpn_gateway", {"resource_group": rg, "name": "vgw", "location": LOCATION,
                                          "virtual_network": "x", "apipa_addresses": [["169.254.30.1"], []]},
                    expect_failure=True)
    assert "apipa_addresses[0]" in failed["msg"] and "169.254.21.0" in failed["msg"]
    assert emulator.calls.count() == before
