"""Route 53 ChangeInfo that goes PENDING -> INSYNC, and private zones created with a VPC.

AWS answers changes (CreateHostedZone, AssociateVPCWithHostedZone, DisassociateVPCFromHostedZone)
with a ChangeInfo in ``PENDING`` that GetChange later reports ``INSYNC``; the
``resource_record_sets_changed`` waiter polls it. Here a change stays PENDING for
``settings["pending_reads"]`` GetChange calls (0: INSYNC at once). Unknown change ids answer
``NoSuchChange``. moto always answers INSYNC.

CreateHostedZone with a VPC creates a private hosted zone (the VPC is what makes a zone private);
moto ignores the VPC unless HostedZoneConfig.PrivateZone is true and creates a public zone.
"""

from __future__ import annotations

import collections
import random
import string
import threading
from typing import Any

from moto.core.exceptions import ServiceException
from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.route53.responses import Route53

from ._common import pending_reads

MAX_CHANGES = 10000
_CHANGES: collections.OrderedDict[str, dict[str, Any]] = collections.OrderedDict()
_LOCK = threading.Lock()


def _new_change_id() -> str:
    return "C" + "".join(random.choice(string.ascii_uppercase + string.digits) for _ in range(20))


def change_info(comment: str | None = None) -> dict[str, Any]:
    """Register a new change and return its ChangeInfo as AWS answers the mutating call."""
    change_id = _new_change_id()
    remaining = pending_reads()
    record = {
        "Id": f"/change/{change_id}",
        "SubmittedAt": utcnow(),
        "Comment": comment,
        "remaining": remaining,
    }
    with _LOCK:
        _CHANGES[change_id] = record
        while len(_CHANGES) > MAX_CHANGES:
            _CHANGES.popitem(last=False)
    return _view(record, "PENDING" if remaining > 0 else "INSYNC")


def _view(record: dict[str, Any], status: str) -> dict[str, Any]:
    info = {"Id": record["Id"], "Status": status, "SubmittedAt": record["SubmittedAt"]}
    if record.get("Comment"):
        info["Comment"] = record["Comment"]
    return info


class NoSuchChange(ServiceException):
    def __init__(self, change_id: str) -> None:
        super().__init__("NoSuchChange", f"A change with the specified change ID does not exist: {change_id}")


def _get_change_response(original: Any) -> Any:
    def get_change(self: Any) -> ActionResult:
        change_id = str(self._get_param("Id")).replace("/change/", "")
        with _LOCK:
            record = _CHANGES.get(change_id)
            if record is None:
                pass
            elif record["remaining"] > 0:
                record["remaining"] -= 1
                return ActionResult({"ChangeInfo": _view(record, "PENDING")})
            else:
                return ActionResult({"ChangeInfo": _view(record, "INSYNC")})
        if change_id.startswith("C") and len(change_id) == 21:
            raise NoSuchChange(change_id)
        return original(self)  # ids minted by moto itself (record set changes)

    return get_change


def _create_hosted_zone_response(original: Any) -> Any:
    def create_hosted_zone(self: Any) -> ActionResult:
        vpc_id = self._get_param("VPC.VPCId")
        private = self._get_bool_param("HostedZoneConfig.PrivateZone", False)
        if vpc_id and not private:
            params = self.params if isinstance(getattr(self, "params", None), dict) else None
            if params is not None:
                params.setdefault("HostedZoneConfig", {})["PrivateZone"] = True
        result = original(self)
        payload = result.result
        if isinstance(payload, dict) and "ChangeInfo" in payload:
            payload["ChangeInfo"] = change_info()
        return result

    return create_hosted_zone


def apply(settings: dict[str, Any]) -> None:
    from ._common import wrap

    wrap(Route53, "get_change", _get_change_response)
    wrap(Route53, "create_hosted_zone", _create_hosted_zone_response)
