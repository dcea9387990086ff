"""Fixtures for the Azure module tests: one ARM emulator per session, official SDK clients, four-pass runs."""

from __future__ import annotations

import sys
import uuid
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE.parents[2]))

from azure.identity import ClientSecretCredential  # noqa: E402
from azure.mgmt.dnsresolver import DnsResolverManagementClient  # noqa: E402
from azure.mgmt.network import NetworkManagementClient  # noqa: E402
from azure_module_env import LOCATION, POLL  # noqa: E402
from harness import run_module  # noqa: E402

from sandbox.azure import start  # noqa: E402


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    # No Retry-After on operations, so pollers use the short polling_interval the tests pass.
    emu = start(state_dir=tmp_path_factory.mktemp("azure-modules"), page_size=2, seed=3, retry_after=None)
    yield emu
    emu.stop()


@pytest.fixture(autouse=True)
def _clean(emulator):
    emulator.faults.clear()
    before = len(emulator.schema_violations)
    yield
    emulator.faults.clear()
    emulator.configure(lro_seconds={})
    assert emulator.schema_violations[before:] == [], "the emulator strayed from the SDK schemas"


@pytest.fixture(scope="session")
def env(emulator) -> dict:
    out = emulator.env()
    # Modules read the azure.azcollection variables; drop the azure-identity duplicates to prove it.
    out.pop("AZURE_CLIENT_SECRET")
    out.pop("AZURE_TENANT_ID")
    return out


@pytest.fixture(scope="session")
def credential(emulator):
    e = emulator.env()
    return ClientSecretCredential(e["AZURE_TENANT_ID"], e["AZURE_CLIENT_ID"], e["AZURE_CLIENT_SECRET"],
                                  authority=e["AZURE_AUTHORITY_HOST"], disable_instance_discovery=True,
                                  connection_verify=emulator.ca_bundle)


def _kwargs(emulator):
    return {"base_url": emulator.url, "connection_verify": emulator.ca_bundle, "retry_backoff_factor": 0.01}


@pytest.fixture(scope="session")
def network(emulator, credential):
    return NetworkManagementClient(credential, emulator.subscription_id, **_kwargs(emulator))


@pytest.fixture(scope="session")
def resolver(emulator, credential):
    return DnsResolverManagementClient(credential, emulator.subscription_id, **_kwargs(emulator))


@pytest.fixture
def rg(emulator, network):
    """A fresh resource group (created over raw ARM: azure-mgmt-resource is not a dependency)."""
    import requests

    name = f"rg-{uuid.uuid4().hex[:8]}"
    bearer = network._config.credential.get_token("https://management.azure.com/.default").token
    r = requests.put(f"{emulator.url}/subscriptions/{emulator.subscription_id}/resourcegroups/{name}",
                     params={"api-version": "2024-03-01"}, json={"location": LOCATION},
                     headers={"Authorization": f"Bearer {bearer}"}, verify=emulator.ca_bundle, timeout=30)
    assert r.status_code in (200, 201), r.text
    return name


@pytest.fixture
def vnet(network, rg):
    """``vnet(name, cidr, subnets={name: cidr})`` creates a VNet with subnets through the SDK."""

    def _make(name, cidr, subnets):
        body = {"location": LOCATION, "properties": {
            "addressSpace": {"addressPrefixes": [cidr]},
            "subnets": [{"name": n, "properties": {"addressPrefix": c}} for n, c in subnets.items()]}}
        return network.virtual_networks.begin_create_or_update(rg, name, body, polling_interval=POLL).result()

    return _make


@pytest.fixture
def module(env):
    def _run(name, args, check=False, expect_failure=False, diff=True):
        return run_module(name, dict(args, polling_interval=POLL), env, check=check, diff=diff,
                          expect_failure=expect_failure)

    return _run


@pytest.fixture
def four_pass(emulator, module):
    """Check, apply, check, apply; check mode makes no mutating request; returns (check1, apply1, apply2)."""

    def _four(name, args, key):
        before = emulator.calls.count(mutating=True)
        check1 = module(name, args, check=True)
        assert emulator.calls.count(mutating=True) == before, f"{name} wrote in check mode"
        assert check1["changed"] is True and check1["operations"], check1
        apply1 = module(name, args)
        assert apply1["changed"] is True
        assert apply1["diff"]["after"] == apply1[key] and apply1["diff"]["before"] != apply1["diff"]["after"]
        assert check1["diff"]["before"] == apply1["diff"]["before"], "check and apply saw different starting states"
        assert [o["action"] for o in check1["operations"]] == [o["action"] for o in apply1["operations"]]
        assert _shape(check1[key]) == _shape(apply1[key]), "check result shape differs from the real run"
        writes = emulator.calls.count(mutating=True)
        check2 = module(name, args, check=True)
        assert check2["changed"] is False, check2["operations"]
        apply2 = module(name, args)
        assert apply2["changed"] is False, apply2["operations"]
        assert emulator.calls.count(mutating=True) == writes, "an unchanged run wrote"
        assert apply2[key] == apply1[key]
        return check1, apply1, apply2

    return _four


def _shape(value):
    """Keys of a result (of each item for a list), to compare a check-mode prediction with a real run."""
    if isinstance(value, list):
        return [sorted(v) for v in value]
    return sorted(value)
