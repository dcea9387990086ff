#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpc_route_table_info
short_description: Read VPC route tables with every route marked managed, foreign, local or propagated
version_added: 0.1.0
description:
  - Lists VPC route tables by ID, VPC or EC2 filters, with all their routes.
  - Each route carries C(origin) - V(managed) (its destination is recorded in the C(cloudnet:routes) tags
    written by M(cloudnet.privatelink.aws_vpc_route_set)), V(local), V(propagated) (origin
    C(EnableVgwRoutePropagation)) or V(foreign) (any other route).
options:
  route_table_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  vpc_id:
    description: Only route tables of this VPC.
    type: str
  filters:
    description: "EC2 C(DescribeRouteTables) filters as C({name: value or [values]})."
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Route tables of a spoke
  cloudnet.privatelink.aws_vpc_route_table_info:
    vpc_id: "{{ spoke_vpc_id }}"
  register: rts

- name: Routes the collection manages there
  ansible.builtin.debug:
    msg: "{{ rts.route_tables | map(attribute='routes') | flatten | selectattr('origin', 'eq', 'managed') }}"
"""

RETURN = r"""
route_tables:
  description: Route tables sorted by ID.
  returned: always
  type: list
  elements: dict
  contains:
    route_table_id:
      description: ID.
      type: str
      sample: rtb-0123456789abcdef0
    vpc_id:
      description: VPC.
      type: str
    main:
      description: Whether this is the main route table of its VPC.
      type: bool
    subnet_ids:
      description: Explicitly associated subnets, sorted.
      type: list
      elements: str
    routes:
      description:
        - Every route in the order AWS lists them, each with C(destination_cidr) or
          C(destination_prefix_list_id), one target key (C(transit_gateway_id), C(gateway_id) - also
          V(local) -, C(vpc_endpoint_id), C(nat_gateway_id), C(network_interface_id),
          C(vpc_peering_connection_id), C(egress_only_internet_gateway_id), C(instance_id)...),
          C(origin) (V(managed), V(foreign), V(local), V(propagated)) and C(state) (V(active), V(blackhole)).
      type: list
      elements: dict
      sample: [{"destination_cidr": "10.1.0.0/16", "gateway_id": "local", "origin": "local", "state": "active"}]
    tags:
      description: Tags of the route table.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route_set import read_tables
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    p = module.params
    for i, table_id in enumerate(p["route_table_ids"]):
        check_id(table_id, "rtb", f"route_table_ids[{i}]")
    if p.get("vpc_id"):
        check_id(p["vpc_id"], "vpc", "vpc_id")
    return {"changed": False, "route_tables": read_tables(AwsConnection(p), p)}


def main():
    spec = aws_argument_spec(
        route_table_ids={"type": "list", "elements": "str", "default": []},
        vpc_id={"type": "str"},
        filters={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
