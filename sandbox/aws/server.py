"""The AWS side of the sandbox: moto's server app, in-process, behind the sandbox middleware.

``start()`` builds moto's WSGI dispatcher (the app ``moto_server`` runs), applies the project's moto
behaviour patches (``sandbox.aws.patches``), wraps it with the middleware (counting, faults, EC2
paging) and the control API, and serves it with werkzeug's threaded server on 127.0.0.1 and a free
port. Clients reach it only through ``AWS_ENDPOINT_URL`` / ``endpoint_url``.
"""

from __future__ import annotations

import importlib
import importlib.util
import socket
import sys
import threading
from typing import Any

from sandbox.aws.control import ControlAPI
from sandbox.aws.middleware import CallLog, FaultInjector, SandboxMiddleware, SandboxState, Settings

ACCESS_KEY_ID = "AKIASANDBOXEXAMPLE00"
SECRET_ACCESS_KEY = "sandbox-secret-access-key"
REGION = "us-east-1"

_patch_lock = threading.Lock()


def apply_patches(settings: Settings) -> list[str] | None:
    """Run ``sandbox.aws.patches.apply_all(settings)`` when that package is present."""
    if importlib.util.find_spec("sandbox.aws.patches") is None:
        return None
    with _patch_lock:
        try:
            patches = importlib.import_module("sandbox.aws.patches")
            apply_all = patches.apply_all
        except (ImportError, AttributeError) as exc:
            print(f"sandbox: moto patches not applied: {exc}", file=sys.stderr)
            return None
        return apply_all(settings)


def reset_moto() -> None:
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()


def _handler_class(verbose: bool):
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class Handler(MotoRequestHandler):
        def setup(self) -> None:
            super().setup()
            # Without it, small responses wait for the peer's delayed ACK (~40 ms per call).
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def log_request(self, code: Any = "-", size: Any = "-") -> None:
            if verbose:
                super().log_request(code, size)

    return Handler


class Emulator:
    """A running AWS sandbox: ``url``, ``port``, ``stop()``, ``env()`` and the shared ``state``."""

    name = "aws"

    def __init__(self, server, thread: threading.Thread, state: SandboxState, patches: list[str] | None):
        self._server = server
        self._thread = thread
        self.state = state
        self.patches = patches
        self.host, self.port = server.server_address[:2]
        self.url = f"http://{self.host}:{self.port}"

    @property
    def settings(self) -> Settings:
        return self.state.settings

    def env(self) -> dict[str, str]:
        return {
            "AWS_ENDPOINT_URL": self.url,
            "AWS_ACCESS_KEY_ID": ACCESS_KEY_ID,
            "AWS_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
        }

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    page_size: int = 0,
    pending_reads: int = 0,
    seed: int = 0,
    verbose: bool = False,
    **settings: Any,
) -> Emulator:
    """Start the AWS sandbox in a background thread and return once it accepts connections.

    ``page_size``/``pending_reads`` and any extra keyword become the default settings (restored by
    ``POST /_sandbox/reset``); ``seed`` seeds the fault RNG.
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    state = SandboxState(
        settings=Settings({"page_size": page_size, "pending_reads": pending_reads, **settings}),
        calls=CallLog(),
        faults=FaultInjector(),
        reset_backends=reset_moto,
    )
    state.faults.configure([], seed)
    applied = apply_patches(state.settings)
    moto_app = DomainDispatcherApplication(create_backend_app)
    app = SandboxMiddleware(moto_app, state, ControlAPI(state))
    server = make_server(host, port, app, threaded=True, request_handler=_handler_class(verbose))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"sandbox-aws-{server.port}", daemon=True)
    thread.start()
    return Emulator(server, thread, state, applied)
