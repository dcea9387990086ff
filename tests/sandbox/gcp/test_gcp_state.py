"""Persistence across restarts when a state directory is given, and the start() contract."""

from __future__ import annotations

import requests
from google.auth.transport.requests import AuthorizedSession
from google.oauth2 import service_account

from sandbox.gcp import start

SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def session_for(emulator):
    creds = service_account.Credentials.from_service_account_file(
        emulator.service_account_file, scopes=SCOPES
    )
    return AuthorizedSession(creds)


def test_state_and_key_survive_a_restart(tmp_path):
    first = start(state_dir=tmp_path, project="other-project", operation_polls=0)
    try:
        assert first.port and first.url == f"http://127.0.0.1:{first.port}"
        base = first.compute_endpoint + "projects/other-project/global/networks"
        op = session_for(first).post(base, json={"name": "kept", "autoCreateSubnetworks": False}).json()
        wait = first.compute_endpoint + f"projects/other-project/global/operations/{op['name']}/wait"
        assert session_for(first).post(wait).json()["status"] == "DONE"
        key_id = requests.compat.json.loads((tmp_path / "gcp-service-account.json").read_text())[
            "private_key_id"
        ]
    finally:
        first.stop()
    second = start(state_dir=tmp_path, project="other-project")
    try:
        info = requests.compat.json.loads((tmp_path / "gcp-service-account.json").read_text())
        assert info["private_key_id"] == key_id and info["token_uri"] == second.url + "/token"
        got = session_for(second).get(second.compute_endpoint + "projects/other-project/global/networks/kept")
        assert got.status_code == 200 and got.json()["name"] == "kept"
        assert (
            got.json()["selfLink"] == second.compute_endpoint + "projects/other-project/global/networks/kept"
        )
    finally:
        second.stop()
