#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_route_table_info
short_description: Read Azure route tables in the shape azure_route_set returns
version_added: 0.1.0
description:
  - Lists the route tables of a resource group, or the one named, with the collection's routes, the foreign
    routes and the associated subnets.
  - Each item has the shape of RV(cloudnet.privatelink.azure_route_set#module:route_table).
options:
  resource_group:
    description: Resource group to read.
    type: str
    required: true
  name:
    description: Route table name; all route tables of the resource group when unset.
    type: str
  route_name_prefix:
    description: Name prefix that marks a route as managed by the collection.
    type: str
    default: cloudnet-
  topology:
    description: Topology whose ownership tags make a route table count as managed.
    type: str
    default: default
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Routes of a spoke
  cloudnet.privatelink.azure_route_table_info:
    resource_group: rg-spoke
  register: spoke_routes
"""

RETURN = r"""
route_tables:
  description: The route tables found, sorted by name, in the shape of the writer's result.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
    AzureConnection,
    azure_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_set import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(m):
    conn = AzureConnection(m.params)
    p = m.params
    return {"changed": False,
            "route_tables": gather(conn, p["resource_group"], p["topology"], p["route_name_prefix"], p.get("name"))}


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        name={"type": "str"},
        route_name_prefix={"type": "str", "default": "cloudnet-"},
        topology={"type": "str", "default": "default"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
