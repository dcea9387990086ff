#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: path_trace_info
short_description: Explain, hop by hop, how a network reaches a service through the central endpoints
version_added: 0.2.0
description:
  - Reads the live configuration (never writes) and walks the path from a source (an AWS VPC, an Azure VNet or a
    GCP network, and an address in it) to a service name, the way the clouds decide it.
  - "AWS source: which Route 53 Resolver object answers the name in the source VPC (a private hosted zone and its
    alias record, the VPC's own endpoint with private DNS, a forwarding rule, or nothing), the route the source
    subnet uses for the endpoint address (longest prefix, prefix lists expanded), the transit gateway attachment
    (and a subnet in the source's zone), each transit route table it meets (inspection VPC included), the services
    VPC's return route and the transit return route, the endpoint's security group for the source address and
    port, the network ACLs of both subnets, and the endpoint's state."
  - "Azure and GCP sources: the DNS forwarding (Private Resolver ruleset rule, Cloud DNS forwarding zone) to the
    Route 53 Resolver inbound endpoint, the route of the source subnet or network to the VPN (UDR next hop
    C(VirtualNetworkGateway), GCP route to a VPN tunnel or learned over BGP), the transit gateway VPN attachment
    and then the same AWS hops."
  - Each hop says which resource decided, what it decided and whether the path continues; the first broken hop
    carries the fix. Forwarding stops at the first break; the destination-side checks are still reported.
options:
  source:
    description: Where the traffic starts.
    type: dict
    required: true
    suboptions:
      cloud:
        description: Cloud of the source network.
        type: str
        choices: [aws, azure, gcp]
        default: aws
      network:
        description:
          - AWS VPC C(Name) tag or ID; Azure VNet name; GCP network name.
          - For AWS, may be omitted when O(source.ip) is given (the VPC holding it is found).
        type: str
      ip:
        description: Source address. Defaults to the first address AWS does not reserve in the source subnet.
        type: str
      subnet:
        description: Source subnet (AWS ID or Name tag, Azure subnet name, GCP subnetwork name).
        type: str
      host:
        description: Inventory host of the source, used in labels and in the fixes (C(site.yml --limit <host>)).
        type: str
      security_group_ids:
        description: AWS security groups the source carries (rules that reference a group admit their members).
        type: list
        elements: str
        default: []
      resource_group:
        description: Azure resource group of the VNet (Azure sources).
        type: str
      cidr:
        description: Address range of an Azure or GCP source (its C(cross_cloud_cidr)); defaults to the subnet's.
        type: str
      region:
        description: GCP region of the source subnetwork.
        type: str
  services:
    description:
      - Services to trace, each a catalog name (C(ssm), C(saas-partner)), an endpoint service name
        (C(com.amazonaws.us-east-1.sts)) or a DNS name (C(ssm.us-east-1.amazonaws.com),
        C(bucket.s3.us-east-1.amazonaws.com)).
      - Catalog and service names are resolved to the service's private DNS name as AWS publishes it.
    type: list
    elements: str
    required: true
    aliases: [service]
  port:
    description: Destination port. Defaults to the first catalog port of the service, else 443.
    type: int
  protocol:
    description: Protocol of the flow.
    type: str
    choices: [tcp, udp]
    default: tcp
  catalog:
    description: The service catalog (C(cloudnet_services)) for short names, third-party names and ports.
    type: list
    elements: dict
    default: []
  services_vpc_name:
    description: Name tag of the designated services VPC (the central endpoints and zones).
    type: str
  transit_name:
    description: Name tag of the transit gateway.
    type: str
  inspection_vpc_name:
    description: Name tag of the inspection VPC, when one is declared; transit routes to it are followed through it.
    type: str
  hub:
    description:
      - AWS connection options of the account holding the transit gateway, services VPC and zones, when it is not
        the source's account, for example C(assume_role_arn) of the network account's role.
      - Keys are the AWS connection options of this module. Never logged (it may carry credentials).
    type: dict
    default: {}
  hosts:
    description: Inventory hosts named in fixes, C(services_host), C(transit_host), C(inspection_host).
    type: dict
    default: {}
  azure:
    description:
      - Azure connection options for Azure sources, with the names and E(AZURE_*) variables of the C(azure_*)
        modules (C(subscription_id), C(client_id), C(secret), C(tenant), C(cloud_environment), C(auth_source)...).
      - Never logged (it may carry the secret).
    type: dict
    default: {}
  gcp:
    description:
      - GCP connection options for GCP sources, with the names and E(GCP_*) variables of the C(gcp_*) modules
        (C(project), C(auth_kind), C(service_account_file), C(api_endpoint)...).
      - Never logged (it may carry a service account key).
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
notes:
  - No packet is sent. The trace reads configuration; it cannot see operating system firewalls, endpoint policies
    that deny the caller, or the state of a tunnel beyond what the cloud reports.
"""

EXAMPLES = r"""
- name: Why can app-orders not reach SSM?
  cloudnet.privatelink.path_trace_info:
    source: {network: app-orders, host: app-orders}
    services: [ssm]
    catalog: "{{ cloudnet_services }}"
    services_vpc_name: corp-services-us-east-1
    hosts: {services_host: services-use1}
  register: trace

- name: From an address, to a bucket name, in another account's spoke
  cloudnet.privatelink.path_trace_info:
    source: {ip: 10.2.0.25}
    services: [sandbox-artifacts.s3.us-east-1.amazonaws.com]
    assume_role_arn: arn:aws:iam::222222222222:role/cloudnet-read
    hub: {assume_role_arn: arn:aws:iam::111111111111:role/cloudnet-read}
"""

RETURN = r"""
traces:
  description: One trace per service.
  returned: always
  type: list
  elements: dict
  contains:
    reachable:
      description: True when every hop passes.
      type: bool
    summary:
      description: One line, naming the broken hop when there is one.
      type: str
    hops:
      description: The hops in path order, each C(hop), C(resource), C(decision), C(ok), C(detail), C(fix).
      type: list
      elements: dict
    broken_hop:
      description: The first hop that fails, or C(null).
      type: dict
    fix:
      description: What to change, from the first broken hop.
      type: str
    source:
      description: The resolved source (network, subnet, address, zone).
      type: dict
    service:
      description: Service name, DNS name, port and protocol.
      type: dict
    destination:
      description: The endpoint address traced to, its endpoint, interface, subnet and VPC.
      type: dict
    notes:
      description: Facts worth knowing that do not break the path (a spoke's own endpoint answering the name...).
      type: list
      elements: str
reachable:
  description: True when every trace is reachable.
  returned: always
  type: bool
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.request import (
    build_readers,
    validate,
)


def handler(module):
    from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import engine

    request = validate(module.params)
    traces = engine.run(build_readers(AwsConnection, module.params, request), request)
    return {"changed": False, "traces": traces, "reachable": all(t["reachable"] for t in traces)}


def main():
    spec = aws_argument_spec(
        source={"type": "dict", "required": True, "options": {
            "cloud": {"type": "str", "choices": ["aws", "azure", "gcp"], "default": "aws"},
            "network": {"type": "str"},
            "ip": {"type": "str"},
            "subnet": {"type": "str"},
            "host": {"type": "str"},
            "security_group_ids": {"type": "list", "elements": "str", "default": []},
            "resource_group": {"type": "str"},
            "cidr": {"type": "str"},
            "region": {"type": "str"},
        }},
        services={"type": "list", "elements": "str", "required": True, "aliases": ["service"]},
        port={"type": "int"},
        protocol={"type": "str", "choices": ["tcp", "udp"], "default": "tcp"},
        catalog={"type": "list", "elements": "dict", "default": []},
        services_vpc_name={"type": "str"},
        transit_name={"type": "str"},
        inspection_vpc_name={"type": "str"},
        hub={"type": "dict", "default": {}, "no_log": True},
        hosts={"type": "dict", "default": {}},
        azure={"type": "dict", "default": {}, "no_log": True},
        gcp={"type": "dict", "default": {}, "no_log": True},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, handler)


if __name__ == "__main__":
    main()
