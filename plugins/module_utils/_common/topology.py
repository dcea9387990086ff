# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whole-topology validation, run once before any API call.

Input is the inventory's desired state: the service catalog, consumers, and every network host's
role variables. Each problem is reported with the host and field that carry it and the fix; all
problems are collected so one run shows them all.
"""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.service_catalog import (
    GATEWAY_SERVICES,
    INTERFACE_SERVICES,
    aws_service_name,
)

REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d$")
TOPOLOGY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
THIRD_PARTY_RE = re.compile(r"^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$")
ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$")
ACCOUNT_RE = re.compile(r"^\d{12}$")
IDS = {"vpc_id": "vpc", "route_table_ids": "rtb", "subnet_ids": "subnet", "transit_gateway_id": "tgw"}
KINDS = ("transit", "services_vpc", "spoke")


class Problems:
    def __init__(self):
        self.items: list[str] = []

    def add(self, where: str, field: str, problem: str, fix: str):
        self.items.append(f"{where}: {field} {problem}. Fix: {fix}")


def _cidr(problems, where, field, value):
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
        problems.add(where, field, f"= {value!r} has no prefix length", f"use {net.with_prefixlen}")
        return None
    return net


def _check_ids(problems, where, prefix_field, hostvars):
    for suffix, prefix in IDS.items():
        key = f"{prefix_field}_{suffix}"
        if key not in hostvars or hostvars[key] in (None, "", []):
            continue
        values = hostvars[key] if isinstance(hostvars[key], list) else [hostvars[key]]
        for v in values:
            if not isinstance(v, str) or not re.fullmatch(rf"{prefix}-([0-9a-f]{{8}}|[0-9a-f]{{17}})", v):
                problems.add(where, key, f"= {v!r} is not a valid {prefix} id",
                             f"use an id like {prefix}-0123456789abcdef0 or leave it unset to look it up by name")


def _check_account(problems, where, key, hostvars):
    arn = hostvars.get(key)
    if arn and not ROLE_ARN_RE.match(str(arn)):
        problems.add(where, key, f"= {arn!r} is not an IAM role ARN",
                     "use arn:aws:iam::<12-digit account>:role/<name>")


def validate_services(problems, services, regions, extra_services=()):
    """Check the service catalog; return the list of resolved {name, service_name per region}."""
    known = INTERFACE_SERVICES | set(extra_services or ())
    names = set()
    for i, svc in enumerate(services or []):
        field = f"cloudnet_services[{i}]"
        if not isinstance(svc, dict) or not svc.get("name"):
            problems.add("group_vars", field, "has no name", "give every service a unique name, e.g. ssm")
            continue
        name = svc["name"]
        if name in names:
            problems.add("group_vars", f"{field}.name", f"= {name!r} is listed twice", "list each service once")
        names.add(name)
        if "vpc" in svc or "hosted_in" in svc:
            problems.add("group_vars", f"{field}", f"({name}) asks for an endpoint outside the services VPC",
                         "remove vpc/hosted_in: every interface endpoint lives in the region's services VPC")
        full = svc.get("service_name")
        if full:
            m = THIRD_PARTY_RE.match(str(full))
            aws = re.match(r"^com\.amazonaws\.([a-z0-9-]+)\.(.+)$", str(full))
            if m:
                if m.group(1) not in regions:
                    problems.add("group_vars", f"{field}.service_name",
                                 f"= {full!r} is in region {m.group(1)}, which has no services VPC",
                                 "declare a services VPC in that region or fix the service name")
            elif aws and not str(full).startswith("com.amazonaws.vpce."):
                if aws.group(2) not in known:
                    problems.add("group_vars", f"{field}.service_name", f"= {full!r} is not a known AWS service",
                                 "check the name with `aws ec2 describe-vpc-endpoint-services` or add it to "
                                 "cloudnet_extra_aws_services")
            else:
                problems.add("group_vars", f"{field}.service_name", f"= {full!r} is malformed",
                             "use com.amazonaws.<region>.<service> or com.amazonaws.vpce.<region>.vpce-svc-<17 hex>")
        elif name not in known:
            problems.add("group_vars", f"{field}.name", f"= {name!r} is not a known AWS PrivateLink service",
                         "use the short name from com.amazonaws.<region>.<name> (e.g. ssm, sts, lambda), set "
                         "service_name for third-party services, or add it to cloudnet_extra_aws_services")
        if svc.get("gateway") and name not in GATEWAY_SERVICES:
            problems.add("group_vars", f"{field}.gateway", f"is set for {name!r}",
                         f"only {', '.join(sorted(GATEWAY_SERVICES))} offer gateway endpoints")
        for j, port in enumerate(svc.get("ports", [443])):
            if not isinstance(port, int) or not 0 < port < 65536:
                problems.add("group_vars", f"{field}.ports[{j}]", f"= {port!r} is not a port", "use 1-65535")
    return sorted(names)


def validate_topology(topology: str, services: list, hosts: list, consumers=None, extra_services=()) -> list:
    """Return a list of problems (empty when the topology is valid).

    ``hosts``: ``[{"name": inventory_hostname, "kind": transit|services_vpc|spoke, "vars": {...}}]``.
    """
    problems = Problems()
    if not TOPOLOGY_RE.match(str(topology or "")):
        problems.add("group_vars", "cloudnet_topology", f"= {topology!r} is not a valid name",
                     "use 1-32 lowercase letters, digits and dashes")
    by_kind: dict = {k: [] for k in KINDS}
    cidrs = []
    for host in hosts or []:
        name, kind, hv = host.get("name"), host.get("kind"), host.get("vars") or {}
        if kind not in KINDS:
            problems.add(name, "kind", f"= {kind!r} is unknown", f"put the host in one of the groups for {KINDS}")
            continue
        region = hv.get(f"{kind}_region")
        if not region:
            problems.add(name, f"{kind}_region", "is missing", "set the AWS region of this network, e.g. us-east-1")
        elif not REGION_RE.match(str(region)):
            problems.add(name, f"{kind}_region", f"= {region!r} is not an AWS region", "use a name like us-east-1")
        by_kind[kind].append((name, region, hv))
        _check_ids(problems, name, kind, hv)
        _check_account(problems, name, f"{kind}_assume_role_arn", hv)
        if kind in ("services_vpc", "spoke"):
            cidr_key = f"{kind}_cidr"
            if not hv.get(cidr_key):
                problems.add(name, cidr_key, "is missing", "declare the network's CIDR (from your IPAM)")
            else:
                net = _cidr(problems, name, cidr_key, hv[cidr_key])
                if net:
                    cidrs.append((name, net))
        if kind == "spoke" and hv.get("spoke_endpoints"):
            problems.add(name, "spoke_endpoints", "asks for endpoints in a spoke",
                         "remove it: interface endpoints are hosted only in the services VPC; add the service "
                         "to cloudnet_services instead")
        if kind == "services_vpc":
            parent = _cidr(Problems(), name, "", hv.get("services_vpc_cidr")) if hv.get("services_vpc_cidr") else None
            for key in ("services_vpc_endpoint_subnets", "services_vpc_transit_subnets"):
                for i, sub in enumerate(hv.get(key) or []):
                    net = _cidr(problems, name, f"{key}[{i}].cidr", (sub or {}).get("cidr"))
                    if net and parent and not net.subnet_of(parent):
                        problems.add(name, f"{key}[{i}].cidr", f"= {net} is outside services_vpc_cidr {parent}",
                                     "choose a subnet inside the VPC CIDR")
            if not hv.get("services_vpc_endpoint_subnets"):
                problems.add(name, "services_vpc_endpoint_subnets", "is empty",
                             "declare one endpoint subnet per availability zone")
    for a in range(len(cidrs)):
        for b in range(a + 1, len(cidrs)):
            (na, ca), (nb, cb) = cidrs[a], cidrs[b]
            if ca.version == cb.version and ca.overlaps(cb):
                problems.add(na, "cidr", f"{ca} overlaps {nb} ({cb})",
                             "give every network a unique, non-overlapping CIDR: traffic cannot be routed otherwise")
    services_regions: dict = {}
    for name, region, _hostvars in by_kind["services_vpc"]:
        if region in services_regions:
            problems.add(name, "services_vpc_region", f"= {region} already has services VPC {services_regions[region]}",
                         "declare exactly one services VPC per region")
        services_regions[region] = name
    transit_regions = {region for _name, region, _hostvars in by_kind["transit"]}
    for name, region, _hostvars in by_kind["spoke"]:
        if region and region not in services_regions:
            problems.add(name, "spoke_region", f"= {region} has no services VPC",
                         "declare a services VPC (group aws_services_vpc) in that region")
        if region and region not in transit_regions:
            problems.add(name, "spoke_region", f"= {region} has no transit gateway",
                         "declare a transit host (group aws_transit) in that region")
    validate_services(problems, services, set(services_regions), extra_services)
    for i, c in enumerate(consumers or []):
        _cidr(problems, "group_vars", f"cloudnet_consumers[{i}]", c.get("cidr") if isinstance(c, dict) else c)
    return problems.items


def resolved_service_names(services: list, region: str) -> dict:
    """Map catalog name -> full service name in ``region``."""
    return {s["name"]: s.get("service_name") or aws_service_name(s["name"], region) for s in services or []}
