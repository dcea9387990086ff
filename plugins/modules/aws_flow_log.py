#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_flow_log
short_description: Manage a VPC or Transit Gateway flow log
version_added: 0.2.0
description:
  - Creates, reconciles and deletes one flow log of a VPC, a transit gateway or a transit gateway attachment,
    identified by O(name) (its C(Name) tag), the ownership tags and O(resource_id).
  - Publishes to an S3 bucket (optionally a prefix) or to a CloudWatch Logs log group with a delivery role.
    The destination is not created; in most organizations the log archive belongs to the security or logging
    team (retention, encryption, cross-account bucket policy), and a teardown must never delete the evidence.
  - AWS cannot modify a flow log. A change of destination, traffic type, aggregation interval, log format or
    S3 options replaces it; the new flow log is created first, and only when AWS refuses two flow logs to the
    same destination is the old one deleted first.
  - Flow logs on the resource that are not managed by this collection for O(topology) are never changed.
options:
  name:
    description: Name of the flow log (its C(Name) tag).
    type: str
    required: true
  state:
    description: Whether the flow log exists.
    type: str
    choices: [present, absent]
    default: present
  resource_type:
    description: Type of the monitored resource.
    type: str
    choices: [VPC, TransitGateway, TransitGatewayAttachment]
    required: true
  resource_id:
    description: ID of the VPC (C(vpc-...)), transit gateway (C(tgw-...)) or attachment (C(tgw-attach-...)).
    type: str
    required: true
  destination_type:
    description: Where the records go.
    type: str
    choices: [s3, cloud-watch-logs]
    default: s3
  destination:
    description:
      - For V(s3), the bucket ARN, optionally with a prefix (C(arn:aws:s3:::network-logs/flow/)). The bucket
        policy must let C(delivery.logs.amazonaws.com) write to it.
      - For V(cloud-watch-logs), the log group name or ARN.
      - Required with O(state=present).
    type: str
  deliver_logs_permission_arn:
    description: IAM role that publishes to CloudWatch Logs (required for V(cloud-watch-logs), not used for S3).
    type: str
  traffic_type:
    description:
      - V(ACCEPT), V(REJECT) or V(ALL) traffic. Defaults to V(ALL) for VPCs.
      - Not accepted for transit gateway resource types (AWS logs every flow).
    type: str
    choices: [ACCEPT, REJECT, ALL]
  max_aggregation_interval:
    description:
      - Seconds over which packets are aggregated into one record, V(60) or V(600).
      - Defaults to V(600) for VPCs (the AWS default); transit gateway flow logs accept V(60) only.
    type: int
    choices: [60, 600]
  log_format:
    description:
      - Record fields such as C(${version} ${srcaddr} ${dstaddr} ${dstport} ${action}).
      - Unset uses the AWS default on create (for transit gateways every field) and leaves the format of an
        existing flow log as it is.
    type: str
  destination_options:
    description: S3 file options.
    type: dict
    suboptions:
      file_format:
        description: Record file format.
        type: str
        choices: [plain-text, parquet]
        default: plain-text
      hive_compatible_partitions:
        description: Hive-compatible S3 prefixes (for Athena).
        type: bool
        default: false
      per_hour_partition:
        description: Partition per hour instead of per day.
        type: bool
        default: false
  tags:
    description: Tags to set. Ownership tags are added and never purged.
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
notes:
  - The caller needs C(ec2:CreateFlowLogs), C(ec2:DescribeFlowLogs), C(ec2:DeleteFlowLogs); for S3 also
    C(logs:CreateLogDelivery) and C(logs:DeleteLogDelivery); for CloudWatch Logs C(iam:PassRole) on the delivery
    role (see docs/iam.md).
"""

EXAMPLES = r"""
- name: Flow log of the services VPC to the network log archive (Parquet, Hive partitions, 1-minute records)
  cloudnet.privatelink.aws_flow_log:
    name: corp-services-us-east-1
    topology: corp
    resource_type: VPC
    resource_id: vpc-0123456789abcdef0
    destination: arn:aws:s3:::corp-network-logs/flow-logs/
    max_aggregation_interval: 60
    destination_options:
      file_format: parquet
      hive_compatible_partitions: true

- name: Transit gateway flow log to CloudWatch Logs
  cloudnet.privatelink.aws_flow_log:
    name: corp-us-east-1
    topology: corp
    resource_type: TransitGateway
    resource_id: tgw-0123456789abcdef0
    destination_type: cloud-watch-logs
    destination: /network/transit/us-east-1
    deliver_logs_permission_arn: arn:aws:iam::111111111111:role/flow-logs-delivery
"""

RETURN = r"""
flow_log:
  description: The flow log after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    flow_log_id:
      description: ID, C(null) in check mode before creation.
      type: str
      sample: fl-0123456789abcdef0
    name:
      description: Name tag.
      type: str
    resource_id:
      description: Monitored resource.
      type: str
    resource_type:
      description: C(VPC), C(TransitGateway) or C(TransitGatewayAttachment).
      type: str
    traffic_type:
      description: Traffic logged (C(null) for transit gateways).
      type: str
    destination_type:
      description: C(s3) or C(cloud-watch-logs).
      type: str
    destination:
      description: Bucket ARN (with prefix) or log group name.
      type: str
    destination_options:
      description: S3 file options (C(null) for CloudWatch Logs).
      type: dict
    log_format:
      description: Record format.
      type: str
    max_aggregation_interval:
      description: Aggregation interval in seconds.
      type: int
    deliver_logs_status:
      description: C(SUCCESS) or C(FAILED) (for example when the delivery role cannot write).
      type: str
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create", "target": "flow-log/corp-us-east-1", "resource_id": "tgw-0123456789abcdef0"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.flow_log import FlowLogManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        resource_type={"type": "str", "required": True,
                       "choices": ["VPC", "TransitGateway", "TransitGatewayAttachment"]},
        resource_id={"type": "str", "required": True},
        destination_type={"type": "str", "choices": ["s3", "cloud-watch-logs"], "default": "s3"},
        destination={"type": "str"},
        deliver_logs_permission_arn={"type": "str"},
        traffic_type={"type": "str", "choices": ["ACCEPT", "REJECT", "ALL"]},
        max_aggregation_interval={"type": "int", "choices": [60, 600]},
        log_format={"type": "str"},
        destination_options={"type": "dict", "options": {
            "file_format": {"type": "str", "choices": ["plain-text", "parquet"], "default": "plain-text"},
            "hive_compatible_partitions": {"type": "bool", "default": False},
            "per_hour_partition": {"type": "bool", "default": False},
        }},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ["destination"])])
    run(module, lambda m: FlowLogManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
