# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GCP route sets: the collection's static routes in one network and custom advertised ranges on one router.

Ownership: a managed route is named ``<name_prefix>-<hash>`` and carries the ownership marker for the
topology in its description; a managed advertised range carries the marker in its description. Routes
cannot be updated on GCP, so a changed route is created under its new deterministic name before the old
one is deleted (make-before-break).
"""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ConflictError, ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import canonical_cidr
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import ownership as own

STATES = ("merged", "replaced", "overridden", "deleted", "gathered", "rendered")
HOPS = ("next_hop_vpn_tunnel", "next_hop_ip", "next_hop_gateway")
API_HOP = {"next_hop_vpn_tunnel": "nextHopVpnTunnel", "next_hop_ip": "nextHopIp", "next_hop_gateway": "nextHopGateway"}
SYSTEM_ROUTE_TYPES = {"SUBNET", "PEERING", "BGP"}


def _rel(link: str | None) -> str | None:
    if not link:
        return link
    return "projects/" + link.split("projects/", 1)[1] if "projects/" in link else link


def canonical_hop(kind: str, value: str, project: str, region: str | None, field: str) -> str:
    if kind == "next_hop_ip":
        try:
            return str(ipaddress.IPv4Address(value))
        except ValueError:
            raise ValidationError(field, value, "is not an IPv4 address",
                                  "use an address inside a subnetwork") from None
    if kind == "next_hop_gateway":
        name = own.last(value)
        if name != "default-internet-gateway":
            raise ValidationError(field, value, "is not a gateway GCP routes accept", "use default-internet-gateway")
        return f"projects/{project}/global/gateways/default-internet-gateway"
    if "/" in value:
        return _rel(value) if "projects/" in value else f"projects/{project}/{value.lstrip('/')}"
    if not region:
        raise ValidationError(field, value, "names a tunnel without a region",
                              "set region or give regions/<r>/vpnTunnels/<n>")
    return f"projects/{project}/regions/{region}/vpnTunnels/{own.check_name(value, field)}"


def normalize_config(config: list, project: str, region: str | None, state: str) -> list[dict]:
    """Canonical routes: {destination, hop_kind, hop, priority, tags}; hop may be None with state=deleted."""
    out, seen = [], set()
    for i, item in enumerate(config or []):
        field = f"config[{i}]"
        dest = canonical_cidr(item.get("destination"), f"{field}.destination")
        if ipaddress.ip_network(dest).version != 4:
            raise ValidationError(f"{field}.destination", dest, "is not IPv4", "use an IPv4 CIDR")
        hops = [k for k in HOPS if item.get(k)]
        if len(hops) > 1 or (not hops and state != "deleted"):
            raise ValidationError(field, ", ".join(hops) or None, "needs exactly one next hop",
                                  "set one of " + ", ".join(HOPS))
        hop_kind = hops[0] if hops else None
        hop = canonical_hop(hop_kind, item[hop_kind], project, region, f"{field}.{hop_kind}") if hop_kind else None
        route = {"destination": dest, "hop_kind": hop_kind, "hop": hop,
                 "priority": int(item.get("priority") if item.get("priority") is not None else 1000),
                 "tags": sorted(set(item.get("tags") or []))}
        if (dest, hop) in seen:
            raise ValidationError(field, dest, "repeats a destination and next hop", "list each route once")
        seen.add((dest, hop))
        out.append(route)
    return out


def route_from_api(r: dict) -> dict:
    kind = next((k for k, api in API_HOP.items() if r.get(api)), None)
    hop = r.get(API_HOP[kind]) if kind else None
    return {"name": r.get("name"), "destination": r.get("destRange"), "hop_kind": kind,
            "hop": hop if kind == "next_hop_ip" else _rel(hop), "priority": int(r.get("priority", 1000)),
            "tags": sorted(r.get("tags") or []), "description": r.get("description"),
            "route_type": r.get("routeType"),
            "other_hop": None if kind else next((v for k, v in r.items() if k.startswith("nextHop") and v), None)}


def route_name(prefix: str, network: str, route: dict, topology: str) -> str:
    """Deterministic name: the same declared route of the same topology always gets the same name."""
    digest = own.short_hash(topology, network, route["destination"], route["hop"], route["priority"], route["tags"])
    return f"{prefix}-{digest}"


def slot(route: dict):
    return (route["destination"], route["hop"])


def same_route(a: dict, b: dict) -> bool:
    return slot(a) == slot(b) and a["priority"] == b["priority"] and a["tags"] == b["tags"]


def config_form(route: dict) -> dict:
    out = {"destination": route["destination"], "priority": route["priority"]}
    if route.get("hop_kind"):
        out[route["hop_kind"]] = route["hop"]
    if route.get("tags"):
        out["tags"] = route["tags"]
    if route.get("name"):
        out["name"] = route["name"]
    return out


def plan_routes(state: str, want: list, managed: list, foreign: list, take_over: bool):
    """Return (create, delete, foreign_conflicts, warnings) for one network (pure).

    ``managed``/``foreign`` are API routes in route_from_api form. Creates come before deletes.
    """
    dests = {w["destination"] for w in want}
    conflicts = [f for f in foreign if f["destination"] in dests]
    create, delete, warnings = [], [], []
    if state == "deleted":
        if want:
            for m in managed:
                if any(m["destination"] == w["destination"] and (w["hop"] is None or w["hop"] == m["hop"])
                       for w in want):
                    delete.append(m)
        else:
            delete = list(managed)
        for f in conflicts:
            if take_over:
                delete.append(f)
            else:
                warnings.append(f"Foreign route {f['name']} on {f['destination']} was left in place "
                                "(set take_over=true to delete it).")
        return create, delete, [], warnings
    if conflicts and not take_over:
        return [], [], conflicts, []
    kept = []
    for w in want:
        match = next((m for m in managed if same_route(m, w)), None)
        if match:
            kept.append(match)
        else:
            create.append(w)
    for m in managed:
        if m in kept:
            continue
        declared_slot = any(slot(m) == slot(w) for w in want)
        declared_dest = m["destination"] in dests
        if declared_slot or (state == "replaced" and declared_dest) or state == "overridden":
            delete.append(m)
    delete.extend(conflicts)
    return create, delete, [], warnings


def normalize_ranges(ranges: list) -> list[dict]:
    out, seen = [], set()
    for i, item in enumerate(ranges or []):
        cidr = canonical_cidr(item.get("range"), f"advertisements.ranges[{i}].range")
        if cidr in seen:
            raise ValidationError(f"advertisements.ranges[{i}].range", cidr, "is listed twice", "list each range once")
        seen.add(cidr)
        out.append({"range": cidr, "description": (item.get("description") or "").strip()})
    return out


def plan_ranges(state: str, want: list, have: list, topology: str, take_over: bool):
    """Return (new advertisedIpRanges list, conflicts) for one router (pure). ``have`` is the API list."""
    def managed(r):
        return own.description_owned(r.get("description"), topology)

    declared = {w["range"]: w for w in want}
    conflicts = [r for r in have if r["range"] in declared and not managed(r)]
    if conflicts and not take_over and state != "deleted":
        return None, conflicts
    result = []
    for r in have:
        rng = canonical_cidr(r["range"], "advertisedIpRanges")
        if state == "deleted":
            if (managed(r) and (not want or rng in declared)) or (take_over and rng in declared):
                continue
            result.append(r)
            continue
        if rng in declared:
            continue  # re-added below in its declared form
        if managed(r) and state == "overridden":
            continue
        result.append(r)
    if state != "deleted":
        for w in want:
            result.append({"range": w["range"], "description": own.with_marker(w["description"], topology)})
    return result, []


def range_key(ranges: list):
    return sorted((canonical_cidr(r["range"], "range"), r.get("description") or "") for r in ranges or [])


class RouteSetManager:
    def __init__(self, conn, params: dict, check_mode: bool, project: str | None = None):
        self.conn = conn
        self.params = params
        self.state = params["state"]
        self.topology = own.check_topology(params["topology"])
        self.take_over = params.get("take_over", False)
        self.changes = Changes(check_mode or self.state == "rendered")
        self.timeout = params.get("wait_timeout") or 300
        self.prefix = own.check_name(params.get("name_prefix") or "cloudnet-rt", "name_prefix")
        if len(self.prefix) > 40:
            raise ValidationError("name_prefix", self.prefix, "is longer than 40 characters", "shorten it")
        self.project = project or conn.project
        self.network = params.get("network")
        if self.network:
            self.network_path = own.network_path(self.project, self.network)
        elif params.get("config"):
            raise ValidationError("network", None, "is required with config", "name the VPC network of the routes")
        self.want = normalize_config(params.get("config"), self.project, params.get("region"), self.state)
        adv = params.get("advertisements")
        self.adv = None
        if adv:
            if not adv.get("router") or not params.get("region"):
                raise ValidationError("advertisements.router", adv.get("router"), "needs a router and region",
                                      "set advertisements.router and region")
            self.adv = dict(adv, ranges=normalize_ranges(adv.get("ranges")))
        self.warnings = []

    # -- routes -----------------------------------------------------------------------------------
    def _routes(self) -> tuple[list, list]:
        managed, foreign = [], []
        for r in self.conn.list("compute", f"projects/{self.project}/global/routes"):
            if not own.same_ref(r.get("network"), self.network_path) or r.get("routeType") in SYSTEM_ROUTE_TYPES:
                continue
            route = route_from_api(r)
            if (route["name"].startswith(self.prefix + "-")
                    and own.description_owned(r.get("description"), self.topology)):
                managed.append(route)
            else:
                foreign.append(route)
        return managed, foreign

    def _route_body(self, w: dict) -> dict:
        body = {"name": route_name(self.prefix, self.network_path, w, self.topology), "network": self.network_path,
                "destRange": w["destination"], "priority": w["priority"], API_HOP[w["hop_kind"]]: w["hop"],
                "description": own.with_marker(self.params.get("description") or "AWS endpoint prefixes",
                                               self.topology)}
        if w["tags"]:
            body["tags"] = w["tags"]
        return body

    def _check_tunnel(self, w: dict):
        if w["hop_kind"] != "next_hop_vpn_tunnel":
            return
        tunnel = self.conn.get("compute", w["hop"], not_found=True)
        if tunnel and tunnel.get("vpnGateway"):
            raise ConflictError(f"{own.last(w['hop'])} is an HA VPN tunnel; GCP accepts no static routes to HA VPN "
                                "(it is BGP-only). Fix: let the AWS prefixes arrive over BGP and use advertisements "
                                "for the ranges AWS should reach, or use a Classic VPN tunnel.")

    def _reconcile_routes(self, rendered: list):
        if self.state == "rendered":
            for w in self.want:
                body = self._route_body(w)
                rendered.append({"method": "POST", "path": f"projects/{self.project}/global/routes", "body": body})
            return [], [], [dict(config_form(w), name=route_name(self.prefix, self.network_path, w, self.topology))
                            for w in self.want]
        managed, foreign = self._routes()
        before = (managed, foreign)
        if self.state == "gathered":
            return before, before, None
        create, delete, conflicts, warnings = plan_routes(self.state, self.want, managed, foreign, self.take_over)
        self.warnings.extend(warnings)
        if conflicts:
            c = conflicts[0]
            raise ConflictError(f"Route {c['name']} on {c['destination']} in network {own.last(self.network_path)} "
                                f"is not managed by topology {self.topology} (next hop {c['hop'] or c['other_hop']}). "
                                "Fix: remove it, or set take_over=true to replace it with the declared route.")
        for w in create:
            self._check_tunnel(w)
        after_managed = list(managed)
        after_foreign = list(foreign)
        for w in create:
            body = self._route_body(w)
            self.changes.do("create_route", body["name"], lambda b=body: self.conn.compute_write(
                "POST", f"projects/{self.project}/global/routes", body=b, timeout=self.timeout,
                operation=f"create route {b['name']}"), destination=w["destination"], next_hop=w["hop"],
                priority=w["priority"])
            after_managed.append(dict(w, name=body["name"]))
        for d in delete:
            self.changes.do("delete_route", d["name"], lambda n=d["name"]: self.conn.compute_write(
                "DELETE", f"projects/{self.project}/global/routes/{n}", timeout=self.timeout,
                operation=f"delete route {n}"), destination=d["destination"], next_hop=d["hop"] or d["other_hop"],
                foreign=True if d in foreign else None)
            after_managed = [m for m in after_managed if m["name"] != d["name"]]
            after_foreign = [f for f in after_foreign if f["name"] != d["name"]]
        return before, (after_managed, after_foreign), None

    # -- advertisements ---------------------------------------------------------------------------
    def _router_path(self):
        return f"projects/{self.project}/regions/{self.params['region']}/routers/{self.adv['router']}"

    def _reconcile_ranges(self, rendered: list):
        adv = self.adv
        groups = ["ALL_SUBNETS"] if adv.get("advertise_all_subnets", True) else []
        if self.state == "rendered":
            ranges = plan_ranges("overridden", adv["ranges"], [], self.topology, False)[0]
            body = {"bgp": {"advertiseMode": "CUSTOM", "advertisedGroups": groups, "advertisedIpRanges": ranges}}
            rendered.append({"method": "PATCH", "path": self._router_path(), "body": body})
            return None, self._adv_view({"bgp": body["bgp"]})
        router = self.conn.get("compute", self._router_path(), not_found=True)
        if router is None and self.changes.check_mode and self.state in ("merged", "replaced", "overridden"):
            # The router is typically created earlier in the same play (gcp_ha_vpn), so check mode plans
            # against an empty router instead of failing.
            self.warnings.append(f"router {adv['router']} does not exist yet; advertisements are planned as for a "
                                 "new router")
            router = {"name": adv["router"], "bgp": {}}
        if router is None:
            raise ConflictError(f"Router {adv['router']} does not exist in {self.params['region']}. "
                                "Fix: create it first (gcp_ha_vpn) or correct advertisements.router.")
        before = self._adv_view(router)
        if self.state == "gathered":
            return before, before
        bgp = dict(router.get("bgp") or {})
        ranges, conflicts = plan_ranges(self.state, adv["ranges"], bgp.get("advertisedIpRanges") or [],
                                        self.topology, self.take_over)
        if conflicts:
            raise ConflictError(f"Advertised range {conflicts[0]['range']} on router {adv['router']} is not managed "
                                f"by topology {self.topology}. Fix: remove it, or set take_over=true to manage it.")
        new = dict(bgp, advertisedIpRanges=ranges)
        if self.state != "deleted" and (ranges or bgp.get("advertiseMode") == "CUSTOM"):
            new["advertiseMode"] = "CUSTOM"
            if bgp.get("advertiseMode") != "CUSTOM":
                new["advertisedGroups"] = groups
        if range_key(ranges) != range_key(bgp.get("advertisedIpRanges")) or new.get("advertiseMode", "DEFAULT") != \
                bgp.get("advertiseMode", "DEFAULT"):
            patch = {k: new[k] for k in ("asn", "advertiseMode", "advertisedGroups", "advertisedIpRanges") if k in new}
            self.changes.do("update_router", adv["router"], lambda: self.conn.compute_write(
                "PATCH", self._router_path(), body={"bgp": patch}, timeout=self.timeout,
                operation=f"update router {adv['router']}"), advertised_ranges=[r["range"] for r in ranges],
                advertise_mode=new.get("advertiseMode"))
            router = dict(router, bgp=new)
        return before, self._adv_view(router)

    def _adv_view(self, router: dict) -> dict:
        bgp = router.get("bgp") or {}
        ranges = bgp.get("advertisedIpRanges") or []
        return {"router": self.adv["router"], "region": self.params.get("region"),
                "advertise_mode": bgp.get("advertiseMode", "DEFAULT"),
                "advertised_groups": sorted(bgp.get("advertisedGroups") or []),
                "ranges": sorted(({"range": r["range"], "description": r.get("description", "")} for r in ranges
                                  if own.description_owned(r.get("description"), self.topology)),
                                 key=lambda r: r["range"]),
                "foreign_ranges": sorted(({"range": r["range"], "description": r.get("description", "")}
                                          for r in ranges if not own.description_owned(r.get("description"),
                                                                                       self.topology)),
                                         key=lambda r: r["range"])}

    # -- entry point ------------------------------------------------------------------------------
    def _routes_view(self, pair) -> dict | None:
        if pair is None or not self.network:
            return None
        managed, foreign = pair
        return {"network": own.last(self.network_path),
                "routes": sorted((config_form(m) for m in managed), key=lambda r: (r["destination"], r["name"])),
                "foreign_routes": sorted((config_form(f) | (
                    {"next_hop": f["other_hop"]} if f.get("other_hop") else {}) for f in foreign),
                    key=lambda r: (r["destination"], r["name"]))}

    def ensure(self) -> dict:
        rendered: list = []
        before, after = {"routes": None, "advertisements": None}, {"routes": None, "advertisements": None}
        if self.network:
            b, a, plan = self._reconcile_routes(rendered)
            if self.state == "rendered":
                after["routes"] = {"network": own.last(self.network_path), "routes": plan, "foreign_routes": []}
            else:
                before["routes"], after["routes"] = self._routes_view(b), self._routes_view(a)
        if self.adv:
            before["advertisements"], after["advertisements"] = self._reconcile_ranges(rendered)
        result = self.changes.result("route_set", before, after)
        if self.state == "rendered":
            result = {"changed": False, "rendered": rendered, "route_set": after, "operations": []}
        if self.state == "gathered":
            result["gathered"] = {"config": [config_form(m) for m in (after["routes"] or {}).get("routes", [])],
                                  "advertisements": (after["advertisements"] or {}).get("ranges", [])}
        if self.warnings:
            result["warnings"] = self.warnings
        return result
