"""Compute Engine v1 collections: the table rows and their hooks."""

from __future__ import annotations

import base64
import copy
import hashlib
import ipaddress
import re
import secrets

from . import errors
from .engine import Ctx, Engine, Hooks, Spec, fingerprint
from .errors import ApiError

REF = re.compile(
    r"^(?:https?://[^/]+/compute/(?:v1|beta|alpha)/)?(?:projects/(?P<project>[^/]+)/)?"
    r"(?:(?P<global>global)|regions/(?P<region>[^/]+))/(?P<collection>[A-Za-z]+)/(?P<name>[^/]+)$"
)
LINK_LOCAL = ipaddress.ip_network("169.254.0.0/16")
PRIVATE_ASN = ((64512, 65534), (4200000000, 4294967294), (16550, 16550))
REDUNDANCY = {"SINGLE_IP_INTERNALLY_REDUNDANT": 1, "TWO_IPS_REDUNDANCY": 2, "FOUR_IPS_REDUNDANCY": 4}


def resolve(engine: Engine, ctx: Ctx, value, collection: str, field: str, region: str | None = None):
    """Resolve a full or partial URL to (scope, resource); 400 when malformed, 404 when missing."""
    match = REF.match(value or "") if isinstance(value, str) else None
    if not match or match.group("collection") != collection:
        raise errors.invalid(field, value, "The URL is malformed.")
    project = match.group("project") or ctx.project
    scope = (project,) if match.group("global") else (project, match.group("region"))
    spec = engine.specs[("compute", collection)]
    if len(scope) != len(spec.scope_params):
        raise errors.invalid(field, value, "The URL is malformed.")
    if region is not None and len(scope) == 2 and scope[1] != region:
        raise errors.invalid(field, value, f"The referenced resource must be in region '{region}'.")
    resource = engine.lookup("compute", collection, scope, match.group("name"))
    if resource is None:
        raise errors.not_found(engine.resource_path(spec, scope, (match.group("name"),)))
    return scope, resource


def link_equals(a: str | None, b: str | None) -> bool:
    """Compare two resource references whatever their host or form."""

    def tail(x):
        found = REF.match(x or "")
        return found.groupdict() if found else x

    return a is not None and b is not None and tail(a) == tail(b)


def cidr(field: str, value, link_local=False):
    try:
        network = ipaddress.ip_network(value, strict=False)
    except (ValueError, TypeError) as exc:
        raise errors.invalid(field, value, "Must be a valid IPv4 CIDR range.") from exc
    if network.version != 4:
        raise errors.invalid(field, value, "Must be a valid IPv4 CIDR range.")
    if link_local and not network.subnet_of(LINK_LOCAL):
        raise errors.invalid(field, value, "The IP range must be within the link-local range 169.254.0.0/16.")
    return network


class ComputeHooks(Hooks):
    engine: Engine = None

    def users(self, collection: str, project: str, predicate):
        for _scope, resource in self.engine.items("compute", collection, project):
            if predicate(resource):
                yield resource


class Networks(ComputeHooks):
    def build(self, ctx, body):
        if "IPv4Range" in body:
            raise errors.invalid(
                "resource.IPv4Range",
                body["IPv4Range"],
                "Legacy networks are not supported; create a VPC network.",
            )
        net = copy.deepcopy(body)
        net.setdefault("autoCreateSubnetworks", False)
        net.setdefault("mtu", 1460)
        routing = net.setdefault("routingConfig", {})
        routing.setdefault("routingMode", "REGIONAL")
        routing.setdefault("bgpBestPathSelectionMode", "LEGACY")
        net.setdefault("networkFirewallPolicyEnforcementOrder", "AFTER_CLASSIC_FIREWALL")
        return net

    def validate(self, ctx, net):
        if not 1300 <= int(net.get("mtu", 1460)) <= 8896:
            raise errors.invalid("resource.mtu", net["mtu"], "Must be between 1300 and 8896.")

    def after_insert(self, ctx, net):
        net["selfLinkWithId"] = net["selfLink"].rsplit("/", 1)[0] + "/" + net["id"]
        self.engine.emulator.system_route(ctx.project, net, "0.0.0.0/0", gateway=True)

    def present(self, ctx, net):
        subnets = [
            s["selfLink"]
            for s in self.users(
                "subnetworks", ctx.project, lambda s: link_equals(s["network"], net["selfLink"])
            )
        ]
        if subnets:
            net["subnetworks"] = sorted(subnets)
        return net

    def check_delete(self, ctx, net):
        link = net["selfLink"]
        for collection in (
            "subnetworks",
            "routers",
            "vpnGateways",
            "targetVpnGateways",
            "firewalls",
            "routes",
        ):
            for user in self.users(collection, ctx.project, lambda r: link_equals(r.get("network"), link)):
                if not user.get("_system"):
                    raise errors.in_use(
                        "network",
                        self.engine.resource_path(
                            self.engine.specs[("compute", "networks")], (ctx.project,), (net["name"],)
                        ),
                        user["selfLink"].split("/compute/v1/", 1)[-1],
                    )

    def after_delete(self, ctx, net):
        self.engine.emulator.drop_system_routes(
            ctx.project, lambda r: link_equals(r.get("network"), net["selfLink"])
        )


class Subnetworks(ComputeHooks):
    def build(self, ctx, body):
        sub = copy.deepcopy(body)
        _, net = resolve(self.engine, ctx, sub.get("network"), "networks", "resource.network")
        sub["network"] = net["selfLink"]
        if not sub.get("ipCidrRange"):
            raise errors.required("resource.ipCidrRange")
        sub.setdefault("privateIpGoogleAccess", False)
        sub.setdefault("purpose", "PRIVATE")
        sub.setdefault("stackType", "IPV4_ONLY")
        sub.setdefault("privateIpv6GoogleAccess", "DISABLE_GOOGLE_ACCESS")
        return sub

    def validate(self, ctx, sub):
        rng = cidr("resource.ipCidrRange", sub["ipCidrRange"])
        if rng.prefixlen > 29:
            raise errors.invalid(
                "resource.ipCidrRange", sub["ipCidrRange"], "The prefix length must be at most 29."
            )
        sub["ipCidrRange"] = str(rng)
        sub["gatewayAddress"] = str(rng.network_address + 1)
        for other in self.users(
            "subnetworks", ctx.project, lambda s: link_equals(s["network"], sub["network"])
        ):
            if other["name"] == sub["name"] and other.get("region") == sub.get("region"):
                continue
            if ipaddress.ip_network(other["ipCidrRange"]).overlaps(rng):
                raise errors.invalid(
                    "resource.ipCidrRange",
                    sub["ipCidrRange"],
                    f"Invalid IPCidrRange: {sub['ipCidrRange']} conflicts with existing subnetwork "
                    f"'{other['name']}' in region '{other['region'].rsplit('/', 1)[-1]}'.",
                )

    def after_insert(self, ctx, sub):
        self.engine.emulator.system_route(ctx.project, sub, sub["ipCidrRange"], gateway=False)

    def after_delete(self, ctx, sub):
        self.engine.emulator.drop_system_routes(ctx.project, lambda r: r.get("_subnet") == sub["selfLink"])


class Firewalls(ComputeHooks):
    PROTOCOLS = {"tcp", "udp", "icmp", "esp", "ah", "ipip", "sctp", "all"}

    def build(self, ctx, body):
        rule = copy.deepcopy(body)
        _, net = resolve(
            self.engine, ctx, rule.get("network") or "global/networks/default", "networks", "resource.network"
        )
        rule["network"] = net["selfLink"]
        return rule

    def validate(self, ctx, rule):
        rule.setdefault("direction", "INGRESS")
        rule.setdefault("priority", 1000)
        rule.setdefault("disabled", False)
        rule.setdefault("logConfig", {"enable": False})
        if bool(rule.get("allowed")) == bool(rule.get("denied")):
            raise errors.invalid("resource", "", "Exactly one of 'allowed' or 'denied' must be specified.")
        if not 0 <= int(rule["priority"]) <= 65535:
            raise errors.invalid("resource.priority", rule["priority"], "Must be between 0 and 65535.")
        for kind in ("allowed", "denied"):
            for i, item in enumerate(rule.get(kind, [])):
                protocol = str(item.get("IPProtocol", ""))
                if protocol.lower() not in self.PROTOCOLS and not (
                    protocol.isdigit() and int(protocol) <= 255
                ):
                    raise errors.invalid(f"resource.{kind}[{i}].IPProtocol", protocol, "Unknown protocol.")
                for port in item.get("ports", []):
                    if protocol.lower() not in ("tcp", "udp", "sctp") or not re.fullmatch(
                        r"\d+(-\d+)?", port
                    ):
                        raise errors.invalid(
                            f"resource.{kind}[{i}].ports",
                            port,
                            "Ports are only valid for tcp, udp and sctp, as N or N-M.",
                        )
        ingress = rule["direction"] == "INGRESS"
        for name in ("sourceRanges", "destinationRanges"):
            for i, value in enumerate(rule.get(name, [])):
                cidr(f"resource.{name}[{i}]", value)
        if (
            ingress
            and rule.get("destinationRanges") is None
            and not any(rule.get(k) for k in ("sourceRanges", "sourceTags", "sourceServiceAccounts"))
        ):
            rule["sourceRanges"] = ["0.0.0.0/0"]
        if not ingress and not rule.get("destinationRanges"):
            rule["destinationRanges"] = ["0.0.0.0/0"]
        if not ingress and (rule.get("sourceTags") or rule.get("sourceServiceAccounts")):
            raise errors.invalid(
                "resource.sourceTags",
                rule.get("sourceTags"),
                "Source tags and service accounts apply to INGRESS rules only.",
            )


class Routes(ComputeHooks):
    HOPS = ("nextHopGateway", "nextHopVpnTunnel", "nextHopIp", "nextHopInstance", "nextHopIlb")

    def build(self, ctx, body):
        route = copy.deepcopy(body)
        _, net = resolve(self.engine, ctx, route.get("network"), "networks", "resource.network")
        route["network"] = net["selfLink"]
        rng = cidr("resource.destRange", route.get("destRange"))
        route["destRange"] = str(rng)
        if not 0 <= int(route.get("priority", 1000)) <= 65535:
            raise errors.invalid("resource.priority", route["priority"], "Must be between 0 and 65535.")
        hops = [h for h in self.HOPS if route.get(h)]
        if len(hops) != 1:
            raise errors.invalid("resource", "", "Exactly one next hop must be specified for a route.")
        hop = hops[0]
        if hop == "nextHopGateway":
            found = REF.match(route[hop])
            if (
                not found
                or found.group("collection") != "gateways"
                or found.group("name") != "default-internet-gateway"
            ):
                raise errors.invalid(
                    "resource.nextHopGateway",
                    route[hop],
                    "The only supported gateway is 'global/gateways/default-internet-gateway'.",
                )
            route[hop] = (
                self.engine.emulator.self_link_base
                + f"projects/{found.group('project') or ctx.project}/global/gateways/default-internet-gateway"
            )
        elif hop == "nextHopVpnTunnel":
            _, tunnel = resolve(self.engine, ctx, route[hop], "vpnTunnels", "resource.nextHopVpnTunnel")
            if tunnel.get("vpnGateway"):
                raise errors.invalid(
                    "resource.nextHopVpnTunnel",
                    route[hop],
                    "HA VPN supports dynamic routing (BGP through a Cloud Router) only; a static route "
                    "cannot use an HA VPN tunnel as its next hop.",
                )
            if not link_equals(self.engine.emulator.tunnel_network(tunnel), net["selfLink"]):
                raise errors.invalid(
                    "resource.nextHopVpnTunnel",
                    route[hop],
                    "The VPN tunnel must belong to the route's network.",
                )
            route[hop] = tunnel["selfLink"]
        elif hop == "nextHopIp":
            try:
                address = ipaddress.ip_address(route[hop])
            except ValueError as exc:
                raise errors.invalid("resource.nextHopIp", route[hop], "Must be a valid IP address.") from exc
            if not any(
                address in ipaddress.ip_network(s["ipCidrRange"])
                for s in self.users(
                    "subnetworks", ctx.project, lambda s: link_equals(s["network"], net["selfLink"])
                )
            ):
                raise errors.invalid(
                    "resource.nextHopIp",
                    route[hop],
                    "The next hop IP must be inside a subnetwork of the route's network.",
                )
        elif hop == "nextHopInstance":
            raise errors.not_found(route[hop].split("/compute/v1/", 1)[-1])
        else:
            raise errors.not_found(route[hop].split("/compute/v1/", 1)[-1])
        route.setdefault("priority", 1000)
        route["routeType"] = "STATIC"
        return route

    def check_delete(self, ctx, route):
        if route.get("_subnet"):
            raise ApiError(
                400,
                "invalid",
                f"The local route '{route['name']}' cannot be deleted; delete its subnetwork instead.",
            )

    def present(self, ctx, route):
        route.pop("_subnet", None)
        return route


class Routers(ComputeHooks):
    def build(self, ctx, body):
        router = copy.deepcopy(body)
        _, net = resolve(self.engine, ctx, router.get("network"), "networks", "resource.network")
        router["network"] = net["selfLink"]
        return router

    def validate(self, ctx, router):
        bgp = router.get("bgp")
        if bgp is not None:
            asn = bgp.get("asn")
            if asn is None or not any(lo <= int(asn) <= hi for lo, hi in PRIVATE_ASN):
                raise errors.invalid(
                    "resource.bgp.asn",
                    asn if asn is not None else "",
                    "ASN must be a private ASN: 64512-65534, 4200000000-4294967294, or 16550.",
                )
            bgp.setdefault("advertiseMode", "DEFAULT")
            bgp.setdefault("keepaliveInterval", 20)
            self.advertisements("resource.bgp", bgp)
        interfaces = {}
        for i, itf in enumerate(router.get("interfaces", [])):
            field = f"resource.interfaces[{i}]"
            if not itf.get("name"):
                raise errors.required(f"{field}.name")
            if itf["name"] in interfaces:
                raise errors.invalid(f"{field}.name", itf["name"], "Duplicate interface name.")
            if itf.get("ipRange"):
                try:
                    iface = ipaddress.ip_interface(itf["ipRange"])
                    if "/" not in itf["ipRange"] or iface.version != 4:
                        raise ValueError(itf["ipRange"])
                except ValueError as exc:
                    raise errors.invalid(
                        f"{field}.ipRange", itf["ipRange"], "Must be an IP address with prefix."
                    ) from exc
                if itf.get("linkedVpnTunnel") and not iface.network.subnet_of(LINK_LOCAL):
                    raise errors.invalid(
                        f"{field}.ipRange",
                        itf["ipRange"],
                        "Interfaces linked to VPN tunnels must use a link-local range (169.254.0.0/16).",
                    )
                for other in interfaces.values():
                    if other.get("_iface") and other["_iface"].network.overlaps(iface.network):
                        raise errors.invalid(
                            f"{field}.ipRange",
                            itf["ipRange"],
                            f"IP range overlaps with interface '{other['name']}'.",
                        )
                itf = dict(itf, _iface=iface)
            if itf.get("linkedVpnTunnel"):
                _, tunnel = resolve(
                    self.engine,
                    ctx,
                    itf["linkedVpnTunnel"],
                    "vpnTunnels",
                    f"{field}.linkedVpnTunnel",
                    region=ctx.region,
                )
                if tunnel.get("router") and not link_equals(tunnel["router"], self.link(ctx, router)):
                    raise errors.invalid(
                        f"{field}.linkedVpnTunnel",
                        itf["linkedVpnTunnel"],
                        "The VPN tunnel is attached to a different router.",
                    )
                if any(
                    link_equals(o.get("linkedVpnTunnel"), tunnel["selfLink"]) for o in interfaces.values()
                ):
                    raise errors.invalid(
                        f"{field}.linkedVpnTunnel",
                        itf["linkedVpnTunnel"],
                        "The VPN tunnel is already linked to another interface.",
                    )
                router["interfaces"][i]["linkedVpnTunnel"] = tunnel["selfLink"]
            interfaces[itf["name"]] = itf
            router["interfaces"][i]["managementType"] = "MANAGED_BY_USER"
        names = set()
        for i, peer in enumerate(router.get("bgpPeers", [])):
            field = f"resource.bgpPeers[{i}]"
            for need in ("name", "interfaceName", "peerAsn"):
                if peer.get(need) in (None, ""):
                    raise errors.required(f"{field}.{need}")
            if peer["name"] in names:
                raise errors.invalid(f"{field}.name", peer["name"], "Duplicate BGP peer name.")
            names.add(peer["name"])
            itf = interfaces.get(peer["interfaceName"])
            if itf is None:
                raise errors.invalid(
                    f"{field}.interfaceName",
                    peer["interfaceName"],
                    "The BGP peer must reference an interface of this router.",
                )
            iface = itf.get("_iface")
            if peer.get("peerIpAddress") and iface is not None:
                try:
                    address = ipaddress.ip_address(peer["peerIpAddress"])
                except ValueError as exc:
                    raise errors.invalid(
                        f"{field}.peerIpAddress", peer["peerIpAddress"], "Must be an IP address."
                    ) from exc
                if address not in iface.network or address == iface.ip:
                    raise errors.invalid(
                        f"{field}.peerIpAddress",
                        peer["peerIpAddress"],
                        f"The peer IP address must be in {iface.network} and differ from the "
                        "router interface address.",
                    )
            if iface is not None:
                if peer.get("ipAddress") and peer["ipAddress"] != str(iface.ip):
                    raise errors.invalid(
                        f"{field}.ipAddress",
                        "",
                        f'BGP Peer "{peer["name"]}" has IP address {peer["ipAddress"]} different from '
                        f"interface IP address {iface.ip}",
                    )
                peer.setdefault("ipAddress", str(iface.ip))
            peer.setdefault("advertiseMode", "DEFAULT")
            peer.setdefault("enable", "TRUE")
            peer.setdefault("enableIpv4", True)
            peer["managementType"] = "MANAGED_BY_USER"
            self.advertisements(field, peer)

    @staticmethod
    def advertisements(field, holder):
        if holder.get("advertiseMode", "DEFAULT") != "CUSTOM":
            for name in ("advertisedGroups", "advertisedIpRanges"):
                if holder.get(name):
                    raise errors.invalid(
                        f"{field}.{name}", holder[name], "Custom advertisements require advertiseMode CUSTOM."
                    )
        for i, item in enumerate(holder.get("advertisedIpRanges", [])):
            item["range"] = str(cidr(f"{field}.advertisedIpRanges[{i}].range", item.get("range")))

    def link(self, ctx, router):
        return (
            router.get("selfLink") or f"projects/{ctx.project}/regions/{ctx.region}/routers/{router['name']}"
        )

    def check_delete(self, ctx, router):
        for tunnel in self.users(
            "vpnTunnels", ctx.project, lambda t: link_equals(t.get("router"), router["selfLink"])
        ):
            raise errors.in_use(
                "router",
                router["selfLink"].split("/compute/v1/", 1)[-1],
                tunnel["selfLink"].split("/compute/v1/", 1)[-1],
            )

    def status(self, engine, spec, ctx):
        with engine.lock:
            _, _, router = engine.fetch(spec, ctx)
            router = engine.render(spec, ctx, router)
            subnets = [
                s["ipCidrRange"]
                for s in self.users(
                    "subnetworks",
                    ctx.project,
                    lambda s: (
                        link_equals(s["network"], router["network"])
                        and s["region"].endswith(f"/regions/{ctx.region}")
                    ),
                )
            ]
            peers = []
            for peer in router.get("bgpPeers", []):
                itf = next(
                    (i for i in router.get("interfaces", []) if i["name"] == peer["interfaceName"]), {}
                )
                tunnel = None
                if itf.get("linkedVpnTunnel"):
                    found = REF.match(itf["linkedVpnTunnel"])
                    tunnel = engine.lookup(
                        "compute", "vpnTunnels", (ctx.project, found.group("region")), found.group("name")
                    )
                up = (
                    tunnel is not None
                    and tunnel.get("status") == "ESTABLISHED"
                    and peer.get("enable") == "TRUE"
                )
                holder = peer if peer.get("advertiseMode") == "CUSTOM" else router.get("bgp", {})
                ranges = []
                if holder.get("advertiseMode", "DEFAULT") == "DEFAULT" or "ALL_SUBNETS" in holder.get(
                    "advertisedGroups", []
                ):
                    ranges += subnets
                ranges += [r["range"] for r in holder.get("advertisedIpRanges", [])]
                status = {
                    "name": peer["name"],
                    "ipAddress": peer.get("ipAddress", ""),
                    "peerIpAddress": peer.get("peerIpAddress", ""),
                    "status": "UP" if up else "DOWN",
                    "state": "Established" if up else "Idle",
                    "numLearnedRoutes": 0,
                    "enableIpv4": True,
                    "advertisedRoutes": [
                        {
                            "kind": "compute#route",
                            "destRange": r,
                            "nextHopIp": peer.get("ipAddress", ""),
                            "priority": peer.get("advertisedRoutePriority", 100),
                            "routeType": "BGP",
                        }
                        for r in ranges
                    ]
                    if up
                    else [],
                }
                if tunnel is not None:
                    status["linkedVpnTunnel"] = tunnel["selfLink"]
                if up:
                    status.update(uptime="1 hours, 0 minutes, 0 seconds", uptimeSeconds="3600")
                peers.append(status)
        result = {
            "network": router["network"],
            "bestRoutes": [],
            "bestRoutesForRouter": [],
            "bgpPeerStatus": peers,
        }
        return 200, {"kind": "compute#routerStatusResponse", "result": result}

    def present(self, ctx, router):
        for itf in router.get("interfaces", []):
            itf.pop("_iface", None)
        return router


class VpnGateways(ComputeHooks):
    def build(self, ctx, body):
        gateway = copy.deepcopy(body)
        _, net = resolve(self.engine, ctx, gateway.get("network"), "networks", "resource.network")
        gateway["network"] = net["selfLink"]
        gateway.setdefault("stackType", "IPV4_ONLY")
        gateway.setdefault("gatewayIpVersion", "IPV4")
        gateway["vpnInterfaces"] = [
            {"id": i, "ipAddress": self.engine.emulator.allocate_public_ip()} for i in range(2)
        ]
        return gateway

    def check_delete(self, ctx, gateway):
        for tunnel in self.users(
            "vpnTunnels",
            ctx.project,
            lambda t: (
                link_equals(t.get("vpnGateway"), gateway["selfLink"])
                or link_equals(t.get("peerGcpGateway"), gateway["selfLink"])
            ),
        ):
            raise errors.in_use(
                "vpnGateway",
                gateway["selfLink"].split("/compute/v1/", 1)[-1],
                tunnel["selfLink"].split("/compute/v1/", 1)[-1],
            )

    def status(self, engine, spec, ctx):
        with engine.lock:
            _, _, gateway = engine.fetch(spec, ctx)
            tunnels = list(
                self.users(
                    "vpnTunnels", ctx.project, lambda t: link_equals(t.get("vpnGateway"), gateway["selfLink"])
                )
            )
        connections = {}
        for tunnel in tunnels:
            peer = tunnel.get("peerExternalGateway") or tunnel.get("peerGcpGateway") or ""
            conn = connections.setdefault(peer, {"tunnels": []})
            if tunnel.get("peerExternalGateway"):
                conn["peerExternalGateway"] = peer
            elif peer:
                conn["peerGcpGateway"] = peer
            conn["tunnels"].append(
                {
                    "localGatewayInterface": tunnel.get("vpnGatewayInterface", 0),
                    "peerGatewayInterface": tunnel.get("peerExternalGatewayInterface", 0),
                    "tunnelUrl": tunnel["selfLink"],
                }
            )
        for conn in connections.values():
            covered = {t["localGatewayInterface"] for t in conn["tunnels"]}
            conn["state"] = (
                {"state": "CONNECTION_REDUNDANCY_MET"}
                if covered >= {0, 1}
                else {
                    "state": "CONNECTION_REDUNDANCY_NOT_MET",
                    "unsatisfiedReason": "INCOMPLETE_TUNNELS_COVERAGE",
                }
            )
        return 200, {"result": {"vpnConnections": list(connections.values())}}


class ExternalVpnGateways(ComputeHooks):
    def validate(self, ctx, gateway):
        redundancy = gateway.setdefault("redundancyType", "SINGLE_IP_INTERNALLY_REDUNDANT")
        interfaces = gateway.get("interfaces", [])
        if len(interfaces) != REDUNDANCY[redundancy]:
            raise errors.invalid(
                "resource.interfaces",
                len(interfaces),
                f"Redundancy type {redundancy} requires {REDUNDANCY[redundancy]} interfaces.",
            )
        ids = set()
        for i, itf in enumerate(interfaces):
            itf.setdefault("id", i)
            if itf["id"] in ids or not 0 <= itf["id"] < REDUNDANCY[redundancy]:
                raise errors.invalid(
                    f"resource.interfaces[{i}].id",
                    itf["id"],
                    f"Interface ids must be unique and between 0 and {REDUNDANCY[redundancy] - 1}.",
                )
            ids.add(itf["id"])
            try:
                ipaddress.IPv4Address(itf.get("ipAddress", ""))
            except ValueError as exc:
                raise errors.invalid(
                    f"resource.interfaces[{i}].ipAddress",
                    itf.get("ipAddress", ""),
                    "Must be a valid IPv4 address.",
                ) from exc

    def check_delete(self, ctx, gateway):
        for tunnel in self.users(
            "vpnTunnels",
            ctx.project,
            lambda t: link_equals(t.get("peerExternalGateway"), gateway["selfLink"]),
        ):
            raise errors.in_use(
                "externalVpnGateway",
                gateway["selfLink"].split("/compute/v1/", 1)[-1],
                tunnel["selfLink"].split("/compute/v1/", 1)[-1],
            )


class TargetVpnGateways(ComputeHooks):
    """Classic VPN gateways (kept for static-route VPNs; forwarding rules are not emulated)."""

    def build(self, ctx, body):
        gateway = copy.deepcopy(body)
        _, net = resolve(self.engine, ctx, gateway.get("network"), "networks", "resource.network")
        gateway["network"] = net["selfLink"]
        gateway["status"] = "READY"
        return gateway

    def uses(self, ctx, gateway):
        return self.users(
            "vpnTunnels", ctx.project, lambda t: link_equals(t.get("targetVpnGateway"), gateway["selfLink"])
        )

    def present(self, ctx, gateway):
        tunnels = sorted(t["selfLink"] for t in self.uses(ctx, gateway))
        if tunnels:
            gateway["tunnels"] = tunnels
        return gateway

    def check_delete(self, ctx, gateway):
        for tunnel in self.uses(ctx, gateway):
            raise errors.in_use(
                "targetVpnGateway",
                gateway["selfLink"].split("/compute/v1/", 1)[-1],
                tunnel["selfLink"].split("/compute/v1/", 1)[-1],
            )


class VpnTunnels(ComputeHooks):
    def build(self, ctx, body):
        tunnel = copy.deepcopy(body)
        tunnel.pop("sharedSecretHash", None)
        if not tunnel.get("sharedSecret"):
            raise errors.required("resource.sharedSecret")
        secret = tunnel.pop("sharedSecret")
        tunnel["_sharedSecret"] = secret
        digest = hashlib.sha256(secret.encode()).digest()
        tunnel["sharedSecretHash"] = base64.urlsafe_b64encode(digest).decode().rstrip("=")[:27]
        if tunnel.get("targetVpnGateway"):
            network = self.classic(ctx, tunnel)
        else:
            network = self.high_availability(ctx, tunnel)
        if tunnel.get("router"):
            _, router = resolve(
                self.engine, ctx, tunnel["router"], "routers", "resource.router", region=ctx.region
            )
            if not link_equals(router["network"], network):
                raise errors.invalid(
                    "resource.router", tunnel["router"], "The router must be in the VPN gateway's network."
                )
            tunnel["router"] = router["selfLink"]
        tunnel.setdefault("ikeVersion", 2)
        if tunnel["ikeVersion"] not in (1, 2):
            raise errors.invalid("resource.ikeVersion", tunnel["ikeVersion"], "Must be 1 or 2.")
        tunnel.setdefault("localTrafficSelector", ["0.0.0.0/0"])
        tunnel.setdefault("remoteTrafficSelector", ["0.0.0.0/0"])
        tunnel["status"] = self.engine.emulator.tunnel_status
        tunnel["detailedStatus"] = {
            "ESTABLISHED": "Tunnel is up and running.",
            "NO_INCOMING_PACKETS": "No incoming packets from peer.",
        }.get(tunnel["status"], "Waiting for the peer.")
        return tunnel

    def classic(self, ctx, tunnel) -> str:
        """Classic VPN: a target VPN gateway and a peer IP; routing by static routes or a router."""
        if tunnel.get("vpnGateway"):
            raise errors.invalid(
                "resource.vpnGateway", tunnel["vpnGateway"], "Specify either targetVpnGateway or vpnGateway."
            )
        _, gateway = resolve(
            self.engine,
            ctx,
            tunnel["targetVpnGateway"],
            "targetVpnGateways",
            "resource.targetVpnGateway",
            region=ctx.region,
        )
        tunnel["targetVpnGateway"] = gateway["selfLink"]
        if not tunnel.get("peerIp"):
            raise errors.required("resource.peerIp")
        try:
            ipaddress.IPv4Address(tunnel["peerIp"])
        except ValueError as exc:
            raise errors.invalid(
                "resource.peerIp", tunnel["peerIp"], "Must be a valid IPv4 address."
            ) from exc
        return gateway["network"]

    def high_availability(self, ctx, tunnel) -> str:
        """HA VPN: a gateway interface, a peer gateway (external or GCP) and a Cloud Router (BGP only)."""
        if not tunnel.get("vpnGateway"):
            raise errors.required("resource.vpnGateway")
        if tunnel.get("peerIp"):
            raise errors.invalid(
                "resource.peerIp",
                tunnel["peerIp"],
                "Cannot specify peer IP for HA VPN tunnel creation, please specify "
                "peerExternalGateway or peerGcpGateway instead.",
            )
        _, gateway = resolve(
            self.engine, ctx, tunnel["vpnGateway"], "vpnGateways", "resource.vpnGateway", region=ctx.region
        )
        tunnel["vpnGateway"] = gateway["selfLink"]
        tunnel.setdefault("vpnGatewayInterface", 0)
        if tunnel["vpnGatewayInterface"] not in (0, 1):
            raise errors.invalid(
                "resource.vpnGatewayInterface", tunnel["vpnGatewayInterface"], "Must be 0 or 1."
            )
        if tunnel.get("peerExternalGateway"):
            _, peer = resolve(
                self.engine,
                ctx,
                tunnel["peerExternalGateway"],
                "externalVpnGateways",
                "resource.peerExternalGateway",
            )
            tunnel["peerExternalGateway"] = peer["selfLink"]
            index = tunnel.setdefault("peerExternalGatewayInterface", 0)
            itf = next((i for i in peer["interfaces"] if i["id"] == index), None)
            if itf is None:
                raise errors.invalid(
                    "resource.peerExternalGatewayInterface",
                    index,
                    "The external VPN gateway has no interface with this id.",
                )
            tunnel["peerIp"] = itf["ipAddress"]
        elif tunnel.get("peerGcpGateway"):
            _, peer = resolve(
                self.engine,
                ctx,
                tunnel["peerGcpGateway"],
                "vpnGateways",
                "resource.peerGcpGateway",
                region=ctx.region,
            )
            tunnel["peerGcpGateway"] = peer["selfLink"]
            tunnel["peerIp"] = peer["vpnInterfaces"][tunnel["vpnGatewayInterface"]]["ipAddress"]
        else:
            raise errors.required("resource.peerExternalGateway")
        if not tunnel.get("router"):
            raise errors.required("resource.router")
        return gateway["network"]

    def check_delete(self, ctx, tunnel):
        link = tunnel["selfLink"]
        for route in self.users(
            "routes", ctx.project, lambda r: link_equals(r.get("nextHopVpnTunnel"), link)
        ):
            raise errors.in_use(
                "vpnTunnel", link.split("/compute/v1/", 1)[-1], route["selfLink"].split("/compute/v1/", 1)[-1]
            )
        for router in self.users(
            "routers",
            ctx.project,
            lambda r: any(link_equals(i.get("linkedVpnTunnel"), link) for i in r.get("interfaces", [])),
        ):
            raise errors.in_use(
                "vpnTunnel",
                link.split("/compute/v1/", 1)[-1],
                router["selfLink"].split("/compute/v1/", 1)[-1],
            )


def set_labels(engine: Engine, spec: Spec, ctx: Ctx):
    body = engine.clean_body(spec, ctx)
    with engine.lock:
        ctx.params[spec.name_params[0]] = ctx.params["resource"]
        scope, key, resource = engine.fetch(spec, ctx)
        engine.check_ready(spec, scope, key)
        if body.get("labelFingerprint") != resource.get("labelFingerprint"):
            raise ApiError(
                412, "conditionNotMet", "Labels fingerprint either invalid or resource labels have changed"
            )
        labels = body.get("labels", {})
        for name, value in labels.items():
            if not re.fullmatch(r"[a-z][a-z0-9_-]{0,62}", name) or not re.fullmatch(
                r"[a-z0-9_-]{0,63}", value
            ):
                raise errors.invalid(
                    f"labels.{name}", value, "Label keys and values must match the label syntax."
                )

        def apply():
            current = engine.table(spec, scope).get(key)
            if current is None:
                raise engine.missing(spec, scope, key)
            current["labels"] = dict(labels)
            current["labelFingerprint"] = fingerprint(labels)

        return 200, engine.start_op(ctx, "setLabels", spec, scope, resource, apply)


def specs() -> list[Spec]:
    routers, gateways = Routers(), VpnGateways()
    routers.custom = {"getRouterStatus": routers.status}
    gateways.custom = {"getStatus": gateways.status, "setLabels": set_labels}
    labelled = {"setLabels": set_labels}
    external, tunnels, target = ExternalVpnGateways(), VpnTunnels(), TargetVpnGateways()
    target.custom = labelled
    external.custom = labelled
    tunnels.custom = labelled
    rows = [
        Spec(
            "compute",
            "networks",
            "Network",
            Networks(),
            "compute#network",
            list_kind="compute#networkList",
            immutable=("autoCreateSubnetworks",),
        ),
        Spec(
            "compute",
            "subnetworks",
            "Subnetwork",
            Subnetworks(),
            "compute#subnetwork",
            list_kind="compute#subnetworkList",
            fingerprint_field="fingerprint",
            immutable=("network", "ipCidrRange", "region"),
        ),
        Spec("compute", "routes", "Route", Routes(), "compute#route", list_kind="compute#routeList"),
        Spec(
            "compute",
            "firewalls",
            "Firewall",
            Firewalls(),
            "compute#firewall",
            list_kind="compute#firewallList",
            immutable=("network", "direction"),
        ),
        Spec(
            "compute",
            "routers",
            "Router",
            routers,
            "compute#router",
            list_kind="compute#routerList",
            immutable=("network",),
        ),
        Spec(
            "compute",
            "vpnGateways",
            "VpnGateway",
            gateways,
            "compute#vpnGateway",
            list_kind="compute#vpnGatewayList",
            immutable=("network",),
        ),
        Spec(
            "compute",
            "externalVpnGateways",
            "ExternalVpnGateway",
            external,
            "compute#externalVpnGateway",
            list_kind="compute#externalVpnGatewayList",
        ),
        Spec(
            "compute",
            "targetVpnGateways",
            "TargetVpnGateway",
            target,
            "compute#targetVpnGateway",
            list_kind="compute#targetVpnGatewayList",
            immutable=("network",),
        ),
        Spec(
            "compute",
            "vpnTunnels",
            "VpnTunnel",
            tunnels,
            "compute#vpnTunnel",
            list_kind="compute#vpnTunnelList",
        ),
    ]
    return rows


def new_route_name() -> str:
    return "default-route-" + secrets.token_hex(8)
