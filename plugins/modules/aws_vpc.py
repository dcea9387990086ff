#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpc
short_description: Manage a VPC, its DNS attributes, subnets and one managed route table
version_added: 0.1.0
description:
  - Creates, reconciles and deletes a VPC identified by its O(name) (C(Name) tag) and the ownership
    tags of O(topology); or works inside an existing VPC given by O(vpc_id).
  - A VPC given by O(vpc_id) that the collection did not create is adopted, not owned; it is never
    modified or deleted, only the user's O(tags) are merged onto it. Subnets and the route table
    created inside it are owned.
  - Subnets are matched by CIDR. Missing ones are created; with O(purge_subnets) managed subnets not
    listed are deleted. A listed CIDR held by a subnet the collection did not create is an error.
  - With O(route_table), one managed route table is created and associated with every listed subnet
    (replacing an existing explicit association of those subnets).
  - Deletion removes the managed subnets, managed route tables and the VPC, only when the VPC is
    tagged as managed for O(topology).
options:
  name:
    description: Name of the VPC (its C(Name) tag). Identity together with the ownership tags.
    type: str
  vpc_id:
    description: ID of an existing VPC to work in instead of finding it by O(name).
    type: str
  state:
    description: Whether the VPC exists.
    type: str
    choices: [present, absent]
    default: present
  cidr_block:
    description: Primary IPv4 CIDR. Required to create; cannot change afterwards.
    type: str
  enable_dns_support:
    description: Amazon DNS server support (needed by interface endpoints and private hosted zones).
    type: bool
    default: true
  enable_dns_hostnames:
    description: DNS hostnames for instances and interface endpoints.
    type: bool
    default: true
  subnets:
    description: Subnets of the VPC.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Name of the subnet (its C(Name) tag).
        type: str
        required: true
      cidr:
        description: IPv4 CIDR inside O(cidr_block).
        type: str
        required: true
      availability_zone:
        description: Availability zone, for example C(us-east-1a). AWS picks one when unset.
        type: str
  purge_subnets:
    description: Delete managed subnets not listed in O(subnets).
    type: bool
    default: false
  route_table:
    description: One managed route table associated with every listed subnet.
    type: dict
    suboptions:
      name:
        description: Name of the route table (its C(Name) tag).
        type: str
        required: true
  tags:
    description: Tags to set. Ownership tags are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags) (never on an adopted VPC).
    type: bool
    default: true
  wait:
    description: Wait until a new VPC is C(available).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Services VPC holding the centralized interface endpoints
  cloudnet.privatelink.aws_vpc:
    name: services
    topology: corp
    cidr_block: 10.100.0.0/16
    subnets:
      - {name: endpoints-a, cidr: 10.100.0.0/24, availability_zone: us-east-1a}
      - {name: endpoints-b, cidr: 10.100.1.0/24, availability_zone: us-east-1b}
    route_table:
      name: services-endpoints
  register: services_vpc
"""

RETURN = r"""
vpc:
  description: The VPC after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    vpc_id:
      description: ID, C(null) in check mode before creation.
      type: str
      sample: vpc-0123456789abcdef0
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
      description: Listed subnets in the order given, then other subnets of the VPC sorted by CIDR.
      type: list
      elements: dict
      sample: [{"name": "endpoints-a", "subnet_id": "subnet-0123456789abcdef0", "cidr": "10.100.0.0/24",
                "availability_zone": "us-east-1a"}]
    route_table_id:
      description: ID of the managed route table, C(null) when O(route_table) is not given.
      type: str
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc import VpcManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str"},
        vpc_id={"type": "str"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        cidr_block={"type": "str"},
        enable_dns_support={"type": "bool", "default": True},
        enable_dns_hostnames={"type": "bool", "default": True},
        subnets={
            "type": "list",
            "elements": "dict",
            "default": [],
            "options": {
                "name": {"type": "str", "required": True},
                "cidr": {"type": "str", "required": True},
                "availability_zone": {"type": "str"},
            },
        },
        purge_subnets={"type": "bool", "default": False},
        route_table={"type": "dict", "options": {"name": {"type": "str", "required": True}}},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_one_of=[("name", "vpc_id")])
    run(module, lambda m: VpcManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
