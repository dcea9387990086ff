"""The AWS decision rules the trace applies: route priority, Resolver precedence, record lookup, SG and NACL."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import dns, routing
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import security as sg
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.engine import service_target
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import first_host, in_domain

PL = {"pl-1": ["10.100.0.0/24"], "pl-2": ["10.100.0.0/16"]}


@pytest.mark.parametrize(
    "routes, address, target",
    [
        ([{"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-1"}], "10.100.0.5", "igw-1"),
        # Longest prefix wins, whether it comes from a CIDR or a prefix list entry.
        (
            [
                {"DestinationCidrBlock": "10.0.0.0/8", "GatewayId": "igw-1"},
                {"DestinationPrefixListId": "pl-1", "TransitGatewayId": "tgw-1"},
            ],
            "10.100.0.5",
            "tgw-1",
        ),
        # Same length: the CIDR route beats the prefix list route.
        (
            [
                {"DestinationPrefixListId": "pl-1", "TransitGatewayId": "tgw-1"},
                {"DestinationCidrBlock": "10.100.0.0/24", "VpcPeeringConnectionId": "pcx-1"},
            ],
            "10.100.0.5",
            "pcx-1",
        ),
        (
            [
                {"DestinationPrefixListId": "pl-2", "TransitGatewayId": "tgw-1"},
                {"DestinationPrefixListId": "pl-1", "NatGatewayId": "nat-1"},
            ],
            "10.100.0.5",
            "nat-1",
        ),
        ([{"DestinationCidrBlock": "10.100.0.0/24", "GatewayId": "igw-1"}], "10.101.0.5", None),
        ([{"DestinationIpv6CidrBlock": "::/0", "GatewayId": "igw-1"}], "10.100.0.5", None),
    ],
)
def test_vpc_route_priority(routes, address, target):
    choice = routing.select_vpc_route(routes, address, PL)
    assert (choice or {}).get("target") == target


@pytest.mark.parametrize(
    "routes, attachment",
    [
        (
            [
                {
                    "DestinationCidrBlock": "10.0.0.0/8",
                    "Type": "static",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "a"}],
                },
                {
                    "DestinationCidrBlock": "10.100.0.0/20",
                    "Type": "propagated",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "b"}],
                },
            ],
            "b",
        ),
        # Same destination: static beats propagated.
        (
            [
                {
                    "DestinationCidrBlock": "10.100.0.0/20",
                    "Type": "propagated",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "b"}],
                },
                {
                    "DestinationCidrBlock": "10.100.0.0/20",
                    "Type": "static",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "a"}],
                },
            ],
            "a",
        ),
        (
            [
                {
                    "PrefixListId": "pl-1",
                    "Type": "static",
                    "TransitGatewayAttachments": [{"TransitGatewayAttachmentId": "p"}],
                }
            ],
            "p",
        ),
        ([{"DestinationCidrBlock": "10.200.0.0/16", "Type": "static"}], None),
    ],
)
def test_tgw_route_priority(routes, attachment):
    choice = routing.select_tgw_route(routes, "10.100.0.5", PL)
    assert ((choice or {}).get("attachment_ids") or [None])[0] == attachment


def test_route_table_of_subnet_explicit_then_main():
    tables = [
        {"RouteTableId": "main", "Associations": [{"Main": True}]},
        {"RouteTableId": "own", "Associations": [{"SubnetId": "subnet-1"}]},
    ]
    assert routing.route_table_of_subnet(tables, "subnet-1")["RouteTableId"] == "own"
    assert routing.route_table_of_subnet(tables, "subnet-2")["RouteTableId"] == "main"


ZONES = [{"zone_id": "Z1", "name": "ssm.us-east-1.amazonaws.com"}, {"zone_id": "Z2", "name": "example.com"}]


@pytest.mark.parametrize(
    "name, rules, endpoints, kind, domain",
    [
        ("ssm.us-east-1.amazonaws.com", [], [], "record", "ssm.us-east-1.amazonaws.com"),
        ("sts.us-east-1.amazonaws.com", [], [], "public", None),
        ("api.example.com", [], [], "nxdomain", "example.com"),
        # The most specific wins; on a tie the rule wins.
        (
            "ssm.us-east-1.amazonaws.com",
            [{"domain": "amazonaws.com", "rule_type": "FORWARD"}],
            [],
            "record",
            "ssm.us-east-1.amazonaws.com",
        ),
        (
            "ssm.us-east-1.amazonaws.com",
            [{"domain": "ssm.us-east-1.amazonaws.com", "rule_type": "FORWARD"}],
            [],
            "forwarded",
            "ssm.us-east-1.amazonaws.com",
        ),
        ("a.b.example.com", [{"domain": "b.example.com", "rule_type": "FORWARD"}], [], "forwarded", "b.example.com"),
        (
            "sts.us-east-1.amazonaws.com",
            [],
            [{"private_dns_names": ["sts.us-east-1.amazonaws.com"]}],
            "endpoint",
            "sts.us-east-1.amazonaws.com",
        ),
        (
            "bucket.s3.us-east-1.amazonaws.com",
            [],
            [{"private_dns_names": ["*.s3.us-east-1.amazonaws.com"]}],
            "endpoint",
            "s3.us-east-1.amazonaws.com",
        ),
        (
            "bucket.sts.us-east-1.amazonaws.com",
            [],
            [{"private_dns_names": ["sts.us-east-1.amazonaws.com"]}],
            "public",
            None,
        ),
    ],
)
def test_resolver_precedence(name, rules, endpoints, kind, domain):
    records = {
        "Z1": [{"Name": "ssm.us-east-1.amazonaws.com.", "Type": "A", "AliasTarget": {"DNSName": "x."}}],
        "Z2": [],
    }
    result = dns.resolve(name, ZONES, lambda z: records[z["zone_id"]], endpoints, rules)
    assert (result["kind"], result["domain"]) == (kind, domain)


@pytest.mark.parametrize(
    "qname, names, found, wildcard",
    [
        (
            "s3.us-east-1.amazonaws.com",
            ["s3.us-east-1.amazonaws.com.", "\\052.s3.us-east-1.amazonaws.com."],
            "s3.us-east-1.amazonaws.com",
            False,
        ),
        (
            "b.s3.us-east-1.amazonaws.com",
            ["s3.us-east-1.amazonaws.com.", "\\052.s3.us-east-1.amazonaws.com."],
            "*.s3.us-east-1.amazonaws.com",
            True,
        ),
        ("x.b.s3.us-east-1.amazonaws.com", ["*.s3.us-east-1.amazonaws.com."], "*.s3.us-east-1.amazonaws.com", True),
        ("b.s3.us-east-1.amazonaws.com", ["s3.us-east-1.amazonaws.com."], None, None),
    ],
)
def test_record_lookup_exact_then_closest_wildcard(qname, names, found, wildcard):
    rrsets = [{"Name": n, "Type": "A", "AliasTarget": {"DNSName": "t."}} for n in names]
    rrsets.append({"Name": "s3.us-east-1.amazonaws.com.", "Type": "TXT", "ResourceRecords": [{"Value": "x"}]})
    record = dns.lookup("s3.us-east-1.amazonaws.com", rrsets, qname)
    assert (record or {}).get("name") == found
    assert (record or {}).get("wildcard") == wildcard


GROUP = {
    "GroupId": "sg-1",
    "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.2.0.0/16"}]},
        {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
        {"IpProtocol": "6", "FromPort": 8000, "ToPort": 8999, "PrefixListIds": [{"PrefixListId": "pl-1"}]},
    ],
}


@pytest.mark.parametrize(
    "address, port, protocol, admitted",
    [
        ("10.2.3.4", 443, "tcp", True),
        ("10.3.3.4", 443, "tcp", False),
        ("10.2.3.4", 444, "tcp", False),
        ("10.9.0.1", 53, "udp", True),
        ("10.9.0.1", 53, "tcp", False),
        ("10.100.0.9", 8443, "tcp", True),
        ("10.100.1.9", 8443, "tcp", False),
    ],
)
def test_security_group_rules(address, port, protocol, admitted):
    assert sg.sg_admits([GROUP], address, port, protocol, PL)["admitted"] is admitted


def test_all_traffic_rule_admits_any_port():
    group = {"GroupId": "sg-2", "IpPermissions": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}
    assert sg.sg_admits([group], "192.0.2.1", 5432)["admitted"]


ACL = {
    "Entries": [
        {
            "RuleNumber": 100,
            "Protocol": "6",
            "RuleAction": "deny",
            "Egress": False,
            "CidrBlock": "10.2.9.0/24",
            "PortRange": {"From": 443, "To": 443},
        },
        {"RuleNumber": 200, "Protocol": "-1", "RuleAction": "allow", "Egress": False, "CidrBlock": "10.0.0.0/8"},
        {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": False, "CidrBlock": "0.0.0.0/0"},
    ]
}


@pytest.mark.parametrize(
    "address, port, allowed, rule",
    [
        ("10.2.9.5", 443, False, 100),  # the lowest number decides
        ("10.2.9.5", 22, True, 200),
        ("10.3.0.1", 443, True, 200),
        ("192.0.2.1", 443, False, 32767),
    ],
)
def test_network_acl_first_match_by_rule_number(address, port, allowed, rule):
    decision = sg.nacl_decision(ACL, False, address, port)
    assert (decision["allowed"], decision["rule_number"]) == (allowed, rule)


def test_network_acl_without_entries_denies_and_missing_acl_allows():
    assert sg.nacl_decision({"Entries": []}, True, "10.0.0.1", 443)["allowed"] is False
    assert sg.nacl_decision(None, True, "10.0.0.1", 443)["allowed"] is True


@pytest.mark.parametrize(
    "service, name, service_name, fqdn, port",
    [
        ("ssm", "ssm", "com.amazonaws.us-east-1.ssm", None, 443),
        ("kinesis-streams", "kinesis-streams", "com.amazonaws.us-east-1.kinesis-streams", None, 443),
        ("partner", "partner", "com.amazonaws.vpce.us-east-1.vpce-svc-1", None, 8443),
        ("com.amazonaws.vpce.us-east-1.vpce-svc-1", "partner", "com.amazonaws.vpce.us-east-1.vpce-svc-1", None, 8443),
        ("com.amazonaws.us-east-1.sts", "com.amazonaws.us-east-1.sts", "com.amazonaws.us-east-1.sts", None, 443),
        (
            "Bucket.S3.us-east-1.amazonaws.com.",
            "Bucket.S3.us-east-1.amazonaws.com.",
            None,
            "bucket.s3.us-east-1.amazonaws.com",
            443,
        ),
    ],
)
def test_service_target(service, name, service_name, fqdn, port):
    catalog = [
        {"name": "ssm"},
        {"name": "partner", "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-1", "ports": [8443]},
    ]
    target = service_target(service, catalog, "us-east-1", None, "tcp")
    assert (target["name"], target["service_name"], target["fqdn"], target["port"]) == (name, service_name, fqdn, port)


def test_small_helpers():
    assert first_host("10.2.0.0/24") == "10.2.0.4"
    assert in_domain("a.b.example.com.", "Example.com") and not in_domain("badexample.com", "example.com")


def test_security_group_answer_does_not_depend_on_rule_order():
    ranges = [{"CidrIp": c} for c in ("10.3.0.0/16", "10.1.0.0/16", "10.0.0.0/8")]
    one = {
        "GroupId": "sg-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": ranges}],
    }
    other = {
        "GroupId": "sg-1",
        "IpPermissions": [{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": list(reversed(ranges))}],
    }
    assert sg.sg_admits([one], "10.1.2.3", 443) == sg.sg_admits([other], "10.1.2.3", 443)
    assert sg.sg_admits([one], "10.1.2.3", 443)["sources"] == ["10.0.0.0/8", "10.1.0.0/16", "10.3.0.0/16"]


def test_resolver_candidates_do_not_depend_on_listing_order():
    zones = [{"zone_id": "Z2", "name": "example.com"}, {"zone_id": "Z1", "name": "example.com"}]
    rules = [
        {"rule_id": "r2", "domain": "example.com", "rule_type": "FORWARD"},
        {"rule_id": "r1", "domain": "example.com", "rule_type": "FORWARD"},
    ]
    a = dns.candidates("a.example.com", zones, [], rules)
    b = dns.candidates("a.example.com", list(reversed(zones)), [], list(reversed(rules)))
    assert a == b and a[0]["rule"]["rule_id"] == "r1"
