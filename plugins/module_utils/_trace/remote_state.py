# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only Azure and GCP state for the path trace, through the connection layers the azure_*/gcp_* modules use.

Answers are the REST shapes (Azure ``properties``/camelCase, GCP compute and dns v1 JSON), cached for the run.
Unit tests replace these classes with fakes holding the same shapes.
"""

from __future__ import annotations

import functools


def _cached(fn):
    @functools.wraps(fn)
    def wrapper(self, *args):
        key = (fn.__name__, repr(args))
        if key not in self._cache:
            self._cache[key] = fn(self, *args)
        return self._cache[key]

    return wrapper


def parse_id(rid: str | None) -> dict:
    """``/subscriptions/s/resourceGroups/g/providers/P/type/name[/child/name]`` as {group, name, child}."""
    parts = (rid or "").strip("/").split("/")
    out = {"group": None, "name": None, "child": None}
    lowered = [p.lower() for p in parts]
    if "resourcegroups" in lowered:
        out["group"] = parts[lowered.index("resourcegroups") + 1]
    if "providers" in lowered:
        rest = parts[lowered.index("providers") + 1 :]
        out["name"] = rest[2] if len(rest) > 2 else None
        out["child"] = rest[4] if len(rest) > 4 else None
    return out


class AzureTraceState:
    def __init__(self, conn):
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import rest

        self.conn = conn
        self._rest = rest
        self._cache: dict = {}

    def _get(self, service, group, *args):
        return self._rest(self.conn.call(service, group, "get", *args, not_found=True)) or None

    def _list(self, service, group, *args):
        return [self._rest(m) for m in self.conn.call(service, group, "list", *args)]

    @_cached
    def vnet(self, group: str, name: str):
        return self._get("network", "virtual_networks", group, name)

    @_cached
    def route_table(self, rid: str):
        ref = parse_id(rid)
        return self._get("network", "route_tables", ref["group"], ref["name"])

    @_cached
    def gateways(self, group: str) -> list:
        return self._list("network", "virtual_network_gateways", group)

    @_cached
    def public_ip(self, rid: str):
        ref = parse_id(rid)
        return self._get("network", "public_ip_addresses", ref["group"], ref["name"])

    @_cached
    def connections(self, group: str) -> list:
        return self._list("network", "virtual_network_gateway_connections", group)

    @_cached
    def local_gateway(self, rid: str):
        ref = parse_id(rid)
        return self._get("network", "local_network_gateways", ref["group"], ref["name"])

    @_cached
    def rulesets(self) -> list:
        """Every forwarding ruleset of the subscription, each with its rules and VNet links."""
        out = []
        for body in self._list("dnsresolver", "dns_forwarding_rulesets"):
            group = parse_id(body.get("id"))["group"]
            rules = self._list("dnsresolver", "forwarding_rules", group, body["name"])
            links = self._list("dnsresolver", "virtual_network_links", group, body["name"])
            out.append(dict(body, rules=rules, links=links))
        return out


class GcpTraceState:
    def __init__(self, conn):
        self.conn = conn
        self._cache: dict = {}

    @property
    def project(self) -> str:
        return self.conn.project

    @_cached
    def network(self, name: str):
        return self.conn.get("compute", f"projects/{self.project}/global/networks/{name}", not_found=True)

    @_cached
    def subnetworks(self, region: str) -> list:
        return self.conn.list("compute", f"projects/{self.project}/regions/{region}/subnetworks")

    @_cached
    def routes(self) -> list:
        return self.conn.list("compute", f"projects/{self.project}/global/routes")

    @_cached
    def routers(self, region: str) -> list:
        return self.conn.list("compute", f"projects/{self.project}/regions/{region}/routers")

    @_cached
    def router_status(self, region: str, name: str) -> dict:
        found = self.conn.get(
            "compute", f"projects/{self.project}/regions/{region}/routers/{name}/getRouterStatus", not_found=True
        )
        return (found or {}).get("result") or {}

    @_cached
    def vpn_tunnels(self, region: str) -> list:
        return self.conn.list("compute", f"projects/{self.project}/regions/{region}/vpnTunnels")

    @_cached
    def vpn_gateways(self, region: str) -> list:
        return self.conn.list("compute", f"projects/{self.project}/regions/{region}/vpnGateways")

    @_cached
    def managed_zones(self) -> list:
        return self.conn.list("dns", f"projects/{self.project}/managedZones", key="managedZones")
