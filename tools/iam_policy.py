"""Derive the least-privilege IAM policy of the collection from the API calls its code makes.

Every AWS call goes through ``conn.call(service, method, ...)`` or ``conn.paginate(service, method, ...)``
(see plugins/module_utils/_aws/connection.py), so the calls can be read from the source. Each method is
mapped to its API operation with botocore's service model and to the IAM action ``<prefix>:<Operation>``.

    python tools/iam_policy.py            # print the policy
    python tools/iam_policy.py --write    # update docs/iam/cloudnet-privatelink.json
    python tools/iam_policy.py --check    # exit 1 when the shipped policy misses an action
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

import botocore.session

REPO = Path(__file__).resolve().parents[1]
POLICY = REPO / "docs" / "iam" / "cloudnet-privatelink.json"
# AWS code only: Azure and GCP connections have their own call() with other service names.
SOURCES = [(REPO / "plugins" / "module_utils" / "_aws", "*.py"), (REPO / "plugins" / "modules", "aws_*.py")]
# IAM prefixes that differ from the botocore service name.
IAM_PREFIX = {"route53resolver": "route53resolver", "network-firewall": "network-firewall"}
# Calls made by boto3 itself rather than through conn.call (assume role).
IMPLICIT = {"sts:AssumeRole", "sts:GetCallerIdentity"}


def calls_in(path: Path):
    tree = ast.parse(path.read_text(), str(path))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        if node.func.attr not in ("call", "paginate") or len(node.args) < 2:
            continue
        service, method = node.args[0], node.args[1]
        if isinstance(service, ast.Constant) and isinstance(method, ast.Constant):
            yield service.value, method.value


def actions() -> set:
    session = botocore.session.get_session()
    found = set(IMPLICIT)
    for root, pattern in SOURCES:
        for path in sorted(root.rglob(pattern)):
            for service, method in calls_in(path):
                model = session.get_service_model(service)
                names = {op: op for op in model.operation_names}
                snake = {botocore.xform_name(op): op for op in model.operation_names}
                operation = snake.get(method) or names.get(method)
                if operation is None:
                    raise SystemExit(f"{path}: {service}.{method} is not an operation of {service}")
                found.add(f"{IAM_PREFIX.get(service, service)}:{operation}")
    return found


def policy(acts: set) -> dict:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "CloudnetPrivatelink", "Effect": "Allow", "Action": sorted(acts), "Resource": "*"}],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    acts = actions()
    if args.write:
        POLICY.write_text(json.dumps(policy(acts), indent=2) + "\n")
        print(f"{POLICY.relative_to(REPO)}: {len(acts)} actions")
    elif args.check:
        shipped = set(json.loads(POLICY.read_text())["Statement"][0]["Action"])
        missing, extra = sorted(acts - shipped), sorted(shipped - acts)
        if missing or extra:
            print(f"{POLICY.relative_to(REPO)} is out of date: missing {missing}, unused {extra}. "
                  "Fix: python tools/iam_policy.py --write")
            return 1
        print(f"{POLICY.relative_to(REPO)} covers all {len(acts)} actions the code calls")
    else:
        print(json.dumps(policy(acts), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
