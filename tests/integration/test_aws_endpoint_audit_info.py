"""aws_endpoint_audit_info on the sandbox: endpoints in two accounts, classified and checked."""

from __future__ import annotations

import uuid

import boto3

OTHER_ACCOUNT = "210987654321"
OPEN = '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}'
ORG = ('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*",'
       '"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}')


def _vpc(ec2, cidr):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        ec2.modify_vpc_attribute(VpcId=vpc, **{attribute: {"Value": True}})
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("/16", "/24"), AvailabilityZone="us-east-1a")
    return vpc, subnet["Subnet"]["SubnetId"]


def _other_account_ec2(sandbox):
    sts = sandbox.client("sts")
    role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/audit"
    creds = sts.assume_role(RoleArn=role, RoleSessionName="audit-test")["Credentials"]
    return boto3.client("ec2", endpoint_url=sandbox.url, region_name="us-east-1",
                        aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                        aws_session_token=creds["SessionToken"])


def test_classifies_across_two_accounts(module, ec2, sandbox):
    tag = uuid.uuid4().hex[:6]
    hub, hub_subnet = _vpc(ec2, "10.210.0.0/16")
    app, app_subnet = _vpc(ec2, "10.211.0.0/16")
    open_sg = ec2.create_security_group(GroupName=f"open-{tag}", Description="x", VpcId=app)["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=open_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
    central = ec2.create_vpc_endpoint(VpcId=hub, ServiceName="com.amazonaws.us-east-1.ssm", VpcEndpointType="Interface",
                                      SubnetIds=[hub_subnet], PolicyDocument=ORG)["VpcEndpoint"]["VpcEndpointId"]
    dup = ec2.create_vpc_endpoint(VpcId=app, ServiceName="com.amazonaws.us-east-1.ssm", VpcEndpointType="Interface",
                                  SubnetIds=[app_subnet], SecurityGroupIds=[open_sg],
                                  PolicyDocument=ORG)["VpcEndpoint"]["VpcEndpointId"]
    unknown = ec2.create_vpc_endpoint(VpcId=app, ServiceName="com.amazonaws.us-east-1.kms",
                                      VpcEndpointType="Interface", SubnetIds=[app_subnet],
                                      PolicyDocument=OPEN)["VpcEndpoint"]["VpcEndpointId"]
    rt = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [app]}])["RouteTables"][0]["RouteTableId"]
    gateway = ec2.create_vpc_endpoint(VpcId=app, ServiceName="com.amazonaws.us-east-1.s3", VpcEndpointType="Gateway",
                                      RouteTableIds=[rt], PolicyDocument=ORG)["VpcEndpoint"]["VpcEndpointId"]
    other = _other_account_ec2(sandbox)
    o_vpc = other.create_vpc(CidrBlock="10.212.0.0/16")["Vpc"]["VpcId"]
    for attribute in ("EnableDnsSupport", "EnableDnsHostnames"):
        other.modify_vpc_attribute(VpcId=o_vpc, **{attribute: {"Value": True}})
    o_sub = other.create_subnet(VpcId=o_vpc, CidrBlock="10.212.0.0/24", AvailabilityZone="us-east-1a")
    o_dup = other.create_vpc_endpoint(VpcId=o_vpc, ServiceName="com.amazonaws.us-east-1.sts",
                                      VpcEndpointType="Interface", SubnetIds=[o_sub["Subnet"]["SubnetId"]],
                                      PolicyDocument=ORG)["VpcEndpoint"]["VpcEndpointId"]

    before = sandbox.mutating_calls()
    result = module("aws_endpoint_audit_info", {
        "targets": [{"name": "hub"},
                    {"name": "apps", "assume_role_arn": f"arn:aws:iam::{OTHER_ACCOUNT}:role/audit"}],
        "services_vpc_ids": [hub], "central_services": ["ssm", "sts", "s3"], "consumer_cidrs": ["10.0.0.0/8"],
    })
    if before is not None:
        assert sandbox.mutating_calls() == before, "the audit must not write"
    by_id = {e["vpc_endpoint_id"]: e for e in result["endpoints"]}
    assert by_id[central]["classification"] == "central" and by_id[central]["compliant"]
    assert by_id[dup]["classification"] == "duplicate"
    assert any("0.0.0.0/0" in f for f in by_id[dup]["findings"])
    assert by_id[unknown]["classification"] == "unknown"
    assert any("any principal" in f for f in by_id[unknown]["findings"])
    assert by_id[gateway]["classification"] == "allowed" and by_id[gateway]["compliant"]
    assert by_id[o_dup]["account"] == "apps" and by_id[o_dup]["classification"] == "duplicate"
    assert by_id[dup]["account"] == "hub"
    assert result["summary"]["violations"] >= 3


def test_bad_consumer_cidr_fails_before_any_call(module, sandbox):
    before = sandbox.calls_total()
    result = module("aws_endpoint_audit_info", {"consumer_cidrs": ["10.0.0.1/8"]}, expect_failure=True)
    assert "consumer_cidrs[0]" in result["msg"] and "10.0.0.0/8" in result["msg"]
    if before is not None:
        assert sandbox.calls_total() == before
