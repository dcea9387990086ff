"""The discovery-driven validator and router the emulator and these tests rely on."""

from __future__ import annotations

import pytest

from sandbox.gcp.discovery import Router, SchemaError, validator


def test_router_matches_discovery_paths():
    router = Router()
    method, params = router.match("GET", "compute/v1/projects/p/regions/us-east1/routers/r1/getRouterStatus")
    assert method.method_id == "compute.routers.getRouterStatus"
    assert params == {"project": "p", "region": "us-east1", "router": "r1"}
    method, params = router.match("DELETE", "dns/v1/projects/p/managedZones/z/rrsets/a.z./A")
    assert method.method_id == "dns.resourceRecordSets.delete" and params["type"] == "A"
    assert router.match("PUT", "compute/v1/projects/p/global/networks/n") == (None, True)
    assert router.match("GET", "compute/v1/nothing/here") == (None, False)


def test_request_mode_is_lenient_on_numbers_and_drops_output_only():
    clean = validator("compute").validate(
        {"name": "r", "network": "n", "bgp": {"asn": "65001"}, "id": "5", "creationTimestamp": "t"},
        "Router",
        mode="request",
    )
    assert clean == {"name": "r", "network": "n", "bgp": {"asn": 65001}}


@pytest.mark.parametrize(
    "value, message",
    [
        ({"name": "r", "bogus": 1}, 'Unknown name "bogus"'),
        ({"bgp": {"asn": "x"}}, "bgp.asn"),
        ({"bgpPeers": [{"advertiseMode": "SOMETIMES"}]}, "bgpPeers[0].advertiseMode"),
        ({"interfaces": {"name": "x"}}, "interfaces"),
    ],
)
def test_request_errors_name_the_field(value, message):
    with pytest.raises(SchemaError) as info:
        validator("compute").validate(value, "Router", mode="request")
    assert message in str(info.value)


def test_response_mode_is_strict_on_wire_types():
    check = validator("compute").validate
    check({"kind": "compute#network", "id": "123", "mtu": 1460}, "Network")
    with pytest.raises(SchemaError):
        check({"id": 123}, "Network")  # uint64 travels as a string
    with pytest.raises(SchemaError):
        check({"mtu": "1460"}, "Network")  # int32 travels as a number
    with pytest.raises(SchemaError):
        check({"status": "DONE", "surprise": True}, "Operation")


def test_dns_kind_defaults():
    zone = validator("dns").defaults(
        {"name": "z", "forwardingConfig": {"targetNameServers": [{}]}}, "ManagedZone"
    )
    assert zone["kind"] == "dns#managedZone"
    assert (
        zone["forwardingConfig"]["targetNameServers"][0]["kind"]
        == "dns#managedZoneForwardingConfigNameServerTarget"
    )
