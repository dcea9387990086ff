# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC endpoints (Interface, Gateway, GatewayLoadBalancer): create and reconcile in place.

Identity: VPC + service name + Name tag + ownership tags. Every difference that ModifyVpcEndpoint can
apply (subnets, security groups, route tables, policy, private DNS, DNS options, IP address type) is
applied in one modify call; the policy is compared as a document and reset to the AWS default when the
wanted policy is null. Deletion acts only on managed endpoints.
"""

from __future__ import annotations

import hashlib
import json

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_policy,
    check_id,
    policies_equal,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

_NOT_FOUND = ("InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound")
GONE = ("deleting", "deleted", "failed", "rejected", "expired")
# Consumer-side states in which waiting longer cannot help: the provider must act.
SETTLED = ("available", "pendingAcceptance")
TYPES = ("Interface", "Gateway", "GatewayLoadBalancer")
DEFAULT_STATEMENT = [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]


# --- wrappers: one per SDK call -------------------------------------------------------------------

def describe_endpoints(conn, endpoint_ids=None, filters=None) -> list:
    kwargs = {}
    if endpoint_ids:
        kwargs["VpcEndpointIds"] = list(endpoint_ids)
    if filters:
        kwargs["Filters"] = filters
    return conn.paginate("ec2", "describe_vpc_endpoints", "VpcEndpoints", not_found=_NOT_FOUND, **kwargs)


def get_endpoint(conn, endpoint_id: str):
    found = describe_endpoints(conn, endpoint_ids=[endpoint_id])
    return found[0] if found else None


def find_by_name(conn, vpc_id: str, service_name: str, name: str) -> list:
    """Every endpoint (any state, any owner) of the service in the VPC with this Name tag."""
    return describe_endpoints(conn, filters=[{"Name": "vpc-id", "Values": [vpc_id]},
                                             {"Name": "service-name", "Values": [service_name]},
                                             {"Name": "tag:Name", "Values": [name]}])


# --- normalisation and planning --------------------------------------------------------------------

def parse_policy(value, field: str = "policy"):
    """Canonical policy document from a dict or JSON text; None means the AWS default (full access)."""
    if value is None or value == "" or value == {}:
        return None
    try:
        doc = canonical_policy(value)
    except (TypeError, ValueError):
        raise ValidationError(field, str(value)[:40], "is not valid JSON", "give a policy document as a dict or "
                              "JSON text") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("Statement"), (list, dict)):
        raise ValidationError(field, str(value)[:40], "has no Statement", "give an IAM policy document with a "
                              "Statement list")
    return doc


def is_default_policy(policy) -> bool:
    """True for the full-access policy AWS attaches when none is given (any Version, any Principal form)."""
    if policy is None:
        return True
    doc = canonical_policy(policy)
    return policies_equal({"Statement": doc.get("Statement")}, {"Statement": DEFAULT_STATEMENT})


def _ids(values, prefix: str, field: str):
    if values is None:
        return None
    out = [check_id(v, prefix, f"{field}[{i}]") for i, v in enumerate(values)]
    if len(set(out)) != len(out):
        raise ValidationError(field, values, "lists an id twice", "list each id once")
    return sorted(out)


def normalize(p: dict) -> dict:
    """The wanted endpoint from module parameters; every error names its field. No API call."""
    kind = p.get("endpoint_type") or "Interface"
    name = (p.get("name") or "").strip()
    if not name:
        raise ValidationError("name", p.get("name"), "is empty", "name the endpoint (its Name tag)")
    service = (p.get("service_name") or "").strip()
    if not service or " " in service or "." not in service:
        raise ValidationError("service_name", p.get("service_name"), "is not an endpoint service name",
                              "use the full name, e.g. com.amazonaws.us-east-1.ssm")
    want = {
        "name": name, "endpoint_type": kind, "vpc_id": check_id(p.get("vpc_id"), "vpc", "vpc_id"),
        "service_name": service,
        "subnet_ids": _ids(p.get("subnet_ids"), "subnet", "subnet_ids"),
        "security_group_ids": _ids(p.get("security_group_ids"), "sg", "security_group_ids"),
        "route_table_ids": _ids(p.get("route_table_ids"), "rtb", "route_table_ids"),
        "policy": parse_policy(p.get("policy")),
        "private_dns_enabled": bool(p.get("private_dns_enabled")),
        "dns_record_ip_type": (p.get("dns_options") or {}).get("dns_record_ip_type"),
        "ip_address_type": p.get("ip_address_type"),
    }
    not_for = {
        "Interface": ("route_table_ids",),
        "Gateway": ("subnet_ids", "security_group_ids", "dns_options", "ip_address_type"),
        "GatewayLoadBalancer": ("security_group_ids", "route_table_ids", "policy", "dns_options"),
    }[kind]
    for field in not_for:
        if p.get(field) not in (None, [], {}):
            raise ValidationError(field, p.get(field), f"does not apply to {kind} endpoints",
                                  f"remove {field}, or choose another endpoint_type")
    if kind != "Interface" and p.get("private_dns_enabled"):
        raise ValidationError("private_dns_enabled", True, f"does not apply to {kind} endpoints",
                              "set private_dns_enabled: false")
    if kind == "GatewayLoadBalancer" and want["subnet_ids"] is not None and len(want["subnet_ids"]) != 1:
        raise ValidationError("subnet_ids", p.get("subnet_ids"), "must hold exactly one subnet for a Gateway "
                              "Load Balancer endpoint", "give one subnet")
    if p.get("state", "present") == "present" and kind in ("Interface", "GatewayLoadBalancer") \
            and not want["subnet_ids"]:
        raise ValidationError("subnet_ids", p.get("subnet_ids"), f"is required for {kind} endpoints",
                              "list the subnets (one per availability zone) to place the endpoint in")
    return want


def describe(ep: dict | None) -> dict | None:
    if ep is None:
        return None
    policy = ep.get("PolicyDocument")
    tags = tag_list_to_dict(ep.get("Tags"))
    return {
        "vpc_endpoint_id": ep["VpcEndpointId"],
        "name": tags.get("Name"),
        "vpc_id": ep.get("VpcId"),
        "service_name": ep.get("ServiceName"),
        "endpoint_type": ep.get("VpcEndpointType"),
        "state": ep.get("State"),
        "subnet_ids": sorted(ep.get("SubnetIds") or []),
        "security_group_ids": sorted(g["GroupId"] for g in ep.get("Groups") or []),
        "route_table_ids": sorted(ep.get("RouteTableIds") or []),
        "policy": json.loads(policy) if policy else None,
        "private_dns_enabled": bool(ep.get("PrivateDnsEnabled")),
        "dns_options": {"dns_record_ip_type": (ep.get("DnsOptions") or {}).get("DnsRecordIpType")},
        "ip_address_type": ep.get("IpAddressType"),
        "dns_entries": [{"dns_name": d.get("DnsName"), "hosted_zone_id": d.get("HostedZoneId")}
                        for d in ep.get("DnsEntries") or []],
        "network_interface_ids": sorted(ep.get("NetworkInterfaceIds") or []),
        "tags": tags,
    }


def _add_remove(want, have, add_key: str, remove_key: str, out: dict):
    if want is None:
        return
    add, remove = sorted(set(want) - set(have)), sorted(set(have) - set(want))
    if add:
        out[add_key] = add
    if remove:
        out[remove_key] = remove


def plan_modify(want: dict, ep: dict) -> dict:
    """ModifyVpcEndpoint arguments (without the id) that bring ``ep`` (boto3 shape) to ``want``."""
    out: dict = {}
    kind = want["endpoint_type"]
    _add_remove(want["subnet_ids"], ep.get("SubnetIds") or [], "AddSubnetIds", "RemoveSubnetIds", out)
    if kind == "Interface":
        _add_remove(want["security_group_ids"], [g["GroupId"] for g in ep.get("Groups") or []],
                    "AddSecurityGroupIds", "RemoveSecurityGroupIds", out)
    if kind == "Gateway":
        _add_remove(want["route_table_ids"], ep.get("RouteTableIds") or [], "AddRouteTableIds",
                    "RemoveRouteTableIds", out)
    if kind != "GatewayLoadBalancer":
        have_policy = ep.get("PolicyDocument")
        if want["policy"] is None:
            if not is_default_policy(have_policy):
                out["ResetPolicy"] = True
        elif have_policy is None or not policies_equal(have_policy, want["policy"]):
            out["PolicyDocument"] = json.dumps(want["policy"], sort_keys=True)
    if kind == "Interface" and bool(ep.get("PrivateDnsEnabled")) != want["private_dns_enabled"]:
        out["PrivateDnsEnabled"] = want["private_dns_enabled"]
    have_dns = (ep.get("DnsOptions") or {}).get("DnsRecordIpType")
    if want["dns_record_ip_type"] and have_dns != want["dns_record_ip_type"]:
        out["DnsOptions"] = {"DnsRecordIpType": want["dns_record_ip_type"]}
    if want["ip_address_type"] and ep.get("IpAddressType") != want["ip_address_type"]:
        out["IpAddressType"] = want["ip_address_type"]
    return out


def apply_modify(ep: dict, mod: dict) -> dict:
    """``ep`` as it will look after ``mod`` (the check-mode prediction)."""
    ep = dict(ep)
    for key, add, remove in (("SubnetIds", "AddSubnetIds", "RemoveSubnetIds"),
                             ("RouteTableIds", "AddRouteTableIds", "RemoveRouteTableIds")):
        ep[key] = sorted((set(ep.get(key) or []) | set(mod.get(add, []))) - set(mod.get(remove, [])))
    groups = {g["GroupId"] for g in ep.get("Groups") or []}
    groups = (groups | set(mod.get("AddSecurityGroupIds", []))) - set(mod.get("RemoveSecurityGroupIds", []))
    ep["Groups"] = [{"GroupId": g} for g in sorted(groups)]
    if mod.get("ResetPolicy"):
        ep["PolicyDocument"] = json.dumps({"Version": "2008-10-17", "Statement": DEFAULT_STATEMENT})
    if "PolicyDocument" in mod:
        ep["PolicyDocument"] = mod["PolicyDocument"]
    if "PrivateDnsEnabled" in mod:
        ep["PrivateDnsEnabled"] = mod["PrivateDnsEnabled"]
    if "DnsOptions" in mod:
        ep["DnsOptions"] = dict(ep.get("DnsOptions") or {}, **mod["DnsOptions"])
    if "IpAddressType" in mod:
        ep["IpAddressType"] = mod["IpAddressType"]
    return ep


def create_args(want: dict, tags: dict) -> dict:
    args = {"VpcEndpointType": want["endpoint_type"], "VpcId": want["vpc_id"], "ServiceName": want["service_name"],
            "TagSpecifications": tag_specification("vpc-endpoint", tags)}
    if want["subnet_ids"]:
        args["SubnetIds"] = want["subnet_ids"]
    if want["security_group_ids"]:
        args["SecurityGroupIds"] = want["security_group_ids"]
    if want["route_table_ids"]:
        args["RouteTableIds"] = want["route_table_ids"]
    if want["policy"] is not None:
        args["PolicyDocument"] = json.dumps(want["policy"], sort_keys=True)
    if want["endpoint_type"] == "Interface":
        # AWS turns private DNS on by default for AWS services: always say what is wanted.
        args["PrivateDnsEnabled"] = want["private_dns_enabled"]
    if want["dns_record_ip_type"]:
        args["DnsOptions"] = {"DnsRecordIpType": want["dns_record_ip_type"]}
    if want["ip_address_type"]:
        args["IpAddressType"] = want["ip_address_type"]
    return args


def client_token(topology: str, want: dict, args: dict, deleted_ids=()) -> str:
    """Deterministic ClientToken from the natural key and the create arguments.

    Endpoints of the same identity deleted earlier salt the token, so that re-creating after a delete is
    not answered with the deleted endpoint by EC2's idempotency memory.
    """
    seed = json.dumps({"topology": topology, "vpc": want["vpc_id"], "service": want["service_name"],
                       "name": want["name"], "args": args, "deleted": sorted(deleted_ids)}, sort_keys=True)
    return hashlib.sha256(seed.encode()).hexdigest()[:64]


# --- manager ---------------------------------------------------------------------------------------

class VpcEndpointManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.warnings: list = []

    def _result(self, before, after):
        extra = {"warnings": self.warnings} if self.warnings else {}
        return self.changes.result("vpc_endpoint", before, after, **extra)

    def ensure(self) -> dict:
        want = normalize(self.p)
        candidates = find_by_name(self.conn, want["vpc_id"], want["service_name"], want["name"])
        live = [e for e in candidates if e.get("State") not in GONE]
        mine = [e for e in live if is_managed(tag_list_to_dict(e.get("Tags")), self.p["topology"])]
        if len(mine) > 1:
            raise ConflictError(f"name: {len(mine)} managed endpoints named {want['name']!r} for "
                                f"{want['service_name']} in {want['vpc_id']}: "
                                f"{sorted(e['VpcEndpointId'] for e in mine)}. Fix: delete the extra ones.")
        have = mine[0] if mine else None
        if self.p["state"] == "absent":
            if have is None and live:
                self.warnings.append(f"endpoint {live[0]['VpcEndpointId']} is not managed by this collection "
                                     "for this topology; left in place")
            return self._absent(have)
        if have is None:
            deleted = [e["VpcEndpointId"] for e in candidates if e.get("State") in GONE]
            return self._create(want, deleted)
        return self._update(want, have)

    def _wait(self, ep_id: str, deleting: bool = False):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return get_endpoint(self.conn, ep_id) if not deleting else None
        if deleting:
            return wait_until(lambda: get_endpoint(self.conn, ep_id),
                              lambda ep: ep is None or ep.get("State") == "deleted",
                              f"deletion of VPC endpoint {ep_id}", self.p.get("wait_timeout", 600),
                              state_of=lambda ep: ep.get("State") if ep else "gone")
        return wait_until(lambda: get_endpoint(self.conn, ep_id),
                          lambda ep: ep is not None and ep.get("State") in SETTLED,
                          f"VPC endpoint {ep_id}", self.p.get("wait_timeout", 600),
                          failed=lambda ep: ep is not None and ep.get("State") in GONE,
                          state_of=lambda ep: ep.get("State") if ep else "not visible yet")

    def _create(self, want: dict, deleted_ids: list) -> dict:
        tags = desired_tags(self.p.get("tags"), self.p["topology"], want["name"])
        args = create_args(want, tags)
        args["ClientToken"] = client_token(self.p["topology"], want, args, deleted_ids)
        out = self.changes.do("create", f"vpc-endpoint/{want['name']}",
                              lambda: self.conn.call("ec2", "create_vpc_endpoint", **args),
                              endpoint_type=want["endpoint_type"], service_name=want["service_name"])
        if out is None:
            predicted = {"VpcEndpointId": None, "VpcId": want["vpc_id"], "ServiceName": want["service_name"],
                         "VpcEndpointType": want["endpoint_type"], "State": "available" if self.p.get(
                             "wait", True) else "pending", "SubnetIds": want["subnet_ids"] or [],
                         "Groups": [{"GroupId": g} for g in want["security_group_ids"] or []],
                         "RouteTableIds": want["route_table_ids"] or [],
                         "PolicyDocument": args.get("PolicyDocument") or json.dumps(
                             {"Version": "2008-10-17", "Statement": DEFAULT_STATEMENT}),
                         "PrivateDnsEnabled": want["private_dns_enabled"],
                         "DnsOptions": args.get("DnsOptions"), "IpAddressType": want["ip_address_type"],
                         "Tags": [{"Key": k, "Value": v} for k, v in tags.items()]}
            return self._result(None, describe(predicted))
        ep_id = out["VpcEndpoint"]["VpcEndpointId"]
        if out["VpcEndpoint"].get("State") in GONE:
            raise ConflictError(f"EC2 answered the create with endpoint {ep_id} in state "
                                f"{out['VpcEndpoint'].get('State')}. Fix: re-run once it is gone.")
        ep = self._wait(ep_id) or out["VpcEndpoint"]
        return self._result(None, describe(ep))

    def _update(self, want: dict, have: dict) -> dict:
        ep_id = have["VpcEndpointId"]
        if have.get("VpcEndpointType") != want["endpoint_type"]:
            raise ConflictError(f"endpoint_type: endpoint {ep_id} is {have.get('VpcEndpointType')}, not "
                                f"{want['endpoint_type']}; the type cannot change. Fix: set endpoint_type to "
                                f"{have.get('VpcEndpointType')}, or delete the endpoint first.")
        before = describe(have)
        mod = plan_modify(want, have)
        if mod:
            self.changes.do("modify", ep_id,
                            lambda: self.conn.call("ec2", "modify_vpc_endpoint", VpcEndpointId=ep_id, **mod),
                            **mod)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], want["name"])
        after_tags = reconcile_ec2_tags(self.conn, self.changes, ep_id, have.get("Tags"), tags,
                                        self.p.get("purge_tags", True))
        # An endpoint still pending (its creator stopped before waiting) is waited for like a new one.
        if self.changes.check_mode or (not self.changes.changed and have.get("State") in SETTLED):
            after = describe(apply_modify(have, mod))
            after["tags"] = after_tags
            return self._result(before, after)
        return self._result(before, describe(self._wait(ep_id)))

    def _absent(self, have) -> dict:
        if have is None:
            return self._result(None, None)
        ep_id = have["VpcEndpointId"]

        def delete():
            out = self.conn.call("ec2", "delete_vpc_endpoints", VpcEndpointIds=[ep_id])
            for item in (out or {}).get("Unsuccessful") or []:
                err = item.get("Error") or {}
                if err.get("Code") not in _NOT_FOUND:
                    raise ApiError("AWS ec2", "DeleteVpcEndpoints", err.get("Code", "Unknown"),
                                   err.get("Message", ""), hint="see the error above; re-run once it is fixed")
            return out

        self.changes.do("delete", ep_id, delete)
        if not self.changes.check_mode:
            self._wait(ep_id, deleting=True)
        return self._result(describe(have), None)


def read_endpoints(conn, p: dict) -> list:
    """Info items: by ids, VPC, service name, names and raw filters."""
    filters = []
    if p.get("vpc_id"):
        filters.append({"Name": "vpc-id", "Values": [check_id(p["vpc_id"], "vpc", "vpc_id")]})
    if p.get("service_name"):
        filters.append({"Name": "service-name", "Values": [p["service_name"]]})
    if p.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(p["names"])})
    for key, value in sorted((p.get("filters") or {}).items()):
        filters.append({"Name": str(key), "Values": [str(v) for v in (value if isinstance(value, list) else [value])]})
    ids = [check_id(v, "vpce", f"vpc_endpoint_ids[{i}]") for i, v in enumerate(p.get("vpc_endpoint_ids") or [])]
    found = describe_endpoints(conn, endpoint_ids=ids or None, filters=filters or None)
    if not p.get("include_deleted"):
        found = [e for e in found if e.get("State") not in ("deleted", "deleting")]
    return [describe(e) for e in sorted(found, key=lambda e: e["VpcEndpointId"])]
