# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Collect every network host's role variables for whole-topology validation."""

from __future__ import annotations

# Inventory group -> kind of network host, and the prefix of its role variables.
GROUP_KINDS = {"aws_transit": "transit", "aws_services_vpc": "services_vpc", "aws_spokes": "spoke"}


def network_hosts(hostvars, groups, default_region=None):
    """``hostvars | cloudnet.privatelink.network_hosts(groups)`` -> ``[{name, kind, vars}]``.

    ``vars`` holds only the host's variables prefixed with its kind (``spoke_*``...), with
    ``<kind>_region`` defaulting to ``default_region``.
    """
    out = []
    for group, kind in GROUP_KINDS.items():
        for name in groups.get(group, []):
            hv = hostvars[name]
            values = {k: hv[k] for k in hv if str(k).startswith(kind + "_")}
            if default_region and not values.get(f"{kind}_region"):
                values[f"{kind}_region"] = default_region
            out.append({"name": name, "kind": kind, "vars": values})
    return out


class FilterModule:
    def filters(self):
        return {"network_hosts": network_hosts}
