# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only AWS preflight: the credentials work and the endpoint answers (STS GetCallerIdentity).

Bounded on purpose: a short connect/read timeout and few attempts, so an unreachable endpoint fails in
seconds, not after the minutes of back-off the writers' retry settings allow.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    CloudnetError,
    ValidationError,
)


class BoundedAwsConnection(AwsConnection):
    """An AwsConnection whose calls time out after ``timeout`` seconds and are tried ``retries + 1`` times."""

    def __init__(self, params: dict, timeout: int, retries: int):
        super().__init__(params)
        self.timeout = timeout
        self.attempts = retries + 1

    def _config(self, retries: bool = True):
        base = super()._config(retries)
        attempts = {"max_attempts": self.attempts} if retries else {"total_max_attempts": 1}
        # The same botocore Config class, without importing botocore outside connection.py.
        return base.merge(type(base)(connect_timeout=self.timeout, read_timeout=self.timeout,
                                     retries={"mode": "standard", **attempts}))


def who(params: dict) -> str:
    """Which identity a check is about, for messages (never a secret)."""
    role = params.get("assume_role_arn")
    return f"assume_role_arn {role}" if role else "the caller's credentials"


def caller_identity(params: dict, connection=None) -> dict:
    """GetCallerIdentity (after AssumeRole when ``assume_role_arn`` is set); errors name the identity."""
    for key in ("timeout", "retries"):
        if params.get(key) is None or int(params[key]) < (1 if key == "timeout" else 0):
            raise ValidationError(key, params.get(key), "is out of range",
                                  "use a timeout of at least 1 second and retries of 0 or more")
    conn = connection or BoundedAwsConnection(params, int(params["timeout"]), int(params["retries"]))
    try:
        ident = conn.call("sts", "get_caller_identity")
        endpoint = conn.client("sts").meta.endpoint_url
    except CloudnetError as err:
        err.message = f"AWS preflight for {who(params)}: {err.message}"
        raise
    return {
        "account": ident["Account"],
        "arn": ident["Arn"],
        "user_id": ident["UserId"],
        "assume_role_arn": params.get("assume_role_arn"),
        "region": conn.region,
        "endpoint_url": endpoint,
    }
