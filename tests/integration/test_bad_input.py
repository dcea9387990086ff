"""Bad input fails before any mutating call, with a message naming the host, the field and the fix.

Each case of tests/corpus/invalid/<case>/ is an inventory overlay on tests/corpus/base (a valid three-cloud
inventory), passed as a second -i source, plus expect.yml: the item of the issue it covers, the stage that
must catch it (static validation or the read-only preflight), environment changes (credentials removed or
wrong, endpoints unreachable) and the message fragments (host, field, fix) one output line must hold.

One fresh sandbox for the module: AWS in a process of its own (harness.own_aws_sandbox), the Azure and GCP
emulators in this process (GCP accepting only its own project). ``ansible-playbook site.yml`` runs for each
case, two at a time: static cases first (then not one API call may have reached any cloud), then preflight
cases (then no mutating call), then the cases that need IAM enforcement on the AWS sandbox, one by one.
The valid-corpus check runs static validation on every inventory under inventories/.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ensure_collection_tree, own_aws_sandbox  # noqa: E402

BIN = Path(sys.executable).parent
CORPUS = REPO / "tests" / "corpus"
CASES = {p.name: yaml.safe_load((p / "expect.yml").read_text()) for p in sorted((CORPUS / "invalid").iterdir())}
INVENTORIES = sorted(p.name for p in (REPO / "inventories").iterdir() if p.is_dir())
LATER_PLAY = "PLAY [Transit gateway and segmentation]"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _placeholders(silent_port: int) -> dict:
    closed = _closed_port()
    return {"{closed_url}": f"http://127.0.0.1:{closed}", "{closed_https_url}": f"https://127.0.0.1:{closed}",
            "{silent_url}": f"http://127.0.0.1:{silent_port}"}


def _case_env(base: dict, changes: dict, placeholders: dict) -> dict:
    env = dict(base)
    for key, value in (changes or {}).items():
        if value is None:
            env.pop(key, None)
            continue
        for token, real in placeholders.items():
            value = str(value).replace(token, real)
        env[key] = value
    return env


def _run(args, env, timeout=240):
    start = time.monotonic()
    proc = subprocess.run([str(BIN / "ansible-playbook"), *args], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout, check=False)
    return {"rc": proc.returncode, "out": proc.stdout + proc.stderr, "seconds": time.monotonic() - start}


def _run_case(name, env):
    return name, _run(["site.yml", "-i", str(CORPUS / "base"), "-i", str(CORPUS / "invalid" / name / "inventory")], env)


class Calls:
    """Calls the three clouds answered since the last reset, read through their control APIs."""

    def __init__(self, control, azure, gcp):
        self.control, self.azure, self.gcp = control, azure, gcp

    def reset(self):
        self.control.reset_calls()
        self.azure.calls.reset()
        self.gcp.calls.clear()

    def snapshot(self) -> dict:
        aws = self.control.calls()
        azure = list(self.azure.calls.select())
        gcp = self.gcp.calls.calls()
        return {
            "total": {"aws": len(aws), "azure": len(azure), "gcp": len(gcp)},
            "mutating": {"aws": [f"{c.get('service')}:{c.get('operation')}" for c in aws if c["mutating"]],
                         "azure": [f"{c.method} {c.path}" for c in azure if c.mutating],
                         "gcp": [f"{c['http_method']} {c['path']}" for c in gcp if c["mutating"]]},
        }


def _iam_user(aws_url, env) -> dict:
    """An IAM user that may call sts:GetCallerIdentity only (made before IAM enforcement is turned on)."""
    iam = boto3.client("iam", endpoint_url=aws_url, region_name="us-east-1",
                       aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
    iam.create_user(UserName="corpus-caller")
    iam.put_user_policy(UserName="corpus-caller", PolicyName="identity-only", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["sts:GetCallerIdentity"],
                                                 "Resource": "*"}]}))
    key = iam.create_access_key(UserName="corpus-caller")["AccessKey"]
    return {"AWS_ACCESS_KEY_ID": key["AccessKeyId"], "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"]}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    from sandbox import azure as azure_emu
    from sandbox import gcp as gcp_emu
    from sandbox.aws.client import SandboxControl

    state = tmp_path_factory.mktemp("bad-input")
    home = state / "home"
    home.mkdir()
    azure = azure_emu.start(state_dir=state / "azure", retry_after=None)
    gcp = gcp_emu.start(state_dir=state / "gcp", operation_seconds=None, projects=["sandbox-project"])
    silent = socket.socket()  # accepts connections (the kernel's backlog) and never answers
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)
    stack = contextlib.ExitStack()
    try:
        aws_url, aws_env = stack.enter_context(own_aws_sandbox(state / "aws"))
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GCP_", "GOOGLE_"))}
        env.update(aws_env)
        env.update(azure.env())
        env.update(gcp.env())
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0", "PYTHONPATH": str(REPO),
            # Nothing outside the sandbox: no shared AWS/gcloud files, no instance metadata lookups.
            "HOME": str(home), "AWS_CONFIG_FILE": str(home / "aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(home / "aws-credentials"), "AWS_EC2_METADATA_DISABLED": "true",
            "NO_GCE_CHECK": "True",
        })
        placeholders = _placeholders(silent.getsockname()[1])
        control = SandboxControl(aws_url)
        calls = Calls(control, azure, gcp)
        results, phases = {}, {}

        def phase(name, jobs):
            calls.reset()
            start = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(2) as pool:
                results.update(dict(pool.map(lambda job: job(), jobs)))
            phases[name] = calls.snapshot()
            print(f"bad input, {name}: {len(jobs)} playbook runs in {time.monotonic() - start:.0f} s")

        static = [n for n, c in CASES.items() if c["stage"] == "static"]
        valid_vars = f"@{CORPUS / 'valid' / 'runtime_vars.yml'}"
        jobs = [lambda n=n: _run_case(n, _case_env(env, {}, placeholders)) for n in static]
        jobs += [lambda i=i: (f"valid:{i}", _run(["playbooks/validate.yml", "-i", f"inventories/{i}", "-e", valid_vars,
                                                  "--skip-tags", "preflight"], env)) for i in INVENTORIES]
        jobs.append(lambda: ("valid:base", _run(["playbooks/validate.yml", "-i", str(CORPUS / "base"),
                                                 "--skip-tags", "preflight"], env)))
        phase("static", jobs)

        preflight = [n for n, c in CASES.items() if c["stage"] == "preflight" and not c.get("sandbox")]
        jobs = [lambda n=n: _run_case(n, _case_env(env, CASES[n].get("env"), placeholders)) for n in preflight]
        jobs.append(lambda: ("valid:preflight", _run(["playbooks/validate.yml", "-i", str(CORPUS / "base")], env)))
        phase("preflight", jobs)

        # Busy, not unreachable: the first answers of each cloud are throttled or 5xx; the preflight waits
        # them out (its short retry budget is for endpoints that give no answer at all).
        calls.reset()
        control.set_faults([{"kind": "throttle", "service": "sts", "max_count": 3},
                            {"kind": "error", "status": 503, "service": "sts", "max_count": 1}])
        azure.faults.add("throttle", resource_type="Microsoft.Resources/subscriptions", max_count=2)
        gcp.faults.add("rate_limit", collection="projects", max_count=2)
        gcp.faults.add("backend_error", collection="managedZones", max_count=2)
        try:
            results["valid:busy"] = _run(["playbooks/validate.yml", "-i", str(CORPUS / "base")], env)
            phases["busy"] = calls.snapshot()
        finally:
            control.clear_faults()
            azure.faults.clear()
            gcp.faults.clear()

        iam_cases = [n for n, c in CASES.items() if c.get("sandbox")]
        user = _iam_user(aws_url, env)
        control.settings(iam_enforcement=True)
        try:
            calls.reset()
            for name in iam_cases:
                changes = dict(CASES[name].get("env") or {})
                if CASES[name]["sandbox"].get("aws_iam_user"):
                    changes.update(user)
                results.update([_run_case(name, _case_env(env, changes, placeholders))])
            phases["iam"] = calls.snapshot()
        finally:
            control.settings(iam_enforcement=False)
        yield {"results": results, "phases": phases}
    finally:
        silent.close()
        for emu in (gcp, azure):
            emu.stop()
        stack.close()


def _lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.lstrip().startswith("- ")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_fails_before_any_change_naming_host_field_and_fix(runs, name):
    case, result = CASES[name], runs["results"][name]
    out = result["out"]
    assert result["rc"] != 0, f"{name} passed:\n{out[-3000:]}"
    assert LATER_PLAY not in out, f"{name}: site.yml went past validation"
    lines = _lines(out)
    for want in case["expect"]:
        hits = [line for line in lines if want["host"] in line and want["field"] in line and want["fix"] in line]
        assert hits, f"{name}: no line names {want}:\n" + "\n".join(lines)[-4000:]
    for secret in case.get("never_printed") or []:
        assert secret not in out, f"{name}: {secret!r} was printed"
    if case["stage"] == "static":
        assert "TASK [Preflight" not in out, f"{name}: static problems must stop the run before the preflight"
    if case.get("max_seconds"):
        assert result["seconds"] < case["max_seconds"], f"{name} took {result['seconds']:.0f} s"


def test_every_issue_item_has_cases_per_cloud():
    by_issue: dict = {}
    for case in CASES.values():
        by_issue.setdefault(case["issue"], set()).add(case["cloud"])
    assert {"overlapping CIDRs across clouds", "duplicate names", "unknown services",
            "endpoints outside the services VPC", "a spoke both inspected and not", "malformed CIDRs",
            "malformed IDs", "malformed ASNs", "missing credentials", "an unreachable endpoint URL"} <= set(by_issue)
    for issue in ("overlapping CIDRs across clouds", "duplicate names", "malformed ASNs", "missing credentials",
                  "an unreachable endpoint URL"):
        assert {"aws", "azure", "gcp"} <= by_issue[issue], issue


def test_static_cases_make_no_api_call_at_all(runs):
    assert runs["phases"]["static"]["total"] == {"aws": 0, "azure": 0, "gcp": 0}


def test_preflight_reads_every_cloud_and_writes_nothing(runs):
    for phase in ("preflight", "iam"):
        assert runs["phases"][phase]["mutating"] == {"aws": [], "azure": [], "gcp": []}, phase
    totals = runs["phases"]["preflight"]["total"]
    assert totals["aws"] > 0 and totals["azure"] > 0 and totals["gcp"] > 0, totals
    assert runs["phases"]["iam"]["total"]["aws"] > 0


def test_valid_base_passes_the_preflight(runs):
    result = runs["results"]["valid:preflight"]
    assert result["rc"] == 0, result["out"][-3000:]
    for task in ("Preflight AWS, the caller's credentials", "Preflight Azure", "Preflight GCP"):
        assert f"TASK [{task}" in result["out"]


def test_busy_clouds_are_waited_out_by_the_preflight(runs):
    result, phase = runs["results"]["valid:busy"], runs["phases"]["busy"]
    assert result["rc"] == 0, result["out"][-3000:]
    # Every fault fired: more calls than the three checks need, and still no write anywhere.
    assert phase["total"]["aws"] >= 5 and phase["total"]["azure"] >= 3 and phase["total"]["gcp"] >= 6, phase
    assert phase["mutating"] == {"aws": [], "azure": [], "gcp": []}


@pytest.mark.parametrize("inventory", INVENTORIES + ["base"])
def test_valid_inventories_pass_static_validation(runs, inventory):
    result = runs["results"][f"valid:{inventory}"]
    assert result["rc"] == 0, result["out"][-3000:]
