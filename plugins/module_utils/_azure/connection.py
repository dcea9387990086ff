# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Azure credentials, clients and calls, with the option names and AZURE_* variables of azure.azcollection.

The only file that imports the Azure SDK (guarded). Every call goes through ``AzureConnection.call`` (error
translation) and every long-running operation through ``AzureConnection.wait`` (bounded). Throttling (429)
and 5xx answers are retried by azure-core's RetryPolicy, which honours ``Retry-After``; nothing here
adds its own retry loop for those.
"""

from __future__ import annotations

import configparser
import os
import re
import time

from ansible.module_utils.basic import env_fallback

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    CredentialsError,
    ValidationError,
    WaitTimeoutError,
)

try:
    from azure.core.exceptions import (
        ClientAuthenticationError,
        HttpResponseError,
        ResourceNotFoundError,
        ServiceRequestError,
        ServiceResponseError,
    )
    from azure.core.rest import HttpRequest
    from azure.identity import (
        AzureCliCredential,
        ClientSecretCredential,
        ManagedIdentityCredential,
    )

    HAS_AZURE = True
    AZURE_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - sanity import tests run without the SDK
    HAS_AZURE = False
    AZURE_IMPORT_ERROR = exc
    ServiceRequestError = ServiceResponseError = ClientAuthenticationError = None  # never raised without the SDK

# Named clouds as azure.azcollection names them: ARM endpoint and Entra ID authority host.
CLOUDS = {
    "azurecloud": ("https://management.azure.com", "login.microsoftonline.com"),
    "azurechinacloud": ("https://management.chinacloudapi.cn", "login.chinacloudapi.cn"),
    "azureusgovernment": ("https://management.usgovcloudapi.net", "login.microsoftonline.us"),
}
PUBLIC_AUTHORITIES = {host for _arm, host in CLOUDS.values()}
METADATA_API_VERSION = "2022-09-01"
# Statuses that mean "somebody else holds the resource right now" or "precondition failed".
_CONFLICT_CODES = {"PreconditionFailed", "AnotherOperationInProgress"}
CREDENTIALS_FIX = ("check client_id, secret and tenant (AZURE_CLIENT_ID, AZURE_SECRET or AZURE_CLIENT_SECRET, "
                   "AZURE_TENANT or AZURE_TENANT_ID) and the authority (authority_host / AZURE_AUTHORITY_HOST, or "
                   "the cloud of cloud_environment / AZURE_CLOUD_ENVIRONMENT)")
ENDPOINT_FIX = ("check cloud_environment / AZURE_CLOUD_ENVIRONMENT (it names the Resource Manager endpoint) and the "
                "network path to it")
# Hints for Resource Manager error codes that point at the connection settings rather than the resource.
_CODE_HINTS = {
    "SubscriptionNotFound": "check subscription_id / AZURE_SUBSCRIPTION_ID and that the service principal can "
                            "read that subscription.",
    "InvalidSubscriptionId": "set subscription_id / AZURE_SUBSCRIPTION_ID to the subscription's GUID.",
    "InvalidAuthenticationToken": "the token was refused; " + CREDENTIALS_FIX + ".",
    "InvalidAuthenticationTokenTenant": "the subscription is in another tenant; set tenant / AZURE_TENANT to it.",
    "ExpiredAuthenticationToken": "the token expired; re-run (tokens are requested per run).",
    "AuthorizationFailed": "grant the service principal Network Contributor on the resource group (docs/iam.md).",
}


def azure_argument_spec(**extra) -> dict:
    """The connection options (azure.azcollection names) plus the module's own."""
    spec = {
        "auth_source": {"type": "str", "choices": ["auto", "cli", "credential_file", "env", "msi"],
                        "fallback": (env_fallback, ["ANSIBLE_AZURE_AUTH_SOURCE"])},
        "profile": {"type": "str"},
        "subscription_id": {"type": "str", "fallback": (env_fallback, ["AZURE_SUBSCRIPTION_ID"])},
        "client_id": {"type": "str", "fallback": (env_fallback, ["AZURE_CLIENT_ID"])},
        "secret": {"type": "str", "no_log": True, "fallback": (env_fallback, ["AZURE_SECRET", "AZURE_CLIENT_SECRET"])},
        "tenant": {"type": "str", "fallback": (env_fallback, ["AZURE_TENANT", "AZURE_TENANT_ID"])},
        "cloud_environment": {"type": "str", "default": "AzureCloud",
                              "fallback": (env_fallback, ["AZURE_CLOUD_ENVIRONMENT"])},
        "authority_host": {"type": "str", "fallback": (env_fallback, ["AZURE_AUTHORITY_HOST"])},
        "cert_validation_mode": {"type": "str", "choices": ["validate", "ignore"], "default": "validate",
                                 "fallback": (env_fallback, ["AZURE_CERT_VALIDATION_MODE"])},
        "polling_interval": {"type": "float", "default": 5.0},
        "retries": {"type": "int", "default": 10},
    }
    spec.update(extra)
    return spec


def _host(authority: str) -> str:
    return authority.split("://", 1)[-1].split("/", 1)[0].lower()


def resolve_cloud(cloud_environment: str | None, fetch=None) -> dict:
    """``{resource_manager, authority, audience}`` for a named cloud or a metadata endpoint URL.

    A URL is read as azure.azcollection does: ``GET <url>/metadata/endpoints`` describes the cloud.
    """
    value = (cloud_environment or "AzureCloud").strip()
    if not value.lower().startswith(("https://", "http://")):
        known = CLOUDS.get(value.lower())
        if known is None:
            raise ValidationError("cloud_environment", value, "is not a known cloud",
                                  "use AzureCloud, AzureChinaCloud, AzureUSGovernment or a metadata endpoint URL")
        return {"resource_manager": known[0], "authority": known[1], "audience": known[0] + "/"}
    base = value.rstrip("/")
    fetch = fetch or _fetch_metadata
    doc = fetch(f"{base}/metadata/endpoints?api-version={METADATA_API_VERSION}")
    clouds = doc if isinstance(doc, list) else [doc]
    cloud = next((c for c in clouds if c.get("resourceManager")), clouds[0] if clouds else {})
    auth = cloud.get("authentication") or {}
    audiences = auth.get("audiences") or []
    return {
        "resource_manager": (cloud.get("resourceManager") or base).rstrip("/"),
        "authority": auth.get("loginEndpoint") or base,
        "audience": audiences[0] if audiences else "https://management.core.windows.net/",
    }


def _fetch_metadata(url: str, verify=True, timeout=30):
    import requests  # azure-core's own dependency

    try:
        response = requests.get(url, timeout=timeout, verify=verify)
        response.raise_for_status()
        return response.json()
    except (requests.RequestException, ValueError) as err:
        raise CredentialsError(f"Cannot read the cloud metadata at {url}: {err.__class__.__name__}. "
                               "Fix: set cloud_environment (or AZURE_CLOUD_ENVIRONMENT) to a reachable metadata "
                               "endpoint or a cloud name (AzureCloud, AzureChinaCloud, AzureUSGovernment).") from None


def _credential_file(profile: str | None) -> dict:
    path = os.path.expanduser(os.environ.get("AZURE_CREDENTIAL_FILE") or "~/.azure/credentials")
    parser = configparser.ConfigParser()
    if not parser.read(path):
        raise CredentialsError(f"auth_source=credential_file but {path} cannot be read. Fix: create it or "
                               "use another auth_source.")
    section = profile or os.environ.get("AZURE_PROFILE") or "default"
    if not parser.has_section(section):
        raise CredentialsError(f"Profile {section!r} is not in {path}. Fix: set profile to one of "
                               f"{parser.sections()}.")
    return dict(parser.items(section))


class AzureConnection:
    """Lazy credential and SDK clients for one subscription; ``call`` and ``wait`` are the only gates."""

    def __init__(self, params: dict):
        if not HAS_AZURE:
            raise CredentialsError(f"The Azure SDK is missing ({AZURE_IMPORT_ERROR}). Fix: pip install "
                                   "azure-identity azure-mgmt-network azure-mgmt-dnsresolver.")
        self.params = params
        self._clients: dict = {}
        self._credential = None
        self._cloud = None
        self.polling_interval = float(params.get("polling_interval") or 5.0)
        settings = self._settings()
        self.subscription_id = settings.get("subscription_id")
        if not self.subscription_id:
            raise CredentialsError("No Azure subscription. Fix: set subscription_id or AZURE_SUBSCRIPTION_ID.")
        self._sp = settings

    def _settings(self) -> dict:
        p = self.params
        source = p.get("auth_source") or "auto"
        keys = ("subscription_id", "client_id", "secret", "tenant")
        values = {k: p.get(k) for k in keys}
        if source == "credential_file" or (source == "auto" and not (values["client_id"] or values["subscription_id"])
                                           and os.path.exists(os.path.expanduser("~/.azure/credentials"))):
            from_file = _credential_file(p.get("profile"))
            values = {k: values.get(k) or from_file.get(k) for k in keys}
            source = "credential_file"
        values["source"] = source
        return values

    @property
    def cloud(self) -> dict:
        if self._cloud is None:
            self._cloud = resolve_cloud(self.params.get("cloud_environment"), fetch=self._fetch)
        return self._cloud

    def _fetch(self, url):
        return _fetch_metadata(url, verify=self._verify(), timeout=self.transport_options().get("read_timeout", 30))

    def transport_options(self) -> dict:
        """Extra azure-core transport settings (timeouts, retries) for the credential; none by default."""
        return {}

    def _verify(self):
        if self.params.get("cert_validation_mode") == "ignore":
            return False
        return os.environ.get("REQUESTS_CA_BUNDLE") or True

    @property
    def credential(self):
        if self._credential is not None:
            return self._credential
        sp, source = self._sp, self._sp["source"]
        authority = self.params.get("authority_host") or self.cloud["authority"]
        common = {"authority": authority, "connection_verify": self._verify(), **self.transport_options()}
        if _host(authority) not in PUBLIC_AUTHORITIES:
            # MSAL would validate an unknown authority against the public cloud; a sovereign or private
            # authority given explicitly is trusted as configured.
            common["disable_instance_discovery"] = True
        if source == "msi":
            self._credential = ManagedIdentityCredential(client_id=sp.get("client_id"))
        elif source == "cli":
            self._credential = AzureCliCredential()
        elif sp.get("client_id") and sp.get("secret") and sp.get("tenant"):
            self._credential = ClientSecretCredential(sp["tenant"], sp["client_id"], sp["secret"], **common)
        else:
            names = {"client_id": "AZURE_CLIENT_ID", "secret": "AZURE_SECRET", "tenant": "AZURE_TENANT"}
            missing = ", ".join(f"{k} ({v})" for k, v in names.items() if not sp.get(k))
            raise CredentialsError(f"No Azure service principal: {missing} not set. Fix: set client_id, secret and "
                                   "tenant (or AZURE_CLIENT_ID, AZURE_SECRET, AZURE_TENANT), or choose auth_source "
                                   "msi or cli.")
        return self._credential

    def token(self) -> None:
        """Request a Resource Manager token (proves the credential), with errors translated."""
        try:
            self.credential.get_token(self.cloud["audience"].rstrip("/") + "/.default")
        except ClientAuthenticationError as err:
            raise _auth_error("token request", err) from None

    def arm_get(self, path: str, api_version: str, operation: str) -> dict:
        """``GET <resource manager><path>?api-version=`` through the network client's pipeline, as JSON."""
        url = f"{self.cloud['resource_manager'].rstrip('/')}{path}?api-version={api_version}"
        try:
            response = self.client("network").send_request(HttpRequest("GET", url))
        except ClientAuthenticationError as err:
            raise _auth_error(operation, err) from None
        except (ServiceRequestError, ServiceResponseError) as err:
            raise _unreachable(operation, err) from None
        try:
            body = response.json()
        except ValueError:
            body = {}
        if response.status_code >= 400:
            error = (body.get("error") or {}) if isinstance(body, dict) else {}
            code = error.get("code") or str(response.status_code)
            raise ApiError("Azure", operation, code, str(error.get("message") or response.text()[:300]),
                           status=response.status_code, hint=_CODE_HINTS.get(code, ""))
        return body

    def client(self, service: str):
        """``network`` (azure-mgmt-network) or ``dnsresolver`` (azure-mgmt-dnsresolver)."""
        if service not in self._clients:
            retries = int(self.params.get("retries") if self.params.get("retries") is not None else 10)
            kwargs = {
                "base_url": self.cloud["resource_manager"],
                "credential_scopes": [self.cloud["audience"].rstrip("/") + "/.default"],
                "connection_verify": self._verify(),
                "retry_total": retries,
                "retry_status": retries,
                "retry_backoff_factor": 0.8,
                "retry_backoff_max": 60,
                **self.transport_options(),
            }
            if service == "network":
                from azure.mgmt.network import NetworkManagementClient as cls
            elif service == "dnsresolver":
                from azure.mgmt.dnsresolver import DnsResolverManagementClient as cls
            else:  # pragma: no cover - programming error
                raise ValueError(service)
            self._clients[service] = cls(self.credential, self.subscription_id, **kwargs)
        return self._clients[service]

    def call(self, service: str, group: str, method: str, *args, not_found=False, **kwargs):
        """``client.<group>.<method>(*args, **kwargs)`` with errors translated; None on 404 if ``not_found``."""
        operation = f"{group}.{method}"
        if method.startswith("begin_"):
            kwargs.setdefault("polling_interval", self.polling_interval)
        try:
            return getattr(getattr(self.client(service), group), method)(*args, **kwargs)
        except ResourceNotFoundError as err:
            if not_found:
                return None
            raise translate(err, operation) from None
        except ClientAuthenticationError as err:
            raise _auth_error(operation, err) from None
        except (ServiceRequestError, ServiceResponseError) as err:
            raise _unreachable(operation, err) from None
        except HttpResponseError as err:
            if not_found and err.status_code == 404:
                return None
            raise translate(err, operation) from None

    def wait(self, poller, what: str, timeout: float):
        """The result of an LRO poller within ``timeout`` seconds, or WaitTimeoutError."""
        deadline = time.monotonic() + max(0.0, float(timeout))
        try:
            while not poller.done():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise WaitTimeoutError(what, timeout, poller.status())
                poller.wait(timeout=min(remaining, max(self.polling_interval, 0.05) * 4))
            return poller.result()
        except ClientAuthenticationError as err:
            raise _auth_error(what, err) from None
        except (ServiceRequestError, ServiceResponseError) as err:
            raise _unreachable(what, err) from None
        except HttpResponseError as err:
            raise translate(err, what) from None

    def run(self, service: str, group: str, method: str, *args, what: str, timeout: float, wait: bool = True,
            **kwargs):
        """Start an LRO and, when ``wait``, return its bounded result."""
        poller = self.call(service, group, method, *args, **kwargs)
        return self.wait(poller, what, timeout) if wait else None


def _auth_error(operation: str, err) -> CredentialsError:
    """A refused or failed token request: the credential, or the authority it is asked from."""
    text = re.split(r"\s+Trace ID:", _text(err))[0].rstrip(". ")  # no per-request trace/correlation ids
    if "connection" in text.lower() or "timed out" in text.lower():
        return CredentialsError(f"Azure {operation}: the authority did not answer ({text[:200]}). Fix: check "
                                "authority_host / AZURE_AUTHORITY_HOST (or the cloud of cloud_environment / "
                                "AZURE_CLOUD_ENVIRONMENT) and the network path to it.")
    return CredentialsError(f"Azure {operation}: authentication failed: {text[:300]}. Fix: {CREDENTIALS_FIX}.")


def _unreachable(operation: str, err) -> ApiError:
    return ApiError("Azure", operation, type(err).__name__, _text(err)[:300],
                    hint=f"Resource Manager did not answer; {ENDPOINT_FIX}.")


def _text(err) -> str:
    error = getattr(err, "error", None)
    return (getattr(error, "message", None) or getattr(err, "message", None) or str(err)).splitlines()[0]


def translate(err, operation: str):
    """An azure-core HttpResponseError as a collection error (code, message, HTTP status)."""
    error = getattr(err, "error", None)
    code = getattr(error, "code", None) or getattr(err, "reason", None) or "HttpResponseError"
    status = getattr(err, "status_code", None)
    message = _text(err)
    if code in _CONFLICT_CODES or status == 412:
        return ConflictError(f"Azure {operation} failed: {code}: {message} Fix: another writer changed the "
                             "resource; re-run to reconcile against its new state.", error_code=code,
                             http_status=status)
    hint = _CODE_HINTS.get(code, "")
    if status == 429:
        hint = "the subscription is throttled; raise retries or run fewer forks."
    elif status and status >= 500:
        hint = "Azure answered a server error after retries; re-run later (the operation is idempotent)."
    return ApiError("Azure", operation, code, message, status=status, hint=hint)


def rest(model) -> dict:
    """A model of either SDK as its REST JSON (camelCase, ``properties``), read-only members kept."""
    if model is None:
        return {}
    if hasattr(model, "_attribute_map"):  # msrest models (azure-mgmt-dnsresolver)
        return model.serialize(keep_readonly=True)
    return model.as_dict()
