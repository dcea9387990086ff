# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Resource IDs, names and ownership tags shared by the Azure modules (no SDK import)."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    is_managed,
    ownership_tags,
)

# Azure resource names: letters, digits, '_', '.', '-'; start alphanumeric or '_', end alphanumeric or '_'.
_NAME_RE = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$")


def check_name(value, field: str) -> str:
    if not isinstance(value, str) or not _NAME_RE.match(value):
        raise ValidationError(field, value, "is not a valid Azure resource name",
                              "use 1-80 letters, digits, '_', '.' or '-', starting and ending with a letter, "
                              "digit or '_'")
    return value


def check_ip(value, field: str, apipa: bool = False) -> str:
    try:
        ip = ipaddress.ip_address(str(value))
    except ValueError:
        raise ValidationError(field, value, "is not an IP address", "give a dotted IPv4 address") from None
    if apipa and not (ipaddress.ip_address("169.254.21.0") <= ip <= ipaddress.ip_address("169.254.22.255")):
        raise ValidationError(field, value, "is outside the Azure APIPA BGP range",
                              "use an address between 169.254.21.0 and 169.254.22.255")
    return str(ip)


def resource_id(subscription: str, group: str, provider_type: str, name: str, *children) -> str:
    """``/subscriptions/{s}/resourceGroups/{g}/providers/{type}/{name}[/{child type}/{child name}...]``."""
    rid = f"/subscriptions/{subscription}/resourceGroups/{group}/providers/{provider_type}/{name}"
    for child in children:
        rid += f"/{child}"
    return rid


def parse_id(rid: str) -> dict:
    """``{subscription, resource_group, name, <type>: name ...}`` from an ARM resource ID (keys lower-cased)."""
    parts = [p for p in (rid or "").split("/") if p]
    out = {}
    for key, value in zip(parts[0::2], parts[1::2]):
        out[key.lower()] = value
    out["subscription"] = out.get("subscriptions")
    out["resource_group"] = out.get("resourcegroups")
    out["name"] = parts[-1] if parts else None
    return out


def same_id(a: str | None, b: str | None) -> bool:
    """ARM IDs compare case-insensitively."""
    return (a or "").lower() == (b or "").lower()


def desired_tags(topology: str, tags: dict | None = None) -> dict:
    out = dict(tags or {})
    out.update(ownership_tags(topology))
    return out


def tags_match(current: dict | None, wanted: dict) -> bool:
    """True when every wanted tag is present with its value (other tags are the owner's and stay)."""
    current = current or {}
    return all(current.get(k) == v for k, v in wanted.items())


def owned(body: dict | None, topology: str) -> bool:
    return bool(body) and is_managed(body.get("tags") or {}, topology)


def ref(rid: str | None) -> dict | None:
    return {"id": rid} if rid else None


def ref_id(value) -> str | None:
    return (value or {}).get("id") if isinstance(value, dict) else None


OWNERSHIP_SPEC = {
    "topology": {"type": "str", "default": "default"},
    "tags": {"type": "dict"},
    "wait_timeout": {"type": "int", "default": 1800},
}
