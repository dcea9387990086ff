"""Visibility end to end on one fresh sandbox: flow logs, the path trace (good path, then one break at a time
through boto3) and the topology report, all checked against state read back through boto3.

One module-scoped build: seed brownfield -> site.yml with a flow log destination (and the report into a
temporary directory) -> checks -> teardown removes the flow logs and leaves the bucket.
"""

from __future__ import annotations

import html.parser
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import ensure_collection_tree, own_aws_sandbox, run_module  # noqa: E402

BIN = Path(sys.executable).parent
BUCKET = "visibility-network-logs"
DESTINATION = f"arn:aws:s3:::{BUCKET}/flow-logs/"
SPOKES = ("app-payments", "app-orders", "app-analytics")
SERVICES_VPC = "sandbox-services-us-east-1"
XHTML, SVG = "{http://www.w3.org/1999/xhtml}", "{http://www.w3.org/2000/svg}"


def client(cloud, service):
    env = cloud["env"]
    return boto3.client(service, endpoint_url=cloud["url"], region_name="us-east-1",
                        aws_access_key_id=env["AWS_ACCESS_KEY_ID"], aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])


def playbook(cloud, name, *extra, expect_rc=0):
    cmd = [str(BIN / "ansible-playbook"), name, "-i", "inventories/sandbox-aws", "-e", f"@{cloud['seed_vars']}",
           "-e", f"report_dir={cloud['reports']}", "-e", f"trace_report_dir={cloud['reports']}", *extra]
    proc = subprocess.run(cmd, env=cloud["env"], cwd=REPO, capture_output=True, text=True, timeout=900, check=False)
    assert proc.returncode == expect_rc, f"{' '.join(cmd)} exited {proc.returncode}:\n{proc.stdout[-6000:]}\n" \
                                         f"{proc.stderr[-2000:]}"
    return proc.stdout


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    state = tmp_path_factory.mktemp("visibility")
    with own_aws_sandbox(state / "aws") as (url, sandbox_env):
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(sandbox_env)
        env.update({"ANSIBLE_COLLECTIONS_PATH": str(ensure_collection_tree()), "ANSIBLE_FORCE_COLOR": "0",
                    "ANSIBLE_NOCOLOR": "1", "PYTHONPATH": str(REPO)})
        seed_vars = state / "seeded.yml"
        subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(state), "--vars-out", str(seed_vars)],
                       env=env, cwd=REPO, check=True, capture_output=True, text=True)
        reports = state / "reports"
        out = {"env": env, "url": url, "seed_vars": seed_vars, "reports": reports,
               "seed": json.loads((state / "seed.json").read_text())}
        client(out, "s3").create_bucket(Bucket=BUCKET)
        out["site"] = playbook(out, "site.yml", "-e", f"cloudnet_flow_logs_destination={DESTINATION}")
        yield out


def _vpc_id(ec2, name):
    vpcs = ec2.describe_vpcs(Filters=[{"Name": "tag:Name", "Values": [name]}])["Vpcs"]
    assert len(vpcs) == 1, name
    return vpcs[0]["VpcId"]


def _tgw_id(ec2):
    return [t for t in ec2.describe_transit_gateways()["TransitGateways"]
            if {"Key": "Name", "Value": "sandbox-us-east-1"} in t.get("Tags", []) and t["State"] != "deleted"][0][
        "TransitGatewayId"]


def _catalog(cloud):
    import yaml

    catalog = yaml.safe_load((REPO / "inventories/sandbox-aws/group_vars/all/topology.yml").read_text())[
        "cloudnet_services"]
    for entry in catalog:
        if entry["name"] == "saas-partner":
            entry["service_name"] = cloud["seed"]["saas_service_name"]
    return catalog


def trace(cloud, source, service, **extra):
    args = {"source": dict({"host": source.get("network")}, **source), "services": [service],
            "catalog": _catalog(cloud), "services_vpc_name": SERVICES_VPC, "transit_name": "sandbox-us-east-1",
            "hosts": {"services_host": "services-use1"}}
    args.update(extra)
    return run_module("path_trace_info", args, cloud["env"])["traces"][0]


# --- flow logs --------------------------------------------------------------------------------------

def test_flow_logs_on_the_services_vpc_and_the_transit_gateway(cloud):
    ec2 = client(cloud, "ec2")
    services, tgw = _vpc_id(ec2, SERVICES_VPC), _tgw_id(ec2)
    logs = {f["ResourceId"]: f for f in ec2.describe_flow_logs()["FlowLogs"]
            if {"Key": "cloudnet:managed-by", "Value": "cloudnet.privatelink"} in f.get("Tags", [])}
    assert set(logs) == {services, tgw}
    assert logs[services]["LogDestination"] == DESTINATION and logs[tgw]["LogDestination"] == DESTINATION
    assert logs[services]["TrafficType"] == "ALL" and logs[services]["MaxAggregationInterval"] == 60
    assert "TrafficType" not in logs[tgw] and logs[tgw]["MaxAggregationInterval"] == 60
    assert "${tgw-attachment-id}" in logs[tgw]["LogFormat"]


# --- trace: good paths ------------------------------------------------------------------------------

def test_trace_playbook_good_path_lists_every_hop_and_writes_the_ticket_file(cloud):
    out = playbook(cloud, "playbooks/trace.yml", "-e", "trace_source=app-payments", "-e", "trace_service=ssm")
    assert "app-payments (10.1.0.4) reaches ssm.us-east-1.amazonaws.com:443" in out
    for hop in ("dns", "route:source", "transit:attachment", "transit:route", "route:services", "transit:return",
                "security_group", "network_acl", "endpoint"):
        assert f"ok   | {hop} |" in out, hop
    saved = json.loads((cloud["reports"] / "trace-app-payments-ssm.json").read_text())
    ec2 = client(cloud, "ec2")
    ssm = [e for e in ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ec2, SERVICES_VPC)]}])[
        "VpcEndpoints"] if e["ServiceName"].endswith(".ssm")][0]
    eni = ec2.describe_network_interfaces(NetworkInterfaceIds=ssm["NetworkInterfaceIds"])["NetworkInterfaces"]
    assert saved["destination"]["endpoint_id"] == ssm["VpcEndpointId"]
    assert saved["destination"]["ip"] in {e["PrivateIpAddress"] for e in eni}


def test_trace_by_address_and_by_bucket_name(cloud):
    by_ip = trace(cloud, {"ip": "10.1.0.25"}, "sts", hosts={"services_host": "services-use1"})
    assert by_ip["source"]["vpc_id"] == _vpc_id(client(cloud, "ec2"), "app-payments")
    # app-payments runs its own STS endpoint with private DNS (seeded): the trace says so.
    assert by_ip["hops"][1]["decision"].startswith("sts.us-east-1.amazonaws.com is answered in")
    bucket = trace(cloud, {"network": "app-orders"}, "sandbox-artifacts.s3.us-east-1.amazonaws.com")
    assert bucket["reachable"], bucket["summary"]
    assert bucket["hops"][1]["detail"]["record"]["wildcard"] is True


def test_the_3am_case_app_orders_cannot_reach_ssm(cloud):
    out = playbook(cloud, "playbooks/trace.yml", "-e", "trace_source=app-orders", "-e", "trace_service=ssm",
                   expect_rc=2)
    team_made = [r["vpc_endpoint_id"] for r in cloud["seed"]["rogue_endpoints"]
                 if r["vpc"] == "app-orders" and r["service"] == "ssm"][0]
    assert f"by its own endpoint {team_made}" in out
    assert "broken at security_group" in out and "FIX (security_group)" in out
    assert "governance_mode=remediate" in out
    assert "failed=1" in out


# --- trace: one break at a time ---------------------------------------------------------------------

def test_deleted_spoke_route_is_named_at_the_source_route_table(cloud):
    ec2 = client(cloud, "ec2")
    vpc = _vpc_id(ec2, "app-payments")
    table = ec2.describe_route_tables(Filters=[{"Name": "vpc-id", "Values": [vpc]}])["RouteTables"][0]
    route = [r for r in table["Routes"] if r.get("DestinationPrefixListId") and r.get("TransitGatewayId")][0]
    ec2.delete_route(RouteTableId=table["RouteTableId"], DestinationPrefixListId=route["DestinationPrefixListId"])
    try:
        result = trace(cloud, {"network": "app-payments"}, "ssm")
        assert result["broken_hop"]["hop"] == "route:source"
        assert result["broken_hop"]["resource"] == table["RouteTableId"]
        assert "internet gateway" in result["broken_hop"]["decision"]
        assert "--limit app-payments (role spoke)" in result["fix"]
    finally:
        ec2.create_route(RouteTableId=table["RouteTableId"], DestinationPrefixListId=route["DestinationPrefixListId"],
                         TransitGatewayId=route["TransitGatewayId"])
    assert trace(cloud, {"network": "app-payments"}, "ssm")["reachable"]


def test_disassociated_zone_is_named_at_dns_with_the_zone_to_associate(cloud):
    ec2, r53 = client(cloud, "ec2"), client(cloud, "route53")
    vpc = _vpc_id(ec2, "app-payments")
    zone = [z for z in r53.list_hosted_zones_by_vpc(VPCId=vpc, VPCRegion="us-east-1")["HostedZoneSummaries"]
            if z["Name"] == "ssm.us-east-1.amazonaws.com."][0]
    r53.disassociate_vpc_from_hosted_zone(HostedZoneId=zone["HostedZoneId"],
                                          VPC={"VPCRegion": "us-east-1", "VPCId": vpc})
    try:
        result = trace(cloud, {"network": "app-payments"}, "ssm")
        assert result["broken_hop"]["hop"] == "dns"
        assert "resolves to the public service addresses" in result["broken_hop"]["decision"]
        assert zone["HostedZoneId"] in result["fix"] and "app-payments" in result["fix"]
    finally:
        r53.associate_vpc_with_hosted_zone(HostedZoneId=zone["HostedZoneId"],
                                           VPC={"VPCRegion": "us-east-1", "VPCId": vpc})
    assert trace(cloud, {"network": "app-payments"}, "ssm")["reachable"]


def test_revoked_security_group_rule_is_named_with_the_group(cloud):
    ec2 = client(cloud, "ec2")
    group = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": [f"{SERVICES_VPC}-endpoints"]}])[
        "SecurityGroups"][0]
    rule = [p for p in group["IpPermissions"] if any(r["CidrIp"] == "10.1.0.0/16" for r in p.get("IpRanges", []))][0]
    permission = {"IpProtocol": rule["IpProtocol"], "FromPort": rule["FromPort"], "ToPort": rule["ToPort"],
                  "IpRanges": [{"CidrIp": "10.1.0.0/16"}]}
    ec2.revoke_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[permission])
    try:
        result = trace(cloud, {"network": "app-payments"}, "ssm")
        assert result["broken_hop"]["hop"] == "security_group"
        assert group["GroupId"] in result["broken_hop"]["resource"] and "10.1.0.4" in result["broken_hop"]["decision"]
        assert "--limit services-use1 (role services_vpc)" in result["fix"]
        # Everything before the security group still passes.
        assert all(h["ok"] for h in result["hops"][:result["hops"].index(result["broken_hop"])])
    finally:
        ec2.authorize_security_group_ingress(GroupId=group["GroupId"], IpPermissions=[permission])
    assert trace(cloud, {"network": "app-payments"}, "ssm")["reachable"]


def test_services_attachment_no_longer_propagated_is_named_in_the_spokes_table(cloud):
    ec2 = client(cloud, "ec2")
    tables = {next(t["Value"] for t in rt["Tags"] if t["Key"] == "Name"): rt["TransitGatewayRouteTableId"]
              for rt in ec2.describe_transit_gateway_route_tables()["TransitGatewayRouteTables"] if rt.get("Tags")}
    services_att = ec2.describe_transit_gateway_vpc_attachments(Filters=[
        {"Name": "vpc-id", "Values": [_vpc_id(ec2, SERVICES_VPC)]}])["TransitGatewayVpcAttachments"][0][
        "TransitGatewayAttachmentId"]
    spokes_table = tables["sandbox-us-east-1-spokes"]
    ec2.disable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=spokes_table,
                                                        TransitGatewayAttachmentId=services_att)
    try:
        result = trace(cloud, {"network": "app-analytics"}, "lambda")
        assert result["broken_hop"]["hop"] == "transit:route"
        assert spokes_table in result["broken_hop"]["resource"]
        assert "propagate the services VPC attachment" in result["fix"]
    finally:
        ec2.enable_transit_gateway_route_table_propagation(TransitGatewayRouteTableId=spokes_table,
                                                           TransitGatewayAttachmentId=services_att)
    assert trace(cloud, {"network": "app-analytics"}, "lambda")["reachable"]


# --- report -----------------------------------------------------------------------------------------

class _Balance(html.parser.HTMLParser):
    VOID = {"meta", "br", "rect", "line", "img", "hr", "input", "link"}

    def __init__(self):
        super().__init__()
        self.stack, self.errors = [], []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> (open: {self.stack[-3:]})")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def report(cloud):
    text = (cloud["reports"] / "topology-sandbox.html").read_text()
    root = ET.fromstring(re.sub(r"^<!DOCTYPE html>\s*", "", text))
    return {"text": text, "root": root, "data": json.loads((cloud["reports"] / "topology-sandbox.json").read_text())}


def test_report_is_one_self_contained_valid_document(report):
    checker = _Balance()
    checker.feed(report["text"])
    assert checker.errors == [] and checker.stack == []
    assert report["root"].tag == f"{XHTML}html"
    assert not re.search(r"<script|<link |src=\"http|href=\"http", report["text"])
    assert len(report["root"].findall(f".//{SVG}svg")) == 1


def test_svg_names_every_spoke_and_every_endpoint_read_back_through_boto3(cloud, report):
    ec2 = client(cloud, "ec2")
    svg = report["root"].find(f".//{SVG}svg")
    texts = " ".join(t.text or "" for t in svg.iter(f"{SVG}text"))
    for name in SPOKES:
        assert name in texts and _vpc_id(ec2, name) in texts
    endpoints = [e["VpcEndpointId"] for e in ec2.describe_vpc_endpoints(Filters=[
        {"Name": "vpc-id", "Values": [_vpc_id(ec2, SERVICES_VPC)]}])["VpcEndpoints"] if e["State"] != "deleted"]
    assert endpoints and all(e in texts for e in endpoints)
    assert _tgw_id(ec2) in texts
    # The spoke whose own SSM endpoint blocks it is drawn red, a whole one green.
    boxes = {g.get("id"): g.find(f"{SVG}rect").get("stroke") for g in svg.iter(f"{SVG}g")
             if g.get("id", "").startswith("spoke-")}
    assert boxes["spoke-app-orders"] == "#a8071a" and boxes["spoke-app-analytics"] == "#2e7d32"


def test_compliance_rows_match_the_audit(cloud, report):
    ec2 = client(cloud, "ec2")
    audit = run_module("aws_endpoint_audit_info", {
        "services_vpc_ids": [_vpc_id(ec2, SERVICES_VPC)],
        "central_services": [s["name"] for s in _catalog(cloud)] + [cloud["seed"]["saas_service_name"]],
        "consumer_cidrs": ["10.1.0.0/16", "10.2.0.0/16", "10.3.0.0/16", "172.16.0.0/16"]}, cloud["env"])
    rows = set()
    for tr in report["root"].iter(f"{XHTML}tr"):
        if tr.get("class") in ("central", "allowed", "duplicate", "unknown"):
            cells = [td.text for td in tr.findall(f"{XHTML}td")]
            rows.add((cells[2], cells[5]))
    assert rows == {(e["vpc_endpoint_id"], e["classification"]) for e in audit["endpoints"]}
    team_made = {r["vpc_endpoint_id"] for r in cloud["seed"]["rogue_endpoints"] if r["vpc"] in SPOKES}
    assert team_made <= {r[0] for r in rows}


def test_cost_estimate_counts_come_from_the_cloud_and_show_their_formula(cloud, report):
    ec2 = client(cloud, "ec2")
    services = ec2.describe_vpc_endpoints(Filters=[{"Name": "vpc-id", "Values": [_vpc_id(ec2, SERVICES_VPC)]}])[
        "VpcEndpoints"]
    interface = [e for e in services if e["VpcEndpointType"] == "Interface"]
    region = report["data"]["regions"][0]
    assert region["counts"]["services"] == len(interface) and region["counts"]["vpcs"] == len(SPOKES)
    assert region["counts"]["zones_per_endpoint"] == max(len(e["SubnetIds"]) for e in interface)
    per_vpc = next(s for s in region["cost"]["scenarios"] if s["name"] == "per_vpc")
    assert f"3 VPCs x {len(interface)} services x 2 zones x 730 h x $0.01" in per_vpc["formula"]
    assert all(f"{line['formula']} = ${line['monthly']:.2f}" in report["text"] for line in per_vpc["lines"])
    assert "2026-05" in report["text"]


def test_report_of_an_unchanged_cloud_is_the_same_file(cloud, report):
    playbook(cloud, "playbooks/report.yml")
    assert (cloud["reports"] / "topology-sandbox.html").read_text() == report["text"]
    assert json.loads((cloud["reports"] / "topology-sandbox.json").read_text()) == report["data"]


def test_paths_table_matches_the_traces(report):
    paths = {(p["host"], p["service"]["name"]): p for p in report["data"]["regions"][0]["paths"]}
    assert paths[("app-payments", "ssm")]["reachable"] is True
    assert paths[("app-orders", "ssm")]["broken_hop"]["hop"] == "security_group"
    assert len(paths) == len(SPOKES) * 10


# --- teardown (last) --------------------------------------------------------------------------------

def test_teardown_removes_the_flow_logs_and_leaves_the_bucket(cloud):
    ec2, s3 = client(cloud, "ec2"), client(cloud, "s3")
    resources = {_vpc_id(ec2, SERVICES_VPC), _tgw_id(ec2)}
    playbook(cloud, "playbooks/teardown.yml")
    left = [f for f in ec2.describe_flow_logs()["FlowLogs"] if f["ResourceId"] in resources]
    assert left == []
    assert BUCKET in {b["Name"] for b in s3.list_buckets()["Buckets"]}
