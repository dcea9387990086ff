# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only Azure preflight: a token for Resource Manager, then a read of the subscription.

Bounded on purpose: a request that does not connect or answer within ``timeout`` seconds is retried
``retries`` times (azure-core's connect and read retries), so an unreachable authority or Resource Manager
fails in seconds; throttling and 5xx answers are retried BUSY_RETRIES times, honouring Retry-After.
"""

from __future__ import annotations

import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import AzureConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    CloudnetError,
    CredentialsError,
    ValidationError,
)

GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
SUBSCRIPTIONS_API_VERSION = "2021-01-01"
# Subscription states in which Resource Manager refuses writes.
READ_ONLY_STATES = ("Disabled", "Deleted")
BUSY_RETRIES = 8


class BoundedAzureConnection(AzureConnection):
    """An AzureConnection whose requests time out after ``timeout`` seconds; ``retries`` retries of requests
    that get no answer, BUSY_RETRIES of throttled or failed ones."""

    def __init__(self, params: dict, timeout: int, retries: int):
        self._bounds = {
            "connection_timeout": timeout, "read_timeout": timeout, "retry_total": retries + BUSY_RETRIES,
            "retry_connect": retries, "retry_read": retries, "retry_status": BUSY_RETRIES,
            "retry_backoff_factor": 0.5, "retry_backoff_max": 8,
        }
        super().__init__(params)

    def transport_options(self) -> dict:
        return dict(self._bounds)


def subscription(params: dict, connection=None) -> dict:
    """The subscription as Resource Manager answers it; errors name the setting to fix."""
    for key in ("timeout", "retries"):
        if params.get(key) is None or int(params[key]) < (1 if key == "timeout" else 0):
            raise ValidationError(key, params.get(key), "is out of range",
                                  "use a timeout of at least 1 second and retries of 0 or more")
    try:
        conn = connection or BoundedAzureConnection(params, int(params["timeout"]), int(params["retries"]))
        if not GUID_RE.match(str(conn.subscription_id)):
            raise ValidationError("subscription_id", conn.subscription_id, "is not a subscription id",
                                  "set subscription_id or AZURE_SUBSCRIPTION_ID to the subscription's GUID "
                                  "(not its name)")
        conn.token()
        sub = conn.arm_get(f"/subscriptions/{conn.subscription_id}", SUBSCRIPTIONS_API_VERSION, "subscriptions.get")
    except CloudnetError as err:
        err.message = f"Azure preflight: {err.message}"
        raise
    state = sub.get("state")
    if state in READ_ONLY_STATES:
        raise CredentialsError(f"Azure preflight: subscription {conn.subscription_id} is {state}: Resource Manager "
                               "refuses writes. Fix: re-enable it, or set subscription_id / AZURE_SUBSCRIPTION_ID "
                               "to an enabled subscription.")
    return {
        "subscription_id": sub.get("subscriptionId") or conn.subscription_id,
        "display_name": sub.get("displayName"),
        "state": state,
        "tenant_id": sub.get("tenantId"),
        "resource_manager": conn.cloud["resource_manager"],
    }
