#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway
short_description: Manage the hub Transit Gateway
version_added: 0.1.0
description:
  - Creates, modifies and deletes a Transit Gateway identified by its C(Name) tag O(name) and the
    ownership tags of O(topology).
  - Default route table association and propagation are disabled by default, because the centralized
    endpoint design segments traffic with dedicated route tables.
  - Options AWS can change in place (description, ASN, auto accept, default association and propagation,
    DNS and VPN ECMP support) are modified with C(ModifyTransitGateway); nothing is recreated.
  - Deletion only removes a transit gateway managed by this collection for O(topology). While attachments
    exist the module fails listing them, as AWS refuses the deletion.
options:
  name:
    description: C(Name) tag of the transit gateway; with the ownership tags, its identity.
    type: str
    required: true
  state:
    description: Whether the transit gateway exists.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description, up to 255 characters. Not managed when omitted.
    type: str
  asn:
    description:
      - Private ASN of the Amazon side of BGP sessions (C(AmazonSideAsn)). AWS default 64512 when omitted.
      - AWS refuses to change it while VPN, Direct Connect or Connect attachments exist.
    type: int
    aliases: [amazon_side_asn]
  auto_accept_shared_attachments:
    description: Accept attachment requests from other accounts automatically.
    type: bool
    default: false
  default_route_table_association:
    description: Associate new attachments with the default route table.
    type: bool
    default: false
  default_route_table_propagation:
    description: Propagate new attachments to the default route table.
    type: bool
    default: false
  dns_support:
    description: DNS resolution of public hostnames to private addresses across attached VPCs.
    type: bool
    default: true
  vpn_ecmp_support:
    description: Equal-cost multi-path routing over VPN attachments.
    type: bool
    default: true
  tags:
    description: Tags to set. Ownership tags and C(Name) are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description: Wait until the transit gateway is C(available) (or C(deleted) when O(state=absent)).
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
- name: Hub transit gateway with dedicated route tables only
  cloudnet.privatelink.aws_transit_gateway:
    name: hub
    topology: corp
    description: centralized endpoint hub
    asn: 64600

- name: Remove it (fails listing attachments while any exist)
  cloudnet.privatelink.aws_transit_gateway:
    name: hub
    topology: corp
    state: absent
"""

RETURN = r"""
transit_gateway:
  description:
    - The transit gateway after the run (predicted in check mode; id null before creation).
    - Empty when absent.
  returned: always
  type: dict
  contains:
    transit_gateway_id:
      description: ID.
      type: str
      sample: tgw-0123456789abcdef0
    transit_gateway_arn:
      description: ARN.
      type: str
    name:
      description: C(Name) tag.
      type: str
    description:
      description: Description.
      type: str
    state:
      description: State (C(pending), C(available), C(modifying), C(deleting)...).
      type: str
    owner_id:
      description: Owning account.
      type: str
    options:
      description: >-
        Options with booleans for enable/disable: amazon_side_asn, auto_accept_shared_attachments,
        default_route_table_association, default_route_table_propagation, association_default_route_table_id,
        propagation_default_route_table_id, dns_support, vpn_ecmp_support, multicast_support.
      type: dict
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "modify", "target": "tgw-0123456789abcdef0", "options": {"DnsSupport": "disable"}}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import (
    TransitGatewayManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        description={"type": "str"},
        asn={"type": "int", "aliases": ["amazon_side_asn"]},
        auto_accept_shared_attachments={"type": "bool", "default": False},
        default_route_table_association={"type": "bool", "default": False},
        default_route_table_propagation={"type": "bool", "default": False},
        dns_support={"type": "bool", "default": True},
        vpn_ecmp_support={"type": "bool", "default": True},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 600},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: TransitGatewayManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
