#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpc_endpoint
short_description: Manage an interface, gateway or Gateway Load Balancer VPC endpoint
version_added: 0.1.0
description:
  - Creates, reconciles in place and deletes a VPC endpoint identified by O(vpc_id), O(service_name),
    O(name) (its C(Name) tag) and the ownership tags of O(topology).
  - An existing endpoint is updated, never replaced. Subnets, security groups, route tables (gateway
    endpoints), the policy, private DNS, DNS options and the IP address type are reconciled with one
    ModifyVpcEndpoint call.
  - The policy is compared as a document (key order, list order and equivalent forms do not count).
    With O(policy) unset the endpoint gets the AWS default full-access policy, and a custom policy
    is reset to it.
  - In the centralized endpoint architecture private DNS is off (O(private_dns_enabled=false)) and
    Route 53 private hosted zones in the hub answer for the service names instead.
  - Creation carries a deterministic C(ClientToken), so a retried or re-run create never makes a second
    endpoint. Deletion only removes an endpoint tagged as managed for O(topology).
options:
  name:
    description: Name of the endpoint (its C(Name) tag). Part of its identity.
    type: str
    required: true
  vpc_id:
    description: VPC of the endpoint.
    type: str
    required: true
  service_name:
    description: Full service name, for example C(com.amazonaws.us-east-1.ssm).
    type: str
    required: true
  endpoint_type:
    description: Endpoint type. Cannot change on an existing endpoint.
    type: str
    choices: [Interface, Gateway, GatewayLoadBalancer]
    default: Interface
  state:
    description: Whether the endpoint exists.
    type: str
    choices: [present, absent]
    default: present
  subnet_ids:
    description:
      - Subnets for the endpoint network interfaces, at most one per availability zone (Interface;
        exactly one for GatewayLoadBalancer). Reconciled when given; required to create.
    type: list
    elements: str
  security_group_ids:
    description:
      - Security groups of the endpoint network interfaces (Interface only). Reconciled when given; when
        unset on create, AWS attaches the VPC default group.
    type: list
    elements: str
  route_table_ids:
    description: Route tables that get the service prefix list route (Gateway only). Reconciled when given.
    type: list
    elements: str
  policy:
    description:
      - Endpoint policy as a dict or JSON text. Unset means the AWS default full-access policy.
      - Not supported by Gateway Load Balancer endpoints.
    type: raw
  private_dns_enabled:
    description: Associate the service's private DNS name with the endpoint in the VPC (Interface only).
    type: bool
    default: false
  dns_options:
    description: DNS options (Interface).
    type: dict
    suboptions:
      dns_record_ip_type:
        description: DNS records created for the endpoint.
        type: str
        choices: [ipv4, dualstack, ipv6, service-defined]
  ip_address_type:
    description: IP address type of the endpoint network interfaces.
    type: str
    choices: [ipv4, dualstack, ipv6]
  tags:
    description: Tags to set. Ownership tags are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description:
      - Wait until the endpoint is C(available) (or C(pendingAcceptance), which needs the service
        provider) after a create or change, and until it is C(deleted) after a delete.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 600
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Central SSM endpoint in the services VPC, private DNS off (Route 53 zones answer instead)
  cloudnet.privatelink.aws_vpc_endpoint:
    name: ssm
    topology: corp
    vpc_id: "{{ services_vpc.vpc.vpc_id }}"
    service_name: com.amazonaws.us-east-1.ssm
    subnet_ids: "{{ services_vpc.vpc.subnets | map(attribute='subnet_id') }}"
    security_group_ids: ["{{ endpoint_sg.security_group.group_id }}"]
    policy:
      Version: "2012-10-17"
      Statement:
        - {Effect: Allow, Principal: "*", Action: "ssm:*", Resource: "*"}
  register: ssm_endpoint

- name: S3 gateway endpoint on the hub route tables
  cloudnet.privatelink.aws_vpc_endpoint:
    name: s3-gateway
    topology: corp
    vpc_id: "{{ services_vpc.vpc.vpc_id }}"
    service_name: com.amazonaws.us-east-1.s3
    endpoint_type: Gateway
    route_table_ids: ["{{ services_vpc.vpc.route_table_id }}"]
"""

RETURN = r"""
vpc_endpoint:
  description: The endpoint after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    vpc_endpoint_id:
      description: ID, C(null) in check mode before creation.
      type: str
      sample: vpce-0123456789abcdef0
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
      description: Endpoint state, for example C(available) or C(pendingAcceptance).
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
      description: DNS names of the endpoint; the first is the regional name.
      type: list
      elements: dict
      sample: [{"dns_name": "vpce-0123-abcd.ssm.us-east-1.vpce.amazonaws.com", "hosted_zone_id": "Z7HUB22UULQXV"}]
    network_interface_ids:
      description: Endpoint network interface IDs, sorted.
      type: list
      elements: str
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "modify", "target": "vpce-0123456789abcdef0", "AddSubnetIds": ["subnet-0123456789abcdef0"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc_endpoint import VpcEndpointManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        vpc_id={"type": "str", "required": True},
        service_name={"type": "str", "required": True},
        endpoint_type={"type": "str", "choices": ["Interface", "Gateway", "GatewayLoadBalancer"],
                       "default": "Interface"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        subnet_ids={"type": "list", "elements": "str"},
        security_group_ids={"type": "list", "elements": "str"},
        route_table_ids={"type": "list", "elements": "str"},
        policy={"type": "raw"},
        private_dns_enabled={"type": "bool", "default": False},
        dns_options={"type": "dict", "options": {
            "dns_record_ip_type": {"type": "str", "choices": ["ipv4", "dualstack", "ipv6", "service-defined"]}}},
        ip_address_type={"type": "str", "choices": ["ipv4", "dualstack", "ipv6"]},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 600},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: VpcEndpointManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
