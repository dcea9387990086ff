"""Microsoft.Network through the official azure-mgmt-network client (LRO pollers, paging, models)."""

from __future__ import annotations

import pytest
from azure.core.exceptions import HttpResponseError, ResourceNotFoundError
from azure.mgmt.network import models as m
from conftest import LOCATION, POLL

from sandbox.azure import schema


def _vnet(prefix: str, subnets: dict[str, str]) -> m.VirtualNetwork:
    return m.VirtualNetwork(
        location=LOCATION,
        tags={"managed-by": "cloudnet"},
        properties=m.VirtualNetworkPropertiesFormat(
            address_space=m.AddressSpace(address_prefixes=[prefix]),
            subnets=[
                m.Subnet(name=name, properties=m.SubnetPropertiesFormat(address_prefix=cidr))
                for name, cidr in subnets.items()
            ],
        ),
    )


def _assert_schema(result, model) -> None:
    problems = schema.validate(
        result.as_dict() if hasattr(result, "as_dict") else dict(result),
        schema.model_schema(model),
        mode="response",
    )
    assert problems == []


def test_vnet_subnets_route_table_association(network, rg):
    vnet = network.virtual_networks.begin_create_or_update(
        rg,
        "spoke",
        _vnet("10.10.0.0/16", {"app": "10.10.1.0/24", "data": "10.10.2.0/24"}),
        polling_interval=POLL,
    ).result()
    assert vnet.properties.provisioning_state == "Succeeded"
    assert sorted(s.name for s in vnet.properties.subnets) == ["app", "data"]
    assert vnet.etag.startswith('W/"')
    assert vnet.id.endswith(f"/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/spoke")

    table = network.route_tables.begin_create_or_update(
        rg,
        "to-aws",
        m.RouteTable(
            location=LOCATION,
            properties=m.RouteTablePropertiesFormat(
                disable_bgp_route_propagation=True,
                routes=[
                    m.Route(
                        name="s3",
                        properties=m.RoutePropertiesFormat(
                            address_prefix="10.200.0.0/24", next_hop_type="VirtualNetworkGateway"
                        ),
                    )
                ],
            ),
        ),
        polling_interval=POLL,
    ).result()
    assert [r.name for r in table.properties.routes] == ["s3"]

    route = network.routes.begin_create_or_update(
        rg,
        "to-aws",
        "ssm",
        m.Route(
            properties=m.RoutePropertiesFormat(
                address_prefix="10.200.1.0/24", next_hop_type="VirtualNetworkGateway"
            )
        ),
        polling_interval=POLL,
    ).result()
    assert route.type == "Microsoft.Network/routeTables/routes"
    assert sorted(r.name for r in network.routes.list(rg, "to-aws")) == ["s3", "ssm"]

    subnet = network.subnets.get(rg, "spoke", "app")
    subnet.properties.route_table = m.RouteTable(id=table.id)
    updated = network.subnets.begin_create_or_update(
        rg, "spoke", "app", subnet, polling_interval=POLL
    ).result()
    assert updated.properties.route_table.id == table.id
    assert [s.id for s in network.route_tables.get(rg, "to-aws").properties.subnets] == [updated.id]

    # Azure refuses to delete a route table that a subnet still uses.
    with pytest.raises(HttpResponseError) as err:
        network.route_tables.begin_delete(rg, "to-aws", polling_interval=POLL).result()
    assert err.value.error.code == "InUseRouteTableCannotBeDeleted"
    assert err.value.status_code == 400
    assert err.value.error.message.startswith(f"Route table {table.id} is in use and cannot be deleted.")
    assert network.route_tables.get(rg, "to-aws").properties.subnets, "a refused delete changes nothing"

    # Disassociate, then delete: gone afterwards.
    updated.properties.route_table = None
    network.subnets.begin_create_or_update(rg, "spoke", "app", updated, polling_interval=POLL).result()
    network.route_tables.begin_delete(rg, "to-aws", polling_interval=POLL).result()
    with pytest.raises(ResourceNotFoundError) as missing:
        network.route_tables.get(rg, "to-aws")
    assert missing.value.error.code == "ResourceNotFound"
    _assert_schema(network.virtual_networks.get(rg, "spoke"), m.VirtualNetwork)


def test_subnet_reference_and_range_validation(network, rg):
    network.virtual_networks.begin_create_or_update(
        rg, "v", _vnet("10.20.0.0/16", {"a": "10.20.1.0/24"}), polling_interval=POLL
    ).result()
    missing_table = (
        f"/subscriptions/{network._config.subscription_id}/resourceGroups/{rg}/providers/"
        "Microsoft.Network/routeTables/nope"
    )
    cases = [
        (
            m.SubnetPropertiesFormat(
                address_prefix="10.20.2.0/24", route_table=m.RouteTable(id=missing_table)
            ),
            "InvalidResourceReference",
        ),
        (m.SubnetPropertiesFormat(address_prefix="10.99.0.0/24"), "NetcfgSubnetRangeOutsideVnet"),
        (m.SubnetPropertiesFormat(address_prefix="10.20.1.128/25"), "NetcfgSubnetRangesOverlap"),
        (m.SubnetPropertiesFormat(address_prefix="10.20.3.1/24"), "InvalidCIDRNotation"),
        (m.SubnetPropertiesFormat(address_prefix="10.20.3.0"), "InvalidAddressPrefixFormat"),
    ]
    for props, code in cases:
        with pytest.raises(HttpResponseError) as err:
            network.subnets.begin_create_or_update(
                rg, "v", "b", m.Subnet(properties=props), polling_interval=POLL
            ).result()
        assert err.value.status_code == 400
        assert err.value.error.code == code
    with pytest.raises(ResourceNotFoundError) as err:
        network.subnets.get(rg, "v", "b")
    assert err.value.error.code == "NotFound"


def test_active_active_vpn_gateway_with_apipa_connections_and_peering(network, rg):
    network.virtual_networks.begin_create_or_update(
        rg,
        "hub",
        _vnet("10.0.0.0/16", {"GatewaySubnet": "10.0.255.0/27", "workload": "10.0.1.0/24"}),
        polling_interval=POLL,
    ).result()
    pips = [
        network.public_ip_addresses.begin_create_or_update(
            rg,
            f"gw-pip-{i}",
            m.PublicIPAddress(
                location=LOCATION,
                sku=m.PublicIPAddressSku(name="Standard"),
                properties=m.PublicIPAddressPropertiesFormat(public_ip_allocation_method="Static"),
            ),
            polling_interval=POLL,
        ).result()
        for i in (1, 2)
    ]
    assert all(p.properties.ip_address for p in pips)
    gateway_subnet = network.subnets.get(rg, "hub", "GatewaySubnet")
    gw_id = pips[0].id.split("/providers/")[0] + "/providers/Microsoft.Network/virtualNetworkGateways/vpngw"
    apipa = {"ipconfig1": ["169.254.21.2", "169.254.22.2"], "ipconfig2": ["169.254.21.6", "169.254.22.6"]}
    gateway = network.virtual_network_gateways.begin_create_or_update(
        rg,
        "vpngw",
        m.VirtualNetworkGateway(
            location=LOCATION,
            properties=m.VirtualNetworkGatewayPropertiesFormat(
                gateway_type="Vpn",
                vpn_type="RouteBased",
                enable_bgp=True,
                active_active=True,
                sku=m.VirtualNetworkGatewaySku(name="VpnGw2AZ", tier="VpnGw2AZ"),
                vpn_gateway_generation="Generation2",
                bgp_settings=m.BgpSettings(
                    asn=65515,
                    bgp_peering_addresses=[
                        m.IPConfigurationBgpPeeringAddress(
                            ipconfiguration_id=f"{gw_id}/ipConfigurations/{name}",
                            custom_bgp_ip_addresses=addresses,
                        )
                        for name, addresses in apipa.items()
                    ],
                ),
                ip_configurations=[
                    m.VirtualNetworkGatewayIPConfiguration(
                        name=name,
                        properties=m.VirtualNetworkGatewayIPConfigurationPropertiesFormat(
                            subnet=m.SubResource(id=gateway_subnet.id),
                            public_ip_address=m.SubResource(id=pip.id),
                        ),
                    )
                    for name, pip in zip(apipa, pips)
                ],
            ),
        ),
        polling_interval=POLL,
    ).result()
    bgp = gateway.properties.bgp_settings
    assert gateway.properties.active_active is True
    assert bgp.bgp_peering_address == "10.0.255.29,10.0.255.30"
    by_config = {b.ipconfiguration_id.rsplit("/", 1)[1]: b for b in bgp.bgp_peering_addresses}
    assert by_config["ipconfig1"].custom_bgp_ip_addresses == apipa["ipconfig1"]
    assert by_config["ipconfig2"].tunnel_ip_addresses == [pips[1].properties.ip_address]
    assert by_config["ipconfig1"].default_bgp_ip_addresses == ["10.0.255.29"]
    _assert_schema(gateway, m.VirtualNetworkGateway)
    # the public IP and the subnet now point back at the gateway
    assert (
        network.public_ip_addresses.get(rg, "gw-pip-1").properties.ip_configuration.id
        == f"{gateway.id}/ipConfigurations/ipconfig1"
    )
    with pytest.raises(HttpResponseError) as err:
        network.subnets.begin_delete(rg, "hub", "GatewaySubnet", polling_interval=POLL).result()
    assert err.value.error.code == "InUseSubnetCannotBeDeleted"

    # APIPA addresses outside 169.254.21.0-169.254.22.255 are refused.
    bad = network.virtual_network_gateways.get(rg, "vpngw")
    bad.properties.bgp_settings.bgp_peering_addresses[0].custom_bgp_ip_addresses = ["169.254.30.1"]
    with pytest.raises(HttpResponseError) as err:
        network.virtual_network_gateways.begin_create_or_update(
            rg, "vpngw", bad, polling_interval=POLL
        ).result()
    assert err.value.status_code == 400

    aws_tunnels = []
    for i, (outside, inside) in enumerate([("3.120.0.10", "169.254.21.1"), ("3.120.0.11", "169.254.22.1")]):
        lng = network.local_network_gateways.begin_create_or_update(
            rg,
            f"aws-tunnel-{i}",
            m.LocalNetworkGateway(
                location=LOCATION,
                properties=m.LocalNetworkGatewayPropertiesFormat(
                    gateway_ip_address=outside,
                    bgp_settings=m.BgpSettings(asn=64512, bgp_peering_address=inside),
                ),
            ),
            polling_interval=POLL,
        ).result()
        aws_tunnels.append(lng)
    connection = network.virtual_network_gateway_connections.begin_create_or_update(
        rg,
        "aws-0",
        m.VirtualNetworkGatewayConnection(
            location=LOCATION,
            properties=m.VirtualNetworkGatewayConnectionPropertiesFormat(
                connection_type="IPsec",
                enable_bgp=True,
                shared_key="initial-psk",
                virtual_network_gateway1=m.VirtualNetworkGateway(id=gateway.id),
                local_network_gateway2=m.LocalNetworkGateway(id=aws_tunnels[0].id),
            ),
        ),
        polling_interval=POLL,
    ).result()
    assert connection.properties.connection_status == "Connected"
    assert connection.properties.local_network_gateway2.id == aws_tunnels[0].id
    assert network.virtual_network_gateway_connections.get_shared_key(rg, "aws-0").value == "initial-psk"
    network.virtual_network_gateway_connections.begin_set_shared_key(
        rg, "aws-0", m.ConnectionSharedKey(value="rotated-psk"), polling_interval=POLL
    ).result()
    assert network.virtual_network_gateway_connections.get_shared_key(rg, "aws-0").value == "rotated-psk"
    # the gateway and the local network gateway are in use by the connection
    for delete in (
        lambda: network.virtual_network_gateways.begin_delete(rg, "vpngw", polling_interval=POLL).result(),
        lambda: network.local_network_gateways.begin_delete(
            rg, "aws-tunnel-0", polling_interval=POLL
        ).result(),
    ):
        with pytest.raises(HttpResponseError) as err:
            delete()
        assert err.value.error.code.startswith("InUse")

    # peering in both directions ends Connected
    network.virtual_networks.begin_create_or_update(
        rg, "app", _vnet("10.30.0.0/16", {"a": "10.30.0.0/24"}), polling_interval=POLL
    ).result()
    hub = network.virtual_networks.get(rg, "hub")
    app = network.virtual_networks.get(rg, "app")
    first = network.virtual_network_peerings.begin_create_or_update(
        rg,
        "hub",
        "hub-to-app",
        m.VirtualNetworkPeering(
            properties=m.VirtualNetworkPeeringPropertiesFormat(
                remote_virtual_network=m.SubResource(id=app.id), allow_gateway_transit=True
            )
        ),
        polling_interval=POLL,
    ).result()
    assert first.properties.peering_state == "Initiated"
    network.virtual_network_peerings.begin_create_or_update(
        rg,
        "app",
        "app-to-hub",
        m.VirtualNetworkPeering(
            properties=m.VirtualNetworkPeeringPropertiesFormat(
                remote_virtual_network=m.SubResource(id=hub.id), use_remote_gateways=True
            )
        ),
        polling_interval=POLL,
    ).result()
    assert (
        network.virtual_network_peerings.get(rg, "hub", "hub-to-app").properties.peering_state == "Connected"
    )
    assert [p.name for p in network.virtual_networks.get(rg, "hub").properties.virtual_network_peerings] == [
        "hub-to-app"
    ]


def test_paging_follows_next_link(network, rg, emulator):
    for i in range(5):
        network.public_ip_addresses.begin_create_or_update(
            rg,
            f"pip{i}",
            m.PublicIPAddress(location=LOCATION, sku=m.PublicIPAddressSku(name="Standard")),
            polling_interval=POLL,
        ).result()
    emulator.calls.reset()
    names = [p.name for p in network.public_ip_addresses.list(rg)]
    assert names == [f"pip{i}" for i in range(5)]
    # page size 2: three GETs, and listing wrote nothing
    assert emulator.calls.count(method="GET", resource_type="Microsoft.Network/publicIPAddresses") == 3
    assert emulator.calls.count(mutating=True) == 0
    assert len([p for p in network.public_ip_addresses.list_all() if f"/resourceGroups/{rg}/" in p.id]) == 5
