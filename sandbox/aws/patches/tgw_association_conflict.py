"""Transit Gateway route table association and propagation rules AWS enforces.

An attachment has at most one associated route table: associating it again answers
``Resource.AlreadyAssociated`` (disassociate first). moto silently keeps the old association.
An attachment may propagate to several route tables; enabling the same propagation twice fails.
Unknown attachments and route tables answer their NotFound codes instead of a server error.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import EC2Backend
from moto.ec2.models.transit_gateway_route_tables import RouteTablePropagation, TransitGatewayRelations

from ._common import AwsError, wrap


def get_attachment(backend: Any, attachment_id: str) -> Any:
    attachment = backend.transit_gateway_attachments.get(attachment_id)
    if attachment is None or attachment.state in ("deleted", "deleting"):
        raise AwsError(
            "InvalidTransitGatewayAttachmentID.NotFound",
            f"Transit Gateway Attachment {attachment_id} was deleted or does not exist.",
        )
    return attachment


def get_route_table(backend: Any, table_id: str) -> Any:
    table = backend.transit_gateways_route_tables.get(table_id)
    if table is None or table.state in ("deleted", "deleting"):
        raise AwsError(
            "InvalidRouteTableID.NotFound",
            f"Transit Gateway Route Table {table_id} was deleted or does not exist.",
        )
    return table


def _associate(original: Any) -> Any:
    def associate_transit_gateway_route_table(
        self: Any, transit_gateway_attachment_id: str, transit_gateway_route_table_id: str
    ) -> Any:
        attachment = get_attachment(self, transit_gateway_attachment_id)
        table = get_route_table(self, transit_gateway_route_table_id)
        if attachment.transit_gateway_id != table.transit_gateway_id:
            raise AwsError(
                "InvalidParameterValue",
                f"Transit Gateway Route Table {table.id} and Transit Gateway Attachment "
                f"{attachment.id} belong to different transit gateways.",
            )
        if (getattr(attachment, "_association_data", None) or {}).get("transitGatewayRouteTableId"):
            raise AwsError(
                "Resource.AlreadyAssociated",
                f"Transit Gateway Attachment {attachment.id} is already associated to a route table.",
            )
        relation = original(self, transit_gateway_attachment_id, transit_gateway_route_table_id)
        attachment.transit_gateway_route_table = table
        return relation

    return associate_transit_gateway_route_table


def _disassociate(original: Any) -> Any:
    def disassociate_transit_gateway_route_table(self: Any, tgw_attach_id: str, tgw_rt_id: str) -> Any:
        attachment = get_attachment(self, tgw_attach_id)
        get_route_table(self, tgw_rt_id)
        current = (getattr(attachment, "_association_data", None) or {}).get("transitGatewayRouteTableId")
        if current != tgw_rt_id:
            raise AwsError(
                "InvalidAssociation.NotFound",
                f"Transit Gateway Attachment {tgw_attach_id} is not associated with "
                f"Transit Gateway Route Table {tgw_rt_id}.",
            )
        relation = original(self, tgw_attach_id, tgw_rt_id)
        attachment.transit_gateway_route_table = None
        return relation

    return disassociate_transit_gateway_route_table


def _propagations(table: Any, attachment_id: str) -> list[Any]:
    return [p for p in table.route_table_propagation if p.transitGatewayAttachmentId == attachment_id]


def _enable(_original: Any) -> Any:
    def enable_transit_gateway_route_table_propagation(
        self: Any, transit_gateway_attachment_id: str, transit_gateway_route_table_id: str
    ) -> Any:
        attachment = get_attachment(self, transit_gateway_attachment_id)
        table = get_route_table(self, transit_gateway_route_table_id)
        if _propagations(table, attachment.id):
            raise AwsError(
                "TransitGatewayRouteTablePropagation.Duplicate",
                f"Propagation for {attachment.id} already exists in Transit Gateway Route Table {table.id}.",
            )
        table.route_table_propagation.append(
            RouteTablePropagation(
                resource_id=attachment.resource_id,
                resource_type=attachment.resource_type,
                state="enabled",
                transit_gateway_attachment_id=attachment.id,
            )
        )
        attachment.propagation = {"state": "enabled", "transitGatewayRouteTableId": table.id}
        return TransitGatewayRelations(self, attachment.id, table.id, state="enabled")

    return enable_transit_gateway_route_table_propagation


def _disable(_original: Any) -> Any:
    def disable_transit_gateway_route_table_propagation(
        self: Any, transit_gateway_attachment_id: str, transit_gateway_route_table_id: str
    ) -> Any:
        attachment = get_attachment(self, transit_gateway_attachment_id)
        table = get_route_table(self, transit_gateway_route_table_id)
        if not _propagations(table, attachment.id):
            raise AwsError(
                "TransitGatewayRouteTablePropagation.NotFound",
                f"Propagation for {attachment.id} does not exist in Transit Gateway Route Table {table.id}.",
            )
        table.route_table_propagation = [
            p for p in table.route_table_propagation if p.transitGatewayAttachmentId != attachment.id
        ]
        if attachment.propagation.get("transitGatewayRouteTableId") == table.id:
            attachment.propagation = {}
        return TransitGatewayRelations(self, attachment.id, table.id, state="disabled")

    return disable_transit_gateway_route_table_propagation


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "associate_transit_gateway_route_table", _associate)
    wrap(EC2Backend, "disassociate_transit_gateway_route_table", _disassociate)
    wrap(EC2Backend, "enable_transit_gateway_route_table_propagation", _enable)
    wrap(EC2Backend, "disable_transit_gateway_route_table_propagation", _disable)
