"""VPC endpoint behaviour restored on top of moto."""

from __future__ import annotations

import json
import re

import pytest
from behaviour_conftest import client, error_code, patched_aws, vpc_with_subnets
from botocore.exceptions import ClientError

SSM = "com.amazonaws.us-east-1.ssm"
S3 = "com.amazonaws.us-east-1.s3"


def _dns_vpc(ec2, azs=("us-east-1a", "us-east-1b")):
    vpc_id, subnets = vpc_with_subnets(ec2, azs=azs)
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id, subnets


def test_interface_dns_entries_have_regional_and_zonal_names():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = _dns_vpc(ec2)
        ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            ServiceName=SSM,
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            PrivateDnsEnabled=False,
        )["VpcEndpoint"]
        ep_id = ep["VpcEndpointId"]
        names = [e["DnsName"] for e in ep["DnsEntries"]]
        assert len(names) == 3
        assert re.fullmatch(rf"{ep_id}-[a-z0-9]{{8}}\.ssm\.us-east-1\.vpce\.amazonaws\.com", names[0])
        token = names[0].split(".")[0]
        assert names[1:] == [
            f"{token}-us-east-1a.ssm.us-east-1.vpce.amazonaws.com",
            f"{token}-us-east-1b.ssm.us-east-1.vpce.amazonaws.com",
        ]
        assert {e["HostedZoneId"] for e in ep["DnsEntries"]} == {"Z7HUB22UULQXV"}
        described = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]
        assert described["DnsEntries"] == ep["DnsEntries"]


def test_s3_interface_names_are_wildcards_and_private_dns_adds_the_service_name():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = _dns_vpc(ec2, azs=("us-east-1a",))
        ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            ServiceName=S3,
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            PrivateDnsEnabled=True,
        )["VpcEndpoint"]
        names = [e["DnsName"] for e in ep["DnsEntries"]]
        assert names[0].startswith(f"*.{ep['VpcEndpointId']}-") and names[0].endswith(
            ".s3.us-east-1.vpce.amazonaws.com"
        )
        assert names[1].endswith("-us-east-1a.s3.us-east-1.vpce.amazonaws.com")
        assert names[2] == "*.s3.us-east-1.amazonaws.com"
        assert ep["DnsEntries"][2]["HostedZoneId"] != "Z7HUB22UULQXV"


def test_private_dns_needs_vpc_dns_attributes():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2)
        with pytest.raises(ClientError) as exc:
            ec2.create_vpc_endpoint(
                VpcId=vpc_id,
                ServiceName=SSM,
                VpcEndpointType="Interface",
                SubnetIds=subnets,
                PrivateDnsEnabled=True,
            )
        assert error_code(exc) == "InvalidParameter"


def test_modify_private_dns_reset_policy_and_subnets():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = _dns_vpc(ec2)
        policy = json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}],
            }
        )
        ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            ServiceName=SSM,
            VpcEndpointType="Interface",
            SubnetIds=subnets[:1],
            PrivateDnsEnabled=False,
            PolicyDocument=policy,
        )["VpcEndpoint"]
        ep_id = ep["VpcEndpointId"]
        ec2.modify_vpc_endpoint(
            VpcEndpointId=ep_id, PrivateDnsEnabled=True, ResetPolicy=True, AddSubnetIds=subnets[1:]
        )
        got = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]
        assert got["PrivateDnsEnabled"] is True
        assert json.loads(got["PolicyDocument"])["Statement"][0]["Effect"] == "Allow"
        assert len(got["NetworkInterfaceIds"]) == 2
        assert "ssm.us-east-1.amazonaws.com" in [e["DnsName"] for e in got["DnsEntries"]]
        assert any(
            e["DnsName"].endswith("-us-east-1b.ssm.us-east-1.vpce.amazonaws.com") for e in got["DnsEntries"]
        )
        ec2.modify_vpc_endpoint(VpcEndpointId=ep_id, PrivateDnsEnabled=False, RemoveSubnetIds=subnets[:1])
        got = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]
        assert got["PrivateDnsEnabled"] is False and got["SubnetIds"] == subnets[1:]
        assert len(got["NetworkInterfaceIds"]) == 1
        assert [
            e["DnsName"]
            for e in got["DnsEntries"]
            if "amazonaws.com" in e["DnsName"] and "vpce" not in e["DnsName"]
        ] == []


def _prefix_list_routes(ec2, table_id):
    table = ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]
    return [r for r in table["Routes"] if r.get("DestinationPrefixListId")]


def test_gateway_route_tables_move_prefix_list_routes_and_delete_works():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, _ = vpc_with_subnets(ec2)
        rt1 = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        rt2 = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id, ServiceName=S3, VpcEndpointType="Gateway", RouteTableIds=[rt1]
        )["VpcEndpoint"]
        assert ep["PrivateDnsEnabled"] is False and ep["DnsEntries"] == []
        ep_id = ep["VpcEndpointId"]
        ec2.modify_vpc_endpoint(VpcEndpointId=ep_id, AddRouteTableIds=[rt2], RemoveRouteTableIds=[rt1])
        assert _prefix_list_routes(ec2, rt1) == []
        assert [r["GatewayId"] for r in _prefix_list_routes(ec2, rt2)] == [ep_id]
        assert ec2.delete_vpc_endpoints(VpcEndpointIds=[ep_id])["Unsuccessful"] == []
        assert _prefix_list_routes(ec2, rt2) == []


def test_endpoint_services_publish_real_private_dns_names():
    with patched_aws():
        ec2 = client("ec2")
        details = ec2.describe_vpc_endpoint_services(ServiceNames=[S3, SSM])["ServiceDetails"]
        by_type = {(d["ServiceName"], d["ServiceType"][0]["ServiceType"]): d for d in details}
        assert by_type[(S3, "Interface")]["PrivateDnsName"] == "*.s3.us-east-1.amazonaws.com"
        assert by_type[(S3, "Interface")]["PrivateDnsNames"] == [
            {"PrivateDnsName": "*.s3.us-east-1.amazonaws.com"}
        ]
        assert "PrivateDnsName" not in by_type[(S3, "Gateway")]
        assert by_type[(SSM, "Interface")]["PrivateDnsName"] == "ssm.us-east-1.amazonaws.com"
