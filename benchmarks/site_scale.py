"""Benchmark: site.yml at scale on the AWS sandbox, in seconds and API calls.

    .venv/bin/python benchmarks/site_scale.py --spokes 20 [--json out.json] [--keep DIR]

Starts an AWS sandbox of its own (never the one `make sandbox` uses), seeds the brownfield networks of
inventories/sandbox-aws plus ``--spokes`` extra application VPCs, writes an inventory with all of them
as spokes, and measures these phases, each from a zeroed call log:

  check       site.yml --check on the fresh cloud (must make zero writes)
  create      site.yml, first run
  unchanged   site.yml again (must report changed=0)
  onboard     one more spoke added to the inventory, site.yml --limit <it>
  teardown    playbooks/teardown.yml

For each phase it prints wall seconds, AWS calls (total, mutating, read), module runs and changed tasks,
then the busiest operations of the create phase. The figures are a report, not a test: nothing here
passes or fails on time. The guide's baseline for comparison (amazon.aws modules, 20 VPCs + IGWs +
route tables with 2 routes each): create 129.8 s / 627 calls, unchanged 28.2 s / 343 calls.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BASE_INVENTORY = REPO / "inventories" / "sandbox-aws"
BIN = Path(sys.executable).parent


def start_sandbox(state: Path) -> dict:
    subprocess.run([sys.executable, "-m", "sandbox", "up", "--only", "aws", "--state-dir", str(state)],
                   cwd=REPO, check=True, capture_output=True, text=True, timeout=180)
    return json.loads((state / "sandbox.json").read_text())


def stop_sandbox(state: Path) -> None:
    subprocess.run([sys.executable, "-m", "sandbox", "down", "--state-dir", str(state)],
                   cwd=REPO, check=False, capture_output=True, text=True, timeout=120)


def bench_spokes(count: int, first_octet: int = 20) -> dict[str, str]:
    """Extra spoke name -> CIDR, clear of the seeded networks (10.1-10.4, 10.100, 10.200)."""
    if count + first_octet > 99:
        raise SystemExit(f"--spokes {count} does not fit the 10.{first_octet}-10.99 range this benchmark uses")
    return {f"bench-spoke-{i:03d}": f"10.{first_octet + i}.0.0/16" for i in range(count + 1)}


def write_inventory(target: Path, spokes: dict[str, str]) -> None:
    """inventories/sandbox-aws plus ``spokes`` as aws_spokes hosts (host_vars: region and CIDR)."""
    shutil.copytree(BASE_INVENTORY, target, ignore=shutil.ignore_patterns("zz_seeded.yml"))
    hosts = (target / "hosts.yml").read_text()
    lines = "".join(f"        {name}:\n" for name in spokes)
    hosts = re.sub(r"(    aws_spokes:\n      hosts:\n)", lambda m: m.group(1) + lines, hosts, count=1)
    (target / "hosts.yml").write_text(hosts)
    for name, cidr in spokes.items():
        (target / "host_vars" / f"{name}.yml").write_text(f"---\nspoke_region: us-east-1\nspoke_cidr: {cidr}\n")


def recap(output: str) -> dict[str, dict[str, int]]:
    out = {}
    for host, fields in re.findall(r"^(\S+)\s+:\s+(ok=.*)$", output, flags=re.M):
        out[host] = {k: int(v) for k, v in re.findall(r"(\w+)=(\d+)", fields)}
    return out


def run_phase(name: str, control, env: dict, args: list[str]) -> dict:
    control.reset_calls()
    started = time.monotonic()
    proc = subprocess.run([str(BIN / "ansible-playbook"), *args], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=7200, check=False)
    seconds = time.monotonic() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stdout[-6000:] + proc.stderr[-3000:])
        raise SystemExit(f"phase {name}: ansible-playbook exited {proc.returncode}")
    summary = control.summary()
    hosts = recap(proc.stdout)
    return {
        "phase": name,
        "seconds": round(seconds, 1),
        "calls": summary["total"],
        "mutating": summary["mutating"],
        "read": summary["read"],
        "module_runs": len(re.findall(r"^(?:ok|changed): ", proc.stdout, flags=re.M)),
        "changed": sum(h.get("changed", 0) for h in hosts.values()),
        "by_operation": {k: v["count"] for k, v in summary["by_operation"].items()},
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--spokes", type=int, default=20, help="extra application VPCs (default 20)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--keep", type=Path, help="keep the sandbox state and inventory in this directory")
    parser.add_argument("--forks", type=int, default=5, help="ansible forks (default 5, as ansible's default)")
    args = parser.parse_args(argv)

    import boto3

    from sandbox import seed as sandbox_seed
    from sandbox.aws.client import SandboxControl

    work = args.keep or Path(tempfile.mkdtemp(prefix="cloudnet-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    state = work / "aws"
    running = start_sandbox(state)
    try:
        url = running["emulators"]["aws"]["url"]
        control = SandboxControl(url)
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(running["env"])
        env.update({"ANSIBLE_COLLECTIONS_PATH": str(REPO / ".build" / "collections"), "ANSIBLE_NOCOLOR": "1",
                    "ANSIBLE_FORKS": str(args.forks), "PYTHONPATH": str(REPO)})
        seed_vars = work / "seeded.yml"
        subprocess.run([sys.executable, "-m", "sandbox.seed", "--state-dir", str(work), "--vars-out", str(seed_vars)],
                       cwd=REPO, env=env, check=True, capture_output=True, text=True, timeout=600)
        spokes = bench_spokes(args.spokes)
        onboarded = list(spokes)[-1]
        ec2 = boto3.client("ec2", endpoint_url=url, region_name="us-east-1", aws_access_key_id=env["AWS_ACCESS_KEY_ID"],
                           aws_secret_access_key=env["AWS_SECRET_ACCESS_KEY"])
        for name, cidr in spokes.items():
            sandbox_seed.ensure_vpc(ec2, name, cidr)
        inventory = work / "inventory"
        if inventory.exists():
            shutil.rmtree(inventory)
        write_inventory(inventory, {k: v for k, v in spokes.items() if k != onboarded})
        base = ["-i", str(inventory), "-e", f"@{seed_vars}"]
        phases = [run_phase("check", control, env, ["site.yml", *base, "--check"])]
        phases.append(run_phase("create", control, env, ["site.yml", *base]))
        phases.append(run_phase("unchanged", control, env, ["site.yml", *base]))
        shutil.rmtree(inventory)
        write_inventory(inventory, spokes)
        limit = f"all:!aws_spokes,{onboarded}"
        phases.append(run_phase("onboard", control, env, ["site.yml", *base, "--limit", limit]))
        phases.append(run_phase("teardown", control, env, ["playbooks/teardown.yml", *base]))
    finally:
        stop_sandbox(state)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    total_spokes = len(spokes) - 1 + 3
    print(f"site.yml on the AWS sandbox: {total_spokes} spokes (3 seeded + {args.spokes} extra), "
          f"{args.forks} forks, one onboarded afterwards")
    print(f"{'phase':<10} {'seconds':>8} {'calls':>6} {'writes':>6} {'reads':>6} {'tasks':>6} {'changed':>7}")
    for p in phases:
        print(f"{p['phase']:<10} {p['seconds']:>8} {p['calls']:>6} {p['mutating']:>6} {p['read']:>6} "
              f"{p['module_runs']:>6} {p['changed']:>7}")
    create = next(p for p in phases if p["phase"] == "create")
    print("\nbusiest operations (create):")
    for op, count in sorted(create["by_operation"].items(), key=lambda kv: -kv[1])[:12]:
        print(f"  {count:>5}  {op}")
    check = phases[0]
    unchanged = phases[2]
    print(f"\ncheck made {check['mutating']} writes; unchanged run changed {unchanged['changed']} tasks")
    if args.json:
        args.json.write_text(json.dumps({"spokes": total_spokes, "forks": args.forks, "phases": phases}, indent=1))
    return 0 if check["mutating"] == 0 and unchanged["changed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
