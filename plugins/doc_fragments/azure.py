# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    # Connection options shared by every Azure module; names and variables match azure.azcollection.
    DOCUMENTATION = r"""
options:
  auth_source:
    description:
      - Where the credentials come from. Also read from E(ANSIBLE_AZURE_AUTH_SOURCE).
      - V(auto) uses the options or E(AZURE_*) variables, then C(~/.azure/credentials) when neither names a
        subscription or client. V(env) uses only options and variables. V(credential_file) reads the
        O(profile) section of C(~/.azure/credentials) (or E(AZURE_CREDENTIAL_FILE)). V(msi) uses the managed
        identity of the host; V(cli) the Azure CLI login.
    type: str
    choices: [auto, cli, credential_file, env, msi]
  profile:
    description: Section of the credential file for O(auth_source=credential_file). Also E(AZURE_PROFILE).
    type: str
  subscription_id:
    description: The subscription. Also read from E(AZURE_SUBSCRIPTION_ID).
    type: str
  client_id:
    description: Service principal (application) ID. Also read from E(AZURE_CLIENT_ID).
    type: str
  secret:
    description:
      - Service principal secret. Never logged. Also read from E(AZURE_SECRET) or E(AZURE_CLIENT_SECRET).
    type: str
  tenant:
    description: Microsoft Entra tenant ID. Also read from E(AZURE_TENANT) or E(AZURE_TENANT_ID).
    type: str
  cloud_environment:
    description:
      - V(AzureCloud), V(AzureChinaCloud), V(AzureUSGovernment), or the URL of a cloud metadata endpoint,
        read as C(GET <url>/metadata/endpoints) (Azure Stack, private clouds, a local test cloud); its
        C(resourceManager) is the ARM endpoint, C(authentication.loginEndpoint) the authority and
        C(authentication.audiences[0]) the token audience.
      - Also read from E(AZURE_CLOUD_ENVIRONMENT).
    type: str
    default: AzureCloud
  authority_host:
    description:
      - Microsoft Entra authority host, overriding the cloud's. Also read from E(AZURE_AUTHORITY_HOST), the
        azure-identity variable. Instance discovery is skipped for authorities other than the public,
        China and US Government ones.
    type: str
  cert_validation_mode:
    description:
      - V(validate) checks TLS certificates (a private CA bundle is taken from E(REQUESTS_CA_BUNDLE));
        V(ignore) does not. Also read from E(AZURE_CERT_VALIDATION_MODE).
    type: str
    choices: [validate, ignore]
    default: validate
  polling_interval:
    description:
      - Seconds between polls of a long-running operation when Azure sends no C(Retry-After).
    type: float
    default: 5.0
  retries:
    description:
      - Retries per request on HTTP 408, 429, 500, 502, 503 and 504 by the azure-core retry policy, which waits
        as long as C(Retry-After) asks and otherwise backs off exponentially.
    type: int
    default: 10
requirements:
  - python >= 3.11
  - azure-identity >= 1.27.0
  - azure-mgmt-network >= 33.1.0
  - azure-mgmt-dnsresolver >= 1.1.0
"""

    OWNERSHIP = r"""
options:
  topology:
    description:
      - Name of the topology the objects belong to. Resources the collection creates are tagged
        C(cloudnet:managed-by=cloudnet.privatelink) and C(cloudnet:topology=<topology>) (DNS forwarding rules
        and ruleset links carry the same pairs in their C(metadata)). Deletions act only on objects marked for
        this topology.
    type: str
    default: default
  tags:
    description: Extra tags for the resources the collection creates (the ownership tags are added).
    type: dict
  wait_timeout:
    description: Seconds to wait for each long-running operation before failing.
    type: int
    default: 1800
"""
