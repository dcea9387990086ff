# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collect every network host's role variables for whole-topology validation."""

from __future__ import annotations

import re
from collections.abc import Mapping

from jinja2 import Undefined

# Inventory group -> kind of network host.
GROUP_KINDS = {
    "aws_transit": "transit",
    "aws_services_vpc": "services_vpc",
    "aws_spokes": "spoke",
    "inspection": "inspection",
    "aws_cross_cloud": "cross_cloud_aws",
    "azure_spokes": "cross_cloud_azure",
    "gcp_spokes": "cross_cloud_gcp",
}
# Variables each kind's role reads (prefixes; an exact name is a prefix of itself).
PREFIXES = {
    "transit": ("transit_",),
    "services_vpc": ("services_vpc_",),
    "spoke": ("spoke_",),
    "inspection": ("inspection_",),
    "cross_cloud_aws": ("cross_cloud_aws_", "services_vpc_"),
    "cross_cloud_azure": ("cross_cloud_azure_", "cross_cloud_cidr", "cross_cloud_pre_shared_keys"),
    "cross_cloud_gcp": ("cross_cloud_gcp_", "cross_cloud_cidr", "cross_cloud_pre_shared_keys"),
}
# Kinds whose ``<kind>_region`` defaults to cloudnet_default_region (the AWS roles' defaults).
REGION_DEFAULTS = ("transit", "services_vpc", "spoke", "inspection")
# Variables holding secrets: only their shape reaches the validation module (and so its arguments and logs).
SECRET_RE = re.compile(r"pre_shared_key|secret|password|passphrase|psk", re.I)
TUNNEL_KEY_RE = re.compile(r"^[A-Za-z0-9._]{8,64}$")


def describe_secret(value):
    """The shape of a secret, never its value: ``{length, valid}`` per key (valid = an AWS tunnel key:
    8-64 letters, digits, periods or underscores, not starting with 0)."""
    if isinstance(value, (list, tuple)):
        return [describe_secret(v) for v in value]
    text = "" if value is None else str(value)
    return {"length": len(text), "valid": bool(TUNNEL_KEY_RE.match(text)) and not text.startswith("0")}


# Key under which a host whose variables cannot be loaded at all carries the error.
HOST_ERROR = "__host__"


def _error(err) -> dict:
    return {"__unresolved__": (str(err).splitlines() or ["undefined"])[0][:300]}


class _Unresolved(Exception):
    pass


def _plain(value):
    """``value`` as plain data, templated all the way down; _Unresolved at the first undefined part."""
    if isinstance(value, Undefined):  # ansible-core 2.19 defers undefined values as markers
        try:
            str(value)
        except Exception as err:  # noqa: BLE001 - the marker raises its own error with the message
            raise _Unresolved(str(err)) from None
        raise _Unresolved("undefined value")
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def _value(hv, key):
    try:
        value = _plain(hv[key])
    except Exception as err:  # noqa: BLE001 - any templating error is reported as the host's problem
        return _error(err)
    return describe_secret(value) if SECRET_RE.search(str(key)) else value


def network_hosts(hostvars, groups, default_region=None):
    """``hostvars | cloudnet.privatelink.network_hosts(groups)`` -> ``[{name, kind, vars}]``.

    ``vars`` holds only the variables the host's role reads (``spoke_*``...), with ``<kind>_region`` of
    the AWS kinds defaulting to ``default_region``. Secrets are replaced by their shape; variables that
    cannot be templated by ``{"__unresolved__": <error>}`` (and a host whose variables cannot be loaded at all
    has only ``__host__``), so validation reports them instead of failing.
    """
    out = []
    for group, kind in GROUP_KINDS.items():
        prefixes = PREFIXES[kind]
        for name in groups.get(group, []):
            try:
                hv = hostvars[name]
                keys = [k for k in hv if str(k).startswith(prefixes)]
            except Exception as err:  # noqa: BLE001 - e.g. a host_vars file that is not valid YAML
                out.append({"name": name, "kind": kind, "vars": {HOST_ERROR: _error(err)}})
                continue
            values = {k: _value(hv, k) for k in keys}
            if kind in REGION_DEFAULTS and default_region and not values.get(f"{kind}_region"):
                values[f"{kind}_region"] = default_region
            out.append({"name": name, "kind": kind, "vars": values})
    return out


class FilterModule:
    def filters(self):
        return {"network_hosts": network_hosts}
