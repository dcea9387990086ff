# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The topology of one region as the report draws it: transit and its tables, services VPC and endpoints,
spokes, inspection, VPN links, flow logs and the path of every spoke to every catalog service.

Read-only: everything comes from ``AwsTraceState`` (shared with the path trace, so the paths and the
diagram are drawn from the same reads) plus the route table propagations and the flow logs.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import flow_log
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.trace_state import AwsTraceState

_GONE = ("deleted", "deleting", "failed", "rejected")


def _name(item: dict | None) -> str | None:
    return next((t["Value"] for t in (item or {}).get("Tags") or [] if t.get("Key") == "Name"), None)


def _vpc_view(vpc: dict | None) -> dict | None:
    if not vpc:
        return None
    return {"vpc_id": vpc["VpcId"], "name": _name(vpc), "cidr": vpc.get("CidrBlock")}


def route_tables(state: AwsTraceState, tgw_id: str, attachments: dict) -> list:
    tables = state.conn.paginate(
        "ec2",
        "describe_transit_gateway_route_tables",
        "TransitGatewayRouteTables",
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}],
    )
    out = []
    for table in sorted((t for t in tables if t.get("State") not in _GONE), key=lambda t: _name(t) or ""):
        table_id = table["TransitGatewayRouteTableId"]
        propagations = state.conn.paginate(
            "ec2",
            "get_transit_gateway_route_table_propagations",
            "TransitGatewayRouteTablePropagations",
            TransitGatewayRouteTableId=table_id,
        )
        routes = []
        for r in state.tgw_routes(table_id):
            atts = [a.get("TransitGatewayAttachmentId") for a in r.get("TransitGatewayAttachments") or []]
            routes.append(
                {
                    "destination": r.get("DestinationCidrBlock") or r.get("PrefixListId"),
                    "type": r.get("Type"),
                    "state": r.get("State"),
                    "attachment_id": atts[0] if atts else None,
                }
            )
        out.append(
            {
                "route_table_id": table_id,
                "name": _name(table),
                "associations": sorted(
                    a
                    for a, att in attachments.items()
                    if ((att.get("Association") or {}).get("TransitGatewayRouteTableId") == table_id)
                ),
                "propagations": sorted(
                    p["TransitGatewayAttachmentId"] for p in propagations if p.get("State") in ("enabled", "enabling")
                ),
                "routes": sorted(routes, key=lambda r: str(r["destination"])),
            }
        )
    return out


def endpoints_of(state: AwsTraceState, vpc_id: str) -> list:
    found = state.endpoints(vpc_id)
    return sorted(
        (
            {
                "vpc_endpoint_id": e["VpcEndpointId"],
                "service_name": e.get("ServiceName"),
                "service": (e.get("ServiceName") or "").rsplit(".", 1)[-1],
                "type": e.get("VpcEndpointType"),
                "state": str(e.get("State", "")).lower(),
                "private_dns_enabled": e.get("PrivateDnsEnabled"),
                "subnets": len(e.get("SubnetIds") or []),
            }
            for e in found
        ),
        key=lambda e: (e["type"] or "", e["service"]),
    )


def vpn_links(state: AwsTraceState, tgw_id: str, attachments: dict) -> list:
    cgws = state.customer_gateways()
    by_vpn = {a["ResourceId"]: a for a in attachments.values() if a.get("ResourceType") == "vpn"}
    out = []
    for vpn in state.vpn_connections():
        if vpn.get("TransitGatewayId") != tgw_id:
            continue
        tunnels = vpn.get("VgwTelemetry") or []
        out.append(
            {
                "vpn_connection_id": vpn["VpnConnectionId"],
                "name": _name(vpn),
                "state": vpn.get("State"),
                "customer_gateway_ip": (cgws.get(vpn.get("CustomerGatewayId")) or {}).get("IpAddress"),
                "tunnels": len(tunnels),
                "tunnels_up": sum(1 for t in tunnels if t.get("Status") == "UP"),
                "attachment_id": (by_vpn.get(vpn["VpnConnectionId"]) or {}).get("TransitGatewayAttachmentId"),
            }
        )
    return sorted(out, key=lambda v: v["vpn_connection_id"])


def gather(hub: AwsTraceState, spoke_states: dict, params: dict) -> dict:
    """The region's model. ``spoke_states`` maps each spoke host to the reader of its account."""
    region = hub.region
    tgws = hub.transit_gateways(names=[params["transit_name"]]) if params.get("transit_name") else []
    tgw = tgws[0] if tgws else None
    services = hub.vpcs(names=[params["services_vpc_name"]]) if params.get("services_vpc_name") else []
    inspection = hub.vpcs(names=[params["inspection_vpc_name"]]) if params.get("inspection_vpc_name") else []
    attachments = {
        a["TransitGatewayAttachmentId"]: a
        for a in hub.tgw_attachments_of("vpc") + hub.tgw_attachments_of("vpn")
        if tgw and a.get("TransitGatewayId") == tgw["TransitGatewayId"]
    }
    att_by_vpc = {a["ResourceId"]: a for a in attachments.values() if a.get("ResourceType") == "vpc"}

    def attachment_view(vpc_id):
        att = att_by_vpc.get(vpc_id)
        if not att:
            return None
        return {
            "attachment_id": att["TransitGatewayAttachmentId"],
            "state": att.get("State"),
            "route_table_id": (att.get("Association") or {}).get("TransitGatewayRouteTableId"),
        }

    spokes = []
    for spoke in params.get("spokes") or []:
        state = spoke_states[spoke["host"]]
        network = spoke.get("network") or spoke["host"]
        found = state.vpcs(vpc_ids=[network]) if network.startswith("vpc-") else state.vpcs(names=[network])
        view = _vpc_view(found[0]) if len(found) == 1 else None
        spokes.append(
            {
                "host": spoke["host"],
                "vpc": view,
                "declared_cidr": spoke.get("cidr"),
                "attachment": attachment_view(view["vpc_id"]) if view else None,
                "endpoints": endpoints_of(state, view["vpc_id"]) if view else [],
            }
        )
    services_view = _vpc_view(services[0]) if len(services) == 1 else None
    resource_ids = [x for x in [tgw and tgw["TransitGatewayId"], services_view and services_view["vpc_id"]] if x]
    return {
        "region": region,
        "transit": {
            "transit_gateway_id": tgw["TransitGatewayId"],
            "name": _name(tgw),
            "state": tgw.get("State"),
            "route_tables": route_tables(hub, tgw["TransitGatewayId"], attachments),
            "attachments": sorted(
                (
                    {
                        "attachment_id": a,
                        "type": att.get("ResourceType"),
                        "resource_id": att.get("ResourceId"),
                        "state": att.get("State"),
                    }
                    for a, att in attachments.items()
                ),
                key=lambda x: x["attachment_id"],
            ),
        }
        if tgw
        else None,
        "services_vpc": dict(
            services_view,
            endpoints=endpoints_of(hub, services_view["vpc_id"]),
            attachment=attachment_view(services_view["vpc_id"]),
            availability_zones=sorted(
                {s.get("AvailabilityZone") for s in hub.subnets(services_view["vpc_id"])} - {None}
            ),
            zones=sorted(z["Name"].rstrip(".") for z in hub.hosted_zones_for_vpc(services_view["vpc_id"], region)),
            resolver_endpoints=[e for e in hub.inbound_resolver_endpoints() if e["vpc_id"] == services_view["vpc_id"]],
        )
        if services_view
        else None,
        "inspection_vpc": dict(_vpc_view(inspection[0]), attachment=attachment_view(inspection[0]["VpcId"]))
        if inspection
        else None,
        "spokes": spokes,
        "vpn_links": vpn_links(hub, tgw["TransitGatewayId"], attachments) if tgw else [],
        "flow_logs": flow_log.gather(hub.conn, {"resource_ids": resource_ids}) if resource_ids else [],
    }
