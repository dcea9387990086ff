"""Authentication and authorization errors in the error format of the called service, as AWS answers them.

With IAM enforcement on (``iam_enforcement`` setting, see sandbox/aws/server.py), moto answers every
denied action, unknown access key and bad signature with one query-protocol body
(``<ErrorResponse><Errors><Error>``). SDKs cannot read it for REST-XML, JSON or CBOR services: boto3
reports an empty error code for Route 53 and the raw XML as the message for Network Firewall, so the
caller never learns which permission is missing. AWS answers, for a denied action:

- EC2 (``ec2`` protocol): HTTP 403 ``UnauthorizedOperation``;
- Route 53 (``rest-xml``): HTTP 403 ``AccessDenied`` in ``<ErrorResponse><Error>``;
- JSON and CBOR services such as Network Firewall: ``AccessDeniedException`` (HTTP 400; 403 for
  REST-JSON);
- query services (IAM, STS, ELBv2): HTTP 403 ``AccessDenied`` (moto's answer, which SDKs read).

The message names the principal and the action the way AWS words it: ``User: <arn> is not authorized
to perform: <service>:<Operation> because no identity-based policy allows the <service>:<Operation>
action``. An unknown access key or a bad signature answers ``InvalidClientTokenId`` /
``SignatureDoesNotMatch`` (403) for REST-XML and ``UnrecognizedClientException`` /
``InvalidSignatureException`` (400) for JSON and CBOR services; EC2 keeps moto's ``AuthFailure``.
"""

from __future__ import annotations

import re
import warnings
from typing import Any

from moto.core.authorization import ActionAuthenticatorMixin
from moto.core.exceptions import (
    AccessDeniedError,
    InvalidClientTokenIdError,
    ServiceException,
    SignatureDoesNotMatchError,
    _RESTError,
)
from moto.core.responses import ActionResult
from moto.core.utils import get_service_model

_DENIED = re.compile(r"^User: (?P<arn>\S+) is not authorized to perform: (?P<action>\S+)$")
# protocol -> (HTTP status, error code) AWS answers for a denied action.
DENIALS = {
    "ec2": (403, "UnauthorizedOperation"),
    "rest-xml": (403, "AccessDenied"),
    "json": (400, "AccessDeniedException"),
    "rest-json": (403, "AccessDeniedException"),
    "smithy-rpc-v2-cbor": (400, "AccessDeniedException"),
}
JSON_PROTOCOLS = ("json", "rest-json", "smithy-rpc-v2-cbor")
# moto error code -> (status, code) for REST-XML and for JSON/CBOR services.
CREDENTIAL_ERRORS = {
    "InvalidClientTokenId": ((403, "InvalidClientTokenId"), (400, "UnrecognizedClientException")),
    "SignatureDoesNotMatch": ((403, "SignatureDoesNotMatch"), (400, "InvalidSignatureException")),
}


class Denied(ServiceException):
    """The denial handed to moto's serializer (defined here, so moto looks it up in the called service only)."""


class DeniedError(_RESTError):
    """An access denial already serialized for the service's protocol."""

    def __init__(self, status: int, code: str, message: str, body: Any):
        super().__init__(code, message)
        self.code = status
        self.description = body


def message_for(user_arn: str, action: str, protocol: str) -> str:
    message = (f"User: {user_arn} is not authorized to perform: {action} "
               f"because no identity-based policy allows the {action} action")
    if protocol == "ec2":
        message = f"You are not authorized to perform this operation. {message}"
    return message


def _protocol(response: Any) -> str:
    try:
        return response.determine_response_protocol(get_service_model(response.boto3_service_name))
    except Exception:  # noqa: BLE001 - a service botocore does not model: keep moto's answer
        return "query"


def _serialized(response: Any, status: int, code: str, message: str) -> DeniedError:
    # moto's serializer writes the error in the request's protocol (XML, JSON or CBOR).
    with warnings.catch_warnings():  # the error is not a modeled shape of the service; moto warns
        warnings.simplefilter("ignore", UserWarning)
        _, headers, body = response.serialized(ActionResult(Denied(code, message)))
    headers.pop("status", None)
    response.response_headers.update(headers)
    return DeniedError(status, code, message, body)


def _authorize(original: Any) -> Any:
    def authenticate_and_authorize_action(self: Any, iam_request_cls: type, resource: str = "*") -> None:
        try:
            return original(self, iam_request_cls, resource)
        except AccessDeniedError as exc:
            match = _DENIED.match(exc.message)
            protocol = _protocol(self)
            if match is None or protocol not in DENIALS:
                raise
            status, code = DENIALS[protocol]
            raise _serialized(self, status, code, message_for(match["arn"], match["action"], protocol)) from None
        except (InvalidClientTokenIdError, SignatureDoesNotMatchError) as exc:
            protocol = _protocol(self)
            if protocol != "rest-xml" and protocol not in JSON_PROTOCOLS:
                raise
            status, code = CREDENTIAL_ERRORS[exc.error_type][protocol in JSON_PROTOCOLS]
            raise _serialized(self, status, code, exc.message) from None

    return authenticate_and_authorize_action


def apply(settings: dict[str, Any]) -> None:
    from ._common import wrap

    wrap(ActionAuthenticatorMixin, "_authenticate_and_authorize_action", _authorize)
