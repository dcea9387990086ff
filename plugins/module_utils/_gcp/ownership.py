# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""GCP ownership markers, names and links (pure helpers, no API calls).

Labelled resources (VPN gateways, external VPN gateways, tunnels, managed zones) carry the labels
``cloudnet-managed-by=cloudnet-privatelink`` and ``cloudnet-topology=<topology>`` (GCP label keys and values
allow only lowercase letters, digits, ``-`` and ``_``). Resources without labels (routes, routers, advertised
ranges) carry the marker ``cloudnet:managed-by=cloudnet.privatelink cloudnet:topology=<topology>`` in
their description.
"""

from __future__ import annotations

import hashlib
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError

LABEL_MANAGED_BY = "cloudnet-managed-by"
LABEL_MANAGED_BY_VALUE = "cloudnet-privatelink"
LABEL_TOPOLOGY = "cloudnet-topology"
NAME_RE = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")
LABEL_VALUE_RE = re.compile(r"[a-z0-9_-]{0,63}")
_MARKER_RE = re.compile(r"cloudnet:managed-by=cloudnet\.privatelink cloudnet:topology=(\S+)")


def check_name(value, field: str) -> str:
    if not isinstance(value, str) or not NAME_RE.fullmatch(value):
        raise ValidationError(field, value, "is not a valid GCP resource name",
                              "use 1-63 lowercase letters, digits and hyphens, starting with a letter")
    return value


def check_topology(value) -> str:
    if not isinstance(value, str) or not value or not LABEL_VALUE_RE.fullmatch(value):
        raise ValidationError("topology", value, "is not usable as a GCP label value",
                              "use up to 63 lowercase letters, digits, '-' or '_'")
    return value


def ownership_labels(topology: str) -> dict:
    return {LABEL_MANAGED_BY: LABEL_MANAGED_BY_VALUE, LABEL_TOPOLOGY: topology}


def desired_labels(topology: str, labels: dict | None) -> dict:
    out = {str(k): str(v) for k, v in (labels or {}).items()}
    for key, value in out.items():
        if not LABEL_VALUE_RE.fullmatch(key) or not key or not key[0].isalpha() or not LABEL_VALUE_RE.fullmatch(value):
            raise ValidationError(f"labels.{key}", value, "is not a valid GCP label",
                                  "keys start with a lowercase letter; keys and values use a-z, 0-9, '-', '_'")
    out.update(ownership_labels(topology))
    return out


def labels_owned(labels: dict | None, topology: str | None = None) -> bool:
    labels = labels or {}
    if labels.get(LABEL_MANAGED_BY) != LABEL_MANAGED_BY_VALUE:
        return False
    return topology is None or labels.get(LABEL_TOPOLOGY) == topology


def marker(topology: str) -> str:
    return f"cloudnet:managed-by=cloudnet.privatelink cloudnet:topology={topology}"


def with_marker(text: str | None, topology: str) -> str:
    text = (text or "").strip()
    return f"{text} [{marker(topology)}]" if text else f"[{marker(topology)}]"


def marker_topology(description: str | None) -> str | None:
    found = _MARKER_RE.search(description or "")
    return found.group(1).rstrip("]") if found else None


def description_owned(description: str | None, topology: str | None = None) -> bool:
    found = marker_topology(description)
    return found is not None and (topology is None or found == topology)


def short_hash(*parts) -> str:
    return hashlib.sha256("|".join(str(p) for p in parts).encode()).hexdigest()[:10]


def last(link: str | None) -> str | None:
    """The name at the end of a resource link (any host or a relative path)."""
    return link.rstrip("/").rsplit("/", 1)[-1] if link else None


def network_path(project: str, network: str) -> str:
    if "/" in network:
        return "projects/" + network.split("projects/", 1)[1] if "projects/" in network else network
    return f"projects/{project}/global/networks/{network}"


def same_ref(a: str | None, b: str | None) -> bool:
    """True when two references name the same resource (compare from ``projects/`` on)."""
    if not a or not b:
        return a == b

    def tail(x):
        return x.split("projects/", 1)[1] if "projects/" in x else x

    return tail(a) == tail(b)
