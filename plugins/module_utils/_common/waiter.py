# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Bounded waits with capped, jittered back-off. No loop here runs without a deadline."""

from __future__ import annotations

import random
import time

from ansible_collections.cloudnet.privatelink.plugins.module_utils._common.errors import CloudnetError, WaitTimeoutError

_FIRST_DELAY = 0.5
_MAX_DELAY = 10.0


def delays(first: float = _FIRST_DELAY, cap: float = _MAX_DELAY):
    """Exponential back-off with full jitter: 0.5, 1, 2, 4 ... capped, each randomised to 50-100 %."""
    delay = first
    while True:
        yield delay * (0.5 + random.random() / 2)
        delay = min(cap, delay * 2)


def wait_until(fetch, ready, what: str, timeout: float, failed=None, state_of=None, clock=time.monotonic,
               sleep=time.sleep):
    """Call ``fetch()`` until ``ready(value)``; raise on ``failed(value)`` or after ``timeout`` seconds.

    Returns the last fetched value. ``state_of(value)`` renders the state for messages.
    """
    deadline = clock() + max(0.0, float(timeout))
    state_of = state_of or (lambda v: v)
    for delay in delays():
        value = fetch()
        if ready(value):
            return value
        if failed is not None and failed(value):
            raise CloudnetError(f"{what} entered a failed state: {state_of(value)}", last_state=state_of(value))
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeoutError(what, timeout, state_of(value))
        sleep(min(delay, remaining))
    return None  # pragma: no cover - delays() never ends
