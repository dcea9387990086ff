#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_route_set_info
short_description: Read the static routes of a GCP network and the advertised ranges of a Cloud Router
version_added: 0.1.0
description:
  - Reads, in the shape M(cloudnet.privatelink.gcp_route_set) returns, the static routes of O(network)
    split into C(routes) (managed by the collection for O(topology)) and C(foreign_routes), and the
    advertised ranges of O(router) split into C(ranges) and C(foreign_ranges).
  - Subnet, peering and dynamic (BGP-learned) routes are not listed.
options:
  network:
    description: VPC network (name or link).
    type: str
  region:
    description: Region of O(router).
    type: str
  router:
    description: Cloud Router whose advertisements to read.
    type: str
  name_prefix:
    description: Prefix of managed route names.
    type: str
    default: cloudnet-rt
extends_documentation_fragment:
  - cloudnet.privatelink.gcp
  - cloudnet.privatelink.gcp.ownership
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Which routes of the hub network does the collection own
  cloudnet.privatelink.gcp_route_set_info:
    network: hub
    region: us-east1
    router: hub-to-aws-router
    topology: corp
  register: hub_routes
"""

RETURN = r"""
route_sets:
  description: One element with C(routes) and C(advertisements); see M(cloudnet.privatelink.gcp_route_set).
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.route_set import RouteSetManager


def _handler(module):
    p = module.params
    params = dict(p, state="gathered", config=[], take_over=False,
                  advertisements={"router": p["router"], "ranges": []} if p["router"] else None)
    result = RouteSetManager(LazyConnection(p), params, True).ensure()
    return {"changed": False, "route_sets": [result["route_set"]]}


def main():
    spec = gcp_argument_spec(
        network={"type": "str"},
        region={"type": "str"},
        router={"type": "str"},
        name_prefix={"type": "str", "default": "cloudnet-rt"},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_one_of=[("network", "router")], required_by={"router": "region"})
    run(module, _handler)


if __name__ == "__main__":
    main()
