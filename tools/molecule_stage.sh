#!/usr/bin/env bash
# Run the role scenarios under extensions/molecule/ against a sandbox of their own.
#   tools/molecule_stage.sh [scenario ...]   (default: every extensions/molecule/*/molecule.yml,
#   transit, services_vpc, endpoint_dns and spoke first)
# For each scenario in order: starts the emulators it needs in a private state directory (never the one
# `make sandbox` uses), runs `molecule test -s <name>` from the repository root with their env.sh, and
# stops them, also on failure or interrupt. Stops at the first failing scenario.
# A scenario names its emulators in molecule.yml with a comment line `# sandbox-clouds: azure` (a
# comma-separated subset of aws,azure,gcp); without one it gets AWS only.
# molecule 26 finds scenarios of a collection (galaxy.yml in the working directory) under
# extensions/molecule/<name>/molecule.yml, so it must run from the repository root.
# Its "CRITICAL 'extensions/molecule/default/molecule.yml' glob failed" line is harmless: there is no
# default scenario, so molecule runs without shared state (each scenario prepares what it needs).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
python="${repo}/.venv/bin/python"

# Cheapest and most basic first, so a broken foundation fails fast; other scenarios follow by name.
first=(transit services_vpc endpoint_dns spoke)
scenarios=("$@")
if [[ ${#scenarios[@]} -eq 0 ]]; then
    shopt -s nullglob
    for name in "${first[@]}"; do
        if [[ -f "extensions/molecule/${name}/molecule.yml" ]]; then scenarios+=("${name}"); fi
    done
    for file in extensions/molecule/*/molecule.yml; do
        name="$(basename "$(dirname "${file}")")"
        if [[ " ${first[*]} " != *" ${name} "* ]]; then scenarios+=("${name}"); fi
    done
fi
if [[ ${#scenarios[@]} -eq 0 ]]; then
    echo "NOTE: no molecule scenario under extensions/molecule/ yet; nothing to run"
    exit 0
fi
for name in "${scenarios[@]}"; do
    if [[ ! -f "extensions/molecule/${name}/molecule.yml" ]]; then
        echo "molecule: no scenario extensions/molecule/${name}/molecule.yml" >&2
        exit 2
    fi
done

# One work directory per run: for each scenario, the state of its sandbox and molecule's ephemeral
# directory (state.yml, inventory). Molecule's default ephemeral directory is shared by every run of a
# scenario from this checkout and remembers "prepared" across runs, which would skip the next prepare.
# Each scenario gets a fresh sandbox (about 4 s), so a scenario passes or fails the same way alone
# (MOLECULE_SCENARIOS=spoke) as in the full run, whatever ran before it.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/cloudnet-molecule.XXXXXX")"
state_dir=""

stop_sandbox() {
    if [[ -n "${state_dir}" ]]; then
        echo "--- stopping the sandbox of the scenario (${state_dir})"
        "${python}" -m sandbox down --state-dir "${state_dir}" >/dev/null 2>&1 || true
    fi
}

finish() {
    local status=$?
    trap - EXIT INT TERM
    stop_sandbox
    if [[ ${status} -ne 0 && -n "${state_dir}" && -f "${state_dir}/sandbox.log" ]]; then
        echo "--- last lines of the sandbox log"
        tail -n 20 "${state_dir}/sandbox.log" || true
    fi
    rm -rf "${work_dir}"
    exit "${status}"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The scenarios' inventories use the interpreter that has boto3 (extensions/molecule/*/molecule.yml).
export MOLECULE_PYTHON="${python}"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-${repo}/.build/collections}"

summary=()
for name in "${scenarios[@]}"; do
    started=${SECONDS}
    state_dir="${work_dir}/${name}/sandbox"
    mkdir -p "${state_dir}"
    clouds="$(sed -n 's/^# sandbox-clouds: *\([a-z,]*\) *$/\1/p' "extensions/molecule/${name}/molecule.yml" | head -n 1)"
    clouds="${clouds:-aws}"
    echo "--- starting a sandbox (${clouds}) for scenario ${name} in ${state_dir}"
    "${python}" -m sandbox up --state-dir "${state_dir}" --only "${clouds}" >/dev/null
    echo "--- molecule test -s ${name}"
    status=0
    (
        set -a
        # shellcheck source=/dev/null
        source "${state_dir}/env.sh"
        set +a
        MOLECULE_EPHEMERAL_DIRECTORY="${work_dir}/${name}/molecule" exec molecule test -s "${name}"
    ) || status=$?
    elapsed=$((SECONDS - started))
    if [[ ${status} -ne 0 ]]; then
        echo "--- molecule scenario ${name} FAILED after ${elapsed}s (exit ${status})"
        printf '%s\n' "${summary[@]}"
        exit "${status}"
    fi
    stop_sandbox
    state_dir=""
    summary+=("$(printf '  %-14s %4ss ok' "${name}" "${elapsed}")")
done
echo "--- molecule scenarios"
printf '%s\n' "${summary[@]}"
