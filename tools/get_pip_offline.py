"""Stand-in for the get-pip script that ansible-test downloads to bootstrap pip in its venvs.

ansible-test runs ``python get_pip_<version>.py [pip install arguments]`` inside a fresh virtual
environment created without pip. The real script embeds a pip wheel and is fetched from the
internet; this one uses the pip wheel bundled with Python (``ensurepip``) and then runs
``pip install`` with the given arguments, so only the package index is needed.
``tools/collection_tree.sh`` copies it to ``~/.ansible/test/cache/get_pip_<version>.py``.
"""

from __future__ import annotations

import subprocess
import sys

# Flags understood by get-pip.py only; pip install itself rejects them.
GET_PIP_ONLY_FLAGS = {'--no-setuptools', '--no-wheel'}


def main(argv: list[str]) -> int:
    """Bootstrap pip with ensurepip, then install the requested packages."""
    args = [arg for arg in argv if arg not in GET_PIP_ONLY_FLAGS]
    subprocess.run([sys.executable, '-m', 'ensurepip', '--default-pip'], check=True,
                   stdout=subprocess.DEVNULL)
    if args:
        subprocess.run([sys.executable, '-m', 'pip', 'install', *args], check=True)
    if '--no-setuptools' in argv and not any(a.startswith('setuptools') for a in args):
        # ensurepip on Python 3.11 also installs setuptools; get-pip would not have.
        subprocess.run([sys.executable, '-m', 'pip', 'uninstall', '--yes', '--quiet', 'setuptools'],
                       check=True)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
