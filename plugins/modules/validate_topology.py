#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: validate_topology
short_description: Validate the declared topology before any API call
version_added: 0.1.0
description:
  - Checks the whole desired state of the inventory in one place and fails with every problem found,
    each naming the host, the field and the fix. Makes no API call and needs no credentials.
  - Covers every group C(site.yml) uses - C(aws_transit), C(aws_services_vpc), C(aws_spokes), C(inspection),
    C(aws_cross_cloud), C(azure_spokes), C(gcp_spokes) - with the roles' own defaults for what the inventory
    leaves out.
  - "Checks: topology name; AWS regions, Azure locations, GCP regions; CIDRs (malformed, host bits, subnets outside
    their VPC, overlaps across all clouds: spokes, services and inspection VPCs, Azure VNets, GCP networks,
    consumer CIDRs and GCP advertised ranges); names two hosts claim (VPC, VNet, GCP network, VPN gateways, Cloud
    Routers, route tables, DNS resolvers); resource IDs and role ARNs; ASNs (transit gateway, Azure VPN gateway,
    GCP Cloud Router: the ranges each accepts, private ASNs, the ASNs Azure, AWS and IANA reserve, eBGP peers
    with different ASNs); tunnel inside CIDRs (four /30s of 169.254.0.0/16 outside the AWS reserved ones, Azure
    APIPA, unique per transit gateway); the shape of the pre-shared keys (never their value); Azure resource
    group and resource names; GCP project ids and RFC 1035 names; one services VPC, transit gateway and
    inspection VPC per region; spokes and remote networks declared both inspected and not (a remote network
    left out while the spokes table its VPN attachments share is steered, destinations leaving out a prefix the
    remote clouds route to the VPN, remote networks declared inspected without a cross-cloud link to the
    inspected transit gateway); the pairing of remote networks with
    an C(aws_cross_cloud) host; the service catalog (unknown services, duplicates, malformed third-party
    service names, endpoints requested outside the services VPC, gateway endpoints for services that have
    none, ports)."
  - Variables the inventory cannot template (an undefined vault variable) are reported as problems of their host.
  - Also returns the plan of the read-only preflight (RV(preflight)) that C(playbooks/validate.yml) runs next.
  - The playbooks run it once at the start (C(run_once)) over all hosts, so C(--limit) does not hide problems.
options:
  topology:
    description: Name of the topology (C(cloudnet_topology)).
    type: str
    required: true
  services:
    description: The service catalog (C(cloudnet_services)).
    type: list
    elements: dict
    default: []
  consumers:
    description: Consumer networks admitted to the endpoints (C(cloudnet_consumers)).
    type: list
    elements: raw
    default: []
  extra_services:
    description: AWS service short names to accept in addition to the built-in list.
    type: list
    elements: str
    default: []
  hosts:
    description:
      - Network hosts, each with C(name), C(kind) (C(transit), C(services_vpc), C(spoke), C(inspection),
        C(cross_cloud_aws), C(cross_cloud_azure) or C(cross_cloud_gcp)) and C(vars), the host's role variables,
        as the P(cloudnet.privatelink.network_hosts#filter) filter builds them (secrets replaced by their shape).
    type: list
    elements: dict
    default: []
  default_region:
    description: AWS region of the hosts that set none (C(cloudnet_default_region)).
    type: str
attributes:
  check_mode:
    description: Reads nothing and changes nothing; runs the same in check mode.
    support: full
  diff_mode:
    description: No diff.
    support: none
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Validate the topology before touching any cloud
  cloudnet.privatelink.validate_topology:
    topology: "{{ cloudnet_topology }}"
    services: "{{ cloudnet_services }}"
    consumers: "{{ cloudnet_consumers | default([]) }}"
    hosts:
      - name: spoke-payments
        kind: spoke
        vars:
          spoke_region: us-east-1
          spoke_cidr: 10.1.0.0/16
  run_once: true
"""

RETURN = r"""
problems:
  description: Every problem found, one sentence each naming host, field and fix. Empty when valid.
  returned: always
  type: list
  elements: str
  sample: ["spoke-orders: spoke_cidr 10.1.0.0/16 overlaps spoke-payments (spoke_cidr 10.1.0.0/16). Fix: give ..."]
preflight:
  description:
    - What the read-only preflight must prove works, per cloud the inventory uses. Empty lists when valid
      but unused; not returned when there are problems.
  returned: success
  type: dict
  contains:
    aws:
      description:
        - One item per AWS identity in use - the caller's credentials (C(assume_role_arn) null) and each
          distinct role ARN of the hosts - with a region to call STS in and the hosts that use it.
      type: list
      elements: dict
      sample: [{"assume_role_arn": null, "region": "us-east-1", "hosts": ["transit-use1", "app-orders"]}]
    azure:
      description: One item (the subscription of the environment) when there are C(azure_spokes) hosts.
      type: list
      elements: dict
      sample: [{"hosts": ["azure-hub"]}]
    gcp:
      description: One item per GCP project in use (C(project) null means C(GCP_PROJECT)).
      type: list
      elements: dict
      sample: [{"project": null, "hosts": ["gcp-hub"]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology import validate


def main():
    module = AnsibleModule(
        argument_spec={
            "topology": {"type": "str", "required": True},
            "services": {"type": "list", "elements": "dict", "default": []},
            "consumers": {"type": "list", "elements": "raw", "default": []},
            "extra_services": {"type": "list", "elements": "str", "default": []},
            "hosts": {"type": "list", "elements": "dict", "default": []},
            "default_region": {"type": "str"},
        },
        supports_check_mode=True,
    )
    p = module.params
    result = validate(p["topology"], p["services"], p["hosts"], p["consumers"], p["extra_services"],
                      p["default_region"])
    problems = result["problems"]
    if problems:
        module.fail_json(msg=f"The topology has {len(problems)} problem(s):\n- " + "\n- ".join(problems),
                         problems=problems)
    module.exit_json(changed=False, problems=[], preflight=result["preflight"])


if __name__ == "__main__":
    main()
