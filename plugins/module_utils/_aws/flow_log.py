# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""VPC and Transit Gateway flow logs: wrappers, normalisers and the manager that reconciles one flow log.

AWS has no call that modifies a flow log's destination, format, interval or traffic type: a change
replaces the flow log (the new one is created first; when AWS refuses a second flow log with the same
destination, the old one is deleted first). Only flow logs tagged as managed for the topology and
named by the caller are replaced or deleted; other flow logs on the same resource are left alone.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid

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
    check_id,
    tag_list_to_dict,
)

_NOT_FOUND = ("InvalidFlowLogId.NotFound",)
ID_PREFIX = {"VPC": "vpc", "TransitGateway": "tgw", "TransitGatewayAttachment": "tgw-attach"}
TGW_TYPES = ("TransitGateway", "TransitGatewayAttachment")
DEFAULT_OPTIONS = {"file_format": "plain-text", "hive_compatible_partitions": False, "per_hour_partition": False}
_S3_ARN = re.compile(r"arn:aws[a-z-]*:s3:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(/[^\s]*)?")
_LOGS_ARN = re.compile(r"arn:aws[a-z-]*:logs:[a-z0-9-]+:\d{12}:log-group:([\w./#-]{1,512})(:\*)?")
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}")
_LOG_GROUP = re.compile(r"[\w./#-]{1,512}")
_FORMAT = re.compile(r"\$\{[a-z0-9-]+\}( \$\{[a-z0-9-]+\})*")


# --- wrappers: one per SDK call -------------------------------------------------------------------

def describe_flow_logs(conn, flow_log_ids=None, filters=None) -> list:
    kwargs = {}
    if flow_log_ids:
        kwargs["FlowLogIds"] = list(flow_log_ids)
    if filters:
        kwargs["Filters"] = filters
    return conn.paginate("ec2", "describe_flow_logs", "FlowLogs", not_found=_NOT_FOUND, **kwargs)


def create_flow_logs(conn, args: dict) -> dict:
    return conn.call("ec2", "create_flow_logs", **args)


def delete_flow_logs(conn, flow_log_id: str) -> dict | None:
    return conn.call("ec2", "delete_flow_logs", not_found=_NOT_FOUND, FlowLogIds=[flow_log_id])


# --- normalisation ---------------------------------------------------------------------------------

def resource_type_of(resource_id: str | None) -> str | None:
    """The CreateFlowLogs resource type of an id (DescribeFlowLogs does not return it)."""
    rid = resource_id or ""
    if rid.startswith("tgw-attach-"):
        return "TransitGatewayAttachment"
    if rid.startswith("tgw-"):
        return "TransitGateway"
    for kind, prefix in (("VPC", "vpc-"), ("Subnet", "subnet-"), ("NetworkInterface", "eni-")):
        if rid.startswith(prefix):
            return kind
    return None


def log_group_of(destination: str | None, log_group_name: str | None = None) -> str | None:
    if log_group_name:
        return log_group_name
    match = _LOGS_ARN.fullmatch(destination or "")
    return match.group(1) if match else None


def normalize(p: dict) -> dict:
    """The wanted flow log from module parameters; every mistake named before any API call."""
    kind = p["resource_type"]
    check_id(p.get("resource_id"), ID_PREFIX[kind], "resource_id")
    tgw = kind in TGW_TYPES
    dest_type, dest = p["destination_type"], (p.get("destination") or "").strip()
    want = {"resource_type": kind, "resource_id": p["resource_id"], "destination_type": dest_type}
    if dest_type == "s3":
        match = _S3_ARN.fullmatch(dest)
        if not match:
            raise ValidationError("destination", dest, "is not an S3 bucket ARN",
                                  "use arn:aws:s3:::<bucket> or arn:aws:s3:::<bucket>/<prefix>/")
        if re.search(r"(^|/)AWSLogs(/|$)", match.group(2) or ""):
            raise ValidationError("destination", dest, "uses AWSLogs as a subfolder name, which AWS reserves",
                                  "choose another prefix")
        if p.get("deliver_logs_permission_arn"):
            raise ValidationError("deliver_logs_permission_arn", p["deliver_logs_permission_arn"],
                                  "applies to CloudWatch Logs only; S3 delivery is authorized by the bucket policy",
                                  "leave it unset for destination_type=s3")
        want["destination"] = dest
        options = dict(DEFAULT_OPTIONS)
        options.update({k: v for k, v in (p.get("destination_options") or {}).items() if v is not None})
        want["destination_options"] = options
    else:
        if not (_LOGS_ARN.fullmatch(dest) or _LOG_GROUP.fullmatch(dest)):
            raise ValidationError("destination", dest, "is neither a log group name nor a log group ARN",
                                  "use a name such as /network/flow-logs or arn:aws:logs:<region>:<account>:"
                                  "log-group:<name>")
        role = p.get("deliver_logs_permission_arn") or ""
        if not _ROLE_ARN.fullmatch(role):
            raise ValidationError("deliver_logs_permission_arn", role or None,
                                  "must be the ARN of the IAM role that publishes to CloudWatch Logs",
                                  "create a role trusted by vpc-flow-logs.amazonaws.com and give its ARN")
        if p.get("destination_options"):
            raise ValidationError("destination_options", p["destination_options"], "applies to S3 only",
                                  "remove it, or use destination_type=s3")
        want["destination"] = log_group_of(dest) or dest
        want["deliver_logs_permission_arn"] = role
    if tgw:
        if p.get("traffic_type"):
            raise ValidationError("traffic_type", p["traffic_type"],
                                  "is not accepted for transit gateway flow logs (AWS logs every flow)",
                                  "leave traffic_type unset")
        interval = p.get("max_aggregation_interval") or 60
        if interval != 60:
            raise ValidationError("max_aggregation_interval", interval,
                                  "must be 60 for transit gateway flow logs", "set 60 or leave it unset")
    else:
        want["traffic_type"] = p.get("traffic_type") or "ALL"
        interval = p.get("max_aggregation_interval") or 600
    want["max_aggregation_interval"] = interval
    fmt = " ".join((p.get("log_format") or "").split())
    if fmt and not _FORMAT.fullmatch(fmt):
        raise ValidationError("log_format", p["log_format"], "is not a list of ${field} names separated by spaces",
                              "use for example '${version} ${srcaddr} ${dstaddr} ${dstport} ${action}'")
    want["log_format"] = fmt or None
    return want


def describe(fl: dict | None) -> dict | None:
    if fl is None:
        return None
    dest_type = fl.get("LogDestinationType") or "cloud-watch-logs"
    opts = fl.get("DestinationOptions") or {}
    return {
        "flow_log_id": fl["FlowLogId"],
        "name": tag_list_to_dict(fl.get("Tags")).get("Name"),
        "resource_id": fl.get("ResourceId"),
        "resource_type": resource_type_of(fl.get("ResourceId")),
        "traffic_type": fl.get("TrafficType"),
        "destination_type": dest_type,
        "destination": (log_group_of(fl.get("LogDestination"), fl.get("LogGroupName"))
                        if dest_type == "cloud-watch-logs" else fl.get("LogDestination")),
        "deliver_logs_permission_arn": fl.get("DeliverLogsPermissionArn"),
        "destination_options": ({"file_format": opts.get("FileFormat", "plain-text"),
                                 "hive_compatible_partitions": bool(opts.get("HiveCompatiblePartitions")),
                                 "per_hour_partition": bool(opts.get("PerHourPartition"))}
                                if dest_type == "s3" else None),
        "log_format": fl.get("LogFormat"),
        "max_aggregation_interval": fl.get("MaxAggregationInterval"),
        "flow_log_status": fl.get("FlowLogStatus"),
        "deliver_logs_status": fl.get("DeliverLogsStatus"),
        "deliver_logs_error_message": fl.get("DeliverLogsErrorMessage"),
        "tags": tag_list_to_dict(fl.get("Tags")),
    }


def differences(have: dict, want: dict) -> list[str]:
    """Attributes of ``have`` (describe() form) that differ from ``want``; a log format unset is not compared."""
    out = []
    for key in ("destination_type", "destination", "traffic_type", "max_aggregation_interval",
                "deliver_logs_permission_arn", "destination_options"):
        if key in want and have.get(key) != want[key]:
            out.append(key)
    if want.get("log_format") and " ".join((have.get("log_format") or "").split()) != want["log_format"]:
        out.append("log_format")
    return out


def create_args(want: dict, tags: dict) -> dict:
    args = {"ResourceType": want["resource_type"], "ResourceIds": [want["resource_id"]],
            "LogDestinationType": want["destination_type"],
            "MaxAggregationInterval": want["max_aggregation_interval"],
            "TagSpecifications": tag_specification("vpc-flow-log", tags)}
    if want["destination_type"] == "s3":
        args["LogDestination"] = want["destination"]
        o = want["destination_options"]
        args["DestinationOptions"] = {"FileFormat": o["file_format"],
                                      "HiveCompatiblePartitions": bool(o["hive_compatible_partitions"]),
                                      "PerHourPartition": bool(o["per_hour_partition"])}
    else:
        args["LogGroupName"] = want["destination"]
        args["DeliverLogsPermissionArn"] = want["deliver_logs_permission_arn"]
    if want.get("traffic_type"):
        args["TrafficType"] = want["traffic_type"]
    if want.get("log_format"):
        args["LogFormat"] = want["log_format"]
    return args


def client_token(topology: str, name: str, want: dict) -> str:
    """Deterministic per topology, name and configuration, so a retried create makes one flow log."""
    fingerprint = json.dumps(want, sort_keys=True)
    return hashlib.sha256(f"{topology}/{name}/{fingerprint}".encode()).hexdigest()[:64]


def predicted(want: dict, name: str, tags: dict) -> dict:
    """The result shape of a flow log about to be created (check mode)."""
    return {"flow_log_id": None, "name": name, "resource_id": want["resource_id"],
            "resource_type": want["resource_type"], "traffic_type": want.get("traffic_type"),
            "destination_type": want["destination_type"], "destination": want["destination"],
            "deliver_logs_permission_arn": want.get("deliver_logs_permission_arn"),
            "destination_options": want.get("destination_options"), "log_format": want.get("log_format"),
            "max_aggregation_interval": want["max_aggregation_interval"], "flow_log_status": "ACTIVE",
            "deliver_logs_status": None, "deliver_logs_error_message": None, "tags": tags}


# --- manager ---------------------------------------------------------------------------------------

class FlowLogManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _ours(self, resource_id: str) -> tuple[list, list]:
        """(managed flow logs of this name on the resource, every other flow log on it)."""
        found = describe_flow_logs(self.conn, filters=[{"Name": "resource-id", "Values": [resource_id]}])
        ours, others = [], []
        for fl in found:
            tags = tag_list_to_dict(fl.get("Tags"))
            mine = is_managed(tags, self.p["topology"]) and tags.get("Name") == self.p["name"]
            (ours if mine else others).append(fl)
        return sorted(ours, key=lambda f: f["FlowLogId"]), others

    def ensure(self) -> dict:
        check_id(self.p.get("resource_id"), ID_PREFIX[self.p["resource_type"]], "resource_id")
        want = normalize(self.p) if self.p["state"] == "present" else None
        ours, others = self._ours(self.p["resource_id"])
        if want is None:
            return self._absent(ours)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        keep = next((fl for fl in ours if not differences(describe(fl), want)), None)
        stale = [fl for fl in ours if fl is not keep]
        before = describe(ours[0]) if ours else None
        if keep is None:
            after = self._create(want, tags, stale, others)
        else:
            after = describe(keep)
            after["tags"] = reconcile_ec2_tags(self.conn, self.changes, keep["FlowLogId"], keep.get("Tags"), tags,
                                               self.p.get("purge_tags", True))
        for fl in list(stale):
            self._delete(fl, "replaced" if keep is None else "duplicate")
        return self.changes.result("flow_log", before, after)

    def _create(self, want: dict, tags: dict, stale: list, others: list) -> dict:
        args = create_args(want, tags)
        args["ClientToken"] = client_token(self.p["topology"], self.p["name"], want)
        reason = ",".join(differences(describe(stale[0]), want)) if stale else None
        out = self.changes.do("create", f"flow-log/{self.p['name']}", lambda: self._create_call(args, stale, others),
                              resource_id=want["resource_id"], destination=want["destination"], replaces=reason)
        if out is None:
            return predicted(want, self.p["name"], tags)
        found = describe_flow_logs(self.conn, flow_log_ids=[out])
        return describe(found[0]) if found else dict(predicted(want, self.p["name"], tags), flow_log_id=out)

    def _create_call(self, args: dict, stale: list, others: list) -> str:
        """Create; returns the new id. A token AWS remembers from a deleted flow log gets a fresh one."""
        try:
            flow_log_id = self._create_once(args)
        except ApiError as err:
            if err.code != "FlowLogAlreadyExists":
                raise
            same = [fl for fl in stale if self._same_destination(fl, args)]
            if not same:
                foreign = [fl["FlowLogId"] for fl in others if self._same_destination(fl, args)]
                raise ConflictError(
                    f"resource_id: {args['ResourceIds'][0]} already has flow log(s) {', '.join(foreign) or '?'} "
                    "to this destination that the collection does not manage. Fix: use another destination "
                    "(or prefix), or remove that flow log yourself.") from None
            # AWS refuses a second flow log to the same destination: replace break-before-make.
            for fl in same:
                stale.remove(fl)
                self._delete(fl, "replaced")
            flow_log_id = self._create_once(args)
        return flow_log_id

    def _create_once(self, args: dict) -> str:
        out = create_flow_logs(self.conn, args)
        self._raise_unsuccessful(out)
        flow_log_id = (out.get("FlowLogIds") or [None])[0]
        if flow_log_id and describe_flow_logs(self.conn, flow_log_ids=[flow_log_id]):
            return flow_log_id
        fresh = hashlib.sha256(f"{args['ClientToken']}/{uuid.uuid4()}".encode()).hexdigest()[:64]
        out = create_flow_logs(self.conn, dict(args, ClientToken=fresh))
        self._raise_unsuccessful(out)
        return out["FlowLogIds"][0]

    @staticmethod
    def _same_destination(fl: dict, args: dict) -> bool:
        if args["LogDestinationType"] == "s3":
            return fl.get("LogDestination") == args["LogDestination"]
        return log_group_of(fl.get("LogDestination"), fl.get("LogGroupName")) == args["LogGroupName"]

    @staticmethod
    def _raise_unsuccessful(out: dict):
        for item in out.get("Unsuccessful") or []:
            error = item.get("Error") or {}
            raise ApiError("AWS ec2", "CreateFlowLogs", error.get("Code") or "Unsuccessful",
                           f"{item.get('ResourceId')}: {error.get('Message')}",
                           hint="check that the destination exists and that its policy lets "
                                "delivery.logs.amazonaws.com write to it")

    def _delete(self, fl: dict, reason: str | None = None):
        self.changes.do("delete", fl["FlowLogId"], lambda: self._delete_call(fl["FlowLogId"]), reason=reason)

    def _delete_call(self, flow_log_id: str):
        out = delete_flow_logs(self.conn, flow_log_id) or {}
        for item in out.get("Unsuccessful") or []:
            error = item.get("Error") or {}
            if error.get("Code") not in _NOT_FOUND:
                raise ApiError("AWS ec2", "DeleteFlowLogs", error.get("Code") or "Unsuccessful",
                               f"{flow_log_id}: {error.get('Message')}")
        return out

    def _absent(self, ours: list) -> dict:
        before = describe(ours[0]) if ours else None
        for fl in ours:
            self._delete(fl)
        return self.changes.result("flow_log", before, None)


def gather(conn, params: dict) -> list:
    """Flow logs by id, resource id or Name tag (all when none given), in the module's result form."""
    filters = []
    if params.get("resource_ids"):
        filters.append({"Name": "resource-id", "Values": list(params["resource_ids"])})
    if params.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(params["names"])})
    found = describe_flow_logs(conn, flow_log_ids=params.get("flow_log_ids") or None, filters=filters or None)
    out = []
    for fl in sorted(found, key=lambda f: f["FlowLogId"]):
        if params.get("managed_only") and not is_managed(tag_list_to_dict(fl.get("Tags")), params.get("topology")):
            continue
        out.append(describe(fl))
    return out
