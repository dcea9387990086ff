#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_network_firewall_info
short_description: Read AWS Network Firewall firewalls, firewall policies and stateful rule groups
version_added: 0.1.0
description:
  - Returns firewalls, firewall policies and stateful rule groups in the shapes
    M(cloudnet.privatelink.aws_network_firewall), M(cloudnet.privatelink.aws_network_firewall_policy) and
    M(cloudnet.privatelink.aws_network_firewall_rule_group) return.
  - With no selector at all, every firewall, policy and stateful rule group of the account and Region is
    returned. With selectors, only the kinds that have one are read.
options:
  firewall_names:
    description: Firewalls to read by name.
    type: list
    elements: str
    default: []
  vpc_ids:
    description: Read the firewalls of these VPCs.
    type: list
    elements: str
    default: []
  policy_names:
    description: Firewall policies to read by name.
    type: list
    elements: str
    default: []
  rule_group_names:
    description: Stateful rule groups to read by name.
    type: list
    elements: str
    default: []
  managed_only:
    description: Return only objects tagged as managed by this collection (for O(topology) when set).
    type: bool
    default: false
  topology:
    description: With O(managed_only), restrict to this topology.
    type: str
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Firewall endpoints of the inspection VPC
  cloudnet.privatelink.aws_network_firewall_info:
    vpc_ids: [vpc-0123456789abcdef0]
  register: nfw
"""

RETURN = r"""
firewalls:
  description: Firewalls, each as M(cloudnet.privatelink.aws_network_firewall) returns it (with C(endpoint_ids)).
  returned: always
  type: list
  elements: dict
firewall_policies:
  description: Policies, each as M(cloudnet.privatelink.aws_network_firewall_policy) returns it.
  returned: always
  type: list
  elements: dict
rule_groups:
  description: Stateful rule groups, each as M(cloudnet.privatelink.aws_network_firewall_rule_group) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.network_firewall import (
    describe_group_result,
    describe_policy,
    describe_policy_result,
    describe_rule_group,
    list_policies,
    list_rule_groups,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.network_firewall_firewall import (
    describe_firewall,
    describe_result,
    list_firewalls,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed, run


def gather(m) -> dict:
    p = m.params
    conn = AwsConnection(p)
    every = not any(p[k] for k in ("firewall_names", "vpc_ids", "policy_names", "rule_group_names"))
    firewalls, policies, groups = [], [], []
    if every or p["firewall_names"] or p["vpc_ids"]:
        arns = [f["FirewallArn"] for f in list_firewalls(conn, p["vpc_ids"] or None)] if every or p["vpc_ids"] else []
        found = [describe_firewall(conn, arn=a) for a in arns]
        found += [describe_firewall(conn, name=n) for n in p["firewall_names"]]
        firewalls = [describe_result(f) for f in found if f]
    if every or p["policy_names"]:
        names = p["policy_names"] or [x["Name"] for x in list_policies(conn)]
        policies = [describe_policy_result(x) for x in (describe_policy(conn, name=n) for n in names) if x]
    if every or p["rule_group_names"]:
        names = p["rule_group_names"] or [x["Name"] for x in list_rule_groups(conn) if ":stateful-" in x["Arn"]]
        groups = [describe_group_result(x) for x in (describe_rule_group(conn, name=n) for n in names) if x]

    def keep(items, key):
        unique = {i[key]: i for i in items}
        out = [i for _k, i in sorted(unique.items())]
        if p["managed_only"]:
            out = [i for i in out if is_managed(i["tags"], p.get("topology"))]
        return out

    return {"changed": False, "firewalls": keep(firewalls, "firewall_arn"),
            "firewall_policies": keep(policies, "firewall_policy_arn"), "rule_groups": keep(groups, "rule_group_arn")}


def main():
    spec = aws_argument_spec(
        firewall_names={"type": "list", "elements": "str", "default": []},
        vpc_ids={"type": "list", "elements": "str", "default": []},
        policy_names={"type": "list", "elements": "str", "default": []},
        rule_group_names={"type": "list", "elements": "str", "default": []},
        managed_only={"type": "bool", "default": False},
        topology={"type": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, gather)


if __name__ == "__main__":
    main()
