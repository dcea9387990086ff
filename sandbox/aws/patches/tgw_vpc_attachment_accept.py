"""Cross-account Transit Gateway VPC attachments and AcceptTransitGatewayVpcAttachment.

A VPC owner can attach to a transit gateway of another account (shared with it). AWS puts the
attachment in ``pendingAcceptance`` unless the transit gateway has AutoAcceptSharedAttachments
enabled; the transit gateway owner then calls AcceptTransitGatewayVpcAttachment (or
RejectTransitGatewayVpcAttachment). Default association/propagation apply on acceptance. Both
accounts see the attachment. moto answers InvalidTransitGatewayID.NotFound for a foreign transit
gateway and does not implement accept/reject.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment, TransitGatewayVpcAttachment

from ._common import AwsError, wrap
from .tgw_association_conflict import get_attachment
from .tgw_default_route_tables import apply_defaults


def _find_foreign_tgw(backend: Any, tgw_id: str) -> tuple[Any, Any] | tuple[None, None]:
    for account_id in list(ec2_backends.keys()):
        if account_id == backend.account_id:
            continue
        other = ec2_backends[account_id].get(backend.region_name)
        if other is not None and tgw_id in other.transit_gateways:
            return other, other.transit_gateways[tgw_id]
    return None, None


def _create(original: Any) -> Any:
    def create_transit_gateway_vpc_attachment(
        self: Any,
        transit_gateway_id: str,
        vpc_id: str,
        subnet_ids: list[str],
        tags: Any = None,
        options: Any = None,
    ) -> Any:
        if transit_gateway_id in self.transit_gateways:
            return original(
                self,
                transit_gateway_id=transit_gateway_id,
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                tags=tags,
                options=options,
            )
        owner, tgw = _find_foreign_tgw(self, transit_gateway_id)
        if tgw is None:
            return original(
                self,
                transit_gateway_id=transit_gateway_id,
                vpc_id=vpc_id,
                subnet_ids=subnet_ids,
                tags=tags,
                options=options,
            )
        self.get_vpc(vpc_id)
        attachment = TransitGatewayVpcAttachment(
            self, transit_gateway=tgw, vpc_id=vpc_id, subnet_ids=subnet_ids, tags=tags, options=options
        )
        attachment.transit_gateway_route_table = None
        attachment._tgw_owner_id = owner.account_id
        self.transit_gateway_attachments[attachment.id] = attachment
        owner.transit_gateway_attachments[attachment.id] = attachment
        if str(tgw.options.get("AutoAcceptSharedAttachments", "disable")).lower() == "enable":
            apply_defaults(owner, attachment)
        else:
            attachment.state = "pendingAcceptance"
        return attachment

    return create_transit_gateway_vpc_attachment


def owner_backend(backend: Any, attachment: Any) -> Any:
    """The backend of the account that owns the attachment's transit gateway."""
    owner_id = getattr(attachment, "_tgw_owner_id", None)
    if not owner_id or owner_id == backend.account_id:
        return backend
    return ec2_backends[owner_id].get(backend.region_name) or backend


def _owned_pending(backend: Any, attachment_id: str, verb: str) -> Any:
    attachment = get_attachment(backend, attachment_id)
    if attachment.resource_type != "vpc":
        raise AwsError(
            "InvalidTransitGatewayAttachmentID.NotFound",
            f"Transit Gateway VPC Attachment {attachment_id} was deleted or does not exist.",
        )
    if attachment.transit_gateway_id not in backend.transit_gateways:
        raise AwsError(
            "InvalidParameterValue",
            f"Cannot {verb} {attachment_id}: only the transit gateway owner can {verb} it.",
        )
    if attachment.state != "pendingAcceptance":
        raise AwsError(
            "IncorrectState", f"tgw-attachment {attachment_id} is in invalid state {attachment.state}"
        )
    return attachment


def accept_transit_gateway_vpc_attachment(self: Any, transit_gateway_attachment_id: str) -> Any:
    attachment = _owned_pending(self, transit_gateway_attachment_id, "accept")
    attachment.state = "available"
    apply_defaults(self, attachment)
    return attachment


def reject_transit_gateway_vpc_attachment(self: Any, transit_gateway_attachment_id: str) -> Any:
    attachment = _owned_pending(self, transit_gateway_attachment_id, "reject")
    attachment.state = "rejected"
    return attachment


def _accept_response(self: Any) -> ActionResult:
    attachment = self.ec2_backend.accept_transit_gateway_vpc_attachment(
        self._get_param("TransitGatewayAttachmentId")
    )
    return ActionResult({"TransitGatewayVpcAttachment": attachment})


def _reject_response(self: Any) -> ActionResult:
    attachment = self.ec2_backend.reject_transit_gateway_vpc_attachment(
        self._get_param("TransitGatewayAttachmentId")
    )
    return ActionResult({"TransitGatewayVpcAttachment": attachment})


def _tgw_owner(self: Any) -> str:
    return getattr(self, "_tgw_owner_id", None) or self.resource_owner_id


def apply(settings: dict[str, Any]) -> None:
    from moto.ec2.responses import EC2Response

    wrap(EC2Backend, "create_transit_gateway_vpc_attachment", _create)
    EC2Backend.accept_transit_gateway_vpc_attachment = accept_transit_gateway_vpc_attachment  # type: ignore
    EC2Backend.reject_transit_gateway_vpc_attachment = reject_transit_gateway_vpc_attachment  # type: ignore
    EC2Response.accept_transit_gateway_vpc_attachment = _accept_response  # type: ignore[attr-defined]
    EC2Response.reject_transit_gateway_vpc_attachment = _reject_response  # type: ignore[attr-defined]
    TransitGatewayAttachment.transit_gateway_owner_id = property(_tgw_owner)  # type: ignore[assignment]
