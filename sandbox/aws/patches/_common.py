"""Shared helpers for the moto behaviour patches (settings access, EC2 errors, method wrapping)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from moto.core.exceptions import ServiceException

SETTINGS: dict[str, Any] = {}


def use_settings(settings: dict[str, Any]) -> None:
    """Point every patch at the shared, mutable settings dict of the sandbox control API."""
    global SETTINGS
    SETTINGS = settings


def pending_reads() -> int:
    """Number of describe calls a new asynchronous resource stays pending (read at call time)."""
    try:
        return max(0, int(SETTINGS.get("pending_reads", 0) or 0))
    except (TypeError, ValueError):
        return 0


class AwsError(ServiceException):
    """A client error with the code and message AWS answers with (HTTP 400)."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def wrap(cls: type, name: str, factory: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    """Replace ``cls.name`` with ``factory(original)``; ``original`` may be None for new methods."""
    original = cls.__dict__.get(name) or getattr(cls, name, None)
    replacement = factory(original)
    if original is not None:
        functools.update_wrapper(replacement, original)
    replacement.__name__ = name
    setattr(cls, name, replacement)
