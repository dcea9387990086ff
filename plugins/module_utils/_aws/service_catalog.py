# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS services known to offer PrivateLink endpoints, so unknown names fail before any API call.

The list is used only for validation: the real private DNS names always come from
DescribeVpcEndpointServices at run time. Extend it with ``cloudnet_extra_aws_services`` when AWS adds
a service before the collection knows it.
"""

from __future__ import annotations

# Short names as they appear in com.amazonaws.<region>.<short-name>.
INTERFACE_SERVICES = frozenset("""
access-analyzer acm-pca airflow.api airflow.env airflow.ops apigateway app-integrations appconfig
appconfigdata application-autoscaling applicationinsights appmesh appmesh-envoy-management apprunner
appstream.api appsync-api athena auditmanager autoscaling autoscaling-plans backup backup-gateway batch
bedrock bedrock-runtime bedrock-agent bedrock-agent-runtime billing cassandra cloudcontrolapi
cloudformation cloudhsmv2 cloudtrail codeartifact.api codeartifact.repositories codebuild codecommit
codedeploy codedeploy-commands-secure codeguru-profiler codeguru-reviewer codepipeline codestar-connections.api
comprehend comprehendmedical config databrew dataexchange datasync dms ds dynamodb ebs ec2 ec2messages
ecr.api ecr.dkr ecs ecs-agent ecs-telemetry eks eks-auth elasticbeanstalk elasticbeanstalk-health
elasticfilesystem elasticfilesystem-fips elasticloadbalancing elasticmapreduce email-smtp emr-containers
emr-serverless es events execute-api finspace firehose forecast frauddetector fsx git-codecommit glue
grafana greengrass guardduty-data healthlake iam identitystore imagebuilder inspector2 iot.data
iotsitewise.api kendra kinesis-firehose kinesis-streams kms kms-fips lakeformation lambda license-manager
logs lookoutequipment lookoutmetrics lookoutvision macie2 memory-db mgn monitoring notebook
panorama pinpoint polly private-networks qldb.session rds rds-data redshift redshift-data rekognition
rolesanywhere route53resolver s3 s3-outposts sagemaker.api sagemaker.featurestore-runtime
sagemaker.runtime sagemaker.runtime-fips secretsmanager securityhub servicecatalog servicecatalog-appregistry
servicediscovery ses sns sqs ssm ssm-contacts ssm-incidents ssmmessages states storagegateway sts
sync-states synthetics tagging textract timestream-influxdb transcribe transcribestreaming transfer
transfer.server translate verifiedpermissions vpc-lattice workspaces xray
""".split())

# Services that also offer (free) gateway endpoints.
GATEWAY_SERVICES = frozenset({"s3", "dynamodb"})


def aws_service_name(short: str, region: str) -> str:
    return f"com.amazonaws.{region}.{short}"
