"""VPC endpoint manager: an endpoint a stopped run left pending, and the create's idempotency token."""

from __future__ import annotations

import boto3
from botocore.stub import ANY, Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import vpc_endpoint as ve
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection

VPC, SUBNET, SG = "vpc-0123456789abcdef0", "subnet-0123456789abcdef0", "sg-0123456789abcdef0"
EP = "vpce-0123456789abcdef0"
SERVICE = "com.amazonaws.us-east-1.ssm"
TAGS = {"Name": "t-ssm", "cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t"}


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = client
    return conn, Stubber(client)


def params(**kw):
    base = {"name": "t-ssm", "topology": "t", "state": "present", "vpc_id": VPC, "service_name": SERVICE,
            "endpoint_type": "Interface", "subnet_ids": [SUBNET], "security_group_ids": [SG],
            "route_table_ids": None, "policy": None, "private_dns_enabled": False, "dns_options": None,
            "ip_address_type": None, "tags": None, "purge_tags": True, "wait": True, "wait_timeout": 30}
    base.update(kw)
    return base


def endpoint(state):
    return {"VpcEndpointId": EP, "VpcEndpointType": "Interface", "VpcId": VPC, "ServiceName": SERVICE,
            "State": state, "SubnetIds": [SUBNET], "Groups": [{"GroupId": SG, "GroupName": "g"}],
            "PolicyDocument": '{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}',
            "PrivateDnsEnabled": False, "Tags": [{"Key": k, "Value": v} for k, v in TAGS.items()]}


def test_an_endpoint_left_pending_by_a_stopped_run_is_waited_for_without_changes(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stub = stubbed()
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint("pending")]})
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint("pending")]}, {"VpcEndpointIds": [EP]})
    stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint("available")]}, {"VpcEndpointIds": [EP]})
    with stub:
        result = ve.VpcEndpointManager(conn, params(), False).ensure()
    stub.assert_no_pending_responses()
    assert result["changed"] is False and result["vpc_endpoint"]["state"] == "available"


def test_the_create_carries_a_deterministic_client_token():
    """A create retried after its answer was lost (or re-run after a kill) is answered with the same endpoint."""
    tokens = []

    def record(params, **_kwargs):
        tokens.append(params["ClientToken"])

    for _run in range(2):
        conn, stub = stubbed()
        stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": []})
        stub.add_response("create_vpc_endpoint", {"VpcEndpoint": endpoint("available")},
                          {"VpcEndpointType": "Interface", "VpcId": VPC, "ServiceName": SERVICE,
                           "SubnetIds": [SUBNET], "SecurityGroupIds": [SG], "PrivateDnsEnabled": False,
                           "TagSpecifications": ANY, "ClientToken": ANY})
        stub.add_response("describe_vpc_endpoints", {"VpcEndpoints": [endpoint("available")]})
        conn._clients["ec2"].meta.events.register("provide-client-params.ec2.CreateVpcEndpoint", record)
        with stub:
            ve.VpcEndpointManager(conn, params(), False).ensure()
    assert len(tokens) == 2 and tokens[0] == tokens[1] and len(tokens[0]) <= 64
