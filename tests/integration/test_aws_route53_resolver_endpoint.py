"""aws_route53_resolver_endpoint and its _info sibling against the sandbox; read back through boto3."""

from __future__ import annotations

import random
import uuid

import pytest

MOD = "aws_route53_resolver_endpoint"


@pytest.fixture(scope="module")
def resolver(sandbox):
    return sandbox.client("route53resolver")


@pytest.fixture
def net(ec2):
    """A VPC with three subnets in three AZs and a DNS security group: (vpc_id, subnets, sg_id, second octet)."""
    second = random.randint(0, 255)
    vpc_id = ec2.create_vpc(CidrBlock=f"10.{second}.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.{second}.{i}.0/24",
                                 AvailabilityZone=f"us-east-1{az}")["Subnet"]["SubnetId"] for i, az in enumerate("abc")]
    sg = ec2.create_security_group(VpcId=vpc_id, GroupName=f"dns-{uuid.uuid4().hex[:6]}", Description="dns")["GroupId"]
    return vpc_id, subnets, sg, second


def _ips(resolver, ep_id):
    return sorted((a["SubnetId"], a["Ip"]) for a in resolver.list_resolver_endpoint_ip_addresses(
        ResolverEndpointId=ep_id)["IpAddresses"])


def test_four_pass_read_back_and_info(four_pass, module, resolver, net):
    vpc_id, subnets, sg, second = net
    name = f"in-{uuid.uuid4().hex[:8]}"
    args = {"name": name, "topology": "it", "direction": "INBOUND", "security_group_ids": [sg],
            "ip_addresses": [{"subnet_id": subnets[0], "ip": f"10.{second}.0.53"}, {"subnet_id": subnets[1]}],
            "tags": {"role": "cross-cloud-dns"}}
    result = four_pass(MOD, args, "resolver_endpoint")
    ep = result["resolver_endpoint"]
    got = resolver.get_resolver_endpoint(ResolverEndpointId=ep["resolver_endpoint_id"])["ResolverEndpoint"]
    assert got["Direction"] == "INBOUND" and got["HostVPCId"] == vpc_id and got["Status"] == "OPERATIONAL"
    assert got["SecurityGroupIds"] == [sg] and got["Name"] == name
    assert got["CreatorRequestId"] == ep["creator_request_id"]
    ips = _ips(resolver, ep["resolver_endpoint_id"])
    assert [(a["subnet_id"], a["ip"]) for a in ep["ip_addresses"]] == ips
    assert (subnets[0], f"10.{second}.0.53") in ips and any(s == subnets[1] for s, _ip in ips)
    tags = {t["Key"]: t["Value"] for t in resolver.list_tags_for_resource(ResourceArn=got["Arn"])["Tags"]}
    assert tags["role"] == "cross-cloud-dns" and tags["cloudnet:topology"] == "it"
    info = module(f"{MOD}_info", {"names": [name]})
    assert info["resolver_endpoints"] == [ep]


def test_ip_addresses_reconciled_in_place(module, resolver, net):
    _vpc, subnets, sg, second = net
    args = {"name": f"in-{uuid.uuid4().hex[:8]}", "topology": "it", "security_group_ids": [sg],
            "ip_addresses": [{"subnet_id": subnets[0]}, {"subnet_id": subnets[1]}]}
    ep_id = module(MOD, args)["resolver_endpoint"]["resolver_endpoint_id"]
    kept = [ip for s, ip in _ips(resolver, ep_id) if s == subnets[0]]
    moved = dict(args, ip_addresses=[{"subnet_id": subnets[0]}, {"subnet_id": subnets[2], "ip": f"10.{second}.2.53"}])
    check = module(MOD, moved, check=True)
    assert len(_ips(resolver, ep_id)) == 2 and all(s != subnets[2] for s, _ip in _ips(resolver, ep_id))
    result = module(MOD, moved)
    assert [op["action"] for op in result["operations"]] == ["associate_ip", "disassociate_ip"]
    assert [op["action"] for op in check["operations"]] == ["associate_ip", "disassociate_ip"]
    ips = _ips(resolver, ep_id)
    assert ips == sorted([(subnets[0], kept[0]), (subnets[2], f"10.{second}.2.53")])
    assert result["resolver_endpoint"]["resolver_endpoint_id"] == ep_id
    assert [(a["subnet_id"], a["ip"]) for a in result["resolver_endpoint"]["ip_addresses"]] == ips
    assert module(MOD, moved)["changed"] is False


def test_retry_after_crash_finds_the_endpoint_and_absent_deletes(module, sandbox, resolver, net):
    _vpc, subnets, sg, _second = net
    args = {"name": f"in-{uuid.uuid4().hex[:8]}", "topology": "it", "security_group_ids": [sg],
            "ip_addresses": [{"subnet_id": subnets[0]}, {"subnet_id": subnets[1]}], "wait_timeout": 60}
    if sandbox.control is not None:
        sandbox.control.settings(pending_reads=2)
    try:
        first = module(MOD, dict(args, wait=False))["resolver_endpoint"]
        second = module(MOD, args)
        assert second["changed"] is False and second["resolver_endpoint"]["resolver_endpoint_id"] == first[
            "resolver_endpoint_id"]
        assert second["resolver_endpoint"]["status"] == "OPERATIONAL"
        gone = module(MOD, dict(args, state="absent"))
    finally:
        if sandbox.control is not None:
            sandbox.control.settings(pending_reads=0)
    named = [e for e in resolver.list_resolver_endpoints()["ResolverEndpoints"] if e["Name"] == args["name"]]
    assert gone["changed"] is True and gone["resolver_endpoint"] == {}
    assert all(e["Status"] in ("DELETING", "DELETED") for e in named)
    assert module(MOD, dict(args, state="absent"))["changed"] is False


def test_security_group_change_is_an_error(module, ec2, net):
    vpc_id, subnets, sg, _second = net
    args = {"name": f"in-{uuid.uuid4().hex[:8]}", "topology": "it", "security_group_ids": [sg],
            "ip_addresses": [{"subnet_id": subnets[0]}, {"subnet_id": subnets[1]}]}
    ep_id = module(MOD, args)["resolver_endpoint"]["resolver_endpoint_id"]
    other = ec2.create_security_group(VpcId=vpc_id, GroupName=f"o-{uuid.uuid4().hex[:6]}", Description="o")["GroupId"]
    failed = module(MOD, dict(args, security_group_ids=[other]), expect_failure=True)
    assert failed["msg"].startswith("security_group_ids:") and ep_id in failed["msg"]


def test_one_address_fails_before_any_call(module, sandbox, net):
    _vpc, subnets, sg, _second = net
    before = sandbox.mutating_calls()
    failed = module(MOD, {"name": "x", "security_group_ids": [sg], "ip_addresses": [{"subnet_id": subnets[0]}]},
                    expect_failure=True)
    assert failed["msg"].startswith("ip_addresses:") and "Fix:" in failed["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before
