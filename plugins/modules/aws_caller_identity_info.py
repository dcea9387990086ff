#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_caller_identity_info
short_description: Prove AWS credentials work and the endpoint answers (STS GetCallerIdentity)
version_added: 0.2.0
description:
  - Calls STS C(GetCallerIdentity) with the connection options - after C(AssumeRole) when O(assume_role_arn)
    is set - and returns the account and ARN the calls run as. Reads only.
  - Bounded for a preflight - each request times out after O(timeout) seconds, and a request that gets no
    answer is retried O(retries) times - so an unreachable endpoint fails in seconds. Throttling and 5xx
    answers are retried up to 8 times with jittered exponential back-off.
  - Failures name the option or environment variable to fix (C(AWS_ACCESS_KEY_ID) / C(AWS_SECRET_ACCESS_KEY),
    C(AWS_PROFILE), O(endpoint_url) / C(AWS_ENDPOINT_URL), O(assume_role_arn)) and never a secret.
  - C(playbooks/validate.yml) runs it once per AWS identity the inventory uses, after the static validation.
options:
  timeout:
    description: Seconds to wait for the endpoint to connect and to answer, per request.
    type: int
    default: 10
  retries:
    description:
      - Retries of a request that gets no answer (connection refused or reset, timeout, TLS failure). Kept
        low so an unreachable endpoint fails fast; busy answers (throttling, 5xx) are retried apart from these.
    type: int
    default: 1
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: The network account's role can be assumed
  cloudnet.privatelink.aws_caller_identity_info:
    region: us-east-1
    assume_role_arn: arn:aws:iam::111111111111:role/cloudnet-network
  register: network_identity

- name: The environment's credentials (AWS_* variables or profile) work
  cloudnet.privatelink.aws_caller_identity_info:
    region: us-east-1
"""

RETURN = r"""
identity:
  description: Who the calls run as.
  returned: success
  type: dict
  contains:
    account:
      description: The 12-digit account ID.
      type: str
      sample: "111111111111"
    arn:
      description: ARN of the caller (an assumed-role session ARN when O(assume_role_arn) is set).
      type: str
      sample: arn:aws:sts::111111111111:assumed-role/cloudnet-network/cloudnet-privatelink
    user_id:
      description: The unique identifier of the caller.
      type: str
    assume_role_arn:
      description: The role assumed, or null for the caller's own credentials.
      type: str
    region:
      description: The region the call was made in.
      type: str
    endpoint_url:
      description: The STS endpoint that answered.
      type: str
      sample: https://sts.us-east-1.amazonaws.com
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import aws_argument_spec
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.preflight import caller_identity
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run


def main():
    spec = aws_argument_spec(
        timeout={"type": "int", "default": 10},
        retries={"type": "int", "default": 1},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: {"changed": False, "identity": caller_identity(m.params)})


if __name__ == "__main__":
    main()
