"""Classify an AWS request into service, operation, account and region.

Everything comes from what a real client sends and from the botocore service models that ship with
botocore:

* service: the SigV4 credential scope (``Credential=AKID/date/region/service/aws4_request``) names
  the signing name; it maps to the botocore service whose ``signingName`` (or ``endpointPrefix``)
  it is. When several models share a signing name (``elasticloadbalancing``: elb and elbv2), the
  ``Version`` parameter or the ``X-Amz-Target`` prefix picks the model.
* operation: ``Action`` for the query and ec2 protocols, ``X-Amz-Target`` for the json protocols,
  the ``/service/<name>/operation/<Op>`` path for smithy-rpc-v2-cbor, and the HTTP method plus the
  ``requestUri`` template for rest-xml and rest-json (route53 and friends).
* mutating: see :func:`is_mutating_operation`.
* account: moto's own resolution (access keys issued by STS AssumeRole map to the role's account,
  any other key to 123456789012), read from moto's IAM backend.
"""

from __future__ import annotations

import functools
import re
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote

import botocore.session

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"

# Operation names that begin with one of these verbs only read state.
READ_PREFIXES = (
    "Describe",
    "List",
    "Get",
    "Search",
    "Lookup",
    "Head",
    "BatchGet",
    "Scan",
    "Query",
    "Select",
    "Check",
    "Validate",
    "Preview",
    "Estimate",
    "Simulate",
    "Test",
    "Decode",
    "Verify",
)
# Operations that do not change any resource even though their verb suggests it: STS only issues
# temporary credentials, so assuming a role per account on an unchanged run is not a change.
READ_OPERATIONS = {
    ("sts", "AssumeRole"),
    ("sts", "AssumeRoleWithSAML"),
    ("sts", "AssumeRoleWithWebIdentity"),
    ("sts", "AssumeRoot"),
}
# ...and read-looking names that do change state (none known so far; the hook stays explicit).
MUTATING_OPERATIONS: set[tuple[str, str]] = set()

# Calls clients send unsigned (the credentials come from the request itself).
UNSIGNED_ACTIONS = {"AssumeRoleWithWebIdentity": "sts", "AssumeRoleWithSAML": "sts"}

_CREDENTIAL_RE = re.compile(r"Credential=([^/,\s]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request")


@dataclass
class CallInfo:
    service: str = "unknown"
    operation: str = "unknown"
    mutating: bool = False
    account: str = DEFAULT_ACCOUNT
    region: str = DEFAULT_REGION
    access_key: str = ""
    protocol: str = ""
    params: dict[str, list[str]] = field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.service}:{self.operation}"


_session_lock = threading.Lock()
_session = None


def _botocore_session():
    global _session
    with _session_lock:
        if _session is None:
            _session = botocore.session.get_session()
        return _session


@functools.cache
def service_model(name: str):
    return _botocore_session().get_service_model(name)


@functools.cache
def _available_services() -> tuple[str, ...]:
    return tuple(_botocore_session().get_available_services())


# Signing names whose botocore service names differ; anything else is looked up by a full scan.
_SIGNING_ALIASES = {
    "elasticloadbalancing": ("elbv2", "elb"),
    "monitoring": ("cloudwatch",),
    "execute-api": ("apigateway",),
    "states": ("stepfunctions",),
    "email": ("ses", "sesv2"),
    "tagging": ("resourcegroupstaggingapi",),
    "es": ("opensearch", "es"),
}


def _safe_model(name: str):
    try:
        return service_model(name)
    except Exception:  # noqa: BLE001 - a broken model must not stop classification
        return None


@functools.cache
def services_for_signing_name(signing_name: str) -> tuple[str, ...]:
    if signing_name in _SIGNING_ALIASES:
        return _SIGNING_ALIASES[signing_name]
    names = _available_services()
    if signing_name in names:
        model = service_model(signing_name)
        if model.signing_name == signing_name:
            return (signing_name,)
    found = []
    for name in names:
        model = _safe_model(name)
        if model is not None and model.signing_name == signing_name or model.endpoint_prefix == signing_name:
            found.append(name)
    return tuple(found)


def is_mutating_operation(service: str, operation: str, http_method: str | None = None) -> bool:
    """Whether an operation can change state.

    Rule: an operation is a read when its name starts with a read verb (``READ_PREFIXES``:
    Describe, List, Get, Search, ...) or, for rest protocols, when the model binds it to GET or
    HEAD; a few explicit exceptions (``READ_OPERATIONS``, ``MUTATING_OPERATIONS``) override the
    rule. Everything else (Create, Delete, Modify, Associate, Replace, Change, ...) mutates.
    """
    if (service, operation) in MUTATING_OPERATIONS:
        return True
    if (service, operation) in READ_OPERATIONS:
        return False
    if http_method and http_method.upper() in ("GET", "HEAD"):
        return False
    return not operation.startswith(READ_PREFIXES)


def _template_regex(uri: str) -> tuple[re.Pattern[str], dict[str, str | None], int]:
    path, _, query = uri.partition("?")
    pattern = ""
    literal = 0
    for part in re.split(r"(\{[^}]+\})", path):
        if part.startswith("{") and part.endswith("}"):
            pattern += ".+" if part.endswith("+}") else "[^/]+"
        else:
            pattern += re.escape(part)
            literal += len(part)
    required: dict[str, str | None] = {}
    for item in filter(None, query.split("&")):
        name, eq, value = item.partition("=")
        if not name.startswith("{"):
            required[name] = value if eq else None
    return re.compile("^" + pattern.rstrip("/") + "/?$"), required, literal


@functools.cache
def _rest_routes(service: str):
    model = service_model(service)
    routes = []
    for name in model.operation_names:
        http = model.operation_model(name).http
        regex, required, literal = _template_regex(http.get("requestUri", "/"))
        routes.append((http.get("method", "POST").upper(), regex, required, literal, name))
    return routes


def match_rest_operation(service: str, method: str, path: str, query: dict[str, list[str]]) -> str | None:
    best = None
    for route_method, regex, required, literal, name in _rest_routes(service):
        if route_method != method or not regex.match(path):
            continue
        if any(k not in query or (v is not None and v not in query[k]) for k, v in required.items()):
            continue
        score = (len(required), literal)
        if best is None or score > best[0]:
            best = (score, name)
    return best[1] if best else None


def parse_form(body: bytes, content_type: str) -> dict[str, list[str]]:
    if body and content_type.startswith("application/x-www-form-urlencoded"):
        return parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    return {}


def _choose_model(candidates: tuple[str, ...], version: str | None, target: str | None) -> str | None:
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    for name in candidates:
        model = service_model(name)
        if target and model.metadata.get("targetPrefix") == target.split(".", 1)[0]:
            return name
        if version and model.api_version == version:
            return name
    return candidates[0]


def _account_for(access_key: str) -> str:
    if not access_key:
        return DEFAULT_ACCOUNT
    try:
        from moto.iam.models import get_account_id_from
    except ImportError:  # pragma: no cover - moto is always present in the sandbox
        return DEFAULT_ACCOUNT
    return get_account_id_from(access_key)


def request_protocol(environ: dict, model) -> str:
    """The wire protocol the client used: from the request where it says, else what botocore picks."""
    if environ.get("HTTP_SMITHY_PROTOCOL") == "rpc-v2-cbor":
        return "smithy-rpc-v2-cbor"
    if environ.get("HTTP_X_AMZ_TARGET") and "json" in environ.get("CONTENT_TYPE", ""):
        return "json"
    resolved = getattr(model, "resolved_protocol", None)
    return resolved if isinstance(resolved, str) else model.protocol


def classify(environ: dict, body: bytes) -> CallInfo:
    """Classify a WSGI request whose body has already been read into ``body``."""
    info = CallInfo()
    auth = environ.get("HTTP_AUTHORIZATION", "")
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    match = _CREDENTIAL_RE.search(auth) or _CREDENTIAL_RE.search(
        "Credential=" + query.get("X-Amz-Credential", [""])[0]
    )
    signing_name = None
    if match:
        info.access_key, _, info.region, signing_name = match.groups()
    info.account = _account_for(info.access_key)
    form = parse_form(body, environ.get("CONTENT_TYPE", ""))
    params = {**query, **form}
    info.params = params
    target = environ.get("HTTP_X_AMZ_TARGET")
    version = (params.get("Version") or [None])[0]
    if not signing_name:
        action = (params.get("Action") or [None])[0]
        if action in UNSIGNED_ACTIONS:
            info.service, info.operation, info.protocol = UNSIGNED_ACTIONS[action], action, "query"
        return info
    service = _choose_model(services_for_signing_name(signing_name), version, target)
    if service is None:
        info.service = signing_name
        return info
    info.service = service
    model = service_model(service)
    info.protocol = request_protocol(environ, model)
    method = environ.get("REQUEST_METHOD", "GET").upper()
    path = environ.get("PATH_INFO", "/") or "/"
    operation = None
    http_method = None
    if "Action" in params:
        operation = params["Action"][0]
    elif target:
        operation = target.rsplit(".", 1)[-1]
    elif "/operation/" in path:
        operation = unquote(path.rsplit("/operation/", 1)[-1]).strip("/")
    elif model.protocol in ("rest-xml", "rest-json"):
        operation = match_rest_operation(service, method, path, query)
        http_method = method
    if operation:
        info.operation = operation
    dry_run = (params.get("DryRun") or ["false"])[0].lower() == "true"
    info.mutating = bool(operation) and not dry_run and is_mutating_operation(service, operation, http_method)
    return info
