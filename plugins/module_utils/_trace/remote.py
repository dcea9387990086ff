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

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import aws_source, transit
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.azure_source import (
    azure_forwarding,
    azure_gateway_ips,
    azure_route,
    azure_source,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.gcp_source import (
    gcp_forwarding,
    gcp_route,
    gcp_source,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import Trace
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.remote_common import last_segment

# --- the AWS side of the VPN ------------------------------------------------------------------------


def vpn_lookup(hub, remote_ips: list, tunnel_peer: str | None = None) -> tuple[list, list]:
    """(TGW VPN connections whose customer gateway is the remote gateway, their attachments)."""
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
    by_vpn = {a["ResourceId"]: a for a in hub.tgw_attachments_of("vpn")}
    return vpns, [by_vpn[v["VpnConnectionId"]] for v in vpns if v["VpnConnectionId"] in by_vpn]


def vpn_hop(trace: Trace, vpns: list, atts: list, remote_ips: list, ctx: dict) -> bool:
    """``vpn``: a transit gateway VPN of the remote gateway is available with at least one tunnel up."""
    fix = transit.run_site(
        ctx.get("services_host"),
        "cross_cloud_aws",
        "create the customer gateways and transit gateway VPNs for the remote gateway's public addresses",
    )
    if not vpns:
        return trace.add(
            "vpn",
            ", ".join(remote_ips) or "?",
            "no transit gateway VPN has the remote gateway "
            f"({', '.join(remote_ips) or 'no public address'}) as its customer gateway",
            False,
            {},
            fix,
        )
    up = sum(1 for v in vpns for t in v.get("VgwTelemetry") or [] if t.get("Status") == "UP")
    tunnels = sum(len(v.get("VgwTelemetry") or []) for v in vpns)
    state = {v["VpnConnectionId"]: v.get("State") for v in vpns}
    available = bool(atts) and any(s == "available" for s in state.values())
    decision = (
        f"{len(vpns)} VPN(s) {', '.join(sorted(set(state.values())))}, {up}/{tunnels} tunnels up, attachments "
        f"{', '.join(a['TransitGatewayAttachmentId'] for a in atts) or 'none'}"
    )
    if available and not up:
        decision += "; with every tunnel down nothing crosses"
        fix = (
            "bring a tunnel up: the pre-shared keys and inside addresses must match on both sides "
            "(cross_cloud_pre_shared_keys), and the remote gateway's connections must be connected"
        )
    return trace.add(
        "vpn",
        ", ".join(sorted(state)),
        decision,
        available and up > 0,
        {"vpn_connections": state, "tunnels_up": up, "tunnels": tunnels},
        fix,
    )


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
            if last_segment(g.get("network")) == source["network"]
            for i in g.get("vpnInterfaces") or []
        ]
    vpns, atts = vpn_lookup(hub, remote_ips, peer)
    through = routed and vpn_hop(trace, vpns, atts, remote_ips, ctx)
    ids = [a["TransitGatewayAttachmentId"] for a in atts]
    tgw_id = atts[0]["TransitGatewayId"] if atts else ctx.get("tgw_id")
    entry = ids[0] if ids else None
    if through and entry:
        transit.walk(
            trace,
            hub,
            entry,
            dest["ip"],
            transit.arrived_at_vpc(dest["vpc_id"]),
            f"the services VPC {dest['vpc_id']}",
            ctx,
        )
    back_to = transit.arrived_at_any(ids) if ids else (lambda att: att.get("ResourceType") == "vpn")
    engine.destination_checks(trace, hub, hub, source, dest, target, ctx, tgw_id, entry, back_to, expect_ids=ids)
    return trace.result()
