# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GCP REST access: google-auth credentials, an AuthorizedSession, retries, bounded operation waits.

Every Compute and Cloud DNS request of the collection goes through ``GcpConnection.request``. It retries
429, 5xx, ``rateLimitExceeded``/``userRateLimitExceeded`` and ``resourceNotReady`` with capped, jittered
back-off, waiting at least what a ``Retry-After`` header asks (at most a minute), a bounded number of times
(compute writes carry one ``requestId`` across retries, so a retried write is not made twice)
and turns every other error into the collection's typed errors.
"""

from __future__ import annotations

import email.utils
import json
import math
import os
import time
import uuid

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CredentialsError,
    NotFoundError,
    WaitTimeoutError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import delays

try:
    import google.auth
    import requests
    from google.auth.transport.requests import AuthorizedSession
    from google.oauth2 import service_account

    HAS_GOOGLE_AUTH = True
    IMPORT_ERROR = None
    _TRANSPORT_ERRORS = requests.exceptions.RequestException
    _READ_TIMEOUT = requests.exceptions.ReadTimeout
    _AUTH_ERRORS = google.auth.exceptions.GoogleAuthError
except ImportError as err:  # pragma: no cover - exercised by sanity import tests only
    HAS_GOOGLE_AUTH = False
    IMPORT_ERROR = str(err)
    _TRANSPORT_ERRORS = _READ_TIMEOUT = _AUTH_ERRORS = ()  # an empty tuple catches nothing

COMPUTE_DEFAULT = "https://compute.googleapis.com/compute/v1/"
DNS_DEFAULT = "https://dns.googleapis.com/dns/v1/"
DEFAULT_SCOPES = ["https://www.googleapis.com/auth/cloud-platform"]
RETRY_STATUS = {429, 500, 502, 503, 504}
RETRY_REASONS = {"rateLimitExceeded", "userRateLimitExceeded", "backendError", "resourceNotReady", "internalError"}
# The longest a Retry-After header may hold one retry back (the retries stay bounded).
RETRY_AFTER_CAP = 60.0


def gcp_argument_spec(**options) -> dict:
    """Connection options compatible with google.cloud, plus the endpoint options, merged with ``options``."""
    spec = {
        "project": {"type": "str"},
        "auth_kind": {"type": "str", "choices": ["application", "machineaccount", "serviceaccount"]},
        "service_account_email": {"type": "str"},
        "service_account_file": {"type": "path"},
        # raw, not jsonarg: jsonarg re-serialises a mapping, and the private key's escaped newlines then
        # no longer match the masked value, so the key would show in invocation.module_args.
        "service_account_contents": {"type": "raw", "no_log": True},
        "scopes": {"type": "list", "elements": "str"},
        "api_endpoint": {"type": "str"},
        "compute_endpoint": {"type": "str"},
        "dns_endpoint": {"type": "str"},
        "request_timeout": {"type": "int", "default": 60},
        "retries": {"type": "int", "default": 8},
    }
    spec.update(options)
    return spec


def _env(params, key, *names):
    value = params.get(key)
    if value:
        return value
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    return None


def _slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


def resolve_settings(params: dict) -> dict:
    """The effective project, auth and endpoints from options, then environment, then defaults (pure)."""
    root = _env(params, "api_endpoint", "GCP_API_ENDPOINT")
    compute = _env(params, "compute_endpoint", "GCP_COMPUTE_ENDPOINT")
    dns = _env(params, "dns_endpoint", "GCP_DNS_ENDPOINT")
    scopes = params.get("scopes") or [s for s in (os.environ.get("GCP_SCOPES") or "").split(",") if s]
    return {
        "project": _env(params, "project", "GCP_PROJECT"),
        "auth_kind": _env(params, "auth_kind", "GCP_AUTH_KIND"),
        "service_account_file": _env(params, "service_account_file", "GCP_SERVICE_ACCOUNT_FILE"),
        "service_account_contents": _env(params, "service_account_contents", "GCP_SERVICE_ACCOUNT_CONTENTS"),
        "service_account_email": _env(params, "service_account_email", "GCP_SERVICE_ACCOUNT_EMAIL"),
        "scopes": scopes or list(DEFAULT_SCOPES),
        "compute": _slash(compute) if compute else (_slash(root) + "compute/v1/" if root else COMPUTE_DEFAULT),
        "dns": _slash(dns) if dns else (_slash(root) + "dns/v1/" if root else DNS_DEFAULT),
    }


def error_reason(body) -> tuple[str, str]:
    """(reason, message) from a Google error envelope (JSON or text)."""
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = body["error"]
        errors = error.get("errors") or [{}]
        return str(errors[0].get("reason") or error.get("status") or error.get("code")), str(error.get("message"))
    if isinstance(body, dict) and "error" in body:  # OAuth form
        return str(body["error"]), str(body.get("error_description", ""))
    return "unknown", str(body)[:300]


def takes_request_id(method: str, path: str) -> bool:
    """Compute writes accept ``requestId`` (one id across retries makes them idempotent), except operation
    waits, IAM and preview calls, and global ``setLabels`` (compute.v1 discovery document)."""
    if method not in ("POST", "PATCH", "PUT", "DELETE"):
        return False
    tail = path.split("?", 1)[0].rstrip("/")
    if tail.endswith(("/wait", "/testIamPermissions", "/preview")):
        return False
    return not (tail.endswith("/setLabels") and "/global/" in tail)


def is_retryable(status: int, reason: str) -> bool:
    return status in RETRY_STATUS or reason in RETRY_REASONS


def retry_delay(retry_after, backoff: float, cap: float = RETRY_AFTER_CAP, now=None) -> float:
    """Seconds to wait before a retry: the jittered ``backoff``, or the server's ``Retry-After`` (seconds or an
    HTTP date) when that is longer, never more than ``cap``."""
    wait = None
    text = str(retry_after or "").strip()
    if text:
        try:
            wait = float(text)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(text)
                wait = when.timestamp() - (time.time() if now is None else now)
            except (TypeError, ValueError, IndexError, OverflowError):
                wait = None
    if wait is None or math.isnan(wait):  # absent or unparsable
        return backoff
    return min(cap, max(backoff, wait))


CREDENTIALS_FIX = ("check service_account_file / GCP_SERVICE_ACCOUNT_FILE (or service_account_contents / "
                   "GCP_SERVICE_ACCOUNT_CONTENTS) and auth_kind / GCP_AUTH_KIND: the key must be a valid, "
                   "not disabled service-account key whose token_uri answers")


def endpoint_fix(api: str) -> str:
    return (f"check {api}_endpoint / GCP_{api.upper()}_ENDPOINT (or api_endpoint / GCP_API_ENDPOINT): unset them "
            "for the public Google APIs, or point them at an endpoint that answers, and the network path to it")


def _hint(status: int, reason: str) -> str:
    if status in (401,):
        return CREDENTIALS_FIX + "."
    if status == 403:
        return ("check project / GCP_PROJECT, and grant the service account the Compute Network Admin and DNS "
                "Administrator roles on that project.")
    if status == 412:
        return "the resource changed while this run read it; re-run to reconcile against the new state."
    if reason == "resourceInUseByAnotherResource":
        return "remove what uses the resource first (routes, router interfaces, tunnels)."
    return ""


class GcpConnection:
    """One authorised session for Compute and Cloud DNS; created lazily on the first request."""

    def __init__(self, params: dict, session=None, sleep=time.sleep, clock=time.monotonic):
        self.settings = resolve_settings(params)
        self.retries = max(0, int(params.get("retries") if params.get("retries") is not None else 8))
        # Retries after a connection error or timeout; as many as ``retries`` unless a caller bounds them
        # apart (the preflight gives up on an unreachable endpoint fast, yet waits out throttling).
        self.connect_retries = (max(0, int(params["connect_retries"])) if params.get("connect_retries") is not None
                                else self.retries)
        self.timeout = int(params.get("request_timeout") or 60)
        self._session = session
        self._sleep = sleep
        self._clock = clock
        if not self.settings["project"]:
            raise CredentialsError("No GCP project. Fix: set the project option or GCP_PROJECT.")

    @property
    def project(self) -> str:
        return self.settings["project"]

    # -- authentication ---------------------------------------------------------------------------
    def _credentials(self):
        s = self.settings
        kind = s["auth_kind"] or ("serviceaccount" if (s["service_account_file"] or s["service_account_contents"])
                                  else "application")
        scopes = s["scopes"]
        try:
            if kind == "serviceaccount":
                if s["service_account_contents"]:
                    info = s["service_account_contents"]
                    info = json.loads(info) if isinstance(info, str) else info
                    return service_account.Credentials.from_service_account_info(info, scopes=scopes)
                if not s["service_account_file"]:
                    raise CredentialsError("auth_kind serviceaccount needs service_account_file or "
                                           "service_account_contents (or GCP_SERVICE_ACCOUNT_FILE).")
                return service_account.Credentials.from_service_account_file(s["service_account_file"], scopes=scopes)
            if kind == "machineaccount":
                from google.auth import compute_engine

                return compute_engine.Credentials(service_account_email=s["service_account_email"] or "default")
            return google.auth.default(scopes=scopes)[0]
        except OSError as err:
            raise CredentialsError(f"GCP credentials ({kind}) could not be loaded: service_account_file "
                                   f"{s['service_account_file']!r}: {err.strerror or type(err).__name__}. Fix: "
                                   "point service_account_file / GCP_SERVICE_ACCOUNT_FILE at a readable "
                                   "service-account JSON key.") from None
        except (ValueError, _AUTH_ERRORS) as err:
            if kind == "application":
                raise CredentialsError("No GCP credentials: no service-account key is given and Application Default "
                                       f"Credentials were not found ({type(err).__name__}). Fix: set "
                                       "GCP_SERVICE_ACCOUNT_FILE (service_account_file) with GCP_AUTH_KIND="
                                       "serviceaccount, or GOOGLE_APPLICATION_CREDENTIALS.") from None
            raise CredentialsError(f"GCP credentials ({kind}) could not be loaded: {type(err).__name__} (the key is "
                                   f"not a valid service-account key). Fix: {CREDENTIALS_FIX}.") from None

    @property
    def session(self):
        if self._session is None:
            if not HAS_GOOGLE_AUTH:
                raise CredentialsError(f"google-auth and requests are required: {IMPORT_ERROR}")
            self._session = AuthorizedSession(self._credentials())
        return self._session

    # -- requests ---------------------------------------------------------------------------------
    def url(self, api: str, path: str) -> str:
        if path.startswith("http://") or path.startswith("https://"):
            return path
        return self.settings[api] + path.lstrip("/")

    def request(self, method: str, api: str, path: str, body=None, params=None, operation: str = "",
                not_found=False, http_timeout=None):
        """One REST call with retries. Returns the decoded JSON (``{}`` for empty answers).

        ``not_found=True`` returns None on 404 instead of raising.
        """
        params = dict(params or {})
        if api == "compute" and takes_request_id(method, path) and "requestId" not in params:
            params["requestId"] = str(uuid.uuid4())
        operation = operation or f"{method} {path.split('?')[0]}"
        backoff = delays(first=0.5, cap=8.0)
        attempt = unreachable = 0
        while True:
            attempt += 1
            try:
                response = self.session.request(method, self.url(api, path), json=body, params=params or None,
                                                timeout=http_timeout or self.timeout)
            except _TRANSPORT_ERRORS as err:
                if http_timeout is not None and isinstance(err, _READ_TIMEOUT):
                    raise  # the caller bounded this call on purpose (operation waits)
                unreachable += 1
                if attempt > self.retries or unreachable > self.connect_retries:
                    raise ApiError("GCP", operation, type(err).__name__, str(err)[:300],
                                   hint=f"the {api} endpoint {self.settings.get(api)} did not answer; "
                                   f"{endpoint_fix(api)}.") from None
                self._sleep(next(backoff))
                continue
            except _AUTH_ERRORS as err:
                raise CredentialsError(f"GCP token request failed: {str(err)[:300]}. Fix: {CREDENTIALS_FIX}.") from None
            status = response.status_code
            if status < 400:
                return response.json() if response.content else {}
            try:
                payload = response.json()
            except ValueError:
                payload = response.text
            reason, message = error_reason(payload)
            if status == 404 and not_found:
                return None
            if is_retryable(status, reason) and attempt <= self.retries:
                self._sleep(retry_delay(response.headers.get("Retry-After"), next(backoff)))
                continue
            if status == 404:
                raise NotFoundError(f"GCP {operation}: {message}", error_code=reason, http_status=404)
            raise ApiError("GCP", operation, reason, message, status=status, hint=_hint(status, reason))

    def get(self, api, path, **kw):
        return self.request("GET", api, path, **kw)

    def list(self, api: str, path: str, key: str = "items", params=None, operation: str = "") -> list:
        """Every item of a paged list."""
        items, token = [], None
        for _page in range(1000):
            query = dict(params or {})
            if token:
                query["pageToken"] = token
            page = self.request("GET", api, path, params=query, operation=operation) or {}
            items.extend(page.get(key) or [])
            token = page.get("nextPageToken")
            if not token:
                return items
        raise ApiError("GCP", operation or path, "paging", "more than 1000 pages")  # pragma: no cover

    # -- compute operations -----------------------------------------------------------------------
    def compute_write(self, method: str, path: str, body=None, params=None, operation: str = "",
                      wait: bool = True, timeout: float = 300):
        """A compute write answering an Operation; waits for it (bounded) and raises its error."""
        op = self.request(method, "compute", path, body=body, params=params, operation=operation)
        if not wait:
            return op
        return self.wait_operation(op, timeout, operation or f"{method} {path}")

    def wait_operation(self, op: dict, timeout: float, what: str) -> dict:
        """Call ``operations.wait`` until DONE or ``timeout`` seconds pass; raise the operation's error."""
        deadline = self._clock() + max(1.0, float(timeout))
        link = op.get("selfLink") or ""
        if "/compute/v1/" in link:
            path = link.split("/compute/v1/", 1)[1]
        elif op.get("region"):
            path = f"projects/{self.project}/regions/{op['region'].rsplit('/', 1)[-1]}/operations/{op['name']}"
        else:
            path = f"projects/{self.project}/global/operations/{op['name']}"
        while op.get("status") != "DONE":
            remaining = deadline - self._clock()
            if remaining <= 0:
                raise WaitTimeoutError(what, timeout, op.get("status"))
            # operations.wait blocks up to about 2 minutes on GCP; the HTTP timeout keeps the whole wait
            # within ``timeout`` (a timed-out wait call just means the operation is still running).
            try:
                op = self.request("POST", "compute", path + "/wait", operation=f"wait for {what}",
                                  http_timeout=max(1.0, min(float(self.timeout), remaining + 1.0)))
            except _READ_TIMEOUT:
                continue
        if op.get("error"):
            first = (op["error"].get("errors") or [{}])[0]
            raise ApiError("GCP", what, str(first.get("code", "operationError")), str(first.get("message", op)),
                           status=op.get("httpErrorStatusCode"))
        return op


def run_manager(module, make_manager) -> dict:
    """Run ``make_manager(module).ensure()`` and hand its ``warnings`` to ``module.warn``."""
    result = make_manager(module).ensure()
    for warning in result.pop("warnings", None) or []:
        module.warn(warning)
    return result


class LazyConnection:
    """A GcpConnection built on first use, so managers validate every option before credentials are read."""

    def __init__(self, params: dict):
        self._params = params
        self._conn = None

    def __getattr__(self, item):
        if item.startswith("_"):
            raise AttributeError(item)
        if self._conn is None:
            self._conn = GcpConnection(self._params)
        return getattr(self._conn, item)
