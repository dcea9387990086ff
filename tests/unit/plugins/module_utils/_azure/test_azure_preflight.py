"""Azure preflight and the connection layer's credential/connection-error translation (no network)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ClientAuthenticationError, ServiceRequestError

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure import connection as ac
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.preflight import (
    BoundedAzureConnection,
    subscription,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CredentialsError,
    ValidationError,
)

SUB = "00000000-0000-4000-8000-00000000000a"
PARAMS = {"subscription_id": SUB, "client_id": "c", "secret": "not-shown-secret", "tenant": "t",
          "auth_source": "env", "cloud_environment": "AzureCloud", "timeout": 5, "retries": 1}


class FakeConnection:
    def __init__(self, sub_id=SUB, answer=None, token_error=None):
        self.subscription_id = sub_id
        self.cloud = {"resource_manager": "https://management.azure.com"}
        self.answer = answer or {"subscriptionId": sub_id, "displayName": "hub", "state": "Enabled",
                                 "tenantId": "t"}
        self.token_error = token_error
        self.calls = []

    def token(self):
        self.calls.append("token")
        if self.token_error:
            raise self.token_error

    def arm_get(self, path, api_version, operation):
        self.calls.append((path, api_version, operation))
        return self.answer


def test_subscription_reads_after_a_token():
    fake = FakeConnection()
    result = subscription(PARAMS, fake)
    assert fake.calls == ["token", (f"/subscriptions/{SUB}", "2021-01-01", "subscriptions.get")]
    assert result == {"subscription_id": SUB, "display_name": "hub", "state": "Enabled", "tenant_id": "t",
                      "resource_manager": "https://management.azure.com"}


def test_a_subscription_name_is_refused_before_any_call():
    fake = FakeConnection(sub_id="my-subscription")
    with pytest.raises(ValidationError) as err:
        subscription(PARAMS, fake)
    assert fake.calls == []
    assert "AZURE_SUBSCRIPTION_ID to the subscription's GUID" in err.value.message


@pytest.mark.parametrize("state, fails", [("Enabled", False), ("Warned", False), ("PastDue", False),
                                          ("Disabled", True), ("Deleted", True)])
def test_read_only_subscriptions_fail(state, fails):
    fake = FakeConnection(answer={"subscriptionId": SUB, "state": state})
    if fails:
        with pytest.raises(CredentialsError) as err:
            subscription(PARAMS, fake)
        assert f"is {state}" in err.value.message and "AZURE_SUBSCRIPTION_ID" in err.value.message
    else:
        assert subscription(PARAMS, fake)["state"] == state


def test_errors_say_they_come_from_the_preflight():
    fake = FakeConnection(token_error=CredentialsError("Azure token request: authentication failed"))
    with pytest.raises(CredentialsError) as err:
        subscription(PARAMS, fake)
    assert err.value.message == "Azure preflight: Azure token request: authentication failed"


def test_bounded_connection_passes_timeouts_to_credential_and_clients():
    conn = BoundedAzureConnection(dict(PARAMS), 3, 0)
    options = conn.transport_options()
    assert options["connection_timeout"] == 3 and options["read_timeout"] == 3
    assert options["retry_connect"] == 0 and options["retry_read"] == 0
    assert options["retry_status"] == 8 and options["retry_total"] == 8
    policy = conn.client("network")._config.retry_policy
    assert (policy.connect_retries, policy.read_retries, policy.status_retries) == (0, 0, 8)


@pytest.mark.parametrize("message, fragment", [
    ("Authentication failed: AADSTS7000215: Invalid client secret provided. Trace ID: 1 Correlation ID: 2",
     "AADSTS7000215: Invalid client secret provided. Fix: check client_id, secret and tenant (AZURE_CLIENT_ID"),
    ("Authentication failed: HTTPSConnection(host='x', port=1): Failed to establish a new connection",
     "the authority did not answer"),
])
def test_auth_errors_name_the_settings(message, fragment):
    err = ac._auth_error("token request", ClientAuthenticationError(message=message))
    assert isinstance(err, CredentialsError) and fragment in err.message
    assert "Trace ID" not in err.message


def test_unreachable_resource_manager_is_an_api_error_naming_the_cloud_setting():
    conn = ac.AzureConnection(dict(PARAMS))

    class Group:
        def get(self, *args, **kwargs):
            raise ServiceRequestError("HTTPSConnection(host='127.0.0.1', port=9): Connection refused")

    class Client:
        virtual_networks = Group()

    conn._clients["network"] = Client()
    with pytest.raises(ApiError) as err:
        conn.call("network", "virtual_networks", "get", "rg", "vnet")
    assert "ServiceRequestError" in err.value.message and "AZURE_CLOUD_ENVIRONMENT" in err.value.message


@pytest.mark.parametrize("missing, fragment", [
    ({"secret": None}, "secret (AZURE_SECRET) not set"),
    ({"client_id": None, "tenant": None}, "client_id (AZURE_CLIENT_ID), tenant (AZURE_TENANT) not set"),
])
def test_missing_service_principal_parts_are_named(missing, fragment, monkeypatch):
    for name in ("AZURE_SECRET", "AZURE_CLIENT_SECRET", "AZURE_CLIENT_ID", "AZURE_TENANT", "AZURE_TENANT_ID"):
        monkeypatch.delenv(name, raising=False)
    conn = ac.AzureConnection(dict(PARAMS, **missing))
    with pytest.raises(CredentialsError) as err:
        assert conn.credential is None
    assert fragment in err.value.message


@pytest.mark.parametrize("code, fragment", [
    ("SubscriptionNotFound", "check subscription_id / AZURE_SUBSCRIPTION_ID"),
    ("InvalidAuthenticationTokenTenant", "AZURE_TENANT"),
    ("AuthorizationFailed", "Network Contributor"),
])
def test_resource_manager_codes_get_connection_hints(code, fragment):
    class Error:
        def __init__(self):
            self.code, self.message = code, "m"

    class E(Exception):
        status_code = 403
        error = Error()
        reason = "x"

    assert fragment in ac.translate(E(), "op").message
