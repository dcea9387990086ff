#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_transit_gateway_route_table
short_description: Manage a Transit Gateway route table, its associations, propagations and static routes
version_added: 0.1.0
description:
  - Creates and reconciles a transit gateway route table identified by its C(Name) tag O(name), the
    transit gateway and the ownership tags of O(topology).
  - An attachment has one association. When a listed attachment is associated with another route table
    (for example the default one), the module disassociates it there, waits, then associates it here.
  - Only static routes are managed. Propagated routes and prefix list references are never changed. A target
    change is one C(ReplaceTransitGatewayRoute) call, so traffic never loses its route.
  - Routes are read with C(SearchTransitGatewayRoutes) filtered on C(type=static).
  - Deletion only removes a route table managed by this collection for O(topology); its associations and
    propagations are removed first, as AWS requires.
options:
  name:
    description: C(Name) tag of the route table; with the transit gateway and ownership tags, its identity.
    type: str
    required: true
  state:
    description: Whether the route table exists.
    type: str
    choices: [present, absent]
    default: present
  transit_gateway_id:
    description: Transit gateway of the route table.
    type: str
    required: true
  associations:
    description: Attachment IDs associated with this route table. Not managed when omitted.
    type: list
    elements: str
  purge_associations:
    description: Disassociate attachments not listed in O(associations).
    type: bool
    default: true
  propagations:
    description: Attachment IDs whose routes propagate into this route table. Not managed when omitted.
    type: list
    elements: str
  purge_propagations:
    description: Disable propagation of attachments not listed in O(propagations).
    type: bool
    default: true
  routes:
    description: Static routes. Not managed when omitted.
    type: list
    elements: dict
    suboptions:
      destination_cidr:
        description: Destination CIDR in canonical form.
        type: str
        required: true
      attachment_id:
        description: Target attachment. Mutually exclusive with O(routes[].blackhole).
        type: str
      blackhole:
        description: Drop traffic to the destination.
        type: bool
  purge_routes:
    description: Delete static routes not listed in O(routes). Propagated routes are never touched.
    type: bool
    default: true
  tags:
    description: Tags to set. Ownership tags and C(Name) are added and never purged.
    type: dict
    aliases: [resource_tags]
  purge_tags:
    description: Remove tags not listed in O(tags).
    type: bool
    default: true
  wait:
    description: Wait for the route table to be C(available) and for associations to settle.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each asynchronous step.
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
- name: Spokes reach only the services VPC; everything else is dropped
  cloudnet.privatelink.aws_transit_gateway_route_table:
    name: spokes
    topology: corp
    transit_gateway_id: "{{ hub.transit_gateway.transit_gateway_id }}"
    associations: "{{ spoke_attachment_ids }}"
    propagations: ["{{ services_attachment_id }}"]
    routes:
      - destination_cidr: 10.0.0.0/8
        blackhole: true
"""

RETURN = r"""
route_table:
  description:
    - The route table after the run (predicted in check mode; id null before creation).
    - Empty when absent.
  returned: always
  type: dict
  contains:
    transit_gateway_route_table_id:
      description: ID.
      type: str
      sample: tgw-rtb-0123456789abcdef0
    transit_gateway_id:
      description: Transit gateway.
      type: str
    name:
      description: C(Name) tag.
      type: str
    associations:
      description: Associated attachment IDs, sorted.
      type: list
      elements: str
    propagations:
      description: Propagating attachment IDs, sorted.
      type: list
      elements: str
    routes:
      description:
        - Static routes sorted by destination.
        - Each is C({destination_cidr, attachment_id}) or C({destination_cidr, blackhole}).
      type: list
      elements: dict
    tags:
      description: Tags.
      type: dict
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "replace_route", "target": "tgw-rtb-0a", "destination_cidr": "0.0.0.0/0"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway_route_table import (
    RouteTableManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        name={"type": "str", "required": True},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        transit_gateway_id={"type": "str", "required": True},
        associations={"type": "list", "elements": "str"},
        purge_associations={"type": "bool", "default": True},
        propagations={"type": "list", "elements": "str"},
        purge_propagations={"type": "bool", "default": True},
        routes={
            "type": "list",
            "elements": "dict",
            "options": {
                "destination_cidr": {"type": "str", "required": True},
                "attachment_id": {"type": "str"},
                "blackhole": {"type": "bool"},
            },
        },
        purge_routes={"type": "bool", "default": True},
        tags={"type": "dict", "aliases": ["resource_tags"]},
        purge_tags={"type": "bool", "default": True},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: RouteTableManager(AwsConnection(m.params), m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
