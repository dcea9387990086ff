"""gcp_ha_vpn and gcp_dns_forwarding_zone: validation and planners, without any cloud."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import dns_zone, ha_vpn
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import ownership as own


def params(**over):
    base = {"name": "vpn", "topology": "t", "state": "present", "network": "hub", "router": {"asn": 64514},
            "external_gateway": {"interfaces": ["203.0.113.1", "203.0.113.2"]}, "labels": None,
            "tunnels": [{"name": "vpn-0", "vpn_gateway_interface": 0, "peer_interface": 1, "ike_version": 2,
                         "shared_secret": "s", "ip_range": "169.254.10.2/30", "peer_ip_address": "169.254.10.1",
                         "peer_asn": 64512}]}
    base.update(over)
    return base


def test_validate_defaults_names_and_labels():
    want = ha_vpn.validate(params())
    assert (want["router"], want["external"]) == ("vpn-router", "vpn-peer")
    assert want["labels"] == {"cloudnet-managed-by": "cloudnet-privatelink", "cloudnet-topology": "t"}
    assert want["tunnels"][0]["ip_range"] == "169.254.10.2/30"


@pytest.mark.parametrize("over, field", [
    ({"external_gateway": {"interfaces": ["203.0.113.1"] * 3}}, "external_gateway.interfaces"),
    ({"external_gateway": {"interfaces": ["bad"]}}, "external_gateway.interfaces[0]"),
    ({"router": {}}, "router.asn"),
    ({"network": None}, "network"),
    ({"name": "Bad_Name"}, "name"),
])
def test_validate_rejects(over, field):
    with pytest.raises(ValidationError) as err:
        ha_vpn.validate(params(**over))
    assert err.value.field == field


@pytest.mark.parametrize("change, field", [
    ({"peer_interface": 2}, "tunnels[0].peer_interface"),
    ({"peer_ip_address": "169.254.11.1"}, "tunnels[0].peer_ip_address"),
    ({"peer_ip_address": "169.254.10.2"}, "tunnels[0].peer_ip_address"),
    ({"ip_range": "169.254.10.2"}, "tunnels[0].peer_ip_address"),
    ({"name": "x" * 59}, "tunnels[0].name"),
])
def test_validate_rejects_tunnels(change, field):
    p = params()
    p["tunnels"] = [dict(p["tunnels"][0], **change)]
    with pytest.raises(ValidationError) as err:
        ha_vpn.validate(p)
    assert err.value.field == field


def test_absent_needs_no_network_or_asn():
    assert ha_vpn.validate(params(state="absent", network=None, router={}, external_gateway={}, tunnels=[]))


def test_gateway_only_needs_no_interfaces_asn_or_tunnels():
    want = ha_vpn.validate(params(gateway_only=True, router={}, external_gateway={}, tunnels=[]))
    assert want["gateway_only"] is True and want["addresses"] == [] and want["tunnels"] == []


@pytest.mark.parametrize("over, field", [
    ({"external_gateway": {}, "tunnels": []}, None),
    ({"tunnels": []}, "external_gateway.interfaces"),
    ({"external_gateway": {}}, "tunnels"),
    ({"external_gateway": {}, "tunnels": [], "state": "absent"}, "gateway_only"),
    ({"external_gateway": {}, "tunnels": [], "network": None}, "network"),
])
def test_gateway_only_refuses_what_it_would_ignore(over, field):
    if field is None:
        assert ha_vpn.validate(params(gateway_only=True, **over))["gateway_only"] is True
        return
    with pytest.raises(ValidationError) as err:
        ha_vpn.validate(params(gateway_only=True, **over))
    assert err.value.field == field


ROUTER = {"interfaces": [{"name": "foreign-if", "ipRange": "169.254.99.1/30"},
                         {"name": "old-if", "ipRange": "169.254.20.2/30", "linkedVpnTunnel": "x/old"}],
          "bgpPeers": [{"name": "foreign-bgp", "interfaceName": "foreign-if", "peerAsn": 1},
                       {"name": "old-bgp", "interfaceName": "old-if", "peerAsn": 64512, "enable": "TRUE"}]}


def test_plan_router_keeps_foreign_entries_and_replaces_managed_ones():
    tunnels = ha_vpn.validate(params())["tunnels"]
    interfaces, peers = ha_vpn.plan_router(ROUTER, tunnels, {"vpn-0", "old"}, lambda n: f"link/{n}")
    assert [i["name"] for i in interfaces] == ["foreign-if", "vpn-0-if"]
    assert [p["name"] for p in peers] == ["foreign-bgp", "vpn-0-bgp"]
    assert peers[1] == {"name": "vpn-0-bgp", "interfaceName": "vpn-0-if", "peerIpAddress": "169.254.10.1",
                        "peerAsn": 64512, "ipAddress": "169.254.10.2"}
    assert ha_vpn.router_differs(ROUTER, interfaces, peers)
    assert not ha_vpn.router_differs({"interfaces": interfaces, "bgpPeers": peers}, interfaces, peers)


def test_plan_router_keeps_unknown_fields_of_a_managed_peer():
    router = {"interfaces": [], "bgpPeers": [{"name": "vpn-0-bgp", "enable": "FALSE", "peerAsn": 1}]}
    _interfaces, peers = ha_vpn.plan_router(router, ha_vpn.validate(params())["tunnels"], {"vpn-0"}, lambda n: n)
    assert peers[0]["enable"] == "FALSE" and peers[0]["peerAsn"] == 64512


def test_tunnel_conflicts_name_the_immutable_fields():
    want = ha_vpn.validate(params())["tunnels"][0]
    have = {"vpnGatewayInterface": 0, "peerExternalGatewayInterface": 1, "ikeVersion": 2,
            "peerExternalGateway": "https://x/projects/p/global/externalVpnGateways/vpn-peer"}
    assert ha_vpn.tunnel_conflicts(have, want, "vpn-peer") == []
    assert ha_vpn.tunnel_conflicts(dict(have, vpnGatewayInterface=1, ikeVersion=1), want, "other") == [
        "vpn_gateway_interface", "external_gateway", "ike_version"]


@pytest.mark.parametrize("value, expect", [("S3.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com."),
                                           ("lambda.us-east-1.amazonaws.com.", "lambda.us-east-1.amazonaws.com.")])
def test_canonical_dns_name(value, expect):
    assert dns_zone.canonical_dns_name(value) == expect


@pytest.mark.parametrize("value", ["localhost", "", "a..b", "-a.com", None])
def test_canonical_dns_name_rejects(value):
    with pytest.raises(ValidationError):
        dns_zone.canonical_dns_name(value)


def test_targets_are_sorted_deduplicated_and_checked():
    assert dns_zone.normalize_targets([{"ipv4_address": "10.0.0.10"}, {"ipv4_address": "10.0.0.9",
                                                                       "forwarding_path": "private"}]) == [
        {"ipv4_address": "10.0.0.9", "forwarding_path": "private"},
        {"ipv4_address": "10.0.0.10", "forwarding_path": "default"}]
    with pytest.raises(ValidationError, match="twice"):
        dns_zone.normalize_targets([{"ipv4_address": "10.0.0.1"}, {"ipv4_address": "10.0.0.1"}])
    with pytest.raises(ValidationError, match="IPv4"):
        dns_zone.normalize_targets([{"ipv4_address": "host"}])


def test_zone_view_compares_networks_by_path():
    zone = {"name": "z", "dnsName": "s3.x.com.", "visibility": "private", "id": "1",
            "privateVisibilityConfig": {"networks": [{"networkUrl": "http://127.0.0.1:1/compute/v1/projects/p/global/"
                                                                    "networks/b"},
                                                     {"networkUrl": dns_zone.network_url("p", "a")}]},
            "forwardingConfig": {"targetNameServers": [{"ipv4Address": "10.0.0.2"}]}}
    got = dns_zone.view(zone)
    assert got["networks"] == ["projects/p/global/networks/a", "projects/p/global/networks/b"]
    assert got["targets"] == [{"ipv4_address": "10.0.0.2", "forwarding_path": "default"}]
    assert dns_zone.view(None) == {}


def test_ownership_markers():
    text = own.with_marker("HA VPN", "corp")
    assert own.description_owned(text, "corp") and not own.description_owned(text, "other")
    assert own.marker_topology(text) == "corp" and not own.description_owned("HA VPN", None)
    assert own.labels_owned(own.desired_labels("corp", {"app": "x"}), "corp")
    assert not own.labels_owned({"cloudnet-managed-by": "cloudnet-privatelink", "cloudnet-topology": "x"}, "corp")
    with pytest.raises(ValidationError):
        own.desired_labels("corp", {"Bad": "x"})
    with pytest.raises(ValidationError):
        own.check_topology("Corp.Prod")
    assert own.same_ref("https://a/compute/v1/projects/p/global/networks/n", "projects/p/global/networks/n")
    assert own.network_path("p", "hub") == "projects/p/global/networks/hub"


class PendingDns:
    """A DNS API whose zone update answers a pending operation, done on the second read (real Cloud DNS)."""

    project = "p"

    def __init__(self):
        self.reads = 0
        self.paths = []

    def get(self, api, path, **kw):
        self.paths.append(path)
        self.reads += 1
        return {"id": "7", "status": "done" if self.reads >= 2 else "pending"}


def test_pending_dns_operations_are_waited_for(monkeypatch):
    from ansible_collections.cloudnet.privatelink.plugins.module_utils._common import waiter

    monkeypatch.setattr(waiter.time, "sleep", lambda s: None)
    api = PendingDns()
    manager = dns_zone.ForwardingZoneManager(api, {"name": "z", "topology": "t", "state": "absent"}, False)
    assert manager._wait({"id": "7", "status": "pending"})["status"] == "done"
    assert api.paths == ["projects/p/managedZones/z/operations/7"] * 2
