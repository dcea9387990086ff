"""Path trace from an Azure VNet and a GCP network: DNS forwarding, route to the VPN, VPN attachment, AWS side."""

from __future__ import annotations

import copy
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(__file__))

from trace_fixture import (  # noqa: E402  pylint: disable=wrong-import-position
    INSPECTION_ATT,
    INSPECTION_TABLE,
    INSPECTION_VPC,
    SERVICES_TABLE,
    SPOKES_TABLE,
    TGW,
    FakeReader,
    state,
)

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace import engine  # noqa: E402

VPN_AZ, VPN_GCP = "vpn-0azure00000000000", "vpn-0gcp0000000000000"
ATT_AZ, ATT_GCP = "tgw-attach-0vpnazure0000", "tgw-attach-0vpngcp00000"
RESOLVER_SG = "sg-0resolver0000000000"
VNET_ID = "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/virtualNetworks/azure-hub"
RT_ID = "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/routeTables/azure-hub-aws-endpoints"
PIP_ID = "/subscriptions/s/resourceGroups/rg-hub/providers/Microsoft.Network/publicIPAddresses/gw-pip1"


def with_remotes(s):
    s["resolver_endpoints"] = [
        {
            "id": "rslvr-in-0hub",
            "status": "OPERATIONAL",
            "vpc_id": "vpc-0services0000000",
            "group_ids": [RESOLVER_SG],
            "ips": [{"ip": "10.100.0.53"}, {"ip": "10.100.1.53"}],
        }
    ]
    s["security_groups"].append(
        {
            "GroupId": RESOLVER_SG,
            "IpPermissions": [
                {
                    "IpProtocol": "udp",
                    "FromPort": 53,
                    "ToPort": 53,
                    "IpRanges": [{"CidrIp": "10.200.0.0/16"}, {"CidrIp": "10.210.0.0/16"}],
                }
            ],
        }
    )
    s["security_groups"][0]["IpPermissions"][0]["IpRanges"] += [
        {"CidrIp": "10.200.0.0/16"},
        {"CidrIp": "10.210.0.0/16"},
    ]
    s["route_tables"]["vpc-0services0000000"][0]["Routes"] += [
        {"DestinationCidrBlock": "10.200.0.0/16", "TransitGatewayId": TGW, "State": "active"},
        {"DestinationCidrBlock": "10.210.0.0/16", "TransitGatewayId": TGW, "State": "active"},
    ]
    s["customer_gateways"] = {
        "cgw-0az": {"CustomerGatewayId": "cgw-0az", "IpAddress": "203.0.113.10"},
        "cgw-0gcp": {"CustomerGatewayId": "cgw-0gcp", "IpAddress": "198.51.100.20"},
    }
    s["vpn_connections"] = [
        {
            "VpnConnectionId": VPN_AZ,
            "CustomerGatewayId": "cgw-0az",
            "TransitGatewayId": TGW,
            "State": "available",
            "VgwTelemetry": [
                {"OutsideIpAddress": "52.0.0.1", "Status": "UP"},
                {"OutsideIpAddress": "52.0.0.2", "Status": "DOWN"},
            ],
        },
        {
            "VpnConnectionId": VPN_GCP,
            "CustomerGatewayId": "cgw-0gcp",
            "TransitGatewayId": TGW,
            "State": "available",
            "VgwTelemetry": [{"OutsideIpAddress": "52.0.1.1", "Status": "UP"}],
        },
    ]
    for att_id, vpn in ((ATT_AZ, VPN_AZ), (ATT_GCP, VPN_GCP)):
        s["tgw_attachments"][att_id] = {
            "TransitGatewayAttachmentId": att_id,
            "TransitGatewayId": TGW,
            "ResourceType": "vpn",
            "ResourceId": vpn,
            "State": "available",
            "Association": {"TransitGatewayRouteTableId": SPOKES_TABLE, "State": "associated"},
        }
    for cidr, att_id, vpn in (("10.200.0.0/16", ATT_AZ, VPN_AZ), ("10.210.0.0/16", ATT_GCP, VPN_GCP)):
        s["tgw_routes"][SERVICES_TABLE].append(
            {
                "DestinationCidrBlock": cidr,
                "Type": "propagated",
                "State": "active",
                "TransitGatewayAttachments": [
                    {"TransitGatewayAttachmentId": att_id, "ResourceId": vpn, "ResourceType": "vpn"}
                ],
            }
        )


AZURE = {
    "vnet": {
        "id": VNET_ID,
        "name": "azure-hub",
        "properties": {
            "addressSpace": {"addressPrefixes": ["10.200.0.0/16"]},
            "subnets": [
                {"name": "GatewaySubnet", "properties": {"addressPrefix": "10.200.255.0/27"}},
                {"name": "app", "properties": {"addressPrefix": "10.200.1.0/24", "routeTable": {"id": RT_ID}}},
            ],
        },
    },
    "route_table": {
        "name": "azure-hub-aws-endpoints",
        "properties": {
            "routes": [
                {
                    "name": "cloudnet-10-100-0-0-24",
                    "properties": {"addressPrefix": "10.100.0.0/24", "nextHopType": "VirtualNetworkGateway"},
                },
                {
                    "name": "cloudnet-10-100-1-0-24",
                    "properties": {"addressPrefix": "10.100.1.0/24", "nextHopType": "VirtualNetworkGateway"},
                },
            ]
        },
    },
    "gateways": [
        {
            "name": "azure-hub-vpngw",
            "properties": {
                "ipConfigurations": [
                    {
                        "properties": {
                            "subnet": {"id": VNET_ID + "/subnets/GatewaySubnet"},
                            "publicIPAddress": {"id": PIP_ID},
                        }
                    }
                ]
            },
        }
    ],
    "public_ips": {PIP_ID: {"properties": {"ipAddress": "203.0.113.10"}}},
    "rulesets": [
        {
            "name": "azure-hub-aws-services",
            "links": [{"properties": {"virtualNetwork": {"id": VNET_ID}}}],
            "rules": [
                {
                    "name": "ssm",
                    "properties": {
                        "domainName": "ssm.us-east-1.amazonaws.com.",
                        "forwardingRuleState": "Enabled",
                        "targetDnsServers": [{"ipAddress": "10.100.0.53", "port": 53}],
                    },
                }
            ],
        }
    ],
}

GCP = {
    "network": {"name": "gcp-hub", "selfLink": "projects/p/global/networks/gcp-hub"},
    "subnetworks": [
        {"name": "gcp-hub-a", "ipCidrRange": "10.210.1.0/24", "network": "projects/p/global/networks/gcp-hub"}
    ],
    "routes": [],
    "routers": [{"name": "gcp-hub-aws-router", "network": "projects/p/global/networks/gcp-hub"}],
    "status": {
        "bestRoutes": [
            {
                "destRange": "10.100.0.0/24",
                "priority": 100,
                "nextHopIp": "169.254.10.1",
                "nextHopVpnTunnel": "projects/p/regions/us-east1/vpnTunnels/gcp-hub-aws-0",
            }
        ]
    },
    "tunnels": [{"name": "gcp-hub-aws-0", "peerIp": "52.0.1.1"}],
    "gateways": [
        {
            "selfLink": "gw",
            "network": "projects/p/global/networks/gcp-hub",
            "vpnInterfaces": [{"ipAddress": "198.51.100.20"}],
        }
    ],
    "zones": [
        {
            "name": "aws-ssm",
            "dnsName": "ssm.us-east-1.amazonaws.com.",
            "visibility": "private",
            "privateVisibilityConfig": {"networks": [{"networkUrl": "projects/p/global/networks/gcp-hub"}]},
            "forwardingConfig": {"targetNameServers": [{"ipv4Address": "10.100.0.53", "forwardingPath": "private"}]},
        }
    ],
}


class FakeAzure:
    def __init__(self, data):
        self.d = data

    def vnet(self, group, name):
        return self.d["vnet"] if (group, name) == ("rg-hub", "azure-hub") else None

    def route_table(self, rid):
        return self.d["route_table"] if rid == RT_ID else None

    def gateways(self, group):
        return self.d["gateways"]

    def public_ip(self, rid):
        return self.d["public_ips"].get(rid)

    def rulesets(self):
        return self.d["rulesets"]


class FakeGcp:
    project = "p"

    def __init__(self, data):
        self.d = data

    def network(self, name):
        return self.d["network"] if name == "gcp-hub" else None

    def subnetworks(self, region):
        return self.d["subnetworks"]

    def routes(self):
        return self.d["routes"]

    def routers(self, region):
        return self.d["routers"]

    def router_status(self, region, name):
        return self.d["status"]

    def vpn_tunnels(self, region):
        return self.d["tunnels"]

    def vpn_gateways(self, region):
        return self.d["gateways"]

    def managed_zones(self):
        return self.d["zones"]


def run(cloud, aws=None, remote=None, inspection_vpc_name=None, **source):
    base = {
        "azure": {"cloud": "azure", "network": "azure-hub", "resource_group": "rg-hub", "host": "azure-hub"},
        "gcp": {"cloud": "gcp", "network": "gcp-hub", "region": "us-east1", "host": "gcp-hub"},
    }[cloud]
    base.update(source)
    request = {
        "source": base,
        "services": ["ssm"],
        "catalog": [{"name": "ssm"}],
        "services_vpc_name": "corp-services-us-east-1",
        "hosts": {"services_host": "services-use1"},
        "inspection_vpc_name": inspection_vpc_name,
    }
    reader = FakeReader(aws or state(remote=with_remotes))
    fake = FakeAzure(remote or copy.deepcopy(AZURE)) if cloud == "azure" else FakeGcp(remote or copy.deepcopy(GCP))
    return engine.run({"aws_spoke": reader, "aws_hub": reader, cloud: fake}, request)[0]


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_remote_paths_pass_every_hop(cloud):
    result = run(cloud)
    assert result["reachable"], result["summary"]
    assert [h["hop"] for h in result["hops"]] == [
        "source",
        "dns",
        "dns",
        "dns",
        "route:source",
        "vpn",
        "transit:route",
        "route:services",
        "transit:return",
        "security_group",
        "endpoint",
    ]
    vpn = next(h for h in result["hops"] if h["hop"] == "vpn")
    assert (VPN_AZ if cloud == "azure" else VPN_GCP) in vpn["resource"]


def _azure(change):
    data = copy.deepcopy(AZURE)
    change(data)
    return data


def _gcp(change):
    data = copy.deepcopy(GCP)
    change(data)
    return data


def _aws(change):
    s = state(remote=with_remotes)
    change(s)
    return s


def _propagated_without_routes(s):
    s["tgw_routes"][SERVICES_TABLE] = [
        r for r in s["tgw_routes"][SERVICES_TABLE] if r["DestinationCidrBlock"] != "10.200.0.0/16"
    ]
    s["tgw_propagations"] = {SERVICES_TABLE: [ATT_AZ]}


def _default_internet_route(d):
    d["status"]["bestRoutes"] = []
    d["routes"].append(
        {
            "name": "default-route-1",
            "network": "projects/p/global/networks/gcp-hub",
            "destRange": "0.0.0.0/0",
            "priority": 1000,
            "nextHopGateway": "projects/p/global/gateways/default-internet-gateway",
        }
    )


REMOTE_BROKEN = [
    (
        "azure: ruleset not linked",
        "azure",
        {"remote": _azure(lambda d: d["rulesets"][0].update(links=[]))},
        "dns",
        "cross_cloud_azure",
    ),
    (
        "azure: rule disabled",
        "azure",
        {"remote": _azure(lambda d: d["rulesets"][0]["rules"][0]["properties"].update(forwardingRuleState="Disabled"))},
        "dns",
        "forward ssm",
    ),
    (
        "azure: no route table",
        "azure",
        {"remote": _azure(lambda d: d["vnet"]["properties"]["subnets"][1]["properties"].pop("routeTable"))},
        "route:source",
        "VirtualNetworkGateway",
    ),
    (
        "azure: UDR to the internet",
        "azure",
        {
            "remote": _azure(
                lambda d: d["route_table"]["properties"]["routes"][0]["properties"].update(nextHopType="Internet")
            )
        },
        "route:source",
        "cross_cloud_azure",
    ),
    (
        "azure: no AWS VPN for the gateway",
        "azure",
        {"remote": _azure(lambda d: d["public_ips"][PIP_ID]["properties"].update(ipAddress="203.0.113.99"))},
        "vpn",
        "cross_cloud_aws",
    ),
    ("resolver gone", "azure", {"aws": _aws(lambda s: s.update(resolver_endpoints=[]))}, "dns", "inbound endpoint"),
    (
        "resolver SG closed",
        "azure",
        {"aws": _aws(lambda s: s["security_groups"][1].update(IpPermissions=[]))},
        "dns",
        "cross_cloud_cidr",
    ),
    (
        "return not propagated",
        "azure",
        {"aws": _aws(lambda s: s["tgw_routes"][SERVICES_TABLE].pop(1))},
        "transit:return",
        "cross_cloud_aws",
    ),
    (
        "tunnels down",
        "azure",
        {"aws": _aws(lambda s: [t.update(Status="DOWN") for v in s["vpn_connections"] for t in v["VgwTelemetry"]])},
        "vpn",
        "pre-shared keys",
    ),
    (
        "propagated but nothing learned",
        "azure",
        {"aws": _aws(_propagated_without_routes)},
        "transit:return",
        "BGP",
    ),
    (
        "gcp: default route to the internet",
        "gcp",
        {"remote": _gcp(_default_internet_route)},
        "route:source",
        "BGP",
    ),
    (
        "gcp: zone not visible",
        "gcp",
        {"remote": _gcp(lambda d: d["zones"][0]["privateVisibilityConfig"].update(networks=[]))},
        "dns",
        "cross_cloud_gcp",
    ),
    (
        "gcp: no learned route",
        "gcp",
        {"remote": _gcp(lambda d: d["status"].update(bestRoutes=[]))},
        "route:source",
        "BGP",
    ),
    (
        "gcp: endpoint SG misses the network",
        "gcp",
        {"aws": _aws(lambda s: s["security_groups"][0]["IpPermissions"][0]["IpRanges"].pop())},
        "security_group",
        "consumers",
    ),
]


@pytest.mark.parametrize("case, cloud, kwargs, broken, fix", REMOTE_BROKEN, ids=[b[0] for b in REMOTE_BROKEN])
def test_remote_failures_name_their_hop(case, cloud, kwargs, broken, fix):
    result = run(cloud, **kwargs)
    assert result["broken_hop"]["hop"] == broken, (case, result["summary"])
    assert fix in result["fix"], result["fix"]


def test_gcp_static_route_to_a_tunnel_beats_a_shorter_learned_one():
    def static(d):
        d["status"]["bestRoutes"][0]["destRange"] = "10.100.0.0/20"
        d["routes"] = [
            {
                "name": "cloudnet-aws-a",
                "network": "projects/p/global/networks/gcp-hub",
                "destRange": "10.100.0.0/24",
                "priority": 900,
                "nextHopVpnTunnel": "projects/p/regions/us-east1/vpnTunnels/gcp-hub-aws-0",
            }
        ]

    result = run("gcp", remote=_gcp(static))
    assert result["reachable"], result["summary"]
    route = next(h for h in result["hops"] if h["hop"] == "route:source")
    assert route["detail"]["kind"] == "static" and route["resource"] == "cloudnet-aws-a"


def _remote_inspected(s):
    """What the inspection role steers for inspected remote networks: the VPN attachments' table sends the services
    VPC to the inspection attachment, the services table sends their ranges there, the inspection table has the
    routes their VPNs propagate (BGP)."""
    def to(att_id, resource_id, resource_type, cidr, kind):
        return {"DestinationCidrBlock": cidr, "Type": kind, "State": "active", "TransitGatewayAttachments": [
            {"TransitGatewayAttachmentId": att_id, "ResourceId": resource_id, "ResourceType": resource_type}]}

    with_remotes(s)
    s["tgw_routes"][SPOKES_TABLE] = [to(INSPECTION_ATT, INSPECTION_VPC, "vpc", "10.100.0.0/20", "static")]
    s["tgw_routes"][SERVICES_TABLE] = [to(INSPECTION_ATT, INSPECTION_VPC, "vpc", c, "static")
                                       for c in ("10.2.0.0/16", "10.200.0.0/16", "10.210.0.0/16")]
    s["tgw_routes"][INSPECTION_TABLE] += [to(ATT_AZ, VPN_AZ, "vpn", "10.200.0.0/16", "propagated"),
                                          to(ATT_GCP, VPN_GCP, "vpn", "10.210.0.0/16", "propagated")]


@pytest.mark.parametrize("cloud", ["azure", "gcp"])
def test_inspected_remote_paths_show_the_firewall_both_ways(cloud):
    result = run(cloud, aws=state(remote=_remote_inspected), inspection_vpc_name="corp-inspection-us-east-1")
    assert result["reachable"], result["summary"]
    hops = [h["hop"] for h in result["hops"]]
    assert hops == ["source", "dns", "dns", "dns", "route:source", "vpn", "transit:route", "inspection",
                    "transit:route", "route:services", "transit:return", "inspection", "transit:return",
                    "security_group", "endpoint"]
    ret = [h for h in result["hops"] if h["hop"] == "transit:return"]
    assert "inspection attachment" in ret[0]["decision"]
    assert (ATT_AZ if cloud == "azure" else ATT_GCP) in ret[1]["decision"]


def test_inspected_remote_return_without_a_learned_route_names_bgp():
    def unlearned(s):
        _remote_inspected(s)
        s["tgw_routes"][INSPECTION_TABLE] = [r for r in s["tgw_routes"][INSPECTION_TABLE]
                                             if r["DestinationCidrBlock"] != "10.210.0.0/16"]
        s["tgw_propagations"] = {INSPECTION_TABLE: [ATT_GCP]}

    result = run("gcp", aws=state(remote=unlearned), inspection_vpc_name="corp-inspection-us-east-1")
    assert not result["reachable"]
    assert result["broken_hop"]["hop"] == "transit:return"
    assert "BGP" in result["broken_hop"]["decision"] and "corp-us-east-1-inspection" in result["broken_hop"]["decision"]


def test_an_unassociated_vpn_attachment_names_both_roles_that_associate_one():
    def unassociated(s):
        _remote_inspected(s)
        s["tgw_attachments"][ATT_GCP]["Association"] = None

    result = run("gcp", aws=state(remote=unassociated), inspection_vpc_name="corp-inspection-us-east-1")
    assert result["broken_hop"]["hop"] == "transit:route" and "associated with no route table" in result["summary"]
    assert "role cross_cloud_aws" in result["fix"] and "inspection" not in result["fix"]  # no inspection host named
    request_hosts = {"services_host": "services-use1", "inspection_host": "inspection-use1"}
    reader = FakeReader(state(remote=unassociated))
    with_host = engine.run({"aws_spoke": reader, "aws_hub": reader, "gcp": FakeGcp(copy.deepcopy(GCP))}, {
        "source": {"cloud": "gcp", "network": "gcp-hub", "region": "us-east1", "host": "gcp-hub"},
        "services": ["ssm"], "catalog": [{"name": "ssm"}], "services_vpc_name": "corp-services-us-east-1",
        "inspection_vpc_name": "corp-inspection-us-east-1", "hosts": request_hosts})[0]
    assert "inspection_remote_networks is associated by the inspection role" in with_host["fix"]
    assert "--limit inspection-use1" in with_host["fix"]
