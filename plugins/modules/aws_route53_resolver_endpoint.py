#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_route53_resolver_endpoint
short_description: Manage a Route 53 Resolver endpoint (inbound or outbound)
version_added: 0.1.0
description:
  - Creates the Route 53 Resolver endpoint that Azure DNS Private Resolver rulesets and GCP Cloud DNS
    forwarding zones send AWS service names to (C(INBOUND)), or an outbound one.
  - Identity is O(name) plus the ownership tags of O(topology). C(CreatorRequestId) is derived from topology
    and name, so a retried create never makes a second endpoint.
  - IP addresses are reconciled in place (C(AssociateResolverEndpointIpAddress) before
    C(DisassociateResolverEndpointIpAddress)), waiting for C(OPERATIONAL) after each change.
  - Direction and security groups cannot change in place; a change is an error.
options:
  name:
    description: Endpoint name, its identity with the ownership tags.
    type: str
    required: true
  state:
    description: Whether the endpoint exists.
    type: str
    choices: [present, absent]
    default: present
  direction:
    description: C(INBOUND) (queries into the VPC) or C(OUTBOUND).
    type: str
    choices: [INBOUND, OUTBOUND]
    default: INBOUND
  security_group_ids:
    description: Security groups of the endpoint interfaces (must admit DNS on 53/tcp and 53/udp).
    type: list
    elements: str
  ip_addresses:
    description:
      - Addresses of the endpoint, at least two (in different Availability Zones for resilience). All subnets
        must be in one VPC, which becomes the endpoint's VPC.
      - An entry without O(ip_addresses[].ip) takes any address AWS picks in the subnet and keeps it.
    type: list
    elements: dict
    suboptions:
      subnet_id:
        description: Subnet.
        type: str
        required: true
      ip:
        description: Fixed IPv4 address in the subnet.
        type: str
  tags:
    description: Tags to set. Ownership tags are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description: Wait until the endpoint is C(OPERATIONAL) (or gone).
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
- name: Inbound resolver endpoint in the services VPC, fixed addresses for the cross-cloud forwarders
  cloudnet.privatelink.aws_route53_resolver_endpoint:
    name: services-inbound
    topology: corp
    direction: INBOUND
    security_group_ids: ["{{ dns_sg.security_group.group_id }}"]
    ip_addresses:
      - subnet_id: "{{ services.vpc.subnets[0].subnet_id }}"
        ip: 10.10.0.53
      - subnet_id: "{{ services.vpc.subnets[1].subnet_id }}"
        ip: 10.10.1.53
  register: inbound
"""

RETURN = r"""
resolver_endpoint:
  description: The endpoint after the run (predicted in check mode; ids null before creation). Empty when absent.
  returned: always
  type: dict
  contains:
    resolver_endpoint_id:
      description: ID.
      type: str
      sample: rslvr-in-0123456789abcdef0
    arn:
      description: ARN.
      type: str
    name:
      description: Name.
      type: str
    direction:
      description: C(INBOUND) or C(OUTBOUND).
      type: str
    vpc_id:
      description: VPC of the endpoint.
      type: str
    security_group_ids:
      description: Security groups, sorted.
      type: list
      elements: str
    ip_addresses:
      description: Addresses sorted by subnet and IP; the targets for forwarders.
      type: list
      elements: dict
      contains:
        subnet_id:
          description: Subnet.
          type: str
        ip:
          description: IPv4 address (null in check mode when AWS has yet to pick it).
          type: str
        ip_id:
          description: ID of the address.
          type: str
        status:
          description: Status of the address (C(ATTACHED)...).
          type: str
    status:
      description: C(CREATING), C(OPERATIONAL), C(UPDATING)...
      type: str
    creator_request_id:
      description: The deterministic request id the endpoint was created with.
      type: str
    resolver_endpoint_type:
      description: C(IPV4), C(IPV6) or C(DUALSTACK) when AWS reports it.
      type: str
    protocols:
      description: Protocols when AWS reports them.
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
  sample: [{"action": "associate_ip", "target": "rslvr-in-0123456789abcdef0", "subnet_id": "subnet-0a"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.resolver import (
    ResolverEndpointManager,
    validate,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def _handler(module):
    validate(module.params)
    return ResolverEndpointManager(AwsConnection(module.params), module.params, module.check_mode).ensure()


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        direction={"type": "str", "choices": ["INBOUND", "OUTBOUND"], "default": "INBOUND"},
        security_group_ids={"type": "list", "elements": "str"},
        ip_addresses={"type": "list", "elements": "dict", "options": {
            "subnet_id": {"type": "str", "required": True},
            "ip": {"type": "str"},
        }},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 600},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ["security_group_ids", "ip_addresses"])])
    run(module, _handler)


if __name__ == "__main__":
    main()
