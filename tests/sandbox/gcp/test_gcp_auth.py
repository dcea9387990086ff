"""Authentication: the token endpoint, bearer checks and the 401 envelopes."""

from __future__ import annotations

import json

import pytest
import requests
from conftest import PROJECT, SCOPES, check_envelope
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from google.auth import credentials as ga_credentials
from google.auth import exceptions as auth_exceptions
from google.auth import jwt
from google.auth.transport.requests import AuthorizedSession, Request
from google.oauth2 import service_account


def networks_url(emulator):
    return emulator.compute_endpoint + f"projects/{PROJECT}/global/networks"


def test_service_account_file_points_at_the_emulator(emulator):
    info = json.loads(open(emulator.service_account_file).read())
    assert info["type"] == "service_account" and info["project_id"] == PROJECT
    assert info["token_uri"] == emulator.url + "/token"
    env = emulator.env()
    assert env == {
        "GCP_PROJECT": PROJECT,
        "GCP_AUTH_KIND": "serviceaccount",
        "GCP_SERVICE_ACCOUNT_FILE": emulator.service_account_file,
        "GCP_COMPUTE_ENDPOINT": emulator.url + "/compute/v1/",
        "GCP_DNS_ENDPOINT": emulator.url + "/dns/v1/",
    }


def test_token_endpoint_issues_access_tokens(credentials, emulator):
    fresh = credentials.with_scopes(SCOPES)
    fresh.refresh(Request())
    assert fresh.token.startswith("ya29.") and fresh.expiry is not None
    answer = requests.get(networks_url(emulator), headers={"Authorization": f"Bearer {fresh.token}"})
    assert answer.status_code == 200


def test_signature_is_checked(emulator):
    info = json.loads(open(emulator.service_account_file).read())
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    info["private_key"] = other.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    forged = service_account.Credentials.from_service_account_info(info, scopes=SCOPES)
    with pytest.raises(auth_exceptions.RefreshError, match="invalid_grant"):
        forged.refresh(Request())
    self_signed = jwt.Credentials.from_service_account_info(info, audience="https://compute.googleapis.com/")
    answer = AuthorizedSession(self_signed).get(networks_url(emulator))
    assert answer.status_code == 401 and answer.json()["error"]["errors"][0]["reason"] == "authError"


def test_self_signed_jwt_bearer_is_accepted(emulator):
    creds = jwt.Credentials.from_service_account_file(
        emulator.service_account_file, audience="https://compute.googleapis.com/"
    )
    assert AuthorizedSession(creds).get(networks_url(emulator)).status_code == 200


def test_missing_and_invalid_credentials(emulator):
    missing = requests.get(networks_url(emulator))
    assert missing.status_code == 401
    check_envelope(missing.json(), 401)
    assert missing.json()["error"]["errors"][0]["reason"] == "required"
    assert missing.json()["error"]["status"] == "UNAUTHENTICATED"
    assert missing.headers["WWW-Authenticate"].startswith("Bearer")
    invalid = requests.get(networks_url(emulator), headers={"Authorization": "Bearer ya29.made-up"})
    assert invalid.status_code == 401 and invalid.json()["error"]["errors"][0]["reason"] == "authError"
    dns = requests.get(emulator.dns_endpoint + f"projects/{PROJECT}/managedZones")
    assert dns.status_code == 401
    bad_grant = requests.post(emulator.url + "/token", data={"grant_type": "password"})
    assert bad_grant.status_code == 400 and bad_grant.json()["error"] == "unsupported_grant_type"


def test_anonymous_only_when_allowed(emulator):
    assert requests.get(networks_url(emulator)).status_code == 401
    emulator.allow_anonymous = True
    session = AuthorizedSession(ga_credentials.AnonymousCredentials())
    assert session.get(networks_url(emulator)).status_code == 200


def test_compute_client_with_unscoped_credentials(emulator):
    """google-cloud-compute signs its own JWT bearer when no scopes are set; that is accepted too."""
    from google.cloud import compute_v1

    creds = service_account.Credentials.from_service_account_file(emulator.service_account_file)
    client = compute_v1.NetworksClient(
        credentials=creds, client_options={"api_endpoint": emulator.url}, transport="rest"
    )
    assert list(client.list(project=PROJECT)) == []
    assert emulator.calls.calls(collection="networks")[-1]["status"] == 200
