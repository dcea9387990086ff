"""Flow logs restored on top of moto: transit gateway resource types, S3 subfolders, S3 destination options."""

from __future__ import annotations

import pytest
from behaviour_conftest import client, error_code, patched_aws
from botocore.exceptions import ClientError

from sandbox.aws.patches.flow_logs import TGW_DEFAULT_FORMAT, VPC_DEFAULT_FORMAT

BUCKET = "arn:aws:s3:::network-logs"


@pytest.fixture
def aws():
    with patched_aws():
        s3 = client("s3")
        s3.create_bucket(Bucket="network-logs")
        yield client("ec2")


def _tgw(ec2):
    return ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]


def _only(ec2, flow_log_id):
    found = ec2.describe_flow_logs(FlowLogIds=[flow_log_id])["FlowLogs"]
    assert len(found) == 1
    return found[0]


def test_transit_gateway_flow_log_defaults_to_60_seconds_and_every_tgw_field(aws):
    tgw = _tgw(aws)
    out = aws.create_flow_logs(ResourceType="TransitGateway", ResourceIds=[tgw], LogDestinationType="s3",
                               LogDestination=f"{BUCKET}/tgw/")
    assert out["Unsuccessful"] == []
    fl = _only(aws, out["FlowLogIds"][0])
    assert fl["ResourceId"] == tgw
    assert fl["MaxAggregationInterval"] == 60
    assert fl["LogFormat"] == TGW_DEFAULT_FORMAT
    assert "${tgw-attachment-id}" in fl["LogFormat"] and "${packets-lost-blackhole}" in fl["LogFormat"]
    assert "TrafficType" not in fl
    assert fl["LogDestination"] == f"{BUCKET}/tgw/"
    assert fl["DestinationOptions"] == {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                                        "PerHourPartition": False}
    assert [f["FlowLogId"] for f in aws.describe_flow_logs(
        Filters=[{"Name": "resource-id", "Values": [tgw]}])["FlowLogs"]] == out["FlowLogIds"]


@pytest.mark.parametrize("extra, message", [
    ({"TrafficType": "ALL"}, "TrafficType"),
    ({"MaxAggregationInterval": 600}, "MaxAggregationInterval"),
])
def test_transit_gateway_flow_log_rejects_vpc_only_parameters(aws, extra, message):
    tgw = _tgw(aws)
    with pytest.raises(ClientError) as err:
        aws.create_flow_logs(ResourceType="TransitGateway", ResourceIds=[tgw], LogDestinationType="s3",
                             LogDestination=BUCKET, **extra)
    assert error_code(err) == "InvalidParameter"
    assert message in str(err.value)
    assert aws.describe_flow_logs()["FlowLogs"] == []


def test_unknown_transit_gateway_or_attachment_is_not_found(aws):
    with pytest.raises(ClientError) as err:
        aws.create_flow_logs(ResourceType="TransitGateway", ResourceIds=["tgw-0123456789abcdef0"],
                             LogDestinationType="s3", LogDestination=BUCKET)
    assert error_code(err) == "InvalidTransitGatewayID.NotFound"
    with pytest.raises(ClientError) as err:
        aws.create_flow_logs(ResourceType="TransitGatewayAttachment", ResourceIds=["tgw-attach-0123456789abcdef0"],
                             LogDestinationType="s3", LogDestination=BUCKET)
    assert error_code(err) == "InvalidTransitGatewayAttachmentID.NotFound"


def test_vpc_flow_log_to_a_subfolder_with_parquet_options(aws):
    vpc = aws.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    out = aws.create_flow_logs(
        ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogDestinationType="s3",
        LogDestination=f"{BUCKET}/vpc/services/", MaxAggregationInterval=60,
        DestinationOptions={"FileFormat": "parquet", "HiveCompatiblePartitions": True, "PerHourPartition": True},
        TagSpecifications=[{"ResourceType": "vpc-flow-log", "Tags": [{"Key": "Name", "Value": "services"}]}])
    assert out["Unsuccessful"] == []
    fl = _only(aws, out["FlowLogIds"][0])
    assert fl["LogFormat"] == VPC_DEFAULT_FORMAT
    assert fl["TrafficType"] == "ALL" and fl["MaxAggregationInterval"] == 60
    assert fl["DestinationOptions"] == {"FileFormat": "parquet", "HiveCompatiblePartitions": True,
                                        "PerHourPartition": True}
    assert fl["Tags"] == [{"Key": "Name", "Value": "services"}]


def test_missing_bucket_is_reported_per_resource_not_raised(aws):
    vpc = aws.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    out = aws.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL", LogDestinationType="s3",
                               LogDestination="arn:aws:s3:::no-such-bucket/prefix/")
    assert out["FlowLogIds"] == []
    assert out["Unsuccessful"][0]["ResourceId"] == vpc
    assert "no-such-bucket does not exist" in out["Unsuccessful"][0]["Error"]["Message"]


def test_same_resource_and_destination_twice_already_exists(aws):
    tgw = _tgw(aws)
    args = {"ResourceType": "TransitGateway", "ResourceIds": [tgw], "LogDestinationType": "s3",
            "LogDestination": f"{BUCKET}/tgw/"}
    aws.create_flow_logs(**args)
    with pytest.raises(ClientError) as err:
        aws.create_flow_logs(**args)
    assert error_code(err) == "FlowLogAlreadyExists"


def test_destination_options_only_for_s3(aws):
    vpc = aws.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
    with pytest.raises(ClientError) as err:
        aws.create_flow_logs(ResourceType="VPC", ResourceIds=[vpc], TrafficType="ALL",
                             LogDestinationType="cloud-watch-logs", LogGroupName="network",
                             DeliverLogsPermissionArn="arn:aws:iam::123456789012:role/flow-logs",
                             DestinationOptions={"FileFormat": "parquet"})
    assert error_code(err) == "InvalidParameter"
