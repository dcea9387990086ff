#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_vpc_route_set
short_description: Manage the collection's routes in VPC route tables (merged, replaced, overridden, deleted...)
version_added: 0.1.0
description:
  - Reconciles the routes this collection manages in existing VPC route tables, per route table, in the
    vocabulary of Ansible resource modules. It never creates or deletes route tables.
  - B(Ownership.) The managed destinations of a route table are recorded in tags on that route table.
    C(cloudnet:routes) holds the sorted destinations (CIDRs and prefix list IDs) separated by spaces; when
    they exceed the 256-character tag value limit they continue in C(cloudnet:routes:1),
    C(cloudnet:routes:2) and so on, split between destinations (at most 40 such tags).
  - Destinations are recorded before their route is created and forgotten after it is deleted, so an
    interrupted run never leaves a route that the next run would take for foreign.
  - B(Scope.) Local routes, propagated routes (origin C(EnableVgwRoutePropagation)) and foreign routes
    (destinations not recorded as managed) are never changed. A foreign route on a declared destination
    is an error naming the route table, the destination and its current target; with O(take_over=true)
    the route is replaced (or, with the same target, just recorded) and managed from then on.
  - B(Make-before-break.) A target change is one C(ReplaceRoute) call, never a delete and a create.
  - B(States), per route table. V(merged) creates or retargets the declared routes and keeps the other
    managed routes. V(replaced) sets the declared destinations exactly and keeps the other managed routes;
    because a VPC route has exactly one target per destination, it plans the same calls as V(merged).
    V(overridden) makes the managed routes exactly O(config), deleting managed routes not declared.
    V(deleted) deletes the declared managed routes (matched by destination; the target may be omitted),
    or every managed route when O(config) is empty; a foreign route on a declared destination is left in
    place with a warning unless O(take_over=true). V(gathered) reads and changes nothing. V(rendered)
    returns the API calls that would put O(config) on route tables holding none of it, without any API
    call and without credentials (it needs O(route_table_ids)).
options:
  route_table_ids:
    description: Route tables to manage. Mutually exclusive with O(vpc_id).
    type: list
    elements: str
  vpc_id:
    description: Manage every route table of this VPC (narrowed by O(route_table_filters)).
    type: str
  route_table_filters:
    description:
      - "EC2 C(DescribeRouteTables) filters as C({name: value or [values]}), applied with O(vpc_id)."
    type: dict
  config:
    description: The routes. Each has exactly one destination and (except with V(deleted)) exactly one target.
    type: list
    elements: dict
    default: []
    suboptions:
      destination_cidr:
        description: IPv4 or IPv6 destination CIDR, without host bits.
        type: str
      destination_prefix_list_id:
        description: Destination managed prefix list (C(pl-...)).
        type: str
      transit_gateway_id:
        description: Target transit gateway.
        type: str
      gateway_id:
        description: Target internet gateway (C(igw-...)) or virtual private gateway (C(vgw-...)).
        type: str
      vpc_endpoint_id:
        description: Target Gateway Load Balancer endpoint.
        type: str
      nat_gateway_id:
        description: Target NAT gateway.
        type: str
      network_interface_id:
        description: Target network interface.
        type: str
      vpc_peering_connection_id:
        description: Target VPC peering connection.
        type: str
  state:
    description: How O(config) applies to the managed routes of each route table (see the description).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
  take_over:
    description:
      - Claim foreign routes on declared destinations (replace their target when it differs, and record
        them as managed). With V(deleted), delete them.
    type: bool
    default: false
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes
notes:
  - The route tables are not owned by the collection, so no C(cloudnet:managed-by) tag is put on them;
    ownership is per route, in the C(cloudnet:routes) tags.
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Send the endpoint prefixes of every route table of a spoke to the transit gateway
  cloudnet.privatelink.aws_vpc_route_set:
    vpc_id: "{{ spoke_vpc_id }}"
    config:
      - destination_prefix_list_id: "{{ endpoint_prefix_list_id }}"
        transit_gateway_id: "{{ tgw_id }}"
    state: merged

- name: Managed routes of one table become exactly these (foreign and local routes stay)
  cloudnet.privatelink.aws_vpc_route_set:
    route_table_ids: [rtb-0123456789abcdef0]
    config:
      - destination_cidr: 10.0.0.0/8
        transit_gateway_id: tgw-0123456789abcdef0
    state: overridden

- name: Remove every route the collection manages in a VPC
  cloudnet.privatelink.aws_vpc_route_set:
    vpc_id: "{{ spoke_vpc_id }}"
    config: []
    state: deleted

- name: Show the calls without touching AWS
  cloudnet.privatelink.aws_vpc_route_set:
    route_table_ids: [rtb-0123456789abcdef0]
    config:
      - destination_cidr: 10.0.0.0/8
        transit_gateway_id: tgw-0123456789abcdef0
    state: rendered
  register: plan
"""

RETURN = r"""
route_tables:
  description:
    - Each route table in scope after the run (predicted in check mode), sorted by ID.
    - With V(rendered), the route tables as O(config) would make them (C(vpc_id) null).
  returned: always
  type: list
  elements: dict
  contains:
    route_table_id:
      description: ID.
      type: str
      sample: rtb-0123456789abcdef0
    vpc_id:
      description: VPC of the route table.
      type: str
    routes:
      description:
        - Managed routes sorted by destination, each with C(destination_cidr) or C(destination_prefix_list_id)
          and one target key (C(transit_gateway_id), C(gateway_id), C(vpc_endpoint_id), C(nat_gateway_id),
          C(network_interface_id), C(vpc_peering_connection_id)).
      type: list
      elements: dict
      sample: [{"destination_prefix_list_id": "pl-0123456789abcdef0", "transit_gateway_id": "tgw-0123456789abcdef0"}]
    foreign_routes:
      description: Routes this collection does not manage (local and propagated routes excluded), same shape.
      type: list
      elements: dict
gathered:
  description: With V(gathered), the managed routes of each route table in O(config) form.
  returned: when state is gathered
  type: list
  elements: dict
  sample: [{"route_table_id": "rtb-0123456789abcdef0", "config": [{"destination_cidr": "10.0.0.0/8",
           "transit_gateway_id": "tgw-0123456789abcdef0"}]}]
rendered:
  description: With V(rendered), the EC2 API calls in order, each as C({operation, parameters}).
  returned: when state is rendered
  type: list
  elements: dict
  sample: [{"operation": "CreateRoute", "parameters": {"RouteTableId": "rtb-0123456789abcdef0",
           "DestinationCidrBlock": "10.0.0.0/8", "TransitGatewayId": "tgw-0123456789abcdef0"}}]
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "replace_route", "target": "rtb-0123456789abcdef0", "destination": "10.0.0.0/8",
           "route_target": "tgw-0123456789abcdef0", "previous": "igw-0123456789abcdef0"}]
diff:
  description: C(before) and C(after), each C({route_tables -> [{route_table_id, vpc_id, routes, foreign_routes}]}).
  returned: with --diff
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route_set import (
    STATES,
    TARGETS,
    RouteSetManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(module):
    # Rendered makes no API call, so it needs neither boto3 nor credentials.
    conn = None if module.params["state"] == "rendered" else AwsConnection(module.params)
    return RouteSetManager(conn, module.params, module.check_mode).ensure()


def main():
    route = {"destination_cidr": {"type": "str"}, "destination_prefix_list_id": {"type": "str"}}
    route.update({option: {"type": "str"} for option in TARGETS})
    spec = aws_argument_spec(
        route_table_ids={"type": "list", "elements": "str"},
        vpc_id={"type": "str"},
        route_table_filters={"type": "dict"},
        config={"type": "list", "elements": "dict", "default": [], "options": route},
        state={"type": "str", "choices": list(STATES), "default": "merged"},
        take_over={"type": "bool", "default": False},
    )
    module = AnsibleModule(
        argument_spec=spec,
        supports_check_mode=True,
        mutually_exclusive=[("route_table_ids", "vpc_id")],
        required_one_of=[("route_table_ids", "vpc_id")],
        required_by={"route_table_filters": "vpc_id"},
    )
    run(module, _handler)


if __name__ == "__main__":
    main()
