# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Network Firewall: wrappers, pure rule/policy normalisers, rule group and policy managers.

Rule groups are generated from declared flows (consumer CIDRs -> service CIDRs, protocol, ports) as
Suricata-compatible 5-tuple ``StatefulRules`` and compared as documents. Updates carry the
``UpdateToken`` from the describe that preceded them (optimistic locking). Names are unique per
account, Region and type, so a name is the identity; ownership is read from the resource's tags and
nothing without them is changed or deleted. The firewall itself lives in ``network_firewall_firewall``.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import PROTECTED, desired_tags
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    tag_changes,
    tag_dict_to_list,
    tag_list_to_dict,
)

NOT_FOUND = ("ResourceNotFoundException",)
PROTOCOLS = ("IP", "TCP", "UDP", "ICMP")
PORTLESS = ("IP", "ICMP")
ACTIONS = ("PASS", "DROP", "ALERT", "REJECT")
RULE_ORDERS = ("STRICT_ORDER", "DEFAULT_ACTION_ORDER")
STRICT_DEFAULT_ACTIONS = ["aws:drop_established", "aws:alert_established"]


# --- wrappers: one per SDK call -------------------------------------------------------------------

def describe_rule_group(conn, name: str | None = None, arn: str | None = None, type_: str = "STATEFUL"):
    kwargs = {"RuleGroupArn": arn} if arn else {"RuleGroupName": name, "Type": type_}
    return conn.call("network-firewall", "describe_rule_group", not_found=NOT_FOUND, **kwargs)


def describe_policy(conn, name: str | None = None, arn: str | None = None):
    kwargs = {"FirewallPolicyArn": arn} if arn else {"FirewallPolicyName": name}
    return conn.call("network-firewall", "describe_firewall_policy", not_found=NOT_FOUND, **kwargs)


def list_rule_groups(conn) -> list:
    return conn.paginate("network-firewall", "list_rule_groups", "RuleGroups", Scope="ACCOUNT")


def list_policies(conn) -> list:
    return conn.paginate("network-firewall", "list_firewall_policies", "FirewallPolicies")


def reconcile_tags(conn, changes: Changes, arn: str | None, have: dict, want: dict, purge: bool) -> dict:
    """TagResource / UntagResource so that the resource's tags become ``want``; returns the result."""
    to_set, to_unset = tag_changes(have, want, purge, protected=PROTECTED)
    if to_set:
        changes.do("tag", arn, lambda: conn.call("network-firewall", "tag_resource", ResourceArn=arn,
                                                 Tags=tag_dict_to_list(to_set)), tags=to_set)
    if to_unset:
        changes.do("untag", arn, lambda: conn.call("network-firewall", "untag_resource", ResourceArn=arn,
                                                   TagKeys=to_unset), keys=to_unset)
    after = {k: v for k, v in have.items() if k not in to_unset}
    after.update(to_set)
    return after


def require_owned(kind: str, name: str, tags: dict, topology: str):
    if not is_managed(tags, topology):
        raise ConflictError(
            f"{kind} {name} exists and is not managed by this collection for topology {topology}. Fix: choose "
            "another name, or remove it yourself; the collection never changes what it did not create.",
            name=name)


# --- rules: declared flows -> 5-tuple stateful rules ----------------------------------------------

def _port(value, field: str) -> str:
    text = str(value).strip().upper()
    if text == "ANY":
        return "ANY"
    parts = text.split(":")
    try:
        nums = [int(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) not in (1, 2) or not all(1 <= n <= 65535 for n in nums) or (len(nums) == 2 and nums[0] >= nums[1]):
        raise ValidationError(field, value, "is not a port, a range or any", "use 443, 8000:8100 or any")
    return ":".join(str(n) for n in nums)


def flows_to_rules(flows, field: str = "flows") -> list:
    """Expand flows into ``StatefulRules`` in declared order, duplicates dropped, ``sid`` 1..n."""
    seen, rules = set(), []
    for i, flow in enumerate(flows or []):
        where = f"{field}[{i}]"
        protocol = str(flow.get("protocol") or "tcp").upper()
        if protocol not in PROTOCOLS:
            raise ValidationError(f"{where}.protocol", flow.get("protocol"), "is not supported",
                                  "use one of " + ", ".join(p.lower() for p in PROTOCOLS))
        action = str(flow.get("action") or "pass").upper()
        if action not in ACTIONS:
            raise ValidationError(f"{where}.action", flow.get("action"), "is not supported",
                                  "use one of " + ", ".join(a.lower() for a in ACTIONS))
        sources = [canonical_cidr(c, f"{where}.source_cidrs[{j}]")
                   for j, c in enumerate(flow.get("source_cidrs") or [])]
        dests = [canonical_cidr(c, f"{where}.destination_cidrs[{j}]")
                 for j, c in enumerate(flow.get("destination_cidrs") or [])]
        for key, values in (("source_cidrs", sources), ("destination_cidrs", dests)):
            if not values:
                raise ValidationError(f"{where}.{key}", values, "is empty", "list at least one CIDR")
        ports = [_port(p, f"{where}.ports[{j}]") for j, p in enumerate(flow.get("ports") or ["any"])]
        if protocol in PORTLESS and ports != ["ANY"]:
            raise ValidationError(f"{where}.ports", flow.get("ports"), f"is set for protocol {protocol.lower()}",
                                  "leave ports unset for ip and icmp")
        for src in sources:
            for dst in dests:
                for port in ports:
                    key = (action, protocol, src, dst, port)
                    if key in seen:
                        continue
                    seen.add(key)
                    rules.append({"Action": action, "Header": {
                        "Protocol": protocol, "Source": src, "SourcePort": "ANY", "Direction": "FORWARD",
                        "Destination": dst, "DestinationPort": port}})
    for sid, rule in enumerate(rules, start=1):
        rule["RuleOptions"] = [{"Keyword": "sid", "Settings": [str(sid)]}]
    return rules


def rule_group_document(rules: list, rule_order: str) -> dict:
    return {"RulesSource": {"StatefulRules": rules}, "StatefulRuleOptions": {"RuleOrder": rule_order}}


def _canonical_rule(rule: dict) -> dict:
    header = {k: str(v).upper() if k in ("Protocol", "SourcePort", "DestinationPort", "Direction") else
              (canonical_cidr(v, "rule") if k in ("Source", "Destination") and v.upper() != "ANY" else v)
              for k, v in (rule.get("Header") or {}).items()}
    options = sorted((o["Keyword"], tuple(o.get("Settings") or [])) for o in rule.get("RuleOptions") or [])
    return {"Action": str(rule.get("Action")).upper(), "Header": header,
            "RuleOptions": [{"Keyword": k, "Settings": list(s)} for k, s in options]}


def canonical_rule_group(doc: dict | None) -> dict:
    """The managed part of a rule group document: stateful rules (ordered) and the rule order."""
    doc = doc or {}
    rules = [_canonical_rule(r) for r in (doc.get("RulesSource") or {}).get("StatefulRules") or []]
    order = (doc.get("StatefulRuleOptions") or {}).get("RuleOrder") or "DEFAULT_ACTION_ORDER"
    return {"rules": rules, "rule_order": order}


def rules_view(rules: list) -> list:
    """Rules as plain result items."""
    return [{"sid": int(r["RuleOptions"][0]["Settings"][0]) if r.get("RuleOptions") else None,
             "action": r["Action"].lower(), "protocol": r["Header"]["Protocol"].lower(),
             "source": r["Header"]["Source"], "destination": r["Header"]["Destination"],
             "destination_port": r["Header"]["DestinationPort"].lower()} for r in rules]


# --- policy document --------------------------------------------------------------------------------

def policy_document(group_refs: list, rule_order: str, stateful_default_actions, stateless_default_actions,
                    stateless_fragment_default_actions) -> dict:
    """The FirewallPolicy document from resolved ``[(arn, priority)]``; priorities only in strict order."""
    refs = []
    for i, (arn, priority) in enumerate(group_refs):
        ref = {"ResourceArn": arn}
        if rule_order == "STRICT_ORDER":
            ref["Priority"] = int(priority if priority is not None else (i + 1) * 10)
        refs.append(ref)
    doc = {"StatelessDefaultActions": list(stateless_default_actions),
           "StatelessFragmentDefaultActions": list(stateless_fragment_default_actions),
           "StatefulRuleGroupReferences": refs,
           "StatefulEngineOptions": {"RuleOrder": rule_order}}
    if rule_order == "STRICT_ORDER":
        doc["StatefulDefaultActions"] = list(stateful_default_actions)
    return doc


def canonical_policy_document(doc: dict | None) -> dict:
    doc = doc or {}
    order = (doc.get("StatefulEngineOptions") or {}).get("RuleOrder") or "DEFAULT_ACTION_ORDER"
    refs = sorted(({"arn": r["ResourceArn"], "priority": r.get("Priority") if order == "STRICT_ORDER" else None}
                   for r in doc.get("StatefulRuleGroupReferences") or []), key=lambda r: (r["priority"] or 0, r["arn"]))
    return {
        "stateless_default_actions": sorted(doc.get("StatelessDefaultActions") or []),
        "stateless_fragment_default_actions": sorted(doc.get("StatelessFragmentDefaultActions") or []),
        "stateless_rule_groups": sorted(r["ResourceArn"] for r in doc.get("StatelessRuleGroupReferences") or []),
        "stateful_rule_groups": refs,
        "stateful_default_actions": sorted(doc.get("StatefulDefaultActions") or []),
        "stateful_rule_order": order,
    }


def validate_policy_params(p: dict):
    order = p.get("stateful_rule_order") or "STRICT_ORDER"
    if order not in RULE_ORDERS:
        raise ValidationError("stateful_rule_order", order, "is not a rule order", "use " + " or ".join(RULE_ORDERS))
    if order != "STRICT_ORDER" and p.get("stateful_default_actions"):
        raise ValidationError("stateful_default_actions", p["stateful_default_actions"],
                              "is only allowed with stateful_rule_order STRICT_ORDER",
                              "remove it or use STRICT_ORDER")
    for i, ref in enumerate(p.get("stateful_rule_groups") or []):
        if bool(ref.get("name")) == bool(ref.get("arn")):
            raise ValidationError(f"stateful_rule_groups[{i}]", ref, "needs exactly one of name or arn",
                                  "give the rule group name or its ARN")


# --- results ----------------------------------------------------------------------------------------

def describe_group_result(out: dict | None) -> dict | None:
    if not out:
        return None
    resp = out["RuleGroupResponse"]
    canon = canonical_rule_group(out.get("RuleGroup"))
    return {"rule_group_name": resp["RuleGroupName"], "rule_group_arn": resp["RuleGroupArn"],
            "rule_group_id": resp.get("RuleGroupId"), "type": resp.get("Type"), "capacity": resp.get("Capacity"),
            "description": resp.get("Description"), "rule_order": canon["rule_order"],
            "rules": rules_view(canon["rules"]), "tags": tag_list_to_dict(resp.get("Tags"))}


def describe_policy_result(out: dict | None) -> dict | None:
    if not out:
        return None
    resp = out["FirewallPolicyResponse"]
    canon = canonical_policy_document(out.get("FirewallPolicy"))
    return {"firewall_policy_name": resp["FirewallPolicyName"], "firewall_policy_arn": resp["FirewallPolicyArn"],
            "firewall_policy_id": resp.get("FirewallPolicyId"), "description": resp.get("Description"),
            "stateful_rule_order": canon["stateful_rule_order"],
            "stateful_rule_groups": canon["stateful_rule_groups"],
            "stateful_default_actions": canon["stateful_default_actions"],
            "stateless_default_actions": canon["stateless_default_actions"],
            "stateless_fragment_default_actions": canon["stateless_fragment_default_actions"],
            "tags": tag_list_to_dict(resp.get("Tags"))}


# --- managers ---------------------------------------------------------------------------------------

class RuleGroupManager:
    """A stateful rule group generated from declared flows."""

    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def ensure(self) -> dict:
        p = self.p
        order = p.get("rule_order") or "STRICT_ORDER"
        rules = flows_to_rules(p.get("flows"))
        capacity = p.get("capacity")
        if capacity is not None and len(rules) > capacity:
            raise ValidationError("capacity", capacity, f"is smaller than the {len(rules)} generated rules",
                                  f"set capacity to at least {len(rules)} (it cannot change after creation)")
        have = describe_rule_group(self.conn, name=p["name"])
        if p["state"] == "absent":
            return self._absent(have)
        tags = desired_tags(p.get("tags"), p["topology"])
        doc = rule_group_document(rules, order)
        if have is None:
            return self._create(doc, rules, capacity or max(100, 2 * len(rules)), tags)
        return self._update(have, doc, rules, tags)

    def _create(self, doc, rules, capacity, tags) -> dict:
        p = self.p
        args = {"RuleGroupName": p["name"], "Type": "STATEFUL", "Capacity": capacity, "RuleGroup": doc,
                "Tags": tag_dict_to_list(tags)}
        if p.get("description"):
            args["Description"] = p["description"]
        made = CreateOnce(self.conn, lambda: describe_rule_group(self.conn, name=p["name"]))  # a lost answer
        out = self.changes.do("create", f"rule-group/{p['name']}",
                              lambda: made.call("network-firewall", "create_rule_group", **args), rules=len(rules))
        after = {"rule_group_name": p["name"], "rule_group_arn": None, "rule_group_id": None, "type": "STATEFUL",
                 "capacity": capacity, "description": p.get("description"), "rule_order": doc[
                     "StatefulRuleOptions"]["RuleOrder"], "rules": rules_view(rules), "tags": tags}
        if out:
            resp = out["RuleGroupResponse"]
            after.update(rule_group_arn=resp["RuleGroupArn"], rule_group_id=resp.get("RuleGroupId"))
        return self.changes.result("rule_group", None, after)

    def _update(self, have, doc, rules, tags) -> dict:
        p = self.p
        before = describe_group_result(have)
        require_owned("Rule group", p["name"], before["tags"], p["topology"])
        if len(rules) > before["capacity"]:
            raise ValidationError("flows", len(rules), f"generate more rules than the capacity {before['capacity']}",
                                  "declare fewer flows, or delete the rule group and recreate it with more capacity")
        arn = before["rule_group_arn"]
        want_desc = p.get("description") if p.get("description") is not None else before["description"]
        if canonical_rule_group(have.get("RuleGroup")) != canonical_rule_group(doc) or want_desc != before[
                "description"]:
            args = {"RuleGroupArn": arn, "UpdateToken": have["UpdateToken"], "RuleGroup": doc}
            if want_desc is not None:
                args["Description"] = want_desc
            self.changes.do("update", arn, lambda: self.conn.call("network-firewall", "update_rule_group", **args),
                            rules=len(rules))
        after_tags = reconcile_tags(self.conn, self.changes, arn, before["tags"], tags, p.get("purge_tags", True))
        after = dict(before, rules=rules_view(canonical_rule_group(doc)["rules"]), description=want_desc,
                     rule_order=doc["StatefulRuleOptions"]["RuleOrder"], tags=after_tags)
        return self.changes.result("rule_group", before, after)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("rule_group", None, None)
        before = describe_group_result(have)
        if not is_managed(before["tags"], self.p["topology"]):
            return self.changes.result("rule_group", before, before, warnings=[
                f"rule group {self.p['name']} is not managed by this collection; left in place"])
        arn = before["rule_group_arn"]
        self.changes.do("delete", arn, lambda: self.conn.call(
            "network-firewall", "delete_rule_group", RuleGroupArn=arn, not_found=NOT_FOUND,
            hint="remove the rule group from every firewall policy first"))
        return self.changes.result("rule_group", before, None)


class PolicyManager:
    """A firewall policy referencing stateful rule groups; the stateful default drops what no rule passes."""

    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _resolve(self, ref: dict, i: int) -> str:
        if ref.get("arn"):
            return ref["arn"]
        found = describe_rule_group(self.conn, name=ref["name"])
        if found:
            return found["RuleGroupResponse"]["RuleGroupArn"]
        if self.changes.check_mode:
            # Created earlier in the same check-mode run: predict the documented ARN form.
            return (f"arn:aws:network-firewall:{self.conn.region}:{self.conn.account_id()}:"
                    f"stateful-rulegroup/{ref['name']}")
        raise ValidationError(f"stateful_rule_groups[{i}].name", ref["name"], "is not a stateful rule group here",
                              "create the rule group first (aws_network_firewall_rule_group)")

    def ensure(self) -> dict:
        p = self.p
        validate_policy_params(p)
        have = describe_policy(self.conn, name=p["name"])
        if p["state"] == "absent":
            return self._absent(have)
        order = p.get("stateful_rule_order") or "STRICT_ORDER"
        refs = [(self._resolve(r, i), r.get("priority")) for i, r in enumerate(p.get("stateful_rule_groups") or [])]
        defaults = p.get("stateful_default_actions")
        if defaults is None and order == "STRICT_ORDER":
            defaults = STRICT_DEFAULT_ACTIONS
        doc = policy_document(refs, order, defaults or [], p["stateless_default_actions"],
                              p["stateless_fragment_default_actions"])
        tags = desired_tags(p.get("tags"), p["topology"])
        if have is None:
            return self._create(doc, tags)
        return self._update(have, doc, tags)

    def _predicted(self, doc, tags, arn=None, policy_id=None) -> dict:
        canon = canonical_policy_document(doc)
        return {"firewall_policy_name": self.p["name"], "firewall_policy_arn": arn, "firewall_policy_id": policy_id,
                "description": self.p.get("description"), "stateful_rule_order": canon["stateful_rule_order"],
                "stateful_rule_groups": canon["stateful_rule_groups"],
                "stateful_default_actions": canon["stateful_default_actions"],
                "stateless_default_actions": canon["stateless_default_actions"],
                "stateless_fragment_default_actions": canon["stateless_fragment_default_actions"], "tags": tags}

    def _create(self, doc, tags) -> dict:
        args = {"FirewallPolicyName": self.p["name"], "FirewallPolicy": doc, "Tags": tag_dict_to_list(tags)}
        if self.p.get("description"):
            args["Description"] = self.p["description"]
        made = CreateOnce(self.conn, lambda: describe_policy(self.conn, name=self.p["name"]))  # a lost answer
        out = self.changes.do("create", f"firewall-policy/{self.p['name']}",
                              lambda: made.call("network-firewall", "create_firewall_policy", **args),
                              rule_groups=len(doc["StatefulRuleGroupReferences"]))
        resp = (out or {}).get("FirewallPolicyResponse") or {}
        after = self._predicted(doc, tags, resp.get("FirewallPolicyArn"), resp.get("FirewallPolicyId"))
        return self.changes.result("firewall_policy", None, after)

    def _update(self, have, doc, tags) -> dict:
        before = describe_policy_result(have)
        require_owned("Firewall policy", self.p["name"], before["tags"], self.p["topology"])
        arn = before["firewall_policy_arn"]
        want_desc = self.p.get("description") if self.p.get("description") is not None else before["description"]
        if canonical_policy_document(have.get("FirewallPolicy")) != canonical_policy_document(doc) or \
                want_desc != before["description"]:
            args = {"FirewallPolicyArn": arn, "UpdateToken": have["UpdateToken"], "FirewallPolicy": doc}
            if want_desc is not None:
                args["Description"] = want_desc
            self.changes.do("update", arn, lambda: self.conn.call("network-firewall", "update_firewall_policy", **args))
        after_tags = reconcile_tags(self.conn, self.changes, arn, before["tags"], tags,
                                    self.p.get("purge_tags", True))
        after = self._predicted(doc, after_tags, arn, before["firewall_policy_id"])
        after["description"] = want_desc
        return self.changes.result("firewall_policy", before, after)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("firewall_policy", None, None)
        before = describe_policy_result(have)
        if not is_managed(before["tags"], self.p["topology"]):
            return self.changes.result("firewall_policy", before, before, warnings=[
                f"firewall policy {self.p['name']} is not managed by this collection; left in place"])
        arn = before["firewall_policy_arn"]
        self.changes.do("delete", arn, lambda: self.conn.call(
            "network-firewall", "delete_firewall_policy", FirewallPolicyArn=arn, not_found=NOT_FOUND,
            hint="delete or re-point the firewalls that use this policy first"))
        return self.changes.result("firewall_policy", before, None)
