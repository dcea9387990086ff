"""Cloud DNS v1 collections: managed zones, record sets and changes."""

from __future__ import annotations

import copy
import ipaddress
import re
import time

from . import errors
from .compute import REF
from .engine import NAME_RE, Ctx, Engine, Hooks, Spec, apply_filter, now_zulu, paginate
from .errors import ApiError

TYPES = {
    "A",
    "AAAA",
    "CAA",
    "CNAME",
    "DNSKEY",
    "DS",
    "HTTPS",
    "IPSECKEY",
    "MX",
    "NAPTR",
    "NS",
    "PTR",
    "SOA",
    "SPF",
    "SRV",
    "SSHFP",
    "SVCB",
    "TLSA",
    "TXT",
}
PUBLIC_NS = [f"ns-cloud-a{i}.googledomains.com." for i in range(1, 5)]
PRIVATE_NS = ["ns-gcp-private.googledomains.com."]


def zone_of(engine: Engine, ctx: Ctx) -> dict:
    zone = engine.lookup("dns", "managedZones", (ctx.project,), ctx.params["managedZone"])
    if zone is None:
        raise ApiError(
            404,
            "notFound",
            f"The 'parameters.managedZone' resource named '{ctx.params['managedZone']}' does not exist.",
        )
    return zone


class ManagedZones(Hooks):
    engine: Engine = None

    def build(self, ctx, body):
        zone = copy.deepcopy(body)
        if not zone.get("dnsName"):
            raise errors.required("entity.managedZone.dnsName")
        zone.setdefault("description", "")
        zone.setdefault("visibility", "public")
        zone["creationTime"] = now_zulu()
        zone["nameServers"] = PRIVATE_NS if zone["visibility"] == "private" else PUBLIC_NS
        zone["_changes"] = 0
        return zone

    def validate(self, ctx, zone):
        dns_name = zone["dnsName"]
        if not dns_name.endswith(".") or not re.fullmatch(
            r"([a-z0-9_]([-a-z0-9_]*[a-z0-9_])?\.)+", dns_name.lower()
        ):
            raise ApiError(400, "invalid", f"Invalid value for 'entity.managedZone.dnsName': '{dns_name}'")
        private = zone["visibility"] == "private"
        if zone.get("privateVisibilityConfig") and not private:
            raise ApiError(
                400,
                "invalid",
                "Invalid value for 'entity.managedZone.privateVisibilityConfig': "
                "only private zones have a private visibility config",
            )
        if zone.get("forwardingConfig") and not private:
            raise ApiError(
                400,
                "invalid",
                "Invalid value for 'entity.managedZone.forwardingConfig': forwarding zones must be private",
            )
        for i, net in enumerate((zone.get("privateVisibilityConfig") or {}).get("networks", [])):
            found = REF.match(net.get("networkUrl", ""))
            project = (found.group("project") if found else None) or ctx.project
            if (
                not found
                or found.group("collection") != "networks"
                or self.engine.lookup("compute", "networks", (project,), found.group("name")) is None
            ):
                raise ApiError(
                    400,
                    "invalid",
                    f"Invalid value for 'entity.managedZone.privateVisibilityConfig."
                    f"networks[{i}].networkUrl': '{net.get('networkUrl', '')}'",
                )
        for i, target in enumerate((zone.get("forwardingConfig") or {}).get("targetNameServers", [])):
            address = target.get("ipv4Address") or target.get("ipv6Address")
            try:
                ipaddress.ip_address(address or "")
            except ValueError as exc:
                raise ApiError(
                    400,
                    "invalid",
                    "Invalid value for 'entity.managedZone.forwardingConfig."
                    f"targetNameServers[{i}].ipv4Address': '{address or ''}'",
                ) from exc
            target.setdefault("forwardingPath", "default")

    def after_insert(self, ctx, zone):
        name = zone["dnsName"]
        records = self.engine.table(
            self.engine.specs[("dns", "resourceRecordSets")], (ctx.project, zone["name"])
        )
        records[(name, "SOA")] = {
            "name": name,
            "type": "SOA",
            "ttl": 21600,
            "rrdatas": [f"{zone['nameServers'][0]} cloud-dns-hostmaster.google.com. 1 21600 3600 259200 300"],
        }
        records[(name, "NS")] = {
            "name": name,
            "type": "NS",
            "ttl": 21600,
            "rrdatas": list(zone["nameServers"]),
        }

    def check_delete(self, ctx, zone):
        records = self.engine.table(
            self.engine.specs[("dns", "resourceRecordSets")], (ctx.project, zone["name"])
        )
        if any(key not in ((zone["dnsName"], "SOA"), (zone["dnsName"], "NS")) for key in records):
            raise ApiError(
                400,
                "containerNotEmpty",
                f"The resource named '{zone['name']}' cannot be deleted because it is not empty",
            )

    def after_delete(self, ctx, zone):
        for collection in ("resourceRecordSets", "changes"):
            self.engine.data.pop(("dns", collection, (ctx.project, zone["name"])), None)

    def dns_operation(self, engine, ctx, op_type, old, new):
        spec = engine.specs[("dns", "managedZones")]
        return {
            "kind": "dns#operation",
            "id": str(int(time.time() * 1000)),
            "startTime": now_zulu(),
            "status": "done",
            "type": op_type.lower(),
            "user": ctx.principal,
            "zoneContext": {
                "oldValue": engine.render(spec, ctx, old),
                "newValue": engine.render(spec, ctx, new),
            },
        }

    def list_filter(self, ctx, zones):
        wanted = ctx.q("dnsName")
        if wanted:
            wanted = wanted if wanted.endswith(".") else wanted + "."
            zones = [z for z in zones if z["dnsName"] == wanted]
        return zones


def check_record(zone: dict, record: dict, field: str) -> dict:
    record = copy.deepcopy(record)
    name, kind = record.get("name", ""), record.get("type", "")
    if not name.endswith(".") or not (name == zone["dnsName"] or name.endswith("." + zone["dnsName"])):
        raise ApiError(
            400,
            "invalid",
            f"Invalid value for '{field}.name': '{name}'"
            f" (the name must be within the zone's DNS name {zone['dnsName']})",
        )
    if kind not in TYPES:
        raise ApiError(400, "invalid", f"Invalid value for '{field}.type': '{kind}'")
    if not record.get("rrdatas") and not record.get("routingPolicy"):
        raise ApiError(400, "required", f"Required field '{field}.rrdatas' not specified")
    if kind == "A":
        for data in record["rrdatas"]:
            try:
                ipaddress.IPv4Address(data)
            except ValueError as exc:
                raise ApiError(400, "invalid", f"Invalid value for '{field}.rrdata': '{data}'") from exc
    if kind == "CNAME" and len(record["rrdatas"]) != 1:
        raise ApiError(400, "invalid", f"Invalid value for '{field}.rrdata': a CNAME takes exactly one value")
    record.setdefault("ttl", 300)
    record.pop("kind", None)
    return record


class RecordSets(Hooks):
    engine: Engine = None

    def build(self, ctx, body):
        return check_record(zone_of(self.engine, ctx), body, "entity.rrset")

    def check_delete(self, ctx, record):
        zone = zone_of(self.engine, ctx)
        if record["name"] == zone["dnsName"] and record["type"] in ("SOA", "NS"):
            raise ApiError(400, "invalid", "The zone apex SOA and NS records cannot be deleted.")

    def list_filter(self, ctx, records):
        zone_of(self.engine, ctx)
        if ctx.q("name"):
            records = [r for r in records if r["name"] == ctx.q("name")]
        if ctx.q("type"):
            records = [r for r in records if r["type"] == ctx.q("type")]
        return records


def record_delete(engine: Engine, spec: Spec, ctx: Ctx):
    status, _ = engine.delete(spec, ctx)
    return 200, {}


def record_patch(engine: Engine, spec: Spec, ctx: Ctx):
    body = engine.clean_body(spec, ctx)
    with engine.lock:
        zone = zone_of(engine, ctx)
        scope, key, old = engine.fetch(spec, ctx)
        new = check_record(zone, dict(old, **body), "entity.rrset")
        if (new["name"], new["type"]) != key:
            raise ApiError(400, "invalid", "The name and type of a record set cannot be changed.")
        engine.table(spec, scope)[key] = new
        return 200, engine.render(spec, ctx, new)


def change_create(engine: Engine, spec: Spec, ctx: Ctx):
    body = engine.clean_body(spec, ctx)
    records_spec = engine.specs[("dns", "resourceRecordSets")]
    with engine.lock:
        zone = zone_of(engine, ctx)
        scope = (ctx.project, zone["name"])
        table = engine.table(records_spec, scope)
        additions = [
            check_record(zone, r, f"entity.change.additions[{i}]")
            for i, r in enumerate(body.get("additions", []))
        ]
        deletions = [
            check_record(zone, r, f"entity.change.deletions[{i}]")
            for i, r in enumerate(body.get("deletions", []))
        ]
        if not additions and not deletions:
            raise ApiError(400, "required", "The 'entity.change' resource is missing additions or deletions.")
        after = dict(table)
        for i, record in enumerate(deletions):
            key = (record["name"], record["type"])
            current = after.get(key)
            if current is None:
                raise ApiError(
                    404,
                    "notFound",
                    f"The 'entity.change.deletions[{i}]' resource named "
                    f"'{key[0]} ({key[1]})' does not exist.",
                )
            if (current.get("ttl"), sorted(current.get("rrdatas", []))) != (
                record["ttl"],
                sorted(record["rrdatas"]),
            ):
                raise ApiError(
                    412, "conditionNotMet", f"Precondition not met for 'entity.change.deletions[{i}]'"
                )
            del after[key]
        for i, record in enumerate(additions):
            key = (record["name"], record["type"])
            if key in after:
                raise ApiError(
                    409,
                    "alreadyExists",
                    f"The resource 'entity.change.additions[{i}]' named '{key[0]} ({key[1]})' already exists",
                )
            after[key] = record
        table.clear()
        table.update(after)
        zone["_changes"] += 1
        change = {
            "id": str(zone["_changes"]),
            "startTime": now_zulu(),
            "status": "pending",
            "additions": additions,
            "deletions": deletions,
            "isServing": True,
            "_polls": engine.emulator.operation_polls,
        }
        if not change["additions"]:
            change.pop("additions")
        if not change["deletions"]:
            change.pop("deletions")
        if change["_polls"] <= 0:
            change["status"] = "done"
        engine.table(spec, scope)[(change["id"],)] = change
        return 200, engine.render(spec, ctx, change)


def change_get(engine: Engine, spec: Spec, ctx: Ctx):
    with engine.lock:
        zone = zone_of(engine, ctx)
        change = engine.table(spec, (ctx.project, zone["name"])).get((ctx.params["changeId"],))
        if change is None:
            raise ApiError(
                404,
                "notFound",
                f"The 'parameters.changeId' resource named '{ctx.params['changeId']}' does not exist.",
            )
        if change["status"] == "pending":
            change["_polls"] -= 1
            if change["_polls"] <= 0:
                change["status"] = "done"
        return 200, engine.render(spec, ctx, change)


def change_list(engine: Engine, spec: Spec, ctx: Ctx):
    with engine.lock:
        zone = zone_of(engine, ctx)
        changes = [
            engine.render(spec, ctx, c) for c in engine.table(spec, (ctx.project, zone["name"])).values()
        ]
    changes.sort(key=lambda c: int(c["id"]), reverse=ctx.q("sortOrder") == "descending")
    page, token = paginate(apply_filter(changes, None), ctx)
    body = {"kind": "dns#changesListResponse", "changes": page}
    if token:
        body["nextPageToken"] = token
    return 200, body


class Changes(Hooks):
    pass


def specs() -> list[Spec]:
    records = RecordSets()
    records.custom = {"delete": record_delete, "patch": record_patch}
    changes = Changes()
    changes.custom = {"create": change_create, "get": change_get, "list": change_list}
    return [
        Spec(
            "dns",
            "managedZones",
            "ManagedZone",
            ManagedZones(),
            list_key="managedZones",
            list_kind="dns#managedZonesListResponse",
            synchronous=True,
            immutable=("dnsName", "visibility"),
        ),
        Spec(
            "dns",
            "resourceRecordSets",
            "ResourceRecordSet",
            records,
            list_key="rrsets",
            list_kind="dns#resourceRecordSetsListResponse",
            key_fields=("name", "type"),
            synchronous=True,
        ),
        Spec(
            "dns",
            "changes",
            "Change",
            changes,
            list_key="changes",
            list_kind="dns#changesListResponse",
            key_fields=("id",),
            synchronous=True,
        ),
    ]


__all__ = ["NAME_RE", "specs"]
