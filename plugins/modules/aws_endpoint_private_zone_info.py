#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_endpoint_private_zone_info
short_description: Read the private hosted zones that point service DNS names at interface endpoints
version_added: 0.1.0
description:
  - Returns private hosted zones in the shape M(cloudnet.privatelink.aws_endpoint_private_zone) returns.
  - Zones are selected by O(hosted_zone_ids), O(names), or the private DNS names of O(service_name); with
    none of these, every zone associated with O(vpc_id). O(vpc_id) and O(topology) further filter.
options:
  hosted_zone_ids:
    description: Zone IDs, with or without the C(/hostedzone/) prefix.
    type: list
    elements: str
  names:
    description: Zone names, for example C(ssm.us-east-1.amazonaws.com).
    type: list
    elements: str
  service_name:
    description: Endpoint service whose private DNS names name the zones.
    type: str
  vpc_id:
    description: Only zones associated with this VPC.
    type: str
  vpc_region:
    description: Region of O(vpc_id). Defaults to O(region).
    type: str
  topology:
    description: Only zones tagged as managed by this collection for this topology.
    type: str
  include_records:
    description:
      - Read each zone's records (one C(ListResourceRecordSets) per zone). Set V(false) when only the zones'
        IDs, names, VPCs and tags are needed, as the spoke role does for every spoke.
    type: bool
    default: true
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Zones of the central SSM endpoint
  cloudnet.privatelink.aws_endpoint_private_zone_info:
    service_name: com.amazonaws.us-east-1.ssm
    vpc_id: vpc-0a1b2c3d4e5f60718
  register: ssm_zones
"""

RETURN = r"""
zones:
  description:
    - Matching zones, sorted by ID; items as returned by M(cloudnet.privatelink.aws_endpoint_private_zone).
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Zone name.
      type: str
    private_dns_names:
      description: The service's private DNS names the zone serves (when O(service_name) was given).
      type: list
      elements: str
    hosted_zone_id:
      description: Zone ID.
      type: str
    caller_reference:
      description: The zone's CallerReference.
      type: str
    records:
      description: The apex and wildcard C(A)/C(AAAA) records.
      returned: when O(include_records=true)
      type: list
      elements: dict
    vpcs:
      description: Associated VPCs.
      type: list
      elements: dict
    tags:
      description: Zone tags.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_endpoint_zone import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def main():
    spec = aws_argument_spec(
        hosted_zone_ids={"type": "list", "elements": "str"},
        names={"type": "list", "elements": "str"},
        service_name={"type": "str"},
        vpc_id={"type": "str"},
        vpc_region={"type": "str"},
        topology={"type": "str"},
        include_records={"type": "bool", "default": True},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: {"changed": False, "zones": gather(AwsConnection(m.params), m.params)})


if __name__ == "__main__":
    main()
