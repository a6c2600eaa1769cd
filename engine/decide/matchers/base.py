"""What every matcher does: given one profile's facts, which compiled
alternatives match which facts.

A match is ``(Action, fids)``: the alternative's action, and for each of its
patterns the fact id it matched.  A matcher decides nothing else: which
branch wins, the ``otherwise`` outcome, the evidence and the verdict are the
decide module's (``engine/decide/decide.py``).
"""

from __future__ import annotations

from typing import Protocol

from ..compile import Action
from ..facts import Fact

Match = tuple[Action, tuple[int, ...]]


class Matcher(Protocol):
    def match(self, facts: list[Fact]) -> list[Match]:
        """Every (action, fact ids) whose patterns all match, each combination once."""
