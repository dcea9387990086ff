"""Route 53 helpers and the endpoint private zone manager: pure planners table-driven, real AWS
behaviour the sandbox lacks (PENDING -> INSYNC, reused caller references, escaped wildcard names,
wildcard private DNS names, zonal DNS entries) with botocore Stubber from documented responses."""

from __future__ import annotations

import datetime

import boto3
import pytest
from botocore.stub import ANY, Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import route53 as r53
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_endpoint_zone import (
    EndpointZoneManager,
    find_zone,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
    WaitTimeoutError,
)

NOW = datetime.datetime(2026, 11, 25, tzinfo=datetime.UTC)
VPC = "vpc-0a1b2c3d4e5f60718"
EP = "vpce-0123456789abcdef0"
ZONE = "ssm.us-east-1.amazonaws.com"
REGIONAL = {
    "DnsName": "vpce-0123456789abcdef0-abcd1234.ssm.us-east-1.vpce.amazonaws.com",
    "HostedZoneId": "Z7HUB22UULQXV",
}
ZONAL = {
    "DnsName": "vpce-0123456789abcdef0-abcd1234-us-east-1a.ssm.us-east-1.vpce.amazonaws.com",
    "HostedZoneId": "Z7HUB22UULQXV",
}
PRIVATE = {"DnsName": "ssm.us-east-1.amazonaws.com", "HostedZoneId": "Z0PRIVATEZONE"}


# --- pure helpers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "names, mode, want",
    [
        (["ssm.us-east-1.amazonaws.com"], "auto", [("ssm.us-east-1.amazonaws.com", False)]),
        (["*.s3.us-east-1.amazonaws.com"], "auto", [("s3.us-east-1.amazonaws.com", True)]),
        (["*.s3.us-east-1.amazonaws.com"], "never", [("s3.us-east-1.amazonaws.com", False)]),
        (["ssm.us-east-1.amazonaws.com"], "always", [("ssm.us-east-1.amazonaws.com", True)]),
        # apex and wildcard names of one service share one zone
        (
            ["S3.us-east-1.amazonaws.com.", "*.s3.us-east-1.amazonaws.com"],
            "auto",
            [("s3.us-east-1.amazonaws.com", True)],
        ),
        (
            ["*.dkr.ecr.us-east-1.amazonaws.com", "dkr.ecr.us-east-1.amazonaws.com"],
            "auto",
            [("dkr.ecr.us-east-1.amazonaws.com", True)],
        ),
        (
            ["b.example.com", "a.example.com", None],
            "auto",
            [("a.example.com", False), ("b.example.com", False)],
        ),
    ],
)
def test_service_zones(names, mode, want):
    assert [(z["name"], z["wildcard"]) for z in r53.service_zones(names, mode)] == want


@pytest.mark.parametrize(
    "entries, want",
    [
        ([REGIONAL, ZONAL], REGIONAL),
        ([ZONAL, REGIONAL, PRIVATE], REGIONAL),  # the regional entry wins wherever it is listed
        ([PRIVATE, REGIONAL], REGIONAL),  # private DNS entry (when enabled) is not the endpoint name
        (
            [{"DnsName": "vpce-1-2.com.amazonaws.us-east-1.ssm", "HostedZoneId": "X"}],
            {"DnsName": "vpce-1-2.com.amazonaws.us-east-1.ssm", "HostedZoneId": "X"},
        ),
        ([ZONAL], ZONAL),  # fallback: first entry
        ([], None),
    ],
)
def test_regional_dns_entry(entries, want):
    assert r53.regional_dns_entry(entries) == want


@pytest.mark.parametrize(
    "endpoint, want",
    [
        ({}, ["A"]),
        ({"IpAddressType": "ipv4"}, ["A"]),
        ({"IpAddressType": "dualstack"}, ["A", "AAAA"]),
        ({"IpAddressType": "ipv6"}, ["AAAA"]),
        ({"IpAddressType": "dualstack", "DnsOptions": {"DnsRecordIpType": "ipv4"}}, ["A"]),
        ({"IpAddressType": "dualstack", "DnsOptions": {"DnsRecordIpType": "service-defined"}}, ["A", "AAAA"]),
    ],
)
def test_record_types(endpoint, want):
    assert r53.record_types(endpoint) == want


def test_caller_reference_is_deterministic_and_recognised():
    stem = r53.caller_reference("corp", "SSM.us-east-1.amazonaws.com.", VPC)
    assert stem == r53.caller_reference("corp", ZONE, VPC) and len(stem) <= 128
    assert stem != r53.caller_reference("other", ZONE, VPC) != r53.caller_reference("corp", ZONE, "vpc-1")
    assert r53.is_our_reference(stem, stem) and r53.is_our_reference(stem + "-3", stem)
    assert not r53.is_our_reference(stem + "x", stem) and not r53.is_our_reference(None, stem)


@pytest.mark.parametrize(
    "value, ok",
    [
        ("Z0123456789ABCDEFGHIJ", "Z0123456789ABCDEFGHIJ"),
        ("/hostedzone/Z1D633PJN98FT9", "Z1D633PJN98FT9"),
        ("z123", None),
        ("", None),
        (12, None),
        ("Z" + "A" * 40, None),
    ],
)
def test_check_zone_id(value, ok):
    if ok:
        assert r53.check_zone_id(value, "hosted_zone_ids[0]") == ok
    else:
        with pytest.raises(ValidationError, match=r"^hosted_zone_ids\[0\]"):
            r53.check_zone_id(value, "hosted_zone_ids[0]")


def _alias(name, rtype, target=None):
    target = REGIONAL if target is None else target
    return {
        "Name": name,
        "Type": rtype,
        "AliasTarget": {
            "HostedZoneId": target["HostedZoneId"],
            "DNSName": target["DnsName"] + ".",
            "EvaluateTargetHealth": False,
        },
    }


SOA = {
    "Name": ZONE + ".",
    "Type": "SOA",
    "TTL": 900,
    "ResourceRecords": [{"Value": "ns. h. 1 7200 900 1209600 86400"}],
}
NS = {"Name": ZONE + ".", "Type": "NS", "TTL": 172800, "ResourceRecords": [{"Value": "ns-0.awsdns-00.com."}]}
OTHER = {"Name": "x." + ZONE + ".", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.1"}]}


@pytest.mark.parametrize(
    "have, wildcard, types, want_actions",
    [
        ([SOA, NS], False, ["A"], [("UPSERT", ZONE, "A")]),
        ([SOA, NS, _alias(ZONE + ".", "A")], False, ["A"], []),
        # Route 53 lists wildcards as \052; the escaped and plain names are the same record
        ([_alias(ZONE + ".", "A"), _alias("\\052." + ZONE + ".", "A")], True, ["A"], []),
        ([_alias(ZONE + ".", "A", ZONAL)], False, ["A"], [("UPSERT", ZONE, "A")]),
        (
            [_alias(ZONE + ".", "A"), _alias("\\052." + ZONE + ".", "A")],
            False,
            ["A"],
            [("DELETE", "*." + ZONE, "A")],
        ),
        ([_alias(ZONE + ".", "A"), _alias(ZONE + ".", "AAAA")], False, ["A"], [("DELETE", ZONE, "AAAA")]),
        ([_alias(ZONE + ".", "A")], False, ["A", "AAAA"], [("UPSERT", ZONE, "AAAA")]),
        # records outside the apex/wildcard A/AAAA scope are never touched
        ([_alias(ZONE + ".", "A"), OTHER, SOA], False, ["A"], []),
        # a non-alias record in scope that is wanted as an alias is replaced; unwanted, it is left alone
        (
            [{"Name": ZONE + ".", "Type": "A", "TTL": 60, "ResourceRecords": [{"Value": "10.0.0.9"}]}],
            False,
            ["A"],
            [("UPSERT", ZONE, "A")],
        ),
        (
            [
                {"Name": ZONE + ".", "Type": "AAAA", "TTL": 60, "ResourceRecords": [{"Value": "::1"}]},
                _alias(ZONE + ".", "A"),
            ],
            False,
            ["A"],
            [],
        ),
    ],
)
def test_plan_records(have, wildcard, types, want_actions):
    want = r53.desired_records(ZONE, wildcard, types, REGIONAL)
    batch = r53.plan_records(ZONE, have, want)
    assert [
        (c["Action"], r53.dns_name(c["ResourceRecordSet"]["Name"]), c["ResourceRecordSet"]["Type"])
        for c in batch
    ] == want_actions
    after = r53.owned_records(ZONE, r53.apply_record_changes(have, batch))
    assert {k for k, v in after.items() if "AliasTarget" in v} == set(want)
    for change in batch:
        if change["Action"] == "UPSERT":
            assert change["ResourceRecordSet"]["AliasTarget"]["EvaluateTargetHealth"] is False


def test_delete_sends_the_record_back_as_read():
    have = [_alias("\\052." + ZONE + ".", "A")]
    [change] = r53.plan_records(ZONE, have, {})
    assert change == {"Action": "DELETE", "ResourceRecordSet": dict(_alias("*." + ZONE + ".", "A"))}


# --- Stubber: real Route 53 / EC2 responses ----------------------------------------------------------


def _conn(*services):
    conn = AwsConnection({"region": "us-east-1"})
    stubs = {}
    for service in services:
        client = boto3.client(
            service, region_name="us-east-1", aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret"
        )
        conn._clients[service] = client
        conn._clients[f"{service}:once"] = client  # CreateOnce's single-attempt client
        stubs[service] = Stubber(client)
        stubs[service].activate()
    return conn, stubs


def test_wait_insync_polls_pending_changes_until_insync(monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stubs = _conn("route53")
    stub = stubs["route53"]
    for status in ("PENDING", "PENDING", "INSYNC"):
        stub.add_response(
            "get_change",
            {"ChangeInfo": {"Id": "/change/C2682N5HXP0BZ4", "Status": status, "SubmittedAt": NOW}},
            {"Id": "/change/C2682N5HXP0BZ4"},
        )
    info = r53.wait_insync(
        conn, {"Id": "/change/C2682N5HXP0BZ4", "Status": "PENDING", "SubmittedAt": NOW}, "x", 60
    )
    assert info["Status"] == "INSYNC"
    stub.assert_no_pending_responses()


def test_wait_insync_is_bounded():
    conn, stubs = _conn("route53")
    stubs["route53"].add_response(
        "get_change", {"ChangeInfo": {"Id": "C1", "Status": "PENDING", "SubmittedAt": NOW}}
    )
    with pytest.raises(WaitTimeoutError, match="PENDING"):
        r53.wait_insync(conn, {"Id": "C1", "Status": "PENDING"}, "record changes", 0)


def test_zones_by_name_pages_while_the_name_matches():
    conn, stubs = _conn("route53")
    stub = stubs["route53"]
    z1 = {"Id": "/hostedzone/Z1", "Name": ZONE + ".", "CallerReference": "a", "Config": {"PrivateZone": True}}
    z2 = {"Id": "/hostedzone/Z2", "Name": ZONE + ".", "CallerReference": "b", "Config": {"PrivateZone": True}}
    stub.add_response(
        "list_hosted_zones_by_name",
        {
            "HostedZones": [z1],
            "IsTruncated": True,
            "NextDNSName": ZONE + ".",
            "NextHostedZoneId": "Z2",
            "MaxItems": "1",
        },
        {"DNSName": ZONE + ".", "MaxItems": "100"},
    )
    stub.add_response(
        "list_hosted_zones_by_name",
        {
            "HostedZones": [z2, {"Id": "/hostedzone/Z3", "Name": "tt." + ZONE + ".", "CallerReference": "c"}],
            "IsTruncated": True,
            "NextDNSName": "zz.example.com.",
            "NextHostedZoneId": "Z4",
            "MaxItems": "2",
        },
        {"DNSName": ZONE + ".", "MaxItems": "100", "HostedZoneId": "Z2"},
    )
    assert [z["Id"] for z in r53.zones_by_name(conn, ZONE)] == ["/hostedzone/Z1", "/hostedzone/Z2"]
    stub.assert_no_pending_responses()


def test_reconcile_zone_tags_chunks_by_ten():
    from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes

    conn, stubs = _conn("route53")
    want = {f"k{i:02d}": "v" for i in range(12)}
    stubs["route53"].add_response(
        "change_tags_for_resource",
        {},
        {
            "ResourceType": "hostedzone",
            "ResourceId": "Z1",
            "AddTags": [{"Key": f"k{i:02d}", "Value": "v"} for i in range(10)],
            "RemoveTagKeys": ["old"],
        },
    )
    stubs["route53"].add_response(
        "change_tags_for_resource",
        {},
        {
            "ResourceType": "hostedzone",
            "ResourceId": "Z1",
            "AddTags": [{"Key": "k10", "Value": "v"}, {"Key": "k11", "Value": "v"}],
        },
    )
    after = r53.reconcile_zone_tags(
        conn, Changes(False), "Z1", {"old": "x", "cloudnet:topology": "t"}, want, True
    )
    assert after == dict(want, **{"cloudnet:topology": "t"})
    stubs["route53"].assert_no_pending_responses()


def _params(**extra):
    p = {
        "vpc_endpoint_id": EP,
        "service_name": None,
        "vpc_id": VPC,
        "vpc_region": "us-east-1",
        "wildcard": "auto",
        "tags": None,
        "purge_tags": True,
        "state": "present",
        "wait": True,
        "wait_timeout": 60,
        "topology": "corp",
    }
    p.update(extra)
    return p


S3_ENDPOINT = {
    "VpcEndpointId": EP,
    "VpcEndpointType": "Interface",
    "VpcId": VPC,
    "State": "available",
    "ServiceName": "com.amazonaws.us-east-1.s3",
    "IpAddressType": "ipv4",
    "DnsEntries": [
        {
            "DnsName": "*.vpce-0123456789abcdef0-abcd1234.s3.us-east-1.vpce.amazonaws.com",
            "HostedZoneId": "Z7HUB22UULQXV",
        },
        {
            "DnsName": "*.vpce-0123456789abcdef0-abcd1234-us-east-1a.s3.us-east-1.vpce.amazonaws.com",
            "HostedZoneId": "Z7HUB22UULQXV",
        },
    ],
}
# DescribeVpcEndpointServices for S3 lists both flavours; the Interface one has a wildcard private DNS name.
S3_SERVICES = {
    "ServiceNames": ["com.amazonaws.us-east-1.s3"],
    "ServiceDetails": [
        {"ServiceName": "com.amazonaws.us-east-1.s3", "ServiceType": [{"ServiceType": "Gateway"}]},
        {
            "ServiceName": "com.amazonaws.us-east-1.s3",
            "ServiceType": [{"ServiceType": "Interface"}],
            "PrivateDnsName": "*.s3.us-east-1.amazonaws.com",
            "PrivateDnsNames": [{"PrivateDnsName": "*.s3.us-east-1.amazonaws.com"}],
        },
    ],
}
S3_ZONE = "s3.us-east-1.amazonaws.com"


def _create_flow(stub, references_taken=0):
    stem = r53.caller_reference("corp", S3_ZONE, VPC)
    stub.add_response(
        "list_hosted_zones_by_name", {"HostedZones": [], "IsTruncated": False, "MaxItems": "100"}
    )
    for attempt in range(references_taken):
        stub.add_client_error(
            "create_hosted_zone",
            "HostedZoneAlreadyExists",
            http_status_code=409,
            expected_params={
                "Name": S3_ZONE,
                "CallerReference": stem if attempt == 0 else f"{stem}-{attempt}",
                "VPC": {"VPCRegion": "us-east-1", "VPCId": VPC},
                "HostedZoneConfig": {"Comment": ANY, "PrivateZone": True},
            },
        )
        # No live zone holds the reference: it belonged to a zone deleted earlier.
        stub.add_response(
            "list_hosted_zones_by_name", {"HostedZones": [], "IsTruncated": False, "MaxItems": "100"}
        )
    ref = stem if references_taken == 0 else f"{stem}-{references_taken}"
    stub.add_response(
        "create_hosted_zone",
        {
            "HostedZone": {
                "Id": "/hostedzone/Z0NEWZONE1",
                "Name": S3_ZONE + ".",
                "CallerReference": ref,
                "Config": {"PrivateZone": True},
                "ResourceRecordSetCount": 2,
            },
            "ChangeInfo": {"Id": "/change/C1", "Status": "PENDING", "SubmittedAt": NOW},
            # the service model marks DelegationSet required (private zones get an unused one)
            "DelegationSet": {"NameServers": ["ns-0.awsdns-00.com"]},
            "VPC": {"VPCRegion": "us-east-1", "VPCId": VPC},
            "Location": "https://route53.amazonaws.com/x",
        },
        {
            "Name": S3_ZONE,
            "CallerReference": ref,
            "VPC": {"VPCRegion": "us-east-1", "VPCId": VPC},
            "HostedZoneConfig": {"Comment": ANY, "PrivateZone": True},
        },
    )
    stub.add_response(
        "change_tags_for_resource",
        {},
        {"ResourceType": "hostedzone", "ResourceId": "Z0NEWZONE1", "AddTags": ANY},
    )
    target = {
        "HostedZoneId": "Z7HUB22UULQXV",
        "DNSName": "*.vpce-0123456789abcdef0-abcd1234.s3.us-east-1.vpce.amazonaws.com.",
        "EvaluateTargetHealth": False,
    }
    stub.add_response(
        "change_resource_record_sets",
        {"ChangeInfo": {"Id": "/change/C2", "Status": "PENDING", "SubmittedAt": NOW}},
        {
            "HostedZoneId": "Z0NEWZONE1",
            "ChangeBatch": {
                "Comment": ANY,
                "Changes": [
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {"Name": f"*.{S3_ZONE}.", "Type": "A", "AliasTarget": target},
                    },
                    {
                        "Action": "UPSERT",
                        "ResourceRecordSet": {"Name": f"{S3_ZONE}.", "Type": "A", "AliasTarget": target},
                    },
                ],
            },
        },
    )
    stub.add_response(
        "get_change", {"ChangeInfo": {"Id": "/change/C1", "Status": "INSYNC", "SubmittedAt": NOW}}
    )
    stub.add_response(
        "get_change", {"ChangeInfo": {"Id": "/change/C2", "Status": "INSYNC", "SubmittedAt": NOW}}
    )
    return ref


@pytest.mark.parametrize("taken", [0, 2])
def test_s3_interface_endpoint_gets_apex_and_wildcard_and_waits_insync(monkeypatch, taken):
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stubs = _conn("route53", "ec2")
    stubs["ec2"].add_response(
        "describe_vpc_endpoints", {"VpcEndpoints": [S3_ENDPOINT]}, {"VpcEndpointIds": [EP]}
    )
    stubs["ec2"].add_response(
        "describe_vpc_endpoint_services", S3_SERVICES, {"ServiceNames": ["com.amazonaws.us-east-1.s3"]}
    )
    # taken > 0: Route 53 already saw the reference (a zone deleted earlier): the next numbered one is used.
    ref = _create_flow(stubs["route53"], taken)
    result = EndpointZoneManager(conn, _params(), False).ensure()
    [zone] = result["zones"]
    assert (
        zone["name"] == S3_ZONE and zone["hosted_zone_id"] == "Z0NEWZONE1" and zone["caller_reference"] == ref
    )
    assert zone["private_dns_names"] == ["*.s3.us-east-1.amazonaws.com"]
    assert [(r["name"], r["type"]) for r in zone["records"]] == [("*." + S3_ZONE, "A"), (S3_ZONE, "A")]
    assert [op["action"] for op in result["operations"]] == ["create", "tag", "change_records"]
    stubs["route53"].assert_no_pending_responses()


def test_a_retried_create_meeting_its_own_zone_adopts_it_instead_of_making_a_second(monkeypatch):
    """The first CreateHostedZone succeeded but its answer was lost; the retry is refused as a reused reference."""
    monkeypatch.setattr("time.sleep", lambda s: None)
    conn, stubs = _conn("route53", "ec2")
    stubs["ec2"].add_response("describe_vpc_endpoints", {"VpcEndpoints": [S3_ENDPOINT]})
    stubs["ec2"].add_response("describe_vpc_endpoint_services", S3_SERVICES)
    stub = stubs["route53"]
    stem = r53.caller_reference("corp", S3_ZONE, VPC)
    stub.add_response("list_hosted_zones_by_name", {"HostedZones": [], "IsTruncated": False, "MaxItems": "100"})
    stub.add_client_error("create_hosted_zone", "HostedZoneAlreadyExists", http_status_code=409,
                          expected_params={"Name": S3_ZONE, "CallerReference": stem, "VPC": ANY,
                                           "HostedZoneConfig": ANY})
    made = {"Id": "/hostedzone/Z0LOSTANSWER", "Name": S3_ZONE + ".", "CallerReference": stem,
            "Config": {"PrivateZone": True}, "ResourceRecordSetCount": 2}
    stub.add_response("list_hosted_zones_by_name", {"HostedZones": [made], "IsTruncated": False, "MaxItems": "100"},
                      {"DNSName": S3_ZONE + ".", "MaxItems": "100"})
    stub.add_response("get_hosted_zone", {"HostedZone": made, "VPCs": [{"VPCRegion": "us-east-1", "VPCId": VPC}]},
                      {"Id": "Z0LOSTANSWER"})
    stub.add_response("change_tags_for_resource", {}, {"ResourceType": "hostedzone", "ResourceId": "Z0LOSTANSWER",
                                                       "AddTags": ANY})
    stub.add_response("change_resource_record_sets",
                      {"ChangeInfo": {"Id": "/change/C2", "Status": "INSYNC", "SubmittedAt": NOW}},
                      {"HostedZoneId": "Z0LOSTANSWER", "ChangeBatch": ANY})
    result = EndpointZoneManager(conn, _params(), False).ensure()
    [zone] = result["zones"]
    assert zone["hosted_zone_id"] == "Z0LOSTANSWER" and zone["caller_reference"] == stem
    assert [op["action"] for op in result["operations"]] == ["create", "tag", "change_records"]
    stub.assert_no_pending_responses()


def test_check_mode_predicts_without_mutating():
    conn, stubs = _conn("route53", "ec2")
    stubs["ec2"].add_response("describe_vpc_endpoints", {"VpcEndpoints": [S3_ENDPOINT]})
    stubs["ec2"].add_response("describe_vpc_endpoint_services", S3_SERVICES)
    stubs["route53"].add_response(
        "list_hosted_zones_by_name", {"HostedZones": [], "IsTruncated": False, "MaxItems": "100"}
    )
    result = EndpointZoneManager(conn, _params(), True).ensure()
    [zone] = result["zones"]
    assert zone["hosted_zone_id"] is None and zone["vpcs"] == [{"vpc_id": VPC, "vpc_region": "us-east-1"}]
    assert len(zone["records"]) == 2 and zone["tags"]["cloudnet:managed-by"] == "cloudnet.privatelink"
    assert [op["action"] for op in result["operations"]] == ["create", "tag", "change_records"]
    stubs["route53"].assert_no_pending_responses()


def test_find_zone_prefers_our_reference_and_skips_foreign_zones_elsewhere():
    conn, stubs = _conn("route53")
    stub = stubs["route53"]
    stem = r53.caller_reference("corp", ZONE, VPC)
    foreign_elsewhere = {
        "Id": "/hostedzone/ZFOREIGN",
        "Name": ZONE + ".",
        "CallerReference": "x",
        "Config": {"PrivateZone": True},
    }
    ours = {
        "Id": "/hostedzone/ZOURS",
        "Name": ZONE + ".",
        "CallerReference": stem + "-1",
        "Config": {"PrivateZone": True},
    }
    public = {
        "Id": "/hostedzone/ZPUBLIC",
        "Name": ZONE + ".",
        "CallerReference": "p",
        "Config": {"PrivateZone": False},
    }
    stub.add_response(
        "list_hosted_zones_by_name",
        {"HostedZones": [foreign_elsewhere, ours, public], "IsTruncated": False, "MaxItems": "100"},
    )
    stub.add_response(
        "list_tags_for_resources",
        {
            "ResourceTagSets": [
                {
                    "ResourceType": "hostedzone",
                    "ResourceId": "ZFOREIGN",
                    "Tags": [{"Key": "team", "Value": "x"}],
                },
                {
                    "ResourceType": "hostedzone",
                    "ResourceId": "ZOURS",
                    "Tags": [{"Key": "team", "Value": "y"}],
                },
            ]
        },
        {"ResourceType": "hostedzone", "ResourceIds": ["ZFOREIGN", "ZOURS"]},
    )
    stub.add_response(
        "get_hosted_zone",
        {"HostedZone": ours, "VPCs": [{"VPCId": VPC, "VPCRegion": "us-east-1"}]},
        {"Id": "ZOURS"},
    )
    zone, tags, managed = find_zone(conn, ZONE, VPC, "corp")
    assert managed is True and zone["HostedZone"]["Id"] == "/hostedzone/ZOURS" and tags == {"team": "y"}
    stub.assert_no_pending_responses()


def test_absent_reports_records_left_by_others_clearly():
    conn, stubs = _conn("route53", "ec2")
    stubs["ec2"].add_response(
        "describe_vpc_endpoint_services",
        {
            "ServiceDetails": [
                {
                    "ServiceName": "com.amazonaws.us-east-1.ssm",
                    "ServiceType": [{"ServiceType": "Interface"}],
                    "PrivateDnsName": ZONE,
                }
            ]
        },
    )
    stub = stubs["route53"]
    hz = {
        "Id": "/hostedzone/ZOURS",
        "Name": ZONE + ".",
        "CallerReference": r53.caller_reference("corp", ZONE, VPC),
        "Config": {"PrivateZone": True},
    }
    stub.add_response(
        "list_hosted_zones_by_name", {"HostedZones": [hz], "IsTruncated": False, "MaxItems": "100"}
    )
    stub.add_response("list_tags_for_resources", {"ResourceTagSets": []})
    stub.add_response(
        "get_hosted_zone", {"HostedZone": hz, "VPCs": [{"VPCId": VPC, "VPCRegion": "us-east-1"}]}
    )
    stub.add_response(
        "list_resource_record_sets",
        {
            "ResourceRecordSets": [SOA, NS, _alias(ZONE + ".", "A"), OTHER],
            "IsTruncated": False,
            "MaxItems": "300",
        },
    )
    stub.add_response(
        "change_resource_record_sets", {"ChangeInfo": {"Id": "C3", "Status": "INSYNC", "SubmittedAt": NOW}}
    )
    stub.add_client_error("delete_hosted_zone", "HostedZoneNotEmpty", http_status_code=400)
    with pytest.raises(ConflictError, match="did not make"):
        EndpointZoneManager(
            conn,
            _params(vpc_endpoint_id=None, service_name="com.amazonaws.us-east-1.ssm", state="absent"),
            False,
        ).ensure()


@pytest.mark.parametrize(
    "params, field",
    [
        ({"vpc_id": "vpc-12"}, "vpc_id"),
        ({"vpc_endpoint_id": "vpc-0123456789abcdef0"}, "vpc_endpoint_id"),
        ({"vpc_region": "US-EAST-1"}, "vpc_region"),
        ({"service_name": ""}, "service_name"),
        ({"vpc_endpoint_id": None, "service_name": "com.amazonaws.us-east-1.ssm"}, "vpc_endpoint_id"),
        ({"tags": {"a": ["b"]}}, "tags.a"),
    ],
)
def test_bad_input_fails_before_any_call(params, field):
    conn, _stubs = _conn("route53", "ec2")  # no stubbed responses: any call would fail the test
    with pytest.raises(ValidationError) as err:
        EndpointZoneManager(conn, _params(**params), False).ensure()
    assert err.value.field == field
