"""``python -m sandbox``: start, stop and inspect the local cloud (AWS, Azure and GCP emulators).

Commands (every one takes ``--state-dir DIR``, default ``$SANDBOX_STATE_DIR`` or ``./.sandbox``):

``up``      start ``serve`` detached (log in DIR/sandbox.log), wait until every emulator answers,
            print where they are; does nothing when a sandbox already runs from DIR.
``down``    stop the sandbox started from DIR (SIGTERM, then SIGKILL after ``--timeout``).
``status``  show whether it runs and where; exit code 3 when it does not run.
``calls``   API calls per cloud from the emulators' control APIs: AWS per service and operation, Azure per
            resource type and HTTP method, GCP per API, collection and method (mutating vs read, errors);
            ``--reset`` resets every counter after printing.
``serve``   run the emulators in the foreground until SIGTERM/SIGINT; writes DIR/sandbox.json
            (pid, urls, ports, env) and DIR/env.sh (``export`` lines from each emulator's env()).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import json
import os
import shlex
import signal
import ssl
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

STATE_FILE = "sandbox.json"
ENV_FILE = "env.sh"
LOG_FILE = "sandbox.log"
CLOUDS = ("aws", "azure", "gcp")
MODULES = {"aws": "sandbox.aws.server", "azure": "sandbox.azure.server", "gcp": "sandbox.gcp.server"}
NOT_RUNNING = 3


def _state_dir(args: argparse.Namespace) -> Path:
    return Path(args.state_dir or os.environ.get("SANDBOX_STATE_DIR") or ".sandbox").resolve()


def read_state(state_dir: Path) -> dict[str, Any] | None:
    try:
        return json.loads((state_dir / STATE_FILE).read_text())
    except (OSError, ValueError):
        return None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def pid_is_sandbox(pid: int | None) -> bool:
    """True when ``pid`` is alive and is a ``sandbox serve`` process (guards against pid reuse)."""
    if not pid:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return False
    try:
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return True
    return b"sandbox" in cmdline and b"serve" in cmdline


def answers(url: str, timeout: float = 2.0) -> bool:
    """Whether an HTTP(S) server answers at ``url`` (any HTTP status counts)."""
    context = ssl._create_unverified_context() if url.startswith("https") else None  # noqa: S323 - local self-signed
    probe = url.rstrip("/") + ("/_sandbox/health" if "/_sandbox" not in url else "")
    try:
        with urllib.request.urlopen(probe, timeout=timeout, context=context):  # noqa: S310 - local URL
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


# --- serve -------------------------------------------------------------------------------------


def start_emulators(args: argparse.Namespace) -> tuple[dict[str, Any], dict[str, str]]:
    """Start every emulator whose module imports; return ``(running, skipped reasons)``."""
    running: dict[str, Any] = {}
    skipped: dict[str, str] = {}
    wanted = [c.strip() for c in (args.only or ",".join(CLOUDS)).split(",") if c.strip()]
    for cloud in wanted:
        options: dict[str, Any] = {}
        if cloud == "aws":
            options = {"page_size": args.page_size, "pending_reads": args.pending_reads, "seed": args.seed}
        try:
            module = importlib.import_module(MODULES[cloud])
            start = module.start
        except (ImportError, AttributeError, KeyError) as exc:
            skipped[cloud] = f"{type(exc).__name__}: {exc}"
            print(f"sandbox: {cloud} emulator not available: {exc}", file=sys.stderr)
            continue
        port = getattr(args, f"{cloud}_port", 0) or 0
        if cloud == "aws":
            running[cloud] = start(host=args.host, port=port, **options)
        else:
            try:
                running[cloud] = start(host=args.host, port=port, **options)
            except Exception as exc:  # noqa: BLE001 - one broken emulator must not keep AWS down
                skipped[cloud] = f"failed to start: {type(exc).__name__}: {exc}"
                print(f"sandbox: {cloud} emulator failed to start: {exc!r}", file=sys.stderr)
                continue
        print(f"sandbox: {cloud} emulator on {running[cloud].url}", flush=True)
    return running, skipped


def describe(running: dict[str, Any], skipped: dict[str, str], state_dir: Path) -> dict[str, Any]:
    env: dict[str, str] = {}
    emulators = {}
    for cloud, emulator in running.items():
        emulators[cloud] = {"url": emulator.url, "port": emulator.port}
        env_method = getattr(emulator, "env", None)
        if callable(env_method):
            env.update(env_method())
    return {
        "pid": os.getpid(),
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "state_dir": str(state_dir),
        "emulators": emulators,
        "skipped": skipped,
        "env": env,
    }


def env_script(env: dict[str, str]) -> str:
    lines = ["# Environment for clients of the local sandbox; source it: . env.sh"]
    lines += [f"export {key}={shlex.quote(str(value))}" for key, value in sorted(env.items())]
    return "\n".join(lines) + "\n"


def cmd_serve(args: argparse.Namespace) -> int:
    state_dir = _state_dir(args)
    state_dir.mkdir(parents=True, exist_ok=True)
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    running, skipped = start_emulators(args)
    try:
        if not running:
            print("sandbox: no emulator could start", file=sys.stderr)
            return 1
        state = describe(running, skipped, state_dir)
        _write_atomic(state_dir / ENV_FILE, env_script(state["env"]))
        _write_atomic(state_dir / STATE_FILE, json.dumps(state, indent=2) + "\n")
        print(f"sandbox: serving (pid {os.getpid()}); state in {state_dir / STATE_FILE}", flush=True)
        while not stop.wait(1.0):
            pass
        print("sandbox: stopping", flush=True)
    finally:
        for emulator in running.values():
            with contextlib.suppress(Exception):
                emulator.stop()
        current = read_state(state_dir)
        if current and current.get("pid") == os.getpid():
            for name in (STATE_FILE, ENV_FILE):
                with contextlib.suppress(FileNotFoundError):
                    (state_dir / name).unlink()
    return 0


# --- up / down / status ------------------------------------------------------------------------


def _print_running(state: dict[str, Any], state_dir: Path) -> None:
    print(f"sandbox running (pid {state['pid']}), state dir {state_dir}")
    for cloud, emulator in state.get("emulators", {}).items():
        print(f"  {cloud:<6} {emulator['url']}")
    for cloud, reason in state.get("skipped", {}).items():
        print(f"  {cloud:<6} not started ({reason})")
    print(f"  env    . {state_dir / ENV_FILE}")
    print(f"  log    {state_dir / LOG_FILE}")


def _serve_argv(args: argparse.Namespace, state_dir: Path) -> list[str]:
    argv = [sys.executable, "-m", "sandbox", "serve", "--state-dir", str(state_dir), "--host", args.host]
    for cloud in CLOUDS:
        argv += [f"--{cloud}-port", str(getattr(args, f"{cloud}_port", 0) or 0)]
    argv += ["--page-size", str(args.page_size), "--pending-reads", str(args.pending_reads)]
    argv += ["--seed", str(args.seed)]
    if args.only:
        argv += ["--only", args.only]
    return argv


def cmd_up(args: argparse.Namespace) -> int:
    state_dir = _state_dir(args)
    state_dir.mkdir(parents=True, exist_ok=True)
    state = read_state(state_dir)
    if state and pid_is_sandbox(state.get("pid")):
        print("sandbox already running; nothing to do")
        _print_running(state, state_dir)
        return 0
    for name in (STATE_FILE, ENV_FILE):
        with contextlib.suppress(FileNotFoundError):
            (state_dir / name).unlink()
    root = str(Path(__file__).resolve().parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [root, env.get("PYTHONPATH")]))
    env["PYTHONUNBUFFERED"] = "1"
    with open(state_dir / LOG_FILE, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
            _serve_argv(args, state_dir),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd=root,
            start_new_session=True,
        )
    deadline = time.monotonic() + args.timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            print(
                f"sandbox failed to start (exit {process.returncode}); see {state_dir / LOG_FILE}:",
                file=sys.stderr,
            )
            print(_tail(state_dir / LOG_FILE), file=sys.stderr)
            return 1
        state = read_state(state_dir)
        if state and state.get("pid") == process.pid:
            urls = [e["url"] for e in state["emulators"].values()]
            if all(answers(url) for url in urls):
                _print_running(state, state_dir)
                return 0
        time.sleep(0.2)
    print(
        f"sandbox did not become ready in {args.timeout} s; stopping it; see {state_dir / LOG_FILE}",
        file=sys.stderr,
    )
    process.terminate()
    return 1


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def cmd_down(args: argparse.Namespace) -> int:
    state_dir = _state_dir(args)
    state = read_state(state_dir)
    if not state:
        print(f"sandbox not running (no {state_dir / STATE_FILE})")
        return 0
    pid = state.get("pid")
    if not pid_is_sandbox(pid):
        print(f"sandbox not running (stale pid {pid}); cleaning up {state_dir}")
    else:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + args.timeout
        while pid_is_sandbox(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_is_sandbox(pid):
            os.kill(pid, signal.SIGKILL)
            print(f"sandbox (pid {pid}) did not stop in {args.timeout} s; killed it")
        else:
            print(f"sandbox (pid {pid}) stopped")
    for name in (STATE_FILE, ENV_FILE):
        with contextlib.suppress(FileNotFoundError):
            (state_dir / name).unlink()
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    state_dir = _state_dir(args)
    state = read_state(state_dir)
    running = bool(state) and pid_is_sandbox(state.get("pid"))
    if args.json:
        report = {"running": running, **(state or {})}
        if running:
            report["answering"] = {c: answers(e["url"]) for c, e in state["emulators"].items()}
        print(json.dumps(report, indent=2))
        return 0 if running else NOT_RUNNING
    if not running:
        stale = f" (stale pid {state.get('pid')})" if state else ""
        print(f"sandbox not running{stale}; state dir {state_dir}")
        return NOT_RUNNING
    _print_running(state, state_dir)
    for cloud, emulator in state["emulators"].items():
        if not answers(emulator["url"]):
            print(f"  warning: {cloud} at {emulator['url']} does not answer")
    return 0


# --- calls -------------------------------------------------------------------------------------


def format_calls(summary: dict[str, Any]) -> str:
    ops = sorted(
        summary["by_operation"].values(),
        key=lambda op: (op["service"], not op["mutating"], -op["count"], op["operation"]),
    )
    width = max([len(op["operation"]) for op in ops] + [9])
    lines = [
        f"AWS API calls: {summary['total']} total, {summary['mutating']} mutating, {summary['read']} read"
        + (f", {summary['faulted']} with injected faults" if summary.get("faulted") else ""),
    ]
    if not ops:
        return lines[0]
    lines.append(f"  {'service':<18} {'operation':<{width}} {'kind':<8} {'calls':>6} {'errors':>6}")
    for op in ops:
        errors = sum(n for status, n in op["statuses"].items() if not status.startswith("2"))
        kind = "mutating" if op["mutating"] else "read"
        name = op["operation"]
        lines.append(f"  {op['service']:<18} {name:<{width}} {kind:<8} {op['count']:>6} {errors:>6}")
    for service, counts in summary["by_service"].items():
        lines.append(
            f"  {service}: {counts['total']} calls ({counts['mutating']} mutating, {counts['read']} read)"
        )
    if len(summary.get("by_account", {})) > 1:
        for account, counts in summary["by_account"].items():
            lines.append(f"  account {account}: {counts['total']} calls ({counts['mutating']} mutating)")
    return "\n".join(lines)


def _table(title: str, summary: dict[str, Any], rows: list[tuple[str, str, bool, int, int]], head: tuple) -> str:
    faulted = f", {summary['faulted']} with injected faults" if summary.get("faulted") else ""
    lines = [f"{title}: {summary['total']} total, {summary['mutating']} mutating, {summary['read']} read{faulted}"]
    if not rows:
        return lines[0]
    rows = sorted(rows, key=lambda r: (r[0], not r[2], -r[3], r[1]))
    w0 = max([len(r[0]) for r in rows] + [len(head[0])])
    w1 = max([len(r[1]) for r in rows] + [len(head[1])])
    lines.append(f"  {head[0]:<{w0}} {head[1]:<{w1}} {'kind':<8} {'calls':>6} {'errors':>6}")
    for first, second, mutating, count, errors in rows:
        kind = "mutating" if mutating else "read"
        lines.append(f"  {first:<{w0}} {second:<{w1}} {kind:<8} {count:>6} {errors:>6}")
    return "\n".join(lines)


def azure_summary(raw: dict[str, Any]) -> dict[str, Any]:
    """The Azure emulator's call log as totals and per (resource type, method) rows."""
    ops: dict[tuple[str, str], dict[str, Any]] = {}
    for call in raw.get("calls", []):
        key = (call.get("resource_type") or "-", call["method"])
        op = ops.setdefault(key, {"resource_type": key[0], "method": key[1], "mutating": call["mutating"],
                                  "count": 0, "errors": 0})
        op["count"] += 1
        op["errors"] += int(call.get("status") or 0) >= 400
    return {"total": raw.get("total", 0), "mutating": raw.get("mutating", 0), "read": raw.get("read", 0),
            "faulted": sum(1 for c in raw.get("calls", []) if c.get("fault")),
            "by_operation": {f"{t} {m}": op for (t, m), op in sorted(ops.items())}}


def format_azure_calls(summary: dict[str, Any]) -> str:
    rows = [(op["resource_type"], op["method"], op["mutating"], op["count"], op["errors"])
            for op in summary["by_operation"].values()]
    return _table("Azure ARM calls", summary, rows, ("resource type", "method"))


def format_gcp_calls(summary: dict[str, Any]) -> str:
    rows = [(op["api"], op["operation"], op["mutating"], op["count"],
             sum(n for status, n in op["statuses"].items() if not status.startswith("2")))
            for op in summary["by_operation"].values()]
    return _table("GCP API calls", summary, rows, ("api", "operation"))


def controls(state: dict[str, Any]) -> dict[str, Any]:
    """A control client per running emulator of ``state``."""
    from sandbox.aws.client import SandboxControl
    from sandbox.azure.client import AzureControl
    from sandbox.gcp.client import GcpControl

    emulators = state.get("emulators", {})
    out: dict[str, Any] = {}
    if "aws" in emulators:
        out["aws"] = SandboxControl(emulators["aws"]["url"])
    if "azure" in emulators:
        out["azure"] = AzureControl(emulators["azure"]["url"], state.get("env", {}).get("REQUESTS_CA_BUNDLE"))
    if "gcp" in emulators:
        out["gcp"] = GcpControl(emulators["gcp"]["url"])
    return out


def cmd_calls(args: argparse.Namespace) -> int:
    state_dir = _state_dir(args)
    state = read_state(state_dir)
    if not state or not pid_is_sandbox(state.get("pid")) or not state.get("emulators"):
        print(f"sandbox not running; state dir {state_dir}", file=sys.stderr)
        return NOT_RUNNING
    clients = controls(state)
    summaries: dict[str, Any] = {}
    if "aws" in clients:
        summaries["aws"] = clients["aws"].summary()
    if "azure" in clients:
        summaries["azure"] = azure_summary(clients["azure"].summary())
    if "gcp" in clients:
        summaries["gcp"] = clients["gcp"].summary()
    if args.json:
        # The AWS summary stays at the top level (the shape of AWS-only sandboxes); the others beside it.
        print(json.dumps({**summaries.get("aws", {}), **{k: v for k, v in summaries.items() if k != "aws"}},
                         indent=2))
    else:
        formatters = {"aws": format_calls, "azure": format_azure_calls, "gcp": format_gcp_calls}
        print("\n".join(formatters[cloud](summary) for cloud, summary in summaries.items()))
    if args.reset:
        for client in clients.values():
            client.reset_calls()
    return 0


# --- entry point -------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    def common(name: str, help_text: str) -> argparse.ArgumentParser:
        command = sub.add_parser(name, help=help_text)
        command.add_argument("--state-dir", help="directory for sandbox.json, env.sh and sandbox.log")
        return command

    for name, help_text in (
        ("up", "start the sandbox in the background"),
        ("serve", "run the sandbox in the foreground"),
    ):
        command = common(name, help_text)
        command.add_argument("--host", default="127.0.0.1")
        for cloud in CLOUDS:
            command.add_argument(f"--{cloud}-port", type=int, default=0, help="0 picks a free port")
        command.add_argument("--only", help="comma-separated subset of aws,azure,gcp")
        command.add_argument("--page-size", type=int, default=0, help="default EC2 page size (0 = off)")
        command.add_argument("--pending-reads", type=int, default=0)
        command.add_argument("--seed", type=int, default=0, help="seed of the fault-injection RNG")
        if name == "up":
            command.add_argument("--timeout", type=float, default=60.0)
    down = common("down", "stop the sandbox")
    down.add_argument("--timeout", type=float, default=15.0)
    status = common("status", "show whether the sandbox runs")
    status.add_argument("--json", action="store_true")
    calls = common("calls", "API calls per cloud (AWS, Azure, GCP) and operation")
    calls.add_argument("--json", action="store_true")
    calls.add_argument("--reset", action="store_true", help="reset the counters after printing")
    return parser


COMMANDS = {"up": cmd_up, "down": cmd_down, "status": cmd_status, "calls": cmd_calls, "serve": cmd_serve}


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return COMMANDS[args.command](args)
