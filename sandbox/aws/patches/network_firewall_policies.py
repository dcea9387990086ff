"""Network Firewall firewall policies and rule groups (moto implements neither).

Create/Describe/Update/Delete/List for firewall policies and for stateful and stateless rule
groups, with the documented UpdateToken semantics: every describe/create/update returns the
current token, an update needs the current token (``InvalidTokenException`` otherwise) and
issues a new one. Names are unique per resource type (``InvalidRequestException``); a policy may
reference only existing rule groups of the right type; objects still in use cannot be deleted
(``InvalidOperationException``); NumberOfAssociations and consumed capacities are computed.
"""

from __future__ import annotations

import copy
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.moto_api._internal import mock_random
from moto.networkfirewall.models import NetworkFirewallBackend
from moto.networkfirewall.responses import NetworkFirewallResponse

from ._nfw_common import NfwError, check_token, find, invalid_request, new_token


class RuleGroup:
    def __init__(self, backend: Any, params: dict[str, Any]) -> None:
        self.name = params["RuleGroupName"]
        self.type = params["Type"]
        kind = "stateful-rulegroup" if self.type == "STATEFUL" else "stateless-rulegroup"
        self.arn = f"arn:aws:network-firewall:{backend.region_name}:{backend.account_id}:{kind}/{self.name}"
        self.id = str(mock_random.uuid4())
        self.capacity = int(params["Capacity"])
        self.tags = params.get("Tags") or []
        self.update_token = new_token()
        self.status = "ACTIVE"
        self.apply(params)

    def apply(self, params: dict[str, Any]) -> None:
        rule_group = params.get("RuleGroup")
        if params.get("Rules"):
            rule_group = {"RulesSource": {"RulesString": params["Rules"]}}
        if not rule_group:
            raise invalid_request("A rule group requires RuleGroup or Rules.")
        if "RulesSource" not in rule_group:
            raise invalid_request("RuleGroup.RulesSource is required.")
        self.rule_group = copy.deepcopy(rule_group)
        if "Description" in params:
            self.description = params.get("Description")
        elif not hasattr(self, "description"):
            self.description = None
        self.encryption = params.get("EncryptionConfiguration") or {"Type": "AWS_OWNED_KMS_KEY"}
        self.last_modified = utcnow()

    def response(self, backend: Any) -> dict[str, Any]:
        associations = sum(1 for p in _policies(backend).values() if self.arn in p.rule_group_arns())
        out = {
            "RuleGroupArn": self.arn,
            "RuleGroupName": self.name,
            "RuleGroupId": self.id,
            "Type": self.type,
            "Capacity": self.capacity,
            "RuleGroupStatus": self.status,
            "Tags": self.tags,
            "ConsumedCapacity": 0,
            "NumberOfAssociations": associations,
            "EncryptionConfiguration": self.encryption,
            "LastModifiedTime": self.last_modified,
        }
        if self.description:
            out["Description"] = self.description
        return out


class FirewallPolicy:
    def __init__(self, backend: Any, params: dict[str, Any]) -> None:
        self.name = params["FirewallPolicyName"]
        self.arn = (
            f"arn:aws:network-firewall:{backend.region_name}:{backend.account_id}:firewall-policy/{self.name}"
        )
        self.id = str(mock_random.uuid4())
        self.tags = params.get("Tags") or []
        self.update_token = new_token()
        self.status = "ACTIVE"
        self.description = None
        self.apply(backend, params)

    def apply(self, backend: Any, params: dict[str, Any]) -> None:
        policy = copy.deepcopy(params["FirewallPolicy"])
        for key in ("StatelessDefaultActions", "StatelessFragmentDefaultActions"):
            if not policy.get(key):
                raise invalid_request(f"FirewallPolicy.{key} is required.")
        groups = _rule_groups(backend)
        for ref_key, wanted in (
            ("StatefulRuleGroupReferences", "STATEFUL"),
            ("StatelessRuleGroupReferences", "STATELESS"),
        ):
            for ref in policy.get(ref_key) or []:
                group = groups.get(ref.get("ResourceArn"))
                if group is None or group.type != wanted:
                    raise invalid_request(
                        f"{ref_key}: {ref.get('ResourceArn')} is not a {wanted.lower()} "
                        "rule group of this account and Region."
                    )
        self.policy = policy
        if "Description" in params:
            self.description = params.get("Description")
        self.encryption = params.get("EncryptionConfiguration") or {"Type": "AWS_OWNED_KMS_KEY"}
        self.last_modified = utcnow()

    def rule_group_arns(self) -> list[str]:
        refs = (self.policy.get("StatefulRuleGroupReferences") or []) + (
            self.policy.get("StatelessRuleGroupReferences") or []
        )
        return [r["ResourceArn"] for r in refs]

    def response(self, backend: Any) -> dict[str, Any]:
        groups = _rule_groups(backend)
        stateless = sum(
            groups[a].capacity
            for a in self.rule_group_arns()
            if a in groups and groups[a].type == "STATELESS"
        )
        stateful = sum(
            groups[a].capacity for a in self.rule_group_arns() if a in groups and groups[a].type == "STATEFUL"
        )
        associations = sum(1 for f in backend.firewalls.values() if f.firewall_policy_arn == self.arn)
        out = {
            "FirewallPolicyName": self.name,
            "FirewallPolicyArn": self.arn,
            "FirewallPolicyId": self.id,
            "FirewallPolicyStatus": self.status,
            "Tags": self.tags,
            "ConsumedStatelessRuleCapacity": stateless,
            "ConsumedStatefulRuleCapacity": stateful,
            "NumberOfAssociations": associations,
            "EncryptionConfiguration": self.encryption,
            "LastModifiedTime": self.last_modified,
        }
        if self.description:
            out["Description"] = self.description
        return out


def _rule_groups(backend: Any) -> dict[str, RuleGroup]:
    return backend.__dict__.setdefault("_rule_groups", {})


def _policies(backend: Any) -> dict[str, FirewallPolicy]:
    return backend.__dict__.setdefault("_firewall_policies", {})


def get_policy(backend: Any, arn: str | None, name: str | None = None) -> FirewallPolicy:
    return find(_policies(backend), arn, name, "Firewall policy")


def _get_group(backend: Any, arn: str | None, name: str | None, type_: str | None) -> RuleGroup:
    store = {k: g for k, g in _rule_groups(backend).items() if arn or not type_ or g.type == type_}
    return find(store, arn, name, "Rule group")


def _page(items: list[Any], next_token: str | None, max_results: int | None) -> tuple[list[Any], str | None]:
    start = int(next_token or 0)
    size = int(max_results or 100)
    page = items[start : start + size]
    return page, (str(start + size) if start + size < len(items) else None)


# --- responses -------------------------------------------------------------------------------


def create_rule_group(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    params = self.params
    if params.get("Type") not in ("STATEFUL", "STATELESS"):
        raise invalid_request("Type must be STATEFUL or STATELESS.")
    if any(
        g.name == params["RuleGroupName"] and g.type == params["Type"] for g in _rule_groups(backend).values()
    ):
        raise invalid_request(f"A resource with the name {params['RuleGroupName']} already exists.")
    group = RuleGroup(backend, params)
    if not params.get("DryRun"):
        _rule_groups(backend)[group.arn] = group
    return ActionResult({"UpdateToken": group.update_token, "RuleGroupResponse": group.response(backend)})


def describe_rule_group(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    group = _get_group(
        backend, self._get_param("RuleGroupArn"), self._get_param("RuleGroupName"), self._get_param("Type")
    )
    return ActionResult(
        {
            "UpdateToken": group.update_token,
            "RuleGroup": group.rule_group,
            "RuleGroupResponse": group.response(backend),
        }
    )


def update_rule_group(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    params = self.params
    group = _get_group(backend, params.get("RuleGroupArn"), params.get("RuleGroupName"), params.get("Type"))
    check_token(group, params.get("UpdateToken"), required=True)
    if params.get("DryRun"):
        return ActionResult({"UpdateToken": group.update_token, "RuleGroupResponse": group.response(backend)})
    group.apply(params)
    group.update_token = new_token()
    return ActionResult({"UpdateToken": group.update_token, "RuleGroupResponse": group.response(backend)})


def delete_rule_group(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    group = _get_group(
        backend, self._get_param("RuleGroupArn"), self._get_param("RuleGroupName"), self._get_param("Type")
    )
    users = [p.name for p in _policies(backend).values() if group.arn in p.rule_group_arns()]
    if users:
        raise NfwError(
            "InvalidOperationException",
            f"Unable to delete the object because it is still in use by: {', '.join(users)}",
        )
    response = group.response(backend)
    _rule_groups(backend).pop(group.arn)
    response["RuleGroupStatus"] = "DELETING"
    return ActionResult({"RuleGroupResponse": response})


def list_rule_groups(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    type_ = self._get_param("Type")
    scope = self._get_param("Scope")
    groups = (
        []
        if scope == "MANAGED"
        else [g for g in _rule_groups(backend).values() if not type_ or g.type == type_]
    )
    page, token = _page(groups, self._get_param("NextToken"), self._get_param("MaxResults"))
    return ActionResult({"NextToken": token, "RuleGroups": [{"Name": g.name, "Arn": g.arn} for g in page]})


def create_firewall_policy(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    params = self.params
    if any(p.name == params["FirewallPolicyName"] for p in _policies(backend).values()):
        raise invalid_request(f"A resource with the name {params['FirewallPolicyName']} already exists.")
    policy = FirewallPolicy(backend, params)
    if not params.get("DryRun"):
        _policies(backend)[policy.arn] = policy
    return ActionResult(
        {"UpdateToken": policy.update_token, "FirewallPolicyResponse": policy.response(backend)}
    )


def describe_firewall_policy(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    policy = get_policy(backend, self._get_param("FirewallPolicyArn"), self._get_param("FirewallPolicyName"))
    return ActionResult(
        {
            "UpdateToken": policy.update_token,
            "FirewallPolicyResponse": policy.response(backend),
            "FirewallPolicy": policy.policy,
        }
    )


def update_firewall_policy(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    params = self.params
    policy = get_policy(backend, params.get("FirewallPolicyArn"), params.get("FirewallPolicyName"))
    check_token(policy, params.get("UpdateToken"), required=True)
    if not params.get("DryRun"):
        policy.apply(backend, params)
        policy.update_token = new_token()
    return ActionResult(
        {"UpdateToken": policy.update_token, "FirewallPolicyResponse": policy.response(backend)}
    )


def delete_firewall_policy(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    policy = get_policy(backend, self._get_param("FirewallPolicyArn"), self._get_param("FirewallPolicyName"))
    users = [f.firewall_name for f in backend.firewalls.values() if f.firewall_policy_arn == policy.arn]
    if users:
        raise NfwError(
            "InvalidOperationException",
            f"Unable to delete the object because it is still in use by: {', '.join(users)}",
        )
    response = policy.response(backend)
    _policies(backend).pop(policy.arn)
    response["FirewallPolicyStatus"] = "DELETING"
    return ActionResult({"FirewallPolicyResponse": response})


def list_firewall_policies(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    page, token = _page(
        list(_policies(backend).values()), self._get_param("NextToken"), self._get_param("MaxResults")
    )
    return ActionResult(
        {"NextToken": token, "FirewallPolicies": [{"Name": p.name, "Arn": p.arn} for p in page]}
    )


def apply(settings: dict[str, Any]) -> None:
    for func in (
        create_rule_group,
        describe_rule_group,
        update_rule_group,
        delete_rule_group,
        list_rule_groups,
        create_firewall_policy,
        describe_firewall_policy,
        update_firewall_policy,
        delete_firewall_policy,
        list_firewall_policies,
    ):
        setattr(NetworkFirewallResponse, func.__name__, func)
    NetworkFirewallBackend.get_firewall_policy = get_policy  # type: ignore[attr-defined]
