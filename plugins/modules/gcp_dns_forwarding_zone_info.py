#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_dns_forwarding_zone_info
short_description: Read Cloud DNS private forwarding zones
version_added: 0.1.0
description:
  - Reads managed zones by O(name), or lists them (narrowed by O(dns_name)), in the shape
    M(cloudnet.privatelink.gcp_dns_forwarding_zone) returns.
  - With O(managed_only=true), only zones labelled as managed for O(topology) are returned.
options:
  name:
    description: Zone name.
    type: str
  dns_name:
    description: Only zones for this DNS name (trailing dot added when missing).
    type: str
  managed_only:
    description: Only zones managed by the collection for O(topology).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudnet.privatelink.gcp
  - cloudnet.privatelink.gcp.ownership
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Which zones forward the S3 name
  cloudnet.privatelink.gcp_dns_forwarding_zone_info:
    dns_name: s3.us-east-1.amazonaws.com.
  register: s3_zones
"""

RETURN = r"""
zones:
  description: Zones sorted by name; see M(cloudnet.privatelink.gcp_dns_forwarding_zone) for the shape.
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import ownership as own
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
    LazyConnection,
    gcp_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.dns_zone import canonical_dns_name, view


def _handler(module):
    p = module.params
    dns_name = canonical_dns_name(p["dns_name"]) if p["dns_name"] else None
    conn = LazyConnection(p)
    if p["name"]:
        zone = conn.get("dns", f"projects/{conn.project}/managedZones/{own.check_name(p['name'], 'name')}",
                        not_found=True)
        zones = [zone] if zone else []
    else:
        zones = conn.list("dns", f"projects/{conn.project}/managedZones", key="managedZones",
                          params={"dnsName": dns_name} if dns_name else None)
    zones = [z for z in zones if (not dns_name or z.get("dnsName") == dns_name)
             and (not p["managed_only"] or own.labels_owned(z.get("labels"), p["topology"]))]
    return {"changed": False, "zones": sorted((view(z) for z in zones), key=lambda z: z["name"])}


def main():
    spec = gcp_argument_spec(
        name={"type": "str"},
        dns_name={"type": "str"},
        managed_only={"type": "bool", "default": False},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
