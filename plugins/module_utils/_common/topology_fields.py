# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Field checks of whole-topology validation: CIDRs, ASNs, tunnel inside CIDRs, IDs, names, regions.

Pure functions, no cloud access. Each adds "<host>: <field> <problem>. Fix: <fix>" to a ``Problems`` and
returns the parsed value (or None when the value is unusable), so callers can go on with cross checks.
The rules are the providers' documented ones: AWS API reference (CreateTransitGateway AmazonSideAsn,
VpnTunnelOptionsSpecification, CreateCustomerGateway), the Azure VPN Gateway BGP FAQ and naming rules,
the GCP Compute discovery document (RFC 1035 names, RFC 6996 Cloud Router ASNs) and project id rules.
"""

from __future__ import annotations

import ipaddress
import re

AWS_REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
AZURE_LOCATION_RE = re.compile(r"^[a-z][a-z0-9]{2,}$")
GCP_REGION_RE = re.compile(r"^[a-z]+-[a-z]+\d+$")
GCP_PROJECT_RE = re.compile(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$")
GCP_NAME_RE = re.compile(r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")
# Azure: resource groups 1-90 of letters, digits, _ ( ) - . not ending in "."; VNets 2-64 and gateways,
# route tables, resolvers and rulesets 1-80 of letters, digits, _ . -, starting alphanumeric and ending
# alphanumeric or "_".
AZURE_RG_RE = re.compile(r"^[\w().-]{0,89}[\w()-]$")
AZURE_NAME_RE = {64: re.compile(r"^[A-Za-z0-9]([\w.-]{0,62}\w)?$"), 80: re.compile(r"^[A-Za-z0-9]([\w.-]{0,78}\w)?$")}
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
AWS_ID_RE = r"{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})"

PRIVATE_ASNS = ((64512, 65534), (4200000000, 4294967294))  # RFC 6996
# Azure VPN Gateway BGP FAQ: ASNs Azure reserves (no on-premises peer may use them; the gateway itself
# defaults to 65515) and ASNs IANA reserves (nobody may use them).
AZURE_RESERVED_PEER = frozenset({8074, 8075, 12076, 65515, 65517, 65518, 65519, 65520})
AZURE_RESERVED_GATEWAY = AZURE_RESERVED_PEER - {65515}
IANA_RESERVED = ((23456, 23456), (64496, 64511), (65535, 65551), (4294967295, 4294967295))
# AWS Site-to-Site VPN: customer gateway ASNs AWS reserves (7224 everywhere, the others per region).
AWS_RESERVED_CGW = {7224: None, 9059: "eu-west-1", 10124: "ap-northeast-1", 17943: "ap-southeast-1"}
# VpnTunnelOptionsSpecification.TunnelInsideCidr: a /30 of 169.254.0.0/16 except these.
LINK_LOCAL = ipaddress.ip_network("169.254.0.0/16")
AWS_RESERVED_INSIDE = tuple(ipaddress.ip_network(c) for c in (
    "169.254.0.0/30", "169.254.1.0/30", "169.254.2.0/30", "169.254.3.0/30", "169.254.4.0/30", "169.254.5.0/30",
    "169.254.169.252/30"))
AZURE_APIPA = (ipaddress.ip_address("169.254.21.0"), ipaddress.ip_address("169.254.22.255"))
PSK_RE = re.compile(r"^[A-Za-z0-9._]{8,64}$")


class Problems:
    def __init__(self):
        self.items: list[str] = []
        self.unresolved: set = set()  # (host, variable) already reported as impossible to template

    def add(self, where: str, field: str, problem: str, fix: str):
        if (where, "*") in self.unresolved or (where, re.split(r"[.\[]", str(field), maxsplit=1)[0]) in self.unresolved:
            return
        self.items.append(f"{where}: {field} {problem}. Fix: {fix}")


def unresolved(value) -> str | None:
    """The error text when the inventory could not resolve a variable (see the network_hosts filter)."""
    if isinstance(value, dict) and set(value) == {"__unresolved__"}:
        return str(value["__unresolved__"])
    return None


def check_unresolved(problems, where, hostvars) -> dict:
    """Report every variable the inventory could not template; return the others."""
    out = {}
    for key, value in hostvars.items():
        error = unresolved(value)
        if error is None:
            out[key] = value
        elif key == "__host__":
            problems.add(where, "variables", f"cannot be loaded ({error})",
                         "correct the YAML of this host's host_vars and group_vars files")
            problems.unresolved.add((where, "*"))
        else:
            problems.add(where, key, f"cannot be resolved ({error})",
                         "define every variable it uses (e.g. from a vault, with --extra-vars or in group_vars)")
            problems.unresolved.add((where, key))
    return out


def cidr(problems, where, field, value):
    """An IP network, strict (no host bits) and with an explicit prefix length."""
    try:
        net = ipaddress.ip_network(str(value), strict=True)
    except ValueError:
        try:
            fixed = ipaddress.ip_network(str(value), strict=False).with_prefixlen
            problems.add(where, field, f"= {value!r} has host bits set", f"use {fixed}")
        except ValueError:
            problems.add(where, field, f"= {value!r} is not a CIDR", "use the form 10.0.0.0/16")
        return None
    if "/" not in str(value):
        problems.add(where, field, f"= {value!r} has no prefix length",
                     f"write the network with its prefix length, e.g. {net.network_address}/16")
        return None
    return net


def _int(value):
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _in(asn, ranges):
    return any(lo <= asn <= hi for lo, hi in ranges)


def asn(problems, where, field, value, cloud: str, region: str | None = None):
    """An ASN by the rules of ``cloud``: ``aws_transit``, ``azure`` (VPN gateway) or ``gcp`` (Cloud Router).

    ``azure`` and ``gcp`` ASNs are also the AWS customer gateway ASN of their tunnels (1-4294967295, minus
    the ASNs AWS reserves in ``region``).
    """
    number = _int(value)
    if number is None:
        problems.add(where, field, f"= {value!r} is not an ASN", "use a whole number such as 64512")
        return None
    private = "a private ASN (RFC 6996): 64512-65534 or 4200000000-4294967294"
    if cloud in ("aws_transit", "gcp") and not _in(number, PRIVATE_ASNS):
        what = "the transit gateway's Amazon side ASN" if cloud == "aws_transit" else "a Cloud Router ASN"
        problems.add(where, field, f"= {number} is not allowed as {what}", f"use {private}")
        return None
    if cloud == "azure":
        if not 1 <= number <= 4294967295 or _in(number, IANA_RESERVED):
            problems.add(where, field, f"= {number} is reserved by IANA or out of range",
                         f"use {private}, or a public ASN your organization owns")
            return None
        if number in AZURE_RESERVED_GATEWAY:
            problems.add(where, field, f"= {number} is reserved by Azure",
                         "use the default 65515, another private ASN (64512-65534 except 65517-65520), or a "
                         "public ASN your organization owns")
            return None
        reserved_in = AWS_RESERVED_CGW.get(number, "") if number in AWS_RESERVED_CGW else ""
        if number in AWS_RESERVED_CGW and reserved_in in (None, region):
            problems.add(where, field, f"= {number} is reserved by AWS for customer gateways"
                         + (f" in {region}" if reserved_in else ""), f"use {private}")
            return None
    return number


def peer_asns(problems, where, field, remote_asn, transit_asn, remote_cloud: str):
    """BGP between the transit gateway and a remote gateway: the two ASNs must differ, and Azure refuses
    peers with its reserved ASNs."""
    if transit_asn is None:
        return
    if remote_asn is not None and remote_asn == transit_asn:
        problems.add(where, field, f"= {remote_asn} equals the transit gateway's ASN (transit_asn)",
                     "give the two BGP sides different ASNs (eBGP)")
    if remote_cloud == "azure" and transit_asn in AZURE_RESERVED_PEER:
        problems.add(where, field, f"peers with transit_asn {transit_asn}, which Azure reserves",
                     "change transit_asn to a private ASN outside 65515 and 65517-65520")


def tunnel_inside_cidrs(problems, where, field, values, cloud: str, count: int = 4) -> list:
    """``count`` distinct /30s of 169.254.0.0/16 outside the AWS reserved ones (Azure: in its APIPA range)."""
    if not isinstance(values, list):
        problems.add(where, field, f"= {values!r} is not a list", f"list {count} /30 CIDRs, one per AWS tunnel")
        return []
    if len(values) != count:
        problems.add(where, field, f"has {len(values)} entries", f"list exactly {count}: one /30 per AWS tunnel "
                     "(two VPN connections with two tunnels each)")
    nets = []
    for i, value in enumerate(values):
        name = f"{field}[{i}]"
        net = cidr(problems, where, name, value)
        if net is None:
            continue
        if net.version != 4 or net.prefixlen != 30 or not net.subnet_of(LINK_LOCAL):
            problems.add(where, name, f"= {value} is not a /30 inside 169.254.0.0/16",
                         "use a /30 such as 169.254.10.0/30 (AWS tunnel inside CIDRs are link-local /30s)")
            continue
        if any(net == r for r in AWS_RESERVED_INSIDE):
            problems.add(where, name, f"= {value} is reserved by AWS",
                         "use a /30 other than 169.254.0.0/30-169.254.5.0/30 and 169.254.169.252/30")
            continue
        if cloud == "azure" and not (AZURE_APIPA[0] <= net.network_address and net.broadcast_address <= AZURE_APIPA[1]):
            problems.add(where, name, f"= {value} is outside the Azure APIPA range 169.254.21.0-169.254.22.255",
                         "use /30s such as 169.254.21.0/30, 169.254.22.0/30, 169.254.21.4/30, 169.254.22.4/30")
            continue
        if net in nets:
            problems.add(where, name, f"= {value} is listed twice", "give every tunnel its own /30")
            continue
        nets.append(net)
    return nets


def pre_shared_keys(problems, where, field, descriptors, count: int = 4):
    """Shape of the pre-shared keys, given as descriptors (the network_hosts filter never passes a key)."""
    if not isinstance(descriptors, list):
        problems.add(where, field, "is not a list", f"list {count} keys (from a vault), one per AWS tunnel")
        return
    if len(descriptors) != count:
        problems.add(where, field, f"has {len(descriptors)} keys", f"list exactly {count}, one per AWS tunnel")
    for i, d in enumerate(descriptors):
        if not isinstance(d, dict) or not d.get("valid", False):
            length = d.get("length") if isinstance(d, dict) else None
            problems.add(where, f"{field}[{i}]", f"is not a valid AWS tunnel key (length {length}; value not shown)",
                         "use 8-64 letters, digits, periods or underscores, not starting with 0")


def aws_region(problems, where, field, value):
    if not value:
        problems.add(where, field, "is missing", "set the AWS region of this network, e.g. us-east-1")
        return None
    if not AWS_REGION_RE.match(str(value)):
        hint = ""
        if GCP_REGION_RE.match(str(value)):
            hint = " (that is a GCP region name)"
        elif AZURE_LOCATION_RE.match(str(value)):
            hint = " (that is an Azure location name)"
        problems.add(where, field, f"= {value!r} is not an AWS region{hint}", "use a name like us-east-1")
        return None
    return str(value)


def azure_location(problems, where, field, value):
    if not value:
        problems.add(where, field, "is missing", "set the Azure location of the VNet, e.g. westeurope")
        return None
    text = str(value)
    if not AZURE_LOCATION_RE.match(text):
        fix = f"use the location name, e.g. {re.sub(r'[^a-z0-9]', '', text.lower()) or 'westeurope'}"
        if AWS_REGION_RE.match(text) or GCP_REGION_RE.match(text):
            fix = "use an Azure location name such as westeurope or eastus2 (not an AWS or GCP region)"
        problems.add(where, field, f"= {value!r} is not an Azure location name", fix)
        return None
    return text


def gcp_region(problems, where, field, value):
    if not value:
        problems.add(where, field, "is missing", "set the GCP region of the HA VPN gateway, e.g. us-east1")
        return None
    text = str(value)
    if not GCP_REGION_RE.match(text):
        fix = "use a GCP region name such as us-east1 or europe-west4"
        aws = re.match(r"^([a-z]{2})-([a-z]+)-(\d)$", text)
        if aws:
            fix = f"use the GCP form without the last dash, e.g. {aws.group(1)}-{aws.group(2)}{aws.group(3)}"
        problems.add(where, field, f"= {value!r} is not a GCP region", fix)
        return None
    return text


def gcp_project(problems, where, field, value):
    if not GCP_PROJECT_RE.match(str(value)):
        problems.add(where, field, f"= {value!r} is not a GCP project id",
                     "use the project id (6-30 lowercase letters, digits and hyphens, starting with a letter, "
                     "not ending with a hyphen), not its name or number")
        return None
    return str(value)


def gcp_name(problems, where, field, value, derived_from: str = ""):
    if not GCP_NAME_RE.match(str(value)):
        origin = f" (derived from {derived_from})" if derived_from else ""
        problems.add(where, field, f"= {value!r}{origin} is not a valid GCP resource name",
                     "use 1-63 lowercase letters, digits and hyphens, starting with a letter and ending with a "
                     "letter or digit (RFC 1035)" + (f"; or set {field} explicitly" if derived_from else ""))
        return None
    return str(value)


def azure_resource_group(problems, where, field, value):
    if not value:
        problems.add(where, field, "is missing", "name the resource group of the VNet")
        return None
    if not AZURE_RG_RE.match(str(value)):
        problems.add(where, field, f"= {value!r} is not a valid resource group name",
                     "use 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period")
        return None
    return str(value)


def azure_name(problems, where, field, value, max_len: int = 80, derived_from: str = ""):
    min_len = 2 if max_len == 64 else 1
    text = str(value)
    if not (min_len <= len(text) <= max_len and AZURE_NAME_RE[max_len].match(text)):
        origin = f" (derived from {derived_from})" if derived_from else ""
        problems.add(where, field, f"= {value!r}{origin} is not a valid Azure resource name",
                     f"use {min_len}-{max_len} letters, digits, underscores, periods or hyphens, starting with a "
                     "letter or digit and ending with a letter, digit or underscore")
        return None
    return text


def aws_ids(problems, where, kind, hostvars, ids: dict):
    """``<kind>_<suffix>`` values that must look like AWS ids with the given prefix."""
    for suffix, prefix in ids.items():
        key = f"{kind}_{suffix}"
        if key not in hostvars or hostvars[key] in (None, "", []):
            continue
        values = hostvars[key] if isinstance(hostvars[key], list) else [hostvars[key]]
        for v in values:
            if not isinstance(v, str) or not re.fullmatch(AWS_ID_RE.format(prefix=prefix), v):
                problems.add(where, key, f"= {v!r} is not a valid {prefix} id",
                             f"use an id like {prefix}-0123456789abcdef0 or leave it unset to look it up by name")


def role_arn(problems, where, key, value):
    if value and not ROLE_ARN_RE.match(str(value)):
        problems.add(where, key, f"= {value!r} is not an IAM role ARN",
                     "use arn:aws:iam::<12-digit account>:role/<name>")
        return None
    return value or None


def subnets_inside(problems, where, key, subnets, parent, zones_required=False, parent_field="the VPC CIDR") -> list:
    """``[{name, cidr, availability_zone}]`` whose CIDRs lie inside ``parent``; returns the parsed CIDRs."""
    out = []
    if subnets in (None, ""):
        return out
    if not isinstance(subnets, list):
        problems.add(where, key, "is not a list", "list the subnets as {name, cidr, availability_zone}")
        return out
    for i, sub in enumerate(subnets):
        if not isinstance(sub, dict):
            problems.add(where, f"{key}[{i}]", "is not a mapping", "give name, cidr and availability_zone")
            continue
        net = cidr(problems, where, f"{key}[{i}].cidr", sub.get("cidr"))
        if net and parent and not (net.version == parent.version and net.subnet_of(parent)):
            problems.add(where, f"{key}[{i}].cidr", f"= {net} is outside {parent_field} {parent}",
                         "choose a subnet inside the VPC CIDR")
        if zones_required and not sub.get("availability_zone"):
            problems.add(where, f"{key}[{i}].availability_zone", "is missing", "name the availability zone")
        if net:
            out.append(net)
    for a in range(len(out)):
        for b in range(a + 1, len(out)):
            if out[a].overlaps(out[b]):
                problems.add(where, key, f"subnets {out[a]} and {out[b]} overlap", "give every subnet its own range")
    return out
