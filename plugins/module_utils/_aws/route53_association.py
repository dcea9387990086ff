# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Associations of one VPC with many private hosted zones, same-account or cross-account.

The module's own credentials are the VPC owner's. When the zones live in another account
(``zone_owner`` gives its connection options), each missing association runs
authorize (zone owner) -> associate (VPC owner) -> delete the authorization (zone owner). An
authorization left behind by an interrupted run is found and removed on the next run.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import route53 as r53
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.connection import AWS_ARGUMENT_SPEC
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import DoneIfRetried
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import check_id

_CREDENTIAL_KEYS = ("access_key", "secret_key", "session_token", "profile")
_ROLE_KEYS = ("assume_role_arn", "assume_role_external_id")
_AUTH_NOT_FOUND = ("VPCAssociationAuthorizationNotFound",)


# --- pure helpers ------------------------------------------------------------------------------------

def zone_owner_params(params: dict, zone_owner: dict | None) -> dict:
    """Connection params of the zone-owning account: the module's params merged with ``zone_owner``.

    Keys given in ``zone_owner`` win. Giving keys or a profile there replaces the module's whole
    credential source (keys, profile and role); giving only a role assumes it with the module's base
    credentials (the module's own role is not chained).
    """
    owner = {k: v for k, v in (zone_owner or {}).items() if v is not None}
    unknown = sorted(set(owner) - set(AWS_ARGUMENT_SPEC))
    if unknown:
        raise ValidationError(f"zone_owner.{unknown[0]}", owner[unknown[0]], "is not an AWS connection option",
                              "use options such as assume_role_arn, profile, region or endpoint_url")
    merged = {k: params.get(k) for k in AWS_ARGUMENT_SPEC}
    if any(k in owner for k in _CREDENTIAL_KEYS):
        merged.update(dict.fromkeys(_CREDENTIAL_KEYS + _ROLE_KEYS))
    elif any(k in owner for k in _ROLE_KEYS):
        merged.update(dict.fromkeys(_ROLE_KEYS))
    merged.update(owner)
    return merged


def check_zone_ids(values, field: str = "hosted_zone_ids") -> list[str]:
    out = []
    for i, value in enumerate(values or []):
        zid = r53.check_zone_id(value, f"{field}[{i}]")
        if zid in out:
            raise ValidationError(f"{field}[{i}]", value, "is listed twice", "list each zone once")
        out.append(zid)
    return out


def plan(state: str, listed: list, associated: dict, purge_candidates: list) -> dict:
    """What to do: ``{"associate": [...], "disassociate": [...], "keep": [...]}`` (ids, in order)."""
    if state == "absent":
        return {"associate": [], "disassociate": [z for z in listed if z in associated],
                "keep": [z for z in listed if z not in associated]}
    return {"associate": [z for z in listed if z not in associated],
            "disassociate": [z for z in purge_candidates if z not in listed],
            "keep": [z for z in listed if z in associated]}


def last_vpc(zone: dict | None, vpc_id: str) -> bool:
    """True when ``vpc_id`` is the only VPC of ``zone`` (Route 53 refuses to remove the last one)."""
    vpcs = [v.get("VPCId") for v in (zone or {}).get("VPCs", [])]
    return zone is not None and vpcs == [vpc_id]


# --- manager -----------------------------------------------------------------------------------------

class ZoneAssociationManager:
    """``conn``: the VPC owner (module credentials); ``owner_conn``: the zone owner, or None."""

    def __init__(self, conn, params: dict, check_mode: bool, owner_conn=None):
        self.conn = conn
        self.owner = owner_conn
        self.p = params
        self.changes = Changes(check_mode)
        self.warnings: list = []
        self.pending: list = []

    @staticmethod
    def validate(params: dict) -> list[str]:
        check_id(params.get("vpc_id"), "vpc", "vpc_id")
        if params.get("vpc_region"):
            r53.check_region(params["vpc_region"], "vpc_region")
        ids = check_zone_ids(params.get("hosted_zone_ids"))
        if params.get("zone_owner") is not None:
            zone_owner_params(params, params["zone_owner"])
        return ids

    def ensure(self) -> dict:
        listed = self.validate(self.p)
        self.vpc = {"VPCRegion": self.p.get("vpc_region") or self.conn.region, "VPCId": self.p["vpc_id"]}
        summaries = r53.zones_by_vpc(self.conn, self.vpc["VPCId"], self.vpc["VPCRegion"])
        associated = {s["HostedZoneId"]: s for s in summaries}
        self.cross = self.owner is not None and self.owner.account_id() != self.conn.account_id()
        todo = plan(self.p["state"], listed, associated, self._purge_candidates(associated, listed))
        # GetHostedZone only where ListHostedZonesByVPC does not answer: the name and owner of a zone not yet
        # associated, and the VPC list of one to disassociate (the last VPC cannot be removed). An unchanged
        # spoke costs one read whatever the number of zones.
        zones = {zid: self._read_zone(zid) for zid in listed if zid not in associated}
        for zid in todo["disassociate"]:
            zones[zid] = self._read_zone(zid)
        blocked = [z for z in todo["disassociate"] if last_vpc(zones[z], self.vpc["VPCId"])]
        if blocked and self.p["state"] == "absent":
            blocked_listed = [z for z in blocked if z in listed]
            if blocked_listed:
                raise ConflictError(
                    f"hosted_zone_ids: {', '.join(blocked_listed)}: {self.vpc['VPCId']} is the zone's last VPC and "
                    "Route 53 does not allow removing a private zone's last VPC association. Fix: associate "
                    "another VPC first, or delete the zone (aws_endpoint_private_zone state=absent).")
        for zid in blocked:
            self.warnings.append(f"zone {zid} kept: {self.vpc['VPCId']} is its last VPC (Route 53 forbids removing it)")
        before = self._describe(listed, todo["disassociate"], associated, zones, set(associated))
        for zid in todo["associate"]:
            self._associate(zid)
        for zid in todo["disassociate"]:
            if zid not in blocked:
                self._disassociate(zid)
        if self.cross:
            for zid in todo["keep"] + [z for z in todo["disassociate"] if z in listed]:
                self._delete_authorization(zid, leftover=True)
        for change_info, what in self.pending:
            r53.wait_insync(self.conn, change_info, what, self.p.get("wait_timeout", 300))
        now = (set(associated) | set(todo["associate"])) - (set(todo["disassociate"]) - set(blocked))
        after = self._describe(listed, todo["disassociate"], associated, zones, now)
        extra = {"warnings": self.warnings} if self.warnings else {}
        return self.changes.result("associations", before, after, **extra)

    # reads ---------------------------------------------------------------------------------------------
    def _read_zone(self, zid: str) -> dict | None:
        """GetHostedZone as the zone owner (or this account); None when it is not readable from here."""
        try:
            return r53.get_zone(self.owner or self.conn, zid)
        except ApiError as err:
            if err.code in ("AccessDenied", "AccessDeniedException", "InvalidInput"):
                return None
            raise

    def _purge_candidates(self, associated: dict, listed: list) -> list:
        """Associated zones not listed that are managed for this topology (tags read by their owner)."""
        if not self.p.get("purge") or self.p["state"] != "present":
            return []
        readers = {self.conn.account_id(): self.conn}
        if self.owner is not None:
            readers.setdefault(self.owner.account_id(), self.owner)
        by_reader: dict = {}
        for zid, summary in associated.items():
            account = (summary.get("Owner") or {}).get("OwningAccount")
            if zid not in listed and account in readers:
                by_reader.setdefault(account, []).append(zid)
        out = []
        for account, ids in by_reader.items():
            tags = r53.zone_tags(readers[account], ids)
            out.extend(z for z in ids if is_managed(tags.get(z, {}), self.p["topology"]))
        return sorted(out)

    def _authorized(self, zid: str) -> bool:
        vpcs = self.owner.paginate("route53", "list_vpc_association_authorizations", "VPCs", HostedZoneId=zid,
                                   not_found=r53.ZONE_NOT_FOUND)
        return any(v.get("VPCId") == self.vpc["VPCId"] for v in vpcs)

    # mutations -----------------------------------------------------------------------------------------
    def _associate(self, zid: str):
        if self.cross and not self._authorized(zid):
            self.changes.do("authorize", zid, lambda: self.owner.call(
                "route53", "create_vpc_association_authorization", HostedZoneId=zid, VPC=self.vpc),
                vpc_id=self.vpc["VPCId"], account="zone_owner")
        out = self.changes.do("associate", zid, lambda: self._associate_call(zid), vpc_id=self.vpc["VPCId"])
        if out and self.p.get("wait", True):
            self.pending.append((out.get("ChangeInfo"), f"association of {self.vpc['VPCId']} with {zid}"))
        if self.cross:
            self._delete_authorization(zid)

    def _associate_call(self, zid: str) -> dict:
        try:
            out = DoneIfRetried(self.conn, r53.ALREADY_ASSOCIATED).call(
                "route53", "associate_vpc_with_hosted_zone", HostedZoneId=zid, VPC=self.vpc,
                Comment="cloudnet.privatelink")
            if out is None and zid not in {s["HostedZoneId"] for s in r53.zones_by_vpc(
                    self.conn, self.vpc["VPCId"], self.vpc["VPCRegion"])}:
                # The retry met another zone of the same name on the VPC, not its own association.
                raise ApiError("AWS route53", "AssociateVPCWithHostedZone", "ConflictingDomainExists",
                               f"{self.vpc['VPCId']} is associated with another zone of this name")
            return out
        except ApiError as err:
            if self.cross:  # never leave the authorization behind on failure
                self.owner.call("route53", "delete_vpc_association_authorization", HostedZoneId=zid, VPC=self.vpc,
                                not_found=_AUTH_NOT_FOUND + r53.ZONE_NOT_FOUND)
            raise _explain(err, zid, self.vpc["VPCId"], self.owner is not None) from None

    def _delete_authorization(self, zid: str, leftover: bool = False):
        if leftover and not self._authorized(zid):
            return
        self.changes.do("deauthorize", zid, lambda: self.owner.call(
            "route53", "delete_vpc_association_authorization", HostedZoneId=zid, VPC=self.vpc,
            not_found=_AUTH_NOT_FOUND), vpc_id=self.vpc["VPCId"], account="zone_owner",
            reason="left behind by an interrupted run" if leftover else None)

    def _disassociate(self, zid: str):
        def call():
            try:
                return self.conn.call("route53", "disassociate_vpc_from_hosted_zone", HostedZoneId=zid,
                                      VPC=self.vpc, Comment="cloudnet.privatelink",
                                      not_found=("VPCAssociationNotFound",))
            except ApiError as err:
                raise _explain(err, zid, self.vpc["VPCId"], self.owner is not None) from None

        out = self.changes.do("disassociate", zid, call, vpc_id=self.vpc["VPCId"])
        if out and self.p.get("wait", True):
            self.pending.append((out.get("ChangeInfo"), f"disassociation of {self.vpc['VPCId']} from {zid}"))

    # result --------------------------------------------------------------------------------------------
    def _describe(self, listed, removed, associated, zones, now: set) -> list[dict]:
        out = []
        for zid in sorted(set(listed) | set(removed)):
            summary = associated.get(zid) or {}
            hz = (zones.get(zid) or {}).get("HostedZone") or {}
            name = summary.get("Name") or hz.get("Name")
            owner = (summary.get("Owner") or {}).get("OwningAccount")
            if owner is None and hz:  # readable by the zone owner (or this account): that account owns it
                owner = (self.owner or self.conn).account_id()
            out.append({"hosted_zone_id": zid, "name": r53.dns_name(name) if name else None, "associated": zid in now,
                        "owner_account": owner})
        return out


def _explain(err: ApiError, zid: str, vpc_id: str, has_owner: bool):
    """Route 53 errors of association calls as a message that says what to do."""
    if err.code == "NotAuthorizedException":
        fix = ("the zone owner's credentials in zone_owner cannot see the zone or did not authorize this VPC"
               if has_owner else "give zone_owner (the zone-owning account's connection options, e.g. "
               "assume_role_arn) so the module authorizes the association first")
        return ConflictError(f"zone {zid} belongs to another account and {vpc_id} is not authorized to associate "
                             f"with it (NotAuthorizedException). Fix: {fix}.", error_code=err.code)
    if err.code == "LastVPCAssociation":
        return ConflictError(f"zone {zid}: {vpc_id} is its last VPC; Route 53 does not allow removing a private "
                             "zone's last VPC association. Fix: associate another VPC first, or delete the zone.",
                             error_code=err.code)
    if err.code == "ConflictingDomainExists":
        return ConflictError(f"zone {zid}: {vpc_id} is already associated with another private zone of the same "
                             "name. Fix: disassociate that zone from the VPC first.", error_code=err.code)
    return err


# --- info --------------------------------------------------------------------------------------------

def gather(conn, params: dict) -> list[dict]:
    """Zones associated with the VPC (all, or the listed ones with ``associated`` true/false)."""
    check_id(params.get("vpc_id"), "vpc", "vpc_id")
    if params.get("vpc_region"):
        r53.check_region(params["vpc_region"], "vpc_region")
    listed = check_zone_ids(params.get("hosted_zone_ids"))
    region = params.get("vpc_region") or conn.region
    associated = {s["HostedZoneId"]: s for s in r53.zones_by_vpc(conn, params["vpc_id"], region)}
    ids = listed or sorted(associated)
    out = []
    for zid in sorted(ids):
        summary = associated.get(zid) or {}
        out.append({"hosted_zone_id": zid, "name": r53.dns_name(summary["Name"]) if summary.get("Name") else None,
                    "associated": zid in associated,
                    "owner_account": (summary.get("Owner") or {}).get("OwningAccount")})
    return out


def zone_owner_option_spec() -> dict:
    """Suboptions of ``zone_owner``: the AWS connection options, without defaults (unset = inherited)."""
    return {k: {kk: vv for kk, vv in v.items() if kk != "default"} for k, v in AWS_ARGUMENT_SPEC.items()}


def build_manager(connection_class, params: dict, check_mode: bool) -> ZoneAssociationManager:
    """Validate, then one connection per account: the module's (VPC owner) and, if given, the zone owner's."""
    ZoneAssociationManager.validate(params)
    owner = None
    if params.get("zone_owner"):
        owner = connection_class(zone_owner_params(params, params["zone_owner"]))
    return ZoneAssociationManager(connection_class(params), params, check_mode, owner)
