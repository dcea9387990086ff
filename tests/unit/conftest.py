"""Make ``ansible_collections.cloudnet.privatelink`` importable in unit tests.

The repository is exposed as a collection through the symlinked tree
``.build/collections/ansible_collections/cloudnet/privatelink`` (tools/collection_tree.sh, run by
``make unit``). Ansible's own collection loader is installed over that root, as ``ansible-test units``
does, so imports and ``meta/runtime.yml`` redirects resolve exactly as they do under Ansible.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from ansible.utils.collection_loader._collection_finder import _AnsibleCollectionFinder

REPO_ROOT = Path(__file__).resolve().parents[2]
COLLECTIONS_ROOT = REPO_ROOT / ".build" / "collections"
COLLECTION_LINK = COLLECTIONS_ROOT / "ansible_collections" / "cloudnet" / "privatelink"

if not COLLECTION_LINK.is_dir():
    subprocess.run([str(REPO_ROOT / "tools" / "collection_tree.sh")], check=True)

_AnsibleCollectionFinder(paths=[str(COLLECTIONS_ROOT)])._install()  # pylint: disable=protected-access
