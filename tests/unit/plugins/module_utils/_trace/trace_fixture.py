"""A working hub-and-spoke topology in AWS API shapes, and a reader that serves it like AwsTraceState.

The baseline is what site.yml builds: spoke app-orders (10.2.0.0/16) routes the endpoint prefix list to the
transit gateway; its attachment is associated with the spokes table (a route to the services VPC); the services
VPC routes the spoke back to the transit, its attachment's table routes the spoke to the spoke attachment; the
central SSM endpoint's security group admits the spoke on 443; the central zone aliases the endpoint.
Tests break one thing at a time and assert which hop names it.
"""

from __future__ import annotations

import copy

REGION = "us-east-1"
TGW = "tgw-0aaaaaaaaaaaaaaaa"
SPOKE_VPC, SERVICES_VPC, INSPECTION_VPC = "vpc-0spoke00000000000", "vpc-0services0000000", "vpc-0inspect00000000"
SPOKE_SUBNET_A, SPOKE_SUBNET_B = "subnet-0spokea000000000", "subnet-0spokeb000000000"
EP_SUBNET_A, EP_SUBNET_B = "subnet-0epa0000000000000", "subnet-0epb0000000000000"
SPOKE_RT, SERVICES_RT = "rtb-0spoke00000000000", "rtb-0services0000000"
SPOKE_ATT, SERVICES_ATT, OTHER_ATT = (
    "tgw-attach-0spoke000000000",
    "tgw-attach-0services00000",
    "tgw-attach-0other0000000",
)
INSPECTION_ATT = "tgw-attach-0inspect000000"
SPOKES_TABLE, SERVICES_TABLE, INSPECTION_TABLE = (
    "tgw-rtb-0spokes00000000",
    "tgw-rtb-0services000000",
    "tgw-rtb-0inspect0000000",
)
PL = "pl-0endpoints000000000"
SSM_EP, SG = "vpce-0ssm000000000000", "sg-0endpoints00000000"
ZONE = "Z0SSM0000000000000000"
SSM_DNS = "vpce-0ssm000000000000-abcd1234.ssm.us-east-1.vpce.amazonaws.com"
FQDN = "ssm.us-east-1.amazonaws.com"


def _tags(name):
    return [{"Key": "Name", "Value": name}]


def _att(att_id, resource_type, resource_id, table):
    return {
        "TransitGatewayAttachmentId": att_id,
        "TransitGatewayId": TGW,
        "ResourceType": resource_type,
        "ResourceId": resource_id,
        "State": "available",
        "Association": {"TransitGatewayRouteTableId": table, "State": "associated"} if table else None,
    }


def _tgw_route(cidr, att_id, resource_id, kind="propagated", state="active"):
    return {
        "DestinationCidrBlock": cidr,
        "Type": kind,
        "State": state,
        "TransitGatewayAttachments": [
            {"TransitGatewayAttachmentId": att_id, "ResourceId": resource_id, "ResourceType": "vpc"}
        ]
        if att_id
        else [],
    }


def _default_acl(vpc_id, acl_id, subnets):
    return {
        "NetworkAclId": acl_id,
        "VpcId": vpc_id,
        "IsDefault": True,
        "Associations": [{"SubnetId": s} for s in subnets],
        "Entries": [
            {"RuleNumber": 100, "Protocol": "-1", "RuleAction": "allow", "Egress": e, "CidrBlock": "0.0.0.0/0"}
            for e in (False, True)
        ]
        + [
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": e, "CidrBlock": "0.0.0.0/0"}
            for e in (False, True)
        ],
    }


def baseline() -> dict:
    return {
        "vpcs": [
            {"VpcId": SPOKE_VPC, "CidrBlock": "10.2.0.0/16", "Tags": _tags("app-orders"), "OwnerId": "111111111111"},
            {"VpcId": SERVICES_VPC, "CidrBlock": "10.100.0.0/20", "Tags": _tags("corp-services-us-east-1")},
            {"VpcId": INSPECTION_VPC, "CidrBlock": "10.101.0.0/20", "Tags": _tags("corp-inspection-us-east-1")},
        ],
        "subnets": {
            SPOKE_VPC: [
                {
                    "SubnetId": SPOKE_SUBNET_A,
                    "CidrBlock": "10.2.0.0/24",
                    "AvailabilityZone": "us-east-1a",
                    "AvailabilityZoneId": "use1-az1",
                    "Tags": _tags("app-a"),
                },
                {
                    "SubnetId": SPOKE_SUBNET_B,
                    "CidrBlock": "10.2.1.0/24",
                    "AvailabilityZone": "us-east-1b",
                    "AvailabilityZoneId": "use1-az2",
                    "Tags": _tags("app-b"),
                },
            ],
            SERVICES_VPC: [
                {
                    "SubnetId": EP_SUBNET_A,
                    "CidrBlock": "10.100.0.0/24",
                    "AvailabilityZone": "us-east-1a",
                    "AvailabilityZoneId": "use1-az1",
                },
                {
                    "SubnetId": EP_SUBNET_B,
                    "CidrBlock": "10.100.1.0/24",
                    "AvailabilityZone": "us-east-1b",
                    "AvailabilityZoneId": "use1-az2",
                },
            ],
            INSPECTION_VPC: [
                {"SubnetId": "subnet-0attach000000000", "CidrBlock": "10.101.0.0/28", "AvailabilityZone": "us-east-1a"},
                {"SubnetId": "subnet-0firewall0000000", "CidrBlock": "10.101.1.0/28", "AvailabilityZone": "us-east-1a"},
            ],
        },
        "route_tables": {
            SPOKE_VPC: [
                {
                    "RouteTableId": SPOKE_RT,
                    "Associations": [{"Main": True}],
                    "Routes": [
                        {"DestinationCidrBlock": "10.2.0.0/16", "GatewayId": "local", "State": "active"},
                        {"DestinationCidrBlock": "0.0.0.0/0", "GatewayId": "igw-0aaaaaaaaaaaaaaaa", "State": "active"},
                        {"DestinationPrefixListId": PL, "TransitGatewayId": TGW, "State": "active"},
                    ],
                }
            ],
            SERVICES_VPC: [
                {
                    "RouteTableId": SERVICES_RT,
                    "Associations": [{"Main": True}],
                    "Routes": [
                        {"DestinationCidrBlock": "10.100.0.0/20", "GatewayId": "local", "State": "active"},
                        {"DestinationCidrBlock": "10.2.0.0/16", "TransitGatewayId": TGW, "State": "active"},
                    ],
                }
            ],
            INSPECTION_VPC: [
                {
                    "RouteTableId": "rtb-0attach00000000000",
                    "Associations": [{"SubnetId": "subnet-0attach000000000"}],
                    "Routes": [
                        {
                            "DestinationCidrBlock": "0.0.0.0/0",
                            "VpcEndpointId": "vpce-0firewall000000000",
                            "State": "active",
                        }
                    ],
                },
                {
                    "RouteTableId": "rtb-0firewall0000000",
                    "Associations": [{"SubnetId": "subnet-0firewall0000000"}],
                    "Routes": [{"DestinationCidrBlock": "0.0.0.0/0", "TransitGatewayId": TGW, "State": "active"}],
                },
            ],
        },
        "network_acls": {
            SPOKE_VPC: [_default_acl(SPOKE_VPC, "acl-0spoke00000000000", [SPOKE_SUBNET_A, SPOKE_SUBNET_B])],
            SERVICES_VPC: [_default_acl(SERVICES_VPC, "acl-0services0000000", [EP_SUBNET_A, EP_SUBNET_B])],
        },
        "prefix_lists": {PL: ["10.100.0.0/24", "10.100.1.0/24"]},
        "endpoints": [
            {
                "VpcEndpointId": SSM_EP,
                "VpcId": SERVICES_VPC,
                "ServiceName": "com.amazonaws.us-east-1.ssm",
                "VpcEndpointType": "Interface",
                "State": "available",
                "PrivateDnsEnabled": False,
                "SubnetIds": [EP_SUBNET_A, EP_SUBNET_B],
                "NetworkInterfaceIds": ["eni-0ssma", "eni-0ssmb"],
                "DnsEntries": [{"DnsName": SSM_DNS}],
                "Groups": [{"GroupId": SG}],
            },
            {
                "VpcEndpointId": "vpce-0firewall000000000",
                "VpcId": INSPECTION_VPC,
                "VpcEndpointType": "GatewayLoadBalancer",
                "ServiceName": "com.amazonaws.vpce.us-east-1.vpce-svc-0firewall",
                "State": "available",
                "SubnetIds": ["subnet-0firewall0000000"],
            },
        ],
        "enis": [
            {
                "NetworkInterfaceId": "eni-0ssma",
                "PrivateIpAddress": "10.100.0.10",
                "SubnetId": EP_SUBNET_A,
                "AvailabilityZone": "us-east-1a",
                "Groups": [{"GroupId": SG}],
                "InterfaceType": "vpc_endpoint",
            },
            {
                "NetworkInterfaceId": "eni-0ssmb",
                "PrivateIpAddress": "10.100.1.10",
                "SubnetId": EP_SUBNET_B,
                "AvailabilityZone": "us-east-1b",
                "Groups": [{"GroupId": SG}],
                "InterfaceType": "vpc_endpoint",
            },
        ],
        "security_groups": [
            {
                "GroupId": SG,
                "IpPermissions": [
                    {
                        "IpProtocol": "tcp",
                        "FromPort": 443,
                        "ToPort": 443,
                        "IpRanges": [{"CidrIp": "10.2.0.0/16"}, {"CidrIp": "10.1.0.0/16"}],
                    }
                ],
            },
        ],
        "service_dns": {
            "com.amazonaws.us-east-1.ssm": [FQDN],
            "com.amazonaws.us-east-1.s3": ["s3.us-east-1.amazonaws.com", "*.s3.us-east-1.amazonaws.com"],
        },
        "zones_by_vpc": {
            SPOKE_VPC: [{"HostedZoneId": ZONE, "Name": FQDN + ".", "Owner": {"OwningAccount": "111111111111"}}],
            SERVICES_VPC: [{"HostedZoneId": ZONE, "Name": FQDN + "."}],
        },
        "records": {
            ZONE: [
                {"Name": FQDN + ".", "Type": "A", "AliasTarget": {"DNSName": SSM_DNS + ".", "HostedZoneId": "Z7HUB"}},
            ]
        },
        "resolver_rules": {SPOKE_VPC: []},
        "transit_gateways": [{"TransitGatewayId": TGW, "Tags": _tags("corp-us-east-1"), "State": "available"}],
        "tgw_attachments": {
            SPOKE_ATT: _att(SPOKE_ATT, "vpc", SPOKE_VPC, SPOKES_TABLE),
            SERVICES_ATT: _att(SERVICES_ATT, "vpc", SERVICES_VPC, SERVICES_TABLE),
            OTHER_ATT: _att(OTHER_ATT, "vpc", "vpc-0other0000000000", SPOKES_TABLE),
            INSPECTION_ATT: _att(INSPECTION_ATT, "vpc", INSPECTION_VPC, INSPECTION_TABLE),
        },
        "tgw_vpc_attachments": {
            SPOKE_VPC: [
                {
                    "TransitGatewayAttachmentId": SPOKE_ATT,
                    "TransitGatewayId": TGW,
                    "VpcId": SPOKE_VPC,
                    "State": "available",
                    "SubnetIds": [SPOKE_SUBNET_A, SPOKE_SUBNET_B],
                }
            ],
            SERVICES_VPC: [
                {
                    "TransitGatewayAttachmentId": SERVICES_ATT,
                    "TransitGatewayId": TGW,
                    "VpcId": SERVICES_VPC,
                    "State": "available",
                    "SubnetIds": [EP_SUBNET_A],
                }
            ],
            INSPECTION_VPC: [
                {
                    "TransitGatewayAttachmentId": INSPECTION_ATT,
                    "TransitGatewayId": TGW,
                    "VpcId": INSPECTION_VPC,
                    "State": "available",
                    "SubnetIds": ["subnet-0attach000000000"],
                }
            ],
        },
        "tgw_tables": {
            SPOKES_TABLE: {"name": "corp-us-east-1-spokes"},
            SERVICES_TABLE: {"name": "corp-us-east-1-services"},
            INSPECTION_TABLE: {"name": "corp-us-east-1-inspection"},
        },
        "tgw_routes": {
            SPOKES_TABLE: [_tgw_route("10.100.0.0/20", SERVICES_ATT, SERVICES_VPC)],
            SERVICES_TABLE: [_tgw_route("10.2.0.0/16", SPOKE_ATT, SPOKE_VPC)],
            INSPECTION_TABLE: [
                _tgw_route("10.100.0.0/20", SERVICES_ATT, SERVICES_VPC),
                _tgw_route("10.2.0.0/16", SPOKE_ATT, SPOKE_VPC),
            ],
        },
    }


class FakeReader:
    """The AwsTraceState interface over a snapshot dict."""

    def __init__(self, state: dict):
        self.s = state
        self.region = REGION

    def vpcs(self, vpc_ids=None, names=None):
        out = self.s["vpcs"]
        if vpc_ids:
            out = [v for v in out if v["VpcId"] in vpc_ids]
        if names:
            out = [v for v in out if any(t["Value"] in names for t in v.get("Tags", []) if t["Key"] == "Name")]
        return out

    def vpc_containing(self, address):
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import contains

        return next((v for v in self.s["vpcs"] if contains(v["CidrBlock"], address)), None)

    def subnets(self, vpc_id):
        return self.s["subnets"].get(vpc_id, [])

    def route_tables(self, vpc_id):
        return self.s["route_tables"].get(vpc_id, [])

    def network_acls(self, vpc_id):
        return self.s["network_acls"].get(vpc_id, [])

    def prefix_list_map(self, table):
        return {
            r["DestinationPrefixListId"]: self.s["prefix_lists"].get(r["DestinationPrefixListId"], [])
            for r in (table or {}).get("Routes", [])
            if r.get("DestinationPrefixListId")
        }

    def prefix_lists_of_groups(self, groups):
        return dict(self.s["prefix_lists"])

    def prefix_lists_of_tgw_routes(self, table_id):
        return dict(self.s["prefix_lists"])

    def security_groups(self, ids):
        return [g for g in self.s["security_groups"] if g["GroupId"] in (ids or [])]

    def network_interfaces(self, ids):
        return [e for e in self.s["enis"] if e["NetworkInterfaceId"] in (ids or [])]

    def eni_by_ip(self, address):
        return next((e for e in self.s["enis"] if e["PrivateIpAddress"] == address), None)

    def interface_endpoints(self, vpc_id):
        return [e for e in self.s["endpoints"] if e["VpcId"] == vpc_id and e["VpcEndpointType"] == "Interface"]

    def gateway_endpoints(self, vpc_id):
        return [e for e in self.s["endpoints"] if e["VpcId"] == vpc_id and e["VpcEndpointType"] == "Gateway"]

    def endpoint(self, endpoint_id):
        return next((e for e in self.s["endpoints"] if e["VpcEndpointId"] == endpoint_id), None)

    def endpoint_by_dns_name(self, name):
        for ep in self.s["endpoints"]:
            if any(d["DnsName"].rstrip(".") == name.rstrip(".") for d in ep.get("DnsEntries", [])):
                return ep, None
        return None, None

    def endpoint_of_eni(self, eni):
        return next(
            (e for e in self.s["endpoints"] if eni["NetworkInterfaceId"] in e.get("NetworkInterfaceIds", [])), None
        )

    def endpoint_private_dns_names(self, service_name):
        return self.s["service_dns"].get(service_name, [])

    def hosted_zones_for_vpc(self, vpc_id, region):
        return self.s["zones_by_vpc"].get(vpc_id, [])

    def records(self, zone_id):
        return self.s["records"].get(zone_id)

    def resolver_rules_for_vpc(self, vpc_id):
        return self.s["resolver_rules"].get(vpc_id, [])

    def inbound_resolver_endpoints(self):
        return self.s.get("resolver_endpoints", [])

    def transit_gateways(self, names=None):
        return self.s["transit_gateways"]

    def tgw_attachment(self, att_id):
        return self.s["tgw_attachments"].get(att_id)

    def tgw_attachments_of(self, resource_type):
        return [a for a in self.s["tgw_attachments"].values() if a["ResourceType"] == resource_type]

    def tgw_vpc_attachments(self, vpc_id):
        return self.s["tgw_vpc_attachments"].get(vpc_id, [])

    def tgw_vpc_attachment(self, att_id):
        att = self.tgw_attachment(att_id)
        return (
            next(
                (a for a in self.tgw_vpc_attachments(att["ResourceId"]) if a["TransitGatewayAttachmentId"] == att_id),
                None,
            )
            if att
            else None
        )

    def tgw_route_table(self, table_id):
        return self.s["tgw_tables"].get(table_id)

    def tgw_propagations(self, table_id):
        return self.s.get("tgw_propagations", {}).get(table_id, [])

    def tgw_routes(self, table_id):
        return self.s["tgw_routes"].get(table_id, [])

    def vpn_connections(self):
        return self.s.get("vpn_connections", [])

    def customer_gateways(self):
        return self.s.get("customer_gateways", {})


def state(**changes):
    s = copy.deepcopy(baseline())
    for fn in changes.values():
        fn(s)
    return s
