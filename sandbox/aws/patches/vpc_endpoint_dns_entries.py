"""Interface endpoint DnsEntries as AWS returns them.

AWS answers, per interface endpoint: a regional name
``vpce-<id>-<8 chars>.<service>.<region>.vpce.amazonaws.com``, one zonal name
``vpce-<id>-<8 chars>-<az>.<service>...`` per Availability Zone of its subnets (``*.``-prefixed for
S3), all with the region's fixed hosted zone id for ``vpce.amazonaws.com`` names, and, when private
DNS is enabled, the service's private DNS name(s) in a hidden private hosted zone. The entries
follow subnet changes and ModifyVpcEndpoint PrivateDnsEnabled. Private DNS needs the VPC's
enableDnsSupport and enableDnsHostnames (``InvalidParameter`` otherwise). Gateway endpoints have
no DNS entries and PrivateDnsEnabled false. moto returns one entry with a wrong name and a random
zone id.
"""

from __future__ import annotations

import hashlib
import random
import string
from typing import Any

from moto.ec2.models import EC2Backend
from moto.ec2.models.vpcs import VPCEndPoint

from ._common import AwsError, wrap

# Hosted zone ids of <region>.vpce.amazonaws.com (alias targets for endpoint DNS names).
VPCE_HOSTED_ZONE_IDS = {
    "af-south-1": "Z09302161J80N9A7UTP7U",
    "ap-east-1": "Z2LIHJ7PKBEMWN",
    "ap-northeast-1": "Z2E726K9Y6RL4W",
    "ap-northeast-2": "Z27UANNT0PRK1T",
    "ap-northeast-3": "Z376B5OMM2JZL2",
    "ap-south-1": "Z2KVTB3ZLFM7JR",
    "ap-south-2": "Z0952991RWSF5AHIQDIY",
    "ap-southeast-1": "Z18LLCSTV4NVNL",
    "ap-southeast-2": "ZDK2GCRPAFKGO",
    "ap-southeast-3": "Z03881013RZ9BYYZO8N5W",
    "ap-southeast-4": "Z07508191CO1RNBX3X3AU",
    "ca-central-1": "ZRCXCF510Y6P9",
    "eu-central-1": "Z273ZU8SZ5RJPC",
    "eu-central-2": "Z045369019J4FUQ4S272E",
    "eu-north-1": "Z3OWWK6JFDEDGC",
    "eu-south-1": "Z2A5FDNRLY7KZG",
    "eu-south-2": "Z014396544HENR57XQCJ",
    "eu-west-1": "Z38GZ743OKFT7T",
    "eu-west-2": "Z7K1066E3PUKB",
    "eu-west-3": "Z1DWHTMFP0WECP",
    "me-central-1": "Z07122992YCEUCB9A9570",
    "me-south-1": "Z3B95P3VBGEQGY",
    "sa-east-1": "Z2LXUWEVLCVZIB",
    "us-east-1": "Z7HUB22UULQXV",
    "us-east-2": "ZC8PG0KIFKBRI",
    "us-gov-east-1": "Z2MU5TEIGO9WXB",
    "us-gov-west-1": "Z12529ZODG2B6H",
    "us-west-1": "Z12I86A8N7VCZO",
    "us-west-2": "Z1YSA3EXCYUU9Z",
}

_ALPHABET = string.ascii_lowercase + string.digits


def vpce_hosted_zone_id(region: str) -> str:
    if region in VPCE_HOSTED_ZONE_IDS:
        return VPCE_HOSTED_ZONE_IDS[region]
    return "Z" + hashlib.sha256(f"vpce:{region}".encode()).hexdigest()[:12].upper()


def service_suffix(service_name: str, region: str) -> str:
    """The DNS label(s) of a service in vpce names: com.amazonaws.<region>.ecr.dkr -> dkr.ecr."""
    prefix = f"com.amazonaws.{region}."
    if service_name.startswith(prefix):
        return ".".join(reversed(service_name[len(prefix) :].split(".")))
    return service_name.rsplit(".", 1)[-1]  # com.amazonaws.vpce.<region>.vpce-svc-...


def _service_details(backend: Any, service_name: str) -> dict[str, Any]:
    for detail in backend._collect_default_endpoint_services(backend.account_id, backend.region_name):
        if detail["ServiceName"] == service_name and detail["ServiceType"][0]["ServiceType"] == "Interface":
            return detail
    for config in getattr(backend, "configurations", {}).values():
        if getattr(config, "service_name", None) == service_name:
            name = getattr(config, "private_dns_name", None)
            return {"PrivateDnsNames": [{"PrivateDnsName": name}]} if name else {}
    return {}


def private_dns_names(backend: Any, service_name: str) -> list[str]:
    detail = _service_details(backend, service_name)
    names = [n["PrivateDnsName"] for n in detail.get("PrivateDnsNames") or [] if n.get("PrivateDnsName")]
    if not names and detail.get("PrivateDnsName"):
        names = [detail["PrivateDnsName"]]
    return names


def _dns_entries(self: Any) -> list[dict[str, str]]:
    if not str(self.vpc_endpoint_type or "").lower() == "interface":
        return []
    backend = self.ec2_backend
    region = backend.region_name
    zone_id = vpce_hosted_zone_id(region)
    base = f"{self.id}-{self._dns_token}"
    suffix = f"{service_suffix(self.service_name, region)}.{region}.vpce.amazonaws.com"
    star = "*." if self.service_name == f"com.amazonaws.{region}.s3" else ""
    entries = [{"DnsName": f"{star}{base}.{suffix}", "HostedZoneId": zone_id}]
    azs: list[str] = []
    for subnet_id in self.subnet_ids or []:
        try:
            subnet = backend.get_subnet(subnet_id)
        except Exception:  # noqa: BLE001 - a deleted subnet no longer contributes a zonal name
            continue
        if subnet.availability_zone not in azs:
            azs.append(subnet.availability_zone)
    entries += [{"DnsName": f"{star}{base}-{az}.{suffix}", "HostedZoneId": zone_id} for az in sorted(azs)]
    if self.private_dns_enabled:
        private_zone = "Z" + hashlib.sha256(f"phz:{self.id}".encode()).hexdigest()[:13].upper()
        entries += [
            {"DnsName": name, "HostedZoneId": private_zone}
            for name in private_dns_names(backend, self.service_name)
        ]
    return entries


def _set_dns_entries(self: Any, value: Any) -> None:
    """moto assigns its own entries in __init__; AWS's are derived, so the value is ignored."""


def require_vpc_dns(backend: Any, vpc_id: str) -> None:
    vpc = backend.get_vpc(vpc_id)
    if not (_truthy(vpc.enable_dns_support) and _truthy(vpc.enable_dns_hostnames)):
        raise AwsError(
            "InvalidParameter",
            f"Enabling private DNS requires both enableDnsSupport and enableDnsHostnames VPC "
            f"attributes set to true for {vpc_id}",
        )


def _truthy(value: Any) -> bool:
    return str(value).lower() == "true"


def _create(original: Any) -> Any:
    def create_vpc_endpoint(
        self: Any, vpc_id: str, service_name: str, endpoint_type: str | None, *args: Any, **kwargs: Any
    ) -> Any:
        is_interface = str(endpoint_type or "").lower() == "interface"
        if is_interface and kwargs.get("private_dns_enabled"):
            require_vpc_dns(self, vpc_id)
        if not is_interface:
            kwargs["private_dns_enabled"] = False
        endpoint = original(self, vpc_id, service_name, endpoint_type, *args, **kwargs)
        endpoint._dns_token = "".join(random.choice(_ALPHABET) for _ in range(8))
        return endpoint

    return create_vpc_endpoint


def apply(settings: dict[str, Any]) -> None:
    VPCEndPoint._dns_token = "00000000"  # type: ignore[attr-defined]
    VPCEndPoint.dns_entries = property(_dns_entries, _set_dns_entries)  # type: ignore[assignment]
    wrap(EC2Backend, "create_vpc_endpoint", _create)
