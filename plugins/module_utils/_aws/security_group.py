# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Security group of the endpoint network interfaces, with its rules reconciled exactly.

Rules are compared as canonical tuples ``(protocol, from_port, to_port, source)``; missing ones are
authorized, extra ones revoked by security group rule id, and a changed description is modified in
place by rule id. The group is wholly managed: a same-named group the collection did not create is a
conflict, never adopted.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce, DoneIfRetried
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
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    check_id,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

_SG_NOT_FOUND = ("InvalidGroup.NotFound", "InvalidGroupId.NotFound")
_PROTOCOLS = {
    "tcp": "tcp",
    "6": "tcp",
    "udp": "udp",
    "17": "udp",
    "icmp": "icmp",
    "1": "icmp",
    "icmpv6": "icmpv6",
    "58": "icmpv6",
    "-1": "-1",
    "all": "-1",
}
_PORTED = ("tcp", "udp")
_TYPED = ("icmp", "icmpv6")
DEFAULT_EGRESS = ("-1", -1, -1, "0.0.0.0/0")


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_security_groups(conn, group_ids=None, filters=None) -> list:
    kwargs = {}
    if group_ids:
        kwargs["GroupIds"] = list(group_ids)
    if filters:
        kwargs["Filters"] = filters
    return conn.paginate(
        "ec2", "describe_security_groups", "SecurityGroups", not_found=_SG_NOT_FOUND, **kwargs
    )


def describe_rules(conn, group_ids: list) -> list:
    if not group_ids:
        return []
    return conn.paginate(
        "ec2",
        "describe_security_group_rules",
        "SecurityGroupRules",
        Filters=[{"Name": "group-id", "Values": list(group_ids)}],
    )


# --- normalisation and planning --------------------------------------------------------------------


def _port(value, field: str, low: int, high: int) -> int:
    try:
        port = int(value)
    except (TypeError, ValueError):
        raise ValidationError(field, value, "is not a number", f"use a number from {low} to {high}") from None
    if not low <= port <= high:
        raise ValidationError(field, value, f"is outside {low}..{high}", f"use a number from {low} to {high}")
    return port


def normalize_rules(rules, field: str) -> dict:
    """Wanted rules as ``{(protocol, from_port, to_port, cidr): description}``."""
    out: dict = {}
    for i, rule in enumerate(rules or []):
        where = f"{field}[{i}]"
        raw = str(rule.get("protocol", "tcp")).strip().lower()
        protocol = _PROTOCOLS.get(raw)
        if protocol is None:
            raise ValidationError(
                f"{where}.protocol",
                rule.get("protocol"),
                "is not supported",
                "use tcp, udp, icmp, icmpv6 or -1 (all)",
            )
        cidr = canonical_cidr(rule.get("cidr"), f"{where}.cidr")
        if protocol in _PORTED:
            if rule.get("from_port") is None:
                raise ValidationError(
                    f"{where}.from_port",
                    None,
                    f"is required for {protocol}",
                    "set from_port (and to_port for a range)",
                )
            low = _port(rule["from_port"], f"{where}.from_port", 0, 65535)
            high = (
                low if rule.get("to_port") is None else _port(rule["to_port"], f"{where}.to_port", 0, 65535)
            )
            if high < low:
                raise ValidationError(
                    f"{where}.to_port", high, f"is below from_port {low}", "set to_port >= from_port"
                )
        elif protocol in _TYPED:
            low = (
                -1
                if rule.get("from_port") is None
                else _port(rule["from_port"], f"{where}.from_port", -1, 255)
            )
            high = -1 if rule.get("to_port") is None else _port(rule["to_port"], f"{where}.to_port", -1, 255)
        else:
            for key in ("from_port", "to_port"):
                if rule.get(key) not in (None, -1, "-1"):
                    raise ValidationError(
                        f"{where}.{key}",
                        rule[key],
                        "must be unset when protocol is -1 (all)",
                        "remove the port, or use protocol tcp/udp",
                    )
            low = high = -1
        if protocol == "icmpv6" and ":" not in cidr or protocol == "icmp" and ":" in cidr:
            raise ValidationError(
                f"{where}.protocol",
                protocol,
                f"does not match the address family of {cidr}",
                "use icmp with IPv4 CIDRs and icmpv6 with IPv6 CIDRs",
            )
        key = (protocol, low, high, cidr)
        if key in out:
            raise ValidationError(where, rule, "repeats an earlier rule", "list each rule once")
        desc = rule.get("description") or ""
        if len(desc) > 255:
            raise ValidationError(
                f"{where}.description",
                desc[:20] + "...",
                "is longer than 255 characters",
                "shorten the description",
            )
        out[key] = desc
    return out


def rule_key(rule: dict) -> tuple:
    """Canonical tuple of a DescribeSecurityGroupRules item."""
    protocol = _PROTOCOLS.get(str(rule.get("IpProtocol")).lower(), str(rule.get("IpProtocol")).lower())
    if protocol in _PORTED or protocol in _TYPED:
        ports = (int(rule.get("FromPort", -1)), int(rule.get("ToPort", -1)))
    else:
        ports = (-1, -1)
    if rule.get("CidrIpv4") or rule.get("CidrIpv6"):
        source = canonical_cidr(rule.get("CidrIpv4") or rule.get("CidrIpv6"), "rule")
    elif rule.get("PrefixListId"):
        source = "pl:" + rule["PrefixListId"]
    else:
        source = "sg:" + (rule.get("ReferencedGroupInfo") or {}).get("GroupId", "?")
    return (protocol,) + ports + (source,)


def split_rules(rules: list) -> tuple[dict, dict]:
    """``(ingress, egress)`` as ``{key: (rule_id, description)}``."""
    ingress, egress = {}, {}
    for rule in rules:
        (egress if rule.get("IsEgress") else ingress)[rule_key(rule)] = (
            rule.get("SecurityGroupRuleId"),
            rule.get("Description") or "",
        )
    return ingress, egress


def plan_rules(want: dict | None, have: dict, purge: bool) -> dict:
    """``{authorize: [(key, desc)], revoke: [(key, rule_id)], describe: [(key, rule_id, desc)]}``.

    ``want`` None leaves the direction alone.
    """
    plan = {"authorize": [], "revoke": [], "describe": []}
    if want is None:
        return plan
    for key in sorted(want):
        if key not in have:
            plan["authorize"].append((key, want[key]))
        elif have[key][1] != want[key]:
            plan["describe"].append((key, have[key][0], want[key]))
    if purge:
        plan["revoke"] = [(key, have[key][0]) for key in sorted(have) if key not in want]
    return plan


def ip_permission(key: tuple, description: str = "") -> dict:
    protocol, low, high, source = key
    perm = {"IpProtocol": protocol}
    if protocol in _PORTED or protocol in _TYPED:
        perm.update(FromPort=low, ToPort=high)
    item = {"Description": description} if description else {}
    if source.startswith("pl:"):
        perm["PrefixListIds"] = [dict(item, PrefixListId=source[3:])]
    elif source.startswith("sg:"):
        perm["UserIdGroupPairs"] = [dict(item, GroupId=source[3:])]
    elif ":" in source:
        perm["Ipv6Ranges"] = [dict(item, CidrIpv6=source)]
    else:
        perm["IpRanges"] = [dict(item, CidrIp=source)]
    return perm


def rule_item(key: tuple, description: str) -> dict:
    protocol, low, high, source = key
    out = {"protocol": protocol, "from_port": low, "to_port": high, "cidr": None, "description": description}
    if source.startswith("pl:"):
        out["prefix_list_id"] = source[3:]
    elif source.startswith("sg:"):
        out["group_id"] = source[3:]
    else:
        out["cidr"] = source
    return out


def rule_items(rules: dict) -> list:
    """Sorted result list from ``{key: description}`` or ``{key: (rule_id, description)}``."""
    return [rule_item(k, v[1] if isinstance(v, tuple) else v) for k, v in sorted(rules.items())]


def describe(group: dict | None, rules: list) -> dict | None:
    if group is None:
        return None
    ingress, egress = split_rules(rules)
    return {
        "group_id": group["GroupId"],
        "name": group.get("GroupName"),
        "vpc_id": group.get("VpcId"),
        "description": group.get("Description"),
        "ingress": rule_items(ingress),
        "egress": rule_items(egress),
        "tags": tag_list_to_dict(group.get("Tags")),
    }


# --- manager ---------------------------------------------------------------------------------------


# Literal calls per direction, so tools/iam_policy.py can read the IAM actions from the source.
# A retry that meets its own earlier effect (the answer was lost) is done, not a failure.
_AUTHORIZED = ("InvalidPermission.Duplicate",)
_REVOKED = ("InvalidSecurityGroupRuleId.NotFound", "InvalidPermission.NotFound")
AUTHORIZE = {
    "ingress": lambda conn, **api: DoneIfRetried(conn, _AUTHORIZED).call(
        "ec2", "authorize_security_group_ingress", **api),
    "egress": lambda conn, **api: DoneIfRetried(conn, _AUTHORIZED).call(
        "ec2", "authorize_security_group_egress", **api),
}
REVOKE = {
    "ingress": lambda conn, **api: DoneIfRetried(conn, _REVOKED).call("ec2", "revoke_security_group_ingress", **api),
    "egress": lambda conn, **api: DoneIfRetried(conn, _REVOKED).call("ec2", "revoke_security_group_egress", **api),
}


class SecurityGroupManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.warnings: list = []

    def validate(self):
        p = self.p
        check_id(p["vpc_id"], "vpc", "vpc_id")
        if not 1 <= len(p["name"]) <= 255 or p["name"].lower().startswith("sg-"):
            raise ValidationError(
                "name",
                p["name"],
                "is not a valid security group name",
                "use 1-255 characters that do not start with sg-",
            )
        ingress = normalize_rules(p.get("ingress"), "ingress")
        egress = None if p.get("egress") is None else normalize_rules(p["egress"], "egress")
        return ingress, egress

    def _find(self):
        found = describe_security_groups(
            self.conn,
            filters=[
                {"Name": "vpc-id", "Values": [self.p["vpc_id"]]},
                {"Name": "group-name", "Values": [self.p["name"]]},
            ],
        )
        return found[0] if found else None

    def _result(self, before, after):
        extra = {"warnings": self.warnings} if self.warnings else {}
        return self.changes.result("security_group", before, after, **extra)

    def ensure(self) -> dict:
        want_ingress, want_egress = self.validate()
        group = self._find()
        if self.p["state"] == "absent":
            return self._absent(group)
        purge = self.p.get("purge_rules", True)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        if group is None:
            group_id, before = self._create(tags), None
            after_tags = tags
            have_rules = describe_rules(self.conn, [group_id]) if group_id else []
            have_ingress, have_egress = split_rules(have_rules)
            if not group_id:  # check mode: AWS adds the allow-all egress rule to every new group
                have_egress = {DEFAULT_EGRESS: (None, "")}
        else:
            group_id = group["GroupId"]
            if not is_managed(tag_list_to_dict(group.get("Tags")), self.p["topology"]):
                raise ConflictError(
                    f"name: security group {group_id} named {self.p['name']!r} exists in {self.p['vpc_id']} "
                    "but is not managed by this collection for this topology. "
                    "Fix: use another name, or delete that group."
                )
            rules = describe_rules(self.conn, [group_id])
            before = describe(group, rules)
            have_ingress, have_egress = split_rules(rules)
            if self.p.get("description") and group.get("Description") != self.p["description"]:
                self.warnings.append(
                    f"security group {group_id}: the description cannot change on an existing "
                    "group; left as is"
                )
            after_tags = reconcile_ec2_tags(
                self.conn, self.changes, group_id, group.get("Tags"), tags, self.p.get("purge_tags", True)
            )
        final_ingress = self._apply(
            group_id, "ingress", plan_rules(want_ingress, have_ingress, purge), have_ingress
        )
        final_egress = self._apply(
            group_id, "egress", plan_rules(want_egress, have_egress, purge), have_egress
        )
        after = {
            "group_id": group_id,
            "name": self.p["name"],
            "vpc_id": self.p["vpc_id"],
            "description": group.get("Description") if group else self._description(),
            "ingress": rule_items(final_ingress),
            "egress": rule_items(final_egress),
            "tags": after_tags,
        }
        return self._result(before, after)

    def _description(self) -> str:
        return self.p.get("description") or f"Endpoint interfaces: {self.p['name']} (cloudnet.privatelink)"

    def _create(self, tags: dict):
        args = {
            "GroupName": self.p["name"],
            "Description": self._description(),
            "VpcId": self.p["vpc_id"],
            "TagSpecifications": tag_specification("security-group", tags),
        }
        out = self.changes.do(
            "create",
            f"security-group/{self.p['name']}",
            lambda: CreateOnce(self.conn, self._find_created).call("ec2", "create_security_group", **args),
            vpc_id=self.p["vpc_id"],
        )
        if out is None:
            return None
        group_id = out["GroupId"]
        # Eventual consistency: the new group may not be visible at once.
        wait_until(
            lambda: describe_security_groups(self.conn, group_ids=[group_id]),
            bool,
            f"security group {group_id}",
            self.p.get("wait_timeout", 300),
            state_of=lambda v: "visible" if v else "not visible yet",
        )
        return group_id

    def _find_created(self):
        """The group a create whose answer was lost made (named, in the VPC, tagged for this topology)."""
        group = self._find()
        if group is None or not is_managed(tag_list_to_dict(group.get("Tags")), self.p["topology"]):
            return None
        return {"GroupId": group["GroupId"]}

    def _apply(self, group_id, direction: str, plan: dict, have: dict) -> dict:
        final = {k: v[1] for k, v in have.items()}
        target = group_id or f"security-group/{self.p['name']}"
        if plan["revoke"]:
            ids = [rule_id for _key, rule_id in plan["revoke"]]
            self.changes.do(
                f"revoke_{direction}",
                target,
                lambda: REVOKE[direction](self.conn, GroupId=group_id, SecurityGroupRuleIds=ids),
                rules=[rule_item(k, have[k][1]) for k, _rule_id in plan["revoke"]],
            )
            for key, _rule_id in plan["revoke"]:
                final.pop(key)
        if plan["authorize"]:
            perms = [ip_permission(k, d) for k, d in plan["authorize"]]
            self.changes.do(
                f"authorize_{direction}",
                target,
                lambda: AUTHORIZE[direction](self.conn, GroupId=group_id, IpPermissions=perms),
                rules=[rule_item(k, d) for k, d in plan["authorize"]],
            )
            final.update(dict(plan["authorize"]))
        if plan["describe"]:
            updates = [
                {"SecurityGroupRuleId": rule_id, "SecurityGroupRule": _rule_request(key, desc)}
                for key, rule_id, desc in plan["describe"]
            ]
            self.changes.do(
                f"describe_{direction}",
                target,
                lambda: self.conn.call(
                    "ec2", "modify_security_group_rules", GroupId=group_id, SecurityGroupRules=updates
                ),
                rules=[rule_item(k, d) for k, _rule_id, d in plan["describe"]],
            )
            final.update({k: d for k, _rule_id, d in plan["describe"]})
        return final

    def _absent(self, group) -> dict:
        if group is None:
            return self._result(None, None)
        before = describe(group, describe_rules(self.conn, [group["GroupId"]]))
        if not is_managed(tag_list_to_dict(group.get("Tags")), self.p["topology"]):
            self.warnings.append(
                f"security group {group['GroupId']} is not managed by this collection; left in place"
            )
            return self._result(before, before)
        self.changes.do(
            "delete",
            group["GroupId"],
            lambda: self.conn.call(
                "ec2",
                "delete_security_group",
                GroupId=group["GroupId"],
                not_found=_SG_NOT_FOUND,
                hint="detach the group from every network interface first",
            ),
        )
        return self._result(before, None)


def _rule_request(key: tuple, description: str) -> dict:
    """A SecurityGroupRuleRequest (ModifySecurityGroupRules) for ``key``."""
    protocol, low, high, source = key
    req = {"IpProtocol": protocol, "FromPort": low, "ToPort": high, "Description": description}
    if source.startswith("pl:"):
        req["PrefixListId"] = source[3:]
    elif source.startswith("sg:"):
        req["ReferencedGroupId"] = source[3:]
    elif ":" in source:
        req["CidrIpv6"] = source
    else:
        req["CidrIpv4"] = source
    return req


def read_groups(conn, groups: list) -> list:
    """Info items for ``groups`` (boto3 shapes), rules read in one paginated call."""
    rules = describe_rules(conn, [g["GroupId"] for g in groups])
    by_group: dict = {}
    for rule in rules:
        by_group.setdefault(rule["GroupId"], []).append(rule)
    return [describe(g, by_group.get(g["GroupId"], [])) for g in sorted(groups, key=lambda g: g["GroupId"])]
