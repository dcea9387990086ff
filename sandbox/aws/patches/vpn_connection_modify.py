"""ModifyVpnConnection: move a Site-to-Site VPN connection to another customer or target gateway.

AWS changes the customer gateway or the target gateway (transit gateway or virtual private gateway)
in place; the tunnel outside addresses and tunnel options stay. Moving off a transit gateway deletes
the connection's ``vpn`` attachment there (its associations and propagations go, static routes to
it blackhole) and a new ``vpn`` attachment is created on the new transit gateway. Unknown ids answer
``InvalidVpnConnectionID.NotFound``, ``InvalidCustomerGatewayID.NotFound``,
``InvalidTransitGatewayID.NotFound`` or ``InvalidVpnGatewayID.NotFound``; the connection is
``modifying`` for ``pending_reads`` describes. moto does not implement the call.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.exceptions import InvalidCustomerGatewayIdError, InvalidTransitGatewayID
from moto.ec2.responses import EC2Response

from ._common import AwsError, wrap
from .vpn_tunnel_options import get_vpn, mark_modifying, require_available


def _drop_attachment(backend: Any, vpn_id: str) -> None:
    from .tgw_routes import detach

    for attachment in list(backend.transit_gateway_attachments.values()):
        if attachment.resource_id == vpn_id and attachment.state not in ("deleting", "deleted"):
            attachment.state = "deleted"
            detach(backend, attachment.id)
            attachment._association_data = {}


def _check_inside_cidrs(backend: Any, vpn: Any, gateway_id: str) -> None:
    mine = {t["TunnelInsideCidr"] for t in getattr(vpn, "_tunnels", None) or []}
    for other in backend.vpn_connections.values():
        if other is vpn or other.state in ("deleting", "deleted"):
            continue
        if gateway_id not in (other.transit_gateway_id, other.vpn_gateway_id):
            continue
        clash = mine & {t["TunnelInsideCidr"] for t in getattr(other, "_tunnels", None) or []}
        if clash:
            raise AwsError(
                "InvalidParameterValue",
                f"The tunnel inside CIDR {sorted(clash)[0]} is already used by {other.id} on {gateway_id}.",
            )


def _modify(_original: Any) -> Any:
    def modify_vpn_connection(self: Any) -> ActionResult:
        from .lifecycle import advance

        backend = self.ec2_backend
        advance(backend)
        vpn = get_vpn(backend, self._get_param("VpnConnectionId"))
        cgw_id = self._get_param("CustomerGatewayId")
        tgw_id = self._get_param("TransitGatewayId")
        vgw_id = self._get_param("VpnGatewayId")
        if tgw_id and vgw_id:
            raise AwsError(
                "InvalidParameterValue", "The request must not contain both parameter vpnGatewayId and transitGatewayId"
            )
        if cgw_id:
            cgw = backend.customer_gateways.get(cgw_id)
            if cgw is None or cgw.state in ("deleting", "deleted"):
                raise InvalidCustomerGatewayIdError(cgw_id)
        if tgw_id:
            tgw = backend.transit_gateways.get(tgw_id)
            if tgw is None or tgw.state in ("deleting", "deleted"):
                raise InvalidTransitGatewayID(tgw_id)
        if vgw_id:
            backend.get_vpn_gateway(vgw_id)
        require_available(vpn)
        new_gateway = (tgw_id and tgw_id != vpn.transit_gateway_id) or (vgw_id and vgw_id != vpn.vpn_gateway_id)
        if new_gateway:
            _check_inside_cidrs(backend, vpn, tgw_id or vgw_id)
        changed = False
        if cgw_id and cgw_id != vpn.customer_gateway_id:
            vpn.customer_gateway_id = cgw_id
            changed = True
        if new_gateway:
            if vpn.transit_gateway_id:
                _drop_attachment(backend, vpn.id)
            vpn.transit_gateway_id, vpn.vpn_gateway_id = tgw_id or None, vgw_id or None
            if tgw_id:
                backend.create_transit_gateway_vpn_attachment(vpn_id=vpn.id, transit_gateway_id=tgw_id)
            changed = True
        if changed:
            mark_modifying(vpn)
        return ActionResult({"VpnConnection": vpn})

    return modify_vpn_connection


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Response, "modify_vpn_connection", _modify)
