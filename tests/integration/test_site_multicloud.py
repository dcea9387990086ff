"""site.yml with inventories/sandbox on the three emulators (`make sandbox`'s path), read back through the SDKs.

One module-scoped sandbox (``python -m sandbox up`` + ``python -m sandbox.seed``: AWS brownfield spokes, the
Azure VNet and the GCP network) -> --check (no mutating call in any cloud) -> one apply, after which the whole
architecture is asserted -> a second apply (changed=0, no mutating call in any cloud) -> teardown (everything the
collection made is gone in the three clouds, the seeded networks stay).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import multicloud as mc  # noqa: E402


@pytest.fixture(scope="module")
def clouds(request, tmp_path_factory):
    if any(item.path.name == "test_site_multicloud_faults.py" for item in request.session.items):
        mc.background_throttled(request.config, tmp_path_factory)  # its own sandbox, in parallel with this one
    with mc.three_clouds(tmp_path_factory.mktemp("multicloud")) as running:
        yield running


@pytest.fixture(scope="module")
def first_run(clouds):
    clouds.reset_calls()
    check = mc.playbook(clouds, "site.yml", "--check")
    writes = clouds.mutating_calls()
    clouds.reset_calls()
    first = mc.playbook(clouds, "site.yml")
    return {"check": check, "check_writes": writes, "first": first}


@pytest.fixture(scope="module")
def second_run(first_run, clouds):
    clouds.reset_calls()
    second = mc.playbook(clouds, "site.yml")
    return {"second": second, "writes": clouds.mutating_calls()}


def test_check_mode_on_a_fresh_sandbox_writes_nothing_in_any_cloud(first_run, clouds):
    assert first_run["check_writes"] == {"aws": [], "azure": [], "gcp": []}
    assert all(v["failed"] == 0 for v in mc.recap(first_run["check"]).values())
    assert set(clouds.control) == {"aws", "azure", "gcp"}


@pytest.mark.parametrize("check", mc.ARCHITECTURE, ids=lambda c: c.__name__.removeprefix("check_"))
def test_one_run_on_fresh_networks_builds(first_run, clouds, check):
    """Asserted after the first apply: one site.yml run builds every link, the GCP HA VPN included."""
    check(clouds)


def test_pre_shared_keys_never_printed(first_run):
    for out in first_run.values():
        assert not any(secret in str(out) for secret in mc.SECRETS)


def test_second_run_changes_nothing_in_any_cloud(second_run):
    assert mc.changed_hosts(second_run["second"]) == {}, mc.changed_tasks(second_run["second"])
    assert second_run["writes"] == {"aws": [], "azure": [], "gcp": []}
    assert not any(secret in second_run["second"] for secret in mc.SECRETS)


def test_teardown_removes_the_cross_cloud_links_in_every_cloud(second_run, clouds):
    mc.playbook(clouds, "playbooks/teardown.yml")
    ec2 = clouds.aws()
    for remote in ("azure-hub", "gcp-hub"):
        assert mc.vpns(clouds, remote) == [] and mc.customer_gateways(clouds, remote) == []
    r53r = clouds.aws("route53resolver")
    assert not [e for e in r53r.list_resolver_endpoints()["ResolverEndpoints"] if e["Name"].startswith("sandbox-")]
    seeded = {mc.tags(v).get("Name") for v in ec2.describe_vpcs(
        Filters=[{"Name": "tag:sandbox:seed", "Values": ["brownfield"]}])["Vpcs"]}
    assert {"app-payments", "app-orders", "app-analytics"} <= seeded

    network = clouds.network
    assert not list(network.virtual_network_gateways.list(mc.RG))
    assert not list(network.virtual_network_gateway_connections.list(mc.RG))
    assert not list(network.local_network_gateways.list(mc.RG))
    assert not [p.name for p in network.public_ip_addresses.list(mc.RG)]
    assert [t.name for t in network.route_tables.list(mc.RG)] == []  # the route table the role made is gone too
    assert not list(clouds.resolver.dns_forwarding_rulesets.list_by_resource_group(mc.RG))
    assert not list(clouds.resolver.dns_resolvers.list_by_resource_group(mc.RG))
    vnets = {v.name: v for v in network.virtual_networks.list(mc.RG)}
    assert list(vnets) == [mc.VNET]  # the seeded VNet stays, with its subnets
    assert {s.name for s in vnets[mc.VNET].subnets} == {"GatewaySubnet", "app", "dns-outbound"}
    assert network.subnets.get(mc.RG, mc.VNET, "app").route_table is None, "the app subnet is disassociated"

    project, region = clouds.project, mc.GCP_REGION
    for kind in ("VpnTunnels", "VpnGateways", "Routers"):
        assert [x.name for x in clouds.compute(kind).list(project=project, region=region)] == [], kind
    assert [x.name for x in clouds.compute("ExternalVpnGateways").list(project=project)] == []
    assert clouds.dns().managedZones().list(project=project).execute().get("managedZones", []) == []
    managed_routes = [r.name for r in clouds.compute("Routes").list(project=project)
                      if "cloudnet:managed-by" in (r.description or "")]
    assert managed_routes == []
    assert [n.name for n in clouds.compute("Networks").list(project=project)] == [mc.GCP_NETWORK]
    subnetworks = clouds.compute("Subnetworks").list(project=project, region=region)
    assert [(s.name, s.ip_cidr_range) for s in subnetworks] == [(mc.GCP_SUBNETWORK, "10.210.1.0/24")]
