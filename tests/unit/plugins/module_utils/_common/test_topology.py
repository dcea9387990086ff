"""Table-driven tests of whole-topology validation: each bad input yields a message naming field and fix."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology import validate_topology

GOOD_HOSTS = [
    {"name": "transit-use1", "kind": "transit", "vars": {"transit_region": "us-east-1"}},
    {"name": "services-use1", "kind": "services_vpc", "vars": {
        "services_vpc_region": "us-east-1", "services_vpc_cidr": "10.100.0.0/20",
        "services_vpc_endpoint_subnets": [{"name": "a", "cidr": "10.100.0.0/24"}]}},
    {"name": "spoke-a", "kind": "spoke", "vars": {"spoke_region": "us-east-1", "spoke_cidr": "10.1.0.0/16"}},
    {"name": "spoke-b", "kind": "spoke", "vars": {"spoke_region": "us-east-1", "spoke_cidr": "10.2.0.0/16",
                                                  "spoke_vpc_id": "vpc-0123456789abcdef0"}},
]
GOOD_SERVICES = [{"name": "ssm"}, {"name": "s3", "gateway": True},
                 {"name": "saas", "service_name": "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"}]


def run(hosts=None, services=None, topology="corp", consumers=None):
    return validate_topology(topology, GOOD_SERVICES if services is None else services,
                             GOOD_HOSTS if hosts is None else hosts, consumers)


def with_var(host, key, value):
    hosts = copy.deepcopy(GOOD_HOSTS)
    for h in hosts:
        if h["name"] == host:
            if value is None:
                h["vars"].pop(key, None)
            else:
                h["vars"][key] = value
    return hosts


def test_good_topology_has_no_problems():
    assert run() == []


@pytest.mark.parametrize("hosts, expected", [
    (with_var("spoke-b", "spoke_cidr", "10.1.128.0/17"),
     ["spoke-a: spoke_cidr 10.1.0.0/16 overlaps spoke-b (spoke_cidr 10.1.128.0/17)"]),
    (with_var("spoke-b", "spoke_cidr", "10.2.0.1/16"), ["spoke_cidr", "host bits", "use 10.2.0.0/16"]),
    (with_var("spoke-b", "spoke_cidr", "10.2.0.300/16"), ["spoke_cidr", "is not a CIDR"]),
    (with_var("spoke-b", "spoke_cidr", None), ["spoke-b: spoke_cidr is missing"]),
    (with_var("spoke-b", "spoke_region", None), ["spoke-b: spoke_region is missing"]),
    (with_var("spoke-b", "spoke_region", "us-east"), ["spoke_region", "not an AWS region"]),
    (with_var("spoke-b", "spoke_region", "eu-west-1"), ["has no services VPC", "has no transit gateway"]),
    (with_var("spoke-b", "spoke_vpc_id", "vpc-123"), ["spoke_vpc_id", "not a valid vpc id"]),
    (with_var("spoke-b", "spoke_route_table_ids", ["rtb-0123456789abcdef0", "rtb-xyz"]), ["'rtb-xyz'"]),
    (with_var("spoke-b", "spoke_assume_role_arn", "arn:aws:iam::12:role/x"), ["spoke_assume_role_arn"]),
    (with_var("spoke-b", "spoke_endpoints", [{"service": "ssm"}]), ["spoke_endpoints", "only in the services VPC"]),
    (with_var("services-use1", "services_vpc_transit_subnets", [{"name": "x", "cidr": "10.200.0.0/28"}]),
     ["services_vpc_transit_subnets[0].cidr", "outside services_vpc_cidr"]),
    (with_var("services-use1", "services_vpc_endpoint_subnets", None), ["services_vpc_endpoint_subnets is empty"]),
    (GOOD_HOSTS + [{"name": "services-2", "kind": "services_vpc", "vars": {
        "services_vpc_region": "us-east-1", "services_vpc_cidr": "10.101.0.0/20"}}],
     ["already has services VPC services-use1"]),
    (GOOD_HOSTS + [{"name": "odd", "kind": "router", "vars": {}}], ["odd: kind"]),
])
def test_host_problems_name_the_field_and_fix(hosts, expected):
    problems = run(hosts=hosts)
    text = "\n".join(problems)
    assert problems, "expected at least one problem"
    for fragment in expected:
        assert fragment in text
    assert all("Fix:" in p for p in problems)


@pytest.mark.parametrize("services, expected", [
    ([{"name": "ssm"}, {"name": "ssm"}], ["cloudnet_services[1].name", "listed twice"]),
    ([{"name": "not-a-service"}], ["cloudnet_services[0].name", "not a known AWS PrivateLink service"]),
    ([{"name": "x", "service_name": "com.amazonaws.us-east-1.nope"}], ["not a known AWS service"]),
    ([{"name": "x", "service_name": "vpce-svc-123"}], ["is malformed"]),
    ([{"name": "x", "service_name": "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0"}],
     ["region eu-west-1, which has no services VPC"]),
    ([{"name": "ssm", "vpc": "spoke-a"}], ["outside the services VPC"]),
    ([{"name": "sts", "gateway": True}], ["cloudnet_services[0].gateway", "only dynamodb, s3"]),
    ([{"name": "sts", "ports": [0]}], ["cloudnet_services[0].ports[0]"]),
    ([{}], ["cloudnet_services[0] has no name"]),
])
def test_catalog_problems(services, expected):
    text = "\n".join(run(services=services))
    for fragment in expected:
        assert fragment in text


def test_bad_topology_name_and_consumer():
    text = "\n".join(run(topology="Bad Name", consumers=[{"cidr": "192.168.1.1/24"}]))
    assert "cloudnet_topology" in text and "cloudnet_consumers[0]" in text


def test_all_problems_reported_at_once():
    hosts = with_var("spoke-b", "spoke_cidr", "10.1.0.0/16")
    hosts[0]["vars"]["transit_region"] = "bogus"
    problems = run(hosts=hosts, services=[{"name": "nope"}])
    assert len(problems) >= 3
