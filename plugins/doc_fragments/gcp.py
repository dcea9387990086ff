# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options shared by every GCP module; names match google.cloud where google.cloud has them.
    DOCUMENTATION = r"""
options:
  project:
    description:
      - The GCP project. Also read from E(GCP_PROJECT).
    type: str
  auth_kind:
    description:
      - How to authenticate. Also read from E(GCP_AUTH_KIND).
      - V(serviceaccount) uses O(service_account_file) or O(service_account_contents); the token is requested
        from the C(token_uri) in the key, as google-auth does.
      - V(application) uses Application Default Credentials; V(machineaccount) the metadata server.
      - Defaults to V(serviceaccount) when a key is given, else V(application).
    type: str
    choices: [application, machineaccount, serviceaccount]
  service_account_email:
    description:
      - Service account e-mail for O(auth_kind=machineaccount). Also read from E(GCP_SERVICE_ACCOUNT_EMAIL).
    type: str
  service_account_file:
    description:
      - Path to a service-account JSON key. Also read from E(GCP_SERVICE_ACCOUNT_FILE).
    type: path
  service_account_contents:
    description:
      - The service-account JSON key itself, as a JSON string or a mapping. Never logged. Also read from
        E(GCP_SERVICE_ACCOUNT_CONTENTS).
      - Taken as given (not re-serialised), so every value of the key, the private key included, is masked
        in results and logs.
    type: raw
  scopes:
    description:
      - OAuth scopes. Also read from E(GCP_SCOPES) (comma separated).
      - Defaults to C(https://www.googleapis.com/auth/cloud-platform).
    type: list
    elements: str
  api_endpoint:
    description:
      - Root URL of the Google APIs, for Private Service Connect endpoints or a local test cloud.
        Compute is reached at C(<api_endpoint>/compute/v1/) and Cloud DNS at C(<api_endpoint>/dns/v1/),
        as the discovery documents compose C(rootUrl) and C(servicePath).
      - Also read from E(GCP_API_ENDPOINT). Defaults to the public Google endpoints.
    type: str
  compute_endpoint:
    description:
      - Base URL of the Compute Engine v1 API, overriding O(api_endpoint) for Compute.
      - Also read from E(GCP_COMPUTE_ENDPOINT). Default C(https://compute.googleapis.com/compute/v1/).
    type: str
  dns_endpoint:
    description:
      - Base URL of the Cloud DNS v1 API, overriding O(api_endpoint) for Cloud DNS.
      - Also read from E(GCP_DNS_ENDPOINT). Default C(https://dns.googleapis.com/dns/v1/).
    type: str
  request_timeout:
    description: Seconds to wait for one HTTP answer.
    type: int
    default: 60
  retries:
    description:
      - Retries per API call on HTTP 429 and 5xx and on the reasons C(rateLimitExceeded),
        C(userRateLimitExceeded), C(backendError) and C(resourceNotReady), with capped, jittered back-off.
        Compute writes carry one C(requestId) across retries, so a retried write is not made twice.
    type: int
    default: 8
requirements:
  - python >= 3.11
  - google-auth >= 2.63.0
  - requests
"""

    OWNERSHIP = r"""
options:
  topology:
    description:
      - Name of the topology the objects belong to (a valid GCP label value).
      - Labelled objects the collection creates get the labels C(cloudnet-managed-by=cloudnet-privatelink)
        and C(cloudnet-topology=<topology>); objects without labels (routers, routes, advertised ranges) carry
        C(cloudnet:managed-by=cloudnet.privatelink cloudnet:topology=<topology>) in their description.
        Deletions and purges act only on objects marked for this topology.
    type: str
    default: default
"""
