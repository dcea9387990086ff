"""EC2 paging added in front of moto, exercised through boto3 paginators."""

from __future__ import annotations

import math

import pytest
from botocore.exceptions import ClientError

from sandbox.aws import paging

VPC_COUNT = 23


@pytest.fixture
def vpcs(make_client, control):
    ec2 = make_client("ec2")
    created = [ec2.create_vpc(CidrBlock=f"10.{i}.0.0/16")["Vpc"]["VpcId"] for i in range(VPC_COUNT)]
    return ec2, created


def _code(excinfo) -> str:
    return excinfo.value.response["Error"]["Code"]


def test_without_a_page_size_everything_comes_in_one_answer(vpcs):
    ec2, created = vpcs
    answer = ec2.describe_vpcs()
    assert set(created) <= {v["VpcId"] for v in answer["Vpcs"]}
    assert "NextToken" not in answer


def test_default_page_size_pages_through_every_item_exactly_once(vpcs, control):
    ec2, created = vpcs
    everything = [v["VpcId"] for v in ec2.describe_vpcs()["Vpcs"]]
    control.settings(page_size=5)
    control.reset_calls()
    pages = list(ec2.get_paginator("describe_vpcs").paginate())
    seen = [v["VpcId"] for page in pages for v in page["Vpcs"]]
    assert sorted(seen) == sorted(everything)
    assert len(seen) == len(set(seen))
    assert [len(p["Vpcs"]) for p in pages[:-1]] == [5] * (len(pages) - 1)
    assert len(pages) == math.ceil(len(everything) / 5)
    assert "NextToken" not in pages[-1]
    assert control.summary()["by_operation"]["ec2:DescribeVpcs"]["count"] == len(pages)


def test_max_results_from_the_paginator_wins_over_the_default(vpcs, control):
    ec2, created = vpcs
    control.settings(page_size=5)
    pages = list(ec2.get_paginator("describe_vpcs").paginate(PaginationConfig={"PageSize": 7}))
    assert [len(p["Vpcs"]) for p in pages[:-1]] == [7] * (len(pages) - 1)
    assert set(created) <= {v["VpcId"] for p in pages for v in p["Vpcs"]}


def test_filters_and_paging_combine(vpcs, control):
    ec2, created = vpcs
    vpc_id = created[0]
    subnets = {
        ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"] for i in range(12)
    }
    control.settings(page_size=5)
    pages = list(
        ec2.get_paginator("describe_subnets").paginate(Filters=[{"Name": "vpc-id", "Values": [vpc_id]}])
    )
    seen = [s["SubnetId"] for p in pages for s in p["Subnets"]]
    assert sorted(seen) == sorted(subnets)
    assert [len(p["Subnets"]) for p in pages] == [5, 5, 2]


def test_two_result_lists_are_paged_together(make_client, control):
    ec2 = make_client("ec2")
    full = ec2.describe_vpc_endpoint_services()
    pages = list(
        ec2.get_paginator("describe_vpc_endpoint_services").paginate(PaginationConfig={"PageSize": 100})
    )
    assert len(pages) > 1
    assert all(len(p["ServiceNames"]) <= 100 and len(p["ServiceDetails"]) <= 100 for p in pages)
    assert [n for p in pages for n in p["ServiceNames"]] == full["ServiceNames"]
    assert [d["ServiceName"] for p in pages for d in p["ServiceDetails"]] == [
        d["ServiceName"] for d in full["ServiceDetails"]
    ]


def test_a_token_is_only_valid_for_the_request_that_issued_it(vpcs):
    ec2, created = vpcs
    token = ec2.describe_vpcs(MaxResults=5)["NextToken"]
    second = ec2.describe_vpcs(MaxResults=5, NextToken=token)
    assert len(second["Vpcs"]) == 5

    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(MaxResults=5, NextToken=token, Filters=[{"Name": "vpc-id", "Values": [created[0]]}])
    assert _code(excinfo) == "InvalidPaginationToken"
    assert excinfo.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_subnets(MaxResults=5, NextToken=token)
    assert _code(excinfo) == "InvalidPaginationToken"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(NextToken="not-a-token")
    assert _code(excinfo) == "InvalidPaginationToken"


def test_max_results_outside_the_documented_bounds_is_rejected(make_client, control):
    ec2 = make_client("ec2")
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpcs(MaxResults=1001)
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_vpc_endpoints(MaxResults=4)
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_route_tables(MaxResults=101)
    assert _code(excinfo) == "InvalidParameterValue"
    # The reference says larger values return at most 1,000 items for endpoint describes.
    assert ec2.describe_vpc_endpoints(MaxResults=5000)["VpcEndpoints"] == []
    # botocore checks the modelled minimum itself; the server checks it too.
    unchecked = make_client("ec2", parameter_validation=False)
    with pytest.raises(ClientError) as excinfo:
        unchecked.describe_vpcs(MaxResults=1)
    assert _code(excinfo) == "InvalidParameterValue"
    with pytest.raises(ClientError) as excinfo:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"], MaxResults=5)
    assert _code(excinfo) == "InvalidParameterCombination"


def test_paging_specs_come_from_the_botocore_model():
    spec = paging.page_spec("DescribeVpcEndpoints")
    assert spec.elements == ("vpcEndpointSet",)
    assert (spec.minimum, spec.maximum, spec.clamp) == (5, 1000, True)
    assert paging.page_spec("DescribeVpcs").elements == ("vpcSet",)
    assert (paging.page_spec("DescribeVpcs").minimum, paging.page_spec("DescribeVpcs").maximum) == (5, 1000)
    assert paging.page_spec("DescribeSecurityGroups").elements == ("securityGroupInfo",)
    assert paging.page_spec("DescribeTransitGatewayAttachments").elements == ("transitGatewayAttachments",)
    assert paging.page_spec("GetManagedPrefixListEntries").elements == ("entrySet",)
    assert paging.page_spec("CreateVpc") is None


def test_newer_describes_and_get_operations_page_too(make_client, control):
    ec2 = make_client("ec2")
    control.settings(page_size=5)
    for _ in range(7):
        ec2.create_transit_gateway()
    pages = list(ec2.get_paginator("describe_transit_gateways").paginate())
    assert [len(p["TransitGateways"]) for p in pages] == [5, 2]
    entries = [{"Cidr": f"10.{i}.0.0/16"} for i in range(12)]
    prefix_list = ec2.create_managed_prefix_list(
        PrefixListName="endpoints", MaxEntries=20, AddressFamily="IPv4", Entries=entries
    )["PrefixList"]["PrefixListId"]
    pages = list(ec2.get_paginator("get_managed_prefix_list_entries").paginate(PrefixListId=prefix_list))
    assert [len(p["Entries"]) for p in pages] == [5, 5, 2]
    assert sorted(e["Cidr"] for p in pages for e in p["Entries"]) == sorted(e["Cidr"] for e in entries)
