# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS sessions, clients and the call boundary.

Credentials, region and endpoint follow amazon.aws and boto3 conventions (options, profiles, AWS_*
environment variables including AWS_ENDPOINT_URL). Throttling, 5xx and connection errors are retried
by botocore's ``standard`` retry mode (exponential back-off with jitter). A retried mutation may meet its
own earlier effect when an answer was lost: creates carry client tokens where the API takes one, and
``retry.py`` covers the rest (creates without a token use ``client(service, retries=False)`` and look
for what an earlier attempt made before sending again). Every SDK call goes through
``AwsConnection.call`` or ``AwsConnection.paginate`` (or ``retry.py``, on top of them), which translate
errors into the collection's typed errors.
"""

from __future__ import annotations

import os

try:
    import boto3
    import botocore
    from botocore.config import Config
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        HTTPClientError,
        InvalidRegionError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )
    from botocore.exceptions import ConnectionError as BotoConnectionError
    HAS_BOTO3 = True
    BOTO3_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised by the import sanity test
    HAS_BOTO3 = False
    BOTO3_IMPORT_ERROR = exc

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CredentialsError,
)

USER_AGENT = "cloudnet.privatelink/0.1.0"
# Error codes AWS answers when it does not accept the credentials themselves (not a missing permission).
AUTH_ERROR_CODES = frozenset({
    "AuthFailure", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature", "InvalidAccessKeyId",
    "InvalidClientTokenId", "InvalidToken", "MissingAuthenticationToken", "RequestExpired",
    "SignatureDoesNotMatch", "UnrecognizedClientException",
})
CREDENTIALS_FIX = ("set access_key/secret_key (and session_token for temporary credentials) or profile, or "
                   "AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (AWS_SESSION_TOKEN) / AWS_PROFILE")
ENDPOINT_FIX = ("check endpoint_url / AWS_ENDPOINT_URL (or AWS_URL / EC2_URL): unset it for the public AWS endpoints, "
                "or point it at an endpoint that answers, and the network path to it")

AWS_ARGUMENT_SPEC = {
    "access_key": {"type": "str", "aliases": ["aws_access_key_id", "aws_access_key", "ec2_access_key"],
                   "no_log": False},
    "secret_key": {"type": "str", "aliases": ["aws_secret_access_key", "aws_secret_key", "ec2_secret_key"],
                   "no_log": True},
    "session_token": {"type": "str", "aliases": ["aws_session_token", "security_token", "aws_security_token"],
                      "no_log": True},
    "profile": {"type": "str", "aliases": ["aws_profile"]},
    "region": {"type": "str", "aliases": ["aws_region", "ec2_region"]},
    "endpoint_url": {"type": "str", "aliases": ["aws_endpoint_url", "ec2_url"]},
    "validate_certs": {"type": "bool", "default": True},
    "aws_ca_bundle": {"type": "path"},
    "assume_role_arn": {"type": "str"},
    "assume_role_session_name": {"type": "str", "default": "cloudnet-privatelink"},
    "assume_role_external_id": {"type": "str", "no_log": True},
    "retries": {"type": "int", "default": 10},
}


def aws_argument_spec(**extra) -> dict:
    spec = {k: dict(v) for k, v in AWS_ARGUMENT_SPEC.items()}
    spec.update(extra)
    return spec


def _env_endpoint() -> str | None:
    # amazon.aws reads AWS_URL / EC2_URL; boto3 itself reads AWS_ENDPOINT_URL(_<SERVICE>).
    return os.environ.get("AWS_URL") or os.environ.get("EC2_URL") or None


class AwsConnection:
    """Clients for one account and region, built once per module run."""

    def __init__(self, params: dict):
        if not HAS_BOTO3:
            raise CredentialsError(
                f"boto3 and botocore are required on the host running this module ({BOTO3_IMPORT_ERROR}). "
                "Fix: pip install -r requirements.txt from the collection."
            )
        self.params = params
        self._clients: dict = {}
        self._session_obj = None

    @property
    def session(self):
        """The boto3 session, built (and the role assumed) on first use, so validation comes first."""
        if self._session_obj is None:
            session = self._session()
            if not session.region_name:
                raise CredentialsError(
                    "region: no AWS region given. Fix: set the region option or AWS_REGION / AWS_DEFAULT_REGION."
                )
            self._session_obj = session
        return self._session_obj

    @property
    def region(self) -> str:
        return self.session.region_name

    def _config(self, retries: bool = True) -> Config:
        attempts = {"max_attempts": max(1, int(self.params.get("retries") or 10))} if retries else {
            "total_max_attempts": 1}
        return Config(
            retries={"mode": "standard", **attempts},
            user_agent_extra=USER_AGENT,
            connect_timeout=10,
            read_timeout=60,
        )

    def _client_kwargs(self, retries: bool = True) -> dict:
        kwargs = {"config": self._config(retries)}
        endpoint = self.params.get("endpoint_url") or _env_endpoint()
        if endpoint:
            kwargs["endpoint_url"] = endpoint
        if self.params.get("aws_ca_bundle"):
            kwargs["verify"] = self.params["aws_ca_bundle"]
        elif self.params.get("validate_certs") is False:
            kwargs["verify"] = False
        return kwargs

    def _session(self):
        p = self.params
        if bool(p.get("access_key")) != bool(p.get("secret_key")):
            given, missing = ("access_key", "secret_key") if p.get("access_key") else ("secret_key", "access_key")
            raise CredentialsError(f"{missing}: {given} is set but {missing} is not. Fix: give both access_key and "
                                   "secret_key (or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY), or neither and "
                                   "a profile.")
        try:
            session = boto3.session.Session(
                aws_access_key_id=p.get("access_key"),
                aws_secret_access_key=p.get("secret_key"),
                aws_session_token=p.get("session_token"),
                profile_name=p.get("profile"),
                region_name=p.get("region"),
            )
        except botocore.exceptions.ProfileNotFound as err:
            raise CredentialsError(f"profile: {err}. Fix: name a profile from ~/.aws/config or "
                                   "~/.aws/credentials in profile or AWS_PROFILE, or unset AWS_PROFILE.") from None
        role = p.get("assume_role_arn")
        if not role:
            return session
        args = {"RoleArn": role, "RoleSessionName": p.get("assume_role_session_name") or "cloudnet-privatelink"}
        if p.get("assume_role_external_id"):
            args["ExternalId"] = p["assume_role_external_id"]
        sts = session.client("sts", **self._client_kwargs())
        creds = self._translate("sts", "AssumeRole", lambda: sts.assume_role(**args),
                                hint="check assume_role_arn and that the caller may assume it")["Credentials"]
        return boto3.session.Session(
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds["SessionToken"],
            region_name=session.region_name,
        )

    def client(self, service: str, retries: bool = True):
        """The client of ``service``; ``retries=False``: one attempt per call (botocore retries nothing)."""
        key = service if retries else f"{service}:once"
        if key not in self._clients:
            try:
                self._clients[key] = self.session.client(service, **self._client_kwargs(retries))
            except NoRegionError:
                raise CredentialsError("region: no AWS region given. Fix: set region or AWS_REGION.") from None
            except InvalidRegionError:
                raise CredentialsError(f"region: {self.params.get('region')!r} is not an AWS region name. Fix: use "
                                       "a name like us-east-1 in region or AWS_REGION.") from None
            except ValueError as err:  # botocore: "Invalid endpoint: <url>"
                raise CredentialsError(f"endpoint_url: {err}. Fix: {ENDPOINT_FIX}; the form is "
                                       "http(s)://host[:port].") from None
        return self._clients[key]

    def account_id(self) -> str:
        if "_account" not in self._clients:
            self._clients["_account"] = self.call("sts", "get_caller_identity")["Account"]
        return self._clients["_account"]

    @staticmethod
    def _translate(service: str, operation: str, fn, hint: str = "", not_found=()):
        try:
            return fn()
        except ClientError as err:
            error = err.response.get("Error", {})
            code = error.get("Code", "Unknown")
            if code in not_found:
                return None
            status = err.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in AUTH_ERROR_CODES:
                raise CredentialsError(f"AWS {service} {operation}: the credentials were refused ({code}: "
                                       f"{error.get('Message', '')}). Fix: {CREDENTIALS_FIX}; temporary "
                                       "credentials expire, refresh them.", error_code=code,
                                       http_status=status) from None
            if code in ("AccessDenied", "AccessDeniedException", "UnauthorizedOperation"):
                hint = hint or f"grant {service}:{operation} to the role running the collection (docs/iam.md)"
            raise ApiError("AWS " + service, operation, code, error.get("Message", str(err)), status, hint) from None
        except NoCredentialsError:
            raise CredentialsError(f"No AWS credentials found. Fix: {CREDENTIALS_FIX}.") from None
        except PartialCredentialsError as err:
            raise CredentialsError(f"Incomplete AWS credentials: {err}. Fix: {CREDENTIALS_FIX}.") from None
        except (BotoConnectionError, HTTPClientError) as err:
            raise ApiError("AWS " + service, operation, type(err).__name__, str(err), None,
                           f"the AWS endpoint did not answer; {ENDPOINT_FIX}.") from None
        except BotoCoreError as err:
            raise ApiError("AWS " + service, operation, type(err).__name__, str(err), None,
                           hint or "check endpoint_url / network reachability of the AWS endpoint") from None

    def call(self, service: str, method: str, not_found=(), hint: str = "", **kwargs):
        """Call ``client.<method>(**kwargs)``; return None when the error code is in ``not_found``."""
        client = self.client(service)
        op = client.meta.method_to_api_mapping.get(method, method)
        return self._translate(service, op, lambda: getattr(client, method)(**kwargs), hint, not_found)

    def paginate(self, service: str, method: str, result_key: str, not_found=(), **kwargs) -> list:
        """Every item of ``result_key`` across all pages (botocore paginators follow NextToken)."""
        client = self.client(service)
        op = client.meta.method_to_api_mapping.get(method, method)

        def collect():
            items = []
            for page in client.get_paginator(method).paginate(**kwargs):
                items.extend(page.get(result_key, []))
            return items

        out = self._translate(service, op, collect, not_found=not_found)
        return [] if out is None else out
