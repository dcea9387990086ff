"""Private DNS and DNS Private Resolver through azure-mgmt-privatedns and azure-mgmt-dnsresolver."""

from __future__ import annotations

import re

import pytest
from azure.core import MatchConditions
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.dnsresolver import models as dr
from azure.mgmt.network import models as m
from azure.mgmt.privatedns import models as pdns
from conftest import LOCATION, POLL

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def _vnet(network, rg, name, prefix, subnets):
    return network.virtual_networks.begin_create_or_update(
        rg,
        name,
        m.VirtualNetwork(
            location=LOCATION,
            properties=m.VirtualNetworkPropertiesFormat(
                address_space=m.AddressSpace(address_prefixes=[prefix]),
                subnets=[
                    m.Subnet(
                        name=n,
                        properties=m.SubnetPropertiesFormat(
                            address_prefix=c,
                            delegations=[
                                m.Delegation(
                                    name="resolver",
                                    properties=m.ServiceDelegationPropertiesFormat(
                                        service_name="Microsoft.Network/dnsResolvers"
                                    ),
                                )
                            ],
                        ),
                    )
                    for n, c in subnets.items()
                ],
            ),
        ),
        polling_interval=POLL,
    ).result()


def test_private_zone_and_vnet_link(network, private_dns, rg, arm):
    vnet = _vnet(network, rg, "spoke", "10.40.0.0/16", {"a": "10.40.0.0/24"})
    zone = private_dns.private_zones.begin_create_or_update(
        rg,
        "privatelink.s3.amazonaws.com",
        pdns.PrivateZone(location="global", tags={"owner": "cloudnet"}),
        polling_interval=POLL,
    ).result()
    assert zone.location == "global"
    assert GUID.match(zone.etag), zone.etag  # Private DNS etags are bare GUIDs
    assert zone.properties.provisioning_state == "Succeeded"

    link = private_dns.virtual_network_links.begin_create_or_update(
        rg,
        "privatelink.s3.amazonaws.com",
        "spoke-link",
        pdns.VirtualNetworkLink(
            location="global",
            properties=pdns.VirtualNetworkLinkProperties(
                virtual_network=pdns.SubResource(id=vnet.id), registration_enabled=False
            ),
        ),
        polling_interval=POLL,
    ).result()
    assert link.properties.virtual_network_link_state == "Completed"
    assert link.properties.virtual_network.id == vnet.id
    zone = private_dns.private_zones.get(rg, "privatelink.s3.amazonaws.com")
    assert zone.properties.number_of_virtual_network_links == 1

    # the same VNet cannot be linked twice to one zone
    with pytest.raises(HttpResponseError) as err:
        private_dns.virtual_network_links.begin_create_or_update(
            rg,
            "privatelink.s3.amazonaws.com",
            "again",
            pdns.VirtualNetworkLink(
                location="global",
                properties=pdns.VirtualNetworkLinkProperties(virtual_network=pdns.SubResource(id=vnet.id)),
            ),
            polling_interval=POLL,
        ).result()
    assert err.value.status_code == 409

    # Private DNS PUTs are 202 + resource-group-scoped operation status (unlike Network's 201/200)
    raw = arm.request(
        "PUT",
        f"{arm.sub}/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsZones/example.internal",
        "2024-06-01",
        json={"location": "global"},
    )
    assert raw.status_code == 202
    assert raw.content == b""
    assert (
        f"/resourceGroups/{rg}/providers/Microsoft.Network/privateDnsOperationStatuses/"
        in raw.headers["Azure-AsyncOperation"]
    )
    assert "/privateDnsOperationResults/" in raw.headers["Location"]
    status = arm.request("GET", raw.headers["Azure-AsyncOperation"]).json()
    assert status["status"] == "Succeeded"

    private_dns.virtual_network_links.begin_delete(
        rg, "privatelink.s3.amazonaws.com", "spoke-link", polling_interval=POLL
    ).result()
    private_dns.private_zones.begin_delete(rg, "privatelink.s3.amazonaws.com", polling_interval=POLL).result()
    with pytest.raises(ResourceNotFoundError):
        private_dns.private_zones.get(rg, "privatelink.s3.amazonaws.com")


def test_dns_resolver_outbound_ruleset_rule_and_link(network, resolver, rg, arm):
    hub = _vnet(network, rg, "hub", "10.50.0.0/16", {"inbound": "10.50.0.0/28", "outbound": "10.50.0.16/28"})
    spoke = _vnet(network, rg, "spoke", "10.51.0.0/16", {"a": "10.51.0.0/24"})
    subnets = {s.name: s.id for s in hub.properties.subnets}
    dns_resolver = resolver.dns_resolvers.begin_create_or_update(
        rg,
        "resolver",
        dr.DnsResolver(location=LOCATION, virtual_network=dr.SubResource(id=hub.id)),
        polling_interval=POLL,
    ).result()
    assert dns_resolver.provisioning_state == "Succeeded"
    assert dns_resolver.dns_resolver_state == "Connected"
    assert re.match(r'^"[0-9a-f-]{36}"$', dns_resolver.etag)

    inbound = resolver.inbound_endpoints.begin_create_or_update(
        rg,
        "resolver",
        "in",
        dr.InboundEndpoint(
            location=LOCATION,
            ip_configurations=[dr.IpConfiguration(subnet=dr.SubResource(id=subnets["inbound"]))],
        ),
        polling_interval=POLL,
    ).result()
    assert inbound.ip_configurations[0].private_ip_address == "10.50.0.4"
    assert inbound.ip_configurations[0].private_ip_allocation_method == "Dynamic"

    outbound = resolver.outbound_endpoints.begin_create_or_update(
        rg,
        "resolver",
        "out",
        dr.OutboundEndpoint(location=LOCATION, subnet=dr.SubResource(id=subnets["outbound"])),
        polling_interval=POLL,
    ).result()
    ruleset = resolver.dns_forwarding_rulesets.begin_create_or_update(
        rg,
        "to-aws",
        dr.DnsForwardingRuleset(
            location=LOCATION, dns_resolver_outbound_endpoints=[dr.SubResource(id=outbound.id)]
        ),
        polling_interval=POLL,
    ).result()
    assert ruleset.dns_resolver_outbound_endpoints[0].id == outbound.id

    # forwarding rules are synchronous PUTs: 201 on create, 200 on update, no operation headers
    url = f"{ruleset.id}/forwardingRules/s3"
    body = {
        "properties": {
            "domainName": "s3.eu-west-1.amazonaws.com.",
            "targetDnsServers": [{"ipAddress": "10.200.0.10"}, {"ipAddress": "10.200.1.10"}],
        }
    }
    created = arm.request("PUT", url, "2025-05-01", json=body)
    assert created.status_code == 201
    assert "Azure-AsyncOperation" not in created.headers
    assert created.json()["properties"]["provisioningState"] == "Succeeded"
    assert arm.request("PUT", url, "2025-05-01", json=body).status_code == 200
    rule = resolver.forwarding_rules.get(rg, "to-aws", "s3")
    assert [t.port for t in rule.target_dns_servers] == [53, 53]
    assert rule.forwarding_rule_state == "Enabled"

    rule2 = resolver.forwarding_rules.create_or_update(
        rg,
        "to-aws",
        "ssm",
        dr.ForwardingRule(
            domain_name="ssm.eu-west-1.amazonaws.com.",
            target_dns_servers=[dr.TargetDnsServer(ip_address="10.200.0.10", port=53)],
        ),
    )
    assert rule2.provisioning_state == "Succeeded"
    with pytest.raises(HttpResponseError) as err:
        resolver.forwarding_rules.create_or_update(
            rg,
            "to-aws",
            "bad",
            dr.ForwardingRule(
                domain_name="no-trailing-dot.example.com",
                target_dns_servers=[dr.TargetDnsServer(ip_address="10.200.0.10")],
            ),
        )
    assert err.value.status_code == 400
    assert sorted(r.name for r in resolver.forwarding_rules.list(rg, "to-aws")) == ["s3", "ssm"]

    link = resolver.virtual_network_links.begin_create_or_update(
        rg,
        "to-aws",
        "spoke",
        dr.VirtualNetworkLink(virtual_network=dr.SubResource(id=spoke.id)),
        polling_interval=POLL,
    ).result()
    assert link.virtual_network.id == spoke.id
    assert link.provisioning_state == "Succeeded"

    # the outbound subnet is in use by the endpoint
    with pytest.raises(HttpResponseError) as err:
        network.subnets.begin_delete(rg, "hub", "outbound", polling_interval=POLL).result()
    assert err.value.error.code == "InUseSubnetCannotBeDeleted"

    resolver.forwarding_rules.delete(rg, "to-aws", "ssm")
    with pytest.raises(ResourceNotFoundError):
        resolver.forwarding_rules.get(rg, "to-aws", "ssm")


def test_private_zone_record_sets(private_dns, rg):
    zone_name = "s3.eu-west-1.amazonaws.com"
    private_dns.private_zones.begin_create_or_update(
        rg, zone_name, pdns.PrivateZone(location="global"), polling_interval=POLL
    ).result()
    apex = private_dns.record_sets.create_or_update(
        rg,
        zone_name,
        "A",
        "@",
        pdns.RecordSet(
            properties=pdns.RecordSetProperties(
                ttl=60,
                a_records=[
                    pdns.ARecord(ipv4_address="10.200.0.10"),
                    pdns.ARecord(ipv4_address="10.200.1.10"),
                ],
            )
        ),
    )
    assert apex.properties.fqdn == f"{zone_name}."
    assert GUID.match(apex.etag)
    wildcard = private_dns.record_sets.create_or_update(
        rg,
        zone_name,
        "A",
        "*",
        pdns.RecordSet(
            properties=pdns.RecordSetProperties(a_records=[pdns.ARecord(ipv4_address="10.200.0.10")])
        ),
        match_condition=MatchConditions.IfMissing,
    )
    assert wildcard.properties.fqdn == f"*.{zone_name}."
    assert wildcard.properties.ttl == 3600
    # create-only write of an existing record set fails with 412
    with pytest.raises(HttpResponseError) as err:
        private_dns.record_sets.create_or_update(
            rg,
            zone_name,
            "A",
            "*",
            pdns.RecordSet(
                properties=pdns.RecordSetProperties(a_records=[pdns.ARecord(ipv4_address="10.9.9.9")])
            ),
            match_condition=MatchConditions.IfMissing,
        )
    assert err.value.status_code == 412
    with pytest.raises(HttpResponseError) as err:
        private_dns.record_sets.create_or_update(
            rg,
            zone_name,
            "A",
            "bad",
            pdns.RecordSet(
                properties=pdns.RecordSetProperties(a_records=[pdns.ARecord(ipv4_address="not-an-ip")])
            ),
        )
    assert err.value.status_code == 400

    assert sorted(r.name for r in private_dns.record_sets.list_by_type(rg, zone_name, "A")) == ["*", "@"]
    everything = sorted((r.type, r.name) for r in private_dns.record_sets.list(rg, zone_name))
    assert everything == [
        ("Microsoft.Network/privateDnsZones/A", "*"),
        ("Microsoft.Network/privateDnsZones/A", "@"),
        ("Microsoft.Network/privateDnsZones/SOA", "@"),
    ]
    assert private_dns.private_zones.get(rg, zone_name).properties.number_of_record_sets == 3
    with pytest.raises(HttpResponseError) as err:
        private_dns.record_sets.delete(rg, zone_name, "SOA", "@")
    assert err.value.status_code == 400
    private_dns.record_sets.delete(rg, zone_name, "A", "*")
    with pytest.raises(ResourceNotFoundError):
        private_dns.record_sets.get(rg, zone_name, "A", "*")
