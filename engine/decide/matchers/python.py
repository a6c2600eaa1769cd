"""The Python matcher (``--engine python``): the compiled patterns matched by
plain Python, a cross-check of the durable-rules matcher.

It reads the same :class:`~engine.decide.compile.Program` as the durable
matcher but shares none of its code: each pattern becomes one predicate over
a fact's fields, built here from the resolved checks.  Any difference
between the two matchers is a bug in one of them; the differential tests
look for exactly that.  It also picks the evidence of default outcomes
(``considers`` patterns) for both.
"""

from __future__ import annotations

import itertools
import operator
from typing import Callable

from ..compile import Check, CompiledPattern, Program
from ..facts import Fact
from .base import Match

_COMPARE = {"eq": operator.eq, "ne": operator.ne, "lt": operator.lt, "lte": operator.le, "gt": operator.gt,
            "gte": operator.ge}

Predicate = Callable[[dict], bool]


def _test(check: Check) -> tuple[str, Callable, object]:
    """(field, comparison, value): every check as one comparison."""
    if check.op in _COMPARE:
        return check.field, _COMPARE[check.op], check.value
    if check.op == "in":
        return check.field, lambda got, allowed: got in allowed, frozenset(check.value)
    if check.op == "not_in":
        return check.field, lambda got, refused: got not in refused, frozenset(check.value)
    if check.op == "present":  # a text field is recorded when it is not empty
        return check.field, (operator.ne if check.value else operator.eq), ""
    raise ValueError(f"unknown operator {check.op!r}")


def _predicate(pattern: CompiledPattern) -> Predicate:
    tests = tuple(_test(check) for check in pattern.checks)

    def predicate(fields: dict) -> bool:
        for name, compare, value in tests:
            if not compare(fields[name], value):
                return False
        return True

    return predicate


class PythonMatcher:
    """Matches the program's alternatives of the given roles over one profile's facts."""

    def __init__(self, program: Program, roles: tuple[str, ...] = ("considers", "outcome")):
        self.alternatives = [(alt.action, [(p.fact, _predicate(p)) for p in alt.patterns])
                             for alt in program.alternatives if alt.action.role in roles]

    def match(self, facts: list[Fact]) -> list[Match]:
        by_type: dict[str, list[Fact]] = {}
        for fact in facts:
            by_type.setdefault(fact.type, []).append(fact)
        matches = []
        for action, patterns in self.alternatives:
            candidates = []
            for fact_type, predicate in patterns:
                matching = [fact.fid for fact in by_type.get(fact_type, ()) if predicate(fact.fields)]
                if not matching:
                    break
                candidates.append(matching)
            else:
                matches.extend((action, combination) for combination in itertools.product(*candidates))
        return matches
