"""Prefix list manager: a modify retried after its answer was lost meets the version it made."""

from __future__ import annotations

import boto3
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import prefix_list as pl
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection

PL = "pl-0123456789abcdef0"
OWN = [{"Key": "Name", "Value": "endpoints"}, {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
       {"Key": "cloudnet:topology", "Value": "t"}]


def listing(version, state="modify-complete"):
    return {"PrefixLists": [{"PrefixListId": PL, "PrefixListName": "endpoints", "AddressFamily": "IPv4",
                             "MaxEntries": 2, "Version": version, "State": state, "Tags": OWN}]}


def test_a_modify_whose_answer_was_lost_is_done_when_the_retry_meets_the_new_version(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = client
    stub = Stubber(client)
    stub.add_response("describe_managed_prefix_lists", listing(1))
    stub.add_response("get_managed_prefix_list_entries", {"Entries": [{"Cidr": "10.0.0.0/24", "Description": ""}]})
    stub.add_response("describe_managed_prefix_lists", listing(1), {"PrefixListIds": [PL]})
    stub.add_client_error("modify_managed_prefix_list", "PrefixListVersionMismatch",
                          "The prefix list has the incorrect version number.", response_meta={"RetryAttempts": 1})
    stub.add_response("describe_managed_prefix_lists", listing(2), {"PrefixListIds": [PL]})
    params = {"name": "endpoints", "topology": "t", "state": "present", "address_family": "IPv4", "max_entries": 2,
              "entries": [{"cidr": "10.0.0.0/24"}, {"cidr": "10.0.1.0/24"}], "purge_entries": True, "tags": None,
              "purge_tags": True, "wait": True, "wait_timeout": 30}
    with stub:
        result = pl.PrefixListManager(conn, params, False).ensure()
    stub.assert_no_pending_responses()
    assert [op["action"] for op in result["operations"]] == ["modify"]
    assert result["prefix_list"]["version"] == 2
