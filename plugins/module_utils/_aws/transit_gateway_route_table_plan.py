# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit Gateway route table normalisers and planners (no AWS call): routes, associations, propagations."""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    check_id,
    tag_list_to_dict,
)

BLACKHOLE = "blackhole"


def _ids(values, field: str) -> list | None:
    if values is None:
        return None
    out = []
    for i, value in enumerate(values):
        check_id(value, "tgw-attach", f"{field}[{i}]")
        if value in out:
            raise ValidationError(f"{field}[{i}]", value, "is listed twice", "list each attachment once")
        out.append(value)
    return sorted(out)


def want_routes(routes) -> dict | None:
    """Declared routes as ``{cidr: attachment_id | "blackhole"}``."""
    if routes is None:
        return None
    out: dict = {}
    for i, route in enumerate(routes):
        field = f"routes[{i}]"
        cidr = canonical_cidr(route.get("destination_cidr"), f"{field}.destination_cidr")
        if cidr in out:
            raise ValidationError(
                f"{field}.destination_cidr", cidr, "is listed twice", "list each destination once"
            )
        attachment, blackhole = route.get("attachment_id"), route.get("blackhole")
        if bool(attachment) == bool(blackhole):
            raise ValidationError(
                field, route, "needs exactly one target", "set either attachment_id or blackhole: true"
            )
        out[cidr] = BLACKHOLE if blackhole else check_id(attachment, "tgw-attach", f"{field}.attachment_id")
    return out


def validate(params: dict) -> dict:
    check_id(params.get("transit_gateway_id"), "tgw", "transit_gateway_id")
    if not params.get("name"):
        raise ValidationError(
            "name", params.get("name"), "is required", "give the Name tag of the route table"
        )
    return {
        "associations": _ids(params.get("associations"), "associations"),
        "propagations": _ids(params.get("propagations"), "propagations"),
        "routes": want_routes(params.get("routes")),
    }


def route_target(route: dict) -> str:
    attachments = route.get("TransitGatewayAttachments") or []
    return attachments[0]["TransitGatewayAttachmentId"] if attachments else BLACKHOLE


def have_routes(routes: list) -> dict:
    """Static routes the module may manage: CIDR destinations, not prefix list references."""
    return {
        canonical_cidr(r["DestinationCidrBlock"], "route"): route_target(r)
        for r in routes
        if r.get("Type") == "static" and r.get("DestinationCidrBlock") and not r.get("PrefixListId")
    }


def plan_set(have: list, want: list | None, purge: bool) -> tuple[list, list]:
    """Members to add and to remove (``want`` None: not managed)."""
    if want is None:
        return [], []
    return sorted(set(want) - set(have)), sorted(set(have) - set(want)) if purge else []


def plan_routes(have: dict, want: dict | None, purge: bool) -> tuple[dict, dict, list]:
    """Routes to create, to replace (target change) and destinations to delete."""
    if want is None:
        return {}, {}, []
    create = {c: t for c, t in want.items() if c not in have}
    replace = {c: t for c, t in want.items() if c in have and have[c] != t}
    delete = sorted(c for c in have if c not in want) if purge else []
    return create, replace, delete


def render_routes(routes: dict) -> list:
    return [
        {"destination_cidr": c, "blackhole": True}
        if t == BLACKHOLE
        else {"destination_cidr": c, "attachment_id": t}
        for c, t in sorted(routes.items())
    ]


def route_args(table_id: str, cidr: str, target: str) -> dict:
    args = {"TransitGatewayRouteTableId": table_id, "DestinationCidrBlock": cidr}
    if target == BLACKHOLE:
        args["Blackhole"] = True
    else:
        args["TransitGatewayAttachmentId"] = target
    return args


def describe(table: dict | None, associations, propagations, routes: dict) -> dict | None:
    if table is None:
        return None
    tags = tag_list_to_dict(table.get("Tags"))
    return {
        "transit_gateway_route_table_id": table.get("TransitGatewayRouteTableId"),
        "transit_gateway_id": table.get("TransitGatewayId"),
        "name": tags.get("Name"),
        "state": table.get("State"),
        "default_association_route_table": bool(table.get("DefaultAssociationRouteTable")),
        "default_propagation_route_table": bool(table.get("DefaultPropagationRouteTable")),
        "associations": sorted(associations),
        "propagations": sorted(propagations),
        "routes": render_routes(routes),
        "tags": tags,
    }
