"""aws_flow_log and aws_flow_log_info against the sandbox; state read back through boto3."""

from __future__ import annotations

import uuid

import pytest

MANAGED = {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"}


def _name(prefix="fl"):
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


@pytest.fixture(scope="module")
def bucket(sandbox):
    name = _name("network-logs")
    sandbox.client("s3").create_bucket(Bucket=name)
    return f"arn:aws:s3:::{name}"


def _vpc(ec2):
    return ec2.create_vpc(CidrBlock="10.60.0.0/16")["Vpc"]["VpcId"]


def _tgw(ec2):
    return ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]


def _flow_logs(ec2, resource_id):
    return ec2.describe_flow_logs(Filters=[{"Name": "resource-id", "Values": [resource_id]}])["FlowLogs"]


def test_vpc_flow_log_four_pass_and_read_back(four_pass, ec2, bucket):
    vpc = _vpc(ec2)
    args = {"name": _name(), "topology": "it", "resource_type": "VPC", "resource_id": vpc,
            "destination": f"{bucket}/vpc/", "max_aggregation_interval": 60,
            "destination_options": {"file_format": "parquet", "hive_compatible_partitions": True}}
    result = four_pass("aws_flow_log", args, "flow_log")
    found = _flow_logs(ec2, vpc)
    assert len(found) == 1
    fl = found[0]
    assert fl["FlowLogId"] == result["flow_log"]["flow_log_id"]
    assert fl["LogDestination"] == f"{bucket}/vpc/" and fl["LogDestinationType"] == "s3"
    assert fl["TrafficType"] == "ALL" and fl["MaxAggregationInterval"] == 60
    assert fl["DestinationOptions"]["FileFormat"] == "parquet"
    assert fl["DestinationOptions"]["HiveCompatiblePartitions"] is True
    assert MANAGED in fl["Tags"] and {"Key": "Name", "Value": args["name"]} in fl["Tags"]


def test_transit_gateway_flow_log_four_pass(four_pass, ec2, bucket):
    tgw = _tgw(ec2)
    args = {"name": _name(), "topology": "it", "resource_type": "TransitGateway", "resource_id": tgw,
            "destination": f"{bucket}/tgw/"}
    result = four_pass("aws_flow_log", args, "flow_log")
    fl = _flow_logs(ec2, tgw)[0]
    assert fl["FlowLogId"] == result["flow_log"]["flow_log_id"]
    assert fl["MaxAggregationInterval"] == 60 and "TrafficType" not in fl
    assert "${tgw-attachment-id}" in fl["LogFormat"]
    assert result["flow_log"]["resource_type"] == "TransitGateway"


def test_changed_format_replaces_the_flow_log_and_keeps_one(module, ec2, bucket, sandbox):
    vpc = _vpc(ec2)
    args = {"name": _name(), "topology": "it", "resource_type": "VPC", "resource_id": vpc,
            "destination": f"{bucket}/replace/"}
    first = module("aws_flow_log", args)["flow_log"]["flow_log_id"]
    fmt = "${version} ${srcaddr} ${dstaddr} ${dstport} ${action}"
    before = sandbox.mutating_calls()
    plan = module("aws_flow_log", dict(args, log_format=fmt), check=True)
    assert sandbox.mutating_calls() == before
    assert [op["action"] for op in plan["operations"]] == ["create", "delete"]
    assert plan["operations"][0]["replaces"] == "log_format"
    second = module("aws_flow_log", dict(args, log_format=fmt))
    assert [op["action"] for op in second["operations"]] == ["create", "delete"]
    found = _flow_logs(ec2, vpc)
    assert [f["FlowLogId"] for f in found] == [second["flow_log"]["flow_log_id"]] != [first]
    assert found[0]["LogFormat"] == fmt
    assert module("aws_flow_log", dict(args, log_format=fmt))["changed"] is False
    # Unset format: the existing one is kept (no replacement back to the default).
    assert module("aws_flow_log", args)["changed"] is False


def test_foreign_flow_log_on_the_same_resource_is_left_alone(module, ec2, bucket):
    vpc = _vpc(ec2)
    foreign = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="REJECT",
                                   LogDestinationType="s3", LogDestination=f"{bucket}/security/")["FlowLogIds"][0]
    args = {"name": _name(), "topology": "it", "resource_type": "VPC", "resource_id": vpc,
            "destination": f"{bucket}/network/"}
    module("aws_flow_log", args)
    assert module("aws_flow_log", dict(args, state="absent"))["changed"] is True
    assert [f["FlowLogId"] for f in _flow_logs(ec2, vpc)] == [foreign]
    assert module("aws_flow_log", dict(args, state="absent"))["changed"] is False


def test_same_destination_as_a_foreign_flow_log_is_a_conflict_that_names_it(module, ec2, bucket):
    vpc = _vpc(ec2)
    foreign = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                                   LogDestinationType="s3", LogDestination=f"{bucket}/shared/")["FlowLogIds"][0]
    result = module("aws_flow_log", {"name": _name(), "resource_type": "VPC", "resource_id": vpc,
                                     "destination": f"{bucket}/shared/"}, expect_failure=True)
    assert foreign in result["msg"] and "Fix:" in result["msg"]


def test_missing_bucket_fails_with_the_delivery_fix(module, ec2):
    result = module("aws_flow_log", {"name": _name(), "resource_type": "VPC", "resource_id": _vpc(ec2),
                                     "destination": "arn:aws:s3:::no-such-bucket-anywhere/"}, expect_failure=True)
    assert "no-such-bucket-anywhere does not exist" in result["msg"]
    assert "delivery.logs.amazonaws.com" in result["msg"]


@pytest.mark.parametrize("args, field", [
    ({"resource_type": "TransitGateway", "resource_id": "tgw-0123456789abcdef0", "traffic_type": "ALL"},
     "traffic_type"),
    ({"resource_type": "TransitGateway", "resource_id": "tgw-0123456789abcdef0", "max_aggregation_interval": 600},
     "max_aggregation_interval"),
    ({"resource_type": "VPC", "resource_id": "tgw-0123456789abcdef0"}, "resource_id"),
    ({"resource_type": "VPC", "resource_id": "vpc-0123456789abcdef0", "destination": "my-bucket"}, "destination"),
    ({"resource_type": "VPC", "resource_id": "vpc-0123456789abcdef0", "destination_type": "cloud-watch-logs",
      "destination": "/network/flow"}, "deliver_logs_permission_arn"),
    ({"resource_type": "VPC", "resource_id": "vpc-0123456789abcdef0", "log_format": "version srcaddr"}, "log_format"),
])
def test_bad_input_fails_before_any_call(module, sandbox, bucket, args, field):
    before = sandbox.calls_total()
    payload = {"name": _name(), "destination": f"{bucket}/x/"}
    payload.update(args)
    result = module("aws_flow_log", payload, expect_failure=True)
    assert result["msg"].startswith(field + ":") and "Fix:" in result["msg"]
    assert sandbox.calls_total() == before


def test_cloud_watch_logs_destination_with_delivery_role(module, ec2, sandbox):
    logs = sandbox.client("logs")
    group = f"/network/{_name()}"
    logs.create_log_group(logGroupName=group)
    vpc = _vpc(ec2)
    role = "arn:aws:iam::123456789012:role/flow-logs-delivery"
    args = {"name": _name(), "resource_type": "VPC", "resource_id": vpc, "destination_type": "cloud-watch-logs",
            "destination": group, "deliver_logs_permission_arn": role, "traffic_type": "REJECT"}
    made = module("aws_flow_log", args)
    assert module("aws_flow_log", args)["changed"] is False
    fl = _flow_logs(ec2, vpc)[0]
    assert fl["LogGroupName"] == group and fl["DeliverLogsPermissionArn"] == role and fl["TrafficType"] == "REJECT"
    assert made["flow_log"]["destination"] == group


def test_info_by_resource_name_and_managed_only(module, ec2, bucket):
    vpc = _vpc(ec2)
    name = _name()
    made = module("aws_flow_log", {"name": name, "topology": "info-it", "resource_type": "VPC", "resource_id": vpc,
                                   "destination": f"{bucket}/info/"})["flow_log"]
    foreign = ec2.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                                   LogDestinationType="s3", LogDestination=f"{bucket}/other/")["FlowLogIds"][0]
    by_resource = module("aws_flow_log_info", {"resource_ids": [vpc]})["flow_logs"]
    assert {f["flow_log_id"] for f in by_resource} == {made["flow_log_id"], foreign}
    managed = module("aws_flow_log_info", {"resource_ids": [vpc], "managed_only": True, "topology": "info-it"})
    assert [f["flow_log_id"] for f in managed["flow_logs"]] == [made["flow_log_id"]]
    by_name = module("aws_flow_log_info", {"names": [name]})["flow_logs"]
    assert by_name == [made]
