# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC normalisers and planners (no AWS call): subnets by CIDR, the managed route table, the result shape."""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    tag_list_to_dict,
)


def normalize_subnets(subnets, vpc_cidr: str | None, field: str = "subnets") -> list:
    """Validated subnets as ``[{name, cidr, availability_zone}]``; names and CIDRs unique, inside the VPC."""
    out, names, nets = [], {}, []
    vpc_net = ipaddress.ip_network(vpc_cidr) if vpc_cidr else None
    for i, item in enumerate(subnets or []):
        name = (item.get("name") or "").strip()
        if not name:
            raise ValidationError(
                f"{field}[{i}].name", item.get("name"), "is empty", "give every subnet a name"
            )
        if name in names:
            raise ValidationError(
                f"{field}[{i}].name", name, "is listed twice", "give every subnet its own name"
            )
        cidr = canonical_cidr(item.get("cidr"), f"{field}[{i}].cidr")
        net = ipaddress.ip_network(cidr)
        if net.version != 4:
            raise ValidationError(
                f"{field}[{i}].cidr", cidr, "is not IPv4", "use an IPv4 CIDR inside cidr_block"
            )
        if vpc_net is not None and not net.subnet_of(vpc_net):
            raise ValidationError(
                f"{field}[{i}].cidr",
                cidr,
                f"is not inside the VPC CIDR {vpc_cidr}",
                f"use a CIDR inside {vpc_cidr}",
            )
        if not 16 <= net.prefixlen <= 28:
            raise ValidationError(
                f"{field}[{i}].cidr",
                cidr,
                "has a prefix length outside /16../28",
                "use a prefix length between /16 and /28",
            )
        for j, other in nets:
            if net.overlaps(other):
                raise ValidationError(
                    f"{field}[{i}].cidr",
                    cidr,
                    f"overlaps {field}[{j}].cidr {other}",
                    "use non-overlapping subnet CIDRs",
                )
        names[name] = i
        nets.append((i, net))
        out.append({"name": name, "cidr": cidr, "availability_zone": item.get("availability_zone") or None})
    return out


def plan_subnets(want: list, have: list, topology: str, purge: bool) -> dict:
    """Compare wanted subnets with the VPC's subnets (boto3 shapes).

    Returns ``{create: [want], rename: [(subnet, name)], delete: [subnet], matched: {cidr: subnet}}``.
    A wanted CIDR held by an unmanaged subnet, or by one in another AZ, is a conflict.
    """
    by_cidr = {s["CidrBlock"]: s for s in have}
    plan = {"create": [], "rename": [], "delete": [], "matched": {}}
    for item in want:
        current = by_cidr.get(item["cidr"])
        if current is None:
            plan["create"].append(item)
            continue
        tags = tag_list_to_dict(current.get("Tags"))
        if not is_managed(tags, topology):
            raise ConflictError(
                f"subnets: {item['cidr']} ({item['name']}) is held by subnet {current['SubnetId']}, which "
                "this collection does not manage. Fix: use another CIDR, or remove that subnet."
            )
        if item["availability_zone"] and current.get("AvailabilityZone") != item["availability_zone"]:
            raise ConflictError(
                f"subnets: {item['name']} ({item['cidr']}) exists as {current['SubnetId']} in "
                f"{current.get('AvailabilityZone')}, not {item['availability_zone']}; a subnet cannot move. "
                "Fix: use another CIDR, or drop it from the list with purge_subnets: true first."
            )
        if tags.get("Name") != item["name"]:
            plan["rename"].append((current, item["name"]))
        plan["matched"][item["cidr"]] = current
    wanted = {item["cidr"] for item in want}
    if purge:
        plan["delete"] = sorted(
            (
                s
                for s in have
                if s["CidrBlock"] not in wanted and is_managed(tag_list_to_dict(s.get("Tags")), topology)
            ),
            key=lambda s: s["CidrBlock"],
        )
    return plan


def subnet_item(subnet: dict) -> dict:
    return {
        "name": tag_list_to_dict(subnet.get("Tags")).get("Name"),
        "subnet_id": subnet["SubnetId"],
        "cidr": subnet["CidrBlock"],
        "availability_zone": subnet.get("AvailabilityZone"),
    }


def find_managed_route_table(tables: list, topology: str, name: str | None = None):
    """The non-main route table tagged as managed (and named ``name`` when given), or None."""
    for table in sorted(tables, key=lambda t: t["RouteTableId"]):
        tags = tag_list_to_dict(table.get("Tags"))
        if any(a.get("Main") for a in table.get("Associations", [])):
            continue
        if is_managed(tags, topology) and (name is None or tags.get("Name") == name):
            return table
    return None


def describe(vpc: dict | None, dns: dict, subnets: list, route_table_id) -> dict | None:
    if vpc is None:
        return None
    tags = tag_list_to_dict(vpc.get("Tags"))
    return {
        "vpc_id": vpc["VpcId"],
        "cidr_block": vpc.get("CidrBlock"),
        "name": tags.get("Name"),
        "state": vpc.get("State"),
        "enable_dns_support": dns.get("enableDnsSupport"),
        "enable_dns_hostnames": dns.get("enableDnsHostnames"),
        "tags": tags,
        "subnets": subnets,
        "route_table_id": route_table_id,
    }
