#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_route_table_info
short_description: Read Transit Gateway route tables with associations, propagations and static routes
version_added: 0.1.0
description:
  - Lists transit gateway route tables (not deleted) by ID, transit gateway, C(Name) tag or EC2 filters,
    in the item shape M(cloudnet.privatelink.aws_transit_gateway_route_table) returns.
options:
  transit_gateway_route_table_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  transit_gateway_id:
    description: Only route tables of this transit gateway.
    type: str
  names:
    description: C(Name) tags to match.
    type: list
    elements: str
    default: []
  filters:
    description: Raw DescribeTransitGatewayRouteTables filters, as a dict of filter name to value or list of values.
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Route tables of the hub
  cloudnet.privatelink.aws_transit_gateway_route_table_info:
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
  register: hub_tables
"""

RETURN = r"""
route_tables:
  description:
    - Route tables sorted by ID, each as M(cloudnet.privatelink.aws_transit_gateway_route_table) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway_route_table import (
    gather,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    p = module.params
    for i, table_id in enumerate(p["transit_gateway_route_table_ids"]):
        check_id(table_id, "tgw-rtb", f"transit_gateway_route_table_ids[{i}]")
    if p.get("transit_gateway_id"):
        check_id(p["transit_gateway_id"], "tgw", "transit_gateway_id")
    return {"changed": False, "route_tables": gather(AwsConnection(p), p)}


def main():
    spec = aws_argument_spec(
        transit_gateway_route_table_ids={"type": "list", "elements": "str", "default": []},
        transit_gateway_id={"type": "str"},
        names={"type": "list", "elements": "str", "default": []},
        filters={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
