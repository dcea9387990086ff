"""In-process extensions of moto that restore AWS behaviour the collection depends on.

``apply_all(settings)`` patches moto once (a second call only re-points the settings). Each
module restores one documented AWS behaviour; docs/sandbox-aws-differences.md lists what still
differs. ``settings`` is the mutable dict shared with the sandbox control API; patches read it at
call time (``pending_reads``: describe calls a new asynchronous resource stays pending).
"""

from __future__ import annotations

import importlib
import threading
from typing import Any

from . import _common

# Order matters where two modules wrap the same moto method: later modules wrap earlier ones.
MODULES = (
    "tgw_default_route_tables",
    "tgw_association_conflict",
    "tgw_routes",
    "tgw_attachment_tag_specifications",
    "tgw_vpc_attachment_accept",
    "tgw_delete_guards",
    "client_token_idempotency",
    "vpc_endpoint_services",
    "vpc_endpoint_dns_entries",
    "vpc_endpoint_modify",
    "vpc_endpoint_network_interfaces",
    "route53_change_status",
    "route53_association_authorization",
    "lifecycle",
    "vpn_tunnel_options",
    "vpn_connection_modify",
    "vpn_customer_gateways",
    "network_firewall_policies",
    "network_firewall_firewalls",
    "flow_logs",
    "default_security_group_rules",
    "auth_error_formats",
)

_LOCK = threading.Lock()
_APPLIED: list[str] = []


def apply_all(settings: dict[str, Any] | None = None) -> list[str]:
    """Apply every behaviour patch once; return the names of the applied modules."""
    with _LOCK:
        _common.use_settings(settings if settings is not None else {})
        if not _APPLIED:
            for name in MODULES:
                importlib.import_module(f"{__name__}.{name}").apply(_common.SETTINGS)
                _APPLIED.append(name)
        return list(_APPLIED)
