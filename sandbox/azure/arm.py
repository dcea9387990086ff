"""Generic Azure Resource Manager engine: path parsing, CRUD, long-running operations, etags, paging.

Every resource type is one row of the table in :mod:`sandbox.azure.resources`; this module knows
nothing about virtual networks or DNS, only about the ARM wire protocol and the three flavours of
long-running operation seen on the types we serve:

- ``network`` (Microsoft.Network core RP): PUT answers 201/200 with the body in ``Updating`` and an
  ``Azure-AsyncOperation`` URL under ``/providers/Microsoft.Network/locations/{loc}/operations``;
  DELETE answers 202 with ``Azure-AsyncOperation`` and ``Location``; weak etags ``W/"guid"``.
- ``privatedns``: PUT/PATCH/DELETE answer 202 with no body and resource-group-scoped
  ``privateDnsOperationStatuses`` / ``privateDnsOperationResults`` URLs; bare GUID etags.
- ``dnsresolver``: like ``network`` with ``Creating``/``Updating`` states and quoted etags; types
  marked ``sync`` (forwarding rules) answer PUT and DELETE synchronously.
"""

from __future__ import annotations

import copy
import itertools
import json
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from . import schema

RESOURCE_GROUP_API_VERSIONS = (
    "2016-09-01",
    "2017-05-10",
    "2018-05-01",
    "2019-05-01",
    "2019-07-01",
    "2019-08-01",
    "2019-10-01",
    "2020-06-01",
    "2020-10-01",
    "2021-01-01",
    "2021-04-01",
    "2022-09-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-01-01",
    "2025-03-01",
    "2025-04-01",
)

REGIONS = (
    "eastus",
    "eastus2",
    "westus",
    "westus2",
    "westus3",
    "centralus",
    "northcentralus",
    "southcentralus",
    "westcentralus",
    "canadacentral",
    "canadaeast",
    "brazilsouth",
    "northeurope",
    "westeurope",
    "uksouth",
    "ukwest",
    "francecentral",
    "germanywestcentral",
    "switzerlandnorth",
    "norwayeast",
    "swedencentral",
    "polandcentral",
    "italynorth",
    "spaincentral",
    "uaenorth",
    "southafricanorth",
    "centralindia",
    "southindia",
    "eastasia",
    "southeastasia",
    "japaneast",
    "japanwest",
    "koreacentral",
    "australiaeast",
    "australiasoutheast",
)


class ArmError(Exception):
    def __init__(
        self, status: int, code: str, message: str, details: list | None = None, headers: dict | None = None
    ):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.details:
            error["details"] = self.details
        return {"error": error}


@dataclass
class Response:
    status: int
    body: object = None
    headers: dict = field(default_factory=dict)


@dataclass(eq=False)
class ResourceType:
    """One row of the type table. ``path`` is the chain of type segments under the namespace."""

    namespace: str
    path: tuple[str, ...]
    model: object
    flavor: str  # network | privatedns | dnsresolver
    api_versions: tuple[str, ...]
    locations: tuple[str, ...] = REGIONS
    sync: bool = False  # PUT/DELETE answered synchronously
    embed: str | None = None  # parent's properties.<embed> lists these children
    embed_absent_deletes: bool = True  # parent PUT without the list deletes the children
    patch_lro: bool = False
    defaults: Callable | None = None  # (engine, rec_id, body, old_body) -> None, fill read-only props
    validate: Callable | None = None  # (engine, rec_id, body, old_body) -> None, raise ArmError
    before_delete: Callable | None = None  # (engine, record) -> None, raise ArmError when in use
    after_write: Callable | None = None  # (engine, record) -> None, side effects on other records
    after_delete: Callable | None = None  # (engine, record) -> None
    render: Callable | None = None  # (engine, record, body) -> None, computed read-only props
    actions: dict = field(default_factory=dict)  # trailing segment -> handler(engine, req, record)
    deletable: bool = True  # False: only goes away with its parent (a zone's SOA record set)
    aggregate: bool = False  # list-only pseudo type over siblings with the same model (record sets "ALL")

    @property
    def full_type(self) -> str:
        return "/".join((self.namespace,) + self.path)

    @property
    def is_child(self) -> bool:
        return len(self.path) > 1

    @property
    def schema(self) -> dict:
        return schema.model_schema(self.model)


@dataclass
class Record:
    id: str
    rtype: ResourceType
    body: dict
    etag: str
    parent_id: str | None
    rg_key: str
    state: str = "Succeeded"
    created: float = field(default_factory=time.time)
    written: float = field(default_factory=time.time)
    op: Operation | None = None
    secret: dict = field(default_factory=dict)  # write-only values (shared keys)

    @property
    def name(self) -> str:
        return self.id.rsplit("/", 1)[1]


@dataclass
class Operation:
    id: str
    kind: str  # put | delete | patch | action
    record_id: str
    rtype: ResourceType
    sub: str
    rg: str
    location: str
    api_version: str
    done_at: float
    fail: dict | None = None
    status: str = "InProgress"
    result: object = None
    finalize: Callable | None = None


@dataclass
class Request:
    method: str
    path: str
    query: dict
    headers: dict  # lower-cased names
    body: bytes
    base_url: str

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


def new_etag(flavor: str) -> str:
    guid = str(uuid.uuid4())
    if flavor == "network":
        return f'W/"{guid}"'
    if flavor == "dnsresolver":
        return f'"{guid[:8]}-0000-0800-0000-{guid[-12:]}"'
    return guid


def _etag_core(value: str) -> str:
    value = value.strip()
    if value.startswith("W/"):
        value = value[2:]
    return value.strip('"')


class Engine:
    """State and protocol. Thread-safe through one re-entrant lock."""

    def __init__(
        self,
        types: list[ResourceType],
        subscriptions: list[str],
        tenant_id: str,
        options: dict,
        faults,
        calls,
    ):
        self.types = types
        self.subscriptions = {s.lower(): s for s in subscriptions}
        self.tenant_id = tenant_id
        self.options = options
        self.faults = faults
        self.calls = calls
        self.lock = threading.RLock()
        self.records: dict[str, Record] = {}
        self.groups: dict[str, dict] = {}
        self.operations: dict[str, Operation] = {}
        self.schema_violations: list[dict] = []
        self.group_jobs: set[str] = set()
        self.pending: dict[str, dict] = {}  # parent bodies being written (children validate against them)
        self.counter = itertools.count(1)
        self._by_path = {tuple(p.lower() for p in t.path): t for t in types}

    # -- options ---------------------------------------------------------------------------------

    def lro_seconds(self, rtype: ResourceType) -> float:
        table = self.options.get("lro_seconds") or {}
        for key in (rtype.full_type, rtype.full_type.lower(), "*"):
            if key in table:
                return float(table[key])
        return 0.0

    @property
    def retry_after(self) -> int | None:
        value = self.options.get("retry_after", 1)
        return None if value is None else int(value)

    @property
    def page_size(self) -> int:
        return int(self.options.get("page_size", 100))

    # -- ids -------------------------------------------------------------------------------------

    def type_for(self, segments: list[str]) -> ResourceType | None:
        return self._by_path.get(tuple(s.lower() for s in segments))

    @staticmethod
    def rg_id(sub: str, rg: str) -> str:
        return f"/subscriptions/{sub}/resourceGroups/{rg}"

    def make_id(self, sub: str, rg: str, rtype: ResourceType, names: list[str]) -> str:
        rid = f"{self.rg_id(sub, rg)}/providers/{rtype.namespace}"
        for seg, name in zip(rtype.path, names):
            rid += f"/{seg}/{name}"
        return rid

    def get(self, rid: str | None) -> Record | None:
        if not rid:
            return None
        with self.lock:
            rec = self.records.get(rid.lower())
            if rec is not None:
                self.settle(rec)
                rec = self.records.get(rid.lower())
            return rec

    def children(self, parent_id: str, rtype: ResourceType | None = None) -> list[Record]:
        key = parent_id.lower()
        return [
            r
            for r in list(self.records.values())
            if r.parent_id and r.parent_id.lower() == key and (rtype is None or r.rtype is rtype)
        ]

    def of_type(self, full_type: str) -> list[Record]:
        return [r for r in list(self.records.values()) if r.rtype.full_type.lower() == full_type.lower()]

    def group(self, sub: str, rg: str) -> dict | None:
        return self.groups.get(f"{sub}/{rg}".lower())

    # -- operations ------------------------------------------------------------------------------

    def settle(self, rec: Record) -> None:
        if rec.op is not None:
            self.settle_op(rec.op)

    def settle_op(self, op: Operation) -> None:
        with self.lock:
            if op.status != "InProgress" or time.time() < op.done_at:
                return
            rec = self.records.get(op.record_id.lower())
            if op.fail:
                op.status = "Failed"
                if rec is not None:
                    rec.state = "Failed"
                    rec.op = None
                return
            op.status = "Succeeded"
            if op.kind == "delete":
                if rec is not None:
                    self._remove(rec)
            elif rec is not None:
                rec.state = "Succeeded"
                rec.op = None
            if op.finalize:
                op.finalize()

    def start_op(
        self,
        kind: str,
        rec: Record,
        sub: str,
        rg: str,
        api_version: str,
        fail: dict | None,
        finalize: Callable | None = None,
    ) -> Operation:
        op = Operation(
            id=str(uuid.uuid4()),
            kind=kind,
            record_id=rec.id,
            rtype=rec.rtype,
            sub=sub,
            rg=rg,
            location=(rec.body.get("location") or self._inherited_location(rec) or "global"),
            api_version=api_version,
            done_at=time.time() + self.lro_seconds(rec.rtype),
            fail=fail,
            finalize=finalize,
        )
        self.operations[op.id] = op
        if kind != "action":
            rec.op = op
        return op

    def _inherited_location(self, rec: Record) -> str | None:
        parent = self.records.get((rec.parent_id or "").lower())
        return parent.body.get("location") if parent else None

    def op_urls(self, req: Request, op: Operation) -> tuple[str, str]:
        """(Azure-AsyncOperation, Location) URLs in the flavour of the operation's type."""
        query = urlencode({"api-version": op.api_version})
        if op.rtype.flavor == "privatedns":
            scope = f"{req.base_url}{self.rg_id(op.sub, op.rg)}/providers/Microsoft.Network"
            return (
                f"{scope}/privateDnsOperationStatuses/{op.id}?{query}",
                f"{scope}/privateDnsOperationResults/{op.id}?{query}",
            )
        status_kind = "dnsResolverOperationStatuses" if op.rtype.flavor == "dnsresolver" else "operations"
        result_kind = (
            "dnsResolverOperationResults" if op.rtype.flavor == "dnsresolver" else "operationResults"
        )
        scope = f"{req.base_url}/subscriptions/{op.sub}/providers/Microsoft.Network/locations/{op.location}"
        return f"{scope}/{status_kind}/{op.id}?{query}", f"{scope}/{result_kind}/{op.id}?{query}"

    def lro_headers(self, req: Request, op: Operation, location: bool) -> dict:
        status_url, result_url = self.op_urls(req, op)
        headers = {"Azure-AsyncOperation": status_url}
        if location:
            headers["Location"] = result_url
        if self.retry_after is not None:
            headers["Retry-After"] = str(self.retry_after)
        return headers

    def operation_status(self, req: Request, op_id: str) -> Response:
        with self.lock:
            op = self.operations.get(op_id)
            if op is None:
                raise ArmError(404, "NotFound", f"The operation '{op_id}' could not be found.")
            self.settle_op(op)
            body = {"status": op.status}
            if op.rtype.flavor != "network":
                body.update(
                    {
                        "id": req.path,
                        "name": op.id,
                        "startTime": _iso(op.done_at - self.lro_seconds(op.rtype)),
                    }
                )
                if op.status != "InProgress":
                    body["endTime"] = _iso(op.done_at)
            if op.status == "Failed":
                body["error"] = op.fail
            headers = {}
            if op.status == "InProgress" and self.retry_after is not None:
                headers["Retry-After"] = str(self.retry_after)
            return Response(200, body, headers)

    def operation_result(self, req: Request, op_id: str) -> Response:
        with self.lock:
            op = self.operations.get(op_id)
            if op is None:
                raise ArmError(404, "NotFound", f"The operation '{op_id}' could not be found.")
            self.settle_op(op)
            if op.status == "InProgress":
                _, result_url = self.op_urls(req, op)
                headers = {"Location": result_url}
                if self.retry_after is not None:
                    headers["Retry-After"] = str(self.retry_after)
                return Response(202, None, headers)
            if op.status == "Failed":
                raise ArmError(400, op.fail["code"], op.fail["message"])
            if op.kind == "delete":
                return Response(204 if op.rtype.flavor != "network" else 204)
            if op.result is not None:
                return Response(200, op.result)
            rec = self.records.get(op.record_id.lower())
            return Response(200, self.render(req, rec)) if rec else Response(204)

    # -- rendering -------------------------------------------------------------------------------

    def render(self, req: Request | None, rec: Record) -> dict:
        body = copy.deepcopy(rec.body)
        out = {"id": rec.id, "name": rec.name, "type": rec.rtype.full_type}
        if "etag" in rec.rtype.schema["fields"]:
            out["etag"] = rec.etag
        out.update({k: v for k, v in body.items() if k not in ("id", "name", "type", "etag")})
        props = out.setdefault("properties", {})
        if "provisioningState" in self._props_fields(rec.rtype):
            props["provisioningState"] = self.provisioning_state(rec)
        for child_type in self.types:
            if child_type.embed and child_type.path[:-1] == rec.rtype.path:
                props[child_type.embed] = [self.render(req, c) for c in self.children(rec.id, child_type)]
        if rec.rtype.render:
            rec.rtype.render(self, rec, out)
        return out

    @staticmethod
    def _props_fields(rtype: ResourceType) -> dict:
        field_ = rtype.schema["fields"].get("properties")
        return field_.node["fields"] if field_ else {}

    def provisioning_state(self, rec: Record) -> str:
        if rec.op is None and rec.parent_id:
            parent = self.records.get(rec.parent_id.lower())
            if (
                parent is not None
                and parent.op is not None
                and parent.op.status == "InProgress"
                and parent.op.kind != "action"
            ):
                return "Deleting" if parent.op.kind == "delete" else "Updating"
        if rec.op is not None and rec.op.status == "InProgress":
            if rec.op.kind == "delete":
                return "Deleting"
            if rec.rtype.flavor == "network":
                return "Updating"
            return "Creating" if rec.op.kind == "put" and rec.state == "Creating" else "Updating"
        return rec.state

    # -- mutation primitives used by hooks and handlers ------------------------------------------

    def _remove(self, rec: Record) -> None:
        for child in self.children(rec.id):
            self._remove(child)
        self.records.pop(rec.id.lower(), None)
        if rec.rtype.after_delete:
            rec.rtype.after_delete(self, rec)

    def touch(self, rec: Record) -> None:
        rec.etag = new_etag(rec.rtype.flavor)
        rec.written = time.time()

    def check_schema(self, kind: str, body, node: dict, where: str) -> None:
        """Record a violation when the emulator itself emits something outside the SDK schema."""
        problems = schema.validate(body, node, mode="response")
        if problems:
            self.schema_violations.append(
                {"where": where, "kind": kind, "problems": [p.message for p in problems]}
            )


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(ts)) + f".{int((ts % 1) * 1e6):06d}Z"


def next_link(req: Request, skip: int) -> str:
    query = {k: v for k, v in req.query.items() if k.lower() != "$skiptoken"}
    query["$skipToken"] = str(skip)
    return f"{req.base_url}{quote(req.path)}?{urlencode(query)}"


def parse_json(raw: bytes, flavor: str) -> dict:
    code = "InvalidRequestFormat" if flavor == "network" else "BadRequest"
    if not raw.strip():
        raise ArmError(
            400,
            code,
            "Cannot parse the request.",
            [{"code": "InvalidJson", "message": "The request content was empty."}],
        )
    try:
        value = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ArmError(
            400,
            code,
            "Cannot parse the request.",
            [
                {
                    "code": "InvalidJson",
                    "message": f"Unexpected character encountered while parsing value: {exc}.",
                }
            ],
        ) from None
    if not isinstance(value, dict):
        raise ArmError(
            400,
            code,
            "Cannot parse the request.",
            [{"code": "InvalidJson", "message": "The request content is not a JSON object."}],
        )
    return value


def strip_readonly(value, node: dict):
    """Drop members the schema marks read-only (clients PUT back what they GET)."""
    kind = node["kind"]
    if value is None:
        return None
    if kind == "object" and isinstance(value, dict):
        out = {}
        for key, item in value.items():
            fld = node["fields"].get(key)
            if fld is None or fld.readonly:
                continue
            out[key] = strip_readonly(item, fld.node)
        return out
    if kind == "list" and isinstance(value, list):
        return [strip_readonly(v, node["item"]) for v in value]
    if kind == "dict" and isinstance(value, dict):
        return {k: strip_readonly(v, node["value"]) for k, v in value.items()}
    return value
