#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_endpoint_remediation
short_description: Replace one duplicate VPC endpoint with the central endpoint, make-before-break
version_added: 0.1.0
description:
  - Moves the VPC of one duplicate endpoint (an endpoint outside the services VPC for a service the
    central endpoints provide, as M(cloudnet.privatelink.aws_endpoint_audit_info) classifies it) onto the
    central endpoint, in this order -
    1. the central endpoint (managed for O(topology), in one of O(services_vpc_ids), available) and its
    private hosted zones (managed, alias records to it) exist in the hub account; when not, the run stops
    before any change;
    2. private DNS is turned off on the duplicate endpoint;
    3. the central zones are associated with the duplicate's VPC (across accounts the hub authorizes, the
    VPC owner associates, the hub deletes the authorization);
    4. the duplicate endpoint is deleted, only with O(allow_delete=true) and after steps 2 and 3 read back
    as done.
  - Each step reads the state it depends on first, so a re-run after an interruption at any step resumes
    where the first run stopped; a re-run after success changes nothing (the endpoint is gone).
  - Guard. The endpoint is classified again in this run with the same rules as the audit; endpoints
    classified central, allowed or unknown, endpoints managed by this collection and endpoint types other
    than interface and gateway are refused before any change.
  - Check mode returns the plan (O(vpc_endpoint_id), each step with C(planned) or C(ok), the operations)
    without any mutating call. Outside check mode a missing central endpoint or zone fails the run before
    any change.
  - The module's connection options are those of the account and region holding the duplicate endpoint;
    O(hub) gives the account holding the central endpoint and zones.
options:
  vpc_endpoint_id:
    description: The duplicate endpoint.
    type: str
    required: true
  services_vpc_ids:
    description: IDs of the designated services VPCs, where the central endpoints live.
    type: list
    elements: str
    required: true
  central_services:
    description: Service names (short, such as C(ssm), or full) the central endpoints provide.
    type: list
    elements: str
    required: true
  allowed_gateway_services:
    description: Services whose gateway endpoints are allowed in any VPC (never remediated).
    type: list
    elements: str
    default: [s3, dynamodb]
  allow_delete:
    description:
      - Delete the duplicate endpoint (step 4). With C(false) steps 1 to 3 run and the endpoint is kept,
        private DNS off, with its VPC resolving through the central zones.
    type: bool
    default: false
  hub:
    description:
      - AWS connection options of the account that owns the central endpoint and zones (for example
        O(hub.assume_role_arn) of the network hub's role), merged over the module's own. A role alone is assumed
        with the module's base credentials; an empty O(hub.assume_role_arn) means those base credentials.
      - Omit when the central endpoint is in the same account as the duplicate.
      - Takes the same options as the module's connection options; an option left unset is inherited.
    type: dict
    suboptions:
      access_key:
        description: AWS access key ID of the hub account.
        type: str
        aliases: [aws_access_key_id, aws_access_key, ec2_access_key]
      secret_key:
        description: AWS secret access key of the hub account. Never logged.
        type: str
        aliases: [aws_secret_access_key, aws_secret_key, ec2_secret_key]
      session_token:
        description: AWS session token of the hub account. Never logged.
        type: str
        aliases: [aws_session_token, security_token, aws_security_token]
      profile:
        description: Named profile of the hub account.
        type: str
        aliases: [aws_profile]
      region:
        description: AWS region for the hub account's calls.
        type: str
        aliases: [aws_region, ec2_region]
      endpoint_url:
        description: URL of the AWS API endpoint for the hub account's calls.
        type: str
        aliases: [aws_endpoint_url, ec2_url]
      validate_certs:
        description: Verify TLS certificates of the endpoint. Inherited when unset.
        type: bool
      aws_ca_bundle:
        description: Path to a CA bundle used to verify the endpoint.
        type: path
      assume_role_arn:
        description: ARN of the IAM role in the hub account to assume.
        type: str
      assume_role_session_name:
        description: Session name used with O(hub.assume_role_arn). Inherited when unset.
        type: str
      assume_role_external_id:
        description: External ID required by the trust policy of O(hub.assume_role_arn). Never logged.
        type: str
      retries:
        description: Maximum attempts per API call. Inherited when unset.
        type: int
  wait:
    description: Wait for private DNS to turn off, for association changes and for the deletion.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each change.
    type: int
    default: 600
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.aws.ownership
  - cloudnet.privatelink.attributes
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Replace every duplicate the audit found (run with --check first to see the plan)
  cloudnet.privatelink.aws_endpoint_remediation:
    topology: corp
    vpc_endpoint_id: "{{ item.vpc_endpoint_id }}"
    region: "{{ item.region }}"
    assume_role_arn: arn:aws:iam::222222222222:role/cloudnet-remediate
    hub:
      assume_role_arn: arn:aws:iam::111111111111:role/network-hub
    services_vpc_ids: [vpc-0123456789abcdef0]
    central_services: [ssm, sts]
    allow_delete: true
  loop: "{{ audit.endpoints | selectattr('classification', 'equalto', 'duplicate') | rejectattr('managed') }}"
"""

RETURN = r"""
remediation:
  description: The endpoint after the run (predicted in check mode) and the steps.
  returned: always
  type: dict
  contains:
    vpc_endpoint_id:
      description: The duplicate endpoint.
      type: str
    state:
      description: C(absent) once deleted, otherwise the endpoint state.
      type: str
    private_dns_enabled:
      description: Private DNS of the endpoint (null for gateway endpoints).
      type: bool
    associated_zones:
      description: Private hosted zones associated with the endpoint's VPC.
      type: list
      elements: str
    central_vpc_endpoint_id:
      description: The central endpoint that replaces it.
      type: str
    hosted_zone_ids:
      description: The central zones of the service.
      type: list
      elements: str
    steps:
      description:
        - The steps in order, each with C(status) C(ok) (already done), C(planned) (check mode),
          C(changed) (done now) or C(kept) (deletion not allowed). In check mode, when the central endpoint
          or zones do not exist yet, step 1 is C(blocked) (with C(reason)) and the others C(waiting).
      type: list
      elements: dict
      sample: [{"step": "ensure_central", "status": "ok"}, {"step": "disable_private_dns", "status": "changed"},
        {"step": "associate_zones", "status": "changed"}, {"step": "delete_endpoint", "status": "changed"}]
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
diff:
  description: Before and after; C(after.plan) lists the steps in words.
  returned: with --diff
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.remediation import build_manager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_association import (
    zone_owner_option_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        vpc_endpoint_id={"type": "str", "required": True},
        services_vpc_ids={"type": "list", "elements": "str", "required": True},
        central_services={"type": "list", "elements": "str", "required": True},
        allowed_gateway_services={"type": "list", "elements": "str", "default": ["s3", "dynamodb"]},
        allow_delete={"type": "bool", "default": False},
        hub={"type": "dict", "options": zone_owner_option_spec()},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 600},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: build_manager(AwsConnection, m.params, m.check_mode).run())


if __name__ == "__main__":
    main()
