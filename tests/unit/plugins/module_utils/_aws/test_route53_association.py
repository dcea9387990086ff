"""Zone associations retried after a lost answer: done when the VPC is associated, a conflict otherwise."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_association import (
    ZoneAssociationManager,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ConflictError

VPC, ZONE, NAME = "vpc-0123456789abcdef0", "Z0123456789ABCDEFGHIJ", "ssm.us-east-1.amazonaws.com"


def stubbed():
    conn = AwsConnection({"region": "us-east-1"})
    stubs = {}
    for service in ("route53", "sts"):
        client = boto3.client(service, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
        conn._clients[service] = client
        stubs[service] = Stubber(client)
        stubs[service].activate()
    stubs["sts"].add_response("get_caller_identity", {"Account": "123456789012", "Arn": "arn:aws:iam::1:user/x",
                                                      "UserId": "x"})
    return conn, stubs["route53"]


def by_vpc(*zone_ids):
    return {"HostedZoneSummaries": [{"HostedZoneId": z, "Name": NAME + ".", "Owner": {"OwningAccount": "123456789012"}}
                                    for z in zone_ids], "MaxItems": "100"}


def retried_association(stub, associated_after):
    stub.add_response("list_hosted_zones_by_vpc", by_vpc(), {"VPCId": VPC, "VPCRegion": "us-east-1", "MaxItems": "100"})
    stub.add_response("get_hosted_zone", {"HostedZone": {"Id": f"/hostedzone/{ZONE}", "Name": NAME + ".",
                                                         "CallerReference": "r"},
                                          "VPCs": [{"VPCRegion": "us-east-1", "VPCId": "vpc-0000000000000000a"}]})
    stub.add_client_error("associate_vpc_with_hosted_zone", "ConflictingDomainExists",
                          response_meta={"RetryAttempts": 1})
    stub.add_response("list_hosted_zones_by_vpc", by_vpc(*associated_after))


def params():
    return {"vpc_id": VPC, "vpc_region": "us-east-1", "hosted_zone_ids": [ZONE], "state": "present", "purge": False,
            "topology": "t", "zone_owner": None, "wait": True, "wait_timeout": 30}


def test_an_association_whose_answer_was_lost_is_done_once_the_vpc_is_seen_associated():
    conn, stub = stubbed()
    retried_association(stub, [ZONE])
    result = ZoneAssociationManager(conn, params(), False).ensure()
    stub.assert_no_pending_responses()
    assert result["associations"] == [{"hosted_zone_id": ZONE, "name": NAME, "associated": True,
                                       "owner_account": "123456789012"}]


def test_a_retry_that_meets_another_zone_of_the_name_is_the_conflict_it_is():
    conn, stub = stubbed()
    retried_association(stub, ["Z0THERZONEOFTHESAMENAME"])
    with pytest.raises(ConflictError) as err:
        ZoneAssociationManager(conn, params(), False).ensure()
    assert "another private zone of the same name" in err.value.message


def test_an_unchanged_association_reads_only_the_vpcs_zone_list():
    """No GetHostedZone per zone when ListHostedZonesByVPC already shows every listed zone (the stubber fails
    on any call not queued here)."""
    conn, stub = stubbed()
    zones = [ZONE, "Z0THERZONEOFTHESAMENAME"]
    stub.add_response("list_hosted_zones_by_vpc", by_vpc(*zones),
                      {"VPCId": VPC, "VPCRegion": "us-east-1", "MaxItems": "100"})
    result = ZoneAssociationManager(conn, dict(params(), hosted_zone_ids=zones), False).ensure()
    stub.assert_no_pending_responses()
    assert result["changed"] is False
    assert [a["associated"] for a in result["associations"]] == [True, True]
    assert all(a["name"] == NAME and a["owner_account"] == "123456789012" for a in result["associations"])


def test_removing_a_listed_zone_reads_its_vpcs_to_keep_the_last_one():
    conn, stub = stubbed()
    stub.add_response("list_hosted_zones_by_vpc", by_vpc(ZONE),
                      {"VPCId": VPC, "VPCRegion": "us-east-1", "MaxItems": "100"})
    stub.add_response("get_hosted_zone", {"HostedZone": {"Id": f"/hostedzone/{ZONE}", "Name": NAME + ".",
                                                         "CallerReference": "r"},
                                          "VPCs": [{"VPCRegion": "us-east-1", "VPCId": VPC}]})
    with pytest.raises(ConflictError) as err:
        ZoneAssociationManager(conn, dict(params(), state="absent"), False).ensure()
    stub.assert_no_pending_responses()
    assert "last VPC" in err.value.message
