"""aws_vpc_route_set and aws_vpc_route_table_info against the sandbox; state read back through boto3."""

from __future__ import annotations

import random

import pytest

MOD = "aws_vpc_route_set"
INFO = "aws_vpc_route_table_info"


def _ops(sandbox) -> dict:
    """Per-operation call counts of the sandbox (``{"ReplaceRoute": 3, ...}``)."""
    by_op = sandbox.control.summary()["by_operation"]
    return {v["operation"]: v["count"] for k, v in by_op.items() if k.startswith("ec2:")}


def _delta(before: dict, after: dict) -> dict:
    return {op: after.get(op, 0) - before.get(op, 0) for op in set(before) | set(after)
            if after.get(op, 0) != before.get(op, 0)}


def _table(ec2, table_id):
    return ec2.describe_route_tables(RouteTableIds=[table_id])["RouteTables"][0]


def _routes(ec2, table_id) -> dict:
    """``{destination: target}`` of every route, read from the sandbox."""
    out = {}
    for r in _table(ec2, table_id)["Routes"]:
        dest = r.get("DestinationCidrBlock") or r.get("DestinationPrefixListId")
        out[dest] = r.get("TransitGatewayId") or r.get("GatewayId") or r.get("NatGatewayId")
    return out


def _tags(ec2, table_id) -> dict:
    return {t["Key"]: t["Value"] for t in _table(ec2, table_id).get("Tags", [])}


@pytest.fixture
def net(ec2):
    """A fresh VPC (random /16) with a custom route table, an internet gateway, two TGWs and a prefix list."""
    cidr = f"10.{random.randint(0, 255)}.0.0/16"
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    rtb = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    tgw1 = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    tgw2 = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
    pl = ec2.create_managed_prefix_list(PrefixListName=f"pl-{vpc}", MaxEntries=5, AddressFamily="IPv4",
                                        Entries=[{"Cidr": "100.64.0.0/16"}])["PrefixList"]["PrefixListId"]
    main = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]},
                                              {"Name": "association.main", "Values": ["true"]}])
    return {"vpc": vpc, "cidr": cidr, "rtb": rtb, "main": main["RouteTables"][0]["RouteTableId"], "igw": igw,
            "tgw1": tgw1, "tgw2": tgw2, "pl": pl}


def _four_pass(sandbox, module, args):
    """Check, apply, check, apply: changed True/True/False/False; check passes make no mutating call.

    (The shared ``four_pass`` fixture compares a dict result key; this module returns a list.)
    """
    before = sandbox.mutating_calls()
    check1 = module(MOD, args, check=True)
    assert sandbox.mutating_calls() == before, "check mode made mutating API calls"
    apply1 = module(MOD, args)
    check2 = module(MOD, args, check=True)
    mutating = sandbox.mutating_calls()
    apply2 = module(MOD, args)
    assert sandbox.mutating_calls() == mutating, "an unchanged apply made mutating API calls"
    assert [r["changed"] for r in (check1, apply1, check2, apply2)] == [True, True, False, False]
    assert check1["operations"] == apply1["operations"]
    assert check1["route_tables"] == apply1["route_tables"] == apply2["route_tables"]
    assert check1["diff"] == apply1["diff"]
    assert check2["operations"] == [] and apply2["operations"] == []
    return apply1


def test_four_pass_merged_and_read_back(sandbox, module, ec2, net):
    args = {
        "route_table_ids": [net["rtb"]],
        "config": [
            {"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]},
            {"destination_cidr": "172.16.0.0/12", "transit_gateway_id": net["tgw1"]},
        ],
        "state": "merged",
    }
    result = _four_pass(sandbox, module, args)
    assert [op["action"] for op in result["operations"]] == ["tag", "create_route", "create_route"]
    routes = _routes(ec2, net["rtb"])
    assert routes == {net["cidr"]: "local", net["pl"]: net["tgw1"], "172.16.0.0/12": net["tgw1"]}
    assert _tags(ec2, net["rtb"])["cloudnet:routes"] == " ".join(sorted([net["pl"], "172.16.0.0/12"]))
    (table,) = result["route_tables"]
    assert table == {
        "route_table_id": net["rtb"],
        "vpc_id": net["vpc"],
        "routes": [
            {"destination_cidr": "172.16.0.0/12", "transit_gateway_id": net["tgw1"]},
            {"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]},
        ],
        "foreign_routes": [],
    }
    assert result["diff"]["before"]["route_tables"][0]["routes"] == []
    assert result["diff"]["after"]["route_tables"][0]["routes"] == table["routes"]


def test_target_change_is_make_before_break(sandbox, module, ec2, net):
    args = {"route_table_ids": [net["rtb"]],
            "config": [{"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]}]}
    module(MOD, args)
    moved = dict(args, config=[{"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw2"]}])
    start = _ops(sandbox)
    check = module(MOD, moved, check=True)
    assert _delta(start, _ops(sandbox)) == {"DescribeRouteTables": 1}
    result = module(MOD, moved)
    calls = _delta(start, _ops(sandbox))
    assert calls.get("ReplaceRoute") == 1
    assert "DeleteRoute" not in calls and "CreateRoute" not in calls
    assert check["changed"] is result["changed"] is True
    assert check["operations"] == result["operations"] == [
        {"action": "replace_route", "target": net["rtb"], "destination": net["pl"],
         "route_target": net["tgw2"], "previous": net["tgw1"]},
    ]
    assert _routes(ec2, net["rtb"])[net["pl"]] == net["tgw2"]


def test_foreign_route_is_an_error_then_taken_over(sandbox, module, ec2, net):
    ec2.create_route(RouteTableId=net["rtb"], DestinationCidrBlock="172.16.0.0/12", GatewayId=net["igw"])
    args = {"route_table_ids": [net["rtb"]],
            "config": [{"destination_cidr": "172.16.0.0/12", "transit_gateway_id": net["tgw1"]}]}
    before = sandbox.mutating_calls()
    failed = module(MOD, args, expect_failure=True)
    assert sandbox.mutating_calls() == before
    for part in (net["rtb"], "172.16.0.0/12", net["igw"], "take_over: true", "remove that route"):
        assert part in failed["msg"]
    assert failed["current_target"] == net["igw"]
    start = _ops(sandbox)
    taken = module(MOD, dict(args, take_over=True))
    calls = _delta(start, _ops(sandbox))
    assert calls.get("ReplaceRoute") == 1 and "DeleteRoute" not in calls and "CreateRoute" not in calls
    assert [op["action"] for op in taken["operations"]] == ["tag", "replace_route"]
    assert _routes(ec2, net["rtb"])["172.16.0.0/12"] == net["tgw1"]
    assert _tags(ec2, net["rtb"])["cloudnet:routes"] == "172.16.0.0/12"
    # Managed now: an ordinary run without take_over is clean.
    assert module(MOD, args)["changed"] is False


def test_overridden_removes_only_managed_routes(sandbox, module, ec2, net):
    keep = {"destination_cidr": "192.168.0.0/16", "transit_gateway_id": net["tgw1"]}
    drop = {"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]}
    module(MOD, {"route_table_ids": [net["rtb"]], "config": [keep, drop]})
    ec2.create_route(RouteTableId=net["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=net["igw"])
    moved = dict(keep, transit_gateway_id=net["tgw2"])
    args = {"route_table_ids": [net["rtb"]], "config": [moved], "state": "overridden"}
    check = module(MOD, args, check=True)
    result = module(MOD, args)
    assert check["operations"] == result["operations"]
    assert [(op["action"], op.get("destination")) for op in result["operations"]] == [
        ("replace_route", "192.168.0.0/16"), ("delete_route", net["pl"]), ("tag", None),
    ]
    assert _routes(ec2, net["rtb"]) == {net["cidr"]: "local", "192.168.0.0/16": net["tgw2"], "0.0.0.0/0": net["igw"]}
    assert _tags(ec2, net["rtb"])["cloudnet:routes"] == "192.168.0.0/16"
    assert result["route_tables"][0]["foreign_routes"] == [{"destination_cidr": "0.0.0.0/0", "gateway_id": net["igw"]}]
    assert module(MOD, args)["changed"] is False


def test_replaced_keeps_other_managed_routes(module, ec2, net):
    a = {"destination_cidr": "192.168.0.0/16", "transit_gateway_id": net["tgw1"]}
    b = {"destination_cidr": "172.16.0.0/12", "transit_gateway_id": net["tgw1"]}
    module(MOD, {"route_table_ids": [net["rtb"]], "config": [a, b]})
    result = module(MOD, {"route_table_ids": [net["rtb"]], "config": [dict(a, transit_gateway_id=net["tgw2"])],
                          "state": "replaced"})
    assert [op["action"] for op in result["operations"]] == ["replace_route"]
    assert _routes(ec2, net["rtb"]) == {net["cidr"]: "local", "192.168.0.0/16": net["tgw2"],
                                        "172.16.0.0/12": net["tgw1"]}


def test_deleted_with_empty_config_by_vpc_id(sandbox, module, ec2, net):
    config = [{"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]}]
    made = module(MOD, {"vpc_id": net["vpc"], "config": config})
    assert sorted(t["route_table_id"] for t in made["route_tables"]) == sorted([net["rtb"], net["main"]])
    ec2.create_route(RouteTableId=net["main"], DestinationCidrBlock="0.0.0.0/0", GatewayId=net["igw"])
    args = {"vpc_id": net["vpc"], "config": [], "state": "deleted"}
    check = module(MOD, args, check=True)
    start = _ops(sandbox)
    gone = module(MOD, args)
    assert _delta(start, _ops(sandbox)).get("DeleteRoute") == 2
    assert check["operations"] == gone["operations"]
    for table_id in (net["rtb"], net["main"]):
        assert net["pl"] not in _routes(ec2, table_id)
        assert not any(k.startswith("cloudnet:routes") for k in _tags(ec2, table_id))
        assert _routes(ec2, table_id)[net["cidr"]] == "local"
    assert _routes(ec2, net["main"])["0.0.0.0/0"] == net["igw"], "foreign route must survive"
    assert all(t["routes"] == [] for t in gone["route_tables"])
    assert module(MOD, args)["changed"] is False


def test_deleted_leaves_a_declared_foreign_route(module, ec2, net):
    ec2.create_route(RouteTableId=net["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=net["igw"])
    args = {"route_table_ids": [net["rtb"]], "config": [{"destination_cidr": "0.0.0.0/0"}], "state": "deleted"}
    result = module(MOD, args)
    assert result["changed"] is False
    assert any("0.0.0.0/0" in w and "take_over" in w for w in result["warnings"])
    assert _routes(ec2, net["rtb"])["0.0.0.0/0"] == net["igw"]


def test_rendered_makes_no_api_call_and_needs_no_credentials(sandbox, module, net):
    args = {"route_table_ids": [net["rtb"]], "state": "rendered",
            "config": [{"destination_cidr": "172.16.0.0/12", "transit_gateway_id": net["tgw1"]}]}
    total = sandbox.calls_total()
    no_creds = {"AWS_ACCESS_KEY_ID": "", "AWS_SECRET_ACCESS_KEY": "", "AWS_REGION": "", "AWS_DEFAULT_REGION": ""}
    result = module(MOD, args, env=no_creds)
    assert sandbox.calls_total() == total
    assert result["changed"] is False and result["operations"] == []
    assert result["rendered"] == [
        {"operation": "CreateTags", "parameters": {"Resources": [net["rtb"]],
                                                   "Tags": [{"Key": "cloudnet:routes", "Value": "172.16.0.0/12"}]}},
        {"operation": "CreateRoute", "parameters": {"RouteTableId": net["rtb"], "DestinationCidrBlock": "172.16.0.0/12",
                                                    "TransitGatewayId": net["tgw1"]}},
    ]


def test_gathered_and_info_mark_every_route(sandbox, module, ec2, net):
    module(MOD, {"route_table_ids": [net["rtb"]],
                 "config": [{"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]}]})
    ec2.create_route(RouteTableId=net["rtb"], DestinationCidrBlock="0.0.0.0/0", GatewayId=net["igw"])
    before = sandbox.mutating_calls()
    gathered = module(MOD, {"route_table_ids": [net["rtb"]], "state": "gathered"})
    assert sandbox.mutating_calls() == before and gathered["changed"] is False
    assert gathered["gathered"] == [{"route_table_id": net["rtb"], "config": [
        {"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"]}]}]
    assert gathered["route_tables"][0]["foreign_routes"] == [
        {"destination_cidr": "0.0.0.0/0", "gateway_id": net["igw"]}]
    info = module(INFO, {"vpc_id": net["vpc"]})
    assert sorted(t["route_table_id"] for t in info["route_tables"]) == sorted([net["rtb"], net["main"]])
    table = next(t for t in info["route_tables"] if t["route_table_id"] == net["rtb"])
    assert table["main"] is False and table["vpc_id"] == net["vpc"]
    assert sorted(table["routes"], key=lambda r: r["origin"]) == [
        {"destination_cidr": "0.0.0.0/0", "gateway_id": net["igw"], "origin": "foreign", "state": "active"},
        {"destination_cidr": net["cidr"], "gateway_id": "local", "origin": "local", "state": "active"},
        {"destination_prefix_list_id": net["pl"], "transit_gateway_id": net["tgw1"], "origin": "managed",
         "state": "active"},
    ]
    by_id = module(INFO, {"route_table_ids": [net["main"]]})
    assert [t["main"] for t in by_id["route_tables"]] == [True]


@pytest.mark.parametrize(
    "config, field",
    [
        ([{"destination_cidr": "10.0.0.1/8", "transit_gateway_id": "tgw-0123456789abcdef0"}],
         "config[0].destination_cidr"),
        ([{"destination_cidr": "10.0.0.0/8", "destination_prefix_list_id": "pl-0123456789abcdef0",
           "transit_gateway_id": "tgw-0123456789abcdef0"}], "config[0]"),
        ([{"destination_cidr": "10.0.0.0/8"}], "config[0]"),
        ([{"destination_cidr": "10.0.0.0/8", "transit_gateway_id": "tgw-0123456789abcdef0",
           "nat_gateway_id": "nat-0123456789abcdef0"}], "config[0]"),
        ([{"destination_prefix_list_id": "pl-xyz", "transit_gateway_id": "tgw-0123456789abcdef0"}],
         "config[0].destination_prefix_list_id"),
        ([{"destination_cidr": "10.0.0.0/8", "gateway_id": "tgw-0123456789abcdef0"}], "config[0].gateway_id"),
    ],
)
def test_bad_input_fails_before_any_call(sandbox, module, config, field):
    total = sandbox.calls_total()
    failed = module(MOD, {"route_table_ids": ["rtb-0123456789abcdef0"], "config": config}, expect_failure=True)
    assert sandbox.calls_total() == total
    assert failed["msg"].startswith(f"{field}:") and "Fix:" in failed["msg"]


def test_unknown_route_table_is_named(module, net):
    missing = "rtb-0123456789abcdef0"
    failed = module(MOD, {"route_table_ids": [net["rtb"], missing], "config": []}, expect_failure=True)
    assert missing in failed["msg"] and net["rtb"] not in failed["msg"]
