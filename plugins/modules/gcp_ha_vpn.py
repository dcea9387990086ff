#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_ha_vpn
short_description: Manage the GCP HA VPN to the AWS Transit Gateway (gateways, Cloud Router, tunnels, BGP)
version_added: 0.1.0
description:
  - Creates and reconciles, in one call, the GCP side of the cross-cloud link - an HA VPN gateway
    named O(name) on O(network), an external VPN gateway whose interfaces are the AWS tunnel outside IPs,
    a Cloud Router, the VPN tunnels, and for each tunnel a router interface (C(<tunnel>-if)) and a BGP
    peer (C(<tunnel>-bgp)).
  - HA VPN is BGP-only. The AWS endpoint prefixes arrive as routes learned from the Transit Gateway;
    announce GCP ranges to AWS with the O(cloudnet.privatelink.gcp_route_set#module:advertisements) of
    M(cloudnet.privatelink.gcp_route_set).
  - Tunnels, external gateways and their interfaces cannot be changed in place on GCP. A change to one
    of those fields fails with a message; give the object a new name to replace it make-before-break.
  - Shared secrets are sent only when a tunnel is created; they are never read back, compared or
    returned. To rotate one, create a tunnel with a new name and remove the old entry.
  - Every write is a Compute operation; the module waits for each (bounded by O(wait_timeout)) because
    the next step depends on it. Labels are set with the current C(labelFingerprint).
  - With O(gateway_only=true), creates or reconciles only the HA VPN gateway (network, labels) and
    returns its interface IPs, leaving the external gateway, router and tunnels as they are. This is the
    first step on a fresh network - the AWS customer gateways need those IPs before the AWS tunnels, whose
    outside IPs the external gateway lists, can exist. A later call without it builds the rest.
  - With O(state=absent), removes, in order, the router entries of the owned tunnels, the tunnels, the
    router (only when managed and left empty), the external gateway and the HA VPN gateway - only those
    marked as managed for O(topology).
options:
  name:
    description: Name of the HA VPN gateway.
    type: str
    required: true
  region:
    description: Region of the gateway, router and tunnels.
    type: str
    required: true
  network:
    description: VPC network name or link. Required with O(state=present).
    type: str
  state:
    description: Whether the HA VPN exists.
    type: str
    choices: [present, absent]
    default: present
  description:
    description: Description of the HA VPN gateway (set on create).
    type: str
  gateway_only:
    description:
      - Manage only the HA VPN gateway; O(external_gateway.interfaces), O(tunnels) and O(router.asn) are
        not needed and must not list interfaces or tunnels. Only with O(state=present).
    type: bool
    default: false
  router:
    description: The Cloud Router.
    type: dict
    default: {}
    suboptions:
      name:
        description: Router name. Default C(<name>-router).
        type: str
      asn:
        description: Private ASN of the router. Required with O(state=present).
        type: int
  external_gateway:
    description: The external VPN gateway standing for the AWS side.
    type: dict
    default: {}
    suboptions:
      name:
        description: Name. Default C(<name>-peer).
        type: str
      interfaces:
        description:
          - AWS tunnel outside IPs, in interface order (1, 2 or 4). Two AWS VPN connections give 4
            (C(FOUR_IPS_REDUNDANCY)).
        type: list
        elements: str
        default: []
  tunnels:
    description: The VPN tunnels, each with its router interface and BGP peer.
    type: list
    elements: dict
    default: []
    suboptions:
      name:
        description: Tunnel name (at most 58 characters).
        type: str
        required: true
      vpn_gateway_interface:
        description: HA VPN gateway interface.
        type: int
        choices: [0, 1]
        required: true
      peer_interface:
        description: Interface of the external gateway (index into O(external_gateway.interfaces)).
        type: int
        required: true
      shared_secret:
        description: Pre-shared key of the AWS tunnel. Needed to create the tunnel; never logged or returned.
        type: str
      ike_version:
        description: IKE version.
        type: int
        choices: [1, 2]
        default: 2
      ip_range:
        description: GCP side of the AWS tunnel inside CIDR with its prefix, for example C(169.254.10.2/30).
        type: str
        required: true
      peer_ip_address:
        description: AWS side of the inside CIDR, for example C(169.254.10.1).
        type: str
        required: true
      peer_asn:
        description: ASN of the Transit Gateway.
        type: int
        required: true
      advertised_route_priority:
        description: Base priority (MED) of routes advertised to this peer.
        type: int
  purge_tunnels:
    description: Remove managed tunnels of this gateway (and their router entries) that O(tunnels) does not list.
    type: bool
    default: true
  labels:
    description: Labels of the gateways and tunnels. Ownership labels are added; other labels are replaced.
    type: dict
  wait_timeout:
    description: Seconds to wait for each Compute operation.
    type: int
    default: 300
extends_documentation_fragment:
  - cloudnet.privatelink.gcp
  - cloudnet.privatelink.gcp.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: First step on a fresh network - the HA VPN gateway alone (its interface IPs go to AWS)
  cloudnet.privatelink.gcp_ha_vpn:
    name: hub-to-aws
    region: us-east1
    network: hub
    topology: corp
    gateway_only: true
  register: gateway

- name: The AWS customer gateways take these addresses
  ansible.builtin.debug:
    msg: "{{ gateway.ha_vpn.vpn_gateway.interfaces | map(attribute='ip_address') | list }}"

- name: HA VPN from the GCP hub network to the AWS Transit Gateway
  cloudnet.privatelink.gcp_ha_vpn:
    name: hub-to-aws
    region: us-east1
    network: hub
    topology: corp
    router:
      asn: 64514
    external_gateway:
      interfaces: [203.0.113.10, 203.0.113.11, 203.0.113.20, 203.0.113.21]
    tunnels:
      - name: hub-to-aws-0
        vpn_gateway_interface: 0
        peer_interface: 0
        shared_secret: "{{ vault_aws_tunnel_psk[0] }}"
        ip_range: 169.254.10.2/30
        peer_ip_address: 169.254.10.1
        peer_asn: 64512
      - name: hub-to-aws-1
        vpn_gateway_interface: 1
        peer_interface: 1
        shared_secret: "{{ vault_aws_tunnel_psk[1] }}"
        ip_range: 169.254.11.2/30
        peer_ip_address: 169.254.11.1
        peer_asn: 64512
"""

RETURN = r"""
ha_vpn:
  description: The HA VPN after the run (predicted in check mode; links of new objects are computed). Empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: HA VPN gateway name.
      type: str
    region:
      description: Region.
      type: str
    network:
      description: Network name.
      type: str
    vpn_gateway:
      description:
        - C(name), C(self_link), C(labels) and C(interfaces) (C(id), C(ip_address); null in check mode before creation).
      type: dict
    external_gateway:
      description: C(name), C(self_link), C(redundancy_type), C(labels), C(interfaces) (C(id), C(ip_address)).
      type: dict
    router:
      description: C(name), C(self_link), C(asn), and the managed C(interfaces) and C(bgp_peers).
      type: dict
    tunnels:
      description:
        - Managed tunnels - C(name), C(self_link), C(vpn_gateway_interface), C(peer_external_gateway),
          C(peer_interface), C(ike_version), C(peer_ip), C(router), C(status), C(labels). Never the secret.
      type: list
      elements: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order. Never the secret.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create", "target": "hub-to-aws", "kind": "vpnGateway"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
    LazyConnection,
    gcp_argument_spec,
    run_manager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.ha_vpn import HaVpnManager

TUNNEL = {
    "name": {"type": "str", "required": True},
    "vpn_gateway_interface": {"type": "int", "choices": [0, 1], "required": True},
    "peer_interface": {"type": "int", "required": True},
    "shared_secret": {"type": "str", "no_log": True},
    "ike_version": {"type": "int", "choices": [1, 2], "default": 2},
    "ip_range": {"type": "str", "required": True},
    "peer_ip_address": {"type": "str", "required": True},
    "peer_asn": {"type": "int", "required": True},
    "advertised_route_priority": {"type": "int"},
}


def main():
    spec = gcp_argument_spec(
        name={"type": "str", "required": True},
        region={"type": "str", "required": True},
        network={"type": "str"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        description={"type": "str"},
        gateway_only={"type": "bool", "default": False},
        router={"type": "dict", "default": {}, "options": {"name": {"type": "str"}, "asn": {"type": "int"}}},
        external_gateway={"type": "dict", "default": {}, "options": {
            "name": {"type": "str"}, "interfaces": {"type": "list", "elements": "str", "default": []}}},
        tunnels={"type": "list", "elements": "dict", "default": [], "options": TUNNEL},
        purge_tunnels={"type": "bool", "default": True},
        labels={"type": "dict"},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ["network"])])

    run(module, lambda m: run_manager(m, lambda x: HaVpnManager(LazyConnection(x.params), x.params, x.check_mode)))


if __name__ == "__main__":
    main()
