#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpc_info
short_description: Read VPCs with their DNS attributes, subnets and managed route table
version_added: 0.1.0
description:
  - Returns VPCs selected by IDs, names, tags or raw filters, in the shape M(cloudnet.privatelink.aws_vpc)
    returns. All given selectors must match.
options:
  vpc_ids:
    description: VPC IDs.
    type: list
    elements: str
  names:
    description: Values of the C(Name) tag.
    type: list
    elements: str
  tags:
    description: Tags every returned VPC carries.
    type: dict
  filters:
    description: Raw DescribeVpcs filters, as a dict of filter name to value or list of values.
    type: dict
  topology:
    description:
      - When set, only VPCs managed for this topology are returned and RV(vpcs[].route_table_id) is the
        managed route table of that topology.
    type: str
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Read the services VPC
  cloudnet.privatelink.aws_vpc_info:
    names: [services]
    topology: corp
  register: found
"""

RETURN = r"""
vpcs:
  description: The VPCs, sorted by ID, each as M(cloudnet.privatelink.aws_vpc) returns RV(vpcs[].vpc_id) etc.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_id:
      description: ID.
      type: str
    cidr_block:
      description: Primary CIDR.
      type: str
    name:
      description: C(Name) tag.
      type: str
    enable_dns_support:
      description: DNS support attribute.
      type: bool
    enable_dns_hostnames:
      description: DNS hostnames attribute.
      type: bool
    tags:
      description: Tags.
      type: dict
    subnets:
      description: All subnets of the VPC sorted by CIDR (name, subnet_id, cidr, availability_zone).
      type: list
      elements: dict
    route_table_id:
      description: Managed route table of O(topology), or C(null).
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc import (
    describe_vpcs,
    info_filters,
    ownership_filters,
    read_vpc,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def handler(module):
    p = module.params
    ids = [check_id(v, "vpc", f"vpc_ids[{i}]") for i, v in enumerate(p.get("vpc_ids") or [])]
    filters = info_filters(p.get("names"), p.get("tags"), p.get("filters"))
    if p.get("topology"):
        filters += ownership_filters(p["topology"])
    conn = AwsConnection(p)
    vpcs = describe_vpcs(conn, vpc_ids=ids or None, filters=filters or None)
    return {
        "changed": False,
        "vpcs": [read_vpc(conn, v, p.get("topology")) for v in sorted(vpcs, key=lambda v: v["VpcId"])],
    }


def main():
    spec = aws_argument_spec(
        vpc_ids={"type": "list", "elements": "str"},
        names={"type": "list", "elements": "str"},
        tags={"type": "dict"},
        filters={"type": "dict"},
        topology={"type": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, handler)


if __name__ == "__main__":
    main()
