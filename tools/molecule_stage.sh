#!/usr/bin/env bash
# Run the role scenarios under extensions/molecule/ against a sandbox of their own.
#   tools/molecule_stage.sh [scenario ...]   (default: every extensions/molecule/*/molecule.yml,
#   transit, services_vpc, endpoint_dns and spoke first)
# Starts the AWS emulator in a private state directory (never the one `make sandbox` uses), exports
# its env.sh, runs `molecule test -s <name>` from the repository root for each scenario in order,
# and stops the emulator on exit, failure or interrupt. Stops at the first failing scenario.
# molecule 26 finds scenarios of a collection (galaxy.yml in the working directory) under
# extensions/molecule/<name>/molecule.yml, so it must run from the repository root.
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

# One work directory per run: the sandbox state, and molecule's per-scenario ephemeral directories
# (state.yml, inventory). Molecule's default ephemeral directory is shared by every run of a scenario
# from this checkout and remembers "prepared" across runs, which would skip the next prepare step.
work_dir="$(mktemp -d "${TMPDIR:-/tmp}/cloudnet-molecule.XXXXXX")"
state_dir="${work_dir}/sandbox"
stop_sandbox() {
    local status=$?
    trap - EXIT INT TERM
    echo "--- stopping the molecule sandbox (${state_dir})"
    "${python}" -m sandbox down --state-dir "${state_dir}" >/dev/null 2>&1 || true
    if [[ ${status} -ne 0 && -f "${state_dir}/sandbox.log" ]]; then
        echo "--- last lines of the sandbox log"
        tail -n 20 "${state_dir}/sandbox.log" || true
    fi
    rm -rf "${work_dir}"
    exit "${status}"
}
trap stop_sandbox EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "${state_dir}"
echo "--- starting an AWS sandbox for molecule in ${state_dir}"
"${python}" -m sandbox up --state-dir "${state_dir}" --only aws >/dev/null
set -a
# shellcheck source=/dev/null
source "${state_dir}/env.sh"
set +a
# The scenarios' inventories use the interpreter that has boto3 (extensions/molecule/*/molecule.yml).
export MOLECULE_PYTHON="${python}"
export ANSIBLE_COLLECTIONS_PATH="${ANSIBLE_COLLECTIONS_PATH:-${repo}/.build/collections}"

summary=()
for name in "${scenarios[@]}"; do
    echo "--- molecule test -s ${name}"
    started=${SECONDS}
    status=0
    MOLECULE_EPHEMERAL_DIRECTORY="${work_dir}/molecule/${name}" molecule test -s "${name}" || status=$?
    elapsed=$((SECONDS - started))
    if [[ ${status} -ne 0 ]]; then
        echo "--- molecule scenario ${name} FAILED after ${elapsed}s (exit ${status})"
        printf '%s\n' "${summary[@]}"
        exit "${status}"
    fi
    summary+=("$(printf '  %-14s %4ss ok' "${name}" "${elapsed}")")
done
echo "--- molecule scenarios"
printf '%s\n' "${summary[@]}"
