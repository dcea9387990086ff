"""ClientToken idempotency of EC2 create calls, as documented in "Ensuring idempotency".

Every EC2 operation whose input (botocore service model) has a ``ClientToken`` member is covered.
A repeated call with the same token and the same parameters returns the first call's result and
creates nothing; the same token with different parameters fails with
``IdempotentParameterMismatch``. Tokens are scoped to the account and region. moto ignores the
token and creates a second resource.

Route 53 CreateHostedZone: a repeated CallerReference fails with ``HostedZoneAlreadyExists``.
"""

from __future__ import annotations

import collections
import functools
from typing import Any

import botocore.session
from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.ec2.responses import EC2Response
from moto.route53.models import Route53Backend

from ._common import AwsError, wrap

MAX_TOKENS_PER_BACKEND = 2000
_IGNORED = {"ClientToken", "Action", "Version"}


@functools.lru_cache(maxsize=1)
def token_actions() -> frozenset[str]:
    """EC2 operations whose request carries a ClientToken, read from the botocore service model."""
    model = botocore.session.get_session().get_service_model("ec2")
    names = set()
    for name in model.operation_names:
        shape = model.operation_model(name).input_shape
        if shape is not None and "ClientToken" in shape.members:
            names.add(name)
    return frozenset(names)


def _fingerprint(querystring: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(sorted((k, tuple(v)) for k, v in querystring.items() if k not in _IGNORED))


def _call_action(original: Any) -> Any:
    def call_action(self: Any) -> Any:
        action = self._get_action()
        if action not in token_actions():
            return original(self)
        token = self._get_param("ClientToken")
        if not token or str(self._get_param("DryRun", "false")).lower() == "true":
            return original(self)
        cache = self.ec2_backend.__dict__.setdefault("_client_tokens", collections.OrderedDict())
        key = (action, token)
        fingerprint = _fingerprint(self.querystring)
        if key in cache:
            first_fingerprint, response = cache[key]
            if first_fingerprint != fingerprint:
                status, headers, body = self.serialized(ActionResult(_mismatch()))
                headers["status"] = status
                return status, headers, body
            return response[0], dict(response[1]), response[2]
        response = original(self)
        if int(response[0]) == 200:
            cache[key] = (fingerprint, response)
            while len(cache) > MAX_TOKENS_PER_BACKEND:
                cache.popitem(last=False)
        return response

    return call_action


def _mismatch() -> ServiceException:
    return AwsError(
        "IdempotentParameterMismatch",
        "The client token you have provided is associated with a request that used "
        "different parameters. Use a different client token.",
    )


class HostedZoneAlreadyExists(ServiceException):
    code = "HostedZoneAlreadyExists"

    def __init__(self, caller_reference: str) -> None:
        super().__init__(
            "HostedZoneAlreadyExists",
            f"A hosted zone has already been created with the specified caller reference "
            f"'{caller_reference}'.",
        )


def _create_hosted_zone(original: Any) -> Any:
    def create_hosted_zone(
        self: Any,
        name: str,
        private_zone: bool,
        caller_reference: str | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> Any:
        if caller_reference and any(z.caller_reference == caller_reference for z in self.zones.values()):
            raise HostedZoneAlreadyExists(caller_reference)
        return original(self, name, private_zone, caller_reference, *args, **kwargs)

    return create_hosted_zone


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Response, "call_action", _call_action)
    wrap(Route53Backend, "create_hosted_zone", _create_hosted_zone)
