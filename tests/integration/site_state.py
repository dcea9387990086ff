"""The AWS side of site.yml as the cloud holds it, read through boto3, for the reliability tests.

``site_cloud()`` gives a fresh seeded sandbox in its own process; ``run_site()`` runs a playbook on it;
``declared()`` reads what inventories/sandbox-aws declares; ``snapshot()`` reads everything back;
``problems()`` lists every way the cloud differs from the declaration (missing, duplicated or extra
managed objects) and ``brownfield()`` / ``brownfield_changes()`` record and compare what the seed made.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

import boto3
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ensure_collection_tree, own_aws_sandbox  # noqa: E402

INVENTORY = REPO / "inventories" / "sandbox-aws"
BIN = Path(sys.executable).parent
MANAGED_BY = ("cloudnet:managed-by", "cloudnet.privatelink")
GONE = ("deleted", "deleting", "failed", "rejected", "delete-complete", "delete-in-progress")


# --- sandbox and playbook ----------------------------------------------------------------------------


@contextlib.contextmanager
def site_cloud(state: Path):
    """A fresh AWS sandbox in its own process, seeded with the brownfield networks."""
    from sandbox.aws.client import SandboxControl

    with own_aws_sandbox(state / "aws") as (url, sandbox_env):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(sandbox_env)
        env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_FORCE_COLOR": "0",
                    "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO)})
        seed_vars = state / "seeded.yml"
        subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out", str(seed_vars)],
                       env=env, cwd=REPO, check=True, capture_output=True, text=True, timeout=300)
        yield {"env": env, "url": url, "control": SandboxControl(url), "seed_vars": seed_vars, "state": state,
               "seed": json.loads((state / "seed.json").read_text())}


def site_command(cloud: dict, playbook: str = "site.yml", *extra: str) -> list[str]:
    """The playbook on inventories/sandbox-aws with the seed's variables.

    The topology report at the end of site.yml is skipped (cloudnet_report=false): it only reads AWS and
    writes files into the repository's reports/, which parallel runs would share.
    """
    overrides = [arg for path in cloud.get("extra_vars", []) for arg in ("-e", f"@{path}")]
    return [str(BIN / "ansible-playbook"), playbook, "-i", str(INVENTORY.relative_to(REPO)),
            "-e", f"@{cloud['seed_vars']}", "-e", "cloudnet_report=false", *overrides, *extra]


def reseed(cloud: dict) -> None:
    """Back to a fresh sandbox (moto state, calls, faults, settings), seeded again."""
    cloud["control"].reset()
    state = cloud["state"]
    subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out",
                    str(cloud["seed_vars"])], env=cloud["env"], cwd=REPO, check=True, capture_output=True, text=True,
                   timeout=300)
    cloud["seed"] = json.loads((state / "seed.json").read_text())


def run_site(cloud: dict, playbook: str = "site.yml", *extra: str, timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run(site_command(cloud, playbook, *extra), env=cloud["env"], cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, check=False)


def recap(output: str) -> dict:
    """``{host: {ok, changed, failed, ...}}`` from the PLAY RECAP."""
    return {host: {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", fields)}
            for host, fields in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, flags=re.M)}


def failure(proc: subprocess.CompletedProcess) -> str:
    return f"rc={proc.returncode}\n{proc.stdout[-8000:]}\n{proc.stderr[-3000:]}"


def client(cloud: dict, service: str, account: str | None = None):
    env = cloud["env"]
    keys = {"aws_access_key_id": env["AWS_ACCESS_KEY_ID"], "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"]}
    if account is not None:
        sts = boto3.client("sts", endpoint_url=cloud["url"], region_name="us-east-1", **keys)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/cloudnet-governance",
                                RoleSessionName="site-state")["Credentials"]
        keys = {"aws_access_key_id": creds["AccessKeyId"], "aws_secret_access_key": creds["SecretAccessKey"],
                "aws_session_token": creds["SessionToken"]}
    return boto3.client(service, endpoint_url=cloud["url"], region_name="us-east-1", **keys)


# --- what the inventory declares ---------------------------------------------------------------------


def _yaml(path: Path) -> dict:
    return yaml.safe_load(path.read_text()) or {}


def declared(seed: dict, catalog: list | None = None) -> dict:
    """The objects inventories/sandbox-aws asks for, named as the roles' defaults name them.

    ``catalog``: the service catalog when a test passes its own (extra vars), else the inventory's.
    """
    topology = _yaml(INVENTORY / "group_vars" / "all" / "topology.yml")
    hosts = _yaml(INVENTORY / "hosts.yml")["all"]["children"]
    name, region = topology["cloudnet_topology"], topology["cloudnet_default_region"]
    services_host = next(iter(hosts["aws_services_vpc"]["hosts"]))
    services = _yaml(INVENTORY / "host_vars" / f"{services_host}.yml")
    spokes = {host: _yaml(INVENTORY / "host_vars" / f"{host}.yml") for host in hosts["aws_spokes"]["hosts"]}
    vpc_name = f"{name}-services-{region}"
    wanted = []
    for item in catalog if catalog is not None else topology["cloudnet_services"]:
        service_name = item.get("service_name") or f"com.amazonaws.{region}.{item['name']}"
        if "{{" in service_name:
            service_name = seed["saas_service_name"]
        wanted.append({"name": item["name"], "service_name": service_name, "gateway": bool(item.get("gateway"))})
    subnets = services["services_vpc_endpoint_subnets"] + services["services_vpc_transit_subnets"]
    return {
        "topology": name,
        "region": region,
        "transit": f"{name}-{region}",
        "transit_tables": [f"{name}-{region}-spokes", f"{name}-{region}-services"],
        "services_vpc": {"name": vpc_name, "cidr": services["services_vpc_cidr"],
                         "subnets": {s["cidr"]: s["name"] for s in subnets},
                         "endpoint_cidrs": sorted(s["cidr"] for s in services["services_vpc_endpoint_subnets"])},
        "security_group": f"{vpc_name}-endpoints",
        "prefix_list": f"{name}-endpoint-prefixes-{region}",
        "catalog": wanted,
        "spokes": {host: {"cidr": spec["spoke_cidr"], "exclude": spec.get("spoke_exclude_zones_for") or []}
                   for host, spec in spokes.items()},
        "consumers": sorted([s["spoke_cidr"] for s in spokes.values()]
                            + [c["cidr"] for c in topology.get("cloudnet_consumers") or []]),
    }


# --- what the cloud holds ----------------------------------------------------------------------------


def _tags(item: dict) -> dict:
    return {t["Key"]: t["Value"] for t in item.get("Tags") or []}


def _managed(item: dict, topology: str) -> bool:
    tags = _tags(item)
    return tags.get(MANAGED_BY[0]) == MANAGED_BY[1] and tags.get("cloudnet:topology") == topology


def _pages(client_, method: str, key: str, **kwargs) -> list:
    out = []
    for page in client_.get_paginator(method).paginate(**kwargs):
        out.extend(page.get(key, []))
    return out


def snapshot(cloud: dict) -> dict:
    """Everything site.yml may touch in the hub account, read through boto3 (EC2 and Route 53)."""
    ec2, r53 = client(cloud, "ec2"), client(cloud, "route53")
    tgw_tables = [t for t in _pages(ec2, "describe_transit_gateway_route_tables", "TransitGatewayRouteTables")
                  if t["State"] not in GONE]
    tables = {}
    for table in tgw_tables:
        tid = table["TransitGatewayRouteTableId"]
        tables[tid] = {
            "table": table,
            "associations": _pages(ec2, "get_transit_gateway_route_table_associations", "Associations",
                                   TransitGatewayRouteTableId=tid),
            "propagations": _pages(ec2, "get_transit_gateway_route_table_propagations",
                                   "TransitGatewayRouteTablePropagations", TransitGatewayRouteTableId=tid),
            "routes": _pages(ec2, "search_transit_gateway_routes", "Routes", TransitGatewayRouteTableId=tid,
                             Filters=[{"Name": "state", "Values": ["active", "blackhole"]}]),
        }
    prefix_lists = [p for p in _pages(ec2, "describe_managed_prefix_lists", "PrefixLists") if p["State"] not in GONE]
    entries = {p["PrefixListId"]: _pages(ec2, "get_managed_prefix_list_entries", "Entries",
                                         PrefixListId=p["PrefixListId"])
               for p in prefix_lists if p.get("OwnerId") != "AWS"}
    zones = []
    for summary in _pages(r53, "list_hosted_zones", "HostedZones"):
        zid = summary["Id"].rsplit("/", 1)[-1]
        zone = r53.get_hosted_zone(Id=zid)
        tags = r53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zid)["ResourceTagSet"].get("Tags", [])
        zones.append({"id": zid, "name": summary["Name"].rstrip(".").lower(), "summary": summary,
                      "vpcs": sorted(v["VPCId"] for v in zone.get("VPCs", [])), "Tags": tags,
                      "records": _pages(r53, "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=zid)})
    return {
        "vpcs": _pages(ec2, "describe_vpcs", "Vpcs"),
        "subnets": _pages(ec2, "describe_subnets", "Subnets"),
        "route_tables": _pages(ec2, "describe_route_tables", "RouteTables"),
        "security_groups": _pages(ec2, "describe_security_groups", "SecurityGroups"),
        "security_group_rules": _pages(ec2, "describe_security_group_rules", "SecurityGroupRules"),
        "endpoints": [e for e in _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints") if e["State"] not in GONE],
        "transit_gateways": [t for t in _pages(ec2, "describe_transit_gateways", "TransitGateways")
                             if t["State"] not in GONE],
        "attachments": [a for a in _pages(ec2, "describe_transit_gateway_attachments", "TransitGatewayAttachments")
                        if a["State"] not in GONE],
        "tgw_tables": tables,
        "prefix_lists": prefix_lists,
        "prefix_list_entries": entries,
        "zones": zones,
        "internet_gateways": _pages(ec2, "describe_internet_gateways", "InternetGateways"),
    }


def service_zone_names(cloud: dict, service_names: list) -> dict:
    """``{service_name: [(zone name, wildcard)]}`` from DescribeVpcEndpointServices' private DNS names."""
    ec2 = client(cloud, "ec2")
    out = {}
    for service_name in service_names:
        found = _pages(ec2, "describe_vpc_endpoint_services", "ServiceDetails", ServiceNames=[service_name])
        details = [d for d in found if d["ServiceName"] == service_name
                   and any(t["ServiceType"] == "Interface" for t in d.get("ServiceType", []))]
        names = [n["PrivateDnsName"] for n in details[0].get("PrivateDnsNames") or []] or [
            details[0]["PrivateDnsName"]]
        zones: dict = {}
        for raw in names:
            star = raw.startswith("*.")
            zone = (raw[2:] if star else raw).rstrip(".").lower()
            zones[zone] = zones.get(zone, False) or star
        out[service_name] = sorted(zones.items())
    return out


def _one(found: list, what: str, problems: list):
    if len(found) != 1:
        problems.append(f"{what}: expected exactly one, found {len(found)}")
    return found[0] if found else None


def problems(snap: dict, want: dict, seed: dict, zone_names: dict) -> list[str]:
    """Every difference between the cloud and the declaration; an empty list means converged, no duplicates."""
    out: list[str] = []
    topo = want["topology"]

    def by_name(items, name):
        return [i for i in items if _tags(i).get("Name") == name]

    # Transit gateway and its route tables: nothing the seed has, so every live one must be ours and single.
    tgw = _one(snap["transit_gateways"], "transit gateway (any)", out)
    if tgw and (_tags(tgw).get("Name") != want["transit"] or not _managed(tgw, topo)):
        out.append(f"transit gateway {tgw['TransitGatewayId']} is not the managed {want['transit']}")
    tgw_id = tgw and tgw["TransitGatewayId"]
    tables = {}
    for name in want["transit_tables"]:
        found = [t for t in snap["tgw_tables"].values() if _tags(t["table"]).get("Name") == name]
        table = _one(found, f"transit route table {name}", out)
        if table:
            tables[name.rsplit("-", 1)[-1]] = table
    extra_tables = len(snap["tgw_tables"]) - len(tables)
    if extra_tables:
        out.append(f"{extra_tables} transit route table(s) besides {want['transit_tables']}")

    # Services VPC, subnets, managed route table, security group.
    svc = want["services_vpc"]
    vpc = _one([v for v in by_name(snap["vpcs"], svc["name"]) if _managed(v, topo)], f"VPC {svc['name']}", out)
    vpc_id = vpc and vpc["VpcId"]
    if vpc and vpc["CidrBlock"] != svc["cidr"]:
        out.append(f"VPC {svc['name']} has CIDR {vpc['CidrBlock']}, not {svc['cidr']}")
    vpc_subnets = [s for s in snap["subnets"] if s["VpcId"] == vpc_id]
    for cidr, name in svc["subnets"].items():
        subnet = _one([s for s in vpc_subnets if s["CidrBlock"] == cidr], f"subnet {cidr} of {svc['name']}", out)
        if subnet and _tags(subnet).get("Name") != name:
            out.append(f"subnet {cidr} is named {_tags(subnet).get('Name')}, not {name}")
    if len(vpc_subnets) != len(svc["subnets"]):
        out.append(f"{svc['name']} has {len(vpc_subnets)} subnets, {len(svc['subnets'])} declared")
    vpc_tables = [t for t in snap["route_tables"] if t["VpcId"] == vpc_id
                  and not any(a.get("Main") for a in t.get("Associations", []))]
    rtb = _one([t for t in vpc_tables if _managed(t, topo)], f"managed route table of {svc['name']}", out)
    if len(vpc_tables) != 1:
        out.append(f"{svc['name']} has {len(vpc_tables)} non-main route tables, 1 declared")
    sg = _one([g for g in snap["security_groups"] if g["VpcId"] == vpc_id and g["GroupName"] == want["security_group"]],
              f"security group {want['security_group']}", out)
    if sg:
        ingress = Counter((r["IpProtocol"], r.get("FromPort"), r.get("CidrIpv4")) for r in snap["security_group_rules"]
                          if r["GroupId"] == sg["GroupId"] and not r["IsEgress"])
        wanted = Counter(("tcp", 443, cidr) for cidr in want["consumers"])
        if ingress != wanted:
            out.append(f"security group ingress {dict(ingress)} differs from the declared {dict(wanted)}")

    # Endpoints: exactly one managed endpoint per declared service (and type), all in the services VPC.
    ours = [e for e in snap["endpoints"] if _managed(e, topo)]
    endpoints = {}
    for item in want["catalog"]:
        kinds = [("Interface", f"{topo}-{item['name']}")] + ([("Gateway", f"{topo}-{item['name']}-gateway")]
                                                             if item["gateway"] else [])
        for kind, name in kinds:
            found = [e for e in ours if e["ServiceName"] == item["service_name"] and e["VpcEndpointType"] == kind]
            ep = _one(found, f"{kind} endpoint {name}", out)
            if ep is None:
                continue
            endpoints[(item["service_name"], kind)] = ep
            if ep["VpcId"] != vpc_id or _tags(ep).get("Name") != name:
                out.append(f"endpoint {ep['VpcEndpointId']} is {_tags(ep).get('Name')} in {ep['VpcId']}")
            if kind == "Interface" and (ep["PrivateDnsEnabled"] or [g["GroupId"] for g in ep["Groups"]] != [
                    sg and sg["GroupId"]]):
                out.append(f"endpoint {name}: private DNS {ep['PrivateDnsEnabled']}, groups {ep['Groups']}")
            if ep["State"] != "available":
                out.append(f"endpoint {name} is {ep['State']}")
    if len(ours) != len(endpoints):
        out.append(f"{len(ours)} managed endpoints, {len(endpoints)} declared")

    # Attachments: one per VPC (services + spokes), associated and propagated as segmentation says.
    spokes = dict(want["spokes"])
    spoke_vpcs = {name: seed["spokes"][name]["vpc_id"] for name in spokes}
    expect = {vpc_id: ("services", "spokes")} | {v: ("spokes", "services") for v in spoke_vpcs.values()}
    if len(snap["attachments"]) != len(expect):
        out.append(f"{len(snap['attachments'])} transit gateway attachments, {len(expect)} declared")
    for att_vpc, (assoc, prop) in expect.items():
        att = _one([a for a in snap["attachments"] if a["ResourceId"] == att_vpc and a["TransitGatewayId"] == tgw_id],
                   f"attachment of {att_vpc}", out)
        if att is None:
            continue
        att_id = att["TransitGatewayAttachmentId"]
        if att["State"] != "available" or not _managed(att, topo):
            out.append(f"attachment {att_id} is {att['State']}, managed={_managed(att, topo)}")
        for kind, table_key, key in (("association", assoc, "associations"), ("propagation", prop, "propagations")):
            holders = [n for n, t in tables.items() if any(x["TransitGatewayAttachmentId"] == att_id for x in t[key])]
            if holders != [table_key]:
                out.append(f"attachment {att_id} ({att_vpc}) {kind} in {holders}, declared [{table_key}]")
    if "spokes" in tables:
        cidrs = Counter(r.get("DestinationCidrBlock") for r in tables["spokes"]["routes"])
        if cidrs.get(svc["cidr"]) != 1 or set(cidrs) & {s["cidr"] for s in spokes.values()}:
            out.append(f"spokes table routes {dict(cidrs)}: want the services VPC once and no spoke")

    # Prefix list and its entries.
    pls = [p for p in snap["prefix_lists"] if p["PrefixListName"] == want["prefix_list"]]
    pl = _one(pls, f"prefix list {want['prefix_list']}", out)
    pl_id = pl and pl["PrefixListId"]
    if pl:
        cidrs = sorted(e["Cidr"] for e in snap["prefix_list_entries"].get(pl_id, []))
        if cidrs != svc["endpoint_cidrs"]:
            out.append(f"prefix list entries {cidrs}, declared {svc['endpoint_cidrs']}")
    extra_pls = [p["PrefixListId"] for p in snap["prefix_lists"] if p.get("OwnerId") != "AWS" and p not in pls]
    if extra_pls:
        out.append(f"prefix lists besides {want['prefix_list']}: {extra_pls}")

    # Routes: the services VPC sends the consumers to the transit; every spoke table sends the prefix list.
    if rtb:
        to_tgw = Counter(r.get("DestinationCidrBlock") for r in rtb["Routes"] if r.get("TransitGatewayId") == tgw_id)
        if to_tgw != Counter(want["consumers"]):
            out.append(f"services route table sends {dict(to_tgw)} to the transit, declared {want['consumers']}")
    for name, spoke_vpc in spoke_vpcs.items():
        for table in [t for t in snap["route_tables"] if t["VpcId"] == spoke_vpc]:
            routes = [r for r in table["Routes"] if r.get("DestinationPrefixListId") == pl_id]
            if len(routes) != 1 or routes[0].get("TransitGatewayId") != tgw_id:
                out.append(f"{name} route table {table['RouteTableId']}: prefix list routes {routes}")

    # Zones: exactly one private zone per private DNS name, alias records once, associations as declared.
    answered_locally = {(r["vpc"], r["service"]) for r in seed["rogue_endpoints"] if r["type"] == "Interface"}
    zone_count = 0
    for item in want["catalog"]:
        ep = endpoints.get((item["service_name"], "Interface"))
        for zone_name, wildcard in zone_names[item["service_name"]]:
            zone_count += 1
            zone = _one([z for z in snap["zones"] if z["name"] == zone_name], f"zone {zone_name}", out)
            if zone is None:
                continue
            if not zone["summary"]["Config"].get("PrivateZone") or not _managed(zone, topo):
                out.append(f"zone {zone_name} ({zone['id']}) is not a managed private zone")
            want_vpcs = {vpc_id} | {v for n, v in spoke_vpcs.items() if item["name"] not in spokes[n]["exclude"]
                                    and (n, item["name"]) not in answered_locally}
            if set(zone["vpcs"]) != want_vpcs or len(zone["vpcs"]) != len(set(zone["vpcs"])):
                out.append(f"zone {zone_name} is associated with {zone['vpcs']}, declared {sorted(want_vpcs)}")
            names = [zone_name] + ([f"*.{zone_name}"] if wildcard else [])
            aliases = Counter(r["Name"].replace("\\052", "*").rstrip(".").lower()
                              for r in zone["records"] if r["Type"] == "A" and "AliasTarget" in r)
            if aliases != Counter(names):
                out.append(f"zone {zone_name} alias records {dict(aliases)}, declared {names}")
            targets = {r["AliasTarget"]["DNSName"].rstrip(".").lower() for r in zone["records"] if "AliasTarget" in r}
            dns = {d["DnsName"].rstrip(".").lower() for d in (ep or {}).get("DnsEntries", [])}
            if not targets or not targets <= dns:
                out.append(f"zone {zone_name} aliases {sorted(targets)}, not the endpoint's DNS entries")
    managed_zones = [z for z in snap["zones"] if _managed(z, topo)]
    if len(managed_zones) != zone_count or len(snap["zones"]) != zone_count:
        out.append(f"{len(snap['zones'])} zones ({len(managed_zones)} managed), {zone_count} declared")
    return out


# --- brownfield --------------------------------------------------------------------------------------


def _foreign_routes(table: dict) -> list:
    """Routes on destinations the collection does not record as its own (cloudnet:routes tags)."""
    tags = _tags(table)
    managed = {d for k, v in tags.items() if k.startswith("cloudnet:routes") for d in v.split()}
    out = []
    for route in table["Routes"]:
        dest = route.get("DestinationCidrBlock") or route.get("DestinationPrefixListId")
        if dest not in managed:
            out.append({k: v for k, v in sorted(route.items()) if k != "State"})
    return sorted(out, key=lambda r: json.dumps(r, sort_keys=True))


def brownfield(cloud: dict, seed: dict) -> dict:
    """What the seed made (VPCs, subnets, route tables and their foreign routes, gateways, endpoints)."""
    out = {}
    accounts = [(None, seed)] + [(spec["account_id"], spec) for spec in seed["other_accounts"].values()]
    for account, spec in accounts:
        ec2 = client(cloud, "ec2", account)
        vpc_ids = [v["vpc_id"] for v in spec["spokes"].values()]
        if account is None:
            vpc_ids += [v["VpcId"] for v in _pages(ec2, "describe_vpcs", "Vpcs",
                                                   Filters=[{"Name": "tag:sandbox:seed", "Values": ["brownfield"]}])]
        vpc_ids = sorted(set(vpc_ids))
        vpc_filter = [{"Name": "vpc-id", "Values": vpc_ids}]
        endpoint_ids = [r["vpc_endpoint_id"] for r in spec["rogue_endpoints"]]
        out[account or "hub"] = {
            "vpcs": {v["VpcId"]: {"cidr": v["CidrBlock"], "tags": _tags(v)}
                     for v in _pages(ec2, "describe_vpcs", "Vpcs", VpcIds=vpc_ids)},
            "subnets": {s["SubnetId"]: {"cidr": s["CidrBlock"], "vpc": s["VpcId"], "tags": _tags(s)}
                        for s in _pages(ec2, "describe_subnets", "Subnets", Filters=vpc_filter)},
            "route_tables": {t["RouteTableId"]: {
                "vpc": t["VpcId"], "routes": _foreign_routes(t),
                "associations": sorted((a.get("SubnetId") or "main") for a in t.get("Associations", [])),
                "tags": {k: v for k, v in _tags(t).items() if not k.startswith("cloudnet:")}}
                for t in _pages(ec2, "describe_route_tables", "RouteTables", Filters=vpc_filter)},
            "internet_gateways": sorted(g["InternetGatewayId"] for g in _pages(
                ec2, "describe_internet_gateways", "InternetGateways",
                Filters=[{"Name": "attachment.vpc-id", "Values": vpc_ids}])),
            "endpoints": {e["VpcEndpointId"]: {
                k: e.get(k) for k in ("VpcId", "ServiceName", "VpcEndpointType", "State", "PrivateDnsEnabled",
                                      "SubnetIds", "RouteTableIds", "PolicyDocument")} | {"tags": _tags(e)}
                for e in _pages(ec2, "describe_vpc_endpoints", "VpcEndpoints", VpcEndpointIds=endpoint_ids)},
        }
    return out


def brownfield_changes(before: dict, after: dict) -> list[str]:
    """Every seeded object missing or changed (routes the collection manages are not the seed's)."""
    out = []
    for account, kinds in before.items():
        for kind, items in kinds.items():
            now = after.get(account, {}).get(kind)
            if isinstance(items, dict):
                for key, value in items.items():
                    if key not in now:
                        out.append(f"{account} {kind} {key} is gone")
                    elif now[key] != value:
                        out.append(f"{account} {kind} {key} changed: {value} -> {now[key]}")
            elif now != items:
                out.append(f"{account} {kind} changed: {items} -> {now}")
    return out
