"""HTTPS server for the Azure emulator: Entra ID token endpoint, cloud metadata, ARM, control API.

    emu = start()                      # 127.0.0.1, free port, self-signed certificate in a temp dir
    os.environ.update(emu.env())       # AZURE_* variables + REQUESTS_CA_BUNDLE
    ...
    emu.stop()

Control API (no authentication, never under /subscriptions): ``/_sandbox/health``, ``/_sandbox/faults``
(GET list, POST add, DELETE clear), ``/_sandbox/calls`` (GET summary, DELETE reset),
``/_sandbox/options`` (GET, PATCH), ``/_sandbox/violations`` (GET), ``/_sandbox/reset`` (POST).
"""

from __future__ import annotations

import json
import socket
import ssl
import tempfile
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from . import schema
from .arm import Engine, Request, Response
from .auth import Directory
from .certs import write_self_signed
from .faults import CallLog, Faults
from .handlers import Router
from .resources import build_types

DEFAULT_TENANT = "72f988bf-0000-4000-8000-00000000c10d"
DEFAULT_CLIENT = "5a1e7c3d-0000-4000-8000-00000000c11e"
DEFAULT_SECRET = "sandbox-client-secret"  # noqa: S105 - a local emulator's well-known test secret
DEFAULT_SUBSCRIPTION = "00000000-0000-4000-8000-00000000000a"
CLOUD_NAME = "CloudnetSandbox"


class Emulator:
    """A running emulator. ``options`` may change at run time through :meth:`configure`."""

    def __init__(self, host: str, port: int, state_dir: Path | None, **options):
        self._tmp = None
        if state_dir is None:
            self._tmp = tempfile.TemporaryDirectory(prefix="azure-sandbox-")
            state_dir = Path(self._tmp.name)
        self.state_dir = Path(state_dir)
        self.cert_path, self.key_path = write_self_signed(self.state_dir, host)
        self.tenant_id = options.pop("tenant_id", DEFAULT_TENANT)
        self.client_id = options.pop("client_id", DEFAULT_CLIENT)
        self.client_secret = options.pop("client_secret", DEFAULT_SECRET)
        subscriptions = options.pop("subscriptions", None) or [
            options.pop("subscription_id", DEFAULT_SUBSCRIPTION)
        ]
        self.subscription_id = subscriptions[0]
        self.directory = Directory(self.tenant_id, self.client_id, self.client_secret)
        self.faults = Faults(seed=int(options.pop("seed", 0)))
        self.calls = CallLog()
        options.setdefault("retry_after", 1)
        options.setdefault("page_size", 100)
        options.setdefault("lro_seconds", {})
        options.setdefault("validate_responses", True)
        self._check_options(options)
        self.options = options
        self.engine = Engine(build_types(), subscriptions, self.tenant_id, options, self.faults, self.calls)
        self.router = Router(self.engine)
        self._error_schema = schema.model_schema(
            __import__("azure.mgmt.network.models", fromlist=["CloudError"]).CloudError
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert_path, self.key_path)
        self._ssl = context
        self._server = _Server((host, port), _Handler)
        self._server.emulator = self
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, name="azure-sandbox", daemon=True)
        self._thread.start()

    # -- public contract -------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"https://{self.host}:{self.port}"

    @property
    def ca_bundle(self) -> str:
        return str(self.cert_path)

    def env(self) -> dict[str, str]:
        return {
            "AZURE_CLIENT_ID": self.client_id,
            "AZURE_SECRET": self.client_secret,
            "AZURE_TENANT": self.tenant_id,
            "AZURE_SUBSCRIPTION_ID": self.subscription_id,
            "AZURE_CLIENT_SECRET": self.client_secret,
            "AZURE_TENANT_ID": self.tenant_id,
            "AZURE_AUTHORITY_HOST": self.url,
            "AZURE_CLOUD_ENVIRONMENT": self.url,
            "REQUESTS_CA_BUNDLE": self.ca_bundle,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        if self._tmp is not None:
            self._tmp.cleanup()

    def configure(self, **options) -> dict:
        """Change run-time options: retry_after, page_size, lro_seconds, validate_responses."""
        self._check_options(options)
        self.options.update(options)
        return self.public_options()

    def public_options(self) -> dict:
        return {k: v for k, v in self.options.items() if not k.startswith("_")}

    def reset(self) -> None:
        """Forget every resource, operation, fault and recorded call."""
        with self.engine.lock:
            self.engine.records.clear()
            self.engine.groups.clear()
            self.engine.operations.clear()
            self.engine.group_jobs.clear()
            self.engine.schema_violations.clear()
        self.faults.clear()
        self.calls.reset()

    @property
    def schema_violations(self) -> list[dict]:
        return list(self.engine.schema_violations)

    def token(self, **kwargs) -> str:
        """A bearer token for raw-HTTP tests (see :meth:`Directory.issue`)."""
        return self.directory.issue(**kwargs)

    @staticmethod
    def _check_options(options: dict) -> None:
        retry_after = options.get("retry_after", 1)
        if retry_after is not None and (int(retry_after) != retry_after or retry_after < 1):
            raise ValueError("retry_after must be an integer >= 1 or None (header omitted)")
        if int(options.get("page_size", 1)) < 1:
            raise ValueError("page_size must be >= 1")

    # -- request handling (called from handler threads) ------------------------------------------

    def serve(self, method: str, raw_path: str, headers: dict, body: bytes) -> Response:
        split = urlsplit(raw_path)
        path = "/" + "/".join(unquote(s) for s in split.path.split("/") if s)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        lowered = path.lower()
        if lowered.startswith("/_sandbox"):
            return self._control(method, lowered, body)
        if lowered == "/metadata/endpoints":
            return Response(200, self._metadata(query.get("api-version", "")))
        if lowered == "/common/discovery/instance":
            return Response(200, self.directory.instance_discovery(self.url))
        parts = [p for p in path.split("/") if p]
        if len(parts) == 4 and [p.lower() for p in parts[1:]] == [
            "v2.0",
            ".well-known",
            "openid-configuration",
        ]:
            status, doc = self.directory.openid_configuration(self.url, parts[0])
            return Response(status, doc)
        if (
            len(parts) == 4
            and [p.lower() for p in parts[1:]] == ["oauth2", "v2.0", "token"]
            and method == "POST"
        ):
            form = dict(parse_qsl(body.decode("utf-8", "replace")))
            status, doc = self.directory.token(parts[0], form)
            return Response(status, doc)
        if parts and parts[0].lower() == "subscriptions":
            return self._arm(method, path, query, headers, body)
        return Response(404, {"error": {"code": "NotFound", "message": f"No route for {method} {path}."}})

    def _arm(self, method, path, query, headers, body) -> Response:
        _, failure = self.directory.check_bearer(headers.get("authorization"))
        request = Request(
            method=method, path=path, query=query, headers=headers, body=body, base_url=self.url
        )
        if failure is not None:
            status, doc, extra = failure
            response = Response(status, doc, extra)
            from .faults import MUTATING, Call

            self.calls.record(Call(method, path, "", method in MUTATING, status))
        else:
            response = self.router.handle(request)
        if self.options.get("validate_responses"):
            self._audit(method, path, response)
        return response

    def _audit(self, method: str, path: str, response: Response) -> None:
        body = response.body
        if not isinstance(body, dict):
            return
        where = f"{method} {path} -> {response.status}"
        if response.status >= 400:
            self.engine.check_schema("error", body, self._error_schema, where)
            return
        try:
            target = self.router.parse(path)
        except Exception:  # noqa: BLE001 - auditing never changes the answer
            return
        if target.rtype is None or target.kind not in ("resource", "collection"):
            return
        node = target.rtype.schema
        if target.kind == "collection":
            for item in body.get("value", []):
                self.engine.check_schema("resource", item, node, where)
            extra = set(body) - {"value", "nextLink"}
            if extra:
                self.engine.schema_violations.append(
                    {"where": where, "kind": "list", "problems": [f"unexpected members {sorted(extra)}"]}
                )
        else:
            self.engine.check_schema("resource", body, node, where)

    def _metadata(self, api_version: str) -> object:
        login = self.url
        audiences = ["https://management.core.windows.net/", "https://management.azure.com/"]
        if api_version and api_version >= "2019-05-01":
            return [
                {
                    "name": CLOUD_NAME,
                    "portal": self.url,
                    "resourceManager": f"{self.url}/",
                    "authentication": {
                        "loginEndpoint": f"{login}/",
                        "audiences": audiences,
                        "tenant": "common",
                        "identityProvider": "AAD",
                    },
                    "graph": f"{self.url}/",
                    "graphAudience": f"{self.url}/",
                    "microsoftGraphResourceId": f"{self.url}/",
                    "activeDirectoryDataLake": f"{self.url}/",
                    "sqlManagement": f"{self.url}/",
                    "gallery": f"{self.url}/",
                    "suffixes": {
                        "acrLoginServer": "azurecr.io",
                        "keyVaultDns": "vault.azure.net",
                        "storage": "core.windows.net",
                        "sqlServerHostname": "database.windows.net",
                    },
                }
            ]
        return {
            "galleryEndpoint": f"{self.url}/",
            "graphEndpoint": f"{self.url}/",
            "portalEndpoint": f"{self.url}/",
            "authentication": {"loginEndpoint": f"{login}/", "audiences": audiences},
        }

    def _control(self, method: str, path: str, body: bytes) -> Response:
        try:
            data = json.loads(body) if body.strip() else {}
        except ValueError:
            return Response(400, {"error": {"code": "InvalidJson", "message": "Control requests take JSON."}})
        try:
            if path == "/_sandbox/health":
                return Response(200, {"status": "ok", "url": self.url})
            if path == "/_sandbox/faults":
                if method == "GET":
                    return Response(200, {"value": self.faults.describe()})
                if method == "POST":
                    rule = self.faults.add(**data)
                    return Response(201, {"id": rule.id})
                if method == "DELETE":
                    self.faults.clear(seed=data.get("seed"))
                    return Response(204)
            if path == "/_sandbox/calls":
                if method == "GET":
                    return Response(200, self.calls.summary())
                if method == "DELETE":
                    self.calls.reset()
                    return Response(204)
            if path == "/_sandbox/options":
                if method == "GET":
                    return Response(200, self.public_options())
                if method in ("PATCH", "POST", "PUT"):
                    return Response(200, self.configure(**data))
            if path == "/_sandbox/violations" and method == "GET":
                return Response(200, {"value": self.schema_violations})
            if path == "/_sandbox/reset" and method == "POST":
                self.reset()
                return Response(204)
        except (TypeError, ValueError) as exc:
            return Response(400, {"error": {"code": "InvalidControlRequest", "message": str(exc)}})
        return Response(404, {"error": {"code": "NotFound", "message": f"No control route {method} {path}."}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    emulator: Emulator


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "Microsoft-HTTPAPI/2.0"
    sys_version = ""
    timeout = 60

    def setup(self):
        self._broken = False
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.request.settimeout(self.timeout)
        try:
            self.request = self.server.emulator._ssl.wrap_socket(self.request, server_side=True)
        except (ssl.SSLError, OSError):
            self._broken = True
        super().setup()

    def handle(self):
        if self._broken:
            return
        try:
            super().handle()
        except (ssl.SSLError, ConnectionError, TimeoutError, OSError):
            self.close_connection = True

    def log_message(self, format, *args):  # noqa: A002 - signature from BaseHTTPRequestHandler
        return

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        emulator = self.server.emulator
        try:
            response = emulator.serve(self.command, self.path, headers, body)
        except Exception as exc:  # noqa: BLE001 - an emulator bug must still answer like ARM
            response = Response(
                500,
                {
                    "error": {
                        "code": "InternalServerError",
                        "message": f"Emulator error: {type(exc).__name__}: {exc}",
                    }
                },
            )
        payload = b""
        if response.body is not None and self.command != "HEAD":
            payload = json.dumps(response.body).encode()
        request_id = str(uuid.uuid4())
        self.send_response(response.status)
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Pragma", "no-cache")
        self.send_header("Expires", "-1")
        self.send_header("x-ms-request-id", request_id)
        self.send_header("x-ms-correlation-request-id", headers.get("x-ms-client-request-id", request_id))
        if self.path.lower().startswith("/subscriptions"):
            kind = (
                "writes"
                if self.command in ("PUT", "PATCH", "POST")
                else "deletes"
                if self.command == "DELETE"
                else "reads"
            )
            self.send_header(f"x-ms-ratelimit-remaining-subscription-{kind}", "11999")
        for name, value in response.headers.items():
            self.send_header(name, value)
        if response.body is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if payload:
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = _serve


def start(host: str = "127.0.0.1", port: int = 0, state_dir: str | Path | None = None, **options) -> Emulator:
    """Start the emulator and return once it is listening.

    Options: ``tenant_id``, ``client_id``, ``client_secret``, ``subscription_id`` or ``subscriptions``,
    ``seed`` (fault randomness), ``retry_after`` (integer seconds >= 1, or None to omit the header),
    ``page_size``, ``lro_seconds`` ({"Microsoft.Network/virtualNetworkGateways": 2.0, "*": 0}),
    ``validate_responses`` (record responses that stray from the SDK schemas; default True).
    """
    return Emulator(host, port, Path(state_dir) if state_dir else None, **options)


def main() -> None:  # pragma: no cover - manual use: python -m sandbox.azure.server
    import argparse
    import time

    parser = argparse.ArgumentParser(description="Run the Azure ARM emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-dir")
    args = parser.parse_args()
    emulator = start(port=args.port, state_dir=args.state_dir)
    print(json.dumps({"url": emulator.url, "env": emulator.env()}, indent=2), flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emulator.stop()


if __name__ == "__main__":  # pragma: no cover
    main()
