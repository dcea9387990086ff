#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_network_firewall_policy
short_description: Manage an AWS Network Firewall firewall policy
version_added: 0.1.0
description:
  - Creates, updates and deletes a firewall policy, identified by O(name).
  - The policy forwards all packets to the stateful engine by default and references stateful rule groups
    by name or ARN. In C(STRICT_ORDER) (the default) the stateful default actions drop (and alert on)
    established traffic no rule passed, so only the flows the rule groups declare get through.
  - The policy is compared as a document; an update passes the C(UpdateToken) of the describe that
    preceded it.
  - A policy with this name that is not tagged as managed for O(topology) is never changed or deleted.
    Deleting a policy still used by a firewall fails with the name of that firewall.
options:
  name:
    description: Name of the firewall policy.
    type: str
    required: true
  state:
    description: Whether the policy exists.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description. Left as is when not given.
    type: str
  stateful_rule_groups:
    description: Stateful rule groups, in evaluation order.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description:
          - Rule group name (resolved to its ARN).
          - Exactly one of O(stateful_rule_groups[].name) and O(stateful_rule_groups[].arn).
        type: str
      arn:
        description: Rule group ARN (also AWS managed rule groups).
        type: str
      priority:
        description: Priority in C(STRICT_ORDER) (lower first). Defaults to 10, 20, ... in list order.
        type: int
  stateful_rule_order:
    description: Stateful engine rule order.
    type: str
    choices: [STRICT_ORDER, DEFAULT_ACTION_ORDER]
    default: STRICT_ORDER
  stateful_default_actions:
    description:
      - Stateful default actions (C(STRICT_ORDER) only).
      - Defaults to C(aws:drop_established) and C(aws:alert_established) in C(STRICT_ORDER).
    type: list
    elements: str
  stateless_default_actions:
    description: Stateless default actions for full packets.
    type: list
    elements: str
    default: ["aws:forward_to_sfe"]
  stateless_fragment_default_actions:
    description: Stateless default actions for fragmented packets.
    type: list
    elements: str
    default: ["aws:forward_to_sfe"]
  tags:
    description: Tags to set. Ownership tags are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Policy that passes only what the allow rule group declares
  cloudnet.privatelink.aws_network_firewall_policy:
    name: corp-inspection
    topology: corp
    stateful_rule_groups:
      - name: corp-inspection-allow
"""

RETURN = r"""
firewall_policy:
  description: The policy after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    firewall_policy_name:
      description: Name.
      type: str
    firewall_policy_arn:
      description: ARN, C(null) in check mode before creation.
      type: str
    firewall_policy_id:
      description: ID.
      type: str
    description:
      description: Description.
      type: str
    stateful_rule_order:
      description: Stateful rule order.
      type: str
    stateful_rule_groups:
      description: Referenced stateful rule groups as C(arn) and C(priority), in evaluation order.
      type: list
      elements: dict
    stateful_default_actions:
      description: Stateful default actions, sorted.
      type: list
      elements: str
    stateless_default_actions:
      description: Stateless default actions, sorted.
      type: list
      elements: str
    stateless_fragment_default_actions:
      description: Stateless fragment default actions, sorted.
      type: list
      elements: str
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.network_firewall import PolicyManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        description={"type": "str"},
        stateful_rule_groups={"type": "list", "elements": "dict", "default": [], "options": {
            "name": {"type": "str"}, "arn": {"type": "str"}, "priority": {"type": "int"}}},
        stateful_rule_order={"type": "str", "choices": ["STRICT_ORDER", "DEFAULT_ACTION_ORDER"],
                             "default": "STRICT_ORDER"},
        stateful_default_actions={"type": "list", "elements": "str"},
        stateless_default_actions={"type": "list", "elements": "str", "default": ["aws:forward_to_sfe"]},
        stateless_fragment_default_actions={"type": "list", "elements": "str", "default": ["aws:forward_to_sfe"]},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: PolicyManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
