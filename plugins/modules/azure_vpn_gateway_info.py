#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_gateway_info
short_description: Read Azure VPN gateways in the shape azure_vpn_gateway returns
version_added: 0.1.0
description:
  - Lists the VPN gateways of a resource group, or the one named, each with its
    instances (public IP, default and APIPA BGP addresses).
  - Each item has the shape of RV(cloudnet.privatelink.azure_vpn_gateway#module:gateway).
options:
  resource_group:
    description: Resource group to read.
    type: str
    required: true
  name:
    description: Gateway name; all gateways of the resource group when unset.
    type: str
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Tunnel endpoints for the AWS customer gateways
  cloudnet.privatelink.azure_vpn_gateway_info:
    resource_group: rg-hub
    name: vgw-hub
  register: vgw
"""

RETURN = r"""
gateways:
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.vpn_gateway import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(m):
    conn = AzureConnection(m.params)
    return {"changed": False, "gateways": gather(conn, m.params["resource_group"], m.params.get("name"))}


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        name={"type": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
