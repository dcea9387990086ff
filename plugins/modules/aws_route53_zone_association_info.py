#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_route53_zone_association_info
short_description: Read which private hosted zones a VPC is associated with
version_added: 0.1.0
description:
  - Lists the private hosted zones associated with O(vpc_id) (C(ListHostedZonesByVPC)), including zones
    owned by other accounts, in the shape M(cloudnet.privatelink.aws_route53_zone_association) returns.
  - With O(hosted_zone_ids), returns exactly those zones, each with C(associated) true or false.
options:
  vpc_id:
    description: The VPC.
    type: str
    required: true
  vpc_region:
    description: Region of O(vpc_id). Defaults to O(region).
    type: str
  hosted_zone_ids:
    description: Only these zones.
    type: list
    elements: str
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Zones a spoke resolves
  cloudnet.privatelink.aws_route53_zone_association_info:
    vpc_id: vpc-0123456789abcdef0
  register: spoke_zones
"""

RETURN = r"""
associations:
  description: Zones, sorted by ID.
  returned: always
  type: list
  elements: dict
  contains:
    hosted_zone_id:
      description: Zone ID.
      type: str
    name:
      description: Zone name (null for a listed zone that is not associated).
      type: str
    associated:
      description: Whether the zone is associated with O(vpc_id).
      type: bool
    owner_account:
      description: Account that owns the zone.
      type: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_association import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def main():
    spec = aws_argument_spec(
        vpc_id={"type": "str", "required": True},
        vpc_region={"type": "str"},
        hosted_zone_ids={"type": "list", "elements": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: {"changed": False, "associations": gather(AwsConnection(m.params), m.params)})


if __name__ == "__main__":
    main()
