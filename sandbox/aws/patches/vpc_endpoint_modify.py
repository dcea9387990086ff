"""ModifyVpcEndpoint as AWS applies it.

* ``PrivateDnsEnabled`` toggles private DNS of an interface endpoint (moto ignores it);
* ``ResetPolicy`` restores the default full-access policy (moto ignores it);
* Add/RemoveSubnetIds create/delete the endpoint network interfaces;
* on gateway endpoints, Add/RemoveRouteTableIds add/remove the service prefix-list route in those
  route tables, so a later DeleteVpcEndpoints cleans up exactly the routes that exist (moto leaves
  routes behind and the later delete fails);
* unknown endpoint ids answer ``InvalidVpcEndpointId.NotFound``.
"""

from __future__ import annotations

import json
from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.models.vpcs import VPCEndPoint
from moto.ec2.responses import EC2Response
from moto.ec2.utils import random_private_ip

from ._common import AwsError
from .vpc_endpoint_dns_entries import require_vpc_dns


def _endpoint(backend: Any, endpoint_id: str) -> Any:
    endpoint = backend.vpc_end_points.get(endpoint_id)
    if endpoint is None or endpoint.state == "deleted":
        raise AwsError("InvalidVpcEndpointId.NotFound", f"The VpcEndpoint Id '{endpoint_id}' does not exist")
    return endpoint


def _add_route(backend: Any, endpoint: Any, table_id: str) -> None:
    backend.create_route(
        table_id, None, gateway_id=endpoint.id, destination_prefix_list_id=endpoint.destination_prefix_list_id
    )


def _remove_route(backend: Any, endpoint: Any, table_id: str) -> None:
    try:
        backend.delete_route(table_id, None, destination_prefix_list_id=endpoint.destination_prefix_list_id)
    except Exception:  # noqa: BLE001 - the route was already removed by the user
        pass


def modify_endpoint(backend: Any, params: dict[str, Any]) -> None:
    endpoint = _endpoint(backend, params["VpcEndpointId"])
    is_interface = str(endpoint.vpc_endpoint_type).lower() == "interface"
    is_gateway = str(endpoint.vpc_endpoint_type).lower() == "gateway"
    private_dns = params.get("PrivateDnsEnabled")
    if private_dns is not None:
        if not is_interface:
            raise AwsError("InvalidParameter", "Private DNS can only be enabled for interface endpoints.")
        if private_dns:
            require_vpc_dns(backend, endpoint.vpc_id)
    for table_id in params.get("AddRouteTableIds") or []:
        backend.get_route_table(table_id)
    for subnet_id in params.get("AddSubnetIds") or []:
        backend.get_subnet(subnet_id)

    if params.get("ResetPolicy"):
        endpoint.policy_document = json.dumps(VPCEndPoint.DEFAULT_POLICY)
    elif params.get("PolicyDocument"):
        endpoint.policy_document = params["PolicyDocument"]
    if private_dns is not None:
        endpoint.private_dns_enabled = bool(private_dns)

    for table_id in params.get("AddRouteTableIds") or []:
        if table_id not in endpoint.route_table_ids:
            endpoint.route_table_ids.append(table_id)
            if is_gateway and endpoint.destination_prefix_list_id:
                _add_route(backend, endpoint, table_id)
    for table_id in params.get("RemoveRouteTableIds") or []:
        if table_id in endpoint.route_table_ids:
            endpoint.route_table_ids.remove(table_id)
            if is_gateway and endpoint.destination_prefix_list_id:
                _remove_route(backend, endpoint, table_id)

    subnet_ids = list(endpoint.subnet_ids or [])
    for subnet_id in params.get("AddSubnetIds") or []:
        if subnet_id not in subnet_ids:
            subnet_ids.append(subnet_id)
            if is_interface:
                eni = backend.create_network_interface(subnet_id, random_private_ip())
                endpoint.network_interface_ids.append(eni.id)
    for subnet_id in params.get("RemoveSubnetIds") or []:
        if subnet_id in subnet_ids:
            subnet_ids.remove(subnet_id)
            for eni_id in list(endpoint.network_interface_ids):
                eni = backend.enis.get(eni_id)
                if eni is not None and eni.subnet.id == subnet_id:
                    backend.enis.pop(eni_id, None)
                    endpoint.network_interface_ids.remove(eni_id)
    endpoint.subnet_ids = subnet_ids

    groups = list(endpoint.security_group_ids)
    groups += [g for g in params.get("AddSecurityGroupIds") or [] if g not in groups]
    endpoint.security_group_ids = [g for g in groups if g not in (params.get("RemoveSecurityGroupIds") or [])]


def _modify_response(self: Any) -> ActionResult:
    private_dns = self._get_param("PrivateDnsEnabled")
    params = {
        "VpcEndpointId": self._get_param("VpcEndpointId"),
        "ResetPolicy": str(self._get_param("ResetPolicy", "false")).lower() == "true",
        "PolicyDocument": self._get_param("PolicyDocument"),
        "PrivateDnsEnabled": None if private_dns is None else str(private_dns).lower() == "true",
        "AddRouteTableIds": self._get_param("AddRouteTableIds", []),
        "RemoveRouteTableIds": self._get_param("RemoveRouteTableIds", []),
        "AddSubnetIds": self._get_param("AddSubnetIds", []),
        "RemoveSubnetIds": self._get_param("RemoveSubnetIds", []),
        "AddSecurityGroupIds": self._get_param("AddSecurityGroupIds", []),
        "RemoveSecurityGroupIds": self._get_param("RemoveSecurityGroupIds", []),
    }
    modify_endpoint(self.ec2_backend, params)
    return ActionResult({"Return": True})


def apply(settings: dict[str, Any]) -> None:
    EC2Response.modify_vpc_endpoint = _modify_response  # type: ignore[method-assign]
