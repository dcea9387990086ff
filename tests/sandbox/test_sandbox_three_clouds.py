"""`python -m sandbox up` (three emulators), `python -m sandbox.seed` and `calls`: what `make sandbox` runs.

The seeded Azure and GCP brownfield is read back with the official clients (azure-mgmt-network,
google-cloud-compute); a second seed writes nothing; ``calls`` reports every cloud and ``--reset`` zeroes them
all; the control clients drive the emulators' fault injection in the providers' throttling formats.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest
import requests

ROOT = pathlib.Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sandbox import seed as sandbox_seed  # noqa: E402
from sandbox.cli import controls  # noqa: E402


def run(*args: str, env=None, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env or dict(os.environ, PYTHONPATH=str(ROOT)),
                          capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture(scope="module")
def sandbox(tmp_path_factory):
    state = tmp_path_factory.mktemp("three-clouds")
    up = run("-m", "sandbox", "up", "--state-dir", str(state))
    assert up.returncode == 0, up.stdout + up.stderr
    try:
        running = json.loads((state / "sandbox.json").read_text())
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GCP_"))}
        env.update(running["env"], PYTHONPATH=str(ROOT))
        vars_out = state / "seeded.yml"
        seeded = run("-m", "sandbox.seed", "--state-dir", str(state), "--vars-out", str(vars_out), env=env,
                     timeout=300)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        yield {"state": state, "running": running, "env": env, "vars_out": vars_out, "seed_output": seeded.stdout}
    finally:
        run("-m", "sandbox", "down", "--state-dir", str(state))


def test_up_starts_the_three_emulators_and_writes_their_environment(sandbox):
    running = sandbox["running"]
    assert set(running["emulators"]) == {"aws", "azure", "gcp"} and running["skipped"] == {}
    assert running["emulators"]["azure"]["url"].startswith("https://127.0.0.1:")
    env_sh = (sandbox["state"] / "env.sh").read_text()
    for name in ("AWS_ENDPOINT_URL", "AZURE_CLOUD_ENVIRONMENT", "AZURE_SUBSCRIPTION_ID", "GCP_COMPUTE_ENDPOINT",
                 "GCP_SERVICE_ACCOUNT_FILE", "REQUESTS_CA_BUNDLE"):
        assert f"export {name}=" in env_sh


def test_seed_makes_the_azure_vnet_the_inventory_links(sandbox):
    from azure.identity import ClientSecretCredential
    from azure.mgmt.network import NetworkManagementClient

    env = sandbox["env"]
    credential = ClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"], env["AZURE_CLIENT_SECRET"],
                                        authority=env["AZURE_AUTHORITY_HOST"], disable_instance_discovery=True,
                                        connection_verify=env["REQUESTS_CA_BUNDLE"])
    network = NetworkManagementClient(credential, env["AZURE_SUBSCRIPTION_ID"], base_url=env["AZURE_CLOUD_ENVIRONMENT"],
                                      connection_verify=env["REQUESTS_CA_BUNDLE"])
    vnet = network.virtual_networks.get("rg-cloudnet-hub", "azure-hub")
    assert vnet.location == "westeurope" and vnet.address_space.address_prefixes == ["10.200.0.0/16"]
    subnets = {s.name: s for s in vnet.subnets}
    assert {n: s.address_prefix for n, s in subnets.items()} == {
        "GatewaySubnet": "10.200.255.0/27", "app": "10.200.1.0/24", "dns-outbound": "10.200.5.0/28"}
    assert [d.service_name for d in subnets["dns-outbound"].delegations] == ["Microsoft.Network/dnsResolvers"]
    assert vnet.tags == {"sandbox:seed": "brownfield"}


def test_seed_makes_the_gcp_network_the_inventory_links(sandbox):
    from google.cloud import compute_v1
    from google.oauth2 import service_account

    env = sandbox["env"]
    credentials = service_account.Credentials.from_service_account_file(
        env["GCP_SERVICE_ACCOUNT_FILE"], scopes=["https://www.googleapis.com/auth/cloud-platform"])
    opts = {"credentials": credentials, "transport": "rest",
            "client_options": {"api_endpoint": sandbox["running"]["emulators"]["gcp"]["url"]}}
    network = compute_v1.NetworksClient(**opts).get(project=env["GCP_PROJECT"], network="gcp-hub")
    assert network.auto_create_subnetworks is False
    subnet = compute_v1.SubnetworksClient(**opts).get(project=env["GCP_PROJECT"], region="us-east1",
                                                      subnetwork="gcp-hub-a")
    assert subnet.ip_cidr_range == "10.210.1.0/24" and subnet.network == network.self_link


def test_seed_writes_the_vars_and_its_record(sandbox):
    assert sandbox["vars_out"].read_text().count("sandbox_saas_service_name: com.amazonaws.vpce.us-east-1.vpce-svc-")
    record = json.loads((sandbox["state"] / "seed.json").read_text())
    assert record["clouds"] == ["aws", "azure", "gcp"]
    assert record["azure"]["virtual_network"] == "azure-hub" and record["gcp"]["network"] == "gcp-hub"
    assert "seeded Azure (created): VNet azure-hub" in sandbox["seed_output"]
    assert "seeded GCP (created): network gcp-hub" in sandbox["seed_output"]


def test_a_second_seed_writes_nothing_and_calls_reports_every_cloud(sandbox):
    state, env = str(sandbox["state"]), sandbox["env"]
    assert run("-m", "sandbox", "calls", "--state-dir", state, "--reset").returncode == 0
    again = run("-m", "sandbox.seed", "--state-dir", state, "--vars-out", str(sandbox["vars_out"]), env=env,
                timeout=300)
    assert again.returncode == 0, again.stderr
    assert "seeded Azure (already there)" in again.stdout and "seeded GCP (already there)" in again.stdout
    text = run("-m", "sandbox", "calls", "--state-dir", state)
    assert text.returncode == 0, text.stderr
    headers = [line for line in text.stdout.splitlines() if not line.startswith(" ")]
    assert [h.split(":")[0] for h in headers] == ["AWS API calls", "Azure ARM calls", "GCP API calls"]
    assert all(", 0 mutating," in h for h in headers), headers
    assert all(int(h.split(": ")[1].split()[0]) > 0 for h in headers), headers  # the seed did read
    assert "Microsoft.Network/virtualNetworks" in text.stdout and "networks.get" in text.stdout
    as_json = json.loads(run("-m", "sandbox", "calls", "--state-dir", state, "--json", "--reset").stdout)
    assert as_json["mutating"] == 0 and as_json["azure"]["mutating"] == 0 and as_json["gcp"]["mutating"] == 0
    assert as_json["azure"]["total"] > 0 and as_json["gcp"]["total"] > 0
    after = json.loads(run("-m", "sandbox", "calls", "--state-dir", state, "--json").stdout)
    assert (after["total"], after["azure"]["total"], after["gcp"]["total"]) == (0, 0, 0)


def test_control_clients_throttle_in_each_providers_format(sandbox):
    running, env = sandbox["running"], sandbox["env"]
    clients = controls(running)
    azure, gcp = clients["azure"], clients["gcp"]
    azure.add_fault("throttle", probability=1.0, max_count=1, retry_after=2)
    gcp.add_fault("rate_limit", probability=1.0, max_count=1)
    try:
        from azure.identity import ClientSecretCredential
        from google.auth.transport.requests import AuthorizedSession
        from google.oauth2 import service_account

        token = ClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"], env["AZURE_CLIENT_SECRET"],
                                       authority=env["AZURE_AUTHORITY_HOST"], disable_instance_discovery=True,
                                       connection_verify=env["REQUESTS_CA_BUNDLE"]).get_token(
            "https://management.azure.com/.default").token
        url = (f"{running['emulators']['azure']['url']}/subscriptions/{env['AZURE_SUBSCRIPTION_ID']}/resourceGroups/"
               "rg-cloudnet-hub/providers/Microsoft.Network/virtualNetworks/azure-hub")
        answer = requests.get(url, params={"api-version": "2024-05-01"}, headers={"Authorization": f"Bearer {token}"},
                              verify=env["REQUESTS_CA_BUNDLE"], timeout=30)
        assert answer.status_code == 429 and answer.headers["Retry-After"] == "2"
        assert answer.json()["error"]["code"] == "TooManyRequests"
        assert [c["fault"] for c in azure.calls() if c["fault"]] == ["throttle"]

        session = AuthorizedSession(service_account.Credentials.from_service_account_file(
            env["GCP_SERVICE_ACCOUNT_FILE"], scopes=["https://www.googleapis.com/auth/cloud-platform"]))
        answer = session.get(env["GCP_COMPUTE_ENDPOINT"] + f"projects/{env['GCP_PROJECT']}/global/networks/gcp-hub")
        assert answer.status_code == 429
        assert answer.json()["error"]["errors"][0]["reason"] == "rateLimitExceeded"
        assert [c["status"] for c in gcp.calls()][-1] == 429
    finally:
        azure.clear_faults()
        gcp.clear_faults()
    assert azure.faults() == [] and gcp.faults() == []


@pytest.mark.parametrize("env, expect", [
    ({}, []),
    ({"AWS_ENDPOINT_URL": "http://127.0.0.1:5000"}, ["aws"]),
    ({"AWS_ENDPOINT_URL": "https://ec2.us-east-1.amazonaws.com"}, []),
    ({"AZURE_CLOUD_ENVIRONMENT": "https://127.0.0.1:8443", "AZURE_SUBSCRIPTION_ID": "s"}, ["azure"]),
    ({"AZURE_CLOUD_ENVIRONMENT": "AzureCloud", "AZURE_SUBSCRIPTION_ID": "s"}, []),
    ({"GCP_COMPUTE_ENDPOINT": "http://localhost:9/compute/v1/", "GCP_PROJECT": "p"}, ["gcp"]),
    ({"GCP_COMPUTE_ENDPOINT": "https://compute.googleapis.com/compute/v1/", "GCP_PROJECT": "p"}, []),
])
def test_seed_only_targets_local_emulators(env, expect):
    assert sandbox_seed.local_clouds(env) == expect


def test_seed_refuses_a_non_local_aws_endpoint_before_any_call(tmp_path):
    env = dict(os.environ, PYTHONPATH=str(ROOT), AWS_ENDPOINT_URL="https://ec2.us-east-1.amazonaws.com",
               AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y")
    refused = run("-m", "sandbox.seed", "--clouds", "aws", "--state-dir", str(tmp_path), "--vars-out",
                  str(tmp_path / "v.yml"), env=env)
    assert refused.returncode != 0 and "refusing to seed" in refused.stderr
    assert not (tmp_path / "v.yml").exists()
