# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Turn what the support engineer typed (an inventory host or an address) into path_trace_info's source.

ansible.builtin has no test for "this address is inside that CIDR", and the mapping from role variables
(spoke_*, cross_cloud_*) to the trace's source, hub and services VPC is the same in every caller.
"""

from __future__ import annotations

import ipaddress

from ansible.errors import AnsibleFilterError

KINDS = (("aws_spokes", "aws"), ("azure_spokes", "azure"), ("gcp_spokes", "gcp"))


def _get(hv, key, default=None):
    try:
        value = hv[key]
    except Exception:  # noqa: BLE001 - an undefined or untemplatable variable counts as unset
        return default
    if value is None or (isinstance(value, str) and value == ""):
        return default
    return value


def _address(text):
    try:
        return ipaddress.ip_address(str(text).strip())
    except ValueError:
        return None


def _cidr_of(kind, hv):
    return _get(hv, "spoke_cidr") if kind == "aws" else _get(hv, "cross_cloud_cidr")


def _host_for_address(address, hostvars, groups):
    for group, kind in KINDS:
        for host in groups.get(group) or []:
            cidr = _cidr_of(kind, hostvars[host])
            try:
                if cidr and address in ipaddress.ip_network(str(cidr), strict=False):
                    return host, kind
            except ValueError:
                continue
    return None, None


def _services_host(region, hostvars, groups, default_region):
    for host in groups.get("aws_services_vpc") or []:
        if (_get(hostvars[host], "services_vpc_region") or default_region) == region:
            return host
    return None


def _transit_host(region, hostvars, groups, default_region):
    for host in groups.get("aws_transit") or []:
        if (_get(hostvars[host], "transit_region") or default_region) == region:
            return host
    return None


def trace_source(value, hostvars, groups, topology, default_region="us-east-1"):
    """``{source, region, services_vpc_name, transit_name, hosts, assume_role_arn, hub}`` for an inventory host
    name or an address (an address inside a declared spoke_cidr / cross_cloud_cidr is traced from that host;
    any other address is looked up among the VPCs of the default region)."""
    text = str(value or "").strip()
    if not text:
        raise AnsibleFilterError("trace_source is empty. Fix: -e trace_source=<inventory host or address>")
    address = _address(text)
    host, kind = (None, None)
    if address is None:
        if text not in hostvars:
            raise AnsibleFilterError(f"trace_source={text!r} is neither an inventory host nor an address. Fix: use a "
                                     "host of aws_spokes, azure_spokes or gcp_spokes, or an IP address")
        host = text
        kind = next((k for g, k in KINDS if host in (groups.get(g) or [])), None)
        if kind is None:
            raise AnsibleFilterError(f"trace_source={host!r} is not in aws_spokes, azure_spokes or gcp_spokes. Fix: "
                                     "trace from a network that consumes the endpoints")
    else:
        host, kind = _host_for_address(address, hostvars, groups)
    hv = hostvars[host] if host else {}
    source = {"cloud": kind or "aws", "host": host}
    if address is not None:
        source["ip"] = str(address)
    out = {"assume_role_arn": None, "hub": {}}
    if kind in (None, "aws"):
        region = _get(hv, "spoke_region") or default_region
        if host:
            source["network"] = _get(hv, "spoke_vpc_id") or _get(hv, "spoke_vpc_name") or host
        out["assume_role_arn"] = _get(hv, "spoke_assume_role_arn")
        out["hub"] = dict(_get(hv, "spoke_hub") or {})
    else:
        prefix = f"cross_cloud_{kind}_"
        aws_host = _get(hv, prefix + "aws_host") or next(iter(groups.get("aws_cross_cloud") or []), None)
        region = (_get(hostvars[aws_host], "cross_cloud_aws_region") or _get(hostvars[aws_host], "services_vpc_region")
                  if aws_host else None) or default_region
        source["network"] = _get(hv, prefix + ("vnet" if kind == "azure" else "network")) or host
        source["cidr"] = _cidr_of(kind, hv)
        if kind == "azure":
            source["resource_group"] = _get(hv, "cross_cloud_azure_vnet_resource_group") or _get(
                hv, "cross_cloud_azure_resource_group")
        else:
            source["region"] = _get(hv, "cross_cloud_gcp_region")
            out["gcp_project"] = _get(hv, "cross_cloud_gcp_project")
    services_host = _services_host(region, hostvars, groups, default_region)
    svc_hv = hostvars[services_host] if services_host else {}
    transit_host = _transit_host(region, hostvars, groups, default_region)
    out.update({
        "source": source,
        "region": region,
        "services_vpc_name": _get(svc_hv, "services_vpc_name") or f"{topology}-services-{region}",
        "transit_name": _get(hostvars[transit_host], "transit_name") if transit_host else None,
        "hosts": {k: v for k, v in (("services_host", services_host), ("transit_host", transit_host)) if v},
    })
    out["transit_name"] = out["transit_name"] or f"{topology}-{region}"
    return out


class FilterModule:
    def filters(self):
        return {"trace_source": trace_source}
