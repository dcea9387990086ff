# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route selection as AWS does it: VPC route tables and Transit Gateway route tables (pure functions).

VPC (Amazon VPC User Guide, "Route priority"): the most specific route that matches wins; among routes
of the same length, a route to a CIDR beats a route to a prefix list. Transit gateway ("How transit
gateways work", route evaluation order): the most specific route wins; for the same destination a
static route beats a propagated one. Only IPv4 and IPv6 destinations of the same family match.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import contains, prefixlen

# VPC route targets, in the order AWS lists them in a route.
VPC_TARGETS = (
    "GatewayId",
    "TransitGatewayId",
    "NatGatewayId",
    "VpcPeeringConnectionId",
    "NetworkInterfaceId",
    "InstanceId",
    "VpcEndpointId",
    "EgressOnlyInternetGatewayId",
    "LocalGatewayId",
    "CarrierGatewayId",
    "CoreNetworkArn",
)


def vpc_route_target(route: dict) -> str | None:
    for key in VPC_TARGETS:
        if route.get(key):
            return route[key]
    return None


def vpc_route_destination(route: dict) -> str | None:
    return (
        route.get("DestinationCidrBlock")
        or route.get("DestinationIpv6CidrBlock")
        or route.get("DestinationPrefixListId")
    )


def select_vpc_route(routes: list, address, prefix_lists: dict) -> dict | None:
    """The route a VPC route table uses for ``address``, or None.

    ``prefix_lists`` maps prefix list ids to their entry CIDRs. Returns ``{route, matched, via_prefix_list,
    target, state}``.
    """
    best, best_key = None, None
    for route in routes or []:
        candidates = []
        cidr = route.get("DestinationCidrBlock") or route.get("DestinationIpv6CidrBlock")
        if cidr:
            candidates.append((cidr, False))
        pl_id = route.get("DestinationPrefixListId")
        if pl_id:
            candidates += [(c, True) for c in prefix_lists.get(pl_id, [])]
        for matched, via_pl in candidates:
            if not contains(matched, address):
                continue
            key = (prefixlen(matched), not via_pl)
            if best_key is None or key > best_key:
                best_key = key
                best = {
                    "route": route,
                    "matched": matched,
                    "via_prefix_list": pl_id if via_pl else None,
                    "target": vpc_route_target(route),
                    "state": route.get("State", "active"),
                }
    return best


def describe_vpc_route(choice: dict) -> str:
    route = choice["route"]
    dest = vpc_route_destination(route)
    via = f" (entry {choice['matched']})" if choice.get("via_prefix_list") else ""
    return f"{dest}{via} -> {choice['target']}" + (" [blackhole]" if choice["state"] == "blackhole" else "")


def tgw_route_attachments(route: dict) -> list[dict]:
    return route.get("TransitGatewayAttachments") or []


def select_tgw_route(routes: list, address, prefix_lists: dict | None = None) -> dict | None:
    """The route a transit gateway route table uses for ``address``, or None.

    Routes are SearchTransitGatewayRoutes items (static and propagated, active and blackhole). Returns
    ``{route, matched, type, state, attachment_ids}``.
    """
    best, best_key = None, None
    for route in routes or []:
        candidates = []
        if route.get("DestinationCidrBlock"):
            candidates.append(route["DestinationCidrBlock"])
        if route.get("PrefixListId"):
            candidates += list((prefix_lists or {}).get(route["PrefixListId"], []))
        for matched in candidates:
            if not contains(matched, address):
                continue
            key = (prefixlen(matched), route.get("Type") == "static")
            if best_key is None or key > best_key:
                best_key = key
                best = {
                    "route": route,
                    "matched": matched,
                    "type": route.get("Type"),
                    "state": route.get("State", "active"),
                    "attachment_ids": [a.get("TransitGatewayAttachmentId") for a in tgw_route_attachments(route)],
                }
    return best


def describe_tgw_route(choice: dict) -> str:
    route = choice["route"]
    targets = (
        ", ".join(
            f"{a.get('TransitGatewayAttachmentId')} ({a.get('ResourceType')} {a.get('ResourceId')})"
            for a in tgw_route_attachments(route)
        )
        or "no attachment"
    )
    state = " [blackhole]" if choice["state"] == "blackhole" else ""
    return f"{route.get('DestinationCidrBlock') or route.get('PrefixListId')} ({choice['type']}) -> {targets}{state}"


def route_table_of_subnet(tables: list, subnet_id: str) -> dict | None:
    """The route table a subnet uses: its explicit association, else the VPC's main table."""
    main = None
    for table in tables or []:
        for assoc in table.get("Associations") or []:
            if assoc.get("SubnetId") == subnet_id:
                return table
            if assoc.get("Main"):
                main = table
    return main
