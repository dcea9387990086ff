"""Cloud DNS: the google-cloud-dns client, and private forwarding zones over raw HTTP."""

from __future__ import annotations

import pytest
from conftest import PROJECT
from google.api_core import exceptions
from google.cloud import dns

ZONES = f"dns:projects/{PROJECT}/managedZones"


@pytest.fixture
def client(emulator, credentials):
    return dns.Client(project=PROJECT, credentials=credentials, client_options={"api_endpoint": emulator.url})


def test_public_zone_and_records_with_google_cloud_dns(client):
    zone = client.zone("corp", "corp.example.", description="corp records")
    zone.create()
    assert zone.zone_id and zone.name_servers and zone.exists()
    assert [z.name for z in client.list_zones()] == ["corp"]
    changes = zone.changes()
    changes.add_record_set(zone.resource_record_set("api.corp.example.", "A", 300, ["10.1.2.3"]))
    changes.create()
    assert changes.status in ("pending", "done")
    changes.reload()
    assert changes.status == "done"
    records = {(r.name, r.record_type): r.rrdatas for r in zone.list_resource_record_sets()}
    assert records[("api.corp.example.", "A")] == ["10.1.2.3"]
    assert {("corp.example.", "SOA"), ("corp.example.", "NS")} <= set(records)
    with pytest.raises(exceptions.BadRequest):
        zone.delete()  # not empty
    with pytest.raises(exceptions.Conflict):
        client.zone("corp", "corp.example.", description="again").create()
    removal = zone.changes()
    removal.delete_record_set(zone.resource_record_set("api.corp.example.", "A", 300, ["10.1.2.3"]))
    removal.create()
    zone.delete()
    assert not zone.exists()


def test_private_forwarding_zone(api, network):
    body = {
        "name": "aws-services",
        "dnsName": "amazonaws.com.",
        "description": "AWS service names to the Route 53 Resolver inbound endpoint",
        "visibility": "private",
        "privateVisibilityConfig": {"networks": [{"networkUrl": network["selfLink"]}]},
        "forwardingConfig": {
            "targetNameServers": [
                {"ipv4Address": "10.100.0.10", "forwardingPath": "private"},
                {"ipv4Address": "10.100.1.10", "forwardingPath": "private"},
            ]
        },
    }
    created = api.post(ZONES, json=body)
    assert created.status_code == 200, created.text
    zone = created.json()
    assert zone["kind"] == "dns#managedZone" and zone["id"].isdigit()
    assert zone["nameServers"] == ["ns-gcp-private.googledomains.com."]
    assert zone["privateVisibilityConfig"]["kind"] == "dns#managedZonePrivateVisibilityConfig"
    assert zone["privateVisibilityConfig"]["networks"][0] == {
        "networkUrl": network["selfLink"],
        "kind": "dns#managedZonePrivateVisibilityConfigNetwork",
    }
    targets = zone["forwardingConfig"]["targetNameServers"]
    assert [t["ipv4Address"] for t in targets] == ["10.100.0.10", "10.100.1.10"]
    assert all(t["kind"] == "dns#managedZoneForwardingConfigNameServerTarget" for t in targets)
    assert zone["creationTime"].endswith("Z")

    patched = api.patch(
        f"{ZONES}/aws-services",
        json={"forwardingConfig": {"targetNameServers": [{"ipv4Address": "10.100.2.10"}]}},
    )
    op = patched.json()
    assert op["kind"] == "dns#operation" and op["status"] == "done" and op["type"] == "patch"
    assert (
        op["zoneContext"]["oldValue"]["forwardingConfig"]["targetNameServers"][0]["ipv4Address"]
        == "10.100.0.10"
    )
    again = api.get(f"{ZONES}/aws-services").json()
    assert again["forwardingConfig"]["targetNameServers"] == [
        {
            "ipv4Address": "10.100.2.10",
            "forwardingPath": "default",
            "kind": "dns#managedZoneForwardingConfigNameServerTarget",
        }
    ]
    listed = api.get(ZONES, params={"dnsName": "amazonaws.com."}).json()
    assert [z["name"] for z in listed["managedZones"]] == ["aws-services"]
    assert api.patch(f"{ZONES}/aws-services", json={"dnsName": "other.com."}).status_code == 400
    assert api.delete(f"{ZONES}/aws-services").status_code == 204
    assert api.get(f"{ZONES}/aws-services").status_code == 404


def test_zone_validation(api, network):
    forwarding_public = {
        "name": "f",
        "dnsName": "x.com.",
        "forwardingConfig": {"targetNameServers": [{"ipv4Address": "10.0.0.2"}]},
    }
    assert api.post(ZONES, json=forwarding_public).status_code == 400
    unknown_net = {
        "name": "u",
        "dnsName": "x.com.",
        "visibility": "private",
        "privateVisibilityConfig": {
            "networks": [
                {"networkUrl": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/no"}
            ]
        },
    }
    assert api.post(ZONES, json=unknown_net).status_code == 400
    assert api.post(ZONES, json={"name": "d", "dnsName": "nodot.com"}).status_code == 400
    assert api.post(ZONES, json={"name": "d", "dnsName": "x.com.", "shape": "round"}).status_code == 400
    missing = api.get(f"{ZONES}/none")
    assert missing.status_code == 404
    assert (
        missing.json()["error"]["message"]
        == "The 'parameters.managedZone' resource named 'none' does not exist."
    )


def test_changes_preconditions_and_rrsets(api):
    assert api.post(ZONES, json={"name": "z", "dnsName": "z.example."}).status_code == 200
    changes = f"{ZONES}/z/changes"
    record = {"name": "a.z.example.", "type": "A", "ttl": 60, "rrdatas": ["10.0.0.1"]}
    first = api.post(changes, json={"additions": [record]}).json()
    assert first["status"] == "pending" and first["id"] == "1"
    assert api.get(f"{changes}/1").json()["status"] == "done"
    duplicate = api.post(changes, json={"additions": [record]})
    assert duplicate.status_code == 409
    stale = api.post(changes, json={"deletions": [{**record, "rrdatas": ["10.0.0.9"]}]})
    assert stale.status_code == 412 and stale.json()["error"]["errors"][0]["reason"] == "conditionNotMet"
    gone = api.post(changes, json={"deletions": [{**record, "name": "b.z.example."}]})
    assert gone.status_code == 404
    outside = api.post(changes, json={"additions": [{**record, "name": "a.other.example."}]})
    assert outside.status_code == 400
    # The rrsets collection: create, get, patch, delete.
    rrsets = f"{ZONES}/z/rrsets"
    created = api.post(
        rrsets, json={"name": "w.z.example.", "type": "CNAME", "ttl": 300, "rrdatas": ["a.z.example."]}
    )
    assert created.status_code == 200 and created.json()["kind"] == "dns#resourceRecordSet"
    patched = api.patch(f"{rrsets}/w.z.example./CNAME", json={"ttl": 30})
    assert patched.json()["ttl"] == 30
    assert api.get(f"{rrsets}/w.z.example./CNAME").json()["rrdatas"] == ["a.z.example."]
    assert api.delete(f"{rrsets}/w.z.example./CNAME").json() == {}
    assert api.delete(f"{rrsets}/z.example./SOA").status_code == 400
    history = api.get(changes).json()
    assert [c["id"] for c in history["changes"]] == ["1"]
    page = api.get(rrsets, params={"maxResults": 1}).json()
    assert len(page["rrsets"]) == 1 and page["nextPageToken"]
