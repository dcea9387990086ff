"""Small client for the AWS sandbox control API (``/_sandbox/`` on the sandbox's endpoint).

Used by the collection's integration tests and benchmarks::

    control = SandboxControl(os.environ["AWS_ENDPOINT_URL"])
    control.reset_calls()
    ...  # run a playbook
    assert control.mutating_calls() == []
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class SandboxControlError(RuntimeError):
    def __init__(self, status: int, message: str):
        super().__init__(f"sandbox control API answered {status}: {message}")
        self.status = status


class SandboxControl:
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
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            try:
                message = json.loads(exc.read()).get("error", exc.reason)
            except ValueError:
                message = exc.reason
            raise SandboxControlError(exc.code, message) from None

    # --- calls -------------------------------------------------------------------------------
    def calls(self, since: int = 0) -> list[dict[str, Any]]:
        """Every recorded AWS call (after sequence number ``since``), oldest first."""
        suffix = f"?since={int(since)}" if since else ""
        return self._request("GET", f"calls{suffix}")["calls"]

    def summary(self) -> dict[str, Any]:
        """Totals, mutating/read counts and per ``service:Operation`` / service / account counts."""
        return self._request("GET", "calls")["summary"]

    def mutating_calls(self, since: int = 0) -> list[dict[str, Any]]:
        return [call for call in self.calls(since) if call["mutating"]]

    def reset_calls(self) -> None:
        self._request("POST", "calls/reset")

    # --- faults ------------------------------------------------------------------------------
    def set_faults(self, rules: list[dict[str, Any]], seed: int = 0) -> dict[str, Any]:
        """Replace the fault rules (see ``sandbox.aws.middleware.FaultRule``) and reseed the RNG."""
        return self._request("PUT", "faults", {"seed": seed, "rules": list(rules)})

    def faults(self) -> dict[str, Any]:
        return self._request("GET", "faults")

    def clear_faults(self) -> None:
        self._request("DELETE", "faults")

    # --- settings and reset ------------------------------------------------------------------
    def settings(self, **changes: Any) -> dict[str, Any]:
        """Return the settings, after merging ``changes`` when any are given."""
        if changes:
            return self._request("PUT", "settings", changes)
        return self._request("GET", "settings")

    def reset(self) -> None:
        """Reset moto's state, the call log, the fault rules and the settings."""
        self._request("POST", "reset")
