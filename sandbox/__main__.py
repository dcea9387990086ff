"""Entry point: ``python -m sandbox up|down|status|calls|serve``."""

import sys

from sandbox.cli import main

sys.exit(main())
