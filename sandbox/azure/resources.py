"""The type table: which ARM resource types the emulator serves, and their small per-type hooks.

Everything protocol-shaped (paths, LRO, etags, paging, errors) lives in ``arm``/``handlers``; a hook
only fills read-only properties, validates references, or refuses a delete while something uses
the resource, with the error codes the resource providers return.
"""

from __future__ import annotations

import base64
import importlib
import ipaddress
import re
import secrets
import uuid
from pathlib import Path

import azure.mgmt.dnsresolver.models as dr
import azure.mgmt.network.models as nw
import azure.mgmt.privatedns.models as pdns

from .arm import ArmError, Engine, Record, ResourceType, Response, new_etag

# Network RP api-versions ARM accepts for the types served here (the SDK's own is added below).
NETWORK_API_VERSIONS = (
    "2018-08-01",
    "2018-10-01",
    "2018-11-01",
    "2018-12-01",
    "2019-02-01",
    "2019-04-01",
    "2019-06-01",
    "2019-07-01",
    "2019-08-01",
    "2019-09-01",
    "2019-11-01",
    "2019-12-01",
    "2020-03-01",
    "2020-04-01",
    "2020-05-01",
    "2020-06-01",
    "2020-07-01",
    "2020-08-01",
    "2020-11-01",
    "2021-02-01",
    "2021-03-01",
    "2021-05-01",
    "2021-08-01",
    "2022-01-01",
    "2022-05-01",
    "2022-07-01",
    "2022-09-01",
    "2022-11-01",
    "2023-02-01",
    "2023-04-01",
    "2023-05-01",
    "2023-06-01",
    "2023-09-01",
    "2023-11-01",
    "2024-01-01",
    "2024-03-01",
    "2024-05-01",
    "2024-07-01",
    "2024-10-01",
    "2025-01-01",
    "2025-03-01",
    "2025-05-01",
    "2025-07-01",
    "2025-09-01",
    "2026-01-01",
)
PRIVATE_DNS_API_VERSIONS = ("2018-09-01", "2020-01-01", "2020-06-01")
DNS_RESOLVER_API_VERSIONS = ("2020-04-01-preview", "2022-07-01", "2023-07-01-preview")


def sdk_api_version(package: str) -> str:
    """The newest default api-version the installed SDK package sends (read from its sources)."""
    root = Path(importlib.import_module(package).__file__).parent
    found: set[str] = set()
    for path in list(root.glob("operations/*.py")) + [root / "_configuration.py"]:
        text = path.read_text()
        found.update(
            re.findall(
                r'api_version: str = kwargs\.pop\("api_version", _params\.pop\("api-version", '
                r'"([0-9]{4}-[0-9]{2}-[0-9]{2}[a-z-]*)"\)\)',
                text,
            )
        )
        found.update(re.findall(r'kwargs\.pop\("api_version", "([0-9]{4}-[0-9]{2}-[0-9]{2}[a-z-]*)"\)', text))
    return max(found)


SDK_NETWORK = sdk_api_version("azure.mgmt.network")
SDK_PRIVATE_DNS = sdk_api_version("azure.mgmt.privatedns")
SDK_DNS_RESOLVER = sdk_api_version("azure.mgmt.dnsresolver")


def _versions(known: tuple[str, ...], sdk: str) -> tuple[str, ...]:
    return tuple(sorted(set(known) | {sdk}))


# -- small helpers -------------------------------------------------------------------------------


def props(body: dict) -> dict:
    return body.setdefault("properties", {})


def ref_id(value) -> str | None:
    return value.get("id") if isinstance(value, dict) else None


def require_ref(engine: Engine, target: str | None, referrer: str, expect_type: str | None = None) -> Record:
    rec = engine.get(target) if target else None
    if rec is None or (expect_type and rec.rtype.full_type.lower() != expect_type.lower()):
        raise ArmError(
            400,
            "InvalidResourceReference",
            f"Resource {target} referenced by resource {referrer} was not found. Please make sure that "
            "the referenced resource exists, and that both resources are in the same region.",
        )
    return rec


def parent_id(rid: str) -> str:
    return rid.rsplit("/", 2)[0]


def body_of(engine: Engine, rid: str) -> dict | None:
    if rid.lower() in engine.pending:
        return engine.pending[rid.lower()]
    rec = engine.get(rid)
    return rec.body if rec else None


def referrers(engine: Engine, target_id: str, full_type: str | None = None) -> list[tuple[Record, str]]:
    """Records whose body holds ``{"id": target_id}`` somewhere (optionally only of one type)."""
    key = target_id.lower()
    out = []
    for rec in list(engine.records.values()):
        if full_type and rec.rtype.full_type.lower() != full_type.lower():
            continue
        for path in _find_ids(rec.body, key, ""):
            out.append((rec, path))
    return out


def _find_ids(value, key: str, path: str):
    if isinstance(value, dict):
        if isinstance(value.get("id"), str) and value["id"].lower() == key and path:
            yield path
        for k, v in value.items():
            if k != "id":
                yield from _find_ids(v, key, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _find_ids(v, key, f"{path}[{i}]")


def network(prefix: str, owner: str, strict: bool = True) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        return ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        raise ArmError(
            400,
            "InvalidAddressPrefixFormat",
            f"Address prefix {prefix} of resource {owner} is not formatted correctly. It should follow "
            "CIDR notation, for example 10.0.0.0/24.",
        ) from None


def cidr(prefix, owner: str):
    if not isinstance(prefix, str) or "/" not in prefix:
        network(f"{prefix}/x", owner)
    net = network(prefix, owner)
    if str(net) != prefix.strip():
        raise ArmError(
            400,
            "InvalidCIDRNotation",
            f"The address prefix {prefix} in resource {owner} has an invalid CIDR notation. For the given "
            f"prefix length, the address prefix should be {net}.",
        )
    return net


def keep(old: dict | None, path: tuple[str, ...], default):
    value = old
    for key in path:
        value = value.get(key) if isinstance(value, dict) else None
    return value if value is not None else default


def guid_from(old: dict | None) -> str:
    return keep(old, ("properties", "resourceGuid"), str(uuid.uuid4()))


# -- Microsoft.Network core ----------------------------------------------------------------------


def vnet_validate(engine, rid, body, old):
    prefixes = keep(body, ("properties", "addressSpace", "addressPrefixes"), [])
    for prefix in prefixes:
        cidr(prefix, rid)


def vnet_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    p.setdefault("enableDdosProtection", False)
    p.setdefault("privateEndpointVNetPolicies", "Disabled")


def vnet_after_write(engine, rec):
    # the peering from the other side reflects address space changes
    for peer, _ in referrers(engine, rec.id, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"):
        peer_props = props(peer.body)
        peer_props["remoteAddressSpace"] = keep(
            rec.body, ("properties", "addressSpace"), {"addressPrefixes": []}
        )
        peer_props["remoteVirtualNetworkAddressSpace"] = peer_props["remoteAddressSpace"]


def vnet_after_delete(engine, rec):
    for peer, _ in referrers(engine, rec.id, "Microsoft.Network/virtualNetworks/virtualNetworkPeerings"):
        props(peer.body)["peeringState"] = "Disconnected"
        props(peer.body)["peeringSyncLevel"] = "RemoteNotInSync"


def subnet_validate(engine, rid, body, old):
    p = props(body)
    vnet_id = parent_id(rid)
    vnet = body_of(engine, vnet_id) or {}
    prefixes = list(p.get("addressPrefixes") or []) + ([p["addressPrefix"]] if p.get("addressPrefix") else [])
    if not prefixes:
        raise ArmError(
            400,
            "NoAddressPrefixOrPoolProvided",
            f"Subnet {rid} must have either an addressPrefix or addressPrefixes specified.",
        )
    space = [network(x, vnet_id) for x in keep(vnet, ("properties", "addressSpace", "addressPrefixes"), [])]
    name = rid.rsplit("/", 1)[1]
    vnet_name = vnet_id.rsplit("/", 1)[1]
    siblings = [
        c for c in engine.children(vnet_id) if c.rtype.path[-1] == "subnets" and c.id.lower() != rid.lower()
    ]
    for prefix in prefixes:
        net = cidr(prefix, rid)
        if not any(net.version == s.version and net.subnet_of(s) for s in space):
            raise ArmError(
                400,
                "NetcfgSubnetRangeOutsideVnet",
                f"Subnet '{name}' is not valid because its IP address range is outside the IP address "
                f"range of virtual network '{vnet_name}'.",
            )
        for sib in siblings:
            sp = props(sib.body)
            for other in list(sp.get("addressPrefixes") or []) + (
                [sp["addressPrefix"]] if sp.get("addressPrefix") else []
            ):
                if net.overlaps(ipaddress.ip_network(other, strict=False)):
                    raise ArmError(
                        400,
                        "NetcfgSubnetRangesOverlap",
                        f"Subnet '{name}' is not valid because its IP address range overlaps with that "
                        f"of an existing subnet in virtual network '{vnet_name}'.",
                    )
    if ref_id(p.get("routeTable")):
        require_ref(engine, p["routeTable"]["id"], rid, "Microsoft.Network/routeTables")
    if ref_id(p.get("networkSecurityGroup")):
        require_ref(engine, p["networkSecurityGroup"]["id"], rid, "Microsoft.Network/networkSecurityGroups")


def subnet_defaults(engine, rid, body, old):
    p = props(body)
    p.setdefault("privateEndpointNetworkPolicies", "Disabled")
    p.setdefault("privateLinkServiceNetworkPolicies", "Enabled")
    for delegation in p.get("delegations") or []:
        delegation["id"] = f"{rid}/delegations/{delegation.get('name')}"
        delegation["type"] = "Microsoft.Network/virtualNetworks/subnets/delegations"
        dprops = delegation.setdefault("properties", {})
        dprops["provisioningState"] = "Succeeded"
        dprops["actions"] = ["Microsoft.Network/virtualNetworks/subnets/join/action"]


def subnet_users(engine, rec) -> list[str]:
    users = []
    for other, path in referrers(engine, rec.id):
        if other.rtype.full_type == "Microsoft.Network/virtualNetworkGateways":
            index = int(re.search(r"ipConfigurations\[(\d+)\]", path).group(1))
            name = props(other.body)["ipConfigurations"][index]["name"]
            users.append(f"{other.id}/ipConfigurations/{name}")
        elif other.rtype.namespace == "Microsoft.Network" and other.rtype.path[0] == "dnsResolvers":
            users.append(other.id)
    return users


def subnet_render(engine, rec, out):
    p = out["properties"]
    gateway_configs = [{"id": u} for u in subnet_users(engine, rec) if "/ipConfigurations/" in u]
    if gateway_configs:
        p["ipConfigurations"] = gateway_configs


def subnet_before_delete(engine, rec):
    users = subnet_users(engine, rec)
    if users:
        raise ArmError(
            400,
            "InUseSubnetCannotBeDeleted",
            f"Subnet {rec.name} is in use by {users[0]} and cannot be deleted. In order to delete the "
            "subnet, delete all the resources within the subnet. See aka.ms/deletesubnet.",
        )


def route_table_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    p.setdefault("disableBgpRoutePropagation", False)


def route_table_render(engine, rec, out):
    subnets = [r.id for r, _ in referrers(engine, rec.id, "Microsoft.Network/virtualNetworks/subnets")]
    if subnets:
        out["properties"]["subnets"] = [{"id": s} for s in subnets]


def route_table_before_delete(engine, rec):
    subnets = [r.id for r, _ in referrers(engine, rec.id, "Microsoft.Network/virtualNetworks/subnets")]
    if subnets:
        raise ArmError(
            400,
            "InUseRouteTableCannotBeDeleted",
            f"Route table {rec.id} is in use and cannot be deleted. It is associated with subnet(s) "
            + ", ".join(subnets)
            + ".",
        )


SERVICE_TAG = re.compile(r"^[A-Za-z][A-Za-z0-9.]*$")


def route_validate(engine, rid, body, old):
    p = props(body)
    prefix = p.get("addressPrefix")
    if prefix is None:
        raise ArmError(
            400,
            "InvalidRequestFormat",
            "Cannot parse the request.",
            [{"code": "MissingJsonProperty", "message": f"Route {rid} must have addressPrefix specified."}],
        )
    if not SERVICE_TAG.match(prefix):
        cidr(prefix, rid)
    hop = (p.get("nextHopType") or "").lower()
    if hop == "virtualappliance" and not p.get("nextHopIpAddress"):
        raise ArmError(
            400,
            "NextHopIpAddressRequired",
            f"Route {rid} has next hop type VirtualAppliance but no nextHopIpAddress.",
        )
    if hop != "virtualappliance" and p.get("nextHopIpAddress"):
        raise ArmError(
            400,
            "NextHopIpAddressNotAllowed",
            f"Route {rid} has a next hop IP address but its next hop type is {p.get('nextHopType')}; "
            "only VirtualAppliance routes may specify one.",
        )


def route_defaults(engine, rid, body, old):
    props(body).setdefault("hasBgpOverride", False)


def public_ip_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    body.setdefault("sku", {"name": "Standard", "tier": "Regional"})
    body["sku"].setdefault("tier", "Regional")
    standard = body["sku"].get("name", "").lower() == "standard"
    p.setdefault("publicIPAllocationMethod", "Static" if standard else "Dynamic")
    p.setdefault("publicIPAddressVersion", "IPv4")
    p.setdefault("idleTimeoutInMinutes", 4)
    p.setdefault("ipTags", [])
    address = keep(old, ("properties", "ipAddress"), None)
    if address is None and p["publicIPAllocationMethod"].lower() == "static":
        address = allocate_public_ip(engine)
    if address:
        p["ipAddress"] = address


def allocate_public_ip(engine) -> str:
    # 20.x documentation-free range as Azure uses; deterministic per emulator
    n = next(engine.counter)
    return f"20.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def public_ip_render(engine, rec, out):
    users = referrers(engine, rec.id, "Microsoft.Network/virtualNetworkGateways")
    if users:
        gw, path = users[0]
        index = int(re.search(r"ipConfigurations\[(\d+)\]", path).group(1))
        name = props(gw.body)["ipConfigurations"][index]["name"]
        out["properties"]["ipConfiguration"] = {"id": f"{gw.id}/ipConfigurations/{name}"}


def public_ip_before_delete(engine, rec):
    users = referrers(engine, rec.id, "Microsoft.Network/virtualNetworkGateways")
    if users:
        raise ArmError(
            400,
            "PublicIPAddressCannotBeDeleted",
            f"Public IP address {rec.id} can not be deleted since it is still allocated to resource "
            f"{users[0][0].id}. In order to delete the public IP, disassociate/detach the Public IP "
            "address from the resource.",
        )


APIPA = (ipaddress.ip_network("169.254.21.0/24"), ipaddress.ip_network("169.254.22.0/24"))


def gateway_validate(engine, rid, body, old):
    p = props(body)
    configs = p.get("ipConfigurations") or []
    if not configs:
        raise ArmError(
            400,
            "VirtualNetworkGatewayMustHaveIpConfiguration",
            f"Virtual network gateway {rid} must have at least one IP configuration.",
        )
    active = bool(p.get("activeActive"))
    if active and len(configs) != 2:
        raise ArmError(
            400,
            "ActiveActiveGatewayMustHaveTwoIpConfigurations",
            f"Active-active virtual network gateway {rid} must have exactly two IP configurations.",
        )
    subnet_ids = set()
    for cfg in configs:
        cp = cfg.get("properties") or {}
        subnet_id = ref_id(cp.get("subnet"))
        subnet = require_ref(engine, subnet_id, rid, "Microsoft.Network/virtualNetworks/subnets")
        if subnet.name != "GatewaySubnet":
            raise ArmError(
                400,
                "GatewaySubnetRequired",
                f"Subnet {subnet.id} referenced by virtual network gateway {rid} is not named "
                "'GatewaySubnet'. Virtual network gateways can only be deployed in a subnet named "
                "GatewaySubnet.",
            )
        subnet_ids.add(subnet.id.lower())
        pip = require_ref(
            engine, ref_id(cp.get("publicIPAddress")), rid, "Microsoft.Network/publicIPAddresses"
        )
        for other, _ in referrers(engine, pip.id, "Microsoft.Network/virtualNetworkGateways"):
            if other.id.lower() != rid.lower():
                raise ArmError(
                    400,
                    "PublicIPAddressInUse",
                    f"Resource {pip.id} is referenced by {other.id} and cannot be used by {rid}.",
                )
    if len(subnet_ids) != 1:
        raise ArmError(
            400,
            "InvalidGatewaySubnetReference",
            "All IP configurations of a virtual network gateway must use the same GatewaySubnet.",
        )
    bgp = p.get("bgpSettings") or {}
    for peering in bgp.get("bgpPeeringAddresses") or []:
        for address in peering.get("customBgpIpAddresses") or []:
            try:
                ip = ipaddress.ip_address(address)
            except ValueError:
                ip = None
            if ip is None or not any(ip in n for n in APIPA):
                raise ArmError(
                    400,
                    "InvalidCustomBgpIpAddress",
                    f"Custom BGP IP address {address} of virtual network gateway {rid} is invalid. "
                    "Azure APIPA BGP addresses must be in the range 169.254.21.0 to 169.254.22.255.",
                )
        cfg_names = {f"{rid}/ipConfigurations/{c.get('name')}".lower() for c in configs}
        if (peering.get("ipconfigurationId") or "").lower() not in cfg_names:
            raise ArmError(
                400,
                "InvalidResourceReference",
                f"Resource {peering.get('ipconfigurationId')} referenced by resource {rid} was not found. "
                "Please make sure that the referenced resource exists, and that both resources are in "
                "the same region.",
            )


def gateway_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    p.setdefault("gatewayType", "Vpn")
    p.setdefault("vpnType", "RouteBased")
    p.setdefault("enableBgp", False)
    p.setdefault("activeActive", False)
    p.setdefault("enablePrivateIpAddress", False)
    p.setdefault("vpnGatewayGeneration", "Generation2")
    p.setdefault("sku", {"name": "VpnGw1", "tier": "VpnGw1"})
    p["sku"].setdefault("tier", p["sku"].get("name"))
    configs = p["ipConfigurations"]
    subnet = engine.get(configs[0]["properties"]["subnet"]["id"])
    subnet_net = ipaddress.ip_network(
        (props(subnet.body).get("addressPrefix") or props(subnet.body)["addressPrefixes"][0]), strict=False
    )
    hosts = list(subnet_net.hosts())
    default_ips = [str(hosts[-1 - i]) for i in range(len(configs))][::-1]
    custom = {
        (b.get("ipconfigurationId") or "").lower(): b.get("customBgpIpAddresses") or []
        for b in (p.get("bgpSettings") or {}).get("bgpPeeringAddresses") or []
    }
    peering = []
    for cfg, default_ip in zip(configs, default_ips):
        cfg_id = f"{rid}/ipConfigurations/{cfg['name']}"
        cfg["id"] = cfg_id
        cp = cfg.setdefault("properties", {})
        cp.setdefault("privateIPAllocationMethod", "Dynamic")
        cp["provisioningState"] = "Succeeded"
        pip = engine.get(cp["publicIPAddress"]["id"])
        pip_props = props(pip.body)
        if not pip_props.get("ipAddress"):
            pip_props["ipAddress"] = allocate_public_ip(engine)
        peering.append(
            {
                "ipconfigurationId": cfg_id,
                "defaultBgpIpAddresses": [default_ip],
                "customBgpIpAddresses": custom.get(cfg_id.lower(), []),
                "tunnelIpAddresses": [pip_props["ipAddress"]],
            }
        )
    bgp = p.setdefault("bgpSettings", {})
    bgp.setdefault("asn", 65515)
    bgp.setdefault("peerWeight", 0)
    bgp["bgpPeeringAddress"] = ",".join(default_ips)
    bgp["bgpPeeringAddresses"] = peering


def gateway_render(engine, rec, out):
    for cfg in out["properties"].get("ipConfigurations") or []:
        cfg["etag"] = rec.etag


def _in_use_by_connections(kind: str):
    def check(engine, rec):
        users = [r.id for r, _ in referrers(engine, rec.id, "Microsoft.Network/connections")]
        if users:
            raise ArmError(
                400,
                f"InUse{kind}CannotBeDeleted",
                f"Cannot proceed with the operation because {rec.id} has references. It is referenced "
                f"by connection(s) {', '.join(users)}. Delete the connections first.",
            )

    return check


def lng_validate(engine, rid, body, old):
    p = props(body)
    for prefix in keep(body, ("properties", "localNetworkAddressSpace", "addressPrefixes"), []):
        cidr(prefix, rid)
    if not p.get("gatewayIpAddress") and not p.get("fqdn"):
        raise ArmError(
            400,
            "LocalNetworkGatewayMustHaveIpAddressOrFqdn",
            f"Local network gateway {rid} must specify gatewayIpAddress or fqdn.",
        )
    if p.get("gatewayIpAddress"):
        try:
            ipaddress.ip_address(p["gatewayIpAddress"])
        except ValueError:
            raise ArmError(
                400,
                "InvalidGatewayIpAddress",
                f"Gateway IP address {p['gatewayIpAddress']} of {rid} is not a valid IP address.",
            ) from None


def lng_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    p.setdefault("localNetworkAddressSpace", {"addressPrefixes": []})


def connection_validate(engine, rid, body, old):
    p = props(body)
    kind = (p.get("connectionType") or "").lower()
    require_ref(
        engine, ref_id(p.get("virtualNetworkGateway1")), rid, "Microsoft.Network/virtualNetworkGateways"
    )
    if kind == "ipsec":
        require_ref(
            engine, ref_id(p.get("localNetworkGateway2")), rid, "Microsoft.Network/localNetworkGateways"
        )
    elif kind == "vnet2vnet":
        require_ref(
            engine, ref_id(p.get("virtualNetworkGateway2")), rid, "Microsoft.Network/virtualNetworkGateways"
        )


def connection_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    p.setdefault("connectionProtocol", "IKEv2")
    p.setdefault("routingWeight", 0)
    p.setdefault("dpdTimeoutSeconds", 45)
    p.setdefault("connectionMode", "Default")
    p.setdefault("enableBgp", False)
    p.setdefault("useLocalAzureIpAddress", False)
    p.setdefault("usePolicyBasedTrafficSelectors", False)
    p.setdefault("ipsecPolicies", [])
    p.setdefault("trafficSelectorPolicies", [])
    p.setdefault("expressRouteGatewayBypass", False)
    p.setdefault("enablePrivateLinkFastPath", False)
    p["connectionStatus"] = "Connected"
    p["ingressBytesTransferred"] = 0
    p["egressBytesTransferred"] = 0
    p.setdefault("virtualNetworkGateway1", {})


def connection_after_write(engine, rec):
    p = props(rec.body)
    if p.get("sharedKey") is not None:
        rec.secret["sharedKey"] = p.pop("sharedKey")
    elif "sharedKey" not in rec.secret:
        rec.secret["sharedKey"] = base64.b32encode(secrets.token_bytes(20)).decode().rstrip("=")


def connection_render(engine, rec, out):
    # Expand gateway references the way the RP does (a GET returns the full gateway objects).
    p = out["properties"]
    for key in ("virtualNetworkGateway1", "virtualNetworkGateway2", "localNetworkGateway2"):
        target = engine.get(ref_id(p.get(key)))
        if target is not None:
            p[key] = {
                "id": target.id,
                "location": target.body.get("location"),
                "properties": {
                    k: v
                    for k, v in props(target.body).items()
                    if k
                    in (
                        "gatewayIpAddress",
                        "localNetworkAddressSpace",
                        "bgpSettings",
                        "gatewayType",
                        "vpnType",
                        "activeActive",
                        "enableBgp",
                    )
                },
            }
            if target.body.get("tags"):
                p[key]["tags"] = target.body["tags"]


def shared_key_action(router, req, target, rec):
    engine = router.engine
    if target.action == "sharedkey" and req.method == "GET":
        return Response(200, {"value": rec.secret.get("sharedKey", "")})
    if target.action == "sharedkey" and req.method == "PUT":
        from .arm import parse_json

        body = parse_json(req.body, "network")
        router._validate_body(body, _shared_key_type)
        rec.secret["sharedKey"] = body["value"]
        engine.touch(rec)
        op = engine.start_op(
            "action", rec, target.sub, target.rg, req.query["api-version"], router._lro_fail(rec.rtype, "PUT")
        )
        op.result = {"id": f"{rec.id}/sharedkey", "value": body["value"]}
        return Response(200, {"value": body["value"]}, engine.lro_headers(req, op, location=False))
    if target.action == "sharedkey/reset" and req.method == "POST":
        from .arm import parse_json

        body = parse_json(req.body, "network")
        router._validate_body(body, _reset_key_type)
        length = body["keyLength"]
        if not 1 <= length <= 128:
            raise ArmError(400, "InvalidSharedKeyLength", "The key length must be between 1 and 128.")
        rec.secret["sharedKey"] = secrets.token_urlsafe(length)[:length]
        op = engine.start_op("action", rec, target.sub, target.rg, req.query["api-version"], None)
        op.result = {"keyLength": length}
        return Response(202, None, engine.lro_headers(req, op, location=True))
    raise ArmError(405, "MethodNotAllowed", f"The requested method '{req.method}' is not allowed.")


def peering_validate(engine, rid, body, old):
    p = props(body)
    remote = require_ref(
        engine, ref_id(p.get("remoteVirtualNetwork")), rid, "Microsoft.Network/virtualNetworks"
    )
    local = body_of(engine, parent_id(rid)) or {}
    mine = [
        ipaddress.ip_network(x, strict=False)
        for x in keep(local, ("properties", "addressSpace", "addressPrefixes"), [])
    ]
    theirs = [
        ipaddress.ip_network(x, strict=False)
        for x in keep(remote.body, ("properties", "addressSpace", "addressPrefixes"), [])
    ]
    for a in mine:
        for b in theirs:
            if a.version == b.version and a.overlaps(b):
                raise ArmError(
                    400,
                    "VnetAddressSpacesOverlap",
                    f"Cannot create or update peering {rid}. Virtual networks {parent_id(rid)} and "
                    f"{remote.id} cannot be peered because their address spaces overlap. Overlapping "
                    f"address prefixes: {a}, {b}",
                )


def peering_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    for key in ("allowVirtualNetworkAccess",):
        p.setdefault(key, True)
    for key in (
        "allowForwardedTraffic",
        "allowGatewayTransit",
        "useRemoteGateways",
        "doNotVerifyRemoteGateways",
    ):
        p.setdefault(key, False)
    p.setdefault("peerCompleteVnets", True)
    p.setdefault("enableOnlyIPv6Peering", False)
    remote = engine.get(p["remoteVirtualNetwork"]["id"])
    space = keep(remote.body, ("properties", "addressSpace"), {"addressPrefixes": []})
    p["remoteAddressSpace"] = space
    p["remoteVirtualNetworkAddressSpace"] = space
    p["remoteVirtualNetwork"] = {"id": remote.id}
    back = _back_peering(engine, remote.id, parent_id(rid))
    p["peeringState"] = "Connected" if back else "Initiated"
    p["peeringSyncLevel"] = "FullyInSync"


def _back_peering(engine, vnet_id: str, remote_id: str) -> Record | None:
    for child in engine.children(vnet_id):
        if child.rtype.path[-1] == "virtualNetworkPeerings":
            if (ref_id(props(child.body).get("remoteVirtualNetwork")) or "").lower() == remote_id.lower():
                return child
    return None


def peering_after_write(engine, rec):
    back = _back_peering(engine, ref_id(props(rec.body)["remoteVirtualNetwork"]), parent_id(rec.id))
    if back is not None:
        props(back.body)["peeringState"] = "Connected"
        props(rec.body)["peeringState"] = "Connected"


def peering_after_delete(engine, rec):
    back = _back_peering(engine, ref_id(props(rec.body).get("remoteVirtualNetwork")) or "", parent_id(rec.id))
    if back is not None:
        props(back.body)["peeringState"] = "Disconnected"


# -- Private DNS ---------------------------------------------------------------------------------


def zone_validate(engine, rid, body, old):
    name = rid.rsplit("/", 1)[1]
    labels = name.rstrip(".").split(".")
    if len(labels) < 2 or any(
        not re.fullmatch(r"[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?", x) for x in labels
    ):
        raise ArmError(
            400,
            "BadRequest",
            f"The zone name '{name}' is invalid. Private DNS zone names must have at "
            "least two labels of letters, digits, hyphens and underscores.",
        )


def zone_defaults(engine, rid, body, old):
    p = props(body)
    p["maxNumberOfRecordSets"] = 25000
    p["maxNumberOfVirtualNetworkLinks"] = 1000
    p["maxNumberOfVirtualNetworkLinksWithRegistration"] = 100
    p["internalId"] = keep(
        old,
        ("properties", "internalId"),
        base64.b64encode(
            f"Microsoft.Network/privateDnsZones/{rid.rsplit('/', 1)[1]}/{uuid.uuid4()}".encode()
        ).decode(),
    )


def zone_render(engine, rec, out):
    links = [c for c in engine.children(rec.id) if c.rtype.path[-1] == "virtualNetworkLinks"]
    p = out["properties"]
    p["numberOfRecordSets"] = sum(c.rtype.model is pdns.RecordSet for c in engine.children(rec.id))
    p["numberOfVirtualNetworkLinks"] = len(links)
    p["numberOfVirtualNetworkLinksWithRegistration"] = sum(
        bool(props(c.body).get("registrationEnabled")) for c in links
    )


def zone_after_write(engine, rec):
    soa_id = f"{rec.id}/SOA/@"
    if engine.get(soa_id) is None:
        soa = {
            "properties": {
                "ttl": 3600,
                "soaRecord": {
                    "host": "azureprivatedns.net",
                    "email": "azureprivatedns-host.microsoft.com",
                    "serialNumber": 1,
                    "refreshTime": 3600,
                    "retryTime": 300,
                    "expireTime": 2419200,
                    "minimumTtl": 10,
                },
            }
        }
        soa_type = next(t for t in engine.types if t.path == ("privateDnsZones", "SOA"))
        engine.records[soa_id.lower()] = Record(
            id=soa_id,
            rtype=soa_type,
            body=soa,
            etag=new_etag("privatedns"),
            parent_id=rec.id,
            rg_key=rec.rg_key,
        )


def zone_before_delete(engine, rec):
    links = [c.id for c in engine.children(rec.id) if c.rtype.path[-1] == "virtualNetworkLinks"]
    if links:
        raise ArmError(
            409,
            "Conflict",
            f"The private DNS zone {rec.name} cannot be deleted because it has virtual "
            f"network links: {', '.join(links)}. Delete the virtual network links first.",
        )


RECORD_FIELDS = {
    "A": "aRecords",
    "AAAA": "aaaaRecords",
    "CNAME": "cnameRecord",
    "MX": "mxRecords",
    "PTR": "ptrRecords",
    "SOA": "soaRecord",
    "SRV": "srvRecords",
    "TXT": "txtRecords",
}


def record_validate_for(record_type: str):
    def validate(engine, rid, body, old):
        p = props(body)
        name = rid.rsplit("/", 1)[1]
        for other_type, key in RECORD_FIELDS.items():
            if other_type != record_type and p.get(key):
                raise ArmError(
                    400,
                    "BadRequest",
                    f"The record set {name} of type {record_type} cannot contain "
                    f"{other_type} records ({key}).",
                )
        if record_type == "SOA" and name != "@":
            raise ArmError(400, "BadRequest", "SOA record sets can only be created at the zone apex '@'.")
        if record_type == "CNAME" and name == "@":
            raise ArmError(400, "BadRequest", "A CNAME record set cannot be created at the zone apex '@'.")
        for record in p.get("aRecords") or []:
            _check_ip(record.get("ipv4Address"), 4, rid)
        for record in p.get("aaaaRecords") or []:
            _check_ip(record.get("ipv6Address"), 6, rid)

    return validate


def _check_ip(value, version: int, rid: str) -> None:
    try:
        ok = ipaddress.ip_address(value).version == version
    except ValueError:
        ok = False
    if not ok:
        raise ArmError(
            400, "BadRequest", f"'{value}' is not a valid IPv{version} address in record set {rid}."
        )


def record_defaults(engine, rid, body, old):
    props(body).setdefault("ttl", 3600)


def record_render(engine, rec, out):
    zone_name = rec.parent_id.rsplit("/", 1)[1]
    out["properties"]["fqdn"] = f"{zone_name}." if rec.name == "@" else f"{rec.name}.{zone_name}."
    out["properties"]["isAutoRegistered"] = False


def zone_link_validate(engine, rid, body, old):
    p = props(body)
    vnet_id = ref_id(p.get("virtualNetwork"))
    if not vnet_id:
        raise ArmError(400, "BadRequest", "The virtual network of the link is required.")
    require_ref(engine, vnet_id, rid, "Microsoft.Network/virtualNetworks")
    for sibling in engine.children(parent_id(rid)):
        if (
            sibling.id.lower() != rid.lower()
            and (ref_id(props(sibling.body).get("virtualNetwork")) or "").lower() == vnet_id.lower()
        ):
            raise ArmError(
                409,
                "Conflict",
                f"A virtual network cannot be linked to the same private zone more "
                f"than once. Virtual network {vnet_id} is already linked by {sibling.id}.",
            )
    if (
        old is not None
        and (ref_id(keep(old, ("properties",), {}).get("virtualNetwork")) or "").lower() != vnet_id.lower()
    ):
        raise ArmError(400, "BadRequest", "The virtual network of an existing link cannot be changed.")


def zone_link_defaults(engine, rid, body, old):
    p = props(body)
    p.setdefault("registrationEnabled", False)
    p.setdefault("resolutionPolicy", "Default")
    p["virtualNetworkLinkState"] = "Completed"
    p["virtualNetwork"] = {"id": engine.get(p["virtualNetwork"]["id"]).id}


def global_location(engine, rid, body, old):
    if body.get("location", "global").lower() != "global":
        raise ArmError(
            400,
            "BadRequest",
            f"The location '{body['location']}' is invalid for resource {rid}. "
            "Private DNS resources must use location 'global'.",
        )


def global_defaults(engine, rid, body, old):
    body["location"] = "global"


# -- DNS Private Resolver ------------------------------------------------------------------------


def resolver_validate(engine, rid, body, old):
    vnet_id = ref_id(props(body).get("virtualNetwork"))
    vnet = require_ref(engine, vnet_id, rid, "Microsoft.Network/virtualNetworks")
    if vnet.body.get("location") != body.get("location"):
        raise ArmError(
            400,
            "BadRequest",
            f"The DNS resolver {rid} must be in the same region as virtual network {vnet.id}.",
        )
    if old is not None and (ref_id(old["properties"].get("virtualNetwork")) or "").lower() != vnet_id.lower():
        raise ArmError(
            400, "BadRequest", "The virtual network of an existing DNS resolver cannot be changed."
        )


def resolver_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    p["dnsResolverState"] = "Connected"
    p["virtualNetwork"] = {"id": engine.get(p["virtualNetwork"]["id"]).id}


def _resolver_subnet(engine, rid: str, subnet_id: str | None) -> Record:
    subnet = require_ref(engine, subnet_id, rid, "Microsoft.Network/virtualNetworks/subnets")
    resolver = engine.get(parent_id(rid))
    resolver_vnet = ref_id(props(resolver.body).get("virtualNetwork")) if resolver else None
    if resolver_vnet and parent_id(subnet.id).lower() != resolver_vnet.lower():
        raise ArmError(
            400,
            "BadRequest",
            f"Subnet {subnet.id} must belong to the DNS resolver's virtual network {resolver_vnet}.",
        )
    for other, _ in referrers(engine, subnet.id):
        if other.rtype.path[0] == "dnsResolvers" and other.id.lower() != rid.lower():
            raise ArmError(
                400,
                "BadRequest",
                f"Subnet {subnet.id} is already used by {other.id}. Each inbound or "
                "outbound endpoint needs a dedicated subnet.",
            )
    return subnet


def inbound_validate(engine, rid, body, old):
    for cfg in props(body).get("ipConfigurations") or []:
        _resolver_subnet(engine, rid, ref_id(cfg.get("subnet")))


def inbound_defaults(engine, rid, body, old):
    p = props(body)
    p["resourceGuid"] = guid_from(old)
    for cfg in p.get("ipConfigurations") or []:
        cfg.setdefault("privateIpAllocationMethod", "Dynamic")
        if cfg["privateIpAllocationMethod"] == "Dynamic" and not cfg.get("privateIpAddress"):
            subnet = engine.get(cfg["subnet"]["id"])
            net = ipaddress.ip_network(
                props(subnet.body).get("addressPrefix") or props(subnet.body)["addressPrefixes"][0],
                strict=False,
            )
            cfg["privateIpAddress"] = str(net.network_address + 4)  # first address Azure hands out


def outbound_validate(engine, rid, body, old):
    _resolver_subnet(engine, rid, ref_id(props(body).get("subnet")))


def ruleset_validate(engine, rid, body, old):
    for ref in props(body).get("dnsResolverOutboundEndpoints") or []:
        require_ref(engine, ref_id(ref), rid, "Microsoft.Network/dnsResolvers/outboundEndpoints")


def guid_defaults(engine, rid, body, old):
    props(body)["resourceGuid"] = guid_from(old)


def rule_validate(engine, rid, body, old):
    p = props(body)
    domain = p.get("domainName") or ""
    if not domain.endswith("."):
        raise ArmError(
            400,
            "BadRequest",
            f"The domain name '{domain}' of forwarding rule {rid} must be fully "
            "qualified and end with a dot.",
        )
    for server in p.get("targetDnsServers") or []:
        try:
            ipaddress.ip_address(server.get("ipAddress", ""))
        except ValueError:
            raise ArmError(
                400, "BadRequest", f"Target DNS server IP address '{server.get('ipAddress')}' is not valid."
            ) from None
    for sibling in engine.children(parent_id(rid)):
        if (
            sibling.rtype.path[-1] == "forwardingRules"
            and sibling.id.lower() != rid.lower()
            and props(sibling.body).get("domainName", "").lower() == domain.lower()
        ):
            raise ArmError(
                409,
                "Conflict",
                f"A forwarding rule for domain '{domain}' already exists in the ruleset: {sibling.id}.",
            )


def rule_defaults(engine, rid, body, old):
    p = props(body)
    p.setdefault("forwardingRuleState", "Enabled")
    for server in p.get("targetDnsServers") or []:
        server.setdefault("port", 53)


def ruleset_link_validate(engine, rid, body, old):
    vnet_id = ref_id(props(body).get("virtualNetwork"))
    require_ref(engine, vnet_id, rid, "Microsoft.Network/virtualNetworks")
    for other in engine.of_type("Microsoft.Network/dnsForwardingRulesets/virtualNetworkLinks"):
        if (
            other.id.lower() != rid.lower()
            and (ref_id(props(other.body).get("virtualNetwork")) or "").lower() == vnet_id.lower()
        ):
            raise ArmError(
                409,
                "Conflict",
                f"Virtual network {vnet_id} is already linked to a DNS forwarding "
                f"ruleset by {other.id}; a virtual network can be linked to one ruleset only.",
            )


def ruleset_link_defaults(engine, rid, body, old):
    props(body)["virtualNetwork"] = {"id": engine.get(props(body)["virtualNetwork"]["id"]).id}


def _chain(*hooks):
    def run(engine, rid, body, old):
        for hook in hooks:
            hook(engine, rid, body, old)

    return run


# -- the table -----------------------------------------------------------------------------------

_shared_key_type = ResourceType(
    "Microsoft.Network", ("connections", "sharedkey"), nw.ConnectionSharedKey, "network", ()
)
_reset_key_type = ResourceType(
    "Microsoft.Network", ("connections", "sharedkey", "reset"), nw.ConnectionResetSharedKey, "network", ()
)


def build_types() -> list[ResourceType]:
    net = _versions(NETWORK_API_VERSIONS, SDK_NETWORK)
    pdv = _versions(PRIVATE_DNS_API_VERSIONS, SDK_PRIVATE_DNS)
    drv = _versions(DNS_RESOLVER_API_VERSIONS, SDK_DNS_RESOLVER)
    n = "Microsoft.Network"
    return [
        ResourceType(
            n,
            ("virtualNetworks",),
            nw.VirtualNetwork,
            "network",
            net,
            validate=vnet_validate,
            defaults=vnet_defaults,
            after_write=vnet_after_write,
            after_delete=vnet_after_delete,
        ),
        ResourceType(
            n,
            ("virtualNetworks", "subnets"),
            nw.Subnet,
            "network",
            net,
            embed="subnets",
            validate=subnet_validate,
            defaults=subnet_defaults,
            render=subnet_render,
            before_delete=subnet_before_delete,
        ),
        ResourceType(
            n,
            ("virtualNetworks", "virtualNetworkPeerings"),
            nw.VirtualNetworkPeering,
            "network",
            net,
            embed="virtualNetworkPeerings",
            embed_absent_deletes=False,
            validate=peering_validate,
            defaults=peering_defaults,
            after_write=peering_after_write,
            after_delete=peering_after_delete,
        ),
        ResourceType(
            n,
            ("routeTables",),
            nw.RouteTable,
            "network",
            net,
            defaults=route_table_defaults,
            render=route_table_render,
            before_delete=route_table_before_delete,
        ),
        ResourceType(
            n,
            ("routeTables", "routes"),
            nw.Route,
            "network",
            net,
            embed="routes",
            validate=route_validate,
            defaults=route_defaults,
        ),
        ResourceType(
            n,
            ("publicIPAddresses",),
            nw.PublicIPAddress,
            "network",
            net,
            defaults=public_ip_defaults,
            render=public_ip_render,
            before_delete=public_ip_before_delete,
        ),
        ResourceType(
            n,
            ("virtualNetworkGateways",),
            nw.VirtualNetworkGateway,
            "network",
            net,
            validate=gateway_validate,
            defaults=gateway_defaults,
            render=gateway_render,
            before_delete=_in_use_by_connections("VirtualNetworkGateway"),
        ),
        ResourceType(
            n,
            ("localNetworkGateways",),
            nw.LocalNetworkGateway,
            "network",
            net,
            validate=lng_validate,
            defaults=lng_defaults,
            before_delete=_in_use_by_connections("LocalNetworkGateway"),
        ),
        ResourceType(
            n,
            ("connections",),
            nw.VirtualNetworkGatewayConnection,
            "network",
            net,
            validate=connection_validate,
            defaults=connection_defaults,
            after_write=connection_after_write,
            render=connection_render,
            actions={"sharedkey": shared_key_action, "sharedkey/reset": shared_key_action},
        ),
        ResourceType(
            n,
            ("privateDnsZones",),
            pdns.PrivateZone,
            "privatedns",
            pdv,
            locations=("global",),
            patch_lro=True,
            validate=_chain(global_location, zone_validate),
            defaults=_chain(global_defaults, zone_defaults),
            render=zone_render,
            after_write=zone_after_write,
            before_delete=zone_before_delete,
        ),
        *[
            ResourceType(
                n,
                ("privateDnsZones", record_type),
                pdns.RecordSet,
                "privatedns",
                pdv,
                sync=True,
                validate=record_validate_for(record_type),
                defaults=record_defaults,
                render=record_render,
                deletable=record_type != "SOA",
            )
            for record_type in RECORD_FIELDS
        ],
        ResourceType(n, ("privateDnsZones", "ALL"), pdns.RecordSet, "privatedns", pdv, aggregate=True),
        ResourceType(
            n,
            ("privateDnsZones", "virtualNetworkLinks"),
            pdns.VirtualNetworkLink,
            "privatedns",
            pdv,
            locations=("global",),
            patch_lro=True,
            validate=_chain(global_location, zone_link_validate),
            defaults=_chain(global_defaults, zone_link_defaults),
        ),
        ResourceType(
            n,
            ("dnsResolvers",),
            dr.DnsResolver,
            "dnsresolver",
            drv,
            patch_lro=True,
            validate=resolver_validate,
            defaults=resolver_defaults,
        ),
        ResourceType(
            n,
            ("dnsResolvers", "inboundEndpoints"),
            dr.InboundEndpoint,
            "dnsresolver",
            drv,
            patch_lro=True,
            validate=inbound_validate,
            defaults=inbound_defaults,
        ),
        ResourceType(
            n,
            ("dnsResolvers", "outboundEndpoints"),
            dr.OutboundEndpoint,
            "dnsresolver",
            drv,
            patch_lro=True,
            validate=outbound_validate,
            defaults=guid_defaults,
        ),
        ResourceType(
            n,
            ("dnsForwardingRulesets",),
            dr.DnsForwardingRuleset,
            "dnsresolver",
            drv,
            patch_lro=True,
            validate=ruleset_validate,
            defaults=guid_defaults,
        ),
        ResourceType(
            n,
            ("dnsForwardingRulesets", "forwardingRules"),
            dr.ForwardingRule,
            "dnsresolver",
            drv,
            sync=True,
            validate=rule_validate,
            defaults=rule_defaults,
        ),
        ResourceType(
            n,
            ("dnsForwardingRulesets", "virtualNetworkLinks"),
            dr.VirtualNetworkLink,
            "dnsresolver",
            drv,
            patch_lro=True,
            validate=ruleset_link_validate,
            defaults=ruleset_link_defaults,
        ),
    ]
