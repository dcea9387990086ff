"""Pending states of asynchronous resources, so waiters and bounded waits are exercised.

AWS creates transit gateways, transit gateway attachments, VPC endpoints, VPN connections and
Route 53 Resolver endpoints asynchronously: they report ``pending`` (resolver endpoints
``CREATING``) before ``available`` (``OPERATIONAL``), and ``deleting`` (``DELETING``) after a
delete before they are ``deleted`` or gone. Cross-account VPC attachments stay
``pendingAcceptance`` until accepted, then go through ``pending``.

Here a resource stays in its transitional state for ``settings["pending_reads"]`` describe calls
that return it (counted per resource id, through the API only), then reaches its final state at
the next describe. With 0 (the default) everything is final at once, as in plain moto. Creating an
attachment on a transit gateway that is not yet available answers ``IncorrectState``, and so do
associating an attachment that is not yet available with a transit gateway route table and enabling
its propagation (AWS: "tgw-attach-... is in invalid state").
"""

from __future__ import annotations

import collections
import json
import threading
from collections.abc import Callable
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.models import EC2Backend, ec2_backends
from moto.ec2.responses import EC2Response
from moto.route53resolver.models import Route53ResolverBackend
from moto.route53resolver.responses import Route53ResolverResponse

from ._common import AwsError, pending_reads, wrap

MAX_TRACKED = 10000
_LOCK = threading.RLock()


def _registry(backend: Any) -> collections.OrderedDict[str, dict[str, Any]]:
    return backend.__dict__.setdefault("_lifecycle", collections.OrderedDict())


def track(backend: Any, resource_id: str, done: Callable[[], None]) -> None:
    """Keep a resource in its current (transitional) state for pending_reads describes."""
    with _LOCK:
        registry = _registry(backend)
        registry[resource_id] = {"remaining": pending_reads(), "done": done}
        while len(registry) > MAX_TRACKED:
            _rid, entry = registry.popitem(last=False)
            entry["done"]()


def advance(backend: Any) -> None:
    with _LOCK:
        registry = _registry(backend)
        for resource_id in [rid for rid, entry in registry.items() if entry["remaining"] <= 0]:
            registry.pop(resource_id)["done"]()


def tick(backend: Any, resource_ids: list[str]) -> None:
    with _LOCK:
        registry = _registry(backend)
        for resource_id in resource_ids:
            if resource_id in registry:
                registry[resource_id]["remaining"] -= 1


def _set(obj: Any, attr: str, value: str) -> Callable[[], None]:
    return lambda: setattr(obj, attr, value)


def _set_and_drop(obj: Any, attr: str, value: str, store: dict[str, Any]) -> Callable[[], None]:
    def done() -> None:
        setattr(obj, attr, value)
        if store.get(obj.id) is obj:
            store.pop(obj.id)

    return done


# --- creation --------------------------------------------------------------------------------


def _pending_on_create(
    attr: str = "state",
    pending: str = "pending",
    final: str = "available",
    only_from: str | None = "available",
) -> Any:
    def factory(original: Any) -> Any:
        def create(self: Any, *args: Any, **kwargs: Any) -> Any:
            obj = original(self, *args, **kwargs)
            if pending_reads() > 0 and (only_from is None or getattr(obj, attr) == only_from):
                setattr(obj, attr, pending)
                track(self, obj.id, _set(obj, attr, final))
            return obj

        return create

    return factory


def _attachment_on_tgw_ready(original: Any) -> Any:
    def create(self: Any, transit_gateway_id: str, *args: Any, **kwargs: Any) -> Any:
        tgw = self.transit_gateways.get(transit_gateway_id)
        if tgw is not None and tgw.state != "available":
            raise AwsError("IncorrectState", f"{transit_gateway_id} is in invalid state")
        return original(self, transit_gateway_id, *args, **kwargs)

    return create


def _attachment_available(original: Any) -> Any:
    def call(self: Any, transit_gateway_attachment_id: str, *args: Any, **kwargs: Any) -> Any:
        attachment = self.transit_gateway_attachments.get(transit_gateway_attachment_id)
        if attachment is not None and attachment.state not in ("available", "deleted", "deleting"):
            raise AwsError("IncorrectState", f"{transit_gateway_attachment_id} is in invalid state")
        return original(self, transit_gateway_attachment_id, *args, **kwargs)

    return call


def _pending_after_accept(original: Any) -> Any:
    def accept(self: Any, transit_gateway_attachment_id: str) -> Any:
        attachment = original(self, transit_gateway_attachment_id)
        if pending_reads() > 0:
            attachment.state = "pending"
            vpc_owner = ec2_backends[attachment.resource_owner_id].get(self.region_name)
            for backend in [self] + ([vpc_owner] if vpc_owner is not None and vpc_owner is not self else []):
                track(backend, attachment.id, _set(attachment, "state", "available"))
        return attachment

    return accept


# --- deletion --------------------------------------------------------------------------------


def _deleting(
    store_name: str,
    attr: str = "state",
    deleting: str = "deleting",
    final: str = "deleted",
    drop: bool = True,
    id_arg: int = 0,
) -> Any:
    def factory(original: Any) -> Any:
        def delete(self: Any, *args: Any, **kwargs: Any) -> Any:
            resource_id = args[id_arg] if len(args) > id_arg else next(iter(kwargs.values()))
            store = getattr(self, store_name)
            before = store.get(resource_id)
            result = original(self, *args, **kwargs)
            obj = before if before is not None else result
            if pending_reads() > 0 and obj is not None:
                setattr(obj, attr, deleting)
                store[obj.id] = obj
                track(
                    self, obj.id, _set_and_drop(obj, attr, final, store) if drop else _set(obj, attr, final)
                )
            return result

        return delete

    return factory


def _delete_endpoints(original: Any) -> Any:
    def delete_vpc_endpoints(self: Any, vpce_ids: list[str] | None = None) -> Any:
        result = original(self, vpce_ids)
        if pending_reads() > 0:
            for vpce_id in vpce_ids or []:
                endpoint = self.vpc_end_points.get(vpce_id)
                if endpoint is not None and endpoint.state == "deleted" and vpce_id not in _registry(self):
                    endpoint.state = "deleting"
                    track(self, vpce_id, _set(endpoint, "state", "deleted"))
        return result

    return delete_vpc_endpoints


# --- describes -------------------------------------------------------------------------------


def _ec2_describe(keys: tuple[str, ...]) -> Any:
    def factory(original: Any) -> Any:
        def describe(self: Any) -> Any:
            backend = self.ec2_backend
            advance(backend)
            result = original(self)
            if isinstance(result, ActionResult) and isinstance(result.result, dict):
                for key in keys:
                    tick(backend, [obj.id for obj in result.result.get(key) or []])
            return result

        return describe

    return factory


def _resolver_describe(original: Any) -> Any:
    def describe(self: Any) -> Any:
        backend = self.route53resolver_backend
        advance(backend)
        body = original(self)
        try:
            data = json.loads(body)
        except (TypeError, ValueError):
            return body
        endpoints = data.get("ResolverEndpoints") or (
            [data["ResolverEndpoint"]] if "ResolverEndpoint" in data else []
        )
        tick(backend, [e["Id"] for e in endpoints])
        return body

    return describe


def _vpn_delete_detaches(original: Any) -> Any:
    def delete_vpn_connection(self: Any) -> Any:
        from .tgw_routes import detach

        result = original(self)
        vpn_id = self._get_param("VpnConnectionId")
        for attachment in list(self.ec2_backend.transit_gateway_attachments.values()):
            if attachment.resource_id == vpn_id:
                detach(self.ec2_backend, attachment.id)
                attachment._association_data = {}
        return result

    return delete_vpn_connection


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "create_transit_gateway", _pending_on_create())
    wrap(EC2Backend, "create_transit_gateway_vpc_attachment", _pending_on_create())
    wrap(EC2Backend, "create_transit_gateway_vpc_attachment", _attachment_on_tgw_ready)
    wrap(EC2Backend, "create_transit_gateway_vpn_attachment", _pending_on_create())
    wrap(EC2Backend, "accept_transit_gateway_vpc_attachment", _pending_after_accept)
    wrap(EC2Backend, "associate_transit_gateway_route_table", _attachment_available)
    wrap(EC2Backend, "enable_transit_gateway_route_table_propagation", _attachment_available)
    wrap(EC2Backend, "create_vpc_endpoint", _pending_on_create())
    wrap(EC2Backend, "create_vpn_connection", _pending_on_create())
    wrap(
        Route53ResolverBackend,
        "create_resolver_endpoint",
        _pending_on_create(attr="status", pending="CREATING", final="OPERATIONAL", only_from="OPERATIONAL"),
    )

    wrap(EC2Backend, "delete_transit_gateway", _deleting("transit_gateways"))
    wrap(EC2Backend, "delete_transit_gateway_vpc_attachment", _deleting("transit_gateway_attachments"))
    wrap(EC2Backend, "delete_vpc_endpoints", _delete_endpoints)
    wrap(EC2Backend, "delete_vpn_connection", _deleting("vpn_connections", drop=False))
    wrap(
        Route53ResolverBackend,
        "delete_resolver_endpoint",
        _deleting("resolver_endpoints", attr="status", deleting="DELETING", final="DELETED"),
    )
    wrap(EC2Response, "delete_vpn_connection", _vpn_delete_detaches)

    wrap(EC2Response, "describe_transit_gateways", _ec2_describe(("TransitGateways",)))
    wrap(EC2Response, "describe_transit_gateway_attachments", _ec2_describe(("TransitGatewayAttachments",)))
    wrap(
        EC2Response,
        "describe_transit_gateway_vpc_attachments",
        _ec2_describe(("TransitGatewayVpcAttachments",)),
    )
    wrap(EC2Response, "describe_vpc_endpoints", _ec2_describe(("VpcEndpoints",)))
    wrap(EC2Response, "describe_vpn_connections", _ec2_describe(("VpnConnections",)))
    wrap(Route53ResolverResponse, "get_resolver_endpoint", _resolver_describe)
    wrap(Route53ResolverResponse, "list_resolver_endpoints", _resolver_describe)
