# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GCP source hops: the network and subnetwork, the forwarding zone, the route (static or BGP-learned) to a tunnel."""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import transit
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import (
    Trace,
    contains,
    dns_name,
    in_domain,
    prefixlen,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.remote_common import last_segment


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
    subnets = [s for s in gcp.subnetworks(region) if last_segment(s.get("network")) == src["network"]] if region else []
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
        nets = [
            last_segment(n.get("networkUrl")) for n in (zone.get("privateVisibilityConfig") or {}).get("networks") or []
        ]
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
        if last_segment(r.get("network")) == source["network"] and contains(r.get("destRange"), dest_ip):
            candidates.append(
                {
                    "dest": r["destRange"],
                    "priority": int(r.get("priority", 1000)),
                    "kind": "static",
                    "tunnel": last_segment(r.get("nextHopVpnTunnel")) or None,
                    "name": r.get("name"),
                    "next_hop": r.get("nextHopVpnTunnel") or r.get("nextHopGateway") or r.get("nextHopIp"),
                }
            )
    for router in gcp.routers(source["region"]):
        if last_segment(router.get("network")) != source["network"]:
            continue
        for r in gcp.router_status(source["region"], router["name"]).get("bestRoutes") or []:
            if contains(r.get("destRange"), dest_ip):
                candidates.append(
                    {
                        "dest": r["destRange"],
                        "priority": int(r.get("priority", 0)),
                        "kind": "bgp",
                        "tunnel": last_segment(r.get("nextHopVpnTunnel")) or None,
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
    hop = str(best["next_hop"] or "")
    hop = "/".join(hop.split("/")[-2:]) if "/" in hop else hop
    text = f"{best['dest']} ({best['kind']}, priority {best['priority']}) -> {hop}"
    if not ok:
        text += f": traffic to {dest_ip} does not go to a VPN tunnel"
    trace.add(
        "route:source",
        best["name"],
        text,
        ok,
        best,
        fix,
    )
    return best if ok else None
