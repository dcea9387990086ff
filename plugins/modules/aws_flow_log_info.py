#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_flow_log_info
short_description: Read VPC and Transit Gateway flow logs
version_added: 0.2.0
description:
  - Returns flow logs selected by ID, by monitored resource or by C(Name) tag (all of the region when none is
    given), in the shape M(cloudnet.privatelink.aws_flow_log) returns.
options:
  flow_log_ids:
    description: Flow log IDs to read.
    type: list
    elements: str
    default: []
  resource_ids:
    description: Monitored resources (VPC, transit gateway or attachment IDs).
    type: list
    elements: str
    default: []
  names:
    description: Name tags.
    type: list
    elements: str
    default: []
  managed_only:
    description: Return only flow logs tagged as managed by this collection (for O(topology) when set).
    type: bool
    default: false
  topology:
    description: With O(managed_only), restrict to this topology.
    type: str
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Is the transit gateway logged, and is delivery working?
  cloudnet.privatelink.aws_flow_log_info:
    resource_ids: [tgw-0123456789abcdef0]
  register: tgw_logs
"""

RETURN = r"""
flow_logs:
  description: The flow logs found, sorted by ID.
  returned: always
  type: list
  elements: dict
  contains:
    flow_log_id:
      description: ID.
      type: str
    name:
      description: Name tag.
      type: str
    resource_id:
      description: Monitored resource.
      type: str
    resource_type:
      description: C(VPC), C(TransitGateway), C(TransitGatewayAttachment), C(Subnet) or C(NetworkInterface).
      type: str
    destination_type:
      description: C(s3) or C(cloud-watch-logs).
      type: str
    destination:
      description: Bucket ARN (with prefix) or log group name.
      type: str
    max_aggregation_interval:
      description: Aggregation interval in seconds.
      type: int
    deliver_logs_status:
      description: Delivery status.
      type: str
    tags:
      description: Tags.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.flow_log import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def main():
    spec = aws_argument_spec(
        flow_log_ids={"type": "list", "elements": "str", "default": []},
        resource_ids={"type": "list", "elements": "str", "default": []},
        names={"type": "list", "elements": "str", "default": []},
        managed_only={"type": "bool", "default": False},
        topology={"type": "str"},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: {"changed": False, "flow_logs": gather(AwsConnection(m.params), m.params)})


if __name__ == "__main__":
    main()
