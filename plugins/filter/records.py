# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters that build lists of dicts from lists of values, which ansible.builtin cannot do.

Templates that build lists with ``{% for %}`` render to strings in ansible-core 2.19, so roles use these.
"""

from __future__ import annotations

from ansible.errors import AnsibleFilterError


def records(values, keys, **extra):
    """``['a', 'b'] | records('cidr', port=443)`` -> ``[{'cidr': 'a', 'port': 443}, ...]``.

    With a list of keys each value must be a sequence of the same length (e.g. from ``product``).
    """
    out = []
    for value in values or []:
        if isinstance(keys, str):
            item = {keys: value}
        else:
            value = list(value)
            if len(value) != len(keys):
                raise AnsibleFilterError(f"records: {value!r} does not have one value per key {list(keys)!r}")
            item = dict(zip(keys, value))
        item.update(extra)
        out.append(item)
    return out


def endpoint_ingress_rules(cidrs, ports, protocol="tcp"):
    """Security group rules admitting each consumer CIDR on each service port."""
    rules = []
    for cidr in cidrs or []:
        for port in sorted({int(p) for p in ports or []}):
            rules.append({"cidr": cidr, "protocol": protocol, "from_port": port, "to_port": port,
                          "description": f"consumer {cidr}"})
    return rules


class FilterModule:
    def filters(self):
        return {"records": records, "endpoint_ingress_rules": endpoint_ingress_rules}
