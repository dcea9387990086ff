# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DNS Private Resolver forwarding of AWS service names to the Route 53 Resolver inbound endpoint.

Chain: resolver (in a VNet) -> outbound endpoint (in a subnet delegated to Microsoft.Network/dnsResolvers)
-> forwarding ruleset (uses the outbound endpoint) -> one rule per domain -> ruleset links to the VNets whose
workloads resolve through it. Forwarding rules and links have no tags; the collection marks them with the
ownership pairs in their ``metadata``. A resolver or outbound endpoint that exists already is used as it is.
"""

from __future__ import annotations

import hashlib
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.common import (
    check_ip,
    check_name,
    desired_tags,
    owned,
    parse_id,
    ref_id,
    resource_id,
    same_id,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import rest
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed, ownership_tags

RESOLVERS = "Microsoft.Network/dnsResolvers"
RULESETS = "Microsoft.Network/dnsForwardingRulesets"
VNETS = "Microsoft.Network/virtualNetworks"
_DOMAIN_RE = re.compile(r"^(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)+$")
_RULE_NAME_RE = re.compile(r"[^A-Za-z0-9_-]+")


# --- wrappers -------------------------------------------------------------------------------------


def _model(conn, name, body):
    from azure.mgmt.dnsresolver import models  # only reached with a live connection

    return getattr(models, name).deserialize(body)


def get(conn, group_name, *args):
    result = conn.call("dnsresolver", group_name, "get", *args, not_found=True)
    return rest(result) if result is not None else None


def put_lro(conn, group_name, model, args, body, etag, what, timeout):
    match = {"if_match": etag} if etag else {"if_none_match": "*"}
    return conn.run("dnsresolver", group_name, "begin_create_or_update", *args, _model(conn, model, body),
                    what=what, timeout=timeout, **match)


def delete_lro(conn, group_name, args, what, timeout):
    return conn.run("dnsresolver", group_name, "begin_delete", *args, what=f"deletion of {what}", timeout=timeout)


def list_rules(conn, group, ruleset) -> list:
    return [rest(r) for r in conn.call("dnsresolver", "forwarding_rules", "list", group, ruleset)]


def list_links(conn, group, ruleset) -> list:
    return [rest(r) for r in conn.call("dnsresolver", "virtual_network_links", "list", group, ruleset)]


def put_rule(conn, group, ruleset, name, body, etag):
    match = {"if_match": etag} if etag else {"if_none_match": "*"}
    return conn.call("dnsresolver", "forwarding_rules", "create_or_update", group, ruleset, name,
                     _model(conn, "ForwardingRule", body), **match)


def delete_rule(conn, group, ruleset, name):
    return conn.call("dnsresolver", "forwarding_rules", "delete", group, ruleset, name)


# --- pure helpers -----------------------------------------------------------------------------------


def canonical_domain(value, field: str) -> str:
    text = str(value or "").strip().lower()
    if text and not text.endswith("."):
        text += "."
    if not _DOMAIN_RE.match(text):
        raise ValidationError(field, value, "is not a DNS domain name",
                              "use a name such as s3.us-east-1.amazonaws.com.")
    return text


def short_name(prefix: str, text: str) -> str:
    """A rule or link name (letters, digits, '_' and '-', at most 80) derived from ``text``, stable."""
    body = _RULE_NAME_RE.sub("-", text).strip("-")
    name = prefix + body
    if len(name) > 80:
        name = name[:71] + "-" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return name


def want_rules(rules, default_targets) -> dict:
    """``{domain: {name, domain_name, target_dns_servers: [{ipAddress, port}]}}``."""
    out = {}
    for i, rule in enumerate(rules or []):
        field = f"rules[{i}]"
        domain = canonical_domain(rule.get("domain_name"), f"{field}.domain_name")
        if domain in out:
            raise ValidationError(f"{field}.domain_name", domain, "is declared twice", "declare each domain once")
        targets = rule.get("target_dns_servers") or default_targets
        if not targets:
            raise ValidationError(f"{field}.target_dns_servers", targets, "is empty",
                                  "give the Route 53 Resolver inbound endpoint IPs here or in target_dns_servers")
        servers = sorted(({"ipAddress": check_ip(t, f"{field}.target_dns_servers"), "port": 53} for t in targets),
                         key=lambda s: s["ipAddress"])
        out[domain] = {"name": short_name("cloudnet-", domain.rstrip(".")), "domain_name": domain,
                       "target_dns_servers": servers}
    return out


def rule_view(body: dict) -> dict:
    p = body.get("properties") or {}
    return {"name": body.get("name"), "domain_name": p.get("domainName"),
            "target_dns_servers": sorted(({"ip_address": s.get("ipAddress"), "port": s.get("port", 53)}
                                          for s in p.get("targetDnsServers") or []), key=lambda s: s["ip_address"]),
            "state": p.get("forwardingRuleState") or "Enabled"}


def rule_matches(body: dict, want: dict, topology: str) -> bool:
    p = body.get("properties") or {}
    servers = sorted(({"ipAddress": s.get("ipAddress"), "port": s.get("port", 53)} for s in p.get("targetDnsServers")
                      or []), key=lambda s: s["ipAddress"])
    return (servers == want["target_dns_servers"] and (p.get("forwardingRuleState") or "Enabled") == "Enabled"
            and is_managed(p.get("metadata") or {}, topology))


class DnsForwardingManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)
        self.group = check_name(params["resource_group"], "resource_group")
        self.resolver = check_name(params["dns_resolver"], "dns_resolver")
        self.endpoint = check_name(params.get("outbound_endpoint") or f"{self.resolver}-outbound", "outbound_endpoint")
        self.ruleset = check_name(params["ruleset"], "ruleset")
        self.topology = params["topology"]
        self.tags = desired_tags(self.topology, params.get("tags"))
        self.metadata = ownership_tags(self.topology)
        self.timeout = params["wait_timeout"]
        if params["state"] == "present":
            self.rules = want_rules(params.get("rules"), params.get("target_dns_servers"))
            for key in ("location", "virtual_network", "outbound_subnet"):
                if not params.get(key):
                    raise ValidationError(key, None, "is required with state=present",
                                          "name the resolver's region, virtual network and outbound subnet")
        self.links = params.get("linked_virtual_networks") or []

    def _link_ids(self) -> list:
        out = []
        for i, link in enumerate(self.links):
            if link.get("id"):
                out.append(link["id"])
            else:
                name = check_name(link.get("name"), f"linked_virtual_networks[{i}].name")
                group = link.get("resource_group") or self.group
                out.append(resource_id(self.conn.subscription_id, group, VNETS, name))
        return out

    def ensure(self) -> dict:
        ruleset = get(self.conn, "dns_forwarding_rulesets", self.group, self.ruleset)
        rules = list_rules(self.conn, self.group, self.ruleset) if ruleset else []
        links = list_links(self.conn, self.group, self.ruleset) if ruleset else []
        before = self._view(ruleset, rules, links) if ruleset else None
        if self.p["state"] == "absent":
            return self._absent(ruleset, rules, links, before)
        sub = self.conn.subscription_id
        vnet_rg = self.p.get("virtual_network_resource_group") or self.group
        vnet_id = resource_id(sub, vnet_rg, VNETS, self.p["virtual_network"])
        resolver_id = resource_id(sub, self.group, RESOLVERS, self.resolver)
        endpoint_id = f"{resolver_id}/outboundEndpoints/{self.endpoint}"
        location = self.p["location"]
        if get(self.conn, "dns_resolvers", self.group, self.resolver) is None:
            body = {"location": location, "tags": self.tags, "properties": {"virtualNetwork": {"id": vnet_id}}}
            self.changes.do("create_dns_resolver", self.resolver, lambda: put_lro(
                self.conn, "dns_resolvers", "DnsResolver", (self.group, self.resolver), body, None,
                f"DNS resolver {self.resolver}", self.timeout))
        if get(self.conn, "outbound_endpoints", self.group, self.resolver, self.endpoint) is None:
            body = {"location": location, "tags": self.tags,
                    "properties": {"subnet": {"id": f"{vnet_id}/subnets/{self.p['outbound_subnet']}"}}}
            self.changes.do("create_outbound_endpoint", self.endpoint, lambda: put_lro(
                self.conn, "outbound_endpoints", "OutboundEndpoint", (self.group, self.resolver, self.endpoint), body,
                None, f"outbound endpoint {self.endpoint}", self.timeout))
        endpoints = self._ensure_ruleset(ruleset, endpoint_id, location)
        rules_after = self._ensure_rules(rules)
        links_after = self._ensure_links(links)
        ruleset_id = resource_id(sub, self.group, RULESETS, self.ruleset)
        after = self._view({"id": ruleset_id, "name": self.ruleset, "tags": (ruleset or {}).get("tags") or self.tags,
                            "properties": {"dnsResolverOutboundEndpoints": [{"id": e} for e in endpoints]}},
                           rules_after, links_after)
        return self.changes.result("forwarding", before, after)

    def _ensure_ruleset(self, ruleset, endpoint_id, location):
        if ruleset is None:
            body = {"location": location, "tags": self.tags,
                    "properties": {"dnsResolverOutboundEndpoints": [{"id": endpoint_id}]}}
            self.changes.do("create_ruleset", self.ruleset, lambda: put_lro(
                self.conn, "dns_forwarding_rulesets", "DnsForwardingRuleset", (self.group, self.ruleset), body, None,
                f"forwarding ruleset {self.ruleset}", self.timeout))
            return [endpoint_id]
        current = [ref_id(e) for e in (ruleset.get("properties") or {}).get("dnsResolverOutboundEndpoints") or []]
        if any(same_id(c, endpoint_id) for c in current):
            return current
        if not owned(ruleset, self.topology):
            raise ConflictError(f"Forwarding ruleset {self.ruleset} does not use outbound endpoint {self.endpoint} "
                                "and is not managed by the collection. Fix: add the endpoint to it or choose another "
                                "ruleset.")
        body = {"location": ruleset["location"], "tags": ruleset.get("tags"),
                "properties": {"dnsResolverOutboundEndpoints": [{"id": c} for c in current] + [{"id": endpoint_id}]}}
        self.changes.do("update_ruleset", self.ruleset, lambda: put_lro(
            self.conn, "dns_forwarding_rulesets", "DnsForwardingRuleset", (self.group, self.ruleset), body,
            ruleset.get("etag"), f"forwarding ruleset {self.ruleset}", self.timeout))
        return current + [endpoint_id]

    def _ensure_rules(self, rules) -> list:
        by_domain = {((r.get("properties") or {}).get("domainName") or "").lower(): r for r in rules}
        after = list(rules)
        for domain, want in sorted(self.rules.items()):
            have = by_domain.get(domain)
            name = want["name"]
            if have is not None:
                if rule_matches(have, want, self.topology):
                    continue
                meta = (have.get("properties") or {}).get("metadata") or {}
                if not is_managed(meta, self.topology) and not self.p["take_over"]:
                    raise ConflictError(f"Forwarding rule {have['name']} for {domain} in ruleset {self.ruleset} is not "
                                        "managed by the collection. Fix: remove it, or set take_over: true.")
                name = have["name"]
                after.remove(have)
            body = {"properties": {"domainName": domain, "targetDnsServers": want["target_dns_servers"],
                                   "forwardingRuleState": "Enabled", "metadata": self.metadata}}
            etag = have.get("etag") if have is not None else None
            self.changes.do("update_rule" if have is not None else "create_rule", name,
                            lambda n=name, b=body, e=etag: put_rule(self.conn, self.group, self.ruleset, n, b, e),
                            domain_name=domain, targets=[s["ipAddress"] for s in want["target_dns_servers"]])
            after.append(dict(body, name=name))
        if self.p["purge_rules"]:
            for r in sorted(rules, key=lambda r: r["name"]):
                p = r.get("properties") or {}
                if (p.get("domainName") or "").lower() not in self.rules and is_managed(p.get("metadata") or {},
                                                                                        self.topology):
                    self.changes.do("delete_rule", r["name"], lambda n=r["name"]: delete_rule(
                        self.conn, self.group, self.ruleset, n), domain_name=p.get("domainName"))
                    after.remove(r)
        return after

    def _ensure_links(self, links) -> list:
        after = list(links)
        wanted = self._link_ids()
        for vnet_id in wanted:
            if any(same_id(ref_id((link.get("properties") or {}).get("virtualNetwork")), vnet_id) for link in links):
                continue
            parts = parse_id(vnet_id)
            name = short_name("cloudnet-", f"{parts['resource_group']}-{parts['name']}")
            body = {"properties": {"virtualNetwork": {"id": vnet_id}, "metadata": self.metadata}}
            self.changes.do("create_link", name, lambda n=name, b=body: put_lro(
                self.conn, "virtual_network_links", "VirtualNetworkLink", (self.group, self.ruleset, n), b, None,
                f"ruleset link {n}", self.timeout), virtual_network_id=vnet_id)
            after.append(dict(body, name=name))
        if self.p["purge_links"]:
            for link in sorted(links, key=lambda x: x["name"]):
                p = link.get("properties") or {}
                vid = ref_id(p.get("virtualNetwork"))
                if not any(same_id(vid, w) for w in wanted) and is_managed(p.get("metadata") or {}, self.topology):
                    self.changes.do("delete_link", link["name"], lambda n=link["name"]: delete_lro(
                        self.conn, "virtual_network_links", (self.group, self.ruleset, n), f"ruleset link {n}",
                        self.timeout), virtual_network_id=vid)
                    after.remove(link)
        return after

    def _absent(self, ruleset, rules, links, before) -> dict:
        warnings = []
        keep = False
        if ruleset is not None:
            for link in sorted(links, key=lambda x: x["name"]):
                if is_managed((link.get("properties") or {}).get("metadata") or {}, self.topology):
                    self.changes.do("delete_link", link["name"], lambda n=link["name"]: delete_lro(
                        self.conn, "virtual_network_links", (self.group, self.ruleset, n), f"ruleset link {n}",
                        self.timeout))
            foreign = [r["name"] for r in rules
                       if not is_managed((r.get("properties") or {}).get("metadata") or {}, self.topology)]
            keep = bool(foreign) or not owned(ruleset, self.topology)
            if keep:
                for r in sorted(rules, key=lambda x: x["name"]):
                    if r["name"] not in foreign:
                        self.changes.do("delete_rule", r["name"], lambda n=r["name"]: delete_rule(
                            self.conn, self.group, self.ruleset, n))
                if foreign and owned(ruleset, self.topology):
                    warnings.append(f"Forwarding ruleset {self.ruleset} holds rules the collection does not manage "
                                    f"({', '.join(sorted(foreign))}); it was kept with its outbound endpoint and "
                                    "resolver.")
            else:
                self.changes.do("delete_ruleset", self.ruleset, lambda: delete_lro(
                    self.conn, "dns_forwarding_rulesets", (self.group, self.ruleset), f"ruleset {self.ruleset}",
                    self.timeout))
        if not (keep and owned(ruleset, self.topology)):
            endpoint = get(self.conn, "outbound_endpoints", self.group, self.resolver, self.endpoint)
            if owned(endpoint, self.topology):
                self.changes.do("delete_outbound_endpoint", self.endpoint, lambda: delete_lro(
                    self.conn, "outbound_endpoints", (self.group, self.resolver, self.endpoint),
                    f"outbound endpoint {self.endpoint}", self.timeout))
            resolver = get(self.conn, "dns_resolvers", self.group, self.resolver)
            if owned(resolver, self.topology):
                self.changes.do("delete_dns_resolver", self.resolver, lambda: delete_lro(
                    self.conn, "dns_resolvers", (self.group, self.resolver), f"DNS resolver {self.resolver}",
                    self.timeout))
        out = self.changes.result("forwarding", before, None)
        if warnings:
            out["warnings"] = warnings
        return out

    def _view(self, ruleset, rules, links) -> dict:
        p = ruleset.get("properties") or {}
        return {
            "ruleset": {"id": ruleset.get("id"), "name": ruleset.get("name"),
                        "managed": owned(ruleset, self.topology),
                        "outbound_endpoint_ids": [ref_id(e) for e in p.get("dnsResolverOutboundEndpoints") or []]},
            "rules": sorted((rule_view(r) for r in rules if is_managed((r.get("properties") or {}).get("metadata")
                                                                       or {}, self.topology)),
                            key=lambda r: r["domain_name"]),
            "foreign_rules": sorted((rule_view(r) for r in rules if not is_managed(
                (r.get("properties") or {}).get("metadata") or {}, self.topology)), key=lambda r: r["domain_name"]),
            "links": sorted(({"name": x.get("name"),
                              "virtual_network_id": ref_id((x.get("properties") or {}).get("virtualNetwork"))}
                             for x in links), key=lambda x: x["name"]),
        }


def gather(conn, group: str, topology: str, ruleset: str | None = None) -> list:
    """Forwarding rulesets of a resource group (or the named one), each in the module's view."""
    if ruleset:
        found = get(conn, "dns_forwarding_rulesets", group, ruleset)
        bodies = [found] if found is not None else []
    else:
        bodies = [rest(r) for r in conn.call("dnsresolver", "dns_forwarding_rulesets", "list_by_resource_group", group)]
    viewer = DnsForwardingManager.__new__(DnsForwardingManager)
    viewer.topology = topology
    out = []
    for body in bodies:
        out.append(viewer._view(body, list_rules(conn, group, body["name"]), list_links(conn, group, body["name"])))
    return sorted(out, key=lambda v: v["ruleset"]["name"])
