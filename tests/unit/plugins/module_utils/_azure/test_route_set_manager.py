"""RouteSetManager against a recording connection: conditional writes, check mode reads only."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_set import RouteSetManager
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ConflictError

SUB = "00000000-0000-0000-0000-000000000001"
BASE = f"/subscriptions/{SUB}/resourceGroups/rg/providers/Microsoft.Network"
TABLE = {
    "id": f"{BASE}/routeTables/rt", "name": "rt", "location": "westeurope", "etag": 'W/"table-1"',
    "tags": {"owner": "netops"},
    "properties": {"provisioningState": "Succeeded", "disableBgpRoutePropagation": True,
                   "subnets": [{"id": f"{BASE}/virtualNetworks/v/subnets/old"}],
                   "routes": [{"name": "onprem", "etag": 'W/"r"',
                               "properties": {"addressPrefix": "192.168.0.0/16", "nextHopType": "VirtualNetworkGateway",
                                              "provisioningState": "Succeeded"}}]},
}
SUBNET = {"id": f"{BASE}/virtualNetworks/v/subnets/app", "name": "app", "etag": 'W/"subnet-7"',
          "properties": {"addressPrefix": "10.0.1.0/24", "networkSecurityGroup": {"id": "/nsg"}}}


class _Model(dict):
    def as_dict(self):
        return copy.deepcopy(dict(self))


class FakeConn:
    subscription_id = SUB

    def __init__(self, table, subnet):
        self.objects = {"route_tables": table, "subnets": subnet}
        self.reads, self.writes = [], []

    def call(self, service, group, method, *args, not_found=False, **kwargs):
        self.reads.append((group, method, args))
        body = self.objects.get(group)
        return _Model(body) if body is not None else None

    def run(self, service, group, method, *args, what, timeout, wait=True, **kwargs):
        self.writes.append((group, method, args, kwargs))


def _params(**extra):
    out = {"state": "merged", "route_name_prefix": "cloudnet-", "resource_group": "rg", "route_table": "rt",
           "config": [{"address_prefix": "10.100.0.0/22"}], "wait_timeout": 60, "take_over": False,
           "subnets": [{"virtual_network": "v", "name": "app"}], "location": None, "topology": "t", "tags": None}
    out.update(extra)
    return out


def test_apply_writes_table_and_subnet_with_if_match_keeping_foreign_state():
    conn = FakeConn(copy.deepcopy(TABLE), copy.deepcopy(SUBNET))
    result = RouteSetManager(conn, _params(), check_mode=False).ensure()
    assert [w[:2] for w in conn.writes] == [("route_tables", "begin_create_or_update"),
                                            ("subnets", "begin_create_or_update")]
    _g, _m, (rg, name, body), kwargs = conn.writes[0]
    assert kwargs["headers"] == {"If-Match": 'W/"table-1"'}
    assert body["tags"] == {"owner": "netops"}, "an existing table keeps its tags"
    assert body["properties"]["disableBgpRoutePropagation"] is True
    assert "subnets" not in body["properties"]
    assert body["properties"]["routes"][0] == TABLE["properties"]["routes"][0], "the foreign route is sent as read"
    assert body["properties"]["routes"][1] == {"name": "cloudnet-10.100.0.0_22", "properties": {
        "addressPrefix": "10.100.0.0/22", "nextHopType": "VirtualNetworkGateway"}}
    _g, _m, args, kwargs = conn.writes[1]
    assert kwargs["headers"] == {"If-Match": 'W/"subnet-7"'}
    assert args[3]["properties"]["routeTable"] == {"id": TABLE["id"]}
    assert args[3]["properties"]["networkSecurityGroup"] == {"id": "/nsg"}, "the subnet keeps its other settings"
    assert result["route_table"]["subnets"] == sorted([f"{BASE}/virtualNetworks/v/subnets/old", SUBNET["id"]])


def test_check_mode_only_reads_and_predicts_the_same_result():
    conn = FakeConn(copy.deepcopy(TABLE), copy.deepcopy(SUBNET))
    checked = RouteSetManager(conn, _params(), check_mode=True).ensure()
    assert conn.writes == []
    applied = RouteSetManager(FakeConn(copy.deepcopy(TABLE), copy.deepcopy(SUBNET)), _params(), False).ensure()
    assert checked["route_table"] == applied["route_table"]
    assert checked["operations"] == applied["operations"]


def test_missing_table_is_created_with_ownership_tags_and_if_none_match():
    conn = FakeConn(None, copy.deepcopy(SUBNET))
    RouteSetManager(conn, _params(location="westeurope", subnets=[]), False).ensure()
    _g, _m, (_rg, _name, body), kwargs = conn.writes[0]
    assert kwargs["headers"] == {"If-None-Match": "*"}
    assert body["tags"] == {"cloudnet:managed-by": "cloudnet.privatelink", "cloudnet:topology": "t"}
    assert body["location"] == "westeurope"


def test_subnet_on_another_table_is_a_conflict_before_any_subnet_write():
    subnet = copy.deepcopy(SUBNET)
    subnet["properties"]["routeTable"] = {"id": f"{BASE}/routeTables/theirs"}
    conn = FakeConn(copy.deepcopy(TABLE), subnet)
    with pytest.raises(ConflictError) as err:
        RouteSetManager(conn, _params(), False).ensure()
    assert "theirs" in err.value.message
    assert [w[0] for w in conn.writes] == ["route_tables"]


def test_gathered_and_deleted_on_a_missing_table_do_nothing():
    for state in ("gathered", "deleted"):
        conn = FakeConn(None, None)
        out = RouteSetManager(conn, _params(state=state), False).ensure()
        assert out["changed"] is False and conn.writes == []
