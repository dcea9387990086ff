#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_network_firewall_rule_group
short_description: Manage an AWS Network Firewall stateful rule group generated from declared flows
version_added: 0.1.0
description:
  - Creates, updates and deletes a stateful rule group, identified by O(name) (unique per account, Region
    and type).
  - The rules are generated from O(flows) as Suricata-compatible 5-tuple C(StatefulRules), one rule per
    source CIDR, destination CIDR and destination port, in declared order, duplicates dropped, with C(sid)
    numbered from 1. The rule group is compared with the existing one as a document; an update passes the
    C(UpdateToken) of the describe that preceded it.
  - Used with a firewall policy in C(STRICT_ORDER) whose stateful default action drops established
    traffic, the rule group allows only the declared consumer to service flows.
  - A rule group with this name that is not tagged as managed for O(topology) is never changed or deleted.
options:
  name:
    description: Name of the rule group.
    type: str
    required: true
  state:
    description: Whether the rule group exists.
    type: str
    choices: [present, absent]
    default: present
  capacity:
    description:
      - Capacity reserved for the rules. Cannot change after creation.
      - Defaults to twice the number of generated rules, at least 100.
    type: int
  description:
    description: Description. Left as is when not given.
    type: str
  rule_order:
    description:
      - Stateful rule order; must match the firewall policy's
        O(cloudnet.privatelink.aws_network_firewall_policy#module:stateful_rule_order).
    type: str
    choices: [STRICT_ORDER, DEFAULT_ACTION_ORDER]
    default: STRICT_ORDER
  flows:
    description: The flows to allow (or drop), each expanded to 5-tuple rules.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Label of the flow (for people; not sent to AWS).
        type: str
      source_cidrs:
        description: Consumer CIDRs.
        type: list
        elements: str
        required: true
      destination_cidrs:
        description: Service CIDRs.
        type: list
        elements: str
        required: true
      protocol:
        description: Protocol.
        type: str
        choices: [tcp, udp, icmp, ip]
        default: tcp
      ports:
        description: Destination ports, as C(443), C(8000:8100) or C(any). Not allowed for C(icmp) and C(ip).
        type: list
        elements: str
      action:
        description: Rule action.
        type: str
        choices: [pass, drop, alert, reject]
        default: pass
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
- name: Allow the payments spoke to reach the services VPC endpoints on HTTPS only
  cloudnet.privatelink.aws_network_firewall_rule_group:
    name: corp-inspection-allow
    topology: corp
    flows:
      - name: payments -> endpoints
        source_cidrs: [10.20.0.0/16]
        destination_cidrs: [10.100.0.0/24, 10.100.1.0/24]
        protocol: tcp
        ports: ["443"]
"""

RETURN = r"""
rule_group:
  description: The rule group after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    rule_group_name:
      description: Name.
      type: str
    rule_group_arn:
      description: ARN, C(null) in check mode before creation.
      type: str
      sample: arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/corp-inspection-allow
    rule_group_id:
      description: ID.
      type: str
    type:
      description: C(STATEFUL).
      type: str
    capacity:
      description: Capacity.
      type: int
    description:
      description: Description.
      type: str
    rule_order:
      description: Stateful rule order.
      type: str
    rules:
      description: The rules as C(sid), C(action), C(protocol), C(source), C(destination), C(destination_port).
      type: list
      elements: dict
      sample: [{"sid": 1, "action": "pass", "protocol": "tcp", "source": "10.20.0.0/16",
                "destination": "10.100.0.0/24", "destination_port": "443"}]
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.network_firewall import RuleGroupManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)

FLOW_SPEC = {
    "name": {"type": "str"},
    "source_cidrs": {"type": "list", "elements": "str", "required": True},
    "destination_cidrs": {"type": "list", "elements": "str", "required": True},
    "protocol": {"type": "str", "choices": ["tcp", "udp", "icmp", "ip"], "default": "tcp"},
    "ports": {"type": "list", "elements": "str"},
    "action": {"type": "str", "choices": ["pass", "drop", "alert", "reject"], "default": "pass"},
}


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        capacity={"type": "int"},
        description={"type": "str"},
        rule_order={"type": "str", "choices": ["STRICT_ORDER", "DEFAULT_ACTION_ORDER"], "default": "STRICT_ORDER"},
        flows={"type": "list", "elements": "dict", "default": [], "options": FLOW_SPEC},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: RuleGroupManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
