"""Wire-level ARM behaviour over raw HTTP: envelopes, api-versions, etags, LRO, paging, validation."""

from __future__ import annotations

import time

from conftest import LOCATION

NET = "2026-03-01"


def _vnet_body(prefix="10.60.0.0/16", **props):
    return {"location": LOCATION, "properties": {"addressSpace": {"addressPrefixes": [prefix]}, **props}}


def _path(arm, rg, rest):
    return f"{arm.sub}/resourceGroups/{rg}/providers/Microsoft.Network/{rest}"


def test_error_envelopes_for_missing_things(arm, rg):
    response = arm.request("GET", _path(arm, "no-such-rg", "virtualNetworks/v"), NET)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ResourceGroupNotFound"
    assert response.json()["error"]["message"] == "Resource group 'no-such-rg' could not be found."

    response = arm.request("GET", _path(arm, rg, "virtualNetworks/nope"), NET)
    assert response.status_code == 404
    assert response.json() == {
        "error": {
            "code": "ResourceNotFound",
            "message": "The Resource 'Microsoft.Network/virtualNetworks/nope' under resource group "
            f"'{rg}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
        }
    }

    assert arm.request("PUT", _path(arm, rg, "virtualNetworks/v"), NET, json=_vnet_body()).status_code == 201
    response = arm.request("GET", _path(arm, rg, "virtualNetworks/v/subnets/nope"), NET)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NotFound"  # child resources answer NotFound
    # deleting something absent is a no-op 204
    assert arm.request("DELETE", _path(arm, rg, "routeTables/absent"), NET).status_code == 204
    response = arm.request(
        "GET", "/subscriptions/11111111-2222-3333-4444-555555555555/resourcegroups/x", "2024-03-01"
    )
    assert response.json()["error"]["code"] == "SubscriptionNotFound"


def test_api_version_rules(arm, rg):
    response = arm.request("GET", _path(arm, rg, "virtualNetworks"))
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "MissingApiVersionParameter"
    response = arm.request("PUT", _path(arm, rg, "virtualNetworks/v"), "2099-01-01", json=_vnet_body())
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "NoRegisteredProviderFound"
    assert (
        "No registered resource provider found for location 'westeurope' and API version '2099-01-01' "
        "for type 'virtualNetworks'" in error["message"]
    )
    assert "2026-03-01" in error["message"]
    response = arm.request("GET", f"{arm.sub}/resourcegroups/{rg}", "2099-01-01")
    assert response.json()["error"]["code"] == "InvalidApiVersionParameter"
    # older, real api-versions still work, as on ARM
    assert arm.request("GET", _path(arm, rg, "virtualNetworks"), "2023-09-01").status_code == 200
    response = arm.request("GET", _path(arm, rg, "privateDnsZones"), NET)
    assert response.json()["error"]["code"] == "NoRegisteredProviderFound"


def test_request_validation_against_sdk_schema(arm, rg):
    url = _path(arm, rg, "virtualNetworks/v")
    response = arm.request("PUT", url, NET, json=_vnet_body(bogusSetting=True))
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "InvalidRequestFormat"
    assert (
        "Could not find member 'bogusSetting' on object of type 'VirtualNetworkPropertiesFormat'"
        in error["details"][0]["message"]
    )
    response = arm.request("PUT", url, NET, json=_vnet_body(enableDdosProtection="yes"))
    assert response.json()["error"]["details"][0]["message"].startswith('Error converting value "yes"')
    response = arm.request("PUT", url, NET, data=b"{not json", headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "InvalidRequestFormat"
    response = arm.request(
        "PUT", url, NET, json={"properties": {"addressSpace": {"addressPrefixes": ["10.0.0.0/8"]}}}
    )
    assert response.json()["error"]["code"] == "LocationRequired"
    response = arm.request("PUT", url, NET, json=_vnet_body() | {"location": "moon-east"})
    assert response.json()["error"]["code"] == "LocationNotAvailableForResourceType"
    # a route without its required nextHopType
    arm.request("PUT", _path(arm, rg, "routeTables/rt"), NET, json={"location": LOCATION})
    response = arm.request(
        "PUT",
        _path(arm, rg, "routeTables/rt/routes/r"),
        NET,
        json={"properties": {"addressPrefix": "10.0.0.0/8"}},
    )
    assert response.status_code == 400
    assert "nextHopType" in response.json()["error"]["details"][0]["message"]
    # read-only members sent back from a GET are accepted and ignored
    assert arm.request("PUT", url, NET, json=_vnet_body()).status_code == 201
    got = arm.request("GET", url, NET).json()
    got["properties"]["provisioningState"] = "Failed"
    again = arm.request("PUT", url, NET, json=got)
    assert again.status_code == 200
    assert arm.request("GET", url, NET).json()["properties"]["provisioningState"] == "Succeeded"


def test_put_lro_headers_status_and_delete(arm, rg, emulator):
    emulator.configure(lro_seconds={"Microsoft.Network/virtualNetworks": 0.6})
    url = _path(arm, rg, "virtualNetworks/slow")
    created = arm.request("PUT", url, NET, json=_vnet_body())
    assert created.status_code == 201
    assert created.json()["properties"]["provisioningState"] == "Updating"
    assert created.headers["Retry-After"] == "1"
    status_url = created.headers["Azure-AsyncOperation"]
    assert (
        f"/subscriptions/{emulator.subscription_id}/providers/Microsoft.Network/locations/westeurope/"
        "operations/" in status_url
    )
    assert arm.request("GET", status_url).json() == {"status": "InProgress"}
    # a second write while the first runs is refused
    busy = arm.request("PUT", url, NET, json=_vnet_body())
    assert busy.status_code == 409
    assert busy.json()["error"]["code"] == "AnotherOperationInProgress"
    time.sleep(0.65)
    assert arm.request("GET", status_url).json() == {"status": "Succeeded"}
    assert arm.request("GET", url, NET).json()["properties"]["provisioningState"] == "Succeeded"
    updated = arm.request("PUT", url, NET, json=_vnet_body())
    assert updated.status_code == 200

    time.sleep(0.65)
    deleted = arm.request("DELETE", url, NET)
    assert deleted.status_code == 202
    assert (
        deleted.headers["Location"]
        .split("?")[0]
        .endswith(deleted.headers["Azure-AsyncOperation"].split("/operations/")[1].split("?")[0])
    )
    assert arm.request("GET", url, NET).json()["properties"]["provisioningState"] == "Deleting"
    assert arm.request("GET", deleted.headers["Location"]).status_code == 202
    time.sleep(0.65)
    assert arm.request("GET", deleted.headers["Azure-AsyncOperation"]).json()["status"] == "Succeeded"
    assert arm.request("GET", deleted.headers["Location"]).status_code == 204
    assert arm.request("GET", url, NET).status_code == 404


def test_etags_and_preconditions(arm, rg):
    url = _path(arm, rg, "routeTables/rt")
    first = arm.request("PUT", url, NET, json={"location": LOCATION})
    etag = first.json()["etag"]
    assert etag.startswith('W/"') and etag.endswith('"')
    response = arm.request("PUT", url, NET, json={"location": LOCATION}, headers={"If-None-Match": "*"})
    assert response.status_code == 412
    assert response.json()["error"]["code"] == "PreconditionFailed"
    response = arm.request("PUT", url, NET, json={"location": LOCATION}, headers={"If-Match": 'W/"stale"'})
    assert response.status_code == 412
    ok = arm.request(
        "PUT", url, NET, json={"location": LOCATION, "tags": {"a": "b"}}, headers={"If-Match": etag}
    )
    assert ok.status_code == 200
    assert ok.json()["etag"] != etag  # every write changes the etag
    assert arm.request("GET", url, NET).headers["ETag"] == ok.json()["etag"]
    assert arm.request("DELETE", url, NET, headers={"If-Match": etag}).status_code == 412
    patched = arm.request("PATCH", url, NET, json={"tags": {"env": "test"}})
    assert patched.status_code == 200
    assert patched.json()["tags"] == {"env": "test"}


def test_paging_next_link(arm, rg, emulator):
    for i in range(5):
        arm.request("PUT", _path(arm, rg, f"routeTables/rt{i}"), NET, json={"location": LOCATION})
    names, url, pages = [], _path(arm, rg, "routeTables"), 0
    response = arm.request("GET", url, NET)
    while True:
        pages += 1
        body = response.json()
        names += [item["name"] for item in body["value"]]
        if "nextLink" not in body:
            break
        assert body["nextLink"].startswith(emulator.url)
        assert "api-version=2026-03-01" in body["nextLink"]
        response = arm.request("GET", body["nextLink"])
    assert names == [f"rt{i}" for i in range(5)]
    assert pages == 3


def test_vnet_put_replaces_inline_subnets(arm, rg):
    url = _path(arm, rg, "virtualNetworks/v")
    body = _vnet_body(
        subnets=[
            {"name": "a", "properties": {"addressPrefix": "10.60.1.0/24"}},
            {"name": "b", "properties": {"addressPrefix": "10.60.2.0/24"}},
        ]
    )
    assert arm.request("PUT", url, NET, json=body).status_code == 201
    assert arm.request("GET", f"{url}/subnets/b", NET).status_code == 200
    # PUT without subnet b deletes it, as on Azure
    body["properties"]["subnets"] = body["properties"]["subnets"][:1]
    assert arm.request("PUT", url, NET, json=body).status_code == 200
    assert arm.request("GET", f"{url}/subnets/b", NET).status_code == 404
    listed = arm.request("GET", f"{url}/subnets", NET).json()
    assert [s["name"] for s in listed["value"]] == ["a"]


def test_resource_groups(arm, emulator):
    name = arm.group("Rg-Mixed-Case")
    got = arm.request("GET", f"{arm.sub}/resourcegroups/rg-mixed-case", "2024-03-01").json()
    assert got["id"] == f"/subscriptions/{emulator.subscription_id}/resourceGroups/{name}"
    assert got["properties"]["provisioningState"] == "Succeeded"
    assert arm.request("HEAD", f"{arm.sub}/resourcegroups/{name}", "2024-03-01").status_code == 204
    arm.request("PUT", _path(arm, name, "routeTables/rt"), NET, json={"location": LOCATION})
    deleted = arm.request("DELETE", f"{arm.sub}/resourcegroups/{name}", "2024-03-01")
    assert deleted.status_code == 202
    assert arm.request("GET", deleted.headers["Location"]).status_code == 200
    assert arm.request("HEAD", f"{arm.sub}/resourcegroups/{name}", "2024-03-01").status_code == 404
    assert (
        arm.request("GET", _path(arm, name, "routeTables/rt"), NET).json()["error"]["code"]
        == "ResourceGroupNotFound"
    )


def test_network_rp_serialises_writes_under_one_vnet(arm, rg, emulator):
    url = _path(arm, rg, "virtualNetworks/v")
    assert arm.request("PUT", url, NET, json=_vnet_body()).status_code == 201
    emulator.configure(lro_seconds={"Microsoft.Network/virtualNetworks/subnets": 0.5})
    first = arm.request(
        "PUT", f"{url}/subnets/a", NET, json={"properties": {"addressPrefix": "10.60.1.0/24"}}
    )
    assert first.status_code == 201
    sibling = arm.request(
        "PUT", f"{url}/subnets/b", NET, json={"properties": {"addressPrefix": "10.60.2.0/24"}}
    )
    assert sibling.status_code == 409
    assert sibling.json()["error"]["code"] == "AnotherOperationInProgress"
    assert first.headers["Azure-AsyncOperation"] in sibling.json()["error"]["message"]
    time.sleep(0.55)
    assert (
        arm.request(
            "PUT", f"{url}/subnets/b", NET, json={"properties": {"addressPrefix": "10.60.2.0/24"}}
        ).status_code
        == 201
    )
