# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Managed user-defined routes in one Azure route table, and its subnet associations.

Ownership is in the route name: the collection names every route it manages ``<route_name_prefix><prefix>``
(``cloudnet-10.1.0.0_16``), so a re-run after a crash recognises its own routes with no other record.
Routes with other names are foreign and never changed; a foreign route on a declared prefix is an error
unless ``take_over``, which swaps it for a managed route in the same route table write.

All route changes of a run are one route table PUT guarded by ``If-Match`` (the etag read), so a concurrent
writer makes the run fail with PreconditionFailed instead of being overwritten. Subnet associations are a
read-modify-write of each subnet, also with ``If-Match``.

With ``state: deleted`` and ``remove_table``, a route table the collection created is then disassociated from
the declared subnets and deleted when nothing foreign is left in it (route_table_removal.py).
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import (
    check_ip,
    check_name,
    desired_tags,
    owned,
    parse_id,
    ref_id,
    resource_id,
    same_id,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_table_calls import (
    get_route_table,
    get_subnet,
    put_route_table,
    put_subnet,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_table_removal import (
    RouteTableRemoval,
    removal_plan,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import canonical_cidr

STATES = ("merged", "replaced", "overridden", "deleted", "gathered", "rendered")
NEXT_HOP_TYPES = ("VirtualNetworkGateway", "VnetLocal", "Internet", "VirtualAppliance", "None")
ROUTE_TABLES = "Microsoft.Network/routeTables"
API_VERSION = "2026-03-01"


# --- normalisation and planning (pure) --------------------------------------------------------------


def route_name(prefix: str, address_prefix: str) -> str:
    return prefix + address_prefix.replace("/", "_").replace(":", "-")


def canonical_route(body: dict) -> dict:
    """A route's REST body as ``{name, address_prefix, next_hop_type[, next_hop_ip_address]}``."""
    p = body.get("properties") or {}
    out = {"name": body.get("name"), "address_prefix": p.get("addressPrefix"), "next_hop_type": p.get("nextHopType")}
    if p.get("nextHopIpAddress"):
        out["next_hop_ip_address"] = p["nextHopIpAddress"]
    return out


def route_body(route: dict) -> dict:
    props = {"addressPrefix": route["address_prefix"], "nextHopType": route["next_hop_type"]}
    if route.get("next_hop_ip_address"):
        props["nextHopIpAddress"] = route["next_hop_ip_address"]
    return {"name": route["name"], "properties": props}


def want_routes(config, state: str, prefix: str) -> dict:
    """Declared routes as ``{address_prefix: canonical route}`` (next hop None only for ``deleted``)."""
    check_name(prefix + "0", "route_name_prefix")
    out: dict = {}
    for i, item in enumerate(config or []):
        field = f"config[{i}]"
        cidr = canonical_cidr(item.get("address_prefix"), f"{field}.address_prefix")
        if cidr in out:
            raise ValidationError(f"{field}.address_prefix", cidr, "is declared twice", "declare each prefix once")
        hop = item.get("next_hop_type") or ("VirtualNetworkGateway" if state != "deleted" else None)
        if hop is not None and hop not in NEXT_HOP_TYPES:
            raise ValidationError(f"{field}.next_hop_type", hop, "is not a route next hop type",
                                  "use one of " + ", ".join(NEXT_HOP_TYPES))
        route = {"name": route_name(prefix, cidr), "address_prefix": cidr, "next_hop_type": hop}
        ip = item.get("next_hop_ip_address")
        if hop == "VirtualAppliance":
            if not ip:
                raise ValidationError(f"{field}.next_hop_ip_address", ip, "is required for VirtualAppliance",
                                      "give the appliance's private IP address")
            route["next_hop_ip_address"] = check_ip(ip, f"{field}.next_hop_ip_address")
        elif ip:
            raise ValidationError(f"{field}.next_hop_ip_address", ip,
                                  f"is only allowed with VirtualAppliance, not {hop}",
                                  "remove next_hop_ip_address or set next_hop_type: VirtualAppliance")
        out[cidr] = route
    return out


def split_routes(routes: list, prefix: str) -> tuple[list, list]:
    """(managed, foreign) canonical routes."""
    managed = [r for r in routes if (r.get("name") or "").startswith(prefix)]
    foreign = [r for r in routes if not (r.get("name") or "").startswith(prefix)]
    return managed, foreign


def plan_routes(have: list, want: dict, state: str, prefix: str, take_over: bool, table: str):
    """Routes the table should hold and the operations: ``(routes, operations, warnings)``.

    ``have`` and the returned routes are canonical route dicts; operations are dicts with ``action``.
    """
    routes = [dict(r) for r in have]
    ops, warnings = [], []
    if state in ("gathered", "rendered"):
        return routes, ops, warnings

    def find(address, managed):
        for r in routes:
            if r["address_prefix"] == address and (r["name"] or "").startswith(prefix) == managed:
                return r
        return None

    if state == "deleted":
        managed, _foreign = split_routes(routes, prefix)
        targets = managed if not want else [r for r in managed if r["address_prefix"] in want]
        for r in sorted(targets, key=lambda r: r["name"]):
            routes.remove(r)
            ops.append({"action": "delete_route", "route": r["name"], "address_prefix": r["address_prefix"]})
        for address in sorted(want):
            foreign = find(address, managed=False)
            if foreign is None:
                continue
            if take_over:
                routes.remove(foreign)
                ops.append({"action": "delete_route", "route": foreign["name"], "address_prefix": address})
            else:
                warnings.append(f"Route table {table}: route {foreign['name']} on {address} is not managed by the "
                                "collection and was left in place (set take_over to delete it).")
        return routes, ops, warnings

    for address in sorted(want):
        route = want[address]
        mine = find(address, managed=True)
        if mine is not None:
            if mine != route:
                routes[routes.index(mine)] = dict(route, name=mine["name"])
                ops.append({"action": "update_route", "route": mine["name"], "address_prefix": address,
                            "next_hop_type": route["next_hop_type"], "previous": mine["next_hop_type"]})
            continue
        foreign = find(address, managed=False)
        if foreign is not None:
            if not take_over:
                raise ConflictError(
                    f"Route table {table}: route {foreign['name']} on {address} (next hop "
                    f"{foreign['next_hop_type']}) is not managed by the collection. Fix: remove it, declare "
                    "another prefix, or set take_over: true to replace it with a managed route.",
                    route=foreign["name"])
            routes.remove(foreign)
            routes.append(dict(route))
            ops.append({"action": "take_over_route", "route": route["name"], "address_prefix": address,
                        "previous": foreign["name"], "next_hop_type": route["next_hop_type"]})
            continue
        routes.append(dict(route))
        ops.append({"action": "create_route", "route": route["name"], "address_prefix": address,
                    "next_hop_type": route["next_hop_type"]})
    if state == "overridden":
        managed, _foreign = split_routes(routes, prefix)
        for r in sorted(managed, key=lambda r: r["name"]):
            if r["address_prefix"] not in want:
                routes.remove(r)
                ops.append({"action": "delete_route", "route": r["name"], "address_prefix": r["address_prefix"]})
    return routes, ops, warnings


def subnet_refs(subnets, group: str, subscription: str) -> list:
    """Declared subnets as ``[{id, resource_group, virtual_network, name}]``."""
    out = []
    for i, item in enumerate(subnets or []):
        field = f"subnets[{i}]"
        if item.get("id"):
            parts = parse_id(item["id"])
            if not (parts.get("virtualnetworks") and parts.get("subnets")):
                raise ValidationError(f"{field}.id", item["id"], "is not a subnet resource ID",
                                      "use /subscriptions/.../virtualNetworks/<vnet>/subnets/<name>")
            out.append({"id": item["id"], "resource_group": parts["resource_group"],
                        "virtual_network": parts["virtualnetworks"], "name": parts["subnets"]})
            continue
        vnet = check_name(item.get("virtual_network"), f"{field}.virtual_network")
        name = check_name(item.get("name"), f"{field}.name")
        rg = item.get("resource_group") or group
        out.append({"id": resource_id(subscription, rg, "Microsoft.Network/virtualNetworks", vnet, "subnets", name),
                    "resource_group": rg, "virtual_network": vnet, "name": name})
    return out


def view(table_id, name, group, location, routes, prefix, subnets, managed_table) -> dict:
    managed, foreign = split_routes(routes, prefix)
    return {
        "id": table_id, "name": name, "resource_group": group, "location": location, "managed": managed_table,
        "routes": sorted(managed, key=lambda r: r["address_prefix"]),
        "foreign_routes": sorted(foreign, key=lambda r: r["name"]),
        "subnets": sorted(subnets, key=str.lower),
    }


class RouteSetManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.state = params["state"]
        self.prefix = params["route_name_prefix"]
        self.group = check_name(params["resource_group"], "resource_group")
        self.name = check_name(params["route_table"], "route_table")
        self.want = want_routes(params.get("config"), self.state, self.prefix)
        self.timeout = params["wait_timeout"]
        self.remove_table = bool(params.get("remove_table"))
        if self.remove_table and self.state != "deleted":
            raise ValidationError("remove_table", True, f"only applies to state deleted, not {self.state}",
                                  "set state: deleted to remove the route table, or drop remove_table")

    def _subscription(self):
        if self.conn is not None:
            return self.conn.subscription_id
        return self.p.get("subscription_id") or "{subscription_id}"

    def rendered(self) -> dict:
        sub = self._subscription()
        table_id = resource_id(sub, self.group, ROUTE_TABLES, self.name)
        routes, ops, _w = plan_routes([], self.want, "merged", self.prefix, False, self.name)
        body = {"location": self.p.get("location"), "tags": desired_tags(self.p["topology"], self.p.get("tags")),
                "properties": {"routes": [route_body(r) for r in routes]}}
        calls = [{"method": "PUT", "path": f"{table_id}?api-version={API_VERSION}", "headers": {"If-Match": "<etag>"},
                  "body": body}]
        for s in subnet_refs(self.p.get("subnets"), self.group, sub):
            calls.append({"method": "PUT", "path": f"{s['id']}?api-version={API_VERSION}",
                          "headers": {"If-Match": "<subnet etag>"},
                          "body": {"properties": {"routeTable": {"id": table_id}}},
                          "note": "read-modify-write: the subnet's other properties are sent back as read"})
        after = view(table_id, self.name, self.group, self.p.get("location"), routes, self.prefix,
                     [s["id"] for s in subnet_refs(self.p.get("subnets"), self.group, sub)], True)
        return {"changed": False, "rendered": calls, "route_table": after, "operations": ops}

    def ensure(self) -> dict:
        if self.state == "rendered":
            return self.rendered()
        subnets = subnet_refs(self.p.get("subnets"), self.group, self.conn.subscription_id)
        table = get_route_table(self.conn, self.group, self.name)
        body = table.as_dict() if table is not None else None
        table_id = (body or {}).get("id") or resource_id(self.conn.subscription_id, self.group, ROUTE_TABLES,
                                                         self.name)
        raw = {r.get("name"): r for r in ((body or {}).get("properties") or {}).get("routes") or []}
        have = [canonical_route(r) for r in raw.values()]
        have_subnets = [ref_id(s) for s in ((body or {}).get("properties") or {}).get("subnets") or []]
        location = (body or {}).get("location") or self.p.get("location")
        before = view(table_id, self.name, self.group, location, have, self.prefix, have_subnets,
                      owned(body, self.p["topology"])) if body else None
        if body is None and self.state in ("deleted", "gathered"):
            out = self.changes.result("route_table", None, None)
            if self.state == "gathered":
                out["gathered"] = []
            return out
        routes, ops, warnings = plan_routes(have, self.want, self.state, self.prefix, self.p["take_over"], self.name)
        if body is None:
            if not location:
                raise ValidationError("location", None, f"is required to create route table {self.name}",
                                      "set location to the region of the virtual networks")
            self.changes.do("create_route_table", self.name, lambda: None, location=location)
        for op in ops:
            action = op.pop("action")
            self.changes.do(action, self.name, lambda: None, **op)
        if body is None or ops:
            new_body = self._table_body(body, raw, routes, location)
            etag = (body or {}).get("etag")
            self.changes.do("write_route_table", self.name,
                            lambda: put_route_table(self.conn, self.group, self.name, new_body, etag, self.timeout),
                            routes=len(routes))
        after_subnets = list(have_subnets)
        if self.state in ("merged", "replaced", "overridden"):
            for s in subnets:
                if not any(same_id(s["id"], x) for x in after_subnets):
                    self._associate(s, table_id)
                    after_subnets.append(s["id"])
        after = view(table_id, self.name, self.group, location, routes, self.prefix, after_subnets,
                     owned(body, self.p["topology"]) if body else True)
        kept = []
        if self.remove_table:
            managed_left, foreign_left = split_routes(routes, self.prefix)
            detach, kept = removal_plan(owned(body, self.p["topology"]), self.p["topology"], managed_left, foreign_left,
                                        have_subnets, [s["id"] for s in subnets])
            if kept:
                warnings.append(f"Route table {self.name} was kept with its subnet associations: " + "; ".join(kept)
                                + ".")
            else:
                RouteTableRemoval(self.conn, self.changes, self.group, self.name, self.p["topology"],
                                  self.timeout).remove(table_id, detach)
                after = None
        out = self.changes.result("route_table", before, after)
        if warnings:
            out["warnings"] = warnings
        if kept:
            out["kept_reasons"] = kept
        if self.state == "gathered":
            out["gathered"] = [{k: v for k, v in r.items() if k != "name"} for r in after["routes"]]
        return out

    def _table_body(self, body, raw, routes, location) -> dict:
        new_routes = []
        for r in routes:
            old = raw.get(r["name"])
            new_routes.append(old if old is not None and canonical_route(old) == r else route_body(r))
        if body is None:
            return {"location": location, "tags": desired_tags(self.p["topology"], self.p.get("tags")),
                    "properties": {"routes": new_routes}}
        out = {k: v for k, v in body.items() if k in ("location", "tags")}
        props = {k: v for k, v in (body.get("properties") or {}).items() if k != "subnets"}
        props["routes"] = new_routes
        out["properties"] = props
        return out

    def _associate(self, s: dict, table_id: str):
        subnet = get_subnet(self.conn, s["resource_group"], s["virtual_network"], s["name"])
        if subnet is None:
            raise NotFoundError(f"Subnet {s['virtual_network']}/{s['name']} in resource group {s['resource_group']} "
                                "does not exist. Fix: create it first or correct subnets.")
        body = subnet.as_dict()
        current = ref_id((body.get("properties") or {}).get("routeTable"))
        if current and not same_id(current, table_id) and not self.p["take_over"]:
            raise ConflictError(f"Subnet {s['virtual_network']}/{s['name']} is associated with route table "
                                f"{parse_id(current)['name']}. Fix: remove it from subnets, or set take_over: true "
                                f"to associate it with {self.name} instead.")
        body.setdefault("properties", {})["routeTable"] = {"id": table_id}
        self.changes.do("associate_subnet", s["id"],
                        lambda: put_subnet(self.conn, s["resource_group"], s["virtual_network"], s["name"], body,
                                           body.get("etag"), self.timeout),
                        previous=current)


def gather(conn, group: str, topology: str, prefix: str, name: str | None = None) -> list:
    """Route tables of a resource group (or the named one) in the shape azure_route_set returns."""
    if name:
        found = get_route_table(conn, group, name)
        bodies = [found.as_dict()] if found is not None else []
    else:
        bodies = [t.as_dict() for t in conn.call("network", "route_tables", "list", group)]
    out = []
    for body in bodies:
        p = body.get("properties") or {}
        out.append(view(body.get("id"), body.get("name"), group, body.get("location"),
                        [canonical_route(r) for r in p.get("routes") or []], prefix,
                        [ref_id(s) for s in p.get("subnets") or []], owned(body, topology)))
    return sorted(out, key=lambda t: t["name"])
