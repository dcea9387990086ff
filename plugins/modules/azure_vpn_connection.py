#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_vpn_connection
short_description: Manage the Azure side of the AWS VPN tunnels (local network gateway and connection per tunnel)
version_added: 0.1.0
description:
  - For each AWS tunnel, creates or reconciles a local network gateway (the tunnel's outside IP, the AWS BGP
    peer address and ASN) and a BGP-enabled IPsec connection from O(virtual_network_gateway) to it.
  - O(tunnels[].gateway_custom_bgp_addresses) picks the APIPA address each gateway instance uses on this
    tunnel (one of the gateway's O(cloudnet.privatelink.azure_vpn_gateway#module:apipa_addresses)).
  - The shared key is read through the connection's C(sharedkey) resource and set there when it differs. It is
    never returned, shown in a diff or an operation, or logged.
  - Deletion (O(state=absent)) removes only connections and local network gateways tagged as managed by this
    collection for O(topology), connection first.
options:
  resource_group:
    description: Resource group of the connections and local network gateways.
    type: str
    required: true
  virtual_network_gateway:
    description: Name of the VPN gateway.
    type: str
    required: true
  virtual_network_gateway_resource_group:
    description: Resource group of the VPN gateway; defaults to O(resource_group).
    type: str
  location:
    description: Region; defaults to the gateway's.
    type: str
  state:
    description: Whether the tunnels exist.
    type: str
    choices: [present, absent]
    default: present
  connection_protocol:
    description: IKE version.
    type: str
    choices: [IKEv1, IKEv2]
    default: IKEv2
  tunnels:
    description: One entry per AWS tunnel.
    type: list
    elements: dict
    required: true
    suboptions:
      name:
        description: Connection name.
        type: str
        required: true
      local_network_gateway:
        description: Local network gateway name. Default C(<name>-lng).
        type: str
      peer_ip:
        description: The AWS tunnel's outside IP address.
        type: str
      bgp_peer_address:
        description: The AWS side's inside (BGP) address of the tunnel, for example C(169.254.21.1).
        type: str
      asn:
        description: The AWS side's BGP ASN (the Transit Gateway's).
        type: int
        default: 64512
      shared_key:
        description: The tunnel's pre-shared key. Never logged or returned.
        type: str
      gateway_custom_bgp_addresses:
        description: The APIPA address of each gateway instance on this tunnel.
        type: list
        elements: dict
        suboptions:
          ip_configuration:
            description: Gateway IP configuration (C(ipconfig1) or C(ipconfig2) for gateways of this collection).
            type: str
            required: true
          address:
            description: APIPA address (169.254.21.0 to 169.254.22.255).
            type: str
            required: true
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.azure.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Two tunnels of one AWS VPN connection
  cloudnet.privatelink.azure_vpn_connection:
    resource_group: rg-hub
    virtual_network_gateway: vgw-hub
    tunnels:
      - name: aws-tgw-tunnel1
        peer_ip: "{{ vpn.tunnel1_outside_ip }}"
        bgp_peer_address: 169.254.21.1
        asn: 64512
        shared_key: "{{ vpn.tunnel1_psk }}"
        gateway_custom_bgp_addresses:
          - {ip_configuration: ipconfig1, address: 169.254.21.2}
          - {ip_configuration: ipconfig2, address: 169.254.21.6}
"""

RETURN = r"""
tunnels:
  description: The declared tunnels after the run (predicted in check mode); empty with O(state=absent).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Connection name.
      type: str
    id:
      description: Connection resource ID.
      type: str
    virtual_network_gateway_id:
      description: The VPN gateway.
      type: str
    connection_protocol:
      description: IKE version.
      type: str
    enable_bgp:
      description: Always true.
      type: bool
    gateway_custom_bgp_addresses:
      description: C([{ip_configuration, address}]).
      type: list
      elements: dict
    local_network_gateway:
      description: C({name, id, gateway_ip_address, bgp_peer_address, asn}).
      type: dict
operations:
  description: The changes made (or that would be made); a shared key change appears as C(set_shared_key) only.
  returned: always
  type: list
  elements: dict
diff:
  description: C(before) and C(after) lists of tunnels, as in RV(tunnels).
  returned: with --diff
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import OWNERSHIP_SPEC
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
    AzureConnection,
    azure_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.vpn_connection import (
    VpnConnectionManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(module):
    manager = VpnConnectionManager(None, module.params, module.check_mode)  # validates before any connection
    manager.conn = AzureConnection(module.params)
    return manager.ensure()


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        virtual_network_gateway={"type": "str", "required": True},
        virtual_network_gateway_resource_group={"type": "str"},
        location={"type": "str"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        connection_protocol={"type": "str", "choices": ["IKEv1", "IKEv2"], "default": "IKEv2"},
        tunnels={"type": "list", "elements": "dict", "required": True, "options": {
            "name": {"type": "str", "required": True},
            "local_network_gateway": {"type": "str"},
            "peer_ip": {"type": "str"},
            "bgp_peer_address": {"type": "str"},
            "asn": {"type": "int", "default": 64512},
            "shared_key": {"type": "str", "no_log": True},
            "gateway_custom_bgp_addresses": {"type": "list", "elements": "dict", "options": {
                "ip_configuration": {"type": "str", "required": True},
                "address": {"type": "str", "required": True},
            }},
        }},
        **OWNERSHIP_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
