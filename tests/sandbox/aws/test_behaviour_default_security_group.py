"""The default security group of a new VPC admits its own members, as AWS creates it."""

from __future__ import annotations

from behaviour_conftest import client, patched_aws


def test_default_group_admits_traffic_from_itself_and_allows_all_out():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        group = ec2.describe_security_groups(Filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                                      {"Name": "group-name", "Values": ["default"]}])[
            "SecurityGroups"][0]
        assert len(group["IpPermissions"]) == 1
        rule = group["IpPermissions"][0]
        assert rule["IpProtocol"] == "-1" and rule.get("IpRanges", []) == []
        assert [p["GroupId"] for p in rule["UserIdGroupPairs"]] == [group["GroupId"]]
        assert any(r.get("CidrIp") == "0.0.0.0/0" for p in group["IpPermissionsEgress"] for r in p.get("IpRanges", []))


def test_other_groups_start_without_inbound_rules():
    with patched_aws():
        ec2 = client("ec2")
        vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        group_id = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc_id)["GroupId"]
        assert ec2.describe_security_groups(GroupIds=[group_id])["SecurityGroups"][0]["IpPermissions"] == []
