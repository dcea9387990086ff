"""Small client for the Azure emulator's control API (``/_sandbox/`` on its https endpoint).

    control = AzureControl(url, ca_bundle)
    control.reset_calls()
    ...  # run a playbook
    assert control.mutating_calls() == []
    control.add_fault("throttle", probability=0.2, retry_after=1)
"""

from __future__ import annotations

import json
import ssl
import urllib.error
import urllib.request
from typing import Any


class AzureControlError(RuntimeError):
    def __init__(self, status: int, message: str):
        super().__init__(f"Azure emulator control API answered {status}: {message}")
        self.status = status


class AzureControl:
    def __init__(self, url: str, ca_bundle: str | None = None, timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._context = ssl.create_default_context(cafile=ca_bundle) if ca_bundle else None
        if self._context is None and self.url.startswith("https"):
            self._context = ssl._create_unverified_context()  # noqa: S323 - the local self-signed emulator

    def _request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.url}/_sandbox/{path}", data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout, context=self._context) as response:  # noqa: S310
                raw = response.read()
                return json.loads(raw) if raw else None
        except urllib.error.HTTPError as exc:
            raise AzureControlError(exc.code, exc.read().decode(errors="replace")[:300]) from None

    # --- calls ---------------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """``{total, mutating, read, by_type, calls}`` of every ARM call since the last reset."""
        return self._request("GET", "calls")

    def calls(self) -> list[dict[str, Any]]:
        return self.summary()["calls"]

    def mutating_calls(self) -> list[dict[str, Any]]:
        return [c for c in self.calls() if c["mutating"]]

    def reset_calls(self) -> None:
        self._request("DELETE", "calls")

    # --- faults --------------------------------------------------------------------------------
    def add_fault(self, kind: str, **rule: Any) -> int:
        """Add one rule (see sandbox.azure.faults); returns its id."""
        return self._request("POST", "faults", {"kind": kind, **rule})["id"]

    def faults(self) -> list[dict[str, Any]]:
        return self._request("GET", "faults")["value"]

    def clear_faults(self) -> None:
        self._request("DELETE", "faults")
