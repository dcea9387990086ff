"""Customer gateways: an identical create returns the existing gateway; DescribeCustomerGateways filters.

AWS: "An identical request returns information about the existing customer gateway; it doesn't
create a new customer gateway" (CreateCustomerGateway). Identity is the type, IP address, BGP ASN
and device name (a different ``DeviceName`` is how a second gateway with the same address and ASN
is made); only an ``available`` gateway is returned. moto creates a second one.

DescribeCustomerGateways filters on ``bgp-asn``, ``customer-gateway-id``, ``ip-address``,
``state``, ``type``, ``tag:<key>`` and ``tag-key``, and an unknown id in ``CustomerGatewayIds``
answers ``InvalidCustomerGatewayID.NotFound``. moto compares the ASN filter against a value of
another type (nothing matches) and ignores tag filters (everything matches).
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidCustomerGatewayIdError
from moto.ec2.models import EC2Backend
from moto.ec2.models.customer_gateways import CustomerGateway
from moto.ec2.responses import EC2Response
from moto.ec2.utils import generic_filter

from ._common import wrap

_FILTERS = {
    "bgp-asn": lambda cgw: str(cgw.bgp_asn),
    "customer-gateway-id": lambda cgw: cgw.id,
    "ip-address": lambda cgw: cgw.ip_address,
    "state": lambda cgw: cgw.state,
    "type": lambda cgw: cgw.type,
    "device-name": lambda cgw: getattr(cgw, "device_name", None),
}


def _create(original: Any) -> Any:
    def create_customer_gateway(self: Any) -> Any:
        backend = self.ec2_backend
        gateway_type = self._get_param("Type") or "ipsec.1"
        ip_address = self._get_param("IpAddress") or self._get_param("PublicIp")
        bgp_asn = self._get_param("BgpAsn")
        bgp_asn = str(bgp_asn) if bgp_asn is not None else str(self._get_param("BgpAsnExtended") or "65000")
        device_name = self._get_param("DeviceName")
        for cgw in backend.customer_gateways.values():
            if (
                cgw.state == "available"
                and cgw.type == gateway_type
                and cgw.ip_address == ip_address
                and str(cgw.bgp_asn) == bgp_asn
                and getattr(cgw, "device_name", None) == device_name
            ):
                return ActionResult({"CustomerGateway": cgw})
        result = original(self)
        created = result.result.get("CustomerGateway") if isinstance(result, ActionResult) else None
        if created is not None:
            created.bgp_asn = bgp_asn
            created.device_name = device_name
        return result

    return create_customer_gateway


def _filter_value(original: Any) -> Any:
    def get_filter_value(self: Any, filter_name: str, method_name: str | None = None) -> Any:
        if filter_name in _FILTERS:
            return _FILTERS[filter_name](self)
        return original(self, filter_name, method_name)

    return get_filter_value


def _describe(_original: Any) -> Any:
    def describe_customer_gateways(
        self: Any, filters: Any = None, customer_gateway_ids: list[str] | None = None
    ) -> list[Any]:
        gateways = list(self.customer_gateways.values())
        if customer_gateway_ids:
            for cgw_id in customer_gateway_ids:
                if cgw_id not in self.customer_gateways:
                    raise InvalidCustomerGatewayIdError(cgw_id)
            gateways = [cgw for cgw in gateways if cgw.id in customer_gateway_ids]
        return generic_filter(filters or {}, gateways)

    return describe_customer_gateways


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Response, "create_customer_gateway", _create)
    wrap(CustomerGateway, "get_filter_value", _filter_value)
    wrap(EC2Backend, "describe_customer_gateways", _describe)
