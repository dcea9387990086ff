# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Read-only GCP preflight: a token, a read of the project (Compute projects.get) and of Cloud DNS.

Both APIs the collection uses are read once, so a wrong endpoint of either fails here. Bounded on purpose:
a request that does not connect or answer within ``request_timeout`` seconds is retried ``retries`` times, so
an unreachable endpoint fails in seconds; throttling and 5xx answers are retried BUSY_RETRIES times.
"""

from __future__ import annotations

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import (
    CloudnetError,
    CredentialsError,
    ValidationError,
)
from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.topology_fields import GCP_PROJECT_RE
from ansible_collections.cloudnet.privatelink.plugins.module_utils._gcp.connection import (
    GcpConnection,
    resolve_settings,
)

BUSY_RETRIES = 8


def project(params: dict, connection=None) -> dict:
    """The project as Compute answers it, after a Cloud DNS read in it; errors name the setting to fix."""
    for key in ("request_timeout", "retries"):
        if params.get(key) is None or int(params[key]) < (1 if key == "request_timeout" else 0):
            raise ValidationError(key, params.get(key), "is out of range",
                                  "use a request_timeout of at least 1 second and retries of 0 or more")
    settings = resolve_settings(params)
    name = settings["project"]
    if name and not GCP_PROJECT_RE.match(str(name)):
        raise ValidationError("project", name, "is not a GCP project id",
                              "set project or GCP_PROJECT to the project id (6-30 lowercase letters, digits and "
                              "hyphens, starting with a letter), not its name or number")
    try:
        conn = connection or GcpConnection(dict(params, retries=BUSY_RETRIES, connect_retries=int(params["retries"])))
        found = conn.get("compute", f"projects/{conn.project}", operation="projects.get", not_found=True)
        if found is None:
            raise CredentialsError(f"GCP project {conn.project} does not exist or the service account cannot see "
                                   "it. Fix: set project / GCP_PROJECT to a project the key may use.")
        conn.get("dns", f"projects/{conn.project}/managedZones", params={"maxResults": 1},
                 operation="managedZones.list")
    except CloudnetError as err:
        err.message = f"GCP preflight for project {name or '(unset)'}: {err.message}"
        raise
    return {
        "project": found.get("name") or conn.project,
        "project_number": found.get("id"),
        "compute_endpoint": settings["compute"],
        "dns_endpoint": settings["dns"],
    }
