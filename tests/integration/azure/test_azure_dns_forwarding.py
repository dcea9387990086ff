"""azure_dns_forwarding against the ARM emulator, read back through azure-mgmt-dnsresolver."""

from __future__ import annotations

from azure_module_env import LOCATION

R53 = ["10.100.0.10", "10.100.1.10"]


def _rules(resolver, rg, ruleset):
    return {r.domain_name: (r.name, sorted(t.ip_address for t in r.target_dns_servers), r.metadata)
            for r in resolver.forwarding_rules.list(rg, ruleset)}


def test_four_pass_purge_and_delete(four_pass, module, resolver, network, rg, vnet):
    vnet("hub", "10.10.0.0/16", {"dns-outbound": "10.10.5.0/28"})
    vnet("spoke", "10.20.0.0/16", {"app": "10.20.1.0/24"})
    args = {"resource_group": rg, "location": LOCATION, "dns_resolver": "dnspr", "virtual_network": "hub",
            "outbound_subnet": "dns-outbound", "ruleset": "aws", "target_dns_servers": R53, "topology": "t1",
            "rules": [{"domain_name": "s3.us-east-1.amazonaws.com"}, {"domain_name": "sts.us-east-1.amazonaws.com."}],
            "linked_virtual_networks": [{"name": "hub"}, {"name": "spoke"}]}
    _check1, apply1, _apply2 = four_pass("azure_dns_forwarding", args, "forwarding")
    assert [o["action"] for o in apply1["operations"]] == [
        "create_dns_resolver", "create_outbound_endpoint", "create_ruleset", "create_rule", "create_rule",
        "create_link", "create_link"]
    info = module("azure_dns_forwarding_info", {"resource_group": rg, "topology": "t1"})
    assert info["forwardings"] == [apply1["forwarding"]]
    owner = {"cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t1"}
    assert _rules(resolver, rg, "aws") == {
        "s3.us-east-1.amazonaws.com.": ("cloudnet-s3-us-east-1-amazonaws-com", R53, owner),
        "sts.us-east-1.amazonaws.com.": ("cloudnet-sts-us-east-1-amazonaws-com", R53, owner)}
    ruleset = resolver.dns_forwarding_rulesets.get(rg, "aws")
    endpoint = resolver.outbound_endpoints.get(rg, "dnspr", "dnspr-outbound")
    assert [e.id.lower() for e in ruleset.dns_resolver_outbound_endpoints] == [endpoint.id.lower()]
    assert endpoint.subnet.id.endswith("/virtualNetworks/hub/subnets/dns-outbound")
    links = resolver.virtual_network_links.list(rg, "aws")
    linked = sorted(link.virtual_network.id.rsplit("/", 1)[-1] for link in links)
    assert linked == ["hub", "spoke"]
    assert resolver.dns_resolvers.get(rg, "dnspr").tags == owner

    # A rule someone else made survives a purge; an unmarked rule on a declared domain is a conflict.
    foreign = {"properties": {"domainName": "corp.example.", "targetDnsServers": [{"ipAddress": "10.0.0.53"}]}}
    from azure.mgmt.dnsresolver.models import ForwardingRule

    resolver.forwarding_rules.create_or_update(rg, "aws", "corp", ForwardingRule.deserialize(foreign))
    narrowed = module("azure_dns_forwarding", dict(args, rules=[{"domain_name": "s3.us-east-1.amazonaws.com."}],
                                                   linked_virtual_networks=[{"name": "hub"}]))
    assert [o["action"] for o in narrowed["operations"]] == ["delete_rule", "delete_link"]
    assert set(_rules(resolver, rg, "aws")) == {"s3.us-east-1.amazonaws.com.", "corp.example."}
    assert narrowed["forwarding"]["foreign_rules"][0]["domain_name"] == "corp.example."
    clash = module("azure_dns_forwarding", dict(args, rules=[{"domain_name": "corp.example."}]), expect_failure=True)
    assert "corp" in clash["msg"] and "take_over" in clash["msg"]

    absent = {"resource_group": rg, "dns_resolver": "dnspr", "ruleset": "aws", "state": "absent", "topology": "t1"}
    kept = module("azure_dns_forwarding", absent)
    assert [o["action"] for o in kept["operations"]] == ["delete_link", "delete_rule"]
    assert any("corp" in w for w in kept["warnings"])
    assert set(_rules(resolver, rg, "aws")) == {"corp.example."}, "a foreign rule keeps its ruleset"
    resolver.forwarding_rules.delete(rg, "aws", "corp")
    gone = module("azure_dns_forwarding", absent)
    assert [o["action"] for o in gone["operations"]] == [
        "delete_ruleset", "delete_outbound_endpoint", "delete_dns_resolver"]
    assert not list(resolver.dns_forwarding_rulesets.list_by_resource_group(rg))
    assert not list(resolver.dns_resolvers.list_by_resource_group(rg))
    assert network.virtual_networks.get(rg, "hub").name == "hub", "the VNet is not the collection's"


def test_bad_domain_fails_before_any_call(module, emulator, rg):
    before = emulator.calls.count()
    failed = module("azure_dns_forwarding", {"resource_group": rg, "location": LOCATION, "dns_resolver": "d",
                                             "virtual_network": "v", "outbound_subnet": "s", "ruleset": "r",
                                             "target_dns_servers": R53, "rules": [{"domain_name": "bad domain"}]},
                    expect_failure=True)
    assert "rules[0].domain_name" in failed["msg"]
    assert emulator.calls.count() == before
