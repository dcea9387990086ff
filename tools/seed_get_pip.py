"""Put tools/get_pip_offline.py where ansible-test looks for its cached get-pip script.

ansible-test (``ansible_test/_util/target/setup/requirements.py``) uses
``~/.ansible/test/cache/get_pip_<version>.py`` when present instead of downloading it. The pip
version comes from ``get_venv_packages()`` in ``ansible_test/_internal/python_requirements.py``;
read it from the installed ansible-test so an upgrade cannot silently miss the cache.
Usage: python tools/seed_get_pip.py  (run with the project venv's python)
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys


def pip_version() -> str:
    """Return the pip version ansible-test bootstraps in its venvs."""
    spec = importlib.util.find_spec('ansible_test')
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit('ansible_test is not installed in this Python')
    source = os.path.join(spec.submodule_search_locations[0], '_internal', 'python_requirements.py')
    with open(source, encoding='utf-8') as handle:
        match = re.search(r"default_packages = dict\(\s*pip='([0-9.]+)'", handle.read())
    if not match:
        raise SystemExit(f'cannot find the bootstrap pip version in {source}')
    return match.group(1)


def main() -> int:
    """Copy the offline get-pip script into the ansible-test cache; print its path."""
    version = pip_version()
    cache = os.path.expanduser(f"~/.ansible/test/cache/get_pip_{version.replace('.', '_')}.py")
    ours = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'get_pip_offline.py')
    os.makedirs(os.path.dirname(cache), exist_ok=True)
    with open(ours, 'rb') as src:
        wanted = src.read()
    current = None
    if os.path.exists(cache):
        with open(cache, 'rb') as existing:
            current = existing.read()
    if current != wanted:
        shutil.copyfile(ours, cache)
    print(f'ansible-test pip {version} bootstrap: {cache}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
