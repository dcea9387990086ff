"""site.yml killed at random points (SIGKILL of its whole process tree, module processes included), then re-run.

ansible-core's worker processes call setsid(), so the playbook's process group does not hold them nor the
module processes they start: the whole tree is frozen (SIGSTOP, until no new process appears), then killed.

Per seed, on a freshly reset and seeded sandbox (resources stay pending for two reads, as AWS creates
them asynchronously, so a resumed run meets what the killed one left pending): a fresh run is killed
while a chosen call is in flight, either the Kth create (or relation) of a kind or the (N+1)th mutating
call of any kind; a latency rule holds that call (and, for the latter, every mutating call after it),
the process tree is killed during the hold, and AWS still carries the held calls out after the client
died. The resumed run is killed the second way, early (a run the kill does not reach must succeed on its
own). A third run goes to completion. Then the cloud holds every declared object exactly once (no
duplicate VPC, subnet, security group, endpoint, transit gateway, attachment, transit route table,
prefix list, zone, record or route), every seeded brownfield object (VPCs, subnets, route tables and
their foreign routes, gateways, team-made endpoints, in both accounts) is there unchanged, and a
further run reports changed=0 with no write.

A shorter service catalog than the inventory's (one of each kind: interface endpoints whose zone a spoke
answers itself, the S3 interface + gateway endpoint with its wildcard record and the spoke that keeps its
own, the third-party service) keeps a run short enough for several seeds in the time budget.
The CI seeds kill the fresh run in three different windows: 57 inside the first transit gateway attachment
create (the resumed run finds it pending), 25 inside the first hosted zone create (the zone exists, untagged),
3 inside the first transit route table create. CLOUDNET_CRASH_SEEDS (comma-separated) runs other or more
seeds: e.g. CLOUDNET_CRASH_SEEDS=$(seq -s, 1 20) for a longer run by hand.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from site_state import (
    INVENTORY,
    REPO,
    brownfield,
    brownfield_changes,
    declared,
    failure,
    problems,
    recap,
    reseed,
    run_site,
    service_zone_names,
    site_cloud,
    site_command,
    snapshot,
)

SEEDS = [int(s) for s in os.environ.get("CLOUDNET_CRASH_SEEDS", "57,25,3").split(",") if s.strip()]
CATALOG = ("ssm", "sts", "s3", "saas-partner")
# Mutating calls of a fresh run with CATALOG (66 when measured): a first kill "after N" picks N below this.
FRESH_MUTATING = 60
# Creates and relations of a fresh run with CATALOG, each with at most as many calls as the run makes of it:
# a kill "inside" holds the Kth of them.
IN_FLIGHT = {
    ("ec2", "CreateVpc"): 1,
    ("ec2", "CreateSubnet"): 4,
    ("ec2", "CreateRouteTable"): 1,
    ("ec2", "CreateSecurityGroup"): 1,
    ("ec2", "AuthorizeSecurityGroupIngress"): 1,
    ("ec2", "CreateVpcEndpoint"): 5,
    ("ec2", "CreateManagedPrefixList"): 1,
    ("ec2", "CreateTransitGateway"): 1,
    ("ec2", "CreateTransitGatewayRouteTable"): 2,
    ("ec2", "CreateTransitGatewayVpcAttachment"): 4,
    ("ec2", "AssociateTransitGatewayRouteTable"): 4,
    ("ec2", "CreateRoute"): 4,
    ("route53", "CreateHostedZone"): 4,
    ("route53", "ChangeResourceRecordSets"): 4,
    ("route53", "AssociateVPCWithHostedZone"): 5,
}
SLOW_MS = 1500
RUN_TIMEOUT = 600


@dataclass
class Kill:
    kind: str  # "after": after the Nth mutating call; "inside": while the Nth call of the operation runs
    n: int
    service: str = ""
    operation: str = ""

    def __str__(self) -> str:
        if self.kind == "after":
            return f"after mutating call #{self.n}"
        return f"inside {self.service}:{self.operation} #{self.n}"


def plan(seed: int) -> list[Kill]:
    """Two kills: the fresh run's (a chosen create, or after N mutating calls), then the resumed run's."""
    rng = random.Random(seed)
    if rng.random() < 0.5:
        (service, operation), count = rng.choice(sorted(IN_FLIGHT.items()))
        first = Kill("inside", rng.randint(1, count), service, operation)
    else:
        first = Kill("after", rng.randint(1, FRESH_MUTATING))
    # The resumed run has fewer writes left: kill it early.
    return [first, Kill("after", rng.randint(1, 12))]


def hold(kill: Kill) -> dict:
    """The latency rule that holds the call to kill in."""
    if kill.kind == "inside":
        return {"kind": "latency", "service": kill.service, "operation": kill.operation, "delay_ms": SLOW_MS,
                "skip": kill.n - 1, "max_count": 1}
    # Every mutating call after the Nth is held, so the run cannot get past it before the kill.
    return {"kind": "latency", "mutating": True, "delay_ms": SLOW_MS, "skip": kill.n}


def short_catalog(path) -> list:
    services = yaml.safe_load((INVENTORY / "group_vars" / "all" / "topology.yml").read_text())["cloudnet_services"]
    catalog = [s for s in services if s["name"] in CATALOG]
    assert [s["name"] for s in catalog] == list(CATALOG), "the inventory's catalog changed"
    path.write_text(yaml.safe_dump({"cloudnet_services": catalog}))
    return catalog


@pytest.fixture(scope="module")
def cloud(tmp_path_factory):
    state = tmp_path_factory.mktemp("crash")
    with site_cloud(state) as sandbox:
        sandbox["catalog"] = short_catalog(state / "catalog.yml")
        sandbox["extra_vars"] = [state / "catalog.yml"]
        yield sandbox


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def kill_tree(root: int) -> int:
    """SIGKILL ``root`` and every descendant, whatever its session; returns how many processes died."""
    stopped: set[int] = set()
    while True:
        tree, todo, found = _children(), [root], set()
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo.extend(c for c in tree.get(pid, []) if c not in found)
        new = found - stopped
        if not new:
            break
        for pid in new:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGSTOP)
        stopped |= new
    for pid in stopped:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    return len(stopped)


def _settle(control) -> None:
    """Wait until the calls in flight when the run died (the held ones) are done: no new call for a second."""
    time.sleep(SLOW_MS / 1000)  # the held calls end at most one hold after the kill
    deadline = time.monotonic() + 30
    last = control.summary()["last_seq"]
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = control.summary()["last_seq"]
        if now == last:
            return
        last = now


def run_killed(cloud: dict, kill: Kill, log) -> dict:
    """Run site.yml and SIGKILL its process group inside the held call; what the log shows of it."""
    control = cloud["control"]
    control.reset_calls()
    control.set_faults([hold(kill)])
    with log.open("w") as out:
        proc = subprocess.Popen(site_command(cloud), env=cloud["env"], cwd=REPO, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
        killed = 0
        try:
            deadline = time.monotonic() + RUN_TIMEOUT
            while proc.poll() is None and time.monotonic() < deadline:
                if control.faults()["rules"][0]["fired"]:
                    time.sleep(SLOW_MS / 3000)  # well inside the hold
                    killed = kill_tree(proc.pid)
                    break
                time.sleep(0.05)
        finally:
            if proc.poll() is None:
                kill_tree(proc.pid)
            proc.wait(timeout=60)
    control.clear_faults()
    _settle(control)
    calls = control.mutating_calls()
    return {"killed": bool(killed), "processes": killed, "returncode": proc.returncode, "mutating": len(calls),
            "last": f"{calls[-1]['service']}:{calls[-1]['operation']}" if calls else None}


@pytest.mark.parametrize("seed", SEEDS)
def test_killed_runs_converge_without_duplicates_or_losses(cloud, seed, tmp_path):
    control = cloud["control"]
    started = time.monotonic()
    reseed(cloud)
    control.settings(pending_reads=2)
    before = brownfield(cloud, cloud["seed"])
    kills = plan(seed)
    runs = []
    for number, kill in enumerate(kills, 1):
        began = time.monotonic()
        runs.append((str(kill), run_killed(cloud, kill, tmp_path / f"run{number}.log")))
        runs[-1][1]["seconds"] = round(time.monotonic() - began)
    assert runs[0][1]["killed"], f"seed {seed}: the fresh run finished before {kills[0]}: {runs}"
    # A run the kill did not reach (it had fewer writes left) must have succeeded on its own.
    failed = [(number, kill) for number, (kill, run) in enumerate(runs, 1) if not run["killed"] and run["returncode"]]
    assert not failed, f"seed {seed}: run(s) {failed} failed after a kill (logs in {tmp_path}): {runs}"

    control.reset_calls()
    began = time.monotonic()
    final = run_site(cloud, timeout=RUN_TIMEOUT)
    print(f"seed {seed}: recovery run {time.monotonic() - began:.0f}s")
    assert final.returncode == 0, f"seed {seed} {runs}: the run after the kills failed:\n{failure(final)}"
    want = declared(cloud["seed"], cloud["catalog"])
    zones = service_zone_names(cloud, [c["service_name"] for c in want["catalog"]])
    assert problems(snapshot(cloud), want, cloud["seed"], zones) == [], f"seed {seed}: {runs}"
    assert brownfield_changes(before, brownfield(cloud, cloud["seed"])) == [], f"seed {seed}: {runs}"

    control.reset_calls()
    again = run_site(cloud, timeout=RUN_TIMEOUT)
    assert again.returncode == 0, failure(again)
    assert {h: v["changed"] for h, v in recap(again.stdout).items() if v["changed"]} == {}, f"seed {seed}: {runs}"
    assert control.mutating_calls() == [], f"seed {seed}: a converged run wrote"
    print(f"seed {seed}: {runs}, {time.monotonic() - started:.0f}s")
