"""Seed the sandbox with brownfield networks, so the collection meets what real accounts hold.

Creates (idempotently, found again by Name tag):
- three application VPCs (the spokes) with subnets in two zones, an internet gateway and route tables
  holding routes the collection does not own (default route to the internet gateway);
- rogue endpoints the governance audit must find: an SSM interface endpoint with private DNS on in
  app-orders, an S3 gateway endpoint in app-analytics (allowed), an STS endpoint in app-payments;
- a second account (``OTHER_ACCOUNT``, reached by STS assume-role as the audit reaches application
  accounts) with the application VPC app-ledger holding a duplicate STS endpoint (private DNS on) and a
  KMS endpoint, a service the catalog does not provide (the audit reports it, remediation never touches
  it); ``governance_targets`` for both accounts is written to <state-dir>/governance-targets.yml;
- a SaaS provider VPC with a Network Load Balancer and a VPC endpoint service, the stand-in for a
  third-party PrivateLink service (Snowflake, MuleSoft...). Its service name is written to
  group_vars/all/zz_seeded.yml (not tracked) of inventories/sandbox and inventories/sandbox-aws, and to
  <state-dir>/seed.json;
- Azure (when the environment points at the local ARM emulator): resource group rg-cloudnet-hub with the VNet
  azure-hub (GatewaySubnet, app, dns-outbound delegated to Microsoft.Network/dnsResolvers), the network the
  inventory's host azure-hub links to AWS;
- GCP (when the environment points at the local GCP emulator): the custom-mode network gcp-hub with the
  subnetwork gcp-hub-a in us-east1, the network of the inventory's host gcp-hub.

Uses only standard settings from the environment: AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID...; AZURE_* (service
principal, AZURE_CLOUD_ENVIRONMENT); GCP_* (project, service account file, endpoints). It writes only to local
emulators: a cloud whose endpoint is not on the loopback interface is refused (AWS) or left out (Azure, GCP).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import boto3

REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
REPO = Path(__file__).resolve().parents[1]
# Every sandbox inventory reads the seeded values from group_vars/all/zz_seeded.yml (not tracked).
SEEDED_VARS = [REPO / "inventories" / name / "group_vars" / "all" / "zz_seeded.yml"
               for name in ("sandbox", "sandbox-aws")]
SEED_TAG = {"Key": "sandbox:seed", "Value": "brownfield"}

SPOKES = {
    "app-payments": {"cidr": "10.1.0.0/16", "rogue": [("sts", "Interface")]},
    "app-orders": {"cidr": "10.2.0.0/16", "rogue": [("ssm", "Interface")]},
    "app-analytics": {"cidr": "10.3.0.0/16", "rogue": [("s3", "Gateway")]},
}
PROVIDER = {"name": "saas-provider", "cidr": "10.200.0.0/16"}
GOVERNANCE_TARGETS = "governance-targets.yml"
# Application spokes in a second account: same shape, reached through STS assume-role.
OTHER_ACCOUNT = "210987654321"
OTHER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/cloudnet-governance"
OTHER_SPOKES = {
    "app-ledger": {"cidr": "10.4.0.0/16", "rogue": [("sts", "Interface"), ("kms", "Interface")]},
}


def _tags(name: str, resource: str) -> list:
    return [{"ResourceType": resource, "Tags": [{"Key": "Name", "Value": name}, SEED_TAG]}]


def _find_vpc(ec2, name: str):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    return vpcs[0] if vpcs else None


def ensure_vpc(ec2, name: str, cidr: str) -> dict:
    """VPC with two subnets, an internet gateway and a main route table with a default route to it."""
    vpc = _find_vpc(ec2, name)
    if vpc is None:
        vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=_tags(name, "vpc"))["Vpc"]
        ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsSupport={"Value": True})
        ec2.modify_vpc_attribute(VpcId=vpc["VpcId"], EnableDnsHostnames={"Value": True})
    vpc_id = vpc["VpcId"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    base = cidr.split(".")
    for i, az in enumerate((f"{REGION}a", f"{REGION}b")):
        sub_cidr = f"{base[0]}.{base[1]}.{i}.0/24"
        if not any(s["CidrBlock"] == sub_cidr for s in subnets):
            ec2.create_subnet(VpcId=vpc_id, CidrBlock=sub_cidr, AvailabilityZone=az,
                              TagSpecifications=_tags(f"{name}-app-{az[-1]}", "subnet"))
    igws = ec2.describe_internet_gateways(Filters=[{"Name": "attachment.vpc-id", "Values": [vpc_id]}])
    if not igws["InternetGateways"]:
        igw = ec2.create_internet_gateway(TagSpecifications=_tags(f"{name}-igw", "internet-gateway"))
        igw_id = igw["InternetGateway"]["InternetGatewayId"]
        ec2.attach_internet_gateway(InternetGatewayId=igw_id, VpcId=vpc_id)
    else:
        igw_id = igws["InternetGateways"][0]["InternetGatewayId"]
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                              {"Name": "association.main", "Values": ["true"]}])["RouteTables"][0]
    if not any(r.get("DestinationCidrBlock") == "0.0.0.0/0" for r in main["Routes"]):
        ec2.create_route(RouteTableId=main["RouteTableId"], DestinationCidrBlock="0.0.0.0/0", GatewayId=igw_id)
    return {"vpc_id": vpc_id, "route_table_id": main["RouteTableId"],
            "subnet_ids": [s["SubnetId"] for s in ec2.describe_subnets(
                Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]]}


def ensure_rogue_endpoint(ec2, name: str, vpc: dict, service: str, kind: str) -> str:
    service_name = f"com.amazonaws.{REGION}.{service}"
    found = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [vpc["vpc_id"]]},
                                                {"Name": "service-name", "Values": [service_name]}])["VpcEndpoints"]
    live = [e for e in found if e["State"] not in ("deleted", "deleting")]
    if live:
        return live[0]["VpcEndpointId"]
    args = {"VpcId": vpc["vpc_id"], "ServiceName": service_name, "VpcEndpointType": kind,
            "TagSpecifications": _tags(f"{name}-{service}-team-made", "vpc-endpoint")}
    if kind == "Interface":
        args.update(SubnetIds=vpc["subnet_ids"][:1], PrivateDnsEnabled=True)
    else:
        args.update(RouteTableIds=[vpc["route_table_id"]])
    return ec2.create_vpc_endpoint(**args)["VpcEndpoint"]["VpcEndpointId"]


SAAS_PRIVATE_DNS_NAME = "api.saas-partner.example.com"


def ensure_provider(ec2, elbv2) -> str:
    """A SaaS provider: NLB + endpoint service. Returns the service name consumers use."""
    vpc = ensure_vpc(ec2, PROVIDER["name"], PROVIDER["cidr"])
    for cfg in ec2.describe_vpc_endpoint_service_configurations()["ServiceConfigurations"]:
        if {"Key": "Name", "Value": "saas-partner"} in cfg.get("Tags", []):
            return cfg["ServiceName"]
    try:
        lb = elbv2.describe_load_balancers(Names=["saas-provider-nlb"])["LoadBalancers"][0]
    except elbv2.exceptions.LoadBalancerNotFoundException:
        lb = elbv2.create_load_balancer(Name="saas-provider-nlb", Type="network", Scheme="internal",
                                        Subnets=vpc["subnet_ids"])["LoadBalancers"][0]
    cfg = ec2.create_vpc_endpoint_service_configuration(
        NetworkLoadBalancerArns=[lb["LoadBalancerArn"]], AcceptanceRequired=False,
        # Providers publish a (verified) private DNS name; consumers answer it from their own zone.
        PrivateDnsName=SAAS_PRIVATE_DNS_NAME,
        TagSpecifications=[{"ResourceType": "vpc-endpoint-service",
                            "Tags": [{"Key": "Name", "Value": "saas-partner"}, SEED_TAG]}],
    )["ServiceConfiguration"]
    return cfg["ServiceName"]


def _seed_spokes(ec2, spokes: dict, out: dict) -> None:
    for name, spec in spokes.items():
        vpc = ensure_vpc(ec2, name, spec["cidr"])
        out["spokes"][name] = vpc
        for service, kind in spec["rogue"]:
            out["rogue_endpoints"].append(
                {"vpc": name, "service": service, "type": kind,
                 "vpc_endpoint_id": ensure_rogue_endpoint(ec2, name, vpc, service, kind)})


def other_account_session(session) -> boto3.session.Session:
    creds = session.client("sts").assume_role(RoleArn=OTHER_ROLE, RoleSessionName="sandbox-seed")["Credentials"]
    return boto3.session.Session(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                                 aws_session_token=creds["SessionToken"], region_name=REGION)


def is_local(url: str | None) -> bool:
    """Whether ``url`` names a server on the loopback interface (the only place the seed writes to)."""
    host = urlsplit(url or "").hostname or ""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def local_clouds(env=None) -> list[str]:
    """The clouds whose endpoints in ``env`` (default os.environ) are local emulators."""
    env = os.environ if env is None else env
    out = []
    if is_local(env.get("AWS_ENDPOINT_URL")):
        out.append("aws")
    if is_local(env.get("AZURE_CLOUD_ENVIRONMENT")) and env.get("AZURE_SUBSCRIPTION_ID"):
        out.append("azure")
    if is_local(env.get("GCP_COMPUTE_ENDPOINT")) and env.get("GCP_PROJECT"):
        out.append("gcp")
    return out


def seed_aws(out: dict) -> None:
    session = boto3.session.Session(region_name=REGION)
    ec2, elbv2 = session.client("ec2"), session.client("elbv2")
    out.update({"spokes": {}, "rogue_endpoints": []})
    _seed_spokes(ec2, SPOKES, out)
    other = {"spokes": {}, "rogue_endpoints": []}
    _seed_spokes(other_account_session(session).client("ec2"), OTHER_SPOKES, other)
    out["other_accounts"] = {"apps": {"account_id": OTHER_ACCOUNT, "assume_role_arn": OTHER_ROLE, **other}}
    out["saas_service_name"] = ensure_provider(ec2, elbv2)


def seed(state_dir: Path | None, vars_out: Path | list[Path] | None = None, clouds: list[str] | None = None) -> dict:
    """Seed ``clouds`` (default: every cloud whose endpoint is a local emulator); return what exists."""
    clouds = local_clouds() if clouds is None else list(clouds)
    if "aws" in clouds and not is_local(os.environ.get("AWS_ENDPOINT_URL")):
        raise SystemExit("sandbox.seed: AWS_ENDPOINT_URL is not a local sandbox endpoint; refusing to seed "
                         "(source the sandbox's env.sh first)")
    out: dict = {"clouds": clouds}
    if "aws" in clouds:
        seed_aws(out)
    if "azure" in clouds:
        from sandbox.azure.brownfield import seed_azure

        out["azure"] = seed_azure()
    if "gcp" in clouds:
        from sandbox.gcp.brownfield import seed_gcp

        out["gcp"] = seed_gcp()
    targets = SEEDED_VARS if vars_out is None else ([vars_out] if isinstance(vars_out, Path) else list(vars_out))
    if "saas_service_name" in out:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                "---\n# Written by `python -m sandbox.seed`; not tracked. The sandbox's stand-in SaaS endpoint "
                f"service.\nsandbox_saas_service_name: {out['saas_service_name']}\n")
    if state_dir:
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / "seed.json").write_text(json.dumps(out, indent=2))
    if state_dir and "aws" in clouds:
        # Opt-in (-e @<state-dir>/governance-targets.yml): audit and remediate both seeded accounts.
        (state_dir / GOVERNANCE_TARGETS).write_text(
            "---\n# Written by `python -m sandbox.seed`: the accounts the governance audit covers.\n"
            "governance_targets:\n  - name: hub\n  - name: apps\n"
            f"    assume_role_arn: {OTHER_ROLE}\n")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sandbox.seed", description=__doc__.splitlines()[0])
    parser.add_argument("--state-dir", type=Path, default=REPO / ".sandbox")
    parser.add_argument("--vars-out", type=Path, action="append",
                        help="YAML file receiving sandbox_saas_service_name; repeat for several (default: "
                             "group_vars/all/zz_seeded.yml of inventories/sandbox and inventories/sandbox-aws)")
    parser.add_argument("--clouds", help="comma-separated subset of aws,azure,gcp (default: every cloud whose "
                                         "endpoint in the environment is a local emulator)")
    args = parser.parse_args(argv)
    clouds = [c.strip() for c in args.clouds.split(",") if c.strip()] if args.clouds else None
    out = seed(args.state_dir, args.vars_out, clouds)
    if "aws" in out["clouds"]:
        other = out["other_accounts"]["apps"]
        print(f"seeded AWS: {len(out['spokes'])} brownfield spokes, {len(out['rogue_endpoints'])} team-made "
              f"endpoints, {len(other['spokes'])} spoke(s) with {len(other['rogue_endpoints'])} team-made endpoints "
              f"in account {other['account_id']}, SaaS stand-in {out['saas_service_name']}")
    if "azure" in out:
        a = out["azure"]
        print(f"seeded Azure ({'created' if a['created'] else 'already there'}): VNet {a['virtual_network']} "
              f"({a['address_prefix']}) in {a['resource_group']} with subnets {', '.join(sorted(a['subnets']))}")
    if "gcp" in out:
        g = out["gcp"]
        print(f"seeded GCP ({'created' if g['created'] else 'already there'}): network {g['network']} with "
              f"subnetwork {g['subnetwork']} ({g['ip_cidr_range']}) in {g['region']} of {g['project']}")
    if not out["clouds"]:
        print("nothing seeded: no local emulator endpoint in the environment (source the sandbox's env.sh)")


if __name__ == "__main__":
    main()
