"""Site-to-Site VPN tunnel options, telemetry and configuration, and ModifyVpnTunnelOptions, as AWS has them.

AWS gives every VPN connection two tunnels. CreateVpnConnection takes ``Options`` (StaticRoutesOnly,
TunnelOptions per tunnel: TunnelInsideCidr, PreSharedKey, IKEVersions, DPD, startup action, phase
algorithms and lifetimes); options left out get AWS's documented defaults, a missing inside CIDR a
free /30 of 169.254.0.0/16 outside the reserved ones, a missing key a generated one. Each tunnel has
its own outside IP address (here from 192.0.2.0/24, a documentation range). DescribeVpnConnections
returns ``Options.TunnelOptions`` (with the key, as AWS does unless it is kept in Secrets Manager),
``VgwTelemetry`` per tunnel and a ``CustomerGatewayConfiguration`` document built from the same
values: inside addresses (AWS the first host of the /30, the customer the second), the customer
gateway's ASN and IP, the transit (or virtual private) gateway's Amazon side ASN; a static
connection has no BGP sections. moto accepts ``Options`` and drops it, and returns a fixed document.

ModifyVpnTunnelOptions changes one tunnel, found by its outside IP address, on an ``available``
connection; the connection is ``modifying`` for ``pending_reads`` describes, then ``available``.
"""

from __future__ import annotations

import datetime
import ipaddress
import random
import re
import string
from typing import Any
from xml.sax.saxutils import escape

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidVpnConnectionIdError
from moto.ec2.models.vpn_connections import VPNConnection
from moto.ec2.responses import EC2Response

from ._common import AwsError, pending_reads, wrap

LINK_LOCAL = ipaddress.ip_network("169.254.0.0/16")
RESERVED_INSIDE = frozenset(
    ipaddress.ip_network(c)
    for c in (
        "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30",
        "169.254.5.0/30", "169.254.169.252/30",
    )
)
OUTSIDE_RANGE = ipaddress.ip_network("192.0.2.0/24")
PSK_PATTERN = re.compile(r"[A-Za-z0-9._]{8,64}")
PSK_ALPHABET = string.ascii_letters + string.digits + "._"

ENCRYPTION = ["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"]
INTEGRITY = ["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"]
PHASE1_DH = [2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
PHASE2_DH = [2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]
IKE_VERSIONS = ["ikev1", "ikev2"]

# request key -> (TunnelOption key, allowed values or None, default)
LISTS = {
    "Phase1EncryptionAlgorithms": ("Phase1EncryptionAlgorithms", ENCRYPTION),
    "Phase2EncryptionAlgorithms": ("Phase2EncryptionAlgorithms", ENCRYPTION),
    "Phase1IntegrityAlgorithms": ("Phase1IntegrityAlgorithms", INTEGRITY),
    "Phase2IntegrityAlgorithms": ("Phase2IntegrityAlgorithms", INTEGRITY),
    "Phase1DHGroupNumbers": ("Phase1DHGroupNumbers", PHASE1_DH),
    "Phase2DHGroupNumbers": ("Phase2DHGroupNumbers", PHASE2_DH),
    "IKEVersions": ("IkeVersions", IKE_VERSIONS),
}
# request key -> (TunnelOption key, (low, high) inclusive, default)
INTEGERS = {
    "Phase1LifetimeSeconds": ("Phase1LifetimeSeconds", (900, 28800), 28800),
    "Phase2LifetimeSeconds": ("Phase2LifetimeSeconds", (900, 3600), 3600),
    "RekeyMarginTimeSeconds": ("RekeyMarginTimeSeconds", (60, None), 270),
    "RekeyFuzzPercentage": ("RekeyFuzzPercentage", (0, 100), 100),
    "ReplayWindowSize": ("ReplayWindowSize", (64, 2048), 1024),
    "DPDTimeoutSeconds": ("DpdTimeoutSeconds", (30, None), 30),
}
CHOICES = {
    "DPDTimeoutAction": ("DpdTimeoutAction", ("clear", "none", "restart"), "clear"),
    "StartupAction": ("StartupAction", ("add", "start"), "add"),
}


def _invalid(message: str) -> AwsError:
    return AwsError("InvalidParameterValue", message)


def _values(raw: Any) -> list[Any]:
    """A request list of ``{"Value": v}`` items (query-parsed as a list or an indexed dict)."""
    if raw is None:
        return []
    items = list(raw.values()) if isinstance(raw, dict) else list(raw)
    return [item.get("Value") if isinstance(item, dict) else item for item in items]


def _tunnel_specs(options: dict[str, Any]) -> list[dict[str, Any]]:
    raw = options.get("TunnelOptions") or []
    specs = list(raw.values()) if isinstance(raw, dict) else list(raw)
    if len(specs) > 2:
        raise _invalid("A VPN connection has two tunnels; TunnelOptions can hold at most two entries.")
    return [spec or {} for spec in specs]


def _check_inside_cidr(value: str) -> str:
    try:
        net = ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        raise _invalid(f"The tunnel inside CIDR {value} is not a valid CIDR block.") from exc
    if net.version != 4 or net.prefixlen != 30 or not net.subnet_of(LINK_LOCAL):
        raise _invalid(f"The tunnel inside CIDR {value} must be a /30 CIDR block from the 169.254.0.0/16 range.")
    if net in RESERVED_INSIDE:
        raise _invalid(f"The tunnel inside CIDR {value} is reserved and cannot be used.")
    return str(net)


def _check_psk(value: str) -> str:
    if not PSK_PATTERN.fullmatch(value) or value.startswith("0"):
        raise _invalid(
            "The pre-shared key must be 8-64 letters, digits, periods or underscores and cannot start with 0."
        )
    return value


def _apply_spec(tunnel: dict[str, Any], spec: dict[str, Any]) -> None:
    """Validate one VpnTunnelOptionsSpecification / ModifyVpnTunnelOptionsSpecification into ``tunnel``."""
    if spec.get("TunnelInsideCidr") is not None:
        tunnel["TunnelInsideCidr"] = _check_inside_cidr(str(spec["TunnelInsideCidr"]))
    if spec.get("PreSharedKey") is not None:
        tunnel["PreSharedKey"] = _check_psk(str(spec["PreSharedKey"]))
    for key, (out, allowed) in LISTS.items():
        if key not in spec:
            continue
        values = _values(spec[key])
        if key.endswith("DHGroupNumbers"):
            try:
                values = [int(v) for v in values]
            except (TypeError, ValueError) as exc:
                raise _invalid(f"{key} must hold Diffie-Hellman group numbers.") from exc
        bad = [v for v in values if v not in allowed]
        if bad or not values:
            raise _invalid(f"Invalid value for {key}: {bad or values}. Valid values: {allowed}.")
        tunnel[out] = [{"Value": v} for v in dict.fromkeys(values)]
    for key, (out, (low, high), _default) in INTEGERS.items():
        if spec.get(key) is None:
            continue
        try:
            value = int(spec[key])
        except (TypeError, ValueError) as exc:
            raise _invalid(f"{key} must be an integer.") from exc
        if value < low or (high is not None and value > high):
            raise _invalid(f"{key} {value} is out of range.")
        tunnel[out] = value
    for key, (out, allowed, _default) in CHOICES.items():
        if spec.get(key) is None:
            continue
        if spec[key] not in allowed:
            raise _invalid(f"Invalid value for {key}: {spec[key]}. Valid values: {list(allowed)}.")
        tunnel[out] = spec[key]
    if spec.get("EnableTunnelLifecycleControl") is not None:
        tunnel["EnableTunnelLifecycleControl"] = str(spec["EnableTunnelLifecycleControl"]).lower() == "true"
    if tunnel["RekeyMarginTimeSeconds"] > tunnel["Phase2LifetimeSeconds"] // 2:
        raise _invalid("RekeyMarginTimeSeconds must be at most half of Phase2LifetimeSeconds.")


def _default_tunnel() -> dict[str, Any]:
    tunnel: dict[str, Any] = {"TunnelInsideCidr": None, "PreSharedKey": None}
    for out, allowed in LISTS.values():
        tunnel[out] = [{"Value": v} for v in allowed]
    for out, _range, default in INTEGERS.values():
        tunnel[out] = default
    for out, _allowed, default in CHOICES.values():
        tunnel[out] = default
    tunnel["LogOptions"] = {"CloudWatchLogOptions": {"LogEnabled": False, "BgpLogEnabled": False}}
    tunnel["EnableTunnelLifecycleControl"] = False
    return tunnel


def _generated_psk() -> str:
    first = random.choice(string.ascii_letters + "_.")
    return first + "".join(random.choice(PSK_ALPHABET) for _ in range(31))


def _live(backend: Any) -> list[Any]:
    return [v for v in backend.vpn_connections.values() if v.state not in ("deleting", "deleted")]


def _gateway_of(vpn: Any) -> str | None:
    return vpn.transit_gateway_id or vpn.vpn_gateway_id


def _inside_cidrs_in_use(backend: Any, gateway_id: str | None, skip: Any = None) -> set[str]:
    used: set[str] = set()
    for vpn in _live(backend):
        if vpn is skip or not gateway_id or _gateway_of(vpn) != gateway_id:
            continue
        used.update(t["TunnelInsideCidr"] for t in getattr(vpn, "_tunnels", None) or [])
    return used


def _free_inside_cidr(taken: set[str]) -> str:
    for _ in range(1000):
        net = ipaddress.ip_network(f"169.254.{random.randint(6, 255)}.{random.randrange(0, 256, 4)}/30")
        if net not in RESERVED_INSIDE and str(net) not in taken:
            return str(net)
    raise AwsError("VpnConnectionLimitExceeded", "No free tunnel inside CIDR is left in 169.254.0.0/16.")


def _free_outside_ips(backend: Any, count: int) -> list[str]:
    used = {t["OutsideIpAddress"] for v in _live(backend) for t in getattr(v, "_tunnels", None) or []}
    free = [str(ip) for ip in OUTSIDE_RANGE.hosts() if str(ip) not in used]
    if len(free) < count:
        raise AwsError("VpnConnectionLimitExceeded", "The maximum number of VPN connections has been reached.")
    return sorted(random.sample(free, count), key=ipaddress.ip_address)


# --- the VPN connection's view -----------------------------------------------------------------


def _aws_asn(vpn: Any) -> str:
    backend = vpn.ec2_backend
    if vpn.transit_gateway_id:
        tgw = backend.transit_gateways.get(vpn.transit_gateway_id)
        if tgw is not None:
            return str(tgw.options.get("AmazonSideAsn", 64512))
    if vpn.vpn_gateway_id:
        vgw = getattr(backend, "vpn_gateways", {}).get(vpn.vpn_gateway_id)
        if vgw is not None and getattr(vgw, "amazon_side_asn", None):
            return str(vgw.amazon_side_asn)
    return "64512"


def _options(vpn: Any) -> dict[str, Any] | None:
    tunnels = getattr(vpn, "_tunnels", None)
    if tunnels is None:
        return None
    return dict(vpn._connection_options, TunnelOptions=[dict(t) for t in tunnels])


def _telemetry(vpn: Any) -> list[dict[str, Any]] | None:
    tunnels = getattr(vpn, "_tunnels", None)
    if tunnels is None:
        return None
    return [
        {
            "OutsideIpAddress": t["OutsideIpAddress"],
            "Status": "DOWN",
            "LastStatusChange": t["_status_change"],
            "StatusMessage": "IPSEC IS DOWN",
            "AcceptedRouteCount": 0,
        }
        for t in tunnels
    ]


def _tunnel_xml(vpn: Any, tunnel: dict[str, Any], cgw: Any, static: bool) -> str:
    net = ipaddress.ip_network(tunnel["TunnelInsideCidr"])
    aws_inside, customer_inside = (str(h) for h in list(net.hosts())[:2])
    mask = str(net.netmask)

    def side(outside: str, inside: str, asn: str) -> str:
        bgp = "" if static else (
            f"\n        <bgp>\n          <asn>{asn}</asn>\n          <hold_time>30</hold_time>\n        </bgp>"
        )
        return (
            f"\n        <tunnel_outside_address>\n          <ip_address>{outside}</ip_address>\n"
            f"        </tunnel_outside_address>\n        <tunnel_inside_address>\n"
            f"          <ip_address>{inside}</ip_address>\n          <network_mask>{mask}</network_mask>\n"
            f"          <network_cidr>{net.prefixlen}</network_cidr>\n        </tunnel_inside_address>{bgp}"
        )

    cgw_ip = cgw.ip_address if cgw is not None else ""
    cgw_asn = cgw.bgp_asn if cgw is not None else ""
    ike = ",".join(v["Value"] for v in tunnel["IkeVersions"])
    return (
        "  <ipsec_tunnel>\n"
        f"    <customer_gateway>{side(cgw_ip, customer_inside, cgw_asn)}\n    </customer_gateway>\n"
        f"    <vpn_gateway>{side(tunnel['OutsideIpAddress'], aws_inside, _aws_asn(vpn))}\n    </vpn_gateway>\n"
        "    <ike>\n      <authentication_protocol>sha1</authentication_protocol>\n"
        "      <encryption_protocol>aes-128-cbc</encryption_protocol>\n"
        f"      <lifetime>{tunnel['Phase1LifetimeSeconds']}</lifetime>\n"
        "      <perfect_forward_secrecy>group2</perfect_forward_secrecy>\n      <mode>main</mode>\n"
        f"      <version>{ike}</version>\n"
        f"      <pre_shared_key>{escape(tunnel['PreSharedKey'])}</pre_shared_key>\n    </ike>\n"
        "    <ipsec>\n      <protocol>esp</protocol>\n"
        "      <authentication_protocol>hmac-sha1-96</authentication_protocol>\n"
        "      <encryption_protocol>aes-128-cbc</encryption_protocol>\n"
        f"      <lifetime>{tunnel['Phase2LifetimeSeconds']}</lifetime>\n"
        "      <perfect_forward_secrecy>group2</perfect_forward_secrecy>\n      <mode>tunnel</mode>\n"
        "      <clear_df_bit>true</clear_df_bit>\n"
        "      <fragmentation_before_encryption>true</fragmentation_before_encryption>\n"
        "      <tcp_mss_adjustment>1379</tcp_mss_adjustment>\n      <dead_peer_detection>\n"
        "        <interval>10</interval>\n        <retries>3</retries>\n      </dead_peer_detection>\n    </ipsec>\n"
        "  </ipsec_tunnel>\n"
    )


def _configuration(vpn: Any, original: Any) -> str:
    tunnels = getattr(vpn, "_tunnels", None)
    if tunnels is None:
        return original.fget(vpn)
    cgw = vpn.ec2_backend.customer_gateways.get(vpn.customer_gateway_id)
    static = bool(vpn._connection_options.get("StaticRoutesOnly"))
    gateway = (
        f"  <transit_gateway_id>{vpn.transit_gateway_id}</transit_gateway_id>\n"
        if vpn.transit_gateway_id
        else f"  <vpn_gateway_id>{vpn.vpn_gateway_id or ''}</vpn_gateway_id>\n"
    )
    attributes = "  <vpn_connection_attributes>NoBGPVPNConnection</vpn_connection_attributes>\n" if static else ""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<vpn_connection id="{vpn.id}">\n'
        f"  <customer_gateway_id>{vpn.customer_gateway_id}</customer_gateway_id>\n"
        f"{gateway}  <vpn_connection_type>{vpn.type}</vpn_connection_type>\n{attributes}"
        + "".join(_tunnel_xml(vpn, t, cgw, static) for t in tunnels)
        + "</vpn_connection>\n"
    )


# --- create ------------------------------------------------------------------------------------


def _bool(value: Any) -> bool:
    return str(value).lower() == "true"


def _prepare(backend: Any, options: dict[str, Any], gateway_id: str | None) -> tuple[dict[str, Any], list[dict]]:
    """Validated connection options and two tunnels (without outside addresses) for a create request."""
    specs = _tunnel_specs(options)
    tunnels = []
    for spec in specs + [{}] * (2 - len(specs)):
        tunnel = _default_tunnel()
        _apply_spec(tunnel, spec)
        tunnels.append(tunnel)
    given = [t["TunnelInsideCidr"] for t in tunnels if t["TunnelInsideCidr"]]
    if len(given) != len(set(given)):
        raise _invalid("The two tunnels of a VPN connection need different inside CIDRs.")
    taken = _inside_cidrs_in_use(backend, gateway_id)
    for cidr in given:
        if cidr in taken:
            raise _invalid(f"The tunnel inside CIDR {cidr} is already used by a VPN connection on {gateway_id}.")
    taken |= set(given)
    for tunnel in tunnels:
        if not tunnel["TunnelInsideCidr"]:
            tunnel["TunnelInsideCidr"] = _free_inside_cidr(taken)
            taken.add(tunnel["TunnelInsideCidr"])
        tunnel["PreSharedKey"] = tunnel["PreSharedKey"] or _generated_psk()
    version = options.get("TunnelInsideIpVersion") or "ipv4"
    if version != "ipv4":
        raise AwsError("UnsupportedOperation", "Only ipv4 tunnel inside addresses are supported here.")
    connection = {
        "EnableAcceleration": _bool(options.get("EnableAcceleration")),
        "StaticRoutesOnly": _bool(options.get("StaticRoutesOnly")),
        "LocalIpv4NetworkCidr": options.get("LocalIpv4NetworkCidr") or "0.0.0.0/0",
        "RemoteIpv4NetworkCidr": options.get("RemoteIpv4NetworkCidr") or "0.0.0.0/0",
        "OutsideIpAddressType": options.get("OutsideIpAddressType") or "PublicIpv4",
        "TunnelInsideIpVersion": version,
    }
    return connection, tunnels


def _create(original: Any) -> Any:
    def create_vpn_connection(self: Any) -> Any:
        backend = self.ec2_backend
        options = self._get_param("Options", {}) or {}
        gateway_id = self._get_param("TransitGatewayId") or self._get_param("VpnGatewayId")
        connection, tunnels = _prepare(backend, options, gateway_id)
        outside = _free_outside_ips(backend, 2)
        result = original(self)
        vpn = result.result["VpnConnection"] if isinstance(result, ActionResult) else None
        if vpn is not None:
            now = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
            for tunnel, address in zip(tunnels, outside, strict=True):
                tunnel["OutsideIpAddress"] = address
                tunnel["_status_change"] = now
            vpn._connection_options = connection
            vpn._tunnels = tunnels
            vpn.category = "VPN"
        return result

    return create_vpn_connection


# --- modify tunnel -----------------------------------------------------------------------------


def mark_modifying(vpn: Any) -> None:
    """``modifying`` for pending_reads describes, then ``available`` (shared with vpn_connection_modify)."""
    from .lifecycle import track

    if pending_reads() > 0:
        vpn.state = "modifying"
        track(vpn.ec2_backend, vpn.id, lambda: setattr(vpn, "state", "available"))


def require_available(vpn: Any) -> None:
    if vpn.state != "available":
        raise AwsError(
            "IncorrectState", f"The VPN connection {vpn.id} is in the {vpn.state} state and cannot be modified."
        )


def get_vpn(backend: Any, vpn_id: str | None) -> Any:
    vpn = backend.vpn_connections.get(vpn_id or "")
    if vpn is None or vpn.state == "deleted":
        raise InvalidVpnConnectionIdError(vpn_id)
    return vpn


def _modify_tunnel(_original: Any) -> Any:
    def modify_vpn_tunnel_options(self: Any) -> ActionResult:
        from .lifecycle import advance

        backend = self.ec2_backend
        advance(backend)
        vpn = get_vpn(backend, self._get_param("VpnConnectionId"))
        address = self._get_param("VpnTunnelOutsideIpAddress")
        spec = self._get_param("TunnelOptions", {}) or {}
        tunnels = getattr(vpn, "_tunnels", None) or []
        matches = [t for t in tunnels if t["OutsideIpAddress"] == address]
        if not matches:
            raise _invalid(f"The VPN tunnel outside IP address {address} does not belong to {vpn.id}.")
        require_available(vpn)
        tunnel = dict(matches[0])
        _apply_spec(tunnel, spec)
        if tunnel["TunnelInsideCidr"] != matches[0]["TunnelInsideCidr"]:
            other = [t["TunnelInsideCidr"] for t in tunnels if t is not matches[0]]
            if tunnel["TunnelInsideCidr"] in other or tunnel["TunnelInsideCidr"] in _inside_cidrs_in_use(
                backend, _gateway_of(vpn), skip=vpn
            ):
                raise _invalid(f"The tunnel inside CIDR {tunnel['TunnelInsideCidr']} is already in use.")
        tunnel["_status_change"] = datetime.datetime.now(datetime.UTC).replace(microsecond=0)
        matches[0].clear()
        matches[0].update(tunnel)
        mark_modifying(vpn)
        return ActionResult({"VpnConnection": vpn})

    return modify_vpn_tunnel_options


def apply(settings: dict[str, Any]) -> None:
    original = VPNConnection.customer_gateway_configuration
    VPNConnection.customer_gateway_configuration = property(lambda vpn: _configuration(vpn, original))
    VPNConnection.options = property(_options, lambda vpn, value: None)
    VPNConnection.vgw_telemetry = property(_telemetry)
    wrap(EC2Response, "create_vpn_connection", _create)
    wrap(EC2Response, "modify_vpn_tunnel_options", _modify_tunnel)
