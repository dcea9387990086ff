"""Fixtures for the GCP emulator tests: one emulator per session on a free port.

Every raw HTTP answer goes through ``Api``, which checks it against the discovery document's schema
of the method it answers (or against the Google error envelope), so no test reads an unchecked body.
"""

from __future__ import annotations

import pathlib
import sys
from urllib.parse import urlsplit

ROOT = pathlib.Path(__file__).resolve().parents[3]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402
from google.auth.transport.requests import AuthorizedSession  # noqa: E402
from google.oauth2 import service_account  # noqa: E402

from sandbox.gcp import start  # noqa: E402
from sandbox.gcp.discovery import Router, validate_response  # noqa: E402

PROJECT = "sandbox-project"
REGION = "us-east1"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
ROUTER = Router()


def check_envelope(body: dict, status: int):
    """Assert the Google JSON error envelope."""
    error = body["error"]
    assert error["code"] == status
    assert isinstance(error["message"], str) and error["message"]
    assert isinstance(error["status"], str) and error["status"].isupper()
    assert error["errors"] and {"message", "domain", "reason"} <= set(error["errors"][0])


class Api:
    """Raw HTTP through google-auth's AuthorizedSession, every answer schema-checked."""

    def __init__(self, emulator, session):
        self.emulator = emulator
        self.session = session

    def url(self, path: str) -> str:
        if path.startswith("http"):
            return path
        api, _, rest = path.partition(":")
        base = self.emulator.compute_endpoint if api == "compute" else self.emulator.dns_endpoint
        return base + rest.lstrip("/")

    def call(self, http_method: str, path: str, **kwargs):
        response = self.session.request(http_method, self.url(path), **kwargs)
        route = urlsplit(response.request.url).path.lstrip("/")
        if response.status_code >= 400:
            check_envelope(response.json(), response.status_code)
        elif response.content:
            method, _ = ROUTER.match(http_method, route)
            assert method is not None, route
            validate_response(method.api, response.json(), method.response)
        return response

    def get(self, path, **kw):
        return self.call("GET", path, **kw)

    def post(self, path, **kw):
        return self.call("POST", path, **kw)

    def patch(self, path, **kw):
        return self.call("PATCH", path, **kw)

    def put(self, path, **kw):
        return self.call("PUT", path, **kw)

    def delete(self, path, **kw):
        return self.call("DELETE", path, **kw)

    def done(self, response, status=200):
        """Wait for the Operation a write answered with; return the finished operation."""
        assert response.status_code == status, response.text
        op = response.json()
        assert op["kind"] == "compute#operation"
        where = op["selfLink"].split("/compute/v1/", 1)[1]
        finished = self.post(f"compute:{where}/wait").json()
        assert finished["status"] == "DONE"
        return finished

    def ok(self, response, status=200):
        """Like done(), and assert the operation succeeded."""
        op = self.done(response, status)
        assert "error" not in op, op
        return op


@pytest.fixture(scope="session")
def emulator(tmp_path_factory):
    emu = start(state_dir=tmp_path_factory.mktemp("gcp"), operation_seconds=None)
    yield emu
    emu.stop()


@pytest.fixture(autouse=True)
def clean(emulator):
    emulator.reset()
    emulator.operation_polls = 1
    emulator.operation_seconds = None
    emulator.allow_anonymous = False
    yield


@pytest.fixture(scope="session")
def credentials(emulator):
    return service_account.Credentials.from_service_account_file(emulator.service_account_file, scopes=SCOPES)


@pytest.fixture(scope="session")
def api(emulator, credentials):
    return Api(emulator, AuthorizedSession(credentials))


@pytest.fixture
def network(api):
    """A custom-mode network with one subnetwork in REGION."""
    api.ok(
        api.post(
            f"compute:projects/{PROJECT}/global/networks",
            json={"name": "hub", "autoCreateSubnetworks": False},
        )
    )
    api.ok(
        api.post(
            f"compute:projects/{PROJECT}/regions/{REGION}/subnetworks",
            json={
                "name": "hub-a",
                "network": f"projects/{PROJECT}/global/networks/hub",
                "ipCidrRange": "10.10.0.0/24",
            },
        )
    )
    return api.get(f"compute:projects/{PROJECT}/global/networks/hub").json()
