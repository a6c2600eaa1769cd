"""A pack, at one as-of date -> the patterns the matchers run.

Every alternative of every outcome branch (and every ``considers`` pattern)
becomes a :class:`CompiledAlternative`: the pack rule and branch it belongs
to, and its patterns with their tests resolved for the run — parameters
replaced by their values, dates by day numbers (durable-rules compares
strings as text, so a date never reaches a matcher as a string).  Both
matchers read this one program; neither re-reads the pack.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..pack.conditions import AsOf, Condition
from ..pack.model import Pack, missing_list
from ..pack.vocabulary import FACT_FIELDS


@dataclass(frozen=True)
class Action:
    """What a match means: which pack rule, which role, which branch and alternative."""

    rule_id: str
    #: "outcome" (a branch's alternative), "considers" (evidence of a default outcome),
    #: "absent" (what an incomplete career record may lack, SPEC §2) or "unless" (what,
    #: on file, makes a `missing` text moot)
    role: str
    branch: int
    alternative: int
    #: Which `missing` text of the alternative an "unless" pattern belongs to.
    item: int = 0


@dataclass(frozen=True)
class Check:
    """One resolved test: ``field op value``, the value an int, a text code, a tuple of
    those (``in``/``not_in``) or a bool (``present``).

    An ``interval`` check is on a date or a number, which a fact holds as two
    bounds (F and F__hi, ``engine/decide/facts.py``): it is true, false or unknown."""

    field: str
    op: str
    value: Any
    interval: bool = False


@dataclass(frozen=True)
class CompiledPattern:
    fact: str
    checks: tuple[Check, ...]


@dataclass(frozen=True)
class CompiledAlternative:
    name: str
    action: Action
    patterns: tuple[CompiledPattern, ...]


@dataclass(frozen=True)
class Program:
    #: Unique per pack content and as-of date (the durable ruleset's name).
    name: str
    alternatives: tuple[CompiledAlternative, ...]

    def of_role(self, role: str) -> tuple[CompiledAlternative, ...]:
        return tuple(a for a in self.alternatives if a.action.role == role)


def _resolve(value, as_of: date):
    if isinstance(value, AsOf):
        return as_of.toordinal()
    if isinstance(value, date):
        return value.toordinal()
    if isinstance(value, tuple):
        return tuple(_resolve(v, as_of) for v in value)
    return value


def _pattern(condition: Condition, as_of: date) -> CompiledPattern:
    kinds = FACT_FIELDS[condition.fact]
    return CompiledPattern(condition.fact, tuple(Check(t.field, t.op, _resolve(t.value, as_of),
                                                       kinds[t.field] in ("date", "int"))
                                                 for t in condition.tests))


def compile_pack(pack: Pack, as_of: date) -> Program:
    alternatives = []
    for rule in pack.rules:
        if rule.incomplete_record is not None:
            alternatives.append(CompiledAlternative(f"{rule.id}/absent", Action(rule.id, "absent", -1, 0),
                                                    (_pattern(rule.incomplete_record.absent.condition, as_of),)))
        owners = [(-1, -1, rule.missing.get(rule.otherwise))] if rule.otherwise else []
        owners += [(b, a, alt.missing) for b, branch in enumerate(rule.outcomes) for a, alt in enumerate(branch.when)]
        for b, a, missing in owners:
            for k, text in enumerate(missing_list(missing)):
                if text.unless is not None:
                    alternatives.append(CompiledAlternative(f"{rule.id}/{b}/{a}/unless/{k}",
                                                            Action(rule.id, "unless", b, a, k),
                                                            (_pattern(text.unless.condition, as_of),)))
        for k, pattern in enumerate(rule.considers):
            alternatives.append(CompiledAlternative(f"{rule.id}/considers/{k}", Action(rule.id, "considers", -1, k),
                                                    (_pattern(pattern.condition, as_of),)))
        for b, branch in enumerate(rule.outcomes):
            for a, alternative in enumerate(branch.when):
                alternatives.append(CompiledAlternative(
                    f"{rule.id}/{b}/{a}", Action(rule.id, "outcome", b, a),
                    tuple(_pattern(p.condition, as_of) for p in alternative.all)))
    return Program(f"{pack.id}:{pack.digest[7:23]}:{as_of.isoformat()}", tuple(alternatives))
