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
  inventories/sandbox-aws/group_vars/all/zz_seeded.yml (not tracked) and to <state-dir>/seed.json.

Uses only standard AWS settings (AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID...) from the environment.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import boto3

REGION = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
REPO = Path(__file__).resolve().parents[1]
SEEDED_VARS = REPO / "inventories" / "sandbox-aws" / "group_vars" / "all" / "zz_seeded.yml"
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


def seed(state_dir: Path | None, vars_out: Path = SEEDED_VARS) -> dict:
    session = boto3.session.Session(region_name=REGION)
    ec2, elbv2 = session.client("ec2"), session.client("elbv2")
    out = {"spokes": {}, "rogue_endpoints": []}
    _seed_spokes(ec2, SPOKES, out)
    other = {"spokes": {}, "rogue_endpoints": []}
    _seed_spokes(other_account_session(session).client("ec2"), OTHER_SPOKES, other)
    out["other_accounts"] = {"apps": {"account_id": OTHER_ACCOUNT, "assume_role_arn": OTHER_ROLE, **other}}
    out["saas_service_name"] = ensure_provider(ec2, elbv2)
    vars_out.write_text(
        "---\n# Written by `python -m sandbox.seed`; not tracked. The sandbox's stand-in SaaS endpoint service.\n"
        f"sandbox_saas_service_name: {out['saas_service_name']}\n")
    if state_dir:
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / "seed.json").write_text(json.dumps(out, indent=2))
        # Opt-in (-e @<state-dir>/governance-targets.yml): audit and remediate both seeded accounts.
        (state_dir / GOVERNANCE_TARGETS).write_text(
            "---\n# Written by `python -m sandbox.seed`: the accounts the governance audit covers.\n"
            "governance_targets:\n  - name: hub\n  - name: apps\n"
            f"    assume_role_arn: {OTHER_ROLE}\n")
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m sandbox.seed", description=__doc__.splitlines()[0])
    parser.add_argument("--state-dir", type=Path, default=REPO / ".sandbox")
    parser.add_argument("--vars-out", type=Path, default=SEEDED_VARS,
                        help="YAML file receiving sandbox_saas_service_name (default: the sandbox inventory)")
    args = parser.parse_args(argv)
    out = seed(args.state_dir, args.vars_out)
    other = out["other_accounts"]["apps"]
    print(f"seeded {len(out['spokes'])} brownfield spokes, {len(out['rogue_endpoints'])} team-made endpoints, "
          f"{len(other['spokes'])} spoke(s) with {len(other['rogue_endpoints'])} team-made endpoints in account "
          f"{other['account_id']}, SaaS stand-in {out['saas_service_name']}")


if __name__ == "__main__":
    main()
