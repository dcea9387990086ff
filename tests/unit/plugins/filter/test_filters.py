"""Filters used by the roles to build module arguments."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cloudnet.privatelink.plugins.filter.network_hosts import network_hosts
from ansible_collections.cloudnet.privatelink.plugins.filter.records import endpoint_ingress_rules, records


def test_records_single_key_and_extras():
    assert records(["10.1.0.0/16", "10.2.0.0/16"], "destination_cidr", transit_gateway_id="tgw-1") == [
        {"destination_cidr": "10.1.0.0/16", "transit_gateway_id": "tgw-1"},
        {"destination_cidr": "10.2.0.0/16", "transit_gateway_id": "tgw-1"},
    ]


def test_records_many_keys():
    assert records([("a", 1)], ["cidr", "port"]) == [{"cidr": "a", "port": 1}]
    with pytest.raises(AnsibleFilterError):
        records([("a",)], ["cidr", "port"])


def test_endpoint_ingress_rules_dedupes_ports():
    rules = endpoint_ingress_rules(["10.1.0.0/16"], [443, "443", 8443])
    assert [(r["cidr"], r["from_port"], r["to_port"], r["protocol"]) for r in rules] == [
        ("10.1.0.0/16", 443, 443, "tcp"), ("10.1.0.0/16", 8443, 8443, "tcp")]


def test_network_hosts_keeps_prefixed_vars_and_defaults_region():
    hostvars = {"t": {"transit_asn": 1, "other": 2}, "s": {"spoke_cidr": "10.1.0.0/16", "spoke_region": "eu-west-1"}}
    groups = {"aws_transit": ["t"], "aws_spokes": ["s"]}
    assert network_hosts(hostvars, groups, "us-east-1") == [
        {"name": "t", "kind": "transit", "vars": {"transit_asn": 1, "transit_region": "us-east-1"}},
        {"name": "s", "kind": "spoke", "vars": {"spoke_cidr": "10.1.0.0/16", "spoke_region": "eu-west-1"}},
    ]
