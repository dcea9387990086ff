"""Network Firewall normalisers and planners, and real-AWS behaviour the sandbox lacks (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import network_firewall as nf
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import network_firewall_firewall as fwm
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)

OWN = [{"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"}, {"Key": "cloudnet:topology", "Value": "t"}]
ARN = "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/allow"
FW_ARN = "arn:aws:network-firewall:us-east-1:123456789012:firewall/fw"
POLICY_ARN = "arn:aws:network-firewall:us-east-1:123456789012:firewall-policy/pol"
TOKEN = "11111111-1111-1111-1111-111111111111"
TOKEN2 = "22222222-2222-2222-2222-222222222222"
GROUP_ID = "33333333-3333-3333-3333-333333333333"


def flow(**kw):
    base = {"source_cidrs": ["10.1.0.0/16"], "destination_cidrs": ["10.100.0.0/24"], "protocol": "tcp",
            "ports": ["443"], "action": "pass"}
    base.update(kw)
    return base


def headers(rules):
    return [(r["Action"], r["Header"]["Protocol"], r["Header"]["Source"], r["Header"]["Destination"],
             r["Header"]["DestinationPort"], r["RuleOptions"][0]["Settings"][0]) for r in rules]


@pytest.mark.parametrize("flows, expected", [
    ([flow()], [("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "443", "1")]),
    ([flow(ports=None)], [("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "ANY", "1")]),
    ([flow(ports=[" any "])], [("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "ANY", "1")]),
    ([flow(ports=["8000:8100"], protocol="udp")], [("PASS", "UDP", "10.1.0.0/16", "10.100.0.0/24", "8000:8100", "1")]),
    ([flow(protocol="icmp", ports=None)], [("PASS", "ICMP", "10.1.0.0/16", "10.100.0.0/24", "ANY", "1")]),
    ([flow(protocol="ip", ports=["any"], action="drop")], [("DROP", "IP", "10.1.0.0/16", "10.100.0.0/24", "ANY", "1")]),
    ([flow(source_cidrs=["10.1.0.0/16", "10.2.0.0/16"], ports=[443, 80])], [
        ("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "443", "1"),
        ("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "80", "2"),
        ("PASS", "TCP", "10.2.0.0/16", "10.100.0.0/24", "443", "3"),
        ("PASS", "TCP", "10.2.0.0/16", "10.100.0.0/24", "80", "4")]),
    ([flow(), flow(), flow(ports=["443", "443"])], [("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "443", "1")]),
    ([flow(), flow(action="drop")], [("PASS", "TCP", "10.1.0.0/16", "10.100.0.0/24", "443", "1"),
                                     ("DROP", "TCP", "10.1.0.0/16", "10.100.0.0/24", "443", "2")]),
    ([], []),
])
def test_flows_to_rules(flows, expected):
    rules = nf.flows_to_rules(flows)
    assert headers(rules) == expected
    assert all(r["Header"]["SourcePort"] == "ANY" and r["Header"]["Direction"] == "FORWARD" for r in rules)


@pytest.mark.parametrize("bad, field", [
    (flow(source_cidrs=["10.1.0.1/16"]), "flows[0].source_cidrs[0]"),
    (flow(destination_cidrs=["nope"]), "flows[0].destination_cidrs[0]"),
    (flow(source_cidrs=[]), "flows[0].source_cidrs"),
    (flow(protocol="sctp"), "flows[0].protocol"),
    (flow(action="allow"), "flows[0].action"),
    (flow(ports=["0"]), "flows[0].ports[0]"),
    (flow(ports=["65536"]), "flows[0].ports[0]"),
    (flow(ports=["100:90"]), "flows[0].ports[0]"),
    (flow(ports=["http"]), "flows[0].ports[0]"),
    (flow(protocol="icmp"), "flows[0].ports"),
])
def test_flows_rejected_naming_the_field(bad, field):
    with pytest.raises(ValidationError) as err:
        nf.flows_to_rules([bad])
    assert err.value.field == field


def test_rule_group_documents_compare_ignoring_case_and_option_order():
    rules = nf.flows_to_rules([flow()])
    mine = nf.rule_group_document(rules, "STRICT_ORDER")
    theirs = {"RulesSource": {"StatefulRules": [{"Action": "pass", "Header": dict(
        rules[0]["Header"], Protocol="tcp", DestinationPort="443"), "RuleOptions": [
        {"Keyword": "sid", "Settings": ["1"]}]}]}, "StatefulRuleOptions": {"RuleOrder": "STRICT_ORDER"},
        "RuleVariables": {}}
    assert nf.canonical_rule_group(mine) == nf.canonical_rule_group(theirs)
    assert nf.canonical_rule_group({"RulesSource": {}})["rule_order"] == "DEFAULT_ACTION_ORDER"
    other = nf.rule_group_document(rules, "DEFAULT_ACTION_ORDER")
    assert nf.canonical_rule_group(mine) != nf.canonical_rule_group(other)


@pytest.mark.parametrize("order, refs, expected_refs, has_defaults", [
    ("STRICT_ORDER", [("a", None), ("b", None)], [{"ResourceArn": "a", "Priority": 10},
                                                  {"ResourceArn": "b", "Priority": 20}], True),
    ("STRICT_ORDER", [("a", 5)], [{"ResourceArn": "a", "Priority": 5}], True),
    ("DEFAULT_ACTION_ORDER", [("a", 5)], [{"ResourceArn": "a"}], False),
])
def test_policy_document(order, refs, expected_refs, has_defaults):
    doc = nf.policy_document(refs, order, ["aws:drop_established"], ["aws:forward_to_sfe"], ["aws:forward_to_sfe"])
    assert doc["StatefulRuleGroupReferences"] == expected_refs
    assert ("StatefulDefaultActions" in doc) is has_defaults
    assert doc["StatefulEngineOptions"] == {"RuleOrder": order}


def test_canonical_policy_ignores_list_order_and_defaults_the_rule_order():
    a = nf.policy_document([("x", 1), ("y", 2)], "STRICT_ORDER", ["aws:drop_established", "aws:alert_established"],
                           ["aws:forward_to_sfe"], ["aws:forward_to_sfe"])
    b = dict(a, StatefulDefaultActions=["aws:alert_established", "aws:drop_established"],
             StatefulRuleGroupReferences=list(reversed(a["StatefulRuleGroupReferences"])),
             StatefulEngineOptions={"RuleOrder": "STRICT_ORDER", "StreamExceptionPolicy": "DROP"})
    assert nf.canonical_policy_document(a) == nf.canonical_policy_document(b)
    c = dict(a, StatefulRuleGroupReferences=[{"ResourceArn": "x", "Priority": 3}, {"ResourceArn": "y", "Priority": 2}])
    assert nf.canonical_policy_document(a) != nf.canonical_policy_document(c)
    assert nf.canonical_policy_document({})["stateful_rule_order"] == "DEFAULT_ACTION_ORDER"


@pytest.mark.parametrize("params, field", [
    ({"stateful_rule_order": "DEFAULT_ACTION_ORDER", "stateful_default_actions": ["aws:drop_strict"]},
     "stateful_default_actions"),
    ({"stateful_rule_groups": [{"name": "a", "arn": ARN}]}, "stateful_rule_groups[0]"),
    ({"stateful_rule_groups": [{"priority": 1}]}, "stateful_rule_groups[0]"),
    ({"stateful_rule_order": "SOME_ORDER"}, "stateful_rule_order"),
])
def test_policy_params_rejected(params, field):
    with pytest.raises(ValidationError) as err:
        nf.validate_policy_params(params)
    assert err.value.field == field


def status(state="READY", summary="IN_SYNC", attachments=(("us-east-1a", "subnet-a", "vpce-a", "READY"),)):
    return {"Status": state, "ConfigurationSyncStateSummary": summary, "SyncStates": {
        az: {"Attachment": {k: v for k, v in (("SubnetId", s), ("EndpointId", e), ("Status", st)) if v}}
        for az, s, e, st in attachments}}


@pytest.mark.parametrize("st, ready", [
    (status(), True),
    (status(state="PROVISIONING"), False),
    (status(summary="PENDING"), False),
    (status(attachments=(("us-east-1a", "subnet-a", None, "CREATING"),)), False),
    (status(attachments=(("us-east-1a", "subnet-a", "vpce-a", "READY"), ("us-east-1b", "subnet-b", "vpce-b",
                                                                         "SCALING"))), False),
])
def test_is_ready(st, ready):
    assert fwm.is_ready({"FirewallStatus": st}) is ready


def test_endpoints_sorted_by_az():
    st = status(attachments=(("us-east-1b", "subnet-b", "vpce-b", "READY"), ("us-east-1a", "subnet-a", "vpce-a",
                                                                             "READY")))
    assert [e["availability_zone"] for e in fwm.endpoints(st)] == ["us-east-1a", "us-east-1b"]
    assert fwm.endpoints(None) == []


@pytest.mark.parametrize("have, want, add, remove", [
    ([], ["s1", "s2"], ["s1", "s2"], []),
    (["s1", "s2"], ["s2", "s1"], [], []),
    (["s1", "s2"], ["s1", "s3"], ["s3"], ["s2"]),
    (["s1"], [], [], ["s1"]),
])
def test_plan_subnets(have, want, add, remove):
    assert fwm.plan_subnets(have, want) == (add, remove)


@pytest.mark.parametrize("ids, found, problem", [
    (["subnet-1"], {}, "does not exist"),
    (["subnet-1"], {"subnet-1": ("us-east-1a", "vpc-other")}, "is in vpc-other"),
    (["subnet-1", "subnet-2"], {"subnet-1": ("us-east-1a", "vpc-1"), "subnet-2": ("us-east-1a", "vpc-1")},
     "second subnet in us-east-1a"),
])
def test_validate_subnets_rejects(ids, found, problem):
    with pytest.raises(ValidationError) as err:
        fwm.validate_subnets(ids, found, "vpc-1")
    assert problem in str(err.value)


def test_validate_subnets_maps_azs():
    found = {"subnet-1": ("us-east-1a", "vpc-1"), "subnet-2": ("us-east-1b", "vpc-1")}
    assert fwm.validate_subnets(["subnet-1", "subnet-2"], found, "vpc-1") == {
        "subnet-1": "us-east-1a", "subnet-2": "us-east-1b"}


# --- real-AWS behaviour (Stubber): tags after creation, waits, protections --------------------------

def stubbed(service="network-firewall"):
    client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients[service] = conn._clients[f"{service}:once"] = client  # and CreateOnce's single-attempt client
    return conn, Stubber(client)


def group_answer(tags, rules):
    return {"UpdateToken": TOKEN, "RuleGroup": nf.rule_group_document(rules, "STRICT_ORDER"),
            "RuleGroupResponse": {"RuleGroupArn": ARN, "RuleGroupName": "allow", "RuleGroupId": GROUP_ID,
                                  "Type": "STATEFUL", "Capacity": 100, "Tags": tags}}


def group_params(**kw):
    base = {"name": "allow", "topology": "t", "state": "present", "flows": [flow()], "rule_order": "STRICT_ORDER",
            "capacity": None, "description": None, "tags": {"team": "net"}, "purge_tags": True}
    base.update(kw)
    return base


def test_rule_group_tags_reconciled_with_tag_resource_and_untag_resource():
    conn, stub = stubbed()
    rules = nf.flows_to_rules([flow()])
    stub.add_response("describe_rule_group", group_answer(OWN + [{"Key": "old", "Value": "1"}], rules),
                      {"RuleGroupName": "allow", "Type": "STATEFUL"})
    stub.add_response("tag_resource", {}, {"ResourceArn": ARN, "Tags": [{"Key": "team", "Value": "net"}]})
    stub.add_response("untag_resource", {}, {"ResourceArn": ARN, "TagKeys": ["old"]})
    with stub:
        result = nf.RuleGroupManager(conn, group_params(), False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["tag", "untag"]
    assert result["rule_group"]["tags"] == {"team": "net", "cloudnet:managed-by": "cloudnet.privatelink",
                                            "cloudnet:topology": "t"}


def test_rule_group_update_sends_the_token_of_the_describe():
    conn, stub = stubbed()
    stub.add_response("describe_rule_group", group_answer(OWN, nf.flows_to_rules([flow(ports=["80"])])),
                      {"RuleGroupName": "allow", "Type": "STATEFUL"})
    stub.add_response("update_rule_group", {"UpdateToken": TOKEN2, "RuleGroupResponse": {
        "RuleGroupArn": ARN, "RuleGroupName": "allow", "RuleGroupId": GROUP_ID}},
        {"RuleGroupArn": ARN, "UpdateToken": TOKEN, "RuleGroup": ANY})
    with stub:
        result = nf.RuleGroupManager(conn, group_params(tags=None), False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["update"]
    assert result["rule_group"]["rules"][0]["destination_port"] == "443"


def test_capacity_too_small_fails_before_any_call():
    conn, stub = stubbed()
    with stub, pytest.raises(ValidationError) as err:
        nf.RuleGroupManager(conn, group_params(capacity=1, flows=[flow(ports=["80", "443"])]), False).ensure()
    assert err.value.field == "capacity"


def firewall_answer(st, delete_protection=False, tags=None):
    tags = OWN if tags is None else tags
    return {"UpdateToken": TOKEN, "Firewall": {
        "FirewallName": "fw", "FirewallArn": FW_ARN, "FirewallPolicyArn": POLICY_ARN, "VpcId": "vpc-1",
        "SubnetMappings": [{"SubnetId": "subnet-a"}], "FirewallId": GROUP_ID, "DeleteProtection": delete_protection,
        "SubnetChangeProtection": False, "FirewallPolicyChangeProtection": False, "Tags": tags},
        "FirewallStatus": st}


def test_firewall_wait_polls_until_every_endpoint_is_ready():
    conn, stub = stubbed()
    stub.add_response("describe_firewall", firewall_answer(status(
        "PROVISIONING", "PENDING", (("us-east-1a", "subnet-a", None, "CREATING"),))), {"FirewallArn": FW_ARN})
    stub.add_response("describe_firewall", firewall_answer(status()), {"FirewallArn": FW_ARN})
    mgr = fwm.FirewallManager(conn, {"name": "fw", "wait": True, "wait_timeout": 30}, False)
    with stub:
        out = mgr._wait_ready(FW_ARN)
    stub.assert_no_pending_responses()
    assert fwm.describe_result(out)["endpoint_ids"] == {"us-east-1a": "vpce-a"}


def test_protected_firewall_is_not_deleted():
    conn, stub = stubbed()
    stub.add_response("describe_firewall", firewall_answer(status(), delete_protection=True), {"FirewallName": "fw"})
    with stub, pytest.raises(ConflictError) as err:
        fwm.FirewallManager(conn, {"name": "fw", "topology": "t", "state": "absent"}, False).ensure()
    assert "delete protection" in str(err.value)


def test_description_change_uses_update_firewall_description_with_the_token():
    conn, stub = stubbed()
    ec2 = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn._clients["ec2"] = ec2
    ec2_stub = Stubber(ec2)
    ec2_stub.add_response("describe_subnets", {"Subnets": [
        {"SubnetId": "subnet-0000000000000000a", "AvailabilityZone": "us-east-1a", "VpcId": "vpc-0000000000000000a"}]})
    answer = firewall_answer(status(attachments=(("us-east-1a", "subnet-0000000000000000a", "vpce-a", "READY"),)))
    answer["Firewall"].update(VpcId="vpc-0000000000000000a", SubnetMappings=[{"SubnetId": "subnet-0000000000000000a"}])
    stub.add_response("describe_firewall", answer, {"FirewallName": "fw"})
    stub.add_response("update_firewall_description", {"UpdateToken": TOKEN2},
                      {"FirewallArn": FW_ARN, "UpdateToken": TOKEN, "Description": "inspection"})
    stub.add_response("describe_firewall", answer, {"FirewallArn": FW_ARN})
    params = {"name": "fw", "topology": "t", "state": "present", "vpc_id": "vpc-0000000000000000a",
              "subnet_ids": ["subnet-0000000000000000a"], "firewall_policy": POLICY_ARN, "description": "inspection",
              "delete_protection": False, "subnet_change_protection": False,
              "firewall_policy_change_protection": False, "tags": None, "purge_tags": False, "wait": True,
              "wait_timeout": 30}
    with stub, ec2_stub:
        result = fwm.FirewallManager(conn, params, False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["update_description"]


def test_a_rule_group_create_whose_answer_was_lost_is_found_by_name_not_made_again(monkeypatch):
    """CreateRuleGroup takes no token: after a 500 the group is looked up by its (unique) name first."""
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    rules = nf.flows_to_rules([flow()])
    stub.add_client_error("describe_rule_group", "ResourceNotFoundException", expected_params={
        "RuleGroupName": "allow", "Type": "STATEFUL"})
    stub.add_client_error("create_rule_group", "InternalServerError", http_status_code=500)
    stub.add_response("describe_rule_group", group_answer(OWN + [{"Key": "team", "Value": "net"}], rules),
                      {"RuleGroupName": "allow", "Type": "STATEFUL"})
    with stub:
        result = nf.RuleGroupManager(conn, group_params(), False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["create"]
    assert result["rule_group"]["rule_group_arn"] == ARN
