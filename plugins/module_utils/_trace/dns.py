# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How the Route 53 Resolver of a VPC answers a name (pure functions).

Route 53 Resolver (Developer Guide, "Resolving DNS queries between VPCs and your network"): among the
forwarding rules associated with the VPC and the private hosted zones associated with it, the most specific
domain wins; for the same domain a forwarding rule wins over a zone. A private zone is authoritative for its
domain: a name it holds no record for is NXDOMAIN, never looked up publicly. An interface endpoint with
private DNS on answers its service's private DNS names in its VPC through a hidden, AWS-managed zone.
Without any of them the name resolves publicly (for AWS services, to public addresses).
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.hops import dns_name, in_domain

ADDRESS_TYPES = ("A", "AAAA")


def _labels(name: str) -> int:
    return len(dns_name(name).split("."))


def candidates(name: str, zones: list, local_endpoints: list, rules: list) -> list:
    """Everything that could answer ``name`` in the VPC, most specific first (rules before zones on ties)."""
    out = []
    for rule in rules or []:
        if rule.get("domain") and in_domain(name, rule["domain"]):
            out.append({"kind": "rule", "domain": dns_name(rule["domain"]), "rule": rule})
    for zone in zones or []:
        if in_domain(name, zone["name"]):
            out.append({"kind": "zone", "domain": dns_name(zone["name"]), "zone": zone})
    for ep in local_endpoints or []:
        for dns in ep.get("private_dns_names") or []:
            domain = dns_name(dns).removeprefix("*.")
            wildcard = dns_name(dns).startswith("*.")
            if dns_name(name) == domain or (wildcard and in_domain(name, domain)):
                out.append({"kind": "endpoint", "domain": domain, "endpoint": ep})
                break

    def key(c):
        ident = (
            (c.get("rule") or {}).get("rule_id")
            or (c.get("zone") or {}).get("zone_id")
            or (c.get("endpoint") or {}).get("endpoint_id")
            or ""
        )
        return (-_labels(c["domain"]), c["kind"] != "rule", c["kind"], c["domain"], ident)

    return sorted(out, key=key)


def lookup(zone_name: str, rrsets: list, qname: str) -> dict | None:
    """The record set of a zone that answers ``qname`` (exact name first, then the closest wildcard)."""
    qname, zone_name = dns_name(qname), dns_name(zone_name)
    by_name: dict = {}
    for rr in rrsets or []:
        if rr.get("Type") in ADDRESS_TYPES + ("CNAME",):
            by_name.setdefault(dns_name(rr.get("Name")), []).append(rr)
    names = [qname]
    labels = qname.split(".")
    zone_labels = len(zone_name.split("."))
    for i in range(1, len(labels) - zone_labels + 1):
        names.append("*." + ".".join(labels[i:]))
    for candidate in names:
        found = by_name.get(candidate)
        if found:
            rr = sorted(found, key=lambda r: ("A", "AAAA", "CNAME").index(r["Type"]))[0]
            return {
                "name": candidate,
                "type": rr["Type"],
                "alias_target": dns_name((rr.get("AliasTarget") or {}).get("DNSName")) or None,
                "values": [r.get("Value") for r in rr.get("ResourceRecords") or []],
                "wildcard": candidate != qname,
            }
    return None


def resolve(name: str, zones: list, records_of, local_endpoints: list, rules: list) -> dict:
    """What answers ``name``: ``{kind, domain, ...}`` with kind one of

    ``forwarded`` (rule, targets), ``endpoint`` (a local endpoint's private DNS), ``record`` (zone, record),
    ``nxdomain`` (zone without a record), ``public`` (nothing private answers).
    ``records_of(zone) -> rrsets`` reads a zone's records.
    """
    found = candidates(name, zones, local_endpoints, rules)
    winner = next((c for c in found if not (c["kind"] == "rule" and c["rule"].get("rule_type") == "SYSTEM")), None)
    shadowed = [c for c in found if c is not winner]
    if winner is None:
        return {"kind": "public", "domain": None, "shadowed": shadowed}
    if winner["kind"] == "rule":
        return {"kind": "forwarded", "domain": winner["domain"], "rule": winner["rule"], "shadowed": shadowed}
    if winner["kind"] == "endpoint":
        return {"kind": "endpoint", "domain": winner["domain"], "endpoint": winner["endpoint"], "shadowed": shadowed}
    zone = winner["zone"]
    record = lookup(zone["name"], records_of(zone), name)
    if record is None:
        return {"kind": "nxdomain", "domain": winner["domain"], "zone": zone, "shadowed": shadowed}
    return {"kind": "record", "domain": winner["domain"], "zone": zone, "record": record, "shadowed": shadowed}
