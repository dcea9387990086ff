"""Google API error envelopes, as the real APIs send them."""

from __future__ import annotations

STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    409: "ALREADY_EXISTS",
    412: "FAILED_PRECONDITION",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}


class ApiError(Exception):
    """An error answer: HTTP code, reason (errors[0].reason) and message."""

    def __init__(
        self,
        code: int,
        reason: str,
        message: str,
        domain: str = "global",
        status: str | None = None,
        extra: dict | None = None,
        details: list | None = None,
        headers: dict | None = None,
        item_message: str | None = None,
    ):
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.domain = domain
        self.status = status or STATUS.get(code, "UNKNOWN")
        self.extra = extra or {}
        self.details = details
        self.headers = headers or {}
        self.item_message = item_message or message

    def body(self) -> dict:
        item = {"message": self.item_message, "domain": self.domain, "reason": self.reason, **self.extra}
        error = {"code": self.code, "message": self.message, "errors": [item], "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


def not_found(resource_path: str) -> ApiError:
    return ApiError(404, "notFound", f"The resource '{resource_path}' was not found")


def already_exists(resource_path: str) -> ApiError:
    return ApiError(409, "alreadyExists", f"The resource '{resource_path}' already exists")


def invalid(field: str, value, why: str) -> ApiError:
    return ApiError(400, "invalid", f"Invalid value for field '{field}': '{value}'. {why}")


def required(field: str) -> ApiError:
    return ApiError(400, "required", f"Required field '{field}' not specified")


def in_use(kind: str, resource_path: str, user_path: str) -> ApiError:
    return ApiError(
        400,
        "resourceInUseByAnotherResource",
        f"The {kind} resource '{resource_path}' is already being used by '{user_path}'",
    )


def bad_request(message: str, field: str = "resource") -> ApiError:
    """ESF-style rejection of a malformed body (unknown field, wrong type)."""
    return ApiError(
        400,
        "invalid",
        message,
        details=[
            {
                "@type": "type.googleapis.com/google.rpc.BadRequest",
                "fieldViolations": [{"field": field, "description": message}],
            }
        ],
    )


def unauthenticated(missing: bool) -> ApiError:
    if missing:
        return ApiError(
            401,
            "required",
            "Request is missing required authentication credential. Expected OAuth 2 access token, login "
            "cookie or other valid authentication credential. See "
            "https://developers.google.com/identity/sign-in/web/devconsole-project.",
            extra={"location": "Authorization", "locationType": "header"},
            headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'},
            item_message="Login Required.",
        )
    return ApiError(
        401,
        "authError",
        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
        "other valid authentication credential. See "
        "https://developers.google.com/identity/sign-in/web/devconsole-project.",
        extra={"location": "Authorization", "locationType": "header"},
        headers={"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/", error="invalid_token"'},
    )
