"""Create (once) an STS interface endpoint with private DNS on and no collection tags: a team's duplicate.

Usage: rogue_endpoint.py VPC_ID SUBNET_ID. Prints "created <id>" or "exists <id>". Standard AWS_* settings.
"""

import sys

import boto3

vpc_id, subnet_id = sys.argv[1:3]
ec2 = boto3.client("ec2")
service = "com.amazonaws.us-east-1.sts"
found = [e for e in ec2.describe_vpc_endpoints(
    Filters=[{"Name": "vpc-id", "Values": [vpc_id]}, {"Name": "service-name", "Values": [service]}])["VpcEndpoints"]
    if e["State"].lower() not in ("deleted", "deleting")]
if found:
    print("exists", found[0]["VpcEndpointId"])
else:
    endpoint = ec2.create_vpc_endpoint(
        VpcId=vpc_id, ServiceName=service, VpcEndpointType="Interface", SubnetIds=[subnet_id],
        PrivateDnsEnabled=True,
        TagSpecifications=[{"ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": "mol-gov-app-sts"}]}],
    )["VpcEndpoint"]
    print("created", endpoint["VpcEndpointId"])
