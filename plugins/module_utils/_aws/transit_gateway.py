# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit Gateway: wrappers, normalisers and the manager that reconciles it.

The hub Transit Gateway carries spoke traffic to the services VPC. Default route table association and
propagation are off by default: segmentation needs dedicated route tables (one for spokes, one for the
services VPC), and a default table would quietly connect every spoke to every other.
CreateTransitGateway takes no ClientToken, so identity is the Name tag plus the ownership tags, and the
create is never sent again while an earlier attempt may have made the gateway (retry.CreateOnce).
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import tag_list_to_dict
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

NOT_FOUND = ("InvalidTransitGatewayID.NotFound",)
GONE = ("deleting", "deleted")
ATTACHMENT_GONE = ("deleting", "deleted", "failed", "failing", "rejected", "rejecting")

# Module option -> (API option, kind). "bool" options travel as enable/disable.
OPTION_MAP = {
    "asn": ("AmazonSideAsn", "int"),
    "auto_accept_shared_attachments": ("AutoAcceptSharedAttachments", "bool"),
    "default_route_table_association": ("DefaultRouteTableAssociation", "bool"),
    "default_route_table_propagation": ("DefaultRouteTablePropagation", "bool"),
    "dns_support": ("DnsSupport", "bool"),
    "vpn_ecmp_support": ("VpnEcmpSupport", "bool"),
}


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_transit_gateways(conn, ids=None, filters=None) -> list:
    kwargs = {}
    if ids:
        kwargs["TransitGatewayIds"] = list(ids)
    if filters:
        kwargs["Filters"] = filters
    found = conn.paginate(
        "ec2", "describe_transit_gateways", "TransitGateways", not_found=NOT_FOUND, **kwargs
    )
    return [t for t in found if t.get("State") not in GONE]


def describe_attachments(conn, filters) -> list:
    found = conn.paginate(
        "ec2", "describe_transit_gateway_attachments", "TransitGatewayAttachments", Filters=filters
    )
    return [a for a in found if a.get("State") not in ATTACHMENT_GONE]


def owned(items: list, topology: str, name: str | None = None) -> list:
    """Items carrying the ownership tags of ``topology`` (and the Name tag ``name`` when given).

    The Name filter sent to the API narrows the read; the tags are checked again here, so identity never
    depends on how faithfully an EC2 implementation applies tag filters.
    """
    return [
        i
        for i in items
        if is_managed(tag_list_to_dict(i.get("Tags")), topology)
        and (name is None or tag_list_to_dict(i.get("Tags")).get("Name") == name)
    ]


def named(items: list, names) -> list:
    """Items whose Name tag is one of ``names`` (all items when ``names`` is empty)."""
    return [i for i in items if not names or tag_list_to_dict(i.get("Tags")).get("Name") in names]


def name_filter(name: str) -> list:
    return [{"Name": "tag:Name", "Values": [name]}]


def dict_filters(filters: dict | None) -> list:
    """amazon.aws style ``{name: value or [values]}`` filters as the EC2 API list."""
    out = []
    for key, value in sorted((filters or {}).items()):
        values = value if isinstance(value, list) else [value]
        out.append({"Name": str(key), "Values": [str(v) for v in values]})
    return out


# --- normalisation ---------------------------------------------------------------------------------


def _flag(value) -> bool:
    return value == "enable"


def want_options(params: dict) -> dict:
    """The API ``Options`` the module parameters ask for (omitted parameters are not managed)."""
    out = {}
    for option, (api, kind) in OPTION_MAP.items():
        value = params.get(option)
        if value is None:
            continue
        out[api] = ("enable" if value else "disable") if kind == "bool" else int(value)
    return out


def validate(params: dict) -> None:
    asn = params.get("asn")
    if asn is not None and not (64512 <= asn <= 65534 or 4200000000 <= asn <= 4294967294):
        raise ValidationError("asn", asn, "is not a private ASN", "use 64512-65534 or 4200000000-4294967294")
    if params.get("state", "present") == "present" and not params.get("name"):
        raise ValidationError(
            "name", params.get("name"), "is required", "give the Name tag of the transit gateway"
        )
    if len(params.get("description") or "") > 255:
        raise ValidationError(
            "description", params["description"][:20] + "...", "is longer than 255 characters", "shorten it"
        )


def option_changes(have_options: dict, want: dict) -> dict:
    """Options whose wanted value differs from the current one."""
    return {k: v for k, v in want.items() if have_options.get(k) != v}


def describe(tgw: dict | None) -> dict | None:
    if tgw is None:
        return None
    opts = tgw.get("Options", {})
    tags = tag_list_to_dict(tgw.get("Tags"))
    return {
        "transit_gateway_id": tgw["TransitGatewayId"],
        "transit_gateway_arn": tgw.get("TransitGatewayArn"),
        "name": tags.get("Name"),
        "description": tgw.get("Description", ""),
        "state": tgw.get("State"),
        "owner_id": tgw.get("OwnerId"),
        "options": {
            "amazon_side_asn": opts.get("AmazonSideAsn"),
            "auto_accept_shared_attachments": _flag(opts.get("AutoAcceptSharedAttachments")),
            "default_route_table_association": _flag(opts.get("DefaultRouteTableAssociation")),
            "default_route_table_propagation": _flag(opts.get("DefaultRouteTablePropagation")),
            "association_default_route_table_id": opts.get("AssociationDefaultRouteTableId"),
            "propagation_default_route_table_id": opts.get("PropagationDefaultRouteTableId"),
            "dns_support": _flag(opts.get("DnsSupport")),
            "vpn_ecmp_support": _flag(opts.get("VpnEcmpSupport")),
            "multicast_support": _flag(opts.get("MulticastSupport")),
        },
        "tags": tags,
    }


def _apply_options(tgw: dict, description, options: dict) -> dict:
    """``tgw`` (API shape) with the given description and options applied: the predicted state."""
    out = dict(tgw)
    out["Options"] = dict(tgw.get("Options", {}), **options)
    if description is not None:
        out["Description"] = description
    return out


# --- manager ---------------------------------------------------------------------------------------


class TransitGatewayManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _wait(self, tgw_id: str, ready_states=("available",)):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return None

        def fetch():
            found = self.conn.paginate(
                "ec2",
                "describe_transit_gateways",
                "TransitGateways",
                not_found=NOT_FOUND,
                TransitGatewayIds=[tgw_id],
            )
            return found[0] if found else {"State": "deleted"}

        return wait_until(
            fetch,
            lambda t: t.get("State") in ready_states,
            f"transit gateway {tgw_id}",
            self.p.get("wait_timeout", 600),
            state_of=lambda t: t.get("State"),
        )

    def _existing(self):
        found = owned(
            describe_transit_gateways(self.conn, filters=name_filter(self.p["name"])),
            self.p["topology"],
            self.p["name"],
        )
        if len(found) > 1:
            ids = ", ".join(t["TransitGatewayId"] for t in found)
            raise ConflictError(
                f"name: {len(found)} transit gateways are named {self.p['name']!r} in topology "
                f"{self.p['topology']!r} ({ids}). Fix: delete or rename all but one."
            )
        return found[0] if found else None

    def ensure(self) -> dict:
        validate(self.p)
        if self.p["state"] == "absent":
            return self._absent(self._existing() if self.p.get("name") else None)
        have = self._existing()
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        options = want_options(self.p)
        if have is None:
            return self._create(tags, options)
        return self._update(have, tags, options)

    def _create(self, tags: dict, options: dict) -> dict:
        args = {"Options": options, "TagSpecifications": tag_specification("transit-gateway", tags)}
        if self.p.get("description"):
            args["Description"] = self.p["description"]

        def find():
            found = self._existing()
            return {"TransitGateway": found} if found else None

        out = self.changes.do(
            "create",
            f"transit-gateway/{self.p['name']}",
            lambda: CreateOnce(self.conn, find).call("ec2", "create_transit_gateway", **args),
            options=options,
        )
        predicted = _apply_options(
            {
                "TransitGatewayId": None,
                "State": "available",
                "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
            },
            self.p.get("description") or "",
            options,
        )
        after = describe(predicted)
        if out:
            tgw = out["TransitGateway"]
            after = describe(self._wait(tgw["TransitGatewayId"]) or tgw)
        return self.changes.result("transit_gateway", None, after)

    def _update(self, have: dict, tags: dict, options: dict) -> dict:
        tgw_id = have["TransitGatewayId"]
        before = describe(have)
        if have.get("State") != "available":
            have = self._wait(tgw_id) or have
        changed_options = option_changes(have.get("Options", {}), options)
        description = self.p.get("description")
        new_description = (
            description if description is not None and description != have.get("Description", "") else None
        )
        if changed_options or new_description is not None:
            args = {"TransitGatewayId": tgw_id}
            if changed_options:
                args["Options"] = changed_options
            if new_description is not None:
                args["Description"] = new_description
            self.changes.do(
                "modify",
                tgw_id,
                lambda: self.conn.call("ec2", "modify_transit_gateway", **args),
                options=changed_options or None,
                description=new_description,
            )
        after_tags = reconcile_ec2_tags(
            self.conn, self.changes, tgw_id, have.get("Tags"), tags, self.p.get("purge_tags", True)
        )
        predicted = _apply_options(have, new_description, changed_options)
        predicted["Tags"] = [{"Key": k, "Value": v} for k, v in after_tags.items()]
        after = describe(predicted)
        if (changed_options or new_description is not None) and not self.changes.check_mode:
            fresh = self._wait(tgw_id)
            if fresh:
                after = describe(dict(fresh, Tags=predicted["Tags"]))
        return self.changes.result("transit_gateway", before, after)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("transit_gateway", None, None)
        tgw_id = have["TransitGatewayId"]
        before = describe(have)
        if not is_managed(tag_list_to_dict(have.get("Tags")), self.p["topology"]):
            return self.changes.result(
                "transit_gateway",
                before,
                before,
                warnings=[f"transit gateway {tgw_id} is not managed by this collection; left in place"],
            )
        attachments = describe_attachments(self.conn, [{"Name": "transit-gateway-id", "Values": [tgw_id]}])
        if attachments:
            listed = ", ".join(
                f"{a['TransitGatewayAttachmentId']} ({a.get('ResourceType')} "
                f"{a.get('ResourceId')}, {a.get('State')})"
                for a in attachments
            )
            raise ConflictError(
                f"transit gateway {tgw_id} still has {len(attachments)} attachment(s): {listed}. "
                "AWS refuses to delete a transit gateway with attachments. Fix: delete the attachments first "
                "(aws_transit_gateway_vpc_attachment state=absent), then re-run.",
                attachments=[a["TransitGatewayAttachmentId"] for a in attachments],
            )
        self.changes.do(
            "delete",
            tgw_id,
            lambda: self.conn.call(
                "ec2", "delete_transit_gateway", TransitGatewayId=tgw_id, not_found=NOT_FOUND
            ),
        )
        if not self.changes.check_mode:
            self._wait(tgw_id, ready_states=("deleted",))
        return self.changes.result("transit_gateway", before, None)


def gather(conn, params: dict) -> list:
    """Transit gateways for the _info module, by ids, names and filters."""
    filters = dict_filters(params.get("filters"))
    if params.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(params["names"])})
    found = describe_transit_gateways(conn, ids=params.get("transit_gateway_ids"), filters=filters or None)
    return sorted(
        (describe(t) for t in named(found, params.get("names"))), key=lambda t: t["transit_gateway_id"]
    )
