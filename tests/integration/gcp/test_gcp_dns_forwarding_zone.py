"""gcp_dns_forwarding_zone against the GCP emulator, read back with google-api-python-client (dns v1)."""

from __future__ import annotations

import json

import pytest
from gcp_env import PROJECT


def zone_args(uid, network, service):
    return {"name": f"aws-{service}-{uid}", "dns_name": f"{service}.us-east-1.amazonaws.com", "networks": [network],
            "targets": [{"ipv4_address": "10.100.3.10", "forwarding_path": "private"},
                        {"ipv4_address": "10.100.2.10", "forwarding_path": "private"}],
            "topology": "itest", "labels": {"service": service}}


@pytest.mark.parametrize("service", ["s3", "lambda"])
def test_four_pass_private_forwarding_zone(four_pass, module, dns_api, network, uid, service):
    result = four_pass("gcp_dns_forwarding_zone", zone_args(uid, network, service), "zone")
    zone = dns_api.managedZones().get(project=PROJECT, managedZone=f"aws-{service}-{uid}").execute()
    assert zone["dnsName"] == f"{service}.us-east-1.amazonaws.com."
    assert zone["visibility"] == "private"
    assert [n["networkUrl"].rsplit("/", 1)[1] for n in zone["privateVisibilityConfig"]["networks"]] == [network]
    assert sorted((t["ipv4Address"], t["forwardingPath"]) for t in zone["forwardingConfig"]["targetNameServers"]) == [
        ("10.100.2.10", "private"), ("10.100.3.10", "private")]
    assert zone["labels"] == {"service": service, "cloudnet-managed-by": "cloudnet-privatelink",
                              "cloudnet-topology": "itest"}
    assert result["zone"]["id"] == zone["id"]
    assert [t["ipv4_address"] for t in result["zone"]["targets"]] == ["10.100.2.10", "10.100.3.10"]
    info = module("gcp_dns_forwarding_zone_info",
                  {"dns_name": f"{service}.us-east-1.amazonaws.com", "managed_only": True, "topology": "itest"})
    assert result["zone"] in info["zones"]
    assert module("gcp_dns_forwarding_zone_info", {"name": f"aws-{service}-{uid}"})["zones"] == [result["zone"]]


def test_update_targets_and_networks_then_absent(module, dns_api, gcp, network, session, uid):
    from gcp_env import wait_op

    other = f"other-{uid}"
    wait_op(session, gcp, session.post(gcp.compute_endpoint + f"projects/{PROJECT}/global/networks",
                                       json={"name": other, "autoCreateSubnetworks": False}).json())
    args = zone_args(uid, network, "s3")
    module("gcp_dns_forwarding_zone", args)
    args.update(networks=[network, other], targets=[{"ipv4_address": "10.100.4.10"}])
    before = gcp.calls.count(mutating=True)
    planned = module("gcp_dns_forwarding_zone", args, check=True)
    assert gcp.calls.count(mutating=True) == before
    assert planned["operations"] == [{"action": "update", "target": f"aws-s3-{uid}", "fields": ["networks", "targets"]}]
    updated = module("gcp_dns_forwarding_zone", args)
    assert updated["diff"]["after"] == planned["diff"]["after"]
    zone = dns_api.managedZones().get(project=PROJECT, managedZone=f"aws-s3-{uid}").execute()
    assert sorted(n["networkUrl"].rsplit("/", 1)[1] for n in zone["privateVisibilityConfig"]["networks"]) == sorted(
        [network, other])
    assert [(t["ipv4Address"], t.get("forwardingPath")) for t in zone["forwardingConfig"]["targetNameServers"]] == [
        ("10.100.4.10", "default")]
    assert module("gcp_dns_forwarding_zone", args)["changed"] is False
    absent = {"name": f"aws-s3-{uid}", "state": "absent", "topology": "itest"}
    assert module("gcp_dns_forwarding_zone", absent)["changed"] is True
    names = [z["name"] for z in dns_api.managedZones().list(project=PROJECT).execute().get("managedZones", [])]
    assert f"aws-s3-{uid}" not in names
    assert module("gcp_dns_forwarding_zone", absent)["changed"] is False


def test_foreign_zone_is_never_changed_or_deleted(module, dns_api, network, uid):
    dns_api.managedZones().create(project=PROJECT, body={
        "name": f"hand-{uid}", "dnsName": "kinesis.us-east-1.amazonaws.com.", "description": "hand-made",
        "visibility": "private", "privateVisibilityConfig": {"networks": [
            {"networkUrl": f"https://www.googleapis.com/compute/v1/projects/{PROJECT}/global/networks/{network}"}]},
    }).execute()
    args = dict(zone_args(uid, network, "kinesis"), name=f"hand-{uid}")
    assert "not labelled as managed" in module("gcp_dns_forwarding_zone", args, expect_failure=True)["msg"]
    kept = module("gcp_dns_forwarding_zone", {"name": f"hand-{uid}", "state": "absent", "topology": "itest"})
    assert kept["changed"] is False and "left in place" in kept["warnings"][0]
    zone = dns_api.managedZones().get(project=PROJECT, managedZone=f"hand-{uid}").execute()
    assert zone["description"] == "hand-made"


def test_bad_dns_name_is_rejected_before_any_call(module, gcp):
    before = len(gcp.calls.calls())
    failed = module("gcp_dns_forwarding_zone", {"name": "z", "dns_name": "localhost", "networks": ["n"],
                                                "targets": [{"ipv4_address": "10.0.0.1"}]}, expect_failure=True)
    assert failed["msg"].startswith("dns_name: is not a DNS name")
    assert len(gcp.calls.calls()) == before


def test_service_account_contents_and_api_endpoint_options(module, gcp, network, uid):
    """The key passed as an option (no_log) and the root endpoint option instead of the environment."""
    key = open(gcp.service_account_file).read()
    env = {"GCP_SERVICE_ACCOUNT_FILE": "", "GCP_COMPUTE_ENDPOINT": "", "GCP_DNS_ENDPOINT": "", "GCP_AUTH_KIND": ""}
    args = dict(zone_args(uid, network, "sts"), auth_kind="serviceaccount", service_account_contents=key,
                api_endpoint=gcp.url)
    created = module("gcp_dns_forwarding_zone", args, env=env)
    assert created["changed"] and created["zone"]["dns_name"] == "sts.us-east-1.amazonaws.com."
    private_key = json.loads(key)["private_key"]
    assert private_key.splitlines()[1] not in json.dumps(created)
    assert created["invocation"]["module_args"]["service_account_contents"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
