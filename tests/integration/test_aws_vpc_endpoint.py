"""aws_vpc_endpoint and aws_vpc_endpoint_info against the sandbox; state read back through boto3."""

from __future__ import annotations

import json
import uuid

import pytest

REGION = "us-east-1"
SSM = f"com.amazonaws.{REGION}.ssm"
S3 = f"com.amazonaws.{REGION}.s3"
POLICY = {"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Principal": "*", "Action": ["ssm:GetParameter", "ssm:GetParameters"], "Resource": "*"}]}


@pytest.fixture(scope="module")
def net(ec2):
    """A VPC with DNS on, three subnets in three AZs, two security groups and two route tables."""
    vpc_id = ec2.create_vpc(CidrBlock="10.90.0.0/16")["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.90.{i}.0/24", AvailabilityZone=f"{REGION}{az}")[
        "Subnet"]["SubnetId"] for i, az in enumerate("abc")]
    groups = [ec2.create_security_group(GroupName=f"ep-{i}", Description="endpoints", VpcId=vpc_id)["GroupId"]
              for i in range(2)]
    tables = [ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"] for _index in range(2)]
    return {"vpc_id": vpc_id, "subnets": subnets, "groups": groups, "tables": tables}


def _name():
    return f"ep-{uuid.uuid4().hex[:8]}"


def _read(ec2, ep_id):
    return ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]


def _interface(net, name, **extra):
    args = {"name": name, "topology": "it", "vpc_id": net["vpc_id"], "service_name": SSM,
            "subnet_ids": net["subnets"][:2], "security_group_ids": net["groups"][:1], "policy": POLICY}
    args.update(extra)
    return args


def test_four_pass_interface_and_read_back(four_pass, ec2, module, net):
    name = _name()
    result = four_pass("aws_vpc_endpoint", _interface(net, name), "vpc_endpoint")["vpc_endpoint"]
    ep = _read(ec2, result["vpc_endpoint_id"])
    assert ep["State"] == "available" and ep["VpcEndpointType"] == "Interface"
    assert sorted(ep["SubnetIds"]) == sorted(net["subnets"][:2])
    assert [g["GroupId"] for g in ep["Groups"]] == net["groups"][:1]
    assert ep["PrivateDnsEnabled"] is False
    assert json.loads(ep["PolicyDocument"])["Statement"][0]["Action"] == ["ssm:GetParameter", "ssm:GetParameters"]
    tags = {t["Key"]: t["Value"] for t in ep["Tags"]}
    assert tags["Name"] == name and tags["cloudnet:topology"] == "it"
    assert result["dns_entries"] and result["dns_entries"][0]["dns_name"] == ep["DnsEntries"][0]["DnsName"]
    assert len(result["network_interface_ids"]) == 2

    info = module("aws_vpc_endpoint_info", {"vpc_id": net["vpc_id"], "names": [name]})["vpc_endpoints"]
    assert info == [result]


def test_subnet_added_removed_and_group_swapped(module, ec2, net):
    name = _name()
    ep_id = module("aws_vpc_endpoint", _interface(net, name))["vpc_endpoint"]["vpc_endpoint_id"]
    args = _interface(net, name, subnet_ids=net["subnets"][1:], security_group_ids=net["groups"][1:])
    check = module("aws_vpc_endpoint", args, check=True)
    assert check["operations"] == [{
        "action": "modify", "target": ep_id, "AddSubnetIds": [net["subnets"][2]],
        "RemoveSubnetIds": [net["subnets"][0]], "AddSecurityGroupIds": [net["groups"][1]],
        "RemoveSecurityGroupIds": [net["groups"][0]]}]
    assert sorted(_read(ec2, ep_id)["SubnetIds"]) == sorted(net["subnets"][:2])  # check mode wrote nothing
    result = module("aws_vpc_endpoint", args)
    ep = _read(ec2, ep_id)
    assert sorted(ep["SubnetIds"]) == sorted(net["subnets"][1:])
    assert [g["GroupId"] for g in ep["Groups"]] == net["groups"][1:]
    assert result["vpc_endpoint"]["subnet_ids"] == sorted(net["subnets"][1:])
    assert module("aws_vpc_endpoint", args)["changed"] is False


def test_policy_equivalent_document_is_no_change_and_real_change_and_reset(module, ec2, net):
    name = _name()
    ep_id = module("aws_vpc_endpoint", _interface(net, name))["vpc_endpoint"]["vpc_endpoint_id"]
    same = {"Statement": [{"Resource": "*", "Action": ["ssm:GetParameters", "ssm:GetParameter"],
                           "Principal": {"AWS": "*"}, "Effect": "Allow"}], "Version": "2012-10-17"}
    assert module("aws_vpc_endpoint", _interface(net, name, policy=json.dumps(same)))["changed"] is False

    narrower = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "ssm:GetParameter", "Resource": "*"}]}
    changed = module("aws_vpc_endpoint", _interface(net, name, policy=narrower))
    assert [op["action"] for op in changed["operations"]] == ["modify"]
    assert json.loads(_read(ec2, ep_id)["PolicyDocument"])["Statement"][0]["Action"] == "ssm:GetParameter"

    reset = module("aws_vpc_endpoint", _interface(net, name, policy=None))
    assert reset["operations"][0].get("ResetPolicy") is True
    statement = json.loads(_read(ec2, ep_id)["PolicyDocument"])["Statement"]
    assert statement == [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]
    assert module("aws_vpc_endpoint", _interface(net, name, policy=None))["changed"] is False


def test_private_dns_toggled(module, ec2, net):
    name = _name()
    ep_id = module("aws_vpc_endpoint", _interface(net, name))["vpc_endpoint"]["vpc_endpoint_id"]
    result = module("aws_vpc_endpoint", _interface(net, name, private_dns_enabled=True))
    assert result["operations"][0]["PrivateDnsEnabled"] is True
    assert _read(ec2, ep_id)["PrivateDnsEnabled"] is True
    module("aws_vpc_endpoint", _interface(net, name))
    assert _read(ec2, ep_id)["PrivateDnsEnabled"] is False


def test_gateway_route_tables_reconciled(four_pass, module, ec2, net):
    name = _name()
    args = {"name": name, "topology": "it", "vpc_id": net["vpc_id"], "service_name": S3,
            "endpoint_type": "Gateway", "route_table_ids": net["tables"][:1]}
    ep_id = four_pass("aws_vpc_endpoint", args, "vpc_endpoint")["vpc_endpoint"]["vpc_endpoint_id"]
    assert _read(ec2, ep_id)["RouteTableIds"] == net["tables"][:1]
    module("aws_vpc_endpoint", dict(args, route_table_ids=net["tables"][1:]))
    assert _read(ec2, ep_id)["RouteTableIds"] == net["tables"][1:]
    gone = module("aws_vpc_endpoint", dict(args, state="absent"))
    assert gone["changed"] is True
    assert _read(ec2, ep_id)["State"] == "deleted"


@pytest.mark.parametrize("extra, field", [
    ({"route_table_ids": ["rtb-0123456789abcdef0"]}, "route_table_ids"),
    ({"subnet_ids": ["subnet-nothex"]}, "subnet_ids[0]"),
    ({"policy": "{not json"}, "policy"),
    ({"subnet_ids": []}, "subnet_ids"),
])
def test_bad_input_fails_naming_the_field_before_any_call(module, sandbox, net, extra, field):
    before = sandbox.mutating_calls()
    result = module("aws_vpc_endpoint", _interface(net, _name(), **extra), expect_failure=True)
    assert result["msg"].startswith(f"{field}:")
    if before is not None:
        assert sandbox.mutating_calls() == before


def test_absent_leaves_unmanaged_endpoint_alone(module, ec2, net):
    name = _name()
    ep_id = ec2.create_vpc_endpoint(VpcId=net["vpc_id"], ServiceName=SSM, VpcEndpointType="Interface",
                                    SubnetIds=net["subnets"][:1], TagSpecifications=[{
                                        "ResourceType": "vpc-endpoint", "Tags": [{"Key": "Name", "Value": name}]}])[
        "VpcEndpoint"]["VpcEndpointId"]
    result = module("aws_vpc_endpoint", _interface(net, name, state="absent"))
    assert result["changed"] is False and ep_id in result["warnings"][0]
    assert _read(ec2, ep_id)["State"] not in ("deleting", "deleted")


def test_delete_then_recreate(module, ec2, net):
    name = _name()
    first = module("aws_vpc_endpoint", _interface(net, name))["vpc_endpoint"]["vpc_endpoint_id"]
    module("aws_vpc_endpoint", _interface(net, name, state="absent"))
    assert _read(ec2, first)["State"] == "deleted"
    second = module("aws_vpc_endpoint", _interface(net, name))["vpc_endpoint"]
    assert second["vpc_endpoint_id"] != first and second["state"] == "available"
    assert _read(ec2, second["vpc_endpoint_id"])["State"] == "available"
