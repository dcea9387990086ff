# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The trace request: every input checked before any API call, and the readers of each account and cloud."""

from __future__ import annotations

import ipaddress
import os

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AWS_ARGUMENT_SPEC
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_association import zone_owner_params
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.trace_state import AwsTraceState
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import canonical_cidr

HOST_KEYS = ("services_host", "transit_host", "inspection_host")


def apply_spec(spec: dict, given: dict, field: str) -> dict:
    """``given`` completed as an argument spec would: env fallbacks, then defaults; unknown keys rejected."""
    unknown = sorted(set(given or {}) - set(spec))
    if unknown:
        raise ValidationError(
            f"{field}.{unknown[0]}",
            "(hidden)",
            "is not a connection option of this cloud",
            f"use one of {', '.join(sorted(spec))}",
        )
    out = {}
    for key, option in spec.items():
        value = (given or {}).get(key)
        if value is None and option.get("fallback"):
            _fn, names = option["fallback"]
            value = next((os.environ[n] for n in names if os.environ.get(n)), None)
        if value is None:
            value = option.get("default")
        out[key] = value
    return out


def validate(p: dict) -> dict:
    src = dict(p["source"])
    cloud = src.get("cloud") or "aws"
    if src.get("ip"):
        try:
            src["ip"] = str(ipaddress.ip_address(src["ip"].strip()))
        except ValueError:
            raise ValidationError("source.ip", src["ip"], "is not an IP address", "use the form 10.2.0.25") from None
    if not src.get("network") and not (cloud == "aws" and src.get("ip")):
        raise ValidationError(
            "source.network",
            None,
            "is required" + (" (or source.ip)" if cloud == "aws" else ""),
            "name the VPC, VNet or network the traffic starts in",
        )
    if cloud == "azure" and not src.get("resource_group"):
        raise ValidationError(
            "source.resource_group", None, "is required for an Azure source", "give the VNet's resource group"
        )
    if src.get("cidr"):
        src["cidr"] = canonical_cidr(src["cidr"], "source.cidr")
    services = [s.strip() for s in p.get("services") or [] if s and s.strip()]
    if not services:
        raise ValidationError(
            "services", p.get("services"), "names no service", "give a catalog name (ssm), a service name or a DNS name"
        )
    port = p.get("port")
    if port is not None and not 1 <= int(port) <= 65535:
        raise ValidationError("port", port, "is not a port", "use 1-65535")
    for i, entry in enumerate(p.get("catalog") or []):
        if not isinstance(entry, dict) or not entry.get("name"):
            raise ValidationError(f"catalog[{i}]", entry, "has no name", "pass cloudnet_services as it is declared")
    hosts = dict(p.get("hosts") or {})
    unknown = sorted(set(hosts) - set(HOST_KEYS))
    if unknown:
        raise ValidationError(
            f"hosts.{unknown[0]}", hosts[unknown[0]], "is not a known host role", f"use {', '.join(HOST_KEYS)}"
        )
    hosts["source_host"] = src.get("host")
    return {
        "source": dict(src, cloud=cloud),
        "services": services,
        "port": port,
        "protocol": p.get("protocol"),
        "catalog": p.get("catalog") or [],
        "services_vpc_name": p.get("services_vpc_name"),
        "transit_name": p.get("transit_name"),
        "inspection_vpc_name": p.get("inspection_vpc_name"),
        "hosts": hosts,
        "hub": p.get("hub") or {},
        "azure": p.get("azure") or {},
        "gcp": p.get("gcp") or {},
    }


def build_readers(connection_class, params: dict, request: dict) -> dict:
    """AWS readers of the source and hub accounts, and the reader of the remote cloud of an Azure/GCP source."""
    base = {k: params.get(k) for k in AWS_ARGUMENT_SPEC}
    hub_params = zone_owner_params(base, request["hub"]) if request["hub"] else None
    spoke = AwsTraceState(connection_class(base))
    readers = {"aws_spoke": spoke, "aws_hub": AwsTraceState(connection_class(hub_params)) if hub_params else spoke}
    cloud = request["source"]["cloud"]
    if cloud == "azure":
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._azure.connection import (
            AzureConnection,
            azure_argument_spec,
        )
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.remote_state import AzureTraceState

        readers["azure"] = AzureTraceState(
            AzureConnection(apply_spec(azure_argument_spec(), request["azure"], "azure"))
        )
    elif cloud == "gcp":
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
            GcpConnection,
            gcp_argument_spec,
        )
        from ansible_collections.cloudnet.privatelink.plugins.module_utils._trace.remote_state import GcpTraceState

        readers["gcp"] = GcpTraceState(GcpConnection(apply_spec(gcp_argument_spec(), request["gcp"], "gcp")))
    return readers
