"""Governance remediation on the sandbox: duplicates replaced make-before-break, read back through boto3.

Module level (aws_endpoint_remediation): plan without writes, step order from the sandbox call log,
convergence and a clean second run, resumption after a failure between steps, cross-account, refusals.
"""

from __future__ import annotations

import uuid

import boto3
import pytest

SSM = "com.amazonaws.us-east-1.ssm"
STS = "com.amazonaws.us-east-1.sts"
KMS = "com.amazonaws.us-east-1.kms"
OTHER_ACCOUNT = "210987654321"
OTHER_ROLE = f"arn:aws:iam::{OTHER_ACCOUNT}:role/remediate"
CENTRAL = ["ssm", "sts"]


def _vpc(ec2, cidr):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"), AvailabilityZone="us-east-1a")
    return vpc, subnet["Subnet"]["SubnetId"]


_NEXT = iter(range(20, 250))


def _net():
    return f"10.{next(_NEXT)}.0.0/16"


def _other_ec2(sandbox):
    creds = sandbox.client("sts").assume_role(RoleArn=OTHER_ROLE, RoleSessionName="remediate-test")["Credentials"]
    return boto3.client("ec2", endpoint_url=sandbox.url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def _central(module, ec2, topology, services=(SSM,)):
    """A services VPC with managed central endpoints and their zones, made by the collection's modules."""
    hub, subnet = _vpc(ec2, _net())
    out = {"vpc_id": hub, "endpoints": {}, "zones": {}}
    for service in services:
        short = service.rsplit(".", maxsplit=1)[-1]
        ep = module("aws_vpc_endpoint", {"topology": topology, "name": f"{topology}-{short}",
                                         "vpc_id": hub, "service_name": service, "endpoint_type": "Interface",
                                         "subnet_ids": [subnet]})["vpc_endpoint"]
        zones = module("aws_endpoint_private_zone", {"topology": topology, "vpc_endpoint_id": ep["vpc_endpoint_id"],
                                                     "service_name": service, "vpc_id": hub,
                                                     "vpc_region": "us-east-1"})["zones"]
        out["endpoints"][service] = ep["vpc_endpoint_id"]
        out["zones"][service] = [z["hosted_zone_id"] for z in zones]
    return out


@pytest.fixture(scope="module")
def hub(sandbox):
    """One services VPC with central SSM and STS endpoints and zones, shared by the module-level tests."""
    from harness import run_module

    topology = f"rem-{uuid.uuid4().hex[:6]}"

    def module(name, args):
        return run_module(name, args, sandbox.env)

    central = _central(module, sandbox.client("ec2"), topology, services=(SSM, STS))
    central["topology"] = topology
    return central


def _rogue(ec2, service=SSM, private_dns=True):
    vpc, subnet = _vpc(ec2, _net())
    ep = ec2.create_vpc_endpoint(VpcId=vpc, ServiceName=service, VpcEndpointType="Interface", SubnetIds=[subnet],
                                 PrivateDnsEnabled=private_dns,
                                 TagSpecifications=[{"ResourceType": "vpc-endpoint",
                                                     "Tags": [{"Key": "Name", "Value": "team-made"}]}])
    return vpc, ep["VpcEndpoint"]["VpcEndpointId"]


def _live(ec2, ep_id):
    found = ec2.describe_vpc_endpoints()["VpcEndpoints"]
    return [e for e in found if e["VpcEndpointId"] == ep_id and e["State"] not in ("deleted", "deleting")]


def _zone_vpcs(route53, zone_id):
    return {v["VPCId"] for v in route53.get_hosted_zone(Id=zone_id)["VPCs"]}


def _args(central, ep_id, topology, **extra):
    args = {"topology": topology, "vpc_endpoint_id": ep_id, "services_vpc_ids": [central["vpc_id"]],
            "central_services": CENTRAL, "allow_delete": True}
    args.update(extra)
    return args


@pytest.fixture
def control(sandbox):
    if sandbox.control is None:
        pytest.skip("needs the sandbox layer (call log and faults)")
    yield sandbox.control
    sandbox.control.clear_faults()


def test_check_plans_then_apply_replaces_in_order_and_second_run_is_clean(module, hub, ec2, route53, sandbox, control):
    central, topology = hub, hub["topology"]
    vpc, rogue = _rogue(ec2)
    zone = central["zones"][SSM][0]
    args = _args(central, rogue, topology)

    before = sandbox.mutating_calls()
    plan = module("aws_endpoint_remediation", args, check=True)
    assert sandbox.mutating_calls() == before, "check mode made mutating calls"
    assert plan["changed"] is True
    assert [s["step"] for s in plan["remediation"]["steps"]] == [
        "ensure_central", "disable_private_dns", "associate_zones", "delete_endpoint"]
    assert [s["status"] for s in plan["remediation"]["steps"]] == ["ok", "planned", "planned", "planned"]
    assert [op["action"] for op in plan["operations"]] == ["disable_private_dns", "associate", "delete"]
    assert len(plan["diff"]["after"]["plan"]) == 4 and "would run" in plan["diff"]["after"]["plan"][3]
    assert plan["remediation"]["central_vpc_endpoint_id"] == central["endpoints"][SSM]
    assert _live(ec2, rogue) and _live(ec2, rogue)[0]["PrivateDnsEnabled"] is True

    seq = control.calls()[-1]["seq"] if control.calls() else 0
    applied = module("aws_endpoint_remediation", args)
    assert applied["changed"] is True
    assert [op["action"] for op in applied["operations"]] == [op["action"] for op in plan["operations"]]
    # Read back: the duplicate is gone and the spoke VPC resolves through the central zone.
    assert not _live(ec2, rogue)
    assert vpc in _zone_vpcs(route53, zone)
    # Order, from the sandbox call log: private DNS off, then associate, then delete.
    writes = [c["operation"] for c in control.calls(since=seq) if c["mutating"]]
    assert writes == ["ModifyVpcEndpoint", "AssociateVPCWithHostedZone", "DeleteVpcEndpoints"], writes

    before = sandbox.mutating_calls()
    again = module("aws_endpoint_remediation", args)
    assert again["changed"] is False and again["operations"] == []
    assert again["remediation"]["state"] == "absent"
    assert sandbox.mutating_calls() == before


def test_failure_between_steps_then_rerun_converges(module, hub, ec2, route53, sandbox, control):
    central, topology = hub, hub["topology"]
    vpc, rogue = _rogue(ec2)
    zone = central["zones"][SSM][0]
    args = _args(central, rogue, topology, retries=1)

    # Interrupted after step 2: the association fails, nothing after it runs.
    control.set_faults([{"kind": "error", "service": "route53", "operation": "AssociateVPCWithHostedZone",
                         "status": 503}])
    failed = module("aws_endpoint_remediation", args, expect_failure=True)
    assert "AssociateVPCWithHostedZone" in failed["msg"] or "associate" in failed["msg"].lower()
    ep = _live(ec2, rogue)
    assert ep and ep[0]["PrivateDnsEnabled"] is False, "step 2 should have run"
    assert vpc not in _zone_vpcs(route53, zone), "step 3 failed"

    # Interrupted at step 4: the delete fails after the association is made.
    control.set_faults([{"kind": "error", "service": "ec2", "operation": "DeleteVpcEndpoints", "status": 503}])
    failed = module("aws_endpoint_remediation", args, expect_failure=True)
    assert _live(ec2, rogue), "the delete failed; the endpoint must still be there"
    assert vpc in _zone_vpcs(route53, zone)

    control.clear_faults()
    resumed = module("aws_endpoint_remediation", args)
    assert [s["status"] for s in resumed["remediation"]["steps"]] == ["ok", "ok", "ok", "changed"]
    assert [op["action"] for op in resumed["operations"]] == ["delete"]
    assert not _live(ec2, rogue)
    assert module("aws_endpoint_remediation", args)["changed"] is False


def test_cross_account_duplicate_uses_the_hub_zone(module, hub, ec2, route53, sandbox, control):
    central, topology = hub, hub["topology"]
    other = _other_ec2(sandbox)
    vpc, rogue = _rogue(other, service=STS)
    zone = central["zones"][STS][0]
    hub_account = sandbox.client("sts").get_caller_identity()["Account"]
    args = _args(central, rogue, topology, assume_role_arn=OTHER_ROLE,
                 hub={"assume_role_arn": f"arn:aws:iam::{hub_account}:role/network-hub"})

    before = sandbox.mutating_calls()
    plan = module("aws_endpoint_remediation", args, check=True)
    assert sandbox.mutating_calls() == before
    assert [op["action"] for op in plan["operations"]] == [
        "disable_private_dns", "authorize", "associate", "deauthorize", "delete"]
    applied = module("aws_endpoint_remediation", args)
    assert applied["changed"] is True
    assert not _live(other, rogue)
    assert vpc in _zone_vpcs(route53, zone)
    assert not route53.list_vpc_association_authorizations(HostedZoneId=zone)["VPCs"], "authorization left behind"
    assert module("aws_endpoint_remediation", args)["changed"] is False


def test_refuses_unknown_allowed_central_and_managed_without_any_write(module, hub, ec2, sandbox, control):
    central, topology = hub, hub["topology"]
    _vpc_id, unknown = _rogue(ec2, service=KMS)
    spoke, _subnet = _vpc(ec2, _net())
    rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [spoke]}])["RouteTables"][0]["RouteTableId"]
    gateway = ec2.create_vpc_endpoint(VpcId=spoke, ServiceName="com.amazonaws.us-east-1.s3",
                                      VpcEndpointType="Gateway", RouteTableIds=[rt])["VpcEndpoint"]["VpcEndpointId"]
    mvpc, msubnet = _vpc(ec2, _net())
    managed = module("aws_vpc_endpoint", {"topology": topology, "name": "managed-elsewhere", "vpc_id": mvpc,
                                          "service_name": SSM, "endpoint_type": "Interface",
                                          "subnet_ids": [msubnet]})["vpc_endpoint"]["vpc_endpoint_id"]
    before = sandbox.mutating_calls()
    for ep_id, word in ((unknown, "unknown"), (gateway, "allowed"), (central["endpoints"][SSM], "central"),
                        (managed, "managed by this collection")):
        refused = module("aws_endpoint_remediation", _args(central, ep_id, topology), expect_failure=True)
        assert word in refused["msg"] and refused.get("status") == "refused", refused["msg"]
        assert _live(ec2, ep_id)
    assert sandbox.mutating_calls() == before, "a refused endpoint must not cause any write"


def test_without_central_endpoint_nothing_is_broken(module, ec2, sandbox, control):
    topology = f"rem-{uuid.uuid4().hex[:6]}"
    hub, _subnet = _vpc(ec2, _net())
    _vpc_id, rogue = _rogue(ec2, service=STS)
    before = sandbox.mutating_calls()
    planned = module("aws_endpoint_remediation", {"topology": topology, "vpc_endpoint_id": rogue,
                                                  "services_vpc_ids": [hub], "central_services": CENTRAL,
                                                  "allow_delete": True}, check=True)
    assert [s["status"] for s in planned["remediation"]["steps"]] == ["blocked", "waiting", "waiting", "waiting"]
    assert planned["operations"] == [] and planned["changed"] is False
    blocked = module("aws_endpoint_remediation", {"topology": topology, "vpc_endpoint_id": rogue,
                                                  "services_vpc_ids": [hub], "central_services": CENTRAL,
                                                  "allow_delete": True}, expect_failure=True)
    assert "no central interface endpoint" in blocked["msg"] and blocked.get("step") == "ensure_central"
    assert sandbox.mutating_calls() == before
    ep = _live(ec2, rogue)
    assert ep and ep[0]["PrivateDnsEnabled"] is True


def test_allow_delete_false_keeps_the_endpoint(module, hub, ec2, route53, sandbox, control):
    central, topology = hub, hub["topology"]
    vpc, rogue = _rogue(ec2)
    result = module("aws_endpoint_remediation", _args(central, rogue, topology, allow_delete=False))
    assert [s["status"] for s in result["remediation"]["steps"]][-1] == "kept"
    ep = _live(ec2, rogue)
    assert ep and ep[0]["PrivateDnsEnabled"] is False
    assert vpc in _zone_vpcs(route53, central["zones"][SSM][0])


def test_bad_input_fails_before_any_call(module, sandbox, control):
    before = sandbox.calls_total()
    bad = module("aws_endpoint_remediation", {"vpc_endpoint_id": "vpc-123", "services_vpc_ids": ["vpc-1"],
                                              "central_services": ["ssm"]}, expect_failure=True)
    assert "vpc_endpoint_id" in bad["msg"]
    assert sandbox.calls_total() == before


# --- the role through playbooks/audit.yml on a seeded sandbox (two accounts) ---------------------------

CATALOG = {"cloudnet_services": [{"name": "ssm"}, {"name": "sts"}, {"name": "s3", "gateway": True}]}


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    from harness import ensure_collection_tree

    from sandbox.aws.client import SandboxControl

    # Its own sandbox process: an in-process one would share moto's state with the session sandbox, whose
    # leftovers (other tests' endpoints) the playbook would audit and remediate too.
    repo = Path(__file__).resolve().parents[2]
    state = tmp_path_factory.mktemp("governance")
    subprocess.run([sys.executable, "-m", "sandbox", "up", "--only", "aws", "--state-dir", str(state / "aws")],
                   cwd=repo, check=True, capture_output=True, text=True, timeout=120)
    try:
        running = json.loads((state / "aws" / "sandbox.json").read_text())
        url = running["emulators"]["aws"]["url"]
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(running["env"])
        env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_NOCOLOR": "1",
                    "PYTHONPATH": str(repo)})
        seed_vars = state / "seeded.yml"
        subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out", str(seed_vars)],
                       env=env, cwd=repo, check=True, capture_output=True, text=True)
        extra = state / "extra.json"
        extra.write_text(json.dumps(dict(CATALOG, governance_report_dir=str(state / "reports"))))

        def playbook(name, *args):
            cmd = [str(Path(sys.executable).parent / "ansible-playbook"), name, "-i", "inventories/sandbox-aws",
                   "-e", f"@{seed_vars}", "-e", f"@{state / 'governance-targets.yml'}", "-e", f"@{extra}", *args]
            proc = subprocess.run(cmd, env=env, cwd=repo, capture_output=True, text=True, timeout=900, check=False)
            assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
            return proc.stdout

        def client(service, role=None):
            kwargs = {"endpoint_url": url, "region_name": "us-east-1",
                      "aws_access_key_id": env["AWS_ACCESS_KEY_ID"],
                      "aws_secret_access_key": env["AWS_SECRET_ACCESS_KEY"]}
            if role:
                creds = boto3.client("sts", **kwargs).assume_role(RoleArn=role, RoleSessionName="check")["Credentials"]
                kwargs.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                              aws_session_token=creds["SessionToken"])
            return boto3.client(service, **kwargs)

        yield {"playbook": playbook, "client": client, "control": SandboxControl(url), "reports": state / "reports",
               "seed": json.loads((state / "seed.json").read_text())}
    finally:
        subprocess.run([sys.executable, "-m", "sandbox", "down", "--state-dir", str(state / "aws")],
                       cwd=repo, check=False, capture_output=True, text=True, timeout=60)


def _recap(output):
    import re
    return {h: {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", f)}
            for h, f in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, flags=re.M)}


def _report(seeded, kind):
    import json
    return json.loads((seeded["reports"] / f"endpoint-{kind}-us-east-1.json").read_text())


def test_playbook_audit_then_remediate_across_two_accounts(seeded):
    control, seed = seeded["control"], seeded["seed"]
    ids = {(r["vpc"], r["service"]): r["vpc_endpoint_id"] for r in seed["rogue_endpoints"]}
    apps = seed["other_accounts"]["apps"]
    other = {(r["vpc"], r["service"]): r["vpc_endpoint_id"] for r in apps["rogue_endpoints"]}
    duplicates = {ids[("app-payments", "sts")], ids[("app-orders", "ssm")], other[("app-ledger", "sts")]}

    # Audit mode never writes; it classifies the seeded endpoints of both accounts.
    control.reset_calls()
    seeded["playbook"]("playbooks/audit.yml")
    assert control.mutating_calls() == []
    audit = {e["vpc_endpoint_id"]: e for e in _report(seeded, "audit")["endpoints"]}
    assert {i for i, e in audit.items() if e["classification"] == "duplicate"} == duplicates
    assert audit[ids[("app-analytics", "s3")]]["classification"] == "allowed"
    assert audit[other[("app-ledger", "kms")]]["classification"] == "unknown"
    assert audit[other[("app-ledger", "sts")]]["account"] == "apps"

    # --check before any central endpoint exists: the services VPC is planned, duplicates wait, nothing written.
    out = seeded["playbook"]("playbooks/audit.yml", "-e", "governance_mode=remediate", "--check")
    assert control.mutating_calls() == [], [c["operation"] for c in control.mutating_calls()]
    assert "duplicates are reported" in out

    # The central endpoints and zones (what site.yml's services play builds).
    seeded["playbook"]("site.yml", "--limit", "services-use1")

    # --check shows the plan per duplicate and writes nothing.
    control.reset_calls()
    # (The central endpoints exist: skip re-planning them to keep the test short.)
    out = seeded["playbook"]("playbooks/audit.yml", "-e", "governance_mode=remediate", "--check", "--diff",
                             "-e", "governance_remediate_ensure_central=false")
    assert control.mutating_calls() == [], [c["operation"] for c in control.mutating_calls()]
    plan = {r["vpc_endpoint_id"]: r for r in _report(seeded, "remediation")["remediation"]}
    assert set(plan) == duplicates
    for r in plan.values():
        assert [s["step"] for s in r["steps"]] == ["ensure_central", "disable_private_dns", "associate_zones",
                                                   "delete_endpoint"]
        assert [s["status"] for s in r["steps"]] == ["ok", "planned", "planned", "planned"]
    assert "would run" in out

    # Remediate: duplicates gone, spoke VPCs on the central zones, unknown and allowed untouched.
    first = seeded["playbook"]("playbooks/audit.yml", "-e", "governance_mode=remediate")
    assert _recap(first)["services-use1"]["changed"] > 0
    ec2, r53 = seeded["client"]("ec2"), seeded["client"]("route53")
    other_ec2 = seeded["client"]("ec2", role=apps["assume_role_arn"])
    live = {e["VpcEndpointId"] for c in (ec2, other_ec2) for e in c.describe_vpc_endpoints()["VpcEndpoints"]
            if e["State"] not in ("deleted", "deleting")}
    assert not duplicates & live
    assert ids[("app-analytics", "s3")] in live and other[("app-ledger", "kms")] in live
    zones = {z["Name"].rstrip("."): z["Id"] for z in r53.list_hosted_zones()["HostedZones"]}
    vpcs = {zone: {v["VPCId"] for v in r53.get_hosted_zone(Id=zones[zone])["VPCs"]}
            for zone in ("sts.us-east-1.amazonaws.com", "ssm.us-east-1.amazonaws.com")}
    assert seed["spokes"]["app-payments"]["vpc_id"] in vpcs["sts.us-east-1.amazonaws.com"]
    assert apps["spokes"]["app-ledger"]["vpc_id"] in vpcs["sts.us-east-1.amazonaws.com"]
    assert seed["spokes"]["app-orders"]["vpc_id"] in vpcs["ssm.us-east-1.amazonaws.com"]
    after = _report(seeded, "audit")["summary"]
    assert after["duplicate"] == 0 and after["unknown"] == 1

    # Converged: a second run changes nothing.
    control.reset_calls()
    second = seeded["playbook"]("playbooks/audit.yml", "-e", "governance_mode=remediate")
    assert _recap(second)["services-use1"]["changed"] == 0
    assert control.mutating_calls() == []
