# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Managed routes in VPC route tables (a resource-module style route set).

The collection does not own the route tables it writes to, only some of their routes. The destinations
it manages are recorded on each route table in tags: ``cloudnet:routes`` holds the sorted destinations
(CIDRs and prefix list IDs) separated by single spaces; when they exceed the 256-character tag value
limit they continue in ``cloudnet:routes:1``, ``cloudnet:routes:2``... (split on destination boundaries).
Local routes, propagated routes (Origin EnableVgwRoutePropagation) and routes on destinations not
recorded there (foreign) are never changed, unless ``take_over`` claims a foreign route on a declared
destination. A target change is one ReplaceRoute call (make-before-break). Destinations are recorded
before a route is created and forgotten after it is deleted, so a run that stops half-way leaves no
route the next run would see as foreign.
"""

from __future__ import annotations

import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import DoneIfRetried
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import dict_filters
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    check_id,
    tag_dict_to_list,
    tag_list_to_dict,
)

TAG_KEY = "cloudnet:routes"
TAG_VALUE_MAX = 256
TAG_CHUNKS_MAX = 40  # EC2 allows 50 tags per resource; leave room for the owner's own tags.
_TAG_RE = re.compile(r"^cloudnet:routes(?::(\d+))?$")
NOT_FOUND = ("InvalidRouteTableID.NotFound",)
PROPAGATED = "EnableVgwRoutePropagation"
STATES = ("merged", "replaced", "overridden", "deleted", "gathered", "rendered")

# Option name -> (id prefixes accepted, CreateRoute/ReplaceRoute parameter).
TARGETS = {
    "transit_gateway_id": (("tgw",), "TransitGatewayId"),
    "gateway_id": (("igw", "vgw"), "GatewayId"),
    "vpc_endpoint_id": (("vpce",), "VpcEndpointId"),
    "nat_gateway_id": (("nat",), "NatGatewayId"),
    "network_interface_id": (("eni",), "NetworkInterfaceId"),
    "vpc_peering_connection_id": (("pcx",), "VpcPeeringConnectionId"),
}
# Targets routes may have that this module reads but does not create.
_OTHER_TARGETS = {
    "eigw": "egress_only_internet_gateway_id",
    "cagw": "carrier_gateway_id",
    "lgw": "local_gateway_id",
    "i": "instance_id",
}
# DescribeRouteTables route members holding the target, in the order they are read. AWS reports
# routes to gateway and Gateway Load Balancer endpoints as GatewayId vpce-...; an instance route also
# carries its NetworkInterfaceId, which is what it is compared on.
_READ_TARGETS = (
    "TransitGatewayId", "NatGatewayId", "VpcPeeringConnectionId", "GatewayId", "NetworkInterfaceId",
    "EgressOnlyInternetGatewayId", "CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn", "InstanceId",
)


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_route_tables(conn, ids=None, filters=None) -> list:
    kwargs = {}
    if ids:
        kwargs["RouteTableIds"] = list(ids)
    if filters:
        kwargs["Filters"] = filters
    return conn.paginate("ec2", "describe_route_tables", "RouteTables", not_found=NOT_FOUND, **kwargs)


def create_route(conn, args: dict):
    # A retry that meets the route its own lost attempt made is done (RouteAlreadyExists after a retry).
    return DoneIfRetried(conn, ("RouteAlreadyExists",)).call("ec2", "create_route", **args)


def replace_route(conn, args: dict):
    return conn.call("ec2", "replace_route", **args)


def delete_route(conn, args: dict):
    return DoneIfRetried(conn, ("InvalidRoute.NotFound",)).call("ec2", "delete_route", **args)


def create_tags(conn, table_id: str, tags: dict):
    return conn.call("ec2", "create_tags", Resources=[table_id], Tags=tag_dict_to_list(tags))


def delete_tags(conn, table_id: str, keys: list):
    return conn.call("ec2", "delete_tags", Resources=[table_id], Tags=[{"Key": k} for k in keys])


# --- normalisation ---------------------------------------------------------------------------------


def target_option(target_id: str) -> str:
    """The option naming a target, from its ID prefix (``vpce-`` is an endpoint even as GatewayId)."""
    if target_id.startswith("arn:"):
        return "core_network_arn"
    prefix = target_id.split("-", 1)[0]
    for option, (prefixes, _param) in TARGETS.items():
        if prefix in prefixes:
            return option
    return _OTHER_TARGETS.get(prefix, "gateway_id")


def _destination(route: dict, field: str) -> str:
    cidr, pl = route.get("destination_cidr"), route.get("destination_prefix_list_id")
    if bool(cidr) == bool(pl):
        raise ValidationError(field, route, "needs exactly one destination",
                              "set either destination_cidr or destination_prefix_list_id")
    if pl:
        return check_id(pl, "pl", f"{field}.destination_prefix_list_id")
    return canonical_cidr(cidr, f"{field}.destination_cidr")


def _target(route: dict, field: str, required: bool) -> str | None:
    given = [k for k in TARGETS if route.get(k)]
    if len(given) > 1 or (required and not given):
        raise ValidationError(field, route, f"needs exactly one target (got {len(given)})",
                              "set one of " + ", ".join(TARGETS))
    if not given:
        return None
    option = given[0]
    value, prefixes = route[option], TARGETS[option][0]
    prefix = value.split("-", 1)[0] if isinstance(value, str) else ""
    return check_id(value, prefix if prefix in prefixes else prefixes[0], f"{field}.{option}")


def want_routes(config, state: str) -> dict:
    """Declared routes as ``{destination: target id}`` (target None only for state deleted)."""
    out: dict = {}
    for i, route in enumerate(config or []):
        field = f"config[{i}]"
        if not isinstance(route, dict):
            raise ValidationError(field, route, "is not a route", "give a dict with a destination and a target")
        dest = _destination(route, field)
        if dest in out:
            raise ValidationError(field, dest, "repeats a destination", "list each destination once")
        out[dest] = _target(route, field, required=state != "deleted")
    return out


def validate(params: dict) -> dict:
    """Check every input before any API call; return the declared routes."""
    state = params.get("state") or "merged"
    if state not in STATES:
        raise ValidationError("state", state, "is not a known state", "use one of " + ", ".join(STATES))
    ids, vpc = params.get("route_table_ids"), params.get("vpc_id")
    if bool(ids) == bool(vpc):
        raise ValidationError("route_table_ids", ids, "exactly one of route_table_ids and vpc_id is needed",
                              "give the route table IDs, or vpc_id for all route tables of a VPC")
    for i, table_id in enumerate(ids or []):
        check_id(table_id, "rtb", f"route_table_ids[{i}]")
    if len(set(ids or [])) != len(ids or []):
        raise ValidationError("route_table_ids", ids, "lists a route table twice", "list each route table once")
    if vpc:
        check_id(vpc, "vpc", "vpc_id")
    elif params.get("route_table_filters"):
        raise ValidationError("route_table_filters", params["route_table_filters"], "needs vpc_id",
                              "set vpc_id, or drop route_table_filters when giving route_table_ids")
    if state == "rendered" and not ids:
        raise ValidationError("vpc_id", vpc, "cannot be resolved in state rendered (no API call is made)",
                              "give route_table_ids")
    return want_routes(params.get("config"), state)


def route_destination(route: dict) -> str | None:
    for member in ("DestinationCidrBlock", "DestinationIpv6CidrBlock"):
        if route.get(member):
            return canonical_cidr(route[member], "route")
    return route.get("DestinationPrefixListId")


def route_target(route: dict) -> str | None:
    """ID of the route's target as DescribeRouteTables reports it."""
    for member in _READ_TARGETS:
        if route.get(member):
            return route[member]
    return None


def managed_destinations(tags: dict) -> set:
    """Destinations recorded in the ``cloudnet:routes`` tags."""
    chunks = []
    for key, value in tags.items():
        match = _TAG_RE.match(key)
        if match:
            chunks.append((int(match.group(1) or 0), value))
    return {d for _i, value in sorted(chunks) for d in value.split()}


def routes_tags(destinations) -> dict:
    """The ``cloudnet:routes`` tags recording ``destinations`` (empty set: no tag)."""
    chunks, current = [], ""
    for dest in sorted(destinations):
        candidate = f"{current} {dest}" if current else dest
        if len(candidate) > TAG_VALUE_MAX:
            chunks.append(current)
            candidate = dest
        current = candidate
    if current:
        chunks.append(current)
    if len(chunks) > TAG_CHUNKS_MAX:
        raise ValidationError("config", len(destinations), "records too many managed destinations in tags",
                              "group destinations in a managed prefix list and route the prefix list")
    return {(TAG_KEY if i == 0 else f"{TAG_KEY}:{i}"): chunk for i, chunk in enumerate(chunks)}


def classify(table: dict) -> dict:
    """Split a DescribeRouteTables item: ``{"static": {dest: route}, "local": [...], "propagated": [...]}``."""
    out = {"static": {}, "local": [], "propagated": []}
    for route in table.get("Routes") or []:
        dest = route_destination(route)
        if dest is None:
            continue
        if route.get("GatewayId") == "local" or route.get("Origin") == "CreateRouteTable":
            out["local"].append(route)
        elif route.get("Origin") == PROPAGATED:
            out["propagated"].append(route)
        else:
            out["static"][dest] = route
    return out


def render_route(dest: str, target: str | None, **extra) -> dict:
    key = "destination_prefix_list_id" if dest.startswith("pl-") else "destination_cidr"
    out = {key: dest}
    if target is not None:
        out[target_option(target)] = target
    out.update(extra)
    return out


def render_routes(routes: dict) -> list:
    return [render_route(d, t) for d, t in sorted(routes.items())]


def route_args(table_id: str, dest: str, target: str | None = None) -> dict:
    """CreateRoute / ReplaceRoute / DeleteRoute parameters."""
    args = {"RouteTableId": table_id}
    if dest.startswith("pl-"):
        args["DestinationPrefixListId"] = dest
    elif ":" in dest:
        args["DestinationIpv6CidrBlock"] = dest
    else:
        args["DestinationCidrBlock"] = dest
    if target is not None:
        args[TARGETS[target_option(target)][1]] = target
    return args


# --- planning --------------------------------------------------------------------------------------


def plan_table(table_id: str, static: dict, managed: set, want: dict, state: str, take_over: bool) -> dict:
    """Plan one route table.

    ``static``: ``{dest: target id}`` of the non-local, non-propagated routes; ``managed``: recorded
    destinations. Returns ``{"create", "replace", "delete", "claim", "skipped", "managed_after",
    "routes_after"}``; raises ConflictError for a foreign route on a declared destination.
    """
    have = {d: t for d, t in static.items() if d in managed}
    create, replace, delete, claim, skipped = {}, {}, [], [], []
    if state == "deleted":
        scope = list(have) if not want else [d for d in want if d in static]
        for dest in sorted(scope):
            if dest in have or take_over:
                delete.append(dest)
            else:
                skipped.append(dest)
    else:
        for dest, target in want.items():
            if dest not in static:
                create[dest] = target
            elif dest not in have:
                if not take_over:
                    raise ConflictError(
                        f"Route table {table_id} already has a route to {dest} via {static[dest]} that this "
                        f"collection did not create. Fix: remove that route, or set take_over: true to "
                        f"replace it and manage it from now on.",
                        route_table_id=table_id, destination=dest, current_target=static[dest],
                    )
                claim.append(dest)
                if static[dest] != target:
                    replace[dest] = target
            elif have[dest] != target:
                replace[dest] = target
        if state == "overridden":
            delete = sorted(d for d in have if d not in want)
    routes_after = {d: t for d, t in static.items() if d not in delete}
    routes_after.update(create)
    routes_after.update(replace)
    routes_tags(set(have) | set(claim) | set(create))  # fails now, not mid-run, when the tags cannot hold them
    managed_after = (set(have) | set(claim) | set(create)) - set(delete)
    return {
        "create": create, "replace": replace, "delete": delete, "claim": sorted(claim), "skipped": skipped,
        "managed_after": managed_after, "routes_after": routes_after,
    }


def tag_delta(have_tags: dict, want_tags: dict) -> tuple[dict, list]:
    """``cloudnet:routes`` tags to set and keys to delete so that ``have_tags`` records ``want_tags``."""
    have = {k: v for k, v in have_tags.items() if _TAG_RE.match(k)}
    to_set = {k: v for k, v in want_tags.items() if have.get(k) != v}
    return to_set, sorted(k for k in have if k not in want_tags)


def describe_table(table_id: str, vpc_id, static: dict, managed: set) -> dict:
    return {
        "route_table_id": table_id,
        "vpc_id": vpc_id,
        "routes": render_routes({d: t for d, t in static.items() if d in managed}),
        "foreign_routes": render_routes({d: t for d, t in static.items() if d not in managed}),
    }


def render_calls(table_ids, want: dict) -> list:
    """The API calls that put ``want`` on route tables holding none of it (state rendered)."""
    calls = []
    for table_id in table_ids:
        if want:
            calls.append({"operation": "CreateTags",
                          "parameters": {"Resources": [table_id], "Tags": tag_dict_to_list(routes_tags(want))}})
        for dest, target in sorted(want.items()):
            calls.append({"operation": "CreateRoute", "parameters": route_args(table_id, dest, target)})
    return calls


# --- manager ---------------------------------------------------------------------------------------


class RouteSetManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _tables(self) -> list:
        ids = self.p.get("route_table_ids")
        if ids:
            found = describe_route_tables(self.conn, ids=ids)
            missing = sorted(set(ids) - {t["RouteTableId"] for t in found})
            if missing and len(ids) > 1:
                # AWS fails the whole call for one unknown ID: name exactly which ones are missing.
                missing = [i for i in missing if not describe_route_tables(self.conn, ids=[i])]
            if missing:
                raise NotFoundError(f"route_table_ids: route table {', '.join(missing)} does not exist in "
                                    f"this account and region. Fix: check the IDs and region.")
        else:
            filters = [{"Name": "vpc-id", "Values": [self.p["vpc_id"]]}]
            filters += dict_filters(self.p.get("route_table_filters"))
            found = describe_route_tables(self.conn, filters=filters)
        return sorted(found, key=lambda t: t["RouteTableId"])

    def ensure(self) -> dict:
        want = validate(self.p)
        state = self.p.get("state") or "merged"
        if state == "rendered":
            ids = sorted(self.p["route_table_ids"])
            tables = [describe_table(t, None, want, set(want)) for t in ids]
            return {"changed": False, "rendered": render_calls(ids, want), "operations": [], "route_tables": tables}
        plans = []
        for table in self._tables():
            table_id = table["RouteTableId"]
            tags = tag_list_to_dict(table.get("Tags"))
            static = {d: route_target(r) for d, r in classify(table)["static"].items()}
            managed = managed_destinations(tags)
            if state == "gathered":
                plan = None
            else:
                plan = plan_table(table_id, static, managed, want, state, self.p.get("take_over", False))
            plans.append((table, tags, static, managed, plan))
        # Every table is planned (and every conflict raised) before the first change.
        before, after, warnings = [], [], []
        for table, tags, static, managed, plan in plans:
            table_id, vpc_id = table["RouteTableId"], table.get("VpcId")
            before.append(describe_table(table_id, vpc_id, static, managed))
            if plan is None:
                after.append(before[-1])
                continue
            self._apply(table_id, tags, static, managed, plan)
            warnings += [f"route table {table_id}: the route to {d} was not created by this collection; left in "
                         f"place (set take_over: true to delete it)" for d in plan["skipped"]]
            after.append(describe_table(table_id, vpc_id, plan["routes_after"], plan["managed_after"]))
        result = self.changes.result("route_tables", {"route_tables": before}, {"route_tables": after})
        result["route_tables"] = after
        if state == "gathered":
            result["gathered"] = [{"route_table_id": t["route_table_id"], "config": t["routes"]} for t in after]
        if warnings:
            result["warnings"] = warnings
        return result

    def _tag(self, table_id: str, tags: dict, destinations: set) -> dict:
        to_set, to_unset = tag_delta(tags, routes_tags(destinations))
        if to_set:
            self.changes.do("tag", table_id, lambda: create_tags(self.conn, table_id, to_set), tags=to_set)
        if to_unset:
            self.changes.do("untag", table_id, lambda: delete_tags(self.conn, table_id, to_unset), keys=to_unset)
        out = {k: v for k, v in tags.items() if k not in to_unset}
        out.update(to_set)
        return out

    def _create(self, table_id: str, args: dict, dest: str, target: str):
        out = create_route(self.conn, args)
        if out is None:  # a retry met a route to dest: it is ours only if it has our target
            tables = describe_route_tables(self.conn, ids=[table_id])
            now = {route_destination(r): route_target(r) for t in tables for r in t.get("Routes") or []}
            if now.get(dest) != target:
                raise ConflictError(f"Route table {table_id}: a route to {dest} via {now.get(dest)} appeared while "
                                    f"this run created one via {target}. Fix: remove that route, or set take_over: "
                                    "true.", route_table_id=table_id, destination=dest, current_target=now.get(dest))
        return out

    def _apply(self, table_id: str, tags: dict, static: dict, managed: set, plan: dict):
        # Record new destinations first, forget removed ones last: an interrupted run leaves no route
        # that the next run would take for foreign.
        recorded = {d for d in managed if d in static}
        tags = self._tag(table_id, tags, recorded | set(plan["create"]) | set(plan["claim"]))
        for dest, target in sorted(plan["create"].items()):
            args = route_args(table_id, dest, target)
            self.changes.do("create_route", table_id, lambda a=args, d=dest, t=target: self._create(table_id, a, d, t),
                            destination=dest, route_target=target)
        for dest, target in sorted(plan["replace"].items()):
            args = route_args(table_id, dest, target)
            self.changes.do("replace_route", table_id, lambda a=args: replace_route(self.conn, a),
                            destination=dest, route_target=target, previous=static[dest])
        for dest in plan["delete"]:
            args = route_args(table_id, dest)
            self.changes.do("delete_route", table_id, lambda a=args: delete_route(self.conn, a),
                            destination=dest, previous=static[dest])
        self._tag(table_id, tags, plan["managed_after"])


def read_tables(conn, params: dict) -> list:
    """Route tables for the _info module, every route marked managed, foreign, local or propagated."""
    filters = dict_filters(params.get("filters"))
    if params.get("vpc_id"):
        filters.append({"Name": "vpc-id", "Values": [params["vpc_id"]]})
    found = describe_route_tables(conn, ids=params.get("route_table_ids") or None, filters=filters or None)
    out = []
    for table in sorted(found, key=lambda t: t["RouteTableId"]):
        tags = tag_list_to_dict(table.get("Tags"))
        managed = managed_destinations(tags)
        routes = []
        for route in table.get("Routes") or []:
            dest = route_destination(route)
            if dest is None:
                continue
            if route.get("GatewayId") == "local" or route.get("Origin") == "CreateRouteTable":
                origin = "local"
            elif route.get("Origin") == PROPAGATED:
                origin = "propagated"
            else:
                origin = "managed" if dest in managed else "foreign"
            routes.append(render_route(dest, route_target(route), origin=origin, state=route.get("State")))
        assoc = table.get("Associations") or []
        out.append({
            "route_table_id": table["RouteTableId"],
            "vpc_id": table.get("VpcId"),
            "main": any(a.get("Main") for a in assoc),
            "subnet_ids": sorted(a["SubnetId"] for a in assoc if a.get("SubnetId")),
            "routes": routes,
            "tags": tags,
        })
    return out
