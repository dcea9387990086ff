"""Call counting and request classification, driven through boto3 as a user would."""

from __future__ import annotations

import urllib.request

from sandbox.aws import operations


def test_counts_mutating_and_read_calls_per_operation(make_client, control):
    ec2 = make_client("ec2")
    vpc_id = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    ec2.create_subnet(VpcId=vpc_id, CidrBlock="10.0.1.0/24")
    ec2.describe_vpcs()
    ec2.describe_vpcs(VpcIds=[vpc_id])
    ec2.describe_subnets()

    summary = control.summary()
    assert summary["total"] == 5
    assert summary["mutating"] == 2
    assert summary["read"] == 3
    ops = summary["by_operation"]
    assert ops["ec2:CreateVpc"]["count"] == 1 and ops["ec2:CreateVpc"]["mutating"] is True
    assert ops["ec2:DescribeVpcs"]["count"] == 2 and ops["ec2:DescribeVpcs"]["mutating"] is False
    assert ops["ec2:DescribeVpcs"]["statuses"] == {"200": 2}
    assert summary["by_service"]["ec2"] == {"total": 5, "mutating": 2, "read": 3}
    assert [c["operation"] for c in control.mutating_calls()] == ["CreateVpc", "CreateSubnet"]
    calls = control.calls()
    assert [c["seq"] for c in calls] == sorted(c["seq"] for c in calls)
    assert {c["region"] for c in calls} == {"us-east-1"}


def test_control_and_moto_api_calls_are_not_counted(aws_sandbox, make_client, control):
    make_client("ec2").describe_vpcs()
    control.settings()
    control.faults()
    with urllib.request.urlopen(f"{aws_sandbox.url}/moto-api/data.json") as response:
        assert response.status == 200
    assert control.summary()["total"] == 1


def test_reset_calls_forgets_counts_but_keeps_cloud_state(make_client, control):
    ec2 = make_client("ec2")
    ec2.create_vpc(CidrBlock="10.1.0.0/16")
    control.reset_calls()
    assert control.summary()["total"] == 0
    assert control.calls() == []
    cidrs = {v["CidrBlock"] for v in ec2.describe_vpcs()["Vpcs"]}
    assert "10.1.0.0/16" in cidrs
    assert control.summary()["total"] == 1


def test_since_returns_only_newer_calls(make_client, control):
    ec2 = make_client("ec2")
    ec2.describe_vpcs()
    last = control.summary()["last_seq"]
    ec2.create_vpc(CidrBlock="10.2.0.0/16")
    newer = control.calls(since=last)
    assert [c["operation"] for c in newer] == ["CreateVpc"]


def test_rest_xml_json_and_query_protocols_are_classified(make_client, control):
    route53 = make_client("route53")
    zone = route53.create_hosted_zone(Name="example.internal.", CallerReference="ref-1")["HostedZone"]
    route53.get_hosted_zone(Id=zone["Id"])
    route53.list_hosted_zones()
    route53.change_resource_record_sets(
        HostedZoneId=zone["Id"],
        ChangeBatch={
            "Changes": [
                {
                    "Action": "UPSERT",
                    "ResourceRecordSet": {
                        "Name": "a.example.internal.",
                        "Type": "A",
                        "TTL": 60,
                        "ResourceRecords": [{"Value": "10.0.0.1"}],
                    },
                }
            ]
        },
    )
    route53.list_resource_record_sets(HostedZoneId=zone["Id"])
    make_client("route53resolver").list_resolver_endpoints()
    make_client("sts").get_caller_identity()
    make_client("elbv2").describe_load_balancers()

    ops = control.summary()["by_operation"]
    expected = {
        "route53:CreateHostedZone": True,
        "route53:GetHostedZone": False,
        "route53:ListHostedZones": False,
        "route53:ChangeResourceRecordSets": True,
        "route53:ListResourceRecordSets": False,
        "route53resolver:ListResolverEndpoints": False,
        "sts:GetCallerIdentity": False,
        "elbv2:DescribeLoadBalancers": False,
    }
    assert {key: ops[key]["mutating"] for key in expected} == expected
    assert all(op["count"] == 1 for op in ops.values())


def test_calls_are_counted_per_account_after_assume_role(make_client, control):
    sts = make_client("sts")
    creds = sts.assume_role(RoleArn="arn:aws:iam::210987654321:role/network", RoleSessionName="spoke")[
        "Credentials"
    ]
    spoke = make_client(
        "ec2",
        credentials={
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        },
    )
    spoke.create_vpc(CidrBlock="10.3.0.0/16")
    spoke.describe_vpcs()
    make_client("ec2").describe_vpcs()

    summary = control.summary()
    assert summary["by_account"]["210987654321"] == {"total": 2, "mutating": 1, "read": 1}
    # The hub account made AssumeRole (issues credentials only: a read) and one describe.
    assert summary["by_account"]["123456789012"] == {"total": 2, "mutating": 0, "read": 2}
    create = [c for c in control.calls() if c["operation"] == "CreateVpc"]
    assert create[0]["account"] == "210987654321"


def test_dry_run_calls_are_not_mutating(make_client, control):
    from botocore.exceptions import ClientError

    ec2 = make_client("ec2")
    try:
        ec2.create_vpc(CidrBlock="10.4.0.0/16", DryRun=True)
    except ClientError:
        pass
    call = control.calls()[-1]
    assert call["operation"] == "CreateVpc" and call["mutating"] is False


def test_rest_uri_matching_prefers_the_most_specific_template():
    assert (
        operations.match_rest_operation("route53", "GET", "/2013-04-01/hostedzone", {}) == "ListHostedZones"
    )
    assert (
        operations.match_rest_operation("route53", "GET", "/2013-04-01/hostedzone/Z1", {}) == "GetHostedZone"
    )
    assert (
        operations.match_rest_operation("route53", "GET", "/2013-04-01/hostedzone/Z1/rrset", {})
        == "ListResourceRecordSets"
    )
    assert (
        operations.match_rest_operation("route53", "POST", "/2013-04-01/hostedzone/Z1/associatevpc", {})
        == "AssociateVPCWithHostedZone"
    )
    assert operations.match_rest_operation("route53", "PATCH", "/2013-04-01/hostedzone", {}) is None


def test_mutating_rule():
    assert operations.is_mutating_operation("ec2", "CreateVpcEndpoint")
    assert operations.is_mutating_operation("ec2", "ReplaceRoute")
    assert operations.is_mutating_operation("route53", "ChangeResourceRecordSets", "POST")
    assert not operations.is_mutating_operation("ec2", "DescribeVpcEndpoints")
    assert not operations.is_mutating_operation("ec2", "SearchTransitGatewayRoutes")
    assert not operations.is_mutating_operation("ec2", "GetManagedPrefixListEntries")
    assert not operations.is_mutating_operation("sts", "AssumeRole")
    assert not operations.is_mutating_operation("s3", "HeadObject", "HEAD")


def test_cbor_and_signing_alias_classification():
    environ = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/service/NetworkFirewall_20201112/operation/CreateFirewall",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/eu-west-1/network-firewall/"
        "aws4_request, SignedHeaders=host, Signature=x",
        "CONTENT_TYPE": "application/cbor",
    }
    info = operations.classify(environ, b"")
    assert (info.service, info.operation, info.mutating, info.region) == (
        "network-firewall",
        "CreateFirewall",
        True,
        "eu-west-1",
    )
    elb = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "HTTP_AUTHORIZATION": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/"
        "elasticloadbalancing/aws4_request, SignedHeaders=host, Signature=x",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
    }
    assert operations.classify(elb, b"Action=DescribeLoadBalancers&Version=2012-06-01").service == "elb"
    assert operations.classify(elb, b"Action=DescribeLoadBalancers&Version=2015-12-01").service == "elbv2"


def test_unsigned_sts_calls_are_classified(make_client, control):
    make_client("sts").assume_role_with_web_identity(
        RoleArn="arn:aws:iam::123456789012:role/ci", RoleSessionName="ci-run", WebIdentityToken="token"
    )
    call = control.calls()[-1]
    assert (call["service"], call["operation"], call["mutating"]) == (
        "sts",
        "AssumeRoleWithWebIdentity",
        False,
    )
