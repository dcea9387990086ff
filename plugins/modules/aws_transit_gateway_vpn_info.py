#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_vpn_info
short_description: Read site-to-site VPN connections on Transit Gateways
version_added: 0.1.0
description:
  - Lists VPN connections that terminate on a transit gateway (not deleted) by ID, transit gateway, customer
    gateway, C(Name) tag or EC2 filters, in the item shape M(cloudnet.privatelink.aws_transit_gateway_vpn)
    returns, with their attachment IDs and per-tunnel pairing data. Pre-shared keys are never returned.
options:
  vpn_connection_ids:
    description: IDs to read.
    type: list
    elements: str
    default: []
  transit_gateway_id:
    description: Only connections on this transit gateway.
    type: str
  customer_gateway_id:
    description: Only connections to this customer gateway.
    type: str
  names:
    description: C(Name) tags to match.
    type: list
    elements: str
    default: []
  filters:
    description: "EC2 C(DescribeVpnConnections) filters as C({name: value or [values]})."
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: VPN tunnels the GCP side pairs with
  cloudnet.privatelink.aws_transit_gateway_vpn_info:
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    names: [gcp-0, gcp-1]
  register: hub_vpns
"""

RETURN = r"""
vpn_connections:
  description: Connections sorted by ID, each as M(cloudnet.privatelink.aws_transit_gateway_vpn) returns it.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpn import gather_vpn_connections
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id


def _handler(module):
    p = module.params
    for i, vpn_id in enumerate(p["vpn_connection_ids"]):
        check_id(vpn_id, "vpn", f"vpn_connection_ids[{i}]")
    if p.get("transit_gateway_id"):
        check_id(p["transit_gateway_id"], "tgw", "transit_gateway_id")
    if p.get("customer_gateway_id"):
        check_id(p["customer_gateway_id"], "cgw", "customer_gateway_id")
    return {"changed": False, "vpn_connections": gather_vpn_connections(AwsConnection(p), p)}


def main():
    spec = aws_argument_spec(
        vpn_connection_ids={"type": "list", "elements": "str", "default": []},
        transit_gateway_id={"type": "str"},
        customer_gateway_id={"type": "str"},
        names={"type": "list", "elements": "str", "default": []},
        filters={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
