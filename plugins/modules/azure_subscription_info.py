#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_subscription_info
short_description: Prove Azure credentials work and Resource Manager answers (token, subscription read)
version_added: 0.2.0
description:
  - Requests a Resource Manager token with the connection options, then reads the subscription
    (C(GET /subscriptions/{subscriptionId})) and returns it. Reads only.
  - Fails when the subscription is C(Disabled) or C(Deleted), since Resource Manager then refuses writes.
  - Bounded for a preflight - each request times out after O(timeout) seconds, and a request that gets no
    answer is retried O(retries) times - so an unreachable authority or Resource Manager fails in seconds.
    Throttling and 5xx answers are retried up to 8 times, honouring C(Retry-After).
  - Failures name the option or environment variable to fix (C(AZURE_SUBSCRIPTION_ID), C(AZURE_CLIENT_ID),
    C(AZURE_SECRET), C(AZURE_TENANT), C(AZURE_AUTHORITY_HOST), C(AZURE_CLOUD_ENVIRONMENT)) and never a secret.
  - C(playbooks/validate.yml) runs it when the inventory has C(azure_spokes) hosts, after the static validation.
options:
  timeout:
    description: Seconds to wait for the authority and Resource Manager to connect and to answer, per request.
    type: int
    default: 10
  retries:
    description:
      - Retries of a request that gets no answer (connection refused or reset, timeout). Kept low so an
        unreachable endpoint fails fast; busy answers (throttling, 5xx) are retried apart from these.
    type: int
    default: 1
extends_documentation_fragment:
  - cloudnet.privatelink.azure
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: The service principal of the environment (AZURE_* variables) can read its subscription
  cloudnet.privatelink.azure_subscription_info:
  register: azure_subscription
"""

RETURN = r"""
subscription:
  description: The subscription as Resource Manager answers it.
  returned: success
  type: dict
  contains:
    subscription_id:
      description: The subscription ID.
      type: str
      sample: 00000000-0000-4000-8000-00000000000a
    display_name:
      description: Its display name.
      type: str
    state:
      description: C(Enabled), C(Warned), C(PastDue), C(Disabled) or C(Deleted).
      type: str
      sample: Enabled
    tenant_id:
      description: The Microsoft Entra tenant of the subscription.
      type: str
    resource_manager:
      description: The Resource Manager endpoint that answered.
      type: str
      sample: https://management.azure.com
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import azure_argument_spec
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.preflight import subscription
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def main():
    spec = azure_argument_spec(
        timeout={"type": "int", "default": 10},
        retries={"type": "int", "default": 1},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: {"changed": False, "subscription": subscription(m.params)})


if __name__ == "__main__":
    main()
