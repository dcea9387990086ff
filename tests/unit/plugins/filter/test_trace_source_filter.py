"""trace_source: an inventory host or an address to path_trace_info's source, hub and services VPC."""

from __future__ import annotations

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.cloudnet.privatelink.plugins.filter.trace_source import trace_source

GROUPS = {"aws_spokes": ["app-orders", "app-ledger"], "aws_services_vpc": ["services-use1", "services-euw1"],
          "aws_transit": ["transit-use1"], "azure_spokes": ["azure-hub"], "gcp_spokes": ["gcp-hub"],
          "aws_cross_cloud": ["services-use1"]}
HOSTVARS = {
    "app-orders": {"spoke_cidr": "10.2.0.0/16"},
    "app-ledger": {"spoke_cidr": "10.4.0.0/16", "spoke_region": "eu-west-1", "spoke_vpc_id": "vpc-0123456789abcdef0",
                   "spoke_assume_role_arn": "arn:aws:iam::222222222222:role/app",
                   "spoke_hub": {"assume_role_arn": "arn:aws:iam::111111111111:role/network"}},
    "services-use1": {"services_vpc_region": "us-east-1"},
    "services-euw1": {"services_vpc_region": "eu-west-1", "services_vpc_name": "hub-euw1"},
    "transit-use1": {"transit_region": "us-east-1", "transit_name": "corp-tgw"},
    "azure-hub": {"cross_cloud_cidr": "10.200.0.0/16", "cross_cloud_azure_resource_group": "rg-hub"},
    "gcp-hub": {"cross_cloud_cidr": "10.210.0.0/16", "cross_cloud_gcp_region": "us-east1",
                "cross_cloud_gcp_project": "net-prj", "cross_cloud_gcp_network": "hub-net"},
}


def plan(value):
    return trace_source(value, HOSTVARS, GROUPS, "corp", "us-east-1")


def test_aws_spoke_by_name_defaults():
    out = plan("app-orders")
    assert out["source"] == {"cloud": "aws", "host": "app-orders", "network": "app-orders"}
    assert out["region"] == "us-east-1" and out["services_vpc_name"] == "corp-services-us-east-1"
    assert out["transit_name"] == "corp-tgw"
    assert out["hosts"] == {"services_host": "services-use1", "transit_host": "transit-use1"}


def test_aws_spoke_in_another_account_and_region():
    out = plan("app-ledger")
    assert out["source"]["network"] == "vpc-0123456789abcdef0" and out["region"] == "eu-west-1"
    assert out["assume_role_arn"].endswith(":role/app") and out["hub"]["assume_role_arn"].endswith(":role/network")
    assert out["services_vpc_name"] == "hub-euw1" and out["transit_name"] == "corp-eu-west-1"


@pytest.mark.parametrize("address, host, cloud", [
    ("10.2.7.9", "app-orders", "aws"),
    ("10.200.1.4", "azure-hub", "azure"),
    ("10.210.1.4", "gcp-hub", "gcp"),
    ("10.9.0.1", None, "aws"),
])
def test_address_maps_to_the_host_whose_cidr_holds_it(address, host, cloud):
    out = plan(address)
    assert (out["source"]["host"], out["source"]["cloud"], out["source"]["ip"]) == (host, cloud, address)


def test_remote_sources_carry_their_network_and_pairing():
    azure = plan("azure-hub")["source"]
    assert azure == {"cloud": "azure", "host": "azure-hub", "network": "azure-hub", "cidr": "10.200.0.0/16",
                     "resource_group": "rg-hub"}
    gcp = plan("gcp-hub")
    assert gcp["source"]["network"] == "hub-net" and gcp["source"]["region"] == "us-east1"
    assert gcp["gcp_project"] == "net-prj" and gcp["region"] == "us-east-1"


@pytest.mark.parametrize("value, words", [("", "empty"), ("nowhere", "neither"), ("services-use1", "not in")])
def test_bad_source_names_the_fix(value, words):
    with pytest.raises(AnsibleFilterError) as err:
        plan(value)
    assert words in str(err.value) and "Fix:" in str(err.value)
