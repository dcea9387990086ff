"""The schema reader over both generations of SDK models, and the api-versions read from the SDKs."""

from __future__ import annotations

import azure.mgmt.dnsresolver.models as dr
import azure.mgmt.network.models as nw
import azure.mgmt.privatedns.models as pdns

from sandbox.azure import resources, schema


def test_typespec_models_give_names_visibility_and_required():
    node = schema.model_schema(nw.Route)
    props = node["fields"]["properties"].node["fields"]
    assert props["nextHopType"].required is True  # non-Optional annotation
    assert props["provisioningState"].readonly is True  # visibility ["read"]
    assert props["nextHopIpAddress"].node == {"kind": "str"}
    assert props["nextHopType"].node["kind"] == "enum"
    assert "VirtualNetworkGateway" in props["nextHopType"].node["values"]
    peering = schema.model_schema(nw.IPConfigurationBgpPeeringAddress)["fields"]
    assert peering["customBgpIpAddresses"].node == {"kind": "list", "item": {"kind": "str"}}
    assert peering["tunnelIpAddresses"].readonly is True


def test_msrest_models_are_unflattened():
    node = schema.model_schema(dr.ForwardingRule)
    assert set(node["fields"]) >= {"id", "name", "type", "etag", "properties", "systemData"}
    props = node["fields"]["properties"]
    assert props.required is True  # it carries required members
    assert props.node["fields"]["domainName"].required is True
    assert props.node["fields"]["targetDnsServers"].node["item"]["fields"]["port"].node == {"kind": "int"}


def test_validation_modes():
    node = schema.model_schema(nw.VirtualNetwork)
    body = {"location": "westeurope", "properties": {"provisioningState": 5, "addressSpace": {"x": 1}}}
    request = schema.validate(body, node, mode="request")
    assert [p.kind for p in request] == ["unknown"]  # read-only members are ignored in requests
    response = schema.validate(body, node, mode="response")
    assert sorted(p.kind for p in response) == ["enum", "unknown"]  # provisioningState is an enum
    # references carry only an id: the referenced model's required members are not demanded
    ref = {"properties": {"connectionType": "IPsec", "virtualNetworkGateway1": {"id": "/x"}}}
    assert schema.validate(ref, schema.model_schema(nw.VirtualNetworkGatewayConnection)) == []
    assert [
        p.path for p in schema.validate({"properties": {}}, schema.model_schema(pdns.VirtualNetworkLink))
    ] == []


def test_api_versions_come_from_the_installed_sdks():
    assert resources.SDK_NETWORK == "2026-03-01"
    assert resources.SDK_PRIVATE_DNS == "2024-06-01"
    assert resources.SDK_DNS_RESOLVER == "2025-05-01"
    for rtype in resources.build_types():
        assert rtype.schema["kind"] == "object"
        sdk = {
            "network": resources.SDK_NETWORK,
            "privatedns": resources.SDK_PRIVATE_DNS,
            "dnsresolver": resources.SDK_DNS_RESOLVER,
        }[rtype.flavor]
        assert sdk in rtype.api_versions
