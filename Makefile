# Build, test and sandbox entry points for the cloudnet.privatelink collection.
#   make sandbox       venv + local cloud (AWS, Azure, GCP) + brownfield seed + site.yml, then call counts
#   make sandbox-down  stop the local cloud
#   make test          every check CI runs, in order, stopping at the first failure
#   make help          list the targets
# Needs only python3.11, make and git; everything else goes into .venv from the pinned requirements.

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.ONESHELL:
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

PYTHON ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
PY := $(BIN)/python
REQUIREMENTS := requirements.txt requirements-dev.txt
VENV_STAMP := $(VENV)/.requirements.sha256

# The repository seen as an installed collection (a symlink, no copy); see tools/collection_tree.sh.
COLLECTIONS_ROOT := $(CURDIR)/.build/collections
COLLECTION_DIR := $(COLLECTIONS_ROOT)/ansible_collections/cloudnet/privatelink
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS_ROOT)
export PATH := $(BIN):$(PATH)
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# State of the local cloud (pid, endpoints, env.sh, log); SANDBOX_DIR=/tmp/x make sandbox keeps it private.
SANDBOX_DIR ?= .sandbox
INVENTORY ?= inventories/sandbox
PLAYBOOK ?= site.yml
# Commands of the sandbox package (sandbox/cli.py, sandbox/seed.py); the contract in one place.
SANDBOX_UP := $(PY) -m sandbox up --state-dir $(SANDBOX_DIR)
SANDBOX_DOWN := $(PY) -m sandbox down --state-dir $(SANDBOX_DIR)
SANDBOX_CALLS := $(PY) -m sandbox calls --state-dir $(SANDBOX_DIR)
SANDBOX_RESET := $(PY) -m sandbox calls --state-dir $(SANDBOX_DIR) --reset
SANDBOX_SEED := $(PY) -m sandbox.seed --state-dir $(SANDBOX_DIR)

SANITY_PYTHON := 3.11
# Stages of `make test`, in order. tools/run_stages.sh prints a header and the time of each.
TEST_STAGES := lint-python ansible-lint sanity unit sandbox-tests integration molecule

.PHONY: help venv collection-tree sandbox sandbox-down test lint lint-python unit sandbox-tests \
	integration molecule sanity ansible-lint build bench clean

help:
	@echo "make sandbox        create .venv, start the local cloud, seed it, run $(PLAYBOOK) on $(INVENTORY)"
	@echo "make sandbox-down   stop the local cloud"
	@echo "make test           all checks in order: $(TEST_STAGES)"
	@echo "make lint           lint-python + ansible-lint"
	@echo "make lint-python | unit | sandbox-tests | integration | molecule | sanity | ansible-lint"
	@echo "make build          ansible-galaxy collection build into .build/ (checks the artifact)"
	@echo "make bench          site.yml at scale on a sandbox of its own: seconds and API calls (BENCH_SPOKES=20)"
	@echo "make venv           create .venv and install requirements-dev.txt when it changed"
	@echo "make clean          remove .build, tests/output and caches (keeps .venv)"

# --- environment -------------------------------------------------------------------------------

# Installs only when the requirement files differ from what the stamp recorded.
venv:
	@if [ ! -x "$(PY)" ]; then
		echo "--- creating $(VENV) with $$($(PYTHON) --version)"
		$(PYTHON) -m venv $(VENV)
	fi
	want="$$(cat $(REQUIREMENTS) | sha256sum | cut -d' ' -f1)"
	if [ "$$(cat $(VENV_STAMP) 2>/dev/null)" != "$$want" ]; then
		echo "--- installing requirements-dev.txt into $(VENV)"
		$(PY) -m pip install --quiet -r requirements-dev.txt
		echo "$$want" > $(VENV_STAMP)
	fi

collection-tree:
	@tools/collection_tree.sh

# --- sandbox -----------------------------------------------------------------------------------

sandbox: venv collection-tree
	@echo "=== starting the sandbox (AWS, Azure and GCP emulators) in $(SANDBOX_DIR)"
	$(SANDBOX_UP)
	set -a; source $(SANDBOX_DIR)/env.sh; set +a
	echo "=== seeding brownfield networks (AWS VPCs, the Azure VNet and the GCP network of $(INVENTORY))"
	$(SANDBOX_SEED)
	# Counters start at zero here, so the counts printed below are the playbook's calls only.
	$(SANDBOX_RESET) >/dev/null
	echo "=== ansible-playbook $(PLAYBOOK) -i $(INVENTORY)"
	marker="$$(mktemp)"
	status=0
	ansible-playbook $(PLAYBOOK) -i $(INVENTORY) || status=$$?
	echo "=== API calls made by the playbook, per cloud"
	$(SANDBOX_CALLS)
	echo "=== results written by the run"
	find . \( -path ./.venv -o -path ./.git -o -path ./.build -o -path ./tests/output \) -prune -o \
		-type f -newer "$$marker" \( -name '*.html' -o -name '*.svg' -o -name '*.csv' -o -name '*.md' \) \
		-print | sed 's|^\./|  |'
	rm -f "$$marker"
	echo "sandbox is still running; clients: source $(SANDBOX_DIR)/env.sh; stop it: make sandbox-down"
	if [ "$$status" -ne 0 ]; then echo "ansible-playbook failed (exit $$status)"; fi
	exit "$$status"

sandbox-down:
	@if [ -x "$(PY)" ] && [ -d $(SANDBOX_DIR) ]; then $(SANDBOX_DOWN); else echo "no sandbox running"; fi

# --- tests -------------------------------------------------------------------------------------

test: venv collection-tree
	@tools/run_stages.sh $(TEST_STAGES)

lint: lint-python ansible-lint

lint-python: venv
	@ruff --version
	ruff check .

# pytest exit code 5 means "no tests collected". tools/pytest_stage.sh accepts it only when the
# directory holds no test_*.py file at all (a suite not written yet); anything else fails.
unit: venv collection-tree
	@tools/pytest_stage.sh tests/unit

sandbox-tests: venv
	@tools/pytest_stage.sh tests/sandbox

integration: venv collection-tree
	@tools/pytest_stage.sh tests/integration

# Each role scenario extensions/molecule/<name>/molecule.yml (converge, idempotence, verify, cleanup)
# against a sandbox of its own that tools/molecule_stage.sh starts and always stops.
# MOLECULE_SCENARIOS="transit spoke" runs a subset, in that order.
MOLECULE_SCENARIOS ?=
molecule: venv collection-tree
	@tools/molecule_stage.sh $(MOLECULE_SCENARIOS)

# ansible-test must run inside .../ansible_collections/cloudnet/privatelink. --local, not --venv:
# --venv re-runs ansible-test in a delegated venv whose content root is the resolved real path
# (outside ansible_collections/) and aborts. --local uses .venv as the controller (it already has
# the pinned ansible-core) and each sanity test still gets its own ansible-test-managed venv with
# ansible-test's pinned requirements, bootstrapped offline by tools/get_pip_offline.py.
# The local cloud emulator (sandbox/, tests/sandbox/) and benchmarks/ are development tools, not collection content:
# galaxy.yml's build_ignore keeps it out of the artifact and `make lint-python` checks it; sanity
# checks everything else (plugins, roles, playbooks, meta, tests/unit, tests/integration, ...).
SANITY_EXCLUDE := sandbox/ tests/sandbox/ benchmarks/
sanity: venv collection-tree
	@$(PY) tools/seed_get_pip.py
	cd "$(COLLECTION_DIR)"
	ANSIBLE_TEST_CONTENT_ROOT="$(COLLECTION_DIR)" ansible-test sanity --local --python $(SANITY_PYTHON) \
		--color no $(addprefix --exclude ,$(SANITY_EXCLUDE)) $(SANITY_ARGS)

ansible-lint: venv collection-tree
	@ansible-lint --version
	ansible-lint --offline --profile production

# --- benchmarks (a report, not a test) ---------------------------------------------------------

BENCH_SPOKES ?= 20
bench: venv collection-tree
	@$(PY) benchmarks/site_scale.py --spokes $(BENCH_SPOKES)

# --- build -------------------------------------------------------------------------------------

build: venv
	@mkdir -p .build
	ansible-galaxy collection build --force --output-path .build .
	artifact=".build/cloudnet-privatelink-$$(sed -n 's/^version: *//p' galaxy.yml).tar.gz"
	tools/check_artifact.sh "$$artifact"

clean:
	rm -rf .build tests/output .pytest_cache .ruff_cache
