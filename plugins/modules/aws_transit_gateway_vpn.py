#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_vpn
short_description: Manage a site-to-site VPN connection on a Transit Gateway
version_added: 0.1.0
description:
  - Creates an IPsec VPN connection (two tunnels) between a transit gateway and a customer gateway; AWS
    attaches it to the transit gateway as a C(vpn) attachment whose ID the result carries, for
    M(cloudnet.privatelink.aws_transit_gateway_route_table) associations, propagations and routes.
  - The result lists, per tunnel, what the Azure or GCP side needs to pair with it - outside IP address,
    inside CIDR, AWS and customer BGP inside addresses and ASNs - and never a pre-shared key.
  - Identity is the C(Name) tag plus the ownership tags of O(topology) (AWS takes no client token here).
  - A changed customer or transit gateway is applied in place with C(ModifyVpnConnection); changed tunnel
    options with C(ModifyVpnTunnelOptions), one tunnel at a time, waiting for the connection to be
    C(available) between them. A tunnel option AWS does not report back is not compared.
  - O(static_routes_only) cannot change after creation; a change is an error.
options:
  name:
    description: C(Name) tag, the identity of the connection.
    type: str
    required: true
  state:
    description: Whether the connection exists.
    type: str
    choices: [present, absent]
    default: present
  customer_gateway_id:
    description: Customer gateway (remote device). Required when O(state=present).
    type: str
  transit_gateway_id:
    description: Transit gateway. Required when O(state=present).
    type: str
  static_routes_only:
    description: Static routing instead of BGP. Set at creation only.
    type: bool
    default: false
  tunnel_options:
    description:
      - Options of the first and second tunnel, in that order (at most two entries). Options left out are
        chosen by AWS.
    type: list
    elements: dict
    default: []
    suboptions:
      tunnel_inside_cidr:
        description:
          - A /30 in 169.254.0.0/16 for the tunnel's inside addresses (AWS takes the first host, the customer
            the second). 169.254.0.0/30 to 169.254.5.0/30 and 169.254.169.252/30 are reserved.
          - Azure APIPA BGP addresses must be in 169.254.21.0 - 169.254.22.255.
        type: str
      pre_shared_key:
        description:
          - Pre-shared key, 8-64 letters, digits, periods or underscores, not starting with C(0).
          - Never returned, never shown in diffs, operations or messages.
        type: str
      ike_versions:
        description: IKE versions allowed on the tunnel.
        type: list
        elements: str
        choices: [ikev1, ikev2]
      dpd_timeout_action:
        description: Action after dead peer detection timeout.
        type: str
        choices: [clear, none, restart]
      startup_action:
        description: C(start) to let AWS initiate IKE negotiation, C(add) to wait for the customer side.
        type: str
        choices: [add, start]
  tags:
    description: Tags to set. Ownership tags and C(Name) are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description: Wait until the connection is C(available) and its attachment listed (or C(deleted)).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 900
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
notes:
  - Pre-shared keys are best kept in a vault and passed through O(tunnel_options[].pre_shared_key).
"""

EXAMPLES = r"""
- name: VPN from the hub to Azure VPN gateway instance 0 (APIPA inside addresses, BGP)
  cloudnet.privatelink.aws_transit_gateway_vpn:
    name: azure-0
    topology: corp
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    customer_gateway_id: "{{ cgw.customer_gateway.customer_gateway_id }}"
    tunnel_options:
      - tunnel_inside_cidr: 169.254.21.0/30
        pre_shared_key: "{{ vault_vpn_psk_0 }}"
        ike_versions: [ikev2]
      - tunnel_inside_cidr: 169.254.22.0/30
        pre_shared_key: "{{ vault_vpn_psk_1 }}"
        ike_versions: [ikev2]
  register: vpn

- name: Associate and propagate the VPN attachment in the hub route table
  cloudnet.privatelink.aws_transit_gateway_route_table:
    name: cross-cloud
    topology: corp
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    associations: ["{{ vpn.vpn_connection.transit_gateway_attachment_id }}"]
    propagations: ["{{ vpn.vpn_connection.transit_gateway_attachment_id }}"]
"""

RETURN = r"""
vpn_connection:
  description:
    - The connection after the run (predicted in check mode; ids and outside addresses null before
      creation). Empty when absent.
  returned: always
  type: dict
  contains:
    vpn_connection_id:
      description: ID.
      type: str
      sample: vpn-0123456789abcdef0
    name:
      description: C(Name) tag.
      type: str
    state:
      description: State (C(pending), C(available), C(deleting)...).
      type: str
    type:
      description: C(ipsec.1).
      type: str
    category:
      description: C(VPN) or C(VPN-Classic), as AWS reports it.
      type: str
    customer_gateway_id:
      description: Customer gateway.
      type: str
    transit_gateway_id:
      description: Transit gateway.
      type: str
    transit_gateway_attachment_id:
      description: The C(vpn) transit gateway attachment AWS made for this connection.
      type: str
      sample: tgw-attach-0123456789abcdef0
    static_routes_only:
      description: Static routing instead of BGP.
      type: bool
    tunnels:
      description: The tunnels, in AWS order.
      type: list
      elements: dict
      contains:
        outside_ip_address:
          description: AWS outside (public) IP address of the tunnel, the peer address for the remote side.
          type: str
        tunnel_inside_cidr:
          description: Inside /30.
          type: str
          sample: 169.254.21.0/30
        aws_inside_address:
          description: AWS BGP peer address (first host of the /30).
          type: str
          sample: 169.254.21.1
        customer_inside_address:
          description: Customer BGP address (second host of the /30).
          type: str
          sample: 169.254.21.2
        aws_bgp_asn:
          description: AWS side ASN (the transit gateway's Amazon side ASN); null with static routing.
          type: int
        customer_bgp_asn:
          description: Customer side ASN (the customer gateway's); null with static routing.
          type: int
        ike_versions:
          description: IKE versions AWS reports for the tunnel (null when not reported).
          type: list
          elements: str
        status:
          description: Tunnel telemetry status (C(UP), C(DOWN)) when AWS reports it.
          type: str
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order. Keys are shown as C((hidden)).
  returned: always
  type: list
  elements: dict
  sample: [{"action": "modify_tunnel", "target": "vpn-0123456789abcdef0", "tunnel": "203.0.113.1",
            "options": {"pre_shared_key": "(hidden)"}}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpn import (
    VpnConnectionManager,
    validate_vpn,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)

TUNNEL_SPEC = {
    "tunnel_inside_cidr": {"type": "str"},
    "pre_shared_key": {"type": "str", "no_log": True},
    "ike_versions": {"type": "list", "elements": "str", "choices": ["ikev1", "ikev2"]},
    "dpd_timeout_action": {"type": "str", "choices": ["clear", "none", "restart"]},
    "startup_action": {"type": "str", "choices": ["add", "start"]},
}


def _handler(module):
    validate_vpn(module.params)
    return VpnConnectionManager(AwsConnection(module.params), module.params, module.check_mode).ensure()


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        customer_gateway_id={"type": "str"},
        transit_gateway_id={"type": "str"},
        static_routes_only={"type": "bool", "default": False},
        tunnel_options={"type": "list", "elements": "dict", "default": [], "options": TUNNEL_SPEC},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 900},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ["customer_gateway_id", "transit_gateway_id"])])
    run(module, _handler)


if __name__ == "__main__":
    main()
