"""azure_route_set deleted + remove_table: the removal planner and the manager against a stateful fake."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_set import RouteSetManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_table_removal import removal_plan
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)

SUB = "00000000-0000-0000-0000-000000000001"
BASE = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network"
APP = f"{BASE}/virtualNetworks/v/subnets/app"
DATA = f"{BASE}/virtualNetworks/v/subnets/data"
OURS = {"cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t"}
MANAGED = {"name": "cloudnet-10.100.0.0_22",
           "properties": {"addressPrefix": "10.100.0.0/22", "nextHopType": "VirtualNetworkGateway"}}
FOREIGN = {"name": "onprem", "properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway"}}


def _route(name):
    return {"name": name, "address_prefix": "10.0.0.0/8", "next_hop_type": "VirtualNetworkGateway"}


@pytest.mark.parametrize("managed,managed_left,foreign_left,subnets,declared,detach,reasons", [
    (True, [], [], [APP], [APP], [APP], []),
    (True, [], [], [], [], [], []),
    (True, [], [], [APP.upper()], [APP], [APP.upper()], []),  # ARM IDs compare case-insensitively
    (False, [], [], [APP], [APP], [], ["ownership tags for topology t"]),
    (True, [], [_route("onprem")], [APP], [APP], [], ["does not manage (onprem)"]),
    (True, [_route("cloudnet-10.0.0.0_8")], [], [], [], [], ["managed routes not listed in config remain"]),
    (True, [], [], [APP, DATA], [APP], [], ["not listed in subnets use it (v/data)"]),
    (False, [], [_route("legacy")], [DATA], [], [], ["ownership tags", "(legacy)", "(v/data)"]),
])
def test_removal_plan(managed, managed_left, foreign_left, subnets, declared, detach, reasons):
    got_detach, got_reasons = removal_plan(managed, "t", managed_left, foreign_left, subnets, declared)
    assert got_detach == detach
    assert len(got_reasons) == len(reasons)
    for want, got in zip(reasons, got_reasons):
        assert want in got


class _Model(dict):
    def as_dict(self):
        return copy.deepcopy(dict(self))


class StatefulConn:
    """Applies the writes to its objects, as ARM would, so the manager's re-read sees them."""

    subscription_id = SUB

    def __init__(self, table, subnets):
        self.table = table
        self.subnets = subnets
        self.writes = []
        self.deletes_refused = 0

    def call(self, service, group, method, *args, not_found=False, **kwargs):
        if group == "route_tables":
            return _Model(self.table) if self.table is not None else None
        body = self.subnets.get(args[2])
        return _Model(body) if body is not None else None

    def run(self, service, group, method, *args, what, timeout, wait=True, **kwargs):
        self.writes.append((group, method, args, kwargs))
        if group == "route_tables" and method == "begin_create_or_update":
            self.table["properties"]["routes"] = args[2]["properties"]["routes"]
            self.table["etag"] = 'W/"table-2"'
        elif group == "subnets":
            self.subnets[args[2]] = args[3]
            if not (args[3].get("properties") or {}).get("routeTable"):
                self.table["properties"]["subnets"] = [s for s in self.table["properties"]["subnets"]
                                                       if not s["id"].endswith("/" + args[2])]
        elif method == "begin_delete":
            self.table = None


def _table(routes, subnets, tags=None):
    return {"id": f"{BASE}/routeTables/rt", "name": "rt", "location": "westeurope", "etag": 'W/"table-1"',
            "tags": dict(OURS if tags is None else tags),
            "properties": {"routes": copy.deepcopy(routes), "subnets": [{"id": s} for s in subnets]}}


def _subnet(name, table=True):
    props = {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": "/nsg"}}
    if table:
        props["routeTable"] = {"id": f"{BASE}/routeTables/rt"}
    return {"id": f"{BASE}/virtualNetworks/v/subnets/{name}", "name": name, "etag": f'W/"{name}-1"',
            "properties": props}


def _params(**extra):
    out = {"state": "deleted", "route_name_prefix": "cloudnet-", "resource_group": "rg", "route_table": "rt",
           "config": [], "wait_timeout": 60, "take_over": False, "remove_table": True,
           "subnets": [{"virtual_network": "v", "name": "app"}], "location": None, "topology": "t", "tags": None}
    out.update(extra)
    return out


def test_our_table_is_emptied_disassociated_and_deleted_with_if_match():
    conn = StatefulConn(_table([MANAGED], [APP]), {"app": _subnet("app")})
    out = RouteSetManager(conn, _params(), check_mode=False).ensure()
    assert [o["action"] for o in out["operations"]] == [
        "delete_route", "write_route_table", "disassociate_subnet", "delete_route_table"]
    assert [w[:2] for w in conn.writes] == [("route_tables", "begin_create_or_update"),
                                            ("subnets", "begin_create_or_update"), ("route_tables", "begin_delete")]
    subnet_put = conn.writes[1]
    assert subnet_put[3]["headers"] == {"If-Match": 'W/"app-1"'}
    assert "routeTable" not in subnet_put[2][3]["properties"]
    assert subnet_put[2][3]["properties"]["networkSecurityGroup"] == {"id": "/nsg"}, "other settings kept"
    assert conn.writes[2][3]["headers"] == {"If-Match": 'W/"table-2"'}, "deleted with the etag re-read"
    assert conn.table is None
    assert out["route_table"] == {} and out["diff"]["after"] == {} and out["diff"]["before"]["name"] == "rt"
    assert "kept_reasons" not in out and "warnings" not in out


def test_check_mode_predicts_the_removal_and_writes_nothing():
    conn = StatefulConn(_table([MANAGED], [APP]), {"app": _subnet("app")})
    checked = RouteSetManager(conn, _params(), check_mode=True).ensure()
    assert conn.writes == [] and conn.table is not None
    applied = RouteSetManager(StatefulConn(_table([MANAGED], [APP]), {"app": _subnet("app")}), _params(),
                              check_mode=False).ensure()
    assert checked["operations"] == applied["operations"]
    assert checked["route_table"] == applied["route_table"] == {}
    assert checked["diff"] == applied["diff"]


@pytest.mark.parametrize("table,reason", [
    (_table([MANAGED, FOREIGN], [APP]), "does not manage (onprem)"),
    (_table([MANAGED], [APP], tags={"owner": "netops"}), "ownership tags"),
    (_table([MANAGED], [APP, DATA]), "(v/data)"),
])
def test_table_kept_with_its_associations_and_foreign_routes(table, reason):
    conn = StatefulConn(table, {"app": _subnet("app"), "data": _subnet("data")})
    out = RouteSetManager(conn, _params(), check_mode=False).ensure()
    assert [w[:2] for w in conn.writes] == [("route_tables", "begin_create_or_update")], "only our routes go"
    assert conn.table is not None and conn.subnets["app"]["properties"]["routeTable"]
    foreign = [r["name"] for r in table["properties"]["routes"] if r["name"] == "onprem"]
    assert [r["name"] for r in conn.table["properties"]["routes"]] == foreign, "foreign routes stay, ours go"
    assert any(reason in r for r in out["kept_reasons"])
    assert out["warnings"] and "was kept" in out["warnings"][0]
    assert out["route_table"]["subnets"] == sorted(s["id"] for s in table["properties"]["subnets"])


def test_second_run_after_removal_and_missing_table_change_nothing():
    conn = StatefulConn(None, {})
    out = RouteSetManager(conn, _params(), check_mode=False).ensure()
    assert out["changed"] is False and conn.writes == [] and "kept_reasons" not in out


def test_a_re_run_after_a_crash_finishes_the_removal():
    """The routes went and the subnet was detached, then the run stopped: the table is deleted now."""
    conn = StatefulConn(_table([], []), {"app": _subnet("app", table=False)})
    out = RouteSetManager(conn, _params(), check_mode=False).ensure()
    assert [o["action"] for o in out["operations"]] == ["delete_route_table"]
    assert conn.table is None


def test_a_route_added_meanwhile_stops_the_deletion():
    conn = StatefulConn(_table([MANAGED], [APP]), {"app": _subnet("app")})
    run = conn.run

    def racing_run(service, group, method, *args, **kwargs):
        run(service, group, method, *args, **kwargs)
        if group == "subnets":
            conn.table["properties"]["routes"].append(copy.deepcopy(FOREIGN))

    conn.run = racing_run
    with pytest.raises(ConflictError) as err:
        RouteSetManager(conn, _params(), check_mode=False).ensure()
    assert "onprem" in err.value.message and "re-run" in err.value.message
    assert conn.table is not None


def test_remove_table_only_with_deleted():
    with pytest.raises(ValidationError) as err:
        RouteSetManager(None, _params(state="overridden"), check_mode=False)
    assert err.value.field == "remove_table"
