"""The table-driven generic handler: CRUD, long-running operations, paging, filters, fingerprints.

Each emulated collection is a ``Spec`` (one row of the table in compute.py / dns.py) whose hooks add
what is specific to it: defaults, reference checks, in-use checks, custom methods.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import errors
from .discovery import Method, Router, SchemaError, validator
from .errors import ApiError

NAME_RE = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?")
MAX_RESULTS = 500


def now_rfc3339(ts: float | None = None) -> str:
    """Compute's timestamp format, e.g. 2026-11-25T09:30:00.123-08:00 (sent here in UTC)."""
    moment = datetime.fromtimestamp(ts if ts is not None else time.time(), tz=UTC)
    return moment.isoformat(timespec="milliseconds")


def now_zulu(ts: float | None = None) -> str:
    moment = datetime.fromtimestamp(ts if ts is not None else time.time(), tz=UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def fingerprint(value) -> str:
    digest = hashlib.sha256(json.dumps(value, sort_keys=True).encode()).digest()[:8]
    return base64.b64encode(digest).decode()


class Hooks:
    """Per-collection behaviour; the defaults are plain CRUD."""

    custom: dict[str, Callable] = {}

    def build(self, ctx: Ctx, body: dict) -> dict:
        """Return the stored form of a new resource (references resolved, defaults set)."""
        return body

    def after_insert(self, ctx: Ctx, resource: dict):
        """Side effects once an insert is applied (e.g. system routes)."""

    def check_delete(self, ctx: Ctx, resource: dict):
        """Raise ApiError when something else still uses the resource."""

    def after_delete(self, ctx: Ctx, resource: dict):
        """Side effects once a delete is applied."""

    def merge(self, ctx: Ctx, old: dict, body: dict, replace: bool) -> dict:
        """Return the resource after a patch (``replace=False``) or update (``replace=True``)."""
        if replace:
            new = {k: v for k, v in old.items() if k in IMMUTABLE_OUTPUT or k.startswith("_")}
            new.update({k: v for k, v in body.items() if v is not None})
            return new
        return merge_patch(old, body)

    def validate(self, ctx: Ctx, resource: dict):
        """Raise ApiError when the (new or patched) resource is not acceptable."""

    def present(self, ctx: Ctx, resource: dict) -> dict:
        """Adjust the output form (e.g. live status)."""
        return resource


def merge_patch(target, patch):
    """JSON merge patch (RFC 7396), the PATCH semantics of Compute: objects merge, arrays and scalars
    replace, null removes."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    merged = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def drop_nulls(value):
    if isinstance(value, dict):
        return {k: drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [drop_nulls(v) for v in value if v is not None]
    return value


IMMUTABLE_OUTPUT = {
    "id",
    "name",
    "kind",
    "selfLink",
    "creationTimestamp",
    "region",
    "creationTime",
    "selfLinkWithId",
}


@dataclass
class Spec:
    """One emulated collection."""

    api: str
    collection: str
    schema: str
    hooks: Hooks
    kind: str | None = None
    list_key: str = "items"
    list_kind: str | None = None
    key_fields: tuple[str, ...] = ("name",)  # the fields forming the resource's identity
    synchronous: bool = False  # DNS: writes answer with the resource instead of an Operation
    fingerprint_field: str | None = None
    immutable: tuple[str, ...] = ()
    # filled from discovery
    scope_params: tuple[str, ...] = ()
    name_params: tuple[str, ...] = ()
    get_path: str = ""
    list_path: str = ""


@dataclass
class Ctx:
    emulator: object
    method: Method
    params: dict
    query: dict
    body: dict | None
    principal: str
    faults: list = field(default_factory=list)

    @property
    def project(self) -> str:
        return self.params.get("project", "")

    @property
    def region(self) -> str | None:
        return self.params.get("region")

    def q(self, name, default=None):
        return self.query.get(name, default)


@dataclass
class Op:
    """A compute long-running operation."""

    resource: dict
    scope: tuple
    apply: Callable | None
    remaining_polls: float
    done_at: float | None
    error: tuple | None = None  # (code, message, http status) injected


class Engine:
    def __init__(self, emulator, specs: list[Spec], router: Router):
        self.emulator = emulator
        self.router = router
        self.specs = {(s.api, s.collection): s for s in specs}
        self.lock = threading.RLock()
        self.data: dict[tuple, dict] = {}  # (api, collection, scope) -> {key: resource}
        self.pending: dict[tuple, set] = {}
        self.ops: dict[tuple, Op] = {}  # (scope, name) -> Op
        self.request_ids: dict[str, tuple] = {}
        self.busy: dict[str, Op] = {}  # targetLink -> the latest operation on it
        for spec in specs:
            get = router.find(spec.api, spec.collection, "get")
            # Parameters after the scope name the resource (DNS rrsets: name and type).
            scope = [p for p in get.spec["parameterOrder"] if p in ("project", "region", "managedZone")]
            if spec.collection == "managedZones":
                scope = ["project"]
            spec.scope_params = tuple(scope)
            spec.name_params = tuple(p for p in get.spec["parameterOrder"] if p not in scope)
            spec.get_path = get.spec["path"]
            spec.list_path = router.find(spec.api, spec.collection, "list").spec["path"]

    # ---- paths and links -------------------------------------------------------------------
    def base(self, api: str) -> str:
        return self.emulator.self_link_base if api == "compute" else self.emulator.url + "/dns/v1/"

    def resource_path(self, spec: Spec, scope: tuple, key: tuple) -> str:
        values = dict(zip(spec.scope_params, scope))
        values.update(zip(spec.name_params, key))
        path = spec.get_path
        for name, value in values.items():
            path = path.replace("{" + name + "}", str(value))
        return path.removeprefix("dns/v1/")

    def self_link(self, spec: Spec, scope: tuple, key: tuple) -> str:
        return self.base(spec.api) + self.resource_path(spec, scope, key)

    def scope_of(self, spec: Spec, params: dict) -> tuple:
        return tuple(params[p] for p in spec.scope_params)

    def table(self, spec: Spec, scope: tuple) -> dict:
        return self.data.setdefault((spec.api, spec.collection, scope), {})

    def items(self, api: str, collection: str, project: str | None = None) -> list[tuple[tuple, dict]]:
        """Every (scope, resource) of a collection, optionally in one project (a snapshot)."""
        with self.lock:
            return [
                (scope, resource)
                for (a, c, scope), table in self.data.items()
                if a == api and c == collection and (project is None or scope[0] == project)
                for resource in table.values()
            ]

    def lookup(self, api: str, collection: str, scope: tuple, key) -> dict | None:
        spec = self.specs[(api, collection)]
        key = key if isinstance(key, tuple) else (key,)
        return self.table(spec, scope).get(key)

    def new_id(self) -> str:
        return str(secrets.randbits(63) | (1 << 62))

    # ---- request entry ---------------------------------------------------------------------
    def handle(self, ctx: Ctx):
        """Answer one matched discovery method: returns (status, body or None)."""
        method = ctx.method
        self.sweep()
        if method.collection in ("globalOperations", "regionOperations"):
            return self.operation_method(ctx)
        if (method.api, method.collection, method.name) == ("compute", "projects", "get"):
            return 200, self.project(ctx.project)
        spec = self.specs.get((method.api, method.collection))
        if spec is None:
            raise ApiError(
                501, "notImplemented", f"Method {method.method_id} is not emulated by the sandbox."
            )
        custom = spec.hooks.custom.get(method.name)
        if custom is not None:
            return custom(self, spec, ctx)
        handler = {
            "insert": self.insert,
            "create": self.insert,
            "get": self.get,
            "list": self.list,
            "delete": self.delete,
            "patch": self.patch,
            "update": self.patch,
            "aggregatedList": self.aggregated_list,
        }.get(method.name)
        if handler is None:
            raise ApiError(
                501, "notImplemented", f"Method {method.method_id} is not emulated by the sandbox."
            )
        return handler(spec, ctx)

    def project(self, project: str) -> dict:
        """compute.projects.get: the Project resource (only the members a project always has; the emulator
        answers for every project it accepts, see the ``projects`` option)."""
        number = str(int.from_bytes(hashlib.sha256(project.encode()).digest()[:5], "big"))
        return {
            "kind": "compute#project",
            "id": number,
            "name": project,
            "creationTimestamp": now_rfc3339(0),
            "selfLink": self.emulator.self_link_base + f"projects/{project}",
            "defaultServiceAccount": f"{number}-compute@developer.gserviceaccount.com",
            "defaultNetworkTier": "PREMIUM",
            "xpnProjectStatus": "UNSPECIFIED_XPN_PROJECT_STATUS",
            "commonInstanceMetadata": {"kind": "compute#metadata", "fingerprint": "42WmSpB8rSM="},
        }

    def clean_body(self, spec: Spec, ctx: Ctx) -> dict:
        body = ctx.body
        if body is None:
            raise errors.required("resource")
        ref = ctx.method.request or spec.schema
        field_name = "resource"
        if spec.api == "compute":
            field_name = re.sub(r"(?<!^)(?=[A-Z])", "_", ref).lower() + "_resource"
        try:
            return validator(spec.api).validate(body, ref, mode="request", root=field_name)
        except SchemaError as exc:
            raise errors.bad_request(str(exc), exc.path) from exc

    def require(self, spec: Spec, ctx: Ctx, body: dict):
        schema = validator(spec.api).schemas[spec.schema]["properties"]
        for name, prop in schema.items():
            wanted = prop.get("annotations", {}).get("required", [])
            if ctx.method.method_id in wanted and body.get(name) in (None, "", []):
                raise errors.required(f"resource.{name}")

    def key_of(self, spec: Spec, resource: dict) -> tuple:
        return tuple(resource.get(f) for f in spec.key_fields)

    def fetch(self, spec: Spec, ctx: Ctx) -> tuple[tuple, tuple, dict]:
        scope = self.scope_of(spec, ctx.params)
        key = tuple(ctx.params[p] for p in spec.name_params)
        resource = self.table(spec, scope).get(key)
        if resource is None:
            raise self.missing(spec, scope, key)
        return scope, key, resource

    def missing(self, spec: Spec, scope: tuple, key: tuple) -> ApiError:
        if spec.api == "dns":
            noun = {"managedZones": "managedZone", "resourceRecordSets": "name"}.get(
                spec.collection, spec.collection
            )
            return ApiError(
                404, "notFound", f"The 'parameters.{noun}' resource named '{key[0]}' does not exist."
            )
        return errors.not_found(self.resource_path(spec, scope, key))

    # ---- output ----------------------------------------------------------------------------
    def render(self, spec: Spec, ctx: Ctx | None, resource: dict) -> dict:
        out = {k: copy.deepcopy(v) for k, v in resource.items() if not k.startswith("_")}
        if ctx is not None:
            out = spec.hooks.present(ctx, out)
        if spec.api == "dns":
            validator("dns").defaults(out, spec.schema)
        return out

    def partial(self, ctx: Ctx, body):
        """Honour ``fields`` for top-level names (nested selections are returned whole)."""
        wanted = ctx.q("fields")
        if not wanted or not isinstance(body, dict):
            return body
        names = set()
        depth = 0
        token = ""
        for char in wanted + ",":
            if char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
            elif char == "," and depth == 0:
                names.add(token.strip().split("/")[0])
                token = ""
                continue
            if depth == 0 and char not in "()":
                token += char
        return {k: v for k, v in body.items() if k in names}

    # ---- CRUD ------------------------------------------------------------------------------
    def insert(self, spec: Spec, ctx: Ctx):
        body = drop_nulls(self.clean_body(spec, ctx))
        self.require(spec, ctx, body)
        scope = self.scope_of(spec, ctx.params)
        with self.lock:
            request_id = ctx.q("requestId")
            if request_id and request_id in self.request_ids:
                return 200, self.render_op(self.ops[self.request_ids[request_id]])
            name = body.get("name", "")
            if spec.key_fields == ("name",) and not NAME_RE.fullmatch(name or ""):
                raise errors.invalid(
                    "resource.name",
                    name or "",
                    "Must be a match of regex '(?:[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?)'",
                )
            resource = spec.hooks.build(ctx, body)
            spec.hooks.validate(ctx, resource)
            key = self.key_of(spec, resource)
            pending = self.pending.setdefault((spec.api, spec.collection, scope), set())
            if key in self.table(spec, scope) or key in pending:
                raise self.exists(spec, scope, key)
            if "id" in self.schema_props(spec):
                resource.setdefault("id", self.new_id())
            if spec.api == "compute":
                resource["kind"] = spec.kind
                resource["creationTimestamp"] = now_rfc3339()
                resource["selfLink"] = self.self_link(spec, scope, key)
                if "region" in self.schema_props(spec) and ctx.region:
                    resource["region"] = (
                        self.emulator.self_link_base + f"projects/{ctx.project}/regions/{ctx.region}"
                    )
            if spec.fingerprint_field:
                resource[spec.fingerprint_field] = fingerprint(resource)
            if "labelFingerprint" in self.schema_props(spec):
                resource["labelFingerprint"] = fingerprint(resource.get("labels", {}))

            def apply():
                if key in self.table(spec, scope):
                    raise self.exists(spec, scope, key)
                self.table(spec, scope)[key] = resource
                spec.hooks.after_insert(ctx, resource)

            if spec.synchronous:
                apply()
                return 200, self.render(spec, ctx, resource)
            pending.add(key)
            return 200, self.start_op(ctx, "insert", spec, scope, resource, apply)

    def check_ready(self, spec: Spec, scope: tuple, key: tuple):
        """A resource with an operation still running refuses other writes (400 resourceNotReady)."""
        op = self.busy.get(self.self_link(spec, scope, key))
        if op is not None and op.resource["status"] != "DONE":
            raise ApiError(
                400, "resourceNotReady", f"The resource '{self.resource_path(spec, scope, key)}' is not ready"
            )

    def exists(self, spec, scope, key):
        if spec.api == "dns":
            noun = {"managedZones": "managedZone", "resourceRecordSets": "rrset"}.get(
                spec.collection, spec.collection
            )
            return ApiError(
                409, "alreadyExists", f"The resource 'entity.{noun}' named '{key[0]}' already exists"
            )
        return errors.already_exists(self.resource_path(spec, scope, key))

    def schema_props(self, spec: Spec) -> dict:
        return validator(spec.api).schemas[spec.schema]["properties"]

    def get(self, spec: Spec, ctx: Ctx):
        with self.lock:
            _, _, resource = self.fetch(spec, ctx)
            return 200, self.partial(ctx, self.render(spec, ctx, resource))

    def delete(self, spec: Spec, ctx: Ctx):
        with self.lock:
            scope, key, resource = self.fetch(spec, ctx)
            if not spec.synchronous:
                self.check_ready(spec, scope, key)
            spec.hooks.check_delete(ctx, resource)

            def apply():
                if self.table(spec, scope).pop(key, None) is not None:
                    spec.hooks.after_delete(ctx, resource)

            if spec.synchronous:
                apply()
                return 204, None
            return 200, self.start_op(ctx, "delete", spec, scope, resource, apply)

    def patch(self, spec: Spec, ctx: Ctx):
        body = self.clean_body(spec, ctx)
        replace = ctx.method.name == "update"
        if replace:
            body = drop_nulls(body)
            self.require(spec, ctx, body)
        with self.lock:
            scope, key, old = self.fetch(spec, ctx)
            if spec.api == "compute":
                self.check_ready(spec, scope, key)
            self.check_fingerprint(spec, old, body, spec.fingerprint_field)
            for name in ("name", *spec.immutable):
                if (
                    name in body
                    and body[name] != old.get(name)
                    and not self.same_ref(body[name], old.get(name))
                ):
                    raise errors.invalid(f"resource.{name}", body[name], "Field cannot be changed.")
            new = spec.hooks.merge(
                ctx, old, {k: v for k, v in body.items() if k not in IMMUTABLE_OUTPUT}, replace
            )
            spec.hooks.validate(ctx, new)
            if spec.fingerprint_field:
                new[spec.fingerprint_field] = fingerprint(
                    {k: v for k, v in new.items() if k != spec.fingerprint_field}
                )

            def apply():
                current = self.table(spec, scope).get(key)
                if current is None:
                    raise self.missing(spec, scope, key)
                self.table(spec, scope)[key] = new

            op_type = "update" if replace else "patch"
            if spec.api == "dns":
                apply()
                return 200, spec.hooks.dns_operation(self, ctx, op_type.upper(), old, new)
            return 200, self.start_op(ctx, op_type, spec, scope, new, apply)

    @staticmethod
    def same_ref(a, b) -> bool:
        """References compare equal whatever their host or partial form."""
        if not (isinstance(a, str) and isinstance(b, str)):
            return False
        return a.split("/projects/")[-1].removeprefix("projects/") == b.split("/projects/")[-1].removeprefix(
            "projects/"
        )

    def check_fingerprint(self, spec: Spec, old: dict, body: dict, name: str | None):
        if not name:
            return
        given = body.pop(name, None)
        if given is None:
            raise errors.invalid(
                f"resource.{name}", "", "Fingerprint must be provided to update this resource."
            )
        if given != old.get(name):
            raise ApiError(412, "conditionNotMet", "Supplied fingerprint does not match current fingerprint.")

    # ---- list, filter, paging --------------------------------------------------------------
    def list(self, spec: Spec, ctx: Ctx):
        scope = self.scope_of(spec, ctx.params)
        with self.lock:
            resources = [self.render(spec, ctx, r) for r in self.table(spec, scope).values()]
        resources = (
            spec.hooks.list_filter(ctx, resources) if hasattr(spec.hooks, "list_filter") else resources
        )
        resources = apply_filter(resources, ctx.q("filter"))
        resources.sort(key=lambda r: tuple(str(r.get(f)) for f in spec.key_fields))
        page, token = paginate(resources, ctx)
        if spec.api == "compute":
            body = {
                "kind": spec.list_kind,
                "id": self.resource_path(spec, scope, ("",)).rstrip("/"),
                "selfLink": self.base("compute") + self.list_path(spec, scope),
            }
            if page:
                body["items"] = page
        else:
            body = {spec.list_key: page}
            if spec.list_kind:
                body["kind"] = spec.list_kind
        if token:
            body["nextPageToken"] = token
        return 200, self.partial(ctx, body)

    def list_path(self, spec: Spec, scope: tuple) -> str:
        path = spec.list_path
        for name, value in zip(spec.scope_params, scope):
            path = path.replace("{" + name + "}", value)
        return path

    def aggregated_list(self, spec: Spec, ctx: Ctx):
        project = ctx.project
        scoped = {}
        with self.lock:
            for scope, resource in self.items(spec.api, spec.collection, project):
                scoped.setdefault(scope, []).append(self.render(spec, ctx, resource))
        entries = []
        for scope in sorted(scoped):
            for resource in apply_filter(scoped[scope], ctx.q("filter")):
                entries.append((f"regions/{scope[1]}", resource))
        entries.sort(key=lambda e: (e[0], e[1]["name"]))
        page, token = paginate(entries, ctx)
        items = {}
        for region, resource in page:
            items.setdefault(region, {spec.collection: []})[spec.collection].append(resource)
        body = {
            "kind": spec.list_kind.replace("List", "AggregatedList"),
            "id": f"projects/{project}/aggregated/" + spec.collection,
            "selfLink": self.base("compute") + f"projects/{project}/aggregated/" + spec.collection,
            "items": items,
        }
        if token:
            body["nextPageToken"] = token
        return 200, self.partial(ctx, body)

    # ---- operations ------------------------------------------------------------------------
    def start_op(self, ctx: Ctx, op_type: str, spec: Spec, scope: tuple, target: dict, apply):
        emulator = self.emulator
        started = time.time()
        region = ctx.region if spec.scope_params[-1:] == ("region",) else None
        op_scope = (ctx.project, region)
        suffix = "-".join(secrets.token_hex(n) for n in (6, 4, 4))
        name = f"operation-{int(started * 1000)}-{suffix}"
        where = f"projects/{ctx.project}/" + (f"regions/{region}" if region else "global")
        resource = {
            "kind": "compute#operation",
            "id": self.new_id(),
            "name": name,
            "operationType": op_type,
            "targetLink": target.get("selfLink") or self.self_link(spec, scope, self.key_of(spec, target)),
            "targetId": target.get("id", "0"),
            "status": "PENDING" if emulator.operation_polls else "RUNNING",
            "user": ctx.principal,
            "progress": 0,
            "insertTime": now_rfc3339(started),
            "startTime": now_rfc3339(started),
            "selfLink": emulator.self_link_base + f"{where}/operations/{name}",
        }
        if region:
            resource["region"] = emulator.self_link_base + f"projects/{ctx.project}/regions/{region}"
        polls = emulator.operation_polls
        done_at = started + emulator.operation_seconds if emulator.operation_seconds is not None else None
        error = None
        for fault in ctx.faults:
            if fault.kind == "operation_error":
                error = (fault.error_code, fault.error_message, fault.http_status)
            elif fault.kind == "slow_operation":
                polls, done_at = float("inf"), started + fault.latency

        op = Op(resource, op_scope, apply, polls, done_at, error)
        with self.lock:
            self.ops[(op_scope, name)] = op
            self.busy[resource["targetLink"]] = op
            if ctx.q("requestId"):
                self.request_ids[ctx.q("requestId")] = (op_scope, name)
        return self.render_op(op)

    def render_op(self, op: Op) -> dict:
        return copy.deepcopy(op.resource)

    def finish_op(self, op: Op):
        if op.resource["status"] == "DONE":
            return
        failure = op.error
        if failure is None and op.apply is not None:
            try:
                op.apply()
            except ApiError as exc:
                failure = (
                    exc.reason.upper() if exc.reason != "alreadyExists" else "RESOURCE_ALREADY_EXISTS",
                    exc.message,
                    exc.code,
                )
        res = op.resource
        res["status"] = "DONE"
        res["progress"] = 100
        res["endTime"] = now_rfc3339()
        if failure:
            code, message, http = failure
            res["error"] = {"errors": [{"code": code, "message": message}]}
            res["httpErrorStatusCode"] = http
            res["httpErrorMessage"] = HTTP_REASONS.get(http, "ERROR")
        op.apply = None
        self._release_pending(op)

    def _release_pending(self, op: Op):
        link = op.resource["targetLink"]
        if op.resource["operationType"] != "insert":
            return
        for (api, collection, scope), pending in self.pending.items():
            spec = self.specs[(api, collection)]
            for key in list(pending):
                if self.self_link(spec, scope, key) == link:
                    pending.discard(key)

    def sweep(self):
        """Finish operations whose time has come (real operations finish without being polled)."""
        moment = time.time()
        with self.lock:
            for op in list(self.ops.values()):
                if op.resource["status"] != "DONE" and op.done_at is not None and moment >= op.done_at:
                    self.finish_op(op)

    def poll(self, op: Op):
        with self.lock:
            if op.resource["status"] == "DONE":
                return
            if op.remaining_polls > 0:
                op.remaining_polls -= 1
                op.resource["status"] = "RUNNING"
                return
            self.finish_op(op)

    def operation_method(self, ctx: Ctx):
        region = ctx.params.get("region")
        name = ctx.params.get("operation")
        scope = (ctx.project, region)
        where = f"projects/{ctx.project}/" + (f"regions/{region}" if region else "global")
        if ctx.method.name == "list":
            with self.lock:
                ops = [self.render_op(op) for (s, _), op in self.ops.items() if s == scope]
            ops = apply_filter(ops, ctx.q("filter"))
            ops.sort(key=lambda o: o["insertTime"])
            page, token = paginate(ops, ctx)
            body = {
                "kind": "compute#operationList",
                "id": f"{where}/operations",
                "selfLink": self.emulator.self_link_base + f"{where}/operations",
            }
            if page:
                body["items"] = page
            if token:
                body["nextPageToken"] = token
            return 200, body
        if ctx.method.name == "aggregatedList":
            with self.lock:
                ops = [(s[1], self.render_op(op)) for (s, _), op in self.ops.items() if s[0] == ctx.project]
            entries = [(f"regions/{r}" if r else "global", o) for r, o in ops]
            entries = [(where, o) for where, o in entries if apply_filter([o], ctx.q("filter"))]
            entries.sort(key=lambda e: (e[0], e[1]["insertTime"]))
            page, token = paginate(entries, ctx)
            items = {}
            for where, op in page:
                items.setdefault(where, {"operations": []})["operations"].append(op)
            body = {
                "kind": "compute#operationAggregatedList",
                "id": f"projects/{ctx.project}/aggregated/operations",
                "selfLink": self.emulator.self_link_base + f"projects/{ctx.project}/aggregated/operations",
                "items": items,
            }
            if token:
                body["nextPageToken"] = token
            return 200, body
        with self.lock:
            op = self.ops.get((scope, name))
        if op is None:
            raise errors.not_found(f"{where}/operations/{name}")
        if ctx.method.name == "get":
            self.poll(op)
        elif ctx.method.name == "wait":
            deadline = time.time() + self.emulator.operation_wait_timeout
            with self.lock:
                if op.remaining_polls != float("inf"):
                    op.remaining_polls = 0
            while True:
                self.sweep()
                with self.lock:
                    if op.resource["status"] == "DONE":
                        break
                    if op.remaining_polls <= 0:
                        self.finish_op(op)
                        break
                    op.resource["status"] = "RUNNING"
                if time.time() >= deadline:
                    break
                time.sleep(0.02)
        elif ctx.method.name == "delete":
            with self.lock:
                self.ops.pop((scope, name), None)
            return 204, None
        return 200, self.render_op(op)


HTTP_REASONS = {
    400: "BAD REQUEST",
    403: "FORBIDDEN",
    404: "NOT FOUND",
    409: "CONFLICT",
    412: "PRECONDITION FAILED",
    429: "TOO MANY REQUESTS",
    500: "INTERNAL SERVER ERROR",
    503: "SERVICE UNAVAILABLE",
}


# ---- filter expressions --------------------------------------------------------------------
FILTER_TERM = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(=|!=|:|\beq\b|\bne\b)\s*(.+?)\s*$")


def _lookup(resource, path: str):
    value = resource
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _text(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def parse_filter(expression: str):
    expression = expression.strip()
    if not expression:
        return []
    if expression.startswith("("):
        parts = re.findall(r"\(([^()]*)\)", expression)
        rest = re.sub(r"\(([^()]*)\)", "", expression)
        if re.sub(r"\bAND\b", "", rest).strip():
            raise ValueError(expression)
    else:
        parts = re.split(r"\s+AND\s+", expression)
    terms = []
    for part in parts:
        match = FILTER_TERM.match(part)
        if not match:
            raise ValueError(part)
        field_name, op, value = match.groups()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        terms.append((field_name, op, value))
    return terms


def _term_matches(resource, term) -> bool:
    field_name, op, value = term
    have = _lookup(resource, field_name)
    values = have if isinstance(have, list) else [have]
    if op in ("eq", "ne"):
        hit = any(re.fullmatch(value, _text(v)) for v in values)
        return hit if op == "eq" else not hit
    if op == ":":
        return any(value == "*" and v is not None or _text(v) == value for v in values)
    pattern = "^" + ".*".join(re.escape(p) for p in value.split("*")) + "$"
    hit = any(re.match(pattern, _text(v)) for v in values)
    return hit if op == "=" else not hit


def apply_filter(resources: list, expression: str | None) -> list:
    if not expression:
        return list(resources)
    try:
        terms = parse_filter(expression)
    except (ValueError, re.error) as exc:
        raise errors.invalid("filter", expression, "Invalid list filter expression.") from exc
    try:
        return [r for r in resources if all(_term_matches(r, t) for t in terms)]
    except re.error as exc:
        raise errors.invalid("filter", expression, "Invalid regular expression.") from exc


def paginate(items: list, ctx: Ctx):
    raw = ctx.q("maxResults")
    try:
        size = int(raw) if raw is not None else MAX_RESULTS
    except ValueError as exc:
        raise errors.bad_request(
            f"Invalid value for field 'maxResults': '{raw}'. Must be an integer.", "max_results"
        ) from exc
    if size < 0 or size > MAX_RESULTS:
        raise errors.invalid("maxResults", raw, f"Must be less than or equal to {MAX_RESULTS}")
    if size == 0:
        size = MAX_RESULTS
    offset = 0
    token = ctx.q("pageToken")
    if token:
        try:
            state = json.loads(base64.urlsafe_b64decode(token.encode()))
            offset = int(state["o"])
            if state.get("f") != ctx.q("filter"):
                raise ValueError("filter changed")
        except (ValueError, KeyError, TypeError) as exc:
            raise errors.invalid("pageToken", token, "Invalid page token.") from exc
    page = items[offset : offset + size]
    next_token = None
    if offset + size < len(items):
        next_token = base64.urlsafe_b64encode(
            json.dumps({"o": offset + size, "f": ctx.q("filter")}).encode()
        ).decode()
    return page, next_token
