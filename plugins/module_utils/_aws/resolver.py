# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route 53 Resolver endpoints: wrappers, normalisers and the manager that reconciles one.

The inbound endpoint in the services VPC is where Azure DNS Private Resolver rulesets and GCP Cloud DNS
forwarding zones send queries for the AWS service names. Identity is the Name plus the ownership tags;
CreatorRequestId is derived from topology and name, so a retried create never makes a second endpoint.
IP addresses are reconciled in place: new ones are associated before old ones are disassociated (AWS
keeps at least two), and the endpoint is waited on until OPERATIONAL between changes.
"""

from __future__ import annotations

import hashlib
import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import PROTECTED, desired_tags
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    check_id,
    tag_changes,
    tag_dict_to_list,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

NOT_FOUND = ("ResourceNotFoundException",)
GONE = ("DELETING", "DELETED")
FAILED = ("ACTION_NEEDED",)
MAX_CREATE_ATTEMPTS = 3


# --- wrappers: one per SDK call -------------------------------------------------------------------


def list_endpoints(conn, filters=None) -> list:
    kwargs = {"Filters": filters} if filters else {}
    return conn.paginate("route53resolver", "list_resolver_endpoints", "ResolverEndpoints", **kwargs)


def get_endpoint(conn, endpoint_id: str) -> dict | None:
    out = conn.call("route53resolver", "get_resolver_endpoint", not_found=NOT_FOUND, ResolverEndpointId=endpoint_id)
    return out and out["ResolverEndpoint"]


def list_ips(conn, endpoint_id: str) -> list:
    return conn.paginate("route53resolver", "list_resolver_endpoint_ip_addresses", "IpAddresses",
                         not_found=NOT_FOUND, ResolverEndpointId=endpoint_id)


def list_tags(conn, arn: str) -> dict:
    return tag_list_to_dict(conn.paginate("route53resolver", "list_tags_for_resource", "Tags",
                                          not_found=NOT_FOUND, ResourceArn=arn))


# --- normalisation ---------------------------------------------------------------------------------


def creator_request_id(topology: str, name: str, attempt: int = 0) -> str:
    """Deterministic CreatorRequestId: the same topology and name always give the same first id."""
    digest = hashlib.sha256(f"{topology}/{name}".encode()).hexdigest()[:32]
    return f"cloudnet-{digest}" + (f"-{attempt}" if attempt else "")


def validate(params: dict) -> list:
    """Check input before any call; return ip_addresses as [{subnet_id, ip or None}]."""
    if params.get("state", "present") != "present":
        return []
    for i, sg in enumerate(params.get("security_group_ids") or []):
        check_id(sg, "sg", f"security_group_ids[{i}]")
    if not params.get("security_group_ids"):
        raise ValidationError("security_group_ids", params.get("security_group_ids"), "is empty",
                              "list the security group that admits DNS (53/tcp+udp) from the forwarders")
    ips = params.get("ip_addresses") or []
    if len(ips) < 2:
        raise ValidationError("ip_addresses", len(ips), "needs at least two entries",
                              "list two subnets in different Availability Zones (AWS requires two addresses)")
    out, seen = [], set()
    for i, item in enumerate(ips):
        subnet = check_id(item.get("subnet_id"), "subnet", f"ip_addresses[{i}].subnet_id")
        ip = item.get("ip")
        if ip is not None:
            try:
                ip = str(ipaddress.IPv4Address(str(ip)))
            except ValueError:
                raise ValidationError(f"ip_addresses[{i}].ip", ip, "is not an IPv4 address",
                                      "give an address inside the subnet, or leave ip out") from None
            if ip in seen:
                raise ValidationError(f"ip_addresses[{i}].ip", ip, "is listed twice", "list each address once")
            seen.add(ip)
        out.append({"subnet_id": subnet, "ip": ip})
    return out


def plan_ips(want: list, have: list) -> tuple[list, list]:
    """(entries to associate, IpAddress items to disassociate) so that ``have`` serves ``want``.

    An entry with an ip matches that exact address; one without matches any remaining address in its subnet.
    """
    left = sorted(have, key=lambda a: (a.get("SubnetId"), a.get("Ip") or ""))
    pending = []
    for w in want:
        match = next((a for a in left if a.get("SubnetId") == w["subnet_id"] and a.get("Ip") == w["ip"]), None)
        if match is None:
            pending.append(w)
        else:
            left.remove(match)
    add = []
    for w in pending:
        match = None
        if w["ip"] is None:
            match = next((a for a in left if a.get("SubnetId") == w["subnet_id"]), None)
        if match is None:
            add.append(w)
        else:
            left.remove(match)
    return add, left


def describe(ep: dict | None, ips: list, tags: dict) -> dict | None:
    if ep is None:
        return None
    return {
        "resolver_endpoint_id": ep.get("Id"),
        "arn": ep.get("Arn"),
        "name": ep.get("Name"),
        "direction": ep.get("Direction"),
        "vpc_id": ep.get("HostVPCId"),
        "security_group_ids": sorted(ep.get("SecurityGroupIds") or []),
        "ip_addresses": sorted(({"subnet_id": a.get("SubnetId"), "ip": a.get("Ip"), "ip_id": a.get("IpId"),
                                 "status": a.get("Status")} for a in ips),
                               key=lambda a: (a["subnet_id"] or "", a["ip"] or "")),
        "status": ep.get("Status"),
        "creator_request_id": ep.get("CreatorRequestId"),
        "resolver_endpoint_type": ep.get("ResolverEndpointType"),
        "protocols": sorted(ep.get("Protocols") or []) or None,
        "tags": tags,
    }


# --- manager ---------------------------------------------------------------------------------------


class ResolverEndpointManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _wait(self, endpoint_id: str, gone: bool = False):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return None
        return wait_until(
            lambda: get_endpoint(self.conn, endpoint_id),
            (lambda e: e is None or e.get("Status") == "DELETED") if gone
            else (lambda e: e is not None and e.get("Status") == "OPERATIONAL"),
            f"resolver endpoint {endpoint_id}", self.p.get("wait_timeout", 600),
            failed=None if gone else (lambda e: e is None or e.get("Status") in FAILED),
            state_of=lambda e: e and e.get("Status"),
        )

    def _existing(self):
        """The managed endpoint with this Name (tags read back; the Name filter only narrows the list)."""
        found = []
        for ep in list_endpoints(self.conn, filters=[{"Name": "Name", "Values": [self.p["name"]]}]):
            if ep.get("Name") != self.p["name"] or ep.get("Status") in GONE:
                continue
            tags = list_tags(self.conn, ep["Arn"])
            if is_managed(tags, self.p["topology"]):
                found.append((ep, tags))
        if len(found) > 1:
            ids = sorted(ep["Id"] for ep, _t in found)
            raise ConflictError(f"name: {len(found)} resolver endpoints are named {self.p['name']!r} "
                                f"({', '.join(ids)}). Fix: delete all but one.", resolver_endpoint_ids=ids)
        return found[0] if found else (None, {})

    def ensure(self) -> dict:
        want_ips = validate(self.p)
        have, have_tags = self._existing()
        if self.p["state"] == "absent":
            return self._absent(have, have_tags)
        tags = desired_tags(self.p.get("tags"), self.p["topology"])
        if have is None:
            return self._create(want_ips, tags)
        return self._update(have, have_tags, want_ips, tags)

    def _create(self, want_ips: list, tags: dict) -> dict:
        args = {"Name": self.p["name"], "SecurityGroupIds": list(self.p["security_group_ids"]),
                "Direction": self.p["direction"], "Tags": tag_dict_to_list(tags),
                "IpAddresses": [{"SubnetId": w["subnet_id"], **({"Ip": w["ip"]} if w["ip"] else {})}
                                for w in want_ips]}
        out = self.changes.do("create", f"resolver-endpoint/{self.p['name']}", lambda: self._create_call(args),
                              direction=self.p["direction"], ip_addresses=want_ips)
        if out is None:
            predicted = {"Id": None, "Name": self.p["name"], "Direction": self.p["direction"], "Status": "OPERATIONAL",
                         "SecurityGroupIds": list(self.p["security_group_ids"]),
                         "CreatorRequestId": creator_request_id(self.p["topology"], self.p["name"])}
            ips = [{"SubnetId": w["subnet_id"], "Ip": w["ip"]} for w in want_ips]
            return self.changes.result("resolver_endpoint", None, describe(predicted, ips, tags))
        ep = self._wait(out["Id"]) or out
        return self.changes.result("resolver_endpoint", None, describe(ep, list_ips(self.conn, ep["Id"]), tags))

    def _create_call(self, args: dict) -> dict:
        """Create; a request id already used by a live endpoint returns it, one burnt by a deleted endpoint
        moves on to the next deterministic id."""
        for attempt in range(MAX_CREATE_ATTEMPTS):
            request_id = creator_request_id(self.p["topology"], self.p["name"], attempt)
            out = self.conn.call("route53resolver", "create_resolver_endpoint", not_found=("ResourceExistsException",),
                                 CreatorRequestId=request_id, **args)
            if out is not None:
                return out["ResolverEndpoint"]
            live = [e for e in list_endpoints(self.conn, filters=[{"Name": "CreatorRequestId", "Values": [request_id]}])
                    if e.get("CreatorRequestId") == request_id and e.get("Status") not in GONE]
            if live:
                return live[0]
        raise ConflictError(f"name: could not create resolver endpoint {self.p['name']!r}: its request ids are taken "
                            "by endpoints being deleted. Fix: wait for those deletions to finish and re-run.")

    def _update(self, have: dict, have_tags: dict, want_ips: list, tags: dict) -> dict:
        ep_id = have["Id"]
        if have.get("Status") != "OPERATIONAL":
            have = self._wait(ep_id) or have  # an earlier run may have stopped waiting (wait=false or a crash)
        have_ips = list_ips(self.conn, ep_id)
        before = describe(have, have_ips, have_tags)
        for field, current, wanted in (
            ("direction", have.get("Direction"), self.p["direction"]),
            ("security_group_ids", sorted(have.get("SecurityGroupIds") or []), sorted(self.p["security_group_ids"])),
        ):
            if current != wanted:
                raise ConflictError(
                    f"{field}: resolver endpoint {ep_id} ({self.p['name']!r}) has {current}; AWS cannot change it "
                    f"(wanted {wanted}). Fix: remove the endpoint with state=absent and re-run, or keep {current}.",
                    resolver_endpoint_id=ep_id)
        add, remove = plan_ips(want_ips, have_ips)
        for w in add:
            ip = {"SubnetId": w["subnet_id"], **({"Ip": w["ip"]} if w["ip"] else {})}
            self.changes.do("associate_ip", ep_id, lambda ip=ip: self.conn.call(
                "route53resolver", "associate_resolver_endpoint_ip_address", ResolverEndpointId=ep_id, IpAddress=ip),
                subnet_id=w["subnet_id"], ip=w["ip"])
            self._wait(ep_id)
        for a in remove:
            ip = {"IpId": a["IpId"], "SubnetId": a["SubnetId"], "Ip": a["Ip"]}
            self.changes.do("disassociate_ip", ep_id, lambda ip=ip: self.conn.call(
                "route53resolver", "disassociate_resolver_endpoint_ip_address", ResolverEndpointId=ep_id,
                IpAddress=ip), subnet_id=a["SubnetId"], ip=a["Ip"])
            self._wait(ep_id)
        after_tags = self._reconcile_tags(have["Arn"], have_tags, tags)
        if self.changes.check_mode or not (add or remove):
            ips = [a for a in have_ips if a not in remove] + [{"SubnetId": w["subnet_id"], "Ip": w["ip"]} for w in add]
            return self.changes.result("resolver_endpoint", before, describe(have, ips, after_tags))
        fresh = get_endpoint(self.conn, ep_id) or have
        return self.changes.result("resolver_endpoint", before, describe(fresh, list_ips(self.conn, ep_id), after_tags))

    def _reconcile_tags(self, arn: str, have: dict, want: dict) -> dict:
        to_set, to_unset = tag_changes(have, want, self.p.get("purge_tags", True), protected=PROTECTED)
        if to_set:
            self.changes.do("tag", arn, lambda: self.conn.call(
                "route53resolver", "tag_resource", ResourceArn=arn, Tags=tag_dict_to_list(to_set)), tags=to_set)
        if to_unset:
            self.changes.do("untag", arn, lambda: self.conn.call(
                "route53resolver", "untag_resource", ResourceArn=arn, TagKeys=to_unset), keys=to_unset)
        after = {k: v for k, v in have.items() if k not in to_unset}
        after.update(to_set)
        return after

    def _absent(self, have, have_tags) -> dict:
        if have is None:
            return self.changes.result("resolver_endpoint", None, None)
        ep_id = have["Id"]
        before = describe(have, list_ips(self.conn, ep_id), have_tags)
        self.changes.do("delete", ep_id, lambda: self.conn.call(
            "route53resolver", "delete_resolver_endpoint", ResolverEndpointId=ep_id, not_found=NOT_FOUND))
        self._wait(ep_id, gone=True)
        return self.changes.result("resolver_endpoint", before, None)


def gather(conn, params: dict) -> list:
    """Resolver endpoints for the _info module, each with its IP addresses and tags."""
    filters = []
    for key, api in (("direction", "Direction"), ("vpc_id", "HostVPCId")):
        if params.get(key):
            filters.append({"Name": api, "Values": [params[key]]})
    found = [e for e in list_endpoints(conn, filters=filters or None) if e.get("Status") not in GONE]
    if params.get("resolver_endpoint_ids"):
        found = [e for e in found if e["Id"] in params["resolver_endpoint_ids"]]
    if params.get("names"):
        found = [e for e in found if e.get("Name") in params["names"]]
    for key, api in (("direction", "Direction"), ("vpc_id", "HostVPCId")):
        if params.get(key):
            found = [e for e in found if e.get(api) == params[key]]
    return sorted((describe(e, list_ips(conn, e["Id"]), list_tags(conn, e["Arn"])) for e in found),
                  key=lambda e: e["resolver_endpoint_id"])
