# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only AWS preflight: the credentials work and the endpoint answers (STS GetCallerIdentity).

Bounded on purpose. An endpoint that does not connect or answer within ``timeout`` seconds is tried
``retries`` more times and then reported, so an unreachable URL fails in seconds, not after the minutes of
back-off the writers' retry settings allow. An endpoint that answers but is busy (throttling, 5xx) is
retried up to BUSY_RETRIES times with jittered back-off, as botocore's standard mode would: botocore
counts both kinds of failure against one budget, so its own retries are off here and call_bounded tells
them apart.
"""

from __future__ import annotations

import time

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    CloudnetError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import delays

BUSY_RETRIES = 8
# botocore's throttling codes (standard retry mode) plus the ones EC2 and Route 53 answer.
THROTTLING_CODES = frozenset({
    "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException", "TooManyRequestsException",
    "ProvisionedThroughputExceededException", "TransactionInProgressException", "RequestLimitExceeded",
    "BandwidthLimitExceeded", "LimitExceededException", "RequestThrottled", "SlowDown", "PriorRequestNotComplete",
    "EC2ThrottledException",
})


class BoundedAwsConnection(AwsConnection):
    """An AwsConnection whose requests time out after ``timeout`` seconds and that botocore tries once."""

    def __init__(self, params: dict, timeout: int):
        super().__init__(params)
        self.timeout = timeout

    def _config(self, retries: bool = True):
        base = super()._config(retries)
        # The same botocore Config class, without importing botocore outside connection.py.
        return base.merge(type(base)(connect_timeout=self.timeout, read_timeout=self.timeout,
                                     retries={"mode": "standard", "total_max_attempts": 1}))


def _unreachable(err: ApiError) -> bool:
    return err.status is None  # no HTTP answer at all: connection refused, timeout, TLS, dropped


def _busy(err: ApiError) -> bool:
    return err.code in THROTTLING_CODES or (err.status or 0) >= 500


def call_bounded(fn, retries: int, sleep=time.sleep):
    """``fn()``, retried ``retries`` times when the endpoint gives no answer, BUSY_RETRIES times when busy."""
    backoff = delays(first=0.5, cap=8.0)
    unreachable = busy = 0
    while True:
        try:
            return fn()
        except ApiError as err:
            if _unreachable(err):
                unreachable += 1
                if unreachable > retries:
                    raise
            elif _busy(err):
                busy += 1
                if busy > BUSY_RETRIES:
                    raise
            else:
                raise
        sleep(next(backoff))


def who(params: dict) -> str:
    """Which identity a check is about, for messages (never a secret)."""
    role = params.get("assume_role_arn")
    return f"assume_role_arn {role}" if role else "the caller's credentials"


def caller_identity(params: dict, connection=None, sleep=time.sleep) -> dict:
    """GetCallerIdentity (after AssumeRole when ``assume_role_arn`` is set); errors name the identity."""
    for key in ("timeout", "retries"):
        if params.get(key) is None or int(params[key]) < (1 if key == "timeout" else 0):
            raise ValidationError(key, params.get(key), "is out of range",
                                  "use a timeout of at least 1 second and retries of 0 or more")
    conn = connection or BoundedAwsConnection(params, int(params["timeout"]))
    try:
        # A failed AssumeRole leaves no session behind, so each attempt assumes the role again.
        ident = call_bounded(lambda: conn.call("sts", "get_caller_identity"), int(params["retries"]), sleep)
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
