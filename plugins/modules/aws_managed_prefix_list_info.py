#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_managed_prefix_list_info
short_description: Read customer-managed prefix lists and their entries
version_added: 0.1.0
description:
  - Returns prefix lists selected by ID, by name, or all customer-managed lists, each with its entries,
    in the shape M(cloudnet.privatelink.aws_managed_prefix_list) returns.
options:
  prefix_list_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  names:
    description: Names to read.
    type: list
    elements: str
    default: []
  managed_only:
    description: Return only lists tagged as managed by this collection (for O(topology) when set).
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
- name: Find the hub's endpoint prefix list
  cloudnet.privatelink.aws_managed_prefix_list_info:
    names: [corp-endpoint-prefixes]
  register: pl
"""

RETURN = r"""
prefix_lists:
  description: The prefix lists found (AWS-managed lists are never returned).
  returned: always
  type: list
  elements: dict
  contains:
    prefix_list_id:
      description: ID.
      type: str
    name:
      description: Name.
      type: str
    entries:
      description: Entries sorted by CIDR.
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.prefix_list import (
    describe,
    find_prefix_lists,
    get_entries,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed, run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import tag_list_to_dict


def read(module):
    p = module.params
    conn = AwsConnection(p)
    found = {}
    for pl_id in p["prefix_list_ids"]:
        found.update({pl["PrefixListId"]: pl for pl in find_prefix_lists(conn, prefix_list_id=pl_id)})
    for name in p["names"]:
        found.update({pl["PrefixListId"]: pl for pl in find_prefix_lists(conn, name=name)})
    if not p["prefix_list_ids"] and not p["names"]:
        lists = conn.paginate("ec2", "describe_managed_prefix_lists", "PrefixLists")
        found = {pl["PrefixListId"]: pl for pl in lists if pl.get("OwnerId") != "AWS"}
    out = []
    for pl in sorted(found.values(), key=lambda x: x["PrefixListId"]):
        if p["managed_only"] and not is_managed(tag_list_to_dict(pl.get("Tags")), p.get("topology")):
            continue
        entries = {e["Cidr"]: e.get("Description", "") for e in get_entries(conn, pl["PrefixListId"])}
        out.append(describe(pl, entries))
    return {"changed": False, "prefix_lists": out}


def main():
    spec = aws_argument_spec(
        prefix_list_ids={"type": "list", "elements": "str", "default": []},
        names={"type": "list", "elements": "str", "default": []},
        managed_only={"type": "bool", "default": False},
        topology={"type": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, read)


if __name__ == "__main__":
    main()
