#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_ha_vpn_info
short_description: Read a GCP HA VPN made by gcp_ha_vpn
version_added: 0.1.0
description:
  - Reads the HA VPN gateway O(name), its external gateway, Cloud Router and the tunnels managed for
    O(topology), in the shape M(cloudnet.privatelink.gcp_ha_vpn) returns. Never returns secrets.
options:
  name:
    description: HA VPN gateway name.
    type: str
    required: true
  region:
    description: Region.
    type: str
    required: true
  router_name:
    description: Router name. Default C(<name>-router).
    type: str
  external_gateway_name:
    description: External VPN gateway name. Default C(<name>-peer).
    type: str
extends_documentation_fragment:
  - cloudnet.privatelink.gcp
  - cloudnet.privatelink.gcp.ownership
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Read the HA VPN to AWS
  cloudnet.privatelink.gcp_ha_vpn_info:
    name: hub-to-aws
    region: us-east1
    topology: corp
  register: vpn
"""

RETURN = r"""
ha_vpns:
  description: The HA VPN as one element (empty when nothing of it exists); see M(cloudnet.privatelink.gcp_ha_vpn).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
    LazyConnection,
    gcp_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.ha_vpn import HaVpnManager


def _handler(module):
    p = module.params
    params = dict(p, state="absent", tunnels=[], router={"name": p["router_name"]},
                  external_gateway={"name": p["external_gateway_name"]})
    manager = HaVpnManager(LazyConnection(p), params, True)
    found = manager.describe(manager.read())
    return {"changed": False, "ha_vpns": [found] if found else []}


def main():
    spec = gcp_argument_spec(
        name={"type": "str", "required": True},
        region={"type": "str", "required": True},
        router_name={"type": "str"},
        external_gateway_name={"type": "str"},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
