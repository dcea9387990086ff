"""Transit Gateway default route table association and propagation, as AWS applies them.

AWS creates the default route table only when DefaultRouteTableAssociation or
DefaultRouteTablePropagation is enabled, and a new VPC or VPN attachment is associated with
AssociationDefaultRouteTableId and propagates to PropagationDefaultRouteTableId only when the
matching option is enabled. moto always associates VPC attachments with its default table, never
propagates and never associates VPN attachments.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import EC2Backend
from moto.ec2.models.transit_gateway_attachments import TransitGatewayAttachment

from ._common import wrap


def _enabled(options: dict[str, Any], key: str) -> bool:
    return str(options.get(key, "enable")).lower() == "enable"


def _create_transit_gateway(original: Any) -> Any:
    def create_transit_gateway(self: Any, description: Any, options: Any = None, tags: Any = None) -> Any:
        tgw = original(self, description=description, options=options, tags=tags)
        associate = _enabled(tgw.options, "DefaultRouteTableAssociation")
        propagate = _enabled(tgw.options, "DefaultRouteTablePropagation")
        table = tgw.default_route_table
        table.default_association_route_table = associate
        table.default_propagation_route_table = propagate
        if not associate:
            tgw.options.pop("AssociationDefaultRouteTableId", None)
        if not propagate:
            tgw.options.pop("PropagationDefaultRouteTableId", None)
        if not associate and not propagate:
            # AWS creates no default table; moto still needs the object while it builds attachments.
            self.transit_gateways_route_tables.pop(table.id, None)
        return tgw

    return create_transit_gateway


def _set_route_table_association(original: Any) -> Any:
    def set_route_table_association(
        self: Any, transit_gateway_attachment_id: str, transit_gateway_route_table_id: str
    ) -> None:
        if transit_gateway_route_table_id in self.transit_gateways_route_tables:
            original(self, transit_gateway_attachment_id, transit_gateway_route_table_id)

    return set_route_table_association


def apply_defaults(backend: Any, attachment: Any) -> None:
    """Associate/propagate a new attachment as its transit gateway's options say."""
    tgw = backend.transit_gateways.get(attachment.transit_gateway_id)
    attachment.transit_gateway_route_table = None
    attachment._association_data = {}
    for table in backend.transit_gateways_route_tables.values():
        table.route_table_associations.pop(attachment.id, None)
    if tgw is None:
        return
    options = tgw.options
    assoc_table = options.get("AssociationDefaultRouteTableId")
    if (
        _enabled(options, "DefaultRouteTableAssociation")
        and assoc_table in backend.transit_gateways_route_tables
    ):
        backend.associate_transit_gateway_route_table(attachment.id, assoc_table)
    prop_table = options.get("PropagationDefaultRouteTableId")
    if (
        _enabled(options, "DefaultRouteTablePropagation")
        and prop_table in backend.transit_gateways_route_tables
    ):
        backend.enable_transit_gateway_route_table_propagation(attachment.id, prop_table)


def _create_attachment(original: Any) -> Any:
    def create(self: Any, *args: Any, **kwargs: Any) -> Any:
        attachment = original(self, *args, **kwargs)
        if attachment.state not in ("pendingAcceptance", "rejected"):
            apply_defaults(self, attachment)
        return attachment

    return create


def _association(self: Any) -> dict[str, str] | None:
    data = getattr(self, "_association_data", None) or {}
    if not data.get("transitGatewayRouteTableId"):
        return None
    return {
        "State": data.get("state", "associated"),
        "TransitGatewayRouteTableId": data["transitGatewayRouteTableId"],
    }


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "create_transit_gateway", _create_transit_gateway)
    wrap(EC2Backend, "set_route_table_association", _set_route_table_association)
    wrap(EC2Backend, "create_transit_gateway_vpc_attachment", _create_attachment)
    wrap(EC2Backend, "create_transit_gateway_vpn_attachment", _create_attachment)
    TransitGatewayAttachment.association = property(_association)  # type: ignore[assignment]
