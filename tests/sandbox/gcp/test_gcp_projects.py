"""compute.projects.get, the read the collection's GCP preflight makes, through the official clients."""

from __future__ import annotations

import pytest
from conftest import PROJECT, SCOPES
from google.api_core import exceptions
from google.cloud import compute_v1
from google.oauth2 import service_account

from sandbox.gcp import start


def test_projects_get_answers_the_project(emulator, credentials, api):
    client = compute_v1.ProjectsClient(credentials=credentials, client_options={"api_endpoint": emulator.url},
                                       transport="rest")
    project = client.get(project=PROJECT)
    assert project.name == PROJECT
    assert project.id > 0
    assert project.self_link.endswith(f"/projects/{PROJECT}")
    assert project.xpn_project_status == "UNSPECIFIED_XPN_PROJECT_STATUS"
    # The raw answer conforms to the discovery document's Project schema (Api checks every body).
    response = api.get(f"compute:projects/{PROJECT}")
    assert response.status_code == 200
    raw = response.json()
    assert raw["kind"] == "compute#project" and raw["id"] == str(project.id)
    calls = emulator.calls.calls(collection="projects", method="get")
    assert calls and not any(c["mutating"] for c in calls)


def test_projects_get_of_a_project_the_api_does_not_accept_is_not_found(tmp_path):
    emulator = start(state_dir=tmp_path, projects=[PROJECT])
    try:
        credentials = service_account.Credentials.from_service_account_file(emulator.service_account_file,
                                                                             scopes=SCOPES)
        client = compute_v1.ProjectsClient(credentials=credentials, client_options={"api_endpoint": emulator.url},
                                           transport="rest")
        with pytest.raises(exceptions.NotFound):
            client.get(project="other-project-1")
        assert client.get(project=PROJECT).name == PROJECT
    finally:
        emulator.stop()
