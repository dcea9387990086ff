"""Security of the collection on the sandbox: the shipped least-privilege IAM policy, and secrets kept out of output.

IAM: the sandbox enforces IAM (``iam_enforcement`` setting). After seeding with the sandbox's own keys,
an IAM user gets exactly docs/iam/cloudnet-privatelink.json; modules, site.yml, playbooks/audit.yml and
playbooks/teardown.yml then run with that user's keys only. A user whose policy lacks one action the code
needs (ec2:CreateVpcEndpoint) fails with the operation and the fix in the message.

Secrets: distinctive AWS secret key, session token and module secret options are seeded; full -vvv runs
(with --diff, with and without --check), the Ansible log and module results must never contain them.
"""

from __future__ import annotations

import contextlib
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

from harness import ensure_collection_tree, own_aws_sandbox, run_module  # noqa: E402

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
    from sandbox.aws.client import SandboxControl

    state = tmp_path_factory.mktemp("sandbox")
    with own_aws_sandbox(state / "aws") as (url, sandbox_env):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(sandbox_env)
        env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_FORCE_COLOR": "0",
                    "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO), "ANSIBLE_HOST_KEY_CHECKING": "False"})
        seed_vars = state / "seeded.yml"
        subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out", str(seed_vars)],
                       env=env, cwd=REPO, check=True, capture_output=True, text=True, timeout=300)
        iam = boto3.client("iam", endpoint_url=url, region_name=REGION, aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
        runner = _user(iam, "cloudnet-runner", POLICY)
        limited = _user(iam, "cloudnet-limited", _policy_without(MISSING))
        control = SandboxControl(url)
        control.settings(iam_enforcement=True)
        yield {"env": env, "control": control, "seed_vars": seed_vars, "url": url, "runner": runner,
               "limited": limited, "seed": json.loads((state / "seed.json").read_text()), "tmp": state}


def playbook(cloud, name: str, creds: dict, *extra: str, log: Path | None = None, expect_ok: bool = True):
    env = dict(cloud["env"], **creds)
    if log is not None:
        env["ANSIBLE_LOG_PATH"] = str(log)
    cmd = [str(BIN / "ansible-playbook"), name, "-i", "inventories/sandbox-aws", "-e", f"@{cloud['seed_vars']}", *extra]
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
    """Calls the sandbox answered 403 (EC2 UnauthorizedOperation, Route 53 / STS AccessDenied), even swallowed ones."""
    return [(c["service"], c["operation"]) for c in cloud["control"].calls() if c["status"] == 403]


# --- least privilege: modules -----------------------------------------------------------------------------


def test_every_aws_call_names_its_service_and_operation_literally():
    """tools/iam_policy.py reads the policy from literal conn.call/paginate arguments; a computed name is missed."""
    import ast

    computed = []
    for root in (REPO / "plugins" / "module_utils" / "_aws", REPO / "plugins" / "modules"):
        for path in sorted(root.rglob("*.py")):
            if root.name == "modules" and not path.name.startswith("aws_"):
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in ("call", "paginate") and len(node.args) >= 2
                        and not all(isinstance(a, ast.Constant) for a in node.args[:2])):
                    computed.append(f"{path.relative_to(REPO)}:{node.lineno} {ast.unparse(node.args[1])}")
    assert computed == [], "AWS calls whose operation the IAM policy tool cannot read: " + "; ".join(computed)


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


# --- secrets never appear in output, diffs or logs --------------------------------------------------------


def assert_no_secret(text: str, secrets, where: str):
    leaked = [s for s in secrets if s in text]
    assert not leaked, f"{where} contains {leaked}"


@contextlib.contextmanager
def iam_off(cloud):
    """IAM enforcement off for a while: the sandbox then accepts any secret key and session token."""
    control = cloud["control"]
    before = bool(control.settings().get("iam_enforcement"))
    control.settings(iam_enforcement=False)
    try:
        yield
    finally:
        control.settings(iam_enforcement=before)


@pytest.fixture(scope="module")
def secret_runs(cloud):
    """site.yml with -vvv --check --diff, then -vvv --diff, with distinctive AWS credentials and a log file."""
    log = cloud["tmp"] / "ansible-secrets.log"
    creds = {"AWS_ACCESS_KEY_ID": "AKIACLOUDNETLEAKCHK1", "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
             "AWS_SESSION_TOKEN": SESSION_TOKEN}
    with iam_off(cloud):
        check = playbook(cloud, "site.yml", creds, "-vvv", "--check", "--diff", log=log)
        apply = playbook(cloud, "site.yml", creds, "-vvv", "--diff", log=log)
    return {"check": check, "apply": apply, "log": log.read_text()}


def test_verbose_check_and_apply_runs_never_print_the_aws_secret_or_session_token(secret_runs):
    for name in ("check", "apply"):
        proc = secret_runs[name]
        assert "<127.0.0.1> EXEC" in proc.stdout or "ESTABLISH LOCAL CONNECTION" in proc.stdout, "not a -vvv run"
        assert "--- before" in proc.stdout or '"diff"' in proc.stdout or "changed:" in proc.stdout
        assert_no_secret(proc.stdout, (SECRET_KEY, SESSION_TOKEN), f"{name} stdout")
        assert_no_secret(proc.stderr, (SECRET_KEY, SESSION_TOKEN), f"{name} stderr")
    assert "PLAY RECAP" in secret_runs["log"], "ANSIBLE_LOG_PATH received nothing"
    assert_no_secret(secret_runs["log"], (SECRET_KEY, SESSION_TOKEN), "the Ansible log")


@pytest.mark.parametrize("check", [True, False])
def test_aws_secret_options_are_masked_in_module_results(cloud, check):
    """secret_key, session_token and assume_role_external_id given as options never come back."""
    args = {"name": "secret-check", "topology": "secrets", "cidr_block": "10.160.0.0/16",
            "access_key": "AKIACLOUDNETLEAKCHK2", "secret_key": PARAM_SECRET, "session_token": PARAM_TOKEN,
            "assume_role_arn": "arn:aws:iam::123456789012:role/cloudnet-secrets",
            "assume_role_external_id": PRE_SHARED_KEY, "endpoint_url": cloud["url"], "region": REGION}
    with iam_off(cloud):
        result = run_module("aws_vpc", args, {}, check=check, diff=True)
        # A failing call: the error message is scrubbed as well.
        failed = run_module("aws_vpc", dict(args, cidr_block="10.160.0.1/16"), {}, check=check, expect_failure=True)
    assert result["changed"] is True
    text = json.dumps(result)
    assert_no_secret(text, (PARAM_SECRET, PARAM_TOKEN, PRE_SHARED_KEY), "the aws_vpc result")
    masked = result["invocation"]["module_args"]
    assert masked["secret_key"] == masked["session_token"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert_no_secret(json.dumps(failed), (PARAM_SECRET, PARAM_TOKEN, PRE_SHARED_KEY), "the failed aws_vpc result")


@pytest.fixture(scope="module")
def gcp(tmp_path_factory):
    from sandbox.gcp import start

    emu = start(state_dir=tmp_path_factory.mktemp("gcp-secrets"), operation_seconds=None)
    yield emu
    emu.stop()


@pytest.mark.parametrize("form", ["json_string", "mapping"])
def test_gcp_service_account_key_and_vpn_shared_secret_are_masked(gcp, form):
    """service_account_contents as a JSON string, and as the mapping a YAML playbook or from_json gives."""
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2 import service_account

    sys.path.insert(0, str(Path(__file__).resolve().parent / "gcp"))
    from gcp_env import PROJECT, SCOPES, wait_op
    from gcp_env import REGION as GCP_REGION

    key = json.loads(Path(gcp.service_account_file).read_text())
    session = AuthorizedSession(service_account.Credentials.from_service_account_info(key, scopes=SCOPES))
    base = gcp.compute_endpoint + f"projects/{PROJECT}/"
    if session.get(base + "global/networks/net-secrets").status_code == 404:
        wait_op(session, gcp, session.post(base + "global/networks",
                                           json={"name": "net-secrets", "autoCreateSubnetworks": False}).json())
    env = {k: v for k, v in gcp.env().items() if k != "GCP_SERVICE_ACCOUNT_FILE"}
    args = {
        "name": f"vpn-{form.replace('_', '-')}", "region": GCP_REGION, "network": "net-secrets", "topology": "secrets",
        "router": {"asn": 64514}, "service_account_contents": json.dumps(key) if form == "json_string" else key,
        "external_gateway": {"interfaces": ["203.0.113.10", "203.0.113.11"]},
        "tunnels": [{"name": f"vpn-{form.replace('_', '-')}-t{i}", "vpn_gateway_interface": i, "peer_interface": i,
                     "shared_secret": PRE_SHARED_KEY, "ip_range": f"169.254.{20 + i}.2/30",
                     "peer_ip_address": f"169.254.{20 + i}.1", "peer_asn": 64512} for i in range(2)],
    }
    # The key as a whole, one line of it (as it appears inside JSON text) and its id.
    secrets = (PRE_SHARED_KEY, key["private_key"], key["private_key"].splitlines()[1], key["private_key_id"])
    for check in (True, False):
        result = run_module("gcp_ha_vpn", args, env, check=check, diff=True)
        assert result["changed"] is True
        assert_no_secret(json.dumps(result), secrets, f"the gcp_ha_vpn result (check={check})")
    # A second run (the shared secret is write-only on GCP) prints neither.
    again = run_module("gcp_ha_vpn", args, env, diff=True)
    assert_no_secret(json.dumps(again), secrets, "the second gcp_ha_vpn result")


@pytest.fixture(scope="module")
def azure(tmp_path_factory):
    from sandbox.azure import start

    emu = start(state_dir=tmp_path_factory.mktemp("azure-secrets"), retry_after=None)
    yield emu
    emu.stop()


def _result(name: str, args: dict, env: dict) -> dict:
    """The module's JSON result, failed or not; a crash (no JSON) as {"failed": True, "crash": its output}."""
    from harness import ModuleFailed

    try:
        return run_module(name, args, env)
    except ModuleFailed as failed:
        return failed.result
    except AssertionError as crash:  # the harness reports stdout and stderr of a module that printed no JSON
        return {"failed": True, "crash": str(crash)}


def test_azure_client_secret_is_masked_as_option_and_from_the_environment(azure):
    import requests
    from azure.identity import ClientSecretCredential

    e = azure.env()
    credential = ClientSecretCredential(e["AZURE_TENANT_ID"], e["AZURE_CLIENT_ID"], e["AZURE_CLIENT_SECRET"],
                                        authority=e["AZURE_AUTHORITY_HOST"], disable_instance_discovery=True,
                                        connection_verify=azure.ca_bundle)
    bearer = credential.get_token("https://management.azure.com/.default").token
    made = requests.put(f"{azure.url}/subscriptions/{azure.subscription_id}/resourcegroups/rg-secrets",
                        params={"api-version": "2024-03-01"}, json={"location": "westeurope"},
                        headers={"Authorization": f"Bearer {bearer}"}, verify=azure.ca_bundle, timeout=30)
    assert made.status_code in (200, 201), made.text
    env = {k: v for k, v in e.items() if k not in ("AZURE_SECRET", "AZURE_CLIENT_SECRET")}
    args = {"resource_group": "rg-secrets", "topology": "secrets", "polling_interval": 0.05}
    results = {
        "option": _result("azure_route_table_info", dict(args, secret=azure.client_secret), env),
        "environment": _result("azure_route_table_info", args, dict(env, AZURE_SECRET=azure.client_secret)),
        "wrong secret": _result("azure_route_table_info", dict(args, secret=PARAM_SECRET), env),
    }
    assert results["option"]["route_tables"] == [] and results["environment"]["route_tables"] == []
    assert results["wrong secret"].get("failed"), "a wrong client secret was accepted"
    for how, result in results.items():
        assert_no_secret(json.dumps(result), (azure.client_secret, PARAM_SECRET), f"the Azure result ({how})")
