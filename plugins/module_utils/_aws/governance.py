# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Endpoint governance: find every VPC endpoint and classify it against the declared policy.

Pure classification functions (unit-tested without a cloud) plus a reader that collects endpoints
and their security groups from one account and region.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_policy,
    tag_list_to_dict,
)

CENTRAL = "central"
ALLOWED = "allowed"
DUPLICATE = "duplicate"
UNKNOWN = "unknown"

# Condition keys that scope a "Principal": "*" statement to the organization, accounts or networks.
SCOPING_KEYS = {
    "aws:principalorgid", "aws:principalorgpaths", "aws:principalaccount", "aws:sourcevpc", "aws:sourcevpce",
    "aws:resourceorgid", "aws:resourceaccount", "aws:sourceorgid", "aws:sourceaccount",
}


def service_short_name(service_name: str) -> str:
    """``com.amazonaws.us-east-1.ssm`` -> ``ssm``; third-party names stay whole."""
    parts = service_name.split(".")
    if service_name.startswith("com.amazonaws.vpce."):
        return service_name
    return ".".join(parts[3:]) if len(parts) > 3 else service_name


def policy_findings(policy, allowed_buckets=()) -> list:
    """Problems of an endpoint policy: open principals without a scoping condition, unscoped S3."""
    doc = canonical_policy(policy)
    if doc is None:
        return ["no endpoint policy: full access for any principal"]
    findings = []
    for i, st in enumerate(doc.get("Statement", [])):
        if st.get("Effect") != "Allow":
            continue
        principal = st.get("Principal")
        open_principal = principal == "*" or principal is None
        conditions = {k.lower() for op in (st.get("Condition") or {}).values() if isinstance(op, dict) for k in op}
        resources = st.get("Resource", "*")
        resources = resources if isinstance(resources, list) else [resources]
        scoped_resources = "*" not in resources
        if allowed_buckets and scoped_resources:
            allowed = set()
            for b in allowed_buckets:
                allowed |= {f"arn:aws:s3:::{b}", f"arn:aws:s3:::{b}/*"}
            outside = [r for r in resources if r not in allowed]
            if outside:
                findings.append(f"statement {i} allows resources outside the declared buckets: {sorted(outside)}")
        if open_principal and not (conditions & SCOPING_KEYS) and not scoped_resources:
            findings.append(f"statement {i} allows any principal on any resource without an organization, "
                            "account or network condition")
    return findings


def sg_findings(groups: list, consumer_cidrs) -> list:
    """Ingress rules wider than the declared consumers."""
    consumers = [ipaddress.ip_network(c) for c in consumer_cidrs or []]
    findings = []
    for group in groups:
        for perm in group.get("IpPermissions", []):
            for rng in perm.get("IpRanges", []) + [{"CidrIp": r["CidrIpv6"]} for r in perm.get("Ipv6Ranges", [])]:
                net = ipaddress.ip_network(rng["CidrIp"], strict=False)
                if not any(net.version == c.version and net.subnet_of(c) for c in consumers):
                    findings.append(f"{group['GroupId']} admits {net} on {perm.get('IpProtocol')}"
                                    f"/{perm.get('FromPort', 'all')}, wider than the declared consumers")
    return findings


def classify(endpoint: dict, services_vpc_ids, central_services, allowed_gateway_services) -> str:
    if endpoint["VpcId"] in services_vpc_ids:
        return CENTRAL
    short = service_short_name(endpoint["ServiceName"])
    if endpoint.get("VpcEndpointType") == "Gateway" and short in allowed_gateway_services:
        return ALLOWED
    if endpoint["ServiceName"] in central_services or short in central_services:
        return DUPLICATE
    return UNKNOWN


def audit_endpoints(endpoints: list, groups_by_id: dict, policy: dict, account: str, region: str) -> list:
    """One result per endpoint with its class and findings (``violations`` per the declared policy)."""
    out = []
    for ep in endpoints:
        if ep.get("State") in ("deleted", "deleting", "rejected", "failed"):
            continue
        cls = classify(ep, set(policy["services_vpc_ids"]), set(policy["central_services"]),
                       set(policy["allowed_gateway_services"]))
        short = service_short_name(ep["ServiceName"])
        buckets = policy.get("allowed_buckets") if short == "s3" else ()
        findings = []
        if cls in (DUPLICATE, UNKNOWN):
            findings.append(f"{cls} endpoint outside the services VPC")
        if cls != ALLOWED or policy.get("check_gateway_policies"):
            findings += policy_findings(ep.get("PolicyDocument"), buckets)
        groups = [groups_by_id[g["GroupId"]] for g in ep.get("Groups", []) if g["GroupId"] in groups_by_id]
        if ep.get("VpcEndpointType") == "Interface":
            findings += sg_findings(groups, policy.get("consumer_cidrs"))
        out.append({
            "account": account,
            "region": region,
            "vpc_endpoint_id": ep["VpcEndpointId"],
            "vpc_id": ep["VpcId"],
            "service_name": ep["ServiceName"],
            "service": short,
            "endpoint_type": ep.get("VpcEndpointType"),
            "private_dns_enabled": ep.get("PrivateDnsEnabled", False),
            "state": ep.get("State"),
            "classification": cls,
            "managed": tag_list_to_dict(ep.get("Tags")).get("cloudnet:managed-by") == "cloudnet.privatelink",
            "name": tag_list_to_dict(ep.get("Tags")).get("Name"),
            "findings": findings,
            "compliant": not findings,
        })
    return out


def summarize(results: list) -> dict:
    summary = {CENTRAL: 0, ALLOWED: 0, DUPLICATE: 0, UNKNOWN: 0, "violations": 0, "total": len(results)}
    for r in results:
        summary[r["classification"]] += 1
        summary["violations"] += 0 if r["compliant"] else 1
    return summary


def read_account(conn) -> tuple[list, dict]:
    """Endpoints of one account/region and the security groups they use."""
    endpoints = conn.paginate("ec2", "describe_vpc_endpoints", "VpcEndpoints")
    group_ids = sorted({g["GroupId"] for ep in endpoints for g in ep.get("Groups", [])})
    groups = {}
    if group_ids:
        for g in conn.paginate("ec2", "describe_security_groups", "SecurityGroups", GroupIds=group_ids):
            groups[g["GroupId"]] = g
    return endpoints, groups
