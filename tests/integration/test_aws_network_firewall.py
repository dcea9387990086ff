"""Network Firewall modules against the sandbox; state read back through boto3."""

from __future__ import annotations

import uuid

import pytest

FLOWS = [{"name": "payments", "source_cidrs": ["10.20.0.0/16"], "destination_cidrs": ["10.100.0.0/24"],
          "protocol": "tcp", "ports": ["443"]},
         {"name": "orders", "source_cidrs": ["10.30.0.0/16"], "destination_cidrs": ["10.100.0.0/24"],
          "protocol": "tcp", "ports": ["443", "8443"]}]


def _name(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def nfw(sandbox):
    return sandbox.client("network-firewall")


@pytest.fixture
def vpc(ec2):
    vpc_id = ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]
    subnets = [ec2.create_subnet(VpcId=vpc_id, CidrBlock=f"10.60.{i}.0/28", AvailabilityZone=az)["Subnet"]["SubnetId"]
               for i, az in enumerate(["us-east-1a", "us-east-1b", "us-east-1c"])]
    return vpc_id, subnets


def _tags(items):
    return {t["Key"]: t["Value"] for t in items or []}


def _group(module, name, flows=None, **extra):
    flows = FLOWS if flows is None else flows
    return module("aws_network_firewall_rule_group", dict({"name": name, "topology": "it", "flows": flows}, **extra))


def _policy(module, name, group):
    return module("aws_network_firewall_policy", {"name": name, "topology": "it",
                                                  "stateful_rule_groups": [{"name": group}]})


def test_rule_group_four_pass_and_read_back(four_pass, nfw):
    name = _name("rg")
    result = four_pass("aws_network_firewall_rule_group", {"name": name, "topology": "it", "flows": FLOWS},
                       "rule_group")
    got = nfw.describe_rule_group(RuleGroupName=name, Type="STATEFUL")
    rules = got["RuleGroup"]["RulesSource"]["StatefulRules"]
    assert [(r["Action"], r["Header"]["Source"], r["Header"]["Destination"], r["Header"]["DestinationPort"],
             r["RuleOptions"][0]["Settings"]) for r in rules] == [
        ("PASS", "10.20.0.0/16", "10.100.0.0/24", "443", ["1"]),
        ("PASS", "10.30.0.0/16", "10.100.0.0/24", "443", ["2"]),
        ("PASS", "10.30.0.0/16", "10.100.0.0/24", "8443", ["3"])]
    assert got["RuleGroup"]["StatefulRuleOptions"]["RuleOrder"] == "STRICT_ORDER"
    assert got["RuleGroupResponse"]["Capacity"] == 100
    tags = _tags(got["RuleGroupResponse"]["Tags"])
    assert tags["cloudnet:managed-by"] == "cloudnet.privatelink" and tags["cloudnet:topology"] == "it"
    assert result["rule_group"]["rule_group_arn"] == got["RuleGroupResponse"]["RuleGroupArn"]


def test_rule_group_update_is_one_tokened_call_and_check_mode_writes_nothing(module, nfw, sandbox):
    name = _name("rg")
    _group(module, name)
    token = nfw.describe_rule_group(RuleGroupName=name, Type="STATEFUL")["UpdateToken"]
    new_flows = [dict(FLOWS[0], ports=["8080:8090"])]
    before = sandbox.mutating_calls()
    planned = module("aws_network_firewall_rule_group", {"name": name, "topology": "it", "flows": new_flows},
                     check=True)
    if before is not None:
        assert sandbox.mutating_calls() == before
    assert [op["action"] for op in planned["operations"]] == ["update"]
    assert nfw.describe_rule_group(RuleGroupName=name, Type="STATEFUL")["UpdateToken"] == token
    applied = _group(module, name, new_flows)
    assert applied["changed"] is True and applied["diff"]["before"]["rules"][0]["destination_port"] == "443"
    got = nfw.describe_rule_group(RuleGroupName=name, Type="STATEFUL")
    assert got["UpdateToken"] != token
    assert [r["Header"]["DestinationPort"] for r in got["RuleGroup"]["RulesSource"]["StatefulRules"]] == ["8080:8090"]


def test_bad_flow_fails_naming_the_field_before_any_call(module, sandbox):
    before = sandbox.mutating_calls()
    bad = [{"source_cidrs": ["10.20.0.1/16"], "destination_cidrs": ["10.100.0.0/24"]}]
    result = module("aws_network_firewall_rule_group", {"name": _name("rg"), "flows": bad}, expect_failure=True)
    assert "flows[0].source_cidrs[0]" in result["msg"] and "10.20.0.0/16" in result["msg"]
    icmp = [{"source_cidrs": ["10.20.0.0/16"], "destination_cidrs": ["10.100.0.0/24"], "protocol": "icmp",
             "ports": ["443"]}]
    result = module("aws_network_firewall_rule_group", {"name": _name("rg"), "flows": icmp}, expect_failure=True)
    assert "flows[0].ports" in result["msg"]
    if before is not None:
        assert sandbox.mutating_calls() == before


def test_policy_four_pass_and_read_back(four_pass, module, nfw):
    group = _name("rg")
    group_arn = _group(module, group)["rule_group"]["rule_group_arn"]
    name = _name("pol")
    four_pass("aws_network_firewall_policy", {"name": name, "topology": "it",
                                              "stateful_rule_groups": [{"name": group}]}, "firewall_policy")
    got = nfw.describe_firewall_policy(FirewallPolicyName=name)
    doc = got["FirewallPolicy"]
    assert doc["StatefulRuleGroupReferences"] == [{"ResourceArn": group_arn, "Priority": 10}]
    assert doc["StatefulEngineOptions"]["RuleOrder"] == "STRICT_ORDER"
    assert sorted(doc["StatefulDefaultActions"]) == ["aws:alert_established", "aws:drop_established"]
    assert doc["StatelessDefaultActions"] == ["aws:forward_to_sfe"]
    assert _tags(got["FirewallPolicyResponse"]["Tags"])["cloudnet:managed-by"] == "cloudnet.privatelink"


def test_policy_check_mode_predicts_groups_created_in_the_same_check_run(module, sandbox):
    before = sandbox.mutating_calls()
    result = module("aws_network_firewall_policy", {"name": _name("pol"), "stateful_rule_groups": [
        {"name": "not-created-yet"}]}, check=True)
    assert result["changed"] is True
    assert result["firewall_policy"]["stateful_rule_groups"][0]["arn"].endswith(":stateful-rulegroup/not-created-yet")
    if before is not None:
        assert sandbox.mutating_calls() == before
    failed = module("aws_network_firewall_policy", {"name": _name("pol"), "stateful_rule_groups": [
        {"name": "not-created-yet"}]}, expect_failure=True)
    assert "stateful_rule_groups[0].name" in failed["msg"]


def test_firewall_four_pass_endpoints_per_az(four_pass, module, nfw, ec2, vpc):
    vpc_id, subnets = vpc
    group, policy, name = _name("rg"), _name("pol"), _name("fw")
    _group(module, group)
    _policy(module, policy, group)
    args = {"name": name, "topology": "it", "vpc_id": vpc_id, "subnet_ids": subnets[:2], "firewall_policy": policy}
    result = four_pass("aws_network_firewall", args, "firewall")["firewall"]
    got = nfw.describe_firewall(FirewallName=name)
    sync = got["FirewallStatus"]["SyncStates"]
    assert result["endpoint_ids"] == {az: s["Attachment"]["EndpointId"] for az, s in sync.items()}
    assert set(result["endpoint_ids"]) == {"us-east-1a", "us-east-1b"}
    assert all(result["endpoint_ids"].values())
    assert sorted(m["SubnetId"] for m in got["Firewall"]["SubnetMappings"]) == sorted(subnets[:2])
    assert got["Firewall"]["DeleteProtection"] is False and got["Firewall"]["SubnetChangeProtection"] is False
    assert got["FirewallStatus"]["Status"] == "READY"
    vpces = ec2.describe_vpc_endpoints(VpcEndpointIds=list(result["endpoint_ids"].values()))["VpcEndpoints"]
    assert {v["VpcId"] for v in vpces} == {vpc_id}


def test_firewall_subnets_and_policy_reconciled_then_removed(module, nfw, vpc):
    vpc_id, subnets = vpc
    group, policy, other, name = _name("rg"), _name("pol"), _name("pol"), _name("fw")
    _group(module, group)
    _policy(module, policy, group)
    _policy(module, other, group)
    args = {"name": name, "topology": "it", "vpc_id": vpc_id, "subnet_ids": subnets[:2], "firewall_policy": policy}
    first = module("aws_network_firewall", args)["firewall"]
    moved = module("aws_network_firewall", dict(args, subnet_ids=[subnets[0], subnets[2]], firewall_policy=other))
    assert [op["action"] for op in moved["operations"]] == [
        "disassociate_subnets", "associate_subnets", "associate_firewall_policy"]
    got = nfw.describe_firewall(FirewallName=name)
    assert sorted(m["SubnetId"] for m in got["Firewall"]["SubnetMappings"]) == sorted([subnets[0], subnets[2]])
    assert got["Firewall"]["FirewallPolicyArn"].endswith("/" + other)
    assert set(got["FirewallStatus"]["SyncStates"]) == {"us-east-1a", "us-east-1c"}
    assert moved["firewall"]["endpoint_ids"]["us-east-1a"] == first["endpoint_ids"]["us-east-1a"]
    # The policy in use cannot go; the firewall goes first, then the policy and the rule group.
    gone = module("aws_network_firewall", {"name": name, "topology": "it", "state": "absent"})
    assert gone["changed"] is True
    with pytest.raises(nfw.exceptions.ResourceNotFoundException):
        nfw.describe_firewall(FirewallName=name)
    for pol in (policy, other):
        assert module("aws_network_firewall_policy", {"name": pol, "topology": "it", "state": "absent"})["changed"]
    assert module("aws_network_firewall_rule_group", {"name": group, "topology": "it", "state": "absent"})["changed"]
    assert all(p["Name"] not in (policy, other) for p in nfw.list_firewall_policies()["FirewallPolicies"])
    again = module("aws_network_firewall_rule_group", {"name": group, "topology": "it", "state": "absent"})
    assert again["changed"] is False


def test_foreign_objects_are_never_changed_or_deleted(module, nfw):
    name = _name("rg")
    nfw.create_rule_group(RuleGroupName=name, Type="STATEFUL", Capacity=10,
                          Rules="pass tcp any any -> any 443 (sid:1;)")
    removed = module("aws_network_firewall_rule_group", {"name": name, "state": "absent"})
    assert removed["changed"] is False and removed.get("warnings")
    refused = module("aws_network_firewall_rule_group", {"name": name, "flows": FLOWS}, expect_failure=True)
    assert "not managed" in refused["msg"]
    assert nfw.describe_rule_group(RuleGroupName=name, Type="STATEFUL")["RuleGroup"]["RulesSource"][
        "RulesString"] == "pass tcp any any -> any 443 (sid:1;)"


def test_info_reads_all_three_kinds(module, vpc):
    vpc_id, subnets = vpc
    group, policy, name = _name("rg"), _name("pol"), _name("fw")
    _group(module, group, topology="info-it")
    module("aws_network_firewall_policy", {"name": policy, "topology": "info-it",
                                           "stateful_rule_groups": [{"name": group}]})
    made = module("aws_network_firewall", {"name": name, "topology": "info-it", "vpc_id": vpc_id,
                                           "subnet_ids": subnets[:1], "firewall_policy": policy})["firewall"]
    by_vpc = module("aws_network_firewall_info", {"vpc_ids": [vpc_id]})
    assert [f["endpoint_ids"] for f in by_vpc["firewalls"]] == [made["endpoint_ids"]]
    assert by_vpc["firewall_policies"] == [] and by_vpc["rule_groups"] == []
    named = module("aws_network_firewall_info", {"policy_names": [policy], "rule_group_names": [group]})
    assert named["firewall_policies"][0]["stateful_rule_groups"][0]["arn"] == named["rule_groups"][0]["rule_group_arn"]
    assert len(named["rule_groups"][0]["rules"]) == 3
    managed = module("aws_network_firewall_info", {"managed_only": True, "topology": "info-it"})
    assert {f["firewall_name"] for f in managed["firewalls"]} == {name}
    assert {g["rule_group_name"] for g in managed["rule_groups"]} == {group}
