#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_security_group
short_description: Manage the security group of the endpoint network interfaces
version_added: 0.1.0
description:
  - Creates, reconciles and deletes a VPC security group identified by O(vpc_id) and O(name), for the
    interface endpoints of the hub; it admits only the declared consumer CIDRs on the service ports.
  - Rules are compared as canonical tuples (protocol, ports, CIDR). Missing rules are authorized;
    with O(purge_rules), rules not listed are revoked by security group rule ID; a changed description
    is modified in place.
  - The group is wholly managed. A group of the same name that the collection did not create is an
    error on O(state=present) and left alone on O(state=absent).
options:
  name:
    description: Group name, unique in the VPC; also its C(Name) tag.
    type: str
    required: true
  vpc_id:
    description: VPC of the group.
    type: str
    required: true
  description:
    description:
      - Group description, set on create only (AWS cannot change it afterwards).
      - Defaults to a description naming the group.
    type: str
  state:
    description: Whether the group exists.
    type: str
    choices: [present, absent]
    default: present
  ingress:
    description: Inbound rules.
    type: list
    elements: dict
    default: []
    suboptions:
      cidr:
        description: Source (ingress) or destination (egress) IPv4 or IPv6 CIDR.
        type: str
        required: true
      protocol:
        description: C(tcp), C(udp), C(icmp), C(icmpv6) or C(-1) (all), or their protocol numbers.
        type: str
        default: tcp
      from_port:
        description: First port (tcp/udp, required) or ICMP type (default C(-1), all).
        type: int
      to_port:
        description: Last port (defaults to the first port) or ICMP code (default C(-1), all).
        type: int
      description:
        description: Rule description, up to 255 characters.
        type: str
  egress:
    description:
      - Outbound rules. When unset, the egress rules are left as they are (a new group keeps the AWS
        default allow-all rule). When set, egress is reconciled like O(ingress).
    type: list
    elements: dict
    suboptions:
      cidr:
        description: Source (ingress) or destination (egress) IPv4 or IPv6 CIDR.
        type: str
        required: true
      protocol:
        description: C(tcp), C(udp), C(icmp), C(icmpv6) or C(-1) (all), or their protocol numbers.
        type: str
        default: tcp
      from_port:
        description: First port (tcp/udp, required) or ICMP type (default C(-1), all).
        type: int
      to_port:
        description: Last port (defaults to the first port) or ICMP code (default C(-1), all).
        type: int
      description:
        description: Rule description, up to 255 characters.
        type: str
  purge_rules:
    description: Revoke rules not listed (per direction given).
    type: bool
    default: true
  tags:
    description: Tags to set. Ownership tags are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for a new group to become visible.
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
- name: Endpoint interfaces admit HTTPS from the spoke ranges only
  cloudnet.privatelink.aws_security_group:
    name: endpoints
    vpc_id: "{{ services_vpc.vpc.vpc_id }}"
    topology: corp
    ingress:
      - {cidr: 10.0.0.0/8, protocol: tcp, from_port: 443, description: spokes}
      - {cidr: 172.16.0.0/12, protocol: tcp, from_port: 443, description: on-premises}
    egress: []
"""

RETURN = r"""
security_group:
  description: The group after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    group_id:
      description: ID, C(null) in check mode before creation.
      type: str
      sample: sg-0123456789abcdef0
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
      sample: [{"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8",
                "description": "spokes"}]
    egress:
      description: Outbound rules in the same shape.
      type: list
      elements: dict
    tags:
      description: Tags.
      type: dict
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.security_group import (
    SecurityGroupManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)

RULE = {
    "cidr": {"type": "str", "required": True},
    "protocol": {"type": "str", "default": "tcp"},
    "from_port": {"type": "int"},
    "to_port": {"type": "int"},
    "description": {"type": "str"},
}


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        vpc_id={"type": "str", "required": True},
        description={"type": "str"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        ingress={"type": "list", "elements": "dict", "default": [], "options": RULE},
        egress={"type": "list", "elements": "dict", "options": RULE},
        purge_rules={"type": "bool", "default": True},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: SecurityGroupManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
