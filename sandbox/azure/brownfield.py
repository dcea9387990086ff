"""Azure brownfield of the sandbox: the VNet the inventory's host ``azure-hub`` links to AWS.

``seed_azure()`` creates, idempotently and through the official SDK (azure-identity + azure-mgmt-network;
the resource group over the ARM REST API, as azure-mgmt-resource is not a dependency), in the subscription of
the environment (AZURE_* variables of the sandbox's env.sh):

- resource group ``rg-cloudnet-hub`` (westeurope);
- VNet ``azure-hub`` 10.200.0.0/16 with ``GatewaySubnet`` (the VPN gateway), ``app`` (served by the UDRs) and
  ``dns-outbound`` (delegated to Microsoft.Network/dnsResolvers, as DNS Private Resolver outbound endpoints
  require).

A second call finds everything and writes nothing.
"""

from __future__ import annotations

import os

RESOURCE_GROUP = "rg-cloudnet-hub"
LOCATION = "westeurope"
VNET = "azure-hub"
ADDRESS_PREFIX = "10.200.0.0/16"
SUBNETS = {
    "GatewaySubnet": {"addressPrefix": "10.200.255.0/27"},
    "app": {"addressPrefix": "10.200.1.0/24"},
    "dns-outbound": {
        "addressPrefix": "10.200.5.0/28",
        "delegations": [
            {"name": "Microsoft.Network.dnsResolvers", "properties": {"serviceName": "Microsoft.Network/dnsResolvers"}}
        ],
    },
}
TAGS = {"sandbox:seed": "brownfield"}
RESOURCE_GROUP_API_VERSION = "2024-03-01"
POLL = 0.2


def clients(env=None):
    """``(credential, network client, arm base url, tls verify)`` from the AZURE_* variables."""
    from azure.identity import ClientSecretCredential
    from azure.mgmt.network import NetworkManagementClient

    env = os.environ if env is None else env
    url = env["AZURE_CLOUD_ENVIRONMENT"].rstrip("/")
    verify = env.get("REQUESTS_CA_BUNDLE") or True
    credential = ClientSecretCredential(
        env["AZURE_TENANT_ID"] if env.get("AZURE_TENANT_ID") else env["AZURE_TENANT"],
        env["AZURE_CLIENT_ID"],
        env.get("AZURE_CLIENT_SECRET") or env["AZURE_SECRET"],
        authority=env.get("AZURE_AUTHORITY_HOST") or url,
        disable_instance_discovery=True,
        connection_verify=verify,
    )
    network = NetworkManagementClient(
        credential, env["AZURE_SUBSCRIPTION_ID"], base_url=url, connection_verify=verify, retry_backoff_factor=0.2
    )
    return credential, network, url, verify


def _ensure_resource_group(credential, url: str, subscription: str, verify) -> bool:
    import requests

    token = credential.get_token("https://management.azure.com/.default").token
    target = f"{url}/subscriptions/{subscription}/resourcegroups/{RESOURCE_GROUP}"
    params = {"api-version": RESOURCE_GROUP_API_VERSION}
    headers = {"Authorization": f"Bearer {token}"}
    found = requests.get(target, params=params, headers=headers, verify=verify, timeout=30)
    if found.status_code == 200:
        return False
    if found.status_code != 404:
        raise RuntimeError(f"GET resource group {RESOURCE_GROUP}: {found.status_code} {found.text[:300]}")
    made = requests.put(
        target, params=params, headers=headers, verify=verify, timeout=30, json={"location": LOCATION, "tags": TAGS}
    )
    if made.status_code not in (200, 201):
        raise RuntimeError(f"PUT resource group {RESOURCE_GROUP}: {made.status_code} {made.text[:300]}")
    return True


def seed_azure(env=None) -> dict:
    """Create what is missing; return the seeded names (and whether anything was created)."""
    from azure.core.exceptions import ResourceNotFoundError

    env = os.environ if env is None else env
    credential, network, url, verify = clients(env)
    created = _ensure_resource_group(credential, url, env["AZURE_SUBSCRIPTION_ID"], verify)
    try:
        vnet = network.virtual_networks.get(RESOURCE_GROUP, VNET)
    except ResourceNotFoundError:
        vnet = None
    if vnet is None:
        body = {
            "location": LOCATION,
            "tags": TAGS,
            "properties": {
                "addressSpace": {"addressPrefixes": [ADDRESS_PREFIX]},
                "subnets": [{"name": name, "properties": props} for name, props in SUBNETS.items()],
            },
        }
        network.virtual_networks.begin_create_or_update(RESOURCE_GROUP, VNET, body, polling_interval=POLL).result()
        created = True
    else:
        have = {s.name for s in vnet.subnets or []}
        for name, props in SUBNETS.items():
            if name not in have:
                network.subnets.begin_create_or_update(
                    RESOURCE_GROUP, VNET, name, {"properties": props}, polling_interval=POLL
                ).result()
                created = True
    return {
        "resource_group": RESOURCE_GROUP,
        "location": LOCATION,
        "virtual_network": VNET,
        "address_prefix": ADDRESS_PREFIX,
        "subnets": {name: props["addressPrefix"] for name, props in SUBNETS.items()},
        "created": created,
    }
