"""Network Firewall firewalls with per-AZ endpoints, subnet associations and deletion.

moto stores the firewall but reports no endpoints. Here CreateFirewall validates the policy, the
VPC and its subnets (one per Availability Zone), and creates one firewall endpoint per subnet: a
requester-managed ``GatewayLoadBalancer`` VPC endpoint (``vpce-...``) that route tables can
target, reported in ``FirewallStatus.SyncStates[az].Attachment.EndpointId``. AssociateSubnets /
DisassociateSubnets add and remove endpoints, AssociateFirewallPolicy switches the policy, the
three Update*Protection calls set their flags, and DeleteFirewall removes the firewall and its
endpoints. The protection flags (initialised TRUE, as documented) are enforced with
``InvalidOperationException``; UpdateToken is the documented optional optimistic lock
(``InvalidTokenException`` when stale) and changes on every update. With
``settings["pending_reads"]`` > 0 a new firewall/attachment stays PROVISIONING/CREATING and a
deleted firewall DELETING for that many DescribeFirewall calls.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult
from moto.ec2.models import ec2_backends
from moto.ec2.models.vpcs import VPCEndPoint
from moto.ec2.utils import random_private_ip, random_vpc_ep_id
from moto.moto_api._internal import mock_random
from moto.networkfirewall.models import NetworkFirewallBackend, NetworkFirewallModel
from moto.networkfirewall.responses import NetworkFirewallResponse

from . import lifecycle
from ._common import pending_reads
from ._nfw_common import NfwError, check_token, invalid_request, new_token, not_found
from .network_firewall_policies import get_policy


def _ec2(backend: Any) -> Any:
    return ec2_backends[backend.account_id][backend.region_name]


def get_firewall(backend: Any, arn: str | None, name: str | None) -> NetworkFirewallModel:
    if not arn and not name:
        raise invalid_request("FirewallName or FirewallArn must be specified.")
    for firewall in backend.firewalls.values():
        if (arn and firewall.arn == arn) or (not arn and firewall.firewall_name == name):
            firewall.__dict__.setdefault("_endpoints", {})
            firewall.__dict__.setdefault("_id", firewall.arn.rsplit("/", 1)[-1])
            return firewall
    raise not_found(f"Firewall {arn or name}")


def _subnet_azs(backend: Any, vpc_id: str, subnet_ids: list[str]) -> dict[str, str]:
    ec2 = _ec2(backend)
    azs: dict[str, str] = {}
    for subnet_id in subnet_ids:
        try:
            subnet = ec2.get_subnet(subnet_id)
        except Exception as exc:  # noqa: BLE001 - moto raises its own EC2 error type
            raise invalid_request(f"Subnet {subnet_id} does not exist.") from exc
        if subnet.vpc_id != vpc_id:
            raise invalid_request(f"Subnet {subnet_id} is not in VPC {vpc_id}.")
        if subnet.availability_zone in azs.values():
            raise invalid_request(
                f"Only one subnet per Availability Zone is allowed ({subnet.availability_zone})."
            )
        azs[subnet_id] = subnet.availability_zone
    return azs


def _add_endpoint(backend: Any, firewall: Any, subnet_id: str, az: str) -> None:
    ec2 = _ec2(backend)
    endpoint = VPCEndPoint(
        ec2,
        random_vpc_ep_id(),
        firewall.vpc_id,
        firewall._service_name,
        "GatewayLoadBalancer",
        None,
        [],
        [subnet_id],
    )
    endpoint.requester_managed = True
    eni = ec2.create_network_interface(subnet_id, random_private_ip())
    endpoint.network_interface_ids = [eni.id]
    ec2.vpc_end_points[endpoint.id] = endpoint
    firewall._endpoints[az] = {"SubnetId": subnet_id, "EndpointId": endpoint.id, "Status": "READY"}
    if pending_reads() > 0:
        firewall._endpoints[az]["Status"] = "CREATING"
        lifecycle.track(
            backend, f"{firewall.arn}#{az}", lambda: firewall._endpoints.get(az, {}).update(Status="READY")
        )


def _remove_endpoint(backend: Any, firewall: Any, az: str) -> None:
    attachment = firewall._endpoints.pop(az, None)
    if not attachment:
        return
    ec2 = _ec2(backend)
    endpoint = ec2.vpc_end_points.pop(attachment["EndpointId"], None)
    if endpoint is not None:
        endpoint.state = "deleted"
        for eni_id in endpoint.network_interface_ids:
            ec2.enis.pop(eni_id, None)


def _status(backend: Any, firewall: Any) -> dict[str, Any]:
    policy = (
        backend._firewall_policies.get(firewall.firewall_policy_arn)
        if hasattr(backend, "_firewall_policies")
        else None
    )
    sync_states = {}
    for az, attachment in sorted(firewall._endpoints.items()):
        config = {}
        if policy is not None:
            config[policy.arn] = {"SyncStatus": "IN_SYNC", "UpdateToken": policy.update_token}
            for arn in policy.rule_group_arns():
                group = backend._rule_groups.get(arn)
                if group is not None:
                    config[arn] = {"SyncStatus": "IN_SYNC", "UpdateToken": group.update_token}
        sync_states[az] = {"Attachment": dict(attachment), "Config": config}
    busy = any(a["Status"] != "READY" for a in firewall._endpoints.values())
    status = getattr(firewall, "_lifecycle_status", None) or ("PROVISIONING" if busy else "READY")
    return {
        "Status": status,
        "ConfigurationSyncStateSummary": "PENDING" if busy else "IN_SYNC",
        "SyncStates": sync_states,
    }


def _firewall(firewall: Any) -> dict[str, Any]:
    out = {
        "FirewallName": firewall.firewall_name,
        "FirewallArn": firewall.arn,
        "FirewallPolicyArn": firewall.firewall_policy_arn,
        "VpcId": firewall.vpc_id,
        "SubnetMappings": [
            {"SubnetId": a["SubnetId"], "IPAddressType": "IPV4"}
            for _az, a in sorted(firewall._endpoints.items())
        ],
        "DeleteProtection": firewall.delete_protection,
        "SubnetChangeProtection": firewall.subnet_change_protection,
        "FirewallPolicyChangeProtection": firewall.firewall_policy_change_protection,
        "FirewallId": firewall._id,
        "Tags": firewall.tags or [],
        "EncryptionConfiguration": firewall.encryption_configuration or {"Type": "AWS_OWNED_KMS_KEY"},
    }
    if firewall.description:
        out["Description"] = firewall.description
    return out


# --- responses -------------------------------------------------------------------------------


def create_firewall(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    params = self.params
    name = params["FirewallName"]
    if any(f.firewall_name == name for f in backend.firewalls.values()):
        raise invalid_request(f"A resource with the name {name} already exists.")
    try:
        get_policy(backend, params["FirewallPolicyArn"])
    except NfwError as exc:
        raise invalid_request(f"Firewall policy {params['FirewallPolicyArn']} does not exist.") from exc
    vpc_id = params.get("VpcId")
    if not vpc_id or vpc_id not in _ec2(backend).vpcs:
        raise invalid_request(f"VPC {vpc_id} does not exist.")
    subnet_ids = [m["SubnetId"] for m in params.get("SubnetMappings") or []]
    if not subnet_ids:
        raise invalid_request("SubnetMappings must contain at least one subnet.")
    azs = _subnet_azs(backend, vpc_id, subnet_ids)
    firewall = backend.create_firewall(
        firewall_name=name,
        firewall_policy_arn=params["FirewallPolicyArn"],
        vpc_id=vpc_id,
        subnet_mappings=params.get("SubnetMappings"),
        delete_protection=params.get("DeleteProtection"),
        subnet_change_protection=params.get("SubnetChangeProtection"),
        firewall_policy_change_protection=params.get("FirewallPolicyChangeProtection"),
        description=params.get("Description"),
        tags=params.get("Tags"),
        encryption_configuration=params.get("EncryptionConfiguration"),
        enabled_analysis_types=params.get("EnabledAnalysisTypes"),
    )
    firewall._id = str(mock_random.uuid4())
    firewall._service_name = (
        f"com.amazonaws.vpce.{backend.region_name}.vpce-svc-{mock_random.get_random_hex(17)}"
    )
    firewall._endpoints = {}
    firewall.update_token = new_token()
    for subnet_id, az in azs.items():
        _add_endpoint(backend, firewall, subnet_id, az)
    return ActionResult({"Firewall": _firewall(firewall), "FirewallStatus": _status(backend, firewall)})


def describe_firewall(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    lifecycle.advance(backend)
    firewall = get_firewall(backend, self._get_param("FirewallArn"), self._get_param("FirewallName"))
    lifecycle.tick(backend, [firewall.arn] + [f"{firewall.arn}#{az}" for az in firewall._endpoints])
    return ActionResult(
        {
            "UpdateToken": firewall.update_token,
            "Firewall": _firewall(firewall),
            "FirewallStatus": _status(backend, firewall),
        }
    )


def _locked_firewall(self: Any) -> Any:
    firewall = get_firewall(
        self.networkfirewall_backend, self._get_param("FirewallArn"), self._get_param("FirewallName")
    )
    if getattr(firewall, "_lifecycle_status", None) == "DELETING":
        raise NfwError("InvalidOperationException", f"Firewall {firewall.firewall_name} is being deleted.")
    check_token(firewall, self._get_param("UpdateToken"), required=False)
    return firewall


def _protected(flag: bool, what: str) -> None:
    if flag:
        raise NfwError(
            "InvalidOperationException",
            f"{what} is enabled for this firewall; disable it before making this change.",
        )


def associate_subnets(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    firewall = _locked_firewall(self)
    _protected(firewall.subnet_change_protection, "SubnetChangeProtection")
    subnet_ids = [m["SubnetId"] for m in self._get_param("SubnetMappings") or []]
    current = {a["SubnetId"] for a in firewall._endpoints.values()}
    new = [s for s in subnet_ids if s not in current]
    azs = _subnet_azs(backend, firewall.vpc_id, new)
    taken = [az for az in azs.values() if az in firewall._endpoints]
    if taken:
        raise invalid_request(f"The firewall already has a subnet in {', '.join(taken)}.")
    for subnet_id, az in azs.items():
        _add_endpoint(backend, firewall, subnet_id, az)
    return _subnet_result(firewall)


def disassociate_subnets(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    firewall = _locked_firewall(self)
    _protected(firewall.subnet_change_protection, "SubnetChangeProtection")
    for subnet_id in self._get_param("SubnetIds") or []:
        az = next((az for az, a in firewall._endpoints.items() if a["SubnetId"] == subnet_id), None)
        if az is None:
            raise invalid_request(f"Subnet {subnet_id} is not associated with the firewall.")
        _remove_endpoint(backend, firewall, az)
    return _subnet_result(firewall)


def _subnet_result(firewall: Any) -> ActionResult:
    firewall.update_token = new_token()
    return ActionResult(
        {
            "FirewallArn": firewall.arn,
            "FirewallName": firewall.firewall_name,
            "SubnetMappings": _firewall(firewall)["SubnetMappings"],
            "UpdateToken": firewall.update_token,
        }
    )


def associate_firewall_policy(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    firewall = _locked_firewall(self)
    _protected(firewall.firewall_policy_change_protection, "FirewallPolicyChangeProtection")
    policy = get_policy(backend, self._get_param("FirewallPolicyArn"))
    firewall.firewall_policy_arn = policy.arn
    firewall.update_token = new_token()
    return ActionResult(
        {
            "FirewallArn": firewall.arn,
            "FirewallName": firewall.firewall_name,
            "FirewallPolicyArn": policy.arn,
            "UpdateToken": firewall.update_token,
        }
    )


def _flag_update(attr: str, param: str) -> Any:
    def update(self: Any) -> ActionResult:
        firewall = _locked_firewall(self)
        setattr(firewall, attr, bool(self._get_param(param)))
        firewall.update_token = new_token()
        return ActionResult(
            {
                "FirewallArn": firewall.arn,
                "FirewallName": firewall.firewall_name,
                param: getattr(firewall, attr),
                "UpdateToken": firewall.update_token,
            }
        )

    return update


def delete_firewall(self: Any) -> ActionResult:
    backend = self.networkfirewall_backend
    firewall = get_firewall(backend, self._get_param("FirewallArn"), self._get_param("FirewallName"))
    _protected(firewall.delete_protection, "DeleteProtection")
    firewall._lifecycle_status = "DELETING"
    for attachment in firewall._endpoints.values():
        attachment["Status"] = "DELETING"
    result = ActionResult({"Firewall": _firewall(firewall), "FirewallStatus": _status(backend, firewall)})

    def gone() -> None:
        for az in list(firewall._endpoints):
            _remove_endpoint(backend, firewall, az)
        backend.firewalls.pop(firewall.arn, None)

    if pending_reads() > 0:
        lifecycle.track(backend, firewall.arn, gone)
    else:
        gone()
    return result


def apply(settings: dict[str, Any]) -> None:
    handlers = {
        "create_firewall": create_firewall,
        "describe_firewall": describe_firewall,
        "delete_firewall": delete_firewall,
        "associate_subnets": associate_subnets,
        "disassociate_subnets": disassociate_subnets,
        "associate_firewall_policy": associate_firewall_policy,
        "update_firewall_delete_protection": _flag_update("delete_protection", "DeleteProtection"),
        "update_subnet_change_protection": _flag_update("subnet_change_protection", "SubnetChangeProtection"),
        "update_firewall_policy_change_protection": _flag_update(
            "firewall_policy_change_protection", "FirewallPolicyChangeProtection"
        ),
    }
    for name, handler in handlers.items():
        setattr(NetworkFirewallResponse, name, handler)
    NetworkFirewallBackend._get_firewall = get_firewall  # type: ignore[method-assign]
