#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_vpc_attachment
short_description: Manage a Transit Gateway VPC attachment
version_added: 0.1.0
description:
  - Attaches a VPC to a transit gateway and keeps its subnets and options as declared.
  - Identity is O(transit_gateway_id) + O(vpc_id) (AWS allows one live attachment per pair); the attachment
    found must carry the ownership tags of O(topology), otherwise the module fails naming it.
  - Subnets are reconciled in place with C(AddSubnetIds)/C(RemoveSubnetIds); options (appliance mode, DNS,
    IPv6) are modified in place. The module waits for C(pending) and C(modifying) to settle.
  - An attachment from another account stays C(pendingAcceptance) until the transit gateway owner accepts
    it; the wait treats that state as settled.
  - AWS accepts no client token on this create; the natural key makes re-runs find what a crashed run made.
options:
  name:
    description: C(Name) tag of the attachment.
    type: str
  state:
    description: Whether the attachment exists.
    type: str
    choices: [present, absent]
    default: present
  transit_gateway_id:
    description: Transit gateway to attach to.
    type: str
    required: true
  vpc_id:
    description: VPC to attach.
    type: str
    required: true
  subnet_ids:
    description:
      - Subnets for the attachment interfaces, one per Availability Zone. Required when O(state=present).
      - Subnets not listed are removed from the attachment.
    type: list
    elements: str
  appliance_mode_support:
    description: Keep both directions of a flow in one Availability Zone (for inspection appliances).
    type: bool
    default: false
  dns_support:
    description: DNS resolution across the attachment.
    type: bool
    default: true
  ipv6_support:
    description: IPv6 across the attachment.
    type: bool
    default: false
  tags:
    description: Tags to set. Ownership tags and C(Name) are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description: Wait until the attachment is C(available) (or C(pendingAcceptance)), or C(deleted).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 600
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Attach the services VPC in appliance mode
  cloudnet.privatelink.aws_transit_gateway_vpc_attachment:
    name: services
    topology: corp
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    vpc_id: "{{ services.vpc.vpc_id }}"
    subnet_ids: "{{ services.vpc.subnets | map(attribute='subnet_id') }}"
    appliance_mode_support: true
"""

RETURN = r"""
attachment:
  description:
    - The attachment after the run (predicted in check mode; id null before creation).
    - Empty when absent.
  returned: always
  type: dict
  contains:
    transit_gateway_attachment_id:
      description: ID.
      type: str
      sample: tgw-attach-0123456789abcdef0
    transit_gateway_id:
      description: Transit gateway.
      type: str
    vpc_id:
      description: VPC.
      type: str
    subnet_ids:
      description: Subnets, sorted.
      type: list
      elements: str
    options:
      description: dns_support, ipv6_support, appliance_mode_support as booleans.
      type: dict
    state:
      description: State (C(available), C(pendingAcceptance), C(modifying)...).
      type: str
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "modify", "target": "tgw-attach-0123456789abcdef0", "add_subnet_ids": ["subnet-0a"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway_attachment import (
    VpcAttachmentManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        transit_gateway_id={"type": "str", "required": True},
        vpc_id={"type": "str", "required": True},
        subnet_ids={"type": "list", "elements": "str"},
        appliance_mode_support={"type": "bool", "default": False},
        dns_support={"type": "bool", "default": True},
        ipv6_support={"type": "bool", "default": False},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 600},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(
        argument_spec=spec, supports_check_mode=True, required_if=[("state", "present", ["subnet_ids"])]
    )
    run(module, lambda m: VpcAttachmentManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
