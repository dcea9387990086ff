#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_route_set
short_description: Manage the collection's user-defined routes in an Azure route table and its subnet associations
version_added: 0.1.0
description:
  - Reconciles the routes this collection manages in one route table, in the vocabulary of Ansible resource
    modules, creates the route table when it is missing and associates it with the declared subnets.
  - B(Ownership.) Managed routes are named C(<route_name_prefix><prefix>), for example C(cloudnet-10.1.0.0_16).
    Routes with other names are foreign and never changed. A foreign route on a declared prefix is an error
    naming the route and its next hop; with O(take_over=true) it is replaced by a managed route in the same write.
  - B(One write per table.) All route changes are one route table PUT guarded by C(If-Match) with the etag
    read, so a concurrent change fails the run (re-run to reconcile) instead of being overwritten.
  - B(Subnets.) Each declared subnet is read and written back with C(routeTable) set, guarded by C(If-Match).
    A subnet associated with another route table is an error unless O(take_over=true). Associations are
    removed only with O(remove_table=true).
  - B(States.) V(merged) creates or updates the declared routes and keeps other managed routes. V(replaced)
    sets the declared prefixes exactly; as a prefix has one next hop it plans what V(merged) plans.
    V(overridden) also deletes managed routes not declared. V(deleted) deletes the declared managed routes
    (matched by prefix), or every managed route when O(config) is empty; a foreign route on a declared prefix
    is left with a warning unless O(take_over=true). V(gathered) reads only. V(rendered) returns the ARM
    requests that would create the table with O(config), without credentials or API calls.
  - B(Teardown.) V(deleted) with O(remove_table=true) removes what the collection created. After the managed
    routes are deleted, the route table itself is deleted when it carries the collection's ownership tags for
    O(topology) (it was created by this module), no route is left in it and every subnet using it is listed in
    O(subnets). Those subnets are first disassociated (each written back without its route table, C(If-Match)
    its etag), then the table is read again and deleted with C(If-Match) (a bounded wait, O(wait_timeout)).
    Otherwise the table and its subnet associations are kept, foreign routes untouched, and the reasons are
    returned in RV(kept_reasons) and as a warning.
options:
  resource_group:
    description: Resource group of the route table.
    type: str
    required: true
  route_table:
    description: Name of the route table.
    type: str
    required: true
  location:
    description: Region of the route table; required when it must be created.
    type: str
  route_name_prefix:
    description: Name prefix that marks a route as managed by the collection.
    type: str
    default: cloudnet-
  config:
    description: The routes.
    type: list
    elements: dict
    default: []
    suboptions:
      address_prefix:
        description: Destination CIDR, without host bits.
        type: str
        required: true
      next_hop_type:
        description:
          - Next hop. The AWS endpoint prefixes go to V(VirtualNetworkGateway), the VPN gateway of the VNet.
          - Defaults to V(VirtualNetworkGateway) (ignored with V(deleted)).
        type: str
        choices: [VirtualNetworkGateway, VnetLocal, Internet, VirtualAppliance, None]
      next_hop_ip_address:
        description: Appliance address, only with V(VirtualAppliance).
        type: str
  subnets:
    description:
      - Subnets to associate with the route table (not with V(gathered)).
      - With V(deleted) and O(remove_table=true), the subnets to disassociate before the table is deleted; a
        subnet using the table that is not listed keeps the table.
    type: list
    elements: dict
    default: []
    suboptions:
      id:
        description: Subnet resource ID (instead of the names below).
        type: str
      virtual_network:
        description: Virtual network name.
        type: str
      name:
        description: Subnet name.
        type: str
      resource_group:
        description: Resource group of the virtual network; defaults to O(resource_group).
        type: str
  state:
    description: How O(config) applies to the managed routes (see the description).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
  take_over:
    description: Replace foreign routes on declared prefixes and re-associate subnets held by other route tables.
    type: bool
    default: false
  remove_table:
    description:
      - Only with O(state=deleted). Also disassociate O(subnets) and delete the route table when the collection
        created it and nothing foreign is left in it (see B(Teardown) above); otherwise keep it and say why.
      - A missing route table is not an error.
    type: bool
    default: false
    version_added: 0.2.0
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.azure.ownership
  - cloudnet.privatelink.attributes
notes:
  - A route table the module creates is tagged as managed; an existing one is not retagged.
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Send the AWS endpoint prefixes of a spoke VNet to its VPN gateway
  cloudnet.privatelink.azure_route_set:
    resource_group: rg-spoke
    route_table: rt-spoke-app
    location: westeurope
    config:
      - address_prefix: 10.100.0.0/22
      - address_prefix: 10.100.4.0/22
    subnets:
      - virtual_network: vnet-spoke
        name: app
    state: overridden

- name: Show the requests without credentials
  cloudnet.privatelink.azure_route_set:
    resource_group: rg-spoke
    route_table: rt-spoke-app
    location: westeurope
    config:
      - address_prefix: 10.100.0.0/22
    state: rendered
  register: plan

- name: Teardown - remove the managed routes, then the route table the collection created and its associations
  cloudnet.privatelink.azure_route_set:
    resource_group: rg-spoke
    route_table: rt-spoke-app
    subnets:
      - virtual_network: vnet-spoke
        name: app
    state: deleted
    remove_table: true
  register: teardown

- name: Say why a route table was kept (foreign routes, not created by the collection, other subnets)
  ansible.builtin.debug:
    var: teardown.kept_reasons
  when: teardown.kept_reasons is defined
"""

RETURN = r"""
route_table:
  description:
    - The route table after the run (predicted in check mode); empty when it does not exist or was removed
      (O(remove_table=true)).
  returned: always
  type: dict
  contains:
    id:
      description: Resource ID.
      type: str
    name:
      description: Name.
      type: str
    resource_group:
      description: Resource group.
      type: str
    location:
      description: Region.
      type: str
    managed:
      description: Whether the route table itself carries the collection's ownership tags for O(topology).
      type: bool
    routes:
      description:
        - Managed routes sorted by prefix, each C({name, address_prefix, next_hop_type[, next_hop_ip_address]}).
      type: list
      elements: dict
      sample: [{"name": "cloudnet-10.100.0.0_22", "address_prefix": "10.100.0.0/22",
               "next_hop_type": "VirtualNetworkGateway"}]
    foreign_routes:
      description: Routes the collection does not manage, same shape.
      type: list
      elements: dict
    subnets:
      description: IDs of the subnets associated with the route table.
      type: list
      elements: str
gathered:
  description: With V(gathered), the managed routes in O(config) form.
  returned: when state is gathered
  type: list
  elements: dict
rendered:
  description: With V(rendered), the ARM requests in order, each C({method, path, headers, body}).
  returned: when state is rendered
  type: list
  elements: dict
kept_reasons:
  description:
    - With O(remove_table=true), why the existing route table was kept (with its subnet associations).
  returned: when remove_table is true and the route table exists but was kept
  type: list
  elements: str
  sample: ["it holds routes the collection does not manage (onprem)"]
operations:
  description:
    - The changes made (or that would be made), in order; route changes end with one C(write_route_table).
    - With O(remove_table=true), C(disassociate_subnet) for each subnet and C(delete_route_table) follow.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create_route", "target": "rt-spoke-app", "route": "cloudnet-10.100.0.0_22",
           "address_prefix": "10.100.0.0/22", "next_hop_type": "VirtualNetworkGateway"}]
diff:
  description: C(before) and C(after) route table, as in RV(route_table).
  returned: with --diff
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import OWNERSHIP_SPEC
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
    AzureConnection,
    azure_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_set import (
    NEXT_HOP_TYPES,
    STATES,
    RouteSetManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def _handler(module):
    rendered = module.params["state"] == "rendered"
    manager = RouteSetManager(None, module.params, module.check_mode)  # validates before any connection
    if not rendered:
        manager.conn = AzureConnection(module.params)
    return manager.ensure()


def main():
    spec = azure_argument_spec(
        resource_group={"type": "str", "required": True},
        route_table={"type": "str", "required": True},
        location={"type": "str"},
        route_name_prefix={"type": "str", "default": "cloudnet-"},
        config={"type": "list", "elements": "dict", "default": [], "options": {
            "address_prefix": {"type": "str", "required": True},
            "next_hop_type": {"type": "str", "choices": list(NEXT_HOP_TYPES)},
            "next_hop_ip_address": {"type": "str"},
        }},
        subnets={"type": "list", "elements": "dict", "default": [], "options": {
            "id": {"type": "str"},
            "virtual_network": {"type": "str"},
            "name": {"type": "str"},
            "resource_group": {"type": "str"},
        }, "mutually_exclusive": [["id", "virtual_network"], ["id", "name"]],
            "required_one_of": [["id", "name"]], "required_together": [["virtual_network", "name"]]},
        state={"type": "str", "choices": list(STATES), "default": "merged"},
        take_over={"type": "bool", "default": False},
        remove_table={"type": "bool", "default": False},
        **OWNERSHIP_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, _handler)


if __name__ == "__main__":
    main()
