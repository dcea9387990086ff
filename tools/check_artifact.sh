#!/usr/bin/env bash
# Check a built collection artifact: it must hold the collection and nothing that belongs to
# development (tests, sandbox, venvs, build trees, CI, caches).
set -euo pipefail

artifact="$1"
if [[ ! -f "${artifact}" ]]; then
    echo "ERROR: ${artifact} was not built" >&2
    exit 1
fi

listing="$(tar -tzf "${artifact}")"
forbidden='^(\./)?(tests|sandbox|\.venv|\.build|\.sandbox|\.ci|\.git|\.ansible|tools|benchmarks|extensions/molecule)(/|$)|(^|/)(__pycache__|\.pytest_cache|\.ruff_cache)(/|$)|\.pyc$|\.tar\.gz$'
bad="$(grep -E "${forbidden}" <<<"${listing}" || true)"
for required in MANIFEST.json FILES.json; do
    if ! grep -qx "${required}" <<<"${listing}"; then
        echo "ERROR: ${artifact} lacks ${required}" >&2
        exit 1
    fi
done
if [[ -n "${bad}" ]]; then
    echo "ERROR: ${artifact} contains development files:" >&2
    sed 's/^/  /' <<<"${bad}" >&2
    exit 1
fi
echo "${artifact}: $(wc -l <<<"${listing}") entries, $(du -h "${artifact}" | cut -f1), no development files"
