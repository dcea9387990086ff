"""Normalisers of azure_dns_forwarding (no cloud)."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure import dns_forwarding as df
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

OWN = {"cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t"}


@pytest.mark.parametrize("value,expected", [
    ("s3.us-east-1.amazonaws.com", "s3.us-east-1.amazonaws.com."),
    ("S3.US-EAST-1.amazonaws.com.", "s3.us-east-1.amazonaws.com."),
    ("_ldap.corp.example.", "_ldap.corp.example."),
])
def test_canonical_domain(value, expected):
    assert df.canonical_domain(value, "f") == expected


@pytest.mark.parametrize("value", ["", "bad domain", "-x.example.", "a..b."])
def test_canonical_domain_rejects(value):
    with pytest.raises(ValidationError):
        df.canonical_domain(value, "f")


def test_short_name_is_stable_and_bounded():
    assert df.short_name("cloudnet-", "s3.us-east-1.amazonaws.com") == "cloudnet-s3-us-east-1-amazonaws-com"
    long = "a" * 120 + ".example"
    name = df.short_name("cloudnet-", long)
    assert len(name) == 80 and name == df.short_name("cloudnet-", long)
    assert name != df.short_name("cloudnet-", "b" + long)


def test_want_rules_uses_default_targets_and_sorts():
    rules = df.want_rules([{"domain_name": "sts.us-east-1.amazonaws.com"},
                           {"domain_name": "s3.us-east-1.amazonaws.com.", "target_dns_servers": ["10.0.0.9"]}],
                          ["10.0.1.10", "10.0.0.10"])
    assert rules["sts.us-east-1.amazonaws.com."]["target_dns_servers"] == [
        {"ipAddress": "10.0.0.10", "port": 53}, {"ipAddress": "10.0.1.10", "port": 53}]
    assert rules["s3.us-east-1.amazonaws.com."]["target_dns_servers"] == [{"ipAddress": "10.0.0.9", "port": 53}]
    with pytest.raises(ValidationError):
        df.want_rules([{"domain_name": "a.example."}], None)
    with pytest.raises(ValidationError):
        df.want_rules([{"domain_name": "a.example"}, {"domain_name": "a.example."}], ["10.0.0.1"])


def _rule(servers, meta=None, state="Enabled"):
    meta = OWN if meta is None else meta
    return {"name": "r", "properties": {"domainName": "a.example.", "forwardingRuleState": state, "metadata": meta,
                                        "targetDnsServers": [{"ipAddress": s, "port": 53} for s in servers]}}


def test_rule_matches_needs_targets_state_and_ownership():
    want = df.want_rules([{"domain_name": "a.example."}], ["10.0.0.2", "10.0.0.1"])["a.example."]
    assert df.rule_matches(_rule(["10.0.0.1", "10.0.0.2"]), want, "t")
    assert not df.rule_matches(_rule(["10.0.0.1"]), want, "t")
    assert not df.rule_matches(_rule(["10.0.0.1", "10.0.0.2"], state="Disabled"), want, "t")
    assert not df.rule_matches(_rule(["10.0.0.1", "10.0.0.2"], meta={}), want, "t")
    assert not df.rule_matches(_rule(["10.0.0.1", "10.0.0.2"]), want, "other")
