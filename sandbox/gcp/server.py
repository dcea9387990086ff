"""The GCP emulator's HTTP server: Compute v1 under /compute/v1/, Cloud DNS v1 under /dns/v1/, one port.

emulator = start()                  # 127.0.0.1, free port, threaded; returns once listening
os.environ.update(emulator.env())   # GCP_PROJECT, GCP_SERVICE_ACCOUNT_FILE, GCP_*_ENDPOINT ...
emulator.faults.add("rate_limit", collection="routers", method="patch", max_count=2)
emulator.calls.count(mutating=True)
emulator.stop()
"""

from __future__ import annotations

import ipaddress
import itertools
import json
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from . import compute, dns, errors
from .auth import Authority, TokenError
from .discovery import Router, SchemaError, load, validate_response
from .engine import Ctx, Engine
from .errors import ApiError
from .faults import CallLog, Faults, raise_for

DEFAULT_REGIONS = (
    "us-central1",
    "us-east1",
    "us-east4",
    "us-east5",
    "us-south1",
    "us-west1",
    "us-west2",
    "us-west3",
    "us-west4",
    "northamerica-northeast1",
    "northamerica-northeast2",
    "southamerica-east1",
    "europe-west1",
    "europe-west2",
    "europe-west3",
    "europe-west4",
    "europe-west6",
    "europe-west8",
    "europe-west9",
    "europe-north1",
    "europe-central2",
    "europe-southwest1",
    "asia-east1",
    "asia-east2",
    "asia-northeast1",
    "asia-northeast2",
    "asia-northeast3",
    "asia-south1",
    "asia-southeast1",
    "asia-southeast2",
    "australia-southeast1",
    "me-west1",
    "africa-south1",
)
READ_ONLY_POSTS = {"wait", "getIamPolicy", "testIamPermissions", "preview"}
STATE_FILE = "gcp-state.json"


class Emulator:
    """A running emulator. Options (keyword arguments of ``start``):

    project: the project of the issued service account (default ``sandbox-project``).
    projects: projects the API accepts (default: any).
    regions: regions the API accepts (default: the public GCP regions).
    operation_polls: operations.get calls that still answer RUNNING before DONE (default 1).
    operation_seconds: seconds after which an operation finishes even if nobody polls (default 5.0;
        None: only polls and ``wait`` finish it).
    operation_wait_timeout: how long operations.wait blocks at most (default 2.0; real API: 2 minutes).
    tunnel_status: status of new VPN tunnels (default ``ESTABLISHED``).
    allow_anonymous: accept calls without an Authorization header (default False).
    validate_responses: check every answer against the discovery schema, 500 when invalid (default True).
    self_link_base: base of compute selfLinks (default this emulator's compute endpoint; pass
        ``https://www.googleapis.com/compute/v1/`` for the real form).
    seed: seed of fault probabilities (default 0).
    """

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        state_dir=None,
        project="sandbox-project",
        projects=None,
        regions=DEFAULT_REGIONS,
        operation_polls=1,
        operation_seconds=5.0,
        operation_wait_timeout=2.0,
        tunnel_status="ESTABLISHED",
        allow_anonymous=False,
        validate_responses=True,
        self_link_base=None,
        seed=0,
    ):
        self._own_dir = state_dir is None
        self.state_dir = Path(state_dir or tempfile.mkdtemp(prefix="gcp-sandbox-"))
        self.project = project
        self.projects = set(projects) if projects else None
        self.regions = set(regions)
        self.operation_polls = operation_polls
        self.operation_seconds = operation_seconds
        self.operation_wait_timeout = operation_wait_timeout
        self.tunnel_status = tunnel_status
        self.allow_anonymous = allow_anonymous
        self.validate_responses = validate_responses
        self.faults = Faults(seed)
        self.calls = CallLog()
        self._ips = itertools.count(1)
        self.httpd = ThreadingHTTPServer((host, port), _handler_for(self))
        self.httpd.daemon_threads = True
        self.host, self.port = self.httpd.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"
        self.self_link_base = self_link_base or self.url + "/compute/v1/"
        self.router = Router()
        self.authority = Authority(project, self.state_dir, self.url + "/token")
        self.engine = Engine(self, compute.specs() + dns.specs(), self.router)
        for spec in self.engine.specs.values():
            spec.hooks.engine = self.engine
        self._load_state()
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="gcp-sandbox", daemon=True)
        self._thread.start()

    # ---- public contract -------------------------------------------------------------------
    @property
    def service_account_file(self) -> str:
        return str(self.authority.key_file)

    @property
    def compute_endpoint(self) -> str:
        return self.url + "/compute/v1/"

    @property
    def dns_endpoint(self) -> str:
        return self.url + "/dns/v1/"

    def env(self) -> dict:
        return {
            "GCP_PROJECT": self.project,
            "GCP_AUTH_KIND": "serviceaccount",
            "GCP_SERVICE_ACCOUNT_FILE": self.service_account_file,
            "GCP_COMPUTE_ENDPOINT": self.compute_endpoint,
            "GCP_DNS_ENDPOINT": self.dns_endpoint,
        }

    def reset(self):
        """Forget all resources, operations, calls and faults."""
        with self.engine.lock:
            self.engine.data.clear()
            self.engine.ops.clear()
            self.engine.pending.clear()
            self.engine.request_ids.clear()
        self.calls.clear()
        self.faults.clear()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(timeout=5)
        if not self._own_dir:
            self._save_state()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # ---- helpers the hooks call ------------------------------------------------------------
    def allocate_public_ip(self) -> str:
        """HA VPN interface addresses, from 34.157.0.0/16 (a real Google range), never reused."""
        return str(ipaddress.IPv4Address("34.157.0.0") + next(self._ips))

    def system_route(self, project: str, owner: dict, dest: str, gateway: bool):
        spec = self.engine.specs[("compute", "routes")]
        name = compute.new_route_name()
        network = owner["selfLink"] if gateway else owner["network"]
        route = {
            "kind": "compute#route",
            "id": self.engine.new_id(),
            "name": name,
            "creationTimestamp": owner["creationTimestamp"],
            "network": network,
            "destRange": dest,
            "priority": 1000 if gateway else 0,
            "selfLink": self.engine.self_link(spec, (project,), (name,)),
            "_system": True,
        }
        if gateway:
            route["nextHopGateway"] = (
                self.self_link_base + f"projects/{project}/global/gateways/default-internet-gateway"
            )
            route["description"] = "Default route to the Internet."
            route["routeType"] = "STATIC"
        else:
            route["nextHopNetwork"] = network
            route["description"] = f"Default local route to the subnetwork {dest}."
            route["routeType"] = "SUBNET"
            route["_subnet"] = owner["selfLink"]
        self.engine.table(spec, (project,))[(name,)] = route

    def drop_system_routes(self, project: str, predicate):
        table = self.engine.table(self.engine.specs[("compute", "routes")], (project,))
        for key, route in list(table.items()):
            if route.get("_system") and predicate(route):
                del table[key]

    def tunnel_network(self, tunnel: dict) -> str | None:
        field = "targetVpnGateway" if tunnel.get("targetVpnGateway") else "vpnGateway"
        collection = field + "s"
        found = compute.REF.match(tunnel.get(field) or "")
        if not found:
            return None
        gateway = self.engine.lookup(
            "compute", collection, (found.group("project"), found.group("region")), found.group("name")
        )
        return gateway and gateway["network"]

    # ---- state persistence -----------------------------------------------------------------
    def _save_state(self):
        rows = [
            [api, coll, list(scope), list(key), res]
            for (api, coll, scope), table in self.engine.data.items()
            for key, res in table.items()
        ]
        state = {"self_link_base": self.self_link_base, "dns_base": self.dns_endpoint, "resources": rows}
        (self.state_dir / STATE_FILE).write_text(json.dumps(state))

    def _load_state(self):
        path = self.state_dir / STATE_FILE
        if not path.exists():
            return
        text = path.read_text()
        state = json.loads(text)
        # Links stored by an earlier run name its port: move them to this run's endpoints.
        for old, new in (
            (state.get("self_link_base"), self.self_link_base),
            (state.get("dns_base"), self.dns_endpoint),
        ):
            if old and old != new:
                text = text.replace(json.dumps(old)[1:-1], json.dumps(new)[1:-1])
        for api, coll, scope, key, res in json.loads(text)["resources"]:
            self.engine.data.setdefault((api, coll, tuple(scope)), {})[tuple(key)] = res

    # ---- request handling ------------------------------------------------------------------
    def dispatch(self, http_method: str, raw_path: str, headers, body: bytes):
        """Return (status, json body or None, extra headers)."""
        parts = urlsplit(raw_path)
        path = parts.path.lstrip("/")
        query = {k: v[-1] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}
        if path.startswith("_sandbox/"):
            return self.control(http_method, path[len("_sandbox/") :], query, body)
        if path == "token":
            return self.token(http_method, headers, body)
        method, params = self.router.match(http_method, path)
        if method is None:
            reason = "Method not allowed" if params else "Not Found"
            return (405 if params else 404), ApiError(405 if params else 404, "notFound", reason).body(), {}
        mutating = http_method != "GET" and method.name not in READ_ONLY_POSTS
        call = {
            "api": method.api,
            "collection": method.collection,
            "method": method.name,
            "http_method": http_method,
            "path": parts.path,
            "mutating": mutating,
            "time": time.time(),
        }
        try:
            principal = self.authenticate(headers)
            self.check_scope(method, params, query)
            fired = self.faults.draw(method.api, method.collection, method.name)
            for fault in fired:
                raise_for(fault, method.api)
            payload = None
            if body:
                try:
                    payload = json.loads(body)
                except ValueError as exc:
                    raise ApiError(400, "parseError", "Invalid JSON payload received. " + str(exc)) from exc
            ctx = Ctx(self, method, params, query, payload, principal, fired)
            status, answer = self.engine.handle(ctx)
            if self.validate_responses and answer is not None and method.response:
                try:
                    validate_response(method.api, answer, method.response)
                except SchemaError as exc:
                    raise ApiError(
                        500, "internalError", f"sandbox produced an invalid {method.response}: {exc}"
                    ) from exc
        except ApiError as exc:
            call["status"] = exc.code
            call["reason"] = exc.reason
            self.calls.record(**call)
            return exc.code, exc.body(), exc.headers
        call["status"] = status
        self.calls.record(**call)
        return status, answer, {}

    def authenticate(self, headers) -> str:
        try:
            principal = self.authority.principal(headers.get("Authorization"), self.allow_anonymous)
        except LookupError as exc:
            raise errors.unauthenticated(missing=True) from exc
        if principal is None:
            raise errors.unauthenticated(missing=False)
        return principal

    def check_scope(self, method, params, query):
        doc = load(method.api)
        allowed = set(doc.get("parameters", {})) | {"$alt", "$.xgafv"}
        allowed |= {
            name
            for name, spec in method.spec.get("parameters", {}).items()
            if spec.get("location") == "query"
        }
        for name in query:
            if name not in allowed:
                raise ApiError(
                    400,
                    "invalid",
                    f'Invalid JSON payload received. Unknown name "{name}": Cannot bind '
                    f"query parameter. Field '{name}' could not be found in request message.",
                )
        project = params.get("project")
        if project is not None and self.projects is not None and project not in self.projects:
            raise errors.not_found(f"projects/{project}")
        region = params.get("region")
        if region is not None and region not in self.regions:
            raise errors.not_found(f"projects/{project}/regions/{region}")

    def token(self, http_method, headers, body):
        if http_method != "POST":
            return 405, {"error": "invalid_request", "error_description": "Use POST."}, {}
        form = {k: v[-1] for k, v in parse_qs(body.decode()).items()}
        try:
            return 200, self.authority.grant(form), {}
        except TokenError as exc:
            return 400, {"error": exc.error, "error_description": exc.description}, {}

    def control(self, http_method, path, query, body):
        data = json.loads(body) if body else {}
        if path == "health":
            return 200, {"ok": True, "project": self.project}, {}
        if path == "calls":
            if http_method == "DELETE":
                self.calls.clear()
                return 200, {}, {}
            filters = {k: query[k] for k in ("api", "collection", "method") if k in query}
            if "mutating" in query:
                filters["mutating"] = query["mutating"].lower() == "true"
            calls = self.calls.calls(**filters)
            return 200, {"count": len(calls), "calls": calls}, {}
        if path == "faults":
            if http_method == "DELETE":
                self.faults.clear()
                return 200, {}, {}
            if http_method == "POST":
                try:
                    return 200, self.faults.add(**data).to_dict(), {}
                except (TypeError, ValueError) as exc:
                    return 400, ApiError(400, "invalid", str(exc)).body(), {}
            return 200, {"faults": self.faults.list()}, {}
        if path == "reset" and http_method == "POST":
            self.reset()
            return 200, {}, {}
        if path == "options":
            names = (
                "operation_polls",
                "operation_seconds",
                "operation_wait_timeout",
                "tunnel_status",
                "allow_anonymous",
                "validate_responses",
            )
            if http_method in ("POST", "PATCH"):
                unknown = set(data) - set(names)
                if unknown:
                    return 400, ApiError(400, "invalid", f"unknown options: {sorted(unknown)}").body(), {}
                for name, value in data.items():
                    setattr(self, name, value)
            return 200, {name: getattr(self, name) for name in names}, {}
        return 404, ApiError(404, "notFound", f"No sandbox control endpoint /_sandbox/{path}").body(), {}


def _handler_for(emulator: Emulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True
        server_version = "ESF"
        sys_version = ""

        def _serve(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            try:
                status, answer, headers = emulator.dispatch(self.command, self.path, self.headers, body)
            except Exception as exc:  # noqa: BLE001 - an emulator bug must still answer like Google
                status, answer, headers = (
                    500,
                    ApiError(500, "backendError", f"sandbox error: {exc!r}").body(),
                    {},
                )
            data = b"" if answer is None else json.dumps(answer, indent=1).encode()
            self.send_response(status)
            if answer is not None:
                self.send_header("Content-Type", "application/json; charset=UTF-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if data and self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

        def log_message(self, *args):
            pass

    return Handler


def start(host: str = "127.0.0.1", port: int = 0, state_dir=None, **options) -> Emulator:
    """Start the emulator on ``host:port`` (0: a free port); returns once it is listening."""
    return Emulator(host=host, port=port, state_dir=state_dir, **options)
