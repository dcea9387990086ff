"""Control API of the AWS sandbox, served on the same port under ``/_sandbox/``.

Endpoints (JSON in and out; control calls are never counted as AWS calls):

``GET    /_sandbox/calls[?since=SEQ]``  ``{"summary": {...}, "calls": [...]}``
``POST   /_sandbox/calls/reset``        forget recorded calls
``GET    /_sandbox/faults``             ``{"seed": int, "rules": [rule + "fired" + "matched"]}``
``PUT    /_sandbox/faults``             body ``{"seed": int, "rules": [rule, ...]}`` or ``[rule, ...]``
``DELETE /_sandbox/faults``             remove every rule
``GET    /_sandbox/settings``           the shared settings object
``PUT    /_sandbox/settings``           merge a JSON object into the settings
``POST   /_sandbox/reset``              moto state, calls, faults and settings back to start values
``GET    /_sandbox/health``             ``{"status": "ok"}``
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from sandbox.aws.middleware import FaultRuleError, SandboxState

INTEGER_SETTINGS = ("page_size", "pending_reads")


class ControlError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def _reply(start_response, status: int, data: Any):
    body = json.dumps(data, indent=1, sort_keys=True).encode()
    reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}.get(status, "")
    start_response(
        f"{status} {reason}", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]


def _json_body(environ) -> Any:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    raw = environ["wsgi.input"].read(length) if length else b""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise ControlError(400, f"body is not JSON: {exc}") from None


def validate_settings(update: Any) -> dict[str, Any]:
    if not isinstance(update, dict):
        raise ControlError(400, "settings must be a JSON object")
    for key, value in update.items():
        if key in INTEGER_SETTINGS and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
            raise ControlError(400, f"setting {key} must be an integer >= 0, got {value!r}")
        if not isinstance(value, (int, float, str, bool, type(None), list, dict)):
            raise ControlError(400, f"setting {key} must be a JSON value")
    return update


class ControlAPI:
    def __init__(self, state: SandboxState):
        self.state = state

    def __call__(self, environ, start_response):
        method = environ.get("REQUEST_METHOD", "GET").upper()
        path = (environ.get("PATH_INFO") or "").rstrip("/")
        try:
            return _reply(start_response, 200, self.dispatch(method, path, environ))
        except ControlError as exc:
            return _reply(start_response, exc.status, {"error": exc.message})

    def dispatch(self, method: str, path: str, environ) -> Any:
        state = self.state
        route = (method, path)
        if route == ("GET", "/_sandbox/health"):
            return {"status": "ok"}
        if route == ("GET", "/_sandbox/calls"):
            query = parse_qs(environ.get("QUERY_STRING", ""))
            try:
                since = int((query.get("since") or ["0"])[0])
            except ValueError:
                raise ControlError(400, "since must be an integer") from None
            return {"summary": state.calls.summary(), "calls": state.calls.calls(since)}
        if route == ("POST", "/_sandbox/calls/reset"):
            state.calls.reset()
            return {"status": "ok"}
        if route == ("GET", "/_sandbox/faults"):
            return state.faults.describe()
        if route == ("PUT", "/_sandbox/faults"):
            body = _json_body(environ)
            if isinstance(body, list):
                body = {"rules": body}
            if not isinstance(body, dict) or not isinstance(body.get("rules", []), list):
                raise ControlError(400, 'expected {"seed": int, "rules": [...]} or a list of rules')
            try:
                state.faults.configure(body.get("rules", []), int(body.get("seed", 0) or 0))
            except (FaultRuleError, TypeError, ValueError) as exc:
                raise ControlError(400, f"invalid fault rules: {exc}") from None
            return state.faults.describe()
        if route == ("DELETE", "/_sandbox/faults"):
            state.faults.clear()
            return state.faults.describe()
        if route == ("GET", "/_sandbox/settings"):
            return dict(state.settings)
        if route == ("PUT", "/_sandbox/settings"):
            state.settings.update(validate_settings(_json_body(environ) or {}))
            return dict(state.settings)
        if route == ("POST", "/_sandbox/reset"):
            state.reset()
            return {"status": "ok"}
        known = {
            "/_sandbox/health",
            "/_sandbox/calls",
            "/_sandbox/calls/reset",
            "/_sandbox/faults",
            "/_sandbox/settings",
            "/_sandbox/reset",
        }
        if path in known:
            raise ControlError(405, f"{method} not allowed on {path}")
        raise ControlError(404, f"no control endpoint {path}")
