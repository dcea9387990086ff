"""Fault injection and call accounting, controllable per test.

A rule matches requests by resource type (``Microsoft.Network/virtualNetworks``, case-insensitive,
``*`` for any) and HTTP method (``*`` for any), fires with a probability drawn from a seeded random
generator, and stops after ``max_count`` firings. Kinds:

- ``throttle``: 429 ``TooManyRequests`` with an integer ``Retry-After``;
- ``unavailable``: 503 ``ServiceUnavailable`` (with ``Retry-After`` when ``retry_after`` is set);
- ``latency``: the request is served after ``seconds`` of delay;
- ``lro_failed``: the long-running operation the request starts ends ``Failed``;
- ``stale_read``: a GET of a resource written less than ``seconds`` ago answers 404 as if the write
  had not reached the replica yet (ARM reads are eventually consistent across regions).
"""

from __future__ import annotations

import random
import threading
from dataclasses import asdict, dataclass, field

KINDS = ("throttle", "unavailable", "latency", "lro_failed", "stale_read")
MUTATING = frozenset({"PUT", "PATCH", "POST", "DELETE"})


@dataclass
class FaultRule:
    kind: str
    resource_type: str = "*"
    method: str = "*"
    probability: float = 1.0
    max_count: int | None = None
    retry_after: int = 1
    seconds: float = 0.0
    error_code: str | None = None
    message: str | None = None
    fired: int = 0
    id: int = 0

    def matches(self, resource_type: str, method: str) -> bool:
        type_ok = self.resource_type == "*" or self.resource_type.lower() == (resource_type or "").lower()
        method_ok = self.method == "*" or self.method.upper() == method.upper()
        spent = self.max_count is not None and self.fired >= self.max_count
        return type_ok and method_ok and not spent


@dataclass
class Call:
    method: str
    path: str
    resource_type: str
    mutating: bool
    status: int = 0
    fault: str | None = None


@dataclass
class Faults:
    seed: int = 0
    rules: list[FaultRule] = field(default_factory=list)

    def __post_init__(self):
        self._lock = threading.Lock()
        self._random = random.Random(self.seed)
        self._next_id = 1

    def add(
        self,
        kind: str,
        resource_type: str = "*",
        method: str = "*",
        probability: float = 1.0,
        max_count: int | None = None,
        retry_after: int = 1,
        seconds: float = 0.0,
        error_code: str | None = None,
        message: str | None = None,
    ) -> FaultRule:
        if kind not in KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {', '.join(KINDS)}")
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        if int(retry_after) != retry_after or retry_after < 1:
            raise ValueError(
                "retry_after must be an integer >= 1 (Azure SDKs reject fractions, treat 0 as absent)"
            )
        with self._lock:
            rule = FaultRule(
                kind=kind,
                resource_type=resource_type,
                method=method,
                probability=probability,
                max_count=max_count,
                retry_after=int(retry_after),
                seconds=seconds,
                error_code=error_code,
                message=message,
                id=self._next_id,
            )
            self._next_id += 1
            self.rules.append(rule)
            return rule

    def clear(self, seed: int | None = None) -> None:
        with self._lock:
            self.rules.clear()
            if seed is not None:
                self.seed = seed
            self._random = random.Random(self.seed)

    def has(self, resource_type: str, method: str, kind: str) -> FaultRule | None:
        """The first live rule of ``kind`` for this request, without firing it."""
        with self._lock:
            return next((r for r in self.rules if r.kind == kind and r.matches(resource_type, method)), None)

    def draw(self, resource_type: str, method: str, kinds: tuple[str, ...]) -> FaultRule | None:
        """Return the first matching rule of ``kinds`` that fires for this request, counting it."""
        with self._lock:
            for rule in self.rules:
                if rule.kind in kinds and rule.matches(resource_type, method):
                    if rule.probability >= 1.0 or self._random.random() < rule.probability:
                        rule.fired += 1
                        return rule
        return None

    def describe(self) -> list[dict]:
        with self._lock:
            return [asdict(r) for r in self.rules]


class CallLog:
    def __init__(self):
        self._lock = threading.Lock()
        self.calls: list[Call] = []

    def record(self, call: Call) -> None:
        with self._lock:
            self.calls.append(call)

    def reset(self) -> None:
        with self._lock:
            self.calls.clear()

    def select(
        self, method: str | None = None, resource_type: str | None = None, mutating: bool | None = None
    ) -> list[Call]:
        with self._lock:
            calls = list(self.calls)
        return [
            c
            for c in calls
            if (method is None or c.method == method.upper())
            and (resource_type is None or c.resource_type.lower() == resource_type.lower())
            and (mutating is None or c.mutating == mutating)
        ]

    def count(self, **filters) -> int:
        return len(self.select(**filters))

    def summary(self) -> dict:
        calls = self.select()
        by_type: dict[str, dict[str, int]] = {}
        for c in calls:
            entry = by_type.setdefault(c.resource_type, {})
            entry[c.method] = entry.get(c.method, 0) + 1
        return {
            "total": len(calls),
            "mutating": sum(c.mutating for c in calls),
            "read": sum(not c.mutating for c in calls),
            "by_type": by_type,
            "calls": [asdict(c) for c in calls],
        }
