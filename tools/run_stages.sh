#!/usr/bin/env bash
# Run `make <stage>` for each stage given, in order: a header per stage, its duration, and a
# summary at the end. Stops at the first failing stage and exits with its status.
set -euo pipefail

stages=("$@")
total=${#stages[@]}
summary=()
started_all=$SECONDS

print_summary() {
    echo
    echo "=================================== summary ==================================="
    for line in "${summary[@]}"; do
        echo "$line"
    done
    printf '%-16s %6ss\n' "total" "$((SECONDS - started_all))"
}

index=0
for stage in "${stages[@]}"; do
    index=$((index + 1))
    echo
    echo "==================== [${index}/${total}] ${stage} ===================="
    started=$SECONDS
    status=0
    make --no-print-directory "${stage}" || status=$?
    elapsed=$((SECONDS - started))
    if [[ ${status} -ne 0 ]]; then
        summary+=("$(printf '%-16s %6ss  FAILED (exit %s)' "${stage}" "${elapsed}" "${status}")")
        print_summary
        echo "make test: stage '${stage}' failed"
        exit "${status}"
    fi
    summary+=("$(printf '%-16s %6ss  ok' "${stage}" "${elapsed}")")
    echo "---------- ${stage}: ok in ${elapsed}s"
done
print_summary
echo "make test: all ${total} stages passed"
