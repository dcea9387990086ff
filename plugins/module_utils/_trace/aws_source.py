# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trace from an AWS VPC: source, DNS answer, the source subnet's route, the attachment, then the transit.

``spoke`` reads the source VPC's account, ``hub`` the account of the transit gateway, services VPC and zones
(the same reader when one account holds both). Readers are ``_aws/trace_state.AwsTraceState`` or, in unit
tests, fakes with the same methods.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import dns, routing, transit
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import (
    Trace,
    contains,
    dns_name,
    first_host,
    in_domain,
)


def _name_of(item: dict) -> str | None:
    return next((t["Value"] for t in item.get("Tags") or [] if t.get("Key") == "Name"), None)


def find_source(trace: Trace, spoke, src: dict) -> dict | None:
    """Resolve the source VPC, subnet and address; adds the ``source`` hop."""
    network, address, subnet_ref = src.get("network"), src.get("ip"), src.get("subnet")
    if address:
        trace.source["ip"] = address
    if network:
        vpcs = spoke.vpcs(vpc_ids=[network]) if network.startswith("vpc-") else spoke.vpcs(names=[network])
    else:
        vpcs = [v for v in [spoke.vpc_containing(address)] if v]
    if len(vpcs) != 1:
        what = f"no VPC {network or 'containing ' + str(address)}" if not vpcs else f"{len(vpcs)} VPCs named {network}"
        trace.add(
            "source",
            network or address,
            f"{what} in {spoke.region}",
            False,
            {},
            "name the source by VPC id (source.network=vpc-...) or give its address in the right region/account",
        )
        return None
    vpc = vpcs[0]
    cidrs = [
        a["CidrBlock"]
        for a in vpc.get("CidrBlockAssociationSet") or []
        if a.get("CidrBlockState", {}).get("State", "associated") == "associated"
    ] or [vpc["CidrBlock"]]
    subnets = sorted(spoke.subnets(vpc["VpcId"]), key=lambda s: (s.get("AvailabilityZone", ""), s["CidrBlock"]))
    if subnet_ref:
        subnet = next((s for s in subnets if subnet_ref in (s["SubnetId"], _name_of(s))), None)
    elif address:
        subnet = next((s for s in subnets if contains(s["CidrBlock"], address)), None)
    else:
        subnet = subnets[0] if subnets else None
    if subnet is None:
        trace.add(
            "source",
            vpc["VpcId"],
            f"no subnet {subnet_ref or 'containing ' + str(address)} in {vpc['VpcId']}",
            False,
            {"cidrs": cidrs},
            "give source.ip inside one of the VPC's subnets, or source.subnet",
        )
        return None
    address = address or first_host(subnet["CidrBlock"])
    if not contains(subnet["CidrBlock"], address):
        trace.add(
            "source",
            subnet["SubnetId"],
            f"{address} is not in {subnet['SubnetId']} ({subnet['CidrBlock']})",
            False,
            {},
            "give an address of that subnet",
        )
        return None
    out = {
        "cloud": "aws",
        "vpc_id": vpc["VpcId"],
        "name": _name_of(vpc),
        "cidrs": cidrs,
        "subnet_id": subnet["SubnetId"],
        "subnet_cidr": subnet["CidrBlock"],
        "az": subnet.get("AvailabilityZone"),
        "az_id": subnet.get("AvailabilityZoneId"),
        "ip": address,
        "account": vpc.get("OwnerId"),
    }
    trace.source.update(out)
    trace.add(
        "source",
        f"{vpc['VpcId']} / {subnet['SubnetId']}",
        f"{address} in {subnet['SubnetId']} ({subnet['CidrBlock']}, {subnet.get('AvailabilityZone')}) of "
        f"{_name_of(vpc) or vpc['VpcId']}",
        True,
        out,
    )
    return out


def local_private_dns(spoke, vpc_id: str) -> list:
    """Interface endpoints of the VPC with private DNS on, with the private DNS names of their services."""
    out = []
    for ep in spoke.interface_endpoints(vpc_id):
        if ep.get("PrivateDnsEnabled") and str(ep.get("State", "")).lower() not in transit.GONE:
            out.append(
                {
                    "endpoint_id": ep["VpcEndpointId"],
                    "endpoint": ep,
                    "service_name": ep.get("ServiceName"),
                    "private_dns_names": spoke.endpoint_private_dns_names(ep.get("ServiceName")),
                }
            )
    return out


def answer_in_vpc(trace: Trace, spoke, hub, vpc_id: str, region: str, fqdn: str, ctx: dict) -> dict | None:
    """The ``dns`` hop: which resolver object answers ``fqdn`` in ``vpc_id``; returns the destination or None."""
    zones = [
        {
            "zone_id": z["HostedZoneId"],
            "name": dns_name(z["Name"]),
            "owner": (z.get("Owner") or {}).get("OwningAccount"),
        }
        for z in spoke.hosted_zones_for_vpc(vpc_id, region)
    ]
    result = dns.resolve(
        fqdn,
        zones,
        lambda zone: hub.records(zone["zone_id"]) or spoke.records(zone["zone_id"]),
        local_private_dns(spoke, vpc_id),
        spoke.resolver_rules_for_vpc(vpc_id),
    )
    kind = result["kind"]
    detail = {
        "answered_by": kind,
        "domain": result.get("domain"),
        "shadowed": [c.get("domain") for c in result.get("shadowed") or []],
    }
    host = ctx.get("source_host")
    central = ctx.get("central_zones", {}).get(fqdn) or next(
        (z for d, z in (ctx.get("central_zones") or {}).items() if d.startswith("*.") and fqdn.endswith(d[1:])), None
    )
    associate = (
        transit.run_site(
            host, "spoke", f"associate the central zone {central['name']} ({central['zone_id']}) with {vpc_id}"
        )
        if central
        else transit.run_site(
            ctx.get("services_host"),
            "endpoint_dns",
            f"create the private zone for {fqdn}, then associate it with the spoke",
        )
    )
    if kind == "public":
        gateway = gateway_endpoint_for(spoke, vpc_id, region, fqdn)
        if gateway is not None:
            trace.add(
                "dns",
                vpc_id,
                f"{fqdn} resolves to the public addresses of {gateway['ServiceName']}; this VPC's "
                f"gateway endpoint {gateway['VpcEndpointId']} carries them",
                True,
                dict(detail, endpoint_id=gateway["VpcEndpointId"]),
            )
            return {"gateway": gateway, "reader": spoke}
        trace.add(
            "dns",
            vpc_id,
            f"no private zone, rule or endpoint answers {fqdn} in {vpc_id}: it resolves to the "
            "public service addresses (the path leaves the private network)",
            False,
            detail,
            associate,
        )
        return None
    if kind == "forwarded":
        rule = result["rule"]
        trace.add(
            "dns",
            rule.get("rule_id"),
            f"resolver rule {rule.get('rule_id')} forwards {result['domain']} to "
            f"{', '.join(rule.get('targets') or [])}; the answer comes from outside the VPC",
            False,
            dict(detail, targets=rule.get("targets")),
            f"disassociate resolver rule {rule.get('rule_id')} from {vpc_id} (or add a SYSTEM rule for "
            f"{fqdn}) so the central private zone answers",
        )
        return None
    if kind == "nxdomain":
        zone = result["zone"]
        trace.add(
            "dns",
            f"{zone['name']} ({zone['zone_id']})",
            f"private zone {zone['name']} answers the domain but has no record for {fqdn} (NXDOMAIN)",
            False,
            detail,
            transit.run_site(ctx.get("services_host"), "endpoint_dns", f"restore the alias record {fqdn}"),
        )
        return None
    if kind == "endpoint":
        ep = result["endpoint"]["endpoint"]
        trace.notes.append(
            f"{fqdn} is answered by {ep['VpcEndpointId']} in the source VPC (private DNS on), not by "
            "the central endpoint; the governance audit reports it as a duplicate"
        )
        trace.add(
            "dns",
            ep["VpcEndpointId"],
            f"{fqdn} is answered in {vpc_id} by its own endpoint "
            f"{ep['VpcEndpointId']} (private DNS on, AWS-managed zone), not by a central zone",
            True,
            dict(detail, endpoint_id=ep["VpcEndpointId"]),
        )
        return {"endpoint": ep, "reader": spoke}
    zone, record = result["zone"], result["record"]
    detail.update(zone_id=zone["zone_id"], record=record)
    if record["type"] == "CNAME":
        trace.add(
            "dns",
            f"{zone['name']} ({zone['zone_id']})",
            f"{record['name']} is a CNAME to "
            f"{', '.join(record['values'])}; the trace follows aliases and A records only",
            False,
            detail,
            f"use an alias record to the endpoint for {fqdn}",
        )
        return None
    if record["alias_target"]:
        ep, zonal = hub.endpoint_by_dns_name(record["alias_target"])
        if ep is None:
            trace.add(
                "dns",
                f"{zone['name']} ({zone['zone_id']})",
                f"{record['name']} aliases {record['alias_target']}, which is no endpoint's DNS name (dangling alias)",
                False,
                detail,
                transit.run_site(ctx.get("services_host"), "endpoint_dns", "point the alias at the live endpoint"),
            )
            return None
        trace.add(
            "dns",
            f"{zone['name']} ({zone['zone_id']})",
            f"{record['name']} -> alias {record['alias_target']} (endpoint {ep['VpcEndpointId']})",
            True,
            dict(detail, endpoint_id=ep["VpcEndpointId"]),
        )
        return {"endpoint": ep, "reader": hub, "az": zonal}
    addresses = [v for v in record["values"] if v]
    trace.add(
        "dns",
        f"{zone['name']} ({zone['zone_id']})",
        f"{record['name']} A {', '.join(addresses)}",
        bool(addresses),
        detail,
        "the record has no address",
    )
    return {"addresses": addresses, "reader": hub} if addresses else None


def gateway_endpoint_for(spoke, vpc_id: str, region: str, fqdn: str):
    """A gateway endpoint (S3, DynamoDB) of the VPC whose service domain holds ``fqdn``."""
    for ep in spoke.gateway_endpoints(vpc_id):
        short = (ep.get("ServiceName") or "").rsplit(".", 1)[-1]
        if in_domain(fqdn, f"{short}.{region}.amazonaws.com") and str(ep.get("State", "")).lower() not in transit.GONE:
            return ep
    return None


def gateway_route(trace: Trace, spoke, source: dict, gateway: dict) -> bool:
    """``route:source`` for a gateway endpoint: the subnet's table must hold the endpoint's prefix-list route."""
    table = routing.route_table_of_subnet(spoke.route_tables(source["vpc_id"]), source["subnet_id"])
    resource = (table or {}).get("RouteTableId") or source["subnet_id"]
    routes = [
        r
        for r in (table or {}).get("Routes") or []
        if gateway["VpcEndpointId"] in (r.get("GatewayId"), r.get("VpcEndpointId"))
    ]
    if routes:
        return trace.add(
            "route:source",
            resource,
            f"{routes[0].get('DestinationPrefixListId')} -> {gateway['VpcEndpointId']} (gateway endpoint)",
            True,
            {"route_table_id": resource},
        )
    return trace.add(
        "route:source",
        resource,
        f"{resource} is not a route table of gateway endpoint "
        f"{gateway['VpcEndpointId']}, so the public addresses leave through the default route",
        False,
        {"route_table_id": resource},
        f"add {resource} to the route tables of {gateway['VpcEndpointId']}, or use the central "
        "interface endpoint (remove the service from spoke_exclude_zones_for)",
    )


def pick_destination(trace: Trace, found: dict, source: dict, reader_for) -> dict | None:
    """The endpoint interface the client connects to: the one in the source's zone when there is one."""
    reader = found["reader"]
    ep = found.get("endpoint")
    if ep is None:
        for address in found.get("addresses") or []:
            eni = reader.eni_by_ip(address) or reader_for("spoke").eni_by_ip(address)
            if eni:
                ep = reader.endpoint_of_eni(eni)
                break
    enis = reader.network_interfaces((ep or {}).get("NetworkInterfaceIds") or []) if ep else []
    if not enis and found.get("addresses"):
        trace.destination.update({"ip": found["addresses"][0], "addresses": found["addresses"], "endpoint": None})
        return None
    if not enis:
        trace.add(
            "endpoint",
            (ep or {}).get("VpcEndpointId"),
            "the endpoint has no network interface (no subnet)",
            False,
            {},
            "give the endpoint a subnet in each zone (services_vpc_endpoint_subnets)",
        )
        return None
    zone = found.get("az") or source.get("az")
    zone_id = source.get("az_id")
    subnets = {s["SubnetId"]: s for s in reader.subnets(ep["VpcId"])}

    def same_zone(eni):
        sub = subnets.get(eni.get("SubnetId"), {})
        if found.get("az"):
            return eni.get("AvailabilityZone") == found["az"]
        return (zone_id and sub.get("AvailabilityZoneId") == zone_id) or eni.get("AvailabilityZone") == zone

    chosen = next((e for e in enis if same_zone(e)), enis[0])
    dest = {
        "ip": chosen["PrivateIpAddress"],
        "addresses": [e["PrivateIpAddress"] for e in enis],
        "endpoint_id": ep["VpcEndpointId"],
        "eni_id": chosen["NetworkInterfaceId"],
        "subnet_id": chosen["SubnetId"],
        "vpc_id": ep["VpcId"],
        "az": chosen.get("AvailabilityZone"),
        "service_name": ep.get("ServiceName"),
        "group_ids": [g["GroupId"] for g in chosen.get("Groups") or []],
        "endpoint": ep,
    }
    trace.destination.update({k: v for k, v in dest.items() if k != "endpoint"})
    return dest


def source_route(trace: Trace, spoke, source: dict, dest_ip: str, local: bool, ctx: dict) -> str | None:
    """``route:source``: the route the source subnet uses; returns the transit gateway id (or 'local')."""
    table = routing.route_table_of_subnet(spoke.route_tables(source["vpc_id"]), source["subnet_id"])
    resource = (table or {}).get("RouteTableId") or source["subnet_id"]
    choice = routing.select_vpc_route((table or {}).get("Routes"), dest_ip, spoke.prefix_list_map(table))
    fix = transit.run_site(
        ctx.get("source_host"),
        "spoke",
        "send the endpoint prefix list to the transit gateway from every route table of the spoke",
    )
    if choice is None:
        trace.add("route:source", resource, f"no route to {dest_ip}", False, {"route_table_id": resource}, fix)
        return None
    text = routing.describe_vpc_route(choice)
    detail = {"route_table_id": resource, "route": text, "prefix_list_id": choice.get("via_prefix_list")}
    target = choice["target"] or ""
    if local:
        ok = target == "local"
        trace.add("route:source", resource, f"{dest_ip} is in the VPC: {text}", ok, detail, "restore the local route")
        return "local" if ok else None
    if choice["state"] == "blackhole":
        trace.add("route:source", resource, f"{text}: the target is gone", False, detail, fix)
        return None
    if not target.startswith("tgw-"):
        kind = {
            "igw": "the internet gateway",
            "nat": "a NAT gateway",
            "pcx": "a peering connection",
            "local": "the VPC itself",
        }.get(target.split("-")[0], target)
        trace.add(
            "route:source",
            resource,
            f"{text}: traffic to {dest_ip} goes to {kind}, not the transit gateway",
            False,
            detail,
            fix,
        )
        return None
    if ctx.get("tgw_id") and target != ctx["tgw_id"]:
        trace.add("route:source", resource, f"{text}: another transit gateway than {ctx['tgw_id']}", False, detail, fix)
        return None
    trace.add("route:source", resource, text, True, detail)
    return target


def attachment(trace: Trace, spoke, hub, source: dict, tgw_id: str, ctx: dict) -> dict | None:
    """``transit:attachment``: the source VPC is attached, and in the source's zone."""
    atts = [
        a
        for a in spoke.tgw_vpc_attachments(source["vpc_id"])
        if a.get("TransitGatewayId") == tgw_id and transit.live(a)
    ]
    fix = transit.run_site(ctx.get("source_host"), "spoke", f"attach {source['vpc_id']} to {tgw_id}")
    if not atts:
        trace.add(
            "transit:attachment", source["vpc_id"], f"{source['vpc_id']} has no attachment to {tgw_id}", False, {}, fix
        )
        return None
    att = atts[0]
    subnets = {s["SubnetId"]: s for s in spoke.subnets(source["vpc_id"])}
    zones = sorted({subnets.get(s, {}).get("AvailabilityZone") for s in att.get("SubnetIds") or []} - {None})
    state = att.get("State")
    ok = state == "available" and (source.get("az") in zones or not source.get("az"))
    decision = f"{att['TransitGatewayAttachmentId']} is {state}, subnets in {', '.join(zones) or 'no zone'}"
    if state == "available" and not ok:
        decision += f"; none in {source['az']}, so AWS drops traffic from that zone"
        fix = f"add a subnet of {source['az']} to the attachment (spoke_attachment_subnet_ids), then run site.yml" + (
            f" --limit {ctx['source_host']}" if ctx.get("source_host") else ""
        )
    trace.add(
        "transit:attachment", att["TransitGatewayAttachmentId"], decision, ok, {"state": state, "zones": zones}, fix
    )
    return att if ok else None
