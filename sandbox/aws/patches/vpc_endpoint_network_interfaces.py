"""Network interfaces of interface endpoints as AWS creates them.

AWS (PrivateLink, "Interface VPC endpoints"): each subnet of an interface endpoint gets one
requester-managed network interface (``InterfaceType`` ``vpc_endpoint``, description ``VPC Endpoint
Interface <id>``) with a private address from that subnet, carrying the endpoint's security groups
(the VPC's default group when none is given, also listed in the endpoint's ``Groups``);
ModifyVpcEndpoint security group changes apply to the interfaces. moto gives each interface a random
10.x address outside the subnet and the VPC's default group, so a route or security group check
against the endpoint's address proves nothing.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from moto.ec2.models import EC2Backend
from moto.ec2.responses import EC2Response

from ._common import wrap


def _free_address(backend: Any, subnet: Any, eni_id: str) -> str:
    """The lowest address of the subnet not reserved by AWS (first four and last) nor used by another ENI."""
    net = ipaddress.ip_network(subnet.cidr_block)
    used = {e.private_ip_address for e in backend.enis.values() if e.id != eni_id and e.subnet.id == subnet.id}
    for address in list(net.hosts())[3:-1]:
        if str(address) not in used:
            return str(address)
    raise RuntimeError(f"subnet {subnet.id} has no free address")  # pragma: no cover - /28 holds 11


def sync_interfaces(backend: Any, endpoint: Any) -> None:
    """Give every interface of ``endpoint`` an address of its subnet and the endpoint's security groups."""
    if str(endpoint.vpc_endpoint_type).lower() != "interface":
        return
    if not endpoint.security_group_ids:
        # Created without groups: AWS gives the endpoint (and its interfaces) the VPC's default group.
        endpoint.security_group_ids = [backend.get_default_security_group(endpoint.vpc_id).id]
    groups = [backend.get_security_group_from_id(g) for g in endpoint.security_group_ids]
    for eni_id in endpoint.network_interface_ids:
        eni = backend.enis.get(eni_id)
        if eni is None:
            continue
        inside = eni.private_ip_address and ipaddress.ip_address(eni.private_ip_address) in ipaddress.ip_network(
            eni.subnet.cidr_block)
        if not inside:
            eni.private_ip_address = _free_address(backend, eni.subnet, eni_id)
            eni.private_ip_addresses = [{"Primary": True, "PrivateIpAddress": eni.private_ip_address}]
        eni._group_set = [g for g in groups if g is not None]
        eni.interface_type = "vpc_endpoint"
        eni.requester_managed = True
        eni.description = f"VPC Endpoint Interface {endpoint.id}"


def _create(original: Any) -> Any:
    def create_vpc_endpoint(self: Any, *args: Any, **kwargs: Any) -> Any:
        endpoint = original(self, *args, **kwargs)
        sync_interfaces(self, endpoint)
        return endpoint

    return create_vpc_endpoint


def _modify(original: Any) -> Any:
    def modify_vpc_endpoint(self: Any) -> Any:
        result = original(self)
        endpoint = self.ec2_backend.vpc_end_points.get(self._get_param("VpcEndpointId"))
        if endpoint is not None:
            sync_interfaces(self.ec2_backend, endpoint)
        return result

    return modify_vpc_endpoint


def apply(settings: dict[str, Any]) -> None:
    wrap(EC2Backend, "create_vpc_endpoint", _create)
    wrap(EC2Response, "modify_vpc_endpoint", _modify)
