# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""AWS Network Firewall firewall: subnet mappings, policy, protection flags and per-AZ endpoints.

A firewall has one endpoint per Availability Zone (one subnet per AZ). The endpoint ids come from
``FirewallStatus.SyncStates[az].Attachment.EndpointId``; route tables send traffic to them. Updates pass
the firewall's current ``UpdateToken`` and take the new one from each answer. Protection flags that are
being turned off are changed before subnet or policy changes, flags being turned on after them.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.network_firewall import (
    NOT_FOUND,
    describe_policy,
    reconcile_tags,
    require_owned,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import desired_tags
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    check_id,
    tag_dict_to_list,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

FLAGS = {  # option -> API field
    "delete_protection": "DeleteProtection",
    "subnet_change_protection": "SubnetChangeProtection",
    "firewall_policy_change_protection": "FirewallPolicyChangeProtection",
}


# --- wrappers ---------------------------------------------------------------------------------------

def describe_firewall(conn, name: str | None = None, arn: str | None = None):
    kwargs = {"FirewallArn": arn} if arn else {"FirewallName": name}
    return conn.call("network-firewall", "describe_firewall", not_found=NOT_FOUND, **kwargs)


def list_firewalls(conn, vpc_ids=None) -> list:
    kwargs = {"VpcIds": list(vpc_ids)} if vpc_ids else {}
    return conn.paginate("network-firewall", "list_firewalls", "Firewalls", **kwargs)


# Firewall updates, by the action name recorded in ``operations`` (literal calls: tools/iam_policy.py reads them).
UPDATES = {
    "update_delete_protection":
        lambda conn, **kw: conn.call("network-firewall", "update_firewall_delete_protection", **kw),
    "update_subnet_change_protection":
        lambda conn, **kw: conn.call("network-firewall", "update_subnet_change_protection", **kw),
    "update_firewall_policy_change_protection":
        lambda conn, **kw: conn.call("network-firewall", "update_firewall_policy_change_protection", **kw),
    "disassociate_subnets": lambda conn, **kw: conn.call("network-firewall", "disassociate_subnets", **kw),
    "associate_subnets": lambda conn, **kw: conn.call("network-firewall", "associate_subnets", **kw),
    "associate_firewall_policy": lambda conn, **kw: conn.call("network-firewall", "associate_firewall_policy", **kw),
    "update_description": lambda conn, **kw: conn.call("network-firewall", "update_firewall_description", **kw),
}


def subnet_azs(conn, subnet_ids: list) -> dict:
    subnets = conn.paginate("ec2", "describe_subnets", "Subnets", SubnetIds=list(subnet_ids))
    return {s["SubnetId"]: (s["AvailabilityZone"], s["VpcId"]) for s in subnets}


# --- pure -------------------------------------------------------------------------------------------

def endpoints(status: dict | None) -> list:
    """Per-AZ endpoints from ``FirewallStatus.SyncStates``, sorted by AZ."""
    out = []
    for az, state in sorted(((status or {}).get("SyncStates") or {}).items()):
        att = state.get("Attachment") or {}
        out.append({"availability_zone": az, "subnet_id": att.get("SubnetId"), "endpoint_id": att.get("EndpointId"),
                    "status": att.get("Status")})
    return out


def is_ready(out: dict) -> bool:
    status = out.get("FirewallStatus") or {}
    eps = endpoints(status)
    return (status.get("Status") == "READY" and status.get("ConfigurationSyncStateSummary", "IN_SYNC") == "IN_SYNC"
            and all(e["status"] == "READY" and e["endpoint_id"] for e in eps))


def plan_subnets(have: list, want: list) -> tuple[list, list]:
    return sorted(set(want) - set(have)), sorted(set(have) - set(want))


def validate_subnets(subnet_ids: list, found: dict, vpc_id: str) -> dict:
    """``{subnet_id: az}`` after checking existence, VPC and one subnet per AZ."""
    azs: dict = {}
    for i, sid in enumerate(subnet_ids):
        if sid not in found:
            raise ValidationError(f"subnet_ids[{i}]", sid, "does not exist", "list existing subnets of vpc_id")
        az, vpc = found[sid]
        if vpc != vpc_id:
            raise ValidationError(f"subnet_ids[{i}]", sid, f"is in {vpc}, not in {vpc_id}", "use subnets of vpc_id")
        if az in azs.values():
            raise ValidationError(f"subnet_ids[{i}]", sid, f"is a second subnet in {az}",
                                  "list one firewall subnet per Availability Zone")
        azs[sid] = az
    return azs


def describe_result(out: dict | None) -> dict | None:
    if not out:
        return None
    fw = out["Firewall"]
    eps = endpoints(out.get("FirewallStatus"))
    return {"firewall_name": fw["FirewallName"], "firewall_arn": fw["FirewallArn"], "firewall_id": fw.get("FirewallId"),
            "vpc_id": fw.get("VpcId"), "firewall_policy_arn": fw.get("FirewallPolicyArn"),
            "subnet_ids": sorted(m["SubnetId"] for m in fw.get("SubnetMappings") or []),
            "description": fw.get("Description"),
            "delete_protection": bool(fw.get("DeleteProtection")),
            "subnet_change_protection": bool(fw.get("SubnetChangeProtection")),
            "firewall_policy_change_protection": bool(fw.get("FirewallPolicyChangeProtection")),
            "status": (out.get("FirewallStatus") or {}).get("Status"),
            "endpoints": eps, "endpoint_ids": {e["availability_zone"]: e["endpoint_id"] for e in eps},
            "tags": tag_list_to_dict(fw.get("Tags"))}


# --- manager ----------------------------------------------------------------------------------------

class FirewallManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.token = None

    def _wait_ready(self, arn: str):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return describe_firewall(self.conn, arn=arn)
        return wait_until(lambda: describe_firewall(self.conn, arn=arn), is_ready, f"firewall {self.p['name']}",
                          self.p.get("wait_timeout", 600),
                          state_of=lambda o: (o.get("FirewallStatus") or {}).get("Status"))

    def _policy_arn(self) -> str | None:
        ref = self.p["firewall_policy"]
        if ref.startswith("arn:"):
            return ref
        found = describe_policy(self.conn, name=ref)
        if found:
            return found["FirewallPolicyResponse"]["FirewallPolicyArn"]
        if self.changes.check_mode:
            return f"arn:aws:network-firewall:{self.conn.region}:{self.conn.account_id()}:firewall-policy/{ref}"
        raise ValidationError("firewall_policy", ref, "is not a firewall policy here",
                              "create it first (aws_network_firewall_policy) or give its ARN")

    def ensure(self) -> dict:
        p = self.p
        if p["state"] == "present":
            check_id(p.get("vpc_id"), "vpc", "vpc_id")
            if not p.get("subnet_ids") or not p.get("firewall_policy"):
                raise ValidationError("subnet_ids", p.get("subnet_ids"), "and firewall_policy are required "
                                      "with state=present", "give one subnet per AZ and the firewall policy")
            for i, sid in enumerate(p["subnet_ids"]):
                check_id(sid, "subnet", f"subnet_ids[{i}]")
        have = describe_firewall(self.conn, name=p["name"])
        if p["state"] == "absent":
            return self._absent(have)
        azs = validate_subnets(p["subnet_ids"], subnet_azs(self.conn, p["subnet_ids"]), p["vpc_id"])
        tags = desired_tags(p.get("tags"), p["topology"])
        policy_arn = self._policy_arn()
        if have is None:
            return self._create(azs, policy_arn, tags)
        return self._update(have, azs, policy_arn, tags)

    def _create(self, azs: dict, policy_arn: str, tags: dict) -> dict:
        p = self.p
        args = {"FirewallName": p["name"], "FirewallPolicyArn": policy_arn, "VpcId": p["vpc_id"],
                "SubnetMappings": [{"SubnetId": s} for s in sorted(azs)], "Tags": tag_dict_to_list(tags)}
        args.update({api: bool(p.get(opt)) for opt, api in FLAGS.items()})
        if p.get("description"):
            args["Description"] = p["description"]
        out = self.changes.do("create", f"firewall/{p['name']}",
                              lambda: CreateOnce(self.conn, lambda: describe_firewall(self.conn, name=p["name"]))
                              .call("network-firewall", "create_firewall", **args),
                              subnets=sorted(azs))
        if out:
            created = self._wait_ready(out["Firewall"]["FirewallArn"])
            return self.changes.result("firewall", None, describe_result(created))
        eps = [{"availability_zone": az, "subnet_id": s, "endpoint_id": None, "status": None}
               for s, az in sorted(azs.items(), key=lambda i: i[1])]
        after = {"firewall_name": p["name"], "firewall_arn": None, "firewall_id": None, "vpc_id": p["vpc_id"],
                 "firewall_policy_arn": policy_arn, "subnet_ids": sorted(azs), "description": p.get("description"),
                 **{opt: bool(p.get(opt)) for opt in FLAGS}, "status": None, "endpoints": eps,
                 "endpoint_ids": {e["availability_zone"]: None for e in eps}, "tags": tags}
        return self.changes.result("firewall", None, after)

    def _call(self, action: str, arn: str, **kwargs):
        """One firewall update with the current UpdateToken; the answer's token is kept for the next one."""
        def apply():
            out = UPDATES[action](self.conn, FirewallArn=arn, UpdateToken=self.token, **kwargs)
            self.token = out.get("UpdateToken", self.token)
            return out
        return self.changes.do(action, arn, apply, **kwargs)

    def _set_flags(self, arn: str, before: dict, value: bool):
        for opt, api in FLAGS.items():
            if self.p.get(opt) is not None and bool(self.p[opt]) == value and before[opt] != value:
                self._call("update_" + opt, arn, **{api: value})

    def _update(self, have: dict, azs: dict, policy_arn: str, tags: dict) -> dict:
        p = self.p
        before = describe_result(have)
        require_owned("Firewall", p["name"], before["tags"], p["topology"])
        if before["vpc_id"] != p["vpc_id"]:
            raise ConflictError(f"Firewall {p['name']} is in {before['vpc_id']}, not in {p['vpc_id']}. Fix: a firewall "
                                "cannot move; delete it (state=absent) or use another name.", name=p["name"])
        arn, self.token = before["firewall_arn"], have.get("UpdateToken")
        self._set_flags(arn, before, False)
        add, remove = plan_subnets(before["subnet_ids"], list(azs))
        # A new subnet in an AZ the firewall already covers must wait for the old one to go.
        if remove:
            self._call("disassociate_subnets", arn, SubnetIds=remove)
        if add:
            self._call("associate_subnets", arn, SubnetMappings=[{"SubnetId": s} for s in add])
        if policy_arn != before["firewall_policy_arn"]:
            self._call("associate_firewall_policy", arn, FirewallPolicyArn=policy_arn)
        if p.get("description") is not None and p["description"] != (before["description"] or ""):
            self._call("update_description", arn, Description=p["description"])
        self._set_flags(arn, before, True)
        after_tags = reconcile_tags(self.conn, self.changes, arn, before["tags"], tags, p.get("purge_tags", True))
        if self.changes.changed and not self.changes.check_mode:
            after = describe_result(self._wait_ready(arn))
            after["tags"] = after_tags
            return self.changes.result("firewall", before, after)
        kept = [e for e in before["endpoints"] if e["subnet_id"] not in remove]
        kept += [{"availability_zone": azs[s], "subnet_id": s, "endpoint_id": None, "status": None} for s in add]
        kept.sort(key=lambda e: e["availability_zone"])
        after = dict(before, subnet_ids=sorted(azs), firewall_policy_arn=policy_arn, tags=after_tags, endpoints=kept,
                     endpoint_ids={e["availability_zone"]: e["endpoint_id"] for e in kept},
                     **{opt: bool(p[opt]) for opt in FLAGS if p.get(opt) is not None})
        if p.get("description") is not None:
            after["description"] = p["description"] or None
        return self.changes.result("firewall", before, after)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("firewall", None, None)
        before = describe_result(have)
        if not is_managed(before["tags"], self.p["topology"]):
            return self.changes.result("firewall", before, before, warnings=[
                f"firewall {self.p['name']} is not managed by this collection; left in place"])
        if before["delete_protection"]:
            raise ConflictError(f"Firewall {self.p['name']} has delete protection on. Fix: run with "
                                "delete_protection=false and state=present first, then remove it.", name=self.p["name"])
        arn = before["firewall_arn"]
        self.changes.do("delete", arn, lambda: self.conn.call("network-firewall", "delete_firewall", FirewallArn=arn,
                                                              not_found=NOT_FOUND))
        if not self.changes.check_mode and self.p.get("wait", True):
            wait_until(lambda: describe_firewall(self.conn, arn=arn) or {}, lambda o: not o,
                       f"deletion of firewall {self.p['name']}", self.p.get("wait_timeout", 600),
                       state_of=lambda o: (o.get("FirewallStatus") or {}).get("Status"))
        return self.changes.result("firewall", before, None)
