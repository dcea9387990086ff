"""GCP brownfield of the sandbox: the network the inventory's host ``gcp-hub`` links to AWS.

``seed_gcp()`` creates, idempotently over the Compute REST API with google-auth's AuthorizedSession and the
environment's GCP_* variables (the sandbox's env.sh): the custom-mode network ``gcp-hub`` and its subnetwork
``gcp-hub-a`` 10.210.1.0/24 in us-east1. A second call finds both and writes nothing.
"""

from __future__ import annotations

import os

NETWORK = "gcp-hub"
REGION = "us-east1"
SUBNETWORK = "gcp-hub-a"
IP_CIDR_RANGE = "10.210.1.0/24"
SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]


def session_for(env=None):
    """``(AuthorizedSession, compute endpoint, project)`` from the GCP_* variables."""
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2 import service_account

    env = os.environ if env is None else env
    credentials = service_account.Credentials.from_service_account_file(env["GCP_SERVICE_ACCOUNT_FILE"], scopes=SCOPES)
    endpoint = env["GCP_COMPUTE_ENDPOINT"]
    return AuthorizedSession(credentials), endpoint if endpoint.endswith("/") else endpoint + "/", env["GCP_PROJECT"]


def _insert(session, endpoint: str, collection: str, body: dict) -> None:
    answer = session.post(endpoint + collection, json=body, timeout=60)
    if answer.status_code >= 400:
        raise RuntimeError(f"POST {collection}: {answer.status_code} {answer.text[:300]}")
    op = answer.json()
    path = op["selfLink"].split("/compute/v1/", 1)[1]
    for _attempt in range(30):  # operations.wait blocks up to ~2 minutes each on GCP
        op = session.post(endpoint + path + "/wait", timeout=180).json()
        if op.get("status") == "DONE":
            break
    if op.get("status") != "DONE" or op.get("error"):
        raise RuntimeError(f"POST {collection}: operation {op.get('status')} {op.get('error')}")


def _exists(session, endpoint: str, path: str) -> bool:
    answer = session.get(endpoint + path, timeout=60)
    if answer.status_code == 404:
        return False
    if answer.status_code >= 400:
        raise RuntimeError(f"GET {path}: {answer.status_code} {answer.text[:300]}")
    return True


def seed_gcp(env=None) -> dict:
    """Create what is missing; return the seeded names (and whether anything was created)."""
    session, endpoint, project = session_for(env)
    base = f"projects/{project}/"
    created = False
    if not _exists(session, endpoint, base + f"global/networks/{NETWORK}"):
        _insert(session, endpoint, base + "global/networks", {
            "name": NETWORK, "autoCreateSubnetworks": False,
            "description": "sandbox brownfield: the application network linked to AWS"})
        created = True
    if not _exists(session, endpoint, base + f"regions/{REGION}/subnetworks/{SUBNETWORK}"):
        _insert(session, endpoint, base + f"regions/{REGION}/subnetworks", {
            "name": SUBNETWORK, "network": base + f"global/networks/{NETWORK}", "ipCidrRange": IP_CIDR_RANGE})
        created = True
    return {"project": project, "network": NETWORK, "region": REGION, "subnetwork": SUBNETWORK,
            "ip_cidr_range": IP_CIDR_RANGE, "created": created}
