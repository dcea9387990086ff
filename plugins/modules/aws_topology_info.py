#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_topology_info
short_description: Read the endpoint topology of one region, with the path of every spoke to every service
version_added: 0.2.0
description:
  - Returns, in one call, what the topology report draws for one region - the transit gateway with its route
    tables (associations, propagations, routes) and attachments, the services VPC with its endpoints, private
    zones and Resolver inbound endpoints, the inspection VPC, the spokes and their attachments, the VPN links
    and the flow logs of the transit gateway and the services VPC.
  - For each spoke in O(spokes) and each service of O(catalog), the path is traced as
    M(cloudnet.privatelink.path_trace_info) traces it, from the same reads.
  - Read-only.
options:
  transit_name:
    description: Name tag of the transit gateway.
    type: str
    required: true
  services_vpc_name:
    description: Name tag of the services VPC.
    type: str
    required: true
  inspection_vpc_name:
    description: Name tag of the inspection VPC, when one is declared.
    type: str
  spokes:
    description: The spokes; those of another region than the module's are left out.
    type: list
    elements: dict
    default: []
    suboptions:
      host:
        description: Inventory host of the spoke.
        type: str
        required: true
      vpc_id:
        description: VPC ID (C(spoke_vpc_id)); wins over O(spokes[].vpc_name).
        type: str
      vpc_name:
        description: VPC Name tag (C(spoke_vpc_name)); default the host name.
        type: str
      cidr:
        description: Declared CIDR (C(spoke_cidr)).
        type: str
      assume_role_arn:
        description: Role in the spoke's account, when it is not the caller's.
        type: str
      region:
        description: Region of the spoke (default the module's).
        type: str
  catalog:
    description: The service catalog (C(cloudnet_services)); each service is traced from each spoke.
    type: list
    elements: dict
    default: []
  trace_paths:
    description: Trace every spoke to every catalog service.
    type: bool
    default: true
  hosts:
    description: Inventory hosts named in the fixes of broken paths (C(services_host), C(transit_host)).
    type: dict
    default: {}
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Topology of the region for the report
  cloudnet.privatelink.aws_topology_info:
    transit_name: corp-us-east-1
    services_vpc_name: corp-services-us-east-1
    spokes:
      - {host: app-orders, cidr: 10.2.0.0/16}
    catalog: "{{ cloudnet_services }}"
  register: topology
"""

RETURN = r"""
topology:
  description: The region's topology.
  returned: always
  type: dict
  contains:
    region:
      description: Region.
      type: str
    transit:
      description:
        - Transit gateway, C(route_tables) (associations, propagations, routes) and C(attachments); null when absent.
      type: dict
    services_vpc:
      description:
        - Services VPC with C(endpoints), C(zones), C(availability_zones), C(resolver_endpoints); null when absent.
      type: dict
    inspection_vpc:
      description: Inspection VPC and its attachment, or null.
      type: dict
    spokes:
      description: Per spoke, C(host), C(vpc), C(attachment) and the endpoints the spoke runs itself.
      type: list
      elements: dict
    vpn_links:
      description: Transit gateway VPNs (customer gateway address, tunnels up, attachment).
      type: list
      elements: dict
    flow_logs:
      description: Flow logs of the transit gateway and the services VPC.
      type: list
      elements: dict
paths:
  description:
    - One trace per spoke and service (the result items of M(cloudnet.privatelink.path_trace_info)), with C(host).
  returned: always
  type: list
  elements: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AWS_ARGUMENT_SPEC,
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.topology_report import gather
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.trace_state import AwsTraceState
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import engine


def handler(module):
    p = module.params
    base = {k: p.get(k) for k in AWS_ARGUMENT_SPEC}
    hub = AwsTraceState(AwsConnection(base))
    by_role = {None: hub}
    states = {}
    spokes = [dict(s, network=s.get("vpc_id") or s.get("vpc_name") or s["host"]) for s in p["spokes"]
              if (s.get("region") or hub.region) == hub.region]
    p = dict(p, spokes=spokes)
    for spoke in p["spokes"]:
        role = spoke.get("assume_role_arn") or None
        if role not in by_role:
            by_role[role] = AwsTraceState(AwsConnection(dict(base, assume_role_arn=role)))
        states[spoke["host"]] = by_role[role]
    topology = gather(hub, states, p)
    paths = []
    services = [s["name"] for s in p["catalog"] if s.get("name")]
    if p["trace_paths"] and services:
        for spoke in p["spokes"]:
            request = {"source": {"cloud": "aws", "network": spoke["network"],
                                  "host": spoke["host"]},
                       "services": services, "catalog": p["catalog"], "services_vpc_name": p["services_vpc_name"],
                       "transit_name": p["transit_name"], "inspection_vpc_name": p.get("inspection_vpc_name"),
                       "hosts": dict(p["hosts"], source_host=spoke["host"])}
            for trace in engine.run({"aws_spoke": states[spoke["host"]], "aws_hub": hub}, request):
                paths.append(dict(trace, host=spoke["host"]))
    return {"changed": False, "topology": topology, "paths": paths}


def main():
    spec = aws_argument_spec(
        transit_name={"type": "str", "required": True},
        services_vpc_name={"type": "str", "required": True},
        inspection_vpc_name={"type": "str"},
        spokes={"type": "list", "elements": "dict", "default": [], "options": {
            "host": {"type": "str", "required": True},
            "vpc_id": {"type": "str"},
            "vpc_name": {"type": "str"},
            "cidr": {"type": "str"},
            "assume_role_arn": {"type": "str"},
            "region": {"type": "str"},
        }},
        catalog={"type": "list", "elements": "dict", "default": []},
        trace_paths={"type": "bool", "default": True},
        hosts={"type": "dict", "default": {}},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, handler)


if __name__ == "__main__":
    main()
