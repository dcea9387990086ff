"""aws_vpc and aws_vpc_info against the sandbox; state read back through boto3."""

from __future__ import annotations

import uuid


def _name():
    return f"vpc-{uuid.uuid4().hex[:8]}"


def _tags(resource):
    return {t["Key"]: t["Value"] for t in resource.get("Tags", [])}


def _args(name, **extra):
    args = {
        "name": name,
        "topology": "it",
        "cidr_block": "10.50.0.0/16",
        "subnets": [
            {"name": f"{name}-a", "cidr": "10.50.0.0/24", "availability_zone": "us-east-1a"},
            {"name": f"{name}-b", "cidr": "10.50.1.0/24", "availability_zone": "us-east-1b"},
        ],
        "route_table": {"name": f"{name}-rt"},
    }
    args.update(extra)
    return args


def test_four_pass_and_read_back(four_pass, ec2, module):
    name = _name()
    result = four_pass("aws_vpc", _args(name, tags={"team": "net"}), "vpc")["vpc"]
    vpc_id = result["vpc_id"]
    vpc = ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0]
    assert vpc["CidrBlock"] == "10.50.0.0/16"
    tags = _tags(vpc)
    assert tags["Name"] == name and tags["team"] == "net" and tags["cloudnet:topology"] == "it"
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"][
        "Value"
    ]
    assert ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsSupport")["EnableDnsSupport"]["Value"]
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    got = {(s["CidrBlock"], s["AvailabilityZone"], _tags(s)["Name"]) for s in subnets}
    assert got == {("10.50.0.0/24", "us-east-1a", f"{name}-a"), ("10.50.1.0/24", "us-east-1b", f"{name}-b")}
    assert [s["subnet_id"] for s in result["subnets"]] == [
        next(s["SubnetId"] for s in subnets if s["CidrBlock"] == c) for c in ("10.50.0.0/24", "10.50.1.0/24")
    ]
    rtb = ec2.describe_route_tables(RouteTableIds=[result["route_table_id"]])["RouteTables"][0]
    assert _tags(rtb)["Name"] == f"{name}-rt"
    assert {a["SubnetId"] for a in rtb["Associations"] if a.get("SubnetId")} == {
        s["SubnetId"] for s in subnets
    }

    info = module("aws_vpc_info", {"names": [name], "topology": "it"})["vpcs"]
    assert len(info) == 1
    assert {k: info[0][k] for k in ("vpc_id", "cidr_block", "name", "tags", "route_table_id")} == {
        k: result[k] for k in ("vpc_id", "cidr_block", "name", "tags", "route_table_id")
    }
    assert sorted(info[0]["subnets"], key=lambda s: s["cidr"]) == sorted(
        result["subnets"], key=lambda s: s["cidr"]
    )


def test_subnet_added_renamed_and_purged(module, ec2):
    name = _name()
    first = module("aws_vpc", _args(name))["vpc"]
    vpc_id = first["vpc_id"]
    args = _args(
        name,
        purge_subnets=True,
        subnets=[
            {"name": f"{name}-a2", "cidr": "10.50.0.0/24", "availability_zone": "us-east-1a"},
            {"name": f"{name}-c", "cidr": "10.50.2.0/24", "availability_zone": "us-east-1c"},
        ],
    )
    check = module("aws_vpc", args, check=True)
    assert [op["action"] for op in check["operations"]] == [
        "disassociate_route_table",
        "delete_subnet",
        "tag",
        "create_subnet",
        "associate_route_table",
    ]
    second = module("aws_vpc", args)
    assert second["changed"] is True
    subnets = ec2.describe_subnets(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Subnets"]
    assert {(s["CidrBlock"], _tags(s)["Name"]) for s in subnets} == {
        ("10.50.0.0/24", f"{name}-a2"),
        ("10.50.2.0/24", f"{name}-c"),
    }
    rtb = ec2.describe_route_tables(RouteTableIds=[first["route_table_id"]])["RouteTables"][0]
    assert {a["SubnetId"] for a in rtb["Associations"] if a.get("SubnetId")} == {
        s["SubnetId"] for s in subnets
    }
    assert module("aws_vpc", args)["changed"] is False


def test_dns_attribute_change(module, ec2):
    name = _name()
    vpc_id = module("aws_vpc", _args(name, subnets=[], route_table=None))["vpc"]["vpc_id"]
    result = module("aws_vpc", _args(name, subnets=[], route_table=None, enable_dns_hostnames=False))
    assert [op["action"] for op in result["operations"]] == ["set_attribute"]
    assert not ec2.describe_vpc_attribute(VpcId=vpc_id, Attribute="enableDnsHostnames")["EnableDnsHostnames"][
        "Value"
    ]
    assert result["diff"]["before"]["enable_dns_hostnames"] is True
    assert result["vpc"]["enable_dns_hostnames"] is False


def test_bad_subnet_fails_naming_the_field_before_any_call(module, sandbox):
    before = sandbox.mutating_calls()
    result = module(
        "aws_vpc", _args(_name(), subnets=[{"name": "x", "cidr": "10.60.0.0/24"}]), expect_failure=True
    )
    assert "subnets[0].cidr" in result["msg"] and "10.50.0.0/16" in result["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before


def test_foreign_subnet_cidr_is_a_conflict(module, ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.70.0.0/16")["Vpc"]["VpcId"]
    foreign = ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.70.0.0/24")["Subnet"]["SubnetId"]
    result = module(
        "aws_vpc",
        {"vpc_id": vpc_id, "topology": "it", "subnets": [{"name": "mine", "cidr": "10.70.0.0/24"}]},
        expect_failure=True,
    )
    assert foreign in result["msg"]
    assert _tags(ec2.describe_subnets(SubnetIds=[foreign])["Subnets"][0]) == {}


def test_adopted_vpc_gets_tags_only_and_absent_leaves_it(module, ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.71.0.0/16")["Vpc"]["VpcId"]
    ec2.create_tags(Resources=[vpc_id], Tags=[{"Key": "owner", "Value": "someone"}])
    result = module(
        "aws_vpc", {"vpc_id": vpc_id, "topology": "it", "tags": {"env": "test"}, "enable_dns_hostnames": True}
    )
    tags = _tags(ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"][0])
    assert tags == {"owner": "someone", "env": "test"}
    assert [op["action"] for op in result["operations"]] == ["tag"]
    gone = module("aws_vpc", {"vpc_id": vpc_id, "topology": "it", "state": "absent"})
    assert gone["changed"] is False and gone["warnings"]
    assert ec2.describe_vpcs(VpcIds=[vpc_id])["Vpcs"]


def test_absent_deletes_managed_vpc_with_subnets(module, ec2):
    name = _name()
    vpc_id = module("aws_vpc", _args(name))["vpc"]["vpc_id"]
    result = module("aws_vpc", {"name": name, "topology": "it", "state": "absent"})
    assert result["changed"] is True
    assert [op["action"] for op in result["operations"]] == [
        "disassociate_route_table",
        "disassociate_route_table",
        "delete_subnet",
        "delete_subnet",
        "delete_route_table",
        "delete",
    ]
    assert ec2.describe_vpcs(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])["Vpcs"] == []
    assert module("aws_vpc", {"name": name, "topology": "it", "state": "absent"})["changed"] is False
