"""site.yml with a remote network's traffic inspected: the AWS hub, one spoke, one GCP network over VPN, an
inspection VPC (AWS Network Firewall) with ``inspection_remote_networks: true``, read back through boto3.

One module-scoped sandbox of AWS and GCP only (``python -m sandbox up --only aws,gcp`` + the seed), an inventory
of its own written next to it (a small catalog, no report, so the runs stay short) -> one site.yml run, after which
both directions of the GCP network's traffic go through the inspection attachment and the firewall admits it ->
a second run (changed=0, no mutating call in either cloud) -> site.yml with ``inspection_state=absent``: the
steering routes are gone and the VPN attachments are back where cross_cloud_aws keeps them (spokes table,
propagating into the services table), still changed=0 for the cross-cloud play.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import multicloud as mc  # noqa: E402
from harness import ensure_collection_tree  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TOPOLOGY = "insprem"
TRANSIT = f"{TOPOLOGY}-us-east-1"
INSPECTION_VPC = f"{TOPOLOGY}-inspection-us-east-1"
SERVICES_CIDR, SPOKE_CIDR, GCP_CIDR = "10.100.0.0/20", "10.1.0.0/16", "10.210.0.0/16"

HOSTS = """---
all:
  children:
    aws_transit: {hosts: {transit-use1: }}
    aws_services_vpc: {hosts: {services-use1: }}
    aws_spokes: {hosts: {app-payments: }}
    inspection: {hosts: {inspection-use1: }}
    aws_cross_cloud: {hosts: {services-use1: }}
    gcp_spokes: {hosts: {gcp-hub: }}
"""
GROUP_VARS = f"""---
ansible_connection: local
ansible_python_interpreter: "{{{{ ansible_playbook_python }}}}"
cloudnet_topology: {TOPOLOGY}
cloudnet_default_region: us-east-1
cloudnet_services: [{{name: ssm}}, {{name: sts}}]
cloudnet_consumers: [{{cidr: {GCP_CIDR}, description: GCP gcp-hub}}]
cloudnet_report: false
"""
HOST_VARS = {
    "transit-use1": "transit_asn: 64512\n",
    "app-payments": f"spoke_cidr: {SPOKE_CIDR}\n",
    "services-use1": f"""services_vpc_cidr: {SERVICES_CIDR}
services_vpc_endpoint_subnets:
  - {{name: insprem-endpoints-a, cidr: 10.100.0.0/24, availability_zone: us-east-1a}}
  - {{name: insprem-endpoints-b, cidr: 10.100.1.0/24, availability_zone: us-east-1b}}
services_vpc_transit_subnets:
  - {{name: insprem-transit-a, cidr: 10.100.15.0/28, availability_zone: us-east-1a}}
  - {{name: insprem-transit-b, cidr: 10.100.15.16/28, availability_zone: us-east-1b}}
cross_cloud_aws_forward_services: [ssm]
""",
    "gcp-hub": f"""cross_cloud_cidr: {GCP_CIDR}
cross_cloud_gcp_region: us-east1
cross_cloud_pre_shared_keys: [insprem_gcp_t0, insprem_gcp_t1, insprem_gcp_t2, insprem_gcp_t3]
""",
    # Every spoke is inspected (the default), so <transit>-spokes is steered; the GCP network with it.
    "inspection-use1": """inspection_vpc_cidr: 10.250.0.0/22
inspection_firewall_subnets: [{name: insprem-fw-a, cidr: 10.250.0.0/28, availability_zone: us-east-1a}]
inspection_attachment_subnets: [{name: insprem-tgw-a, cidr: 10.250.1.0/28, availability_zone: us-east-1a}]
inspection_remote_networks: true
""",
}


class Hub:
    def __init__(self, state: Path, running: dict):
        from sandbox.cli import controls

        self.state = state
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "AZURE_", "GCP_"))}
        self.env.update(running["env"])
        self.env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_FORCE_COLOR": "0",
                         "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO)})
        self.url = running["emulators"]["aws"]["url"]
        self.control = controls(running)
        self.inventory = state / "inventory"
        self.seconds: dict = {}

    def aws(self, service="ec2"):
        """A boto3 client on the AWS emulator (the interface multicloud.py's readers use)."""
        return boto3.client(service, endpoint_url=self.url, region_name="us-east-1",
                            aws_access_key_id=self.env["AWS_ACCESS_KEY_ID"],
                            aws_secret_access_key=self.env["AWS_SECRET_ACCESS_KEY"])

    def playbook(self, label: str, name: str, *extra: str) -> str:
        cmd = [str(BIN / "ansible-playbook"), name, "-i", str(self.inventory), "-e", f"@{self.state / 'seeded.yml'}",
               *extra]
        start = time.monotonic()
        proc = subprocess.run(cmd, env=self.env, cwd=REPO, capture_output=True, text=True, timeout=1200, check=False)
        self.seconds[label] = round(time.monotonic() - start)
        assert proc.returncode == 0, f"{' '.join(cmd)} failed:\n{proc.stdout[-8000:]}\n{proc.stderr[-3000:]}"
        return proc.stdout

    def reset_calls(self):
        for control in self.control.values():
            control.reset_calls()

    def mutating_calls(self) -> dict:
        return {cloud: control.mutating_calls() for cloud, control in self.control.items()}


def _write_inventory(root: Path):
    (root / "group_vars" / "all").mkdir(parents=True)
    (root / "host_vars").mkdir()
    (root / "hosts.yml").write_text(HOSTS)
    (root / "group_vars" / "all" / "main.yml").write_text(GROUP_VARS)
    for host, text in HOST_VARS.items():
        (root / "host_vars" / f"{host}.yml").write_text("---\n" + text)


@pytest.fixture(scope="module")
def hub(tmp_path_factory):
    state = tmp_path_factory.mktemp("inspection-remote")
    sandbox = [sys.executable, "-m", "sandbox"]
    subprocess.run([*sandbox, "up", "--only", "aws,gcp", "--state-dir", str(state)], cwd=REPO, check=True,
                   capture_output=True, text=True, timeout=180)
    try:
        hub = Hub(state, json.loads((state / "sandbox.json").read_text()))
        seeded = subprocess.run([sys.executable, "-m", "sandbox.seed", "--clouds", "aws,gcp", "--state-dir", str(state),
                                 "--vars-out", str(state / "seeded.yml")], env=hub.env, cwd=REPO, check=False,
                                capture_output=True, text=True, timeout=300)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        _write_inventory(hub.inventory)
        yield hub
        print(f"test_inspection_remote: site.yml runs (s): {hub.seconds}")
    finally:
        subprocess.run([*sandbox, "down", "--state-dir", str(state)], cwd=REPO, check=False, capture_output=True,
                       text=True, timeout=120)


@pytest.fixture(scope="module")
def first_run(hub):
    return hub.playbook("first", "site.yml")


@pytest.fixture(scope="module")
def second_run(first_run, hub):
    hub.reset_calls()
    out = hub.playbook("second", "site.yml")
    return {"out": out, "writes": hub.mutating_calls()}


@pytest.fixture(scope="module")
def without_inspection(second_run, hub):
    return hub.playbook("inspection absent", "site.yml", "-e", "inspection_state=absent")


# --- reading the transit back ------------------------------------------------------------------------


def _live(attachments):
    return [a for a in attachments if a["State"] not in ("deleted", "deleting", "failed", "rejected")]


def transit(hub: Hub) -> dict:
    """Tables by name (id, associations, propagations, static routes) and the attachments that matter."""
    ec2 = hub.aws()
    tgw = [t for t in ec2.describe_transit_gateways()["TransitGateways"]
           if mc.tags(t).get("Name") == TRANSIT and t["State"] == "available"]
    assert len(tgw) == 1, tgw
    tgw_id = tgw[0]["TransitGatewayId"]
    attachments = _live(ec2.describe_transit_gateway_attachments(
        Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])["TransitGatewayAttachments"])
    by_name = {mc.tags(a).get("Name"): a["TransitGatewayAttachmentId"] for a in attachments
               if a["ResourceType"] == "vpc"}
    vpns = {v["VpnConnectionId"] for v in mc.vpns(hub, "gcp-hub")}
    tables = {}
    for rt in ec2.describe_transit_gateway_route_tables(
            Filters=[{"Name": "transit-gateway-id", "Values": [tgw_id]}])["TransitGatewayRouteTables"]:
        if rt["State"] != "available":
            continue
        rt_id = rt["TransitGatewayRouteTableId"]
        static = ec2.search_transit_gateway_routes(TransitGatewayRouteTableId=rt_id, Filters=[
            {"Name": "type", "Values": ["static"]}])["Routes"]
        tables[mc.tags(rt).get("Name")] = {
            "id": rt_id,
            "associations": {a["TransitGatewayAttachmentId"] for a in ec2.get_transit_gateway_route_table_associations(
                TransitGatewayRouteTableId=rt_id)["Associations"]},
            "propagations": {p["TransitGatewayAttachmentId"] for p in ec2.get_transit_gateway_route_table_propagations(
                TransitGatewayRouteTableId=rt_id)["TransitGatewayRouteTablePropagations"]},
            "routes": {r["DestinationCidrBlock"]: [a["TransitGatewayAttachmentId"] for a in
                                                   r.get("TransitGatewayAttachments") or []] for r in static},
        }
    return {"tables": tables, "attachments": by_name,
            "vpn": {a["TransitGatewayAttachmentId"] for a in attachments if a["ResourceId"] in vpns}}


def test_remote_traffic_goes_through_inspection_both_ways(first_run, hub):
    t = transit(hub)
    tables, att = t["tables"], t["attachments"]
    inspection, spoke, services = att[INSPECTION_VPC], att["app-payments"], att[f"{TOPOLOGY}-services-us-east-1"]
    vpn = t["vpn"]
    assert len(vpn) == 2, t  # two VPN connections to the GCP HA VPN gateway
    spokes, back, own = (tables[f"{TRANSIT}-{n}"] for n in ("spokes", "services", "inspection"))
    # Forward: the table of the VPN attachments (and the spoke's) sends the services VPC to the inspection VPC.
    assert vpn | {spoke} <= spokes["associations"]
    assert spokes["routes"] == {SERVICES_CIDR: [inspection]}
    # Return: the services VPC's table sends the GCP network (and the spoke) to the inspection VPC, and learns no
    # VPN route of its own that could take the answers around the firewall.
    assert back["associations"] == {services}
    assert back["routes"][GCP_CIDR] == [inspection] and back["routes"][SPOKE_CIDR] == [inspection]
    assert not vpn & back["propagations"] and spoke in back["propagations"]
    # Past the firewall: the inspection VPC's own table reaches the VPNs (BGP), the services VPC and the spoke.
    assert own["associations"] == {inspection}
    assert own["propagations"] == vpn | {services, spoke}
    assert own["routes"] == {}
    assert f"{TRANSIT}-spokes-inspected" not in tables


def test_the_firewall_admits_the_remote_network_on_the_services_and_dns(first_run, hub):
    nfw = hub.aws("network-firewall")
    described = nfw.describe_rule_group(RuleGroupName=f"{INSPECTION_VPC}-allow", Type="STATEFUL")
    group = described["RuleGroup"]
    rules = {(r["Action"], r["Header"]["Protocol"], r["Header"]["Source"], r["Header"]["Destination"],
              r["Header"]["DestinationPort"]) for r in group["RulesSource"]["StatefulRules"]}
    for source in (SPOKE_CIDR, GCP_CIDR):
        assert ("PASS", "TCP", source, SERVICES_CIDR, "443") in rules, rules
    # The GCP network resolves the AWS names at the Resolver inbound endpoint, which now sits behind the firewall.
    assert {("PASS", "UDP", GCP_CIDR, SERVICES_CIDR, "53"), ("PASS", "TCP", GCP_CIDR, SERVICES_CIDR, "53")} <= rules
    assert not [r for r in rules if r[2] == SPOKE_CIDR and r[4] == "53"]
    policy = nfw.describe_firewall_policy(FirewallPolicyName=INSPECTION_VPC)["FirewallPolicy"]
    assert [g["ResourceArn"] for g in policy["StatefulRuleGroupReferences"]] == [
        described["RuleGroupResponse"]["RuleGroupArn"]]


def test_second_run_changes_nothing_in_either_cloud(second_run):
    hosts = mc.recap(second_run["out"])
    assert {"inspection-use1", "gcp-hub", "services-use1", "transit-use1", "app-payments"} <= set(hosts), hosts
    assert {h: v["changed"] for h, v in hosts.items() if v["changed"]} == {}, mc.changed_tasks(second_run["out"])
    assert second_run["writes"] == {"aws": [], "gcp": []}


def test_removing_inspection_removes_its_routes_and_hands_the_vpns_back(without_inspection, hub):
    changed = [task for task, host in mc.changed_tasks(without_inspection) if host != "inspection-use1"]
    assert changed == [], changed  # cross_cloud_aws finds the VPN attachments already handed back
    t = transit(hub)
    tables, att = t["tables"], t["attachments"]
    assert INSPECTION_VPC not in att
    assert set(tables) == {f"{TRANSIT}-spokes", f"{TRANSIT}-services"}
    assert all(route == {} for route in (tables[n]["routes"] for n in tables)), tables
    spokes, back = tables[f"{TRANSIT}-spokes"], tables[f"{TRANSIT}-services"]
    assert t["vpn"] <= spokes["associations"] and t["vpn"] <= back["propagations"]
    assert att["app-payments"] in back["propagations"]
    nfw = hub.aws("network-firewall")
    assert nfw.list_firewalls()["Firewalls"] == []
    assert nfw.list_rule_groups()["RuleGroups"] == []
