# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A route-based, active-active Azure VPN gateway with BGP and APIPA addresses, and its two public IPs.

The gateway has two IP configurations, ``ipconfig1`` (instance 0) and ``ipconfig2`` (instance 1), in the
virtual network's GatewaySubnet, each with its own Standard static public IP. APIPA addresses
(169.254.21.0-169.254.22.255) are set per instance as ``customBgpIpAddresses``; the AWS side of each tunnel
peers with them. Updates are a read-modify-write PUT with ``If-Match``.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import (
    check_ip,
    check_name,
    desired_tags,
    owned,
    ref_id,
    resource_id,
    tags_match,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    NotFoundError,
    ValidationError,
)

GATEWAYS = "Microsoft.Network/virtualNetworkGateways"
PUBLIC_IPS = "Microsoft.Network/publicIPAddresses"
IP_CONFIGS = ("ipconfig1", "ipconfig2")


# --- wrappers -------------------------------------------------------------------------------------


def get_gateway(conn, group, name):
    return conn.call("network", "virtual_network_gateways", "get", group, name, not_found=True)


def put_gateway(conn, group, name, body, etag, timeout, wait):
    headers = {"If-Match": etag} if etag else {"If-None-Match": "*"}
    return conn.run("network", "virtual_network_gateways", "begin_create_or_update", group, name, body,
                    headers=headers, what=f"VPN gateway {name}", timeout=timeout, wait=wait)


def delete_gateway(conn, group, name, timeout):
    return conn.run("network", "virtual_network_gateways", "begin_delete", group, name,
                    what=f"deletion of VPN gateway {name}", timeout=timeout)


def get_public_ip(conn, group, name):
    return conn.call("network", "public_ip_addresses", "get", group, name, not_found=True)


def put_public_ip(conn, group, name, body, timeout):
    return conn.run("network", "public_ip_addresses", "begin_create_or_update", group, name, body,
                    headers={"If-None-Match": "*"}, what=f"public IP {name}", timeout=timeout)


def delete_public_ip(conn, group, name, timeout):
    return conn.run("network", "public_ip_addresses", "begin_delete", group, name,
                    what=f"deletion of public IP {name}", timeout=timeout)


def get_subnet(conn, group, vnet, name):
    return conn.call("network", "subnets", "get", group, vnet, name, not_found=True)


# --- pure helpers -----------------------------------------------------------------------------------


def want_apipa(value) -> list:
    """``[[instance 0 addresses], [instance 1 addresses]]``, validated."""
    value = value or [[], []]
    if len(value) != 2:
        raise ValidationError("apipa_addresses", value, "needs one list per gateway instance (two)",
                              "give [[instance 0 addresses], [instance 1 addresses]]")
    out = []
    for i, addresses in enumerate(value):
        out.append(sorted(check_ip(a, f"apipa_addresses[{i}]", apipa=True) for a in addresses or []))
    flat = [a for group in out for a in group]
    if len(flat) != len(set(flat)):
        raise ValidationError("apipa_addresses", value, "repeats an address", "give each APIPA address once")
    return out


def gateway_view(body: dict, public_ips: dict) -> dict:
    """The module's view of a gateway REST body; ``public_ips`` maps lower-cased ID -> (name, address)."""
    p = body.get("properties") or {}
    bgp = p.get("bgpSettings") or {}
    peering = {(b.get("ipconfigurationId") or "").rsplit("/", 1)[-1]: b for b in bgp.get("bgpPeeringAddresses") or []}
    instances = []
    for cfg in p.get("ipConfigurations") or []:
        pip_id = ref_id((cfg.get("properties") or {}).get("publicIPAddress"))
        name, address = public_ips.get((pip_id or "").lower(), (None, None))
        b = peering.get(cfg.get("name"), {})
        instances.append({
            "ip_configuration": cfg.get("name"), "public_ip_name": name, "public_ip_address": address,
            "default_bgp_addresses": b.get("defaultBgpIpAddresses"),
            "apipa_addresses": sorted(b.get("customBgpIpAddresses") or []),
        })
    sku = p.get("sku") or {}
    return {
        "id": body.get("id"), "name": body.get("name"), "location": body.get("location"),
        "sku": sku.get("name"), "generation": p.get("vpnGatewayGeneration"), "vpn_type": p.get("vpnType"),
        "active_active": p.get("activeActive"), "enable_bgp": p.get("enableBgp"), "asn": bgp.get("asn"),
        "instances": instances, "tags": body.get("tags") or {},
    }


def drift(body: dict, want: dict) -> list:
    """Names of the settings that differ from ``want`` (sku, asn, apipa, tags...)."""
    p = body.get("properties") or {}
    view = gateway_view(body, {})
    out = []
    if view["sku"] != want["sku"]:
        out.append("sku")
    if view["asn"] != want["asn"]:
        out.append("asn")
    if [i["apipa_addresses"] for i in view["instances"]] != want["apipa"]:
        out.append("apipa_addresses")
    if not p.get("activeActive") or not p.get("enableBgp"):
        out.append("active_active_bgp")
    if not tags_match(body.get("tags"), want["tags"]):
        out.append("tags")
    return out


class VpnGatewayManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.group = check_name(params["resource_group"], "resource_group")
        self.name = check_name(params["name"], "name")
        self.timeout = params["wait_timeout"]
        names = params.get("public_ip_names") or [f"{self.name}-pip1", f"{self.name}-pip2"]
        if len(names) != 2:
            raise ValidationError("public_ip_names", names, "needs two names (one per instance)",
                                  "give two public IP names or leave it unset")
        self.pip_names = [check_name(n, "public_ip_names") for n in names]
        self.want = {"sku": params["sku"], "asn": params["asn"], "apipa": want_apipa(params.get("apipa_addresses")),
                     "tags": desired_tags(params["topology"], params.get("tags"))}
        if params["state"] == "present" and not (params.get("virtual_network") and params.get("location")):
            raise ValidationError("virtual_network", params.get("virtual_network"),
                                  "and location are required with state=present",
                                  "name the virtual network holding the GatewaySubnet and its region")

    def _ids(self):
        sub = self.conn.subscription_id
        gw_id = resource_id(sub, self.group, GATEWAYS, self.name)
        pip_ids = [resource_id(sub, self.group, PUBLIC_IPS, n) for n in self.pip_names]
        return gw_id, pip_ids

    def _read_public_ips(self) -> dict:
        out = {}
        for n in self.pip_names:
            pip = get_public_ip(self.conn, self.group, n)
            if pip is not None:
                body = pip.as_dict()
                out[body["id"].lower()] = (n, (body.get("properties") or {}).get("ipAddress"), body)
        return out

    def ensure(self) -> dict:
        gateway = get_gateway(self.conn, self.group, self.name)
        body = gateway.as_dict() if gateway is not None else None
        if body is not None and not owned(body, self.p["topology"]):
            if self.p["state"] == "absent":
                out = self.changes.result("gateway", None, None)
                out["warnings"] = [f"VPN gateway {self.name} is not managed by the collection; left in place."]
                return out
            raise ConflictError(f"VPN gateway {self.name} exists and is not managed by the collection for topology "
                                f"{self.p['topology']}. Fix: choose another name or topology.")
        pips = self._read_public_ips()
        names = {k: (v[0], v[1]) for k, v in pips.items()}
        before = gateway_view(body, names) if body else None
        if self.p["state"] == "absent":
            return self._absent(body, pips, before)
        gw_id, pip_ids = self._ids()
        for n, pid in zip(self.pip_names, pip_ids):
            if pid.lower() not in pips:
                pip_body = {"location": self.p["location"], "tags": self.want["tags"],
                            "sku": {"name": "Standard", "tier": "Regional"},
                            "properties": {"publicIPAllocationMethod": "Static", "publicIPAddressVersion": "IPv4"}}
                self.changes.do("create_public_ip", n, lambda n=n, b=pip_body: put_public_ip(
                    self.conn, self.group, n, b, self.timeout))
                names[pid.lower()] = (n, None)
        if body is None:
            new = self._create_body(gw_id, pip_ids)
            self.changes.do("create_gateway", self.name, lambda: put_gateway(
                self.conn, self.group, self.name, new, None, self.timeout, self.p["wait"]),
                sku=self.want["sku"], asn=self.want["asn"])
            after = gateway_view(dict(new, id=gw_id, name=self.name), names)
        else:
            differs = drift(body, self.want)
            new = self._update_body(body, gw_id) if differs else body
            if differs:
                self.changes.do("update_gateway", self.name, lambda: put_gateway(
                    self.conn, self.group, self.name, new, body.get("etag"), self.timeout, self.p["wait"]),
                    settings=differs)
            after = gateway_view(new, names)
        if self.changes.changed and not self.changes.check_mode and self.p["wait"]:
            fresh = get_gateway(self.conn, self.group, self.name)
            read = self._read_public_ips()
            after = gateway_view(fresh.as_dict(), {k: (v[0], v[1]) for k, v in read.items()})
        return self.changes.result("gateway", before, after)

    def _create_body(self, gw_id, pip_ids) -> dict:
        vnet_rg = self.p.get("virtual_network_resource_group") or self.group
        subnet = get_subnet(self.conn, vnet_rg, self.p["virtual_network"], "GatewaySubnet")
        if subnet is None:
            raise NotFoundError(f"Virtual network {self.p['virtual_network']} in {vnet_rg} has no GatewaySubnet. "
                                "Fix: add a subnet named GatewaySubnet (/27 or larger) first.")
        configs = [{"name": cfg, "properties": {"privateIPAllocationMethod": "Dynamic",
                                                "subnet": {"id": subnet.as_dict()["id"]},
                                                "publicIPAddress": {"id": pid}}}
                   for cfg, pid in zip(IP_CONFIGS, pip_ids)]
        return {
            "location": self.p["location"], "tags": self.want["tags"],
            "properties": {
                "gatewayType": "Vpn", "vpnType": "RouteBased", "activeActive": True, "enableBgp": True,
                "sku": {"name": self.want["sku"], "tier": self.want["sku"]},
                "vpnGatewayGeneration": self.p["generation"], "ipConfigurations": configs,
                "bgpSettings": {"asn": self.want["asn"], "bgpPeeringAddresses": self._peering(gw_id)},
            },
        }

    def _peering(self, gw_id) -> list:
        return [{"ipconfigurationId": f"{gw_id}/ipConfigurations/{cfg}", "customBgpIpAddresses": addresses}
                for cfg, addresses in zip(IP_CONFIGS, self.want["apipa"])]

    def _update_body(self, body, gw_id) -> dict:
        new = {k: v for k, v in body.items() if k in ("location", "tags", "properties")}
        new["tags"] = dict(body.get("tags") or {}, **self.want["tags"])
        p = dict(new["properties"])
        p.update({"activeActive": True, "enableBgp": True, "sku": {"name": self.want["sku"], "tier": self.want["sku"]}})
        bgp = dict(p.get("bgpSettings") or {})
        bgp["asn"] = self.want["asn"]
        names = [c.get("name") for c in p.get("ipConfigurations") or []]
        bgp["bgpPeeringAddresses"] = [{"ipconfigurationId": f"{body['id']}/ipConfigurations/{cfg}",
                                       "customBgpIpAddresses": addresses}
                                      for cfg, addresses in zip(names, self.want["apipa"])]
        p["bgpSettings"] = bgp
        new["properties"] = p
        return new

    def _absent(self, body, pips, before) -> dict:
        if body is not None:
            self.changes.do("delete_gateway", self.name,
                            lambda: delete_gateway(self.conn, self.group, self.name, self.timeout))
        for _pid, (n, _addr, pip_body) in sorted(pips.items()):
            if owned(pip_body, self.p["topology"]):
                self.changes.do("delete_public_ip", n,
                                lambda n=n: delete_public_ip(self.conn, self.group, n, self.timeout))
        return self.changes.result("gateway", before, None)


def gather(conn, group: str, name: str | None = None) -> list:
    """Gateways of a resource group (or the named one) in the module's view, public IPs resolved."""
    if name:
        found = get_gateway(conn, group, name)
        bodies = [found.as_dict()] if found is not None else []
    else:
        bodies = [g.as_dict() for g in conn.call("network", "virtual_network_gateways", "list", group)]
    if not bodies:
        return []
    pips = {}
    for pip in conn.call("network", "public_ip_addresses", "list", group):
        body = pip.as_dict()
        pips[body["id"].lower()] = (body.get("name"), (body.get("properties") or {}).get("ipAddress"))
    return sorted((gateway_view(b, pips) for b in bodies), key=lambda g: g["name"])
