"""Normalisers and planners of _aws/security_group.py; the manager against botocore's Stubber."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.security_group import (
    SecurityGroupManager,
    ip_permission,
    normalize_rules,
    plan_rules,
    rule_items,
    rule_key,
    split_rules,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)

VPC = "vpc-0123456789abcdef0"
SG = "sg-0123456789abcdef0"
OWN = [
    {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
    {"Key": "cloudnet:topology", "Value": "t"},
]


@pytest.mark.parametrize(
    "rule, key",
    [
        ({"cidr": "10.0.0.0/8", "protocol": "tcp", "from_port": 443}, ("tcp", 443, 443, "10.0.0.0/8")),
        (
            {"cidr": "10.0.0.0/8", "protocol": "6", "from_port": 1024, "to_port": 2048},
            ("tcp", 1024, 2048, "10.0.0.0/8"),
        ),
        ({"cidr": "10.0.0.0/8", "protocol": "UDP", "from_port": 53}, ("udp", 53, 53, "10.0.0.0/8")),
        ({"cidr": "10.0.0.0/8", "protocol": "icmp"}, ("icmp", -1, -1, "10.0.0.0/8")),
        (
            {"cidr": "10.0.0.0/8", "protocol": "icmp", "from_port": 8, "to_port": 0},
            ("icmp", 8, 0, "10.0.0.0/8"),
        ),
        ({"cidr": "0.0.0.0/0", "protocol": "all"}, ("-1", -1, -1, "0.0.0.0/0")),
        ({"cidr": "FD00::/8", "protocol": "icmpv6"}, ("icmpv6", -1, -1, "fd00::/8")),
    ],
)
def test_normalize_rules_canonical(rule, key):
    assert normalize_rules([rule], "ingress") == {key: ""}


@pytest.mark.parametrize(
    "rules, field",
    [
        ([{"cidr": "10.0.0.1/8", "from_port": 443}], "ingress[0].cidr"),
        ([{"cidr": "10.0.0.0/8", "protocol": "gre"}], "ingress[0].protocol"),
        ([{"cidr": "10.0.0.0/8", "protocol": "tcp"}], "ingress[0].from_port"),
        ([{"cidr": "10.0.0.0/8", "from_port": 70000}], "ingress[0].from_port"),
        ([{"cidr": "10.0.0.0/8", "from_port": 443, "to_port": 80}], "ingress[0].to_port"),
        ([{"cidr": "10.0.0.0/8", "protocol": "-1", "from_port": 443}], "ingress[0].from_port"),
        ([{"cidr": "10.0.0.0/8", "protocol": "icmpv6"}], "ingress[0].protocol"),
        (
            [
                {"cidr": "10.0.0.0/8", "from_port": 443},
                {"cidr": "10.0.0.0/8", "from_port": 443, "to_port": 443},
            ],
            "ingress[1]",
        ),
        ([{"cidr": "10.0.0.0/8", "from_port": 443, "description": "x" * 256}], "ingress[0].description"),
    ],
)
def test_normalize_rules_rejects_by_field(rules, field):
    with pytest.raises(ValidationError) as err:
        normalize_rules(rules, "ingress")
    assert err.value.field == field


def test_rule_key_from_describe_shapes():
    assert rule_key({"IpProtocol": "-1", "FromPort": -1, "ToPort": -1, "CidrIpv4": "0.0.0.0/0"}) == (
        "-1",
        -1,
        -1,
        "0.0.0.0/0",
    )
    assert rule_key({"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "PrefixListId": "pl-1"}) == (
        "tcp",
        443,
        443,
        "pl:pl-1",
    )
    assert rule_key(
        {"IpProtocol": "tcp", "FromPort": 1, "ToPort": 2, "ReferencedGroupInfo": {"GroupId": "sg-9"}}
    ) == ("tcp", 1, 2, "sg:sg-9")


@pytest.mark.parametrize(
    "want, purge, expect",
    [
        (None, True, {"authorize": [], "revoke": [], "describe": []}),
        ({}, False, {"authorize": [], "revoke": [], "describe": []}),
        (
            {},
            True,
            {
                "authorize": [],
                "revoke": [
                    (("tcp", 22, 22, "10.9.0.0/16"), "sgr-2"),
                    (("tcp", 443, 443, "10.0.0.0/8"), "sgr-1"),
                ],
                "describe": [],
            },
        ),
        (
            {("tcp", 443, 443, "10.0.0.0/8"): "new", ("udp", 53, 53, "10.0.0.0/8"): ""},
            True,
            {
                "authorize": [(("udp", 53, 53, "10.0.0.0/8"), "")],
                "revoke": [(("tcp", 22, 22, "10.9.0.0/16"), "sgr-2")],
                "describe": [(("tcp", 443, 443, "10.0.0.0/8"), "sgr-1", "new")],
            },
        ),
    ],
)
def test_plan_rules(want, purge, expect):
    have = {("tcp", 443, 443, "10.0.0.0/8"): ("sgr-1", "old"), ("tcp", 22, 22, "10.9.0.0/16"): ("sgr-2", "")}
    assert plan_rules(want, have, purge) == expect


def test_ip_permission_and_items():
    assert ip_permission(("tcp", 443, 443, "10.0.0.0/8"), "d") == {
        "IpProtocol": "tcp",
        "FromPort": 443,
        "ToPort": 443,
        "IpRanges": [{"CidrIp": "10.0.0.0/8", "Description": "d"}],
    }
    assert ip_permission(("-1", -1, -1, "::/0")) == {"IpProtocol": "-1", "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}
    ingress, egress = split_rules(
        [
            {
                "SecurityGroupRuleId": "sgr-1",
                "IsEgress": False,
                "IpProtocol": "tcp",
                "FromPort": 443,
                "ToPort": 443,
                "CidrIpv4": "10.0.0.0/8",
                "Description": "x",
            },
            {
                "SecurityGroupRuleId": "sgr-2",
                "IsEgress": True,
                "IpProtocol": "-1",
                "FromPort": -1,
                "ToPort": -1,
                "CidrIpv4": "0.0.0.0/0",
            },
        ]
    )
    assert rule_items(ingress) == [
        {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr": "10.0.0.0/8", "description": "x"}
    ]
    assert list(egress.values()) == [("sgr-2", "")]


# --- manager against the documented API responses -------------------------------------------------


def _conn():
    conn = AwsConnection({"region": "us-east-1", "access_key": "AKIDEXAMPLE", "secret_key": "x"})
    client = boto3.client(
        "ec2", region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="x"
    )
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


def _params(**extra):
    p = {
        "name": "endpoints",
        "vpc_id": VPC,
        "topology": "t",
        "state": "present",
        "description": None,
        "ingress": [{"cidr": "10.0.0.0/8", "from_port": 443}],
        "egress": None,
        "purge_rules": True,
        "tags": None,
        "purge_tags": True,
        "wait_timeout": 5,
    }
    p.update(extra)
    return p


def _group(tags=None):
    tags = OWN if tags is None else tags
    return {
        "GroupId": SG,
        "GroupName": "endpoints",
        "VpcId": VPC,
        "Description": "d",
        "Tags": tags + [{"Key": "Name", "Value": "endpoints"}],
    }


def test_update_revokes_by_rule_id_and_authorizes():
    conn, stub = _conn()
    stub.add_response("describe_security_groups", {"SecurityGroups": [_group()]})
    stub.add_response(
        "describe_security_group_rules",
        {
            "SecurityGroupRules": [
                {
                    "SecurityGroupRuleId": "sgr-0aaaaaaaaaaaaaaaa",
                    "GroupId": SG,
                    "IsEgress": False,
                    "IpProtocol": "tcp",
                    "FromPort": 22,
                    "ToPort": 22,
                    "CidrIpv4": "10.0.0.0/8",
                }
            ]
        },
    )
    stub.add_response(
        "revoke_security_group_ingress",
        {"Return": True},
        {"GroupId": SG, "SecurityGroupRuleIds": ["sgr-0aaaaaaaaaaaaaaaa"]},
    )
    stub.add_response(
        "authorize_security_group_ingress",
        {"Return": True},
        {
            "GroupId": SG,
            "IpPermissions": [
                {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}
            ],
        },
    )
    with stub:
        result = SecurityGroupManager(conn, _params(), False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["revoke_ingress", "authorize_ingress"]
    assert result["security_group"]["ingress"][0]["from_port"] == 443


def test_check_mode_on_new_group_predicts_default_egress_revoke_without_writes():
    conn, stub = _conn()
    stub.add_response("describe_security_groups", {"SecurityGroups": []})
    with stub:  # any mutating call would fail: no response is queued for it
        result = SecurityGroupManager(conn, _params(egress=[]), True).ensure()
    assert [op["action"] for op in result["operations"]] == ["create", "authorize_ingress", "revoke_egress"]
    assert result["security_group"]["group_id"] is None and result["security_group"]["egress"] == []


def test_unmanaged_same_name_is_a_conflict():
    conn, stub = _conn()
    stub.add_response("describe_security_groups", {"SecurityGroups": [_group(tags=[])]})
    with stub, pytest.raises(ConflictError, match=SG):
        SecurityGroupManager(conn, _params(), False).ensure()


def test_create_then_reads_rules_of_new_group():
    conn, stub = _conn()
    stub.add_response("describe_security_groups", {"SecurityGroups": []})
    stub.add_response(
        "create_security_group",
        {"GroupId": SG},
        {"GroupName": "endpoints", "Description": ANY, "VpcId": VPC, "TagSpecifications": ANY},
    )
    stub.add_response("describe_security_groups", {"SecurityGroups": [_group()]})
    stub.add_response(
        "describe_security_group_rules",
        {
            "SecurityGroupRules": [
                {
                    "SecurityGroupRuleId": "sgr-0bbbbbbbbbbbbbbbb",
                    "GroupId": SG,
                    "IsEgress": True,
                    "IpProtocol": "-1",
                    "FromPort": -1,
                    "ToPort": -1,
                    "CidrIpv4": "0.0.0.0/0",
                }
            ]
        },
    )
    stub.add_response(
        "authorize_security_group_ingress", {"Return": True}, {"GroupId": SG, "IpPermissions": ANY}
    )
    with stub:
        result = SecurityGroupManager(conn, _params(), False).ensure()
    stub.assert_no_pending_responses()
    assert result["security_group"]["egress"][0]["cidr"] == "0.0.0.0/0"
