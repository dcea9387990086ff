"""site.yml on a fresh seeded sandbox while AWS misbehaves, then read back through boto3.

Faults at once, on every service the playbook calls (EC2, Route 53, STS), seeded so a failure
replays: throttling in each protocol's own error format on ~15 % of calls, 5xx, latency, dropped
connections, answers lost after AWS did the work (once for every mutating operation the playbook
uses, and at random), resources passing through pending states, and EC2 describes one item per
page. The faulted run must succeed; with the faults off a re-run changes nothing; the cloud holds
exactly the declared objects, once each; the call log shows retries stayed bounded.

CLOUDNET_FAULT_SEED picks another fault seed (default below).
"""

from __future__ import annotations

import os
import time
from collections import Counter

import pytest
from site_state import declared, failure, problems, recap, run_site, service_zone_names, site_cloud, snapshot

SEED = int(os.environ.get("CLOUDNET_FAULT_SEED", "4242"))
# Attempts per call: the first plus the collection's `retries` option (default 10), as botocore counts.
MAX_ATTEMPTS = 11
THROTTLE_RATE = 0.15
# Every mutating operation site.yml makes on a fresh sandbox: each loses its answer once, after the work.
MUTATING = {
    "ec2": ["CreateVpc", "ModifyVpcAttribute", "CreateSubnet", "CreateRouteTable", "AssociateRouteTable",
            "CreateSecurityGroup", "AuthorizeSecurityGroupIngress", "CreateVpcEndpoint", "CreateManagedPrefixList",
            "CreateTransitGateway", "CreateTransitGatewayRouteTable", "CreateTransitGatewayVpcAttachment",
            "AssociateTransitGatewayRouteTable", "EnableTransitGatewayRouteTablePropagation", "CreateRoute",
            "CreateTags"],
    "route53": ["CreateHostedZone", "ChangeTagsForResource", "ChangeResourceRecordSets",
                "AssociateVPCWithHostedZone"],
}


def rules() -> list[dict]:
    lost = [{"kind": kind, "service": service, "operation": operation, "phase": "after", "max_count": 1,
             **({"status": 500} if kind == "error" else {})}
            for service, operations in MUTATING.items()
            for i, operation in enumerate(operations)
            for kind in ["drop" if i % 2 else "error"]]
    return [
        {"kind": "latency", "delay_ms": 150, "probability": 0.1},
        *lost,
        # STS is called a handful of times only: its first calls are throttled for sure.
        {"kind": "throttle", "service": "sts", "max_count": 2},
        *[{"kind": "throttle", "service": service, "probability": THROTTLE_RATE}
          for service in ("ec2", "route53", "sts")],
        {"kind": "error", "status": 503, "probability": 0.03},
        {"kind": "error", "status": 500, "probability": 0.02, "mutating": True, "phase": "after"},
        {"kind": "drop", "probability": 0.01, "max_count": 8},
    ]


@pytest.fixture(scope="module")
def faulted(tmp_path_factory):
    with site_cloud(tmp_path_factory.mktemp("faults")) as cloud:
        control = cloud["control"]
        # One pending read per asynchronous resource exercises every wait; more only adds minutes.
        control.settings(page_size=1, pending_reads=1)
        control.reset_calls()
        control.set_faults(rules(), seed=SEED)
        started = time.monotonic()
        first = run_site(cloud)
        took = time.monotonic() - started
        summary, fired = control.summary(), control.faults()["rules"]
        print(f"faulted site.yml: {took:.0f}s, {summary['total']} calls, {summary['faulted']} faulted")
        # Faults off (EC2 paging too: it is not a fault, and the faulted run read every page already).
        control.clear_faults()
        control.settings(page_size=0)
        assert first.returncode == 0, f"site.yml under faults (seed {SEED}) failed:\n{failure(first)}"
        control.reset_calls()
        started = time.monotonic()
        second = run_site(cloud)
        print(f"clean re-run: {time.monotonic() - started:.0f}s")
        assert second.returncode == 0, f"re-run without faults failed:\n{failure(second)}"
        clean = control.summary()
        want = declared(cloud["seed"])
        yield {"cloud": cloud, "first": first.stdout, "second": second.stdout, "summary": summary, "fired": fired,
               "clean": clean, "took": took, "want": want, "snapshot": snapshot(cloud),
               "zones": service_zone_names(cloud, [c["service_name"] for c in want["catalog"]])}


def test_every_kind_of_fault_was_injected_on_every_service(faulted):
    summary = faulted["summary"]
    by_kind = Counter()
    for rule in faulted["fired"]:
        by_kind[(rule["kind"], rule["phase"])] += rule["fired"]
    assert by_kind[("throttle", "before")] >= 0.1 * summary["total"], by_kind
    assert by_kind[("error", "before")] > 0 and by_kind[("drop", "before")] > 0, by_kind
    assert by_kind[("latency", "before")] > 0, by_kind
    lost = [r for r in faulted["fired"] if r["phase"] == "after" and r["max_count"] == 1]
    assert [f"{r['service']}:{r['operation']}" for r in lost if r["fired"] != 1] == []
    for service in ("ec2", "route53", "sts"):
        statuses = Counter()
        for op in summary["by_operation"].values():
            if op["service"] == service:
                statuses.update(op["statuses"])
        assert statuses["400" if service != "ec2" else "503"] > 0, (service, statuses)


def test_the_faulted_run_succeeded_and_a_clean_rerun_changes_nothing(faulted):
    first, second = recap(faulted["first"]), recap(faulted["second"])
    assert first and all(h["failed"] == 0 and h["unreachable"] == 0 for h in first.values()), first
    assert {h: v["changed"] for h, v in second.items() if v["changed"]} == {}
    assert faulted["clean"]["mutating"] == 0, [k for k, v in faulted["clean"]["by_operation"].items() if v["mutating"]]


def test_the_cloud_holds_exactly_the_declared_objects_once_each(faulted):
    assert problems(faulted["snapshot"], faulted["want"], faulted["cloud"]["seed"], faulted["zones"]) == []


def succeeded(op: dict) -> int:
    return sum(n for status, n in op["statuses"].items() if status.startswith("2"))


def test_retries_stayed_bounded(faulted):
    """Each logical call made at most MAX_ATTEMPTS attempts; no operation looped on its failures."""
    summary, clean = faulted["summary"], faulted["clean"]
    for key, op in summary["by_operation"].items():
        ok = succeeded(op)
        # An answer lost after the work was done counts as a failed attempt although the call did its job.
        assert op["count"] - ok <= (MAX_ATTEMPTS - 1) * max(ok, 1), f"{key}: {op['statuses']}"
    # Faults fire on about a fifth of the attempts; retries of retries stay in proportion.
    assert summary["faulted"] <= 0.35 * summary["total"], (summary["faulted"], summary["total"])
    # Reads: an unchanged run's reads, plus a few per mutation (its waits for pending states, the lookups after
    # a lost answer); a wait or retry loop without a bound would exceed it by far.
    reads = sum(succeeded(op) for op in summary["by_operation"].values() if not op["mutating"])
    writes = sum(succeeded(op) for op in summary["by_operation"].values() if op["mutating"])
    assert reads <= 2 * clean["read"] + 4 * writes, (reads, clean["read"], writes)
