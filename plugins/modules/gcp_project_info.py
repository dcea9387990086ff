#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: gcp_project_info
short_description: Prove GCP credentials work and the APIs answer (token, project and Cloud DNS reads)
version_added: 0.2.0
description:
  - Gets a token with the connection options, reads the project through Compute Engine (C(projects.get)) and
    lists at most one Cloud DNS managed zone of it, so both APIs the collection uses are proven. Reads only.
  - Bounded for a preflight - each request times out after O(request_timeout) seconds, and a request that gets no
    answer is retried O(retries) times - so an unreachable endpoint fails in seconds. Throttling and
    5xx answers are retried up to 8 times.
  - Failures name the option or environment variable to fix (C(GCP_PROJECT), C(GCP_AUTH_KIND),
    C(GCP_SERVICE_ACCOUNT_FILE), C(GCP_COMPUTE_ENDPOINT), C(GCP_DNS_ENDPOINT), C(GCP_API_ENDPOINT)) and never
    a secret.
  - C(playbooks/validate.yml) runs it once per GCP project the inventory uses, after the static validation.
options:
  request_timeout:
    description: Seconds to wait for one HTTP answer.
    type: int
    default: 10
  retries:
    description:
      - Retries of a request that gets no answer (connection refused or reset, timeout). Kept low so an
        unreachable endpoint fails fast; busy answers (throttling, 5xx) are retried apart from these.
    type: int
    default: 1
extends_documentation_fragment:
  - cloudnet.privatelink.gcp
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: The service account of the environment (GCP_* variables) can use the hub project
  cloudnet.privatelink.gcp_project_info:
    project: corp-network-hub
  register: hub_project
"""

RETURN = r"""
project:
  description: The project as Compute Engine answers it, and the endpoints that answered.
  returned: success
  type: dict
  contains:
    project:
      description: The project ID.
      type: str
      sample: corp-network-hub
    project_number:
      description: The project number.
      type: str
    compute_endpoint:
      description: The Compute Engine endpoint that answered.
      type: str
      sample: https://compute.googleapis.com/compute/v1/
    dns_endpoint:
      description: The Cloud DNS endpoint that answered.
      type: str
      sample: https://dns.googleapis.com/dns/v1/
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import gcp_argument_spec
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.preflight import project


def main():
    spec = gcp_argument_spec(
        request_timeout={"type": "int", "default": 10},
        retries={"type": "int", "default": 1},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: {"changed": False, "project": project(m.params)})


if __name__ == "__main__":
    main()
