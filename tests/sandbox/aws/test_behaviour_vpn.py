"""Site-to-Site VPN behaviour restored on top of moto: tunnel options, modify calls, customer gateways."""

from __future__ import annotations

import ipaddress
import xml.etree.ElementTree as ET

import pytest
from behaviour_conftest import client, error_code, patched_aws
from botocore.exceptions import ClientError

RESERVED = {
    "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30",
    "169.254.5.0/30", "169.254.169.252/30",
}
TEST_NET = ipaddress.ip_network("192.0.2.0/24")
PSK_1 = "Tunnel.one_psk1"
PSK_2 = "Tunnel.two_psk2"


def _tgw(ec2, asn=64512):
    return ec2.create_transit_gateway(Options={"AmazonSideAsn": asn})["TransitGateway"]["TransitGatewayId"]


def _cgw(ec2, asn=65010, ip="198.51.100.10", **kw):
    return ec2.create_customer_gateway(BgpAsn=asn, IpAddress=ip, Type="ipsec.1", **kw)["CustomerGateway"][
        "CustomerGatewayId"
    ]


def _vpn(ec2, cgw, tgw, **options):
    return ec2.create_vpn_connection(CustomerGatewayId=cgw, TransitGatewayId=tgw, Type="ipsec.1", Options=options)[
        "VpnConnection"
    ]


def _describe(ec2, vpn_id):
    return ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])["VpnConnections"][0]


def _document(vpn):
    """Per tunnel: (aws outside, aws inside, customer outside, customer inside, aws asn, customer asn, psk)."""
    root = ET.fromstring(vpn["CustomerGatewayConfiguration"])
    assert root.get("id") == vpn["VpnConnectionId"]
    out = []
    for tunnel in root.findall("ipsec_tunnel"):
        cgw, vgw = tunnel.find("customer_gateway"), tunnel.find("vpn_gateway")
        out.append((
            vgw.findtext("tunnel_outside_address/ip_address"),
            vgw.findtext("tunnel_inside_address/ip_address"),
            cgw.findtext("tunnel_outside_address/ip_address"),
            cgw.findtext("tunnel_inside_address/ip_address"),
            vgw.findtext("bgp/asn"),
            cgw.findtext("bgp/asn"),
            tunnel.findtext("ike/pre_shared_key"),
        ))
    return out


def _ike(tunnel):
    return [v["Value"] for v in tunnel["IkeVersions"]]


def test_create_honours_tunnel_options_and_reports_them_consistently():
    with patched_aws():
        ec2 = client("ec2")
        tgw, cgw = _tgw(ec2, asn=64600), _cgw(ec2, asn=65010, ip="198.51.100.10")
        created = _vpn(ec2, cgw, tgw, StaticRoutesOnly=False, TunnelOptions=[
            {"TunnelInsideCidr": "169.254.21.0/30", "PreSharedKey": PSK_1, "IKEVersions": [{"Value": "ikev2"}],
             "DPDTimeoutAction": "restart", "StartupAction": "start"},
            {"TunnelInsideCidr": "169.254.22.0/30", "PreSharedKey": PSK_2},
        ])
        vpn = _describe(ec2, created["VpnConnectionId"])
        assert vpn["Options"]["StaticRoutesOnly"] is False and vpn["Category"] == "VPN"
        one, two = vpn["Options"]["TunnelOptions"]
        assert (one["TunnelInsideCidr"], one["PreSharedKey"], _ike(one)) == ("169.254.21.0/30", PSK_1, ["ikev2"])
        assert (one["DpdTimeoutAction"], one["StartupAction"]) == ("restart", "start")
        assert (two["TunnelInsideCidr"], two["PreSharedKey"]) == ("169.254.22.0/30", PSK_2)
        assert _ike(two) == ["ikev1", "ikev2"]
        assert (two["DpdTimeoutAction"], two["StartupAction"], two["DpdTimeoutSeconds"]) == ("clear", "add", 30)
        assert (two["Phase1LifetimeSeconds"], two["Phase2LifetimeSeconds"]) == (28800, 3600)
        outside = [one["OutsideIpAddress"], two["OutsideIpAddress"]]
        assert len(set(outside)) == 2 and all(ipaddress.ip_address(ip) in TEST_NET for ip in outside)
        assert [(t["OutsideIpAddress"], t["Status"]) for t in vpn["VgwTelemetry"]] == [(ip, "DOWN") for ip in outside]
        assert _document(vpn) == [
            (outside[0], "169.254.21.1", "198.51.100.10", "169.254.21.2", "64600", "65010", PSK_1),
            (outside[1], "169.254.22.1", "198.51.100.10", "169.254.22.2", "64600", "65010", PSK_2),
        ]
        assert created["Options"] == vpn["Options"]


def test_missing_options_get_free_inside_cidrs_and_generated_keys():
    with patched_aws():
        ec2 = client("ec2")
        tgw, cgw = _tgw(ec2), _cgw(ec2)
        seen, outside = [], []
        for _ in range(25):
            vpn = _vpn(ec2, cgw, tgw)
            tunnels = vpn["Options"]["TunnelOptions"]
            assert len(tunnels) == 2 and len(vpn["VgwTelemetry"]) == 2
            for t in tunnels:
                net = ipaddress.ip_network(t["TunnelInsideCidr"])
                assert net.prefixlen == 30 and net.subnet_of(ipaddress.ip_network("169.254.0.0/16"))
                assert str(net) not in RESERVED
                assert 8 <= len(t["PreSharedKey"]) <= 64 and not t["PreSharedKey"].startswith("0")
                seen.append(str(net))
                outside.append(t["OutsideIpAddress"])
        assert len(set(seen)) == len(seen), "inside CIDRs are unique on one transit gateway"
        assert len(set(outside)) == len(outside), "every tunnel has its own outside address"


def test_static_connection_has_no_bgp_in_its_configuration():
    with patched_aws():
        ec2 = client("ec2")
        vpn = _vpn(ec2, _cgw(ec2), _tgw(ec2), StaticRoutesOnly=True)
        vpn = _describe(ec2, vpn["VpnConnectionId"])
        assert vpn["Options"]["StaticRoutesOnly"] is True
        root = ET.fromstring(vpn["CustomerGatewayConfiguration"])
        assert root.findtext("vpn_connection_attributes") == "NoBGPVPNConnection"
        assert root.findall("ipsec_tunnel/*/bgp") == [] and len(root.findall("ipsec_tunnel")) == 2


@pytest.mark.parametrize("tunnels", [
    [{"TunnelInsideCidr": "169.254.1.0/30"}],
    [{"TunnelInsideCidr": "169.254.169.252/30"}],
    [{"TunnelInsideCidr": "169.254.10.0/29"}],
    [{"TunnelInsideCidr": "10.0.0.0/30"}],
    [{"TunnelInsideCidr": "169.254.10.0/30"}, {"TunnelInsideCidr": "169.254.10.0/30"}],
    [{"PreSharedKey": "0startswithzero"}],
    [{"PreSharedKey": "short"}],
    [{"IKEVersions": [{"Value": "ikev3"}]}],
    [{"DPDTimeoutAction": "explode"}],
    [{"StartupAction": "add"}] * 3,
])
def test_invalid_tunnel_options_are_refused_before_create(tunnels):
    with patched_aws():
        ec2 = client("ec2")
        tgw, cgw = _tgw(ec2), _cgw(ec2)
        with pytest.raises(ClientError) as exc:
            _vpn(ec2, cgw, tgw, TunnelOptions=tunnels)
        assert error_code(exc) == "InvalidParameterValue"
        assert ec2.describe_vpn_connections()["VpnConnections"] == []
        assert ec2.describe_transit_gateway_attachments()["TransitGatewayAttachments"] == []


def test_inside_cidr_is_unique_per_gateway_only():
    with patched_aws():
        ec2 = client("ec2")
        tgw_a, tgw_b, cgw = _tgw(ec2), _tgw(ec2), _cgw(ec2)
        _vpn(ec2, cgw, tgw_a, TunnelOptions=[{"TunnelInsideCidr": "169.254.30.0/30"}])
        with pytest.raises(ClientError) as exc:
            _vpn(ec2, cgw, tgw_a, TunnelOptions=[{"TunnelInsideCidr": "169.254.30.0/30"}])
        assert error_code(exc) == "InvalidParameterValue"
        other = _vpn(ec2, cgw, tgw_b, TunnelOptions=[{"TunnelInsideCidr": "169.254.30.0/30"}])
        assert other["Options"]["TunnelOptions"][0]["TunnelInsideCidr"] == "169.254.30.0/30"


def test_modify_vpn_tunnel_options_changes_one_tunnel():
    with patched_aws():
        ec2 = client("ec2")
        tgw, cgw = _tgw(ec2), _cgw(ec2)
        vpn = _vpn(ec2, cgw, tgw, TunnelOptions=[{"TunnelInsideCidr": "169.254.21.0/30", "PreSharedKey": PSK_1},
                                                  {"TunnelInsideCidr": "169.254.22.0/30", "PreSharedKey": PSK_2}])
        vpn_id = vpn["VpnConnectionId"]
        one, two = vpn["Options"]["TunnelOptions"]
        out = ec2.modify_vpn_tunnel_options(
            VpnConnectionId=vpn_id, VpnTunnelOutsideIpAddress=two["OutsideIpAddress"],
            TunnelOptions={"TunnelInsideCidr": "169.254.40.0/30", "PreSharedKey": "Changed.key_2",
                           "IKEVersions": [{"Value": "ikev2"}], "StartupAction": "start"},
        )["VpnConnection"]
        got = _describe(ec2, vpn_id)
        assert out["Options"] == got["Options"]
        new_one, new_two = got["Options"]["TunnelOptions"]
        assert new_one == one
        assert new_two["OutsideIpAddress"] == two["OutsideIpAddress"]
        assert (new_two["TunnelInsideCidr"], new_two["PreSharedKey"], _ike(new_two), new_two["StartupAction"]) == (
            "169.254.40.0/30", "Changed.key_2", ["ikev2"], "start")
        doc = _document(got)
        assert doc[1][:2] == (two["OutsideIpAddress"], "169.254.40.1") and doc[1][6] == "Changed.key_2"
        assert doc[0][1] == "169.254.21.1"
        with pytest.raises(ClientError) as exc:
            ec2.modify_vpn_tunnel_options(VpnConnectionId=vpn_id, VpnTunnelOutsideIpAddress=two["OutsideIpAddress"],
                                          TunnelOptions={"TunnelInsideCidr": "169.254.21.0/30"})
        assert error_code(exc) == "InvalidParameterValue"
        with pytest.raises(ClientError) as exc:
            ec2.modify_vpn_tunnel_options(VpnConnectionId=vpn_id, VpnTunnelOutsideIpAddress="203.0.113.250",
                                          TunnelOptions={"PreSharedKey": "Another.key"})
        assert error_code(exc) == "InvalidParameterValue"
        with pytest.raises(ClientError) as exc:
            ec2.modify_vpn_tunnel_options(VpnConnectionId="vpn-0123456789abcdef0",
                                          VpnTunnelOutsideIpAddress=two["OutsideIpAddress"], TunnelOptions={})
        assert error_code(exc) == "InvalidVpnConnectionID.NotFound"


def test_modifying_state_and_lifecycle_pending_states():
    with patched_aws(pending_reads=1):
        ec2 = client("ec2")
        tgw = _tgw(ec2)
        ec2.describe_transit_gateways(TransitGatewayIds=[tgw])
        ec2.describe_transit_gateways(TransitGatewayIds=[tgw])
        vpn = _vpn(ec2, _cgw(ec2), tgw, TunnelOptions=[{"TunnelInsideCidr": "169.254.50.0/30"}])
        vpn_id = vpn["VpnConnectionId"]
        assert vpn["State"] == "pending"
        assert _describe(ec2, vpn_id)["State"] == "pending"
        ready = _describe(ec2, vpn_id)
        assert ready["State"] == "available"
        assert ready["Options"]["TunnelOptions"][0]["TunnelInsideCidr"] == "169.254.50.0/30"
        outside = ready["Options"]["TunnelOptions"][0]["OutsideIpAddress"]
        modified = ec2.modify_vpn_tunnel_options(VpnConnectionId=vpn_id, VpnTunnelOutsideIpAddress=outside,
                                                 TunnelOptions={"DPDTimeoutAction": "restart"})["VpnConnection"]
        assert modified["State"] == "modifying"
        with pytest.raises(ClientError) as exc:
            ec2.modify_vpn_tunnel_options(VpnConnectionId=vpn_id, VpnTunnelOutsideIpAddress=outside,
                                          TunnelOptions={"StartupAction": "start"})
        assert error_code(exc) == "IncorrectState"
        assert _describe(ec2, vpn_id)["State"] == "modifying"
        assert _describe(ec2, vpn_id)["State"] == "available"
        ec2.delete_vpn_connection(VpnConnectionId=vpn_id)
        assert _describe(ec2, vpn_id)["State"] == "deleting"
        assert _describe(ec2, vpn_id)["State"] == "deleted"


def test_modify_vpn_connection_moves_gateways():
    with patched_aws():
        ec2 = client("ec2")
        tgw_a, tgw_b = _tgw(ec2, asn=64600), _tgw(ec2, asn=64700)
        cgw_a, cgw_b = _cgw(ec2, asn=65010), _cgw(ec2, asn=65020, ip="203.0.113.20")
        vpn = _vpn(ec2, cgw_a, tgw_a, TunnelOptions=[{"TunnelInsideCidr": "169.254.60.0/30"}])
        vpn_id = vpn["VpnConnectionId"]
        old_att = ec2.describe_transit_gateway_attachments(
            Filters=[{"Name": "resource-id", "Values": [vpn_id]}])["TransitGatewayAttachments"][0]
        out = ec2.modify_vpn_connection(VpnConnectionId=vpn_id, TransitGatewayId=tgw_b)["VpnConnection"]
        assert out["TransitGatewayId"] == tgw_b
        atts = ec2.describe_transit_gateway_attachments(
            Filters=[{"Name": "resource-id", "Values": [vpn_id]}])["TransitGatewayAttachments"]
        live = [(a["TransitGatewayId"], a["ResourceType"]) for a in atts if a["State"] not in ("deleting", "deleted")]
        assert live == [(tgw_b, "vpn")]
        gone = [a for a in atts if a["TransitGatewayAttachmentId"] == old_att["TransitGatewayAttachmentId"]]
        assert all(a["State"] == "deleted" for a in gone)
        ec2.modify_vpn_connection(VpnConnectionId=vpn_id, CustomerGatewayId=cgw_b)
        got = _describe(ec2, vpn_id)
        assert (got["CustomerGatewayId"], got["TransitGatewayId"]) == (cgw_b, tgw_b)
        assert got["Options"]["TunnelOptions"] == vpn["Options"]["TunnelOptions"]
        doc = _document(got)
        assert {(d[2], d[4], d[5]) for d in doc} == {("203.0.113.20", "64700", "65020")}
        unknown = "0123456789abcdef0"
        for vpn_arg, gateway, code in (
            (f"vpn-{unknown}", {"CustomerGatewayId": cgw_a}, "InvalidVpnConnectionID.NotFound"),
            (vpn_id, {"CustomerGatewayId": f"cgw-{unknown}"}, "InvalidCustomerGatewayID.NotFound"),
            (vpn_id, {"TransitGatewayId": f"tgw-{unknown}"}, "InvalidTransitGatewayID.NotFound"),
        ):
            with pytest.raises(ClientError) as exc:
                ec2.modify_vpn_connection(VpnConnectionId=vpn_arg, **gateway)
            assert error_code(exc) == code
        assert _describe(ec2, vpn_id)["CustomerGatewayId"] == cgw_b


def test_identical_customer_gateway_create_returns_the_existing_one():
    with patched_aws():
        ec2 = client("ec2")
        first = _cgw(ec2, asn=65030, ip="198.51.100.30")
        assert _cgw(ec2, asn=65030, ip="198.51.100.30") == first
        other_device = _cgw(ec2, asn=65030, ip="198.51.100.30", DeviceName="edge-2")
        assert other_device != first
        assert _cgw(ec2, asn=65031, ip="198.51.100.30") not in (first, other_device)
        ec2.delete_customer_gateway(CustomerGatewayId=first)
        assert _cgw(ec2, asn=65030, ip="198.51.100.30") != first
        available = ec2.describe_customer_gateways(Filters=[
            {"Name": "bgp-asn", "Values": ["65030"]}, {"Name": "state", "Values": ["available"]}])["CustomerGateways"]
        assert len(available) == 2


def test_describe_customer_gateways_filters():
    with patched_aws():
        ec2 = client("ec2")
        tagged = _cgw(ec2, asn=65040, ip="198.51.100.40", TagSpecifications=[
            {"ResourceType": "customer-gateway", "Tags": [{"Key": "Name", "Value": "branch-a"}]}])
        plain = _cgw(ec2, asn=65041, ip="198.51.100.41")

        def ids(*filters):
            found = ec2.describe_customer_gateways(Filters=list(filters))["CustomerGateways"]
            return sorted(c["CustomerGatewayId"] for c in found)

        assert ids({"Name": "bgp-asn", "Values": ["65040"]}) == [tagged]
        assert ids({"Name": "bgp-asn", "Values": ["65040", "65041"]}) == sorted([tagged, plain])
        assert ids({"Name": "tag:Name", "Values": ["branch-a"]}) == [tagged]
        assert ids({"Name": "tag:Name", "Values": ["branch-b"]}) == []
        assert ids({"Name": "tag-key", "Values": ["Name"]}) == [tagged]
        assert ids({"Name": "ip-address", "Values": ["198.51.100.41"]}) == [plain]
        with pytest.raises(ClientError) as exc:
            ec2.describe_customer_gateways(CustomerGatewayIds=["cgw-0123456789abcdef0"])
        assert error_code(exc) == "InvalidCustomerGatewayID.NotFound"
