"""Table-driven tests of whole-topology validation across clouds: inspection, Azure, GCP, the AWS side of the
links, overlaps across clouds, names two hosts claim, and the preflight plan."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology import validate
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology_crosscloud import (
    AZURE_DEFAULTS,
    GCP_DEFAULTS,
)

REPO = Path(__file__).resolve().parents[5]
KEYS = [{"length": 15, "valid": True}] * 4
ENDPOINT_SUBNETS = [{"name": "ep-a", "cidr": "10.100.0.0/24", "availability_zone": "us-east-1a"},
                    {"name": "ep-b", "cidr": "10.100.1.0/24", "availability_zone": "us-east-1b"}]
INSPECTION = {"inspection_region": "us-east-1", "inspection_vpc_cidr": "10.250.0.0/22",
              "inspection_firewall_subnets": [{"name": "fw", "cidr": "10.250.0.0/28", "availability_zone": "a"}],
              "inspection_attachment_subnets": [{"name": "tgw", "cidr": "10.250.1.0/28", "availability_zone": "a"}]}
GOOD = [
    {"name": "transit-use1", "kind": "transit", "vars": {"transit_region": "us-east-1", "transit_asn": 64512}},
    {"name": "services-use1", "kind": "services_vpc", "vars": {
        "services_vpc_region": "us-east-1", "services_vpc_cidr": "10.100.0.0/20",
        "services_vpc_endpoint_subnets": ENDPOINT_SUBNETS}},
    {"name": "app-a", "kind": "spoke", "vars": {"spoke_region": "us-east-1", "spoke_cidr": "10.1.0.0/16"}},
    {"name": "app-b", "kind": "spoke", "vars": {"spoke_region": "us-east-1", "spoke_cidr": "10.2.0.0/16"}},
    {"name": "services-use1", "kind": "cross_cloud_aws", "vars": {
        "services_vpc_region": "us-east-1", "services_vpc_endpoint_subnets": ENDPOINT_SUBNETS}},
    {"name": "azure-hub", "kind": "cross_cloud_azure", "vars": {
        "cross_cloud_cidr": "10.200.0.0/16", "cross_cloud_azure_resource_group": "rg-hub",
        "cross_cloud_azure_location": "westeurope", "cross_cloud_pre_shared_keys": KEYS}},
    {"name": "gcp-hub", "kind": "cross_cloud_gcp", "vars": {
        "cross_cloud_cidr": "10.210.0.0/16", "cross_cloud_gcp_region": "us-east1",
        "cross_cloud_pre_shared_keys": KEYS}},
]
CONSUMERS = [{"cidr": "172.16.0.0/16"}, {"cidr": "10.200.0.0/16"}, {"cidr": "10.210.1.0/24"}]


def run(hosts=None, consumers=None, topology="corp"):
    return validate(topology, [{"name": "ssm"}], GOOD if hosts is None else hosts,
                    CONSUMERS if consumers is None else consumers, default_region="us-east-1")


def changed(name, kind, **values):
    hosts = copy.deepcopy(GOOD)
    for h in hosts:
        if h["name"] == name and h["kind"] == kind:
            for k, v in values.items():
                if v is None:
                    h["vars"].pop(k, None)
                else:
                    h["vars"][k] = v
    return hosts


def plus(*extra):
    return copy.deepcopy(GOOD) + [copy.deepcopy(e) for e in extra]


def changed_plus(name, kind, values, *extra):
    hosts = plus(*extra)
    for h in hosts:
        if h["name"] == name and h["kind"] == kind:
            h["vars"].update(values)
    return hosts


def inspection(name="inspection-use1", **values):
    return {"name": name, "kind": "inspection", "vars": dict(INSPECTION, **values)}


def test_good_multicloud_topology_has_no_problems():
    assert run()["problems"] == []
    # Every spoke inspected steers <transit>-spokes, where the VPN attachments are too: the remote networks with them.
    assert run(plus(inspection(inspection_remote_networks=True)))["problems"] == []
    assert run(plus(inspection(inspection_remote_networks=["gcp-hub", "azure-hub"])))["problems"] == []
    assert run(plus(inspection(inspection_remote_networks="true")))["problems"] == []
    # A subset of the spokes (their own table): the remote networks may stay out, or be inspected alone.
    assert run(plus(inspection(inspection_spokes=["app-a"])))["problems"] == []
    assert run(plus(inspection(inspection_spokes=[], inspection_remote_networks=["gcp-hub"])))["problems"] == []
    # Destinations covering the endpoint prefixes and the resolver subnets.
    assert run(plus(inspection(inspection_remote_networks=True,
                               inspection_destinations=["10.100.0.0/24", "10.100.1.0/24"])))["problems"] == []
    assert run(plus(inspection(inspection_remote_networks=True, inspection_destinations=["10.100.0.0/23"])))[
        "problems"] == []


@pytest.mark.parametrize("hosts, consumers, expected", [
    # overlaps across clouds
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_cidr="10.200.128.0/17"), None,
     ["azure-hub: cross_cloud_cidr 10.200.0.0/16 overlaps gcp-hub (cross_cloud_cidr 10.200.128.0/17)"]),
    (changed("azure-hub", "cross_cloud_azure", cross_cloud_cidr="10.1.0.0/24"), None,
     ["app-a: spoke_cidr 10.1.0.0/16 overlaps azure-hub (cross_cloud_cidr 10.1.0.0/24)"]),
    (plus(inspection(inspection_vpc_cidr="10.100.8.0/22", inspection_firewall_subnets=[
        {"name": "fw", "cidr": "10.100.8.0/28", "availability_zone": "a"}], inspection_attachment_subnets=[
        {"name": "t", "cidr": "10.100.9.0/28", "availability_zone": "a"}])), None,
     ["services-use1: services_vpc_cidr 10.100.0.0/20 overlaps inspection-use1 (inspection_vpc_cidr 10.100.8.0/22)"]),
    (None, [{"cidr": "10.0.0.0/8"}], ["cloudnet_consumers[0].cidr 10.0.0.0/8 overlaps app-a"]),
    (None, [{"cidr": "10.100.0.0/24"}], ["cloudnet_consumers[0].cidr 10.100.0.0/24 overlaps services-use1"]),
    (None, [{"cidr": "10.200.0.0/15"}], ["cloudnet_consumers[0].cidr 10.200.0.0/15 overlaps azure-hub"]),
    (None, [{"cidr": "172.16.0.0/16"}, {"cidr": "172.16.1.0/24"}],
     ["cloudnet_consumers[1].cidr 172.16.1.0/24 overlaps cloudnet_consumers[0]"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_gcp_advertised_ranges=["10.1.0.0/16"]), None,
     ["gcp-hub: cross_cloud_gcp_advertised_ranges 10.1.0.0/16 overlaps app-a"]),
    # names two hosts claim
    (changed("app-b", "spoke", spoke_vpc_name="app-a"), None,
     ["app-b: spoke_vpc_name claims VPC app-a (us-east-1), which app-a already claims"]),
    (plus({"name": "app-c", "kind": "spoke", "vars": {"spoke_region": "us-east-1", "spoke_cidr": "10.3.0.0/16",
                                                      "spoke_vpc_id": "vpc-0123456789abcdef0"}},
          {"name": "app-d", "kind": "spoke", "vars": {"spoke_region": "us-east-1", "spoke_cidr": "10.4.0.0/16",
                                                      "spoke_vpc_id": "vpc-0123456789abcdef0"}}), None,
     ["app-d: spoke_vpc_id claims VPC vpc-0123456789abcdef0"]),
    (plus({"name": "transit-2", "kind": "transit", "vars": {"transit_region": "us-east-1"}}), None,
     ["transit-2: transit_region = us-east-1 already has a transit gateway (transit-use1)"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_gcp_gateway_name="x" * 55), None,
     ["longer than 54 characters"]),
    # ASNs and tunnels across hosts
    (changed("transit-use1", "transit", transit_asn=65515), None,
     ["azure-hub: cross_cloud_azure_asn peers with transit_asn 65515, which Azure reserves"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_gcp_asn=64512), None,
     ["gcp-hub: cross_cloud_gcp_asn = 64512 equals the transit gateway's ASN"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_gcp_tunnel_inside_cidrs=AZURE_DEFAULTS[
        "cross_cloud_azure_tunnel_inside_cidrs"]), None,
     ["gcp-hub: cross_cloud_gcp_tunnel_inside_cidrs reuses 169.254.21.0/30, already a tunnel of azure-hub"]),
    # Azure and GCP fields
    (changed("azure-hub", "cross_cloud_azure", cross_cloud_azure_resource_group=None), None,
     ["azure-hub: cross_cloud_azure_resource_group is missing"]),
    (changed("azure-hub", "cross_cloud_azure", cross_cloud_azure_sku="Basic"), None,
     ["cross_cloud_azure_sku = 'Basic' is unknown"]),
    (changed("azure-hub", "cross_cloud_azure", cross_cloud_azure_route_subnets=[{"subnet": "app"}]), None,
     ["cross_cloud_azure_route_subnets is not a list of mappings with name"]),
    (changed("azure-hub", "cross_cloud_azure", cross_cloud_pre_shared_keys=None), None,
     ["azure-hub: cross_cloud_pre_shared_keys is missing"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_gcp_region=None), None,
     ["gcp-hub: cross_cloud_gcp_region is missing"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_gcp_dns_networks=["ok-net", "Bad"]), None,
     ["cross_cloud_gcp_dns_networks[1] = 'Bad' is not a valid GCP resource name"]),
    (changed("gcp-hub", "cross_cloud_gcp", cross_cloud_cidr=None), None, ["gcp-hub: cross_cloud_cidr is missing"]),
    # the AWS side and the pairing
    (changed("services-use1", "cross_cloud_aws", services_vpc_endpoint_subnets=ENDPOINT_SUBNETS[:1]), None,
     ["cross_cloud_aws_resolver_subnet_names = ['ep-a'] names fewer than two subnets"]),
    (changed("services-use1", "cross_cloud_aws", cross_cloud_aws_resolver_ips=["10.100.0.10", "10.9.0.1"]), None,
     ["cross_cloud_aws_resolver_ips[1] = 10.9.0.1 is outside the services VPC"]),
    (changed("services-use1", "cross_cloud_aws", cross_cloud_aws_resolver_ips=["10.100.0.10"]), None,
     ["cross_cloud_aws_resolver_ips has 1 addresses for 2 subnets"]),
    (changed("services-use1", "cross_cloud_aws", cross_cloud_aws_remote_hosts=["azure-hub"]), None,
     ["gcp-hub: cross_cloud_gcp_aws_host = services-use1, whose cross_cloud_aws_remote_hosts leaves this network out"]),
    (plus({"name": "services-2", "kind": "cross_cloud_aws", "vars": {
        "cross_cloud_aws_region": "us-east-1", "cross_cloud_aws_resolver_subnet_names": ["ep-a", "ep-b"]}}), None,
     ["services-2: cross_cloud_aws_remote_hosts links azure-hub, which services-use1 links too"]),
    (changed("services-use1", "cross_cloud_aws", cross_cloud_aws_region="eu-west-1"), None,
     ["services-use1: cross_cloud_aws_region = eu-west-1 has no services VPC",
      "cross_cloud_aws_region = eu-west-1 has no transit gateway"]),
    (changed("azure-hub", "cross_cloud_azure", cross_cloud_azure_aws_host="services-x"), None,
     ["azure-hub: cross_cloud_azure_aws_host = 'services-x' is not a host of aws_cross_cloud"]),
    # inspection
    (plus(inspection(inspection_vpc_cidr=None)), None, ["inspection-use1: inspection_vpc_cidr is missing"]),
    (plus(inspection(inspection_engine="palo")), None, ["inspection_engine = 'palo' is unknown"]),
    (plus(inspection(inspection_engine="gateway_load_balancer")), None,
     ["inspection_gwlb_service_name = '' is not an endpoint service name"]),
    (plus(inspection(inspection_engine="gateway_load_balancer",
                     inspection_gwlb_service_name="com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0")), None,
     ["inspection_gwlb_service_name is in eu-west-1, not us-east-1"]),
    (plus(inspection(inspection_attachment_subnets=[{"name": "t", "cidr": "10.250.1.0/28",
                                                     "availability_zone": "b"}])), None,
     ["inspection_attachment_subnets zones ['b'] differ from the firewall subnets' ['a']"]),
    (plus(inspection(inspection_ports=["443", "70000", "90:80"])), None,
     ["inspection_ports[1] = '70000' is not a port", "inspection_ports[2] = '90:80' is not a port"]),
    (plus(inspection(inspection_region="eu-west-1")), None,
     ["inspection-use1: inspection_region = eu-west-1 has no transit gateway",
      "inspection_region = eu-west-1 has no services VPC"]),
    (plus(inspection(inspection_spokes=["app-a", "app-z"])), None,
     ["inspection_spokes[1] = 'app-z' is not a host of aws_spokes"]),
    (plus(inspection(name="insp-a", inspection_spokes=["app-a"]),
          inspection(name="insp-b", inspection_vpc_cidr="10.251.0.0/22", inspection_vpc_name="other",
                     inspection_firewall_subnets=[{"name": "f", "cidr": "10.251.0.0/28", "availability_zone": "a"}],
                     inspection_attachment_subnets=[{"name": "t", "cidr": "10.251.1.0/28",
                                                     "availability_zone": "a"}])), None,
     ["insp-b: inspection_region = us-east-1 is already inspected by insp-a",
      "app-b: inspection is declared by insp-b and not by insp-a"]),
    (plus(inspection(inspection_destinations=["10.100.0.0/24"])), None,
     ["inspection_destinations leaves endpoint subnet 10.100.1.0/24 of services-use1 out"]),
    (plus(inspection(inspection_destinations=["10.100.0.0/20", "10.9.0.0/16"], inspection_remote_networks=True)), None,
     ["inspection_destinations[1] = 10.9.0.0/16 is outside services VPC services-use1"]),
    # remote networks inspected one way only, or declared inspected and never
    (plus(inspection()), None,
     ["inspection-use1: inspection_remote_networks leaves azure-hub out, whose VPN attachments share "
      "corp-us-east-1-spokes with the inspected spokes: its traffic to the services VPC would go through the firewall "
      "and the answers around it (inspected one way and not the other). Fix: add azure-hub to "
      "inspection_remote_networks (or set it to true), or list only some spokes in inspection_spokes",
      "inspection_remote_networks leaves gcp-hub out"]),
    (plus(inspection(inspection_remote_networks=["azure-hub"])), None,
     ["inspection_remote_networks leaves gcp-hub out"]),
    (plus(inspection(inspection_remote_networks=["azure-hub", "app-a", "gcp-x"])), None,
     ["inspection_remote_networks[1] = 'app-a' is not a host of azure_spokes or gcp_spokes",
      "inspection_remote_networks[2] = 'gcp-x' is not a host of azure_spokes or gcp_spokes"]),
    (plus(inspection(inspection_remote_networks={"gcp-hub": True})), None,
     ["inspection_remote_networks = {'gcp-hub': True} is neither true, false nor a list of host names"]),
    (changed_plus("services-use1", "cross_cloud_aws", {"cross_cloud_aws_remote_hosts": ["azure-hub"]},
                  inspection(inspection_spokes=[], inspection_remote_networks=["gcp-hub"])), None,
     ["inspection-use1: inspection_remote_networks[0] = gcp-hub has no cross-cloud link (no aws_cross_cloud host "
      "builds its VPNs), so it would be declared inspected and never be. Fix: link it"]),
    ([h for h in plus(inspection(inspection_remote_networks=True)) if h["kind"] not in (
        "cross_cloud_aws", "cross_cloud_azure", "cross_cloud_gcp")], None,
     ["inspection-use1: inspection_remote_networks = true, but no Azure VNet or GCP network is linked to the transit "
      "gateway of us-east-1 (no cross-cloud link), so nothing would be inspected. Fix: link a remote network"]),
    (plus({"name": "transit-euw1", "kind": "transit", "vars": {"transit_region": "eu-west-1"}},
          {"name": "services-euw1", "kind": "services_vpc", "vars": {
              "services_vpc_region": "eu-west-1", "services_vpc_cidr": "10.120.0.0/20",
              "services_vpc_endpoint_subnets": [{"name": "e", "cidr": "10.120.0.0/24", "availability_zone": "x"},
                                                {"name": "f", "cidr": "10.120.1.0/24", "availability_zone": "y"}]}},
          inspection(inspection_region="eu-west-1", inspection_vpc_name="insp-euw1",
                     inspection_remote_networks=["gcp-hub"])), None,
     ["inspection-use1: inspection_remote_networks[0] = gcp-hub is linked to the transit gateway of us-east-1 "
      "(through services-use1), but this host inspects the transit gateway of eu-west-1, so the network would be "
      "declared inspected and never be. Fix: declare an inspection host with inspection_region us-east-1 for it"]),
    (changed_plus("services-use1", "cross_cloud_aws",
                  {"cross_cloud_aws_endpoint_prefixes": ["10.100.0.0/24", "10.100.1.0/24", "10.100.4.0/24"]},
                  inspection(inspection_remote_networks=True, inspection_destinations=["10.100.0.0/23"])), None,
     ["inspection-use1: inspection_destinations leaves 10.100.4.0/24 (cross_cloud_aws_endpoint_prefixes of "
      "services-use1) out, so the inspected remote networks would reach it directly while the answers are steered "
      "through the firewall (inspected one way and not the other). Fix: add 10.100.4.0/24"]),
    (changed_plus("services-use1", "cross_cloud_aws",
                  {"services_vpc_transit_subnets": [{"name": "tgw-a", "cidr": "10.100.15.0/28",
                                                     "availability_zone": "a"}],
                   "cross_cloud_aws_resolver_subnet_names": ["ep-a", "tgw-a"]},
                  inspection(inspection_remote_networks=["azure-hub", "gcp-hub"],
                             inspection_destinations=["10.100.0.0/23"])), None,
     ["inspection_destinations leaves 10.100.15.0/28 (resolver subnet tgw-a of services-use1) out"]),
])
def test_problems_name_host_field_and_fix(hosts, consumers, expected):
    problems = run(hosts, consumers)["problems"]
    text = "\n".join(problems)
    assert problems, "expected at least one problem"
    for fragment in expected:
        assert fragment in text, text
    assert all(". Fix: " in p for p in problems)


def test_both_inspected_and_not_is_quiet_when_both_hosts_agree():
    second = inspection(name="insp-b", inspection_vpc_cidr="10.251.0.0/22", inspection_vpc_name="other",
                        inspection_firewall_subnets=[{"name": "f", "cidr": "10.251.0.0/28", "availability_zone": "a"}],
                        inspection_attachment_subnets=[{"name": "t", "cidr": "10.251.1.0/28",
                                                        "availability_zone": "a"}])
    hosts = plus(inspection(name="insp-a"), second)
    text = "\n".join(run(hosts)["problems"])
    assert "already inspected by insp-a" in text and "both inspected and not" not in text


def test_consumers_may_name_a_remote_network_or_a_part_of_it():
    assert run(consumers=[{"cidr": "10.200.0.0/16"}, {"cidr": "10.210.4.0/24"}])["problems"] == []


def test_preflight_plan_lists_each_identity_subscription_and_project_once():
    hosts = changed("app-a", "spoke", spoke_assume_role_arn="arn:aws:iam::222222222222:role/spoke",
                    spoke_hub={"assume_role_arn": "arn:aws:iam::111111111111:role/network"})
    hosts = [h if h["kind"] != "transit" else dict(h, vars=dict(
        h["vars"], transit_assume_role_arn="arn:aws:iam::111111111111:role/network")) for h in hosts]
    hosts.append({"name": "gcp-2", "kind": "cross_cloud_gcp", "vars": {
        "cross_cloud_cidr": "10.211.0.0/16", "cross_cloud_gcp_region": "us-east1", "cross_cloud_pre_shared_keys": KEYS,
        "cross_cloud_gcp_project": "other-project", "cross_cloud_gcp_tunnel_inside_cidrs": [
            "169.254.30.0/30", "169.254.31.0/30", "169.254.32.0/30", "169.254.33.0/30"]}})
    result = validate("corp", [{"name": "ssm"}], hosts, CONSUMERS, default_region="us-east-1")
    assert result["problems"] == []
    plan = result["preflight"]
    aws = {e["assume_role_arn"]: e for e in plan["aws"]}
    assert set(aws) == {None, "arn:aws:iam::111111111111:role/network", "arn:aws:iam::222222222222:role/spoke"}
    assert set(aws[None]["hosts"]) == {"transit-use1", "services-use1", "app-a", "app-b"}
    assert aws["arn:aws:iam::111111111111:role/network"]["hosts"] == ["transit-use1", "app-a"]
    assert all(e["region"] == "us-east-1" for e in plan["aws"])
    assert plan["azure"] == [{"hosts": ["azure-hub"]}]
    assert plan["gcp"] == [{"project": None, "hosts": ["gcp-hub"]}, {"project": "other-project", "hosts": ["gcp-2"]}]


def test_preflight_plan_is_empty_for_clouds_not_used():
    plan = run([h for h in GOOD if h["kind"] in ("transit", "services_vpc", "spoke")])["preflight"]
    assert plan["azure"] == [] and plan["gcp"] == [] and len(plan["aws"]) == 1


@pytest.mark.parametrize("role, defaults", [("cross_cloud_azure", AZURE_DEFAULTS), ("cross_cloud_gcp", GCP_DEFAULTS)])
def test_validation_defaults_are_the_roles_defaults(role, defaults):
    role_defaults = yaml.safe_load((REPO / "roles" / role / "defaults" / "main.yml").read_text())
    assert {k: role_defaults[k] for k in defaults} == defaults
