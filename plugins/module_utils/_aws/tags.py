# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC2 tag reconciliation shared by every EC2 resource manager."""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.module import (
    MANAGED_BY_KEY,
    TOPOLOGY_KEY,
    ownership_tags,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.normalize import (
    tag_changes,
    tag_dict_to_list,
    tag_list_to_dict,
)

PROTECTED = (MANAGED_BY_KEY, TOPOLOGY_KEY)


def desired_tags(user_tags: dict | None, topology: str, name: str | None = None) -> dict:
    """User tags plus ownership tags (and Name when given); ownership tags always win."""
    tags = {str(k): str(v) for k, v in (user_tags or {}).items()}
    if name and "Name" not in tags:
        tags["Name"] = name
    tags.update(ownership_tags(topology))
    return tags


def tag_specification(resource_type: str, tags: dict) -> list:
    return [{"ResourceType": resource_type, "Tags": tag_dict_to_list(tags)}]


def reconcile_ec2_tags(conn, changes, resource_id: str, have_tags, want_tags: dict, purge: bool) -> dict:
    """Bring the EC2 tags of ``resource_id`` to ``want_tags``; return the resulting tag dict."""
    have = have_tags if isinstance(have_tags, dict) else tag_list_to_dict(have_tags)
    to_set, to_unset = tag_changes(have, want_tags, purge, protected=PROTECTED)
    if to_set:
        changes.do("tag", resource_id,
                   lambda: conn.call("ec2", "create_tags", Resources=[resource_id], Tags=tag_dict_to_list(to_set)),
                   tags=to_set)
    if to_unset:
        changes.do("untag", resource_id,
                   lambda: conn.call("ec2", "delete_tags", Resources=[resource_id],
                                     Tags=[{"Key": k} for k in to_unset]),
                   keys=to_unset)
    after = {k: v for k, v in have.items() if k not in to_unset}
    after.update(to_set)
    return after
