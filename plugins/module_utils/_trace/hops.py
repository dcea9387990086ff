# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The trace result: hops, the first broken one, and a one-line summary.

A hop is ``{hop, resource, decision, ok, detail, fix}``: ``hop`` names the step (``dns``, ``route:source``,
``transit:route``...), ``resource`` the object that decided (a route table, a zone, a security group),
``decision`` what it decided in one sentence, ``ok`` whether the path continues, ``detail`` the evidence
(matched route, records, rules) and ``fix`` what to change when ``ok`` is false.
"""

from __future__ import annotations

import ipaddress

# Stable hop names, in path order (the playbook and the tests key on them).
HOP_ORDER = (
    "source",
    "dns",
    "route:source",
    "transit:attachment",
    "vpn",
    "transit:route",
    "inspection",
    "route:services",
    "transit:return",
    "security_group",
    "network_acl",
    "endpoint",
)


def hop(name: str, resource, decision: str, ok: bool, detail=None, fix: str | None = None) -> dict:
    return {
        "hop": name,
        "resource": resource,
        "decision": decision,
        "ok": bool(ok),
        "detail": detail if detail is not None else {},
        "fix": None if ok else fix,
    }


class Trace:
    """Hops of one source -> service trace, appended in path order."""

    def __init__(self, source: dict, service: dict):
        self.source = source
        self.service = service
        self.destination: dict = {}
        self.hops: list[dict] = []
        self.notes: list[str] = []

    def add(self, name: str, resource, decision: str, ok: bool, detail=None, fix: str | None = None) -> bool:
        self.hops.append(hop(name, resource, decision, ok, detail, fix))
        return bool(ok)

    @property
    def broken(self) -> dict | None:
        return next((h for h in self.hops if not h["ok"]), None)

    def result(self) -> dict:
        broken = self.broken
        src = self.source.get("label") or self.source.get("network") or "source"
        target = f"{self.service.get('fqdn') or self.service.get('name')}:{self.service.get('port')}"
        if broken is None:
            via = self.destination.get("endpoint_id") or self.destination.get("ip") or "?"
            summary = f"{src} ({self.source.get('ip')}) reaches {target} through {via}"
        else:
            summary = (
                f"{src} ({self.source.get('ip')}) cannot reach {target}: broken at {broken['hop']} "
                f"({broken['resource']}): {broken['decision']}"
            )
        return {
            "reachable": broken is None,
            "source": self.source,
            "service": self.service,
            "destination": self.destination,
            "hops": self.hops,
            "broken_hop": broken,
            "fix": broken["fix"] if broken else None,
            "summary": summary,
            "notes": self.notes,
        }


# --- small pure helpers shared by the hop modules --------------------------------------------------


def ip(value) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address(str(value))


def contains(cidr: str | None, address) -> bool:
    if not cidr:
        return False
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        return False
    addr = ip(address)
    return addr.version == net.version and addr in net


def prefixlen(cidr: str) -> int:
    return ipaddress.ip_network(cidr, strict=False).prefixlen


def first_host(cidr: str) -> str:
    """A representative source address of a subnet: the first one AWS does not reserve (network + 4)."""
    net = ipaddress.ip_network(cidr, strict=False)
    if net.num_addresses > 8:
        return str(net.network_address + 4)
    return str(next(iter(net.hosts()), net.network_address))


def dns_name(name: str | None) -> str:
    """Lower case, no trailing dot, ``\\052`` (Route 53's escaped ``*``) as ``*``."""
    return (name or "").replace("\\052", "*").rstrip(".").lower()


def in_domain(name: str, domain: str) -> bool:
    name, domain = dns_name(name), dns_name(domain)
    return name == domain or name.endswith("." + domain)
