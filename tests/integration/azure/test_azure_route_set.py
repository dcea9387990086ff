"""azure_route_set against the ARM emulator, read back through azure-mgmt-network."""

from __future__ import annotations

import pytest
from azure.core.exceptions import ResourceNotFoundError
from azure_module_env import LOCATION, POLL


def _routes(network, rg, table):
    got = network.route_tables.get(rg, table).as_dict()
    return {r["name"]: (r["properties"]["addressPrefix"], r["properties"]["nextHopType"])
            for r in got["properties"].get("routes") or []}, got


def _foreign_table_on(network, rg, vnet_name, subnet, table):
    """A route table made outside the collection, associated with ``vnet_name/subnet`` through the SDK."""
    made = network.route_tables.begin_create_or_update(rg, table, {"location": LOCATION},
                                                       polling_interval=POLL).result()
    sub = network.subnets.get(rg, vnet_name, subnet).as_dict()
    sub["properties"]["routeTable"] = {"id": made.id}
    network.subnets.begin_create_or_update(rg, vnet_name, subnet, sub, polling_interval=POLL).result()
    return made


def test_four_pass_creates_table_routes_and_association(four_pass, module, network, rg, vnet):
    vnet("spoke", "10.20.0.0/16", {"app": "10.20.1.0/24", "data": "10.20.2.0/24"})
    args = {"resource_group": rg, "route_table": "rt-app", "location": LOCATION, "topology": "t1",
            "config": [{"address_prefix": "10.100.0.0/22"}, {"address_prefix": "10.100.4.0/22"}],
            "subnets": [{"virtual_network": "spoke", "name": "app"}], "state": "overridden"}
    check1, apply1, _apply2 = four_pass("azure_route_set", args, "route_table")
    assert [o["action"] for o in apply1["operations"]] == [
        "create_route_table", "create_route", "create_route", "write_route_table", "associate_subnet"]
    routes, table = _routes(network, rg, "rt-app")
    assert routes == {"cloudnet-10.100.0.0_22": ("10.100.0.0/22", "VirtualNetworkGateway"),
                      "cloudnet-10.100.4.0_22": ("10.100.4.0/22", "VirtualNetworkGateway")}
    assert table["tags"] == {"cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t1"}
    subnet = network.subnets.get(rg, "spoke", "app").as_dict()
    assert subnet["properties"]["routeTable"]["id"].lower() == table["id"].lower()
    assert network.subnets.get(rg, "spoke", "data").as_dict()["properties"].get("routeTable") is None
    assert check1["route_table"]["routes"] == apply1["route_table"]["routes"]
    info = module("azure_route_table_info", {"resource_group": rg, "topology": "t1"})
    assert info["route_tables"] == [apply1["route_table"]]


def test_foreign_routes_untouched_conflict_and_take_over(module, network, rg, vnet):
    body = {"location": LOCATION, "properties": {"routes": [
        {"name": "onprem", "properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"}},
        {"name": "legacy", "properties": {"addressPrefix": "10.100.0.0/22", "nextHopType": "Internet"}}]}}
    network.route_tables.begin_create_or_update(rg, "rt-brown", body, polling_interval=POLL).result()
    base = {"resource_group": rg, "route_table": "rt-brown", "state": "overridden",
            "config": [{"address_prefix": "10.100.0.0/22"}, {"address_prefix": "10.100.8.0/22"}]}
    failed = module("azure_route_set", base, expect_failure=True)
    assert "legacy" in failed["msg"] and "take_over" in failed["msg"]
    routes, _table = _routes(network, rg, "rt-brown")
    assert set(routes) == {"onprem", "legacy"}, "a failed plan must not write"
    taken = module("azure_route_set", dict(base, take_over=True))
    assert [o["action"] for o in taken["operations"]] == ["take_over_route", "create_route", "write_route_table"]
    routes, table = _routes(network, rg, "rt-brown")
    assert routes == {"onprem": ("192.168.0.0/16", "VirtualNetworkGateway"),
                      "cloudnet-10.100.0.0_22": ("10.100.0.0/22", "VirtualNetworkGateway"),
                      "cloudnet-10.100.8.0_22": ("10.100.8.0/22", "VirtualNetworkGateway")}
    assert not table.get("tags"), "an existing route table is not retagged"
    gathered = module("azure_route_set", {"resource_group": rg, "route_table": "rt-brown", "state": "gathered"})
    assert gathered["changed"] is False
    assert [g["address_prefix"] for g in gathered["gathered"]] == ["10.100.0.0/22", "10.100.8.0/22"]
    deleted = module("azure_route_set", {"resource_group": rg, "route_table": "rt-brown", "state": "deleted"})
    assert [o["action"] for o in deleted["operations"]] == ["delete_route", "delete_route", "write_route_table"]
    routes, _table = _routes(network, rg, "rt-brown")
    assert routes == {"onprem": ("192.168.0.0/16", "VirtualNetworkGateway")}


def test_subnet_on_foreign_route_table_is_a_conflict(module, network, rg, vnet):
    vnet("v2", "10.30.0.0/16", {"app": "10.30.1.0/24"})
    _foreign_table_on(network, rg, "v2", "app", "rt-other")
    args = {"resource_group": rg, "route_table": "rt-new", "location": LOCATION,
            "config": [{"address_prefix": "10.100.0.0/22"}], "subnets": [{"virtual_network": "v2", "name": "app"}]}
    failed = module("azure_route_set", args, expect_failure=True)
    assert "rt-other" in failed["msg"]
    module("azure_route_set", dict(args, take_over=True))
    assert network.subnets.get(rg, "v2", "app").as_dict()["properties"]["routeTable"]["id"].endswith("/rt-new")


def test_rendered_needs_no_credentials(module, emulator):
    before = emulator.calls.count()
    out = module("azure_route_set", {"resource_group": "rg", "route_table": "rt", "location": LOCATION,
                                     "subscription_id": "00000000-0000-0000-0000-000000000001",
                                     "config": [{"address_prefix": "10.100.0.0/22"}], "state": "rendered"})
    assert emulator.calls.count() == before
    assert out["rendered"][0]["method"] == "PUT"
    assert out["rendered"][0]["body"]["properties"]["routes"] == [
        {"name": "cloudnet-10.100.0.0_22",
         "properties": {"addressPrefix": "10.100.0.0/22", "nextHopType": "VirtualNetworkGateway"}}]


def _build(module, rg, vnet, name, subnets):
    vnet(f"{name}-vnet", "10.40.0.0/16", {"app": "10.40.1.0/24", "data": "10.40.2.0/24"})
    args = {"resource_group": rg, "route_table": name, "location": LOCATION, "topology": "t1",
            "config": [{"address_prefix": "10.100.0.0/22"}],
            "subnets": [{"virtual_network": f"{name}-vnet", "name": s} for s in subnets], "state": "overridden"}
    module("azure_route_set", args)
    return {"resource_group": rg, "route_table": name, "topology": "t1", "subnets": args["subnets"],
            "state": "deleted", "remove_table": True}


def test_four_pass_teardown_disassociates_and_deletes_our_table(four_pass, network, rg, vnet, module):
    args = _build(module, rg, vnet, "rt-gone", ["app"])
    check1, apply1, apply2 = four_pass("azure_route_set", args, "route_table")
    assert [o["action"] for o in apply1["operations"]] == [
        "delete_route", "write_route_table", "disassociate_subnet", "delete_route_table"]
    assert apply1["route_table"] == {} and apply2["route_table"] == {}
    assert apply1["diff"]["before"]["subnets"] == [network.subnets.get(rg, "rt-gone-vnet", "app").id]
    assert "kept_reasons" not in apply1
    with pytest.raises(ResourceNotFoundError):
        network.route_tables.get(rg, "rt-gone")
    assert network.subnets.get(rg, "rt-gone-vnet", "app").route_table is None
    assert network.subnets.get(rg, "rt-gone-vnet", "data").route_table is None
    assert [v.name for v in network.virtual_networks.list(rg)] == ["rt-gone-vnet"], "the VNet and subnets stay"


def test_four_pass_teardown_keeps_a_table_holding_a_foreign_route(four_pass, network, rg, vnet, module):
    args = _build(module, rg, vnet, "rt-shared", ["app"])
    route = {"properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"}}
    network.routes.begin_create_or_update(rg, "rt-shared", "onprem", route, polling_interval=POLL).result()
    _check1, apply1, apply2 = four_pass("azure_route_set", args, "route_table")
    assert [o["action"] for o in apply1["operations"]] == ["delete_route", "write_route_table"]
    assert any("onprem" in r for r in apply1["kept_reasons"]) and apply2["kept_reasons"] == apply1["kept_reasons"]
    assert any("was kept" in w for w in apply1.get("warnings", []))
    routes, table = _routes(network, rg, "rt-shared")
    assert routes == {"onprem": ("192.168.0.0/16", "VirtualNetworkGateway")}, "the foreign route is intact"
    app = network.subnets.get(rg, "rt-shared-vnet", "app")
    assert app.route_table.id.lower() == table["id"].lower(), "the association stays with the table"
    assert apply1["route_table"]["foreign_routes"] == [{"name": "onprem", "address_prefix": "192.168.0.0/16",
                                                        "next_hop_type": "VirtualNetworkGateway"}]


def test_teardown_never_deletes_a_table_the_collection_did_not_create(emulator, module, network, rg, vnet):
    vnet("brown", "10.50.0.0/16", {"app": "10.50.1.0/24"})
    theirs = _foreign_table_on(network, rg, "brown", "app", "rt-theirs")
    args = {"resource_group": rg, "route_table": "rt-theirs", "topology": "t1", "state": "deleted",
            "remove_table": True, "subnets": [{"virtual_network": "brown", "name": "app"}]}
    writes = emulator.calls.count(mutating=True)
    for check in (True, False):
        out = module("azure_route_set", args, check=check)
        assert out["changed"] is False and out["operations"] == []
        assert any("ownership tags" in r for r in out["kept_reasons"])
    assert emulator.calls.count(mutating=True) == writes
    assert network.subnets.get(rg, "brown", "app").route_table.id.lower() == theirs.id.lower()


def test_remove_table_needs_state_deleted(module, rg):
    failed = module("azure_route_set", {"resource_group": rg, "route_table": "rt", "remove_table": True,
                                        "state": "merged", "location": LOCATION}, expect_failure=True)
    assert "remove_table" in failed["msg"] and "deleted" in failed["msg"]
