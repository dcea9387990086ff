"""Deletion guards AWS enforces on transit gateways and their route tables.

* DeleteTransitGateway fails with ``IncorrectState`` while the gateway has attachments that are
  not deleted (moto deletes it anyway).
* DeleteTransitGatewayRouteTable fails with ``IncorrectState`` while attachments are associated
  with the table; unknown ids answer ``InvalidTransitGatewayID.NotFound`` /
  ``InvalidRouteTableID.NotFound`` instead of a server error.
"""

from __future__ import annotations

from typing import Any

from moto.ec2.models import EC2Backend

from ._common import AwsError, wrap
from .tgw_association_conflict import get_route_table

_GONE = ("deleted", "rejected", "failed")


def _delete_tgw(original: Any) -> Any:
    def delete_transit_gateway(self: Any, transit_gateway_id: str) -> Any:
        tgw = self.transit_gateways.get(transit_gateway_id)
        if tgw is None or tgw.state == "deleted":
            raise AwsError(
                "InvalidTransitGatewayID.NotFound",
                f"Transit Gateway {transit_gateway_id} was deleted or does not exist.",
            )
        live = [
            a.id
            for a in self.transit_gateway_attachments.values()
            if a.transit_gateway_id == transit_gateway_id and a.state not in _GONE
        ]
        if live:
            raise AwsError(
                "IncorrectState",
                f"{transit_gateway_id} has non-deleted Transit Gateway Attachments: "
                f"{', '.join(sorted(live))}.",
            )
        tgw = original(self, transit_gateway_id)
        tgw.state = "deleted"
        for table in self.transit_gateways_route_tables.values():
            if table.transit_gateway_id == transit_gateway_id:
                table.state = "deleted"
        return tgw

    return delete_transit_gateway


def _delete_table(original: Any) -> Any:
    def delete_transit_gateway_route_table(self: Any, transit_gateway_route_table_id: str) -> Any:
        table = get_route_table(self, transit_gateway_route_table_id)
        associated = [
            a
            for a in table.route_table_associations
            if (att := self.transit_gateway_attachments.get(a)) is not None and att.state not in _GONE
        ]
        if associated:
            raise AwsError("IncorrectState", f"{table.id} has associations: {', '.join(sorted(associated))}.")
        table = original(self, transit_gateway_route_table_id)
        for tgw in self.transit_gateways.values():
            for key in ("AssociationDefaultRouteTableId", "PropagationDefaultRouteTableId"):
                if tgw.options.get(key) == table.id:
                    tgw.options.pop(key)
        return table

    return delete_transit_gateway_route_table


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "delete_transit_gateway", _delete_tgw)
    wrap(EC2Backend, "delete_transit_gateway_route_table", _delete_table)
