"""aws_endpoint_private_zone and its _info sibling against the sandbox; state read back through boto3."""

from __future__ import annotations

import uuid

import pytest

SSM = "com.amazonaws.us-east-1.ssm"
SSM_ZONE = "ssm.us-east-1.amazonaws.com"


@pytest.fixture
def four_pass_list(sandbox, module):
    """The four-pass check for writers whose result key is a list (conftest's four_pass expects a dict)."""

    def _four(name, args, result_key):
        before = sandbox.mutating_calls()
        check1 = module(name, args, check=True)
        if before is not None:
            assert sandbox.mutating_calls() == before, f"{name} made mutating API calls in check mode"
        assert check1["changed"] is True and check1["operations"]
        apply1 = module(name, args)
        assert apply1["changed"] is True
        assert [op["action"] for op in check1["operations"]] == [op["action"] for op in apply1["operations"]]
        assert [sorted(item) for item in check1[result_key]] == [sorted(item) for item in apply1[result_key]]
        check2 = module(name, args, check=True)
        assert check2["changed"] is False, f"second check should be clean: {check2['operations']}"
        apply2 = module(name, args)
        assert apply2["changed"] is False, f"second apply should be clean: {apply2['operations']}"
        assert apply2[result_key] == apply1[result_key]
        return check1, apply1

    return _four


def _vpc(ec2, cidr="10.0.0.0/16"):
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    subnet = ec2.create_subnet(VpcId=vpc, CidrBlock=cidr.replace("0.0/16", "1.0/24"))["Subnet"]["SubnetId"]
    return vpc, subnet


def _endpoint(ec2, vpc, subnet, service=SSM):
    return ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=service,
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        PrivateDnsEnabled=False,
    )["VpcEndpoint"]


def _zones_named(route53, name):
    return [
        z for z in route53.list_hosted_zones_by_name(DNSName=name)["HostedZones"] if z["Name"] == name + "."
    ]


def _alias_records(route53, zone_id):
    out = {}
    for rr in route53.list_resource_record_sets(HostedZoneId=zone_id)["ResourceRecordSets"]:
        if "AliasTarget" in rr:
            out[(rr["Name"].replace("\\052", "*"), rr["Type"])] = rr["AliasTarget"]
    return out


@pytest.fixture
def topology():
    return f"it-{uuid.uuid4().hex[:8]}"


def test_four_pass_and_read_back(four_pass_list, module, ec2, route53, topology, sandbox):
    vpc, subnet = _vpc(ec2)
    ep = _endpoint(ec2, vpc, subnet)
    args = {"topology": topology, "vpc_endpoint_id": ep["VpcEndpointId"], "service_name": SSM, "vpc_id": vpc}
    check, result = four_pass_list("aws_endpoint_private_zone", args, "zones")
    assert check["zones"][0]["hosted_zone_id"] is None
    [zone] = result["zones"]
    assert zone["name"] == SSM_ZONE and zone["private_dns_names"] == [SSM_ZONE]
    # Read back: one private zone with the hub VPC, its tags, and the alias record to the regional entry.
    got = route53.get_hosted_zone(Id=zone["hosted_zone_id"])
    assert got["HostedZone"]["Config"]["PrivateZone"] is True
    assert [v["VPCId"] for v in got["VPCs"]] == [vpc]
    tags = {
        t["Key"]: t["Value"]
        for t in route53.list_tags_for_resource(ResourceType="hostedzone", ResourceId=zone["hosted_zone_id"])[
            "ResourceTagSet"
        ]["Tags"]
    }
    assert tags["cloudnet:managed-by"] == "cloudnet.privatelink" and tags["cloudnet:topology"] == topology
    assert tags["Name"] == SSM_ZONE
    entry = ep["DnsEntries"][0]
    assert _alias_records(route53, zone["hosted_zone_id"]) == {
        (SSM_ZONE + ".", "A"): {
            "HostedZoneId": entry["HostedZoneId"],
            "DNSName": entry["DnsName"].lower() + ".",
            "EvaluateTargetHealth": False,
        }
    }
    # The info module returns the same item shape.
    info = module(
        "aws_endpoint_private_zone_info", {"service_name": SSM, "vpc_id": vpc, "topology": topology}
    )
    assert info["zones"] == result["zones"]
    # Without records: the same zones, no record reads (what the spoke role asks for on every spoke).
    seq = sandbox.control.summary()["last_seq"]
    lean = module("aws_endpoint_private_zone_info",
                  {"service_name": SSM, "vpc_id": vpc, "topology": topology, "include_records": False})
    assert lean["zones"] == [{k: v for k, v in z.items() if k != "records"} for z in result["zones"]]
    ops = [c["operation"] for c in sandbox.control.calls(seq)]
    assert ops and "ListResourceRecordSets" not in ops, ops


def test_update_paths_keep_the_zone(module, ec2, route53, topology):
    vpc, subnet = _vpc(ec2)
    first_ep = _endpoint(ec2, vpc, subnet)
    args = {"topology": topology, "vpc_endpoint_id": first_ep["VpcEndpointId"], "vpc_id": vpc}
    zone_id = module("aws_endpoint_private_zone", args)["zones"][0]["hosted_zone_id"]

    # A spoke VPC associated elsewhere: the next run keeps the zone and the association.
    spoke, _subnet = _vpc(ec2, "10.1.0.0/16")
    route53.associate_vpc_with_hosted_zone(
        HostedZoneId=zone_id, VPC={"VPCRegion": "us-east-1", "VPCId": spoke}
    )
    again = module("aws_endpoint_private_zone", args)
    assert again["changed"] is False
    assert again["zones"][0]["hosted_zone_id"] == zone_id
    assert {v["VPCId"] for v in route53.get_hosted_zone(Id=zone_id)["VPCs"]} == {vpc, spoke}

    # The endpoint is replaced (dualstack) and a wildcard is wanted: records follow in one batch.
    second_ep = ec2.create_vpc_endpoint(
        VpcId=vpc,
        ServiceName=SSM,
        VpcEndpointType="Interface",
        SubnetIds=[subnet],
        PrivateDnsEnabled=False,
        IpAddressType="dualstack",
    )["VpcEndpoint"]
    dualstack = second_ep.get("IpAddressType") == "dualstack"
    changed = module(
        "aws_endpoint_private_zone", dict(args, vpc_endpoint_id=second_ep["VpcEndpointId"], wildcard="always")
    )
    assert changed["changed"] is True and changed["zones"][0]["hosted_zone_id"] == zone_id
    assert [op["action"] for op in changed["operations"]] == ["change_records"]
    entry = second_ep["DnsEntries"][0]
    target = {
        "HostedZoneId": entry["HostedZoneId"],
        "DNSName": entry["DnsName"].lower() + ".",
        "EvaluateTargetHealth": False,
    }
    types = ["A", "AAAA"] if dualstack else ["A"]
    want = {(name, t): target for name in (SSM_ZONE + ".", "*." + SSM_ZONE + ".") for t in types}
    assert _alias_records(route53, zone_id) == want
    assert len(_zones_named(route53, SSM_ZONE)) == len({z["Id"] for z in _zones_named(route53, SSM_ZONE)})

    # Wildcard no longer wanted: only those records are deleted.
    narrowed = module(
        "aws_endpoint_private_zone", dict(args, vpc_endpoint_id=second_ep["VpcEndpointId"], wildcard="never")
    )
    deleted = [c for c in narrowed["operations"][0]["changes"] if c["action"] == "DELETE"]
    assert {c["name"] for c in deleted} == {"*." + SSM_ZONE}
    assert set(_alias_records(route53, zone_id)) == {(SSM_ZONE + ".", t) for t in types}


def test_crashed_create_is_found_by_caller_reference(module, ec2, route53, topology):
    import harness

    harness.ensure_collection_tree()
    import sys

    sys.path.insert(0, str(harness.COLLECTIONS))
    from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53 import caller_reference

    vpc, subnet = _vpc(ec2)
    ep = _endpoint(ec2, vpc, subnet)
    # A previous run created the zone and stopped before tagging it or writing records.
    orphan = route53.create_hosted_zone(
        Name=SSM_ZONE,
        CallerReference=caller_reference(topology, SSM_ZONE, vpc),
        VPC={"VPCRegion": "us-east-1", "VPCId": vpc},
        HostedZoneConfig={"PrivateZone": True},
    )["HostedZone"]["Id"].split("/")[-1]
    result = module(
        "aws_endpoint_private_zone",
        {"topology": topology, "vpc_endpoint_id": ep["VpcEndpointId"], "vpc_id": vpc},
    )
    assert result["zones"][0]["hosted_zone_id"] == orphan
    assert [op["action"] for op in result["operations"]] == ["tag", "change_records"]
    mine = [
        z
        for z in _zones_named(route53, SSM_ZONE)
        if any(v["VPCId"] == vpc for v in route53.get_hosted_zone(Id=z["Id"])["VPCs"])
    ]
    assert len(mine) == 1


def test_bad_input_fails_before_any_call(module, sandbox):
    before = sandbox.mutating_calls()
    result = module(
        "aws_endpoint_private_zone",
        {"vpc_endpoint_id": "vpce-0123456789abcdef0", "vpc_id": "vpc-xyz"},
        expect_failure=True,
    )
    assert result["msg"].startswith("vpc_id:") and "vpc-xyz" in result["msg"]
    bad_region = module(
        "aws_endpoint_private_zone",
        {
            "vpc_endpoint_id": "vpce-0123456789abcdef0",
            "vpc_id": "vpc-0123456789abcdef0",
            "vpc_region": "useast1",
        },
        expect_failure=True,
    )
    assert bad_region["msg"].startswith("vpc_region:")
    if before is not None:
        assert sandbox.mutating_calls() == before


def test_unmanaged_zone_is_left_alone(module, ec2, route53, topology):
    vpc, subnet = _vpc(ec2)
    ep = _endpoint(ec2, vpc, subnet)
    foreign = route53.create_hosted_zone(
        Name=SSM_ZONE,
        CallerReference=uuid.uuid4().hex,
        VPC={"VPCRegion": "us-east-1", "VPCId": vpc},
        HostedZoneConfig={"PrivateZone": True},
    )["HostedZone"]["Id"]
    absent = module(
        "aws_endpoint_private_zone",
        {"topology": topology, "service_name": SSM, "vpc_id": vpc, "state": "absent"},
    )
    assert absent["changed"] is False and "not managed" in str(absent["warnings"])
    assert route53.get_hosted_zone(Id=foreign)["HostedZone"]["Id"] == foreign
    # Present refuses to shadow it (Route 53 allows one private zone per name on a VPC).
    clash = module(
        "aws_endpoint_private_zone",
        {"topology": topology, "vpc_endpoint_id": ep["VpcEndpointId"], "vpc_id": vpc},
        expect_failure=True,
    )
    assert "not managed by this collection" in clash["msg"]
    assert _alias_records(route53, foreign) == {}


def test_absent_removes_records_then_zone(module, ec2, route53, topology):
    vpc, subnet = _vpc(ec2)
    ep = _endpoint(ec2, vpc, subnet)
    args = {"topology": topology, "vpc_endpoint_id": ep["VpcEndpointId"], "vpc_id": vpc, "wildcard": "always"}
    zone_id = module("aws_endpoint_private_zone", args)["zones"][0]["hosted_zone_id"]
    gone = module("aws_endpoint_private_zone", dict(args, state="absent"))
    assert [op["action"] for op in gone["operations"]] == ["change_records", "delete"]
    assert gone["zones"] == []
    assert zone_id not in {z["Id"].split("/")[-1] for z in _zones_named(route53, SSM_ZONE)}
    assert module("aws_endpoint_private_zone", dict(args, state="absent"))["changed"] is False
