# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monthly cost of central vs per-VPC endpoints vs internet egress, for the report (no such filter in
ansible.builtin; the math lives in module_utils/_report/cost.py, unit-tested there)."""

from __future__ import annotations

from ansible.errors import AnsibleFilterError

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._report.cost import estimate, prices_for


def endpoint_cost_estimate(counts, prices, overrides=None, region="us-east-1", include_attachments=True):
    try:
        return estimate(prices_for(prices, overrides, region), dict(counts or {}), bool(include_attachments))
    except ValidationError as err:
        raise AnsibleFilterError(err.message) from None


class FilterModule:
    def filters(self):
        return {"endpoint_cost_estimate": endpoint_cost_estimate}
