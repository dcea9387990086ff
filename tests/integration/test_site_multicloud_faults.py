"""site.yml converges on inventories/sandbox with 20% of the requests throttled in all three emulators at once.

A fresh three-cloud sandbox; throttling on everywhere, each in its provider's real form: AWS per protocol (EC2
503 RequestLimitExceeded, query/Route 53 400 Throttling, JSON ThrottlingException), Azure ARM 429
TooManyRequests with an integer Retry-After, GCP 429 rateLimitExceeded (usageLimits). One site.yml run must
succeed; with the faults off a second run changes nothing and writes nothing, and the state read back through
the SDKs is the whole architecture, with no duplicate made by a retried create.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import multicloud as mc  # noqa: E402

RATE = 0.2


@pytest.fixture(scope="module")
def throttled(tmp_path_factory):
    with mc.three_clouds(tmp_path_factory.mktemp("multicloud-faults")) as clouds:
        control = clouds.control
        control["aws"].set_faults([{"kind": "throttle", "probability": RATE}], seed=20)
        control["azure"].add_fault("throttle", probability=RATE, retry_after=1)
        control["gcp"].add_fault("rate_limit", probability=RATE, seed=20)
        clouds.reset_calls()
        try:
            first = mc.playbook(clouds, "site.yml")
            fired = {
                "aws": control["aws"].summary()["faulted"],
                "azure": sum(1 for c in control["azure"].calls() if c.get("fault") == "throttle"),
                "gcp": sum(1 for c in control["gcp"].calls() if c.get("status") == 429),
            }
            totals = {"aws": control["aws"].summary()["total"], "azure": control["azure"].summary()["total"],
                      "gcp": len(control["gcp"].calls())}
        finally:
            control["aws"].clear_faults()
            control["azure"].clear_faults()
            control["gcp"].clear_faults()
        clouds.reset_calls()
        second = mc.playbook(clouds, "site.yml")
        yield {"clouds": clouds, "first": first, "fired": fired, "totals": totals, "second": second,
               "writes": clouds.mutating_calls()}


def test_about_a_fifth_of_the_calls_were_throttled_in_every_cloud(throttled):
    for cloud, fired in throttled["fired"].items():
        total = throttled["totals"][cloud]
        assert total > 20, (cloud, total)
        assert 0.1 * total <= fired <= 0.3 * total, (cloud, fired, total)


def test_the_throttled_run_succeeded_and_built(throttled):
    hosts = mc.recap(throttled["first"])
    assert all(v["failed"] == 0 for v in hosts.values()), hosts
    assert mc.changed_hosts(throttled["first"])  # it did the building


def test_without_faults_a_second_run_changes_nothing_in_any_cloud(throttled):
    assert mc.changed_hosts(throttled["second"]) == {}
    assert throttled["writes"] == {"aws": [], "azure": [], "gcp": []}


@pytest.mark.parametrize("check", mc.ARCHITECTURE, ids=lambda c: c.__name__.removeprefix("check_"))
def test_state_read_back_is_the_whole_architecture(throttled, check):
    check(throttled["clouds"])
