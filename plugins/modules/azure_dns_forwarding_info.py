#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_dns_forwarding_info
short_description: Read DNS Private Resolver forwarding rulesets in the shape azure_dns_forwarding returns
version_added: 0.1.0
description:
  - Lists the forwarding rulesets of a resource group, or the one named, with their
    rules (split into the collection's and foreign ones) and virtual network links.
  - Each item has the shape of RV(cloudnet.privatelink.azure_dns_forwarding#module:forwarding).
options:
  resource_group:
    description: Resource group to read.
    type: str
    required: true
  ruleset:
    description: Ruleset name; all rulesets of the resource group when unset.
    type: str
  topology:
    description: Topology whose rules and links count as the collection's (the rest are foreign).
    type: str
    default: default
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Forwarding rules of the hub
  cloudnet.privatelink.azure_dns_forwarding_info:
    resource_group: rg-hub
    ruleset: aws-services
  register: fwd
"""

RETURN = r"""
forwardings:
  description: The items found, sorted by name, in the shape of the writer's result.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
    AzureConnection,
    azure_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.dns_forwarding import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(m):
    conn = AzureConnection(m.params)
    found = gather(conn, m.params["resource_group"], m.params["topology"], m.params.get("ruleset"))
    return {"changed": False, "forwardings": found}


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        ruleset={"type": "str"},
        topology={"type": "str", "default": "default"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
