"""Fixtures for the GCP module tests: one GCP emulator per session, official clients to read state back.

Overrides ``module`` and ``four_pass`` of tests/integration/conftest.py with GCP versions; check mode is
checked against the emulator's record of mutating calls.
"""

from __future__ import annotations

import pathlib
import sys
import uuid

ROOT = pathlib.Path(__file__).resolve().parents[3]
for path in (ROOT, ROOT / "tests" / "integration"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import pytest  # noqa: E402
from google.auth.transport.requests import AuthorizedSession  # noqa: E402
from google.cloud import compute_v1  # noqa: E402
from google.oauth2 import service_account  # noqa: E402
from googleapiclient import discovery  # noqa: E402
from harness import run_module  # noqa: E402

from sandbox.gcp import start  # noqa: E402

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from gcp_env import PROJECT, REGION, SCOPES, wait_op  # noqa: E402


@pytest.fixture(scope="session")
def gcp(tmp_path_factory):
    emu = start(state_dir=tmp_path_factory.mktemp("gcp-modules"), operation_seconds=None)
    yield emu
    emu.stop()


@pytest.fixture(scope="session")
def credentials(gcp):
    return service_account.Credentials.from_service_account_file(gcp.service_account_file, scopes=SCOPES)


@pytest.fixture(scope="session")
def compute(gcp, credentials):
    """google-cloud-compute REST clients on the emulator: ``compute("Routers")``."""
    cache = {}

    def client(kind: str):
        if kind not in cache:
            cls = getattr(compute_v1, f"{kind}Client")
            cache[kind] = cls(credentials=credentials, transport="rest", client_options={"api_endpoint": gcp.url})
        return cache[kind]

    return client


@pytest.fixture(scope="session")
def dns_api(gcp, credentials):
    """google-api-python-client Cloud DNS v1 (static discovery document) on the emulator."""
    return discovery.build("dns", "v1", credentials=credentials, static_discovery=True,
                           client_options={"api_endpoint": gcp.url + "/"})


@pytest.fixture(scope="session")
def session(credentials):
    return AuthorizedSession(credentials)


@pytest.fixture
def uid():
    return uuid.uuid4().hex[:8]


@pytest.fixture
def module(gcp):
    """``module(name, args, check=False, expect_failure=False)`` runs a collection module on the emulator."""

    def _run(name, args, check=False, expect_failure=False, env=None):
        merged = dict(gcp.env())
        merged.update(env or {})
        return run_module(name, args, merged, check=check, expect_failure=expect_failure)

    return _run


@pytest.fixture
def four_pass(gcp, module):
    """Check, apply, check, apply: the first two change, the last two do not; check mode writes nothing."""

    def _four(name, args, result_key):
        before = gcp.calls.count(mutating=True)
        check1 = module(name, args, check=True)
        assert gcp.calls.count(mutating=True) == before, f"{name} made mutating API calls in check mode"
        assert check1["changed"] is True, f"check mode on a fresh resource should report a change: {check1}"
        assert check1["operations"], "check mode should show the planned operations"
        apply1 = module(name, args)
        assert apply1["changed"] is True
        assert gcp.calls.count(mutating=True) > before
        assert set(check1[result_key]) <= set(apply1[result_key]), "check result shape differs"
        assert [op["action"] for op in check1["operations"]] == [op["action"] for op in apply1["operations"]]
        mark = gcp.calls.count(mutating=True)
        check2 = module(name, args, check=True)
        assert check2["changed"] is False, f"second check should be clean: {check2['operations']}"
        apply2 = module(name, args)
        assert apply2["changed"] is False, f"second apply should be clean: {apply2['operations']}"
        assert gcp.calls.count(mutating=True) == mark, "an unchanged run wrote"
        assert apply2[result_key] == apply1[result_key]
        return apply1

    return _four


@pytest.fixture
def network(gcp, session, uid):
    """A fresh custom-mode network with one subnetwork in REGION; returns its name."""
    name = f"net-{uid}"
    base = gcp.compute_endpoint + f"projects/{PROJECT}/"
    wait_op(session, gcp, session.post(base + "global/networks",
                                       json={"name": name, "autoCreateSubnetworks": False}).json())
    wait_op(session, gcp, session.post(base + f"regions/{REGION}/subnetworks", json={
        "name": f"{name}-a", "network": f"projects/{PROJECT}/global/networks/{name}",
        "ipCidrRange": f"10.{int(uid[:2], 16)}.0.0/24"}).json())
    return name
