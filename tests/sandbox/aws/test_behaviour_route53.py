"""Route 53 private zone behaviour restored on top of moto."""

from __future__ import annotations

import pytest
from behaviour_conftest import REGION, assumed_client, client, error_code, patched_aws, vpc_with_subnets
from botocore.exceptions import ClientError

SPOKE = "222222222222"


def _zone(r53, vpc_id, name="ssm.us-east-1.amazonaws.com", ref="ref"):
    return r53.create_hosted_zone(
        Name=name,
        CallerReference=ref,
        VPC={"VPCRegion": REGION, "VPCId": vpc_id},
        HostedZoneConfig={"PrivateZone": True},
    )["HostedZone"]["Id"].split("/")[-1]


def test_zone_created_with_a_vpc_is_private():
    with patched_aws():
        vpc_id, _ = vpc_with_subnets(client("ec2"))
        r53 = client("route53")
        created = r53.create_hosted_zone(
            Name="svc.internal", CallerReference="r1", VPC={"VPCRegion": REGION, "VPCId": vpc_id}
        )
        assert created["HostedZone"]["Config"]["PrivateZone"] is True
        got = r53.get_hosted_zone(Id=created["HostedZone"]["Id"])
        assert got["VPCs"] == [{"VPCRegion": REGION, "VPCId": vpc_id}]


def test_cross_account_association_needs_an_authorization():
    with patched_aws():
        hub_vpc, _ = vpc_with_subnets(client("ec2"))
        hub = client("route53")
        zone_id = _zone(hub, hub_vpc)
        spoke_ec2 = assumed_client("ec2", SPOKE)
        spoke_vpc, _ = vpc_with_subnets(spoke_ec2, "10.7.0.0/16")
        spoke = assumed_client("route53", SPOKE)
        vpc = {"VPCRegion": REGION, "VPCId": spoke_vpc}
        with pytest.raises(ClientError) as exc:
            spoke.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC=vpc)
        assert error_code(exc) == "NotAuthorizedException"
        assert exc.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401

        assert hub.create_vpc_association_authorization(HostedZoneId=zone_id, VPC=vpc)["VPC"] == vpc
        listed = hub.list_vpc_association_authorizations(HostedZoneId=zone_id)
        assert listed["HostedZoneId"] == zone_id and listed["VPCs"] == [vpc]
        info = spoke.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC=vpc)["ChangeInfo"]
        assert info["Status"] == "INSYNC"
        with pytest.raises(ClientError) as exc:
            spoke.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC=vpc)
        assert error_code(exc) == "ConflictingDomainExists"
        hub.delete_vpc_association_authorization(HostedZoneId=zone_id, VPC=vpc)
        assert hub.list_vpc_association_authorizations(HostedZoneId=zone_id)["VPCs"] == []
        with pytest.raises(ClientError) as exc:
            hub.delete_vpc_association_authorization(HostedZoneId=zone_id, VPC=vpc)
        assert error_code(exc) == "VPCAssociationAuthorizationNotFound"

        assert {"VPCRegion": REGION, "VPCId": spoke_vpc} in hub.get_hosted_zone(Id=zone_id)["VPCs"]
        by_vpc = spoke.list_hosted_zones_by_vpc(VPCId=spoke_vpc, VPCRegion=REGION)["HostedZoneSummaries"]
        assert [(z["HostedZoneId"], z["Owner"]["OwningAccount"]) for z in by_vpc] == [
            (zone_id, "123456789012")
        ]
        spoke.disassociate_vpc_from_hosted_zone(HostedZoneId=zone_id, VPC=vpc)
        assert hub.get_hosted_zone(Id=zone_id)["VPCs"] == [{"VPCRegion": REGION, "VPCId": hub_vpc}]
        with pytest.raises(ClientError) as exc:
            spoke.disassociate_vpc_from_hosted_zone(HostedZoneId=zone_id, VPC=vpc)
        assert error_code(exc) == "VPCAssociationNotFound"


def test_association_with_unknown_vpc_fails():
    with patched_aws():
        vpc_id, _ = vpc_with_subnets(client("ec2"))
        r53 = client("route53")
        zone_id = _zone(r53, vpc_id)
        with pytest.raises(ClientError) as exc:
            r53.associate_vpc_with_hosted_zone(
                HostedZoneId=zone_id, VPC={"VPCRegion": REGION, "VPCId": "vpc-0123456789abcdef0"}
            )
        assert error_code(exc) == "InvalidVPCId"


def test_endpoint_private_dns_conflicts_with_a_zone_of_the_same_name():
    with patched_aws():
        ec2 = client("ec2")
        central_vpc, _ = vpc_with_subnets(ec2)
        app_vpc, subnets = vpc_with_subnets(ec2, "10.8.0.0/16")
        ec2.modify_vpc_attribute(VpcId=app_vpc, EnableDnsHostnames={"Value": True})
        ep = ec2.create_vpc_endpoint(
            VpcId=app_vpc,
            ServiceName="com.amazonaws.us-east-1.ssm",
            VpcEndpointType="Interface",
            SubnetIds=subnets,
            PrivateDnsEnabled=True,
        )["VpcEndpoint"]["VpcEndpointId"]
        r53 = client("route53")
        zone_id = _zone(r53, central_vpc)
        vpc = {"VPCRegion": REGION, "VPCId": app_vpc}
        with pytest.raises(ClientError) as exc:
            r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC=vpc)
        assert error_code(exc) == "ConflictingDomainExists"
        ec2.modify_vpc_endpoint(VpcEndpointId=ep, PrivateDnsEnabled=False)
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone_id, VPC=vpc)


def test_association_changes_stay_pending_for_pending_reads():
    with patched_aws(pending_reads=2):
        ec2 = client("ec2")
        vpc1, _ = vpc_with_subnets(ec2)
        vpc2, _ = vpc_with_subnets(ec2, "10.9.0.0/16")
        r53 = client("route53")
        zone_id = _zone(r53, vpc1)
        info = r53.associate_vpc_with_hosted_zone(
            HostedZoneId=zone_id, VPC={"VPCRegion": REGION, "VPCId": vpc2}
        )["ChangeInfo"]
        assert info["Status"] == "PENDING"
        statuses = [r53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] for _ in range(3)]
        assert statuses == ["PENDING", "PENDING", "INSYNC"]
        info = r53.disassociate_vpc_from_hosted_zone(
            HostedZoneId=zone_id, VPC={"VPCRegion": REGION, "VPCId": vpc2}
        )["ChangeInfo"]
        assert info["Status"] == "PENDING"
        r53.get_waiter("resource_record_sets_changed").wait(Id=info["Id"], WaiterConfig={"Delay": 0})
        assert r53.get_change(Id=info["Id"])["ChangeInfo"]["Status"] == "INSYNC"
        with pytest.raises(ClientError) as exc:
            r53.get_change(Id="C0123456789ABCDEFGHIJ")
        assert error_code(exc) == "NoSuchChange"
