"""Interface endpoint network interfaces restored on top of moto: subnet addresses, endpoint security groups."""

from __future__ import annotations

import ipaddress

from behaviour_conftest import client, patched_aws, vpc_with_subnets

SSM = "com.amazonaws.us-east-1.ssm"


def _interfaces(ec2, endpoint):
    return ec2.describe_network_interfaces(NetworkInterfaceIds=endpoint["NetworkInterfaceIds"])["NetworkInterfaces"]


def test_each_interface_has_an_address_of_its_subnet_and_the_endpoint_groups():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2, azs=("us-east-1a", "us-east-1b"))
        sg = ec2.create_security_group(GroupName="endpoints", Description="e", VpcId=vpc_id)["GroupId"]
        ep = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=SSM, VpcEndpointType="Interface", SubnetIds=subnets,
                                     SecurityGroupIds=[sg], PrivateDnsEnabled=False)["VpcEndpoint"]
        enis = _interfaces(ec2, ep)
        assert len(enis) == 2
        cidrs = {s["SubnetId"]: s["CidrBlock"] for s in ec2.describe_subnets(SubnetIds=subnets)["Subnets"]}
        for eni in enis:
            net = ipaddress.ip_network(cidrs[eni["SubnetId"]])
            address = ipaddress.ip_address(eni["PrivateIpAddress"])
            assert address in net
            # AWS reserves the first four addresses and the last one of every subnet.
            assert net.network_address + 4 <= address < net.broadcast_address
            assert [g["GroupId"] for g in eni["Groups"]] == [sg]
            assert eni["InterfaceType"] == "vpc_endpoint" and eni["RequesterManaged"] is True
            assert eni["Description"] == f"VPC Endpoint Interface {ep['VpcEndpointId']}"


def test_two_endpoints_in_one_subnet_get_different_addresses():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2)
        addresses = set()
        for service in (SSM, "com.amazonaws.us-east-1.sts"):
            ep = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=service, VpcEndpointType="Interface",
                                         SubnetIds=subnets, PrivateDnsEnabled=False)["VpcEndpoint"]
            addresses |= {e["PrivateIpAddress"] for e in _interfaces(ec2, ep)}
        assert len(addresses) == 2


def test_without_groups_the_interfaces_carry_the_vpc_default_group_and_follow_modify():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2)
        default = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                        {"Name": "group-name", "Values": ["default"]}])[
            "SecurityGroups"][0]["GroupId"]
        ep = ec2.create_vpc_endpoint(VpcId=vpc_id, ServiceName=SSM, VpcEndpointType="Interface", SubnetIds=subnets,
                                     PrivateDnsEnabled=False)["VpcEndpoint"]
        assert [g["GroupId"] for g in _interfaces(ec2, ep)[0]["Groups"]] == [default]
        described = ec2.describe_vpc_endpoints(VpcEndpointIds=[ep["VpcEndpointId"]])["VpcEndpoints"][0]
        assert [g["GroupId"] for g in described["Groups"]] == [default]
        sg = ec2.create_security_group(GroupName="endpoints", Description="e", VpcId=vpc_id)["GroupId"]
        ec2.modify_vpc_endpoint(VpcEndpointId=ep["VpcEndpointId"], AddSecurityGroupIds=[sg])
        assert {g["GroupId"] for g in _interfaces(ec2, ep)[0]["Groups"]} == {default, sg}
        ec2.modify_vpc_endpoint(VpcEndpointId=ep["VpcEndpointId"], RemoveSecurityGroupIds=[default])
        assert [g["GroupId"] for g in _interfaces(ec2, ep)[0]["Groups"]] == [sg]
