# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One local network gateway and one IPsec connection per AWS tunnel, on an Azure VPN gateway.

The local network gateway carries the tunnel's outside IP and the AWS BGP peer (inside address, ASN); the
connection enables BGP and, for APIPA peering, names the gateway custom BGP address per IP configuration.
The shared key is compared through ``connections/{name}/sharedkey`` and set there when it differs; it is
never returned, logged or put in an operation.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import (
    check_ip,
    check_name,
    desired_tags,
    owned,
    ref_id,
    resource_id,
    same_id,
    tags_match,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)

LNGS = "Microsoft.Network/localNetworkGateways"
CONNECTIONS = "Microsoft.Network/connections"
GATEWAYS = "Microsoft.Network/virtualNetworkGateways"


# --- wrappers -------------------------------------------------------------------------------------


def get_lng(conn, group, name):
    return conn.call("network", "local_network_gateways", "get", group, name, not_found=True)


def put_lng(conn, group, name, body, timeout):
    return conn.run("network", "local_network_gateways", "begin_create_or_update", group, name, body,
                    what=f"local network gateway {name}", timeout=timeout)


def delete_lng(conn, group, name, timeout):
    return conn.run("network", "local_network_gateways", "begin_delete", group, name,
                    what=f"deletion of local network gateway {name}", timeout=timeout)


def get_connection(conn, group, name):
    return conn.call("network", "virtual_network_gateway_connections", "get", group, name, not_found=True)


def put_connection(conn, group, name, body, timeout):
    return conn.run("network", "virtual_network_gateway_connections", "begin_create_or_update", group, name, body,
                    what=f"connection {name}", timeout=timeout)


def delete_connection(conn, group, name, timeout):
    return conn.run("network", "virtual_network_gateway_connections", "begin_delete", group, name,
                    what=f"deletion of connection {name}", timeout=timeout)


def get_shared_key(conn, group, name) -> str | None:
    result = conn.call("network", "virtual_network_gateway_connections", "get_shared_key", group, name,
                       not_found=True)
    return None if result is None else result.as_dict().get("value")


def set_shared_key(conn, group, name, value, timeout):
    return conn.run("network", "virtual_network_gateway_connections", "begin_set_shared_key", group, name,
                    {"value": value}, what=f"shared key of connection {name}", timeout=timeout)


def get_gateway(conn, group, name):
    return conn.call("network", "virtual_network_gateways", "get", group, name, not_found=True)


# --- pure helpers -----------------------------------------------------------------------------------


def want_tunnels(tunnels, state: str) -> list:
    out, seen = [], set()
    for i, t in enumerate(tunnels or []):
        field = f"tunnels[{i}]"
        name = check_name(t.get("name"), f"{field}.name")
        if name in seen:
            raise ValidationError(f"{field}.name", name, "is declared twice", "give each tunnel its own name")
        seen.add(name)
        item = {"name": name, "local_network_gateway": check_name(t.get("local_network_gateway") or f"{name}-lng",
                                                                  f"{field}.local_network_gateway")}
        if state == "present":
            for key in ("peer_ip", "bgp_peer_address", "shared_key"):
                if not t.get(key):
                    raise ValidationError(f"{field}.{key}", None, "is required with state=present",
                                          "give the AWS tunnel's value")
            item["peer_ip"] = check_ip(t["peer_ip"], f"{field}.peer_ip")
            item["bgp_peer_address"] = check_ip(t["bgp_peer_address"], f"{field}.bgp_peer_address")
            item["asn"] = int(t.get("asn") or 64512)
            item["shared_key"] = t["shared_key"]
            custom = []
            for j, c in enumerate(t.get("gateway_custom_bgp_addresses") or []):
                custom.append({"ip_configuration": check_name(c.get("ip_configuration"),
                                                              f"{field}.gateway_custom_bgp_addresses[{j}]"),
                               "address": check_ip(c.get("address"), f"{field}.gateway_custom_bgp_addresses[{j}]",
                                                   apipa=True)})
            item["gateway_custom_bgp_addresses"] = sorted(custom, key=lambda c: c["ip_configuration"])
        out.append(item)
    return out


def lng_body(t: dict, location: str, tags: dict) -> dict:
    return {"location": location, "tags": tags, "properties": {
        "gatewayIpAddress": t["peer_ip"], "localNetworkAddressSpace": {"addressPrefixes": []},
        "bgpSettings": {"asn": t["asn"], "bgpPeeringAddress": t["bgp_peer_address"]}}}


def lng_drift(body: dict, t: dict, tags: dict) -> bool:
    p = body.get("properties") or {}
    bgp = p.get("bgpSettings") or {}
    return (p.get("gatewayIpAddress") != t["peer_ip"] or bgp.get("asn") != t["asn"]
            or bgp.get("bgpPeeringAddress") != t["bgp_peer_address"] or not tags_match(body.get("tags"), tags))


def connection_body(t: dict, location: str, tags: dict, gw_id: str, lng_id: str, protocol: str) -> dict:
    return {"location": location, "tags": tags, "properties": {
        "connectionType": "IPsec", "connectionProtocol": protocol, "enableBgp": True,
        "virtualNetworkGateway1": {"id": gw_id}, "localNetworkGateway2": {"id": lng_id},
        "sharedKey": t["shared_key"],
        "gatewayCustomBgpIpAddresses": [{"ipConfigurationId": f"{gw_id}/ipConfigurations/{c['ip_configuration']}",
                                         "customBgpIpAddress": c["address"]}
                                        for c in t["gateway_custom_bgp_addresses"]]}}


def custom_addresses(p: dict) -> list:
    return sorted(({"ip_configuration": (c.get("ipConfigurationId") or "").rsplit("/", 1)[-1],
                    "address": c.get("customBgpIpAddress")} for c in p.get("gatewayCustomBgpIpAddresses") or []),
                  key=lambda c: c["ip_configuration"])


def connection_drift(body: dict, want: dict, tags: dict) -> list:
    p = body.get("properties") or {}
    out = []
    if not same_id(ref_id(p.get("virtualNetworkGateway1")), want["properties"]["virtualNetworkGateway1"]["id"]):
        out.append("virtual_network_gateway")
    if not same_id(ref_id(p.get("localNetworkGateway2")), want["properties"]["localNetworkGateway2"]["id"]):
        out.append("local_network_gateway")
    if not p.get("enableBgp"):
        out.append("enable_bgp")
    if p.get("connectionProtocol") != want["properties"]["connectionProtocol"]:
        out.append("connection_protocol")
    if custom_addresses(p) != custom_addresses(want["properties"]):
        out.append("gateway_custom_bgp_addresses")
    if not tags_match(body.get("tags"), tags):
        out.append("tags")
    return out


def tunnel_view(conn_body: dict, lng: dict) -> dict:
    """A tunnel as the module returns it: never the shared key."""
    p = conn_body.get("properties") or {}
    lp = lng.get("properties") or {}
    bgp = lp.get("bgpSettings") or {}
    return {
        "name": conn_body.get("name"), "id": conn_body.get("id"),
        "virtual_network_gateway_id": ref_id(p.get("virtualNetworkGateway1")),
        "connection_protocol": p.get("connectionProtocol"), "enable_bgp": p.get("enableBgp"),
        "gateway_custom_bgp_addresses": custom_addresses(p),
        "local_network_gateway": {"name": lng.get("name"), "id": lng.get("id"),
                                  "gateway_ip_address": lp.get("gatewayIpAddress"),
                                  "bgp_peer_address": bgp.get("bgpPeeringAddress"), "asn": bgp.get("asn")},
    }


class VpnConnectionManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.group = check_name(params["resource_group"], "resource_group")
        self.gateway = check_name(params["virtual_network_gateway"], "virtual_network_gateway")
        self.gateway_group = params.get("virtual_network_gateway_resource_group") or self.group
        self.tunnels = want_tunnels(params.get("tunnels"), params["state"])
        self.tags = desired_tags(params["topology"], params.get("tags"))
        self.timeout = params["wait_timeout"]

    def _check_owned(self, body, what, name):
        if body is not None and not owned(body, self.p["topology"]):
            raise ConflictError(f"{what} {name} exists and is not managed by the collection for topology "
                                f"{self.p['topology']}. Fix: choose another tunnel name or topology.")

    def ensure(self) -> dict:
        before, after = [], []
        if self.p["state"] == "present":
            gw = get_gateway(self.conn, self.gateway_group, self.gateway)
            if gw is None:
                raise NotFoundError(f"VPN gateway {self.gateway} does not exist in {self.gateway_group}. Fix: create "
                                    "it first (azure_vpn_gateway).")
            gw = gw.as_dict()
            self.location = self.p.get("location") or gw.get("location")
            for t in self.tunnels:
                b, a = self._present(t, gw["id"])
                if b:
                    before.append(b)
                after.append(a)
        else:
            for t in self.tunnels:
                b = self._absent(t)
                if b:
                    before.append(b)
        return self.changes.result("tunnels", before, after)

    def _present(self, t: dict, gw_id: str):
        lng = get_lng(self.conn, self.group, t["local_network_gateway"])
        lng = lng.as_dict() if lng is not None else None
        self._check_owned(lng, "Local network gateway", t["local_network_gateway"])
        connection = get_connection(self.conn, self.group, t["name"])
        connection = connection.as_dict() if connection is not None else None
        self._check_owned(connection, "Connection", t["name"])
        before = tunnel_view(connection, lng or {}) if connection else None
        lng_id = resource_id(self.conn.subscription_id, self.group, LNGS, t["local_network_gateway"])
        want_lng = lng_body(t, self.location, self.tags)
        if lng is None or lng_drift(lng, t, self.tags):
            action = "create_local_network_gateway" if lng is None else "update_local_network_gateway"
            if lng is not None:
                want_lng["tags"] = dict(lng.get("tags") or {}, **self.tags)
            self.changes.do(action, t["local_network_gateway"], lambda: put_lng(
                self.conn, self.group, t["local_network_gateway"], want_lng, self.timeout),
                peer_ip=t["peer_ip"], bgp_peer_address=t["bgp_peer_address"], asn=t["asn"])
        want_conn = connection_body(t, self.location, self.tags, gw_id, lng_id, self.p["connection_protocol"])
        conn_id = resource_id(self.conn.subscription_id, self.group, CONNECTIONS, t["name"])
        if connection is None:
            self.changes.do("create_connection", t["name"], lambda: put_connection(
                self.conn, self.group, t["name"], want_conn, self.timeout))
        else:
            differs = connection_drift(connection, want_conn, self.tags)
            if differs:
                want_conn["tags"] = dict(connection.get("tags") or {}, **self.tags)
                self.changes.do("update_connection", t["name"], lambda: put_connection(
                    self.conn, self.group, t["name"], want_conn, self.timeout), settings=differs)
            elif get_shared_key(self.conn, self.group, t["name"]) != t["shared_key"]:
                self.changes.do("set_shared_key", t["name"], lambda: set_shared_key(
                    self.conn, self.group, t["name"], t["shared_key"], self.timeout))
        after = tunnel_view(dict(want_conn, name=t["name"], id=conn_id),
                            dict(want_lng, name=t["local_network_gateway"], id=lng_id))
        return before, after

    def _absent(self, t: dict):
        connection = get_connection(self.conn, self.group, t["name"])
        connection = connection.as_dict() if connection is not None else None
        lng = get_lng(self.conn, self.group, t["local_network_gateway"])
        lng = lng.as_dict() if lng is not None else None
        before = tunnel_view(connection, lng or {}) if connection else None
        if owned(connection, self.p["topology"]):
            self.changes.do("delete_connection", t["name"],
                            lambda: delete_connection(self.conn, self.group, t["name"], self.timeout))
        if owned(lng, self.p["topology"]):
            self.changes.do("delete_local_network_gateway", t["local_network_gateway"],
                            lambda: delete_lng(self.conn, self.group, t["local_network_gateway"], self.timeout))
        return before


def gather(conn, group: str, name: str | None = None) -> list:
    """IPsec connections of a resource group (or the named one) with their local network gateways."""
    if name:
        found = get_connection(conn, group, name)
        bodies = [found.as_dict()] if found is not None else []
    else:
        bodies = [c.as_dict() for c in conn.call("network", "virtual_network_gateway_connections", "list", group)]
    out = []
    for body in bodies:
        if ((body.get("properties") or {}).get("connectionType") or "").lower() != "ipsec":
            continue
        lng_ref = ref_id((body.get("properties") or {}).get("localNetworkGateway2"))
        lng = None
        if lng_ref:
            parts = lng_ref.split("/")
            lng = get_lng(conn, parts[4], parts[-1])
        out.append(tunnel_view(body, lng.as_dict() if lng is not None else {}))
    return sorted(out, key=lambda t: t["name"])
