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

RATE = mc.THROTTLE_RATE


@pytest.fixture(scope="module")
def throttled(request, tmp_path_factory):
    # Started by test_site_multicloud.py when both modules run in one session (they then overlap), else here.
    background = mc.background_throttled(request.config, tmp_path_factory)
    yield background.wait()
    background.release()


def test_throttling_was_injected_in_every_cloud_at_about_the_rate_asked(throttled):
    # Each emulator draws from its own seeded generator; which calls it throttles depends on the order the
    # calls arrive in, so the share is checked against a wide band around RATE, not an exact count.
    for cloud, fired in throttled["fired"].items():
        total = throttled["totals"][cloud]
        assert total > 20, (cloud, total)
        assert max(3, 0.05 * total) <= fired <= 2 * RATE * total, (cloud, fired, total)


def test_the_throttled_run_succeeded_and_built(throttled):
    hosts = mc.recap(throttled["first"])
    assert all(v["failed"] == 0 for v in hosts.values()), hosts
    assert mc.changed_hosts(throttled["first"])  # it did the building


def test_without_faults_a_second_run_changes_nothing_in_any_cloud(throttled):
    assert mc.changed_hosts(throttled["second"]) == {}, mc.changed_tasks(throttled["second"])
    assert throttled["writes"] == {"aws": [], "azure": [], "gcp": []}


@pytest.mark.parametrize("check", mc.ARCHITECTURE, ids=lambda c: c.__name__.removeprefix("check_"))
def test_state_read_back_is_the_whole_architecture(throttled, check):
    check(throttled["clouds"])
