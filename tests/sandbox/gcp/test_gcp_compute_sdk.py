"""HA VPN to AWS built end to end with the official google-cloud-compute clients (REST transport)."""

from __future__ import annotations

import pytest
from conftest import PROJECT, REGION
from google.api_core import exceptions
from google.cloud import compute_v1

DONE = compute_v1.Operation.Status.DONE
AWS_OUTSIDE_IPS = ["52.0.0.1", "52.0.0.2", "52.0.1.1", "52.0.1.2"]


@pytest.fixture
def clients(emulator, credentials):
    options = {"api_endpoint": emulator.url}

    def make(cls):
        return cls(credentials=credentials, client_options=options, transport="rest")

    return {
        name: make(cls)
        for name, cls in {
            "networks": compute_v1.NetworksClient,
            "subnetworks": compute_v1.SubnetworksClient,
            "routers": compute_v1.RoutersClient,
            "vpn_gateways": compute_v1.VpnGatewaysClient,
            "external": compute_v1.ExternalVpnGatewaysClient,
            "tunnels": compute_v1.VpnTunnelsClient,
            "routes": compute_v1.RoutesClient,
            "global_ops": compute_v1.GlobalOperationsClient,
            "region_ops": compute_v1.RegionOperationsClient,
        }.items()
    }


def wait(clients, op):
    """Poll with the *_unary operation resources, as the collection does (bounded)."""
    for _ in range(20):
        if op.status == DONE:
            break
        if op.region:
            op = clients["region_ops"].get(project=PROJECT, region=REGION, operation=op.name)
        else:
            op = clients["global_ops"].get(project=PROJECT, operation=op.name)
    assert op.status == DONE
    assert not op.error.errors, op.error
    return op


def test_ha_vpn_end_to_end(clients, emulator):
    c = clients
    op = c["networks"].insert_unary(
        project=PROJECT,
        network_resource=compute_v1.Network(
            name="gcp-hub",
            auto_create_subnetworks=False,
            routing_config=compute_v1.NetworkRoutingConfig(routing_mode="GLOBAL"),
        ),
    )
    assert op.status != DONE  # writes are asynchronous
    wait(c, op)
    network = c["networks"].get(project=PROJECT, network="gcp-hub")
    assert network.routing_config.routing_mode == "GLOBAL"
    wait(
        c,
        c["subnetworks"].insert_unary(
            project=PROJECT,
            region=REGION,
            subnetwork_resource=compute_v1.Subnetwork(
                name="gcp-hub-apps", network=network.self_link, ip_cidr_range="10.20.0.0/20"
            ),
        ),
    )
    wait(
        c,
        c["routers"].insert_unary(
            project=PROJECT,
            region=REGION,
            router_resource=compute_v1.Router(
                name="gcp-hub-cr", network=network.self_link, bgp=compute_v1.RouterBgp(asn=65010)
            ),
        ),
    )
    wait(
        c,
        c["vpn_gateways"].insert_unary(
            project=PROJECT,
            region=REGION,
            vpn_gateway_resource=compute_v1.VpnGateway(name="gcp-hub-havpn", network=network.self_link),
        ),
    )
    gateway = c["vpn_gateways"].get(project=PROJECT, region=REGION, vpn_gateway="gcp-hub-havpn")
    assert [i.id for i in gateway.vpn_interfaces] == [0, 1]
    assert all(i.ip_address for i in gateway.vpn_interfaces)
    assert gateway.vpn_interfaces[0].ip_address != gateway.vpn_interfaces[1].ip_address

    wait(
        c,
        c["external"].insert_unary(
            project=PROJECT,
            external_vpn_gateway_resource=compute_v1.ExternalVpnGateway(
                name="aws-tgw",
                redundancy_type="FOUR_IPS_REDUNDANCY",
                interfaces=[
                    compute_v1.ExternalVpnGatewayInterface(id=i, ip_address=ip)
                    for i, ip in enumerate(AWS_OUTSIDE_IPS)
                ],
            ),
        ),
    )
    external = c["external"].get(project=PROJECT, external_vpn_gateway="aws-tgw")
    assert len(external.interfaces) == 4

    interfaces, peers = [], []
    for i in range(4):
        wait(
            c,
            c["tunnels"].insert_unary(
                project=PROJECT,
                region=REGION,
                vpn_tunnel_resource=compute_v1.VpnTunnel(
                    name=f"aws-tunnel-{i}",
                    vpn_gateway=gateway.self_link,
                    vpn_gateway_interface=i // 2,
                    peer_external_gateway=external.self_link,
                    peer_external_gateway_interface=i,
                    shared_secret=f"secret-{i}-from-aws",
                    router=f"regions/{REGION}/routers/gcp-hub-cr",
                    ike_version=2,
                ),
            ),
        )
        tunnel = c["tunnels"].get(project=PROJECT, region=REGION, vpn_tunnel=f"aws-tunnel-{i}")
        assert tunnel.shared_secret == ""  # write-only
        assert tunnel.shared_secret_hash
        assert tunnel.peer_ip == AWS_OUTSIDE_IPS[i]
        assert tunnel.status == "ESTABLISHED"
        base = 4 * i
        interfaces.append(
            compute_v1.RouterInterface(
                name=f"if-tunnel-{i}",
                ip_range=f"169.254.10.{base + 2}/30",
                linked_vpn_tunnel=tunnel.self_link,
            )
        )
        peers.append(
            compute_v1.RouterBgpPeer(
                name=f"aws-peer-{i}",
                interface_name=f"if-tunnel-{i}",
                peer_ip_address=f"169.254.10.{base + 1}",
                peer_asn=64512,
                advertised_route_priority=100,
            )
        )
    router = c["routers"].get(project=PROJECT, region=REGION, router="gcp-hub-cr")
    router.interfaces = interfaces
    router.bgp_peers = peers
    router.bgp.advertise_mode = "CUSTOM"
    router.bgp.advertised_groups = ["ALL_SUBNETS"]
    router.bgp.advertised_ip_ranges = [
        compute_v1.RouterAdvertisedIpRange(range="35.199.192.0/19", description="Cloud DNS forwarders")
    ]
    wait(
        c,
        c["routers"].patch_unary(project=PROJECT, region=REGION, router="gcp-hub-cr", router_resource=router),
    )

    router = c["routers"].get(project=PROJECT, region=REGION, router="gcp-hub-cr")
    assert router.bgp.asn == 65010
    assert [p.ip_address for p in router.bgp_peers] == [f"169.254.10.{4 * i + 2}" for i in range(4)]
    assert router.bgp.advertised_ip_ranges[0].range == "35.199.192.0/19"
    status = c["routers"].get_router_status(project=PROJECT, region=REGION, router="gcp-hub-cr").result
    assert [p.status for p in status.bgp_peer_status] == ["UP"] * 4
    advertised = {r.dest_range for r in status.bgp_peer_status[0].advertised_routes}
    assert advertised == {"10.20.0.0/20", "35.199.192.0/19"}
    vpn_status = (
        c["vpn_gateways"].get_status(project=PROJECT, region=REGION, vpn_gateway="gcp-hub-havpn").result
    )
    assert vpn_status.vpn_connections[0].state.state == "CONNECTION_REDUNDANCY_MET"

    # HA VPN is BGP-only: a static route may not use an HA tunnel as next hop; a missing tunnel is 404.
    def route(name, tunnel):
        return compute_v1.Route(
            name=name,
            network=network.self_link,
            dest_range="10.100.0.0/16",
            priority=900,
            next_hop_vpn_tunnel=f"projects/{PROJECT}/regions/{REGION}/vpnTunnels/{tunnel}",
        )

    with pytest.raises(exceptions.BadRequest) as info:
        c["routes"].insert_unary(project=PROJECT, route_resource=route("to-aws", "aws-tunnel-0"))
    assert "HA VPN" in info.value.message
    with pytest.raises(exceptions.NotFound):
        c["routes"].insert_unary(project=PROJECT, route_resource=route("broken", "missing"))
    routes = {r.name: r for r in c["routes"].list(project=PROJECT)}
    assert any(r.route_type == "SUBNET" and r.dest_range == "10.20.0.0/20" for r in routes.values())
    assert not any(r.next_hop_vpn_tunnel for r in routes.values())

    # Teardown order is enforced: in-use resources refuse to go.
    with pytest.raises(exceptions.BadRequest) as info:
        c["tunnels"].delete_unary(project=PROJECT, region=REGION, vpn_tunnel="aws-tunnel-0")
    assert "already being used by" in info.value.message and "routers/gcp-hub-cr" in info.value.message
    with pytest.raises(exceptions.BadRequest):
        c["networks"].delete_unary(project=PROJECT, network="gcp-hub")

    # Every answer above passed the server's own schema check, and the aggregated view sees all tunnels.
    listed = c["tunnels"].aggregated_list(request={"project": PROJECT})
    names = sorted(t.name for _, scoped in listed for t in scoped.vpn_tunnels)
    assert names == [f"aws-tunnel-{i}" for i in range(4)]
    assert not [call for call in emulator.calls.calls() if call["status"] >= 500]


def test_sdk_errors_map_to_api_core_exceptions(clients):
    with pytest.raises(exceptions.NotFound) as info:
        clients["networks"].get(project=PROJECT, network="does-not-exist")
    assert "projects/sandbox-project/global/networks/does-not-exist" in info.value.message
    op = clients["networks"].insert_unary(
        project=PROJECT, network_resource=compute_v1.Network(name="dup", auto_create_subnetworks=False)
    )
    wait(clients, op)
    with pytest.raises(exceptions.Conflict):
        clients["networks"].insert_unary(
            project=PROJECT, network_resource=compute_v1.Network(name="dup", auto_create_subnetworks=False)
        )
