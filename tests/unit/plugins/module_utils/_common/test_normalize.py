"""Canonical forms: CIDRs, policies as documents, tags, and the change recorder and bounded waits."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    CloudnetError,
    ValidationError,
    WaitTimeoutError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    canonical_policy,
    find_overlaps,
    policies_equal,
    tag_changes,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until


@pytest.mark.parametrize("value, expected", [
    ("10.0.0.0/16", "10.0.0.0/16"), (" 10.0.0.0/8 ", "10.0.0.0/8"), ("2001:DB8::/32", "2001:db8::/32"),
])
def test_canonical_cidr(value, expected):
    assert canonical_cidr(value, "f") == expected


@pytest.mark.parametrize("value, fragment", [
    ("10.0.0.1/16", "use 10.0.0.0/16"), ("10.0.0.0", "no prefix length"), ("banana", "not a valid CIDR"),
    (None, "not a valid CIDR"),
])
def test_canonical_cidr_rejects(value, fragment):
    with pytest.raises(ValidationError) as err:
        canonical_cidr(value, "routes[2].cidr")
    assert "routes[2].cidr" in err.value.message and fragment in err.value.message


def test_find_overlaps():
    found = find_overlaps([("a", "10.0.0.0/16"), ("b", "10.0.128.0/17"), ("c", "10.1.0.0/16")])
    assert found == [("a", "10.0.0.0/16", "b", "10.0.128.0/17")]


@pytest.mark.parametrize("a, b, equal", [
    ('{"Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Principal":"*"}]}',
     {"Statement": {"Principal": {"AWS": "*"}, "Resource": ["*"], "Action": ["s3:GetObject"], "Effect": "Allow"}},
     True),
    ({"Statement": [{"Action": ["b", "a"]}, {"Action": "c"}]}, {"Statement": [{"Action": "c"}, {"Action": ["a", "b"]}]},
     True),
    ({"Statement": [{"Action": "a", "Effect": "Allow"}]}, {"Statement": [{"Action": "a", "Effect": "Deny"}]}, False),
    ({"Statement": [{"Resource": ["arn:1", "arn:2"]}]}, {"Statement": [{"Resource": ["arn:1"]}]}, False),
    (None, "", True),
])
def test_policies_compared_as_documents(a, b, equal):
    assert policies_equal(a, b) is equal


def test_canonical_policy_keeps_condition_values():
    doc = {"Statement": [{"Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}}]}
    assert canonical_policy(doc)["Statement"][0]["Condition"] == {"StringEquals": {"aws:PrincipalOrgID": ["o-1"]}}


@pytest.mark.parametrize("have, want, purge, to_set, to_unset", [
    ({"a": "1"}, {"a": "1"}, True, {}, []),
    ({"a": "1", "b": "2"}, {"a": "2"}, True, {"a": "2"}, ["b"]),
    ({"a": "1", "b": "2"}, {"a": "1"}, False, {}, []),
    ({"cloudnet:managed-by": "x", "aws:cloudformation:stack": "s"}, {}, True, {}, []),
])
def test_tag_changes(have, want, purge, to_set, to_unset):
    assert tag_changes(have, want, purge, protected=("cloudnet:managed-by",)) == (to_set, to_unset)


def test_changes_check_mode_records_without_calling():
    calls = []
    changes = Changes(check_mode=True)
    assert changes.do("create", "x", lambda: calls.append(1)) is None
    assert calls == [] and changes.changed
    result = changes.result("thing", None, {"id": None})
    assert result["operations"] == [{"action": "create", "target": "x"}] and result["thing"] == {"id": None}


def test_changes_apply_mode_calls_once():
    changes = Changes(check_mode=False)
    assert changes.do("create", "x", lambda: 42, detail=None) == 42
    assert changes.operations == [{"action": "create", "target": "x"}]


def test_wait_until_returns_ready_value():
    values = iter(["pending", "pending", "available"])
    got = wait_until(lambda: next(values), lambda v: v == "available", "thing", 10, sleep=lambda s: None)
    assert got == "available"


def test_wait_until_is_bounded():
    now = [0.0]

    def clock():
        return now[0]

    def sleep(seconds):
        now[0] += seconds

    with pytest.raises(WaitTimeoutError) as err:
        wait_until(lambda: "pending", lambda v: False, "endpoint vpce-1", 30, clock=clock, sleep=sleep)
    assert "vpce-1" in err.value.message and "pending" in err.value.message
    assert now[0] <= 30.0001


def test_wait_until_fails_fast_on_failed_state():
    with pytest.raises(CloudnetError) as err:
        wait_until(lambda: "failed", lambda v: False, "x", 10, failed=lambda v: v == "failed", sleep=lambda s: None)
    assert "failed state" in err.value.message
