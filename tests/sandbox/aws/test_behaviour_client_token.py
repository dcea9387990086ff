"""ClientToken / CallerReference idempotency restored on top of moto."""

from __future__ import annotations

import pytest
from behaviour_conftest import client, error_code, patched_aws, vpc_with_subnets
from botocore.exceptions import ClientError

from sandbox.aws.patches.client_token_idempotency import token_actions


def test_token_actions_come_from_the_service_model():
    actions = token_actions()
    assert {"CreateVpcEndpoint", "CreateNatGateway", "CreateRouteTable", "CreateFlowLogs"} <= actions
    assert "CreateVpc" not in actions


def test_same_token_same_parameters_returns_the_first_endpoint():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2)
        kwargs = dict(
            VpcId=vpc_id,
            ServiceName="com.amazonaws.us-east-1.ssm",
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            PrivateDnsEnabled=False,
            ClientToken="token-1",
        )
        first = ec2.create_vpc_endpoint(**kwargs)["VpcEndpoint"]
        second = ec2.create_vpc_endpoint(**kwargs)["VpcEndpoint"]
        assert second["VpcEndpointId"] == first["VpcEndpointId"]
        assert len(ec2.describe_vpc_endpoints()["VpcEndpoints"]) == 1


def test_same_token_different_parameters_fails():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2)
        ec2.create_route_table(VpcId=vpc_id, ClientToken="rt-token")
        other_vpc = ec2.create_vpc(CidrBlock="10.9.0.0/16")["Vpc"]["VpcId"]
        with pytest.raises(ClientError) as exc:
            ec2.create_route_table(VpcId=other_vpc, ClientToken="rt-token")
        assert error_code(exc) == "IdempotentParameterMismatch"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
        tables = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [other_vpc]}])["RouteTables"]
        assert [t["Associations"][0]["Main"] for t in tables] == [True]  # only the main table


def test_tokens_are_scoped_per_region():
    with patched_aws():
        east, west = client("ec2"), client("ec2", region="us-west-2")
        east_vpc = east.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        west_vpc = west.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        a = east.create_route_table(VpcId=east_vpc, ClientToken="t")["RouteTable"]["RouteTableId"]
        b = west.create_route_table(VpcId=west_vpc, ClientToken="t")["RouteTable"]["RouteTableId"]
        assert a != b


def test_hosted_zone_caller_reference_is_unique():
    with patched_aws():
        r53 = client("route53")
        r53.create_hosted_zone(Name="example.internal", CallerReference="ref-1")
        with pytest.raises(ClientError) as exc:
            r53.create_hosted_zone(Name="example.internal", CallerReference="ref-1")
        assert error_code(exc) == "HostedZoneAlreadyExists"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409
