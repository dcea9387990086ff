# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transit Gateway VPC attachment: wrappers, normalisers and the manager that reconciles it.

Identity is the natural key (transit gateway + VPC: AWS allows one live attachment per pair), and the
attachment found must carry the ownership tags of the topology. CreateTransitGatewayVpcAttachment takes
no ClientToken; the natural key makes a re-run after a crash find what the first run made, and the create
is never sent again while an earlier attempt may have made the attachment (retry.CreateOnce). An
attachment found pending (its creator stopped before waiting) is waited for like a new one.
Subnets are reconciled in place (AddSubnetIds / RemoveSubnetIds); nothing is recreated.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import (
    dict_filters,
    named,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    MANAGED_BY_KEY,
    MANAGED_BY_VALUE,
    TOPOLOGY_KEY,
    is_managed,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    check_id,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

NOT_FOUND = ("InvalidTransitGatewayAttachmentID.NotFound",)
GONE = ("deleting", "deleted", "failed", "failing", "rejected", "rejecting")
# pendingAcceptance is final for the spoke account: only the transit gateway owner can accept.
SETTLED = ("available", "pendingAcceptance")

OPTION_MAP = {
    "dns_support": "DnsSupport",
    "ipv6_support": "Ipv6Support",
    "appliance_mode_support": "ApplianceModeSupport",
}


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_vpc_attachments(conn, ids=None, filters=None) -> list:
    kwargs = {}
    if ids:
        kwargs["TransitGatewayAttachmentIds"] = list(ids)
    if filters:
        kwargs["Filters"] = filters
    found = conn.paginate(
        "ec2",
        "describe_transit_gateway_vpc_attachments",
        "TransitGatewayVpcAttachments",
        not_found=NOT_FOUND,
        **kwargs,
    )
    return [a for a in found if a.get("State") not in GONE]


def get_attachment(conn, attachment_id: str) -> dict:
    found = conn.paginate(
        "ec2",
        "describe_transit_gateway_vpc_attachments",
        "TransitGatewayVpcAttachments",
        not_found=NOT_FOUND,
        TransitGatewayAttachmentIds=[attachment_id],
    )
    return found[0] if found else {"TransitGatewayAttachmentId": attachment_id, "State": "deleted"}


# --- normalisation ---------------------------------------------------------------------------------


def validate(params: dict) -> list:
    """Check ids before any call; return the canonical subnet id list (sorted, unique)."""
    check_id(params.get("transit_gateway_id"), "tgw", "transit_gateway_id")
    check_id(params.get("vpc_id"), "vpc", "vpc_id")
    subnets = params.get("subnet_ids")
    if params.get("state", "present") == "present" and not subnets:
        raise ValidationError(
            "subnet_ids",
            subnets,
            "is empty",
            "list one subnet per Availability Zone the attachment should serve",
        )
    seen = []
    for i, subnet in enumerate(subnets or []):
        check_id(subnet, "subnet", f"subnet_ids[{i}]")
        if subnet in seen:
            raise ValidationError(f"subnet_ids[{i}]", subnet, "is listed twice", "list each subnet once")
        seen.append(subnet)
    return sorted(seen)


def want_options(params: dict) -> dict:
    out = {}
    for option, api in OPTION_MAP.items():
        if params.get(option) is not None:
            out[api] = "enable" if params[option] else "disable"
    return out


def plan_subnets(have: list, want: list) -> tuple[list, list]:
    """Subnet ids to add and to remove so that ``have`` becomes ``want``."""
    return sorted(set(want) - set(have)), sorted(set(have) - set(want))


def describe(att: dict | None) -> dict | None:
    if att is None:
        return None
    opts = att.get("Options", {})
    tags = tag_list_to_dict(att.get("Tags"))
    return {
        "transit_gateway_attachment_id": att.get("TransitGatewayAttachmentId"),
        "transit_gateway_id": att.get("TransitGatewayId"),
        "vpc_id": att.get("VpcId"),
        "vpc_owner_id": att.get("VpcOwnerId"),
        "name": tags.get("Name"),
        "state": att.get("State"),
        "subnet_ids": sorted(att.get("SubnetIds", [])),
        "options": {
            "dns_support": opts.get("DnsSupport") == "enable",
            "ipv6_support": opts.get("Ipv6Support") == "enable",
            "appliance_mode_support": opts.get("ApplianceModeSupport") == "enable",
        },
        "tags": tags,
    }


# --- manager ---------------------------------------------------------------------------------------


class VpcAttachmentManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _wait(self, att_id: str, ready=SETTLED):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return None
        return wait_until(
            lambda: get_attachment(self.conn, att_id),
            lambda a: a.get("State") in ready,
            f"transit gateway attachment {att_id}",
            self.p.get("wait_timeout", 600),
            failed=lambda a: a.get("State") in ("failed", "rejected") and "deleted" not in ready,
            state_of=lambda a: a.get("State"),
        )

    def _existing(self):
        found = describe_vpc_attachments(
            self.conn,
            filters=[
                {"Name": "transit-gateway-id", "Values": [self.p["transit_gateway_id"]]},
                {"Name": "vpc-id", "Values": [self.p["vpc_id"]]},
            ],
        )
        if not found:
            return None
        return found[0]

    def _refuse_unmanaged(self, att: dict):
        raise ConflictError(
            f"vpc_id: {self.p['vpc_id']} is already attached to {self.p['transit_gateway_id']} by "
            f"{att['TransitGatewayAttachmentId']}, which is not managed by topology {self.p['topology']!r} "
            "(AWS allows one attachment per VPC and transit gateway). Fix: tag it "
            f"{MANAGED_BY_KEY}={MANAGED_BY_VALUE} and {TOPOLOGY_KEY}={self.p['topology']} to adopt it, "
            "or delete it.",
            attachment_id=att["TransitGatewayAttachmentId"],
        )

    def ensure(self) -> dict:
        subnets = validate(self.p)
        have = self._existing()
        managed = have is None or is_managed(tag_list_to_dict(have.get("Tags")), self.p["topology"])
        if self.p["state"] == "absent":
            if not managed:
                before = describe(have)
                return self.changes.result(
                    "attachment",
                    before,
                    before,
                    warnings=[
                        f"attachment {have['TransitGatewayAttachmentId']} is not managed by this collection; "
                        "left in place"
                    ],
                )
            return self._absent(have)
        if not managed:
            self._refuse_unmanaged(have)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p.get("name"))
        if have is None:
            return self._create(subnets, tags)
        return self._update(have, subnets, tags)

    def _create(self, subnets: list, tags: dict) -> dict:
        options = want_options(self.p)
        args = {
            "TransitGatewayId": self.p["transit_gateway_id"],
            "VpcId": self.p["vpc_id"],
            "SubnetIds": subnets,
            "Options": options,
            "TagSpecifications": tag_specification("transit-gateway-attachment", tags),
        }

        def find():
            found = self._existing()
            if found is None or not is_managed(tag_list_to_dict(found.get("Tags")), self.p["topology"]):
                return None
            return {"TransitGatewayVpcAttachment": found}

        out = self.changes.do(
            "create",
            f"transit-gateway-attachment/{self.p['vpc_id']}",
            lambda: CreateOnce(self.conn, find).call("ec2", "create_transit_gateway_vpc_attachment", **args),
            subnet_ids=subnets,
            options=options,
        )
        predicted = {
            "TransitGatewayAttachmentId": None,
            "TransitGatewayId": self.p["transit_gateway_id"],
            "VpcId": self.p["vpc_id"],
            "State": "available",
            "SubnetIds": subnets,
            "Options": options,
            "Tags": [{"Key": k, "Value": v} for k, v in tags.items()],
        }
        after = describe(predicted)
        if out:
            att = out["TransitGatewayVpcAttachment"]
            after = describe(self._wait(att["TransitGatewayAttachmentId"]) or att)
        return self.changes.result("attachment", None, after)

    def _update(self, have: dict, subnets: list, tags: dict) -> dict:
        att_id = have["TransitGatewayAttachmentId"]
        before = describe(have)
        add, remove = plan_subnets(have.get("SubnetIds", []), subnets)
        options = {k: v for k, v in want_options(self.p).items() if have.get("Options", {}).get(k) != v}
        if add or remove or options:
            if have.get("State") not in SETTLED:
                have = self._wait(att_id) or have  # AWS refuses to modify while pending or modifying
            args = {"TransitGatewayAttachmentId": att_id}
            if add:
                args["AddSubnetIds"] = add
            if remove:
                args["RemoveSubnetIds"] = remove
            if options:
                args["Options"] = options
            self.changes.do(
                "modify",
                att_id,
                lambda: self.conn.call("ec2", "modify_transit_gateway_vpc_attachment", **args),
                add_subnet_ids=add or None,
                remove_subnet_ids=remove or None,
                options=options or None,
            )
        after_tags = reconcile_ec2_tags(
            self.conn, self.changes, att_id, have.get("Tags"), tags, self.p.get("purge_tags", True)
        )
        predicted = dict(
            have,
            SubnetIds=subnets,
            Options=dict(have.get("Options", {}), **options),
            Tags=[{"Key": k, "Value": v} for k, v in after_tags.items()],
        )
        after = describe(predicted)
        if (add or remove or options or have.get("State") not in SETTLED) and not self.changes.check_mode:
            fresh = self._wait(att_id)
            if fresh:
                after = describe(dict(fresh, Tags=predicted["Tags"]))
        return self.changes.result("attachment", before, after)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("attachment", None, None)
        att_id = have["TransitGatewayAttachmentId"]
        self.changes.do(
            "delete",
            att_id,
            lambda: self.conn.call(
                "ec2",
                "delete_transit_gateway_vpc_attachment",
                TransitGatewayAttachmentId=att_id,
                not_found=NOT_FOUND,
            ),
        )
        if not self.changes.check_mode:
            self._wait(att_id, ready=("deleted",))
        return self.changes.result("attachment", describe(have), None)


def gather(conn, params: dict) -> list:
    """VPC attachments for the _info module."""
    filters = dict_filters(params.get("filters"))
    for key, name in (("transit_gateway_id", "transit-gateway-id"), ("vpc_id", "vpc-id")):
        if params.get(key):
            filters.append({"Name": name, "Values": [params[key]]})
    if params.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(params["names"])})
    found = describe_vpc_attachments(
        conn, ids=params.get("transit_gateway_attachment_ids"), filters=filters or None
    )
    return sorted(
        (describe(a) for a in named(found, params.get("names"))),
        key=lambda a: a["transit_gateway_attachment_id"],
    )
