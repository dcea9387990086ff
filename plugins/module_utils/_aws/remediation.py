# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replace one duplicate VPC endpoint with the central one, make-before-break.

Steps, always in this order, each re-reading the state it depends on so a re-run after an interruption
at any point resumes where the first run stopped:

1. ``ensure_central``: the central endpoint for the service (managed, in a services VPC, available) and
   its private hosted zones (managed, alias records to that endpoint) exist in the hub account. Read
   only: when anything is missing the run stops before any change (nothing is broken without a
   replacement).
2. ``disable_private_dns``: private DNS off on the duplicate endpoint (it holds the AWS-managed zone
   that would conflict with the central one).
3. ``associate_zones``: the central zones associated with the duplicate's VPC (cross-account:
   authorize, associate, delete the authorization).
4. ``delete_endpoint``: the duplicate deleted, only when ``allow_delete`` is set, the endpoint is
   classified ``duplicate`` in this run, is not managed by the collection, and steps 2 and 3 read back
   as done.

Endpoints classified central, allowed or unknown are refused before any change.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws import route53 as r53
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.governance import (
    DUPLICATE,
    classify,
    service_short_name,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_association import (
    ZoneAssociationManager,
    zone_owner_params,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.route53_endpoint_zone import (
    find_zone,
    service_private_dns_names,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.vpc_endpoint import (
    GONE,
    describe_endpoints,
    get_endpoint,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    ApiError,
    ConflictError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import MANAGED_BY_KEY, is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    check_id,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

STEPS = ("ensure_central", "disable_private_dns", "associate_zones", "delete_endpoint")
_NOT_FOUND = ("InvalidVpcEndpointId.NotFound", "InvalidVpcEndpoint.NotFound")
REMEDIABLE_TYPES = ("Interface", "Gateway")


# --- pure guards and planners ----------------------------------------------------------------------

def refusal(endpoint: dict, services_vpc_ids, central_services, allowed_gateway_services) -> str | None:
    """Why this endpoint must not be remediated (None when it is a duplicate the collection may replace)."""
    cls = classify(endpoint, set(services_vpc_ids), set(central_services), set(allowed_gateway_services))
    if cls != DUPLICATE:
        return f"it is classified {cls}; only duplicate endpoints are replaced"
    if MANAGED_BY_KEY in tag_list_to_dict(endpoint.get("Tags")):
        return "it is managed by this collection; change it through the role that owns it"
    if endpoint.get("VpcEndpointType") not in REMEDIABLE_TYPES:
        return f"it is a {endpoint.get('VpcEndpointType')} endpoint; only interface and gateway endpoints are replaced"
    return None


def may_delete(endpoint: dict, services_vpc_ids, central_services, allowed_gateway_services,
               allow_delete: bool) -> bool:
    """The one gate in front of DeleteVpcEndpoints."""
    return bool(allow_delete) and refusal(endpoint, services_vpc_ids, central_services,
                                          allowed_gateway_services) is None


def alias_targets(rrsets: list, zone_name: str) -> set:
    """Lower-case alias targets of the apex A/AAAA records of a zone."""
    apex = r53.dns_name(zone_name)
    return {r53.dns_name(rr["AliasTarget"]["DNSName"]).lower() for rr in rrsets
            if rr.get("Type") in ("A", "AAAA") and r53.dns_name(rr.get("Name", "")) == apex and rr.get("AliasTarget")}


def endpoint_dns_names(endpoint: dict) -> set:
    return {r53.dns_name(d["DnsName"]).lower() for d in endpoint.get("DnsEntries") or [] if d.get("DnsName")}


# --- manager ---------------------------------------------------------------------------------------

class RemediationManager:
    """``conn``: the account and region of the duplicate endpoint; ``hub``: the central endpoint's."""

    def __init__(self, conn, hub, params: dict, check_mode: bool):
        self.conn = conn
        self.hub = hub
        self.p = params
        self.changes = Changes(check_mode)
        self.steps: list[dict] = []
        self.warnings: list = []

    @staticmethod
    def validate(params: dict) -> None:
        check_id(params.get("vpc_endpoint_id"), "vpce", "vpc_endpoint_id")
        for i, vpc in enumerate(params.get("services_vpc_ids") or []):
            check_id(vpc, "vpc", f"services_vpc_ids[{i}]")
        if not params.get("services_vpc_ids"):
            raise ValidationError("services_vpc_ids", params.get("services_vpc_ids"), "is empty",
                                  "list the designated services VPC IDs (aws_vpc_info on the services VPC names)")
        if not params.get("central_services"):
            raise ValidationError("central_services", params.get("central_services"), "is empty",
                                  "list the services the central endpoints provide (catalog short names)")
        if params.get("hub") is not None:
            zone_owner_params(params, params["hub"])

    def _step(self, name: str, before_ops: int, **details):
        done = len(self.changes.operations) > before_ops
        status = "ok" if not done else ("planned" if self.changes.check_mode else "changed")
        entry = {"step": name, "status": details.pop("status", status)}
        entry.update({k: v for k, v in details.items() if v is not None})
        self.steps.append(entry)

    def run(self) -> dict:
        self.validate(self.p)
        ep_id = self.p["vpc_endpoint_id"]
        ep = get_endpoint(self.conn, ep_id)
        if ep is None or ep.get("State") in GONE:
            self.steps = [{"step": s, "status": "ok"} for s in STEPS]
            gone = {"vpc_endpoint_id": ep_id, "state": "absent"}
            return self._result(gone, gone, None, [])
        reason = refusal(ep, self.p["services_vpc_ids"], self.p["central_services"],
                         self.p["allowed_gateway_services"])
        if reason:
            raise ConflictError(f"vpc_endpoint_id: {ep_id} is not remediated: {reason}. Fix: remediate only "
                                "endpoints the audit classifies as duplicate; report the others.", status="refused")
        self.region = self.conn.region
        before = self._view(ep, self._associated(ep))
        try:
            central, zones = self._ensure_central(ep)
        except ConflictError as err:
            if not self.changes.check_mode or err.details.get("step") != "ensure_central":
                raise
            return self._blocked_plan(ep, before, err.message)
        zone_ids = [z["hosted_zone_id"] for z in zones]
        ep = self._disable_private_dns(ep)
        self._associate(ep, zone_ids)
        deleted = self._delete(ep, zone_ids)
        after = dict(before)
        after.update({"private_dns_enabled": False if ep.get("VpcEndpointType") == "Interface" else None,
                      "associated_zones": sorted(set(before["associated_zones"]) | set(zone_ids)),
                      "state": "absent" if deleted else ep.get("State")})
        after["plan"] = [self._describe_step(s, ep, central, zone_ids) for s in self.steps]
        return self._result(before, after, central, zones)

    # reads ---------------------------------------------------------------------------------------------
    def _associated(self, ep: dict) -> list:
        return sorted(s["HostedZoneId"] for s in r53.zones_by_vpc(self.conn, ep["VpcId"], self.conn.region))

    def _view(self, ep: dict, associated: list) -> dict:
        return {"vpc_endpoint_id": ep["VpcEndpointId"], "vpc_id": ep["VpcId"], "service_name": ep["ServiceName"],
                "endpoint_type": ep.get("VpcEndpointType"), "state": ep.get("State"),
                "private_dns_enabled": bool(ep.get("PrivateDnsEnabled")), "associated_zones": associated}

    # step 1 --------------------------------------------------------------------------------------------
    def _ensure_central(self, ep: dict) -> tuple[dict, list]:
        service = ep["ServiceName"]
        found = describe_endpoints(self.hub, filters=[{"Name": "vpc-id", "Values": list(self.p["services_vpc_ids"])},
                                                      {"Name": "service-name", "Values": [service]}])
        central = [e for e in found if e.get("State") not in GONE and e.get("VpcEndpointType") == "Interface"
                   and is_managed(tag_list_to_dict(e.get("Tags")), self.p["topology"])]
        if not central:
            raise ConflictError(
                f"no central interface endpoint for {service} (managed for topology {self.p['topology']}) in "
                f"{sorted(self.p['services_vpc_ids'])}; {ep['VpcEndpointId']} is left as it is. Fix: create the "
                "central endpoint and its zones first (site.yml: services_vpc and endpoint_dns roles).",
                status="blocked", step="ensure_central")
        central = sorted(central, key=lambda e: e["VpcEndpointId"])[0]
        if central.get("State") != "available":
            central = self._wait_available(central["VpcEndpointId"])
        try:
            names = service_private_dns_names(self.hub, service)
        except ConflictError:
            names = []  # the service publishes no private DNS name: there is no zone to move to
        zones = []
        targets = endpoint_dns_names(central)
        for spec in r53.service_zones(names, "auto"):
            zone, _tags, managed = find_zone(self.hub, spec["name"], central["VpcId"], self.p["topology"])
            zid = r53.bare_zone_id(zone["HostedZone"]["Id"]) if zone else None
            aliased = zone is not None and alias_targets(r53.list_records(self.hub, zid), spec["name"]) & targets
            if zone is None or not managed or not aliased:
                raise ConflictError(
                    f"the central private zone {spec['name']} (managed, alias to {central['VpcEndpointId']}) does not "
                    f"exist yet; {ep['VpcEndpointId']} is left as it is. Fix: create the zones first (site.yml: "
                    "endpoint_dns role).", status="blocked", step="ensure_central")
            zones.append({"name": spec["name"], "hosted_zone_id": zid})
        self._step("ensure_central", len(self.changes.operations), central_vpc_endpoint_id=central["VpcEndpointId"],
                   hosted_zone_ids=[z["hosted_zone_id"] for z in zones])
        return central, zones

    def _wait_available(self, central_id: str) -> dict:
        if not self.p.get("wait", True):
            raise ConflictError(f"the central endpoint {central_id} is not available yet. Fix: re-run later, or "
                                "with wait=true.", status="blocked", step="ensure_central")
        return wait_until(lambda: get_endpoint(self.hub, central_id),
                          lambda e: e is not None and e.get("State") == "available",
                          f"central VPC endpoint {central_id}", self.p.get("wait_timeout", 600),
                          failed=lambda e: e is None or e.get("State") in GONE,
                          state_of=lambda e: e.get("State") if e else "gone")

    # step 2 --------------------------------------------------------------------------------------------
    def _disable_private_dns(self, ep: dict) -> dict:
        ops = len(self.changes.operations)
        ep_id = ep["VpcEndpointId"]
        if ep.get("PrivateDnsEnabled"):
            self.changes.do("disable_private_dns", ep_id, lambda: self.conn.call(
                "ec2", "modify_vpc_endpoint", VpcEndpointId=ep_id, PrivateDnsEnabled=False))
            if self.changes.check_mode:
                ep = dict(ep, PrivateDnsEnabled=False)
            else:
                ep = wait_until(lambda: get_endpoint(self.conn, ep_id),
                                lambda e: e is not None and not e.get("PrivateDnsEnabled")
                                and e.get("State") == "available",
                                f"private DNS off on {ep_id}", self.p.get("wait_timeout", 600),
                                failed=lambda e: e is None,
                                state_of=lambda e: f"{e.get('State')}, private DNS {e.get('PrivateDnsEnabled')}"
                                if e else "gone")
        self._step("disable_private_dns", ops)
        return ep

    # step 3 --------------------------------------------------------------------------------------------
    def _associate(self, ep: dict, zone_ids: list) -> None:
        ops = len(self.changes.operations)
        if zone_ids:
            params = {"vpc_id": ep["VpcId"], "vpc_region": self.region, "hosted_zone_ids": zone_ids,
                      "state": "present", "purge": False, "topology": self.p["topology"],
                      "wait": self.p.get("wait", True), "wait_timeout": self.p.get("wait_timeout", 600)}
            manager = ZoneAssociationManager(self.conn, params, self.changes.check_mode, self.hub)
            manager.changes = self.changes  # one ordered list of operations for the whole remediation
            manager.ensure()
            self.warnings += manager.warnings
        self._step("associate_zones", ops, hosted_zone_ids=zone_ids)

    # step 4 --------------------------------------------------------------------------------------------
    def _delete(self, ep: dict, zone_ids: list) -> bool:
        ops = len(self.changes.operations)
        ep_id = ep["VpcEndpointId"]
        if not may_delete(ep, self.p["services_vpc_ids"], self.p["central_services"],
                          self.p["allowed_gateway_services"], self.p.get("allow_delete")):
            self._step("delete_endpoint", ops, status="kept", reason="allow_delete is false")
            return False
        if not self.changes.check_mode:
            self._recheck_before_delete(ep_id, zone_ids)

        def delete():
            out = self.conn.call("ec2", "delete_vpc_endpoints", VpcEndpointIds=[ep_id])
            for item in (out or {}).get("Unsuccessful") or []:
                err = item.get("Error") or {}
                if err.get("Code") not in _NOT_FOUND:
                    raise ApiError("AWS ec2", "DeleteVpcEndpoints", err.get("Code", "Unknown"), err.get("Message", ""),
                                   hint="see the error above; re-run once it is fixed (earlier steps are kept)")
            return out

        self.changes.do("delete", ep_id, delete, service=service_short_name(ep["ServiceName"]), vpc_id=ep["VpcId"])
        if not self.changes.check_mode and self.p.get("wait", True):
            wait_until(lambda: get_endpoint(self.conn, ep_id), lambda e: e is None or e.get("State") == "deleted",
                       f"deletion of VPC endpoint {ep_id}", self.p.get("wait_timeout", 600),
                       state_of=lambda e: e.get("State") if e else "gone")
        self._step("delete_endpoint", ops)
        return True

    def _recheck_before_delete(self, ep_id: str, zone_ids: list) -> None:
        """Read back what the earlier steps did; never delete on a prediction."""
        ep = get_endpoint(self.conn, ep_id)
        if ep is None:
            return
        if ep.get("PrivateDnsEnabled"):
            raise ConflictError(f"{ep_id} still has private DNS on; not deleted. Fix: re-run.", status="blocked",
                                step="delete_endpoint")
        missing = sorted(set(zone_ids) - set(self._associated(ep)))
        if missing:
            raise ConflictError(f"zones {missing} are not associated with {ep['VpcId']} yet; {ep_id} not deleted. "
                                "Fix: re-run once the associations are in place.", status="blocked",
                                step="delete_endpoint")

    def _blocked_plan(self, ep: dict, before: dict, reason: str) -> dict:
        """Check mode without the central endpoint or zones yet (a run that also creates them plans
        them first): the plan shows the later steps as waiting on step 1, and no operation."""
        self.warnings.append(f"{ep['VpcEndpointId']}: {reason}")
        self.steps = [{"step": "ensure_central", "status": "blocked", "reason": reason}] + [
            {"step": s, "status": "waiting"} for s in STEPS[1:]]
        after = dict(before, plan=[f"1. {reason}"] + [
            f"{i + 2}. {s}: waits for step 1" for i, s in enumerate(STEPS[1:])])
        return self._result(before, after, None, [])

    # result --------------------------------------------------------------------------------------------
    def _describe_step(self, step: dict, ep: dict, central: dict, zone_ids: list) -> str:
        verb = {"ok": "already done", "planned": "would run", "changed": "done", "kept": "skipped"}[step["status"]]
        what = {
            "ensure_central": f"central endpoint {central['VpcEndpointId']} and zones {zone_ids} in place",
            "disable_private_dns": f"private DNS off on {ep['VpcEndpointId']}",
            "associate_zones": f"zones {zone_ids} associated with {ep['VpcId']}",
            "delete_endpoint": f"delete {ep['VpcEndpointId']}",
        }[step["step"]]
        return f"{STEPS.index(step['step']) + 1}. {what}: {verb}"

    def _result(self, before: dict, after: dict, central, zones: list) -> dict:
        remediation = dict(after)
        remediation.pop("plan", None)
        remediation.update({
            "central_vpc_endpoint_id": central["VpcEndpointId"] if central else None,
            "hosted_zone_ids": [z["hosted_zone_id"] for z in zones],
            "steps": self.steps,
        })
        extra = {"warnings": self.warnings} if self.warnings else {}
        return self.changes.result("remediation", before, after, **extra) | {"remediation": remediation}


def build_manager(connection_class, params: dict, check_mode: bool) -> RemediationManager:
    """Validate, then the endpoint account's connection and the hub's (the same unless ``hub`` is given)."""
    RemediationManager.validate(params)
    conn = connection_class(params)
    hub = connection_class(zone_owner_params(params, params["hub"])) if params.get("hub") else conn
    return RemediationManager(conn, hub, params, check_mode)
