#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: aws_route53_zone_association
short_description: Associate one VPC with many Route 53 private hosted zones, across accounts
version_added: 0.1.0
description:
  - Reconciles, in one call, the associations of one VPC (a spoke) with the private hosted zones of the
    central endpoints. The module's own credentials are those of the account that owns the VPC.
  - Incremental. With O(state=present) the missing associations are made and the others are left as they
    are; with O(purge=true) zones tagged as managed by this collection for O(topology) and not listed are
    also disassociated. With O(state=absent) the listed zones are disassociated.
  - Route 53 never lets a private zone lose its last VPC. O(state=absent) fails before any change when a
    listed zone has only this VPC; O(purge) keeps such zones with a warning.
  - Cross-account. When O(zone_owner) is given and the zones belong to another account, each missing
    association runs C(CreateVPCAssociationAuthorization) as the zone owner, C(AssociateVPCWithHostedZone)
    as the VPC owner, then C(DeleteVPCAssociationAuthorization) as the zone owner. An authorization left
    behind by an interrupted run is found and deleted on the next run.
options:
  vpc_id:
    description: The VPC to associate.
    type: str
    required: true
  vpc_region:
    description: Region of O(vpc_id). Defaults to O(region).
    type: str
  hosted_zone_ids:
    description: Private hosted zone IDs, with or without the C(/hostedzone/) prefix.
    type: list
    elements: str
    default: []
  state:
    description: Whether the listed zones are associated with the VPC.
    type: str
    choices: [present, absent]
    default: present
  purge:
    description:
      - With O(state=present), also disassociate zones associated with the VPC that are tagged as managed by
        this collection for O(topology) and not listed. Zones of other owners are never touched.
    type: bool
    default: false
  zone_owner:
    description:
      - AWS connection options of the account that owns the zones, for example
        C(assume_role_arn=arn:aws:iam::111111111111:role/network-hub).
      - They are merged over the module's own connection options. Keys or a profile here replace the
        module's credentials; a role alone is assumed with the module's base credentials.
      - Takes the same options as the module's connection options; an option left unset is inherited.
    type: dict
    suboptions:
      access_key:
        description: AWS access key ID of the zone owner.
        type: str
        aliases: [aws_access_key_id, aws_access_key, ec2_access_key]
      secret_key:
        description: AWS secret access key of the zone owner. Never logged.
        type: str
        aliases: [aws_secret_access_key, aws_secret_key, ec2_secret_key]
      session_token:
        description: AWS session token of the zone owner. Never logged.
        type: str
        aliases: [aws_session_token, security_token, aws_security_token]
      profile:
        description: Named profile of the zone owner.
        type: str
        aliases: [aws_profile]
      region:
        description: AWS region for the zone owner's calls.
        type: str
        aliases: [aws_region, ec2_region]
      endpoint_url:
        description: URL of the AWS API endpoint for the zone owner's calls.
        type: str
        aliases: [aws_endpoint_url, ec2_url]
      validate_certs:
        description: Verify TLS certificates of the endpoint. Inherited when unset.
        type: bool
      aws_ca_bundle:
        description: Path to a CA bundle used to verify the endpoint.
        type: path
      assume_role_arn:
        description: ARN of the IAM role in the zone owner's account to assume.
        type: str
      assume_role_session_name:
        description: Session name used with O(zone_owner.assume_role_arn). Inherited when unset.
        type: str
      assume_role_external_id:
        description: External ID required by the trust policy of O(zone_owner.assume_role_arn). Never logged.
        type: str
      retries:
        description: Maximum attempts per API call. Inherited when unset.
        type: int
  wait:
    description: Wait until each association change is C(INSYNC).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for each change.
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
- name: Spoke (this account) resolves the central endpoint zones owned by the hub account
  cloudnet.privatelink.aws_route53_zone_association:
    topology: corp
    vpc_id: vpc-0123456789abcdef0
    vpc_region: us-east-1
    hosted_zone_ids: "{{ endpoint_zones | map(attribute='hosted_zone_id') | list }}"
    purge: true
    zone_owner:
      assume_role_arn: arn:aws:iam::111111111111:role/network-hub

- name: Stop resolving one service in a spoke
  cloudnet.privatelink.aws_route53_zone_association:
    vpc_id: vpc-0123456789abcdef0
    hosted_zone_ids: [Z0123456789ABCDEFGHIJ]
    state: absent
"""

RETURN = r"""
associations:
  description: The listed (and purged) zones after the run (predicted in check mode), sorted by ID.
  returned: always
  type: list
  elements: dict
  contains:
    hosted_zone_id:
      description: Zone ID.
      type: str
      sample: Z0123456789ABCDEFGHIJ
    name:
      description: Zone name, when readable by the VPC owner or the zone owner.
      type: str
      sample: ssm.us-east-1.amazonaws.com
    associated:
      description: Whether the zone is associated with O(vpc_id).
      type: bool
    owner_account:
      description: Account that owns the zone, when the zone is associated.
      type: str
operations:
  description: The mutations made (or, in check mode, that would be made), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"action": "authorize", "target": "Z0123456789ABCDEFGHIJ", "vpc_id": "vpc-0123", "account": "zone_owner"},
    {"action": "associate", "target": "Z0123456789ABCDEFGHIJ", "vpc_id": "vpc-0123"},
    {"action": "deauthorize", "target": "Z0123456789ABCDEFGHIJ", "vpc_id": "vpc-0123", "account": "zone_owner"}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import (
    AwsConnection,
    aws_argument_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_association import (
    build_manager,
    zone_owner_option_spec,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    OWNERSHIP_ARGUMENT_SPEC,
    run,
)


def main():
    spec = aws_argument_spec(
        vpc_id={"type": "str", "required": True},
        vpc_region={"type": "str"},
        hosted_zone_ids={"type": "list", "elements": "str", "default": []},
        state={"type": "str", "choices": ["present", "absent"], "default": "present"},
        purge={"type": "bool", "default": False},
        zone_owner={"type": "dict", "options": zone_owner_option_spec()},
        wait={"type": "bool", "default": True},
        wait_timeout={"type": "int", "default": 300},
        **OWNERSHIP_ARGUMENT_SPEC,
    )
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    run(module, lambda m: build_manager(AwsConnection, m.params, m.check_mode).ensure())


if __name__ == "__main__":
    main()
