"""Transit Gateway behaviour restored on top of moto (each test fails on plain moto)."""

from __future__ import annotations

import pytest
from behaviour_conftest import assumed_client, client, error_code, patched_aws, vpc_with_subnets
from botocore.exceptions import ClientError

ALL_ROUTES = [{"Name": "type", "Values": ["static", "propagated"]}]


def _tgw(ec2, **options):
    return ec2.create_transit_gateway(Options=options)["TransitGateway"]


def _attach(ec2, tgw_id, cidr):
    vpc_id, subnets = vpc_with_subnets(ec2, cidr)
    att = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=subnets)
    return att["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"], vpc_id


def test_default_association_and_propagation_fill_the_default_table():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2)
        table = tgw["Options"]["AssociationDefaultRouteTableId"]
        att, vpc = _attach(ec2, tgw["TransitGatewayId"], "10.1.0.0/16")
        assoc = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)[
            "Associations"
        ]
        assert [(a["TransitGatewayAttachmentId"], a["State"]) for a in assoc] == [(att, "associated")]
        props = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)[
            "TransitGatewayRouteTablePropagations"
        ]
        assert [(p["TransitGatewayAttachmentId"], p["ResourceId"], p["State"]) for p in props] == [
            (att, vpc, "enabled")
        ]
        routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table, Filters=ALL_ROUTES)[
            "Routes"
        ]
        assert routes == [
            {
                "DestinationCidrBlock": "10.1.0.0/16",
                "Type": "propagated",
                "State": "active",
                "TransitGatewayAttachments": [
                    {"ResourceId": vpc, "TransitGatewayAttachmentId": att, "ResourceType": "vpc"}
                ],
            }
        ]
        described = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att])
        assert described["TransitGatewayAttachments"][0]["Association"] == {
            "TransitGatewayRouteTableId": table,
            "State": "associated",
        }


def test_disabled_defaults_leave_new_attachments_alone():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2, DefaultRouteTableAssociation="disable", DefaultRouteTablePropagation="disable")
        assert "AssociationDefaultRouteTableId" not in tgw["Options"]
        assert "PropagationDefaultRouteTableId" not in tgw["Options"]
        tables = ec2.describe_transit_gateway_route_tables(
            Filters=[{"Name": "transit-gateway-id", "Values": [tgw["TransitGatewayId"]]}]
        )["TransitGatewayRouteTables"]
        assert tables == []
        att, _ = _attach(ec2, tgw["TransitGatewayId"], "10.1.0.0/16")
        described = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att])
        assert "Association" not in described["TransitGatewayAttachments"][0]


def test_propagation_routes_follow_enable_and_disable():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2, DefaultRouteTableAssociation="disable", DefaultRouteTablePropagation="disable")
        tgw_id = tgw["TransitGatewayId"]
        table = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw_id)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ]
        att, vpc = _attach(ec2, tgw_id, "10.2.0.0/16")
        ec2.associate_vpc_cidr_block(VpcId=vpc, CidrBlock="10.3.0.0/16")
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=att
        )
        routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table, Filters=ALL_ROUTES)[
            "Routes"
        ]
        assert [(r["DestinationCidrBlock"], r["Type"]) for r in routes] == [
            ("10.2.0.0/16", "propagated"),
            ("10.3.0.0/16", "propagated"),
        ]
        with pytest.raises(ClientError) as exc:
            ec2.enable_transit_gateway_route_table_propagation(
                TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=att
            )
        assert error_code(exc) == "TransitGatewayRouteTablePropagation.Duplicate"
        ec2.disable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=table, TransitGatewayAttachmentId=att
        )
        assert (
            ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=table, Filters=ALL_ROUTES)["Routes"]
            == []
        )
        assert (
            ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table)[
                "TransitGatewayRouteTablePropagations"
            ]
            == []
        )


def test_static_routes_keep_their_attachment_and_can_be_replaced():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2, DefaultRouteTablePropagation="disable")
        table = tgw["Options"]["AssociationDefaultRouteTableId"]
        att1, vpc1 = _attach(ec2, tgw["TransitGatewayId"], "10.1.0.0/16")
        att2, _vpc2 = _attach(ec2, tgw["TransitGatewayId"], "10.2.0.0/16")
        route = ec2.create_transit_gateway_route(
            TransitGatewayRouteTableId=table,
            DestinationCidrBlock="0.0.0.0/0",
            TransitGatewayAttachmentId=att1,
        )["Route"]
        assert route["TransitGatewayAttachments"] == [
            {"ResourceId": vpc1, "TransitGatewayAttachmentId": att1, "ResourceType": "vpc"}
        ]
        replaced = ec2.replace_transit_gateway_route(
            TransitGatewayRouteTableId=table,
            DestinationCidrBlock="0.0.0.0/0",
            TransitGatewayAttachmentId=att2,
        )["Route"]
        assert replaced["TransitGatewayAttachments"][0]["TransitGatewayAttachmentId"] == att2
        found = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table,
            Filters=[{"Name": "attachment.transit-gateway-attachment-id", "Values": [att2]}],
        )["Routes"]
        assert [r["DestinationCidrBlock"] for r in found] == ["0.0.0.0/0"]
        blackhole = ec2.replace_transit_gateway_route(
            TransitGatewayRouteTableId=table, DestinationCidrBlock="0.0.0.0/0", Blackhole=True
        )["Route"]
        assert blackhole["State"] == "blackhole" and "TransitGatewayAttachments" not in blackhole
        with pytest.raises(ClientError) as exc:
            ec2.replace_transit_gateway_route(
                TransitGatewayRouteTableId=table,
                DestinationCidrBlock="10.9.0.0/16",
                TransitGatewayAttachmentId=att2,
            )
        assert error_code(exc) == "InvalidRoute.NotFound"


def test_search_routes_max_results_reports_more():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2)
        table = tgw["Options"]["AssociationDefaultRouteTableId"]
        att, _ = _attach(ec2, tgw["TransitGatewayId"], "10.1.0.0/16")
        for i in range(7):
            ec2.create_transit_gateway_route(
                TransitGatewayRouteTableId=table,
                DestinationCidrBlock=f"172.16.{i}.0/24",
                TransitGatewayAttachmentId=att,
            )
        page = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table, Filters=ALL_ROUTES, MaxResults=5
        )
        assert len(page["Routes"]) == 5 and page["AdditionalRoutesAvailable"] is True
        rest = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table, Filters=ALL_ROUTES, MaxResults=5, NextToken=page["NextToken"]
        )
        assert len(rest["Routes"]) == 3 and rest["AdditionalRoutesAvailable"] is False
        longest = ec2.search_transit_gateway_routes(
            TransitGatewayRouteTableId=table,
            Filters=[{"Name": "route-search.longest-prefix-match", "Values": ["10.1.2.3/32"]}],
        )["Routes"]
        assert [r["DestinationCidrBlock"] for r in longest] == ["10.1.0.0/16"]


def test_associating_an_associated_attachment_fails():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2)
        default = tgw["Options"]["AssociationDefaultRouteTableId"]
        other = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw["TransitGatewayId"])[
            "TransitGatewayRouteTable"
        ]["TransitGatewayRouteTableId"]
        att, _ = _attach(ec2, tgw["TransitGatewayId"], "10.1.0.0/16")
        with pytest.raises(ClientError) as exc:
            ec2.associate_transit_gateway_route_table(
                TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att
            )
        assert error_code(exc) == "Resource.AlreadyAssociated"
        ec2.disassociate_transit_gateway_route_table(
            TransitGatewayRouteTableId=default, TransitGatewayAttachmentId=att
        )
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=other, TransitGatewayAttachmentId=att
        )
        assoc = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=other)[
            "Associations"
        ]
        assert [a["TransitGatewayAttachmentId"] for a in assoc] == [att]
        assert (
            ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=default)[
                "Associations"
            ]
            == []
        )


def test_delete_guards_for_gateway_and_route_table():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2)
        tgw_id = tgw["TransitGatewayId"]
        table = tgw["Options"]["AssociationDefaultRouteTableId"]
        att, _ = _attach(ec2, tgw_id, "10.1.0.0/16")
        with pytest.raises(ClientError) as exc:
            ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
        assert error_code(exc) == "IncorrectState"
        assert att in exc.value.response["Error"]["Message"]
        with pytest.raises(ClientError) as exc:
            ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=table)
        assert error_code(exc) == "IncorrectState"
        ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att)
        ec2.delete_transit_gateway_route_table(TransitGatewayRouteTableId=table)
        assert ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]["State"] in (
            "deleting",
            "deleted",
        )


def test_cross_account_attachment_waits_for_acceptance():
    with patched_aws():
        hub = client("ec2")
        tgw = _tgw(hub)
        table = tgw["Options"]["AssociationDefaultRouteTableId"]
        spoke = assumed_client("ec2", "111111111111")
        vpc_id, subnets = vpc_with_subnets(spoke, "10.5.0.0/16")
        att = spoke.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id, SubnetIds=subnets
        )["TransitGatewayVpcAttachment"]
        assert att["State"] == "pendingAcceptance"
        att_id = att["TransitGatewayAttachmentId"]
        assert (
            hub.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)["Associations"]
            == []
        )
        with pytest.raises(ClientError) as exc:
            spoke.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)
        assert error_code(exc) == "InvalidParameterValue"
        accepted = hub.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)
        assert accepted["TransitGatewayVpcAttachment"]["State"] == "available"
        assoc = hub.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table)[
            "Associations"
        ]
        assert [a["TransitGatewayAttachmentId"] for a in assoc] == [att_id]
        seen = spoke.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])[
            "TransitGatewayAttachments"
        ][0]
        assert seen["TransitGatewayOwnerId"] == "123456789012" and seen["ResourceOwnerId"] == "111111111111"
        with pytest.raises(ClientError) as exc:
            hub.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)
        assert error_code(exc) == "IncorrectState"


def test_attachment_tag_specifications_are_applied():
    with patched_aws():
        ec2 = client("ec2")
        tgw = _tgw(ec2)
        vpc_id, subnets = vpc_with_subnets(ec2, "10.9.0.0/16")
        tags = [{"Key": "Name", "Value": "spoke-a"}, {"Key": "cloudnet:topology", "Value": "t1"}]
        att = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw["TransitGatewayId"], VpcId=vpc_id, SubnetIds=subnets,
            TagSpecifications=[{"ResourceType": "transit-gateway-attachment", "Tags": tags}],
        )["TransitGatewayVpcAttachment"]
        assert sorted(att["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
        vpc_att = ec2.describe_transit_gateway_vpc_attachments(
            TransitGatewayAttachmentIds=[att["TransitGatewayAttachmentId"]])["TransitGatewayVpcAttachments"][0]
        assert sorted(vpc_att["Tags"], key=lambda t: t["Key"]) == sorted(tags, key=lambda t: t["Key"])
        generic = ec2.describe_transit_gateway_attachments(
            Filters=[{"Name": "tag:Name", "Values": ["spoke-a"]}])["TransitGatewayAttachments"]
        assert [a["TransitGatewayAttachmentId"] for a in generic] == [att["TransitGatewayAttachmentId"]]
