#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_customer_gateway
short_description: Manage an AWS customer gateway (the remote VPN device)
version_added: 0.1.0
description:
  - Declares the remote end of a site-to-site VPN (an Azure VPN gateway instance, a GCP HA VPN interface,
    an on-premises device) by its BGP ASN and outside IPv4 address.
  - Identity is the C(Name) tag plus the ownership tags of O(topology); a re-run finds what an earlier
    run made.
  - AWS keeps one customer gateway per ASN and IP address and answers a create for an existing pair with
    the existing gateway. The module therefore refuses, before any create, when another gateway (one it
    does not manage, or one under another name) already has that pair, naming it.
  - ASN and IP address cannot be changed in place; a change is an error that says how to replace the gateway.
options:
  name:
    description: C(Name) tag, the identity of the gateway.
    type: str
    required: true
  state:
    description: Whether the gateway exists. Deleting a gateway still used by a VPN connection fails.
    type: str
    choices: [present, absent]
    default: present
  bgp_asn:
    description:
      - BGP ASN of the remote device (1-4294967294). Sent as C(BgpAsnExtended) above 2147483647.
      - Required when O(state=present).
    type: int
  ip_address:
    description: Outside IPv4 address of the remote device. Required when O(state=present).
    type: str
  device_name:
    description: Optional device name, set at creation only.
    type: str
  tags:
    description: Tags to set. Ownership tags and C(Name) are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Azure VPN gateway instance 0 as a customer gateway
  cloudnet.privatelink.aws_customer_gateway:
    name: azure-vpngw-0
    topology: corp
    bgp_asn: 65515
    ip_address: "{{ azure_vpn_gateway.public_ips[0] }}"
  register: cgw
"""

RETURN = r"""
customer_gateway:
  description:
    - The gateway after the run (predicted in check mode; id null before creation). Empty when absent.
  returned: always
  type: dict
  contains:
    customer_gateway_id:
      description: ID.
      type: str
      sample: cgw-0123456789abcdef0
    name:
      description: C(Name) tag.
      type: str
    bgp_asn:
      description: BGP ASN of the remote device.
      type: int
      sample: 65515
    ip_address:
      description: Outside IPv4 address of the remote device.
      type: str
    type:
      description: Always C(ipsec.1).
      type: str
    device_name:
      description: Device name, if any.
      type: str
    state:
      description: State (C(available), C(pending)...).
      type: str
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create", "target": "customer-gateway/azure-vpngw-0", "bgp_asn": 65515}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.customer_gateway import (
    CustomerGatewayManager,
    validate_customer_gateway,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def _handler(module):
    validate_customer_gateway(module.params)
    return CustomerGatewayManager(AwsConnection(module.params), module.params, module.check_mode).ensure()


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        bgp_asn={"type": "int"},
        ip_address={"type": "str"},
        device_name={"type": "str"},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ["bgp_asn", "ip_address"])])
    run(module, _handler)


if __name__ == "__main__":
    main()
