"""Flow logs as AWS creates them: Transit Gateway resource types, S3 subfolders, S3 destination options.

AWS (Transit Gateway Flow Logs, "Create and manage ... using APIs or the CLI"; EC2 API CreateFlowLogs):

* ``ResourceType`` ``TransitGateway`` and ``TransitGatewayAttachment``: the resource must exist
  (``InvalidTransitGatewayID.NotFound`` / ``InvalidTransitGatewayAttachmentID.NotFound``);
  ``TrafficType`` must not be given (an error is returned); ``MaxAggregationInterval`` defaults to 60
  and 60 is the only accepted value; without ``LogFormat`` the record holds every transit gateway
  field. moto accepts any id, defaults the interval to 600 and gives the VPC default format.
* An S3 ``LogDestination`` may name a subfolder (``arn:aws:s3:::bucket/prefix/``); the bucket is the
  part before the first ``/``. moto looks up ``bucket/prefix/`` as a bucket name and answers
  ``Unsuccessful`` ("does not exist").
* S3 flow logs carry ``DestinationOptions`` (``FileFormat`` plain-text|parquet,
  ``HiveCompatiblePartitions``, ``PerHourPartition``; defaults plain-text, false, false) and return
  them in DescribeFlowLogs. moto drops them.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import FlowLogAlreadyExists
from moto.ec2.models import validate_resource_ids
from moto.ec2.models.flow_logs import FlowLogs, FlowLogsBackend
from moto.ec2.responses import EC2Response
from moto.ec2.utils import random_flow_log_id

from ._common import AwsError, wrap

TGW_TYPES = ("TransitGateway", "TransitGatewayAttachment")
# Every transit gateway flow log field, in the order of the documented record (version 6).
TGW_DEFAULT_FORMAT = " ".join(
    "${" + f + "}"
    for f in (
        "version", "resource-type", "account-id", "tgw-id", "tgw-attachment-id", "tgw-src-vpc-account-id",
        "tgw-dst-vpc-account-id", "tgw-src-vpc-id", "tgw-dst-vpc-id", "tgw-src-subnet-id", "tgw-dst-subnet-id",
        "tgw-src-eni", "tgw-dst-eni", "tgw-src-az-id", "tgw-dst-az-id", "tgw-pair-attachment-id", "srcaddr",
        "dstaddr", "srcport", "dstport", "protocol", "packets", "bytes", "start", "end", "log-status", "type",
        "packets-lost-no-route", "packets-lost-blackhole", "packets-lost-mtu-exceeded", "packets-lost-ttl-expired",
        "tcp-flags", "region", "flow-direction", "pkt-src-aws-service", "pkt-dst-aws-service",
    )
)
VPC_DEFAULT_FORMAT = (
    "${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} "
    "${packets} ${bytes} ${start} ${end} ${action} ${log-status}"
)
FILE_FORMATS = ("plain-text", "parquet")


def _bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    return str(value).lower() == "true"


def destination_options(raw: Any) -> dict[str, Any]:
    """DestinationOptions of an S3 flow log with AWS's defaults; bad values answer InvalidParameter."""
    raw = raw if isinstance(raw, dict) else {}
    file_format = raw.get("FileFormat") or "plain-text"
    if file_format not in FILE_FORMATS:
        raise AwsError("InvalidParameter", f"Invalid FileFormat {file_format}; use plain-text or parquet.")
    return {
        "FileFormat": file_format,
        "HiveCompatiblePartitions": _bool(raw.get("HiveCompatiblePartitions")),
        "PerHourPartition": _bool(raw.get("PerHourPartition")),
    }


def _check_resource(backend: Any, resource_type: str, resource_id: str) -> None:
    if resource_type == "TransitGateway":
        tgw = backend.transit_gateways.get(resource_id)
        if tgw is None or tgw.state == "deleted":
            raise AwsError("InvalidTransitGatewayID.NotFound",
                           f"Transit Gateway {resource_id} was deleted or does not exist.")
    elif resource_type == "TransitGatewayAttachment":
        att = backend.transit_gateway_attachments.get(resource_id)
        if att is None or att.state == "deleted":
            raise AwsError("InvalidTransitGatewayAttachmentID.NotFound",
                           f"Transit Gateway Attachment {resource_id} was deleted or does not exist.")
    elif resource_type == "VPC":
        backend.get_vpc(resource_id)
    elif resource_type == "Subnet":
        backend.get_subnet(resource_id)
    elif resource_type == "NetworkInterface":
        backend.get_network_interface(resource_id)


def _s3_missing(backend: Any, log_destination: str) -> str | None:
    """The bucket name when the bucket of an S3 destination (ARN, optional subfolder) does not exist."""
    from moto.s3.exceptions import MissingBucket
    from moto.s3.models import s3_backends

    bucket = log_destination.split(":", 5)[5].split("/", 1)[0]
    try:
        s3_backends[backend.account_id][backend.partition].get_bucket(bucket)
    except MissingBucket:
        return bucket
    return None


def _log_group_exists(backend: Any, log_group_name: str | None, log_destination: str | None) -> bool:
    from moto.logs.exceptions import ResourceNotFoundException
    from moto.logs.models import logs_backends

    name = log_group_name
    if not name and log_destination:
        name = log_destination.split(":log-group:", 1)[-1].removesuffix(":*")
    try:
        logs_backends[backend.account_id][backend.region_name].list_tags_log_group(name)
    except ResourceNotFoundException:
        return False
    return True


def create_flow_logs(self: Any, resource_type: str, resource_ids: list[str], traffic_type: str | None,
                     deliver_logs_permission_arn: str | None, log_destination_type: str | None,
                     log_destination: str | None, log_group_name: str | None, log_format: str | None,
                     max_aggregation_interval: int | None, options: dict | None = None):
    """FlowLogsBackend.create_flow_logs with the transit gateway rules and S3 subfolders of AWS."""
    tgw = resource_type in TGW_TYPES
    if tgw and traffic_type:
        raise AwsError("InvalidParameter", "TrafficType is not supported for transit gateway resource types.")
    if tgw and max_aggregation_interval not in (None, 60):
        raise AwsError("InvalidParameter",
                       "MaxAggregationInterval must be 60 seconds for transit gateway resource types.")
    interval = 600 if max_aggregation_interval is None and not tgw else (max_aggregation_interval or 60)
    destination_type = log_destination_type or "cloud-watch-logs"
    fmt = log_format or (TGW_DEFAULT_FORMAT if tgw else VPC_DEFAULT_FORMAT)
    self._validate_request(log_group_name, log_destination, destination_type, interval, deliver_logs_permission_arn)
    if destination_type != "s3" and options:
        raise AwsError("InvalidParameter", "DestinationOptions is only supported for the s3 destination type.")
    created, unsuccessful = [], []
    for resource_id in resource_ids:
        _check_resource(self, resource_type, resource_id)
        status, message = "SUCCESS", None
        if destination_type == "s3":
            missing = _s3_missing(self, log_destination)
            if missing:
                unsuccessful.append((resource_id, "400", f"LogDestination: {missing} does not exist."))
                continue
        elif destination_type == "cloud-watch-logs" and not _log_group_exists(self, log_group_name, log_destination):
            # AWS accepts a missing group and reports the failed delivery afterwards.
            status, message = "FAILED", "Access error"
        if any((fl.resource_id, fl.log_group_name, fl.log_destination) == (resource_id, log_group_name, log_destination)
               for fl in self.describe_flow_logs()):
            raise FlowLogAlreadyExists()
        flow_log = FlowLogs(self, random_flow_log_id(), resource_id, traffic_type, log_destination, log_group_name,
                            deliver_logs_permission_arn, interval, destination_type, fmt, status, message)
        if destination_type == "s3":
            flow_log.destination_options = destination_options(options)
        self.flow_logs[flow_log.id] = flow_log
        created.append(flow_log)
    return created, unsuccessful


def _create_response(_original: Any) -> Any:
    def create_flow_logs_response(self: Any) -> ActionResult:
        resource_ids = self._get_param("ResourceIds", [])
        validate_resource_ids(resource_ids)
        tags = self._parse_tag_specification().get("vpc-flow-log", {})
        self.error_on_dryrun()
        flow_logs, errors = self.ec2_backend.create_flow_logs(
            resource_type=self._get_param("ResourceType"),
            resource_ids=resource_ids,
            traffic_type=self._get_param("TrafficType"),
            deliver_logs_permission_arn=self._get_param("DeliverLogsPermissionArn"),
            log_destination_type=self._get_param("LogDestinationType"),
            log_destination=self._get_param("LogDestination"),
            log_group_name=self._get_param("LogGroupName"),
            log_format=self._get_param("LogFormat"),
            max_aggregation_interval=self._get_int_param("MaxAggregationInterval"),
            options=self._get_param("DestinationOptions"),
        )
        for fl in flow_logs:
            fl.add_tags(tags)
        return ActionResult({
            "FlowLogIds": [fl.id for fl in flow_logs],
            "Unsuccessful": [{"ResourceId": rid, "Error": {"Code": code, "Message": msg}}
                             for rid, code, msg in errors],
        })

    return create_flow_logs_response


def apply(settings: dict[str, Any]) -> None:
    FlowLogs.destination_options = None
    wrap(FlowLogsBackend, "create_flow_logs", lambda _original: create_flow_logs)
    wrap(EC2Response, "create_flow_logs", _create_response)
