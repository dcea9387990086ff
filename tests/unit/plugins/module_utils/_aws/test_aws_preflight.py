"""AWS preflight and the connection layer's credential/connection-error translation (no network: Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import (
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    PartialCredentialsError,
    ReadTimeoutError,
)
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.preflight import (
    BoundedAwsConnection,
    call_bounded,
    caller_identity,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CredentialsError,
    ValidationError,
)

PARAMS = {"region": "us-east-1", "access_key": "AKIAEXAMPLE", "secret_key": "not-shown-secret", "timeout": 5,
          "retries": 1}
IDENTITY = {"Account": "111111111111", "Arn": "arn:aws:iam::111111111111:user/ci", "UserId": "AIDAEXAMPLE"}


def stubbed(params=None, answer=None, error=None):
    """A BoundedAwsConnection whose STS client answers from a Stubber (no request leaves the process)."""
    p = dict(PARAMS, **(params or {}))
    conn = BoundedAwsConnection(p, p["timeout"])
    session = boto3.session.Session(aws_access_key_id="AKIAEXAMPLE", aws_secret_access_key="x",
                                    region_name="us-east-1")
    conn._session_obj = session
    client = session.client("sts", endpoint_url="https://sts.us-east-1.amazonaws.com")
    stub = Stubber(client)
    if error:
        stub.add_client_error("get_caller_identity", service_error_code=error, service_message="refused",
                              http_status_code=403)
    else:
        stub.add_response("get_caller_identity", answer or IDENTITY, {})
    stub.activate()
    conn._clients["sts"] = client
    return conn


def test_caller_identity_returns_who_the_calls_run_as():
    result = caller_identity(PARAMS, stubbed())
    assert result == {"account": "111111111111", "arn": IDENTITY["Arn"], "user_id": "AIDAEXAMPLE",
                      "assume_role_arn": None, "region": "us-east-1",
                      "endpoint_url": "https://sts.us-east-1.amazonaws.com"}


@pytest.mark.parametrize("code", ["InvalidClientTokenId", "SignatureDoesNotMatch", "ExpiredToken",
                                  "UnrecognizedClientException", "AuthFailure"])
def test_refused_credentials_name_the_variables_and_never_the_secret(code):
    with pytest.raises(CredentialsError) as err:
        caller_identity(PARAMS, stubbed(error=code))
    text = err.value.message
    assert text.startswith("AWS preflight for the caller's credentials: AWS sts GetCallerIdentity: the credentials "
                           f"were refused ({code}")
    assert "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY" in text and "AWS_PROFILE" in text
    assert "not-shown-secret" not in text


def test_access_denied_stays_an_api_error_naming_the_role():
    params = dict(PARAMS, assume_role_arn="arn:aws:iam::222222222222:role/spoke")
    with pytest.raises(ApiError) as err:
        caller_identity(params, stubbed(params, error="AccessDenied"))
    assert err.value.message.startswith("AWS preflight for assume_role_arn arn:aws:iam::222222222222:role/spoke:")


@pytest.mark.parametrize("exc, cls, fragment", [
    (EndpointConnectionError(endpoint_url="http://127.0.0.1:9/"), ApiError, "check endpoint_url / AWS_ENDPOINT_URL"),
    (ConnectTimeoutError(endpoint_url="http://127.0.0.1:9/"), ApiError, "check endpoint_url / AWS_ENDPOINT_URL"),
    (ReadTimeoutError(endpoint_url="http://127.0.0.1:9/"), ApiError, "the AWS endpoint did not answer"),
    (NoCredentialsError(), CredentialsError, "No AWS credentials found. Fix: set access_key/secret_key"),
    (PartialCredentialsError(provider="env", cred_var="AWS_SECRET_ACCESS_KEY"), CredentialsError,
     "Incomplete AWS credentials"),
])
def test_translate_connection_and_credential_faults(exc, cls, fragment):
    def fail():
        raise exc

    with pytest.raises(cls) as err:
        AwsConnection._translate("sts", "GetCallerIdentity", fail)
    assert fragment in err.value.message and "Fix:" in err.value.message


def test_translate_keeps_the_callers_hint_for_access_denied():
    def fail():
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "no"}}, "AssumeRole")

    with pytest.raises(ApiError) as err:
        AwsConnection._translate("sts", "AssumeRole", fail, hint="check assume_role_arn")
    assert err.value.message.endswith("Fix: check assume_role_arn")


@pytest.mark.parametrize("params, fragment", [
    ({"access_key": "AKIAEXAMPLE", "secret_key": None}, "secret_key: access_key is set but secret_key is not"),
    ({"access_key": None, "secret_key": "s"}, "access_key: secret_key is set but access_key is not"),
    ({"access_key": None, "secret_key": None, "profile": "corpus-missing"}, "unset AWS_PROFILE"),
])
def test_credential_settings_fail_before_any_call(params, fragment, monkeypatch, tmp_path):
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    conn = AwsConnection(dict(PARAMS, **params))
    with pytest.raises(CredentialsError) as err:
        conn.client("sts")
    assert fragment in err.value.message


def test_a_malformed_endpoint_url_names_the_option():
    conn = AwsConnection(dict(PARAMS, endpoint_url="not a url"))
    with pytest.raises(CredentialsError) as err:
        conn.client("sts")
    assert err.value.message.startswith("endpoint_url: Invalid endpoint: not a url. Fix:")
    assert "AWS_ENDPOINT_URL" in err.value.message


@pytest.mark.parametrize("timeout", [5, 2, 30])
def test_bounded_connection_times_out_as_asked_and_leaves_retries_to_the_preflight(timeout):
    config = BoundedAwsConnection(dict(PARAMS), timeout)._config()
    assert (config.connect_timeout, config.read_timeout) == (timeout, timeout)
    assert config.retries["total_max_attempts"] == 1 and config.retries["mode"] == "standard"
    assert "cloudnet.privatelink" in config.user_agent_extra


def api_error(code, status):
    return ApiError("AWS sts", "GetCallerIdentity", code, "m", status)


@pytest.mark.parametrize("failures, retries, calls, raises", [
    ([], 1, 1, None),
    ([api_error("EndpointConnectionError", None)], 1, 2, None),
    ([api_error("ReadTimeoutError", None)] * 2, 1, 2, "ReadTimeoutError"),
    ([api_error("ConnectTimeoutError", None)], 0, 1, "ConnectTimeoutError"),
    ([api_error("Throttling", 400)] * 8, 0, 9, None),  # busy answers do not spend the unreachable budget
    ([api_error("Throttling", 400)] * 9, 0, 9, "Throttling"),
    ([api_error("InternalError", 500), api_error("ServiceUnavailable", 503)], 0, 3, None),
    ([api_error("Throttling", 400), api_error("EndpointConnectionError", None)], 1, 3, None),
    ([api_error("AccessDenied", 403)], 5, 1, "AccessDenied"),
    ([api_error("InvalidClientTokenId", 403)], 5, 1, "InvalidClientTokenId"),
])
def test_call_bounded_tells_unreachable_from_busy(failures, retries, calls, raises):
    pending, seen, sleeps = list(failures), [], []

    def fn():
        seen.append(1)
        if pending:
            raise pending.pop(0)
        return "ok"

    if raises:
        with pytest.raises(ApiError) as err:
            call_bounded(fn, retries, sleeps.append)
        assert err.value.code == raises
    else:
        assert call_bounded(fn, retries, sleeps.append) == "ok"
    assert len(seen) == calls and len(sleeps) == calls - 1 and all(0 < s <= 8 for s in sleeps)


@pytest.mark.parametrize("key, value", [("timeout", 0), ("retries", -1), ("timeout", None)])
def test_bounds_are_validated(key, value):
    with pytest.raises(ValidationError):
        caller_identity(dict(PARAMS, **{key: value}), connection=object())
