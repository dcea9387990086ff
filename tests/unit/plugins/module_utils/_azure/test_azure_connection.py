"""Cloud resolution, error translation, bounded LRO waits and credential choice (no cloud)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure import connection as c
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    CredentialsError,
    ValidationError,
    WaitTimeoutError,
)

SP = {"subscription_id": "sub", "client_id": "app", "secret": "s3cret", "tenant": "tid", "auth_source": "env",
      "cloud_environment": "AzureCloud", "authority_host": None, "cert_validation_mode": "validate",
      "polling_interval": 0.01, "retries": 3, "profile": None}


@pytest.mark.parametrize("name,arm,authority", [
    ("AzureCloud", "https://management.azure.com", "login.microsoftonline.com"),
    ("azurechinacloud", "https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    ("AzureUSGovernment", "https://management.usgovcloudapi.net", "login.microsoftonline.us"),
])
def test_named_clouds(name, arm, authority):
    cloud = c.resolve_cloud(name, fetch=pytest.fail)
    assert (cloud["resource_manager"], cloud["authority"]) == (arm, authority)


def test_unknown_cloud_name_is_a_validation_error():
    with pytest.raises(ValidationError) as err:
        c.resolve_cloud("Mars", fetch=pytest.fail)
    assert err.value.field == "cloud_environment"


def test_metadata_url_list_form():
    seen = []

    def fetch(url):
        seen.append(url)
        return [{"name": "Local", "resourceManager": "https://127.0.0.1:8443/",
                 "authentication": {"loginEndpoint": "https://127.0.0.1:8443",
                                    "audiences": ["https://management.core.windows.net/"]}}]

    cloud = c.resolve_cloud("https://127.0.0.1:8443/", fetch=fetch)
    assert seen == ["https://127.0.0.1:8443/metadata/endpoints?api-version=2022-09-01"]
    assert cloud == {"resource_manager": "https://127.0.0.1:8443", "authority": "https://127.0.0.1:8443",
                     "audience": "https://management.core.windows.net/"}


def test_metadata_url_single_object_form():
    cloud = c.resolve_cloud("https://stack.example", fetch=lambda url: {
        "resourceManager": "https://management.stack.example/",
        "authentication": {"loginEndpoint": "https://adfs.stack.example/adfs", "audiences": ["https://aud/"]}})
    assert cloud["resource_manager"] == "https://management.stack.example"
    assert cloud["audience"] == "https://aud/"


def _error(status, code, message="boom"):
    err = HttpResponseError(message=f"({code}) {message}", response=None)
    err.status_code = status

    class E:
        pass

    err.error = E()
    err.error.code = code
    err.error.message = message
    return err


@pytest.mark.parametrize("status,code,cls,hint", [
    (412, "PreconditionFailed", ConflictError, "another writer"),
    (409, "AnotherOperationInProgress", ConflictError, "re-run"),
    (429, "TooManyRequests", ApiError, "throttled"),
    (503, "ServiceUnavailable", ApiError, "server error"),
    (400, "InvalidRequestFormat", ApiError, "InvalidRequestFormat"),
])
def test_translate(status, code, cls, hint):
    out = c.translate(_error(status, code), "route_tables.get")
    assert isinstance(out, cls) and hint in out.message
    assert out.details["error_code"] == code


class _Poller:
    def __init__(self, done_after=None):
        self.calls = 0
        self.done_after = done_after

    def done(self):
        self.calls += 1
        return self.done_after is not None and self.calls > self.done_after

    def wait(self, timeout=None):
        import time

        time.sleep(min(timeout, 0.01))

    def status(self):
        return "InProgress"

    def result(self):
        return "ok"


def _conn(**params):
    return c.AzureConnection(dict(SP, **params))


def test_wait_is_bounded():
    conn = _conn()
    with pytest.raises(WaitTimeoutError) as err:
        conn.wait(_Poller(), "route table rt", 0.05)
    assert "route table rt" in err.value.message and "InProgress" in err.value.message
    assert conn.wait(_Poller(done_after=2), "x", 5) == "ok"


def test_no_subscription_is_a_credentials_error():
    with pytest.raises(CredentialsError):
        _conn(subscription_id=None)


def test_missing_service_principal_is_a_credentials_error_and_never_shows_the_secret():
    conn = _conn(tenant=None)
    conn._cloud = {"resource_manager": "https://management.azure.com", "authority": "login.microsoftonline.com",
                   "audience": "https://management.core.windows.net/"}
    with pytest.raises(CredentialsError) as err:
        _credential = conn.credential
    assert "s3cret" not in err.value.message


@pytest.mark.parametrize("authority,discovery_disabled", [
    ("login.microsoftonline.com", False), ("https://127.0.0.1:8443", True)])
def test_instance_discovery_only_skipped_for_private_authorities(authority, discovery_disabled):
    conn = _conn(authority_host=authority)
    conn._cloud = {"resource_manager": "https://management.azure.com", "authority": "login.microsoftonline.com",
                   "audience": "https://management.core.windows.net/"}
    cred = conn.credential
    # azure-identity keeps None (MSAL's default: discovery on) unless disable_instance_discovery was passed.
    assert cred._instance_discovery is (False if discovery_disabled else None)
    assert cred._authority.endswith(authority.split("://")[-1])


def test_client_has_retry_policy_honouring_retry_after():
    conn = _conn(retries=4)
    conn._cloud = {"resource_manager": "https://management.azure.com", "authority": "login.microsoftonline.com",
                   "audience": "https://management.core.windows.net/"}
    client = conn.client("network")
    retry = client._config.retry_policy
    assert (retry.total_retries, retry.status_retries) == (4, 4)
    assert {429, 503} <= set(retry._retry_on_status_codes)
    assert retry._respect_retry_after_header is True
    assert client._config.credential_scopes == ["https://management.core.windows.net/.default"]


def test_argument_spec_names_match_azure_azcollection():
    spec = c.azure_argument_spec(name={"type": "str"})
    for option in ("auth_source", "subscription_id", "client_id", "secret", "tenant", "cloud_environment",
                   "cert_validation_mode", "profile", "name"):
        assert option in spec
    assert spec["secret"]["no_log"] is True
    assert spec["secret"]["fallback"][1] == ["AZURE_SECRET", "AZURE_CLIENT_SECRET"]
