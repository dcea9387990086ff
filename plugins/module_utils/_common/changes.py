# -*- coding: utf-8 -*-
# Copyright: cloudnet.privatelink contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Record, and in one place perform, the mutations a manager decided on.

Managers compute ``have`` and ``want``, then call ``Changes.do()`` for each mutation. In check mode the
call is recorded but not made, so the plan (``operations``) has the same shape in both modes.
"""

from __future__ import annotations

import copy


class Changes:
    def __init__(self, check_mode: bool):
        self.check_mode = check_mode
        self._operations: list[dict] = []

    def do(self, action: str, target: str, apply, **details):
        """Record ``action`` on ``target``; run ``apply()`` unless in check mode. Returns its result or None."""
        entry = {"action": action, "target": target}
        entry.update({k: v for k, v in details.items() if v is not None})
        self._operations.append(entry)
        if self.check_mode:
            return None
        return apply()

    @property
    def changed(self) -> bool:
        return bool(self._operations)

    @property
    def operations(self) -> list[dict]:
        return copy.deepcopy(self._operations)

    def result(self, key: str, before, after, **extra) -> dict:
        """The module result every writer returns: changed, diff, operations and the resource."""
        out = {
            "changed": self.changed,
            "diff": {"before": before if before is not None else {}, "after": after if after is not None else {}},
            "operations": self.operations,
            key: after if after is not None else {},
        }
        out.update(extra)
        return out
