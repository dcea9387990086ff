# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Canonical forms so that comparisons are order- and format-insensitive."""

from __future__ import annotations

import ipaddress
import json
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

# IAM policy members whose value may be a string or a list of strings with the same meaning.
_LIST_OR_STRING = {"Action", "NotAction", "Resource", "NotResource"}


def canonical_cidr(value, field: str) -> str:
    """Return the CIDR in canonical form; reject host bits and malformed input naming ``field``."""
    text = str(value).strip() if value is not None else ""
    try:
        net = ipaddress.ip_network(text, strict=True)
    except ValueError:
        try:
            fixed = ipaddress.ip_network(text, strict=False)
        except ValueError:
            raise ValidationError(field, value, "is not a valid CIDR", "use the form 10.0.0.0/16") from None
        raise ValidationError(field, value, "has host bits set", f"use {fixed.with_prefixlen}") from None
    if "/" not in text:
        raise ValidationError(field, value, "has no prefix length", f"use {net.with_prefixlen}")
    return net.with_prefixlen


def cidrs_overlap(a: str, b: str) -> bool:
    return ipaddress.ip_network(a).overlaps(ipaddress.ip_network(b))


def find_overlaps(named_cidrs):
    """Given ``[(name, cidr), ...]`` return ``[(name_a, cidr_a, name_b, cidr_b), ...]`` for every overlap."""
    items = [(name, ipaddress.ip_network(cidr)) for name, cidr in named_cidrs]
    found = []
    for i, (name_a, net_a) in enumerate(items):
        for name_b, net_b in items[i + 1:]:
            if net_a.version == net_b.version and net_a.overlaps(net_b):
                found.append((name_a, str(net_a), name_b, str(net_b)))
    return found


def check_id(value, prefix: str, field: str) -> str:
    """Validate an AWS resource id such as ``vpc-0a1b2c3d`` (8 or 17 hex digits)."""
    if not isinstance(value, str) or not re.fullmatch(rf"{re.escape(prefix)}-([0-9a-f]{{8}}|[0-9a-f]{{17}})", value):
        raise ValidationError(field, value, f"is not a valid {prefix} id",
                              f"use an id of the form {prefix}-0123456789abcdef0")
    return value


def _canonical(node, key=None):
    if isinstance(node, dict):
        return {k: _canonical(v, k) for k, v in sorted(node.items())}
    if isinstance(node, list):
        items = [_canonical(v, key) for v in node]
        if key in _LIST_OR_STRING or key == "Statement" or key is None:
            # Order carries no meaning in these lists; dedupe through their JSON form.
            unique = {json.dumps(v, sort_keys=True): v for v in items}
            items = [unique[k] for k in sorted(unique)]
            if len(items) == 1 and key in _LIST_OR_STRING:
                return items[0]
        return items
    return node


def _canonical_principal(node):
    # "Principal": "*" and {"AWS": "*"} are equivalent in IAM.
    if node == {"AWS": "*"} or node == {"AWS": ["*"]}:
        return "*"
    if isinstance(node, dict):
        return {k: (v[0] if isinstance(v, list) and len(v) == 1 else sorted(v) if isinstance(v, list) else v)
                for k, v in sorted(node.items())}
    return node


def canonical_policy(policy) -> dict | None:
    """Canonical dict form of an IAM/endpoint policy given as JSON text or data; None stays None."""
    if policy is None or policy == "":
        return None
    doc = json.loads(policy) if isinstance(policy, str) else policy
    doc = _canonical(doc)
    statements = doc.get("Statement")
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, list):
        fixed = []
        for st in statements:
            st = dict(st)
            for member in ("Principal", "NotPrincipal"):
                if member in st:
                    st[member] = _canonical_principal(st[member])
            fixed.append(st)
        doc["Statement"] = sorted(fixed, key=lambda s: json.dumps(s, sort_keys=True))
    return doc


def policies_equal(a, b) -> bool:
    return json.dumps(canonical_policy(a), sort_keys=True) == json.dumps(canonical_policy(b), sort_keys=True)


def tag_list_to_dict(tags) -> dict:
    return {t["Key"]: t.get("Value", "") for t in (tags or [])}


def tag_dict_to_list(tags: dict) -> list:
    return [{"Key": k, "Value": v} for k, v in sorted((tags or {}).items())]


def tag_changes(have: dict, want: dict, purge: bool, protected=()) -> tuple[dict, list]:
    """Tags to set and tag keys to remove so that ``have`` becomes ``want``.

    Keys in ``protected`` (ownership tags) are never removed by purge.
    """
    want = {str(k): str(v) for k, v in (want or {}).items()}
    to_set = {k: v for k, v in want.items() if have.get(k) != v}
    to_unset = sorted(k for k in have if purge and k not in want and k not in protected and not k.startswith("aws:"))
    return to_set, to_unset
