# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of the ``inspection`` hosts, and of spokes declared both inspected and not.

The inspection role (roles/inspection) steers one transit gateway per region: the spokes of
``inspection_spokes`` (default every spoke of ``inspection_region`` with a ``spoke_cidr``) go through the
firewall in both directions, to the ``inspection_destinations`` (default the services VPC CIDR), and the
return path is steered per spoke to the spoke's CIDR. A spoke is therefore inspected one way and not the
other, or inspected by one host and not by another, when two inspection hosts steer the same transit gateway,
when a host lists a spoke of another region (whose transit gateway it does not steer), or when the
destinations leave an endpoint subnet out (its traffic goes direct while its answers are steered back).

Remote networks (hosts of ``azure_spokes`` / ``gcp_spokes``) are inspected when ``inspection_remote_networks``
names them (``true``: every remote network linked to the host's transit gateway). Their VPN attachments are then
associated with the table that steers the forward path and their ranges steered back from the services table.
A remote network is inspected one way only when its VPN attachments sit in a steered spokes table without being
declared (every spoke inspected: ``<transit>-spokes`` is steered), or when the destinations leave out a prefix the
remote clouds route to the VPN; it is declared inspected and never is when it is not linked to the host's transit
gateway at all (no cross-cloud link, or a link to another region).
"""

from __future__ import annotations

import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common import topology_fields as f

ENGINES = ("network_firewall", "gateway_load_balancer")
GWLB_SERVICE_RE = re.compile(r"^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$")
PORT_RE = re.compile(r"^(\d{1,5})(:(\d{1,5}))?$")


def _ports(problems, name, values):
    if not isinstance(values, list):
        problems.add(name, "inspection_ports", f"= {values!r} is not a list", 'list ports such as ["443"]')
        return
    for i, port in enumerate(values):
        m = PORT_RE.match(str(port))
        if not m or not all(0 < int(p) < 65536 for p in (m.group(1), m.group(3)) if p) or (
                m.group(3) and int(m.group(3)) < int(m.group(1))):
            problems.add(name, f"inspection_ports[{i}]", f"= {port!r} is not a port or port range",
                         'use a port such as "443" or a range such as "8000:8100" (1-65535)')


def _subnets(problems, name, hv, vpc):
    fw = hv.get("inspection_firewall_subnets")
    att = hv.get("inspection_attachment_subnets")
    nets = []
    for key, subnets in (("inspection_firewall_subnets", fw), ("inspection_attachment_subnets", att)):
        if not subnets:
            problems.add(name, key, "is empty",
                         "declare one subnet (name, cidr, availability_zone) per availability zone")
            continue
        nets += f.subnets_inside(problems, name, key, subnets, vpc, zones_required=True,
                                 parent_field="inspection_vpc_cidr")
    for a in range(len(nets)):
        for b in range(a + 1, len(nets)):
            if nets[a].overlaps(nets[b]) and nets[a] != nets[b]:
                problems.add(name, "inspection_*_subnets", f"{nets[a]} and {nets[b]} overlap",
                             "give every firewall and attachment subnet its own range")
    if isinstance(fw, list) and isinstance(att, list):
        fw_zones = [s.get("availability_zone") for s in fw if isinstance(s, dict)]
        att_zones = [s.get("availability_zone") for s in att if isinstance(s, dict)]
        if len(set(fw_zones)) != len(fw_zones):
            problems.add(name, "inspection_firewall_subnets", "names an availability zone twice",
                         "declare one firewall subnet per availability zone")
        if att and sorted(att_zones) != sorted(fw_zones):
            problems.add(name, "inspection_attachment_subnets", f"zones {sorted(att_zones)} differ from the firewall "
                         f"subnets' {sorted(fw_zones)}", "declare one attachment subnet in each firewall subnet's zone")


def _destinations(problems, name, hv, services):
    values = hv.get("inspection_destinations") or []
    if not isinstance(values, list):
        problems.add(name, "inspection_destinations", f"= {values!r} is not a list",
                     "list CIDRs of the services VPC, or leave it empty for the services VPC CIDR")
        return None
    if not values or not services:
        return None
    nets = []
    for i, value in enumerate(values):
        net = f.cidr(problems, name, f"inspection_destinations[{i}]", value)
        if net is None:
            continue
        if services["cidr"] and not (net.version == services["cidr"].version and net.subnet_of(services["cidr"])):
            problems.add(name, f"inspection_destinations[{i}]", f"= {net} is outside services VPC {services['name']} "
                         f"({services['cidr']})", "steer only destinations inside the services VPC")
            continue
        nets.append(net)
    for subnet in services["endpoint_subnets"]:
        if not any(subnet.version == n.version and subnet.subnet_of(n) for n in nets):
            problems.add(name, "inspection_destinations",
                         f"leaves endpoint subnet {subnet} of {services['name']} out, so the inspected spokes would "
                         "reach its endpoints directly while the answers are steered through the firewall "
                         "(inspected one way and not the other)",
                         f"add {subnet} (or the services VPC CIDR) to inspection_destinations, or leave it empty")
    return nets


def _inspected(problems, name, region, hv, spokes) -> set:
    """The spokes this host inspects; problems for names it cannot inspect."""
    default = {s for s, info in spokes.items() if info["region"] == region and info["has_cidr"]}
    if "inspection_spokes" not in hv:
        return default
    listed = hv.get("inspection_spokes")
    if not isinstance(listed, list):
        problems.add(name, "inspection_spokes", f"= {listed!r} is not a list",
                     "list inventory host names of aws_spokes, or leave it unset for every spoke of the region")
        return default
    out = set()
    for i, spoke in enumerate(listed):
        info = spokes.get(spoke)
        field = f"inspection_spokes[{i}]"
        if info is None:
            problems.add(name, field, f"= {spoke!r} is not a host of aws_spokes",
                         "name a spoke of the inventory (its inventory host name)")
        elif info["region"] != region:
            problems.add(name, field, f"= {spoke} is a spoke of {info['region']}, but this host inspects the transit "
                         f"gateway of {region}, so the spoke would be declared inspected and never be",
                         f"declare an inspection host with inspection_region {info['region']} for it, or remove it")
        elif not info["has_cidr"]:
            problems.add(name, field, f"= {spoke} has no spoke_cidr", "declare spoke_cidr on that spoke")
        else:
            out.add(spoke)
    return out


def validate_inspection(problems, hosts, spokes, services_by_region, transit_regions, default_region) -> tuple:
    """Check the inspection hosts; return ``([(host, vpc_cidr, region, vpc_name_or_None)], plans)`` for cross
    checks, ``plans`` being ``{host: {"region", "shared", "destinations"}}`` (``shared``: every spoke of the region
    is inspected, so the shared spokes table is steered; ``destinations``: the declared ones, None for the
    services VPC CIDR).

    ``spokes``: ``{name: {"region", "has_cidr"}}``; ``services_by_region``: ``{region: {"name", "cidr",
    "endpoint_subnets"}}``.
    """
    networks = []
    plans: dict = {}
    by_region: dict = {}
    for name, hv in hosts:
        region = f.aws_region(problems, name, "inspection_region", hv.get("inspection_region") or default_region)
        f.role_arn(problems, name, "inspection_assume_role_arn", hv.get("inspection_assume_role_arn"))
        vpc = None
        if not hv.get("inspection_vpc_cidr"):
            problems.add(name, "inspection_vpc_cidr", "is missing",
                         "declare the inspection VPC's CIDR (from your IPAM)")
        else:
            vpc = f.cidr(problems, name, "inspection_vpc_cidr", hv["inspection_vpc_cidr"])
        _subnets(problems, name, hv, vpc)
        engine = hv.get("inspection_engine", "network_firewall")
        if engine not in ENGINES:
            problems.add(name, "inspection_engine", f"= {engine!r} is unknown", f"use one of {', '.join(ENGINES)}")
        elif engine == "gateway_load_balancer":
            svc = str(hv.get("inspection_gwlb_service_name") or "")
            m = GWLB_SERVICE_RE.match(svc)
            if not m:
                problems.add(name, "inspection_gwlb_service_name", f"= {svc!r} is not an endpoint service name",
                             "give the NGFW fleet's service, com.amazonaws.vpce.<region>.vpce-svc-<17 hex>")
            elif region and m.group(1) != region:
                problems.add(name, "inspection_gwlb_service_name", f"is in {m.group(1)}, not {region}",
                             "use the fleet's endpoint service in the inspection region")
        if "inspection_ports" in hv:
            _ports(problems, name, hv["inspection_ports"])
        if hv.get("inspection_state", "present") not in ("present", "absent"):
            problems.add(name, "inspection_state", f"= {hv.get('inspection_state')!r} is unknown",
                         "use present or absent")
        if vpc:
            networks.append((name, vpc, region, hv.get("inspection_vpc_name")))
        if not region:
            continue
        if region not in transit_regions:
            problems.add(name, "inspection_region", f"= {region} has no transit gateway",
                         "declare a transit host (group aws_transit) in that region")
        if region not in services_by_region:
            problems.add(name, "inspection_region", f"= {region} has no services VPC",
                         "declare a services VPC (group aws_services_vpc) in that region")
        destinations = _destinations(problems, name, hv, services_by_region.get(region))
        inspected = _inspected(problems, name, region, hv, spokes)
        region_spokes = {s for s, info in spokes.items() if info["region"] == region and info["has_cidr"]}
        plans[name] = {"region": region, "shared": inspected == region_spokes, "destinations": destinations}
        by_region.setdefault(region, []).append((name, inspected))
    for region, declared in sorted(by_region.items()):
        if len(declared) < 2:
            continue
        names = [n for n, _s in declared]
        for name in names[1:]:
            problems.add(name, "inspection_region", f"= {region} is already inspected by {names[0]}",
                         "declare one inspection host per transit gateway (region)")
        for spoke in sorted(set().union(*(s for _n, s in declared))):
            by = [n for n, s in declared if spoke in s]
            not_by = [n for n, s in declared if spoke not in s]
            if not_by:
                problems.add(spoke, "inspection", f"is declared by {', '.join(by)} and not by {', '.join(not_by)} "
                             f"(all steer the transit gateway of {region}), so the spoke is both inspected and not",
                             "keep one inspection host per region and list the spoke in its inspection_spokes, "
                             "or in none")
    return networks, plans


def _remote_value(problems, name, hv):
    """``inspection_remote_networks`` as True, or a list of host names (``[]`` when not declared)."""
    value = hv.get("inspection_remote_networks", False)
    if isinstance(value, str) and value.strip().lower() in ("true", "yes", "false", "no"):
        value = value.strip().lower() in ("true", "yes")
    if value is True:
        return True
    if value is False or value is None:
        return []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    problems.add(name, "inspection_remote_networks", f"= {value!r} is neither true, false nor a list of host names",
                 "set true (every Azure VNet and GCP network linked to this transit gateway), or list hosts of "
                 "azure_spokes / gcp_spokes")
    return []


def _remote_inspected(problems, name, region, value, links, remotes) -> list:
    """The remote networks a host inspects; problems for those it would declare inspected and never inspect."""
    linked_here = sorted(r for r, link in links.items() if link["region"] == region)
    if value is True:
        if not linked_here:
            problems.add(name, "inspection_remote_networks", f"= true, but no Azure VNet or GCP network is linked to "
                         f"the transit gateway of {region} (no cross-cloud link), so nothing would be inspected",
                         "link a remote network (hosts in azure_spokes / gcp_spokes and an aws_cross_cloud host of "
                         "that region), or remove inspection_remote_networks")
        return linked_here
    out = []
    for i, remote in enumerate(value):
        field = f"inspection_remote_networks[{i}]"
        link = links.get(remote)
        if remote not in remotes:
            problems.add(name, field, f"= {remote!r} is not a host of azure_spokes or gcp_spokes",
                         "name an Azure VNet or GCP network of the inventory (its inventory host name)")
        elif link is None:
            problems.add(name, field, f"= {remote} has no cross-cloud link (no aws_cross_cloud host builds its VPNs), "
                         "so it would be declared inspected and never be",
                         f"link it (cross_cloud_aws_remote_hosts of an aws_cross_cloud host of {region}), or remove it")
        elif link["region"] != region:
            problems.add(name, field, f"= {remote} is linked to the transit gateway of {link['region']} (through "
                         f"{link['aws_host']}), but this host inspects the transit gateway of {region}, so the "
                         "network would be declared inspected and never be",
                         f"declare an inspection host with inspection_region {link['region']} for it, or remove it")
        elif remote not in out:
            out.append(remote)
    return out


def _remote_prefixes(aws_hv) -> list:
    """``[(cidr text, what)]`` the remote clouds send to the VPN: endpoint prefixes and resolver subnets."""
    endpoint = [s for s in aws_hv.get("services_vpc_endpoint_subnets") or [] if isinstance(s, dict)]
    transit = [s for s in aws_hv.get("services_vpc_transit_subnets") or [] if isinstance(s, dict)]
    prefixes = aws_hv.get("cross_cloud_aws_endpoint_prefixes")
    if not isinstance(prefixes, list):
        prefixes = [s.get("cidr") for s in endpoint]
    out = [(p, "cross_cloud_aws_endpoint_prefixes") for p in prefixes]
    names = aws_hv.get("cross_cloud_aws_resolver_subnet_names")
    cidr_of = {s.get("name"): s.get("cidr") for s in endpoint + transit}
    for subnet in names if isinstance(names, list) else []:
        if cidr_of.get(subnet):
            out.append((cidr_of[subnet], f"resolver subnet {subnet}"))
    return out


def validate_remote_inspection(problems, topology, hosts, plans, remote_hosts, links, aws_sides,
                               services_by_region) -> None:
    """Remote networks are inspected both ways or not at all, and only where they are linked.

    ``hosts``: the inspection hosts ``[(name, vars)]``; ``plans``: what validate_inspection returned;
    ``remote_hosts``: every host of azure_spokes and gcp_spokes; ``links``: ``{remote: {"aws_host", "region",
    "ranges"}}`` of the linked ones (validate_cross_cloud); ``aws_sides``: ``{aws_cross_cloud host: vars}``.
    """
    for name, hv in hosts:
        plan = plans.get(name)
        if plan is None:
            continue
        region = plan["region"]
        value = _remote_value(problems, name, hv)
        inspected = _remote_inspected(problems, name, region, value, links, set(remote_hosts)) if value else []
        if plan["shared"]:
            transit = hv.get("inspection_transit_name") or f"{topology}-{region}"
            for remote in sorted(r for r, link in links.items() if link["region"] == region and r not in inspected):
                problems.add(name, "inspection_remote_networks",
                             f"leaves {remote} out, whose VPN attachments share {transit}-spokes with the inspected "
                             "spokes: its traffic to the services VPC would go through the firewall and the answers "
                             "around it (inspected one way and not the other)",
                             f"add {remote} to inspection_remote_networks (or set it to true), or list only some "
                             f"spokes in inspection_spokes so {transit}-spokes is not steered")
        destinations = plan["destinations"]
        if not inspected or not destinations:
            continue
        services = services_by_region.get(region) or {}
        reported = set(services.get("endpoint_subnets") or [])  # validate_inspection names those already
        for aws_host in sorted({links[r]["aws_host"] for r in inspected}):
            for value, what in _remote_prefixes(aws_sides.get(aws_host) or {}):
                net = f.cidr(f.Problems(), name, "", value)
                if net is None or net in reported:
                    continue
                if not any(net.version == d.version and net.subnet_of(d) for d in destinations):
                    reported.add(net)
                    problems.add(name, "inspection_destinations",
                                 f"leaves {net} ({what} of {aws_host}) out, so the inspected remote networks would "
                                 "reach it directly while the answers are steered through the firewall (inspected "
                                 "one way and not the other)",
                                 f"add {net} (or the services VPC CIDR) to inspection_destinations, or leave it empty")
