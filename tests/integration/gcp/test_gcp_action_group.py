"""module_defaults: group/cloudnet.privatelink.gcp supplies connection options to the GCP modules (runtime.yml)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from gcp_env import PROJECT
from harness import ensure_collection_tree

PLAYBOOK = """
- hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/cloudnet.privatelink.gcp:
      project: {project}
      api_endpoint: {url}
      topology: itest
  tasks:
    - cloudnet.privatelink.gcp_dns_forwarding_zone_info:
        name: absent-zone
      register: zones
    - cloudnet.privatelink.gcp_route_set_info:
        network: no-such-network
      register: routes
    - ansible.builtin.copy:
        content: "{{{{ {{'zones': zones.zones, 'routes': routes.route_sets}} | to_json }}}}"
        dest: {out}
"""


def test_module_defaults_group_supplies_the_connection_options(gcp, tmp_path):
    out = tmp_path / "out.json"
    book = tmp_path / "play.yml"
    book.write_text(PLAYBOOK.format(project=PROJECT, url=gcp.url, out=out))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ensure_collection_tree()),
               GCP_SERVICE_ACCOUNT_FILE=gcp.service_account_file, ANSIBLE_PYTHON_INTERPRETER=sys.executable)
    for name in ("GCP_PROJECT", "GCP_COMPUTE_ENDPOINT", "GCP_DNS_ENDPOINT", "GCP_API_ENDPOINT"):
        env.pop(name, None)
    before = len(gcp.calls.calls())
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), str(book)], env=env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert json.loads(out.read_text()) == {"zones": [], "routes": [{"routes": {
        "network": "no-such-network", "routes": [], "foreign_routes": []}, "advertisements": None}]}
    assert len(gcp.calls.calls()) > before  # the emulator answered both modules
