"""Flow log normalisers and planners, and real-AWS create/replace behaviour (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import flow_log as fl
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    ValidationError,
)

VPC = "vpc-0123456789abcdef0"
TGW = "tgw-0123456789abcdef0"
BUCKET = "arn:aws:s3:::corp-network-logs"
ROLE = "arn:aws:iam::111111111111:role/flow-logs"
OURS = [{"Key": "Name", "Value": "svc"}, {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
        {"Key": "cloudnet:topology", "Value": "t"}]


def params(**kw):
    base = {"name": "svc", "topology": "t", "state": "present", "resource_type": "VPC", "resource_id": VPC,
            "destination_type": "s3", "destination": f"{BUCKET}/flow/", "deliver_logs_permission_arn": None,
            "traffic_type": None, "max_aggregation_interval": None, "log_format": None,
            "destination_options": None, "tags": None, "purge_tags": True}
    base.update(kw)
    return base


def api_fl(fid="fl-0123456789abcdef0", tags=None, **kw):
    base = {"FlowLogId": fid, "ResourceId": VPC, "TrafficType": "ALL", "LogDestinationType": "s3",
            "LogDestination": f"{BUCKET}/flow/", "MaxAggregationInterval": 600,
            "LogFormat": "${version} ${srcaddr}", "FlowLogStatus": "ACTIVE", "DeliverLogsStatus": "SUCCESS",
            "DestinationOptions": {"FileFormat": "plain-text", "HiveCompatiblePartitions": False,
                                   "PerHourPartition": False},
            "Tags": OURS if tags is None else tags}
    base.update(kw)
    return base


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = client
    return conn, Stubber(client)


# --- normalise ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kw, expected", [
    ({}, {"traffic_type": "ALL", "max_aggregation_interval": 600, "log_format": None,
          "destination_options": fl.DEFAULT_OPTIONS}),
    ({"resource_type": "TransitGateway", "resource_id": TGW}, {"max_aggregation_interval": 60}),
    ({"resource_type": "TransitGatewayAttachment", "resource_id": "tgw-attach-0123456789abcdef0"},
     {"max_aggregation_interval": 60}),
    ({"traffic_type": "REJECT", "max_aggregation_interval": 60}, {"traffic_type": "REJECT",
                                                                  "max_aggregation_interval": 60}),
    ({"log_format": "  ${version}   ${srcaddr} "}, {"log_format": "${version} ${srcaddr}"}),
    ({"destination_options": {"file_format": "parquet", "hive_compatible_partitions": True}},
     {"destination_options": {"file_format": "parquet", "hive_compatible_partitions": True,
                              "per_hour_partition": False}}),
    ({"destination_type": "cloud-watch-logs", "destination": "/network/flow", "deliver_logs_permission_arn": ROLE},
     {"destination": "/network/flow", "deliver_logs_permission_arn": ROLE}),
    ({"destination_type": "cloud-watch-logs", "deliver_logs_permission_arn": ROLE,
      "destination": "arn:aws:logs:us-east-1:111111111111:log-group:/network/flow:*"},
     {"destination": "/network/flow"}),
])
def test_normalize(kw, expected):
    want = fl.normalize(params(**kw))
    for key, value in expected.items():
        assert want[key] == value
    if kw.get("resource_type", "VPC") != "VPC":
        assert "traffic_type" not in want


@pytest.mark.parametrize("kw, field, fix", [
    ({"resource_id": "vpc-123"}, "resource_id", "vpc-0123456789abcdef0"),
    ({"resource_type": "TransitGateway", "resource_id": VPC}, "resource_id", "tgw-"),
    ({"resource_type": "TransitGateway", "resource_id": TGW, "traffic_type": "ALL"}, "traffic_type", "unset"),
    ({"resource_type": "TransitGateway", "resource_id": TGW, "max_aggregation_interval": 600},
     "max_aggregation_interval", "60"),
    ({"destination": "corp-network-logs"}, "destination", "arn:aws:s3:::"),
    ({"destination": f"{BUCKET}/AWSLogs/"}, "destination", "another prefix"),
    ({"deliver_logs_permission_arn": ROLE}, "deliver_logs_permission_arn", "unset"),
    ({"destination_type": "cloud-watch-logs", "destination": "/network/flow"}, "deliver_logs_permission_arn",
     "vpc-flow-logs.amazonaws.com"),
    ({"destination_type": "cloud-watch-logs", "destination": "bad name!", "deliver_logs_permission_arn": ROLE},
     "destination", "log-group"),
    ({"destination_type": "cloud-watch-logs", "destination": "/n", "deliver_logs_permission_arn": ROLE,
      "destination_options": {"file_format": "parquet"}}, "destination_options", "s3"),
    ({"log_format": "version srcaddr"}, "log_format", "${version}"),
])
def test_bad_input_names_field_and_fix(kw, field, fix):
    with pytest.raises(ValidationError) as err:
        fl.normalize(params(**kw))
    assert err.value.field == field
    assert fix in err.value.message


@pytest.mark.parametrize("have, kw, diff", [
    ({}, {"log_format": "${version} ${srcaddr}"}, []),
    ({}, {}, []),  # unset format is not compared
    ({}, {"log_format": "${version} ${dstaddr}"}, ["log_format"]),
    ({}, {"max_aggregation_interval": 60}, ["max_aggregation_interval"]),
    ({}, {"traffic_type": "REJECT"}, ["traffic_type"]),
    ({}, {"destination": f"{BUCKET}/other/"}, ["destination"]),
    ({}, {"destination_options": {"file_format": "parquet"}}, ["destination_options"]),
    ({"DestinationOptions": None}, {}, []),  # a describe without options means the defaults
])
def test_differences(have, kw, diff):
    assert fl.differences(fl.describe(api_fl(**have)), fl.normalize(params(**kw))) == diff


def test_resource_type_of():
    assert [fl.resource_type_of(x) for x in (VPC, TGW, "tgw-attach-0123456789abcdef0", "subnet-1", "x")] == [
        "VPC", "TransitGateway", "TransitGatewayAttachment", "Subnet", None]


def test_client_token_is_deterministic_per_configuration():
    a = fl.normalize(params())
    b = fl.normalize(params(max_aggregation_interval=60))
    assert fl.client_token("t", "svc", a) == fl.client_token("t", "svc", dict(a))
    assert fl.client_token("t", "svc", a) != fl.client_token("t", "svc", b)
    assert len(fl.client_token("t", "svc", a)) <= 64


def test_create_args_for_transit_gateway_send_no_traffic_type():
    want = fl.normalize(params(resource_type="TransitGateway", resource_id=TGW))
    args = fl.create_args(want, {"Name": "svc"})
    assert "TrafficType" not in args and args["MaxAggregationInterval"] == 60 and "LogFormat" not in args
    assert args["TagSpecifications"][0]["ResourceType"] == "vpc-flow-log"


# --- real AWS behaviour (Stubber) --------------------------------------------------------------------

def _describe(stub, items, **kw):
    expected = kw or {"Filters": [{"Name": "resource-id", "Values": [VPC]}]}
    stub.add_response("describe_flow_logs", {"FlowLogs": items}, expected)


def test_replace_creates_the_new_flow_log_before_deleting_the_old_when_aws_accepts_both():
    conn, stub = stubbed()
    old = api_fl()
    new = api_fl("fl-0fedcba9876543210", MaxAggregationInterval=60)
    _describe(stub, [old])
    stub.add_response("create_flow_logs", {"FlowLogIds": [new["FlowLogId"]], "Unsuccessful": []},
                      {"ResourceType": "VPC", "ResourceIds": [VPC], "LogDestinationType": "s3",
                       "LogDestination": f"{BUCKET}/flow/", "MaxAggregationInterval": 60, "TrafficType": "ALL",
                       "TagSpecifications": ANY, "DestinationOptions": ANY, "ClientToken": ANY})
    _describe(stub, [new], FlowLogIds=[new["FlowLogId"]])
    _describe(stub, [new], FlowLogIds=[new["FlowLogId"]])
    stub.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [old["FlowLogId"]]})
    with stub:
        result = fl.FlowLogManager(conn, params(max_aggregation_interval=60), False).ensure()
        stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["create", "delete"]
    assert result["flow_log"]["flow_log_id"] == new["FlowLogId"]
    assert result["diff"]["before"]["max_aggregation_interval"] == 600


def test_replace_falls_back_to_delete_first_when_aws_refuses_two_to_one_destination():
    conn, stub = stubbed()
    old = api_fl()
    new = api_fl("fl-0fedcba9876543210", MaxAggregationInterval=60)
    _describe(stub, [old])
    stub.add_client_error("create_flow_logs", "FlowLogAlreadyExists", "There is an existing Flow Log with the same "
                          "configuration and log destination.")
    stub.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [old["FlowLogId"]]})
    stub.add_response("create_flow_logs", {"FlowLogIds": [new["FlowLogId"]], "Unsuccessful": []})
    _describe(stub, [new], FlowLogIds=[new["FlowLogId"]])
    _describe(stub, [new], FlowLogIds=[new["FlowLogId"]])
    with stub:
        result = fl.FlowLogManager(conn, params(max_aggregation_interval=60), False).ensure()
        stub.assert_no_pending_responses()
    # Same plan as check mode: create, then the delete of the replaced flow log.
    assert [op["action"] for op in result["operations"]] == ["create", "delete"]


def test_foreign_flow_log_to_the_same_destination_is_a_conflict():
    conn, stub = stubbed()
    foreign = api_fl("fl-0aaaaaaaaaaaaaaaa", tags=[])
    _describe(stub, [foreign])
    stub.add_client_error("create_flow_logs", "FlowLogAlreadyExists", "exists")
    with stub, pytest.raises(ConflictError) as err:
        fl.FlowLogManager(conn, params(), False).ensure()
    assert "fl-0aaaaaaaaaaaaaaaa" in err.value.message


def test_unsuccessful_item_raises_with_the_delivery_hint():
    conn, stub = stubbed()
    _describe(stub, [])
    stub.add_response("create_flow_logs", {"FlowLogIds": [], "Unsuccessful": [
        {"ResourceId": VPC, "Error": {"Code": "400", "Message": "LogDestination: corp-network-logs does not exist"}}]})
    with stub, pytest.raises(ApiError) as err:
        fl.FlowLogManager(conn, params(), False).ensure()
    assert "does not exist" in err.value.message and "delivery.logs.amazonaws.com" in err.value.message


def test_token_remembered_from_a_deleted_flow_log_gets_a_fresh_one():
    conn, stub = stubbed()
    _describe(stub, [])
    stub.add_response("create_flow_logs", {"FlowLogIds": ["fl-0deleted00000000"], "Unsuccessful": []})
    _describe(stub, [], FlowLogIds=["fl-0deleted00000000"])
    stub.add_response("create_flow_logs", {"FlowLogIds": ["fl-0fresh0000000000"], "Unsuccessful": []})
    _describe(stub, [api_fl("fl-0fresh0000000000")], FlowLogIds=["fl-0fresh0000000000"])
    with stub:
        result = fl.FlowLogManager(conn, params(), False).ensure()
    assert result["flow_log"]["flow_log_id"] == "fl-0fresh0000000000"


def test_check_mode_predicts_the_shape_and_calls_only_describe():
    conn, stub = stubbed()
    _describe(stub, [])
    with stub:
        result = fl.FlowLogManager(conn, params(), True).ensure()
        stub.assert_no_pending_responses()
    assert result["changed"] is True and result["flow_log"]["flow_log_id"] is None
    assert set(result["flow_log"]) == set(fl.describe(api_fl()))


def test_duplicate_managed_flow_logs_after_a_crash_are_reduced_to_one():
    conn, stub = stubbed()
    keep, dup = api_fl("fl-0aaaaaaaaaaaaaaaa"), api_fl("fl-0bbbbbbbbbbbbbbbb", LogFormat="${version}")
    _describe(stub, [dup, keep])
    stub.add_response("delete_flow_logs", {"Unsuccessful": []}, {"FlowLogIds": [dup["FlowLogId"]]})
    with stub:
        result = fl.FlowLogManager(conn, params(log_format="${version} ${srcaddr}"), False).ensure()
    assert [(op["action"], op["target"]) for op in result["operations"]] == [("delete", dup["FlowLogId"])]
