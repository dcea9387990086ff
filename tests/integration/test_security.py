"""Security of the collection on the sandbox: the shipped least-privilege IAM policy, and secrets kept out of output.

IAM: the sandbox enforces IAM (``iam_enforcement`` setting). After seeding with the sandbox's own keys,
an IAM user gets exactly docs/iam/cloudnet-privatelink.json; modules, site.yml, playbooks/audit.yml and
playbooks/teardown.yml then run with that user's keys only. A user whose policy lacks one action the code
needs (ec2:CreateVpcEndpoint) fails with the operation and the fix in the message.

Secrets: distinctive AWS secret key, session token and module secret options are seeded; full -vvv runs
(with --diff, with and without --check), the Ansible log and module results must never contain them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ensure_collection_tree, run_module  # noqa: E402

BIN = Path(sys.executable).parent
POLICY = json.loads((REPO / "docs" / "iam" / "cloudnet-privatelink.json").read_text())
MISSING = "ec2:CreateVpcEndpoint"
MANAGED = {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"}
REGION = "us-east-1"
# Distinctive values: any occurrence in output is a leak, not a coincidence.
SECRET_KEY = "cloudnetLEAKCHECKsecretKey0123456789abcdef"
SESSION_TOKEN = "cloudnetLEAKCHECKsessionToken9876543210fedcba"
PARAM_SECRET = "cloudnetLEAKCHECKparamSecret424242"
PARAM_TOKEN = "cloudnetLEAKCHECKparamToken171717"
PRE_SHARED_KEY = "cloudnetLEAKCHECKpsk_31337"


def _policy_without(action: str) -> dict:
    statement = dict(POLICY["Statement"][0], Action=[a for a in POLICY["Statement"][0]["Action"] if a != action])
    return dict(POLICY, Statement=[statement])


def _user(iam, name: str, document: dict) -> dict:
    iam.create_user(UserName=name)
    arn = iam.create_policy(PolicyName=f"{name}-policy", PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=name, PolicyArn=arn)
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    """Seeded sandbox with two IAM users (shipped policy / shipped policy minus one action), IAM enforced."""
    from sandbox.aws import server
    from sandbox.aws.client import SandboxControl

    emu = server.start(host="127.0.0.1", port=0)
    state = tmp_path_factory.mktemp("sandbox")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(emu.env())
    env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_FORCE_COLOR": "0",
                "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO), "ANSIBLE_HOST_KEY_CHECKING": "False"})
    seed_vars = state / "seeded.yml"
    subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out", str(seed_vars)],
                   env=env, cwd=REPO, check=True, capture_output=True, text=True, timeout=300)
    iam = boto3.client("iam", endpoint_url=emu.url, region_name=REGION, aws_access_key_id=server.ACCESS_KEY_ID,
                       aws_secret_access_key=server.SECRET_ACCESS_KEY)
    runner = _user(iam, "cloudnet-runner", POLICY)
    limited = _user(iam, "cloudnet-limited", _policy_without(MISSING))
    control = SandboxControl(emu.url)
    control.settings(iam_enforcement=True)
    yield {"env": env, "control": control, "seed_vars": seed_vars, "url": emu.url, "runner": runner,
           "limited": limited, "seed": json.loads((state / "seed.json").read_text()), "tmp": state}
    emu.stop()


def playbook(cloud, name: str, creds: dict, *extra: str, log: Path | None = None, expect_ok: bool = True):
    env = dict(cloud["env"], **creds)
    if log is not None:
        env["ANSIBLE_LOG_PATH"] = str(log)
    cmd = [str(BIN / "ansible-playbook"), name, "-i", "inventories/sandbox", "-e", f"@{cloud['seed_vars']}", *extra]
    proc = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=1800, check=False)
    if expect_ok:
        assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    return proc


def module(cloud, name: str, args: dict, creds: dict, **kwargs) -> dict:
    return run_module(name, args, {"AWS_ENDPOINT_URL": cloud["url"], "AWS_REGION": REGION,
                                   "AWS_DEFAULT_REGION": REGION, **creds}, **kwargs)


def admin(cloud, service: str):
    """A client with the runner's keys (the sandbox's own keys are unknown while IAM is enforced)."""
    creds = cloud["runner"]
    return boto3.client(service, endpoint_url=cloud["url"], region_name=REGION,
                        aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
                        aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"])


def denied_calls(cloud) -> list[tuple[str, str]]:
    return [(c["service"], c["operation"]) for c in cloud["control"].calls() if c["status"] in (400, 403)
            and c["service"] in ("ec2", "route53", "network-firewall", "sts")]


# --- least privilege: modules -----------------------------------------------------------------------------


def test_default_sandbox_keys_are_refused_once_iam_is_enforced(cloud):
    from sandbox.aws import server

    result = module(cloud, "aws_vpc_info", {"names": ["app-orders"]},
                    {"AWS_ACCESS_KEY_ID": server.ACCESS_KEY_ID, "AWS_SECRET_ACCESS_KEY": server.SECRET_ACCESS_KEY},
                    expect_failure=True)
    assert "AuthFailure" in result["msg"]


def test_modules_create_read_and_delete_with_the_shipped_policy(cloud):
    creds = cloud["runner"]
    name = "iam-check"
    vpc = module(cloud, "aws_vpc", {
        "name": name, "topology": "iam", "cidr_block": "10.150.0.0/16",
        "subnets": [{"name": f"{name}-a", "cidr": "10.150.0.0/24", "availability_zone": "us-east-1a"}],
        "route_table": {"name": f"{name}-rt"}}, creds)
    assert vpc["changed"] is True
    vpc = vpc["vpc"]
    vpc_id = vpc["vpc_id"]
    info = module(cloud, "aws_vpc_info", {"names": [name], "topology": "iam"}, creds)["vpcs"]
    assert [v["vpc_id"] for v in info] == [vpc_id]
    subnet_ids = [s["subnet_id"] for s in vpc["subnets"]]

    pl = module(cloud, "aws_managed_prefix_list", {"name": f"{name}-pl", "topology": "iam",
                                                   "entries": [{"cidr": "10.150.0.0/24", "description": "a"}]}, creds)
    assert pl["changed"] is True
    assert module(cloud, "aws_managed_prefix_list_info", {"names": [f"{name}-pl"]}, creds)["prefix_lists"]

    ep_args = {"name": f"{name}-ssm", "topology": "iam", "vpc_id": vpc_id,
               "service_name": f"com.amazonaws.{REGION}.ssm", "subnet_ids": subnet_ids}
    ep = module(cloud, "aws_vpc_endpoint", ep_args, creds)["vpc_endpoint"]
    zone_args = {"topology": "iam", "vpc_endpoint_id": ep["vpc_endpoint_id"], "vpc_id": vpc_id}
    zones = module(cloud, "aws_endpoint_private_zone", zone_args, creds)["zones"]
    assert zones and zones[0]["hosted_zone_id"]
    assert module(cloud, "aws_endpoint_private_zone_info", {"service_name": f"com.amazonaws.{REGION}.ssm",
                                                            "vpc_id": vpc_id, "topology": "iam"}, creds)["zones"]

    # Delete paths need their own permissions too.
    assert module(cloud, "aws_endpoint_private_zone", dict(zone_args, state="absent"), creds)["changed"] is True
    assert module(cloud, "aws_vpc_endpoint", dict(ep_args, state="absent"), creds)["changed"] is True
    assert module(cloud, "aws_managed_prefix_list", {"name": f"{name}-pl", "topology": "iam", "state": "absent"},
                  creds)["changed"] is True
    assert module(cloud, "aws_vpc", {"name": name, "topology": "iam", "state": "absent"}, creds)["changed"] is True
    assert not admin(cloud, "ec2").describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]


def test_a_missing_permission_fails_the_module_naming_the_operation_and_the_fix(cloud):
    vpc_id = cloud["seed"]["spokes"]["app-orders"]["vpc_id"]
    subnet_ids = cloud["seed"]["spokes"]["app-orders"]["subnet_ids"][:1]
    result = module(cloud, "aws_vpc_endpoint", {"name": "iam-denied", "topology": "iam", "vpc_id": vpc_id,
                                                "service_name": f"com.amazonaws.{REGION}.sts",
                                                "subnet_ids": subnet_ids}, cloud["limited"], expect_failure=True)
    msg = result["msg"]
    assert "CreateVpcEndpoint" in msg and "UnauthorizedOperation" in msg, msg
    assert f"grant {MISSING} to the role running the collection" in msg, msg


# --- least privilege: playbooks ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def limited_site(cloud):
    """site.yml with the policy minus ec2:CreateVpcEndpoint (runs first: it stops at the first endpoint)."""
    return playbook(cloud, "site.yml", cloud["limited"], expect_ok=False)


@pytest.fixture(scope="module")
def runs(cloud, limited_site):
    """site.yml, audit.yml and teardown.yml with the shipped policy, -vvv --diff and a log file."""
    log = cloud["tmp"] / "ansible-iam.log"
    control = cloud["control"]
    control.reset_calls()
    out = {"site": playbook(cloud, "site.yml", cloud["runner"], "-vvv", "--diff", log=log)}
    out["site_denied"] = denied_calls(cloud)
    control.reset_calls()
    out["audit"] = playbook(cloud, "playbooks/audit.yml", cloud["runner"])
    out["audit_denied"] = denied_calls(cloud)
    control.reset_calls()
    out["teardown"] = playbook(cloud, "playbooks/teardown.yml", cloud["runner"], "--diff", log=log)
    out["teardown_denied"] = denied_calls(cloud)
    out["log"] = log.read_text()
    return out


def test_site_fails_clearly_when_the_policy_misses_an_action(limited_site):
    assert limited_site.returncode != 0
    text = limited_site.stdout + limited_site.stderr
    assert "CreateVpcEndpoint failed: UnauthorizedOperation" in text, text[-4000:]
    assert f"Fix: grant {MISSING} to the role running the collection" in text


def test_site_audit_and_teardown_need_nothing_beyond_the_shipped_policy(cloud, runs):
    assert runs["site_denied"] == [] and runs["audit_denied"] == [] and runs["teardown_denied"] == []
    assert "AccessDenied" not in runs["site"].stdout and "UnauthorizedOperation" not in runs["site"].stdout
    ec2 = admin(cloud, "ec2")
    live = [e for e in ec2.describe_vpc_endpoints()["VpcEndpoints"] if e["State"] not in ("deleted", "deleting")]
    # Teardown removed every endpoint the collection made; the team-made ones are still there.
    assert not [e for e in live if MANAGED in e.get("Tags", [])]
    assert {r["vpc_endpoint_id"] for r in cloud["seed"]["rogue_endpoints"]} <= {e["VpcEndpointId"] for e in live}


def test_the_runner_secret_never_appears_in_verbose_output_or_the_log(cloud, runs):
    secret = cloud["runner"]["AWS_SECRET_ACCESS_KEY"]
    for key in ("site", "teardown", "audit"):
        assert secret not in runs[key].stdout + runs[key].stderr, key
    assert runs["log"], "ANSIBLE_LOG_PATH received nothing"
    assert secret not in runs["log"]
