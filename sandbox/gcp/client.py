"""Small client for the GCP emulator's control API (``/_sandbox/`` on its http endpoint).

    control = GcpControl(url)
    control.reset_calls()
    ...  # run a playbook
    assert control.mutating_calls() == []
    control.add_fault("rate_limit", probability=0.2)
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections import Counter
from typing import Any


class GcpControlError(RuntimeError):
    def __init__(self, status: int, message: str):
        super().__init__(f"GCP emulator control API answered {status}: {message}")
        self.status = status


class GcpControl:
    def __init__(self, url: str, timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 - local URL
                raw = response.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raise GcpControlError(exc.code, exc.read().decode(errors="replace")[:300]) from None

    # --- calls ---------------------------------------------------------------------------------
    def calls(self, mutating: bool | None = None) -> list[dict[str, Any]]:
        """Every Compute / Cloud DNS call since the last reset (token and control calls excluded)."""
        query = "" if mutating is None else f"?mutating={'true' if mutating else 'false'}"
        return self._request("GET", f"calls{query}")["calls"]

    def mutating_calls(self) -> list[dict[str, Any]]:
        return self.calls(mutating=True)

    def summary(self) -> dict[str, Any]:
        """Totals and per ``api collection.method`` counts (with non-2xx answers), like the AWS summary."""
        calls = self.calls()
        ops: dict[str, dict[str, Any]] = {}
        for call in calls:
            key = f"{call['api']}:{call['collection']}.{call['method']}"
            op = ops.setdefault(key, {"api": call["api"], "operation": f"{call['collection']}.{call['method']}",
                                      "mutating": call["mutating"], "count": 0, "statuses": Counter()})
            op["count"] += 1
            op["statuses"][str(call.get("status"))] += 1
        mutating = sum(1 for c in calls if c["mutating"])
        return {
            "total": len(calls), "mutating": mutating, "read": len(calls) - mutating,
            "faulted": sum(1 for c in calls if c.get("reason") in ("rateLimitExceeded", "backendError")),
            "by_operation": {k: {**v, "statuses": dict(v["statuses"])} for k, v in sorted(ops.items())},
        }

    def reset_calls(self) -> None:
        self._request("DELETE", "calls")

    # --- faults --------------------------------------------------------------------------------
    def add_fault(self, kind: str, **rule: Any) -> dict[str, Any]:
        """Add one rule (see sandbox.gcp.faults); returns it."""
        return self._request("POST", "faults", {"kind": kind, **rule})

    def faults(self) -> list[dict[str, Any]]:
        return self._request("GET", "faults")["faults"]

    def clear_faults(self) -> None:
        self._request("DELETE", "faults")
