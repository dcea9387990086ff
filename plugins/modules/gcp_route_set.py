#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_route_set
short_description: Manage the collection's GCP routes and Cloud Router advertised ranges (merged, replaced, ...)
version_added: 0.1.0
description:
  - Reconciles, in the vocabulary of Ansible resource modules, the static routes this collection manages in
    one VPC network (O(network), O(config)) and the custom advertised IP ranges it manages on one Cloud
    Router (O(advertisements)). Either or both may be given; the same O(state) applies to both.
  - B(Which to use.) With HA VPN (M(cloudnet.privatelink.gcp_ha_vpn)) routing is BGP-only - GCP refuses
    static routes to HA VPN tunnels. The AWS endpoint prefixes then arrive as routes learned from the Transit
    Gateway, and O(advertisements) sets what GCP announces to AWS (the subnets with C(ALL_SUBNETS), plus
    declared ranges). Use O(config) static routes for Classic VPN tunnels, a next-hop IP (an appliance)
    or the default internet gateway. A static route to an HA VPN tunnel fails before any write.
  - B(Ownership.) A managed route is named C(<name_prefix>-<hash>) (the hash covers network, destination,
    next hop, priority and tags, so a re-run finds what an interrupted run made) and carries the marker
    C(cloudnet:managed-by=cloudnet.privatelink cloudnet:topology=<topology>) in its description. A managed
    advertised range carries the same marker in its description. Subnet, peering and dynamic routes and
    routes or ranges without the marker for O(topology) are foreign and never changed, except that a
    foreign route or range on a declared destination is an error naming it unless O(take_over=true), which
    replaces the route (GCP routes cannot be relabelled) or re-describes the range.
  - B(Make-before-break.) GCP routes cannot be updated; a changed route is created under its new name before
    the old one is deleted.
  - B(States.) V(merged) creates the declared routes and replaces a managed route with the same destination
    and next hop whose priority or tags differ; other managed routes stay (GCP allows several routes per
    destination). V(replaced) also deletes managed routes on declared destinations that are not declared.
    V(overridden) makes the managed routes exactly O(config). V(deleted) deletes the managed routes on the
    declared destinations (and next hop when given), or every managed route when O(config) is empty; foreign
    routes on declared destinations are left with a warning unless O(take_over=true). V(gathered) reads
    only (result C(gathered)). V(rendered) returns the REST calls that would create O(config) on a network
    holding none of it, without credentials or API calls (result C(rendered); it needs a project).
    Advertised ranges follow the same rules, one range per prefix.
options:
  network:
    description: VPC network (name or link) of the routes. Required with O(config).
    type: str
  region:
    description: Region of the router, and of tunnels named without a path in O(config).
    type: str
  config:
    description: The routes.
    type: list
    elements: dict
    default: []
    suboptions:
      destination:
        description: IPv4 destination CIDR, without host bits.
        type: str
        required: true
      next_hop_vpn_tunnel:
        description: Classic VPN tunnel, by name (in O(region)), C(regions/<r>/vpnTunnels/<n>) or link.
        type: str
      next_hop_ip:
        description: Next-hop IP address inside a subnetwork of the network.
        type: str
      next_hop_gateway:
        description: C(default-internet-gateway).
        type: str
      priority:
        description: Route priority (lower wins).
        type: int
        default: 1000
      tags:
        description: Instance network tags the route applies to (all instances when empty).
        type: list
        elements: str
  advertisements:
    description: Custom advertised IP ranges of a Cloud Router in O(region).
    type: dict
    suboptions:
      router:
        description: Router name.
        type: str
        required: true
      advertise_all_subnets:
        description: When switching the router to C(CUSTOM) mode, keep advertising all subnets (C(ALL_SUBNETS)).
        type: bool
        default: true
      ranges:
        description: Ranges to advertise to AWS.
        type: list
        elements: dict
        default: []
        suboptions:
          range:
            description: CIDR.
            type: str
            required: true
          description:
            description: Description (the ownership marker is appended).
            type: str
  state:
    description: How O(config) and O(advertisements) apply (see the description).
    type: str
    choices: [merged, replaced, overridden, deleted, gathered, rendered]
    default: merged
  take_over:
    description: Claim foreign routes and ranges on declared destinations (see the description).
    type: bool
    default: false
  name_prefix:
    description: Prefix of managed route names (at most 40 characters).
    type: str
    default: cloudnet-rt
  description:
    description: Description of created routes (the ownership marker is appended).
    type: str
  wait_timeout:
    description: Seconds to wait for each Compute operation.
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
- name: Over HA VPN, announce the GCP subnets and one extra range to AWS
  cloudnet.privatelink.gcp_route_set:
    region: us-east1
    topology: corp
    advertisements:
      router: hub-to-aws-router
      ranges:
        - range: 10.60.0.0/16
          description: GKE pods
    state: merged

- name: Over Classic VPN, send the AWS endpoint prefixes to the tunnel
  cloudnet.privatelink.gcp_route_set:
    network: hub
    region: us-east1
    topology: corp
    config:
      - destination: 10.100.0.0/24
        next_hop_vpn_tunnel: hub-classic-0
    state: overridden

- name: The REST calls for a change board, without credentials
  cloudnet.privatelink.gcp_route_set:
    project: my-project
    network: hub
    config:
      - destination: 10.100.0.0/24
        next_hop_ip: 10.10.0.5
    state: rendered
"""

RETURN = r"""
route_set:
  description: The managed scope after the run (predicted in check mode).
  returned: always
  type: dict
  contains:
    routes:
      description:
        - Null without O(network). C(network), C(routes) (managed, in O(config) form with C(name)) and
          C(foreign_routes) (other static routes of the network, same form; C(next_hop) for other hop kinds).
      type: dict
    advertisements:
      description:
        - Null without O(advertisements). C(router), C(region), C(advertise_mode), C(advertised_groups),
          C(ranges) (managed, C(range) and C(description)) and C(foreign_ranges).
      type: dict
gathered:
  description: With V(gathered), C(config) (the managed routes) and C(advertisements) (the managed ranges).
  returned: when state is gathered
  type: dict
rendered:
  description: With V(rendered), the REST calls in order, each C({method, path, body}).
  returned: when state is rendered
  type: list
  elements: dict
  sample: [{"method": "POST", "path": "projects/p/global/routes", "body": {"name": "cloudnet-rt-0a1b2c3d4e"}}]
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "create_route", "target": "cloudnet-rt-0a1b2c3d4e", "destination": "10.100.0.0/24"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
    LazyConnection,
    gcp_argument_spec,
    resolve_settings,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.route_set import STATES, RouteSetManager


def _handler(module):
    params = module.params
    if params["state"] == "rendered":  # no API call, no credentials
        project = resolve_settings(params)["project"]
        if not project:
            raise ValidationError("project", None, "is required with state=rendered", "set project or GCP_PROJECT")
        manager = RouteSetManager(None, params, module.check_mode, project=project)
    else:
        manager = RouteSetManager(LazyConnection(params), params, module.check_mode,
                                  project=resolve_settings(params)["project"] or None)
    result = manager.ensure()
    for warning in result.pop("warnings", []):
        module.warn(warning)
    return result


def main():
    route = {
        "destination": {"type": "str", "required": True},
        "next_hop_vpn_tunnel": {"type": "str"},
        "next_hop_ip": {"type": "str"},
        "next_hop_gateway": {"type": "str"},
        "priority": {"type": "int", "default": 1000},
        "tags": {"type": "list", "elements": "str"},
    }
    ranges = {"range": {"type": "str", "required": True}, "description": {"type": "str"}}
    spec = gcp_argument_spec(
        network={"type": "str"},
        region={"type": "str"},
        config={"type": "list", "elements": "dict", "default": [], "options": route},
        advertisements={"type": "dict", "options": {
            "router": {"type": "str", "required": True},
            "advertise_all_subnets": {"type": "bool", "default": True},
            "ranges": {"type": "list", "elements": "dict", "default": [], "options": ranges}}},
        state={"type": "str", "choices": list(STATES), "default": "merged"},
        take_over={"type": "bool", "default": False},
        name_prefix={"type": "str", "default": "cloudnet-rt"},
        description={"type": "str"},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True,
                           required_one_of=[("network", "advertisements")],
                           required_by={"advertisements": "region"})
    run(module, _handler)


if __name__ == "__main__":
    main()
