"""GcpConnection without a network: settings, retries, error translation, bounded operation waits."""

from __future__ import annotations

import json

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CredentialsError,
    NotFoundError,
    WaitTimeoutError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import connection as gc


class Response:
    def __init__(self, status, body=None, headers=None):
        self.status_code = status
        self.headers = dict(headers or {})
        self._body = body
        self.content = b"" if body is None else json.dumps(body).encode()
        self.text = self.content.decode()

    def json(self):
        return self._body


def envelope(code, reason, message="m"):
    return {"error": {"code": code, "message": message, "status": "X",
                      "errors": [{"reason": reason, "message": message, "domain": "global"}]}}


class Session:
    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []

    def request(self, method, url, json=None, params=None, timeout=None):
        self.requests.append({"method": method, "url": url, "json": json, "params": params})
        return self.answers.pop(0)


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def conn(answers, **params):
    params.setdefault("project", "p")
    sleeps = []
    c = gc.GcpConnection(params, session=Session(answers), sleep=sleeps.append)
    return c, sleeps


@pytest.fixture(autouse=True)
def no_gcp_env(monkeypatch):
    for name in ("GCP_PROJECT", "GCP_AUTH_KIND", "GCP_SERVICE_ACCOUNT_FILE", "GCP_API_ENDPOINT", "GCP_COMPUTE_ENDPOINT",
                 "GCP_DNS_ENDPOINT", "GCP_SCOPES", "GCP_SERVICE_ACCOUNT_CONTENTS"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize("params, env, compute, dns", [
    ({}, {}, gc.COMPUTE_DEFAULT, gc.DNS_DEFAULT),
    ({"api_endpoint": "http://127.0.0.1:9"}, {}, "http://127.0.0.1:9/compute/v1/", "http://127.0.0.1:9/dns/v1/"),
    ({}, {"GCP_API_ENDPOINT": "http://h/"}, "http://h/compute/v1/", "http://h/dns/v1/"),
    ({"api_endpoint": "http://h"}, {"GCP_COMPUTE_ENDPOINT": "http://c/compute/v1"}, "http://c/compute/v1/",
     "http://h/dns/v1/"),
    ({"dns_endpoint": "http://d/dns/v1/"}, {"GCP_DNS_ENDPOINT": "http://ignored/"}, gc.COMPUTE_DEFAULT,
     "http://d/dns/v1/"),
])
def test_endpoints_resolve_option_then_env_then_default(monkeypatch, params, env, compute, dns):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    settings = gc.resolve_settings(params)
    assert (settings["compute"], settings["dns"]) == (compute, dns)


def test_project_and_scopes_from_env(monkeypatch):
    monkeypatch.setenv("GCP_PROJECT", "envp")
    monkeypatch.setenv("GCP_SCOPES", "a,b")
    settings = gc.resolve_settings({})
    assert settings["project"] == "envp" and settings["scopes"] == ["a", "b"]
    assert gc.resolve_settings({"project": "opt"})["project"] == "opt"
    assert gc.resolve_settings({"scopes": None})["scopes"] == ["a", "b"]


def test_no_project_is_a_credentials_error():
    with pytest.raises(CredentialsError, match="GCP_PROJECT"):
        gc.GcpConnection({})


def test_bad_service_account_contents_is_a_credentials_error_without_the_secret():
    c = gc.GcpConnection({"project": "p", "service_account_contents": '{"type": "service_account", "pk": "SECRET"}'})
    with pytest.raises(CredentialsError) as err:
        c.session  # noqa: B018
    assert "SECRET" not in str(err.value)


@pytest.mark.parametrize("status, reason", [(429, "rateLimitExceeded"), (503, "backendError"), (500, "x"),
                                            (403, "rateLimitExceeded"), (400, "resourceNotReady")])
def test_retryable_answers_are_retried_then_succeed(status, reason):
    c, sleeps = conn([Response(status, envelope(status, reason)), Response(200, {"ok": 1})])
    assert c.get("compute", "projects/p/global/networks/n") == {"ok": 1}
    assert len(sleeps) == 1 and 0 < sleeps[0] <= 0.5


def test_a_retry_after_header_holds_the_retry_back_within_the_cap():
    throttled = Response(429, envelope(429, "rateLimitExceeded"), {"Retry-After": "3"})
    c, sleeps = conn([throttled, Response(200, {"ok": 1})])
    assert c.get("compute", "projects/p/global/networks/n") == {"ok": 1}
    assert sleeps == [3.0]


@pytest.mark.parametrize("header, backoff, expect", [
    (None, 0.4, 0.4),                                   # absent: the jittered back-off
    ("", 0.4, 0.4),
    ("0", 0.4, 0.4),                                    # never shorter than the back-off
    ("2", 0.4, 2.0),
    ("7200", 0.4, gc.RETRY_AFTER_CAP),                  # bounded
    ("soon", 0.4, 0.4),                                 # unparsable: ignored
    ("nan", 0.4, 0.4),
    ("Wed, 21 Oct 2015 07:28:05 GMT", 0.4, 5.0),        # an HTTP date, 5 s after "now"
])
def test_retry_delay(header, backoff, expect):
    now = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT
    assert gc.retry_delay(header, backoff, now=now) == pytest.approx(expect)


def test_insert_keeps_one_request_id_across_retries():
    c, _sleeps = conn([Response(503, envelope(503, "backendError")), Response(200, {"status": "DONE"})])
    c.request("POST", "compute", "projects/p/global/routes", body={"name": "r"})
    ids = [r["params"]["requestId"] for r in c._session.requests]
    assert len(ids) == 2 and ids[0] == ids[1]


def test_operation_wait_calls_do_not_carry_a_request_id():
    c, _sleeps = conn([Response(200, {"status": "DONE"})])
    c.request("POST", "compute", "projects/p/global/operations/op/wait")
    assert c._session.requests[0]["params"] is None


def test_retries_are_bounded():
    c, sleeps = conn([Response(429, envelope(429, "rateLimitExceeded"))] * 3, retries=2)
    with pytest.raises(ApiError) as err:
        c.get("compute", "x")
    assert err.value.code == "rateLimitExceeded" and len(sleeps) == 2


@pytest.mark.parametrize("status, reason, hint", [(403, "forbidden", "Network Admin"),
                                                  (412, "conditionNotMet", "re-run"),
                                                  (400, "resourceInUseByAnotherResource", "remove what uses")])
def test_errors_are_translated_with_a_fix(status, reason, hint):
    c, sleeps = conn([Response(status, envelope(status, reason, "boom"))])
    with pytest.raises(ApiError) as err:
        c.request("PATCH", "compute", "projects/p/regions/r/routers/x", operation="update router x")
    assert not sleeps
    assert err.value.status == status and reason in err.value.message and hint in err.value.message
    assert err.value.message.startswith("GCP update router x failed")


def test_not_found_raises_or_returns_none():
    c, _sleeps = conn([Response(404, envelope(404, "notFound")), Response(404, envelope(404, "notFound"))])
    assert c.get("dns", "projects/p/managedZones/z", not_found=True) is None
    with pytest.raises(NotFoundError):
        c.get("dns", "projects/p/managedZones/z")


def test_list_follows_page_tokens():
    c, _sleeps = conn([Response(200, {"items": [1, 2], "nextPageToken": "t"}), Response(200, {"items": [3]})])
    assert c.list("compute", "projects/p/global/routes") == [1, 2, 3]
    assert c._session.requests[1]["params"] == {"pageToken": "t"}


def test_wait_operation_polls_wait_until_done():
    op = {"status": "PENDING", "name": "op1", "selfLink": "http://h/compute/v1/projects/p/regions/r/operations/op1"}
    c, _sleeps = conn([Response(200, dict(op, status="RUNNING")), Response(200, dict(op, status="DONE"))])
    assert c.wait_operation(op, 60, "create x")["status"] == "DONE"
    wait_url = gc.COMPUTE_DEFAULT + "projects/p/regions/r/operations/op1/wait"
    assert [r["url"] for r in c._session.requests] == [wait_url] * 2


def test_wait_operation_raises_the_operation_error():
    op = {"status": "DONE", "name": "op1", "httpErrorStatusCode": 403,
          "error": {"errors": [{"code": "QUOTA_EXCEEDED", "message": "Quota 'VPN_TUNNELS' exceeded."}]}}
    c, _sleeps = conn([])
    with pytest.raises(ApiError) as err:
        c.wait_operation(op, 60, "create tunnel t")
    assert err.value.code == "QUOTA_EXCEEDED" and "VPN_TUNNELS" in err.value.message and err.value.status == 403


def test_wait_operation_is_bounded():
    clock = Clock()
    running = {"status": "RUNNING", "name": "op1", "selfLink": "x/compute/v1/projects/p/global/operations/op1"}

    class Ticking(Session):
        def request(self, *a, **kw):
            clock.now += 30
            return super().request(*a, **kw)

    c = gc.GcpConnection({"project": "p"}, session=Ticking([Response(200, running)] * 10), clock=clock)
    with pytest.raises(WaitTimeoutError):
        c.wait_operation(running, 60, "create x")
    assert len(c._session.requests) <= 3


def test_lazy_connection_is_built_on_first_use():
    lazy = gc.LazyConnection({})
    with pytest.raises(CredentialsError):
        lazy.project  # noqa: B018


def test_a_timed_out_wait_call_counts_as_still_running_and_the_wait_stays_bounded():
    import requests

    clock = Clock()
    running = {"status": "RUNNING", "name": "op1", "selfLink": "x/compute/v1/projects/p/global/operations/op1"}

    class Blocking(Session):
        def request(self, method, url, json=None, params=None, timeout=None):
            self.requests.append({"timeout": timeout})
            clock.now += timeout
            raise requests.exceptions.ReadTimeout("read timed out")

    c = gc.GcpConnection({"project": "p"}, session=Blocking([]), clock=clock)
    with pytest.raises(WaitTimeoutError):
        c.wait_operation(running, 10, "create x")
    assert c._session.requests[0]["timeout"] == 11.0 and clock.now <= 12


@pytest.mark.parametrize("method, path, expect", [
    ("POST", "projects/p/global/routes", True),
    ("DELETE", "projects/p/global/routes/r", True),
    ("PATCH", "projects/p/regions/r/routers/x", True),
    ("POST", "projects/p/regions/r/vpnGateways/g/setLabels", True),
    ("POST", "projects/p/global/externalVpnGateways/g/setLabels", False),
    ("POST", "projects/p/regions/r/operations/o/wait", False),
    ("GET", "projects/p/global/routes", False),
])
def test_request_id_only_where_the_discovery_document_has_it(method, path, expect):
    assert gc.takes_request_id(method, path) is expect


def test_missing_libraries_fail_with_a_credentials_error(monkeypatch):
    monkeypatch.setattr(gc, "HAS_GOOGLE_AUTH", False)
    monkeypatch.setattr(gc, "IMPORT_ERROR", "No module named 'google'")
    for name in ("_TRANSPORT_ERRORS", "_READ_TIMEOUT", "_AUTH_ERRORS"):
        monkeypatch.setattr(gc, name, ())
    c = gc.GcpConnection({"project": "p"})
    with pytest.raises(CredentialsError, match="google-auth"):
        c.get("compute", "projects/p/global/networks")
    with pytest.raises(CredentialsError):
        c.wait_operation({"status": "RUNNING", "name": "o"}, 5, "x")
