"""Shared pieces of the Network Firewall patches: errors, update tokens, name/ARN lookup."""

from __future__ import annotations

import uuid
from typing import Any

from moto.core.exceptions import ServiceException


class NfwError(ServiceException):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def not_found(what: str) -> NfwError:
    return NfwError("ResourceNotFoundException", f"{what} not found.")


def invalid_request(message: str) -> NfwError:
    return NfwError("InvalidRequestException", message)


def new_token() -> str:
    return str(uuid.uuid4())


def check_token(obj: Any, token: str | None, required: bool) -> None:
    """UpdateToken optimistic locking: a stale token answers InvalidTokenException."""
    if token is None:
        if required:
            raise invalid_request("UpdateToken is required.")
        return
    if token != obj.update_token:
        raise NfwError(
            "InvalidTokenException",
            "Update token is invalid or expired. Describe the resource to get the current token.",
        )


def find(store: dict[str, Any], arn: str | None, name: str | None, what: str) -> Any:
    if not arn and not name:
        raise invalid_request(f"{what} name or ARN must be specified.")
    for obj in store.values():
        if (arn and obj.arn == arn) or (not arn and obj.name == name):
            return obj
    raise not_found(f"{what} {arn or name}")
