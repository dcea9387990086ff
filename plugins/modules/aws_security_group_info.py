#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_security_group_info
short_description: Read security groups with their rules in canonical form
version_added: 0.1.0
description:
  - Returns security groups selected by IDs, names, VPC, tags or raw filters, in the shape
    M(cloudnet.privatelink.aws_security_group) returns. All given selectors must match.
options:
  group_ids:
    description: Security group IDs.
    type: list
    elements: str
  names:
    description: Group names.
    type: list
    elements: str
  vpc_id:
    description: VPC ID.
    type: str
  tags:
    description: Tags every returned group carries.
    type: dict
  filters:
    description: Raw DescribeSecurityGroups filters, as a dict of filter name to value or list of values.
    type: dict
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Read the endpoint security group
  cloudnet.privatelink.aws_security_group_info:
    vpc_id: "{{ services_vpc.vpc.vpc_id }}"
    names: [endpoints]
  register: found
"""

RETURN = r"""
security_groups:
  description: The groups sorted by ID.
  returned: always
  type: list
  elements: dict
  contains:
    group_id:
      description: ID.
      type: str
    name:
      description: Group name.
      type: str
    vpc_id:
      description: VPC ID.
      type: str
    description:
      description: Group description.
      type: str
    ingress:
      description: Inbound rules, canonical and sorted (protocol, from_port, to_port, cidr, description).
      type: list
      elements: dict
    egress:
      description: Outbound rules in the same shape.
      type: list
      elements: dict
    tags:
      description: Tags.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.security_group import (
    describe_security_groups,
    read_groups,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc import info_filters
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def handler(module):
    p = module.params
    ids = [check_id(v, "sg", f"group_ids[{i}]") for i, v in enumerate(p.get("group_ids") or [])]
    filters = info_filters(None, p.get("tags"), p.get("filters"))
    if p.get("vpc_id"):
        filters.append({"Name": "vpc-id", "Values": [check_id(p["vpc_id"], "vpc", "vpc_id")]})
    if p.get("names"):
        filters.append({"Name": "group-name", "Values": list(p["names"])})
    conn = AwsConnection(p)
    groups = describe_security_groups(conn, group_ids=ids or None, filters=filters or None)
    return {"changed": False, "security_groups": read_groups(conn, groups)}


def main():
    spec = aws_argument_spec(
        group_ids={"type": "list", "elements": "str"},
        names={"type": "list", "elements": "str"},
        vpc_id={"type": "str"},
        tags={"type": "dict"},
        filters={"type": "dict"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, handler)


if __name__ == "__main__":
    main()
