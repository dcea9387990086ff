"""The three-cloud sandbox of inventories/sandbox for the multicloud playbook tests, and the state they check.

``three_clouds(state)`` starts ``python -m sandbox up`` (AWS, Azure and GCP emulators, as ``make sandbox`` does)
in ``state``, seeds it with ``python -m sandbox.seed`` and yields a :class:`Clouds` with the environment, the
emulators' control clients and the official SDK clients that read state back. ``playbook()`` runs a playbook on
it; the ``check_*`` functions assert the architecture issue 3 asks for, read back through boto3,
azure-mgmt-network / azure-mgmt-dnsresolver, google-cloud-compute and the Cloud DNS discovery client.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

import boto3

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ensure_collection_tree  # noqa: E402

BIN = Path(sys.executable).parent
INVENTORY = "inventories/sandbox"
RG, VNET = "rg-cloudnet-hub", "azure-hub"
GCP_NETWORK, GCP_REGION, GCP_SUBNETWORK = "gcp-hub", "us-east1", "gcp-hub-a"
ENDPOINT_PREFIXES = {"10.100.0.0/24", "10.100.1.0/24"}
FORWARDED = {"s3.us-east-1.amazonaws.com.", "lambda.us-east-1.amazonaws.com."}
DECLARED_BUCKETS = {"arn:aws:s3:::sandbox-artifacts", "arn:aws:s3:::sandbox-artifacts/*"}
SECRETS = ("sandbox_azure_t", "sandbox_gcp_t")


class Clouds:
    """A running three-cloud sandbox: env, controls (aws, azure, gcp) and SDK clients."""

    def __init__(self, state: Path, running: dict):
        from azure.identity import ClientSecretCredential
        from azure.mgmt.dnsresolver import DnsResolverManagementClient
        from azure.mgmt.network import NetworkManagementClient
        from google.oauth2 import service_account

        from sandbox.cli import controls

        self.state = state
        self.running = running
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GCP_"))}
        self.env.update(running["env"])
        self.env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_FORCE_COLOR": "0",
                         "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO)})
        self.urls = {cloud: e["url"] for cloud, e in running["emulators"].items()}
        self.control = controls(running)
        self.seed_vars = state / "seeded.yml"
        env = running["env"]
        ca = env["REQUESTS_CA_BUNDLE"]
        self.subscription = env["AZURE_SUBSCRIPTION_ID"]
        self.credential = ClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"],
                                                 env["AZURE_CLIENT_SECRET"], authority=env["AZURE_AUTHORITY_HOST"],
                                                 disable_instance_discovery=True, connection_verify=ca)
        self.network = NetworkManagementClient(self.credential, self.subscription, base_url=self.urls["azure"],
                                               connection_verify=ca, retry_backoff_factor=0.01)
        self.resolver = DnsResolverManagementClient(self.credential, self.subscription, base_url=self.urls["azure"],
                                                    connection_verify=ca, retry_backoff_factor=0.01)
        self.project = env["GCP_PROJECT"]
        self.gcp_credentials = service_account.Credentials.from_service_account_file(
            env["GCP_SERVICE_ACCOUNT_FILE"], scopes=["https://www.googleapis.com/auth/cloud-platform"])

    def aws(self, service: str = "ec2"):
        env = self.env
        return boto3.client(service, endpoint_url=self.urls["aws"], region_name="us-east-1",
                            aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])

    def compute(self, kind: str):
        """A google-cloud-compute REST client on the emulator: ``compute("Routers")``."""
        from google.cloud import compute_v1

        cls = getattr(compute_v1, f"{kind}Client")
        return cls(credentials=self.gcp_credentials, transport="rest",
                   client_options={"api_endpoint": self.urls["gcp"]})

    def dns(self):
        from googleapiclient import discovery

        return discovery.build("dns", "v1", credentials=self.gcp_credentials, static_discovery=True,
                               client_options={"api_endpoint": self.urls["gcp"] + "/"})

    def reset_calls(self):
        for control in self.control.values():
            control.reset_calls()

    def mutating_calls(self) -> dict:
        """``{cloud: [call, ...]}`` of every mutating call since the last reset."""
        return {cloud: control.mutating_calls() for cloud, control in self.control.items()}


@contextlib.contextmanager
def three_clouds(state: Path):
    """``python -m sandbox up`` (all three emulators) in ``state``, seeded; always stopped afterwards."""
    sandbox = [sys.executable, "-m", "sandbox"]
    subprocess.run([*sandbox, "up", "--state-dir", str(state)], cwd=REPO, check=True, capture_output=True, text=True,
                   timeout=180)
    try:
        running = json.loads((state / "sandbox.json").read_text())
        clouds = Clouds(state, running)
        seeded = subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out",
                                 str(clouds.seed_vars)], env=clouds.env, cwd=REPO, check=False, capture_output=True,
                                text=True, timeout=300)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        yield clouds
    finally:
        subprocess.run([*sandbox, "down", "--state-dir", str(state)], cwd=REPO, check=False, capture_output=True,
                       text=True, timeout=120)


def playbook(clouds: Clouds, name: str, *extra: str) -> str:
    # The topology report goes to this sandbox's directory: playbook runs of other sandboxes with the same
    # topology name would otherwise rewrite the same file in the repository between this test's runs.
    cmd = [str(BIN / "ansible-playbook"), name, "-i", INVENTORY, "-e", f"@{clouds.seed_vars}",
           "-e", f"report_dir={clouds.state / 'reports'}", *extra]
    proc = subprocess.run(cmd, env=clouds.env, cwd=REPO, capture_output=True, text=True, timeout=1800, check=False)
    assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-8000:]}\n{proc.stderr[-3000:]}"
    return proc.stdout


def recap(output: str) -> dict:
    return {host: {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", fields)}
            for host, fields in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, flags=re.M)}


def changed_tasks(output: str) -> list:
    """``[(task, host), ...]`` for every task a run reported as changed."""
    out, task = [], None
    for line in output.splitlines():
        if line.startswith("TASK ["):
            task = line[6:].split("]", 1)[0]
        found = re.match(r"^changed: \[([^\]]+)\]", line)
        if found:
            out.append((task, found.group(1)))
    return out


def changed_hosts(output: str) -> dict:
    """``{host: changed count}`` of the hosts that changed something (the tasks are in the failure message)."""
    hosts = recap(output)
    assert {"azure-hub", "gcp-hub", "services-use1", "transit-use1"} <= set(hosts), hosts
    changed = {h: v["changed"] for h, v in hosts.items() if v["changed"]}
    assert changed == {} or changed_tasks(output), output[-3000:]
    return changed


# --- the throttled scenario, run beside the other multicloud test -------------------------------------

THROTTLE_RATE = 0.2
# The topology report is read-only and has no part in converging; test_site_multicloud.py runs it. Here it
# would add a minute per run.
NO_REPORT = ("-e", "cloudnet_report=false")


def throttled_scenario(clouds: Clouds) -> dict:
    """20% of the requests throttled in every emulator at once (each in its provider's real format), one
    site.yml run; then, faults off, a second run. Returns both outputs, the faults fired and the writes."""
    control = clouds.control
    control["aws"].set_faults([{"kind": "throttle", "probability": THROTTLE_RATE}], seed=20)
    control["azure"].add_fault("throttle", probability=THROTTLE_RATE, retry_after=1)
    control["gcp"].add_fault("rate_limit", probability=THROTTLE_RATE, seed=20)
    clouds.reset_calls()
    try:
        first = playbook(clouds, "site.yml", *NO_REPORT)
        fired = {
            "aws": control["aws"].summary()["faulted"],
            "azure": sum(1 for c in control["azure"].calls() if c.get("fault") == "throttle"),
            "gcp": sum(1 for c in control["gcp"].calls() if c.get("status") == 429),
        }
        totals = {"aws": control["aws"].summary()["total"], "azure": control["azure"].summary()["total"],
                  "gcp": len(control["gcp"].calls())}
    finally:
        for cloud in ("aws", "azure", "gcp"):
            control[cloud].clear_faults()
    clouds.reset_calls()
    second = playbook(clouds, "site.yml", *NO_REPORT)
    return {"clouds": clouds, "first": first, "fired": fired, "totals": totals, "second": second,
            "writes": clouds.mutating_calls()}


class Background:
    """``scenario(clouds)`` on a three-cloud sandbox of its own in a thread; the sandbox stays up (for the
    tests that read it back) until :meth:`release`. The two multicloud test modules overlap this way: each
    spends much of its time waiting on retries, polls and module start-up, so together they fit the budget."""

    def __init__(self, state: Path, scenario):
        self._ready = threading.Event()
        self._release = threading.Event()
        self.result, self.error = None, None
        self.thread = threading.Thread(target=self._run, args=(state, scenario), name="multicloud-background",
                                       daemon=True)
        self.thread.start()

    def _run(self, state: Path, scenario):
        try:
            with three_clouds(state) as clouds:
                try:
                    self.result = scenario(clouds)
                except BaseException as exc:  # noqa: BLE001 - handed to the test that waits for it
                    self.error = exc
                self._ready.set()
                self._release.wait()
        except BaseException as exc:  # noqa: BLE001 - the sandbox did not start or stop
            self.error = self.error or exc
        finally:
            self._ready.set()

    def wait(self):
        self._ready.wait()
        if self.error is not None:
            raise self.error
        return self.result

    def release(self):
        self._release.set()
        self.thread.join(timeout=300)


_BACKGROUND: dict = {}


def background_throttled(config, tmp_path_factory) -> Background:
    """The throttled scenario, started on the first call (and stopped at the latest when the session ends)."""
    if "throttled" not in _BACKGROUND:
        _BACKGROUND["throttled"] = Background(tmp_path_factory.mktemp("multicloud-faults"), throttled_scenario)
        config.add_cleanup(_BACKGROUND["throttled"].release)
    return _BACKGROUND["throttled"]


# --- AWS ---------------------------------------------------------------------------------------------


def tags(obj: dict) -> dict:
    return {t["Key"]: t["Value"] for t in obj.get("Tags", [])}


def vpns(clouds: Clouds, remote: str) -> list:
    """The live TGW VPN connections to ``remote`` (a host of azure_spokes / gcp_spokes), by Name."""
    found = [v for v in clouds.aws().describe_vpn_connections()["VpnConnections"]
             if v["State"] not in ("deleted", "deleting") and tags(v).get("cloudnet:remote") == remote]
    return sorted(found, key=lambda v: tags(v)["Name"])


def customer_gateways(clouds: Clouds, remote: str) -> list:
    return [c for c in clouds.aws().describe_customer_gateways()["CustomerGateways"]
            if c["State"] not in ("deleted", "deleting") and tags(c).get("cloudnet:remote") == remote]


def resolver_ips(clouds: Clouds):
    r53r = clouds.aws("route53resolver")
    eps = [e for e in r53r.list_resolver_endpoints()["ResolverEndpoints"]
           if e["Name"] == "sandbox-services-us-east-1-inbound"]
    assert len(eps) == 1 and eps[0]["Direction"] == "INBOUND", eps
    ips = r53r.list_resolver_endpoint_ip_addresses(ResolverEndpointId=eps[0]["Id"])["IpAddresses"]
    return eps[0], {i["Ip"] for i in ips}


def route_tables(clouds: Clouds) -> dict:
    return {tags(rt).get("Name"): rt["TransitGatewayRouteTableId"]
            for rt in clouds.aws().describe_transit_gateway_route_tables()["TransitGatewayRouteTables"]}


def check_resolver_admits_dns_from_the_remote_clouds_only(clouds: Clouds):
    endpoint, ips = resolver_ips(clouds)
    assert len(ips) == 2
    ec2 = clouds.aws()
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["sandbox-services-us-east-1"]}])["Vpcs"][0]
    assert endpoint["HostVPCId"] == vpc["VpcId"]
    sg = ec2.describe_security_groups(GroupIds=endpoint["SecurityGroupIds"])["SecurityGroups"][0]
    rules = {(p["IpProtocol"], p["FromPort"], r["CidrIp"]) for p in sg["IpPermissions"] for r in p["IpRanges"]}
    assert rules == {(proto, 53, cidr) for proto in ("tcp", "udp") for cidr in ("10.200.0.0/16", "10.210.0.0/16")}


def check_vpn_attachments_reach_services_not_spokes(clouds: Clouds):
    ec2 = clouds.aws()
    tables = route_tables(clouds)
    live = {a["ResourceId"]: a["TransitGatewayAttachmentId"] for a in ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["vpn"]}])["TransitGatewayAttachments"]
        if a["State"] not in ("deleted", "deleting")}
    ours = {live[v["VpnConnectionId"]] for remote in ("azure-hub", "gcp-hub") for v in vpns(clouds, remote)}
    assert len(ours) == 4 and ours == set(live.values()), live  # two per remote cloud, nothing else
    assoc = {a["TransitGatewayAttachmentId"] for a in ec2.get_transit_gateway_route_table_associations(
        TransitGatewayRouteTableId=tables["sandbox-us-east-1-spokes"])["Associations"]}
    props = {p["TransitGatewayAttachmentId"] for p in ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=tables["sandbox-us-east-1-services"])["TransitGatewayRouteTablePropagations"]}
    assert ours <= assoc and ours <= props
    spokes_props = {p["TransitGatewayAttachmentId"] for p in ec2.get_transit_gateway_route_table_propagations(
        TransitGatewayRouteTableId=tables["sandbox-us-east-1-spokes"])["TransitGatewayRouteTablePropagations"]}
    assert not ours & spokes_props, "remote clouds would be reachable from the spokes"


def check_tgw_advertises_the_endpoint_prefixes_to_the_vpns(clouds: Clouds):
    """The VPN attachments' table (spokes) routes the endpoint prefixes to the services VPC: what the TGW announces
    over BGP to the Azure gateway and to the GCP Cloud Router (HA VPN has no static routes; GCP learns them)."""
    ec2 = clouds.aws()
    spokes = route_tables(clouds)["sandbox-us-east-1-spokes"]
    routes = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=spokes,
                                               Filters=[{"Name": "state", "Values": ["active"]}])["Routes"]
    services = [a["TransitGatewayAttachmentId"] for a in ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "resource-type", "Values": ["vpc"]}])["TransitGatewayAttachments"]
        if tags(a).get("Name", "").startswith("sandbox-services-us-east-1") and a["State"] == "available"]
    assert len(services) == 1, services
    for prefix in ENDPOINT_PREFIXES:
        covering = [r for r in routes if ipaddress.ip_network(prefix).subnet_of(
            ipaddress.ip_network(r["DestinationCidrBlock"]))]
        assert [a["TransitGatewayAttachmentId"] for r in covering for a in r["TransitGatewayAttachments"]] == services


def check_s3_interface_endpoint_admits_only_the_declared_buckets(clouds: Clouds):
    ec2 = clouds.aws()
    vpc = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": ["sandbox-services-us-east-1"]}])["Vpcs"][0]
    endpoints = [e for e in ec2.describe_vpc_endpoints(Filters=[
        {"Name": "vpc-id", "Values": [vpc["VpcId"]]},
        {"Name": "service-name", "Values": ["com.amazonaws.us-east-1.s3"]}])["VpcEndpoints"]
        if e["State"] not in ("deleted", "deleting") and e["VpcEndpointType"] == "Interface"]
    assert len(endpoints) == 1, endpoints  # cross-cloud S3 needs the interface endpoint (gateways are not transitive)
    policy = json.loads(endpoints[0]["PolicyDocument"])
    resources = set()
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        resources |= set([statement["Resource"]] if isinstance(statement["Resource"], str) else statement["Resource"])
    assert resources == DECLARED_BUCKETS


# --- Azure -------------------------------------------------------------------------------------------


def check_azure_tunnels_pair_with_the_tgw_vpn(clouds: Clouds):
    network = clouds.network
    gw = network.virtual_network_gateways.get(RG, "azure-hub-vpngw")
    assert gw.active_active is True and gw.enable_bgp is True
    pips = [network.public_ip_addresses.get(RG, f"azure-hub-vpngw-pip{i}").ip_address for i in (1, 2)]
    links = vpns(clouds, "azure-hub")
    assert len(links) == 2 and len(customer_gateways(clouds, "azure-hub")) == 2
    cgws = {c["CustomerGatewayId"]: c for c in clouds.aws().describe_customer_gateways()["CustomerGateways"]}
    assert [cgws[v["CustomerGatewayId"]]["IpAddress"] for v in links] == pips
    assert {int(cgws[v["CustomerGatewayId"]]["BgpAsn"]) for v in links} == {gw.bgp_settings.asn}
    connections = {c.name: c for c in network.virtual_network_gateway_connections.list(RG)}
    assert len(connections) == 4, sorted(connections)
    lngs = {g.name: g for g in network.local_network_gateways.list(RG)}
    for k, vpn in enumerate(links):
        for j, tunnel in enumerate(vpn["Options"]["TunnelOptions"]):
            name = f"azure-hub-vpngw-aws-{k}-{j}"
            conn = connections[name]
            lng = lngs[conn.local_network_gateway2.id.rsplit("/", 1)[-1]]
            inside = ipaddress.ip_network(tunnel["TunnelInsideCidr"])
            aws_addr, azure_addr = str(inside[1]), str(inside[2])
            assert lng.gateway_ip_address == tunnel["OutsideIpAddress"]
            assert lng.bgp_settings.bgp_peering_address == aws_addr
            assert lng.bgp_settings.asn == 64512
            assert conn.enable_bgp is True
            custom = {c.ip_configuration_id.rsplit("/", 1)[-1]: c.custom_bgp_ip_address
                      for c in conn.gateway_custom_bgp_ip_addresses}
            assert custom[f"ipconfig{k + 1}"] == azure_addr
            assert 0 < len(network.virtual_network_gateway_connections.get_shared_key(RG, name).value)


def check_azure_udrs_send_the_endpoint_prefixes_to_the_vpn_gateway(clouds: Clouds):
    network = clouds.network
    table = network.route_tables.get(RG, "azure-hub-aws-endpoints")
    assert {r.address_prefix: r.next_hop_type for r in table.routes} == dict.fromkeys(
        ENDPOINT_PREFIXES, "VirtualNetworkGateway")
    assert network.subnets.get(RG, VNET, "app").route_table.id.lower() == table.id.lower()


def check_azure_forwards_aws_names_to_the_resolver(clouds: Clouds):
    _endpoint, ips = resolver_ips(clouds)
    rules = {r.domain_name: {t.ip_address for t in r.target_dns_servers}
             for r in clouds.resolver.forwarding_rules.list(RG, "azure-hub-aws-services")}
    # The s3 rule also answers *.s3.us-east-1.amazonaws.com (bucket names): forwarding covers subdomains.
    assert rules == dict.fromkeys(FORWARDED, ips)
    links = [x.virtual_network.id for x in clouds.resolver.virtual_network_links.list(RG, "azure-hub-aws-services")]
    assert [x.rsplit("/", 1)[-1] for x in links] == [VNET]
    outbound = list(clouds.resolver.outbound_endpoints.list(RG, "azure-hub-dnspr"))
    assert [o.subnet.id.rsplit("/", 1)[-1] for o in outbound] == ["dns-outbound"]


# --- GCP ---------------------------------------------------------------------------------------------


def check_gcp_tunnels_pair_with_the_tgw_vpn(clouds: Clouds):
    project = clouds.project
    gw = clouds.compute("VpnGateways").get(project=project, region=GCP_REGION, vpn_gateway="gcp-hub-aws")
    gw_ips = [i.ip_address for i in sorted(gw.vpn_interfaces, key=lambda i: i.id)]
    links = vpns(clouds, "gcp-hub")
    assert len(links) == 2 and len(customer_gateways(clouds, "gcp-hub")) == 2
    cgws = {c["CustomerGatewayId"]: c for c in clouds.aws().describe_customer_gateways()["CustomerGateways"]}
    assert [cgws[v["CustomerGatewayId"]]["IpAddress"] for v in links] == gw_ips
    assert {int(cgws[v["CustomerGatewayId"]]["BgpAsn"]) for v in links} == {65534}
    outside = [t["OutsideIpAddress"] for v in links for t in v["Options"]["TunnelOptions"]]
    ext = clouds.compute("ExternalVpnGateways").get(project=project, external_vpn_gateway="gcp-hub-aws-peer")
    assert ext.redundancy_type == "FOUR_IPS_REDUNDANCY"
    assert [i.ip_address for i in sorted(ext.interfaces, key=lambda i: i.id)] == outside
    router = clouds.compute("Routers").get(project=project, region=GCP_REGION, router="gcp-hub-aws-router")
    assert router.bgp.asn == 65534
    peers = {p.name: p for p in router.bgp_peers}
    interfaces = {i.name: i for i in router.interfaces}
    assert len(peers) == 4 and len(interfaces) == 4
    tunnels = clouds.compute("VpnTunnels")
    assert len(list(tunnels.list(project=project, region=GCP_REGION))) == 4
    for k, vpn in enumerate(links):
        for j, tunnel in enumerate(vpn["Options"]["TunnelOptions"]):
            name = f"gcp-hub-aws-{k}-{j}"
            inside = ipaddress.ip_network(tunnel["TunnelInsideCidr"])
            t = tunnels.get(project=project, region=GCP_REGION, vpn_tunnel=name)
            assert (t.vpn_gateway_interface, t.peer_external_gateway_interface) == (k, 2 * k + j)
            assert t.peer_ip == tunnel["OutsideIpAddress"]
            assert peers[f"{name}-bgp"].peer_ip_address == str(inside[1])
            assert peers[f"{name}-bgp"].peer_asn == 64512
            assert interfaces[f"{name}-if"].ip_range == f"{inside[2]}/{inside.prefixlen}"
    assert router.bgp.advertise_mode == "CUSTOM" and "ALL_SUBNETS" in list(router.bgp.advertised_groups)
    assert "10.210.0.0/16" in {r.range_ for r in router.bgp.advertised_ip_ranges}


def check_gcp_forwards_aws_names_to_the_resolver(clouds: Clouds):
    _endpoint, ips = resolver_ips(clouds)
    zones = clouds.dns().managedZones().list(project=clouds.project).execute().get("managedZones", [])
    forwarded = {z["dnsName"]: z for z in zones if z["dnsName"] in FORWARDED}
    assert set(forwarded) == FORWARDED and len(zones) == len(FORWARDED)
    for zone in forwarded.values():
        assert zone["visibility"] == "private"
        assert {t["ipv4Address"] for t in zone["forwardingConfig"]["targetNameServers"]} == ips
        assert [n["networkUrl"].rsplit("/", 1)[-1] for n in zone["privateVisibilityConfig"]["networks"]] == [
            GCP_NETWORK]


# Every property of the three-cloud build, in the order the Done-means of issue 3 lists them.
ARCHITECTURE = (
    check_azure_udrs_send_the_endpoint_prefixes_to_the_vpn_gateway,
    check_azure_tunnels_pair_with_the_tgw_vpn,
    check_gcp_tunnels_pair_with_the_tgw_vpn,
    check_vpn_attachments_reach_services_not_spokes,
    check_tgw_advertises_the_endpoint_prefixes_to_the_vpns,
    check_azure_forwards_aws_names_to_the_resolver,
    check_gcp_forwards_aws_names_to_the_resolver,
    check_resolver_admits_dns_from_the_remote_clouds_only,
    check_s3_interface_endpoint_admits_only_the_declared_buckets,
)
