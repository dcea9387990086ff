"""TagSpecifications on CreateTransitGatewayVpcAttachment, as AWS applies them.

AWS tags a new VPC attachment with the ``transit-gateway-attachment`` tag specification of the
request, and the tags come back in the create answer and in every describe. moto reads the
``transit-gateway-route-table`` specification instead, so the attachment is created untagged and a
collection that finds its attachments by tag would adopt nothing and create a duplicate.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.responses.transit_gateway_attachments import TransitGatewayAttachment

from ._common import wrap


def _create(original: Any) -> Any:
    def create_transit_gateway_vpc_attachment(self: Any) -> ActionResult:
        tags = self._parse_tag_specification().get("transit-gateway-attachment", {})
        attachment = self.ec2_backend.create_transit_gateway_vpc_attachment(
            transit_gateway_id=self._get_param("TransitGatewayId"),
            tags=tags,
            vpc_id=self._get_param("VpcId"),
            subnet_ids=self._get_param("SubnetIds", []),
            options=self._get_param("Options", {}),
        )
        return ActionResult({"TransitGatewayVpcAttachment": attachment})

    return create_transit_gateway_vpc_attachment


def apply(settings: dict[str, Any]) -> None:
    wrap(TransitGatewayAttachment, "create_transit_gateway_vpc_attachment", _create)
