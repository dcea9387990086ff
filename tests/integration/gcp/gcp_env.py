"""Constants and helpers shared by the GCP module tests (a unique module name: every test tree has a conftest)."""

from __future__ import annotations

PROJECT = "sandbox-project"
REGION = "us-east1"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def wait_op(session, gcp, op: dict):
    """Wait for a compute Operation answered to a raw request."""
    path = op["selfLink"].split("/compute/v1/", 1)[1]
    done = session.post(gcp.compute_endpoint + path + "/wait").json()
    assert done["status"] == "DONE" and "error" not in done, done
    return done
