"""Mutations whose answer may be lost: CreateOnce (creates without a token) and DoneIfRetried (relations)."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ConnectionClosedError, EndpointConnectionError, ReadTimeoutError
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import retry
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ApiError

VPC = {"VpcId": "vpc-0123456789abcdef0", "CidrBlock": "10.9.0.0/16", "State": "available"}


def stubbed(retries=10):
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1", "retries": retries})
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


class Finder:
    """find() for CreateOnce: answers from a list, records how often it was asked."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.asked = 0

    def __call__(self):
        self.asked += 1
        return self.answers.pop(0) if self.answers else None


def create_once(conn, find, sleeps=None):
    sleeps = [] if sleeps is None else sleeps
    return retry.CreateOnce(conn, find, sleep=sleeps.append).call("ec2", "create_vpc", CidrBlock=VPC["CidrBlock"])


def client_error(code, status):
    return boto3.client("ec2", region_name="us-east-1").exceptions.ClientError(
        {"Error": {"Code": code, "Message": "m"}, "ResponseMetadata": {"HTTPStatusCode": status}}, "CreateVpc")


@pytest.mark.parametrize(
    "err,outcome",
    [
        (client_error("RequestLimitExceeded", 503), retry.NOT_DONE),  # EC2 throttling
        (client_error("Throttling", 400), retry.NOT_DONE),  # query/REST-XML throttling
        (client_error("ThrottlingException", 400), retry.NOT_DONE),  # JSON throttling
        (client_error("InternalError", 500), retry.UNKNOWN),
        (client_error("Unavailable", 503), retry.UNKNOWN),
        (client_error("ServiceUnavailable", 503), retry.UNKNOWN),
        (client_error("RequestTimeout", 400), retry.UNKNOWN),
        (client_error("InvalidSubnet.Conflict", 400), retry.FAILED),
        (client_error("UnauthorizedOperation", 403), retry.FAILED),
        (ConnectionClosedError(endpoint_url="https://ec2"), retry.UNKNOWN),
        (ReadTimeoutError(endpoint_url="https://ec2"), retry.UNKNOWN),
        (EndpointConnectionError(endpoint_url="https://ec2"), retry.NOT_DONE),
    ],
)
def test_classify_error(err, outcome):
    assert retry.classify_error(err) == outcome


def test_a_lost_answer_is_followed_by_a_lookup_that_finds_the_resource_and_no_second_create():
    conn, stub = stubbed()
    stub.add_client_error("create_vpc", "InternalError", http_status_code=500)
    find = Finder(None, {"Vpc": VPC})
    with stub:
        out = create_once(conn, find)
    stub.assert_no_pending_responses()
    assert out == {"Vpc": VPC} and find.asked == 2


def test_nothing_found_after_a_lost_answer_sends_the_create_again():
    conn, stub = stubbed()
    stub.add_client_error("create_vpc", "Unavailable", http_status_code=503)
    stub.add_response("create_vpc", {"Vpc": VPC}, {"CidrBlock": VPC["CidrBlock"]})
    find = Finder()
    with stub:
        out = create_once(conn, find)
    stub.assert_no_pending_responses()
    assert out["Vpc"]["VpcId"] == VPC["VpcId"] and find.asked == retry.LOOKUPS


def test_throttling_is_sent_again_without_a_lookup():
    conn, stub = stubbed()
    stub.add_client_error("create_vpc", "RequestLimitExceeded", http_status_code=503)
    stub.add_client_error("create_vpc", "RequestLimitExceeded", http_status_code=503)
    stub.add_response("create_vpc", {"Vpc": VPC})
    find, sleeps = Finder(), []
    with stub:
        create_once(conn, find, sleeps)
    stub.assert_no_pending_responses()
    assert find.asked == 0 and len(sleeps) == 2 and sleeps[1] > 0


def test_a_conflict_after_a_lost_answer_is_our_own_resource():
    """Subnets, security groups: the lookup lagged, the resend is refused as a duplicate: look once more."""
    conn, stub = stubbed()
    stub.add_client_error("create_vpc", "InternalError", http_status_code=500)
    stub.add_client_error("create_vpc", "InvalidGroup.Duplicate", http_status_code=400)
    find = Finder(None, None, {"Vpc": VPC})
    with stub:
        assert create_once(conn, find) == {"Vpc": VPC}
    stub.assert_no_pending_responses()
    assert find.asked == 3


def test_a_first_attempt_conflict_fails_at_once_naming_the_code():
    conn, stub = stubbed()
    stub.add_client_error("create_vpc", "VpcLimitExceeded", http_status_code=400)
    find = Finder({"Vpc": VPC})
    with stub, pytest.raises(ApiError) as err:
        create_once(conn, find)
    assert err.value.code == "VpcLimitExceeded" and find.asked == 0


def test_attempts_are_bounded_by_the_retries_option():
    conn, stub = stubbed(retries=3)
    for _attempt in range(4):
        stub.add_client_error("create_vpc", "RequestLimitExceeded", http_status_code=503)
    with stub, pytest.raises(ApiError) as err:
        create_once(conn, Finder())
    stub.assert_no_pending_responses()
    assert err.value.code == "RequestLimitExceeded"


class ClosingClient:
    """A client whose first create_vpc loses the connection after AWS did the work."""

    def __init__(self):
        self.calls = 0
        self.meta = type("Meta", (), {"method_to_api_mapping": {"create_vpc": "CreateVpc"}})()

    def create_vpc(self, **kwargs):
        self.calls += 1
        raise ConnectionClosedError(endpoint_url="https://ec2.us-east-1.amazonaws.com")


def test_a_closed_connection_is_an_unknown_outcome_looked_up_before_any_resend():
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2:once"] = client = ClosingClient()
    find = Finder({"Vpc": VPC})
    assert create_once(conn, find) == {"Vpc": VPC}
    assert client.calls == 1 and find.asked == 1


def test_done_if_retried_takes_the_code_as_done_only_after_a_retry():
    conn, stub = stubbed()
    rule = {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443}
    perm = {"GroupId": "sg-0123456789abcdef0", "IpPermissions": [rule]}
    stub.add_client_error("authorize_security_group_ingress", "InvalidPermission.Duplicate",
                          response_meta={"RetryAttempts": 1})
    stub.add_client_error("authorize_security_group_ingress", "InvalidPermission.Duplicate",
                          response_meta={"RetryAttempts": 0})
    caller = retry.DoneIfRetried(conn, ("InvalidPermission.Duplicate",))
    with stub:
        assert caller.call("ec2", "authorize_security_group_ingress", **perm) is None
        with pytest.raises(ApiError) as err:
            caller.call("ec2", "authorize_security_group_ingress", **perm)
    assert err.value.code == "InvalidPermission.Duplicate"
