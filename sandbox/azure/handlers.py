"""ARM request handling on top of :class:`sandbox.azure.arm.Engine`: routing, CRUD, LRO, paging."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from . import schema
from .arm import (
    RESOURCE_GROUP_API_VERSIONS,
    ArmError,
    Engine,
    Record,
    Request,
    ResourceType,
    Response,
    _etag_core,
    new_etag,
    next_link,
    parse_json,
    strip_readonly,
)
from .faults import MUTATING, Call

OPERATION_SEGMENTS = {
    "operations": "status",
    "operationresults": "result",
    "dnsresolveroperationstatuses": "status",
    "dnsresolveroperationresults": "result",
}
RG_OPERATION_SEGMENTS = {"privatednsoperationstatuses": "status", "privatednsoperationresults": "result"}


@dataclass
class Target:
    kind: str  # subscription | subscriptions | groups | group | group_op | provider | collection | resource
    #            | action | op_status | op_result
    sub: str = ""
    rg: str | None = None
    rtype: ResourceType | None = None
    names: list[str] = field(default_factory=list)
    action: str | None = None
    op_id: str | None = None
    namespace: str | None = None

    @property
    def resource_type(self) -> str:
        if self.kind in ("group", "groups", "group_op"):
            return "Microsoft.Resources/resourceGroups"
        if self.kind in ("subscription", "subscriptions", "provider"):
            return "Microsoft.Resources/subscriptions"
        if self.kind in ("op_status", "op_result"):
            return f"{self.namespace or 'Microsoft.Network'}/operations"
        return self.rtype.full_type if self.rtype else ""


class Router:
    def __init__(self, engine: Engine):
        self.engine = engine

    # -- entry point -----------------------------------------------------------------------------

    def handle(self, req: Request, authenticated: bool = True) -> Response:
        call = Call(method=req.method, path=req.path, resource_type="", mutating=req.method in MUTATING)
        try:
            target = self.parse(req.path)
            call.resource_type = target.resource_type
            if target.kind in ("op_status", "op_result", "group_op"):
                call.mutating = False
            self.check_api_version(req, target)
            response = self.faults(req, target, call)
            if response is None:
                response = self.dispatch(req, target)
        except ArmError as err:
            response = Response(err.status, err.body(), dict(err.headers))
        call.status = response.status
        self.engine.calls.record(call)
        return response

    def faults(self, req: Request, target: Target, call: Call) -> Response | None:
        rtype = target.resource_type
        faults = self.engine.faults
        rule = faults.draw(rtype, req.method, ("latency",))
        if rule is not None:
            time.sleep(rule.seconds)
        rule = faults.draw(rtype, req.method, ("throttle", "unavailable"))
        if rule is None:
            return None
        call.fault = rule.kind
        if rule.kind == "throttle":
            window = "Write" if req.method in MUTATING else "Read"
            err = ArmError(
                429,
                rule.error_code or "TooManyRequests",
                rule.message
                or (
                    f"The request is being throttled as the limit has been reached for operation type - "
                    f"{window}_ObservationWindow_00:05:00. For more information, refer - "
                    "https://aka.ms/srpthrottlinglimits"
                ),
                headers={"Retry-After": str(rule.retry_after)},
            )
        else:
            err = ArmError(
                503,
                rule.error_code or "ServiceUnavailable",
                rule.message or ("The service is temporarily unavailable. Please retry the request."),
                headers={"Retry-After": str(rule.retry_after)},
            )
        return Response(err.status, err.body(), err.headers)

    # -- parsing ---------------------------------------------------------------------------------

    def parse(self, path: str) -> Target:
        segs = [s for s in path.split("/") if s]
        if not segs or segs[0].lower() != "subscriptions":
            raise ArmError(
                404,
                "InvalidResourceNamespace" if segs else "NotFound",
                f"The resource path '{path}' is not supported by the emulator.",
            )
        if len(segs) == 1:
            return Target("subscriptions")
        sub = segs[1]
        if sub.lower() not in self.engine.subscriptions:
            raise ArmError(404, "SubscriptionNotFound", f"The subscription '{sub}' could not be found.")
        sub = self.engine.subscriptions[sub.lower()]
        rest = segs[2:]
        if not rest:
            return Target("subscription", sub=sub)
        head = rest[0].lower()
        if head == "resourcegroups":
            if len(rest) == 1:
                return Target("groups", sub=sub)
            rg = rest[1]
            tail = rest[2:]
            if not tail:
                return Target("group", sub=sub, rg=rg)
            if tail[0].lower() != "providers" or len(tail) < 3:
                raise ArmError(404, "NotFound", f"The resource path '{path}' is not supported.")
            return self._provider_path(sub, rg, tail[1], tail[2:], path)
        if head == "operationresults" and len(rest) == 2:
            return Target("group_op", sub=sub, op_id=rest[1])
        if head == "providers" and len(rest) >= 2:
            if len(rest) == 2:
                return Target("provider", sub=sub, namespace=rest[1])
            return self._provider_path(sub, None, rest[1], rest[2:], path)
        raise ArmError(404, "NotFound", f"The resource path '{path}' is not supported.")

    def _provider_path(self, sub: str, rg: str | None, namespace: str, pairs: list[str], path: str) -> Target:
        lowered = [p.lower() for p in pairs]
        if rg is None and len(pairs) == 4 and lowered[0] == "locations" and lowered[2] in OPERATION_SEGMENTS:
            return Target(
                "op_" + OPERATION_SEGMENTS[lowered[2]], sub=sub, op_id=pairs[3], namespace=namespace
            )
        if rg is not None and len(pairs) == 2 and lowered[0] in RG_OPERATION_SEGMENTS:
            return Target(
                "op_" + RG_OPERATION_SEGMENTS[lowered[0]], sub=sub, rg=rg, op_id=pairs[1], namespace=namespace
            )
        types = pairs[0::2]
        names = pairs[1::2]
        if self.engine.type_for(types) is None:
            # the last type segment may be an action on the resource (connections/x/sharedkey/reset)
            for cut in range(len(pairs) - 1, 1, -1):
                head = pairs[:cut]
                rtype = self.engine.type_for(head[0::2])
                if rtype and len(head) % 2 == 0 and rtype.namespace.lower() == namespace.lower():
                    action = "/".join(pairs[cut:]).lower()
                    if action in rtype.actions:
                        return Target("action", sub=sub, rg=rg, rtype=rtype, names=head[1::2], action=action)
            raise self._unknown_type(namespace, types)
        rtype = self.engine.type_for(types)
        if rtype.namespace.lower() != namespace.lower():
            raise self._unknown_type(namespace, types)
        if len(names) == len(types):
            if rg is None:
                raise ArmError(404, "NotFound", f"The resource path '{path}' is not supported.")
            return Target("resource", sub=sub, rg=rg, rtype=rtype, names=names)
        if rg is None and len(types) > 1:
            raise ArmError(404, "NotFound", f"The resource path '{path}' is not supported.")
        return Target("collection", sub=sub, rg=rg, rtype=rtype, names=names)

    @staticmethod
    def _unknown_type(namespace: str, types: list[str]) -> ArmError:
        return ArmError(
            400,
            "InvalidResourceType",
            f"The resource type '{'/'.join(types)}' could not be found in the namespace "
            f"'{namespace}' for api version used by the emulator.",
        )

    # -- api-version -----------------------------------------------------------------------------

    def check_api_version(self, req: Request, target: Target) -> None:
        version = next((v for k, v in req.query.items() if k.lower() == "api-version"), None)
        if not version:
            raise ArmError(
                400,
                "MissingApiVersionParameter",
                "The api-version query parameter (?api-version=) is required for all requests.",
            )
        if target.kind in ("subscription", "subscriptions", "groups", "group", "group_op", "provider"):
            if version not in RESOURCE_GROUP_API_VERSIONS:
                raise ArmError(
                    400,
                    "InvalidApiVersionParameter",
                    f"The api-version '{version}' is invalid. The supported versions are '"
                    + ",".join(reversed(RESOURCE_GROUP_API_VERSIONS))
                    + "'.",
                )
            return
        if target.kind in ("op_status", "op_result"):
            known = {v for t in self.engine.types for v in t.api_versions}
            if version not in known:
                raise ArmError(
                    400,
                    "NoRegisteredProviderFound",
                    f"No registered resource provider found for API version '{version}' and "
                    f"type 'locations/operations'. The supported api-versions are '"
                    + ", ".join(sorted(known))
                    + "'.",
                )
            return
        rtype = target.rtype
        if version not in rtype.api_versions:
            location = self._location_hint(req, target)
            raise ArmError(
                400,
                "NoRegisteredProviderFound",
                f"No registered resource provider found for location '{location}' and API version "
                f"'{version}' for type '{'/'.join(rtype.path)}'. The supported api-versions are '"
                + ", ".join(rtype.api_versions)
                + "'. The supported locations are '"
                + ", ".join(rtype.locations)
                + "'.",
            )

    def _location_hint(self, req: Request, target: Target) -> str:
        try:
            body = parse_json(req.body, "network") if req.body else {}
            if body.get("location"):
                return body["location"]
        except ArmError:
            pass
        if target.rg:
            group = self.engine.group(target.sub, target.rg)
            if group:
                return group["location"]
        return target.rtype.locations[0]

    # -- dispatch --------------------------------------------------------------------------------

    def dispatch(self, req: Request, target: Target) -> Response:
        method = req.method
        kind = target.kind
        if kind == "subscriptions" and method == "GET":
            return Response(
                200, {"value": [self._subscription(s) for s in self.engine.subscriptions.values()]}
            )
        if kind == "subscription" and method == "GET":
            return Response(200, self._subscription(target.sub))
        if kind == "provider" and method == "GET":
            return Response(200, self._provider(target.namespace))
        if kind == "groups" and method == "GET":
            return self.list_groups(req, target)
        if kind == "group":
            return self.group(req, target)
        if kind == "group_op" and method == "GET":
            return self.group_operation(req, target)
        if kind == "op_status" and method == "GET":
            return self.engine.operation_status(req, target.op_id)
        if kind == "op_result" and method == "GET":
            return self.engine.operation_result(req, target.op_id)
        if kind == "collection" and method == "GET":
            return self.list(req, target)
        if kind == "resource" and target.rtype.aggregate:
            raise ArmError(405, "MethodNotAllowed", f"The record type '{target.rtype.path[-1]}' only lists.")
        if kind == "resource":
            handler = {
                "GET": self.get,
                "HEAD": self.get,
                "PUT": self.put,
                "DELETE": self.delete,
                "PATCH": self.patch,
            }.get(method)
            if handler:
                return handler(req, target)
        if kind == "action":
            return self.action(req, target)
        raise ArmError(
            405,
            "MethodNotAllowed" if kind != "collection" else "InvalidRequestFormat",
            f"The requested method '{method}' is not allowed for this resource path.",
        )

    # -- subscriptions and resource groups -------------------------------------------------------

    def _subscription(self, sub: str) -> dict:
        return {
            "id": f"/subscriptions/{sub}",
            "subscriptionId": sub,
            "tenantId": self.engine.tenant_id,
            "displayName": "cloudnet sandbox",
            "state": "Enabled",
            "subscriptionPolicies": {
                "locationPlacementId": "Public_2014-09-01",
                "quotaId": "Sandbox",
                "spendingLimit": "Off",
            },
            "authorizationSource": "RoleBased",
        }

    def _provider(self, namespace: str) -> dict:
        types = [t for t in self.engine.types if t.namespace.lower() == namespace.lower()]
        if not types:
            raise ArmError(
                404, "InvalidResourceNamespace", f"The resource namespace '{namespace}' is invalid."
            )
        return {
            "id": f"/subscriptions/{next(iter(self.engine.subscriptions.values()))}/providers/"
            f"{types[0].namespace}",
            "namespace": types[0].namespace,
            "registrationState": "Registered",
            "registrationPolicy": "RegistrationRequired",
            "resourceTypes": [
                {
                    "resourceType": "/".join(t.path),
                    "locations": list(t.locations),
                    "apiVersions": list(reversed(t.api_versions)),
                }
                for t in types
            ],
        }

    def _group_body(self, sub: str, group: dict) -> dict:
        body = {
            "id": self.engine.rg_id(sub, group["name"]),
            "name": group["name"],
            "type": "Microsoft.Resources/resourceGroups",
            "location": group["location"],
            "properties": {"provisioningState": group.get("state", "Succeeded")},
        }
        if group.get("tags") is not None:
            body["tags"] = group["tags"]
        if group.get("managedBy"):
            body["managedBy"] = group["managedBy"]
        return body

    def _require_group(self, sub: str, rg: str) -> dict:
        group = self.engine.group(sub, rg)
        if group is None or group.get("state") == "Deleting":
            raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
        return group

    def list_groups(self, req: Request, target: Target) -> Response:
        with self.engine.lock:
            groups = [g for k, g in self.engine.groups.items() if k.startswith(target.sub.lower() + "/")]
            return self._page(req, [self._group_body(target.sub, g) for g in groups])

    def group(self, req: Request, target: Target) -> Response:
        engine = self.engine
        sub, rg = target.sub, target.rg
        key = f"{sub}/{rg}".lower()
        with engine.lock:
            group = engine.groups.get(key)
            if req.method in ("GET", "HEAD"):
                if group is None:
                    if req.method == "HEAD":
                        return Response(404)
                    raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
                return Response(204) if req.method == "HEAD" else Response(200, self._group_body(sub, group))
            if req.method in ("PUT", "PATCH"):
                body = parse_json(req.body, "resources")
                unknown = set(body) - {"id", "name", "type", "location", "tags", "managedBy", "properties"}
                if unknown:
                    raise ArmError(
                        400,
                        "InvalidRequestContent",
                        "The request content was invalid and could not "
                        f"be deserialized: 'Could not find member '{sorted(unknown)[0]}' on object of "
                        "type 'ResourceGroupDefinition'.",
                    )
                if req.method == "PATCH":
                    if group is None:
                        raise ArmError(
                            404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found."
                        )
                    if "tags" in body:
                        group["tags"] = body["tags"]
                    return Response(200, self._group_body(sub, group))
                location = _normal_location(body.get("location"))
                if not location:
                    raise ArmError(
                        400, "LocationRequired", "The location property is required for this definition."
                    )
                if location not in engine.options.get("regions", ()) and location not in _regions():
                    raise ArmError(
                        400,
                        "LocationNotAvailableForResourceGroup",
                        f"The provided location '{location}' is not available for resource group. "
                        "List of available regions is '" + ",".join(_regions()) + "'.",
                    )
                if group is not None and group["location"] != location:
                    raise ArmError(
                        409,
                        "InvalidResourceGroupLocation",
                        f"Invalid resource group location '{location}'. The Resource group already "
                        f"exists in location '{group['location']}'.",
                    )
                created = group is None
                if created:
                    group = {"name": rg, "location": location}
                    engine.groups[key] = group
                group["tags"] = body.get("tags", group.get("tags"))
                if body.get("managedBy"):
                    group["managedBy"] = body["managedBy"]
                return Response(201 if created else 200, self._group_body(sub, group))
            if req.method == "DELETE":
                if group is None:
                    raise ArmError(404, "ResourceGroupNotFound", f"Resource group '{rg}' could not be found.")
                prefix = engine.rg_id(sub, rg).lower() + "/"
                for rec in [r for r in engine.records.values() if r.id.lower().startswith(prefix)]:
                    if rec.id.lower() in engine.records:
                        engine._remove(rec)
                engine.groups.pop(key, None)
                op_id = f"RESOURCEGROUPDELETIONJOB-{rg.upper()}-{new_etag('privatedns')[:8].upper()}"
                engine.group_jobs.add(op_id)  # deletion completes at once
                location = (
                    f"{req.base_url}/subscriptions/{sub}/operationresults/{op_id}?api-version="
                    f"{req.query.get('api-version')}"
                )
                headers = {"Location": location}
                if engine.retry_after is not None:
                    headers["Retry-After"] = str(engine.retry_after)
                return Response(202, None, headers)
        raise ArmError(405, "MethodNotAllowed", f"The requested method '{req.method}' is not allowed.")

    def group_operation(self, req: Request, target: Target) -> Response:
        if target.op_id not in self.engine.group_jobs:
            raise ArmError(404, "NotFound", f"The operation '{target.op_id}' could not be found.")
        return Response(200)

    # -- provider resources ----------------------------------------------------------------------

    def _resolve(self, target: Target) -> tuple[str, Record | None, Record | None]:
        """Return (canonical id, record or None, parent record or None); 404 on missing ancestors."""
        engine = self.engine
        group = self._require_group(target.sub, target.rg)
        rtype = target.rtype
        parent = None
        for depth in range(1, len(rtype.path)):
            ptype = engine.type_for(list(rtype.path[:depth]))
            pid = engine.make_id(target.sub, group["name"], ptype, target.names[:depth])
            parent = engine.get(pid)
            if parent is None:
                raise self._not_found(ptype, target.names[depth - 1], group["name"], pid)
        rid = engine.make_id(target.sub, group["name"], rtype, target.names)
        rec = engine.get(rid)
        return (rec.id if rec else rid), rec, parent

    @staticmethod
    def _not_found(rtype: ResourceType, name: str, rg: str, rid: str) -> ArmError:
        if rtype.is_child:
            return ArmError(404, "NotFound", f"Resource {rid} not found.")
        return ArmError(
            404,
            "ResourceNotFound",
            f"The Resource '{rtype.full_type}/{name}' under resource group "
            f"'{rg}' was not found. For more details please go to "
            "https://aka.ms/ARMResourceNotFoundFix",
        )

    def get(self, req: Request, target: Target) -> Response:
        with self.engine.lock:
            rid, rec, _ = self._resolve(target)
            if rec is not None and self._stale(rec, req.method):
                rec = None
            if rec is None:
                if req.method == "HEAD":
                    return Response(404)
                raise self._not_found(target.rtype, target.names[-1], target.rg, rid)
            body = self.engine.render(req, rec)
            return Response(
                200 if req.method == "GET" else 204, body if req.method == "GET" else None, {"ETag": rec.etag}
            )

    def _stale(self, rec: Record, method: str) -> bool:
        """A ``stale_read`` fault hides a resource written less than ``seconds`` ago."""
        faults = self.engine.faults
        rule = faults.has(rec.rtype.full_type, method, "stale_read")
        if rule is None or time.time() - rec.written >= rule.seconds:
            return False
        return faults.draw(rec.rtype.full_type, method, ("stale_read",)) is not None

    def _check_preconditions(self, req: Request, rec: Record | None, rid: str) -> None:
        if_match = req.header("If-Match")
        if_none_match = req.header("If-None-Match")
        if if_none_match is not None and rec is not None:
            if if_none_match.strip() == "*" or _etag_core(if_none_match) == _etag_core(rec.etag):
                raise ArmError(
                    412,
                    "PreconditionFailed",
                    f"The resource {rid} already exists and the request "
                    "specified If-None-Match. The precondition is not met.",
                )
        if if_match is not None:
            if rec is None:
                raise ArmError(
                    412,
                    "PreconditionFailed",
                    f"Precondition failed for resource {rid}: the resource "
                    "does not exist and the request specified If-Match.",
                )
            if if_match.strip() != "*" and _etag_core(if_match) != _etag_core(rec.etag):
                raise ArmError(
                    412,
                    "PreconditionFailed",
                    f"Precondition failed for resource {rid}. Current etag "
                    f"{rec.etag} does not match the expected etag {if_match}.",
                )

    def _check_busy(self, req: Request, rec: Record | None, parent: Record | None) -> None:
        """409 while an operation runs on the resource, its parent or, for the Network RP, any other
        child of the same parent or of the resource itself (NRP serialises writes per VNet/route table)."""
        candidates = [rec, parent]
        engine = self.engine
        if parent is not None and parent.rtype.flavor == "network":
            candidates += engine.children(parent.id)
        if rec is not None and rec.rtype.flavor == "network":
            candidates += engine.children(rec.id)
        for candidate in candidates:
            if candidate is not None and candidate.op is not None:
                engine.settle_op(candidate.op)
            if candidate is not None and candidate.op is not None and candidate.op.status == "InProgress":
                status_url, _ = self.engine.op_urls(req, candidate.op)
                raise ArmError(
                    409,
                    "AnotherOperationInProgress",
                    "Another operation on this or dependent resource is in progress. To retrieve "
                    f"status of the operation use uri: {status_url}.",
                )

    def _validate_body(self, body: dict, rtype: ResourceType, partial: bool = False) -> None:
        problems = schema.validate(body, rtype.schema, mode="request")
        if partial:
            problems = [p for p in problems if p.kind != "required"]
        if problems:
            code = "InvalidRequestFormat" if rtype.flavor == "network" else "BadRequest"
            raise ArmError(
                400,
                code,
                "Cannot parse the request.",
                [
                    {
                        "code": "InvalidJson" if p.kind != "required" else "MissingJsonProperty",
                        "message": p.message,
                    }
                    for p in problems
                ],
            )

    def _location(self, body: dict, rtype: ResourceType, old: Record | None, rid: str, name: str, rg: str):
        location_field = rtype.schema["fields"].get("location")
        if location_field is None:
            body.pop("location", None)
            return
        location = _normal_location(body.get("location"))
        if not location and rtype.is_child and not location_field.required:
            return
        if not location:
            raise ArmError(400, "LocationRequired", "The location property is required for this definition.")
        if location not in rtype.locations:
            raise ArmError(
                400,
                "LocationNotAvailableForResourceType",
                f"The provided location '{body['location']}' is not available for resource type "
                f"'{rtype.full_type}'. List of available regions for the resource type is '"
                + ",".join(rtype.locations)
                + "'.",
            )
        if old is not None and old.body.get("location") != location:
            raise ArmError(
                400,
                "InvalidResourceLocation",
                f"The resource '{name}' already exists in location '{old.body.get('location')}' in "
                f"resource group '{rg}'. A resource with the same name cannot be created in location "
                f"'{location}'. Please select a new resource name.",
            )
        body["location"] = location

    def prepare(
        self,
        req: Request | None,
        rtype: ResourceType,
        rid: str,
        body: dict,
        old: Record | None,
        target: Target,
        embedded: bool = False,
    ) -> tuple[dict, dict]:
        """Validate and normalise one resource body; return (stored body, embedded child lists)."""
        engine = self.engine
        if not embedded:
            self._validate_body(body, rtype)
        body = strip_readonly(body, rtype.schema)
        for key in ("id", "name", "type", "etag"):
            body.pop(key, None)
        self._location(body, rtype, old, rid, rid.rsplit("/", 1)[1], target.rg)
        kids = {}
        props = body.get("properties") or {}
        for child_type in engine.types:
            if child_type.embed and child_type.path[:-1] == rtype.path:
                value = props.pop(child_type.embed, None)
                if value is None and not child_type.embed_absent_deletes:
                    continue
                kids[child_type] = value or []
        if "properties" in rtype.schema["fields"]:
            body["properties"] = props
        if rtype.validate:
            rtype.validate(engine, rid, body, old.body if old else None)
        if rtype.defaults:
            rtype.defaults(engine, rid, body, old.body if old else None)
        return body, kids

    def put(self, req: Request, target: Target) -> Response:
        engine = self.engine
        rtype = target.rtype
        raw = parse_json(req.body, rtype.flavor)
        with engine.lock:
            rid, old, parent = self._resolve(target)
            self._check_preconditions(req, old, rid)
            self._check_busy(req, old, parent)
            body, kids = self.prepare(req, rtype, rid, raw, old, target)
            engine.pending[rid.lower()] = body
            try:
                return self._put_with_children(req, target, rtype, rid, body, kids, old, parent)
            finally:
                engine.pending.pop(rid.lower(), None)

    def _put_with_children(self, req, target, rtype, rid, body, kids, old, parent) -> Response:
        engine = self.engine
        # embedded children: validate every one before writing anything
        planned = []
        for child_type, items in kids.items():
            wanted = {}
            for item in items:
                if not isinstance(item, dict) or not item.get("name"):
                    raise ArmError(
                        400,
                        "InvalidRequestFormat",
                        "Cannot parse the request.",
                        [
                            {
                                "code": "MissingJsonProperty",
                                "message": f"Each entry of properties.{child_type.embed} needs a name.",
                            }
                        ],
                    )
                self._validate_body(item, child_type)
                cid = f"{rid}/{child_type.path[-1]}/{item['name']}"
                cold = engine.get(cid)
                cbody, _ = self.prepare(req, child_type, cid, item, cold, target, embedded=True)
                wanted[cid.lower()] = (cid, cbody, cold)
            removed = [
                c for c in (engine.children(rid, child_type) if old else []) if c.id.lower() not in wanted
            ]
            for gone in removed:
                if child_type.before_delete:
                    child_type.before_delete(engine, gone)
            planned.append((child_type, wanted, removed))
        fail = self._lro_fail(rtype, "PUT")
        rec = self._store(rtype, rid, body, old, parent, target)
        for child_type, wanted, removed in planned:
            for gone in removed:
                engine._remove(gone)
            for cid, cbody, cold in wanted.values():
                self._store(child_type, cid, cbody, cold, rec, target)
        return self._write_response(req, rec, old is None, fail, target)

    def _lro_fail(self, rtype: ResourceType, method: str) -> dict | None:
        rule = self.engine.faults.draw(rtype.full_type, method, ("lro_failed",))
        if rule is None:
            return None
        return {
            "code": rule.error_code or "InternalServerError",
            "message": rule.message or "An error occurred while processing the request.",
        }

    def _store(
        self,
        rtype: ResourceType,
        rid: str,
        body: dict,
        old: Record | None,
        parent: Record | None,
        target: Target,
    ) -> Record:
        engine = self.engine
        if old is None:
            rec = Record(
                id=rid,
                rtype=rtype,
                body=body,
                etag=new_etag(rtype.flavor),
                parent_id=parent.id if parent else None,
                rg_key=f"{target.sub}/{target.rg}".lower(),
                state="Creating" if rtype.flavor != "network" and not rtype.sync else "Succeeded",
            )
            engine.records[rid.lower()] = rec
        else:
            rec = old
            rec.body = body
            rec.state = "Updating" if rtype.flavor != "network" and not rtype.sync else "Succeeded"
            engine.touch(rec)
        if rtype.after_write:
            rtype.after_write(engine, rec)
        return rec

    def _write_response(
        self, req: Request, rec: Record, created: bool, fail: dict | None, target: Target
    ) -> Response:
        engine = self.engine
        rtype = rec.rtype
        if rtype.sync:
            if fail:
                rec.state = "Failed"
                raise ArmError(500, fail["code"], fail["message"])
            rec.state = "Succeeded"
            return Response(201 if created else 200, engine.render(req, rec), {"ETag": rec.etag})
        op = engine.start_op("put", rec, target.sub, target.rg, req.query["api-version"], fail)
        if rtype.flavor == "privatedns":
            return Response(202, None, engine.lro_headers(req, op, location=True))
        headers = engine.lro_headers(req, op, location=False)
        headers["ETag"] = rec.etag
        return Response(201 if created else 200, engine.render(req, rec), headers)

    def patch(self, req: Request, target: Target) -> Response:
        engine = self.engine
        rtype = target.rtype
        raw = parse_json(req.body, rtype.flavor)
        with engine.lock:
            rid, rec, parent = self._resolve(target)
            if rec is None:
                raise self._not_found(rtype, target.names[-1], target.rg, rid)
            self._check_preconditions(req, rec, rid)
            self._check_busy(req, rec, parent)
            self._validate_body(raw, rtype, partial=True)
            patch = strip_readonly(raw, rtype.schema)
            merged = dict(rec.body)
            if "tags" in patch:
                merged["tags"] = patch["tags"]
            if isinstance(patch.get("properties"), dict):
                merged["properties"] = {**(merged.get("properties") or {}), **patch["properties"]}
            if rtype.validate and "properties" in patch:
                rtype.validate(engine, rec.id, merged, rec.body)
            rec.body = merged
            engine.touch(rec)
            if not rtype.patch_lro:
                return Response(200, engine.render(req, rec), {"ETag": rec.etag})
            fail = self._lro_fail(rtype, "PATCH")
            rec.state = "Updating"
            op = engine.start_op("patch", rec, target.sub, target.rg, req.query["api-version"], fail)
            if rtype.flavor == "privatedns":
                return Response(202, None, engine.lro_headers(req, op, location=True))
            return Response(200, engine.render(req, rec), engine.lro_headers(req, op, location=True))

    def delete(self, req: Request, target: Target) -> Response:
        engine = self.engine
        rtype = target.rtype
        with engine.lock:
            rid, rec, parent = self._resolve(target)
            if rec is None:
                self._check_preconditions(req, None, rid) if req.header("If-Match") else None
                return Response(204)
            self._check_preconditions(req, rec, rid)
            self._check_busy(req, rec, parent)
            if not rtype.deletable:
                code = "BadRequest" if rtype.flavor != "network" else "InvalidRequestFormat"
                raise ArmError(
                    400,
                    code,
                    f"The {'/'.join(rtype.path)} resource {rec.name} cannot be deleted; it "
                    "goes away with its parent.",
                )
            self._check_delete(rec)
            fail = self._lro_fail(rtype, "DELETE")
            if rtype.sync:
                if fail:
                    raise ArmError(500, fail["code"], fail["message"])
                engine._remove(rec)
                return Response(200)
            op = engine.start_op("delete", rec, target.sub, target.rg, req.query["api-version"], fail)
            return Response(202, None, engine.lro_headers(req, op, location=True))

    def _check_delete(self, rec: Record) -> None:
        for child in self.engine.children(rec.id):
            self._check_delete(child)
        if rec.rtype.before_delete:
            rec.rtype.before_delete(self.engine, rec)

    def list(self, req: Request, target: Target) -> Response:
        engine = self.engine
        rtype = target.rtype
        with engine.lock:
            if target.rg is not None:
                group = self._require_group(target.sub, target.rg)
                if rtype.is_child:
                    ptype = engine.type_for(list(rtype.path[:-1]))
                    pid = engine.make_id(target.sub, group["name"], ptype, target.names)
                    parent = engine.get(pid)
                    if parent is None:
                        probe = Target(
                            "resource", sub=target.sub, rg=target.rg, rtype=ptype, names=target.names
                        )
                        self._resolve(probe)
                        raise self._not_found(ptype, target.names[-1], group["name"], pid)
                    if rtype.aggregate:
                        records = [c for c in engine.children(parent.id) if c.rtype.model is rtype.model]
                    else:
                        records = engine.children(parent.id, rtype)
                else:
                    prefix = engine.rg_id(target.sub, group["name"]).lower() + "/"
                    records = [r for r in engine.of_type(rtype.full_type) if r.id.lower().startswith(prefix)]
            else:
                prefix = f"/subscriptions/{target.sub}/".lower()
                records = [r for r in engine.of_type(rtype.full_type) if r.id.lower().startswith(prefix)]
            for rec in records:
                engine.settle(rec)
            records = [r for r in records if r.id.lower() in engine.records]
            records.sort(key=lambda r: r.created)
            return self._page(req, [engine.render(req, r) for r in records])

    def _page(self, req: Request, items: list[dict]) -> Response:
        size = self.engine.page_size
        token = next((v for k, v in req.query.items() if k.lower() == "$skiptoken"), None)
        try:
            start = int(token) if token else 0
        except ValueError:
            raise ArmError(400, "InvalidSkipToken", f"The skip token '{token}' is not valid.") from None
        top = next((v for k, v in req.query.items() if k.lower() == "$top"), None)
        if top:
            size = min(size, int(top))
        page = items[start : start + size]
        body = {"value": page}
        if start + size < len(items):
            body["nextLink"] = next_link(req, start + size)
        return Response(200, body)

    def action(self, req: Request, target: Target) -> Response:
        with self.engine.lock:
            rid, rec, _ = self._resolve(target)
            if rec is None:
                raise self._not_found(target.rtype, target.names[-1], target.rg, rid)
            handler = target.rtype.actions[target.action]
            return handler(self, req, target, rec)


def _normal_location(value) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.replace(" ", "").lower()


def _regions():
    from .arm import REGIONS

    return REGIONS
