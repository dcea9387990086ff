#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_endpoint_private_zone
short_description: Private hosted zones pointing a service's DNS names at a central interface endpoint
version_added: 0.1.0
description:
  - For one interface endpoint (private DNS disabled) in the centralized services VPC, creates one Route 53
    private hosted zone per private DNS name of the endpoint service, associated with the hub VPC.
  - The zone names are read from C(DescribeVpcEndpointServices) (C(PrivateDnsNames), else C(PrivateDnsName));
    they are never derived from O(service_name).
  - Each zone holds alias records (C(A), plus C(AAAA) when the endpoint serves IPv6) at the apex, and at
    C(*.<name>) when the service needs a wildcard, aliasing the endpoint's regional DNS entry with
    C(EvaluateTargetHealth=false). Records are reconciled in one C(ChangeResourceRecordSets) batch.
  - A zone is found again by its deterministic C(CallerReference) (topology, zone name and hub VPC) or by
    its name, ownership tags and the hub VPC, so a re-run after a crash never creates a second zone, and
    VPC associations added elsewhere (M(cloudnet.privatelink.aws_route53_zone_association)) are kept.
  - Only the apex and wildcard C(A)/C(AAAA) records are managed; other records in the zone are never touched.
  - O(state=absent) removes the alias records and then the zone, only when the zone is tagged as managed by
    this collection for O(topology).
options:
  vpc_endpoint_id:
    description:
      - ID of the interface endpoint the records alias. Required with O(state=present).
    type: str
  service_name:
    description:
      - Full endpoint service name, for example C(com.amazonaws.us-east-1.ssm), used to read the service's
        private DNS names.
      - Defaults to the endpoint's own service; must match it when both are known. Required with
        O(state=absent) when the endpoint no longer exists.
    type: str
  vpc_id:
    description: The hub (services) VPC each zone is created with.
    type: str
    required: true
  vpc_region:
    description: Region of O(vpc_id). Defaults to O(region).
    type: str
  wildcard:
    description:
      - Whether to add C(*.<name>) records.
      - V(auto) adds them when the service's private DNS name is a wildcard
        (S3 C(*.s3.<region>.amazonaws.com),
        ECR C(*.dkr.ecr.<region>.amazonaws.com)); V(always) adds them to every zone; V(never) to none.
    type: str
    choices: [auto, always, never]
    default: auto
  tags:
    description: Tags for the zones. Ownership tags and C(Name) (the zone name) are added.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove zone tags not listed in O(tags). Ownership tags are never removed.
    type: bool
    default: true
  state:
    description: Whether the zones exist.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait until every Route 53 change is C(INSYNC).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each change.
    type: int
    default: 300
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Point ssm.us-east-1.amazonaws.com at the central SSM endpoint
  cloudnet.privatelink.aws_endpoint_private_zone:
    topology: corp
    vpc_endpoint_id: vpce-0123456789abcdef0
    service_name: com.amazonaws.us-east-1.ssm
    vpc_id: vpc-0a1b2c3d4e5f60718
    vpc_region: us-east-1

- name: S3 interface endpoint (apex and wildcard records)
  cloudnet.privatelink.aws_endpoint_private_zone:
    topology: corp
    vpc_endpoint_id: "{{ s3_endpoint.vpc_endpoint.vpc_endpoint_id }}"
    vpc_id: "{{ services_vpc.vpc.vpc_id }}"

- name: Remove the zones of a service that is no longer offered
  cloudnet.privatelink.aws_endpoint_private_zone:
    topology: corp
    service_name: com.amazonaws.us-east-1.kinesis-streams
    vpc_id: vpc-0a1b2c3d4e5f60718
    state: absent
"""

RETURN = r"""
zones:
  description: The zones after the run (predicted in check mode), one per private DNS name of the service.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Zone name.
      type: str
      sample: ssm.us-east-1.amazonaws.com
    private_dns_names:
      description: The service's private DNS names this zone serves.
      type: list
      elements: str
      sample: ["*.s3.us-east-1.amazonaws.com"]
    hosted_zone_id:
      description: Zone ID without the C(/hostedzone/) prefix; C(null) in check mode before creation.
      type: str
      sample: Z0123456789ABCDEFGHIJ
    caller_reference:
      description: The zone's CallerReference.
      type: str
    records:
      description: The apex and wildcard C(A)/C(AAAA) records, sorted.
      type: list
      elements: dict
      sample: [{"name": "ssm.us-east-1.amazonaws.com", "type": "A", "alias_target": {
        "dns_name": "vpce-0123-abcd.ssm.us-east-1.vpce.amazonaws.com", "hosted_zone_id": "Z7HUB22UULQXV",
        "evaluate_target_health": false}}]
    vpcs:
      description: Every VPC associated with the zone.
      type: list
      elements: dict
      sample: [{"vpc_id": "vpc-0a1b2c3d4e5f60718", "vpc_region": "us-east-1"}]
    tags:
      description: Zone tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create", "target": "hostedzone/ssm.us-east-1.amazonaws.com", "vpc_id": "vpc-0a1b2c3d"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_endpoint_zone import (
    EndpointZoneManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        vpc_endpoint_id={"type": "str"},
        service_name={"type": "str"},
        vpc_id={"type": "str", "required": True},
        vpc_region={"type": "str"},
        wildcard={"type": "str", "choices": ["auto", "always", "never"], "default": "auto"},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(
        argument_spec=spec,
        required_if=[("state", "present", ["vpc_endpoint_id"])],
        required_one_of=[("vpc_endpoint_id", "service_name")],
        supports_check_mode=True,
    )
    run(module, lambda m: EndpointZoneManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
