"""AWS Network Firewall policies, rule groups and firewall endpoints on top of moto."""

from __future__ import annotations

import pytest
from behaviour_conftest import client, error_code, patched_aws, vpc_with_subnets
from botocore.exceptions import ClientError

MISSING_GROUP = "arn:aws:network-firewall:us-east-1:123456789012:stateful-rulegroup/none"
RULES = "pass tcp any any -> any 443 (sid:1;)"
POLICY = {
    "StatelessDefaultActions": ["aws:forward_to_sfe"],
    "StatelessFragmentDefaultActions": ["aws:forward_to_sfe"],
}


def _policy(nfw, name="inspection"):
    group = nfw.create_rule_group(RuleGroupName=f"{name}-allow", Type="STATEFUL", Capacity=100, Rules=RULES)
    arn = group["RuleGroupResponse"]["RuleGroupArn"]
    body = dict(POLICY, StatefulRuleGroupReferences=[{"ResourceArn": arn}])
    created = nfw.create_firewall_policy(FirewallPolicyName=name, FirewallPolicy=body)
    return created["FirewallPolicyResponse"]["FirewallPolicyArn"], arn


def test_rule_group_update_token_semantics():
    with patched_aws():
        nfw = client("network-firewall")
        created = nfw.create_rule_group(
            RuleGroupName="allow-https", Type="STATEFUL", Capacity=100, Rules=RULES
        )
        token = created["UpdateToken"]
        assert created["RuleGroupResponse"]["RuleGroupArn"].endswith(":stateful-rulegroup/allow-https")
        described = nfw.describe_rule_group(RuleGroupName="allow-https", Type="STATEFUL")
        assert described["UpdateToken"] == token
        assert described["RuleGroup"]["RulesSource"]["RulesString"] == RULES
        updated = nfw.update_rule_group(
            RuleGroupName="allow-https",
            Type="STATEFUL",
            UpdateToken=token,
            Rules="drop tcp any any -> any 22 (sid:2;)",
        )
        assert updated["UpdateToken"] != token
        with pytest.raises(ClientError) as exc:
            nfw.update_rule_group(
                RuleGroupName="allow-https", Type="STATEFUL", UpdateToken=token, Rules=RULES
            )
        assert error_code(exc) == "InvalidTokenException"
        with pytest.raises(ClientError) as exc:
            nfw.create_rule_group(RuleGroupName="allow-https", Type="STATEFUL", Capacity=100, Rules=RULES)
        assert error_code(exc) == "InvalidRequestException"
        listed = nfw.list_rule_groups(Type="STATEFUL")["RuleGroups"]
        assert [g["Name"] for g in listed] == ["allow-https"]
        assert (
            nfw.delete_rule_group(RuleGroupName="allow-https", Type="STATEFUL")["RuleGroupResponse"][
                "RuleGroupStatus"
            ]
            == "DELETING"
        )
        with pytest.raises(ClientError) as exc:
            nfw.describe_rule_group(RuleGroupName="allow-https", Type="STATEFUL")
        assert error_code(exc) == "ResourceNotFoundException"


def test_policy_references_and_in_use_guards():
    with patched_aws():
        nfw = client("network-firewall")
        with pytest.raises(ClientError) as exc:
            nfw.create_firewall_policy(
                FirewallPolicyName="bad",
                FirewallPolicy=dict(
                    POLICY,
                    StatefulRuleGroupReferences=[{"ResourceArn": MISSING_GROUP}],
                ),
            )
        assert error_code(exc) == "InvalidRequestException"
        policy_arn, group_arn = _policy(nfw)
        described = nfw.describe_firewall_policy(FirewallPolicyArn=policy_arn)
        assert described["FirewallPolicyResponse"]["ConsumedStatefulRuleCapacity"] == 100
        assert (
            nfw.describe_rule_group(RuleGroupArn=group_arn)["RuleGroupResponse"]["NumberOfAssociations"] == 1
        )
        with pytest.raises(ClientError) as exc:
            nfw.delete_rule_group(RuleGroupArn=group_arn)
        assert error_code(exc) == "InvalidOperationException"
        updated = nfw.update_firewall_policy(
            FirewallPolicyArn=policy_arn, UpdateToken=described["UpdateToken"], FirewallPolicy=POLICY
        )
        assert updated["FirewallPolicyResponse"]["ConsumedStatefulRuleCapacity"] == 0
        nfw.delete_rule_group(RuleGroupArn=group_arn)
        assert [p["Arn"] for p in nfw.list_firewall_policies()["FirewallPolicies"]] == [policy_arn]


def test_firewall_endpoints_per_az_are_routable_and_follow_subnets():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2, "10.50.0.0/16", azs=("us-east-1a", "us-east-1b"))
        nfw = client("network-firewall")
        policy_arn, _ = _policy(nfw)
        created = nfw.create_firewall(
            FirewallName="inspection",
            FirewallPolicyArn=policy_arn,
            VpcId=vpc_id,
            SubnetMappings=[{"SubnetId": subnets[0]}],
            DeleteProtection=False,
            SubnetChangeProtection=False,
        )
        sync = created["FirewallStatus"]["SyncStates"]
        assert list(sync) == ["us-east-1a"]
        endpoint_id = sync["us-east-1a"]["Attachment"]["EndpointId"]
        assert endpoint_id.startswith("vpce-") and sync["us-east-1a"]["Attachment"]["SubnetId"] == subnets[0]
        assert sync["us-east-1a"]["Config"][policy_arn]["SyncStatus"] == "IN_SYNC"
        endpoint = ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])["VpcEndpoints"][0]
        assert endpoint["VpcEndpointType"] == "GatewayLoadBalancer" and endpoint["VpcId"] == vpc_id
        table = ec2.create_route_table(VpcId=vpc_id)["RouteTable"]["RouteTableId"]
        ec2.create_route(RouteTableId=table, DestinationCidrBlock="10.0.0.0/8", VpcEndpointId=endpoint_id)

        token = nfw.describe_firewall(FirewallName="inspection")["UpdateToken"]
        assoc = nfw.associate_subnets(
            FirewallName="inspection", UpdateToken=token, SubnetMappings=[{"SubnetId": subnets[1]}]
        )
        assert {m["SubnetId"] for m in assoc["SubnetMappings"]} == set(subnets)
        with pytest.raises(ClientError) as exc:
            nfw.disassociate_subnets(FirewallName="inspection", UpdateToken=token, SubnetIds=[subnets[1]])
        assert error_code(exc) == "InvalidTokenException"
        status = nfw.describe_firewall(FirewallName="inspection")["FirewallStatus"]
        assert sorted(status["SyncStates"]) == ["us-east-1a", "us-east-1b"] and status["Status"] == "READY"
        nfw.disassociate_subnets(FirewallName="inspection", SubnetIds=[subnets[1]])
        assert list(nfw.describe_firewall(FirewallName="inspection")["FirewallStatus"]["SyncStates"]) == [
            "us-east-1a"
        ]
        with pytest.raises(ClientError) as exc:
            nfw.delete_firewall_policy(FirewallPolicyArn=policy_arn)
        assert error_code(exc) == "InvalidOperationException"
        nfw.delete_firewall(FirewallName="inspection")
        with pytest.raises(ClientError) as exc:
            nfw.describe_firewall(FirewallName="inspection")
        assert error_code(exc) == "ResourceNotFoundException"
        with pytest.raises(ClientError) as exc:
            ec2.describe_vpc_endpoints(VpcEndpointIds=[endpoint_id])
        assert error_code(exc) == "InvalidVpcEndpointId.NotFound"


def test_protections_default_on_and_lifecycle_states():
    with patched_aws(pending_reads=1):
        vpc_id, subnets = vpc_with_subnets(client("ec2"), "10.51.0.0/16")
        nfw = client("network-firewall")
        policy_arn, _ = _policy(nfw)
        created = nfw.create_firewall(
            FirewallName="fw",
            FirewallPolicyArn=policy_arn,
            VpcId=vpc_id,
            SubnetMappings=[{"SubnetId": s} for s in subnets],
        )
        assert created["Firewall"]["DeleteProtection"] is True
        assert created["FirewallStatus"]["Status"] == "PROVISIONING"
        statuses = [nfw.describe_firewall(FirewallName="fw")["FirewallStatus"]["Status"] for _ in range(2)]
        assert statuses == ["PROVISIONING", "READY"]
        with pytest.raises(ClientError) as exc:
            nfw.delete_firewall(FirewallName="fw")
        assert error_code(exc) == "InvalidOperationException"
        nfw.update_firewall_delete_protection(FirewallName="fw", DeleteProtection=False)
        assert nfw.delete_firewall(FirewallName="fw")["FirewallStatus"]["Status"] == "DELETING"
        assert nfw.describe_firewall(FirewallName="fw")["FirewallStatus"]["Status"] == "DELETING"
        with pytest.raises(ClientError) as exc:
            nfw.describe_firewall(FirewallName="fw")
        assert error_code(exc) == "ResourceNotFoundException"
