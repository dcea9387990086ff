# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the cross-cloud hosts: ``azure_spokes``, ``gcp_spokes`` and ``aws_cross_cloud``.

Defaults are the roles' own (roles/cross_cloud_*/defaults/main.yml, kept equal by a unit test), so a
value the inventory leaves out is checked as the role would use it.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.service_catalog import INTERFACE_SERVICES
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common import topology_fields as f

AZURE_DEFAULTS = {
    "cross_cloud_azure_asn": 65515,
    "cross_cloud_azure_sku": "VpnGw2",
    "cross_cloud_azure_tunnel_inside_cidrs": ["169.254.21.0/30", "169.254.22.0/30", "169.254.21.4/30",
                                              "169.254.22.4/30"],
    "cross_cloud_azure_stage": "all",
    "cross_cloud_azure_state": "present",
}
GCP_DEFAULTS = {
    "cross_cloud_gcp_asn": 65534,
    "cross_cloud_gcp_tunnel_inside_cidrs": ["169.254.10.0/30", "169.254.11.0/30", "169.254.12.0/30",
                                            "169.254.13.0/30"],
    "cross_cloud_gcp_stage": "all",
    "cross_cloud_gcp_state": "present",
}
# Active-active, BGP-capable VPN gateway SKUs.
AZURE_SKUS = tuple(f"VpnGw{n}{az}" for az in ("", "AZ") for n in range(1, 6))
GCP_TUNNEL_PREFIX_MAX = 54  # tunnels are <gateway>-<k>-<j> (58 at most: router peers append -bgp)


def _choice(problems, name, key, hv, defaults, choices):
    value = hv.get(key, defaults.get(key))
    if value not in choices:
        problems.add(name, key, f"= {value!r} is unknown", f"use one of {', '.join(choices)}")


def _aws_host(problems, name, key, hv, aws_hosts):
    """The aws_cross_cloud host this remote pairs with (the role's default: the first of the group)."""
    value = hv.get(key) or (aws_hosts[0] if aws_hosts else "")
    if not value:
        problems.add(name, key, "has no AWS side to pair with", "add the services host to the group aws_cross_cloud")
        return None
    if value not in aws_hosts:
        problems.add(name, key, f"= {value!r} is not a host of aws_cross_cloud",
                     f"name one of {', '.join(aws_hosts) or '(none: add the services host to aws_cross_cloud)'}")
        return None
    return value


def _common_remote(problems, name, hv, cloud, defaults):
    net = None
    if not hv.get("cross_cloud_cidr"):
        problems.add(name, "cross_cloud_cidr", "is missing", "declare the network's address space (from your IPAM)")
    else:
        net = f.cidr(problems, name, "cross_cloud_cidr", hv["cross_cloud_cidr"])
    key = f"cross_cloud_{cloud}_tunnel_inside_cidrs"
    inside = f.tunnel_inside_cidrs(problems, name, key, hv.get(key, defaults[key]), cloud)
    if "cross_cloud_pre_shared_keys" not in hv:
        problems.add(name, "cross_cloud_pre_shared_keys", "is missing",
                     "give four keys (one per AWS tunnel) from a vault")
    else:
        f.pre_shared_keys(problems, name, "cross_cloud_pre_shared_keys", hv["cross_cloud_pre_shared_keys"])
    return net, inside


def _azure(problems, name, hv, ctx):
    d = AZURE_DEFAULTS
    net, inside = _common_remote(problems, name, hv, "azure", d)
    f.azure_location(problems, name, "cross_cloud_azure_location", hv.get("cross_cloud_azure_location"))
    rg = f.azure_resource_group(problems, name, "cross_cloud_azure_resource_group",
                                hv.get("cross_cloud_azure_resource_group"))
    vnet_rg = hv.get("cross_cloud_azure_vnet_resource_group") or rg
    if hv.get("cross_cloud_azure_vnet_resource_group"):
        f.azure_resource_group(problems, name, "cross_cloud_azure_vnet_resource_group", vnet_rg)
    vnet = hv.get("cross_cloud_azure_vnet") or name
    origin = "" if hv.get("cross_cloud_azure_vnet") else "the inventory host name"
    f.azure_name(problems, name, "cross_cloud_azure_vnet", vnet, 64, origin)
    names = {}
    for key, suffix in (("gateway_name", "-vpngw"), ("route_table", "-aws-endpoints"), ("dns_resolver", "-dnspr"),
                        ("ruleset", "-aws-services")):
        full = f"cross_cloud_azure_{key}"
        value = hv.get(full) or f"{vnet}{suffix}"
        names[key] = f.azure_name(problems, name, full, value, 80, "" if hv.get(full) else "cross_cloud_azure_vnet")
    _choice(problems, name, "cross_cloud_azure_sku", hv, d, AZURE_SKUS)
    _choice(problems, name, "cross_cloud_azure_stage", hv, d, ("gateway", "connect", "all"))
    _choice(problems, name, "cross_cloud_azure_state", hv, d, ("present", "absent"))
    for key, item_keys in (("cross_cloud_azure_route_subnets", ("name",)),
                           ("cross_cloud_azure_linked_vnets", ("name", "resource_group"))):
        items = hv.get(key) or []
        if not isinstance(items, list) or not all(isinstance(i, dict) and all(i.get(k) for k in item_keys)
                                                  for i in items):
            problems.add(name, key, "is not a list of mappings with " + " and ".join(item_keys),
                         f"list items such as {{{', '.join(k + ': ...' for k in item_keys)}}}")
    aws_host = _aws_host(problems, name, "cross_cloud_azure_aws_host", hv, ctx["aws_hosts"])
    region = ctx["aws_regions"].get(aws_host)
    asn = f.asn(problems, name, "cross_cloud_azure_asn", hv.get("cross_cloud_azure_asn", d["cross_cloud_azure_asn"]),
                "azure", region)
    f.peer_asns(problems, name, "cross_cloud_azure_asn", asn, ctx["transit_asns"].get(region), "azure")
    if rg:
        key = (str(vnet_rg).lower(), vnet.lower())
        ctx["claim"]("VNet", key, name, "cross_cloud_azure_vnet", f"{vnet_rg}/{vnet}")
        for kind, value in names.items():
            if value:
                ctx["claim"](f"Azure {kind.replace('_', ' ')}", (rg.lower(), value.lower()), name,
                             f"cross_cloud_azure_{kind}", f"{rg}/{value}")
    return net, inside, aws_host


def _gcp(problems, name, hv, ctx):
    d = GCP_DEFAULTS
    net, inside = _common_remote(problems, name, hv, "gcp", d)
    region = f.gcp_region(problems, name, "cross_cloud_gcp_region", hv.get("cross_cloud_gcp_region"))
    project = hv.get("cross_cloud_gcp_project") or ""
    if project:
        f.gcp_project(problems, name, "cross_cloud_gcp_project", project)
    network = hv.get("cross_cloud_gcp_network") or name
    f.gcp_name(problems, name, "cross_cloud_gcp_network", network,
               "" if hv.get("cross_cloud_gcp_network") else "the inventory host name")
    gateway = hv.get("cross_cloud_gcp_gateway_name") or f"{network}-aws"
    router = hv.get("cross_cloud_gcp_router_name") or f"{gateway}-router"
    ok = f.gcp_name(problems, name, "cross_cloud_gcp_gateway_name", gateway,
                    "" if hv.get("cross_cloud_gcp_gateway_name") else "cross_cloud_gcp_network")
    if ok and len(gateway) > GCP_TUNNEL_PREFIX_MAX:
        problems.add(name, "cross_cloud_gcp_gateway_name", f"= {gateway!r} is longer than {GCP_TUNNEL_PREFIX_MAX} "
                     "characters, too long for its tunnel names (<gateway>-<k>-<j>, peers append -bgp)",
                     "set a shorter cross_cloud_gcp_gateway_name")
    f.gcp_name(problems, name, "cross_cloud_gcp_router_name", router,
               "" if hv.get("cross_cloud_gcp_router_name") else "cross_cloud_gcp_gateway_name")
    for i, other in enumerate(hv.get("cross_cloud_gcp_dns_networks") or []):
        f.gcp_name(problems, name, f"cross_cloud_gcp_dns_networks[{i}]", other)
    _choice(problems, name, "cross_cloud_gcp_stage", hv, d, ("gateway", "connect", "all"))
    _choice(problems, name, "cross_cloud_gcp_state", hv, d, ("present", "absent"))
    advertised = []
    ranges = hv.get("cross_cloud_gcp_advertised_ranges")
    for i, value in enumerate(ranges if isinstance(ranges, list) else []):
        adv = f.cidr(problems, name, f"cross_cloud_gcp_advertised_ranges[{i}]", value)
        if adv:
            advertised.append(adv)
    aws_host = _aws_host(problems, name, "cross_cloud_gcp_aws_host", hv, ctx["aws_hosts"])
    aws_region = ctx["aws_regions"].get(aws_host)
    asn = f.asn(problems, name, "cross_cloud_gcp_asn", hv.get("cross_cloud_gcp_asn", d["cross_cloud_gcp_asn"]), "gcp")
    f.peer_asns(problems, name, "cross_cloud_gcp_asn", asn, ctx["transit_asns"].get(aws_region), "gcp")
    scope = project or "(GCP_PROJECT)"
    ctx["claim"]("GCP network", (scope, network), name, "cross_cloud_gcp_network", f"{scope}/{network}")
    if region:
        for kind, value in (("gateway", gateway), ("router", router)):
            ctx["claim"](f"GCP {kind}", (scope, region, value), name, f"cross_cloud_gcp_{kind}_name",
                         f"{scope}/{region}/{value}")
    return net, inside, aws_host, advertised


def _aws_side(problems, name, hv, services, remote_names, extra_services):
    f.role_arn(problems, name, "cross_cloud_aws_assume_role_arn", hv.get("cross_cloud_aws_assume_role_arn"))
    svc_cidr = services["cidr"] if services else None
    subnets = hv.get("cross_cloud_aws_resolver_subnet_names")
    if subnets is None:
        subnets = [s.get("name") for s in hv.get("services_vpc_endpoint_subnets") or [] if isinstance(s, dict)]
    if not isinstance(subnets, list) or len(subnets) < 2:
        problems.add(name, "cross_cloud_aws_resolver_subnet_names", f"= {subnets!r} names fewer than two subnets",
                     "name at least two subnets of the services VPC (a Route 53 Resolver endpoint needs two IPs)")
    ips = hv.get("cross_cloud_aws_resolver_ips") or []
    if ips and isinstance(subnets, list) and len(ips) != len(subnets):
        problems.add(name, "cross_cloud_aws_resolver_ips", f"has {len(ips)} addresses for {len(subnets)} subnets",
                     "give one address per resolver subnet, in order, or none")
    for i, ip in enumerate(ips if isinstance(ips, list) else []):
        try:
            addr = ipaddress.ip_address(str(ip))
        except ValueError:
            problems.add(name, f"cross_cloud_aws_resolver_ips[{i}]", f"= {ip!r} is not an IP address",
                         "use an address of the resolver subnet, e.g. 10.100.0.10")
            continue
        if svc_cidr and addr not in svc_cidr:
            problems.add(name, f"cross_cloud_aws_resolver_ips[{i}]", f"= {ip} is outside the services VPC {svc_cidr}",
                         "use an address of the resolver subnet")
    prefixes = hv.get("cross_cloud_aws_endpoint_prefixes")
    for i, value in enumerate(prefixes if isinstance(prefixes, list) else []):
        net = f.cidr(problems, name, f"cross_cloud_aws_endpoint_prefixes[{i}]", value)
        if net and svc_cidr and not (net.version == svc_cidr.version and net.subnet_of(svc_cidr)):
            problems.add(name, f"cross_cloud_aws_endpoint_prefixes[{i}]", f"= {net} is outside the services VPC "
                         f"{svc_cidr}", "advertise only prefixes of the services VPC's endpoint subnets")
    known = set(extra_services or ())
    for i, svc in enumerate(hv.get("cross_cloud_aws_forward_services") or []):
        if svc not in INTERFACE_SERVICES | known:
            problems.add(name, f"cross_cloud_aws_forward_services[{i}]", f"= {svc!r} is not a known AWS service",
                         "use short names such as s3 or lambda, or add it to cloudnet_extra_aws_services")
    remotes = hv.get("cross_cloud_aws_remote_hosts")
    if remotes is None:
        return sorted(remote_names)
    out = []
    for i, remote in enumerate(remotes if isinstance(remotes, list) else []):
        if remote not in remote_names:
            problems.add(name, f"cross_cloud_aws_remote_hosts[{i}]", f"= {remote!r} is not a host of azure_spokes or "
                         "gcp_spokes", "name the remote networks' inventory hosts")
        else:
            out.append(remote)
    return out


def validate_cross_cloud(problems, azure_hosts, gcp_hosts, aws_hosts, regions, services_by_region, transit_asns,
                         claim, extra_services=()) -> dict:
    """Check the cross-cloud hosts. ``aws_hosts``: ``[(name, vars)]``; ``regions``: the AWS region of each
    aws_cross_cloud host; ``claim(kind, key, host, field, shown)`` records a name a host claims (duplicates).

    Returns ``{"networks": [(host, cidr, label)], "advertised": [(host, cidr)]}`` for the overlap checks, and
    ``"links"``: ``{remote host: {"aws_host", "region", "ranges"}}`` for every remote network an aws_cross_cloud host
    links (``ranges``: what it announces to AWS, its cross_cloud_cidr and, for GCP, its advertised ranges).
    """
    ctx = {"aws_hosts": [n for n, _hv in aws_hosts], "aws_regions": regions, "transit_asns": transit_asns,
           "claim": claim}
    out = {"networks": [], "advertised": [], "links": {}}
    ranges: dict = {}
    inside_by_region: dict = {}
    pairs = []
    for name, hv in azure_hosts:
        net, inside, aws_host = _azure(problems, name, hv, ctx)
        pairs.append((name, "cross_cloud_azure_tunnel_inside_cidrs", inside, aws_host))
        ranges[name] = [net] if net else []
        if net:
            out["networks"].append((name, net, "Azure VNet"))
    for name, hv in gcp_hosts:
        net, inside, aws_host, advertised = _gcp(problems, name, hv, ctx)
        pairs.append((name, "cross_cloud_gcp_tunnel_inside_cidrs", inside, aws_host))
        ranges[name] = list(dict.fromkeys(([net] if net else []) + advertised))
        if net:
            out["networks"].append((name, net, "GCP network"))
        out["advertised"] += [(name, a) for a in advertised if not (net and a.version == net.version
                                                                    and a.subnet_of(net))]
    for name, field, inside, aws_host in pairs:
        region = regions.get(aws_host)
        if region is None:
            continue
        seen = inside_by_region.setdefault(region, {})
        for net in inside:
            if net in seen:
                problems.add(name, field, f"reuses {net}, already a tunnel of {seen[net]} on the transit gateway of "
                             f"{region}", "give every tunnel on one transit gateway its own /30")
            else:
                seen[net] = name
    remote_names = {n for n, _hv in azure_hosts} | {n for n, _hv in gcp_hosts}
    linked: dict = {}
    for name, hv in aws_hosts:
        region = regions.get(name)
        if region and region not in services_by_region:
            problems.add(name, "cross_cloud_aws_region", f"= {region} has no services VPC",
                         "declare a services VPC in that region, or set cross_cloud_aws_region")
        if region and region not in transit_asns:
            problems.add(name, "cross_cloud_aws_region", f"= {region} has no transit gateway",
                         "declare a transit host (group aws_transit) in that region")
        for remote in _aws_side(problems, name, hv, services_by_region.get(region), remote_names, extra_services):
            if remote in linked:
                problems.add(name, "cross_cloud_aws_remote_hosts", f"links {remote}, which {linked[remote]} links too",
                             "link each remote network from one aws_cross_cloud host "
                             "(set cross_cloud_aws_remote_hosts)")
            linked.setdefault(remote, name)
    for remote, aws_host in linked.items():
        out["links"][remote] = {"aws_host": aws_host, "region": regions.get(aws_host), "ranges": ranges.get(remote, [])}
    for name, field, _inside, aws_host in pairs:
        if aws_host and name not in linked:
            problems.add(name, field.replace("tunnel_inside_cidrs", "aws_host"), f"= {aws_host}, whose "
                         "cross_cloud_aws_remote_hosts leaves this network out, so no VPN would be built for it",
                         f"add {name} to cross_cloud_aws_remote_hosts of {aws_host}")
        elif aws_host and linked[name] != aws_host:
            problems.add(name, field.replace("tunnel_inside_cidrs", "aws_host"), f"= {aws_host}, but {linked[name]} "
                         "builds its VPNs", f"set it to {linked[name]} or move the network to {aws_host}'s "
                         "cross_cloud_aws_remote_hosts")
    return out
