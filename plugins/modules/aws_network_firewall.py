#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_network_firewall
short_description: Manage an AWS Network Firewall firewall and report its per-AZ endpoints
version_added: 0.1.0
description:
  - Creates, reconciles and deletes a firewall, identified by O(name), in the inspection VPC.
  - Subnet mappings are reconciled (one subnet per Availability Zone; each gets a firewall endpoint), the
    firewall policy is switched in place, and the protection flags are set. Flags being turned off change
    before the subnets and policy, flags being turned on after them. Every update passes the firewall's
    current C(UpdateToken).
  - Waits (bounded by O(wait_timeout)) until the firewall is C(READY) and every endpoint is ready, and
    returns the endpoint id per Availability Zone so route tables can send traffic through it.
  - A firewall with this name that is not tagged as managed for O(topology) is never changed or deleted.
options:
  name:
    description: Name of the firewall.
    type: str
    required: true
  state:
    description: Whether the firewall exists.
    type: str
    choices: [present, absent]
    default: present
  vpc_id:
    description: The inspection VPC. Required with O(state=present); a firewall cannot move.
    type: str
  subnet_ids:
    description: Firewall subnets, one per Availability Zone. Required with O(state=present).
    type: list
    elements: str
  firewall_policy:
    description: Firewall policy name or ARN. Required with O(state=present).
    type: str
  description:
    description: Description. Left as is when not given.
    type: str
  delete_protection:
    description: Protect the firewall against deletion. A protected firewall is not removed by O(state=absent).
    type: bool
    default: false
  subnet_change_protection:
    description: Protect the subnet mappings against change.
    type: bool
    default: false
  firewall_policy_change_protection:
    description: Protect the policy association against change.
    type: bool
    default: false
  tags:
    description: Tags to set. Ownership tags are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description: Wait until the firewall is ready (or gone, with O(state=absent)).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 900
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Firewall in the inspection VPC, one endpoint per AZ
  cloudnet.privatelink.aws_network_firewall:
    name: corp-inspection
    topology: corp
    vpc_id: vpc-0123456789abcdef0
    subnet_ids: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
    firewall_policy: corp-inspection
  register: fw

- name: Endpoint per AZ
  ansible.builtin.debug:
    msg: "{{ fw.firewall.endpoint_ids }}"
"""

RETURN = r"""
firewall:
  description: The firewall after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    firewall_name:
      description: Name.
      type: str
    firewall_arn:
      description: ARN, C(null) in check mode before creation.
      type: str
    firewall_id:
      description: ID.
      type: str
    vpc_id:
      description: VPC.
      type: str
    firewall_policy_arn:
      description: Associated policy.
      type: str
    subnet_ids:
      description: Mapped subnets, sorted.
      type: list
      elements: str
    description:
      description: Description.
      type: str
    delete_protection:
      description: Delete protection.
      type: bool
    subnet_change_protection:
      description: Subnet change protection.
      type: bool
    firewall_policy_change_protection:
      description: Policy change protection.
      type: bool
    status:
      description: C(PROVISIONING), C(READY) or C(DELETING).
      type: str
    endpoints:
      description: Per-AZ endpoints from the sync states, sorted by AZ (ids C(null) before creation).
      type: list
      elements: dict
      sample: [{"availability_zone": "us-east-1a", "subnet_id": "subnet-0123456789abcdef0",
                "endpoint_id": "vpce-0123456789abcdef0", "status": "READY"}]
    endpoint_ids:
      description: Endpoint id by Availability Zone.
      type: dict
      sample: {"us-east-1a": "vpce-0123456789abcdef0"}
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.network_firewall_firewall import (
    FirewallManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        vpc_id={"type": "str"},
        subnet_ids={"type": "list", "elements": "str"},
        firewall_policy={"type": "str"},
        description={"type": "str"},
        delete_protection={"type": "bool", "default": False},
        subnet_change_protection={"type": "bool", "default": False},
        firewall_policy_change_protection={"type": "bool", "default": False},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 900},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ("vpc_id", "subnet_ids", "firewall_policy"))])
    run(module, lambda m: FirewallManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
