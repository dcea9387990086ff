# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Typed errors raised by module_utils.

Only modules turn these into ``fail_json``; everything below the module raises. Every message names
what is wrong and how to fix it, and never carries a secret.
"""

from __future__ import annotations


class CloudnetError(Exception):
    """Base of every error the collection raises on purpose."""

    def __init__(self, message: str, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def result(self) -> dict:
        """Keyword arguments for ``fail_json`` (msg plus structured details)."""
        out = {"msg": self.message}
        out.update({k: v for k, v in self.details.items() if v is not None})
        return out


class ValidationError(CloudnetError):
    """Bad input, detected before any API call."""

    def __init__(self, field: str, value, problem: str, fix: str):
        shown = value if isinstance(value, (str, int, float, bool)) or value is None else repr(value)
        super().__init__(f"{field}: {problem} (got {shown!r}). Fix: {fix}", field=field)
        self.field = field


class CredentialsError(CloudnetError):
    """No usable credentials or region for a cloud."""


class ApiError(CloudnetError):
    """A cloud API call failed after retries."""

    def __init__(self, cloud: str, operation: str, code: str, message: str, status=None, hint: str = ""):
        text = f"{cloud} {operation} failed: {code}: {message}"
        if hint:
            text += f" Fix: {hint}"
        super().__init__(text, error_code=code, operation=operation, http_status=status)
        self.cloud = cloud
        self.operation = operation
        self.code = code
        self.status = status


class NotFoundError(CloudnetError):
    """A resource the caller named does not exist."""


class ConflictError(CloudnetError):
    """The cloud already holds something that prevents the requested state (not owned by us, in use...)."""


class WaitTimeoutError(CloudnetError):
    """A bounded wait ran out before the resource reached the wanted state."""

    def __init__(self, what: str, timeout: float, last_state=None):
        super().__init__(
            f"Timed out after {int(timeout)} s waiting for {what} (last state: {last_state}). "
            "Fix: raise wait_timeout, or re-run: the operation is idempotent and resumes where it stopped.",
            last_state=last_state,
        )
