"""GCP preflight and the connection layer's credential/connection-error translation (no network)."""

from __future__ import annotations

import json

import pytest
import requests

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CredentialsError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import connection as gc
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.preflight import project

PARAMS = {"project": "corp-network-hub", "request_timeout": 5, "retries": 1}


class Response:
    def __init__(self, status, body=None):
        self.status_code = status
        self.headers = {}
        self._body = body
        self.content = b"" if body is None else json.dumps(body).encode()
        self.text = self.content.decode()

    def json(self):
        return self._body


class Session:
    def __init__(self, answers):
        self.answers = list(answers)
        self.requests = []

    def request(self, method, url, json=None, params=None, timeout=None):
        self.requests.append({"method": method, "url": url, "params": params, "timeout": timeout})
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def conn(answers, **params):
    p = dict(PARAMS, **params)
    return gc.GcpConnection(p, session=Session(answers), sleep=lambda s: None), p


@pytest.fixture(autouse=True)
def no_gcp_env(monkeypatch):
    for name in ("GCP_PROJECT", "GCP_COMPUTE_ENDPOINT", "GCP_DNS_ENDPOINT", "GCP_API_ENDPOINT"):
        monkeypatch.delenv(name, raising=False)


def test_project_reads_compute_then_dns():
    c, p = conn([Response(200, {"name": "corp-network-hub", "id": "123"}), Response(200, {"managedZones": []})])
    assert project(p, c) == {"project": "corp-network-hub", "project_number": "123",
                             "compute_endpoint": gc.COMPUTE_DEFAULT, "dns_endpoint": gc.DNS_DEFAULT}
    first, second = c.session.requests
    assert first["url"] == gc.COMPUTE_DEFAULT + "projects/corp-network-hub" and first["timeout"] == 5
    assert second["url"] == gc.DNS_DEFAULT + "projects/corp-network-hub/managedZones"
    assert second["params"] == {"maxResults": 1}
    assert {r["method"] for r in c.session.requests} == {"GET"}


def test_an_unknown_project_names_the_setting():
    c, p = conn([Response(404, {"error": {"code": 404, "message": "not found",
                                          "errors": [{"reason": "notFound"}]}})])
    with pytest.raises(CredentialsError) as err:
        project(p, c)
    assert "GCP project corp-network-hub does not exist or the service account cannot see it" in err.value.message
    assert "GCP_PROJECT" in err.value.message


@pytest.mark.parametrize("value", ["Corp_Hub", "123456789", "hub"])
def test_a_malformed_project_is_refused_before_any_request(value):
    c, p = conn([], project=value)
    with pytest.raises(ValidationError) as err:
        project(p, c)
    assert c.session.requests == [] and "GCP_PROJECT" in err.value.message


def bounded(answers, **params):
    """The connection the preflight builds (busy retries apart from connect retries), on a fake session."""
    p = dict(PARAMS, **params)
    c = gc.GcpConnection(dict(p, retries=8, connect_retries=p["retries"]), session=Session(answers),
                         sleep=lambda s: None)
    return c, p


def test_an_unreachable_endpoint_is_retried_as_asked_then_named():
    failure = requests.exceptions.ConnectionError("Connection refused")
    c, p = bounded([failure, failure], compute_endpoint="http://127.0.0.1:9/compute/v1/")
    with pytest.raises(ApiError) as err:
        project(p, c)
    assert len(c.session.requests) == 2  # retries=1: two attempts, no more
    assert "the compute endpoint http://127.0.0.1:9/compute/v1/ did not answer" in err.value.message
    assert "GCP_COMPUTE_ENDPOINT" in err.value.message
    assert err.value.message.startswith("GCP preflight for project corp-network-hub:")


def test_throttling_is_waited_out_apart_from_the_connect_retries():
    throttled = Response(429, {"error": {"code": 429, "message": "slow", "errors": [{"reason": "rateLimitExceeded"}]}})
    failure = requests.exceptions.ConnectionError("reset")
    c, p = bounded([throttled] * 5 + [failure, Response(200, {"name": "corp-network-hub", "id": "1"}),
                                      Response(200, {})], retries=1)
    assert project(p, c)["project"] == "corp-network-hub"
    assert len(c.session.requests) == 8


def test_the_preflight_builds_its_connection_with_split_retry_budgets(monkeypatch):
    built = {}

    class Recording(gc.GcpConnection):
        def __init__(self, params, **kw):
            built.update(params)
            super().__init__(params, session=Session([Response(200, {"name": "corp-network-hub"}),
                                                      Response(200, {})]), **kw)

    monkeypatch.setattr("ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.preflight.GcpConnection",
                        Recording)
    project(dict(PARAMS, retries=2))
    assert (built["retries"], built["connect_retries"], built["request_timeout"]) == (8, 2, 5)


@pytest.mark.parametrize("status, fragment", [(401, "GCP_SERVICE_ACCOUNT_FILE"), (403, "project / GCP_PROJECT")])
def test_refusals_name_the_settings(status, fragment):
    c, p = conn([Response(status, {"error": {"code": status, "message": "no", "errors": [{"reason": "x"}]}})])
    with pytest.raises(ApiError) as err:
        project(p, c)
    assert fragment in err.value.message


def test_a_missing_key_file_names_the_variable(tmp_path):
    c = gc.GcpConnection({"project": "corp-network-hub", "service_account_file": str(tmp_path / "none.json")})
    with pytest.raises(CredentialsError) as err:
        assert c.session is None
    assert f"service_account_file '{tmp_path / 'none.json'}'" in err.value.message
    assert "GCP_SERVICE_ACCOUNT_FILE" in err.value.message
