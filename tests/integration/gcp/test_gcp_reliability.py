"""Retries, failed operations and bounded waits of the GCP modules, driven by the emulator's fault injection."""

from __future__ import annotations

import json
import time

import pytest
from gcp_env import PROJECT, REGION
from test_gcp_ha_vpn import SECRETS, args_for


@pytest.fixture(autouse=True)
def no_faults(gcp):
    gcp.faults.clear()
    yield
    gcp.faults.clear()


def test_throttling_5xx_and_not_ready_are_retried(module, compute, gcp, network, uid):
    gcp.faults.add("rate_limit", collection="routers", method="patch", max_count=2)
    gcp.faults.add("backend_error", collection="vpnTunnels", method="insert", max_count=1)
    gcp.faults.add("not_ready", collection="vpnGateways", method="get", max_count=1)
    start = len(gcp.calls.calls())
    result = module("gcp_ha_vpn", args_for(network, uid))
    assert result["changed"]
    calls = gcp.calls.calls()[start:]
    assert [c["status"] for c in calls if c["collection"] == "routers" and c["method"] == "patch"] == [429, 429, 200]
    assert [c["status"] for c in calls if c["collection"] == "vpnTunnels" and c["method"] == "insert"] == [
        503, 200, 200]
    names = [t.name for t in compute("VpnTunnels").list(project=PROJECT, region=REGION)]
    assert sorted(n for n in names if n.startswith(f"vpn-{uid}-")) == [f"vpn-{uid}-t0", f"vpn-{uid}-t1"]
    assert module("gcp_ha_vpn", args_for(network, uid))["changed"] is False


def test_a_failed_operation_fails_the_module_with_its_message_and_no_secret(module, gcp, network, uid):
    gcp.faults.add("operation_error", collection="vpnTunnels", method="insert", error_code="QUOTA_EXCEEDED",
                   error_message="Quota 'VPN_TUNNELS' exceeded.", http_status=403)
    failed = module("gcp_ha_vpn", args_for(network, uid), expect_failure=True)
    assert "QUOTA_EXCEEDED" in failed["msg"] and "VPN_TUNNELS" in failed["msg"]
    assert not any(s in json.dumps(failed) for s in SECRETS)
    gcp.faults.clear()
    resumed = module("gcp_ha_vpn", args_for(network, uid))  # idempotent: resumes where it stopped
    assert [op["kind"] for op in resumed["operations"] if op["action"] == "create"] == ["vpnTunnel", "vpnTunnel"]


def test_operation_waits_are_bounded(module, gcp, network):
    gcp.faults.add("slow_operation", collection="routes", latency=2.5)
    args = {"network": network, "topology": "itest", "wait_timeout": 1,
            "config": [{"destination": "10.150.0.0/24", "next_hop_gateway": "default-internet-gateway"}]}
    began = time.monotonic()
    failed = module("gcp_route_set", args, expect_failure=True)
    assert "Timed out after 1 s" in failed["msg"]
    assert time.monotonic() - began < 15
    time.sleep(2.6)
    gcp.faults.clear()
    assert module("gcp_route_set", args)["changed"] is False
