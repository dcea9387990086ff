"""VPC attachment normalisers, and the waits and modify calls of real AWS (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import (
    transit_gateway_attachment as ta,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
    WaitTimeoutError,
)

TGW = "tgw-0123456789abcdef0"
VPC = "vpc-0123456789abcdef0"
ATT = "tgw-attach-0123456789abcdef0"
S1, S2, S3 = "subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"
OWN = [
    {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
    {"Key": "cloudnet:topology", "Value": "t"},
]
KEY_FILTERS = [{"Name": "transit-gateway-id", "Values": [TGW]}, {"Name": "vpc-id", "Values": [VPC]}]


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


def params(**kw):
    base = {
        "name": None,
        "topology": "t",
        "state": "present",
        "transit_gateway_id": TGW,
        "vpc_id": VPC,
        "subnet_ids": [S1, S2],
        "appliance_mode_support": False,
        "dns_support": True,
        "ipv6_support": False,
        "tags": None,
        "purge_tags": True,
        "wait": True,
        "wait_timeout": 30,
    }
    base.update(kw)
    return base


def api_att(state="available", subnets=(S1, S2), tags=None, **options):
    tags = OWN if tags is None else tags
    opts = {"DnsSupport": "enable", "Ipv6Support": "disable", "ApplianceModeSupport": "disable"}
    opts.update(options)
    return {
        "TransitGatewayAttachmentId": ATT,
        "TransitGatewayId": TGW,
        "VpcId": VPC,
        "VpcOwnerId": "123456789012",
        "State": state,
        "SubnetIds": list(subnets),
        "Options": opts,
        "Tags": list(tags),
    }


def page(*atts):
    return {"TransitGatewayVpcAttachments": list(atts)}


@pytest.mark.parametrize(
    "have,want,add,remove",
    [
        ([S1, S2], [S1, S2], [], []),
        ([S1], [S1, S2], [S2], []),
        ([S1, S2], [S2], [], [S1]),
        ([S1, S2], [S3, S2], [S3], [S1]),
        ([], [S1], [S1], []),
    ],
)
def test_plan_subnets(have, want, add, remove):
    assert ta.plan_subnets(have, want) == (add, remove)


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"transit_gateway_id": "tgw-1"}, "transit_gateway_id"),
        ({"vpc_id": "vpc"}, "vpc_id"),
        ({"subnet_ids": []}, "subnet_ids"),
        ({"subnet_ids": [S1, "subnet-x"]}, "subnet_ids[1]"),
        ({"subnet_ids": [S1, S1]}, "subnet_ids[1]"),
    ],
)
def test_validate_names_the_field(bad, field):
    with pytest.raises(ValidationError) as err:
        ta.validate(params(**bad))
    assert err.value.field == field


def test_validate_sorts_and_absent_needs_no_subnets():
    assert ta.validate(params(subnet_ids=[S2, S1])) == [S1, S2]
    assert ta.validate(params(state="absent", subnet_ids=None)) == []


def test_want_options():
    assert ta.want_options(params(appliance_mode_support=True)) == {
        "DnsSupport": "enable",
        "Ipv6Support": "disable",
        "ApplianceModeSupport": "enable",
    }


def test_create_waits_from_pending_to_available():
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateway_vpc_attachments", page(), {"Filters": KEY_FILTERS})
    stub.add_response(
        "create_transit_gateway_vpc_attachment", {"TransitGatewayVpcAttachment": api_att("pending")}
    )
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("pending")))
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("available")))
    with stub:
        result = ta.VpcAttachmentManager(conn, params(), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert result["attachment"]["state"] == "available"
    assert result["attachment"]["transit_gateway_attachment_id"] == ATT


def test_modify_waits_for_modifying_before_and_after():
    conn, stub = stubbed()
    stub.add_response(
        "describe_transit_gateway_vpc_attachments", page(api_att("modifying")), {"Filters": KEY_FILTERS}
    )
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("available")))
    stub.add_response(
        "modify_transit_gateway_vpc_attachment",
        {"TransitGatewayVpcAttachment": api_att("modifying", subnets=(S2, S3))},
        {"TransitGatewayAttachmentId": ATT, "AddSubnetIds": [S3], "RemoveSubnetIds": [S1]},
    )
    stub.add_response(
        "describe_transit_gateway_vpc_attachments", page(api_att("modifying", subnets=(S2, S3)))
    )
    stub.add_response(
        "describe_transit_gateway_vpc_attachments", page(api_att("available", subnets=(S2, S3)))
    )
    with stub:
        result = ta.VpcAttachmentManager(conn, params(subnet_ids=[S3, S2]), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert result["attachment"]["subnet_ids"] == [S2, S3] and result["attachment"]["state"] == "available"
    assert result["diff"]["before"]["subnet_ids"] == [S1, S2]


def test_pending_acceptance_is_settled_for_the_spoke():
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateway_vpc_attachments", page(), {"Filters": KEY_FILTERS})
    stub.add_response(
        "create_transit_gateway_vpc_attachment", {"TransitGatewayVpcAttachment": api_att("pending")}
    )
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("pendingAcceptance")))
    with stub:
        result = ta.VpcAttachmentManager(conn, params(), check_mode=False).ensure()
    assert result["attachment"]["state"] == "pendingAcceptance"


def test_wait_is_bounded():
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateway_vpc_attachments", page(), {"Filters": KEY_FILTERS})
    stub.add_response(
        "create_transit_gateway_vpc_attachment", {"TransitGatewayVpcAttachment": api_att("pending")}
    )
    for _attempt in range(5):
        stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("pending")))
    with stub, pytest.raises(WaitTimeoutError) as err:
        ta.VpcAttachmentManager(conn, params(wait_timeout=0), check_mode=False).ensure()
    assert "pending" in err.value.message and ATT in err.value.message


def test_check_mode_predicts_modify_without_calling_it():
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att()), {"Filters": KEY_FILTERS})
    with stub:
        result = ta.VpcAttachmentManager(
            conn, params(subnet_ids=[S1], appliance_mode_support=True), check_mode=True
        ).ensure()
    stub.assert_no_pending_responses()
    assert result["changed"] and result["attachment"]["subnet_ids"] == [S1]
    assert result["attachment"]["options"]["appliance_mode_support"] is True
    assert result["operations"][0]["remove_subnet_ids"] == [S2]


def test_unmanaged_attachment_is_refused():
    conn, stub = stubbed()
    stub.add_response(
        "describe_transit_gateway_vpc_attachments", page(api_att(tags=[])), {"Filters": KEY_FILTERS}
    )
    with stub, pytest.raises(ConflictError) as err:
        ta.VpcAttachmentManager(conn, params(), check_mode=False).ensure()
    assert ATT in err.value.message and "Fix:" in err.value.message


def test_an_attachment_left_pending_by_a_stopped_run_is_waited_for(monkeypatch):
    """A run killed after the create finds the attachment pending: it waits like a new one, changes nothing."""
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("pending")), {"Filters": KEY_FILTERS})
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("pending")))
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("available")))
    with stub:
        result = ta.VpcAttachmentManager(conn, params(), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["attachment"]["state"] == "available"


def test_a_lost_create_answer_adopts_the_attachment_it_made(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateway_vpc_attachments", page(), {"Filters": KEY_FILTERS})
    stub.add_client_error("create_transit_gateway_vpc_attachment", "InternalError", http_status_code=500)
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("pending")), {"Filters": KEY_FILTERS})
    stub.add_response("describe_transit_gateway_vpc_attachments", page(api_att("available")))
    with stub:
        result = ta.VpcAttachmentManager(conn, params(), check_mode=False).ensure()
    stub.assert_no_pending_responses()
    assert result["attachment"]["transit_gateway_attachment_id"] == ATT and result["attachment"]["state"] == "available"
