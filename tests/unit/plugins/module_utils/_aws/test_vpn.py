"""VPN and customer gateway normalisers, and the real-AWS behaviour the sandbox lacks (botocore Stubber)."""

from __future__ import annotations

import json

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import customer_gateway as cg
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import vpn
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

VPN_ID, CGW_ID, TGW_ID = "vpn-0123456789abcdef0", "cgw-0123456789abcdef0", "tgw-0123456789abcdef0"
ATT_ID = "tgw-attach-0123456789abcdef0"
OLD_KEY, NEW_KEY = "old.key_AAAAAAAAAAAA", "new.key_BBBBBBBBBBBB"
OWN = [{"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"}, {"Key": "cloudnet:topology", "Value": "t"},
       {"Key": "Name", "Value": "azure-0"}]

# The generic configuration document as AWS returns it (abridged), keys included.
CONFIG = """<?xml version="1.0" encoding="UTF-8"?>
<vpn_connection id="vpn-0123456789abcdef0">
  <ipsec_tunnel>
    <customer_gateway><tunnel_outside_address><ip_address>203.0.113.10</ip_address></tunnel_outside_address>
      <tunnel_inside_address><ip_address>169.254.21.2</ip_address><network_cidr>30</network_cidr>
      </tunnel_inside_address><bgp><asn>65515</asn><hold_time>30</hold_time></bgp></customer_gateway>
    <vpn_gateway><tunnel_outside_address><ip_address>3.3.3.1</ip_address></tunnel_outside_address>
      <tunnel_inside_address><ip_address>169.254.21.1</ip_address><network_cidr>30</network_cidr>
      </tunnel_inside_address><bgp><asn>64512</asn><hold_time>30</hold_time></bgp></vpn_gateway>
    <ike><pre_shared_key>old.key_AAAAAAAAAAAA</pre_shared_key></ike>
  </ipsec_tunnel>
  <ipsec_tunnel>
    <customer_gateway><tunnel_outside_address><ip_address>203.0.113.10</ip_address></tunnel_outside_address>
      <tunnel_inside_address><ip_address>169.254.22.2</ip_address><network_cidr>30</network_cidr>
      </tunnel_inside_address><bgp><asn>65515</asn><hold_time>30</hold_time></bgp></customer_gateway>
    <vpn_gateway><tunnel_outside_address><ip_address>3.3.3.2</ip_address></tunnel_outside_address>
      <tunnel_inside_address><ip_address>169.254.22.1</ip_address><network_cidr>30</network_cidr>
      </tunnel_inside_address><bgp><asn>64512</asn><hold_time>30</hold_time></bgp></vpn_gateway>
    <ike><pre_shared_key>old.key_AAAAAAAAAAAA</pre_shared_key></ike>
  </ipsec_tunnel>
</vpn_connection>"""


def api_vpn(state="available", key=OLD_KEY):
    return {
        "VpnConnectionId": VPN_ID, "State": state, "Type": "ipsec.1", "Category": "VPN",
        "CustomerGatewayId": CGW_ID, "TransitGatewayId": TGW_ID, "CustomerGatewayConfiguration": CONFIG,
        "Options": {"StaticRoutesOnly": False, "TunnelInsideIpVersion": "ipv4", "TunnelOptions": [
            {"OutsideIpAddress": "3.3.3.1", "TunnelInsideCidr": "169.254.21.0/30", "PreSharedKey": key,
             "IkeVersions": [{"Value": "ikev2"}]},
            {"OutsideIpAddress": "3.3.3.2", "TunnelInsideCidr": "169.254.22.0/30", "PreSharedKey": OLD_KEY,
             "IkeVersions": [{"Value": "ikev2"}]},
        ]},
        "VgwTelemetry": [{"OutsideIpAddress": "3.3.3.1", "Status": "UP"},
                         {"OutsideIpAddress": "3.3.3.2", "Status": "DOWN"}],
        "Tags": OWN,
    }


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


def params(**kw):
    base = {"name": "azure-0", "topology": "t", "state": "present", "customer_gateway_id": CGW_ID,
            "transit_gateway_id": TGW_ID, "static_routes_only": False, "tags": None, "purge_tags": True,
            "wait": False, "wait_timeout": 30,
            "tunnel_options": [
                {"tunnel_inside_cidr": "169.254.21.0/30", "pre_shared_key": NEW_KEY, "ike_versions": ["ikev2"],
                 "dpd_timeout_action": None, "startup_action": None},
                {"tunnel_inside_cidr": "169.254.22.0/30", "pre_shared_key": OLD_KEY, "ike_versions": ["ikev2"],
                 "dpd_timeout_action": None, "startup_action": None},
            ]}
    base.update(kw)
    return base


def _describe_sides(stub):
    stub.add_response("describe_customer_gateways", {"CustomerGateways": [
        {"CustomerGatewayId": CGW_ID, "BgpAsn": "65515", "IpAddress": "203.0.113.10", "State": "available",
         "Type": "ipsec.1"}]}, {"CustomerGatewayIds": [CGW_ID]})
    stub.add_response("describe_transit_gateways", {"TransitGateways": [
        {"TransitGatewayId": TGW_ID, "State": "available", "Options": {"AmazonSideAsn": 64512}}]},
        {"TransitGatewayIds": [TGW_ID]})


def _stub_read(stub):
    stub.add_response("describe_vpn_connections", {"VpnConnections": [api_vpn()]},
                      {"Filters": [{"Name": "tag:Name", "Values": ["azure-0"]}]})
    stub.add_response("describe_transit_gateway_attachments", {"TransitGatewayAttachments": [
        {"TransitGatewayAttachmentId": ATT_ID, "ResourceId": VPN_ID, "ResourceType": "vpn", "State": "available",
         "TransitGatewayId": TGW_ID}]}, {"Filters": ANY})
    _describe_sides(stub)


@pytest.mark.parametrize("check_mode", [False, True])
def test_changed_key_is_modified_in_place_and_never_shown(check_mode):
    conn, stub = stubbed()
    _stub_read(stub)
    if not check_mode:
        stub.add_response("modify_vpn_tunnel_options", {"VpnConnection": api_vpn(key=NEW_KEY)}, {
            "VpnConnectionId": VPN_ID, "VpnTunnelOutsideIpAddress": "3.3.3.1",
            "TunnelOptions": {"PreSharedKey": NEW_KEY}})
        stub.add_response("describe_vpn_connections", {"VpnConnections": [api_vpn(key=NEW_KEY)]},
                          {"VpnConnectionIds": [VPN_ID]})
        _describe_sides(stub)
    else:
        _describe_sides(stub)
    with stub:
        result = vpn.VpnConnectionManager(conn, params(), check_mode).ensure()
    stub.assert_no_pending_responses()
    assert result["operations"] == [{"action": "modify_tunnel", "target": VPN_ID, "tunnel": "3.3.3.1",
                                     "options": {"pre_shared_key": "(hidden)"}}]
    text = json.dumps(result)
    assert OLD_KEY not in text and NEW_KEY not in text
    conn_out = result["vpn_connection"]
    assert conn_out["transit_gateway_attachment_id"] == ATT_ID
    assert conn_out["tunnels"][0] == {
        "outside_ip_address": "3.3.3.1", "tunnel_inside_cidr": "169.254.21.0/30", "aws_inside_address": "169.254.21.1",
        "customer_inside_address": "169.254.21.2", "aws_bgp_asn": 64512, "customer_bgp_asn": 65515,
        "ike_versions": ["ikev2"], "status": "UP"}


def test_unchanged_connection_makes_no_call():
    conn, stub = stubbed()
    _stub_read(stub)
    _describe_sides(stub)
    with stub:
        same = [dict(params()["tunnel_options"][0], pre_shared_key=OLD_KEY)]
        result = vpn.VpnConnectionManager(conn, params(tunnel_options=same), False).ensure()
    assert result["changed"] is False and result["diff"]["before"] == result["diff"]["after"]


def test_gateway_change_uses_modify_vpn_connection():
    conn, stub = stubbed()
    _stub_read(stub)
    other = "cgw-0123456789abcdef1"
    stub.add_response("modify_vpn_connection", {"VpnConnection": api_vpn()},
                      {"VpnConnectionId": VPN_ID, "CustomerGatewayId": other})
    stub.add_response("describe_vpn_connections", {"VpnConnections": [dict(api_vpn(), CustomerGatewayId=other)]},
                      {"VpnConnectionIds": [VPN_ID]})
    stub.add_response("describe_transit_gateway_attachments", {"TransitGatewayAttachments": [
        {"TransitGatewayAttachmentId": ATT_ID, "ResourceId": VPN_ID, "ResourceType": "vpn", "State": "available",
         "TransitGatewayId": TGW_ID}]}, {"Filters": ANY})
    stub.add_response("describe_customer_gateways", {"CustomerGateways": []}, {"CustomerGatewayIds": [other]})
    stub.add_response("describe_transit_gateways", {"TransitGateways": []}, {"TransitGatewayIds": [TGW_ID]})
    with stub:
        result = vpn.VpnConnectionManager(conn, params(customer_gateway_id=other, tunnel_options=[]), False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["modify"]
    assert result["operations"][0]["customer_gateway_id"] == other
    assert result["vpn_connection"]["customer_gateway_id"] == other


def test_static_routes_only_change_is_refused():
    conn, stub = stubbed()
    _stub_read(stub)
    with stub, pytest.raises(Exception, match="static_routes_only"):
        vpn.VpnConnectionManager(conn, params(static_routes_only=True), True).ensure()


def test_configuration_document_parsed_without_keys():
    tunnels = vpn.parse_configuration(CONFIG)
    assert [t["outside_ip_address"] for t in tunnels] == ["3.3.3.1", "3.3.3.2"]
    assert tunnels[1]["tunnel_inside_cidr"] == "169.254.22.0/30" and tunnels[1]["customer_bgp_asn"] == "65515"
    assert OLD_KEY not in json.dumps(tunnels)
    assert vpn.parse_configuration("not xml") == [] and vpn.parse_configuration(None) == []


def test_tunnels_fall_back_to_the_document_and_static_routing_has_no_asns():
    bare = dict(api_vpn(), Options={"StaticRoutesOnly": True})
    [first, _second] = vpn.describe_tunnels(bare, 65515, 64512)
    assert first["tunnel_inside_cidr"] == "169.254.21.0/30" and first["outside_ip_address"] == "3.3.3.1"
    assert first["aws_bgp_asn"] is None and first["customer_bgp_asn"] is None


@pytest.mark.parametrize("want,have,changes", [
    ({"ike_versions": ["ikev1", "ikev2"]}, {"IkeVersions": [{"Value": "ikev2"}, {"Value": "ikev1"}]}, {}),
    ({"ike_versions": ["ikev2"]}, {"IkeVersions": [{"Value": "ikev1"}]}, {"ike_versions": ["ikev2"]}),
    ({"pre_shared_key": NEW_KEY}, {}, {}),  # not reported (e.g. kept in Secrets Manager): not compared
    ({"pre_shared_key": NEW_KEY}, {"PreSharedKey": NEW_KEY}, {}),
    ({"tunnel_inside_cidr": "169.254.30.0/30"}, {"TunnelInsideCidr": "169.254.21.0/30"},
     {"tunnel_inside_cidr": "169.254.30.0/30"}),
    ({"dpd_timeout_action": None}, {"DpdTimeoutAction": "clear"}, {}),
])
def test_tunnel_changes(want, have, changes):
    assert vpn.tunnel_changes(want, have) == changes


@pytest.mark.parametrize("tunnels,field,words", [
    ([{"tunnel_inside_cidr": "169.254.1.0/30"}], "tunnel_options[0].tunnel_inside_cidr", "reserved"),
    ([{"tunnel_inside_cidr": "169.254.21.0/29"}], "tunnel_options[0].tunnel_inside_cidr", "/30"),
    ([{"tunnel_inside_cidr": "10.0.0.0/30"}], "tunnel_options[0].tunnel_inside_cidr", "/30"),
    ([{"tunnel_inside_cidr": "169.254.21.0/30"}, {"tunnel_inside_cidr": "169.254.21.0/30"}],
     "tunnel_options[1].tunnel_inside_cidr", "both"),
    ([{"pre_shared_key": "0bad_start_key"}], "tunnel_options[0].pre_shared_key", "not a valid"),
    ([{"pre_shared_key": "short"}], "tunnel_options[0].pre_shared_key", "not a valid"),
    ([{}, {}, {}], "tunnel_options", "two"),
])
def test_tunnel_validation(tunnels, field, words):
    with pytest.raises(ValidationError) as err:
        vpn.validate_tunnels(tunnels)
    assert err.value.field == field and words in err.value.message
    assert "0bad_start_key" not in err.value.message


def test_tunnel_spec_uses_request_names():
    [t] = vpn.validate_tunnels([{"tunnel_inside_cidr": "169.254.21.0/30", "pre_shared_key": NEW_KEY,
                                 "ike_versions": ["ikev2", "ikev1"], "startup_action": "start"}])
    assert vpn.tunnel_spec(t) == {"TunnelInsideCidr": "169.254.21.0/30", "PreSharedKey": NEW_KEY,
                                  "IKEVersions": [{"Value": "ikev1"}, {"Value": "ikev2"}], "StartupAction": "start"}


def test_create_whose_answer_is_lost_is_not_sent_again_when_the_connection_is_found():
    """CreateVpnConnection takes no token: after a 500 the connection the attempt made is looked up, not re-made."""
    conn, stub = stubbed()
    by_name = {"Filters": [{"Name": "tag:Name", "Values": ["azure-0"]}]}
    stub.add_response("describe_vpn_connections", {"VpnConnections": []}, by_name)
    stub.add_client_error("create_vpn_connection", service_error_code="InternalError", http_status_code=500)
    stub.add_response("describe_vpn_connections", {"VpnConnections": [api_vpn(state="pending")]}, by_name)
    stub.add_response("describe_vpn_connections", {"VpnConnections": [api_vpn()]}, {"VpnConnectionIds": [VPN_ID]})
    stub.add_response("describe_transit_gateway_attachments", {"TransitGatewayAttachments": [
        {"TransitGatewayAttachmentId": ATT_ID, "ResourceId": VPN_ID, "ResourceType": "vpn", "State": "available",
         "TransitGatewayId": TGW_ID}]}, {"Filters": ANY})
    _describe_sides(stub)
    with stub:
        result = vpn.VpnConnectionManager(conn, params(), False).ensure()
    stub.assert_no_pending_responses()
    assert [o["action"] for o in result["operations"]] == ["create"]
    assert result["vpn_connection"]["vpn_connection_id"] == VPN_ID
    assert NEW_KEY not in json.dumps(result) and OLD_KEY not in json.dumps(result)


@pytest.mark.parametrize("found", [
    dict(api_vpn(), CustomerGatewayId="cgw-0000000000000000f"),  # same name, another customer gateway
    api_vpn(state="deleting"),
])
def test_lost_answer_lookup_takes_only_our_pair_pending_or_available(found):
    conn, stub = stubbed()
    by_name = {"Filters": [{"Name": "tag:Name", "Values": ["azure-0"]}]}
    stub.add_response("describe_vpn_connections", {"VpnConnections": []}, by_name)
    stub.add_client_error("create_vpn_connection", service_error_code="InternalError", http_status_code=500)
    for _look in range(2):
        stub.add_response("describe_vpn_connections", {"VpnConnections": [found]}, by_name)
    stub.add_response("create_vpn_connection", {"VpnConnection": api_vpn(state="pending")})
    stub.add_response("describe_vpn_connections", {"VpnConnections": [api_vpn()]}, {"VpnConnectionIds": [VPN_ID]})
    stub.add_response("describe_transit_gateway_attachments", {"TransitGatewayAttachments": []}, {"Filters": ANY})
    _describe_sides(stub)
    with stub:
        vpn.VpnConnectionManager(conn, params(), False).ensure()
    stub.assert_no_pending_responses()


def test_four_byte_asn_is_sent_as_bgp_asn_extended():
    conn, stub = stubbed()
    stub.add_response("describe_customer_gateways", {"CustomerGateways": []}, {"Filters": ANY})
    stub.add_response("describe_customer_gateways", {"CustomerGateways": []},
                      {"Filters": [{"Name": "ip-address", "Values": ["203.0.113.10"]}]})
    stub.add_response("create_customer_gateway", {"CustomerGateway": {
        "CustomerGatewayId": CGW_ID, "BgpAsnExtended": "4200000000", "IpAddress": "203.0.113.10",
        "State": "available", "Type": "ipsec.1"}},
        {"Type": "ipsec.1", "IpAddress": "203.0.113.10", "BgpAsnExtended": 4200000000, "TagSpecifications": ANY})
    p = {"name": "gcp-0", "topology": "t", "state": "present", "bgp_asn": 4200000000, "ip_address": "203.0.113.10",
         "device_name": None, "tags": None, "purge_tags": True}
    with stub:
        result = cg.CustomerGatewayManager(conn, p, False).ensure()
    assert result["customer_gateway"]["bgp_asn"] == 4200000000


def test_customer_gateway_create_whose_answer_is_lost_finds_the_gateway_it_made():
    conn, stub = stubbed()
    by_name = {"Filters": [{"Name": "tag:Name", "Values": ["azure-0"]}]}
    stub.add_response("describe_customer_gateways", {"CustomerGateways": []}, by_name)
    stub.add_response("describe_customer_gateways", {"CustomerGateways": []}, {"Filters": ANY})
    stub.add_client_error("create_customer_gateway", service_error_code="InternalError", http_status_code=500)
    stub.add_response("describe_customer_gateways", {"CustomerGateways": [{
        "CustomerGatewayId": CGW_ID, "BgpAsn": "65515", "IpAddress": "203.0.113.10", "State": "available",
        "Type": "ipsec.1", "Tags": OWN}]}, by_name)
    p = {"name": "azure-0", "topology": "t", "state": "present", "bgp_asn": 65515, "ip_address": "203.0.113.10",
         "device_name": None, "tags": None, "purge_tags": True}
    with stub:
        result = cg.CustomerGatewayManager(conn, p, False).ensure()
    stub.assert_no_pending_responses()
    assert result["customer_gateway"]["customer_gateway_id"] == CGW_ID
    assert [o["action"] for o in result["operations"]] == ["create"]


def test_existing_gateway_with_same_key_under_another_name_is_refused():
    conn, stub = stubbed()
    stub.add_response("describe_customer_gateways", {"CustomerGateways": []}, {"Filters": ANY})
    stub.add_response("describe_customer_gateways", {"CustomerGateways": [{
        "CustomerGatewayId": CGW_ID, "BgpAsn": "65515", "IpAddress": "203.0.113.10", "State": "available",
        "Type": "ipsec.1", "Tags": [dict(t, Value="other") if t["Key"] == "Name" else t for t in OWN]}]},
        {"Filters": ANY})
    p = {"name": "gcp-0", "topology": "t", "state": "present", "bgp_asn": 65515, "ip_address": "203.0.113.10",
         "device_name": None, "tags": None, "purge_tags": True}
    with stub, pytest.raises(Exception, match="use name 'other'"):
        cg.CustomerGatewayManager(conn, p, False).ensure()


@pytest.mark.parametrize("asn,ip,field", [(0, "203.0.113.1", "bgp_asn"), (4294967295, "203.0.113.1", "bgp_asn"),
                                          (65000, "2001:db8::1", "ip_address"), (65000, "host", "ip_address")])
def test_customer_gateway_validation(asn, ip, field):
    with pytest.raises(ValidationError) as err:
        cg.validate_customer_gateway({"state": "present", "bgp_asn": asn, "ip_address": ip})
    assert err.value.field == field
