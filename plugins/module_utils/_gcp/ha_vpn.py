# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""HA VPN to the AWS Transit Gateway: HA VPN gateway, external VPN gateway, Cloud Router, tunnels, BGP.

Creation order follows the dependencies GCP checks: gateway, external gateway, router, tunnels, then one
router patch with the tunnels' interfaces and BGP peers. Removal runs the other way. Shared secrets are
sent only in tunnel inserts; they are never read back, compared, returned or put in a diff.
``gateway_only`` reconciles the HA VPN gateway alone: its interface IPs are what the AWS customer gateways
need before the AWS tunnels (and so the external gateway and the tunnels here) can exist.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ConflictError, ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import ownership as own

REDUNDANCY = {1: "SINGLE_IP_INTERNALLY_REDUNDANT", 2: "TWO_IPS_REDUNDANCY", 4: "FOUR_IPS_REDUNDANCY"}


# -- validation and pure planning -------------------------------------------------------------------
def validate(params: dict) -> dict:
    """Check every option before any API call; return the normalised desired state."""
    name = own.check_name(params["name"], "name")
    own.check_topology(params["topology"])
    router = dict(params.get("router") or {})
    router_name = own.check_name(router.get("name") or f"{name}-router", "router.name")
    external = dict(params.get("external_gateway") or {})
    ext_name = own.check_name(external.get("name") or f"{name}-peer", "external_gateway.name")
    addresses = []
    for i, ip in enumerate(external.get("interfaces") or []):
        try:
            addresses.append(str(ipaddress.IPv4Address(str(ip).strip())))
        except ValueError:
            raise ValidationError(f"external_gateway.interfaces[{i}]", ip, "is not an IPv4 address",
                                  "list the public outside IPs of the AWS VPN tunnels") from None
    gateway_only = bool(params.get("gateway_only"))
    if gateway_only:
        if params["state"] != "present":
            raise ValidationError("gateway_only", True, "applies only to state=present",
                                  "drop gateway_only to remove the whole HA VPN")
        tunnel_names = [t.get("name") for t in params.get("tunnels") or []]  # never the secrets
        for field, value in (("external_gateway.interfaces", addresses), ("tunnels", tunnel_names)):
            if value:
                raise ValidationError(field, value, "cannot be combined with gateway_only=true",
                                      "drop it for the gateway-only call, or set gateway_only=false")
    if params["state"] == "present":
        if not params.get("network"):
            raise ValidationError("network", None, "is required with state=present", "name the VPC network")
    if params["state"] == "present" and not gateway_only:
        if len(addresses) not in REDUNDANCY:
            raise ValidationError("external_gateway.interfaces", addresses, "must list 1, 2 or 4 addresses",
                                  "list the AWS tunnel outside IPs (two VPN connections give 4)")
        if router.get("asn") is None:
            raise ValidationError("router.asn", None, "is required with state=present",
                                  "use a private ASN such as 64514 (16-bit 64512-65534 or 32-bit 4200000000+)")
    tunnels, seen = [], set()
    for i, t in enumerate(params.get("tunnels") or []):
        field = f"tunnels[{i}]"
        tname = own.check_name(t["name"], f"{field}.name")
        if len(tname) > 58:
            raise ValidationError(f"{field}.name", tname, "is longer than 58 characters",
                                  "shorten it: router interface and peer names append '-if' and '-bgp'")
        if tname in seen:
            raise ValidationError(f"{field}.name", tname, "is listed twice", "give every tunnel its own name")
        seen.add(tname)
        if t["peer_interface"] >= max(len(addresses), 1) or t["peer_interface"] < 0:
            raise ValidationError(f"{field}.peer_interface", t["peer_interface"],
                                  "is not an external gateway interface",
                                  f"use 0..{max(len(addresses), 1) - 1}")
        try:
            iface = ipaddress.IPv4Interface(t["ip_range"])
            peer_ip = ipaddress.IPv4Address(t["peer_ip_address"])
        except ValueError:
            raise ValidationError(f"{field}.ip_range", t["ip_range"], "is not an address with prefix",
                                  "use the GCP side of the AWS inside CIDR, e.g. 169.254.10.2/30") from None
        if peer_ip not in iface.network or peer_ip == iface.ip:
            raise ValidationError(f"{field}.peer_ip_address", t["peer_ip_address"],
                                  f"is not another address in {iface.network}", "use the AWS side of the inside CIDR")
        tunnels.append({
            "name": tname, "vpn_gateway_interface": t["vpn_gateway_interface"],
            "peer_interface": t["peer_interface"], "ike_version": t["ike_version"],
            "shared_secret": t.get("shared_secret"), "ip_range": iface.with_prefixlen,
            "peer_ip_address": str(peer_ip), "peer_asn": t["peer_asn"],
            "advertised_route_priority": t.get("advertised_route_priority"),
        })
    return {"name": name, "router": router_name, "asn": router.get("asn"), "external": ext_name,
            "addresses": addresses, "tunnels": tunnels, "gateway_only": gateway_only,
            "labels": own.desired_labels(params["topology"], params.get("labels"))}


def interface_name(tunnel: str) -> str:
    return f"{tunnel}-if"


def peer_name(tunnel: str) -> str:
    return f"{tunnel}-bgp"


def plan_router(have: dict, tunnels: list, managed: set, tunnel_link) -> tuple[list, list]:
    """The router's interfaces and BGP peers after the run.

    Entries for ``managed`` tunnel names (ours, wanted or purged) are rebuilt from ``tunnels``; every other
    interface and peer is kept as it is. Unknown fields of kept peers survive.
    """
    mine_if = {interface_name(n) for n in managed}
    mine_peer = {peer_name(n) for n in managed}
    old_peers = {p.get("name"): p for p in have.get("bgpPeers") or []}
    interfaces = [i for i in have.get("interfaces") or [] if i.get("name") not in mine_if]
    peers = [p for p in have.get("bgpPeers") or [] if p.get("name") not in mine_peer]
    for t in tunnels:
        interfaces.append({"name": interface_name(t["name"]), "ipRange": t["ip_range"],
                           "linkedVpnTunnel": tunnel_link(t["name"])})
        peer = dict(old_peers.get(peer_name(t["name"]), {}))
        peer.update({"name": peer_name(t["name"]), "interfaceName": interface_name(t["name"]),
                     "peerIpAddress": t["peer_ip_address"], "peerAsn": t["peer_asn"],
                     "ipAddress": t["ip_range"].split("/")[0]})
        if t.get("advertised_route_priority") is not None:
            peer["advertisedRoutePriority"] = t["advertised_route_priority"]
        peers.append(peer)
    return interfaces, peers


def _iface_key(i: dict):
    return (i.get("name"), i.get("ipRange"), own.last(i.get("linkedVpnTunnel")))


def _peer_key(p: dict):
    return (p.get("name"), p.get("interfaceName"), p.get("peerIpAddress"), int(p.get("peerAsn") or 0),
            p.get("ipAddress"), p.get("advertisedRoutePriority"))


def router_differs(have: dict, interfaces: list, peers: list) -> bool:
    return (sorted(map(_iface_key, have.get("interfaces") or [])) != sorted(map(_iface_key, interfaces))
            or sorted(map(_peer_key, have.get("bgpPeers") or []), key=str) != sorted(map(_peer_key, peers), key=str))


def tunnel_conflicts(have: dict, want: dict, ext_name: str) -> list[str]:
    """Immutable tunnel fields that differ (tunnels cannot be updated in place)."""
    out = []
    if int(have.get("vpnGatewayInterface", 0)) != want["vpn_gateway_interface"]:
        out.append("vpn_gateway_interface")
    if int(have.get("peerExternalGatewayInterface", 0)) != want["peer_interface"]:
        out.append("peer_interface")
    if own.last(have.get("peerExternalGateway")) != ext_name:
        out.append("external_gateway")
    if int(have.get("ikeVersion", 2)) != want["ike_version"]:
        out.append("ike_version")
    return out


# -- reading and results ----------------------------------------------------------------------------
class HaVpnManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.params = params
        self.topology = params["topology"]
        self.region = params["region"]
        self.want = validate(params)
        self.changes = Changes(check_mode)
        self.timeout = params.get("wait_timeout") or 300
        self.warnings = []

    # paths
    def _regional(self, collection: str, name: str = "") -> str:
        base = f"projects/{self.conn.project}/regions/{self.region}/{collection}"
        return f"{base}/{name}" if name else base

    def _link(self, collection: str, name: str) -> str:
        return self.conn.url("compute", self._regional(collection, name))

    def _external_link(self, name: str) -> str:
        return self.conn.url("compute", f"projects/{self.conn.project}/global/externalVpnGateways/{name}")

    def read(self) -> dict:
        w = self.want
        gw = self.conn.get("compute", self._regional("vpnGateways", w["name"]), not_found=True)
        ext = self.conn.get("compute", f"projects/{self.conn.project}/global/externalVpnGateways/{w['external']}",
                            not_found=True)
        router = self.conn.get("compute", self._regional("routers", w["router"]), not_found=True)
        tunnels = {}
        if gw:
            for t in self.conn.list("compute", self._regional("vpnTunnels")):
                if own.same_ref(t.get("vpnGateway"), gw.get("selfLink")) and own.labels_owned(t.get("labels"),
                                                                                              self.topology):
                    tunnels[t["name"]] = t
        return {"gateway": gw, "external": ext, "router": router, "tunnels": tunnels}

    def describe(self, have: dict) -> dict:
        """The result shape (no secret, no secret hash); {} when nothing exists."""
        gw, ext, router = have["gateway"], have["external"], have["router"]
        if not (gw or ext or router or have["tunnels"]):
            return {}
        managed = set(have["tunnels"])
        return {
            "name": self.want["name"], "region": self.region,
            "network": own.last((gw or router or {}).get("network")),
            "vpn_gateway": gw and {"name": gw["name"], "self_link": gw.get("selfLink"), "labels": gw.get("labels", {}),
                                   "interfaces": [{"id": i.get("id", 0), "ip_address": i.get("ipAddress")}
                                                  for i in gw.get("vpnInterfaces") or []]},
            "external_gateway": ext and {"name": ext["name"], "self_link": ext.get("selfLink"),
                                         "redundancy_type": ext.get("redundancyType"), "labels": ext.get("labels", {}),
                                         "interfaces": [{"id": i.get("id", 0), "ip_address": i.get("ipAddress")}
                                                        for i in ext.get("interfaces") or []]},
            "router": router and {
                "name": router["name"], "self_link": router.get("selfLink"),
                "asn": int((router.get("bgp") or {}).get("asn") or 0) or None,
                "interfaces": sorted(({"name": i["name"], "ip_range": i.get("ipRange"),
                                       "linked_vpn_tunnel": own.last(i.get("linkedVpnTunnel"))}
                                      for i in router.get("interfaces") or []
                                      if i["name"] in {interface_name(n) for n in managed}), key=lambda x: x["name"]),
                "bgp_peers": sorted(({"name": p["name"], "interface_name": p.get("interfaceName"),
                                      "ip_address": p.get("ipAddress"), "peer_ip_address": p.get("peerIpAddress"),
                                      "peer_asn": int(p.get("peerAsn") or 0),
                                      "advertised_route_priority": p.get("advertisedRoutePriority")}
                                     for p in router.get("bgpPeers") or []
                                     if p["name"] in {peer_name(n) for n in managed}), key=lambda x: x["name"])},
            "tunnels": sorted(({"name": t["name"], "self_link": t.get("selfLink"),
                                "vpn_gateway_interface": int(t.get("vpnGatewayInterface", 0)),
                                "peer_external_gateway": own.last(t.get("peerExternalGateway")),
                                "peer_interface": int(t.get("peerExternalGatewayInterface", 0)),
                                "ike_version": int(t.get("ikeVersion", 2)), "peer_ip": t.get("peerIp"),
                                "router": own.last(t.get("router")), "status": t.get("status"),
                                "labels": t.get("labels", {})}
                               for t in have["tunnels"].values()), key=lambda x: x["name"]),
        }

    # -- writes ---------------------------------------------------------------------------------
    def _write(self, action, target, method, path, body=None, **details):
        def apply():
            return self.conn.compute_write(method, path, body=body, timeout=self.timeout,
                                           operation=f"{action} {target}")

        return self.changes.do(action, target, apply, **details)

    def _precheck(self, have: dict, network: str):
        """Every refusal before the first write, so a refused run changes nothing."""
        w = self.want
        checked = (("vpnGateway", have["gateway"]),) if w["gateway_only"] else (
            ("vpnGateway", have["gateway"]), ("externalVpnGateway", have["external"]))
        for kind, obj in checked:
            if obj is not None and not own.labels_owned(obj.get("labels"), self.topology):
                raise ConflictError(f"{kind} {obj['name']} exists and is not labelled as managed by topology "
                                    f"{self.topology}. Fix: choose another name, or remove the existing one.")
        gw, ext, router = have["gateway"], have["external"], have["router"]
        if gw is not None and not own.same_ref(gw.get("network"), network):
            raise ConflictError(f"vpnGateway {w['name']} is on network {own.last(gw.get('network'))}, not "
                                f"{self.params['network']}. Fix: use another name or the gateway's network.")
        if w["gateway_only"]:
            return
        if ext is not None:
            got = sorted((int(i.get("id", 0)), i.get("ipAddress")) for i in ext.get("interfaces") or [])
            if got != list(enumerate(w["addresses"])):
                raise ConflictError(f"externalVpnGateway {w['external']} has interfaces {got}; they cannot be changed "
                                    "in place. Fix: use a new external_gateway.name (make-before-break) and remove "
                                    "the old one after the tunnels moved.")
        if router is not None:
            if not own.description_owned(router.get("description"), self.topology):
                raise ConflictError(f"router {w['router']} exists and is not managed by topology {self.topology}. "
                                    "Fix: choose another router.name.")
            if not own.same_ref(router.get("network"), network):
                raise ConflictError(f"router {w['router']} is on network {own.last(router.get('network'))}, not "
                                    f"{self.params['network']}. Fix: choose another router.name.")
        for t in w["tunnels"]:
            if t["name"] in have["tunnels"]:
                bad = tunnel_conflicts(have["tunnels"][t["name"]], t, w["external"])
                if bad:
                    raise ConflictError(f"tunnel {t['name']}: {', '.join(bad)} cannot be changed in place. Fix: give "
                                        "the tunnel a new name (make-before-break) and drop the old entry.")
                continue
            if not t.get("shared_secret"):
                raise ValidationError(f"tunnels[{t['name']}].shared_secret", None, "is required to create a tunnel",
                                      "set the pre-shared key of the matching AWS tunnel")
            if self.conn.get("compute", self._regional("vpnTunnels", t["name"]), not_found=True) is not None:
                raise ConflictError(f"vpnTunnel {t['name']} exists but is not a tunnel of {w['name']} managed by "
                                    f"topology {self.topology}. Fix: choose another tunnel name.")

    def _ensure_labels(self, path: str, obj: dict) -> dict:
        want = dict(self.want["labels"])
        if want != (obj.get("labels") or {}):
            self._write("set_labels", obj["name"], "POST", path + "/setLabels",
                        {"labels": want, "labelFingerprint": obj.get("labelFingerprint")}, labels=want)
            obj = dict(obj, labels=want)
        return obj

    def ensure(self) -> dict:
        have = self.read()
        before = self.describe(have)
        if self.params["state"] == "absent":
            self._remove(have)
        else:
            self._present(have)
        after = self.describe(self.read()) if (self.changes.changed and not self.changes.check_mode) else None
        if after is None:
            after = self.describe(self._predicted) if self.changes.changed else before
        result = self.changes.result("ha_vpn", before, after)
        if self.warnings:
            result["warnings"] = self.warnings
        return result

    def _present(self, have: dict):
        w, project = self.want, self.conn.project
        network = own.network_path(project, self.params["network"])
        gw, ext, router = have["gateway"], have["external"], have["router"]
        self._precheck(have, network)
        gw_path = self._regional("vpnGateways", w["name"])
        if gw is None:
            body = {"name": w["name"], "network": network, "labels": w["labels"],
                    "description": self.params.get("description") or ""}
            self._write("create", w["name"], "POST", self._regional("vpnGateways"), body, kind="vpnGateway")
            gw = dict(body, selfLink=self._link("vpnGateways", w["name"]), vpnInterfaces=[{"id": 0}, {"id": 1}])
        else:
            gw = self._ensure_labels(gw_path, gw)
        if w["gateway_only"]:  # the external gateway, router and tunnels are left as they are
            self._predicted = dict(have, gateway=gw)
            return
        ext_path = f"projects/{project}/global/externalVpnGateways/{w['external']}"
        want_ifaces = [{"id": i, "ipAddress": ip} for i, ip in enumerate(w["addresses"])]
        if ext is None:
            body = {"name": w["external"], "redundancyType": REDUNDANCY[len(w["addresses"])],
                    "interfaces": want_ifaces, "labels": w["labels"], "description": "AWS VPN tunnel outside IPs"}
            self._write("create", w["external"], "POST", f"projects/{project}/global/externalVpnGateways", body,
                        kind="externalVpnGateway")
            ext = dict(body, selfLink=self._external_link(w["external"]))
        else:
            ext = self._ensure_labels(ext_path, ext)
        router_path = self._regional("routers", w["router"])
        if router is None:
            body = {"name": w["router"], "network": network, "bgp": {"asn": w["asn"]},
                    "description": own.with_marker("HA VPN to AWS", self.topology)}
            self._write("create", w["router"], "POST", self._regional("routers"), body, kind="router")
            router = dict(body, selfLink=self._link("routers", w["router"]), interfaces=[], bgpPeers=[])
        else:
            if int((router.get("bgp") or {}).get("asn") or 0) != w["asn"]:
                bgp = dict(router.get("bgp") or {}, asn=w["asn"])
                self._write("update", w["router"], "PATCH", router_path, {"bgp": bgp}, asn=w["asn"])
                router = dict(router, bgp=bgp)
        wanted = {t["name"]: t for t in w["tunnels"]}
        tunnels = dict(have["tunnels"])
        purge = [n for n in tunnels if n not in wanted] if self.params.get("purge_tunnels", True) else []
        if purge:  # remove their router entries before the tunnels (GCP refuses deleting a linked tunnel)
            interfaces, peers = plan_router(router, [], set(purge), None)
            self._write("update", w["router"], "PATCH", router_path, {"interfaces": interfaces, "bgpPeers": peers},
                        removed=sorted(purge))
            router = dict(router, interfaces=interfaces, bgpPeers=peers)
            for name in purge:
                self._write("delete", name, "DELETE", self._regional("vpnTunnels", name), kind="vpnTunnel")
                tunnels.pop(name)
        for name, t in wanted.items():
            if name in tunnels:
                tunnels[name] = self._ensure_labels(self._regional("vpnTunnels", name), tunnels[name])
                continue
            body = {"name": name, "vpnGateway": gw["selfLink"], "vpnGatewayInterface": t["vpn_gateway_interface"],
                    "peerExternalGateway": ext["selfLink"], "peerExternalGatewayInterface": t["peer_interface"],
                    "sharedSecret": t["shared_secret"], "ikeVersion": t["ike_version"],
                    "router": router["selfLink"], "labels": w["labels"], "description": "to AWS"}
            self._write("create", name, "POST", self._regional("vpnTunnels"), body, kind="vpnTunnel",
                        vpn_gateway_interface=t["vpn_gateway_interface"], peer_interface=t["peer_interface"])
            shown = {k: v for k, v in body.items() if k != "sharedSecret"}
            tunnels[name] = dict(shown, selfLink=self._link("vpnTunnels", name),
                                 peerIp=w["addresses"][t["peer_interface"]])
        interfaces, peers = plan_router(router, list(wanted.values()), set(wanted) | set(purge),
                                        lambda n: tunnels[n]["selfLink"])
        if router_differs(router, interfaces, peers):
            self._write("update", w["router"], "PATCH", router_path, {"interfaces": interfaces, "bgpPeers": peers},
                        interfaces=sorted(i["name"] for i in interfaces), bgp_peers=sorted(p["name"] for p in peers))
            router = dict(router, interfaces=interfaces, bgpPeers=peers)
        self._predicted = {"gateway": gw, "external": ext, "router": router, "tunnels": tunnels}

    def _remove(self, have: dict):
        w = self.want
        router, tunnels = have["router"], have["tunnels"]
        router_owned = router is not None and own.description_owned(router.get("description"), self.topology)
        if router is not None and tunnels:
            interfaces, peers = plan_router(router, [], set(tunnels), None)
            if router_differs(router, interfaces, peers):
                self._write("update", w["router"], "PATCH", self._regional("routers", w["router"]),
                            {"interfaces": interfaces, "bgpPeers": peers}, removed=sorted(tunnels))
                router = dict(router, interfaces=interfaces, bgpPeers=peers)
        for name in sorted(tunnels):
            self._write("delete", name, "DELETE", self._regional("vpnTunnels", name), kind="vpnTunnel")
        if router_owned and not router.get("interfaces") and not router.get("bgpPeers"):
            self._write("delete", w["router"], "DELETE", self._regional("routers", w["router"]), kind="router")
            router = None
        ext_owned = own.labels_owned((have["external"] or {}).get("labels"), self.topology)
        gw_owned = own.labels_owned((have["gateway"] or {}).get("labels"), self.topology)
        for kind, obj, owned in (("router", router, router_owned), ("externalVpnGateway", have["external"], ext_owned),
                                 ("vpnGateway", have["gateway"], gw_owned)):
            if obj is not None and not owned:
                self.warnings.append(f"{kind} {obj['name']} is not managed by topology {self.topology}; left in place")
        ext = have["external"]
        if ext and own.labels_owned(ext.get("labels"), self.topology):
            self._write("delete", w["external"], "DELETE",
                        f"projects/{self.conn.project}/global/externalVpnGateways/{w['external']}",
                        kind="externalVpnGateway")
            ext = None
        gw = have["gateway"]
        if gw and own.labels_owned(gw.get("labels"), self.topology):
            self._write("delete", w["name"], "DELETE", self._regional("vpnGateways", w["name"]), kind="vpnGateway")
            gw = None
        self._predicted = {"gateway": gw, "external": ext, "router": router, "tunnels": {}}
