#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_dns_forwarding_zone
short_description: Manage a Cloud DNS private forwarding zone for an AWS service name
version_added: 0.1.0
description:
  - Creates and reconciles a private Cloud DNS managed zone named O(name) for O(dns_name) (for example
    C(s3.us-east-1.amazonaws.com.)) that forwards every query to O(targets), the IPs of the Route 53
    Resolver inbound endpoint in the AWS services VPC, and is visible to O(networks).
  - Networks and targets are compared as sets; changes are one C(PATCH) of the zone. C(dnsName) and
    visibility cannot change on Cloud DNS; a different value fails with a message.
  - The zone is labelled C(cloudnet-managed-by=cloudnet-privatelink) and C(cloudnet-topology=<topology>).
    An existing zone with the same name without those labels is never changed or deleted.
  - Use V(private) O(targets[].forwarding_path) when the inbound endpoint IPs are RFC 1918 addresses reached
    over the VPN (Cloud DNS then sends queries from 35.199.192.0/19 through the VPC); V(default) picks
    by address type.
options:
  name:
    description: Managed zone name.
    type: str
    required: true
  dns_name:
    description:
      - The DNS name the zone answers for; a trailing dot is added when missing. Required with O(state=present).
    type: str
  description:
    description: Zone description. A default naming the service is used on create; left unchanged when omitted.
    type: str
  networks:
    description: VPC networks (names or links) that see the zone. Required with O(state=present).
    type: list
    elements: str
    default: []
  purge_networks:
    description: Remove networks not listed in O(networks).
    type: bool
    default: true
  targets:
    description: Forwarding targets. Required with O(state=present).
    type: list
    elements: dict
    default: []
    suboptions:
      ipv4_address:
        description: IPv4 address of a Route 53 Resolver inbound endpoint.
        type: str
        required: true
      forwarding_path:
        description: C(default) or C(private) routing to the target.
        type: str
        choices: [default, private]
        default: default
  labels:
    description: Labels. Ownership labels are added; other labels are replaced.
    type: dict
  state:
    description: Whether the zone exists.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description: Wait for a pending Cloud DNS operation of an update to finish.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait.
    type: int
    default: 300
extends_documentation_fragment:
  - cloudnet.privatelink.gcp
  - cloudnet.privatelink.gcp.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Resolve the S3 and Lambda service names through the AWS services VPC
  cloudnet.privatelink.gcp_dns_forwarding_zone:
    name: "aws-{{ item | replace('.', '-') | trim('-') }}"
    dns_name: "{{ item }}"
    networks: [hub, app-prod]
    targets:
      - ipv4_address: 10.100.2.10
        forwarding_path: private
      - ipv4_address: 10.100.3.10
        forwarding_path: private
    topology: corp
  loop:
    - s3.us-east-1.amazonaws.com.
    - lambda.us-east-1.amazonaws.com.
"""

RETURN = r"""
zone:
  description: The zone after the run (predicted in check mode). Empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Zone name.
      type: str
    dns_name:
      description: DNS name with the trailing dot.
      type: str
      sample: s3.us-east-1.amazonaws.com.
    description:
      description: Description.
      type: str
    visibility:
      description: Always C(private) for zones this module makes.
      type: str
    id:
      description: Zone ID, C(null) in check mode before creation.
      type: str
    networks:
      description: Networks that see the zone, as C(projects/<p>/global/networks/<n>), sorted.
      type: list
      elements: str
    targets:
      description: Forwarding targets (C(ipv4_address), C(forwarding_path)), sorted by address.
      type: list
      elements: dict
    labels:
      description: Labels.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "update", "target": "aws-s3", "fields": ["targets"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
    LazyConnection,
    gcp_argument_spec,
    run_manager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.dns_zone import ForwardingZoneManager


def main():
    spec = gcp_argument_spec(
        name={"type": "str", "required": True},
        dns_name={"type": "str"},
        description={"type": "str"},
        networks={"type": "list", "elements": "str", "default": []},
        purge_networks={"type": "bool", "default": True},
        targets={"type": "list", "elements": "dict", "default": [], "options": {
            "ipv4_address": {"type": "str", "required": True},
            "forwarding_path": {"type": "str", "choices": ["default", "private"], "default": "default"}}},
        labels={"type": "dict"},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ["dns_name", "networks", "targets"])])
    run(module, lambda m: run_manager(
        m, lambda x: ForwardingZoneManager(LazyConnection(x.params), x.params, x.check_mode)))


if __name__ == "__main__":
    main()
