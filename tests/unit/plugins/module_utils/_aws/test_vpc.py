"""Normalisers and planners of _aws/vpc.py, without any cloud."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc import info_filters
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc_plan import (
    find_managed_route_table,
    normalize_subnets,
    plan_subnets,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)

OWN = [
    {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
    {"Key": "cloudnet:topology", "Value": "t"},
]


def _subnet(sid, cidr, name=None, managed=True, az="us-east-1a"):
    tags = (list(OWN) if managed else []) + ([{"Key": "Name", "Value": name}] if name else [])
    return {"SubnetId": sid, "CidrBlock": cidr, "AvailabilityZone": az, "Tags": tags}


@pytest.mark.parametrize(
    "subnets, field, fragment",
    [
        ([{"name": "a", "cidr": "10.0.0.1/24"}], "subnets[0].cidr", "host bits"),
        ([{"name": "a", "cidr": "10.1.0.0/24"}], "subnets[0].cidr", "not inside the VPC CIDR"),
        (
            [{"name": "a", "cidr": "10.0.0.0/24"}, {"name": "a", "cidr": "10.0.1.0/24"}],
            "subnets[1].name",
            "twice",
        ),
        (
            [{"name": "a", "cidr": "10.0.0.0/23"}, {"name": "b", "cidr": "10.0.1.0/24"}],
            "subnets[1].cidr",
            "overlaps",
        ),
        ([{"name": "", "cidr": "10.0.0.0/24"}], "subnets[0].name", "empty"),
        ([{"name": "a", "cidr": "10.0.0.0/29"}], "subnets[0].cidr", "/16../28"),
        ([{"name": "a", "cidr": "fd00::/64"}], "subnets[0].cidr", "not IPv4"),
    ],
)
def test_normalize_subnets_rejects_by_field(subnets, field, fragment):
    with pytest.raises(ValidationError) as err:
        normalize_subnets(subnets, "10.0.0.0/16")
    assert err.value.field == field and fragment in err.value.message


def test_normalize_subnets_canonical():
    out = normalize_subnets(
        [
            {"name": " a ", "cidr": " 10.0.0.0/24", "availability_zone": "us-east-1a"},
            {"name": "b", "cidr": "10.0.1.0/24"},
        ],
        "10.0.0.0/16",
    )
    assert out == [
        {"name": "a", "cidr": "10.0.0.0/24", "availability_zone": "us-east-1a"},
        {"name": "b", "cidr": "10.0.1.0/24", "availability_zone": None},
    ]


@pytest.mark.parametrize("purge, want_delete", [(False, []), (True, ["subnet-3"])])
def test_plan_subnets_create_rename_purge(purge, want_delete):
    want = normalize_subnets(
        [
            {"name": "a", "cidr": "10.0.0.0/24"},
            {"name": "b2", "cidr": "10.0.1.0/24"},
            {"name": "new", "cidr": "10.0.5.0/24"},
        ],
        "10.0.0.0/16",
    )
    have = [
        _subnet("subnet-1", "10.0.0.0/24", "a"),
        _subnet("subnet-2", "10.0.1.0/24", "b"),
        _subnet("subnet-3", "10.0.2.0/24", "old"),
        _subnet("subnet-4", "10.0.3.0/24", "foreign", managed=False),
    ]
    plan = plan_subnets(want, have, "t", purge)
    assert [c["cidr"] for c in plan["create"]] == ["10.0.5.0/24"]
    assert [(s["SubnetId"], n) for s, n in plan["rename"]] == [("subnet-2", "b2")]
    assert [s["SubnetId"] for s in plan["delete"]] == want_delete  # never the foreign subnet-4
    assert set(plan["matched"]) == {"10.0.0.0/24", "10.0.1.0/24"}


def test_plan_subnets_other_topology_is_not_purged():
    have = [
        {
            **_subnet("subnet-9", "10.0.9.0/24", "x"),
            "Tags": [OWN[0], {"Key": "cloudnet:topology", "Value": "other"}],
        }
    ]
    assert plan_subnets([], have, "t", True)["delete"] == []


def test_plan_subnets_conflicts():
    want = normalize_subnets(
        [{"name": "a", "cidr": "10.0.0.0/24", "availability_zone": "us-east-1b"}], "10.0.0.0/16"
    )
    with pytest.raises(ConflictError, match="subnet-f"):
        plan_subnets(want, [_subnet("subnet-f", "10.0.0.0/24", managed=False)], "t", False)
    with pytest.raises(ConflictError, match="cannot move"):
        plan_subnets(want, [_subnet("subnet-1", "10.0.0.0/24", "a", az="us-east-1a")], "t", False)


def test_find_managed_route_table_skips_main_and_foreign():
    tables = [
        {
            "RouteTableId": "rtb-1",
            "Associations": [{"Main": True}],
            "Tags": OWN + [{"Key": "Name", "Value": "r"}],
        },
        {"RouteTableId": "rtb-2", "Associations": [], "Tags": [{"Key": "Name", "Value": "r"}]},
        {"RouteTableId": "rtb-3", "Associations": [], "Tags": OWN + [{"Key": "Name", "Value": "r"}]},
    ]
    assert find_managed_route_table(tables, "t", "r")["RouteTableId"] == "rtb-3"
    assert find_managed_route_table(tables, "t", "other") is None
    assert find_managed_route_table(tables, "other", "r") is None


def test_info_filters():
    assert info_filters(["a"], {"env": "x"}, {"state": ["available"], "cidr": "10.0.0.0/16"}) == [
        {"Name": "tag:Name", "Values": ["a"]},
        {"Name": "tag:env", "Values": ["x"]},
        {"Name": "cidr", "Values": ["10.0.0.0/16"]},
        {"Name": "state", "Values": ["available"]},
    ]
    assert info_filters() == []
