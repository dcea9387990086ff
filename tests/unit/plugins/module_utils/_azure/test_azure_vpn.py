"""Normalisers and drift checks of azure_vpn_gateway and azure_vpn_connection (no cloud)."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure import vpn_connection as vc
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure import vpn_gateway as vg
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

GW = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworkGateways/vgw"
OWN = {"cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t"}


def test_want_apipa_sorts_and_validates():
    assert vg.want_apipa([["169.254.22.2", "169.254.21.2"], []]) == [["169.254.21.2", "169.254.22.2"], []]
    assert vg.want_apipa(None) == [[], []]
    for bad in ([["169.254.23.1"], []], [["169.254.21.2"], ["169.254.21.2"]], [["169.254.21.2"]], [["x"], []]):
        with pytest.raises(ValidationError):
            vg.want_apipa(bad)


def _gateway(asn=65515, custom=(["169.254.21.2"], ["169.254.21.6"]), sku="VpnGw2", tags=None):
    tags = OWN if tags is None else tags
    return {
        "id": GW, "name": "vgw", "location": "westeurope", "tags": dict(tags),
        "properties": {
            "activeActive": True, "enableBgp": True, "vpnType": "RouteBased", "sku": {"name": sku},
            "ipConfigurations": [{"name": "ipconfig1", "properties": {"publicIPAddress": {"id": "/pip1"}}},
                                 {"name": "ipconfig2", "properties": {"publicIPAddress": {"id": "/pip2"}}}],
            "bgpSettings": {"asn": asn, "bgpPeeringAddresses": [
                {"ipconfigurationId": f"{GW}/ipConfigurations/ipconfig1", "customBgpIpAddresses": custom[0],
                 "defaultBgpIpAddresses": ["10.0.255.30"]},
                {"ipconfigurationId": f"{GW}/ipConfigurations/ipconfig2", "customBgpIpAddresses": custom[1],
                 "defaultBgpIpAddresses": ["10.0.255.29"]}]},
        },
    }


WANT = {"sku": "VpnGw2", "asn": 65515, "apipa": [["169.254.21.2"], ["169.254.21.6"]], "tags": OWN}


@pytest.mark.parametrize("body,expected", [
    (_gateway(), []),
    (_gateway(asn=65010), ["asn"]),
    (_gateway(sku="VpnGw1"), ["sku"]),
    (_gateway(custom=([], ["169.254.21.6"])), ["apipa_addresses"]),
    (_gateway(tags={}), ["tags"]),
    (_gateway(tags=dict(OWN, owner="netops")), []),
])
def test_gateway_drift(body, expected):
    assert vg.drift(body, WANT) == expected


def test_gateway_view_maps_public_ips():
    view = vg.gateway_view(_gateway(), {"/pip1": ("vgw-pip1", "20.0.0.1"), "/pip2": ("vgw-pip2", "20.0.0.2")})
    assert [(i["ip_configuration"], i["public_ip_address"], i["apipa_addresses"]) for i in view["instances"]] == [
        ("ipconfig1", "20.0.0.1", ["169.254.21.2"]), ("ipconfig2", "20.0.0.2", ["169.254.21.6"])]


TUNNEL = {"name": "t1", "peer_ip": "203.0.113.1", "bgp_peer_address": "169.254.21.1", "asn": 64512,
          "shared_key": "S3cret-Key-Value",
          "gateway_custom_bgp_addresses": [{"ip_configuration": "ipconfig2", "address": "169.254.21.6"},
                                           {"ip_configuration": "ipconfig1", "address": "169.254.21.2"}]}


def test_want_tunnels_defaults_and_validation():
    [t] = vc.want_tunnels([TUNNEL], "present")
    assert t["local_network_gateway"] == "t1-lng"
    assert [c["ip_configuration"] for c in t["gateway_custom_bgp_addresses"]] == ["ipconfig1", "ipconfig2"]
    assert vc.want_tunnels([{"name": "t1"}], "absent") == [{"name": "t1", "local_network_gateway": "t1-lng"}]
    for key, value in (("shared_key", None), ("peer_ip", "nope"), ("bgp_peer_address", None)):
        with pytest.raises(ValidationError) as err:
            vc.want_tunnels([dict(TUNNEL, **{key: value})], "present")
        assert err.value.field == f"tunnels[0].{key}"
    with pytest.raises(ValidationError):
        vc.want_tunnels([TUNNEL, TUNNEL], "present")


def test_connection_body_carries_the_key_and_view_hides_it():
    [t] = vc.want_tunnels([TUNNEL], "present")
    body = vc.connection_body(t, "westeurope", OWN, GW, "/lng", "IKEv2")
    assert body["properties"]["sharedKey"] == "S3cret-Key-Value"
    view = vc.tunnel_view(dict(body, name="t1", id="/c"), {"name": "t1-lng", "properties": {}})
    assert "S3cret-Key-Value" not in repr(view)
    assert view["gateway_custom_bgp_addresses"] == [{"ip_configuration": "ipconfig1", "address": "169.254.21.2"},
                                                    {"ip_configuration": "ipconfig2", "address": "169.254.21.6"}]


def test_connection_drift():
    [t] = vc.want_tunnels([TUNNEL], "present")
    want = vc.connection_body(t, "westeurope", OWN, GW, "/lng", "IKEv2")
    have = {"tags": OWN, "properties": dict(want["properties"])}
    have["properties"].pop("sharedKey")
    assert vc.connection_drift(have, want, OWN) == []
    changed = {"tags": {}, "properties": dict(have["properties"], enableBgp=False, connectionProtocol="IKEv1",
                                              gatewayCustomBgpIpAddresses=[])}
    assert vc.connection_drift(changed, want, OWN) == [
        "enable_bgp", "connection_protocol", "gateway_custom_bgp_addresses", "tags"]


def test_lng_drift():
    [t] = vc.want_tunnels([TUNNEL], "present")
    body = vc.lng_body(t, "westeurope", OWN)
    assert vc.lng_drift(body, t, OWN) is False
    assert vc.lng_drift(body, dict(t, peer_ip="203.0.113.9"), OWN) is True
    assert vc.lng_drift(body, dict(t, asn=65000), OWN) is True
