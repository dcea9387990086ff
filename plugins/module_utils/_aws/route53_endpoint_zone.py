# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Private hosted zones for one interface endpoint: one zone per private DNS name of the service.

Each zone is created with the hub VPC and holds alias records (apex, plus ``*.<name>`` when the service
needs it) to the endpoint's regional DNS entry. The zone names come from DescribeVpcEndpointServices;
they are never derived from the service name.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import route53 as r53
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import DoneIfRetried
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import desired_tags
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    NotFoundError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id

_ENDPOINT_NOT_FOUND = ("InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound")
_MAX_REFERENCE_TRIES = 20


# --- EC2 reads ---------------------------------------------------------------------------------------


def get_endpoint(conn, endpoint_id: str) -> dict | None:
    found = conn.call(
        "ec2", "describe_vpc_endpoints", not_found=_ENDPOINT_NOT_FOUND, VpcEndpointIds=[endpoint_id]
    )
    items = [
        e
        for e in (found or {}).get("VpcEndpoints", [])
        if e.get("State", "").lower() not in ("deleted", "deleting")
    ]
    return items[0] if items else None


def service_private_dns_names(conn, service_name: str) -> list[str]:
    """PrivateDnsNames (or PrivateDnsName) of the Interface flavour of ``service_name``."""
    found = conn.paginate(
        "ec2",
        "describe_vpc_endpoint_services",
        "ServiceDetails",
        ServiceNames=[service_name],
        not_found=("InvalidServiceName",),
    )
    details = [d for d in found if d.get("ServiceName") == service_name]
    interface = [
        d for d in details if any(t.get("ServiceType") == "Interface" for t in d.get("ServiceType", []))
    ]
    if not interface:
        raise NotFoundError(
            f"service_name: {service_name!r} is not an interface endpoint service in this region. "
            "Fix: use the full name from aws_vpc_endpoint_service_info, e.g. com.amazonaws.us-east-1.ssm."
        )
    detail = interface[0]
    names = [n.get("PrivateDnsName") for n in detail.get("PrivateDnsNames") or []] or [
        detail.get("PrivateDnsName")
    ]
    names = [n for n in names if n]
    if not names:
        raise ConflictError(
            f"service_name: {service_name!r} publishes no private DNS name, so there is no zone to "
            "create. Fix: resolve it through the endpoint DNS names instead, or have the service "
            "provider verify a private DNS name."
        )
    return names


# --- identity ----------------------------------------------------------------------------------------


def find_zone(conn, zone_name: str, vpc_id: str, topology: str) -> tuple[dict | None, dict, bool]:
    """``(GetHostedZone result, tags, managed)`` for the zone this run owns, or a foreign one in the way.

    Ours: a private zone with the name whose CallerReference is ours (found even if a crash left it
    untagged), else one tagged managed for the topology and associated with the hub VPC. A foreign
    private zone with the name on the hub VPC is returned with ``managed=False``.
    """
    stem = r53.caller_reference(topology, zone_name, vpc_id)
    candidates = [z for z in r53.zones_by_name(conn, zone_name) if (z.get("Config") or {}).get("PrivateZone")]
    if not candidates:
        return None, {}, False
    tags = r53.zone_tags(conn, [z["Id"] for z in candidates])
    ranked = sorted(
        candidates,
        key=lambda z: (
            not r53.is_our_reference(z.get("CallerReference"), stem),
            not is_managed(tags.get(r53.bare_zone_id(z["Id"]), {}), topology),
            z["Id"],
        ),
    )
    foreign = None
    for summary in ranked:
        zid = r53.bare_zone_id(summary["Id"])
        ours_by_reference = r53.is_our_reference(summary.get("CallerReference"), stem)
        zone = r53.get_zone(conn, zid)
        if zone is None:
            continue
        on_hub = any(v.get("VPCId") == vpc_id for v in zone.get("VPCs", []))
        if ours_by_reference or (on_hub and is_managed(tags.get(zid, {}), topology)):
            return zone, tags.get(zid, {}), True
        if on_hub and foreign is None:
            foreign = (zone, tags.get(zid, {}), False)
    return foreign or (None, {}, False)


def describe_zone(spec: dict, zone: dict | None, rrsets: list, tags: dict) -> dict:
    hz = (zone or {}).get("HostedZone") or {}
    return {
        "name": spec["name"],
        "private_dns_names": spec.get("private_dns_names", []),
        "hosted_zone_id": r53.bare_zone_id(hz["Id"]) if hz.get("Id") else None,
        "caller_reference": hz.get("CallerReference"),
        "records": r53.describe_records(spec["name"], rrsets),
        "vpcs": r53.vpcs_of(zone),
        "tags": dict(sorted(tags.items())),
    }


# --- manager -----------------------------------------------------------------------------------------


class EndpointZoneManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.pending: list = []
        self.warnings: list = []

    def validate(self) -> None:
        p = self.p
        if p.get("vpc_endpoint_id"):
            check_id(p["vpc_endpoint_id"], "vpce", "vpc_endpoint_id")
        check_id(p.get("vpc_id"), "vpc", "vpc_id")
        if p.get("vpc_region"):
            r53.check_region(p["vpc_region"], "vpc_region")
        if p.get("service_name") is not None and (not p["service_name"] or " " in p["service_name"]):
            raise ValidationError(
                "service_name",
                p["service_name"],
                "is not an endpoint service name",
                "use the full name, e.g. com.amazonaws.us-east-1.ssm",
            )
        if p["state"] == "present" and not p.get("vpc_endpoint_id"):
            raise ValidationError(
                "vpc_endpoint_id",
                None,
                "is required with state=present",
                "give the id of the interface endpoint the records point to",
            )
        for key, value in (p.get("tags") or {}).items():
            if not isinstance(value, (str, int, float, bool)):
                raise ValidationError(f"tags.{key}", value, "is not a string", "give tag values as strings")

    def ensure(self) -> dict:
        self.validate()
        self.region = self.p.get("vpc_region") or self.conn.region
        endpoint = None
        if self.p.get("vpc_endpoint_id"):
            endpoint = get_endpoint(self.conn, self.p["vpc_endpoint_id"])
            if endpoint is None and self.p["state"] == "present":
                raise NotFoundError(
                    f"vpc_endpoint_id: {self.p['vpc_endpoint_id']} does not exist. Fix: create the "
                    "interface endpoint first (aws_vpc_endpoint) and pass its id."
                )
        service = self.p.get("service_name") or (endpoint or {}).get("ServiceName")
        if endpoint and self.p.get("service_name") and endpoint.get("ServiceName") != self.p["service_name"]:
            raise ValidationError(
                "service_name",
                self.p["service_name"],
                f"differs from the endpoint's service {endpoint.get('ServiceName')}",
                "pass the endpoint's own service name or leave service_name unset",
            )
        if not service:
            raise ValidationError(
                "service_name",
                None,
                "is unknown (the endpoint no longer exists)",
                "give service_name so the zones can be found",
            )
        specs = r53.service_zones(
            service_private_dns_names(self.conn, service), self.p.get("wildcard") or "auto"
        )
        if self.p["state"] == "absent":
            pairs = [self._absent(spec) for spec in specs]
        else:
            if endpoint.get("VpcEndpointType") != "Interface":
                raise ValidationError(
                    "vpc_endpoint_id",
                    self.p["vpc_endpoint_id"],
                    f"is a {endpoint.get('VpcEndpointType')} endpoint",
                    "private zones alias interface endpoints; pass an Interface endpoint id",
                )
            target = r53.regional_dns_entry(endpoint.get("DnsEntries"))
            if target is None:
                raise ConflictError(
                    f"vpc_endpoint_id: {endpoint['VpcEndpointId']} has no DNS entries yet. "
                    "Fix: wait until the endpoint is available and re-run."
                )
            types = r53.record_types(endpoint)
            pairs = [self._present(spec, target, types) for spec in specs]
        for change_info, what in self.pending:
            r53.wait_insync(self.conn, change_info, what, self.p.get("wait_timeout", 300))
        before = [pair[0] for pair in pairs if pair[0]]
        after = [pair[1] for pair in pairs if pair[1]]
        extra = {"warnings": self.warnings} if self.warnings else {}
        return self.changes.result("zones", before, after, **extra)

    def _track(self, response, what: str):
        if response and self.p.get("wait", True):
            self.pending.append((response.get("ChangeInfo"), what))

    # present -----------------------------------------------------------------------------------------
    def _present(self, spec: dict, target: dict, types: list):
        zone, tags, managed = find_zone(self.conn, spec["name"], self.p["vpc_id"], self.p["topology"])
        if zone is not None and not managed:
            zid = r53.bare_zone_id(zone["HostedZone"]["Id"])
            raise ConflictError(
                f"zone {spec['name']} ({zid}) is already associated with {self.p['vpc_id']} and is "
                "not managed by this collection; Route 53 allows one private zone per name on a VPC. "
                "Fix: delete or disassociate that zone, or tag it cloudnet:managed-by="
                f"cloudnet.privatelink and cloudnet:topology={self.p['topology']} to adopt it."
            )
        want_tags = desired_tags(self.p.get("tags"), self.p["topology"], spec["name"])
        want = r53.desired_records(spec["name"], spec["wildcard"], types, target)
        if zone is None:
            zone, rrsets, tags = self._create(spec), [], {}
            before = None
        else:
            rrsets = r53.list_records(self.conn, zone["HostedZone"]["Id"])
            before = describe_zone(spec, zone, rrsets, tags)
            self._ensure_hub_vpc(zone)
        zid = r53.bare_zone_id(zone["HostedZone"]["Id"]) if zone["HostedZone"].get("Id") else None
        tags = r53.reconcile_zone_tags(
            self.conn, self.changes, zid, tags, want_tags, self.p.get("purge_tags", True)
        )
        batch = r53.plan_records(spec["name"], rrsets, want)
        if batch:
            self._change_records(zid, spec["name"], batch)
        return before, describe_zone(spec, zone, r53.apply_record_changes(rrsets, batch), tags)

    def _create(self, spec: dict) -> dict:
        stem = r53.caller_reference(self.p["topology"], spec["name"], self.p["vpc_id"])
        vpc = {"VPCRegion": self.region, "VPCId": self.p["vpc_id"]}
        predicted = {
            "HostedZone": {
                "Id": None,
                "Name": spec["name"] + ".",
                "CallerReference": stem,
                "Config": {"PrivateZone": True},
            },
            "VPCs": [vpc],
        }
        created = self.changes.do(
            "create",
            f"hostedzone/{spec['name']}",
            lambda: self._create_call(spec["name"], stem, vpc),
            vpc_id=self.p["vpc_id"],
            vpc_region=self.region,
        )
        if created is None:
            return predicted
        self._track(created, f"creation of zone {spec['name']}")
        return {"HostedZone": created["HostedZone"], "VPCs": [created.get("VPC") or vpc]}

    def _create_call(self, name: str, stem: str, vpc: dict) -> dict:
        """CreateHostedZone, private, with the hub VPC. A reference Route 53 already saw is either our own
        zone (a retried create whose first answer was lost: it is the result) or a zone deleted earlier,
        then the next numbered reference is used; the zone lookup accepts every numbered form."""
        comment = f"cloudnet.privatelink {self.p['topology']}: {self.p.get('vpc_endpoint_id')}"
        for attempt in range(_MAX_REFERENCE_TRIES):
            reference = stem if attempt == 0 else f"{stem}-{attempt}"
            out = self.conn.call(
                "route53",
                "create_hosted_zone",
                not_found=("HostedZoneAlreadyExists",),
                Name=name,
                CallerReference=reference,
                VPC=vpc,
                HostedZoneConfig={"Comment": comment, "PrivateZone": True},
            )
            if out is None:
                out = self._zone_with_reference(name, reference)
            if out is not None:
                return out
        raise ConflictError(
            f"zone {name}: Route 53 refused {_MAX_REFERENCE_TRIES} caller references as already used. "
            "Fix: use another topology name, or delete the stale zones with this name."
        )

    def _zone_with_reference(self, name: str, reference: str) -> dict | None:
        """The live zone created with ``reference`` (GetHostedZone shape), or None."""
        for summary in r53.zones_by_name(self.conn, name):
            if summary.get("CallerReference") == reference:
                return r53.get_zone(self.conn, summary["Id"])
        return None

    def _ensure_hub_vpc(self, zone: dict):
        if any(v.get("VPCId") == self.p["vpc_id"] for v in zone.get("VPCs", [])):
            return
        zid = r53.bare_zone_id(zone["HostedZone"]["Id"])
        vpc = {"VPCRegion": self.region, "VPCId": self.p["vpc_id"]}

        def associate():
            out = DoneIfRetried(self.conn, r53.ALREADY_ASSOCIATED).call(
                "route53", "associate_vpc_with_hosted_zone", HostedZoneId=zid, VPC=vpc
            )
            now = r53.get_zone(self.conn, zid) if out is None else None
            if now is not None and not any(v.get("VPCId") == vpc["VPCId"] for v in now.get("VPCs", [])):
                raise ConflictError(
                    f"zone {zid}: {vpc['VPCId']} is associated with another private zone of the same name. "
                    "Fix: disassociate that zone from the VPC first."
                )
            return out

        out = self.changes.do("associate", zid, associate, vpc_id=self.p["vpc_id"])
        self._track(out, f"association of {self.p['vpc_id']} with {zid}")
        zone["VPCs"] = list(zone.get("VPCs", [])) + [vpc]

    def _change_records(self, zid, name: str, batch: list):
        out = self.changes.do(
            "change_records",
            zid or f"hostedzone/{name}",
            lambda: self.conn.call(
                "route53",
                "change_resource_record_sets",
                HostedZoneId=zid,
                ChangeBatch={"Comment": "cloudnet.privatelink endpoint records", "Changes": batch},
            ),
            changes=[
                {
                    "action": c["Action"],
                    "name": r53.dns_name(c["ResourceRecordSet"]["Name"]),
                    "type": c["ResourceRecordSet"]["Type"],
                }
                for c in batch
            ],
        )
        self._track(out, f"record changes in {name}")

    # absent ------------------------------------------------------------------------------------------
    def _absent(self, spec: dict):
        zone, tags, managed = find_zone(self.conn, spec["name"], self.p["vpc_id"], self.p["topology"])
        if zone is None:
            return None, None
        zid = r53.bare_zone_id(zone["HostedZone"]["Id"])
        rrsets = r53.list_records(self.conn, zid)
        before = describe_zone(spec, zone, rrsets, tags)
        if not managed:
            self.warnings.append(
                f"zone {spec['name']} ({zid}) is not managed by this collection; left in place"
            )
            return before, before
        batch = [
            {"Action": "DELETE", "ResourceRecordSet": r53._as_sent(rr)}
            for rr in r53.owned_records(spec["name"], rrsets).values()
            if "AliasTarget" in rr
        ]
        if batch:
            self._change_records(zid, spec["name"], batch)
        self.changes.do("delete", zid, lambda: self._delete_call(zid, spec["name"]))
        return before, None

    def _delete_call(self, zid: str, name: str):
        try:
            return self.conn.call("route53", "delete_hosted_zone", Id=zid, not_found=r53.ZONE_NOT_FOUND)
        except ApiError as err:
            if err.code == "HostedZoneNotEmpty":
                raise ConflictError(
                    f"zone {name} ({zid}) still holds records this collection did not make. "
                    "Fix: remove them, then re-run."
                ) from None
            raise


# --- info --------------------------------------------------------------------------------------------


def gather(conn, params: dict) -> list[dict]:
    """Zones for the info module: by ids, by names, or by endpoint service names; VPC-filtered."""
    ids = [
        r53.check_zone_id(z, f"hosted_zone_ids[{i}]")
        for i, z in enumerate(params.get("hosted_zone_ids") or [])
    ]
    names = [r53.check_dns_name(n, f"names[{i}]") for i, n in enumerate(params.get("names") or [])]
    if params.get("vpc_id"):
        check_id(params["vpc_id"], "vpc", "vpc_id")
    specs: dict = {}
    if params.get("service_name"):
        for spec in r53.service_zones(service_private_dns_names(conn, params["service_name"]), "auto"):
            specs[spec["name"]] = spec
    for name in names:
        specs.setdefault(name, {"name": name, "private_dns_names": []})
    zones = []
    for name in specs:
        zones.extend(z for z in r53.zones_by_name(conn, name) if (z.get("Config") or {}).get("PrivateZone"))
    found = {r53.bare_zone_id(z["Id"]): z for z in zones}
    for zid in ids:
        zone = r53.get_zone(conn, zid)
        if zone:
            found[zid] = zone["HostedZone"]
    if not (ids or specs) and params.get("vpc_id"):
        region = params.get("vpc_region") or conn.region
        for summary in r53.zones_by_vpc(conn, params["vpc_id"], region):
            found.setdefault(
                summary["HostedZoneId"], {"Id": summary["HostedZoneId"], "Name": summary["Name"]}
            )
    tags = r53.zone_tags(conn, list(found)) if found else {}
    out = []
    for zid, hz in sorted(found.items()):
        zone = r53.get_zone(conn, zid)
        if zone is None:
            continue
        if params.get("vpc_id") and not any(v.get("VPCId") == params["vpc_id"] for v in zone.get("VPCs", [])):
            continue
        if params.get("topology") and not is_managed(tags.get(zid, {}), params["topology"]):
            continue
        name = r53.dns_name(hz["Name"])
        spec = specs.get(name) or {"name": name, "private_dns_names": []}
        item = describe_zone(spec, zone, r53.list_records(conn, zid) if params.get("include_records", True) else [],
                             tags.get(zid, {}))
        if not params.get("include_records", True):
            del item["records"]
        out.append(item)
    return out
