"""Route 53 cross-account VPC association, as documented for private hosted zones.

* CreateVPCAssociationAuthorization / ListVPCAssociationAuthorizations /
  DeleteVPCAssociationAuthorization, called by the hosted zone owner (moto lacks them);
* AssociateVPCWithHostedZone called by the VPC owner for a zone of another account needs an
  authorization (``NotAuthorizedException``, HTTP 401, otherwise); the VPC must exist in the
  caller's account (``InvalidVPCId``); a VPC already associated with a zone of the same name, or
  holding an interface endpoint whose private DNS serves that name, answers
  ``ConflictingDomainExists``;
* DisassociateVPCFromHostedZone works from either side and answers ``VPCAssociationNotFound`` for
  a VPC that is not associated;
* ListHostedZonesByVPC, called by the VPC owner, lists zones of other accounts associated with it.
"""

from __future__ import annotations

from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult, EmptyResult
from moto.ec2.models import ec2_backends
from moto.route53 import urls as route53_urls
from moto.route53.exceptions import NoSuchHostedZone, PublicZoneVPCAssociation
from moto.route53.models import Route53Backend, route53_backends
from moto.route53.responses import Route53

from .route53_change_status import change_info

_ZONE_PATH = r"{0}/(?P<api_version>[\d_-]+)/hostedzone/(?P<zone_id>[^/]+)"
_AUTH_PATHS = {
    _ZONE_PATH + r"/authorizevpcassociation/?$": Route53.dispatch,
    _ZONE_PATH + r"/deauthorizevpcassociation/?$": Route53.dispatch,
}


class Route53Error(ServiceException):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


def _zone_key(zone_id: str) -> str:
    return zone_id.replace("/hostedzone/", "")


def find_zone(backend: Any, zone_id: str) -> tuple[Any, Any]:
    """(owner backend, zone) for a zone id of any account; NoSuchHostedZone when none has it."""
    key = _zone_key(zone_id)
    if key in backend.zones:
        return backend, backend.zones[key]
    for account_id in list(route53_backends.keys()):
        other = route53_backends[account_id].get(backend.partition)
        if other is not None and key in other.zones:
            return other, other.zones[key]
    raise NoSuchHostedZone(zone_id)


def _authorizations(backend: Any) -> dict[str, list[dict[str, str]]]:
    return backend.__dict__.setdefault("_vpc_association_authorizations", {})


def _own_zone(backend: Any, zone_id: str) -> Any:
    zone = backend.zones.get(_zone_key(zone_id))
    if zone is None:
        raise NoSuchHostedZone(zone_id)
    return zone


def _check_vpc_param(vpc: dict[str, Any]) -> None:
    if not vpc.get("VPCId") or not vpc.get("VPCRegion"):
        raise Route53Error("InvalidInput", "VPCId and VPCRegion are required.")


def create_vpc_association_authorization(self: Any, zone_id: str, vpc: dict[str, Any]) -> dict[str, str]:
    zone = _own_zone(self, zone_id)
    _check_vpc_param(vpc)
    if not zone.private_zone:
        raise Route53Error(
            "InvalidInput", "Cannot create VPC association authorization for a public hosted zone."
        )
    entries = _authorizations(self).setdefault(zone.id, [])
    entry = {"VPCRegion": vpc["VPCRegion"], "VPCId": vpc["VPCId"]}
    if entry not in entries:
        entries.append(entry)
    return entry


def delete_vpc_association_authorization(self: Any, zone_id: str, vpc: dict[str, Any]) -> None:
    zone = _own_zone(self, zone_id)
    _check_vpc_param(vpc)
    entries = _authorizations(self).get(zone.id, [])
    entry = {"VPCRegion": vpc["VPCRegion"], "VPCId": vpc["VPCId"]}
    if entry not in entries:
        raise Route53Error(
            "VPCAssociationAuthorizationNotFound",
            f"The VPC: {vpc['VPCId']} has not authorized to associate with your hostedzone.",
        )
    entries.remove(entry)


def _vpc_exists(account_id: str, region: str, vpc_id: str) -> bool:
    backend = ec2_backends[account_id].get(region) if region else None
    return backend is not None and vpc_id in backend.vpcs


def _norm(name: str) -> str:
    return name.rstrip(".").lower()


def _endpoint_conflict(account_id: str, region: str, vpc_id: str, zone_name: str) -> str | None:
    from .vpc_endpoint_dns_entries import private_dns_names

    backend = ec2_backends[account_id].get(region)
    if backend is None:
        return None
    for endpoint in backend.vpc_end_points.values():
        if endpoint.vpc_id != vpc_id or endpoint.state == "deleted" or not endpoint.private_dns_enabled:
            continue
        for name in private_dns_names(backend, endpoint.service_name):
            if _norm(name).removeprefix("*.") == _norm(zone_name):
                return endpoint.id
    return None


def _associate(_original: Any) -> Any:
    def associate_vpc_with_hosted_zone(self: Any, zone_id: str, vpcid: str, vpcregion: str) -> Any:
        owner, zone = find_zone(self, zone_id)
        if not zone.private_zone:
            raise PublicZoneVPCAssociation()
        if not vpcid or not _vpc_exists(self.account_id, vpcregion, vpcid):
            raise Route53Error("InvalidVPCId", f"The VPC ID '{vpcid}' is not valid for region {vpcregion}.")
        if owner is not self and {"VPCRegion": vpcregion, "VPCId": vpcid} not in _authorizations(owner).get(
            zone.id, []
        ):
            raise Route53Error(
                "NotAuthorizedException",
                f"The VPC: {vpcid} has not authorized to associate with your hostedzone.",
            )
        for account_id in list(route53_backends.keys()):
            other = route53_backends[account_id].get(self.partition)
            for candidate in other.zones.values() if other is not None else []:
                if _norm(candidate.name) == _norm(zone.name) and any(
                    v.get("vpc_id") == vpcid for v in candidate.vpcs
                ):
                    raise Route53Error(
                        "ConflictingDomainExists",
                        f"The VPC {vpcid} in {vpcregion} region has already been associated with "
                        f"the hosted zone {candidate.resource_id} with the same domain name.",
                    )
        endpoint = _endpoint_conflict(self.account_id, vpcregion, vpcid, zone.name)
        if endpoint:
            raise Route53Error(
                "ConflictingDomainExists",
                f"The VPC {vpcid} in {vpcregion} region has already been associated with a "
                f"hosted zone for {zone.name.rstrip('.')} (private DNS of {endpoint}).",
            )
        zone.add_vpc(vpcid, vpcregion)
        return zone

    return associate_vpc_with_hosted_zone


def _disassociate(_original: Any) -> Any:
    def disassociate_vpc_from_hosted_zone(self: Any, zone_id: str, vpcid: str) -> Any:
        _owner, zone = find_zone(self, zone_id)
        if not any(v.get("vpc_id") == vpcid for v in zone.vpcs):
            raise Route53Error(
                "VPCAssociationNotFound",
                f"The specified VPC {vpcid} is not associated with the hosted zone {zone.resource_id}.",
            )
        if len(zone.vpcs) <= 1:
            from moto.route53.exceptions import LastVPCAssociation

            raise LastVPCAssociation()
        zone.delete_vpc(vpcid)
        return zone

    return disassociate_vpc_from_hosted_zone


def _list_by_vpc(original: Any) -> Any:
    def list_hosted_zones_by_vpc(self: Any, vpc_id: str) -> list[dict[str, Any]]:
        result = list(original(self, vpc_id))
        for account_id in list(route53_backends.keys()):
            other = route53_backends[account_id].get(self.partition)
            if other is None or other is self:
                continue
            for zone in other.zones.values():
                if zone.private_zone and any(v.get("vpc_id") == vpc_id for v in zone.vpcs):
                    result.append(
                        {
                            "HostedZoneId": zone.resource_id,
                            "Name": zone.name,
                            "Owner": {"OwningAccount": other.account_id},
                        }
                    )
        return result

    return list_hosted_zones_by_vpc


# --- responses -------------------------------------------------------------------------------


def _vpc_param(self: Any) -> dict[str, Any]:
    return {"VPCId": self._get_param("VPC.VPCId"), "VPCRegion": self._get_param("VPC.VPCRegion")}


def _create_auth_response(self: Any) -> ActionResult:
    zone_id = self._get_param("HostedZoneId")
    entry = self.backend.create_vpc_association_authorization(zone_id, _vpc_param(self))
    return ActionResult({"HostedZoneId": _zone_key(zone_id), "VPC": entry})


def _list_auth_response(self: Any) -> ActionResult:
    zone_id = self._get_param("HostedZoneId")
    zone = _own_zone(self.backend, zone_id)
    vpcs = list(_authorizations(self.backend).get(zone.id, []))
    max_results = int(self._get_param("MaxResults") or 50)
    start = int(self._get_param("NextToken") or 0)
    result: dict[str, Any] = {"HostedZoneId": zone.resource_id, "VPCs": vpcs[start : start + max_results]}
    if start + max_results < len(vpcs):
        result["NextToken"] = str(start + max_results)
    return ActionResult(result)


def _delete_auth_response(self: Any) -> EmptyResult:
    self.backend.delete_vpc_association_authorization(self._get_param("HostedZoneId"), _vpc_param(self))
    return EmptyResult()


def _associate_response(self: Any) -> ActionResult:
    self.backend.associate_vpc_with_hosted_zone(
        self._get_param("HostedZoneId"), self._get_param("VPC.VPCId"), self._get_param("VPC.VPCRegion")
    )
    return ActionResult({"ChangeInfo": change_info(self._get_param("Comment"))})


def _disassociate_response(self: Any) -> ActionResult:
    self.backend.disassociate_vpc_from_hosted_zone(
        self._get_param("HostedZoneId"), self._get_param("VPC.VPCId")
    )
    return ActionResult({"ChangeInfo": change_info(self._get_param("Comment"))})


def apply(settings: dict[str, Any]) -> None:
    from ._common import wrap

    route53_urls.url_paths.update(_AUTH_PATHS)
    Route53Backend.create_vpc_association_authorization = create_vpc_association_authorization  # type: ignore
    Route53Backend.delete_vpc_association_authorization = delete_vpc_association_authorization  # type: ignore
    wrap(Route53Backend, "associate_vpc_with_hosted_zone", _associate)
    wrap(Route53Backend, "disassociate_vpc_from_hosted_zone", _disassociate)
    wrap(Route53Backend, "list_hosted_zones_by_vpc", _list_by_vpc)
    Route53.create_vpc_association_authorization = _create_auth_response  # type: ignore[attr-defined]
    Route53.list_vpc_association_authorizations = _list_auth_response  # type: ignore[attr-defined]
    Route53.delete_vpc_association_authorization = _delete_auth_response  # type: ignore[attr-defined]
    Route53.associate_vpc_with_hosted_zone = _associate_response  # type: ignore[method-assign]
    Route53.disassociate_vpc_from_hosted_zone = _disassociate_response  # type: ignore[method-assign]
