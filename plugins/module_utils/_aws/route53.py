# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Route 53 private hosted zones: wrappers (one per SDK call), name normalisers and record planners.

Used by the endpoint private zone manager (``route53_endpoint_zone``) and the VPC association manager
(``route53_association``). Route 53 is a global service; every call goes through ``AwsConnection``.
"""

from __future__ import annotations

import hashlib
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import PROTECTED
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    tag_changes,
    tag_dict_to_list,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

ZONE_NOT_FOUND = ("NoSuchHostedZone",)
# AssociateVPCWithHostedZone retried after its lost answer: the VPC is already associated with the zone.
ALREADY_ASSOCIATED = ("ConflictingDomainExists",)
ALIAS_TYPES = ("A", "AAAA")
_ZONE_ID = re.compile(r"^[A-Z0-9]{1,32}$")
_REGION = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d+$")
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
# A zonal endpoint DNS name carries the AZ at the end of its first label: vpce-...-abcd1234-us-east-1a
_ZONAL_LABEL = re.compile(r"-[a-z]{2}(-gov)?-[a-z]+-\d+[a-z]$")
_MAX_PAGES = 100


# --- normalisation ---------------------------------------------------------------------------------


def bare_zone_id(value: str) -> str:
    """``/hostedzone/Z123`` -> ``Z123``."""
    return str(value).rsplit("/", 1)[-1]


def check_zone_id(value, field: str) -> str:
    zid = bare_zone_id(value) if isinstance(value, str) else value
    if not isinstance(zid, str) or not _ZONE_ID.match(zid):
        raise ValidationError(
            field,
            value,
            "is not a Route 53 hosted zone id",
            "use an id such as Z0123456789ABCDEFGHIJ (with or without /hostedzone/)",
        )
    return zid


def check_region(value, field: str) -> str:
    if not isinstance(value, str) or not _REGION.match(value):
        raise ValidationError(field, value, "is not an AWS region name", "use a region such as us-east-1")
    return value


def dns_name(value: str) -> str:
    """Canonical DNS name: lower case, ``\\052`` shown as ``*``, no trailing dot."""
    return str(value).replace("\\052", "*").lower().rstrip(".")


def check_dns_name(value, field: str) -> str:
    name = dns_name(value or "")
    labels = name.split(".")
    if len(labels) < 2 or len(name) > 253 or not all(_LABEL.match(label) for label in labels):
        raise ValidationError(
            field, value, "is not a valid DNS zone name", "use a name such as ssm.us-east-1.amazonaws.com"
        )
    return name


def caller_reference(topology: str, zone_name: str, vpc_id: str) -> str:
    """Deterministic CallerReference stem: a retried create finds the zone instead of making a second."""
    digest = hashlib.sha256(f"{topology}/{dns_name(zone_name)}/{vpc_id}".encode()).hexdigest()[:40]
    return f"cloudnet-{digest}"


def is_our_reference(reference: str | None, stem: str) -> bool:
    """Our references are the stem, or the stem plus ``-<n>`` (Route 53 never lets a reference be reused)."""
    return bool(reference) and (
        reference == stem or re.fullmatch(re.escape(stem) + r"-\d+", reference) is not None
    )


def service_zones(names: list, wildcard: str) -> list[dict]:
    """Zones for a service's private DNS names: ``[{name, private_dns_names, wildcard}]`` sorted by name.

    ``*.s3.us-east-1.amazonaws.com`` gives the zone ``s3.us-east-1.amazonaws.com`` with a wildcard record
    (``wildcard=auto``); ``always`` adds the wildcard to every zone, ``never`` to none.
    """
    zones: dict = {}
    for raw in names:
        if not raw:
            continue
        name = dns_name(raw)
        star = name.startswith("*.")
        zone = name[2:] if star else name
        entry = zones.setdefault(zone, {"name": zone, "private_dns_names": [], "wildcard": False})
        entry["private_dns_names"].append(name)
        entry["wildcard"] = entry["wildcard"] or star
    for entry in zones.values():
        entry["private_dns_names"].sort()
        entry["wildcard"] = {"always": True, "never": False}.get(wildcard, entry["wildcard"])
    return [zones[k] for k in sorted(zones)]


def regional_dns_entry(entries: list) -> dict | None:
    """The endpoint's regional DNS entry: the first ``vpce-`` entry without an AZ in its first label."""
    entries = [e for e in entries or [] if e.get("DnsName")]
    for entry in entries:
        label = entry["DnsName"].split(".", 1)[0].lower()
        if label.startswith("vpce-") and not _ZONAL_LABEL.search(label):
            return entry
    return entries[0] if entries else None


def record_types(endpoint: dict) -> list[str]:
    """A, AAAA or both, from the endpoint's DNS record IP type (or its IP address type)."""
    ip_type = (endpoint.get("DnsOptions") or {}).get("DnsRecordIpType")
    if ip_type in (None, "", "service-defined"):
        ip_type = endpoint.get("IpAddressType") or "ipv4"
    return {"ipv4": ["A"], "dualstack": ["A", "AAAA"], "ipv6": ["AAAA"]}.get(ip_type, ["A"])


# --- records -----------------------------------------------------------------------------------------


def managed_names(zone_name: str) -> tuple[str, str]:
    """The record names this collection owns in an endpoint zone: the apex and the wildcard."""
    zone = dns_name(zone_name)
    return zone, f"*.{zone}"


def desired_records(zone_name: str, wildcard: bool, types: list, target: dict) -> dict:
    """``{(name, type): ResourceRecordSet}`` of alias records to the endpoint DNS entry ``target``."""
    apex, star = managed_names(zone_name)
    names = [apex, star] if wildcard else [apex]
    alias = {
        "HostedZoneId": target["HostedZoneId"],
        "DNSName": dns_name(target["DnsName"]) + ".",
        "EvaluateTargetHealth": False,
    }
    return {
        (name, rtype): {"Name": name + ".", "Type": rtype, "AliasTarget": dict(alias)}
        for name in names
        for rtype in types
    }


def _same_record(have: dict | None, want: dict) -> bool:
    if have is None or "AliasTarget" not in have:
        return False
    a, b = have["AliasTarget"], want["AliasTarget"]
    return (
        dns_name(a.get("DNSName", "")) == dns_name(b["DNSName"])
        and a.get("HostedZoneId") == b["HostedZoneId"]
        and bool(a.get("EvaluateTargetHealth")) == bool(b["EvaluateTargetHealth"])
    )


def owned_records(zone_name: str, rrsets: list) -> dict:
    """``{(name, type): rrset}`` of the A/AAAA records at the apex and wildcard (the managed scope)."""
    names = managed_names(zone_name)
    out = {}
    for rr in rrsets:
        name = dns_name(rr["Name"])
        if name in names and rr["Type"] in ALIAS_TYPES and not rr.get("SetIdentifier"):
            out[(name, rr["Type"])] = rr
    return out


def plan_records(zone_name: str, rrsets: list, want: dict) -> list[dict]:
    """One change batch: UPSERT what differs, DELETE managed alias records no longer wanted.

    Records outside the apex/wildcard A/AAAA scope are never touched; a non-alias record in the scope
    that is not wanted is left alone (only alias records can have been made by this collection).
    """
    have = owned_records(zone_name, rrsets)
    changes = [
        {"Action": "UPSERT", "ResourceRecordSet": rr}
        for key, rr in sorted(want.items())
        if not _same_record(have.get(key), rr)
    ]
    for key, rr in sorted(have.items()):
        if key not in want and "AliasTarget" in rr:
            changes.append({"Action": "DELETE", "ResourceRecordSet": _as_sent(rr)})
    return changes


def _as_sent(rr: dict) -> dict:
    """A record set read from Route 53 as it must be sent back to DELETE it."""
    out = {k: v for k, v in rr.items() if k in ("Name", "Type", "AliasTarget", "TTL", "ResourceRecords")}
    out["Name"] = dns_name(rr["Name"]) + "."
    return out


def describe_records(zone_name: str, rrsets: list) -> list[dict]:
    """The managed-scope records in result form, sorted."""
    out = []
    for (name, rtype), rr in sorted(owned_records(zone_name, rrsets).items()):
        item = {"name": name, "type": rtype}
        if "AliasTarget" in rr:
            a = rr["AliasTarget"]
            item["alias_target"] = {
                "dns_name": dns_name(a.get("DNSName", "")),
                "hosted_zone_id": a.get("HostedZoneId"),
                "evaluate_target_health": bool(a.get("EvaluateTargetHealth")),
            }
        else:
            item["values"] = [r.get("Value") for r in rr.get("ResourceRecords", [])]
        out.append(item)
    return out


def apply_record_changes(rrsets: list, changes: list) -> list:
    """The record sets after ``changes`` (used to predict results in check mode and after a batch)."""
    out = {(dns_name(rr["Name"]), rr["Type"]): rr for rr in rrsets}
    for change in changes:
        rr = change["ResourceRecordSet"]
        key = (dns_name(rr["Name"]), rr["Type"])
        if change["Action"] == "DELETE":
            out.pop(key, None)
        else:
            out[key] = rr
    return list(out.values())


# --- wrappers: one per SDK call -------------------------------------------------------------------


def get_zone(conn, zone_id: str) -> dict | None:
    """GetHostedZone: ``{HostedZone, VPCs}`` or None."""
    return conn.call("route53", "get_hosted_zone", not_found=ZONE_NOT_FOUND, Id=bare_zone_id(zone_id))


def zones_by_name(conn, name: str) -> list:
    """Every hosted zone of this account named exactly ``name`` (ListHostedZonesByName pages)."""
    want = dns_name(name) + "."
    found, kwargs = [], {"DNSName": want, "MaxItems": "100"}
    for _page in range(_MAX_PAGES):
        page = conn.call("route53", "list_hosted_zones_by_name", **kwargs)
        matching = [z for z in page.get("HostedZones", []) if dns_name(z["Name"]) + "." == want]
        found.extend(matching)
        if not page.get("IsTruncated") or dns_name(page.get("NextDNSName") or "") + "." != want:
            break
        kwargs["HostedZoneId"] = page["NextHostedZoneId"]
    return found


def zones_by_vpc(conn, vpc_id: str, vpc_region: str) -> list:
    """ListHostedZonesByVPC: summaries (HostedZoneId, Name, Owner) of every zone associated with the VPC."""
    found, kwargs = [], {"VPCId": vpc_id, "VPCRegion": vpc_region, "MaxItems": "100"}
    for _page in range(_MAX_PAGES):
        page = conn.call("route53", "list_hosted_zones_by_vpc", **kwargs)
        found.extend(page.get("HostedZoneSummaries", []))
        if not page.get("NextToken"):
            break
        kwargs["NextToken"] = page["NextToken"]
    return found


def list_records(conn, zone_id: str) -> list:
    return conn.paginate(
        "route53", "list_resource_record_sets", "ResourceRecordSets", HostedZoneId=bare_zone_id(zone_id)
    )


def zone_tags(conn, zone_ids: list) -> dict:
    """``{zone_id: {tag: value}}`` through ListTagsForResources (10 ids per call)."""
    ids = [bare_zone_id(z) for z in zone_ids]
    out = {}
    for i in range(0, len(ids), 10):
        page = conn.call(
            "route53", "list_tags_for_resources", ResourceType="hostedzone", ResourceIds=ids[i : i + 10]
        )
        for item in page.get("ResourceTagSets", []):
            out[bare_zone_id(item["ResourceId"])] = tag_list_to_dict(item.get("Tags"))
    return out


def reconcile_zone_tags(conn, changes, zone_id, have: dict, want: dict, purge: bool) -> dict:
    """ChangeTagsForResource (at most 10 keys to add and 10 to remove per call); returns the tags after."""
    to_set, to_unset = tag_changes(have, want, purge, protected=PROTECTED)
    add = tag_dict_to_list(to_set)
    for i in range(0, max(len(add), len(to_unset)), 10):
        args = {"AddTags": add[i : i + 10] or None, "RemoveTagKeys": to_unset[i : i + 10] or None}
        args = {k: v for k, v in args.items() if v}
        target = zone_id or "hostedzone/(new)"
        changes.do(
            "tag",
            target,
            lambda a=args: conn.call(
                "route53",
                "change_tags_for_resource",
                ResourceType="hostedzone",
                ResourceId=bare_zone_id(zone_id),
                **a,
            ),
            tags={t["Key"]: t["Value"] for t in args.get("AddTags", [])} or None,
            removed=args.get("RemoveTagKeys"),
        )
    after = {k: v for k, v in have.items() if k not in to_unset}
    after.update(to_set)
    return after


def wait_insync(conn, change_info: dict | None, what: str, timeout: float) -> dict | None:
    """Wait until a Route 53 change is INSYNC (bounded). PENDING changes are polled with GetChange."""
    if not change_info or change_info.get("Status") == "INSYNC":
        return change_info
    change_id = change_info["Id"]
    return wait_until(
        lambda: conn.call("route53", "get_change", Id=change_id)["ChangeInfo"],
        lambda c: c.get("Status") == "INSYNC",
        what,
        timeout,
        state_of=lambda c: c.get("Status"),
    )


def vpcs_of(zone: dict | None) -> list[dict]:
    """Result form of GetHostedZone's VPCs, sorted."""
    vpcs = [
        {"vpc_id": v.get("VPCId"), "vpc_region": v.get("VPCRegion")} for v in (zone or {}).get("VPCs", [])
    ]
    return sorted(vpcs, key=lambda v: (v["vpc_id"] or "", v["vpc_region"] or ""))
