"""What every matcher does: given one profile's facts, which compiled
alternatives match which facts, and whether surely.

A match is ``(Action, fids, certain)``: the alternative's action, for each of
its patterns the fact id it matched, and whether the match holds for every
value the facts' intervals allow (``certain``) or only for some (a date
known only to the month or the year).  A combination of facts that matches
for no value is not a match.  A matcher decides nothing else: which branch
wins, the ``otherwise`` outcome, the evidence and the verdict are the decide
module's (``engine/decide/decide.py``).
"""

from __future__ import annotations

from typing import Protocol

from ..compile import Action
from ..facts import Fact

Match = tuple[Action, tuple[int, ...], bool]


class Matcher(Protocol):
    def match(self, facts: list[Fact]) -> list[Match]:
        """Every (action, fact ids, certain) whose patterns all match, each combination once."""
