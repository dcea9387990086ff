#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_managed_prefix_list
short_description: Manage the customer-managed prefix list of endpoint prefixes
version_added: 0.1.0
description:
  - Creates, reconciles and deletes a customer-managed prefix list, identified by O(name).
  - In the centralized endpoint architecture the hub owns one prefix list holding the services VPC
    endpoint subnets; spoke route tables send it to the Transit Gateway.
  - Entries are compared as canonical CIDRs. Entry changes are applied in one versioned modify call;
    a size increase is applied before new entries, as AWS requires.
  - Deletion only removes a prefix list tagged as managed by this collection for O(topology).
options:
  name:
    description: Name of the prefix list (also its C(Name) tag).
    type: str
    required: true
  state:
    description: Whether the prefix list exists.
    type: str
    choices: [present, absent]
    default: present
  address_family:
    description: Address family of the entries.
    type: str
    choices: [IPv4, IPv6]
    default: IPv4
  max_entries:
    description:
      - Maximum number of entries. Every route table that references the list counts this many routes
        against its quota.
      - Defaults to the number of entries on create and is grown automatically when entries need room.
    type: int
  entries:
    description: The entries.
    type: list
    elements: dict
    default: []
    suboptions:
      cidr:
        description: CIDR block in canonical form.
        type: str
        required: true
      description:
        description: Description of the entry, up to 255 characters.
        type: str
  purge_entries:
    description: Remove entries not listed in O(entries).
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
  wait:
    description: Wait until the prefix list reaches a C(*-complete) state.
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
- name: Publish the services VPC endpoint subnets for spokes to route to
  cloudnet.privatelink.aws_managed_prefix_list:
    name: endpoint-prefixes
    topology: corp
    entries:
      - cidr: 10.100.0.0/24
        description: services VPC endpoints az-a
      - cidr: 10.100.1.0/24
        description: services VPC endpoints az-b
"""

RETURN = r"""
prefix_list:
  description: The prefix list after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    prefix_list_id:
      description: ID, C(null) in check mode before creation.
      type: str
      sample: pl-0123456789abcdef0
    name:
      description: Name.
      type: str
    max_entries:
      description: Maximum number of entries.
      type: int
    entries:
      description: Entries sorted by CIDR.
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
  sample: [{"action": "modify", "target": "pl-0123456789abcdef0", "AddEntries": [{"Cidr": "10.1.0.0/24"}]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.prefix_list import PrefixListManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        address_family={"type": "str", "choices": ["IPv4", "IPv6"], "default": "IPv4"},
        max_entries={"type": "int"},
        entries={"type": "list", "elements": "dict", "default": [],
                 "options": {"cidr": {"type": "str", "required": True}, "description": {"type": "str"}}},
        purge_entries={"type": "bool", "default": True},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: PrefixListManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
