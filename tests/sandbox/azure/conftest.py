"""Fixtures for the Azure emulator tests: one emulator per session on a free port, official clients."""

from __future__ import annotations

import pathlib
import sys
import uuid
from collections.abc import Iterator

ROOT = pathlib.Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
import requests  # noqa: E402
from azure.identity import ClientSecretCredential  # noqa: E402
from azure.mgmt.dnsresolver import DnsResolverManagementClient  # noqa: E402
from azure.mgmt.network import NetworkManagementClient  # noqa: E402
from azure.mgmt.privatedns import PrivateDnsManagementClient  # noqa: E402

from sandbox.azure import Emulator, start  # noqa: E402

LOCATION = "westeurope"
POLL = 0.05  # explicit polling_interval for every LRO poller (the SDK default is 30 s)
PAGE_SIZE = 2


@pytest.fixture(scope="session")
def emulator(tmp_path_factory) -> Iterator[Emulator]:
    emu = start(state_dir=tmp_path_factory.mktemp("azure-sandbox"), page_size=PAGE_SIZE, seed=7)
    yield emu
    emu.stop()


@pytest.fixture(autouse=True)
def clean_faults(emulator: Emulator) -> Iterator[None]:
    """Each test starts without faults and default options, and must not make the emulator stray
    from the SDK schemas (every response is checked against the model classes as it is sent)."""
    emulator.faults.clear()
    emulator.configure(retry_after=1, page_size=PAGE_SIZE, lro_seconds={})
    before = len(emulator.schema_violations)
    yield
    emulator.faults.clear()
    emulator.configure(retry_after=1, page_size=PAGE_SIZE, lro_seconds={})
    assert emulator.schema_violations[before:] == []


@pytest.fixture(scope="session")
def credential(emulator: Emulator) -> ClientSecretCredential:
    env = emulator.env()
    return ClientSecretCredential(
        env["AZURE_TENANT_ID"],
        env["AZURE_CLIENT_ID"],
        env["AZURE_CLIENT_SECRET"],
        authority=env["AZURE_AUTHORITY_HOST"],
        disable_instance_discovery=True,
        connection_verify=env["REQUESTS_CA_BUNDLE"],
    )


def _client_kwargs(emulator: Emulator) -> dict:
    return {"base_url": emulator.url, "connection_verify": emulator.ca_bundle, "retry_backoff_factor": 0.01}


@pytest.fixture(scope="session")
def network(emulator, credential) -> NetworkManagementClient:
    return NetworkManagementClient(credential, emulator.subscription_id, **_client_kwargs(emulator))


@pytest.fixture(scope="session")
def private_dns(emulator, credential) -> PrivateDnsManagementClient:
    return PrivateDnsManagementClient(credential, emulator.subscription_id, **_client_kwargs(emulator))


@pytest.fixture(scope="session")
def resolver(emulator, credential) -> DnsResolverManagementClient:
    return DnsResolverManagementClient(credential, emulator.subscription_id, **_client_kwargs(emulator))


class Arm:
    """Raw HTTP against the emulator with a valid bearer token (for wire-level assertions)."""

    def __init__(self, emulator: Emulator, credential: ClientSecretCredential):
        self.emulator = emulator
        self.session = requests.Session()
        self.session.verify = emulator.ca_bundle
        token = credential.get_token("https://management.azure.com/.default").token
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.sub = f"/subscriptions/{emulator.subscription_id}"

    def url(self, path: str) -> str:
        return path if path.startswith("https://") else f"{self.emulator.url}{path}"

    def request(self, method: str, path: str, api: str | None = None, **kwargs) -> requests.Response:
        params = kwargs.pop("params", {})
        if api:
            params["api-version"] = api
        kwargs.setdefault("verify", self.emulator.ca_bundle)  # an explicit verify beats REQUESTS_CA_BUNDLE
        return self.session.request(method, self.url(path), params=params, **kwargs)

    def group(self, name: str | None = None, location: str = LOCATION) -> str:
        name = name or f"rg-{uuid.uuid4().hex[:8]}"
        response = self.request(
            "PUT", f"{self.sub}/resourcegroups/{name}", "2024-03-01", json={"location": location}
        )
        assert response.status_code in (200, 201), response.text
        return name


@pytest.fixture(scope="session")
def arm(emulator, credential) -> Arm:
    return Arm(emulator, credential)


@pytest.fixture
def rg(arm) -> str:
    return arm.group()
