# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trace from an Azure VNet or a GCP network: DNS forwarding to the Resolver, the route to the VPN, the VPN
attachment, then the AWS hops shared with spokes (transit, return path, security group, endpoint).

Azure: a subnet uses the route table associated with it; a user-defined route with next hop type
``VirtualNetworkGateway`` sends the endpoint prefixes to the VPN gateway (longest prefix wins). DNS: the
forwarding rulesets linked to the VNet; the most specific enabled rule forwards. GCP: the network's routes
(static, and dynamic ones a Cloud Router learned over BGP) apply by longest prefix, then lowest priority;
DNS: private forwarding zones visible to the network, most specific ``dnsName`` first.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import aws_source, transit
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import (
    Trace,
    contains,
    dns_name,
    first_host,
    in_domain,
    prefixlen,
)


def _last(link: str | None) -> str:
    return (link or "").rstrip("/").rsplit("/", 1)[-1]


def _props(body: dict | None) -> dict:
    return (body or {}).get("properties") or {}


# --- Azure ------------------------------------------------------------------------------------------


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
    subnets = [s for s in _props(vnet).get("subnets") or [] if s.get("name") != "GatewaySubnet"]
    if src.get("subnet"):
        subnet = next((s for s in subnets if s.get("name") == src["subnet"]), None)
    elif src.get("ip"):
        subnet = next((s for s in subnets if contains(_props(s).get("addressPrefix"), src["ip"])), None)
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
    prefix = _props(subnet).get("addressPrefix")
    address = src.get("ip") or first_host(prefix)
    out = {
        "cloud": "azure",
        "network": src["network"],
        "subnet": subnet.get("name"),
        "subnet_cidr": prefix,
        "ip": address,
        "cidr": src.get("cidr") or (_props(vnet).get("addressSpace") or {}).get("addressPrefixes", [prefix])[0],
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
            _props(link).get("virtualNetwork", {}).get("id", "").lower() == source["vnet_id"].lower()
            for link in ruleset.get("links") or []
        )
        if not linked:
            continue
        for rule in ruleset.get("rules") or []:
            p = _props(rule)
            if p.get("forwardingRuleState", "Enabled") != "Enabled" or not in_domain(fqdn, p.get("domainName", "")):
                continue
            if best is None or len(dns_name(p["domainName"])) > len(dns_name(_props(best[1])["domainName"])):
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
    targets = [t.get("ipAddress") for t in _props(rule).get("targetDnsServers") or []]
    trace.add(
        "dns",
        f"{ruleset.get('name')}/{rule.get('name')}",
        f"rule {_props(rule)['domainName']} forwards to {', '.join(targets)}",
        bool(targets),
        {"targets": targets},
        fix,
    )
    return targets or None


def azure_route(trace: Trace, az, source: dict, dest_ip: str) -> bool:
    table_ref = _props(source["subnet_body"]).get("routeTable") or {}
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
    for route in _props(table).get("routes") or []:
        p = _props(route)
        if contains(p.get("addressPrefix"), dest_ip) and (
            best is None or prefixlen(p["addressPrefix"]) > prefixlen(_props(best)["addressPrefix"])
        ):
            best = route
    if best is None:
        return trace.add(
            "route:source", table.get("name"), f"no route for {dest_ip} in {table.get('name')}", False, {}, fix
        )
    p = _props(best)
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
        configs = _props(gw).get("ipConfigurations") or []
        if not any(source["vnet_id"].lower() in (_props(c).get("subnet") or {}).get("id", "").lower() for c in configs):
            continue
        for c in configs:
            pip = az.public_ip((_props(c).get("publicIPAddress") or {}).get("id"))
            if _props(pip).get("ipAddress"):
                ips.append(_props(pip)["ipAddress"])
    return ips


# --- GCP --------------------------------------------------------------------------------------------


def gcp_source(trace: Trace, gcp, src: dict) -> dict | None:
    net = gcp.network(src["network"])
    if not net:
        trace.add(
            "source",
            src["network"],
            f"no network {src['network']} in project {gcp.project}",
            False,
            {},
            "check source.network (cross_cloud_gcp_network) and the project",
        )
        return None
    region = src.get("region")
    subnets = [s for s in gcp.subnetworks(region) if _last(s.get("network")) == src["network"]] if region else []
    if src.get("subnet"):
        subnet = next((s for s in subnets if s.get("name") == src["subnet"]), None)
    elif src.get("ip"):
        subnet = next((s for s in subnets if contains(s.get("ipCidrRange"), src["ip"])), None)
    else:
        subnet = subnets[0] if subnets else None
    if subnet is None:
        trace.add(
            "source",
            src["network"],
            f"no subnetwork {src.get('subnet') or src.get('ip') or ''} of {src['network']} in {region}",
            False,
            {},
            "give source.region and an address of a subnetwork",
        )
        return None
    address = src.get("ip") or str(next(ipaddress.ip_network(subnet["ipCidrRange"]).hosts()) + 1)
    out = {
        "cloud": "gcp",
        "network": src["network"],
        "network_link": net.get("selfLink"),
        "subnet": subnet["name"],
        "subnet_cidr": subnet["ipCidrRange"],
        "ip": address,
        "region": region,
        "cidr": src.get("cidr") or subnet["ipCidrRange"],
    }
    trace.source.update(out)
    trace.add(
        "source",
        f"{src['network']}/{subnet['name']}",
        f"{address} in subnetwork {subnet['name']} ({subnet['ipCidrRange']}, {region}) of {src['network']}",
        True,
        {},
    )
    return out


def gcp_forwarding(trace: Trace, gcp, source: dict, fqdn: str) -> list | None:
    best = None
    for zone in gcp.managed_zones():
        if zone.get("visibility") != "private":
            continue
        nets = [_last(n.get("networkUrl")) for n in (zone.get("privateVisibilityConfig") or {}).get("networks") or []]
        if source["network"] not in nets or not in_domain(fqdn, zone.get("dnsName", "")):
            continue
        if best is None or len(dns_name(zone["dnsName"])) > len(dns_name(best["dnsName"])):
            best = zone
    fix = transit.run_site(
        source.get("host"),
        "cross_cloud_gcp",
        f"create a private forwarding zone for {fqdn} "
        "visible to the network, to the Route 53 Resolver inbound endpoint",
    )
    if best is None:
        trace.add(
            "dns",
            source["network"],
            f"no private zone visible to {source['network']} covers {fqdn}: Cloud DNS answers it publicly",
            False,
            {},
            fix,
        )
        return None
    targets = [t.get("ipv4Address") for t in (best.get("forwardingConfig") or {}).get("targetNameServers") or []]
    if not targets:
        trace.add(
            "dns",
            best.get("name"),
            f"zone {best['dnsName']} is not a forwarding zone: Cloud DNS answers {fqdn} from it",
            False,
            {},
            fix,
        )
        return None
    trace.add(
        "dns",
        best.get("name"),
        f"forwarding zone {best['dnsName']} sends {fqdn} to {', '.join(targets)}",
        True,
        {"targets": targets},
    )
    return targets


def gcp_route(trace: Trace, gcp, source: dict, dest_ip: str) -> dict | None:
    """The route the network uses for ``dest_ip`` (static, or learned by a Cloud Router): returns it or None."""
    candidates = []
    for r in gcp.routes():
        if _last(r.get("network")) == source["network"] and contains(r.get("destRange"), dest_ip):
            candidates.append(
                {
                    "dest": r["destRange"],
                    "priority": int(r.get("priority", 1000)),
                    "kind": "static",
                    "tunnel": _last(r.get("nextHopVpnTunnel")) or None,
                    "name": r.get("name"),
                    "next_hop": r.get("nextHopVpnTunnel") or r.get("nextHopGateway") or r.get("nextHopIp"),
                }
            )
    for router in gcp.routers(source["region"]):
        if _last(router.get("network")) != source["network"]:
            continue
        for r in gcp.router_status(source["region"], router["name"]).get("bestRoutes") or []:
            if contains(r.get("destRange"), dest_ip):
                candidates.append(
                    {
                        "dest": r["destRange"],
                        "priority": int(r.get("priority", 0)),
                        "kind": "bgp",
                        "tunnel": _last(r.get("nextHopVpnTunnel")) or None,
                        "name": router["name"],
                        "next_hop": r.get("nextHopIp") or r.get("nextHopVpnTunnel"),
                    }
                )
    fix = transit.run_site(
        source.get("host"),
        "cross_cloud_gcp",
        "bring up the HA VPN and its BGP sessions so the "
        "router learns the endpoint prefixes (or add static routes to the tunnels)",
    )
    if not candidates:
        trace.add(
            "route:source",
            source["network"],
            f"no route for {dest_ip} in {source['network']} (static or learned over BGP)",
            False,
            {},
            fix,
        )
        return None
    best = sorted(candidates, key=lambda c: (-prefixlen(c["dest"]), c["priority"]))[0]
    ok = bool(best["tunnel"])
    trace.add(
        "route:source",
        best["name"],
        f"{best['dest']} ({best['kind']}, priority {best['priority']}) -> {best['next_hop']}",
        ok,
        best,
        fix,
    )
    return best if ok else None


# --- the AWS side of the VPN ------------------------------------------------------------------------


def vpn_attachments(trace: Trace, hub, remote_ips: list, tunnel_peer: str | None, ctx: dict) -> list:
    """``vpn`` hop: the TGW VPN connections whose customer gateway is the remote gateway; their attachments."""
    cgws = hub.customer_gateways()
    vpns = [
        v
        for v in hub.vpn_connections()
        if v.get("TransitGatewayId")
        and (cgws.get(v.get("CustomerGatewayId")) or {}).get("IpAddress") in set(remote_ips)
    ]
    if tunnel_peer:
        vpns = [
            v for v in vpns if tunnel_peer in {t.get("OutsideIpAddress") for t in v.get("VgwTelemetry") or []}
        ] or vpns
    fix = transit.run_site(
        ctx.get("services_host"),
        "cross_cloud_aws",
        "create the customer gateways and transit gateway VPNs for the remote gateway's public addresses",
    )
    if not vpns:
        trace.add(
            "vpn",
            ", ".join(remote_ips) or "?",
            "no transit gateway VPN has the remote gateway "
            f"({', '.join(remote_ips) or 'no public address'}) as its customer gateway",
            False,
            {},
            fix,
        )
        return []
    by_vpn = {a["ResourceId"]: a for a in hub.tgw_attachments_of("vpn")}
    atts = [by_vpn[v["VpnConnectionId"]] for v in vpns if v["VpnConnectionId"] in by_vpn]
    up = sum(1 for v in vpns for t in v.get("VgwTelemetry") or [] if t.get("Status") == "UP")
    tunnels = sum(len(v.get("VgwTelemetry") or []) for v in vpns)
    state = {v["VpnConnectionId"]: v.get("State") for v in vpns}
    ok = bool(atts) and any(s == "available" for s in state.values())
    trace.add(
        "vpn",
        ", ".join(sorted(state)),
        f"{len(vpns)} VPN(s) {', '.join(sorted(set(state.values())))}, "
        f"{up}/{tunnels} tunnels up, attachments {', '.join(a['TransitGatewayAttachmentId'] for a in atts)}",
        ok,
        {"vpn_connections": state, "tunnels_up": up},
        fix,
    )
    return atts if ok else []


def resolver_answer(trace: Trace, hub, targets: list, source: dict, target: dict, ctx: dict):
    """The Resolver inbound endpoint behind the forwarding targets answers the name in its VPC."""
    endpoints = [e for e in hub.inbound_resolver_endpoints() if {i["ip"] for i in e["ips"]} & set(targets)]
    if not endpoints:
        trace.add(
            "dns",
            ", ".join(targets),
            "no Route 53 Resolver inbound endpoint has these addresses",
            False,
            {},
            transit.run_site(
                ctx.get("services_host"),
                "cross_cloud_aws",
                "recreate the inbound endpoint, then run the remote side again so the forwarding targets follow",
            ),
        )
        return None
    ep = endpoints[0]
    from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import security

    admits = security.sg_admits(
        hub.security_groups(ep["group_ids"]),
        source["ip"],
        53,
        "udp",
        hub.prefix_lists_of_groups(hub.security_groups(ep["group_ids"])),
    )
    ok = str(ep.get("status")).upper() == "OPERATIONAL" and admits["admitted"]
    trace.add(
        "dns",
        ep["id"],
        f"inbound endpoint {ep['id']} is {ep.get('status')}; its security group "
        f"{'admits' if admits['admitted'] else 'does not admit'} udp/53 from {source['ip']}",
        ok,
        {"resolver_endpoint": ep["id"], "vpc_id": ep["vpc_id"]},
        transit.run_site(
            ctx.get("services_host"),
            "cross_cloud_aws",
            "admit the remote CIDR (cross_cloud_cidr) on 53 in the resolver's security group",
        ),
    )
    if not ok:
        return None
    return aws_source.answer_in_vpc(trace, hub, hub, ep["vpc_id"], hub.region, target["fqdn"], ctx)


def trace_remote(readers: dict, request: dict, target: dict, ctx: dict) -> dict:
    from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import engine

    src = dict(request["source"])
    cloud = src["cloud"]
    hub = readers["aws_hub"]
    trace = Trace(
        {"label": src.get("host") or src.get("network"), "cloud": cloud},
        {k: target[k] for k in ("name", "fqdn", "port", "protocol")},
    )
    reader = readers[cloud]
    source = azure_source(trace, reader, src) if cloud == "azure" else gcp_source(trace, reader, src)
    if source is None or not engine.resolve_fqdn(trace, hub, target):
        return trace.result()
    source["host"] = src.get("host")
    forward = azure_forwarding if cloud == "azure" else gcp_forwarding
    targets = forward(trace, reader, source, target["fqdn"])
    found = resolver_answer(trace, hub, targets, source, target, ctx) if targets else None
    if found is None or found.get("gateway"):
        return trace.result()
    dest = aws_source.pick_destination(trace, found, {}, lambda which: hub)
    if dest is None:
        return trace.result()
    if cloud == "azure":
        routed = azure_route(trace, reader, source, dest["ip"])
        remote_ips, peer = azure_gateway_ips(reader, source, src["resource_group"]), None
    else:
        best = gcp_route(trace, reader, source, dest["ip"])
        routed = best is not None
        tunnels = {t["name"]: t for t in reader.vpn_tunnels(source["region"])}
        tunnel = tunnels.get((best or {}).get("tunnel") or "")
        peer = (tunnel or {}).get("peerIp")
        gateways = {g["selfLink"]: g for g in reader.vpn_gateways(source["region"])}
        remote_ips = [
            i.get("ipAddress")
            for g in gateways.values()
            if _last(g.get("network")) == source["network"]
            for i in g.get("vpnInterfaces") or []
        ]
    atts = vpn_attachments(trace, hub, remote_ips, peer, ctx) if routed else []
    tgw_id = atts[0]["TransitGatewayId"] if atts else ctx.get("tgw_id")
    entry = atts[0]["TransitGatewayAttachmentId"] if atts else None
    if entry:
        transit.walk(
            trace,
            hub,
            entry,
            dest["ip"],
            transit.arrived_at_vpc(dest["vpc_id"]),
            f"the services VPC {dest['vpc_id']}",
            ctx,
        )
    back_to = (
        transit.arrived_at_any([a["TransitGatewayAttachmentId"] for a in atts])
        if atts
        else (lambda att: att.get("ResourceType") == "vpn")
    )
    engine.destination_checks(trace, hub, hub, source, dest, target, ctx, tgw_id, entry, back_to)
    return trace.result()
