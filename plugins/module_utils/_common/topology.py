# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whole-topology validation, run once before any API call.

Input is the inventory's desired state: the service catalog, consumers, and every network host's
role variables (every group site.yml uses: aws_transit, aws_services_vpc, aws_spokes, inspection,
aws_cross_cloud, azure_spokes, gcp_spokes). Each problem is reported with the host and field that carry
it and the fix; all problems are collected so one run shows them all. The same pass plans the read-only
preflight: which AWS identities, Azure subscription and GCP projects the inventory uses.

Field checks live in topology_fields, inspection in topology_inspection, cross-cloud in topology_crosscloud.
"""

from __future__ import annotations

import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.service_catalog import (
    GATEWAY_SERVICES,
    INTERFACE_SERVICES,
    aws_service_name,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common import topology_fields as f
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology_crosscloud import (
    validate_cross_cloud,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology_fields import Problems
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology_inspection import (
    validate_inspection,
    validate_remote_inspection,
)

REGION_RE = f.AWS_REGION_RE
TOPOLOGY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")
THIRD_PARTY_RE = re.compile(r"^com\.amazonaws\.vpce\.([a-z0-9-]+)\.vpce-svc-([0-9a-f]{8}|[0-9a-f]{17})$")
IDS = {"vpc_id": "vpc", "route_table_ids": "rtb", "subnet_ids": "subnet", "attachment_subnet_ids": "subnet",
       "transit_gateway_id": "tgw"}
AWS_KINDS = ("transit", "services_vpc", "spoke")
KINDS = AWS_KINDS + ("inspection", "cross_cloud_aws", "cross_cloud_azure", "cross_cloud_gcp")

__all__ = ["Problems", "resolved_service_names", "validate", "validate_services", "validate_topology"]


def _endpoint_key(full, name, known):
    """What two catalog entries share when they ask for the same endpoint service."""
    if full:
        aws = re.match(r"^com\.amazonaws\.([a-z0-9-]+)\.(.+)$", str(full))
        return aws.group(2) if aws and not str(full).startswith("com.amazonaws.vpce.") else str(full)
    return name if name in known else None


def validate_services(problems, services, regions, extra_services=()):
    """Check the service catalog; return the sorted catalog names."""
    known = INTERFACE_SERVICES | set(extra_services or ())
    names = set()
    full_names: dict = {}
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
        key = _endpoint_key(full, name, known)
        if key:
            if key in full_names and full_names[key] != name:  # the same name twice is reported above
                problems.add("group_vars", f"{field}", f"({name}) is the same endpoint service as "
                             f"{full_names[key]!r}", "list each endpoint service once, under one name")
            full_names.setdefault(key, name)
        if svc.get("gateway") and name not in GATEWAY_SERVICES:
            problems.add("group_vars", f"{field}.gateway", f"is set for {name!r}",
                         f"only {', '.join(sorted(GATEWAY_SERVICES))} offer gateway endpoints")
        for j, port in enumerate(svc.get("ports", [443])):
            if not isinstance(port, int) or not 0 < port < 65536:
                problems.add("group_vars", f"{field}.ports[{j}]", f"= {port!r} is not a port", "use 1-65535")
    return sorted(names)


class _Claims:
    """Names hosts claim (a VPC, a VNet, a gateway...): the second claim of one name is a problem."""

    def __init__(self, problems):
        self.problems = problems
        self.seen: dict = {}

    def __call__(self, kind, key, host, field, shown):
        first = self.seen.setdefault((kind, key), (host, field))
        if first[0] != host or first[1] != field:
            self.problems.add(host, field, f"claims {kind} {shown}, which {first[0]} already claims ({first[1]})",
                              "give every network and gateway its own name: two hosts would manage one object")


def _account(arn) -> str:
    m = re.match(r"^arn:aws[a-z-]*:iam::(\d{12}):", str(arn or ""))
    return m.group(1) if m else "caller"


def _aws_host(problems, claims, topology, name, kind, hv, default_region):
    """Checks of one transit, services VPC or spoke host; returns (region, cidr or None)."""
    region = f.aws_region(problems, name, f"{kind}_region", hv.get(f"{kind}_region") or default_region)
    f.aws_ids(problems, name, kind, hv, IDS)
    arn = f.role_arn(problems, name, f"{kind}_assume_role_arn", hv.get(f"{kind}_assume_role_arn"))
    account = _account(arn)
    net = None
    if kind in ("services_vpc", "spoke"):
        cidr_key = f"{kind}_cidr"
        if not hv.get(cidr_key):
            problems.add(name, cidr_key, "is missing", "declare the network's CIDR (from your IPAM)")
        else:
            net = f.cidr(problems, name, cidr_key, hv[cidr_key])
    if kind == "spoke":
        if hv.get("spoke_endpoints"):
            problems.add(name, "spoke_endpoints", "asks for endpoints in a spoke",
                         "remove it: interface endpoints are hosted only in the services VPC; add the service "
                         "to cloudnet_services instead")
        hub = hv.get("spoke_hub") or {}
        if not isinstance(hub, dict):
            problems.add(name, "spoke_hub", f"= {hub!r} is not a mapping", "give connection options such as "
                         "{assume_role_arn: arn:aws:iam::111111111111:role/network}, or leave it empty")
        else:
            f.role_arn(problems, name, "spoke_hub.assume_role_arn", hub.get("assume_role_arn"))
        if region and hv.get("spoke_vpc_id"):
            claims("VPC", (region, hv["spoke_vpc_id"]), name, "spoke_vpc_id", hv["spoke_vpc_id"])
        elif region:
            vpc = hv.get("spoke_vpc_name") or name
            claims("VPC", (account, region, vpc), name, "spoke_vpc_name", f"{vpc} ({region})")
    if kind == "services_vpc":
        subnets = []
        for key in ("services_vpc_endpoint_subnets", "services_vpc_transit_subnets"):
            subnets += f.subnets_inside(problems, name, key, hv.get(key), net, parent_field="services_vpc_cidr")
        for a in range(len(subnets)):
            for b in range(a + 1, len(subnets)):
                if subnets[a].overlaps(subnets[b]) and subnets[a] != subnets[b]:
                    problems.add(name, "services_vpc_*_subnets", f"{subnets[a]} and {subnets[b]} overlap",
                                 "give every endpoint and transit subnet its own range")
        if not hv.get("services_vpc_endpoint_subnets"):
            problems.add(name, "services_vpc_endpoint_subnets", "is empty",
                         "declare one endpoint subnet per availability zone")
        if region:
            vpc = hv.get("services_vpc_name") or f"{topology}-services-{region}"
            claims("VPC", (account, region, vpc), name, "services_vpc_name", f"{vpc} ({region})")
    if kind == "transit" and "transit_asn" in hv:
        f.asn(problems, name, "transit_asn", hv["transit_asn"], "aws_transit")
    return region, net


def _overlaps(problems, networks, consumers, advertised):
    """Every network's CIDR is unique across clouds; consumers and GCP advertisements do not hijack them."""
    for a in range(len(networks)):
        for b in range(a + 1, len(networks)):
            (na, fa, ca), (nb, fb, cb) = networks[a], networks[b]
            if ca.version == cb.version and ca.overlaps(cb):
                problems.add(na, fa, f"{ca} overlaps {nb} ({fb} {cb})",
                             "give every network a unique, non-overlapping CIDR: traffic cannot be routed otherwise")
    remote = [(n, fl, c) for n, fl, c in networks if fl == "cross_cloud_cidr"]
    for i, net in consumers:
        field = f"cloudnet_consumers[{i}].cidr"
        inside_remote = any(net.version == c.version and net.subnet_of(c) for _n, _fl, c in remote)
        for n, fl, c in networks:
            if net.version == c.version and net.overlaps(c) and not inside_remote:
                problems.add("group_vars", field, f"{net} overlaps {n} ({fl} {c})",
                             "declare consumer CIDRs outside the AWS VPCs; for an Azure or GCP network declare its "
                             "own range (or a part of it)")
    for a in range(len(consumers)):
        for b in range(a + 1, len(consumers)):
            (ia, ca), (ib, cb) = consumers[a], consumers[b]
            if ca.version == cb.version and ca.overlaps(cb):
                problems.add("group_vars", f"cloudnet_consumers[{ib}].cidr", f"{cb} overlaps cloudnet_consumers[{ia}] "
                             f"({ca})", "list each consumer range once")
    for host, net in advertised:
        for n, fl, c in networks:
            if n != host and net.version == c.version and net.overlaps(c):
                problems.add(host, "cross_cloud_gcp_advertised_ranges", f"{net} overlaps {n} ({fl} {c})",
                             "advertise only this network's own ranges to AWS")


def _preflight(by_kind, region_of):
    """The read-only checks the inventory needs: AWS identities, the Azure subscription, GCP projects."""
    aws: dict = {}
    fields = {"transit": ["transit_assume_role_arn"], "services_vpc": ["services_vpc_assume_role_arn"],
              "spoke": ["spoke_assume_role_arn"], "inspection": ["inspection_assume_role_arn"],
              "cross_cloud_aws": ["cross_cloud_aws_assume_role_arn"]}
    for kind, keys in fields.items():
        for name, hv in by_kind[kind]:
            arns = [hv.get(k) for k in keys]
            if kind == "spoke" and isinstance(hv.get("spoke_hub"), dict):
                arns.append(hv["spoke_hub"].get("assume_role_arn"))
            for arn in [""] + [a for a in arns if a]:
                entry = aws.setdefault(arn, {"assume_role_arn": arn or None, "region": region_of.get(name),
                                             "hosts": []})
                if name not in entry["hosts"]:
                    entry["hosts"].append(name)
    gcp: dict = {}
    for name, hv in by_kind["cross_cloud_gcp"]:
        project = hv.get("cross_cloud_gcp_project") or ""
        gcp.setdefault(project, {"project": project or None, "hosts": []})["hosts"].append(name)
    azure = [{"hosts": [n for n, _hv in by_kind["cross_cloud_azure"]]}] if by_kind["cross_cloud_azure"] else []
    return {"aws": list(aws.values()), "azure": azure, "gcp": list(gcp.values())}


def validate(topology: str, services: list, hosts: list, consumers=None, extra_services=(),
             default_region=None) -> dict:
    """``{"problems": [...], "preflight": {...}}`` for the whole inventory.

    ``hosts``: ``[{"name": inventory_hostname, "kind": one of KINDS, "vars": {...}}]``, as the
    network_hosts filter builds it.
    """
    problems = Problems()
    claims = _Claims(problems)
    if not TOPOLOGY_RE.match(str(topology or "")):
        problems.add("group_vars", "cloudnet_topology", f"= {topology!r} is not a valid name",
                     "use 1-32 lowercase letters, digits and dashes")
    by_kind: dict = {k: [] for k in KINDS}
    for host in hosts or []:
        name, kind = host.get("name"), host.get("kind")
        if kind not in KINDS:
            problems.add(name, "kind", f"= {kind!r} is unknown", f"put the host in one of the groups for {KINDS}")
            continue
        by_kind[kind].append((name, f.check_unresolved(problems, name, host.get("vars") or {})))
    region_of, networks = {}, []
    services_by_region: dict = {}
    transit_asns: dict = {}
    for kind in AWS_KINDS:
        for name, hv in by_kind[kind]:
            region, net = _aws_host(problems, claims, topology, name, kind, hv, default_region)
            region_of[name] = region
            if net:
                networks.append((name, f"{kind}_cidr", net))
            if kind == "services_vpc" and region:
                if region in services_by_region:
                    problems.add(name, "services_vpc_region",
                                 f"= {region} already has services VPC {services_by_region[region]['name']}",
                                 "declare exactly one services VPC per region")
                    continue
                endpoint = f.subnets_inside(Problems(), name, "", hv.get("services_vpc_endpoint_subnets"), net)
                services_by_region[region] = {"name": name, "cidr": net, "endpoint_subnets": endpoint}
            if kind == "transit" and region:
                if region in transit_asns:
                    problems.add(name, "transit_region", f"= {region} already has a transit gateway "
                                 f"({transit_asns[region][0]})", "declare exactly one transit host per region")
                    continue
                asn = hv.get("transit_asn", 64512)
                transit_asns[region] = (name, asn if isinstance(asn, int) else None)
    spokes = {n: {"region": region_of.get(n), "has_cidr": bool(hv.get("spoke_cidr"))} for n, hv in by_kind["spoke"]}
    for name, region in ((n, region_of.get(n)) for n, _hv in by_kind["spoke"]):
        if region and region not in services_by_region:
            problems.add(name, "spoke_region", f"= {region} has no services VPC",
                         "declare a services VPC (group aws_services_vpc) in that region")
        if region and region not in transit_asns:
            problems.add(name, "spoke_region", f"= {region} has no transit gateway",
                         "declare a transit host (group aws_transit) in that region")
    inspection_networks, inspection_plans = validate_inspection(problems, by_kind["inspection"], spokes,
                                                                services_by_region, set(transit_asns), default_region)
    for name, net, region, vpc_name in inspection_networks:
        networks.append((name, "inspection_vpc_cidr", net))
        region_of[name] = region
        hv = dict(by_kind["inspection"])[name]
        vpc = vpc_name or f"{topology}-inspection-{region}"
        claims("VPC", (_account(hv.get("inspection_assume_role_arn")), region, vpc), name, "inspection_vpc_name",
               f"{vpc} ({region})")
    for name, hv in by_kind["cross_cloud_aws"]:
        region_of[name] = f.aws_region(problems, name, "cross_cloud_aws_region", hv.get("cross_cloud_aws_region")
                                       or hv.get("services_vpc_region") or default_region)
    remote = validate_cross_cloud(problems, by_kind["cross_cloud_azure"], by_kind["cross_cloud_gcp"],
                                  by_kind["cross_cloud_aws"], region_of, services_by_region,
                                  {r: asn for r, (_n, asn) in transit_asns.items()}, claims, extra_services)
    networks += [(name, "cross_cloud_cidr", net) for name, net, _label in remote["networks"]]
    validate_remote_inspection(problems, topology, by_kind["inspection"], inspection_plans,
                               [n for n, _hv in by_kind["cross_cloud_azure"] + by_kind["cross_cloud_gcp"]],
                               remote["links"], dict(by_kind["cross_cloud_aws"]), services_by_region)
    consumers_parsed = []
    for i, c in enumerate(consumers or []):
        value = c.get("cidr") if isinstance(c, dict) else c
        net = f.cidr(problems, "group_vars", f"cloudnet_consumers[{i}].cidr", value)
        if net:
            consumers_parsed.append((i, net))
    _overlaps(problems, networks, consumers_parsed, remote["advertised"])
    validate_services(problems, services, set(services_by_region), extra_services)
    return {"problems": problems.items, "preflight": _preflight(by_kind, region_of)}


def validate_topology(topology: str, services: list, hosts: list, consumers=None, extra_services=(),
                      default_region=None) -> list:
    """Return a list of problems (empty when the topology is valid)."""
    return validate(topology, services, hosts, consumers, extra_services, default_region)["problems"]


def resolved_service_names(services: list, region: str) -> dict:
    """Map catalog name -> full service name in ``region``."""
    return {s["name"]: s.get("service_name") or aws_service_name(s["name"], region) for s in services or []}
