"""Table-driven tests of the field checks of whole-topology validation (topology_fields)."""

from __future__ import annotations

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common import topology_fields as f


def check(fn, *args, **kwargs):
    problems = f.Problems()
    value = fn(problems, "h", "field", *args, **kwargs)
    return value, problems.items


@pytest.mark.parametrize("value, ok, fragment", [
    ("10.0.0.0/16", True, None),
    ("10.0.0.1/16", False, "use 10.0.0.0/16"),
    ("10.0.0.0/33", False, "is not a CIDR"),
    ("10.0.0.0", False, "e.g. 10.0.0.0/16"),
    ("fd00::/8", True, None),
    (None, False, "is not a CIDR"),
])
def test_cidr(value, ok, fragment):
    net, items = check(f.cidr, value)
    assert (net is not None) == ok
    assert bool(items) != ok
    if fragment:
        assert fragment in items[0] and items[0].startswith("h: field") and "Fix:" in items[0]


@pytest.mark.parametrize("cloud, value, region, ok, fragment", [
    ("aws_transit", 64512, None, True, None),
    ("aws_transit", 65534, None, True, None),
    ("aws_transit", 65535, None, False, "Amazon side ASN"),
    ("aws_transit", 64511, None, False, "64512-65534"),
    ("aws_transit", 4200000000, None, True, None),
    ("aws_transit", 4294967295, None, False, "4200000000-4294967294"),
    ("aws_transit", "64512", None, True, None),
    ("aws_transit", "abc", None, False, "is not an ASN"),
    ("aws_transit", True, None, False, "is not an ASN"),
    ("gcp", 65534, None, True, None),
    ("gcp", 16550, None, False, "Cloud Router ASN"),
    ("gcp", 4294967294, None, True, None),
    ("azure", 65515, None, True, None),  # Azure's default gateway ASN
    ("azure", 65517, None, False, "reserved by Azure"),
    ("azure", 65520, None, False, "reserved by Azure"),
    ("azure", 12076, None, False, "reserved by Azure"),
    ("azure", 23456, None, False, "reserved by IANA"),
    ("azure", 64500, None, False, "reserved by IANA"),
    ("azure", 65540, None, False, "reserved by IANA"),
    ("azure", 4294967295, None, False, "reserved by IANA"),
    ("azure", 0, None, False, "out of range"),
    ("azure", 3356, "us-east-1", True, None),  # a public ASN the organization owns
    ("azure", 7224, "us-east-1", False, "reserved by AWS for customer gateways"),
    ("azure", 9059, "eu-west-1", False, "reserved by AWS for customer gateways in eu-west-1"),
    ("azure", 9059, "us-east-1", True, None),
    ("azure", 4200000001, None, True, None),
])
def test_asn(cloud, value, region, ok, fragment):
    number, items = check(f.asn, value, cloud, region)
    assert (number is not None) == ok, items
    if fragment:
        assert len(items) == 1 and fragment in items[0] and "Fix:" in items[0]
    else:
        assert items == []


@pytest.mark.parametrize("remote, transit, cloud, fragments", [
    (65515, 64512, "azure", []),
    (64512, 64512, "gcp", ["equals the transit gateway's ASN"]),
    (65001, 65515, "azure", ["peers with transit_asn 65515, which Azure reserves"]),
    (None, 65518, "azure", ["which Azure reserves"]),
    (65001, 65515, "gcp", []),
    (65001, None, "azure", []),
])
def test_peer_asns(remote, transit, cloud, fragments):
    problems = f.Problems()
    f.peer_asns(problems, "h", "field", remote, transit, cloud)
    assert len(problems.items) == len(fragments)
    for fragment, item in zip(fragments, problems.items):
        assert fragment in item


GOOD_AWS = ["169.254.10.0/30", "169.254.11.0/30", "169.254.12.0/30", "169.254.13.0/30"]
GOOD_AZURE = ["169.254.21.0/30", "169.254.22.0/30", "169.254.21.4/30", "169.254.22.4/30"]


@pytest.mark.parametrize("values, cloud, fragments", [
    (GOOD_AWS, "gcp", []),
    (GOOD_AZURE, "azure", []),
    (GOOD_AZURE, "gcp", []),
    (GOOD_AWS, "azure", [f"[{i}] = 169.254.1{i}.0/30 is outside the Azure APIPA range" for i in range(4)]),
    (GOOD_AWS[:3], "gcp", ["has 3 entries"]),
    (["169.254.0.0/30"] + GOOD_AWS[1:], "gcp", ["[0] = 169.254.0.0/30 is reserved by AWS"]),
    (["169.254.5.0/30"] + GOOD_AWS[1:], "gcp", ["is reserved by AWS"]),
    (["169.254.169.252/30"] + GOOD_AWS[1:], "gcp", ["is reserved by AWS"]),
    (["169.254.6.0/30"] + GOOD_AWS[1:], "gcp", []),
    (["169.254.10.0/29"] + GOOD_AWS[1:], "gcp", ["is not a /30 inside 169.254.0.0/16"]),
    (["10.0.0.0/30"] + GOOD_AWS[1:], "gcp", ["is not a /30 inside 169.254.0.0/16"]),
    (["169.254.10.1/30"] + GOOD_AWS[1:], "gcp", ["has host bits set"]),
    ([GOOD_AWS[1]] + GOOD_AWS[1:], "gcp", ["[1] = 169.254.11.0/30 is listed twice"]),
    ("169.254.10.0/30", "gcp", ["is not a list"]),
])
def test_tunnel_inside_cidrs(values, cloud, fragments):
    problems = f.Problems()
    nets = f.tunnel_inside_cidrs(problems, "h", "field", values, cloud)
    text = "\n".join(problems.items)
    assert len(problems.items) == len(fragments), text
    for fragment in fragments:
        assert fragment in text
    if not fragments:
        assert len(nets) == 4


@pytest.mark.parametrize("descriptors, fragments", [
    ([{"length": 12, "valid": True}] * 4, []),
    ([{"length": 12, "valid": True}] * 2, ["has 2 keys"]),
    ([{"length": 12, "valid": True}] * 3 + [{"length": 4, "valid": False}],
     ["[3] is not a valid AWS tunnel key (length 4; value not shown)"]),
    ("nope", ["is not a list"]),
])
def test_pre_shared_keys(descriptors, fragments):
    problems = f.Problems()
    f.pre_shared_keys(problems, "h", "keys", descriptors)
    assert len(problems.items) == len(fragments)
    for fragment, item in zip(fragments, problems.items):
        assert fragment in item


@pytest.mark.parametrize("fn, value, ok, fragment", [
    (f.aws_region, "us-east-1", True, None),
    (f.aws_region, "us-gov-west-1", True, None),
    (f.aws_region, "us-east1", False, "(that is a GCP region name)"),
    (f.aws_region, "westeurope", False, "(that is an Azure location name)"),
    (f.aws_region, None, False, "is missing"),
    (f.azure_location, "westeurope", True, None),
    (f.azure_location, "eastus2", True, None),
    (f.azure_location, "West Europe", False, "e.g. westeurope"),
    (f.azure_location, "us-east-1", False, "not an AWS or GCP region"),
    (f.azure_location, "", False, "is missing"),
    (f.gcp_region, "us-east1", True, None),
    (f.gcp_region, "northamerica-northeast1", True, None),
    (f.gcp_region, "us-east-1", False, "e.g. us-east1"),
    (f.gcp_region, "westeurope", False, "such as us-east1"),
    (f.gcp_project, "corp-network-hub", True, None),
    (f.gcp_project, "abc12", False, "6-30 lowercase"),
    (f.gcp_project, "Corp_Hub", False, "not its name or number"),
    (f.gcp_project, "123456789012", False, "starting with a letter"),
    (f.gcp_project, "network-hub-", False, "not ending with a hyphen"),
    (f.gcp_name, "gcp-hub", True, None),
    (f.gcp_name, "Gcp-hub", False, "RFC 1035"),
    (f.gcp_name, "a" * 64, False, "1-63"),
    (f.gcp_name, "hub-", False, "ending with a letter or digit"),
    (f.azure_resource_group, "rg-network_hub(weu).1", True, None),
    (f.azure_resource_group, "rg.", False, "not ending in a period"),
    (f.azure_resource_group, "rg hub", False, "1-90"),
    (f.azure_resource_group, "r" * 91, False, "1-90"),
    (f.azure_resource_group, None, False, "is missing"),
    (f.azure_name, "vnet-hub_weu.1", True, None),
    (f.azure_name, "-vpngw", False, "starting with a letter or digit"),
    (f.azure_name, "gw.", False, "ending with a letter, digit or underscore"),
    (f.azure_name, "g" * 81, False, "1-80"),
    (f.role_arn, "arn:aws:iam::111111111111:role/network", True, None),
    (f.role_arn, "arn:aws-us-gov:iam::111111111111:role/path/network", True, None),
    (f.role_arn, "arn:aws:iam::1111:role/network", False, "12-digit account"),
    (f.role_arn, "arn:aws:iam::111111111111:user/someone", False, "is not an IAM role ARN"),
])
def test_names_regions_and_ids(fn, value, ok, fragment):
    result, items = check(fn, value)
    assert (result is not None) == ok, items
    if fragment:
        assert len(items) == 1 and fragment in items[0] and "Fix:" in items[0]
    else:
        assert items == []


def test_azure_vnet_names_are_2_to_64_characters():
    assert check(f.azure_name, "v", 64)[1] and check(f.azure_name, "v" * 65, 64)[1]
    assert check(f.azure_name, "vn", 64)[1] == [] and check(f.azure_name, "v" * 64, 64)[1] == []


def test_derived_names_say_where_they_come_from():
    _value, items = check(f.gcp_name, "Hub-aws", derived_from="cross_cloud_gcp_network")
    assert "(derived from cross_cloud_gcp_network)" in items[0] and "or set field explicitly" in items[0]


@pytest.mark.parametrize("hostvars, fragments", [
    ({"spoke_vpc_id": "vpc-0123456789abcdef0", "spoke_route_table_ids": ["rtb-01234567"]}, []),
    ({"spoke_vpc_id": "vpc-123"}, ["spoke_vpc_id = 'vpc-123' is not a valid vpc id"]),
    ({"spoke_attachment_subnet_ids": ["subnet-0123456789abcdef0", "subnet-x"]}, ["'subnet-x' is not a valid subnet"]),
    ({"spoke_vpc_id": "", "spoke_route_table_ids": []}, []),
])
def test_aws_ids(hostvars, fragments):
    problems = f.Problems()
    f.aws_ids(problems, "h", "spoke", hostvars,
              {"vpc_id": "vpc", "route_table_ids": "rtb", "attachment_subnet_ids": "subnet"})
    assert len(problems.items) == len(fragments)
    for fragment, item in zip(fragments, problems.items):
        assert fragment in item


@pytest.mark.parametrize("subnets, zones, fragments", [
    ([{"cidr": "10.0.0.0/24", "availability_zone": "a"}], True, []),
    ([{"cidr": "10.1.0.0/24"}], False, ["[0].cidr = 10.1.0.0/24 is outside parent_cidr 10.0.0.0/16"]),
    ([{"cidr": "10.0.0.0/24"}], True, ["[0].availability_zone is missing"]),
    ([{"cidr": "10.0.0.0/24"}, {"cidr": "10.0.0.128/25"}], False, ["overlap"]),
    ("nope", False, ["is not a list"]),
    (["nope"], False, ["[0] is not a mapping"]),
])
def test_subnets_inside(subnets, zones, fragments):
    import ipaddress

    problems = f.Problems()
    f.subnets_inside(problems, "h", "subnets", subnets, ipaddress.ip_network("10.0.0.0/16"), zones,
                     parent_field="parent_cidr")
    assert len(problems.items) == len(fragments), problems.items
    for fragment, item in zip(fragments, problems.items):
        assert fragment in item


def test_unresolved_variables_are_reported_once_and_silence_their_other_problems():
    problems = f.Problems()
    hv = f.check_unresolved(problems, "h", {"a": 1, "keys": {"__unresolved__": "'vault_x' is undefined"}})
    assert hv == {"a": 1}
    problems.add("h", "keys", "is missing", "x")
    problems.add("h", "keys[0]", "is bad", "x")
    problems.add("h", "other", "is bad", "x")
    assert problems.items[0].startswith("h: keys cannot be resolved ('vault_x' is undefined). Fix: define")
    assert problems.items[1:] == ["h: other is bad. Fix: x"]


def test_a_host_whose_variables_cannot_load_gets_one_problem():
    problems = f.Problems()
    assert f.check_unresolved(problems, "h", {"__host__": {"__unresolved__": "YAML parsing failed"}}) == {}
    problems.add("h", "spoke_cidr", "is missing", "x")
    problems.add("other", "spoke_cidr", "is missing", "x")
    assert problems.items == [
        "h: variables cannot be loaded (YAML parsing failed). Fix: correct the YAML of this host's host_vars and "
        "group_vars files",
        "other: spoke_cidr is missing. Fix: x"]
