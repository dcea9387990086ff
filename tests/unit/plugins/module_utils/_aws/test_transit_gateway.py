"""Transit Gateway normalisers and the real-AWS behaviour moto lacks (botocore Stubber)."""

from __future__ import annotations

import boto3
import pytest
from botocore.stub import Stubber

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import transit_gateway as tg
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AwsConnection
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)

OWN = [
    {"Key": "Name", "Value": "hub"},
    {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
    {"Key": "cloudnet:topology", "Value": "t"},
]
TGW_ID = "tgw-0123456789abcdef0"


def stubbed():
    client = boto3.client("ec2", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    conn = AwsConnection({"region": "us-east-1"})
    conn._clients["ec2"] = conn._clients["ec2:once"] = client
    return conn, Stubber(client)


def params(**kw):
    base = {
        "name": "hub",
        "topology": "t",
        "state": "present",
        "description": None,
        "asn": None,
        "auto_accept_shared_attachments": False,
        "default_route_table_association": False,
        "default_route_table_propagation": False,
        "dns_support": True,
        "vpn_ecmp_support": True,
        "tags": None,
        "purge_tags": True,
        "wait": True,
        "wait_timeout": 5,
    }
    base.update(kw)
    return base


def api_tgw(state="available", **options):
    opts = {
        "AmazonSideAsn": 64512,
        "AutoAcceptSharedAttachments": "disable",
        "DefaultRouteTableAssociation": "disable",
        "DefaultRouteTablePropagation": "disable",
        "DnsSupport": "enable",
        "VpnEcmpSupport": "enable",
        "MulticastSupport": "disable",
    }
    opts.update(options)
    return {"TransitGatewayId": TGW_ID, "State": state, "Description": "", "Options": opts, "Tags": OWN}


@pytest.mark.parametrize(
    "given,expected",
    [
        (
            {},
            {
                "AutoAcceptSharedAttachments": "disable",
                "DefaultRouteTableAssociation": "disable",
                "DefaultRouteTablePropagation": "disable",
                "DnsSupport": "enable",
                "VpnEcmpSupport": "enable",
            },
        ),
        (
            {"asn": 64600, "dns_support": False},
            {
                "AmazonSideAsn": 64600,
                "AutoAcceptSharedAttachments": "disable",
                "DefaultRouteTableAssociation": "disable",
                "DefaultRouteTablePropagation": "disable",
                "DnsSupport": "disable",
                "VpnEcmpSupport": "enable",
            },
        ),
        (
            {
                "dns_support": None,
                "vpn_ecmp_support": None,
                "auto_accept_shared_attachments": None,
                "default_route_table_association": True,
                "default_route_table_propagation": None,
            },
            {"DefaultRouteTableAssociation": "enable"},
        ),
    ],
)
def test_want_options(given, expected):
    assert tg.want_options(params(**given)) == expected


@pytest.mark.parametrize(
    "have,want,expected",
    [
        ({"DnsSupport": "enable"}, {"DnsSupport": "enable"}, {}),
        ({"DnsSupport": "enable"}, {"DnsSupport": "disable"}, {"DnsSupport": "disable"}),
        ({"AmazonSideAsn": 64512}, {"AmazonSideAsn": 64600}, {"AmazonSideAsn": 64600}),
        ({}, {"VpnEcmpSupport": "enable"}, {"VpnEcmpSupport": "enable"}),
    ],
)
def test_option_changes(have, want, expected):
    assert tg.option_changes(have, want) == expected


@pytest.mark.parametrize(
    "bad,field",
    [
        ({"asn": 100}, "asn"),
        ({"asn": 65535}, "asn"),
        ({"asn": 4294967295}, "asn"),
        ({"description": "x" * 256}, "description"),
        ({"name": ""}, "name"),
    ],
)
def test_validate_rejects(bad, field):
    with pytest.raises(ValidationError) as err:
        tg.validate(params(**bad))
    assert err.value.field == field


@pytest.mark.parametrize("asn", [64512, 65534, 4200000000, 4294967294, None])
def test_validate_accepts_private_asns(asn):
    tg.validate(params(asn=asn))


def test_describe_turns_flags_into_booleans():
    out = tg.describe(api_tgw(DnsSupport="disable", AssociationDefaultRouteTableId="tgw-rtb-1"))
    assert out["options"]["dns_support"] is False and out["options"]["vpn_ecmp_support"] is True
    assert out["options"]["association_default_route_table_id"] == "tgw-rtb-1"
    assert out["name"] == "hub" and out["transit_gateway_id"] == TGW_ID


def test_dict_filters():
    assert tg.dict_filters({"state": "available", "tag:env": ["a", "b"]}) == [
        {"Name": "state", "Values": ["available"]},
        {"Name": "tag:env", "Values": ["a", "b"]},
    ]


def test_owned_keeps_only_this_topology():
    other = [
        {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"},
        {"Key": "cloudnet:topology", "Value": "other"},
    ]
    items = [{"Tags": OWN, "id": 1}, {"Tags": other, "id": 2}, {"Tags": [], "id": 3}]
    assert [i["id"] for i in tg.owned(items, "t")] == [1]


def test_absent_with_attachments_lists_them_and_never_deletes():
    conn, stub = stubbed()
    stub.add_response(
        "describe_transit_gateways",
        {"TransitGateways": [api_tgw()]},
        {"Filters": [{"Name": "tag:Name", "Values": ["hub"]}]},
    )
    stub.add_response(
        "describe_transit_gateway_attachments",
        {
            "TransitGatewayAttachments": [
                {
                    "TransitGatewayAttachmentId": "tgw-attach-0123456789abcdef0",
                    "ResourceType": "vpc",
                    "ResourceId": "vpc-0123456789abcdef0",
                    "State": "available",
                },
                {
                    "TransitGatewayAttachmentId": "tgw-attach-0fedcba9876543210",
                    "ResourceType": "vpc",
                    "ResourceId": "vpc-0fedcba9876543210",
                    "State": "deleted",
                },
            ]
        },
        {"Filters": [{"Name": "transit-gateway-id", "Values": [TGW_ID]}]},
    )
    with stub, pytest.raises(ConflictError) as err:
        tg.TransitGatewayManager(conn, params(state="absent"), check_mode=False).ensure()
    assert "tgw-attach-0123456789abcdef0" in err.value.message
    assert "tgw-attach-0fedcba9876543210" not in err.value.message
    stub.assert_no_pending_responses()


def test_modify_waits_through_modifying():
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateways", {"TransitGateways": [api_tgw()]})
    stub.add_response(
        "modify_transit_gateway",
        {"TransitGateway": api_tgw("modifying", DnsSupport="disable")},
        {"TransitGatewayId": TGW_ID, "Options": {"DnsSupport": "disable"}},
    )
    stub.add_response(
        "describe_transit_gateways", {"TransitGateways": [api_tgw("modifying", DnsSupport="disable")]}
    )
    stub.add_response("describe_transit_gateways", {"TransitGateways": [api_tgw(DnsSupport="disable")]})
    manager = tg.TransitGatewayManager(conn, params(dns_support=False, wait_timeout=30), check_mode=False)
    with stub:
        result = manager.ensure()
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["transit_gateway"]["state"] == "available"
    assert result["transit_gateway"]["options"]["dns_support"] is False
    assert result["diff"]["before"]["options"]["dns_support"] is True


def test_check_mode_create_predicts_without_calls():
    conn, stub = stubbed()
    stub.add_response("describe_transit_gateways", {"TransitGateways": []})
    with stub:
        result = tg.TransitGatewayManager(conn, params(asn=64600), check_mode=True).ensure()
    stub.assert_no_pending_responses()
    assert result["changed"] is True and result["transit_gateway"]["transit_gateway_id"] is None
    assert result["transit_gateway"]["options"]["amazon_side_asn"] == 64600
    assert [op["action"] for op in result["operations"]] == ["create"]
