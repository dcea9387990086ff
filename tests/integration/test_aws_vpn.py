"""aws_customer_gateway, aws_transit_gateway_vpn and their _info siblings against the sandbox; read back via boto3."""

from __future__ import annotations

import json
import random
import uuid

import pytest
from harness import run_module

CGW = "aws_customer_gateway"
VPN = "aws_transit_gateway_vpn"
PSK_1 = "Seeded.psk_" + uuid.uuid4().hex[:16]
PSK_2 = "Seeded.psk_" + uuid.uuid4().hex[:16]
TGW_ASN = 64512


def _ip():
    return f"198.51.100.{random.randint(1, 254)}" if random.random() < 0.5 else f"203.0.113.{random.randint(1, 254)}"


def _asn():
    return random.randint(64600, 65500)


@pytest.fixture
def tgw_id(ec2):
    return ec2.create_transit_gateway(Options={
        "AmazonSideAsn": TGW_ASN, "DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable",
    })["TransitGateway"]["TransitGatewayId"]


@pytest.fixture
def cgw(module):
    """A managed customer gateway: (id, asn)."""
    asn = _asn()
    out = module(CGW, {"name": f"cgw-{uuid.uuid4().hex[:8]}", "topology": "it", "bgp_asn": asn, "ip_address": _ip()})
    return out["customer_gateway"]["customer_gateway_id"], asn


def _vpn_args(tgw_id, cgw_id, **kw):
    args = {
        "name": f"vpn-{uuid.uuid4().hex[:8]}",
        "topology": "it",
        "transit_gateway_id": tgw_id,
        "customer_gateway_id": cgw_id,
        "tunnel_options": [
            {"tunnel_inside_cidr": "169.254.21.0/30", "pre_shared_key": PSK_1, "ike_versions": ["ikev2"]},
            {"tunnel_inside_cidr": "169.254.22.0/30", "pre_shared_key": PSK_2, "ike_versions": ["ikev2"]},
        ],
    }
    args.update(kw)
    return args


def _attachment_of(ec2, vpn_id):
    found = ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-id", "Values": [vpn_id]}])["TransitGatewayAttachments"]
    return [a for a in found if a["ResourceId"] == vpn_id and a["State"] not in ("deleting", "deleted")]


def test_customer_gateway_four_pass_and_read_back(four_pass, module, ec2):
    name, asn, ip = f"cgw-{uuid.uuid4().hex[:8]}", _asn(), _ip()
    args = {"name": name, "topology": "it", "bgp_asn": asn, "ip_address": ip, "tags": {"side": "azure"}}
    result = four_pass(CGW, args, "customer_gateway")
    cgw_id = result["customer_gateway"]["customer_gateway_id"]
    [got] = ec2.describe_customer_gateways(CustomerGatewayIds=[cgw_id])["CustomerGateways"]
    assert int(got["BgpAsn"]) == asn and got["IpAddress"] == ip and got["Type"] == "ipsec.1"
    tags = {t["Key"]: t["Value"] for t in got["Tags"]}
    assert tags["Name"] == name and tags["side"] == "azure" and tags["cloudnet:topology"] == "it"
    info = module(f"{CGW}_info", {"names": [name]})
    assert info["customer_gateways"] == [result["customer_gateway"]]
    gone = module(CGW, {"name": name, "topology": "it", "state": "absent"})
    assert gone["changed"] is True and gone["customer_gateway"] == {}
    left = ec2.describe_customer_gateways(CustomerGatewayIds=[cgw_id])["CustomerGateways"]
    assert all(c["State"] in ("deleting", "deleted") for c in left)
    assert module(CGW, {"name": name, "topology": "it", "state": "absent"})["changed"] is False


def test_foreign_customer_gateway_with_same_asn_and_ip_is_refused(module, sandbox, ec2):
    asn, ip = _asn(), _ip()
    foreign = ec2.create_customer_gateway(BgpAsn=asn, IpAddress=ip, Type="ipsec.1")["CustomerGateway"]
    before = sandbox.mutating_calls()
    failed = module(CGW, {"name": f"cgw-{uuid.uuid4().hex[:8]}", "topology": "it", "bgp_asn": asn, "ip_address": ip},
                    expect_failure=True)
    assert foreign["CustomerGatewayId"] in failed["msg"] and "Fix:" in failed["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before, "no create may be sent when AWS would return the foreign gateway"


def test_customer_gateway_asn_change_is_an_error(module, cgw):
    cgw_id, asn = cgw
    [found] = module(f"{CGW}_info", {"customer_gateway_ids": [cgw_id]})["customer_gateways"]
    failed = module(CGW, {"name": found["name"], "topology": "it", "bgp_asn": asn + 1,
                          "ip_address": found["ip_address"]}, expect_failure=True)
    assert cgw_id in failed["msg"] and "cannot change" in failed["msg"]


def test_vpn_four_pass_read_back_and_info(four_pass, module, ec2, tgw_id, cgw):
    cgw_id, asn = cgw
    args = _vpn_args(tgw_id, cgw_id)
    result = four_pass(VPN, args, "vpn_connection")
    vpn = result["vpn_connection"]
    [got] = ec2.describe_vpn_connections(VpnConnectionIds=[vpn["vpn_connection_id"]])["VpnConnections"]
    assert got["State"] == "available" and got["TransitGatewayId"] == tgw_id and got["CustomerGatewayId"] == cgw_id
    tags = {t["Key"]: t["Value"] for t in got["Tags"]}
    assert tags["Name"] == args["name"] and tags["cloudnet:managed-by"] == "cloudnet.privatelink"
    [att] = _attachment_of(ec2, vpn["vpn_connection_id"])
    assert att["ResourceType"] == "vpn" and vpn["transit_gateway_attachment_id"] == att["TransitGatewayAttachmentId"]
    assert len(vpn["tunnels"]) == 2
    for tunnel in vpn["tunnels"]:
        assert tunnel["outside_ip_address"] and tunnel["tunnel_inside_cidr"].startswith("169.254.")
        assert tunnel["aws_inside_address"] and tunnel["customer_inside_address"]
        assert tunnel["customer_bgp_asn"] == asn and tunnel["aws_bgp_asn"] == TGW_ASN
    info = module(f"{VPN}_info", {"transit_gateway_id": tgw_id})
    assert info["vpn_connections"] == [vpn]


def test_pre_shared_keys_never_in_output(sandbox, ec2, tgw_id, cgw):
    cgw_id, _asn_ = cgw
    args = _vpn_args(tgw_id, cgw_id)
    outputs = []
    for check, diff in ((True, True), (False, False), (False, True), (True, False)):
        outputs.append(run_module(VPN, args, sandbox.env, check=check, diff=diff))
    outputs.append(run_module(f"{VPN}_info", {"names": [args["name"]]}, sandbox.env))
    bad = dict(args, tunnel_options=[{"pre_shared_key": "0" + PSK_1}])
    outputs.append(run_module(VPN, bad, sandbox.env, expect_failure=True))
    assert outputs[1]["changed"] is True and "diff" not in outputs[1] and "diff" in outputs[2]
    assert outputs[5]["msg"].startswith("tunnel_options[0].pre_shared_key:")
    for out in outputs:
        text = json.dumps(out)
        assert PSK_1 not in text and PSK_2 not in text


def test_route_table_takes_the_vpn_attachment(module, ec2, tgw_id, cgw):
    cgw_id, _asn_ = cgw
    vpn = module(VPN, _vpn_args(tgw_id, cgw_id))["vpn_connection"]
    att_id = vpn["transit_gateway_attachment_id"]
    rt = module("aws_transit_gateway_route_table", {
        "name": f"rt-{uuid.uuid4().hex[:8]}", "topology": "it", "transit_gateway_id": tgw_id,
        "associations": [att_id], "propagations": [att_id],
        "routes": [{"destination_cidr": "10.200.0.0/16", "attachment_id": att_id}],
    })["route_table"]
    rt_id = rt["transit_gateway_route_table_id"]
    assoc = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=rt_id)["Associations"]
    props = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=rt_id)[
        "TransitGatewayRouteTablePropagations"]
    assert [(a["TransitGatewayAttachmentId"], a["ResourceType"]) for a in assoc] == [(att_id, "vpn")]
    assert [p["TransitGatewayAttachmentId"] for p in props] == [att_id]


def test_vpn_waits_through_pending_and_deletes(module, sandbox, ec2, tgw_id, cgw):
    if sandbox.control is None:
        pytest.skip("needs the sandbox layer's pending states")
    cgw_id, _asn_ = cgw
    args = _vpn_args(tgw_id, cgw_id, wait_timeout=60)
    sandbox.control.settings(pending_reads=2)
    try:
        vpn = module(VPN, args)["vpn_connection"]
        assert vpn["state"] == "available" and vpn["transit_gateway_attachment_id"]
        gone = module(VPN, dict(args, state="absent"))
    finally:
        sandbox.control.settings(pending_reads=0)
    assert gone["changed"] is True and gone["vpn_connection"] == {}
    [got] = ec2.describe_vpn_connections(VpnConnectionIds=[vpn["vpn_connection_id"]])["VpnConnections"]
    assert got["State"] == "deleted" and not _attachment_of(ec2, vpn["vpn_connection_id"])
    assert module(VPN, dict(args, state="absent"))["changed"] is False


def test_bad_tunnel_cidr_fails_before_any_call(module, sandbox, tgw_id, cgw):
    before = sandbox.mutating_calls()
    args = _vpn_args(tgw_id, cgw[0], tunnel_options=[{"tunnel_inside_cidr": "169.254.1.0/30"}])
    failed = module(VPN, args, expect_failure=True)
    assert failed["msg"].startswith("tunnel_options[0].tunnel_inside_cidr:") and "reserved" in failed["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before


def _lose_answer(sandbox, operation, kind):
    """The next ``operation`` is carried out by the sandbox, then its answer is lost (a 500 or a closed connection)."""
    rule = {"kind": kind, "service": "ec2", "operation": operation, "phase": "after", "max_count": 1}
    if kind == "error":
        rule["status"] = 500
    sandbox.control.set_faults([rule])


def _fired(sandbox):
    return [r["fired"] for r in sandbox.control.faults()["rules"]]


def _run_losing_answer(module, sandbox, name, args, operation, kind):
    """Run module ``name`` with the first answer to ``operation`` lost; the fault must have fired once."""
    _lose_answer(sandbox, operation, kind)
    try:
        made = module(name, args)
        assert _fired(sandbox) == [1], "the answer was not lost"
    finally:
        sandbox.control.clear_faults()
    return made


@pytest.mark.parametrize("kind", ["error", "drop"])
def test_customer_gateway_create_whose_answer_is_lost_makes_one_gateway(module, sandbox, ec2, kind):
    if sandbox.control is None:
        pytest.skip("needs the sandbox layer's fault injection")
    name, asn, ip = f"cgw-{uuid.uuid4().hex[:8]}", _asn(), _ip()
    args = {"name": name, "topology": "it", "bgp_asn": asn, "ip_address": ip}
    made = _run_losing_answer(module, sandbox, CGW, args, "CreateCustomerGateway", kind)
    found = [c for c in ec2.describe_customer_gateways(Filters=[{"Name": "ip-address", "Values": [ip]}])[
        "CustomerGateways"] if c["State"] == "available"]
    assert [c["CustomerGatewayId"] for c in found] == [made["customer_gateway"]["customer_gateway_id"]]
    assert {t["Key"]: t["Value"] for t in found[0]["Tags"]}["Name"] == name
    again = module(CGW, args)
    assert again["changed"] is False and again["operations"] == []


# With tunnel options a second create is refused (inside CIDRs in use); without, AWS would make a second VPN.
@pytest.mark.parametrize("kind,tunnels", [("error", True), ("drop", True), ("error", False)])
def test_vpn_create_whose_answer_is_lost_makes_one_connection(module, sandbox, ec2, tgw_id, cgw, kind, tunnels):
    if sandbox.control is None:
        pytest.skip("needs the sandbox layer's fault injection")
    cgw_id, _asn_ = cgw
    args = _vpn_args(tgw_id, cgw_id, wait_timeout=60)
    if not tunnels:
        args.pop("tunnel_options")
    made = _run_losing_answer(module, sandbox, VPN, args, "CreateVpnConnection", kind)
    live = [v for v in ec2.describe_vpn_connections(Filters=[{"Name": "customer-gateway-id", "Values": [cgw_id]}])[
        "VpnConnections"] if v["State"] not in ("deleting", "deleted")]
    assert [v["VpnConnectionId"] for v in live] == [made["vpn_connection"]["vpn_connection_id"]]
    assert live[0]["TransitGatewayId"] == tgw_id
    assert len(_attachment_of(ec2, live[0]["VpnConnectionId"])) == 1
    again = module(VPN, args)
    assert again["changed"] is False and again["operations"] == []
