"""Entra ID token endpoint, ARM authentication, cloud metadata, fault injection and call counting."""

from __future__ import annotations

import time

import pytest
import requests
from azure.core.exceptions import ClientAuthenticationError, HttpResponseError
from azure.identity import ClientSecretCredential
from azure.mgmt.network import NetworkManagementClient
from azure.mgmt.network import models as m
from conftest import LOCATION, POLL


def test_client_secret_credential_and_wrong_secret(emulator):
    env = emulator.env()
    good = ClientSecretCredential(
        env["AZURE_TENANT_ID"],
        env["AZURE_CLIENT_ID"],
        env["AZURE_CLIENT_SECRET"],
        authority=emulator.url,
        disable_instance_discovery=True,
        connection_verify=emulator.ca_bundle,
    )
    token = good.get_token("https://management.azure.com/.default")
    assert token.token.count(".") == 2
    assert token.expires_on > time.time() + 3000

    bad = ClientSecretCredential(
        env["AZURE_TENANT_ID"],
        env["AZURE_CLIENT_ID"],
        "wrong",
        authority=emulator.url,
        disable_instance_discovery=True,
        connection_verify=emulator.ca_bundle,
    )
    with pytest.raises(ClientAuthenticationError) as err:
        bad.get_token("https://management.azure.com/.default")
    assert "AADSTS7000215" in str(err.value)

    raw = requests.post(
        f"{emulator.url}/{emulator.tenant_id}/oauth2/v2.0/token",
        verify=emulator.ca_bundle,
        data={
            "grant_type": "client_credentials",
            "client_id": emulator.client_id,
            "client_secret": "wrong",
            "scope": "https://management.azure.com/.default",
        },
    )
    assert raw.status_code == 401
    body = raw.json()
    assert body["error"] == "invalid_client"
    assert body["error_codes"] == [7000215]
    assert body["error_description"].startswith("AADSTS7000215: Invalid client secret provided.")
    assert {"timestamp", "trace_id", "correlation_id", "error_uri"} <= set(body)

    raw = requests.post(
        f"{emulator.url}/{emulator.tenant_id}/oauth2/v2.0/token",
        verify=emulator.ca_bundle,
        data={
            "grant_type": "client_credentials",
            "client_id": "someone-else",
            "client_secret": "x",
            "scope": "https://management.azure.com/.default",
        },
    )
    assert raw.status_code == 400
    assert raw.json()["error"] == "unauthorized_client"
    assert raw.json()["error_codes"] == [700016]
    doc = requests.get(
        f"{emulator.url}/{emulator.tenant_id}/v2.0/.well-known/openid-configuration",
        verify=emulator.ca_bundle,
    ).json()
    assert doc["token_endpoint"] == f"{emulator.url}/{emulator.tenant_id}/oauth2/v2.0/token"


def test_arm_requires_a_valid_bearer_token(emulator, arm):
    url = f"{emulator.url}{arm.sub}/resourcegroups?api-version=2024-03-01"
    missing = requests.get(url, verify=emulator.ca_bundle)
    assert missing.status_code == 401
    assert missing.json()["error"]["code"] == "AuthenticationFailed"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer authorization_uri=")
    forged = requests.get(url, verify=emulator.ca_bundle, headers={"Authorization": "Bearer a.b.c"})
    assert forged.json() == {
        "error": {"code": "InvalidAuthenticationToken", "message": "The access token is invalid."}
    }
    expired = requests.get(
        url, verify=emulator.ca_bundle, headers={"Authorization": f"Bearer {emulator.token(lifetime=-10)}"}
    )
    assert expired.json()["error"]["code"] == "ExpiredAuthenticationToken"
    graph = requests.get(
        url,
        verify=emulator.ca_bundle,
        headers={"Authorization": f"Bearer {emulator.token(audience='https://graph.microsoft.com')}"},
    )
    assert graph.json()["error"]["code"] == "InvalidAuthenticationTokenAudience"
    assert arm.request("GET", f"{arm.sub}/resourcegroups", "2024-03-01").status_code == 200


def test_cloud_metadata_points_at_the_emulator(emulator):
    old = requests.get(f"{emulator.url}/metadata/endpoints?api-version=1.0", verify=emulator.ca_bundle).json()
    assert old["authentication"]["loginEndpoint"] == f"{emulator.url}/"
    assert "https://management.core.windows.net/" in old["authentication"]["audiences"]
    new = requests.get(
        f"{emulator.url}/metadata/endpoints?api-version=2022-09-01", verify=emulator.ca_bundle
    ).json()
    assert new[0]["resourceManager"] == f"{emulator.url}/"
    assert new[0]["authentication"]["loginEndpoint"] == f"{emulator.url}/"
    env = emulator.env()
    assert env["AZURE_CLOUD_ENVIRONMENT"] == emulator.url
    assert env["AZURE_SECRET"] == env["AZURE_CLIENT_SECRET"]
    assert env["AZURE_TENANT"] == env["AZURE_TENANT_ID"]


def _table(network, rg, name):
    return network.route_tables.begin_create_or_update(
        rg, name, m.RouteTable(location=LOCATION), polling_interval=POLL
    ).result()


def test_throttling_is_retried_by_azure_core(emulator, network, rg):
    _table(network, rg, "rt")
    emulator.faults.add("throttle", resource_type="Microsoft.Network/routeTables", method="GET", max_count=2)
    emulator.calls.reset()
    started = time.monotonic()
    assert network.route_tables.get(rg, "rt").name == "rt"
    assert time.monotonic() - started >= 2  # honoured the integer Retry-After: 1 twice
    gets = emulator.calls.select(method="GET", resource_type="Microsoft.Network/routeTables")
    assert [c.status for c in gets] == [429, 429, 200]
    assert [c.fault for c in gets] == ["throttle", "throttle", None]


def test_unavailable_is_retried_and_latency_is_added(emulator, network, rg):
    _table(network, rg, "rt")
    emulator.faults.add(
        "unavailable", resource_type="Microsoft.Network/routeTables", method="GET", max_count=1
    )
    emulator.faults.add(
        "latency", resource_type="Microsoft.Network/routeTables", method="GET", seconds=0.3, max_count=1
    )
    emulator.calls.reset()
    started = time.monotonic()
    assert network.route_tables.get(rg, "rt").name == "rt"
    assert time.monotonic() - started >= 1.3
    assert [c.status for c in emulator.calls.select(method="GET")] == [503, 200]


def test_failed_lro_surfaces_as_http_response_error(emulator, network, rg):
    emulator.faults.add(
        "lro_failed",
        resource_type="Microsoft.Network/routeTables",
        method="PUT",
        max_count=1,
        error_code="InternalServerError",
        message="Injected failure.",
    )
    with pytest.raises(HttpResponseError) as err:
        _table(network, rg, "rt")
    assert err.value.error.code == "InternalServerError"
    assert err.value.error.message == "Injected failure."
    assert network.route_tables.get(rg, "rt").properties.provisioning_state == "Failed"
    # the rule is spent: the retry succeeds
    assert _table(network, rg, "rt").properties.provisioning_state == "Succeeded"


def test_probability_is_seeded_and_bounded(emulator, arm, rg):
    emulator.faults.clear(seed=42)
    emulator.faults.add(
        "throttle", resource_type="Microsoft.Network/routeTables", probability=0.5, max_count=3
    )
    path = f"{arm.sub}/resourceGroups/{rg}/providers/Microsoft.Network/routeTables"
    first = [arm.request("GET", path, "2026-03-01").status_code for _ in range(12)]
    emulator.faults.clear(seed=42)
    emulator.faults.add(
        "throttle", resource_type="Microsoft.Network/routeTables", probability=0.5, max_count=3
    )
    second = [arm.request("GET", path, "2026-03-01").status_code for _ in range(12)]
    assert first == second
    assert first.count(429) == 3
    throttled = arm.request("GET", path, "2026-03-01")
    assert throttled.status_code == 200


def test_read_only_pass_makes_zero_writes(emulator, network, rg):
    _table(network, rg, "rt")
    emulator.calls.reset()
    network.route_tables.get(rg, "rt")
    list(network.route_tables.list(rg))
    assert emulator.calls.count(mutating=True) == 0
    assert emulator.calls.count(mutating=False) == 2
    _table(network, rg, "rt")
    assert (
        emulator.calls.count(mutating=True, method="PUT", resource_type="Microsoft.Network/routeTables") == 1
    )


def test_http_control_endpoint(emulator, network, rg):
    control = f"{emulator.url}/_sandbox"
    verify = emulator.ca_bundle
    assert requests.get(f"{control}/health", verify=verify).json()["status"] == "ok"
    rule = requests.post(
        f"{control}/faults",
        verify=verify,
        json={
            "kind": "throttle",
            "resource_type": "Microsoft.Network/routeTables",
            "method": "GET",
            "max_count": 1,
        },
    )
    assert rule.status_code == 201
    requests.delete(f"{control}/calls", verify=verify)
    _table(network, rg, "rt")
    network.route_tables.get(rg, "rt")
    summary = requests.get(f"{control}/calls", verify=verify).json()
    assert summary["by_type"]["Microsoft.Network/routeTables"] == {"PUT": 1, "GET": 3}
    assert summary["mutating"] == 1
    assert requests.get(f"{control}/faults", verify=verify).json()["value"][0]["fired"] == 1
    bad = requests.post(f"{control}/faults", verify=verify, json={"kind": "throttle", "retry_after": 0.5})
    assert bad.status_code == 400
    assert requests.patch(f"{control}/options", verify=verify, json={"page_size": 1}).json()["page_size"] == 1
    assert requests.delete(f"{control}/faults", verify=verify).status_code == 204
    assert requests.get(f"{control}/faults", verify=verify).json() == {"value": []}


def test_client_built_from_env_and_cloud_metadata(emulator, monkeypatch, rg):
    """A client configured only from env vars and the metadata document reaches the emulator."""
    for key, value in emulator.env().items():
        monkeypatch.setenv(key, value)
    import os

    from azure.identity import EnvironmentCredential

    cloud = requests.get(
        f"{os.environ['AZURE_CLOUD_ENVIRONMENT']}/metadata/endpoints?api-version=2022-09-01",
        verify=os.environ["REQUESTS_CA_BUNDLE"],
    ).json()[0]
    credential = EnvironmentCredential(disable_instance_discovery=True)
    client = NetworkManagementClient(
        credential,
        os.environ["AZURE_SUBSCRIPTION_ID"],
        base_url=cloud["resourceManager"].rstrip("/"),
        credential_scopes=[cloud["authentication"]["audiences"][0] + ".default"],
    )
    assert list(client.route_tables.list(rg)) == []


def test_stale_read_hides_a_fresh_write(emulator, arm, rg):
    path = f"{arm.sub}/resourceGroups/{rg}/providers/Microsoft.Network/routeTables/fresh"
    emulator.faults.add("stale_read", resource_type="Microsoft.Network/routeTables", seconds=0.5, max_count=1)
    assert arm.request("PUT", path, "2026-03-01", json={"location": LOCATION}).status_code == 201
    stale = arm.request("GET", path, "2026-03-01")
    assert stale.status_code == 404
    assert stale.json()["error"]["code"] == "ResourceNotFound"
    assert arm.request("GET", path, "2026-03-01").status_code == 200  # max_count spent
