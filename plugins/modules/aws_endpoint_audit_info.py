#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_endpoint_audit_info
short_description: Find and classify every VPC endpoint across accounts and regions
version_added: 0.1.0
description:
  - Reads every VPC endpoint in each target account and region and classifies it as C(central) (in a
    designated services VPC), C(allowed) (a gateway endpoint for an allowed service such as S3 or
    DynamoDB), C(duplicate) (outside the services VPC for a service the central catalog provides) or
    C(unknown) (outside the services VPC for a service the catalog does not know).
  - Flags endpoint policies that allow any principal on any resource without an organization, account
    or network condition, S3 policies reaching buckets outside the declared ones, and interface endpoint
    security groups admitting networks wider than the declared consumers.
  - Read-only. Remediation is a separate, explicit step (M(cloudnet.privatelink.aws_endpoint_remediation)).
options:
  targets:
    description:
      - Accounts and regions to audit. Each item may set C(assume_role_arn) (the account's audit role),
        C(name) (label in the report) and C(regions). Without targets, the caller's account in O(region).
    type: list
    elements: dict
    default: []
  services_vpc_ids:
    description: IDs of the designated services VPCs (all regions).
    type: list
    elements: str
    default: []
  central_services:
    description: Service names (short, such as C(ssm), or full) the central endpoints provide.
    type: list
    elements: str
    default: []
  allowed_gateway_services:
    description: Services whose gateway endpoints are allowed in any VPC.
    type: list
    elements: str
    default: [s3, dynamodb]
  consumer_cidrs:
    description: Declared consumer networks; endpoint security groups must not admit anything wider.
    type: list
    elements: str
    default: []
  allowed_buckets:
    description: S3 buckets endpoint policies may grant access to. Empty disables the check.
    type: list
    elements: str
    default: []
extends_documentation_fragment:
  - cloudnet.privatelink.aws
  - cloudnet.privatelink.attributes.info
author:
  - cloudnet.privatelink contributors (@cloudnet)
"""

EXAMPLES = r"""
- name: Audit two accounts in two regions
  cloudnet.privatelink.aws_endpoint_audit_info:
    targets:
      - name: payments
        assume_role_arn: arn:aws:iam::222222222222:role/cloudnet-audit
        regions: [us-east-1, eu-west-1]
    services_vpc_ids: [vpc-0123456789abcdef0]
    central_services: [ssm, sts, s3]
    consumer_cidrs: [10.0.0.0/8]
  register: audit
"""

RETURN = r"""
endpoints:
  description: Every endpoint found, classified.
  returned: always
  type: list
  elements: dict
  contains:
    vpc_endpoint_id:
      description: Endpoint ID.
      type: str
    account:
      description: Target label or account ID.
      type: str
    target_index:
      description:
        - Index in O(targets) of the target the endpoint was found with (null without targets), so a
          remediation step can reach the endpoint's account with the same options.
      type: int
    managed:
      description: Whether the endpoint carries the collection's ownership tag.
      type: bool
    region:
      description: Region.
      type: str
    classification:
      description: C(central), C(allowed), C(duplicate) or C(unknown).
      type: str
    findings:
      description: Why the endpoint is not compliant; empty when it is.
      type: list
      elements: str
    compliant:
      description: True when there are no findings.
      type: bool
summary:
  description: Counts per classification, C(violations) and C(total).
  returned: always
  type: dict
"""

import copy

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.governance import (
    audit_endpoints,
    read_account,
    summarize,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import run
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import canonical_cidr


def audit(module):
    p = module.params
    policy = {
        "services_vpc_ids": p["services_vpc_ids"],
        "central_services": p["central_services"],
        "allowed_gateway_services": p["allowed_gateway_services"],
        "consumer_cidrs": [canonical_cidr(c, f"consumer_cidrs[{i}]") for i, c in enumerate(p["consumer_cidrs"])],
        "allowed_buckets": p["allowed_buckets"],
    }
    targets = p["targets"] or [{}]
    for i, t in enumerate(targets):
        unknown = set(t) - {"name", "assume_role_arn", "regions", "assume_role_external_id"}
        if unknown:
            raise ValidationError(f"targets[{i}]", sorted(unknown), "has unknown keys",
                                  "use name, assume_role_arn, assume_role_external_id and regions")
    results = []
    for index, t in enumerate(targets):
        for region in t.get("regions") or [p.get("region")]:
            params = copy.deepcopy(p)
            params["region"] = region
            for key in ("assume_role_arn", "assume_role_external_id"):
                if t.get(key):
                    params[key] = t[key]
            conn = AwsConnection(params)
            endpoints, groups = read_account(conn)
            label = t.get("name") or conn.account_id()
            found = audit_endpoints(endpoints, groups, policy, label, conn.region)
            for item in found:
                item["target_index"] = index if p["targets"] else None
            results += found
    return {"changed": False, "endpoints": results, "summary": summarize(results)}


def main():
    spec = aws_argument_spec(
        targets={"type": "list", "elements": "dict", "default": []},
        services_vpc_ids={"type": "list", "elements": "str", "default": []},
        central_services={"type": "list", "elements": "str", "default": []},
        allowed_gateway_services={"type": "list", "elements": "str", "default": ["s3", "dynamodb"]},
        consumer_cidrs={"type": "list", "elements": "str", "default": []},
        allowed_buckets={"type": "list", "elements": "str", "default": []},
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, audit)


if __name__ == "__main__":
    main()
