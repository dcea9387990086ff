#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_customer_gateway_info
short_description: Read AWS customer gateways
version_added: 0.1.0
description:
  - Lists customer gateways (not deleted) by ID, C(Name) tag or EC2 filters, in the item shape
    M(cloudnet.privatelink.aws_customer_gateway) returns.
options:
  customer_gateway_ids:
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
    description: "EC2 C(DescribeCustomerGateways) filters as C({name: value or [values]})."
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Customer gateways of the Azure side
  cloudnet.privatelink.aws_customer_gateway_info:
    names: [azure-vpngw-0, azure-vpngw-1]
  register: cgws
"""

RETURN = r"""
customer_gateways:
  description: Gateways sorted by ID, each as M(cloudnet.privatelink.aws_customer_gateway) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.customer_gateway import (
    gather_customer_gateways,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    p = module.params
    for i, cgw_id in enumerate(p["customer_gateway_ids"]):
        check_id(cgw_id, "cgw", f"customer_gateway_ids[{i}]")
    return {"changed": False, "customer_gateways": gather_customer_gateways(AwsConnection(p), p)}


def main():
    spec = aws_argument_spec(
        customer_gateway_ids={"type": "list", "elements": "str", "default": []},
        names={"type": "list", "elements": "str", "default": []},
        filters={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
