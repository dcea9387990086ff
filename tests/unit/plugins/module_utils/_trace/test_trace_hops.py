"""Path trace: each hop passing, and each way it breaks (table-driven over a working topology)."""

from __future__ import annotations

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from trace_fixture import (  # noqa: E402  pylint: disable=wrong-import-position
    FQDN,
    INSPECTION_ATT,
    PL,
    SERVICES_ATT,
    SERVICES_TABLE,
    SERVICES_VPC,
    SPOKE_ATT,
    SPOKE_VPC,
    SPOKES_TABLE,
    SSM_EP,
    TGW,
    ZONE,
    FakeReader,
    state,
)

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import engine  # noqa: E402

CATALOG = [{"name": "ssm"}, {"name": "s3", "gateway": True}, {"name": "saas", "service_name": "com.amazonaws.vpce.x"}]
HOPS = [
    "source",
    "dns",
    "route:source",
    "transit:attachment",
    "transit:route",
    "route:services",
    "transit:return",
    "security_group",
    "network_acl",
    "endpoint",
]


def trace(s, service="ssm", **source):
    request = {
        "source": dict({"cloud": "aws", "network": "app-orders", "host": "app-orders"}, **source),
        "services": [service],
        "catalog": CATALOG,
        "services_vpc_name": "corp-services-us-east-1",
        "inspection_vpc_name": "corp-inspection-us-east-1",
        "transit_name": "corp-us-east-1",
        "hosts": {"services_host": "services-use1", "source_host": "app-orders"},
    }
    reader = FakeReader(s)
    return engine.run({"aws_spoke": reader, "aws_hub": reader}, request)[0]


def hop(result, name):
    return next(h for h in result["hops"] if h["hop"] == name)


def test_the_working_path_passes_every_hop_in_order():
    result = trace(state())
    assert result["reachable"] is True, result["summary"]
    assert [h["hop"] for h in result["hops"]] == HOPS
    assert all(h["ok"] and h["fix"] is None for h in result["hops"])
    assert result["destination"]["ip"] == "10.100.0.10"  # the interface in the source's zone
    assert result["service"]["fqdn"] == FQDN
    assert "entry 10.100.0.0/24" in hop(result, "route:source")["decision"]
    assert result["broken_hop"] is None and result["fix"] is None


def test_source_in_the_second_zone_uses_the_endpoint_interface_of_that_zone():
    result = trace(state(), ip="10.2.1.20")
    assert result["reachable"] and result["destination"]["ip"] == "10.100.1.10"


def test_full_dns_name_and_source_by_address_alone():
    result = trace(state(), service=FQDN, network=None, ip="10.2.0.30")
    assert result["reachable"], result["summary"]
    assert result["source"]["vpc_id"] == SPOKE_VPC


def _drop_zone(s):
    s["zones_by_vpc"][SPOKE_VPC] = []


def _drop_pl_route(s):
    s["route_tables"][SPOKE_VPC][0]["Routes"] = [
        r for r in s["route_tables"][SPOKE_VPC][0]["Routes"] if r.get("DestinationPrefixListId") != PL
    ]


def _no_default_either(s):
    _drop_pl_route(s)
    s["route_tables"][SPOKE_VPC][0]["Routes"] = s["route_tables"][SPOKE_VPC][0]["Routes"][:1]


def _pl_route_to_peering(s):
    route = next(r for r in s["route_tables"][SPOKE_VPC][0]["Routes"] if r.get("DestinationPrefixListId") == PL)
    route.pop("TransitGatewayId")
    route["VpcPeeringConnectionId"] = "pcx-0aaaaaaaaaaaaaaaa"


def _pl_route_blackhole(s):
    next(r for r in s["route_tables"][SPOKE_VPC][0]["Routes"] if r.get("DestinationPrefixListId") == PL)["State"] = (
        "blackhole"
    )


def _spokes_table_without_route(s):
    s["tgw_routes"][SPOKES_TABLE] = []


def _spokes_table_blackhole(s):
    s["tgw_routes"][SPOKES_TABLE][0].update(State="blackhole", TransitGatewayAttachments=[])


def _spokes_table_to_another_spoke(s):
    s["tgw_routes"][SPOKES_TABLE][0]["TransitGatewayAttachments"] = [
        {
            "TransitGatewayAttachmentId": "tgw-attach-0other0000000",
            "ResourceId": "vpc-0other0000000000",
            "ResourceType": "vpc",
        }
    ]


def _not_associated(s):
    s["tgw_attachments"][SPOKE_ATT]["Association"] = None


def _not_attached(s):
    s["tgw_vpc_attachments"][SPOKE_VPC] = []


def _attachment_without_zone_a(s):
    s["tgw_vpc_attachments"][SPOKE_VPC][0]["SubnetIds"] = ["subnet-0spokeb000000000"]


def _no_return_route(s):
    s["route_tables"][SERVICES_VPC][0]["Routes"] = s["route_tables"][SERVICES_VPC][0]["Routes"][:1]


def _return_not_propagated(s):
    s["tgw_routes"][SERVICES_TABLE] = []


def _sg_without_source(s):
    s["security_groups"][0]["IpPermissions"][0]["IpRanges"] = [{"CidrIp": "10.1.0.0/16"}]


def _sg_other_port(s):
    s["security_groups"][0]["IpPermissions"][0].update(FromPort=8443, ToPort=8443)


def _endpoint_pending(s):
    s["endpoints"][0]["State"] = "pendingAcceptance"


def _endpoint_failed(s):
    s["endpoints"][0]["State"] = "failed"


def _zone_without_record(s):
    s["records"][ZONE] = []


def _dangling_alias(s):
    s["records"][ZONE][0]["AliasTarget"]["DNSName"] = "vpce-0gone-xyz.ssm.us-east-1.vpce.amazonaws.com."


def _forward_rule(s):
    # Same domain as the zone: the rule wins (a less specific rule would not).
    s["resolver_rules"][SPOKE_VPC] = [
        {"rule_id": "rslvr-rr-0onprem", "domain": FQDN, "rule_type": "FORWARD", "targets": ["172.16.0.2"]}
    ]


def _nacl_deny_reply(s):
    acl = s["network_acls"][SERVICES_VPC][0]
    acl["Entries"].insert(
        0,
        {
            "RuleNumber": 50,
            "Protocol": "6",
            "RuleAction": "deny",
            "Egress": True,
            "CidrBlock": "10.2.0.0/16",
            "PortRange": {"From": 1024, "To": 65535},
        },
    )


def _unknown_vpc(s):
    s["vpcs"] = [v for v in s["vpcs"] if v["VpcId"] != SPOKE_VPC]


BROKEN = [
    # (case, change, broken hop, words in the decision, words in the fix)
    ("no zone association", _drop_zone, "dns", "resolves to the public", f"associate the central zone {FQDN} ({ZONE})"),
    ("zone without the record", _zone_without_record, "dns", "NXDOMAIN", "endpoint_dns"),
    ("dangling alias", _dangling_alias, "dns", "dangling", "endpoint_dns"),
    ("forwarding rule shadows the zone", _forward_rule, "dns", f"forwards {FQDN}", "rslvr-rr-0onprem"),
    (
        "route missing, default to the internet",
        _drop_pl_route,
        "route:source",
        "internet gateway",
        "--limit app-orders",
    ),
    ("route missing, nothing else", _no_default_either, "route:source", "no route to 10.100.0.10", "role spoke"),
    ("route to the wrong target", _pl_route_to_peering, "route:source", "peering connection", "transit gateway"),
    ("blackhole route", _pl_route_blackhole, "route:source", "the target is gone", "role spoke"),
    ("not attached", _not_attached, "transit:attachment", "has no attachment", "attach"),
    (
        "no attachment subnet in the zone",
        _attachment_without_zone_a,
        "transit:attachment",
        "none in us-east-1a",
        "spoke_attachment_subnet_ids",
    ),
    ("attachment not associated", _not_associated, "transit:route", "associated with no route table", "spokes"),
    (
        "TGW table without route",
        _spokes_table_without_route,
        "transit:route",
        "no route to 10.100.0.10",
        "propagate the services VPC attachment",
    ),
    ("TGW blackhole", _spokes_table_blackhole, "transit:route", "blackhole", "blackhole route"),
    (
        "TGW route to another spoke",
        _spokes_table_to_another_spoke,
        "transit:route",
        "not the services VPC",
        "wrong attachment",
    ),
    (
        "no return route in the services VPC",
        _no_return_route,
        "route:services",
        "no route back to 10.2.0.4",
        "consumer",
    ),
    ("return not propagated", _return_not_propagated, "transit:return", "no route to 10.2.0.4", "return path"),
    ("SG missing the source", _sg_without_source, "security_group", "only from 10.1.0.0/16, not 10.2.0.4", "consumers"),
    ("SG on another port", _sg_other_port, "security_group", "no rule admitting tcp/443", "consumers"),
    (
        "network ACL denies the reply",
        _nacl_deny_reply,
        "network_acl",
        "endpoint subnet reply out: rule 50",
        "stateless",
    ),
    ("endpoint pending acceptance", _endpoint_pending, "endpoint", "pendingacceptance", "accept the connection"),
    ("endpoint not available", _endpoint_failed, "endpoint", "is failed", "services_vpc"),
    ("source VPC unknown", _unknown_vpc, "source", "no VPC app-orders", "vpc-"),
]


@pytest.mark.parametrize("case, change, broken, decision, fix", BROKEN, ids=[b[0] for b in BROKEN])
def test_each_failure_names_its_hop_and_the_fix(case, change, broken, decision, fix):
    result = trace(state(change=change))
    assert result["reachable"] is False, case
    assert result["broken_hop"]["hop"] == broken, (case, result["summary"])
    assert decision in result["broken_hop"]["decision"], result["broken_hop"]["decision"]
    assert fix in result["fix"], result["fix"]
    assert f"broken at {broken}" in result["summary"]
    # Every hop before the broken one passed.
    index = result["hops"].index(result["broken_hop"])
    assert all(h["ok"] for h in result["hops"][:index])


def test_a_forwarding_break_still_reports_the_destination_side_checks():
    result = trace(state(a=_drop_pl_route, b=_sg_without_source))
    names = [h["hop"] for h in result["hops"]]
    assert result["broken_hop"]["hop"] == "route:source"
    assert "transit:route" not in names  # past a forwarding break the packet goes nowhere
    assert not hop(result, "security_group")["ok"] and hop(result, "endpoint")["ok"]


def test_a_less_specific_forwarding_rule_does_not_shadow_the_zone():
    def broad(s):
        s["resolver_rules"][SPOKE_VPC] = [
            {"rule_id": "rslvr-rr-0broad", "domain": "amazonaws.com", "rule_type": "FORWARD", "targets": ["172.16.0.2"]}
        ]

    result = trace(state(change=broad))
    assert result["reachable"] and hop(result, "dns")["detail"]["shadowed"] == ["amazonaws.com"]


def test_system_rule_does_not_shadow_the_zone():
    def system(s):
        s["resolver_rules"][SPOKE_VPC] = [
            {"rule_id": "rslvr-rr-sys", "domain": FQDN, "rule_type": "SYSTEM", "targets": []}
        ]

    assert trace(state(change=system))["reachable"]


def test_security_group_admitting_by_prefix_list_or_source_group():
    def by_pl(s):
        s["security_groups"][0]["IpPermissions"][0] = {"IpProtocol": "-1", "PrefixListIds": [{"PrefixListId": "pl-0c"}]}
        s["prefix_lists"]["pl-0c"] = ["10.2.0.0/20"]

    assert "pl-0c (10.2.0.0/20)" in hop(trace(state(change=by_pl)), "security_group")["decision"]

    def by_group(s):
        s["security_groups"][0]["IpPermissions"][0] = {
            "IpProtocol": "tcp",
            "FromPort": 0,
            "ToPort": 65535,
            "UserIdGroupPairs": [{"GroupId": "sg-0app"}],
        }

    assert not trace(state(change=by_group))["reachable"]
    assert trace(state(change=by_group), security_group_ids=["sg-0app"])["reachable"]


def test_inspection_is_followed_through_the_firewall_both_ways():
    def inspected(s):
        s["tgw_routes"][SPOKES_TABLE] = [
            {
                "DestinationCidrBlock": "10.100.0.0/20",
                "Type": "static",
                "State": "active",
                "TransitGatewayAttachments": [
                    {
                        "TransitGatewayAttachmentId": INSPECTION_ATT,
                        "ResourceId": "vpc-0inspect00000000",
                        "ResourceType": "vpc",
                    }
                ],
            }
        ]
        s["tgw_routes"][SERVICES_TABLE] = [
            {
                "DestinationCidrBlock": "10.2.0.0/16",
                "Type": "static",
                "State": "active",
                "TransitGatewayAttachments": [
                    {
                        "TransitGatewayAttachmentId": INSPECTION_ATT,
                        "ResourceId": "vpc-0inspect00000000",
                        "ResourceType": "vpc",
                    }
                ],
            }
        ]

    result = trace(state(change=inspected))
    assert result["reachable"], result["summary"]
    assert [h["hop"] for h in result["hops"]].count("inspection") == 2
    assert "vpce-0firewall000000000" in hop(result, "inspection")["resource"]

    def no_firewall_route(s):
        inspected(s)
        s["route_tables"]["vpc-0inspect00000000"][0]["Routes"] = []

    broken = trace(state(change=no_firewall_route))
    assert broken["broken_hop"]["hop"] == "inspection" and "role inspection" in broken["fix"]


def test_the_spokes_own_endpoint_with_private_dns_answers_and_its_default_group_blocks():
    def own_endpoint(s):
        s["zones_by_vpc"][SPOKE_VPC] = []
        s["endpoints"].append(
            {
                "VpcEndpointId": "vpce-0teammade0000000",
                "VpcId": SPOKE_VPC,
                "ServiceName": "com.amazonaws.us-east-1.ssm",
                "VpcEndpointType": "Interface",
                "State": "available",
                "PrivateDnsEnabled": True,
                "SubnetIds": ["subnet-0spokea000000000"],
                "NetworkInterfaceIds": ["eni-0team"],
                "Groups": [{"GroupId": "sg-0default"}],
            }
        )
        s["enis"].append(
            {
                "NetworkInterfaceId": "eni-0team",
                "PrivateIpAddress": "10.2.0.9",
                "SubnetId": "subnet-0spokea000000000",
                "AvailabilityZone": "us-east-1a",
                "Groups": [{"GroupId": "sg-0default"}],
            }
        )
        s["security_groups"].append(
            {
                "GroupId": "sg-0default",
                "IpPermissions": [{"IpProtocol": "-1", "UserIdGroupPairs": [{"GroupId": "sg-0default"}]}],
            }
        )

    result = trace(state(change=own_endpoint))
    assert [h["hop"] for h in result["hops"]] == ["source", "dns", "route:source", "security_group", "endpoint"]
    assert hop(result, "dns")["ok"] and "its own endpoint vpce-0teammade0000000" in hop(result, "dns")["decision"]
    assert "10.2.0.0/16 -> local" in hop(result, "route:source")["decision"]
    assert result["broken_hop"]["hop"] == "security_group"
    assert "governance_mode=remediate" in result["fix"]
    assert any("duplicate" in n for n in result["notes"])


def test_gateway_endpoint_path_for_s3_without_a_central_zone():
    def gateway(s):
        s["endpoints"].append(
            {
                "VpcEndpointId": "vpce-0gw00000000000000",
                "VpcId": SPOKE_VPC,
                "State": "available",
                "ServiceName": "com.amazonaws.us-east-1.s3",
                "VpcEndpointType": "Gateway",
                "RouteTableIds": ["rtb-0spoke00000000000"],
            }
        )
        s["route_tables"][SPOKE_VPC][0]["Routes"].append(
            {"DestinationPrefixListId": "pl-63a5400a", "GatewayId": "vpce-0gw00000000000000", "State": "active"}
        )

    result = trace(state(change=gateway), service="s3")
    assert result["reachable"], result["summary"]
    assert [h["hop"] for h in result["hops"]] == ["source", "dns", "route:source", "endpoint"]

    def not_in_table(s):
        gateway(s)
        s["route_tables"][SPOKE_VPC][0]["Routes"].pop()

    assert trace(state(change=not_in_table), service="s3")["broken_hop"]["hop"] == "route:source"


def test_wildcard_record_answers_a_bucket_name():
    def s3_zone(s):
        s["zones_by_vpc"][SPOKE_VPC].append({"HostedZoneId": "Z0S3", "Name": "s3.us-east-1.amazonaws.com."})
        s["records"]["Z0S3"] = [
            {
                "Name": "\\052.s3.us-east-1.amazonaws.com.",
                "Type": "A",
                "AliasTarget": {"DNSName": "*." + "vpce-0ssm000000000000-abcd1234.ssm.us-east-1.vpce.amazonaws.com."},
            }
        ]
        s["endpoints"][0]["DnsEntries"].append(
            {"DnsName": "*.vpce-0ssm000000000000-abcd1234.ssm.us-east-1.vpce.amazonaws.com"}
        )

    result = trace(state(change=s3_zone), service="my-bucket.s3.us-east-1.amazonaws.com")
    assert result["reachable"], result["summary"]
    assert hop(result, "dns")["detail"]["record"]["wildcard"] is True


def test_service_without_private_dns_name_is_reported_at_dns():
    result = trace(state(), service="saas")
    assert result["broken_hop"]["hop"] == "dns" and "publishes no private DNS name" in result["broken_hop"]["decision"]


def test_local_path_hops_and_tgw_id_from_the_transit_name():
    result = trace(state())
    assert hop(result, "route:source")["detail"]["route"].endswith(TGW)
    assert hop(result, "transit:route")["resource"].startswith("tgw-rtb-0spokes00000000")
    assert SERVICES_ATT in hop(result, "transit:route")["decision"]
    assert hop(result, "endpoint")["resource"] == SSM_EP
