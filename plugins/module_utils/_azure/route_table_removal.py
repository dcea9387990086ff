# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Removal of a route table the collection created, with the subnet associations it made.

Used by azure_route_set ``state: deleted`` with ``remove_table``, after the managed routes are planned away.
The table goes only when all of these hold; otherwise it stays, with its subnet associations, and the reasons
are reported:

- it carries the collection's ownership tags for the topology (a table the collection did not create is never
  deleted);
- no route is left in it, foreign or managed;
- every subnet that uses it is one the task declares in ``subnets`` (the subnets the module associates); a
  subnet somebody else attached keeps the table in use.

The declared subnets are disassociated (each subnet written back without ``routeTable``, ``If-Match`` its etag),
then the table is read again and deleted with ``If-Match`` its etag, so a route or subnet added meanwhile stops
the deletion instead of being lost with the table.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import owned, parse_id, ref_id, same_id
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.route_table_calls import (
    delete_route_table,
    get_route_table,
    get_subnet,
    put_subnet,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ConflictError


def subnet_label(rid: str) -> str:
    parts = parse_id(rid)
    return f"{parts.get('virtualnetworks')}/{parts.get('subnets')}"


def removal_plan(managed: bool, topology: str, managed_left: list, foreign_left: list, table_subnets: list,
                 declared: list) -> tuple[list, list]:
    """``(subnet IDs to disassociate, reasons to keep the table)``; the table goes when there is no reason.

    ``managed_left`` and ``foreign_left`` are the canonical routes the table keeps once the managed routes of the
    run are deleted; ``table_subnets`` the subnet IDs associated with it; ``declared`` the declared subnet IDs.
    """
    reasons = []
    if not managed:
        reasons.append(f"it does not carry the collection's ownership tags for topology {topology} (the collection "
                       "did not create it)")
    if foreign_left:
        reasons.append("it holds routes the collection does not manage ("
                       + ", ".join(sorted(r["name"] for r in foreign_left)) + ")")
    if managed_left:
        names = ", ".join(sorted(r["name"] for r in managed_left))
        reasons.append(f"managed routes not listed in config remain ({names}); leave config empty to delete every "
                       "managed route")
    undeclared = [s for s in table_subnets if not any(same_id(s, d) for d in declared)]
    if undeclared:
        reasons.append("subnets not listed in subnets use it (" + ", ".join(sorted(subnet_label(s) for s in undeclared))
                       + ")")
    if reasons:
        return [], reasons
    return sorted(table_subnets, key=str.lower), []


class RouteTableRemoval:
    """Disassociates the declared subnets and deletes the route table, through ``changes`` (check mode aware)."""

    def __init__(self, conn, changes, group: str, name: str, topology: str, timeout):
        self.conn = conn
        self.changes = changes
        self.group = group
        self.name = name
        self.topology = topology
        self.timeout = timeout

    def remove(self, table_id: str, detach: list) -> None:
        for sid in detach:
            self.changes.do("disassociate_subnet", sid, lambda s=sid: self._detach(s, table_id))
        self.changes.do("delete_route_table", self.name, lambda: self._delete(detach))

    def _detach(self, sid: str, table_id: str) -> None:
        parts = parse_id(sid)
        group, vnet, name = parts["resource_group"], parts.get("virtualnetworks"), parts.get("subnets")
        subnet = get_subnet(self.conn, group, vnet, name)
        if subnet is None:
            return
        body = subnet.as_dict()
        props = body.setdefault("properties", {})
        if not same_id(ref_id(props.get("routeTable")), table_id):
            return  # moved to another table since the read: not ours to undo
        props.pop("routeTable", None)
        put_subnet(self.conn, group, vnet, name, body, body.get("etag"), self.timeout)

    def _delete(self, detached: list) -> None:
        table = get_route_table(self.conn, self.group, self.name)
        if table is None:
            return
        body = table.as_dict()
        props = body.get("properties") or {}
        changed = []
        if not owned(body, self.topology):
            changed.append("its ownership tags are gone")
        if props.get("routes"):
            changed.append("routes were added (" + ", ".join(sorted(r.get("name") or "" for r in props["routes"]))
                           + ")")
        # The subnets just disassociated may still be listed for a moment; any other subnet is a new user.
        users = [ref_id(s) for s in props.get("subnets") or []]
        others = [s for s in users if s and not any(same_id(s, d) for d in detached)]
        if others:
            changed.append("subnets were associated (" + ", ".join(sorted(subnet_label(s) for s in others)) + ")")
        if changed:
            raise ConflictError(f"Route table {self.name} changed during the run: " + "; ".join(changed) + ". It was "
                                "kept. Fix: re-run to reconcile against its new state.")
        try:
            delete_route_table(self.conn, self.group, self.name, body.get("etag"), self.timeout)
        except ConflictError:
            if get_route_table(self.conn, self.group, self.name) is not None:
                raise
            # A retried DELETE whose first answer was lost meets no table: it is gone, which is the goal.
