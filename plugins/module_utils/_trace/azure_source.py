# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure source hops: the VNet and subnet, the DNS forwarding rule, the subnet's route to the VPN gateway."""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import transit
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import (
    Trace,
    contains,
    dns_name,
    first_host,
    in_domain,
    prefixlen,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.remote_common import props


def azure_source(trace: Trace, az, src: dict) -> dict | None:
    vnet = az.vnet(src["resource_group"], src["network"])
    if not vnet:
        trace.add(
            "source",
            f"{src['resource_group']}/{src['network']}",
            "no such VNet",
            False,
            {},
            "check source.network and source.resource_group (cross_cloud_azure_vnet and its resource group)",
        )
        return None
    subnets = [s for s in props(vnet).get("subnets") or [] if s.get("name") != "GatewaySubnet"]
    if src.get("subnet"):
        subnet = next((s for s in subnets if s.get("name") == src["subnet"]), None)
    elif src.get("ip"):
        subnet = next((s for s in subnets if contains(props(s).get("addressPrefix"), src["ip"])), None)
    else:
        subnet = subnets[0] if subnets else None
    if subnet is None:
        trace.add(
            "source",
            vnet.get("id"),
            f"no subnet {src.get('subnet') or src.get('ip') or ''} in {src['network']}",
            False,
            {},
            "give source.subnet or an address of a subnet of the VNet",
        )
        return None
    prefix = props(subnet).get("addressPrefix")
    address = src.get("ip") or first_host(prefix)
    out = {
        "cloud": "azure",
        "network": src["network"],
        "subnet": subnet.get("name"),
        "subnet_cidr": prefix,
        "ip": address,
        "cidr": src.get("cidr") or (props(vnet).get("addressSpace") or {}).get("addressPrefixes", [prefix])[0],
        "vnet_id": vnet.get("id"),
        "subnet_body": subnet,
    }
    trace.source.update({k: v for k, v in out.items() if k != "subnet_body"})
    trace.add(
        "source",
        f"{src['network']}/{subnet.get('name')}",
        f"{address} in subnet {subnet.get('name')} ({prefix}) of VNet {src['network']}",
        True,
        {"vnet_id": vnet.get("id")},
    )
    return out


def azure_forwarding(trace: Trace, az, source: dict, fqdn: str) -> list | None:
    """The DNS forwarding rule the VNet uses for ``fqdn``: its target addresses, or None (hop added)."""
    best = None
    for ruleset in az.rulesets():
        linked = any(
            props(link).get("virtualNetwork", {}).get("id", "").lower() == source["vnet_id"].lower()
            for link in ruleset.get("links") or []
        )
        if not linked:
            continue
        for rule in ruleset.get("rules") or []:
            p = props(rule)
            if p.get("forwardingRuleState", "Enabled") != "Enabled" or not in_domain(fqdn, p.get("domainName", "")):
                continue
            if best is None or len(dns_name(p["domainName"])) > len(dns_name(props(best[1])["domainName"])):
                best = (ruleset, rule)
    fix = transit.run_site(
        source.get("host"),
        "cross_cloud_azure",
        f"forward {fqdn} from a ruleset linked to {source['network']} to the Route 53 Resolver inbound endpoint",
    )
    if best is None:
        trace.add(
            "dns",
            source["network"],
            f"no forwarding ruleset linked to {source['network']} has a rule for {fqdn}: Azure DNS answers it publicly",
            False,
            {},
            fix,
        )
        return None
    ruleset, rule = best
    targets = [t.get("ipAddress") for t in props(rule).get("targetDnsServers") or []]
    trace.add(
        "dns",
        f"{ruleset.get('name')}/{rule.get('name')}",
        f"rule {props(rule)['domainName']} forwards to {', '.join(targets)}",
        bool(targets),
        {"targets": targets},
        fix,
    )
    return targets or None


def azure_route(trace: Trace, az, source: dict, dest_ip: str) -> bool:
    table_ref = props(source["subnet_body"]).get("routeTable") or {}
    fix = transit.run_site(
        source.get("host"),
        "cross_cloud_azure",
        "associate the route table whose UDRs send the endpoint prefixes to VirtualNetworkGateway with the subnet",
    )
    if not table_ref.get("id"):
        return trace.add(
            "route:source",
            source["subnet"],
            f"subnet {source['subnet']} has no route table; "
            f"{dest_ip} would follow BGP-learned routes, which the trace cannot read without a NIC",
            False,
            {},
            fix,
        )
    table = az.route_table(table_ref["id"]) or {}
    best = None
    for route in props(table).get("routes") or []:
        p = props(route)
        if contains(p.get("addressPrefix"), dest_ip) and (
            best is None or prefixlen(p["addressPrefix"]) > prefixlen(props(best)["addressPrefix"])
        ):
            best = route
    if best is None:
        return trace.add(
            "route:source", table.get("name"), f"no route for {dest_ip} in {table.get('name')}", False, {}, fix
        )
    p = props(best)
    text = f"{p['addressPrefix']} -> {p.get('nextHopType')}"
    return trace.add(
        "route:source",
        table.get("name"),
        text,
        p.get("nextHopType") == "VirtualNetworkGateway",
        {"route": best.get("name")},
        fix,
    )


def azure_gateway_ips(az, source: dict, group: str) -> list:
    ips = []
    for gw in az.gateways(group):
        configs = props(gw).get("ipConfigurations") or []
        if not any(source["vnet_id"].lower() in (props(c).get("subnet") or {}).get("id", "").lower() for c in configs):
            continue
        for c in configs:
            pip = az.public_ip((props(c).get("publicIPAddress") or {}).get("id"))
            if props(pip).get("ipAddress"):
                ips.append(props(pip)["ipAddress"])
    return ips
