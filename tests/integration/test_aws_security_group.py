"""aws_security_group and aws_security_group_info against the sandbox; rules read back through boto3."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(scope="module")
def vpc_id(ec2):
    return ec2.create_vpc(CidrBlock="10.80.0.0/16")["Vpc"]["VpcId"]


def _name():
    return f"it-sg-{uuid.uuid4().hex[:8]}"


def _rules(ec2, group_id, egress=False):
    rules = ec2.describe_security_group_rules(Filters=[{"Name": "group-id", "Values": [group_id]}])[
        "SecurityGroupRules"
    ]
    return {
        (
            r["IpProtocol"],
            r.get("FromPort"),
            r.get("ToPort"),
            r.get("CidrIpv4") or r.get("CidrIpv6"),
            r.get("Description", ""),
        )
        for r in rules
        if bool(r["IsEgress"]) is egress
    }


def _args(name, vpc_id, **extra):
    args = {
        "name": name,
        "vpc_id": vpc_id,
        "topology": "it",
        "ingress": [
            {"cidr": "10.0.0.0/8", "from_port": 443, "description": "spokes"},
            {"cidr": "172.16.0.0/12", "protocol": "tcp", "from_port": 443, "to_port": 443},
        ],
    }
    args.update(extra)
    return args


def test_four_pass_and_read_back(four_pass, ec2, module, vpc_id):
    name = _name()
    result = four_pass("aws_security_group", _args(name, vpc_id, egress=[]), "security_group")[
        "security_group"
    ]
    group_id = result["group_id"]
    assert _rules(ec2, group_id) == {
        ("tcp", 443, 443, "10.0.0.0/8", "spokes"),
        ("tcp", 443, 443, "172.16.0.0/12", ""),
    }
    assert _rules(ec2, group_id, egress=True) == set()  # the default allow-all egress was revoked
    group = ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]
    tags = {t["Key"]: t["Value"] for t in group["Tags"]}
    assert tags["Name"] == name and tags["cloudnet:managed-by"] == "cloudnet.privatelink"
    assert result["ingress"] == [
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8", "description": "spokes"},
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "172.16.0.0/12", "description": ""},
    ]
    info = module("aws_security_group_info", {"vpc_id": vpc_id, "names": [name]})["security_groups"]
    assert info == [result]


def test_egress_left_alone_when_unset(module, ec2, vpc_id):
    result = module("aws_security_group", _args(_name(), vpc_id))["security_group"]
    assert _rules(ec2, result["group_id"], egress=True) == {("-1", -1, -1, "0.0.0.0/0", "")}
    assert result["egress"] == [
        {"protocol": "-1", "from_port": -1, "to_port": -1, "cidr": "0.0.0.0/0", "description": ""}
    ]


def test_rule_changed_added_revoked_and_described(module, ec2, vpc_id):
    name = _name()
    group_id = module("aws_security_group", _args(name, vpc_id))["security_group"]["group_id"]
    changed = _args(
        name,
        vpc_id,
        ingress=[
            {"cidr": "10.0.0.0/8", "from_port": 443, "description": "spokes (all)"},
            {"cidr": "192.168.0.0/16", "protocol": "udp", "from_port": 53},
        ],
    )
    result = module("aws_security_group", changed)
    assert [op["action"] for op in result["operations"]] == [
        "revoke_ingress",
        "authorize_ingress",
        "describe_ingress",
    ]
    assert _rules(ec2, group_id) == {
        ("tcp", 443, 443, "10.0.0.0/8", "spokes (all)"),
        ("udp", 53, 53, "192.168.0.0/16", ""),
    }
    assert result["diff"]["before"]["ingress"][1]["cidr"] == "172.16.0.0/12"
    assert module("aws_security_group", changed)["changed"] is False


def test_purge_rules_false_keeps_foreign_rules(module, ec2, vpc_id):
    name = _name()
    group_id = module("aws_security_group", _args(name, vpc_id))["security_group"]["group_id"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.9.9.0/24"}]}
        ],
    )
    assert module("aws_security_group", _args(name, vpc_id, purge_rules=False))["changed"] is False
    result = module("aws_security_group", _args(name, vpc_id))
    assert [op["action"] for op in result["operations"]] == ["revoke_ingress"]
    assert ("tcp", 22, 22, "10.9.9.0/24", "") not in _rules(ec2, group_id)


def test_bad_rule_fails_naming_the_field_before_any_call(module, sandbox, vpc_id):
    before = sandbox.mutating_calls()
    result = module(
        "aws_security_group",
        _args(
            _name(),
            vpc_id,
            ingress=[
                {"cidr": "10.0.0.0/8", "from_port": 443},
                {"cidr": "10.1.0.0/16", "from_port": 700, "to_port": 70},
            ],
        ),
        expect_failure=True,
    )
    assert "ingress[1].to_port" in result["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before


def test_unmanaged_group_is_a_conflict_and_absent_leaves_it(module, ec2, vpc_id):
    name = _name()
    group_id = ec2.create_security_group(GroupName=name, Description="theirs", VpcId=vpc_id)["GroupId"]
    failed = module("aws_security_group", _args(name, vpc_id), expect_failure=True)
    assert group_id in failed["msg"]
    gone = module("aws_security_group", {"name": name, "vpc_id": vpc_id, "topology": "it", "state": "absent"})
    assert gone["changed"] is False and gone["warnings"]
    assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"]


def test_absent_deletes_managed_group(module, ec2, vpc_id):
    name = _name()
    group_id = module("aws_security_group", _args(name, vpc_id))["security_group"]["group_id"]
    result = module(
        "aws_security_group", {"name": name, "vpc_id": vpc_id, "topology": "it", "state": "absent"}
    )
    assert result["changed"] is True
    assert (
        ec2.describe_security_groups(Filters=[{"Name": "group-id", "Values": [group_id]}])["SecurityGroups"]
        == []
    )
