"""Fault injection and call counting, in process and through /_sandbox/."""

from __future__ import annotations

import time

import pytest
import requests
from conftest import PROJECT, REGION
from google.api_core import exceptions
from google.cloud import compute_v1

NETS = f"compute:projects/{PROJECT}/global/networks"


def test_rate_limit_with_max_count(api, emulator):
    emulator.faults.add("rate_limit", collection="networks", method="insert", max_count=2)
    body = {"name": "n", "autoCreateSubnetworks": False}
    answers = [api.post(NETS, json=body) for _ in range(3)]
    assert [a.status_code for a in answers] == [429, 429, 200]
    error = answers[0].json()["error"]
    assert error["status"] == "RESOURCE_EXHAUSTED"
    assert (
        error["errors"][0]["reason"] == "rateLimitExceeded" and error["errors"][0]["domain"] == "usageLimits"
    )
    assert api.get(NETS).status_code == 200  # other methods are not affected
    assert emulator.calls.count(collection="networks", method="insert") == 3


def test_backend_error_reaches_the_sdk(emulator, credentials):
    emulator.faults.add("backend_error", api="compute", collection="networks", method="get", max_count=1)
    client = compute_v1.NetworksClient(
        credentials=credentials, client_options={"api_endpoint": emulator.url}, transport="rest"
    )
    # The generated client retries UNAVAILABLE on reads: one 503, then the real answer.
    with pytest.raises(exceptions.NotFound):
        client.get(project=PROJECT, network="any")
    assert [c["status"] for c in emulator.calls.calls(collection="networks")] == [503, 404]
    emulator.faults.add("backend_error", api="compute", collection="networks", method="get")
    with pytest.raises(exceptions.ServiceUnavailable):
        client.get(project=PROJECT, network="any", retry=None)


def test_probability_is_seeded(api, emulator):
    def run():
        emulator.faults.clear()
        emulator.faults.add("backend_error", collection="networks", method="list", probability=0.5, seed=42)
        return [api.get(NETS).status_code for _ in range(16)]

    first, second = run(), run()
    assert first == second
    assert set(first) == {200, 503}


def test_latency(api, emulator):
    emulator.faults.add("latency", collection="networks", method="list", latency=0.3, max_count=1)
    started = time.monotonic()
    assert api.get(NETS).status_code == 200
    assert time.monotonic() - started >= 0.3


def test_operation_error(api, emulator):
    emulator.faults.add(
        "operation_error",
        collection="networks",
        method="insert",
        error_code="QUOTA_EXCEEDED",
        error_message="Quota 'NETWORKS' exceeded.",
        http_status=403,
        max_count=1,
    )
    accepted = api.post(NETS, json={"name": "q", "autoCreateSubnetworks": False})
    op = api.done(accepted)
    assert op["error"]["errors"] == [{"code": "QUOTA_EXCEEDED", "message": "Quota 'NETWORKS' exceeded."}]
    assert op["httpErrorStatusCode"] == 403 and op["httpErrorMessage"] == "FORBIDDEN"
    assert api.get(f"{NETS}/q").status_code == 404
    api.ok(api.post(NETS, json={"name": "q", "autoCreateSubnetworks": False}))  # the name is free again


def test_slow_operation_outlasts_wait(api, emulator):
    emulator.operation_wait_timeout = 0.2
    try:
        emulator.faults.add("slow_operation", collection="networks", method="insert", latency=0.6)
        op = api.post(NETS, json={"name": "s", "autoCreateSubnetworks": False}).json()
        wait = f"compute:projects/{PROJECT}/global/operations/{op['name']}/wait"
        assert api.post(wait).json()["status"] == "RUNNING"
        time.sleep(0.5)
        assert api.post(wait).json()["status"] == "DONE"
    finally:
        emulator.operation_wait_timeout = 2.0


def test_reads_are_not_writes(api, emulator, network):
    emulator.calls.clear()
    api.get(NETS)
    api.get(f"{NETS}/hub")
    op = api.get(f"compute:projects/{PROJECT}/regions/{REGION}/operations").json()
    assert op["kind"] == "compute#operationList"
    api.post(f"compute:projects/{PROJECT}/regions/{REGION}/operations/{op['items'][0]['name']}/wait")
    assert emulator.calls.count(mutating=True) == 0
    assert emulator.calls.count(mutating=False) == 4
    api.ok(api.post(NETS, json={"name": "w", "autoCreateSubnetworks": False}))
    assert emulator.calls.count(mutating=True) == 1


def test_http_control_endpoint(api, emulator):
    control = emulator.url + "/_sandbox/"
    rule = requests.post(
        control + "faults",
        json={"kind": "rate_limit", "collection": "routers", "method": "list", "max_count": 1},
    ).json()
    assert rule["kind"] == "rate_limit" and rule["fired"] == 0
    routers = f"compute:projects/{PROJECT}/regions/{REGION}/routers"
    assert [api.get(routers).status_code for _ in range(2)] == [429, 200]
    listed = requests.get(control + "faults").json()["faults"]
    assert listed[0]["fired"] == 1
    assert requests.post(control + "faults", json={"kind": "meteor"}).status_code == 400
    calls = requests.get(control + "calls", params={"collection": "routers", "mutating": "false"}).json()
    assert calls["count"] == 2 and [c["status"] for c in calls["calls"]] == [429, 200]
    assert requests.delete(control + "faults").status_code == 200
    assert requests.get(control + "faults").json()["faults"] == []
    options = requests.post(control + "options", json={"operation_polls": 0}).json()
    assert options["operation_polls"] == 0
    op = api.post(NETS, json={"name": "c", "autoCreateSubnetworks": False}).json()
    assert api.get(f"compute:projects/{PROJECT}/global/operations/{op['name']}").json()["status"] == "DONE"
    assert requests.post(control + "reset").status_code == 200
    assert "items" not in api.get(NETS).json()


def test_not_ready_fault(api, emulator):
    emulator.faults.add("not_ready", collection="networks", method="insert", max_count=1)
    refused = api.post(NETS, json={"name": "nr", "autoCreateSubnetworks": False})
    assert refused.status_code == 400 and refused.json()["error"]["errors"][0]["reason"] == "resourceNotReady"
    api.ok(api.post(NETS, json={"name": "nr", "autoCreateSubnetworks": False}))
