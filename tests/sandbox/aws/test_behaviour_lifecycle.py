"""Pending/deleting states of asynchronous resources, driven by settings["pending_reads"]."""

from __future__ import annotations

import pytest
from behaviour_conftest import assumed_client, client, error_code, patched_aws, vpc_with_subnets
from botocore.exceptions import ClientError


def _tgw_state(ec2, tgw_id):
    return ec2.describe_transit_gateways(TransitGatewayIds=[tgw_id])["TransitGateways"][0]["State"]


def test_transit_gateway_is_pending_for_pending_reads_then_available():
    with patched_aws(pending_reads=2):
        ec2 = client("ec2")
        tgw = ec2.create_transit_gateway()["TransitGateway"]
        assert tgw["State"] == "pending"
        tgw_id = tgw["TransitGatewayId"]
        vpc_id, subnets = vpc_with_subnets(ec2)
        with pytest.raises(ClientError) as exc:
            ec2.create_transit_gateway_vpc_attachment(
                TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=subnets
            )
        assert error_code(exc) == "IncorrectState"
        assert [_tgw_state(ec2, tgw_id) for _ in range(3)] == ["pending", "pending", "available"]


def test_attachment_pending_then_available_and_deleting_then_gone():
    with patched_aws(pending_reads=1):
        ec2 = client("ec2")
        tgw_id = ec2.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        _tgw_state(ec2, tgw_id)
        assert _tgw_state(ec2, tgw_id) == "available"
        vpc_id, subnets = vpc_with_subnets(ec2)
        att = ec2.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=subnets
        )["TransitGatewayVpcAttachment"]
        att_id = att["TransitGatewayAttachmentId"]
        assert att["State"] == "pending"
        states = [
            ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])[
                "TransitGatewayVpcAttachments"
            ][0]["State"]
            for _ in range(2)
        ]
        assert states == ["pending", "available"]
        deleted = ec2.delete_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)
        assert deleted["TransitGatewayVpcAttachment"]["State"] == "deleting"
        with pytest.raises(ClientError) as exc:
            ec2.delete_transit_gateway(TransitGatewayId=tgw_id)
        assert error_code(exc) == "IncorrectState"
        seen = ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])[
            "TransitGatewayAttachments"
        ]
        assert [a["State"] for a in seen] == ["deleting"]
        assert (
            ec2.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])[
                "TransitGatewayAttachments"
            ]
            == []
        )
        assert ec2.delete_transit_gateway(TransitGatewayId=tgw_id)["TransitGateway"]["State"] == "deleting"


def test_vpc_endpoint_and_vpn_use_ec2_waiters():
    with patched_aws(pending_reads=2):
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2)
        ep = ec2.create_vpc_endpoint(
            VpcId=vpc_id,
            ServiceName="com.amazonaws.us-east-1.sts",
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            PrivateDnsEnabled=False,
        )["VpcEndpoint"]
        assert ep["State"] == "pending"
        ep_id = ep["VpcEndpointId"]
        assert ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]["State"] == "pending"
        cgw = ec2.create_customer_gateway(Type="ipsec.1", PublicIp="203.0.113.10", BgpAsn=65010)
        vpn = ec2.create_vpn_connection(
            Type="ipsec.1",
            CustomerGatewayId=cgw["CustomerGateway"]["CustomerGatewayId"],
            VpnGatewayId=ec2.create_vpn_gateway(Type="ipsec.1")["VpnGateway"]["VpnGatewayId"],
        )
        vpn_id = vpn["VpnConnection"]["VpnConnectionId"]
        assert vpn["VpnConnection"]["State"] == "pending"
        ec2.get_waiter("vpn_connection_available").wait(VpnConnectionIds=[vpn_id], WaiterConfig={"Delay": 0})
        ec2.delete_vpn_connection(VpnConnectionId=vpn_id)
        assert (
            ec2.describe_vpn_connections(VpnConnectionIds=[vpn_id])["VpnConnections"][0]["State"]
            == "deleting"
        )
        ec2.get_waiter("vpn_connection_deleted").wait(VpnConnectionIds=[vpn_id], WaiterConfig={"Delay": 0})
        states = [
            ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]["State"] for _ in range(2)
        ]
        assert states == ["pending", "available"]
        ec2.delete_vpc_endpoints(VpcEndpointIds=[ep_id])
        states = [
            ec2.describe_vpc_endpoints(VpcEndpointIds=[ep_id])["VpcEndpoints"][0]["State"] for _ in range(3)
        ]
        assert states == ["deleting", "deleting", "deleted"]


def test_cross_account_attachment_goes_pending_after_acceptance():
    with patched_aws(pending_reads=1):
        hub = client("ec2")
        tgw_id = hub.create_transit_gateway()["TransitGateway"]["TransitGatewayId"]
        _tgw_state(hub, tgw_id)
        spoke = assumed_client("ec2", "333333333333")
        vpc_id, subnets = vpc_with_subnets(spoke, "10.6.0.0/16")
        att_id = spoke.create_transit_gateway_vpc_attachment(
            TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=subnets
        )["TransitGatewayVpcAttachment"]["TransitGatewayAttachmentId"]
        assert (
            hub.accept_transit_gateway_vpc_attachment(TransitGatewayAttachmentId=att_id)[
                "TransitGatewayVpcAttachment"
            ]["State"]
            == "pending"
        )
        states = [
            spoke.describe_transit_gateway_attachments(TransitGatewayAttachmentIds=[att_id])[
                "TransitGatewayAttachments"
            ][0]["State"]
            for _ in range(2)
        ]
        assert states == ["pending", "available"]


def test_resolver_endpoint_creating_then_operational_then_deleting():
    with patched_aws(pending_reads=1):
        ec2 = client("ec2")
        vpc_id, subnets = vpc_with_subnets(ec2, azs=("us-east-1a", "us-east-1b"))
        sg = ec2.create_security_group(GroupName="dns", Description="dns", VpcId=vpc_id)["GroupId"]
        resolver = client("route53resolver")
        ep = resolver.create_resolver_endpoint(
            CreatorRequestId="r1",
            SecurityGroupIds=[sg],
            Direction="INBOUND",
            IpAddresses=[{"SubnetId": s} for s in subnets],
        )["ResolverEndpoint"]
        assert ep["Status"] == "CREATING"
        states = [
            resolver.get_resolver_endpoint(ResolverEndpointId=ep["Id"])["ResolverEndpoint"]["Status"]
            for _ in range(2)
        ]
        assert states == ["CREATING", "OPERATIONAL"]
        assert (
            resolver.delete_resolver_endpoint(ResolverEndpointId=ep["Id"])["ResolverEndpoint"]["Status"]
            == "DELETING"
        )
        listed = resolver.list_resolver_endpoints()["ResolverEndpoints"]
        assert [e["Status"] for e in listed] == ["DELETING"]
        assert resolver.list_resolver_endpoints()["ResolverEndpoints"] == []


def test_zero_pending_reads_keeps_everything_final_at_once():
    with patched_aws(pending_reads=0):
        ec2 = client("ec2")
        tgw = ec2.create_transit_gateway()["TransitGateway"]
        assert tgw["State"] == "available"
        assert (
            ec2.delete_transit_gateway(TransitGatewayId=tgw["TransitGatewayId"])["TransitGateway"]["State"]
            == "deleted"
        )


def test_pending_attachment_cannot_be_associated_or_propagated_until_available():
    with patched_aws(pending_reads=1):
        ec2 = client("ec2")
        options = {"DefaultRouteTableAssociation": "disable", "DefaultRouteTablePropagation": "disable"}
        tgw_id = ec2.create_transit_gateway(Options=options)["TransitGateway"]["TransitGatewayId"]
        _tgw_state(ec2, tgw_id)
        assert _tgw_state(ec2, tgw_id) == "available"
        table_id = ec2.create_transit_gateway_route_table(TransitGatewayId=tgw_id)["TransitGatewayRouteTable"][
            "TransitGatewayRouteTableId"
        ]
        vpc_id, subnets = vpc_with_subnets(ec2)
        att_id = ec2.create_transit_gateway_vpc_attachment(TransitGatewayId=tgw_id, VpcId=vpc_id, SubnetIds=subnets)[
            "TransitGatewayVpcAttachment"
        ]["TransitGatewayAttachmentId"]
        for call in (ec2.associate_transit_gateway_route_table, ec2.enable_transit_gateway_route_table_propagation):
            with pytest.raises(ClientError) as exc:
                call(TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=att_id)
            assert error_code(exc) == "IncorrectState"
        reads = [
            ec2.describe_transit_gateway_vpc_attachments(TransitGatewayAttachmentIds=[att_id])[
                "TransitGatewayVpcAttachments"
            ][0]["State"]
            for _ in range(2)
        ]
        assert reads == ["pending", "available"]
        ec2.associate_transit_gateway_route_table(
            TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=att_id
        )
        ec2.enable_transit_gateway_route_table_propagation(
            TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=att_id
        )
        associations = ec2.get_transit_gateway_route_table_associations(TransitGatewayRouteTableId=table_id)
        assert [a["TransitGatewayAttachmentId"] for a in associations["Associations"]] == [att_id]
        propagations = ec2.get_transit_gateway_route_table_propagations(TransitGatewayRouteTableId=table_id)
        assert [p["TransitGatewayAttachmentId"] for p in propagations["TransitGatewayRouteTablePropagations"]] == [
            att_id
        ]
