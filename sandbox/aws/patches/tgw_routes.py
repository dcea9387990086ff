"""Transit Gateway routes as AWS reports them.

* static routes keep their target attachment (``TransitGatewayAttachments``);
* enabled propagations contribute ``propagated`` routes: the CIDR blocks of a propagating VPC
  attachment's VPC (a static route for the same CIDR takes precedence);
* ``ReplaceTransitGatewayRoute`` exists;
* ``SearchTransitGatewayRoutes`` supports the documented filters, ``MaxResults`` (with
  ``AdditionalRoutesAvailable``) and ``NextToken``;
* deleting an attachment removes its associations and propagations, and its static routes become
  blackhole routes.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.models import EC2Backend
from moto.ec2.responses import EC2Response
from moto.utilities.utils import str2bool

from ._common import AwsError, wrap
from .tgw_association_conflict import get_attachment, get_route_table


def _target(attachment: Any) -> dict[str, str]:
    return {
        "ResourceId": attachment.resource_id,
        "TransitGatewayAttachmentId": attachment.id,
        "ResourceType": attachment.resource_type,
    }


def _static_route(backend: Any, cidr: str, attachment_id: str | None, blackhole: bool) -> dict[str, Any]:
    route: dict[str, Any] = {
        "DestinationCidrBlock": cidr,
        "Type": "static",
        "State": "blackhole" if blackhole else "active",
    }
    if not blackhole:
        if not attachment_id:
            raise AwsError(
                "MissingParameter", "Either TransitGatewayAttachmentId or Blackhole must be specified."
            )
        route["TransitGatewayAttachments"] = [_target(get_attachment(backend, attachment_id))]
    return route


def _vpc_cidrs(backend: Any, vpc_id: str) -> list[str]:
    vpc = backend.vpcs.get(vpc_id)
    if vpc is None:
        return []
    cidrs = [
        a["cidr_block"]
        for a in vpc.cidr_block_association_set
        if a.get("cidr_block_state", {}).get("state", "associated") == "associated"
    ]
    return cidrs or [vpc.cidr_block]


def effective_routes(backend: Any, table: Any) -> list[dict[str, Any]]:
    """Static routes plus the routes propagated into ``table``, sorted by destination."""
    routes: dict[str, dict[str, Any]] = {}
    for cidr, route in table.routes.items():
        if route.get("State", route.get("state")) == "deleted":
            continue
        if "DestinationCidrBlock" not in route:  # created before the patch: normalise
            route = _static_route(backend, cidr, None, True)
            table.routes[cidr] = route
        routes[cidr] = route
    for propagation in table.route_table_propagation:
        attachment = backend.transit_gateway_attachments.get(propagation.transitGatewayAttachmentId)
        if attachment is None or attachment.state != "available" or attachment.resource_type != "vpc":
            continue
        for cidr in _vpc_cidrs(backend, attachment.resource_id):
            if cidr in routes and routes[cidr]["Type"] == "static":
                continue
            if cidr in routes:
                routes[cidr]["TransitGatewayAttachments"].append(_target(attachment))
            else:
                routes[cidr] = {
                    "DestinationCidrBlock": cidr,
                    "Type": "propagated",
                    "State": "active",
                    "TransitGatewayAttachments": [_target(attachment)],
                }
    return sorted(
        routes.values(),
        key=lambda r: (
            ipaddress.ip_network(r["DestinationCidrBlock"]).version,
            ipaddress.ip_network(r["DestinationCidrBlock"]),
        ),
    )


def _match(route: dict[str, Any], name: str, values: list[str]) -> bool:
    net = ipaddress.ip_network(route["DestinationCidrBlock"])
    targets = route.get("TransitGatewayAttachments") or []
    if name == "type":
        return route["Type"] in values
    if name == "state":
        return route["State"] in values
    if name == "prefix-list-id":
        return route.get("PrefixListId") in values
    if name == "attachment.transit-gateway-attachment-id":
        return any(t["TransitGatewayAttachmentId"] in values for t in targets)
    if name == "attachment.resource-id":
        return any(t["ResourceId"] in values for t in targets)
    if name == "attachment.resource-type":
        return any(t["ResourceType"] in values for t in targets)
    if name == "route-search.exact-match":
        return any(net == ipaddress.ip_network(v, strict=False) for v in values)
    if name == "route-search.subnet-of-match":
        return any(
            net.version == (o := ipaddress.ip_network(v, strict=False)).version and net.subnet_of(o)
            for v in values
        )
    if name == "route-search.supernet-of-match":
        return any(
            net.version == (o := ipaddress.ip_network(v, strict=False)).version and net.supernet_of(o)
            for v in values
        )
    if name == "route-search.longest-prefix-match":
        return True  # applied afterwards on the whole set
    raise AwsError("InvalidParameterValue", f"The filter '{name}' is invalid")


def search_routes(backend: Any, table_id: str, filters: dict[str, list[str]]) -> list[dict[str, Any]]:
    table = get_route_table(backend, table_id)
    routes = [
        r
        for r in effective_routes(backend, table)
        if all(_match(r, name, values) for name, values in filters.items())
    ]
    for value in filters.get("route-search.longest-prefix-match", []):
        address = ipaddress.ip_network(value, strict=False)
        containing = [
            r
            for r in routes
            if ipaddress.ip_network(r["DestinationCidrBlock"]).version == address.version
            and address.subnet_of(ipaddress.ip_network(r["DestinationCidrBlock"]))
        ]
        best = max(
            (ipaddress.ip_network(r["DestinationCidrBlock"]).prefixlen for r in containing), default=None
        )
        routes = [r for r in containing if ipaddress.ip_network(r["DestinationCidrBlock"]).prefixlen == best]
    return routes


def _create_route(_original: Any) -> Any:
    def create_transit_gateway_route(
        self: Any,
        transit_gateway_route_table_id: str,
        destination_cidr_block: str,
        transit_gateway_attachment_id: str | None = None,
        blackhole: bool = False,
    ) -> dict[str, Any]:
        table = get_route_table(self, transit_gateway_route_table_id)
        existing = table.routes.get(destination_cidr_block)
        if existing and existing.get("State", existing.get("state")) != "deleted":
            raise AwsError(
                "RouteAlreadyExists",
                f"Route {destination_cidr_block} already exists in Transit Gateway Route Table {table.id}.",
            )
        route = _static_route(self, destination_cidr_block, transit_gateway_attachment_id, blackhole)
        table.routes[destination_cidr_block] = route
        return route

    return create_transit_gateway_route


def _delete_route(_original: Any) -> Any:
    def delete_transit_gateway_route(
        self: Any, transit_gateway_route_table_id: str, destination_cidr_block: str
    ) -> dict[str, Any]:
        table = get_route_table(self, transit_gateway_route_table_id)
        route = table.routes.get(destination_cidr_block)
        if route is None:
            raise AwsError(
                "InvalidRoute.NotFound",
                f"No route with destination-cidr-block {destination_cidr_block} in Transit "
                f"Gateway Route Table {table.id}.",
            )
        table.routes.pop(destination_cidr_block)
        return dict(route, State="deleted")

    return delete_transit_gateway_route


def replace_transit_gateway_route(
    self: Any,
    transit_gateway_route_table_id: str,
    destination_cidr_block: str,
    transit_gateway_attachment_id: str | None = None,
    blackhole: bool = False,
) -> dict[str, Any]:
    table = get_route_table(self, transit_gateway_route_table_id)
    if destination_cidr_block not in table.routes:
        raise AwsError(
            "InvalidRoute.NotFound",
            f"No route with destination-cidr-block {destination_cidr_block} in Transit Gateway "
            f"Route Table {table.id}.",
        )
    route = _static_route(self, destination_cidr_block, transit_gateway_attachment_id, blackhole)
    table.routes[destination_cidr_block] = route
    return route


def detach(backend: Any, transit_gateway_attachment_id: str) -> None:
    """Remove a deleted attachment's associations and propagations; its static routes blackhole."""
    for table in backend.transit_gateways_route_tables.values():
        table.route_table_associations.pop(transit_gateway_attachment_id, None)
        table.route_table_propagation = [
            p
            for p in table.route_table_propagation
            if p.transitGatewayAttachmentId != transit_gateway_attachment_id
        ]
        for cidr, route in list(table.routes.items()):
            targets = route.get("TransitGatewayAttachments") or []
            if any(t["TransitGatewayAttachmentId"] == transit_gateway_attachment_id for t in targets):
                table.routes[cidr] = {"DestinationCidrBlock": cidr, "Type": "static", "State": "blackhole"}
    backend.transit_gateway_associations.pop(transit_gateway_attachment_id, None)
    backend.transit_gateway_propagations.pop(transit_gateway_attachment_id, None)


def _delete_attachment(original: Any) -> Any:
    def delete(self: Any, transit_gateway_attachment_id: str) -> Any:
        from .tgw_vpc_attachment_accept import owner_backend

        attachment = get_attachment(self, transit_gateway_attachment_id)
        owner = owner_backend(self, attachment)
        attachment = original(self, transit_gateway_attachment_id)
        detach(self, transit_gateway_attachment_id)
        if owner is not self:
            owner.transit_gateway_attachments.pop(transit_gateway_attachment_id, None)
            detach(owner, transit_gateway_attachment_id)
        attachment._association_data = {}
        return attachment

    return delete


# --- responses -------------------------------------------------------------------------------


def _replace_response(self: Any) -> ActionResult:
    route = self.ec2_backend.replace_transit_gateway_route(
        transit_gateway_route_table_id=self._get_param("TransitGatewayRouteTableId"),
        destination_cidr_block=self._get_param("DestinationCidrBlock"),
        transit_gateway_attachment_id=self._get_param("TransitGatewayAttachmentId"),
        blackhole=str2bool(self._get_param("Blackhole")) or False,
    )
    return ActionResult({"Route": route})


def _search_response(_original: Any) -> Any:
    def search_transit_gateway_routes(self: Any) -> ActionResult:
        filters = self._filters_from_querystring()
        if not filters:
            raise AwsError("MissingParameter", "The request must contain the parameter Filters")
        routes = search_routes(self.ec2_backend, self._get_param("TransitGatewayRouteTableId"), filters)
        max_results = self._get_int_param("MaxResults")
        if max_results is not None and not 5 <= max_results <= 1000:
            raise AwsError(
                "InvalidParameterValue",
                f"Value ( {max_results} ) for parameter maxResults is invalid. "
                "Parameter must be between 5 and 1000.",
            )
        start = int(self._get_param("NextToken") or 0)
        limit = max_results or 1000
        page = routes[start : start + limit]
        more = start + limit < len(routes)
        result: dict[str, Any] = {"Routes": page, "AdditionalRoutesAvailable": more}
        if more and max_results is not None:
            result["NextToken"] = str(start + limit)
        return ActionResult(result)

    return search_transit_gateway_routes


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "create_transit_gateway_route", _create_route)
    wrap(EC2Backend, "delete_transit_gateway_route", _delete_route)
    EC2Backend.replace_transit_gateway_route = replace_transit_gateway_route  # type: ignore[attr-defined]
    wrap(EC2Backend, "delete_transit_gateway_vpc_attachment", _delete_attachment)
    EC2Response.replace_transit_gateway_route = _replace_response  # type: ignore[attr-defined]
    wrap(EC2Response, "search_transit_gateway_routes", _search_response)
