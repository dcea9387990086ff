# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloud DNS private forwarding zones: the AWS service names forwarded to a Route 53 Resolver inbound endpoint."""

from __future__ import annotations

import ipaddress
import re

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp import ownership as own

NETWORK_BASE = "https://www.googleapis.com/compute/v1/"
_LABEL = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")


def canonical_dns_name(value) -> str:
    text = str(value or "").strip().lower()
    if text and not text.endswith("."):
        text += "."
    labels = text[:-1].split(".") if text else []
    if len(labels) < 2 or not all(_LABEL.fullmatch(x) for x in labels) or len(text) > 253:
        raise ValidationError("dns_name", value, "is not a DNS name with at least two labels",
                              "use the service name, e.g. s3.us-east-1.amazonaws.com.")
    return text


def normalize_targets(targets: list) -> list[dict]:
    out, seen = [], set()
    for i, t in enumerate(targets or []):
        try:
            ip = str(ipaddress.IPv4Address(str(t["ipv4_address"]).strip()))
        except ValueError:
            raise ValidationError(f"targets[{i}].ipv4_address", t["ipv4_address"], "is not an IPv4 address",
                                  "use the IPs of the Route 53 Resolver inbound endpoint") from None
        if ip in seen:
            raise ValidationError(f"targets[{i}].ipv4_address", ip, "is listed twice", "list each address once")
        seen.add(ip)
        out.append({"ipv4_address": ip, "forwarding_path": t.get("forwarding_path") or "default"})
    return sorted(out, key=lambda x: ipaddress.IPv4Address(x["ipv4_address"]))


def network_url(project: str, network: str) -> str:
    return NETWORK_BASE + own.network_path(project, network)


def view(zone: dict | None) -> dict:
    """The result shape of a zone ({} when absent)."""
    if not zone:
        return {}
    fwd = (zone.get("forwardingConfig") or {}).get("targetNameServers") or []
    nets = ((zone.get("privateVisibilityConfig") or {}).get("networks")) or []
    return {
        "name": zone["name"], "dns_name": zone.get("dnsName"), "description": zone.get("description", ""),
        "visibility": zone.get("visibility", "public"), "id": zone.get("id"),
        "networks": sorted(own.network_path("", n["networkUrl"]) for n in nets),
        "targets": normalize_targets([{"ipv4_address": t.get("ipv4Address"),
                                       "forwarding_path": t.get("forwardingPath") or "default"} for t in fwd]),
        "labels": zone.get("labels") or {},
    }


class ForwardingZoneManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.params = params
        self.topology = own.check_topology(params["topology"])
        self.name = own.check_name(params["name"], "name")
        self.changes = Changes(check_mode)
        self.present = params["state"] == "present"
        if self.present:
            self.dns_name = canonical_dns_name(params.get("dns_name"))
            self.targets = normalize_targets(params.get("targets"))
            if not self.targets:
                raise ValidationError("targets", [], "is empty", "list the Route 53 Resolver inbound endpoint IPs")
            if not params.get("networks"):
                raise ValidationError("networks", [], "is empty", "list the VPC networks that resolve through the zone")
            self.labels = own.desired_labels(self.topology, params.get("labels"))

    def _path(self, name: str = "") -> str:
        base = f"projects/{self.conn.project}/managedZones"
        return f"{base}/{name}" if name else base

    def _body(self, networks: list) -> dict:
        return {
            "description": self.params.get("description") or f"AWS service name {self.dns_name} forwarded to Route 53",
            "privateVisibilityConfig": {"networks": [{"networkUrl": network_url(self.conn.project, n)}
                                                     for n in networks]},
            "forwardingConfig": {"targetNameServers": [{"ipv4Address": t["ipv4_address"],
                                                        "forwardingPath": t["forwarding_path"]}
                                                       for t in self.targets]},
            "labels": self.labels,
        }

    def _wait(self, op: dict):
        if not op or op.get("status", "done") == "done" or not self.params.get("wait", True):
            return op
        path = self._path(self.name) + f"/operations/{op['id']}"
        return wait_until(lambda: self.conn.get("dns", path), lambda o: o.get("status") == "done",
                          f"Cloud DNS operation {op['id']} on {self.name}", self.params.get("wait_timeout") or 300)

    def ensure(self) -> dict:
        have = self.conn.get("dns", self._path(self.name), not_found=True)
        before = view(have)
        if have is not None and not own.labels_owned(have.get("labels"), self.topology):
            if not self.present:  # never delete what the collection did not create
                return self.changes.result("zone", before, before, warnings=[
                    f"managed zone {self.name} is not labelled as managed by topology {self.topology}; left in place"])
            raise ConflictError(f"Managed zone {self.name} exists and is not labelled as managed by topology "
                                f"{self.topology}. Fix: choose another name, or remove the existing zone.")
        if not self.present:
            if have is not None:
                self.changes.do("delete", self.name, lambda: self.conn.request(
                    "DELETE", "dns", self._path(self.name), operation=f"delete managed zone {self.name}"))
            return self.changes.result("zone", before, {})
        wanted_nets = [own.network_path(self.conn.project, n) for n in self.params["networks"]]
        if have is None:
            body = dict(self._body(sorted(set(wanted_nets))), name=self.name, dnsName=self.dns_name,
                        visibility="private")
            created = self.changes.do("create", self.name, lambda: self.conn.request(
                "POST", "dns", self._path(), body=body, operation=f"create managed zone {self.name}"),
                dns_name=self.dns_name, targets=[t["ipv4_address"] for t in self.targets])
            return self.changes.result("zone", before, view(created or body))
        if have.get("dnsName") != self.dns_name or have.get("visibility") != "private":
            raise ConflictError(f"Managed zone {self.name} is {have.get('visibility')} zone {have.get('dnsName')}; "
                                "dnsName and visibility cannot change. Fix: use another zone name.")
        nets = set(wanted_nets)
        if not self.params.get("purge_networks", True):
            nets |= set(before["networks"])
        body = self._body(sorted(nets))
        after = view(dict(have, **body))
        if self.params.get("description") is None:
            body.pop("description")
            after["description"] = before["description"]
        if after != before:
            changed = sorted(k for k in ("networks", "targets", "labels", "description") if after[k] != before[k])
            self.changes.do("update", self.name, lambda: self._wait(self.conn.request(
                "PATCH", "dns", self._path(self.name), body=body, operation=f"update managed zone {self.name}")),
                fields=changed)
            if not self.changes.check_mode:
                after = view(self.conn.get("dns", self._path(self.name)))
        return self.changes.result("zone", before, after)
