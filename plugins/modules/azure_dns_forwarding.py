#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_dns_forwarding
short_description: Forward AWS service names from Azure DNS Private Resolver to the Route 53 inbound endpoint
version_added: 0.1.0
description:
  - Builds the chain DNS resolver, outbound endpoint, forwarding ruleset, one forwarding rule per domain and
    ruleset links to the virtual networks, so that workloads in those VNets resolve AWS service names (for
    example C(s3.us-east-1.amazonaws.com.)) through the Route 53 Resolver inbound endpoint in the services VPC.
  - A resolver or outbound endpoint that exists already is used as it is (never changed or deleted unless
    tagged as managed for O(topology)).
  - Forwarding rules and ruleset links have no tags, so the collection marks them with
    C(cloudnet:managed-by) and C(cloudnet:topology) in their C(metadata). A rule for a declared domain without
    those marks is an error unless O(take_over=true). O(purge_rules) and O(purge_links) remove only marked ones.
  - O(state=absent) deletes the marked links, then the ruleset (when managed; else only the marked rules),
    the outbound endpoint and the resolver when they are managed.
options:
  resource_group:
    description: Resource group of the resolver and ruleset.
    type: str
    required: true
  state:
    description: Whether the forwarding exists.
    type: str
    choices: [present, absent]
    default: present
  location:
    description: Region; required with O(state=present).
    type: str
  dns_resolver:
    description: DNS Private Resolver name (created in O(virtual_network) when missing).
    type: str
    required: true
  virtual_network:
    description: Virtual network of the resolver; required with O(state=present).
    type: str
  virtual_network_resource_group:
    description: Resource group of O(virtual_network); defaults to O(resource_group).
    type: str
  outbound_endpoint:
    description: Outbound endpoint name. Default C(<dns_resolver>-outbound).
    type: str
  outbound_subnet:
    description:
      - Subnet of O(virtual_network) for the outbound endpoint; required with O(state=present). Azure requires it
        to be delegated to C(Microsoft.Network/dnsResolvers) and used by nothing else.
    type: str
  ruleset:
    description: Forwarding ruleset name.
    type: str
    required: true
  target_dns_servers:
    description: Default forwarding targets (the Route 53 Resolver inbound endpoint IPs), port 53.
    type: list
    elements: str
  rules:
    description: Domains to forward.
    type: list
    elements: dict
    default: []
    suboptions:
      domain_name:
        description: Domain, for example C(s3.us-east-1.amazonaws.com.) (a final dot is added when missing).
        type: str
        required: true
      target_dns_servers:
        description: Targets for this domain; default O(target_dns_servers).
        type: list
        elements: str
  linked_virtual_networks:
    description: Virtual networks linked to the ruleset (their workloads use the rules).
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: Virtual network resource ID (instead of O(linked_virtual_networks[].name)).
        type: str
      name:
        description: Virtual network name.
        type: str
      resource_group:
        description: Its resource group; defaults to O(resource_group).
        type: str
  purge_rules:
    description: Delete the collection's rules for domains not in O(rules).
    type: bool
    default: true
  purge_links:
    description: Delete the collection's links to virtual networks not in O(linked_virtual_networks).
    type: bool
    default: true
  take_over:
    description: Claim unmarked rules on declared domains (update and mark them).
    type: bool
    default: false
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.azure.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Resolve S3 and STS through the Route 53 inbound endpoint
  cloudnet.privatelink.azure_dns_forwarding:
    resource_group: rg-hub
    location: westeurope
    dns_resolver: dnspr-hub
    virtual_network: vnet-hub
    outbound_subnet: dns-outbound
    ruleset: aws-services
    target_dns_servers: [10.100.0.10, 10.100.1.10]
    rules:
      - domain_name: s3.us-east-1.amazonaws.com.
      - domain_name: sts.us-east-1.amazonaws.com.
    linked_virtual_networks:
      - name: vnet-spoke-a
        resource_group: rg-spoke-a
"""

RETURN = r"""
forwarding:
  description: The ruleset, rules and links after the run (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    ruleset:
      description: C({id, name, managed, outbound_endpoint_ids}).
      type: dict
    rules:
      description: The collection's rules, C([{name, domain_name, target_dns_servers, state}]), sorted by domain.
      type: list
      elements: dict
      sample: [{"name": "cloudnet-s3-us-east-1-amazonaws-com", "domain_name": "s3.us-east-1.amazonaws.com.",
               "target_dns_servers": [{"ip_address": "10.100.0.10", "port": 53}], "state": "Enabled"}]
    foreign_rules:
      description: Rules the collection does not manage, same shape.
      type: list
      elements: dict
    links:
      description: Ruleset links, C([{name, virtual_network_id}]).
      type: list
      elements: dict
operations:
  description: The changes made (or that would be made), in order.
  returned: always
  type: list
  elements: dict
diff:
  description: C(before) and C(after), as in RV(forwarding).
  returned: with --diff
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import OWNERSHIP_SPEC
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
    AzureConnection,
    azure_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.dns_forwarding import DnsForwardingManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(module):
    manager = DnsForwardingManager(None, module.params, module.check_mode)  # validates before any connection
    manager.conn = AzureConnection(module.params)
    return manager.ensure()


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        location={"type": "str"},
        dns_resolver={"type": "str", "required": True},
        virtual_network={"type": "str"},
        virtual_network_resource_group={"type": "str"},
        outbound_endpoint={"type": "str"},
        outbound_subnet={"type": "str"},
        ruleset={"type": "str", "required": True},
        target_dns_servers={"type": "list", "elements": "str"},
        rules={"type": "list", "elements": "dict", "default": [], "options": {
            "domain_name": {"type": "str", "required": True},
            "target_dns_servers": {"type": "list", "elements": "str"},
        }},
        linked_virtual_networks={"type": "list", "elements": "dict", "default": [], "options": {
            "id": {"type": "str"},
            "name": {"type": "str"},
            "resource_group": {"type": "str"},
        }, "mutually_exclusive": [["id", "name"]], "required_one_of": [["id", "name"]]},
        purge_rules={"type": "bool", "default": True},
        purge_links={"type": "bool", "default": True},
        take_over={"type": "bool", "default": False},
        **OWNERSHIP_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_if=[("state", "present", ("location", "virtual_network", "outbound_subnet"))])
    run(module, _handler)


if __name__ == "__main__":
    main()
