#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_info
short_description: Read Transit Gateways
version_added: 0.1.0
description:
  - Lists transit gateways (not deleted) by ID, C(Name) tag or EC2 filters, in the item shape
    M(cloudnet.privatelink.aws_transit_gateway) returns.
options:
  transit_gateway_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  names:
    description: C(Name) tags to match.
    type: list
    elements: str
    default: []
  filters:
    description: Raw DescribeTransitGateways filters, as a dict of filter name to value or list of values.
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Find the hub
  cloudnet.privatelink.aws_transit_gateway_info:
    names: [hub]
  register: hub
"""

RETURN = r"""
transit_gateways:
  description: Transit gateways sorted by ID, each as M(cloudnet.privatelink.aws_transit_gateway) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    for i, tgw_id in enumerate(module.params["transit_gateway_ids"]):
        check_id(tgw_id, "tgw", f"transit_gateway_ids[{i}]")
    return {"changed": False, "transit_gateways": gather(AwsConnection(module.params), module.params)}


def main():
    spec = aws_argument_spec(
        transit_gateway_ids={"type": "list", "elements": "str", "default": []},
        names={"type": "list", "elements": "str", "default": []},
        filters={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
