"""Raw HTTP behaviour of the Compute emulator: envelopes, operations, paging, filters, fingerprints."""

from __future__ import annotations

import pytest
from conftest import PROJECT, REGION

NETS = f"compute:projects/{PROJECT}/global/networks"
SUBNETS = f"compute:projects/{PROJECT}/regions/{REGION}/subnetworks"
ROUTES = f"compute:projects/{PROJECT}/global/routes"
ROUTERS = f"compute:projects/{PROJECT}/regions/{REGION}/routers"
GATEWAYS = f"compute:projects/{PROJECT}/regions/{REGION}/vpnGateways"
EXTERNAL = f"compute:projects/{PROJECT}/global/externalVpnGateways"
TUNNELS = f"compute:projects/{PROJECT}/regions/{REGION}/vpnTunnels"


def reason(response):
    return response.json()["error"]["errors"][0]["reason"]


def test_not_found_envelope(api):
    response = api.get(f"{NETS}/nope")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["errors"][0] == {
        "message": f"The resource 'projects/{PROJECT}/global/networks/nope' was not found",
        "domain": "global",
        "reason": "notFound",
    }
    assert error["status"] == "NOT_FOUND"


def test_insert_answers_an_operation_and_applies_when_done(api, emulator):
    emulator.operation_polls = 2
    op = api.post(NETS, json={"name": "slow", "autoCreateSubnetworks": False}).json()
    assert op["status"] == "PENDING" and op["operationType"] == "insert"
    assert op["targetLink"].endswith(f"/projects/{PROJECT}/global/networks/slow")
    assert op["id"].isdigit() and isinstance(op["id"], str)
    # Not visible until the operation is DONE (eventual consistency a caller must wait out).
    assert api.get(f"{NETS}/slow").status_code == 404
    op_path = f"compute:projects/{PROJECT}/global/operations/{op['name']}"
    assert [api.get(op_path).json()["status"] for _ in range(3)] == ["RUNNING", "RUNNING", "DONE"]
    done = api.get(op_path).json()
    assert done["progress"] == 100 and "endTime" in done and "error" not in done
    net = api.get(f"{NETS}/slow").json()
    assert net["id"] == op["targetId"]
    assert net["selfLink"] == op["targetLink"]
    assert net["creationTimestamp"]
    listed = api.get(
        f"compute:projects/{PROJECT}/global/operations", params={"filter": f"name = {op['name']}"}
    )
    assert [o["name"] for o in listed.json()["items"]] == [op["name"]]


def test_wait_finishes_and_regional_operations_carry_region(api, network):
    op = api.post(SUBNETS, json={"name": "b", "network": network["selfLink"], "ipCidrRange": "10.11.0.0/24"})
    body = op.json()
    assert body["region"].endswith(f"/regions/{REGION}")
    assert f"/regions/{REGION}/operations/" in body["selfLink"]
    finished = api.ok(op)
    assert finished["status"] == "DONE"
    missing = api.post(f"compute:projects/{PROJECT}/regions/{REGION}/operations/operation-0-nope/wait")
    assert missing.status_code == 404


def test_request_id_makes_inserts_idempotent(api):
    params = {"requestId": "0f3c7a52-5a7e-4b6f-9a59-8d1f3e0c4b21"}
    first = api.post(NETS, json={"name": "once", "autoCreateSubnetworks": False}, params=params).json()
    again = api.post(NETS, json={"name": "once", "autoCreateSubnetworks": False}, params=params).json()
    assert first["name"] == again["name"]
    api.ok(api.post(NETS, json={"name": "twice", "autoCreateSubnetworks": False}))
    assert reason(api.post(NETS, json={"name": "twice", "autoCreateSubnetworks": False})) == "alreadyExists"


def test_body_validation(api):
    unknown = api.post(NETS, json={"name": "x", "autoCreateSubnetworks": False, "colour": "blue"})
    assert unknown.status_code == 400 and reason(unknown) == "invalid"
    assert 'Unknown name "colour"' in unknown.json()["error"]["message"]
    nested = api.post(NETS, json={"name": "x", "routingConfig": {"mode": "GLOBAL"}})
    assert nested.status_code == 400 and "network_resource.routingConfig" in nested.json()["error"]["message"]
    wrong_type = api.post(NETS, json={"name": "x", "mtu": "big"})
    assert wrong_type.status_code == 400
    bad_enum = api.post(NETS, json={"name": "x", "routingConfig": {"routingMode": "WORLD"}})
    assert bad_enum.status_code == 400
    bad_name = api.post(NETS, json={"name": "Upper_Case"})
    assert bad_name.status_code == 400 and reason(bad_name) == "invalid"
    missing = api.post(ROUTES, json={"name": "r", "destRange": "10.0.0.0/8"})
    assert missing.status_code == 400 and reason(missing) == "required"
    query = api.get(NETS, params={"colour": "blue"})
    assert query.status_code == 400 and "Cannot bind query parameter" in query.json()["error"]["message"]
    garbage = api.post(NETS, data=b"{not json", headers={"Content-Type": "application/json"})
    assert garbage.status_code == 400


def test_output_only_fields_are_ignored_on_input(api):
    body = {
        "name": "oo",
        "autoCreateSubnetworks": False,
        "id": "1",
        "selfLink": "x",
        "kind": "compute#nope",
        "creationTimestamp": "yesterday",
        "subnetworks": ["z"],
    }
    api.ok(api.post(NETS, json=body))
    net = api.get(f"{NETS}/oo").json()
    assert net["id"] != "1" and net["kind"] == "compute#network" and "subnetworks" not in net
    assert net["selfLink"].endswith("/global/networks/oo")


def test_paging_and_filters(api, network):
    for i in range(5):
        api.ok(
            api.post(
                ROUTES,
                json={
                    "name": f"r-{i}",
                    "network": network["selfLink"],
                    "priority": 900 + i,
                    "destRange": f"10.{100 + i}.0.0/16",
                    "nextHopIp": "10.10.0.5",
                },
            )
        )
    names, token, pages = [], None, 0
    while True:
        params = {"maxResults": 2, "filter": "name eq r-.*"}
        if token:
            params["pageToken"] = token
        body = api.get(ROUTES, params=params).json()
        names += [r["name"] for r in body.get("items", [])]
        pages += 1
        token = body.get("nextPageToken")
        if not token:
            break
    assert names == [f"r-{i}" for i in range(5)] and pages == 3
    assert [r["name"] for r in api.get(ROUTES, params={"filter": 'name = "r-3"'}).json()["items"]] == ["r-3"]
    both = api.get(ROUTES, params={"filter": '(destRange = "10.10*") (priority = 901)'}).json()["items"]
    assert [r["name"] for r in both] == ["r-1"]
    assert len(api.get(ROUTES, params={"filter": "name ne r-.*"}).json()["items"]) == 2  # system routes
    assert api.get(ROUTES, params={"filter": "name eq ("}).status_code == 400
    assert api.get(ROUTES, params={"maxResults": 501}).status_code == 400
    assert api.get(ROUTES, params={"pageToken": "garbage"}).status_code == 400
    empty = api.get(ROUTES, params={"filter": "name eq nothing"}).json()
    assert "items" not in empty and empty["kind"] == "compute#routeList"


def test_subnetwork_fingerprint(api, network):
    sub = api.get(f"{SUBNETS}/hub-a").json()
    assert sub["gatewayAddress"] == "10.10.0.1"
    old = sub["fingerprint"]
    api.ok(api.patch(f"{SUBNETS}/hub-a", json={"privateIpGoogleAccess": True, "fingerprint": old}))
    sub = api.get(f"{SUBNETS}/hub-a").json()
    assert sub["privateIpGoogleAccess"] is True and sub["fingerprint"] != old
    stale = api.patch(f"{SUBNETS}/hub-a", json={"privateIpGoogleAccess": False, "fingerprint": old})
    assert stale.status_code == 412 and reason(stale) == "conditionNotMet"
    missing = api.patch(f"{SUBNETS}/hub-a", json={"privateIpGoogleAccess": False})
    assert missing.status_code == 400
    immutable = api.patch(
        f"{SUBNETS}/hub-a", json={"ipCidrRange": "10.12.0.0/24", "fingerprint": sub["fingerprint"]}
    )
    assert immutable.status_code == 400
    overlap = api.post(
        SUBNETS, json={"name": "dup", "network": network["selfLink"], "ipCidrRange": "10.10.0.128/25"}
    )
    assert overlap.status_code == 400 and "conflicts" in overlap.json()["error"]["message"]


def test_label_fingerprint(api, network):
    api.ok(api.post(GATEWAYS, json={"name": "gw", "network": network["selfLink"], "labels": {"team": "net"}}))
    gateway = api.get(f"{GATEWAYS}/gw").json()
    path = f"{GATEWAYS}/gw/setLabels"
    api.ok(
        api.post(
            path, json={"labels": {"owner": "cloudnet"}, "labelFingerprint": gateway["labelFingerprint"]}
        )
    )
    after = api.get(f"{GATEWAYS}/gw").json()
    assert after["labels"] == {"owner": "cloudnet"}
    stale = api.post(path, json={"labels": {}, "labelFingerprint": gateway["labelFingerprint"]})
    assert stale.status_code == 412 and reason(stale) == "conditionNotMet"


def test_references_and_in_use(api, network):
    in_use = api.delete(f"{NETS}/hub")
    assert in_use.status_code == 400 and reason(in_use) == "resourceInUseByAnotherResource"
    assert f"regions/{REGION}/subnetworks/hub-a" in in_use.json()["error"]["message"]
    routes = api.get(ROUTES).json()["items"]
    subnet_route = next(r for r in routes if r.get("routeType") == "SUBNET")
    assert (
        subnet_route["destRange"] == "10.10.0.0/24" and subnet_route["nextHopNetwork"] == network["selfLink"]
    )
    assert api.delete(f"{ROUTES}/{subnet_route['name']}").status_code == 400
    missing_net = api.post(
        SUBNETS, json={"name": "x", "network": "global/networks/none", "ipCidrRange": "10.9.0.0/24"}
    )
    assert missing_net.status_code == 404
    malformed = api.post(SUBNETS, json={"name": "x", "network": "none", "ipCidrRange": "10.9.0.0/24"})
    assert malformed.status_code == 400
    api.ok(api.delete(f"{SUBNETS}/hub-a"))
    api.ok(api.delete(f"{NETS}/hub"))
    assert "items" not in api.get(ROUTES).json()  # system routes went with their network


def test_route_next_hops(api, network):
    base = {"network": network["selfLink"], "destRange": "0.0.0.0/0", "priority": 100}
    two = api.post(
        ROUTES,
        json={
            **base,
            "name": "two",
            "nextHopIp": "10.10.0.5",
            "nextHopGateway": "global/gateways/default-internet-gateway",
        },
    )
    assert two.status_code == 400
    api.ok(
        api.post(
            ROUTES, json={**base, "name": "igw", "nextHopGateway": "global/gateways/default-internet-gateway"}
        )
    )
    assert (
        api.get(f"{ROUTES}/igw")
        .json()["nextHopGateway"]
        .endswith(f"projects/{PROJECT}/global/gateways/default-internet-gateway")
    )
    assert (
        api.post(ROUTES, json={**base, "name": "gw2", "nextHopGateway": "global/gateways/other"}).status_code
        == 400
    )
    tunnel = api.post(
        ROUTES, json={**base, "name": "t", "nextHopVpnTunnel": f"regions/{REGION}/vpnTunnels/none"}
    )
    assert tunnel.status_code == 404 and reason(tunnel) == "notFound"
    outside = api.post(ROUTES, json={**base, "name": "ip", "nextHopIp": "192.168.1.1"})
    assert outside.status_code == 400


def test_router_validation_and_update(api, network):
    assert (
        api.post(
            ROUTERS, json={"name": "r", "network": network["selfLink"], "bgp": {"asn": 16509}}
        ).status_code
        == 400
    )
    custom_in_default = {"asn": 65001, "advertisedIpRanges": [{"range": "10.0.0.0/8"}]}
    assert (
        api.post(
            ROUTERS, json={"name": "r", "network": network["selfLink"], "bgp": custom_in_default}
        ).status_code
        == 400
    )
    api.ok(api.post(ROUTERS, json={"name": "r", "network": network["selfLink"], "bgp": {"asn": 65001}}))
    router = api.get(f"{ROUTERS}/r").json()
    assert router["bgp"] == {"asn": 65001, "advertiseMode": "DEFAULT", "keepaliveInterval": 20}
    orphan_peer = {"bgpPeers": [{"name": "p", "interfaceName": "missing", "peerAsn": 64512}]}
    assert api.patch(f"{ROUTERS}/r", json=orphan_peer).status_code == 400
    peer_outside = {
        "interfaces": [{"name": "if0", "ipRange": "169.254.1.2/30"}],
        "bgpPeers": [{"name": "p", "interfaceName": "if0", "peerAsn": 64512, "peerIpAddress": "169.254.2.1"}],
    }
    assert api.patch(f"{ROUTERS}/r", json=peer_outside).status_code == 400
    assert api.patch(f"{ROUTERS}/r", json={"network": "global/networks/other"}).status_code == 400
    # PUT replaces the whole resource: the network is required, bgp omitted means no bgp.
    assert api.put(f"{ROUTERS}/r", json={"name": "r"}).status_code == 400
    api.ok(
        api.put(f"{ROUTERS}/r", json={"name": "r", "network": network["selfLink"], "description": "replaced"})
    )
    replaced = api.get(f"{ROUTERS}/r").json()
    assert replaced["description"] == "replaced" and "bgp" not in replaced and replaced["id"] == router["id"]
    aggregated = api.get(f"compute:projects/{PROJECT}/aggregated/routers").json()
    assert [r["name"] for r in aggregated["items"][f"regions/{REGION}"]["routers"]] == ["r"]
    partial = api.get(f"{ROUTERS}/r", params={"fields": "name,id"}).json()
    assert set(partial) == {"name", "id"}


def test_vpn_tunnel_secret_is_write_only(api, network):
    api.ok(api.post(GATEWAYS, json={"name": "gw", "network": network["selfLink"]}))
    api.ok(api.post(ROUTERS, json={"name": "cr", "network": network["selfLink"], "bgp": {"asn": 65010}}))
    api.ok(
        api.post(
            EXTERNAL,
            json={
                "name": "peer",
                "redundancyType": "TWO_IPS_REDUNDANCY",
                "interfaces": [{"id": 0, "ipAddress": "52.1.1.1"}, {"id": 1, "ipAddress": "52.1.1.2"}],
            },
        )
    )
    bad_count = api.post(
        EXTERNAL,
        json={
            "name": "bad",
            "redundancyType": "FOUR_IPS_REDUNDANCY",
            "interfaces": [{"id": 0, "ipAddress": "52.1.1.1"}],
        },
    )
    assert bad_count.status_code == 400
    body = {
        "name": "t0",
        "vpnGateway": f"regions/{REGION}/vpnGateways/gw",
        "vpnGatewayInterface": 0,
        "peerExternalGateway": "global/externalVpnGateways/peer",
        "peerExternalGatewayInterface": 1,
        "sharedSecret": "s3cr3t-value",
        "router": f"regions/{REGION}/routers/cr",
    }
    assert api.post(TUNNELS, json={**body, "peerExternalGatewayInterface": 3}).status_code == 400
    api.ok(api.post(TUNNELS, json=body))
    tunnel = api.get(f"{TUNNELS}/t0")
    assert "s3cr3t-value" not in tunnel.text and "sharedSecret" not in tunnel.json()
    assert tunnel.json()["sharedSecretHash"] and tunnel.json()["peerIp"] == "52.1.1.2"
    assert "s3cr3t-value" not in api.get(TUNNELS).text
    assert reason(api.delete(f"{GATEWAYS}/gw")) == "resourceInUseByAnotherResource"
    assert reason(api.delete(f"{EXTERNAL}/peer")) == "resourceInUseByAnotherResource"


def test_unknown_region_and_unemulated_method(api):
    assert api.get(f"compute:projects/{PROJECT}/regions/mars-north1/routers").status_code == 404
    not_emulated = api.get(f"compute:projects/{PROJECT}/global/addresses")
    assert not_emulated.status_code == 501


@pytest.mark.parametrize("polls", [0, 3])
def test_operation_polls_option(api, emulator, polls):
    emulator.operation_polls = polls
    op = api.post(NETS, json={"name": "p", "autoCreateSubnetworks": False}).json()
    path = f"compute:projects/{PROJECT}/global/operations/{op['name']}"
    statuses = [api.get(path).json()["status"] for _ in range(polls + 1)]
    assert statuses == ["RUNNING"] * polls + ["DONE"]


def test_classic_vpn_static_route(api, network):
    target = f"compute:projects/{PROJECT}/regions/{REGION}/targetVpnGateways"
    api.ok(api.post(target, json={"name": "classic", "network": network["selfLink"]}))
    body = {
        "name": "c0",
        "targetVpnGateway": f"regions/{REGION}/targetVpnGateways/classic",
        "peerIp": "52.9.9.9",
        "sharedSecret": "classic-secret",
        "remoteTrafficSelector": ["10.100.0.0/16"],
    }
    assert api.post(TUNNELS, json={**body, "peerIp": ""}).status_code == 400
    api.ok(api.post(TUNNELS, json=body))
    gateway = api.get(f"{target}/classic").json()
    assert gateway["status"] == "READY" and gateway["tunnels"][0].endswith(f"/regions/{REGION}/vpnTunnels/c0")
    api.ok(
        api.post(
            ROUTES,
            json={
                "name": "to-aws",
                "network": network["selfLink"],
                "destRange": "10.100.0.0/16",
                "priority": 900,
                "nextHopVpnTunnel": f"regions/{REGION}/vpnTunnels/c0",
            },
        )
    )
    route = api.get(f"{ROUTES}/to-aws").json()
    assert route["nextHopVpnTunnel"].endswith(f"/projects/{PROJECT}/regions/{REGION}/vpnTunnels/c0")
    in_use = api.delete(f"{TUNNELS}/c0")
    assert reason(in_use) == "resourceInUseByAnotherResource" and "global/routes/to-aws" in in_use.text
    api.ok(api.delete(f"{ROUTES}/to-aws"))
    api.ok(api.delete(f"{TUNNELS}/c0"))
    api.ok(api.delete(f"{target}/classic"))


def test_ha_tunnel_rules(api, network):
    api.ok(api.post(GATEWAYS, json={"name": "gw", "network": network["selfLink"]}))
    api.ok(api.post(ROUTERS, json={"name": "cr", "network": network["selfLink"], "bgp": {"asn": 65010}}))
    peer_ip = api.post(
        TUNNELS,
        json={
            "name": "t",
            "vpnGateway": f"regions/{REGION}/vpnGateways/gw",
            "peerIp": "52.1.1.1",
            "sharedSecret": "x",
            "router": "cr",
        },
    )
    assert peer_ip.status_code == 400
    assert "Cannot specify peer IP for HA VPN tunnel creation" in peer_ip.json()["error"]["message"]
    api.ok(
        api.post(
            f"compute:projects/{PROJECT}/global/externalVpnGateways",
            json={
                "name": "aws",
                "redundancyType": "SINGLE_IP_INTERNALLY_REDUNDANT",
                "interfaces": [{"ipAddress": "52.1.1.1"}],
            },
        )
    )
    no_router = {
        "name": "t",
        "vpnGateway": f"regions/{REGION}/vpnGateways/gw",
        "sharedSecret": "x",
        "peerExternalGateway": "global/externalVpnGateways/aws",
    }
    missing = api.post(TUNNELS, json=no_router)
    assert missing.status_code == 400 and reason(missing) == "required"
    api.ok(api.post(TUNNELS, json={**no_router, "router": f"regions/{REGION}/routers/cr"}))
    mismatch = {
        "interfaces": [
            {"name": "if0", "ipRange": "169.254.1.2/30", "linkedVpnTunnel": f"regions/{REGION}/vpnTunnels/t"}
        ],
        "bgpPeers": [
            {
                "name": "p",
                "interfaceName": "if0",
                "peerAsn": 64512,
                "peerIpAddress": "169.254.1.1",
                "ipAddress": "169.254.1.3",
            }
        ],
    }
    answer = api.patch(f"{ROUTERS}/cr", json=mismatch)
    assert answer.status_code == 400 and "different from interface IP address 169.254.1.2" in answer.text


def test_firewalls(api, network):
    firewalls = f"compute:projects/{PROJECT}/global/firewalls"
    rule = {
        "name": "from-aws",
        "network": network["selfLink"],
        "sourceRanges": ["10.100.0.0/16"],
        "allowed": [{"IPProtocol": "tcp", "ports": ["443", "8000-8080"]}],
    }
    both = {**rule, "denied": [{"IPProtocol": "udp"}]}
    assert api.post(firewalls, json=both).status_code == 400
    assert (
        api.post(firewalls, json={**rule, "allowed": [{"IPProtocol": "icmp", "ports": ["1"]}]}).status_code
        == 400
    )
    api.ok(api.post(firewalls, json=rule))
    created = api.get(f"{firewalls}/from-aws").json()
    assert created["direction"] == "INGRESS" and created["priority"] == 1000 and created["disabled"] is False
    assert reason(api.delete(f"{NETS}/hub")) == "resourceInUseByAnotherResource"
    egress = {
        "name": "out",
        "network": network["selfLink"],
        "direction": "EGRESS",
        "denied": [{"IPProtocol": "all"}],
    }
    api.ok(api.post(firewalls, json=egress))
    assert api.get(f"{firewalls}/out").json()["destinationRanges"] == ["0.0.0.0/0"]


def test_patch_is_a_json_merge_patch(api, network):
    api.ok(api.patch(f"{NETS}/hub", json={"routingConfig": {"routingMode": "GLOBAL"}, "description": "hub"}))
    net = api.get(f"{NETS}/hub").json()
    # Nested objects merge (the default best-path mode survives); scalars replace.
    assert net["routingConfig"] == {"routingMode": "GLOBAL", "bgpBestPathSelectionMode": "LEGACY"}
    assert net["description"] == "hub"
    api.ok(api.patch(f"{NETS}/hub", json={"description": None}))
    assert "description" not in api.get(f"{NETS}/hub").json()


def test_aggregated_operations(api, network):
    body = api.get(f"compute:projects/{PROJECT}/aggregated/operations").json()
    assert body["kind"] == "compute#operationAggregatedList"
    assert {op["operationType"] for op in body["items"]["global"]["operations"]} == {"insert"}
    assert len(body["items"][f"regions/{REGION}"]["operations"]) == 1


def test_busy_resource_is_not_ready(api, emulator, network):
    api.ok(api.post(ROUTERS, json={"name": "busy", "network": network["selfLink"], "bgp": {"asn": 65010}}))
    emulator.operation_polls = 2
    first = api.patch(f"{ROUTERS}/busy", json={"description": "one"})
    second = api.patch(f"{ROUTERS}/busy", json={"description": "two"})
    assert second.status_code == 400 and reason(second) == "resourceNotReady"
    assert f"projects/{PROJECT}/regions/{REGION}/routers/busy" in second.json()["error"]["message"]
    assert reason(api.delete(f"{ROUTERS}/busy")) == "resourceNotReady"
    api.ok(first)
    api.ok(api.patch(f"{ROUTERS}/busy", json={"description": "two"}))
    assert api.get(f"{ROUTERS}/busy").json()["description"] == "two"
