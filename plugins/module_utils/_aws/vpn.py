# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Site-to-site VPN connections on a Transit Gateway (AWS creates their ``vpn`` attachment).

CreateVpnConnection takes no ClientToken: identity is the Name tag plus the ownership tags, so a re-run
after a crash finds what the first run made. The create is never sent again while an earlier attempt may have
made the connection (retry.CreateOnce): after a lost answer the connection of that name, ours, on the same
customer gateway and transit gateway and pending or available, is taken as the one the attempt made. Gateways
change in place with ModifyVpnConnection, tunnel options with ModifyVpnTunnelOptions (one tunnel at a time, on
an available connection).

Pre-shared keys never leave this file: results are built field by field (the CustomerGatewayConfiguration
document and TunnelOptions[].PreSharedKey are read, never copied), operations name a changed key without
its value, and validation messages never echo it.
"""

from __future__ import annotations

import ipaddress
import re
import xml.etree.ElementTree as ET

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.customer_gateway import (
    cgw_asn,
    describe_customer_gateways,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import (
    dict_filters,
    named,
    owned,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    check_id,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

VPN_NOT_FOUND = ("InvalidVpnConnectionID.NotFound",)
GONE = ("deleting", "deleted")
ATTACHMENT_GONE = ("deleting", "deleted", "failed", "failing", "rejected", "rejecting")
HIDDEN = "(hidden)"
# AWS reserves these inside CIDRs (VPN User Guide, "Tunnel options for your Site-to-Site VPN connection").
RESERVED_INSIDE = tuple(
    ipaddress.ip_network(c)
    for c in ("169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30",
              "169.254.5.0/30", "169.254.169.252/30")
)
LINK_LOCAL = ipaddress.ip_network("169.254.0.0/16")
PSK_PATTERN = re.compile(r"[A-Za-z0-9._]{8,64}")

# Tunnel option -> (create/modify request key, DescribeVpnConnections TunnelOption key, kind)
TUNNEL_OPTIONS = {
    "tunnel_inside_cidr": ("TunnelInsideCidr", "TunnelInsideCidr", "str"),
    "pre_shared_key": ("PreSharedKey", "PreSharedKey", "secret"),
    "ike_versions": ("IKEVersions", "IkeVersions", "values"),
    "dpd_timeout_action": ("DPDTimeoutAction", "DpdTimeoutAction", "str"),
    "startup_action": ("StartupAction", "StartupAction", "str"),
}


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_vpn_connections(conn, ids=None, filters=None, include_gone=False) -> list:
    kwargs = {}
    if ids:
        kwargs["VpnConnectionIds"] = list(ids)
    if filters:
        kwargs["Filters"] = filters
    out = conn.call("ec2", "describe_vpn_connections", not_found=VPN_NOT_FOUND, **kwargs) or {}
    return [v for v in out.get("VpnConnections", []) if include_gone or v.get("State") not in GONE]


def get_vpn(conn, vpn_id: str) -> dict:
    found = describe_vpn_connections(conn, ids=[vpn_id], include_gone=True)
    return found[0] if found else {"VpnConnectionId": vpn_id, "State": "deleted"}


def vpn_attachment(conn, vpn_id: str) -> dict | None:
    """The transit gateway attachment AWS creates for a VPN connection (resource type ``vpn``)."""
    found = conn.paginate(
        "ec2", "describe_transit_gateway_attachments", "TransitGatewayAttachments",
        Filters=[{"Name": "resource-id", "Values": [vpn_id]}, {"Name": "resource-type", "Values": ["vpn"]}],
    )
    live = [a for a in found if a.get("ResourceId") == vpn_id and a.get("State") not in ATTACHMENT_GONE]
    return live[0] if live else None


def transit_gateway_asn(conn, tgw_id: str | None):
    if not tgw_id:
        return None
    out = conn.call("ec2", "describe_transit_gateways", not_found=("InvalidTransitGatewayID.NotFound",),
                    TransitGatewayIds=[tgw_id]) or {}
    for tgw in out.get("TransitGateways", []):
        return tgw.get("Options", {}).get("AmazonSideAsn")
    return None


# --- normalisation ---------------------------------------------------------------------------------


def inside_addresses(cidr: str | None) -> tuple:
    """(AWS side, customer side) inside addresses of a /30: AWS takes the first host, the customer the second."""
    if not cidr:
        return None, None
    hosts = list(ipaddress.ip_network(cidr).hosts())
    return str(hosts[0]), str(hosts[1])


def validate_tunnels(tunnels) -> list:
    """Validate tunnel_options (at most two); return them with canonical CIDRs and sorted IKE versions."""
    tunnels = tunnels or []
    if len(tunnels) > 2:
        raise ValidationError("tunnel_options", f"{len(tunnels)} entries", "has more than two entries",
                              "give at most two entries: a VPN connection has two tunnels")
    out, seen = [], []
    for i, tunnel in enumerate(tunnels):
        t = {k: tunnel.get(k) for k in TUNNEL_OPTIONS}
        field = f"tunnel_options[{i}]"
        if t["tunnel_inside_cidr"] is not None:
            cidr = canonical_cidr(t["tunnel_inside_cidr"], f"{field}.tunnel_inside_cidr")
            net = ipaddress.ip_network(cidr)
            if net.version != 4 or net.prefixlen != 30 or not net.subnet_of(LINK_LOCAL):
                raise ValidationError(f"{field}.tunnel_inside_cidr", cidr, "is not a /30 inside 169.254.0.0/16",
                                      "use a /30 such as 169.254.21.0/30")
            if any(net == r for r in RESERVED_INSIDE):
                raise ValidationError(f"{field}.tunnel_inside_cidr", cidr, "is reserved by AWS",
                                      "pick another /30 in 169.254.0.0/16 (169.254.0-5.0/30 and "
                                      "169.254.169.252/30 are reserved)")
            if cidr in seen:
                raise ValidationError(f"{field}.tunnel_inside_cidr", cidr, "is used by both tunnels",
                                      "give each tunnel its own /30")
            seen.append(cidr)
            t["tunnel_inside_cidr"] = cidr
        psk = t["pre_shared_key"]
        if psk is not None and (not PSK_PATTERN.fullmatch(psk) or psk.startswith("0")):
            raise ValidationError(f"{field}.pre_shared_key", HIDDEN, "is not a valid pre-shared key",
                                  "use 8-64 letters, digits, periods or underscores, not starting with 0")
        if t["ike_versions"] is not None:
            t["ike_versions"] = sorted(set(t["ike_versions"]))
        out.append(t)
    return out


def tunnel_spec(tunnel: dict) -> dict:
    """A VpnTunnelOptionsSpecification (create) / ModifyVpnTunnelOptionsSpecification from one entry."""
    spec = {}
    for option, (api, _read, kind) in TUNNEL_OPTIONS.items():
        value = tunnel.get(option)
        if value is None:
            continue
        spec[api] = [{"Value": v} for v in value] if kind == "values" else value
    return spec


def tunnel_changes(want: dict, have: dict) -> dict:
    """Options of ``want`` that differ from what AWS reports in ``have`` (a TunnelOption).

    An option AWS does not report (for instance a key kept in Secrets Manager) is never changed.
    """
    out = {}
    for option, (_api, read, kind) in TUNNEL_OPTIONS.items():
        value = want.get(option)
        if value is None or read not in have:
            continue
        current = have[read]
        if kind == "values":
            current = sorted({v.get("Value") for v in current or []})
        elif kind == "str" and option == "tunnel_inside_cidr" and current:
            current = str(ipaddress.ip_network(current))
        if current != value:
            out[option] = value
    return out


def shown(changes: dict) -> dict:
    """Tunnel option changes as they may appear in operations: secrets replaced."""
    return {k: (HIDDEN if TUNNEL_OPTIONS[k][2] == "secret" else v) for k, v in sorted(changes.items())}


def _text(node, path):
    found = node.find(path) if node is not None else None
    return found.text.strip() if found is not None and found.text and found.text.strip() else None


def parse_configuration(document: str | None) -> list:
    """Per-tunnel facts from the generic CustomerGatewayConfiguration document (keys are skipped)."""
    if not document:
        return []
    try:
        root = ET.fromstring(document.strip())
    except ET.ParseError:
        return []
    out = []
    for tunnel in root.findall("ipsec_tunnel"):
        cgw, vgw = tunnel.find("customer_gateway"), tunnel.find("vpn_gateway")
        inside = _text(vgw, "tunnel_inside_address/ip_address")
        cidr_len = _text(vgw, "tunnel_inside_address/network_cidr")
        cidr = str(ipaddress.ip_network(f"{inside}/{cidr_len}", strict=False)) if inside and cidr_len else None
        out.append({
            "outside_ip_address": _text(vgw, "tunnel_outside_address/ip_address"),
            "tunnel_inside_cidr": cidr,
            "aws_inside_address": inside,
            "customer_inside_address": _text(cgw, "tunnel_inside_address/ip_address"),
            "aws_bgp_asn": _text(vgw, "bgp/asn"),
            "customer_bgp_asn": _text(cgw, "bgp/asn"),
        })
    return out


def _int(value):
    return int(value) if value not in (None, "") else None


def describe_tunnels(vpn: dict, customer_asn=None, aws_asn=None) -> list:
    """Tunnels with what the peer needs: outside IP, inside CIDR, both BGP addresses and ASNs.

    TunnelOptions is authoritative; the configuration document fills what it lacks. The ASNs come from the
    customer gateway and the transit gateway when given (they define the sides), else from the document.
    """
    options = (vpn.get("Options") or {}).get("TunnelOptions") or []
    document = parse_configuration(vpn.get("CustomerGatewayConfiguration"))
    telemetry = {t.get("OutsideIpAddress"): t for t in vpn.get("VgwTelemetry") or []}
    static = bool((vpn.get("Options") or {}).get("StaticRoutesOnly"))
    out = []
    for i in range(max(len(options), len(document))):
        opt = options[i] if i < len(options) else {}
        doc = document[i] if i < len(document) else {}
        cidr = opt.get("TunnelInsideCidr") or doc.get("tunnel_inside_cidr")
        aws_inside, customer_inside = inside_addresses(cidr)
        outside = opt.get("OutsideIpAddress") or doc.get("outside_ip_address")
        ike = sorted({v.get("Value") for v in opt.get("IkeVersions") or []}) or None
        out.append({
            "outside_ip_address": outside,
            "tunnel_inside_cidr": cidr,
            "aws_inside_address": aws_inside or doc.get("aws_inside_address"),
            "customer_inside_address": customer_inside or doc.get("customer_inside_address"),
            "aws_bgp_asn": None if static else _int(aws_asn) or _int(doc.get("aws_bgp_asn")),
            "customer_bgp_asn": None if static else _int(customer_asn) or _int(doc.get("customer_bgp_asn")),
            "ike_versions": ike,
            "status": telemetry.get(outside, {}).get("Status"),
        })
    return out


def describe_vpn(vpn: dict | None, attachment_id=None, customer_asn=None, aws_asn=None) -> dict | None:
    if vpn is None:
        return None
    tags = tag_list_to_dict(vpn.get("Tags"))
    return {
        "vpn_connection_id": vpn.get("VpnConnectionId"),
        "name": tags.get("Name"),
        "state": vpn.get("State"),
        "type": vpn.get("Type"),
        "category": vpn.get("Category"),
        "customer_gateway_id": vpn.get("CustomerGatewayId"),
        "transit_gateway_id": vpn.get("TransitGatewayId"),
        "transit_gateway_attachment_id": attachment_id,
        "static_routes_only": bool((vpn.get("Options") or {}).get("StaticRoutesOnly")),
        "tunnels": describe_tunnels(vpn, customer_asn, aws_asn),
        "tags": tags,
    }


# --- VPN connection --------------------------------------------------------------------------------


def validate_vpn(params: dict) -> list:
    if params.get("state", "present") != "present":
        return []
    check_id(params.get("customer_gateway_id"), "cgw", "customer_gateway_id")
    check_id(params.get("transit_gateway_id"), "tgw", "transit_gateway_id")
    return validate_tunnels(params.get("tunnel_options"))


class VpnConnectionManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _wait(self, vpn_id: str, ready=("available",)):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return None
        return wait_until(lambda: get_vpn(self.conn, vpn_id), lambda v: v.get("State") in ready,
                          f"VPN connection {vpn_id}", self.p.get("wait_timeout", 600),
                          failed=lambda v: v.get("State") == "deleted" and "deleted" not in ready,
                          state_of=lambda v: v.get("State"))

    def _attachment_id(self, vpn_id: str):
        """The VPN's attachment id; right after a create it may not be listed yet (bounded wait)."""
        if not self.p.get("wait", True):
            att = vpn_attachment(self.conn, vpn_id)
            return att and att["TransitGatewayAttachmentId"]
        att = wait_until(lambda: vpn_attachment(self.conn, vpn_id), lambda a: a is not None,
                         f"transit gateway attachment of {vpn_id}", self.p.get("wait_timeout", 600),
                         state_of=lambda a: a and a.get("State"))
        return att["TransitGatewayAttachmentId"]

    def _describe(self, vpn: dict | None, attachment_id=None) -> dict | None:
        if vpn is None:
            return None
        cgw_id = vpn.get("CustomerGatewayId")
        cgw = describe_customer_gateways(self.conn, ids=[cgw_id]) if cgw_id else []
        return describe_vpn(vpn, attachment_id, cgw_asn(cgw[0]) if cgw else None,
                            transit_gateway_asn(self.conn, vpn.get("TransitGatewayId")))

    def _existing(self):
        found = owned(describe_vpn_connections(self.conn, filters=[{"Name": "tag:Name", "Values": [self.p["name"]]}]),
                      self.p["topology"], self.p["name"])
        if len(found) > 1:
            ids = sorted(v["VpnConnectionId"] for v in found)
            raise ConflictError(f"name: {len(found)} VPN connections are named {self.p['name']!r} ({', '.join(ids)}). "
                                "Fix: delete all but one.", vpn_connection_ids=ids)
        return found[0] if found else None

    def ensure(self) -> dict:
        tunnels = validate_vpn(self.p)
        have = self._existing()
        if self.p["state"] == "absent":
            return self._absent(have)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        if have is None:
            return self._create(tunnels, tags)
        return self._update(have, tunnels, tags)

    def _create(self, tunnels: list, tags: dict) -> dict:
        options = {"StaticRoutesOnly": bool(self.p.get("static_routes_only"))}
        if tunnels:
            options["TunnelOptions"] = [tunnel_spec(t) for t in tunnels]
        args = {"CustomerGatewayId": self.p["customer_gateway_id"], "TransitGatewayId": self.p["transit_gateway_id"],
                "Type": "ipsec.1", "Options": options, "TagSpecifications": tag_specification("vpn-connection", tags)}

        def find():
            found = self._existing()
            if found is None or found.get("State") not in ("pending", "available") or any(
                    found.get(key) != args[key] for key in ("CustomerGatewayId", "TransitGatewayId")):
                return None
            return {"VpnConnection": found}

        out = self.changes.do("create", f"vpn-connection/{self.p['name']}",
                              lambda: CreateOnce(self.conn, find).call("ec2", "create_vpn_connection", **args),
                              customer_gateway_id=self.p["customer_gateway_id"],
                              transit_gateway_id=self.p["transit_gateway_id"],
                              tunnels=[shown({k: v for k, v in t.items() if v is not None}) for t in tunnels] or None)
        if out is None:
            predicted = {"VpnConnectionId": None, "State": "available", "Type": "ipsec.1",
                         "CustomerGatewayId": self.p["customer_gateway_id"],
                         "TransitGatewayId": self.p["transit_gateway_id"],
                         "Options": {"StaticRoutesOnly": options["StaticRoutesOnly"], "TunnelOptions": [
                             {"TunnelInsideCidr": t["tunnel_inside_cidr"]} for t in tunnels]},
                         "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            return self.changes.result("vpn_connection", None, self._describe(predicted))
        vpn_id = out["VpnConnection"]["VpnConnectionId"]
        vpn = self._wait(vpn_id) or get_vpn(self.conn, vpn_id)
        return self.changes.result("vpn_connection", None, self._describe(vpn, self._attachment_id(vpn_id)))

    def _update(self, have: dict, tunnels: list, tags: dict) -> dict:
        vpn_id = have["VpnConnectionId"]
        if have.get("State") == "pending":
            have = self._wait(vpn_id) or have  # an earlier run may have stopped waiting (wait=false or a crash)
        before_att = vpn_attachment(self.conn, vpn_id)
        before = self._describe(have, before_att and before_att["TransitGatewayAttachmentId"])
        if bool((have.get("Options") or {}).get("StaticRoutesOnly")) != bool(self.p.get("static_routes_only")) \
                and "StaticRoutesOnly" in (have.get("Options") or {}):
            raise ConflictError(
                f"static_routes_only: VPN connection {vpn_id} was created with static_routes_only="
                f"{bool(have['Options']['StaticRoutesOnly'])}; AWS cannot change routing type. Fix: create a new "
                "connection under another name and remove this one.", vpn_connection_id=vpn_id)
        gateways = {}
        if have.get("CustomerGatewayId") != self.p["customer_gateway_id"]:
            gateways["CustomerGatewayId"] = self.p["customer_gateway_id"]
        if have.get("TransitGatewayId") != self.p["transit_gateway_id"]:
            gateways["TransitGatewayId"] = self.p["transit_gateway_id"]
        if gateways:
            self.changes.do("modify", vpn_id, lambda: self.conn.call(
                "ec2", "modify_vpn_connection", VpnConnectionId=vpn_id, **gateways),
                customer_gateway_id=gateways.get("CustomerGatewayId"),
                transit_gateway_id=gateways.get("TransitGatewayId"))
            have = self._wait(vpn_id) or dict(have, **gateways)
        have_tunnels = (have.get("Options") or {}).get("TunnelOptions") or []
        for i, want in enumerate(tunnels):
            if i >= len(have_tunnels):
                break
            diff = tunnel_changes(want, have_tunnels[i])
            if not diff:
                continue
            outside = have_tunnels[i].get("OutsideIpAddress")
            spec = tunnel_spec(diff)
            if have.get("State") != "available":
                have = self._wait(vpn_id) or have  # AWS modifies one tunnel at a time on an available connection
            self.changes.do("modify_tunnel", vpn_id, lambda o=outside, s=spec: self.conn.call(
                "ec2", "modify_vpn_tunnel_options", VpnConnectionId=vpn_id, VpnTunnelOutsideIpAddress=o,
                TunnelOptions=s), tunnel=outside, options=shown(diff))
            have = self._wait(vpn_id) or have
        after_tags = reconcile_ec2_tags(self.conn, self.changes, vpn_id, have.get("Tags"), tags,
                                        self.p.get("purge_tags", True))
        changed_config = self.changes.changed and not self.changes.check_mode
        fresh = get_vpn(self.conn, vpn_id) if changed_config else have
        fresh = dict(fresh, Tags=[{"Key": k, "Value": v} for k, v in after_tags.items()])
        if self.changes.check_mode:
            fresh = dict(fresh, CustomerGatewayId=self.p["customer_gateway_id"],
                         TransitGatewayId=self.p["transit_gateway_id"])
        att = self._attachment_id(vpn_id) if gateways and not self.changes.check_mode else (
            before_att and before_att["TransitGatewayAttachmentId"])
        return self.changes.result("vpn_connection", before, self._describe(fresh, att))

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("vpn_connection", None, None)
        vpn_id = have["VpnConnectionId"]
        att = vpn_attachment(self.conn, vpn_id)
        before = self._describe(have, att and att["TransitGatewayAttachmentId"])
        self.changes.do("delete", vpn_id, lambda: self.conn.call(
            "ec2", "delete_vpn_connection", VpnConnectionId=vpn_id, not_found=VPN_NOT_FOUND))
        if not self.changes.check_mode:
            self._wait(vpn_id, ready=("deleted",))
        return self.changes.result("vpn_connection", before, None)


def gather_vpn_connections(conn, params: dict) -> list:
    """VPN connections on transit gateways for the _info module, each with its attachment id and tunnels."""
    filters = dict_filters(params.get("filters"))
    for key, name in (("transit_gateway_id", "transit-gateway-id"), ("customer_gateway_id", "customer-gateway-id")):
        if params.get(key):
            filters.append({"Name": name, "Values": [params[key]]})
    if params.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(params["names"])})
    found = [v for v in named(describe_vpn_connections(conn, ids=params.get("vpn_connection_ids"),
                                                       filters=filters or None), params.get("names"))
             if v.get("TransitGatewayId")]
    for key, api in (("transit_gateway_id", "TransitGatewayId"), ("customer_gateway_id", "CustomerGatewayId")):
        if params.get(key):
            found = [v for v in found if v.get(api) == params[key]]
    asns, tgw_asns, out = {}, {}, []
    for vpn in found:
        cgw_id, tgw_id = vpn.get("CustomerGatewayId"), vpn.get("TransitGatewayId")
        if cgw_id not in asns:
            cgw = describe_customer_gateways(conn, ids=[cgw_id]) if cgw_id else []
            asns[cgw_id] = cgw_asn(cgw[0]) if cgw else None
        if tgw_id not in tgw_asns:
            tgw_asns[tgw_id] = transit_gateway_asn(conn, tgw_id)
        att = vpn_attachment(conn, vpn["VpnConnectionId"])
        out.append(describe_vpn(vpn, att and att["TransitGatewayAttachmentId"], asns[cgw_id], tgw_asns[tgw_id]))
    return sorted(out, key=lambda v: v["vpn_connection_id"])
