"""WSGI middleware in front of moto: call counting, fault injection and EC2 paging.

Order for every AWS request (control paths under ``/_sandbox/`` and moto's ``/moto-api/`` are not
counted): read and classify the request, apply latency and fault rules (before moto, so a faulted
call changes nothing), validate and strip EC2 paging parameters, call moto, slice the EC2 answer,
record the call with its final status.

An ``error`` or ``drop`` rule with ``phase: "after"`` lets moto carry the request out and then loses
its answer (a 5xx instead of it, or the connection closed): what a client sees when AWS did the work
but the response never arrived. A client that retries a create without an idempotency token then
makes a second resource, as it would on AWS.
"""

from __future__ import annotations

import io
import json
import random
import socket
import struct
import threading
import time
import uuid
from collections import Counter, deque
from dataclasses import asdict, dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from sandbox.aws import operations, paging

CONTROL_PREFIX = "/_sandbox"
UNCOUNTED_PREFIXES = ("/moto-api", "/favicon.ico", "/latest/meta-data/", "/latest/api/")
FAULT_KINDS = ("throttle", "error", "latency", "drop")
PHASES = ("before", "after")

DEFAULT_SETTINGS = {"page_size": 0, "pending_reads": 0}


class Settings(dict):
    """Mutable settings shared with the control API and the moto patches.

    ``reset()`` restores the values the sandbox started with, in place, so every holder of the
    object sees the change.
    """

    def __init__(self, defaults: dict[str, Any] | None = None):
        self.defaults = {**DEFAULT_SETTINGS, **(defaults or {})}
        super().__init__(self.defaults)

    def reset(self) -> None:
        self.clear()
        self.update(self.defaults)


@dataclass
class CallRecord:
    seq: int
    time: float
    service: str
    operation: str
    mutating: bool
    status: int | None
    account: str
    region: str
    fault: str | None = None
    duration_ms: float = 0.0


class CallLog:
    """Thread-safe record of every AWS call; keeps the latest ``keep`` records and full counters."""

    def __init__(self, keep: int = 50000):
        self._lock = threading.Lock()
        self._records: deque[CallRecord] = deque(maxlen=keep)
        self._seq = 0
        self._ops: dict[str, dict[str, Any]] = {}
        self._accounts: dict[str, Counter] = {}
        self._totals: Counter = Counter()

    def add(self, info: operations.CallInfo, status: int | None, fault: str | None, started: float) -> None:
        with self._lock:
            self._seq += 1
            record = CallRecord(
                self._seq,
                time.time(),
                info.service,
                info.operation,
                info.mutating,
                status,
                info.account,
                info.region,
                fault,
                round((time.monotonic() - started) * 1000, 3),
            )
            self._records.append(record)
            op = self._ops.setdefault(
                info.key,
                {
                    "service": info.service,
                    "operation": info.operation,
                    "mutating": info.mutating,
                    "count": 0,
                    "statuses": Counter(),
                },
            )
            op["count"] += 1
            op["statuses"]["dropped" if status is None else str(status)] += 1
            kind = "mutating" if info.mutating else "read"
            self._totals["total"] += 1
            self._totals[kind] += 1
            if fault:
                self._totals["faulted"] += 1
            account = self._accounts.setdefault(info.account, Counter())
            account["total"] += 1
            account[kind] += 1

    def reset(self) -> None:
        with self._lock:
            self._records.clear()
            self._ops.clear()
            self._accounts.clear()
            self._totals.clear()

    def calls(self, since: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            return [asdict(r) for r in self._records if r.seq > since]

    def summary(self) -> dict[str, Any]:
        with self._lock:
            by_service: dict[str, Counter] = {}
            for op in self._ops.values():
                counter = by_service.setdefault(op["service"], Counter())
                counter["total"] += op["count"]
                counter["mutating" if op["mutating"] else "read"] += op["count"]
            return {
                "total": self._totals["total"],
                "mutating": self._totals["mutating"],
                "read": self._totals["read"],
                "faulted": self._totals["faulted"],
                "last_seq": self._seq,
                "by_operation": {
                    key: {**op, "statuses": dict(op["statuses"])} for key, op in sorted(self._ops.items())
                },
                "by_service": {
                    name: {"total": c["total"], "mutating": c["mutating"], "read": c["read"]}
                    for name, c in sorted(by_service.items())
                },
                "by_account": {
                    name: {"total": c["total"], "mutating": c["mutating"], "read": c["read"]}
                    for name, c in sorted(self._accounts.items())
                },
            }


class FaultRuleError(ValueError):
    pass


@dataclass
class FaultRule:
    """One fault rule; see the control API documentation for the JSON form."""

    kind: str
    service: str = "*"
    operation: str = "*"
    probability: float = 1.0
    max_count: int | None = None
    status: int | None = None
    code: str | None = None
    message: str | None = None
    delay_ms: int = 0
    mutating: bool | None = None
    account: str | None = None
    region: str | None = None
    phase: str = "before"
    skip: int = 0
    fired: int = field(default=0)
    matched: int = field(default=0)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> FaultRule:
        if not isinstance(data, dict):
            raise FaultRuleError("each rule must be a JSON object")
        known = set(cls.__dataclass_fields__) - {"fired", "matched"}
        unknown = set(data) - known
        if unknown:
            raise FaultRuleError(f"unknown rule fields: {sorted(unknown)}; allowed: {sorted(known)}")
        rule = cls(**data)
        if rule.kind not in FAULT_KINDS:
            raise FaultRuleError(f"kind must be one of {FAULT_KINDS}, got {rule.kind!r}")
        if not 0.0 <= float(rule.probability) <= 1.0:
            raise FaultRuleError("probability must be between 0 and 1")
        if rule.max_count is not None and int(rule.max_count) < 0:
            raise FaultRuleError("max_count must be >= 0")
        if not isinstance(rule.skip, int) or rule.skip < 0:
            raise FaultRuleError("skip must be an integer >= 0")
        if rule.kind == "error" and rule.status not in (None, 500, 502, 503, 504):
            raise FaultRuleError("error status must be one of 500, 502, 503, 504")
        if rule.kind == "latency" and int(rule.delay_ms) <= 0:
            raise FaultRuleError("latency rules need delay_ms > 0")
        if rule.phase not in PHASES:
            raise FaultRuleError(f"phase must be one of {PHASES}, got {rule.phase!r}")
        if rule.phase == "after" and rule.kind not in ("error", "drop"):
            raise FaultRuleError('phase "after" applies to error and drop rules only')
        return rule

    def matches(self, info: operations.CallInfo) -> bool:
        return (
            self.service in ("*", info.service)
            and self.operation in ("*", info.operation)
            and (self.mutating is None or self.mutating == info.mutating)
            and self.account in (None, "*", info.account)
            and self.region in (None, "*", info.region)
        )


class FaultInjector:
    """Evaluates rules in order with a seeded RNG; latency rules add up, the first fault wins."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []
        self.seed = 0
        self._rng = random.Random(0)

    def configure(self, rules: list[dict[str, Any]], seed: int = 0) -> None:
        parsed = [FaultRule.from_json(r) for r in rules]
        with self._lock:
            self.rules = parsed
            self.seed = int(seed)
            self._rng = random.Random(self.seed)

    def clear(self) -> None:
        self.configure([], 0)

    def describe(self) -> dict[str, Any]:
        with self._lock:
            return {"seed": self.seed, "rules": [asdict(r) for r in self.rules]}

    def decide(self, info: operations.CallInfo) -> tuple[float, FaultRule | None]:
        delay = 0.0
        with self._lock:
            for rule in self.rules:
                if not rule.matches(info):
                    continue
                rule.matched += 1
                if rule.matched <= rule.skip:
                    continue
                if rule.max_count is not None and rule.fired >= rule.max_count:
                    continue
                if rule.probability < 1.0 and self._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                if rule.kind == "latency":
                    delay += rule.delay_ms / 1000.0
                    continue
                return delay, rule
        return delay, None


# --- error envelopes -------------------------------------------------------------------------

THROTTLE = {
    "ec2": (503, "RequestLimitExceeded", "Request limit exceeded."),
    "query": (400, "Throttling", "Rate exceeded"),
    "rest-xml": (400, "Throttling", "Rate exceeded"),
    "json": (400, "ThrottlingException", "Rate exceeded"),
    "rest-json": (400, "ThrottlingException", "Rate exceeded"),
    "smithy-rpc-v2-cbor": (400, "ThrottlingException", "Rate exceeded"),
}
SERVER_ERRORS = {
    "ec2": {500: "InternalError", 503: "Unavailable"},
    "default": {500: "InternalFailure", 503: "ServiceUnavailable"},
}


def _cbor_text(value: str) -> bytes:
    data = value.encode()
    size = len(data)
    if size < 24:
        head = bytes([0x60 | size])
    elif size < 256:
        head = bytes([0x78, size])
    else:
        head = b"\x79" + struct.pack(">H", size)
    return head + data


def _cbor_map(values: dict[str, str]) -> bytes:
    return bytes([0xA0 | len(values)]) + b"".join(_cbor_text(k) + _cbor_text(v) for k, v in values.items())


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _json_version(service: str) -> str:
    try:
        return operations.service_model(service).metadata.get("jsonVersion", "1.0")
    except Exception:  # noqa: BLE001 - unknown service: answer with JSON 1.0
        return "1.0"


def error_response(info: operations.CallInfo, status: int, code: str, message: str):
    """``(status, headers, body)`` of an error in the wire format of the request's protocol."""
    request_id = str(uuid.uuid4())
    protocol = info.protocol or "query"
    headers = [("x-amzn-RequestId", request_id)]
    message = _xml_escape(message)
    if protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>'
            f"<Code>{code}</Code><Message>{message}</Message></Error></Errors>"
            f"<RequestID>{request_id}</RequestID></Response>"
        ).encode()
        headers.append(("Content-Type", "text/xml;charset=UTF-8"))
    elif protocol in ("query", "rest-xml") and info.service == "s3":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message><RequestId>{request_id}</RequestId></Error>"
        ).encode()
        headers.append(("Content-Type", "application/xml"))
    elif protocol in ("query", "rest-xml"):
        kind = "Receiver" if status >= 500 else "Sender"
        try:
            model = operations.service_model(info.service)
            namespace = model.metadata.get("xmlNamespace") or (
                f"https://{model.endpoint_prefix}.amazonaws.com/doc/{model.api_version}/"
            )
        except Exception:  # noqa: BLE001 - unknown service: the envelope still parses
            namespace = "https://amazonaws.com/doc/"
        if isinstance(namespace, dict):
            namespace = namespace.get("uri", "")
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="{namespace}"><Error>'
            f"<Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
        headers.append(("Content-Type", "text/xml"))
    elif protocol == "smithy-rpc-v2-cbor":
        body = _cbor_map({"__type": code, "message": message})
        headers += [("Content-Type", "application/cbor"), ("smithy-protocol", "rpc-v2-cbor")]
    else:
        version = _json_version(info.service)
        body = json.dumps({"__type": code, "message": message}).encode()
        headers.append(("Content-Type", f"application/x-amz-json-{version}"))
        headers.append(("x-amzn-ErrorType", code))
    headers.append(("Content-Length", str(len(body))))
    return status, headers, body


def fault_response(info: operations.CallInfo, rule: FaultRule):
    protocol = info.protocol or "query"
    if rule.kind == "throttle":
        status, code, message = THROTTLE.get(protocol, THROTTLE["query"])
        if info.service == "s3":
            status, code, message = 503, "SlowDown", "Please reduce your request rate."
        status = rule.status or status
    else:
        status = rule.status or 500
        table = SERVER_ERRORS["ec2" if protocol == "ec2" else "default"]
        code = table.get(status, "InternalError" if protocol == "ec2" else "InternalFailure")
        message = "An internal error has occurred" if status == 500 else "Service is unavailable"
    return error_response(info, status, rule.code or code, rule.message or message)


_REASONS = {
    200: "OK",
    400: "Bad Request",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def _status_line(status: int) -> str:
    return f"{status} {_REASONS.get(status, 'Error')}"


class DroppedConnection(ConnectionAbortedError):
    """Raised after the socket was closed on purpose; the server treats it as a dropped client."""


@dataclass
class SandboxState:
    settings: Settings
    calls: CallLog
    faults: FaultInjector
    reset_backends: Any = None

    def reset(self) -> None:
        if self.reset_backends is not None:
            self.reset_backends()
        self.calls.reset()
        self.faults.clear()
        self.settings.reset()


def _read_body(environ: dict) -> bytes:
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH")
    if length:
        try:
            return stream.read(int(length))
        except ValueError:
            return b""
    if environ.get("wsgi.input_terminated"):
        return stream.read()
    return b""


class SandboxMiddleware:
    def __init__(self, app, state: SandboxState, control_app=None):
        self.app = app
        self.state = state
        self.control_app = control_app

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "") or ""
        if self.control_app is not None and (path == CONTROL_PREFIX or path.startswith(CONTROL_PREFIX + "/")):
            return self.control_app(environ, start_response)
        if path.startswith(UNCOUNTED_PREFIXES):
            return self.app(environ, start_response)
        started = time.monotonic()
        body = _read_body(environ)
        self._set_body(environ, body)
        info = operations.classify(environ, body)
        delay, rule = self.state.faults.decide(info)
        if delay:
            time.sleep(delay)
        if rule is not None:
            if rule.phase == "after":
                self._carry_out(environ, body, info)
            if rule.kind == "drop":
                self.state.calls.add(info, None, "drop", started)
                sock = environ.get("werkzeug.socket")
                if sock is not None:
                    try:
                        sock.shutdown(socket.SHUT_RDWR)
                    except OSError:
                        pass
                raise DroppedConnection("sandbox fault rule dropped the connection")
            status, headers, payload = fault_response(info, rule)
            self.state.calls.add(info, status, rule.kind, started)
            start_response(_status_line(status), headers)
            return [payload]
        plan = None
        if info.service == "ec2" and info.protocol == "ec2":
            try:
                plan = paging.plan(
                    info.operation, info.params, int(self.state.settings.get("page_size") or 0)
                )
            except paging.PagingError as exc:
                status, headers, payload = error_response(info, exc.status, exc.code, exc.message)
                self.state.calls.add(info, status, None, started)
                start_response(_status_line(status), headers)
                return [payload]
            if plan is not None:
                self._strip_paging(environ, body)
        if plan is None:
            return self._pass_through(environ, start_response, info, started)
        return self._paged(environ, start_response, info, started, plan)

    def _carry_out(self, environ: dict, body: bytes, info) -> None:
        """Let moto handle the request and throw its answer away (the answer a fault then loses)."""
        if info.service == "ec2" and info.protocol == "ec2":
            try:
                if paging.plan(info.operation, info.params, int(self.state.settings.get("page_size") or 0)):
                    self._strip_paging(environ, body)
            except paging.PagingError:
                return
        chunks = self.app(environ, lambda status, headers, exc_info=None: (lambda data: None))
        try:
            for _chunk in chunks:
                pass
        finally:
            if hasattr(chunks, "close"):
                chunks.close()

    def _strip_paging(self, environ: dict, body: bytes) -> None:
        """Hide MaxResults/NextToken from moto, which then answers with the whole result set."""
        form = operations.parse_form(body, environ.get("CONTENT_TYPE", ""))
        if form:
            self._set_body(environ, paging.strip_request(form))
        if environ.get("QUERY_STRING"):
            pairs = parse_qsl(environ["QUERY_STRING"], keep_blank_values=True)
            environ["QUERY_STRING"] = urlencode([(k, v) for k, v in pairs if k not in paging.PAGING_PARAMS])

    @staticmethod
    def _set_body(environ: dict, body: bytes) -> None:
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))

    def _pass_through(self, environ, start_response, info, started):
        seen: dict[str, int] = {}

        def capture(status, headers, exc_info=None):
            seen["status"] = int(status.split(" ", 1)[0])
            return start_response(status, headers, exc_info)

        try:
            result = self.app(environ, capture)
        except Exception:
            self.state.calls.add(info, 500, None, started)
            raise
        self.state.calls.add(info, seen.get("status"), None, started)
        return result

    def _paged(self, environ, start_response, info, started, plan):
        seen: dict[str, Any] = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return lambda data: None

        chunks = self.app(environ, capture)
        try:
            payload = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        status_line = seen.get("status", "500 Internal Server Error")
        status = int(status_line.split(" ", 1)[0])
        headers = [(k, v) for k, v in seen.get("headers", []) if k.lower() != "content-length"]
        if status == 200:
            payload = paging.apply(plan, payload)
        headers.append(("Content-Length", str(len(payload))))
        self.state.calls.add(info, status, None, started)
        start_response(status_line, headers)
        return [payload]
