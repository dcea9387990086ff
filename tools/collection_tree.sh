#!/usr/bin/env bash
# Make the repository importable as the cloudnet.privatelink collection without copying it:
#   .build/collections/ansible_collections/cloudnet/privatelink -> ../../../.. (the repository)
# Point ANSIBLE_COLLECTIONS_PATH at .build/collections. Tools must not recurse into .build.
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
namespace_dir="${repo}/.build/collections/ansible_collections/cloudnet"
link="${namespace_dir}/privatelink"
target="../../../.."

mkdir -p "${namespace_dir}"
if [[ -L "${link}" && "$(readlink "${link}")" == "${target}" ]]; then
    exit 0
fi
if [[ -e "${link}" && ! -L "${link}" ]]; then
    echo "collection_tree: ${link} exists and is not a symlink; remove it" >&2
    exit 1
fi
ln -sfn "${target}" "${link}"
echo "collection tree: ${link} -> ${repo}"
