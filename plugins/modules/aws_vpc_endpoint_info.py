#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpc_endpoint_info
short_description: Read VPC endpoints
version_added: 0.1.0
description:
  - Returns VPC endpoints selected by IDs, VPC, service name, names or raw filters, in the shape
    M(cloudnet.privatelink.aws_vpc_endpoint) returns. All given selectors must match.
options:
  vpc_endpoint_ids:
    description: Endpoint IDs.
    type: list
    elements: str
  vpc_id:
    description: VPC ID.
    type: str
  service_name:
    description: Full service name.
    type: str
  names:
    description: Values of the C(Name) tag.
    type: list
    elements: str
  filters:
    description: Raw DescribeVpcEndpoints filters, as a dict of filter name to value or list of values.
    type: dict
  include_deleted:
    description: Also return endpoints in state C(deleting) or C(deleted).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Endpoints of the services VPC
  cloudnet.privatelink.aws_vpc_endpoint_info:
    vpc_id: "{{ services_vpc.vpc.vpc_id }}"
  register: endpoints
"""

RETURN = r"""
vpc_endpoints:
  description: The endpoints sorted by ID, each as M(cloudnet.privatelink.aws_vpc_endpoint) returns it.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_endpoint_id:
      description: ID.
      type: str
    name:
      description: C(Name) tag.
      type: str
    vpc_id:
      description: VPC ID.
      type: str
    service_name:
      description: Service name.
      type: str
    endpoint_type:
      description: Interface, Gateway or GatewayLoadBalancer.
      type: str
    state:
      description: Endpoint state.
      type: str
    subnet_ids:
      description: Subnet IDs, sorted.
      type: list
      elements: str
    security_group_ids:
      description: Security group IDs, sorted.
      type: list
      elements: str
    route_table_ids:
      description: Route table IDs, sorted.
      type: list
      elements: str
    policy:
      description: Policy document.
      type: dict
    private_dns_enabled:
      description: Whether private DNS is associated.
      type: bool
    dns_options:
      description: DNS options (dns_record_ip_type).
      type: dict
    ip_address_type:
      description: IP address type.
      type: str
    dns_entries:
      description: DNS names (dns_name, hosted_zone_id); the first is the regional name.
      type: list
      elements: dict
    network_interface_ids:
      description: Endpoint network interface IDs, sorted.
      type: list
      elements: str
    tags:
      description: Tags.
      type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc_endpoint import read_endpoints
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def main():
    spec = aws_argument_spec(
        vpc_endpoint_ids={"type": "list", "elements": "str"},
        vpc_id={"type": "str"},
        service_name={"type": "str"},
        names={"type": "list", "elements": "str"},
        filters={"type": "dict"},
        include_deleted={"type": "bool", "default": False},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    # AwsConnection builds no session until the first call, so read_endpoints validates ids first.
    run(module, lambda m: {"changed": False, "vpc_endpoints": read_endpoints(AwsConnection(m.params), m.params)})


if __name__ == "__main__":
    main()
