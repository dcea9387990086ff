# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer gateways: the on-premises or other-cloud VPN device as AWS knows it.

CreateCustomerGateway takes no ClientToken: identity is the Name tag plus the ownership tags, so a re-run
after a crash finds what the first run made. AWS answers a create for an ASN and IP address that an existing
gateway already has with that gateway, so a gateway with the same key that is not this one is refused
before any create. ASN and IP cannot be changed in place.

A create whose answer is lost is not simply sent again (retry.CreateOnce): the gateway of that name, ours, with
the same ASN and IP, is looked up first. AWS's own rule (an identical request returns the existing available
gateway) covers a lookup that lags the create; it does not cover a gateway still pending.
"""

from __future__ import annotations

import ipaddress

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import CreateOnce
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.transit_gateway import (
    dict_filters,
    named,
    owned,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    MANAGED_BY_KEY,
    MANAGED_BY_VALUE,
    TOPOLOGY_KEY,
    is_managed,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import tag_list_to_dict

CGW_NOT_FOUND = ("InvalidCustomerGatewayID.NotFound",)
GONE = ("deleting", "deleted")
MAX_2BYTE_FIELD = 2147483647  # BgpAsn holds 1..2147483647; larger ASNs travel as BgpAsnExtended (a string)


# --- wrappers: one per SDK call -------------------------------------------------------------------


def describe_customer_gateways(conn, ids=None, filters=None) -> list:
    kwargs = {}
    if ids:
        kwargs["CustomerGatewayIds"] = list(ids)
    if filters:
        kwargs["Filters"] = filters
    out = conn.call("ec2", "describe_customer_gateways", not_found=CGW_NOT_FOUND, **kwargs) or {}
    return [c for c in out.get("CustomerGateways", []) if c.get("State") not in GONE]


# --- normalisation ---------------------------------------------------------------------------------


def cgw_asn(cgw: dict):
    value = cgw.get("BgpAsnExtended") or cgw.get("BgpAsn")
    return int(value) if value not in (None, "") else None


def validate_customer_gateway(params: dict) -> None:
    if params.get("state", "present") != "present":
        return
    asn = params.get("bgp_asn")
    if asn is None or not 1 <= int(asn) <= 4294967294:
        raise ValidationError("bgp_asn", asn, "is not a BGP ASN", "use 1-4294967294, e.g. 65010 (private range)")
    try:
        ip = ipaddress.ip_address(str(params.get("ip_address")))
    except ValueError:
        ip = None
    if ip is None or ip.version != 4:
        raise ValidationError("ip_address", params.get("ip_address"), "is not an IPv4 address",
                              "give the customer device's outside IPv4 address, e.g. 203.0.113.10")


def describe_cgw(cgw: dict | None) -> dict | None:
    if cgw is None:
        return None
    tags = tag_list_to_dict(cgw.get("Tags"))
    return {
        "customer_gateway_id": cgw.get("CustomerGatewayId"),
        "name": tags.get("Name"),
        "bgp_asn": cgw_asn(cgw),
        "ip_address": cgw.get("IpAddress"),
        "type": cgw.get("Type"),
        "device_name": cgw.get("DeviceName"),
        "state": cgw.get("State"),
        "tags": tags,
    }


def _refuse_foreign(kind: str, obj_id: str, topology: str, why: str):
    raise ConflictError(
        f"{why} {obj_id} is not managed by topology {topology!r}. Fix: tag it {MANAGED_BY_KEY}={MANAGED_BY_VALUE} "
        f"and {TOPOLOGY_KEY}={topology} to adopt it, or delete it.",
        **{f"{kind}_id": obj_id},
    )


# --- customer gateway ------------------------------------------------------------------------------


class CustomerGatewayManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _existing(self):
        found = owned(describe_customer_gateways(self.conn, filters=[{"Name": "tag:Name", "Values": [self.p["name"]]}]),
                      self.p["topology"], self.p["name"])
        if len(found) > 1:
            ids = sorted(c["CustomerGatewayId"] for c in found)
            raise ConflictError(f"name: {len(found)} customer gateways are named {self.p['name']!r} "
                                f"({', '.join(ids)}). Fix: delete all but one.", customer_gateway_ids=ids)
        return found[0] if found else None

    def ensure(self) -> dict:
        validate_customer_gateway(self.p)
        have = self._existing()
        if self.p["state"] == "absent":
            if have is not None:
                cgw_id = have["CustomerGatewayId"]
                self.changes.do("delete", cgw_id, lambda: self.conn.call(
                    "ec2", "delete_customer_gateway", CustomerGatewayId=cgw_id, not_found=CGW_NOT_FOUND))
            return self.changes.result("customer_gateway", describe_cgw(have), None)
        asn, ip = int(self.p["bgp_asn"]), str(ipaddress.ip_address(self.p["ip_address"]))
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        if have is None:
            return self._create(asn, ip, tags)
        if cgw_asn(have) != asn or have.get("IpAddress") != ip:
            raise ConflictError(
                f"customer gateway {have['CustomerGatewayId']} ({self.p['name']!r}) has ASN {cgw_asn(have)} and IP "
                f"{have.get('IpAddress')}; AWS cannot change either (wanted {asn} and {ip}). Fix: give the new "
                "device a new name and move the VPN connections to it, then remove this one with state=absent.",
                customer_gateway_id=have["CustomerGatewayId"],
            )
        after_tags = reconcile_ec2_tags(self.conn, self.changes, have["CustomerGatewayId"], have.get("Tags"), tags,
                                        self.p.get("purge_tags", True))
        after = describe_cgw(dict(have, Tags=[{"Key": k, "Value": v} for k, v in after_tags.items()]))
        return self.changes.result("customer_gateway", describe_cgw(have), after)

    def _create(self, asn: int, ip: str, tags: dict) -> dict:
        # AWS returns an existing gateway with the same ASN and IP instead of creating one: refuse a foreign one.
        # The ASN is compared here rather than filtered (the sandbox's bgp-asn filter matches nothing).
        by_ip = describe_customer_gateways(self.conn, filters=[{"Name": "ip-address", "Values": [ip]}])
        same_key = [c for c in by_ip
                    if cgw_asn(c) == asn and c.get("IpAddress") == ip and c.get("State") == "available"]
        for cgw in same_key:
            cgw_tags = tag_list_to_dict(cgw.get("Tags"))
            if not is_managed(cgw_tags, self.p["topology"]):
                _refuse_foreign("customer_gateway", cgw["CustomerGatewayId"], self.p["topology"],
                                f"AWS would return the existing gateway with ASN {asn} and IP {ip}, but")
            raise ConflictError(
                f"customer gateway {cgw['CustomerGatewayId']} named {cgw_tags.get('Name')!r} already has ASN {asn} "
                f"and IP {ip} (AWS keeps one gateway per ASN and IP). Fix: use name {cgw_tags.get('Name')!r}.",
                customer_gateway_id=cgw["CustomerGatewayId"],
            )
        args = {"Type": "ipsec.1", "IpAddress": ip, "TagSpecifications": tag_specification("customer-gateway", tags)}
        if asn > MAX_2BYTE_FIELD:
            args["BgpAsnExtended"] = asn
        else:
            args["BgpAsn"] = asn
        if self.p.get("device_name"):
            args["DeviceName"] = self.p["device_name"]

        def find():
            found = self._existing()
            if found is None or found.get("State") not in ("pending", "available") or cgw_asn(found) != asn \
                    or found.get("IpAddress") != ip:
                return None
            return {"CustomerGateway": found}

        out = self.changes.do("create", f"customer-gateway/{self.p['name']}",
                              lambda: CreateOnce(self.conn, find).call("ec2", "create_customer_gateway", **args),
                              bgp_asn=asn, ip_address=ip)
        created = (out or {}).get("CustomerGateway") or {
            "CustomerGatewayId": None, "BgpAsn": str(asn), "IpAddress": ip, "Type": "ipsec.1",
            "DeviceName": self.p.get("device_name"), "State": "available", "Tags": []}
        created = dict(created, Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
        return self.changes.result("customer_gateway", None, describe_cgw(created))


def gather_customer_gateways(conn, params: dict) -> list:
    filters = dict_filters(params.get("filters"))
    if params.get("names"):
        filters.append({"Name": "tag:Name", "Values": list(params["names"])})
    found = describe_customer_gateways(conn, ids=params.get("customer_gateway_ids"), filters=filters or None)
    return sorted((describe_cgw(c) for c in named(found, params.get("names"))), key=lambda c: c["customer_gateway_id"])
