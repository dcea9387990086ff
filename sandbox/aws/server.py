"""The AWS side of the sandbox: moto's server app, in-process, behind the sandbox middleware.

``start()`` builds moto's WSGI dispatcher (the app ``moto_server`` runs), applies the project's moto
behaviour patches (``sandbox.aws.patches``), wraps it with the middleware (counting, faults, EC2
paging) and the control API, and serves it with werkzeug's threaded server on 127.0.0.1 and a free
port. Clients reach it only through ``AWS_ENDPOINT_URL`` / ``endpoint_url``.

IAM enforcement (setting ``iam_enforcement``, off by default): when true, moto authenticates every
AWS call against its IAM backend and authorizes the action against the caller's policies, as AWS
does. Turn it on with ``start(iam_enforcement=True)`` or at run time through the control API
(``SandboxControl.settings(iam_enforcement=True)``); ``POST /_sandbox/reset`` restores the start
value. Only IAM users' access keys (``iam.create_access_key``) and assumed-role credentials are known
while it is on; the default sandbox keys (``ACCESS_KEY_ID``) answer ``InvalidClientTokenId``
(``AuthFailure`` for EC2), so seed and create the users first, then turn it on. Signatures are checked
over the request as the client signed it (before the middleware strips EC2 paging parameters); a
denied action answers in the called service's error format (patches/auth_error_formats.py). Like
the moto backends, the setting is process-wide: the most recently started running sandbox decides.
"""

from __future__ import annotations

import importlib
import importlib.util
import io
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
_iam_lock = threading.Lock()
# Settings of the running sandboxes, oldest first; the IAM gate reads the most recently started one's.
_iam_settings: list[dict[str, Any]] = []
_iam_installed = False
# The request as the client signed it (the middleware may strip EC2 paging parameters before moto).
_signed = threading.local()


def _as_signed(iam_request_cls: type) -> type:
    """``iam_request_cls`` checking the signature over the body and query string the client signed."""
    body, query = getattr(_signed, "body", None), getattr(_signed, "query", None)
    if body is None:
        return iam_request_cls

    class SignedRequest(iam_request_cls):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._body = body
            self._path = self._path.split("?", 1)[0] + (f"?{query}" if query else "")

        def _create_aws_request(self):
            # moto signs ``body or data``: an empty body (REST GET/DELETE) would be replaced by the
            # parsed parameters and no signature would match. Sign exactly the bytes the client sent.
            request = super()._create_aws_request()
            request.data = body
            return request

    return SignedRequest


class SignedBody:
    """WSGI layer in front of the middleware: keep the request as signed while IAM is enforced."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not iam_enforced() or environ.get("PATH_INFO", "").startswith("/_sandbox"):
            return self.app(environ, start_response)
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        _signed.body, _signed.query = body, environ.get("QUERY_STRING", "")
        try:
            return self.app(environ, start_response)
        finally:
            _signed.body = _signed.query = None


def iam_enforced() -> bool:
    """Whether the running sandbox authenticates and authorizes AWS calls with IAM."""
    live = _iam_settings
    return bool(live and live[-1].get("iam_enforcement"))


def install_iam_gate(settings: dict[str, Any]) -> None:
    """Make moto's IAM check follow ``settings["iam_enforcement"]``, read at call time.

    moto checks credentials and policies once ``ActionAuthenticatorMixin.request_count`` reaches
    ``moto.settings.INITIAL_NO_AUTH_ACTION_COUNT`` (infinite by default). The gate sets that count
    to 0, so moto's own check always runs, and skips the check while the setting is false.
    """
    global _iam_installed
    with _iam_lock:
        _iam_settings.append(settings)
        if _iam_installed:
            return
        from moto import settings as moto_settings
        from moto.core.authorization import ActionAuthenticatorMixin

        original = ActionAuthenticatorMixin._authenticate_and_authorize_action

        def authenticate_and_authorize_action(self, iam_request_cls: type, resource: str = "*") -> None:
            if not iam_enforced():
                return None
            return original(self, _as_signed(iam_request_cls), resource)

        ActionAuthenticatorMixin._authenticate_and_authorize_action = authenticate_and_authorize_action
        moto_settings.INITIAL_NO_AUTH_ACTION_COUNT = 0
        _iam_installed = True


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
        with _iam_lock:
            if any(held is self.state.settings for held in _iam_settings):
                _iam_settings[:] = [held for held in _iam_settings if held is not self.state.settings]
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
    iam_enforcement: bool = False,
    **settings: Any,
) -> Emulator:
    """Start the AWS sandbox in a background thread and return once it accepts connections.

    ``page_size``/``pending_reads`` and any extra keyword become the default settings (restored by
    ``POST /_sandbox/reset``); ``seed`` seeds the fault RNG. ``iam_enforcement=True`` starts with
    IAM authentication and authorization on (see the module docstring).
    """
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    if iam_enforcement:
        settings["iam_enforcement"] = True
    state = SandboxState(
        settings=Settings({"page_size": page_size, "pending_reads": pending_reads, **settings}),
        calls=CallLog(),
        faults=FaultInjector(),
        reset_backends=reset_moto,
    )
    state.faults.configure([], seed)
    applied = apply_patches(state.settings)
    install_iam_gate(state.settings)
    moto_app = DomainDispatcherApplication(create_backend_app)
    app = SignedBody(SandboxMiddleware(moto_app, state, ControlAPI(state)))
    server = make_server(host, port, app, threaded=True, request_handler=_handler_class(verbose))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"sandbox-aws-{server.port}", daemon=True)
    thread.start()
    return Emulator(server, thread, state, applied)
