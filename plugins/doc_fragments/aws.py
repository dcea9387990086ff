# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options shared by every AWS module; names and aliases match amazon.aws.
    DOCUMENTATION = r"""
options:
  access_key:
    description:
      - AWS access key ID.
      - If not set, boto3 reads E(AWS_ACCESS_KEY_ID), the profile, or the instance role.
    type: str
    aliases: [aws_access_key_id, aws_access_key, ec2_access_key]
  secret_key:
    description:
      - AWS secret access key. Never logged.
      - If not set, boto3 reads E(AWS_SECRET_ACCESS_KEY) or the profile.
    type: str
    aliases: [aws_secret_access_key, aws_secret_key, ec2_secret_key]
  session_token:
    description:
      - AWS session token for temporary credentials. Never logged.
    type: str
    aliases: [aws_session_token, security_token, aws_security_token]
  profile:
    description:
      - Named profile from the AWS shared configuration files. Also read from E(AWS_PROFILE).
      - Mutually exclusive with O(access_key) and O(secret_key) in practice; explicit keys win.
    type: str
    aliases: [aws_profile]
  region:
    description:
      - AWS region, for example C(us-east-1). Also read from E(AWS_REGION) or E(AWS_DEFAULT_REGION).
    type: str
    aliases: [aws_region, ec2_region]
  endpoint_url:
    description:
      - URL of the AWS API endpoint, for VPC interface endpoints for the AWS APIs or a local test cloud.
      - Also read from E(AWS_URL) or E(EC2_URL) (amazon.aws) and by boto3 from E(AWS_ENDPOINT_URL).
    type: str
    aliases: [aws_endpoint_url, ec2_url]
  validate_certs:
    description:
      - Verify TLS certificates of the AWS endpoint.
    type: bool
    default: true
  aws_ca_bundle:
    description:
      - Path to a CA bundle used to verify the AWS endpoint.
    type: path
  assume_role_arn:
    description:
      - ARN of an IAM role to assume before any call, for per-account work from one controller.
    type: str
  assume_role_session_name:
    description:
      - Session name used with O(assume_role_arn); it appears in CloudTrail.
    type: str
    default: cloudnet-privatelink
  assume_role_external_id:
    description:
      - External ID required by the trust policy of O(assume_role_arn). Never logged.
    type: str
  retries:
    description:
      - Maximum attempts per API call. Throttling, 5xx and connection errors are retried with
        exponential back-off and jitter (botocore standard retry mode).
    type: int
    default: 10
requirements:
  - python >= 3.11
  - boto3 >= 1.44.8
  - botocore >= 1.44.8
"""

    OWNERSHIP = r"""
options:
  topology:
    description:
      - Name of the topology this object belongs to.
      - Objects the collection creates are tagged C(cloudnet:managed-by=cloudnet.privatelink) and
        C(cloudnet:topology=<topology>); purges and deletions act only on objects with both tags.
    type: str
    default: default
"""
