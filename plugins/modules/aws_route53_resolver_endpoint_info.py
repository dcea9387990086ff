#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_route53_resolver_endpoint_info
short_description: Read Route 53 Resolver endpoints
version_added: 0.1.0
description:
  - Lists Route 53 Resolver endpoints (not being deleted) by ID, name, direction or VPC, with their IP
    addresses and tags, in the item shape M(cloudnet.privatelink.aws_route53_resolver_endpoint) returns.
options:
  resolver_endpoint_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  names:
    description: Endpoint names to match.
    type: list
    elements: str
    default: []
  direction:
    description: Only endpoints of this direction.
    type: str
    choices: [INBOUND, OUTBOUND]
  vpc_id:
    description: Only endpoints in this VPC.
    type: str
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Addresses the Azure and GCP forwarders target
  cloudnet.privatelink.aws_route53_resolver_endpoint_info:
    direction: INBOUND
    vpc_id: "{{ services.vpc.vpc_id }}"
  register: inbound
"""

RETURN = r"""
resolver_endpoints:
  description: Endpoints sorted by ID, each as M(cloudnet.privatelink.aws_route53_resolver_endpoint) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.resolver import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    p = module.params
    if p.get("vpc_id"):
        check_id(p["vpc_id"], "vpc", "vpc_id")
    return {"changed": False, "resolver_endpoints": gather(AwsConnection(p), p)}


def main():
    spec = aws_argument_spec(
        resolver_endpoint_ids={"type": "list", "elements": "str", "default": []},
        names={"type": "list", "elements": "str", "default": []},
        direction={"type": "str", "choices": ["INBOUND", "OUTBOUND"]},
        vpc_id={"type": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
