"""Fault injection and call recording, per collection and method."""

from __future__ import annotations

import random
import threading
import time
from dataclasses import asdict, dataclass, field

from .errors import ApiError

KINDS = ("rate_limit", "backend_error", "not_ready", "latency", "operation_error", "slow_operation")


@dataclass
class Fault:
    """One rule. ``collection``/``method``/``api`` match exactly or ``*``.

    kind: rate_limit (429 rateLimitExceeded), backend_error (503 backendError), not_ready (400
    resourceNotReady, what GCP answers while another operation holds the resource), latency (sleep
    ``latency`` seconds, then answer normally), operation_error (the call is accepted but its
    Operation ends DONE with ``error``), slow_operation (the Operation never reaches DONE by polls;
    only after ``latency`` seconds).
    """

    kind: str
    collection: str = "*"
    method: str = "*"
    api: str = "*"
    probability: float = 1.0
    max_count: int | None = None
    latency: float = 0.0
    error_code: str = "QUOTA_EXCEEDED"
    error_message: str = "Quota exceeded in the sandbox (injected fault)."
    http_status: int = 403
    seed: int | None = None
    fired: int = 0
    id: int = 0
    _rng: random.Random = field(default=None, repr=False, compare=False)

    def matches(self, api: str, collection: str, method: str) -> bool:
        return all(
            want in ("*", have)
            for want, have in ((self.api, api), (self.collection, collection), (self.method, method))
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("_rng")
        return data


class Faults:
    """The set of active fault rules; thread-safe, seeded for reproducible runs."""

    def __init__(self, seed: int = 0):
        self.seed = seed
        self._rules: list[Fault] = []
        self._lock = threading.Lock()
        self._next = 1

    def add(self, kind: str, **options) -> Fault:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
        fault = Fault(kind=kind, **options)
        if not 0.0 <= fault.probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        with self._lock:
            fault.id = self._next
            self._next += 1
            fault._rng = random.Random(fault.seed if fault.seed is not None else self.seed + fault.id)
            self._rules.append(fault)
        return fault

    def clear(self):
        with self._lock:
            self._rules.clear()

    def list(self) -> list[dict]:
        with self._lock:
            return [rule.to_dict() for rule in self._rules]

    def draw(self, api: str, collection: str, method: str) -> list[Fault]:
        """Return the rules that fire for this call (each counted once)."""
        fired = []
        with self._lock:
            for rule in self._rules:
                if not rule.matches(api, collection, method):
                    continue
                if rule.max_count is not None and rule.fired >= rule.max_count:
                    continue
                if rule._rng.random() >= rule.probability:
                    continue
                rule.fired += 1
                fired.append(rule)
        return fired


def raise_for(fault: Fault, api: str):
    """Sleep or raise the error a fired request-level fault stands for."""
    service = "compute.googleapis.com" if api == "compute" else "dns.googleapis.com"
    if fault.kind == "latency":
        time.sleep(fault.latency)
    elif fault.kind == "rate_limit":
        message = (
            f"Quota exceeded for quota metric 'Queries' and limit 'Queries per minute' of service "
            f"'{service}' for consumer 'project_number:000000000000'."
        )
        raise ApiError(429, "rateLimitExceeded", message, domain="usageLimits")
    elif fault.kind == "backend_error":
        raise ApiError(503, "backendError", "Internal error. Please try again.")
    elif fault.kind == "not_ready":
        raise ApiError(400, "resourceNotReady", "The resource is not ready")


class CallLog:
    """Every API call the emulator answered (token and /_sandbox/ requests excluded)."""

    def __init__(self):
        self._calls: list[dict] = []
        self._lock = threading.Lock()

    def record(self, **call):
        with self._lock:
            self._calls.append(call)

    def calls(self, api=None, collection=None, method=None, mutating=None) -> list[dict]:
        with self._lock:
            calls = list(self._calls)
        return [
            c
            for c in calls
            if (api is None or c["api"] == api)
            and (collection is None or c["collection"] == collection)
            and (method is None or c["method"] == method)
            and (mutating is None or c["mutating"] == mutating)
        ]

    def count(self, **filters) -> int:
        return len(self.calls(**filters))

    def clear(self):
        with self._lock:
            self._calls.clear()
