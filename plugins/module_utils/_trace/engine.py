# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Trace one source to one or more services: the order of the hops and what each needs from the last.

Forwarding hops (route, attachment, transit tables) stop at the first break: past it the packet goes nowhere.
The checks that depend only on the destination and the source address (return route, security group,
network ACLs, endpoint state) are still reported, so one run shows every problem on the path.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import aws_source, transit
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import Trace, dns_name


def service_target(service: str, catalog: list, region: str, port: int | None, protocol: str) -> dict:
    """``{name, service_name, fqdn, port, protocol}`` for a catalog name, an endpoint service name or a DNS name.

    Catalog and service names get their FQDN later, from the service's private DNS names (never derived).
    """
    text = (service or "").strip()
    if not text:
        raise ValidationError("service", service, "is empty", "give a catalog name such as ssm or a DNS name")
    entry = next((s for s in catalog or [] if text in (s.get("name"), s.get("service_name"))), None)
    if entry is not None:
        name = entry["name"]
        service_name = entry.get("service_name") or f"com.amazonaws.{region}.{name}"
        ports = entry.get("ports") or [443]
        return {
            "name": name,
            "service_name": service_name,
            "fqdn": None,
            "port": port or int(ports[0]),
            "protocol": protocol,
        }
    if text.startswith("com.amazonaws.") or "." not in text:
        service_name = text if text.startswith("com.amazonaws.") else f"com.amazonaws.{region}.{text}"
        return {"name": text, "service_name": service_name, "fqdn": None, "port": port or 443, "protocol": protocol}
    return {"name": text, "service_name": None, "fqdn": dns_name(text), "port": port or 443, "protocol": protocol}


def resolve_fqdn(trace: Trace, hub, target: dict) -> bool:
    if target["fqdn"]:
        return True
    names = [dns_name(n) for n in hub.endpoint_private_dns_names(target["service_name"])]
    plain = [n for n in names if not n.startswith("*.")]
    if not names:
        return trace.add(
            "dns",
            target["service_name"],
            f"{target['service_name']} publishes no private DNS name "
            "in this region (or is not an endpoint service here)",
            False,
            {},
            "trace a full DNS name instead, or check the service name and region",
        )
    target["fqdn"] = (plain or [names[0].removeprefix("*.")])[0]
    trace.service["fqdn"] = target["fqdn"]
    return True


def context(hub, request: dict, region: str) -> dict:
    """What every hop may need to judge or to word a fix: the central objects and the inventory hosts."""
    ctx = dict(request.get("hosts") or {})
    ctx["source_cloud"] = (request.get("source") or {}).get("cloud", "aws")
    ctx["source_group_ids"] = (request.get("source") or {}).get("security_group_ids") or []
    services = hub.vpcs(names=[request["services_vpc_name"]]) if request.get("services_vpc_name") else []
    ctx["services_vpc_id"] = services[0]["VpcId"] if len(services) == 1 else None
    inspection = hub.vpcs(names=[request["inspection_vpc_name"]]) if request.get("inspection_vpc_name") else []
    ctx["inspection_vpc_ids"] = [v["VpcId"] for v in inspection]
    zones = {}
    if ctx["services_vpc_id"]:
        for z in hub.hosted_zones_for_vpc(ctx["services_vpc_id"], region):
            zones[dns_name(z["Name"])] = {"zone_id": z["HostedZoneId"], "name": dns_name(z["Name"])}
    ctx["central_zones"] = zones
    if request.get("transit_name"):
        found = hub.transit_gateways(names=[request["transit_name"]])
        ctx["tgw_id"] = found[0]["TransitGatewayId"] if found else None
    return ctx


def destination_checks(
    trace: Trace,
    spoke,
    hub,
    source: dict,
    dest: dict,
    target: dict,
    ctx: dict,
    tgw_id: str | None,
    entry_id: str | None,
    back_to,
    expect_ids=(),
) -> None:
    """Return path, security group, network ACLs and the endpoint itself."""
    if tgw_id and dest["vpc_id"] != source.get("vpc_id"):
        if transit.services_return_route(trace, hub, dest, source["ip"], tgw_id, ctx):
            services_att = next(
                (
                    a
                    for a in hub.tgw_vpc_attachments(dest["vpc_id"])
                    if a.get("TransitGatewayId") == tgw_id and transit.live(a)
                ),
                None,
            )
            if services_att is None:
                trace.add(
                    "transit:return",
                    dest["vpc_id"],
                    f"the services VPC {dest['vpc_id']} is not attached to {tgw_id}",
                    False,
                    {},
                    transit.run_site(ctx.get("services_host"), "services_vpc", "attach the services VPC"),
                )
            else:
                transit.walk(
                    trace,
                    hub,
                    services_att["TransitGatewayAttachmentId"],
                    source["ip"],
                    back_to,
                    f"the source attachment {entry_id}",
                    ctx,
                    direction="return",
                    expect_ids=expect_ids,
                )
    transit.security_group(trace, hub, dest, source["ip"], target["port"], target["protocol"], ctx)
    if source.get("cloud") == "aws":
        transit.network_acls(trace, spoke, hub, source, dest, target["port"], target["protocol"])
    transit.endpoint(trace, dest, ctx)


def trace_aws(spoke, hub, request: dict, target: dict, ctx: dict) -> dict:
    src = dict(request.get("source") or {})
    trace = Trace(
        {"label": src.get("host") or src.get("network") or src.get("ip"), "cloud": "aws"},
        {k: target[k] for k in ("name", "fqdn", "port", "protocol")},
    )
    source = aws_source.find_source(trace, spoke, src)
    if source is None or not resolve_fqdn(trace, hub, target):
        return trace.result()
    found = aws_source.answer_in_vpc(trace, spoke, hub, source["vpc_id"], spoke.region, target["fqdn"], ctx)
    if found is None:
        return trace.result()
    if found.get("gateway"):
        gateway = found["gateway"]
        trace.destination.update(
            {
                "endpoint_id": gateway["VpcEndpointId"],
                "vpc_id": gateway["VpcId"],
                "service_name": gateway.get("ServiceName"),
                "type": "Gateway",
            }
        )
        aws_source.gateway_route(trace, spoke, source, gateway)
        transit.endpoint(trace, {"endpoint": gateway}, ctx)
        return trace.result()
    dest = aws_source.pick_destination(trace, found, source, lambda which: spoke)
    if dest is None:
        return trace.result()
    local = dest["vpc_id"] == source["vpc_id"]
    if not local and ctx.get("services_vpc_id") and dest["vpc_id"] != ctx["services_vpc_id"]:
        trace.notes.append(
            f"{target['fqdn']} resolves to {dest['endpoint_id']} in {dest['vpc_id']}, outside the "
            "designated services VPC"
        )
    tgw_id = aws_source.source_route(trace, spoke, source, dest["ip"], local, ctx)
    entry = None
    forward_ok = tgw_id is not None
    if forward_ok and not local:
        att = aws_source.attachment(trace, spoke, hub, source, tgw_id, ctx)
        entry = att["TransitGatewayAttachmentId"] if att else None
        forward_ok = entry is not None and transit.walk(
            trace,
            hub,
            entry,
            dest["ip"],
            transit.arrived_at_vpc(dest["vpc_id"]),
            f"the services VPC {dest['vpc_id']}",
            ctx,
        )
    if local:
        tgw_id = None
    if not forward_ok and not local and tgw_id is None:
        tgw_id = ctx.get("tgw_id")
    if entry is None and tgw_id and not local:
        found_att = next(
            (
                a
                for a in spoke.tgw_vpc_attachments(source["vpc_id"])
                if a.get("TransitGatewayId") == tgw_id and transit.live(a)
            ),
            None,
        )
        entry = (found_att or {}).get("TransitGatewayAttachmentId")
    back_to = transit.arrived_at_any([entry]) if entry else transit.arrived_at_vpc(source["vpc_id"])
    destination_checks(trace, spoke, hub, source, dest, target, ctx, tgw_id, entry, back_to)
    return trace.result()


def run(readers, request: dict) -> list:
    """One trace per service of ``request``; ``readers`` gives ``aws_spoke``, ``aws_hub`` (and remote readers)."""
    hub = readers["aws_hub"]
    ctx = context(hub, request, hub.region)
    out = []
    for service in request["services"]:
        target = service_target(
            service, request.get("catalog") or [], hub.region, request.get("port"), request.get("protocol") or "tcp"
        )
        cloud = (request.get("source") or {}).get("cloud", "aws")
        if cloud == "aws":
            out.append(trace_aws(readers["aws_spoke"], hub, request, target, dict(ctx)))
        else:
            from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import remote

            out.append(remote.trace_remote(readers, request, target, dict(ctx)))
    return out
