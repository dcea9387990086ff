"""Endpoint classification and policy/security-group findings, table-driven."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.governance import (
    audit_endpoints,
    classify,
    policy_findings,
    service_short_name,
    sg_findings,
    summarize,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.remediation import (
    alias_targets,
    endpoint_dns_names,
    may_delete,
    refusal,
)

POLICY = {"services_vpc_ids": ["vpc-hub"], "central_services": ["ssm", "sts", "s3"],
          "allowed_gateway_services": ["s3", "dynamodb"], "consumer_cidrs": ["10.0.0.0/8"], "allowed_buckets": []}
ORG_ONLY = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*",
                           "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]}
OPEN = {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}


def ep(vpc="vpc-app", service="com.amazonaws.us-east-1.ssm", kind="Interface", policy=None, groups=()):
    policy = ORG_ONLY if policy is None else policy
    return {"VpcEndpointId": "vpce-1", "VpcId": vpc, "ServiceName": service, "VpcEndpointType": kind,
            "PolicyDocument": policy, "Groups": [{"GroupId": g} for g in groups], "State": "available"}


@pytest.mark.parametrize("endpoint, expected", [
    (ep(vpc="vpc-hub"), "central"),
    (ep(service="com.amazonaws.us-east-1.s3", kind="Gateway"), "allowed"),
    (ep(service="com.amazonaws.us-east-1.dynamodb", kind="Gateway"), "allowed"),
    (ep(service="com.amazonaws.us-east-1.s3", kind="Interface"), "duplicate"),
    (ep(), "duplicate"),
    (ep(service="com.amazonaws.us-east-1.kms"), "unknown"),
    (ep(service="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"), "unknown"),
])
def test_classify(endpoint, expected):
    assert classify(endpoint, {"vpc-hub"}, {"ssm", "sts", "s3"}, {"s3", "dynamodb"}) == expected


def test_short_names():
    assert service_short_name("com.amazonaws.us-east-1.ecr.dkr") == "ecr.dkr"
    assert service_short_name("com.amazonaws.vpce.us-east-1.vpce-svc-1") == "com.amazonaws.vpce.us-east-1.vpce-svc-1"


@pytest.mark.parametrize("policy, buckets, fragments", [
    (ORG_ONLY, (), []),
    (OPEN, (), ["any principal on any resource"]),
    (None, (), ["no endpoint policy"]),
    ('{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:*","Resource":"*"}]}', (),
     ["any principal"]),
    ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": ["arn:aws:s3:::ok/*", "arn:aws:s3:::other/*"]}]}, ("ok",), ["arn:aws:s3:::other/*"]),
    ({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                     "Resource": "arn:aws:s3:::ok/*"}]}, ("ok",), []),
    ({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]}, (), []),
])
def test_policy_findings(policy, buckets, fragments):
    found = policy_findings(policy, buckets)
    assert len(found) == len(fragments)
    for fragment, text in zip(fragments, found):
        assert fragment in text


def test_sg_findings_flags_only_wider_rules():
    groups = [{"GroupId": "sg-1", "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "IpRanges": [{"CidrIp": "10.1.0.0/16"}, {"CidrIp": "0.0.0.0/0"}]}]}]
    found = sg_findings(groups, ["10.0.0.0/8"])
    assert len(found) == 1 and "0.0.0.0/0" in found[0] and "sg-1" in found[0]


def test_audit_endpoints_and_summary():
    groups = {"sg-open": {"GroupId": "sg-open", "IpPermissions": [
        {"IpProtocol": "tcp", "FromPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]}}
    endpoints = [ep(vpc="vpc-hub"), ep(groups=["sg-open"], policy=OPEN),
                 ep(service="com.amazonaws.us-east-1.s3", kind="Gateway", policy=OPEN),
                 dict(ep(), State="deleted")]
    results = audit_endpoints(endpoints, groups, POLICY, "acct", "us-east-1")
    assert [r["classification"] for r in results] == ["central", "duplicate", "allowed"]
    assert results[0]["compliant"] and results[2]["compliant"]
    assert len(results[1]["findings"]) == 3
    assert summarize(results) == {"central": 1, "allowed": 1, "duplicate": 1, "unknown": 0, "violations": 1,
                                  "total": 3}


# --- remediation guards ---------------------------------------------------------------------------

MANAGED_TAGS = [{"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"}]
GUARD = (["vpc-hub"], ["ssm", "sts", "s3"], ["s3", "dynamodb"])


@pytest.mark.parametrize("endpoint, reason", [
    (ep(), None),
    (ep(service="com.amazonaws.us-east-1.sts"), None),
    (ep(vpc="vpc-hub"), "classified central"),
    (ep(service="com.amazonaws.us-east-1.s3", kind="Gateway"), "classified allowed"),
    (ep(service="com.amazonaws.us-east-1.kms"), "classified unknown"),
    (ep(service="com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"), "classified unknown"),
    (dict(ep(), Tags=MANAGED_TAGS), "managed by this collection"),
    (ep(kind="GatewayLoadBalancer"), "GatewayLoadBalancer"),
])
def test_refusal(endpoint, reason):
    got = refusal(endpoint, *GUARD)
    assert (got is None) if reason is None else (reason in got)


@pytest.mark.parametrize("endpoint, allow, expected", [
    (ep(), True, True),
    (ep(), False, False),
    (ep(service="com.amazonaws.us-east-1.kms"), True, False),
    (ep(vpc="vpc-hub"), True, False),
    (ep(service="com.amazonaws.us-east-1.s3", kind="Gateway"), True, False),
    (dict(ep(), Tags=MANAGED_TAGS), True, False),
])
def test_may_delete_only_unmanaged_duplicates_when_allowed(endpoint, allow, expected):
    assert may_delete(endpoint, *GUARD, allow) is expected


def test_alias_targets_apex_only_lower_case():
    rrsets = [
        {"Name": "ssm.us-east-1.amazonaws.com.", "Type": "A",
         "AliasTarget": {"DNSName": "VPCE-1-ABC.ssm.us-east-1.vpce.amazonaws.com."}},
        {"Name": "\\052.ssm.us-east-1.amazonaws.com.", "Type": "A",
         "AliasTarget": {"DNSName": "vpce-2.ssm.us-east-1.vpce.amazonaws.com."}},
        {"Name": "ssm.us-east-1.amazonaws.com.", "Type": "SOA", "ResourceRecords": [{"Value": "x"}]},
    ]
    assert alias_targets(rrsets, "ssm.us-east-1.amazonaws.com") == {"vpce-1-abc.ssm.us-east-1.vpce.amazonaws.com"}


def test_endpoint_dns_names():
    endpoint = {"DnsEntries": [{"DnsName": "vpce-1.ssm.us-east-1.vpce.amazonaws.com", "HostedZoneId": "Z1"},
                               {"DnsName": "VPCE-1-us-east-1a.ssm.us-east-1.vpce.amazonaws.com."}, {}]}
    assert endpoint_dns_names(endpoint) == {"vpce-1.ssm.us-east-1.vpce.amazonaws.com",
                                            "vpce-1-us-east-1a.ssm.us-east-1.vpce.amazonaws.com"}
