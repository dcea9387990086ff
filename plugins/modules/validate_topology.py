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
  - Checks topology name, regions, CIDRs (malformed, host bits, overlaps across networks), resource IDs,
    role ARNs, one services VPC and one transit per spoke region, the service catalog (unknown services,
    duplicates, malformed third-party service names, endpoints requested outside the services VPC,
    gateway endpoints for services that have none, ports) and consumer CIDRs.
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
      - Network hosts, each with C(name), C(kind) (C(transit), C(services_vpc) or C(spoke)) and C(vars),
        the host's role variables.
    type: list
    elements: dict
    default: []
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
  sample: ["spoke-orders: cidr 10.1.0.0/16 overlaps spoke-payments (10.1.0.0/16). Fix: give every network ..."]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology import validate_topology


def main():
    module = AnsibleModule(
        argument_spec={
            "topology": {"type": "str", "required": True},
            "services": {"type": "list", "elements": "dict", "default": []},
            "consumers": {"type": "list", "elements": "raw", "default": []},
            "extra_services": {"type": "list", "elements": "str", "default": []},
            "hosts": {"type": "list", "elements": "dict", "default": []},
        },
        supports_check_mode=True,
    )
    p = module.params
    problems = validate_topology(p["topology"], p["services"], p["hosts"], p["consumers"], p["extra_services"])
    if problems:
        module.fail_json(msg=f"The topology has {len(problems)} problem(s):\n- " + "\n- ".join(problems),
                         problems=problems)
    module.exit_json(changed=False, problems=[])


if __name__ == "__main__":
    main()
