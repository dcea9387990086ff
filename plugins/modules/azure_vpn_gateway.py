#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_gateway
short_description: Manage a route-based, active-active Azure VPN gateway with BGP and APIPA addresses
version_added: 0.1.0
description:
  - Creates, reconciles and deletes the VPN gateway that carries the site-to-site tunnels to the AWS Transit
    Gateway, with its two Standard static public IP addresses (one per instance).
  - The gateway is route-based and active-active with BGP. Its IP configurations are C(ipconfig1) (instance 0)
    and C(ipconfig2) (instance 1) in the C(GatewaySubnet) of O(virtual_network).
  - O(apipa_addresses) sets the custom BGP (APIPA) addresses of each instance, as AWS tunnels need
    (169.254.21.0 to 169.254.22.255).
  - SKU, ASN, APIPA addresses and tags are reconciled in place with a read-modify-write guarded by C(If-Match).
  - Deletion removes only a gateway and public IPs tagged as managed by this collection for O(topology).
options:
  resource_group:
    description: Resource group of the gateway and its public IPs.
    type: str
    required: true
  name:
    description: Name of the gateway.
    type: str
    required: true
  state:
    description: Whether the gateway exists.
    type: str
    choices: [present, absent]
    default: present
  location:
    description: Region; required with O(state=present).
    type: str
  virtual_network:
    description: Virtual network holding the C(GatewaySubnet); required with O(state=present).
    type: str
  virtual_network_resource_group:
    description: Resource group of O(virtual_network); defaults to O(resource_group).
    type: str
  public_ip_names:
    description: Names of the two public IPs (created when missing). Default C(<name>-pip1), C(<name>-pip2).
    type: list
    elements: str
  sku:
    description: Gateway SKU.
    type: str
    default: VpnGw2
  generation:
    description: Gateway generation (set at creation).
    type: str
    choices: [Generation1, Generation2]
    default: Generation2
  asn:
    description: BGP autonomous system number of the gateway.
    type: int
    default: 65515
  apipa_addresses:
    description:
      - Custom BGP (APIPA) addresses per instance, C([[instance 0 addresses], [instance 1 addresses]]).
    type: list
    elements: list
  wait:
    description: Wait for the gateway operation to finish (gateway creation takes tens of minutes on Azure).
    type: bool
    default: true
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.azure.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Active-active VPN gateway for the tunnels to the AWS Transit Gateway
  cloudnet.privatelink.azure_vpn_gateway:
    resource_group: rg-hub
    name: vgw-hub
    location: westeurope
    virtual_network: vnet-hub
    asn: 65515
    apipa_addresses:
      - [169.254.21.2, 169.254.22.2]
      - [169.254.21.6, 169.254.22.6]
"""

RETURN = r"""
gateway:
  description: The gateway after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    id:
      description: Resource ID.
      type: str
    name:
      description: Name.
      type: str
    location:
      description: Region.
      type: str
    sku:
      description: SKU name.
      type: str
    generation:
      description: Generation.
      type: str
    vpn_type:
      description: C(RouteBased).
      type: str
    active_active:
      description: Always true for gateways this module creates.
      type: bool
    enable_bgp:
      description: Always true for gateways this module creates.
      type: bool
    asn:
      description: BGP ASN.
      type: int
    tags:
      description: Tags.
      type: dict
    instances:
      description:
        - Per instance C({ip_configuration, public_ip_name, public_ip_address, default_bgp_addresses,
          apipa_addresses}); the public address is the tunnel endpoint AWS connects to (null in check mode before
          creation).
      type: list
      elements: dict
operations:
  description: The changes made (or that would be made), in order.
  returned: always
  type: list
  elements: dict
diff:
  description: C(before) and C(after) gateway, as in RV(gateway).
  returned: with --diff
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import OWNERSHIP_SPEC
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
    AzureConnection,
    azure_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.vpn_gateway import VpnGatewayManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(module):
    manager = VpnGatewayManager(None, module.params, module.check_mode)  # validates before any connection
    manager.conn = AzureConnection(module.params)
    return manager.ensure()


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        location={"type": "str"},
        virtual_network={"type": "str"},
        virtual_network_resource_group={"type": "str"},
        public_ip_names={"type": "list", "elements": "str"},
        sku={"type": "str", "default": "VpnGw2"},
        generation={"type": "str", "choices": ["Generation1", "Generation2"], "default": "Generation2"},
        asn={"type": "int", "default": 65515},
        apipa_addresses={"type": "list", "elements": "list"},
        wait={"type": "bool", "default": True},
        **OWNERSHIP_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ("location", "virtual_network"))])
    run(module, _handler)


if __name__ == "__main__":
    main()
