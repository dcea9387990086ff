# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error boundary: the only place where collection errors become ``fail_json``."""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import CloudnetError

# Ownership markers on everything the collection creates (AWS and Azure tag keys; GCP labels differ).
MANAGED_BY_KEY = "cloudnet:managed-by"
MANAGED_BY_VALUE = "cloudnet.privatelink"
TOPOLOGY_KEY = "cloudnet:topology"

OWNERSHIP_ARGUMENT_SPEC = {
    "topology": {"type": "str", "default": "default"},
}


def ownership_tags(topology: str) -> dict:
    return {MANAGED_BY_KEY: MANAGED_BY_VALUE, TOPOLOGY_KEY: topology}


def is_managed(tags: dict, topology: str | None = None) -> bool:
    """True when ``tags`` mark an object as ours (and, if given, of this topology)."""
    if tags.get(MANAGED_BY_KEY) != MANAGED_BY_VALUE:
        return False
    return topology is None or tags.get(TOPOLOGY_KEY) == topology


def run(module, handler):
    """Run ``handler(module) -> result dict`` and exit; collection errors fail with their message."""
    try:
        result = handler(module)
    except CloudnetError as err:
        module.fail_json(**err.result())
    else:
        if not module._diff:
            result.pop("diff", None)
        module.exit_json(**result)
