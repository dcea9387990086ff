"""The network_hosts filter: which variables reach topology validation, and how (secrets, undefined values)."""

from __future__ import annotations

import pytest
from jinja2 import StrictUndefined

from ansible_collections.cloudnet.privatelink.plugins.filter.network_hosts import describe_secret, network_hosts

GROUPS = {"aws_transit": ["t"], "aws_services_vpc": ["s"], "aws_spokes": ["p"], "inspection": ["i"],
          "aws_cross_cloud": ["s"], "azure_spokes": ["az"], "gcp_spokes": ["g"]}


class BrokenHost(dict):
    """Host variables that fail to load (as a host_vars file that is not valid YAML does)."""

    def __iter__(self):
        raise ValueError("YAML parsing failed: mapping values are not allowed here")


def hostvars(**overrides):
    hv = {
        "t": {"transit_asn": 64512, "cloudnet_topology": "corp"},
        "s": {"services_vpc_cidr": "10.100.0.0/20", "cross_cloud_aws_forward_services": ["s3"], "spoke_cidr": "x"},
        "p": {"spoke_cidr": "10.1.0.0/16", "spoke_region": "eu-west-1", "transit_asn": 1},
        "i": {"inspection_vpc_cidr": "10.250.0.0/22"},
        "az": {"cross_cloud_cidr": "10.200.0.0/16", "cross_cloud_azure_location": "westeurope",
               "cross_cloud_pre_shared_keys": ["corpus_key_one", "0bad", "bad-key!"], "cross_cloud_gcp_region": "x"},
        "g": {"cross_cloud_cidr": "10.210.0.0/16", "cross_cloud_gcp_region": "us-east1"},
    }
    hv.update(overrides)
    return hv


def by_kind(hosts):
    return {(h["name"], h["kind"]): h["vars"] for h in hosts}


def test_every_group_site_yml_uses_with_its_roles_variables_only():
    out = by_kind(network_hosts(hostvars(), GROUPS, "us-east-1"))
    assert set(out) == {("t", "transit"), ("s", "services_vpc"), ("p", "spoke"), ("i", "inspection"),
                        ("s", "cross_cloud_aws"), ("az", "cross_cloud_azure"), ("g", "cross_cloud_gcp")}
    assert out[("t", "transit")] == {"transit_asn": 64512, "transit_region": "us-east-1"}
    assert out[("p", "spoke")] == {"spoke_cidr": "10.1.0.0/16", "spoke_region": "eu-west-1"}
    assert out[("i", "inspection")] == {"inspection_vpc_cidr": "10.250.0.0/22", "inspection_region": "us-east-1"}
    # The AWS side of the links reads the services VPC's variables for its defaults; no region default.
    assert out[("s", "cross_cloud_aws")] == {"services_vpc_cidr": "10.100.0.0/20",
                                             "cross_cloud_aws_forward_services": ["s3"]}
    assert "cross_cloud_gcp_region" not in out[("az", "cross_cloud_azure")]
    assert out[("g", "cross_cloud_gcp")] == {"cross_cloud_cidr": "10.210.0.0/16", "cross_cloud_gcp_region": "us-east1"}


def test_secrets_reach_validation_only_as_their_shape():
    keys = by_kind(network_hosts(hostvars(), GROUPS))[("az", "cross_cloud_azure")]["cross_cloud_pre_shared_keys"]
    assert keys == [{"length": 14, "valid": True}, {"length": 4, "valid": False}, {"length": 8, "valid": False}]
    assert "corpus_key_one" not in repr(keys)


@pytest.mark.parametrize("value, expected", [
    ("abcdefgh", {"length": 8, "valid": True}),
    ("abc.def_9", {"length": 9, "valid": True}),
    ("abcdefg", {"length": 7, "valid": False}),
    ("0abcdefgh", {"length": 9, "valid": False}),
    ("a" * 65, {"length": 65, "valid": False}),
    ("abc-defgh", {"length": 9, "valid": False}),
    (None, {"length": 0, "valid": False}),
    (["abcdefgh", "x"], [{"length": 8, "valid": True}, {"length": 1, "valid": False}]),
])
def test_describe_secret(value, expected):
    assert describe_secret(value) == expected


def test_undefined_values_become_unresolved_markers():
    hv = hostvars(az={"cross_cloud_cidr": "10.200.0.0/16",
                      "cross_cloud_pre_shared_keys": StrictUndefined(name="vault_psks"),
                      "cross_cloud_azure_linked_vnets": [{"name": StrictUndefined(name="vnet_name")}]})
    out = by_kind(network_hosts(hv, GROUPS))[("az", "cross_cloud_azure")]
    assert out["cross_cloud_cidr"] == "10.200.0.0/16"
    assert out["cross_cloud_pre_shared_keys"] == {"__unresolved__": "'vault_psks' is undefined"}
    assert out["cross_cloud_azure_linked_vnets"] == {"__unresolved__": "'vnet_name' is undefined"}


def test_a_host_whose_variables_fail_to_load_is_reported_not_raised():
    out = by_kind(network_hosts(hostvars(p=BrokenHost()), GROUPS))
    assert out[("p", "spoke")] == {"__host__": {"__unresolved__": "YAML parsing failed: mapping values are not "
                                                                  "allowed here"}}
    assert out[("t", "transit")]["transit_asn"] == 64512
