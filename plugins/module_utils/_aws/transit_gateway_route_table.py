# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit Gateway route table: associations, propagations and static routes.

Identity is the Name tag + transit gateway + ownership tags (CreateTransitGatewayRouteTable takes no
ClientToken). An attachment has one association: when it is associated with another table, AWS answers
Resource.AlreadyAssociated, so the manager disassociates it there first, waits, then associates it here.
Only static routes are managed; propagated routes and prefix list references are read, never changed.
A target change is one ReplaceTransitGatewayRoute call (make-before-break), never delete + create.
AWS associates and propagates only available attachments (IncorrectState otherwise): attachments still
pending (made by a run that stopped before its wait, or with wait=false) are waited for first.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce, DoneIfRetried
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import (
    dict_filters,
    name_filter,
    named,
    owned,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway_route_table_plan import (
    describe,
    have_routes,
    plan_routes,
    plan_set,
    route_args,
    validate,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

NOT_FOUND = ("InvalidRouteTableID.NotFound", "InvalidTransitGatewayRouteTableID.NotFound")
GONE = ("deleting", "deleted")
STATIC_ROUTES = [{"Name": "type", "Values": ["static"]}]
# Literal calls, so tools/iam_policy.py can read the IAM actions from the source. Each names the error
# codes that, after a retry whose earlier answer was lost, mean the earlier attempt did it.
_ASSOCIATED = ("Resource.AlreadyAssociated",)
_DISASSOCIATED = ("InvalidAssociation.NotFound",)
_PROPAGATING = ("TransitGatewayRouteTablePropagation.Duplicate",)
_NOT_PROPAGATING = ("TransitGatewayRouteTablePropagation.NotFound",)
ROUTE_EXISTS = ("RouteAlreadyExists",)
ROUTE_GONE = ("InvalidRoute.NotFound",)
ATTACHMENT_CALLS = {
    "associate": lambda conn, **api: DoneIfRetried(conn, _ASSOCIATED).call(
        "ec2", "associate_transit_gateway_route_table", **api
    ),
    "disassociate": lambda conn, **api: DoneIfRetried(conn, _DISASSOCIATED).call(
        "ec2", "disassociate_transit_gateway_route_table", **api
    ),
    "enable_propagation": lambda conn, **api: DoneIfRetried(conn, _PROPAGATING).call(
        "ec2", "enable_transit_gateway_route_table_propagation", **api
    ),
    "disable_propagation": lambda conn, **api: DoneIfRetried(conn, _NOT_PROPAGATING).call(
        "ec2", "disable_transit_gateway_route_table_propagation", **api
    ),
}
ATTACHMENT_GONE = ("deleting", "deleted", "failed", "failing", "rejected", "rejecting")


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_route_tables(conn, ids=None, filters=None) -> list:
    kwargs = {}
    if ids:
        kwargs["TransitGatewayRouteTableIds"] = list(ids)
    if filters:
        kwargs["Filters"] = filters
    found = conn.paginate(
        "ec2",
        "describe_transit_gateway_route_tables",
        "TransitGatewayRouteTables",
        not_found=NOT_FOUND,
        **kwargs,
    )
    return [t for t in found if t.get("State") not in GONE]


def get_associations(conn, table_id: str) -> list:
    found = conn.paginate(
        "ec2",
        "get_transit_gateway_route_table_associations",
        "Associations",
        TransitGatewayRouteTableId=table_id,
    )
    return [a for a in found if a.get("State") in ("associating", "associated")]


def get_propagations(conn, table_id: str) -> list:
    found = conn.paginate(
        "ec2",
        "get_transit_gateway_route_table_propagations",
        "TransitGatewayRouteTablePropagations",
        TransitGatewayRouteTableId=table_id,
    )
    return [p for p in found if p.get("State") in ("enabling", "enabled")]


def search_static_routes(conn, table_id: str) -> list:
    """Static routes (blackholes included). No MaxResults: AWS then returns up to 1000 per page."""
    found = conn.paginate(
        "ec2",
        "search_transit_gateway_routes",
        "Routes",
        TransitGatewayRouteTableId=table_id,
        Filters=STATIC_ROUTES,
    )
    return [r for r in found if r.get("State") not in ("deleting", "deleted")]


def describe_attachments(conn, attachment_ids) -> list:
    if not attachment_ids:
        return []
    return conn.paginate(
        "ec2",
        "describe_transit_gateway_attachments",
        "TransitGatewayAttachments",
        TransitGatewayAttachmentIds=sorted(attachment_ids),
    )


def associations_of(attachments: list) -> dict:
    """``{attachment_id: (route_table_id, state)}`` for attachments associated (or still disassociating)."""
    out = {}
    for att in attachments:
        assoc = att.get("Association") or {}
        if assoc.get("TransitGatewayRouteTableId") and assoc.get("State") != "disassociated":
            out[att["TransitGatewayAttachmentId"]] = (assoc["TransitGatewayRouteTableId"], assoc["State"])
    return out


def attachment_associations(conn, attachment_ids) -> dict:
    return associations_of(describe_attachments(conn, attachment_ids))


def unavailable(attachments: list, attachment_ids) -> dict:
    """``{attachment_id: state}`` of the listed attachments that are not available (``deleted``: unknown)."""
    states = {att["TransitGatewayAttachmentId"]: att.get("State") for att in attachments}
    return {a: states.get(a, "deleted") for a in attachment_ids if states.get(a) != "available"}


def read_table(conn, table: dict) -> dict:
    table_id = table["TransitGatewayRouteTableId"]
    return describe(
        table,
        [a["TransitGatewayAttachmentId"] for a in get_associations(conn, table_id)],
        [p["TransitGatewayAttachmentId"] for p in get_propagations(conn, table_id)],
        have_routes(search_static_routes(conn, table_id)),
    )


# --- manager ---------------------------------------------------------------------------------------


class RouteTableManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    @property
    def _waiting(self) -> bool:
        return self.p.get("wait", True) and not self.changes.check_mode

    def _wait_table(self, table_id: str, ready=("available",)):
        if not self._waiting:
            return None

        def fetch():
            found = self.conn.paginate(
                "ec2",
                "describe_transit_gateway_route_tables",
                "TransitGatewayRouteTables",
                not_found=NOT_FOUND,
                TransitGatewayRouteTableIds=[table_id],
            )
            return found[0] if found else {"State": "deleted"}

        return wait_until(
            fetch,
            lambda t: t.get("State") in ready,
            f"transit gateway route table {table_id}",
            self.p.get("wait_timeout", 300),
            state_of=lambda t: t.get("State"),
        )

    def _wait_association(self, att_id: str, table_id: str | None):
        """Wait until ``att_id`` is associated with ``table_id`` (None: associated nowhere)."""
        if not self._waiting:
            return

        def ready(current):
            if table_id is None:
                return att_id not in current
            return current.get(att_id) == (table_id, "associated")

        wait_until(
            lambda: attachment_associations(self.conn, [att_id]),
            ready,
            f"association of {att_id} with {table_id or 'no route table'}",
            self.p.get("wait_timeout", 300),
            state_of=lambda current: current.get(att_id, ("none", "disassociated")),
        )

    def _read_attachments(self, attachment_ids) -> list:
        """The attachments about to be associated or propagated, once all are available.

        AWS refuses both for an attachment that is not available (IncorrectState): one a stopped run left
        pending, or one created with wait=false, is waited for here.
        """
        found = describe_attachments(self.conn, attachment_ids)
        if not unavailable(found, attachment_ids) or not self._waiting:
            return found
        return wait_until(
            lambda: describe_attachments(self.conn, attachment_ids),
            lambda items: not unavailable(items, attachment_ids),
            f"attachment(s) {', '.join(sorted(attachment_ids))} to become available",
            self.p.get("wait_timeout", 300),
            failed=lambda items: any(s in ATTACHMENT_GONE for s in unavailable(items, attachment_ids).values()),
            state_of=lambda items: unavailable(items, attachment_ids),
        )

    def _existing(self):
        filters = name_filter(self.p["name"]) + [
            {"Name": "transit-gateway-id", "Values": [self.p["transit_gateway_id"]]}
        ]
        found = owned(describe_route_tables(self.conn, filters=filters), self.p["topology"], self.p["name"])
        if len(found) > 1:
            ids = ", ".join(t["TransitGatewayRouteTableId"] for t in found)
            raise ConflictError(
                f"name: {len(found)} route tables are named {self.p['name']!r} on "
                f"{self.p['transit_gateway_id']} ({ids}). Fix: delete or rename all but one."
            )
        return found[0] if found else None

    def ensure(self) -> dict:
        want = validate(self.p)
        have = self._existing()
        if self.p["state"] == "absent":
            return self._absent(have)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        if have is None:
            args = {
                "TransitGatewayId": self.p["transit_gateway_id"],
                "TagSpecifications": tag_specification("transit-gateway-route-table", tags),
            }

            def find():
                found = self._existing()
                return {"TransitGatewayRouteTable": found} if found else None

            out = self.changes.do(
                "create",
                f"transit-gateway-route-table/{self.p['name']}",
                lambda: CreateOnce(self.conn, find).call("ec2", "create_transit_gateway_route_table", **args),
            )
            table = {
                "TransitGatewayRouteTableId": None,
                "TransitGatewayId": self.p["transit_gateway_id"],
                "State": "available",
                "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
            }
            if out:
                table = out["TransitGatewayRouteTable"]
                table = self._wait_table(table["TransitGatewayRouteTableId"]) or table
            before, current = None, {"associations": [], "propagations": [], "routes": {}}
        else:
            table = have
            table_id = have["TransitGatewayRouteTableId"]
            current = {
                "associations": [
                    a["TransitGatewayAttachmentId"] for a in get_associations(self.conn, table_id)
                ],
                "propagations": [
                    p["TransitGatewayAttachmentId"] for p in get_propagations(self.conn, table_id)
                ],
                "routes": have_routes(search_static_routes(self.conn, table_id)),
            }
            before = describe(have, current["associations"], current["propagations"], current["routes"])
            if have.get("State") != "available":
                table = self._wait_table(table_id) or have
        after = self._reconcile(table, current, want)
        if have is not None:
            after["tags"] = reconcile_ec2_tags(
                self.conn,
                self.changes,
                have["TransitGatewayRouteTableId"],
                have.get("Tags"),
                tags,
                self.p.get("purge_tags", True),
            )
        return self.changes.result("route_table", before, after)

    def _attachment_call(self, action: str, table_id: str, att: str, **details):
        self.changes.do(
            action,
            table_id,
            lambda: ATTACHMENT_CALLS[action](
                self.conn, TransitGatewayRouteTableId=table_id, TransitGatewayAttachmentId=att
            ),
            **dict(details, attachment_id=att),
        )

    def _reconcile(self, table: dict, current: dict, want: dict) -> dict:
        table_id = table.get("TransitGatewayRouteTableId") or f"transit-gateway-route-table/{self.p['name']}"
        add_assoc, del_assoc = plan_set(
            current["associations"], want["associations"], self.p.get("purge_associations", True)
        )
        add_prop, del_prop = plan_set(
            current["propagations"], want["propagations"], self.p.get("purge_propagations", True)
        )
        create, replace, delete = plan_routes(
            current["routes"], want["routes"], self.p.get("purge_routes", True)
        )
        do = self.changes.do
        added = self._read_attachments(sorted(set(add_prop) | set(add_assoc)))
        elsewhere = {a: where for a, where in associations_of(added).items() if a in add_assoc}
        # Make before break: everything new first, removals last.
        for att in add_prop:
            self._attachment_call("enable_propagation", table_id, att)
        for cidr, target in sorted(create.items()):
            args = route_args(table_id, cidr, target)
            do(
                "create_route",
                table_id,
                lambda args=args: DoneIfRetried(self.conn, ROUTE_EXISTS).call(
                    "ec2", "create_transit_gateway_route", **args
                ),
                destination_cidr=cidr,
                route_target=target,
            )
        for cidr, target in sorted(replace.items()):
            args = route_args(table_id, cidr, target)
            do(
                "replace_route",
                table_id,
                lambda args=args: self.conn.call("ec2", "replace_transit_gateway_route", **args),
                destination_cidr=cidr,
                route_target=target,
                previous=current["routes"][cidr],
            )
        for att in add_assoc:
            if att in elsewhere:
                # AWS answers Resource.AlreadyAssociated otherwise: one association per attachment.
                other, state = elsewhere[att]
                if state != "disassociating":
                    self._attachment_call("disassociate", other, att, moved_to=table_id)
                self._wait_association(att, None)
            self._attachment_call("associate", table_id, att)
            self._wait_association(att, table_id)
        for att in del_assoc:
            self._attachment_call("disassociate", table_id, att)
        for att in del_prop:
            self._attachment_call("disable_propagation", table_id, att)
        for cidr in delete:
            do(
                "delete_route",
                table_id,
                lambda cidr=cidr: DoneIfRetried(self.conn, ROUTE_GONE).call(
                    "ec2",
                    "delete_transit_gateway_route",
                    TransitGatewayRouteTableId=table_id,
                    DestinationCidrBlock=cidr,
                ),
                destination_cidr=cidr,
            )
        for att in del_assoc:
            self._wait_association(att, None)
        routes = {c: t for c, t in current["routes"].items() if c not in delete}
        routes.update(create)
        routes.update(replace)
        associations = sorted((set(current["associations"]) | set(add_assoc)) - set(del_assoc))
        propagations = sorted((set(current["propagations"]) | set(add_prop)) - set(del_prop))
        return describe(table, associations, propagations, routes)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("route_table", None, None)
        table_id = have["TransitGatewayRouteTableId"]
        before = read_table(self.conn, have)
        if not is_managed(tag_list_to_dict(have.get("Tags")), self.p["topology"]):
            return self.changes.result(
                "route_table",
                before,
                before,
                warnings=[f"route table {table_id} is not managed by this collection; left in place"],
            )
        # AWS refuses to delete a route table with associations or propagations.
        empty = {"associations": [], "propagations": [], "routes": None}
        current = {
            "associations": before["associations"],
            "propagations": before["propagations"],
            "routes": {},
        }
        self.p = dict(self.p, purge_associations=True, purge_propagations=True)
        self._reconcile(have, current, empty)
        self.changes.do(
            "delete",
            table_id,
            lambda: self.conn.call(
                "ec2",
                "delete_transit_gateway_route_table",
                TransitGatewayRouteTableId=table_id,
                not_found=NOT_FOUND,
            ),
        )
        if self._waiting:
            self._wait_table(table_id, ready=("deleted",))
        return self.changes.result("route_table", before, None)


def gather(conn, params: dict) -> list:
    """Route tables for the _info module, each with associations, propagations and static routes."""
    filters = dict_filters(params.get("filters"))
    if params.get("transit_gateway_id"):
        filters.append({"Name": "transit-gateway-id", "Values": [params["transit_gateway_id"]]})
    if params.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(params["names"])})
    found = describe_route_tables(
        conn, ids=params.get("transit_gateway_route_table_ids"), filters=filters or None
    )
    return sorted(
        (read_table(conn, t) for t in named(found, params.get("names"))),
        key=lambda t: t["transit_gateway_route_table_id"],
    )
