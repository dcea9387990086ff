# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Customer-managed prefix list: wrappers and the manager that reconciles it.

The prefix list holds the endpoint prefixes (services VPC subnets) that spokes route to the transit.
"""

from __future__ import annotations

import hashlib
import uuid

from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.retry import DoneIfRetried
from ansible_collections.cloudnet.privatelink.plugins.module_utils._aws.tags import (
    desired_tags,
    reconcile_ec2_tags,
    tag_specification,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.changes import Changes
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import ValidationError
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import is_managed
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    canonical_cidr,
    tag_list_to_dict,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.waiter import wait_until

_NOT_FOUND = ("InvalidPrefixListID.NotFound", "InvalidPrefixListId.NotFound")


# --- wrappers: one per SDK call -------------------------------------------------------------------

def find_prefix_lists(conn, name: str | None = None, prefix_list_id: str | None = None) -> list:
    kwargs = {}
    if prefix_list_id:
        kwargs["PrefixListIds"] = [prefix_list_id]
    else:
        kwargs["Filters"] = [{"Name": "prefix-list-name", "Values": [name]}]
    lists = conn.paginate("ec2", "describe_managed_prefix_lists", "PrefixLists", not_found=_NOT_FOUND, **kwargs)
    return [pl for pl in lists if pl.get("State") not in ("delete-complete", "delete-in-progress")]


def get_entries(conn, prefix_list_id: str) -> list:
    return conn.paginate("ec2", "get_managed_prefix_list_entries", "Entries", PrefixListId=prefix_list_id)


# --- normalisation ---------------------------------------------------------------------------------

def normalize_entries(entries, field: str = "entries") -> dict:
    """Entries as ``{cidr: description}``; duplicates and bad CIDRs rejected by name."""
    out: dict = {}
    for i, entry in enumerate(entries or []):
        item = entry if isinstance(entry, dict) else {"cidr": entry}
        cidr = canonical_cidr(item.get("cidr"), f"{field}[{i}].cidr")
        if cidr in out:
            raise ValidationError(f"{field}[{i}].cidr", cidr, "is listed twice", "list each CIDR once")
        desc = item.get("description") or ""
        if len(desc) > 255:
            raise ValidationError(f"{field}[{i}].description", desc[:20] + "...", "is longer than 255 characters",
                                  "shorten the description")
        out[cidr] = desc
    return out


def describe(pl: dict | None, entries: dict) -> dict | None:
    if pl is None:
        return None
    return {
        "prefix_list_id": pl["PrefixListId"],
        "prefix_list_arn": pl.get("PrefixListArn"),
        "name": pl.get("PrefixListName"),
        "address_family": pl.get("AddressFamily"),
        "max_entries": pl.get("MaxEntries"),
        "version": pl.get("Version"),
        "state": pl.get("State"),
        "owner_id": pl.get("OwnerId"),
        "entries": [{"cidr": c, "description": d} for c, d in sorted(entries.items())],
        "tags": tag_list_to_dict(pl.get("Tags")),
    }


# --- manager ---------------------------------------------------------------------------------------

class PrefixListManager:
    def __init__(self, conn, params: dict, check_mode: bool):
        self.conn = conn
        self.p = params
        self.changes = Changes(check_mode)

    def _wait(self, pl_id: str):
        if not self.p.get("wait", True) or self.changes.check_mode:
            return None
        return wait_until(
            lambda: find_prefix_lists(self.conn, prefix_list_id=pl_id)[0],
            lambda pl: pl["State"].endswith("-complete"),
            f"prefix list {pl_id}",
            self.p.get("wait_timeout", 300),
            failed=lambda pl: pl["State"].endswith("-failed"),
            state_of=lambda pl: pl["State"],
        )

    def _existing(self):
        found = find_prefix_lists(self.conn, name=self.p["name"])
        return found[0] if found else None

    def ensure(self) -> dict:
        want_entries = normalize_entries(self.p.get("entries"))
        max_entries = self.p.get("max_entries") or max(len(want_entries), 1)
        if len(want_entries) > max_entries:
            raise ValidationError("max_entries", max_entries, f"is smaller than the {len(want_entries)} entries",
                                  f"set max_entries to at least {len(want_entries)} or leave it unset")
        have = self._existing()
        if self.p["state"] == "absent":
            return self._absent(have)
        tags = desired_tags(self.p.get("tags"), self.p["topology"], self.p["name"])
        if have is None:
            return self._create(want_entries, max_entries, tags)
        return self._update(have, want_entries, max_entries, tags)

    def _create(self, entries: dict, max_entries: int, tags: dict) -> dict:
        token = hashlib.sha256(f"{self.p['topology']}/{self.p['name']}".encode()).hexdigest()[:64]
        args = {
            "PrefixListName": self.p["name"],
            "AddressFamily": self.p["address_family"],
            "MaxEntries": max_entries,
            "Entries": [{"Cidr": c, "Description": d} for c, d in sorted(entries.items())],
            "TagSpecifications": tag_specification("prefix-list", tags),
            "ClientToken": token,
        }
        out = self.changes.do("create", f"prefix-list/{self.p['name']}", lambda: self._create_call(args),
                              entries=len(entries))
        after = {"prefix_list_id": None, "name": self.p["name"], "address_family": self.p["address_family"],
                 "max_entries": max_entries, "state": "create-complete",
                 "entries": [{"cidr": c, "description": d} for c, d in sorted(entries.items())], "tags": tags}
        if out:
            pl = self._wait(out["PrefixList"]["PrefixListId"]) or out["PrefixList"]
            after = describe(pl, entries)
        return self.changes.result("prefix_list", None, after)

    def _create_call(self, args: dict) -> dict:
        """Create; the deterministic token makes a retried create return the same list.

        AWS remembers a token after its list is deleted, so a create after a teardown would be answered
        with the deleted list. Then (and only then) the create is sent again with a token of its own.
        """
        out = self.conn.call("ec2", "create_managed_prefix_list", **args)
        if find_prefix_lists(self.conn, prefix_list_id=out["PrefixList"]["PrefixListId"]):
            return out
        fresh = hashlib.sha256(f"{args['ClientToken']}/{uuid.uuid4()}".encode()).hexdigest()[:64]
        return self.conn.call("ec2", "create_managed_prefix_list", **dict(args, ClientToken=fresh))

    def _update(self, have: dict, want_entries: dict, max_entries: int, tags: dict) -> dict:
        pl_id = have["PrefixListId"]
        have_entries = {canonical_cidr(e["Cidr"], "entries"): e.get("Description", "")
                        for e in get_entries(self.conn, pl_id)}
        before = describe(have, have_entries)
        version = have["Version"]
        # AWS refuses to resize and change entries in one call: grow first, change, then shrink.
        if max_entries > have["MaxEntries"]:
            self._modify(pl_id, version, MaxEntries=max_entries)
            version += 1
        purge = self.p.get("purge_entries", True)
        add = [{"Cidr": c, "Description": d} for c, d in sorted(want_entries.items()) if have_entries.get(c) != d]
        remove = [{"Cidr": c} for c in sorted(have_entries) if purge and c not in want_entries]
        if add or remove:
            self._modify(pl_id, version, AddEntries=add or None, RemoveEntries=remove or None)
            version += 1
        final_entries = dict(have_entries)
        for c in remove:
            final_entries.pop(c["Cidr"], None)
        final_entries.update({e["Cidr"]: e["Description"] for e in add})
        if max_entries < have["MaxEntries"] and self.p.get("max_entries"):
            self._modify(pl_id, version, MaxEntries=max_entries)
        after_tags = reconcile_ec2_tags(self.conn, self.changes, pl_id, have.get("Tags"), tags,
                                        self.p.get("purge_tags", True))
        after = dict(before, entries=[{"cidr": c, "description": d} for c, d in sorted(final_entries.items())],
                     tags=after_tags, max_entries=max_entries if self.p.get("max_entries") else max(
                         have["MaxEntries"], max_entries))
        if self.changes.changed and not self.changes.check_mode:
            pl = self._wait(pl_id)
            if pl:
                after["version"], after["state"] = pl.get("Version"), pl.get("State")
        return self.changes.result("prefix_list", before, after)

    def _modify(self, pl_id: str, version: int, **changes):
        args = {k: v for k, v in changes.items() if v is not None}
        self._wait(pl_id)
        # Retried after its answer was lost, the modify meets the version it made: done, not a failure.
        self.changes.do("modify", pl_id,
                        lambda: DoneIfRetried(self.conn, ("PrefixListVersionMismatch",)).call(
                            "ec2", "modify_managed_prefix_list", PrefixListId=pl_id, CurrentVersion=version,
                            PrefixListName=self.p["name"], **args),
                        **args)

    def _absent(self, have) -> dict:
        if have is None:
            return self.changes.result("prefix_list", None, None)
        tags = tag_list_to_dict(have.get("Tags"))
        before = describe(have, {})
        if not is_managed(tags, self.p["topology"]):
            # Never delete what the collection did not create.
            return self.changes.result("prefix_list", before, before,
                                       warnings=[f"prefix list {have['PrefixListId']} is not managed by this "
                                                 "collection; left in place"])
        self.changes.do("delete", have["PrefixListId"],
                        lambda: self.conn.call("ec2", "delete_managed_prefix_list",
                                               PrefixListId=have["PrefixListId"], not_found=_NOT_FOUND))
        return self.changes.result("prefix_list", before, None)
