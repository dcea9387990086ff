"""DescribeVpcEndpointServices private DNS names as AWS publishes them.

Corrections to moto's catalog: the S3 interface service's private DNS name is the wildcard
``*.s3.<region>.amazonaws.com`` and API Gateway's is ``*.execute-api.<region>.amazonaws.com``;
gateway services (S3, DynamoDB) have no private DNS name. ServiceType, AvailabilityZones and the
other members moto returns are already as AWS answers them.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import EC2Backend

_WILDCARD_SERVICES = ("s3", "execute-api")


def fix_service(detail: dict[str, Any], region: str) -> None:
    service_type = detail["ServiceType"][0]["ServiceType"]
    if service_type == "Gateway":
        for key in ("PrivateDnsName", "PrivateDnsNames", "PrivateDnsNameVerificationState"):
            detail.pop(key, None)
        return
    for service in _WILDCARD_SERVICES:
        if detail["ServiceName"] == f"com.amazonaws.{region}.{service}":
            name = f"*.{service}.{region}.amazonaws.com"
            detail["PrivateDnsName"] = name
            detail["PrivateDnsNames"] = [{"PrivateDnsName": name}]
            detail["PrivateDnsNameVerificationState"] = "verified"


def _collect(original: Any) -> Any:
    def _collect_default_endpoint_services(account_id: str, region: str) -> list[dict[str, Any]]:
        services = original(account_id, region)
        for detail in services:
            fix_service(detail, region)
        return services

    return staticmethod(_collect_default_endpoint_services)


def apply(settings: dict[str, Any]) -> None:
    original = EC2Backend.__dict__.get("_collect_default_endpoint_services")
    func = (
        original.__func__
        if isinstance(original, staticmethod)
        else EC2Backend._collect_default_endpoint_services
    )
    EC2Backend._collect_default_endpoint_services = _collect(func)  # type: ignore[method-assign]
