#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_vpc_attachment_info
short_description: Read Transit Gateway VPC attachments
version_added: 0.1.0
description:
  - Lists VPC attachments (not deleted) by ID, transit gateway, VPC, C(Name) tag or EC2 filters, in the item
    shape M(cloudnet.privatelink.aws_transit_gateway_vpc_attachment) returns.
options:
  transit_gateway_attachment_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  transit_gateway_id:
    description: Only attachments to this transit gateway.
    type: str
  vpc_id:
    description: Only attachments of this VPC.
    type: str
  names:
    description: C(Name) tags to match.
    type: list
    elements: str
    default: []
  filters:
    description: Raw DescribeTransitGatewayVpcAttachments filters, as a dict of filter name to value or list of values.
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Attachments of the hub
  cloudnet.privatelink.aws_transit_gateway_vpc_attachment_info:
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
  register: hub_attachments
"""

RETURN = r"""
attachments:
  description:
    - Attachments sorted by ID, each as M(cloudnet.privatelink.aws_transit_gateway_vpc_attachment) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway_attachment import (
    gather,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    p = module.params
    for i, att_id in enumerate(p["transit_gateway_attachment_ids"]):
        check_id(att_id, "tgw-attach", f"transit_gateway_attachment_ids[{i}]")
    if p.get("transit_gateway_id"):
        check_id(p["transit_gateway_id"], "tgw", "transit_gateway_id")
    if p.get("vpc_id"):
        check_id(p["vpc_id"], "vpc", "vpc_id")
    return {"changed": False, "attachments": gather(AwsConnection(p), p)}


def main():
    spec = aws_argument_spec(
        transit_gateway_attachment_ids={"type": "list", "elements": "str", "default": []},
        transit_gateway_id={"type": "str"},
        vpc_id={"type": "str"},
        names={"type": "list", "elements": "str", "default": []},
        filters={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
