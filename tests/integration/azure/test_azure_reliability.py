"""Throttling, server errors and slow operations as the Azure modules meet them (emulator faults)."""

from __future__ import annotations

import time

from azure_module_env import LOCATION

ROUTE_TABLES = "Microsoft.Network/routeTables"


def _args(rg, table, **extra):
    return dict({"resource_group": rg, "route_table": table, "location": LOCATION,
                 "config": [{"address_prefix": "10.100.0.0/22"}]}, **extra)


def test_throttling_and_unavailable_are_retried_after_retry_after(module, emulator, network, rg):
    emulator.faults.add("throttle", resource_type=ROUTE_TABLES, method="GET", max_count=1, retry_after=1)
    emulator.faults.add("unavailable", resource_type=ROUTE_TABLES, method="PUT", max_count=1, retry_after=1)
    emulator.calls.reset()
    started = time.monotonic()
    out = module("azure_route_set", _args(rg, "rt-throttled"))
    assert out["changed"] is True
    faults = [c.fault for c in emulator.calls.select(resource_type=ROUTE_TABLES) if c.fault]
    assert sorted(faults) == ["throttle", "unavailable"]
    assert time.monotonic() - started >= 2, "each retry waits the Retry-After second"
    assert [r.name for r in network.route_tables.get(rg, "rt-throttled").routes] == ["cloudnet-10.100.0.0_22"]


def test_long_operation_is_bounded_by_wait_timeout(module, emulator, rg):
    emulator.configure(lro_seconds={ROUTE_TABLES: 60})
    started = time.monotonic()
    failed = module("azure_route_set", _args(rg, "rt-slow", wait_timeout=1), expect_failure=True)
    assert time.monotonic() - started < 30
    assert "Timed out after 1 s" in failed["msg"] and "route table rt-slow" in failed["msg"]


def test_bad_credentials_fail_cleanly_without_the_secret(module, rg):
    failed = module("azure_route_set", _args(rg, "rt-x", secret="not-the-secret"), expect_failure=True)
    assert "authentication failed" in failed["msg"] and "AADSTS7000215" in failed["msg"]
    assert "not-the-secret" not in failed["msg"]
