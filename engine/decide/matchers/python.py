"""The Python matcher (``--engine python``): the compiled patterns matched by
plain Python, a cross-check of the durable-rules matcher.

It reads the same :class:`~engine.decide.compile.Program` as the durable
matcher but shares none of its code: each check is evaluated three-valuedly
over the fact's interval (true for every value, false for every value, or
unknown), and a pattern holds certainly when all its checks are true,
possibly when none is false.  Any difference between the two matchers is a
bug in one of them; the differential tests look for exactly that.  It also
picks the evidence of default outcomes (``considers`` patterns) and what an
incomplete career record may lack (``absent`` patterns) for both.
"""

from __future__ import annotations

import itertools
from typing import Callable

from ..compile import Check, CompiledPattern, Program
from ..facts import HI, Fact
from .base import Match

#: A check's truth over one fact: True, False, or None (unknown).
Truth = Callable[[dict], "bool | None"]


def _exact(check: Check) -> Truth:
    name, value = check.field, check.value
    if check.op == "eq":
        return lambda fields: fields[name] == value
    if check.op == "ne":
        return lambda fields: fields[name] != value
    if check.op == "in":
        allowed = frozenset(value)
        return lambda fields: fields[name] in allowed
    if check.op == "not_in":
        refused = frozenset(value)
        return lambda fields: fields[name] not in refused
    if check.op == "present":  # a text field is recorded when it is not empty
        return (lambda fields: fields[name] != "") if value else (lambda fields: fields[name] == "")
    raise ValueError(f"a text field has no test {check.op!r}")


def _kleene(for_every: bool, for_none: bool) -> bool | None:
    return True if for_every else False if for_none else None


def _interval(check: Check) -> Truth:
    """Kleene truth of a comparison over the interval [F, F__hi]."""
    low_name, high_name, c = check.field, check.field + HI, check.value
    op = check.op
    if op == "eq":
        return lambda f: _kleene(f[low_name] == f[high_name] == c,
                                  c < f[low_name] or c > f[high_name])
    if op == "ne":
        return lambda f: _kleene(c < f[low_name] or c > f[high_name],
                                  f[low_name] == f[high_name] == c)
    if op == "lt":
        return lambda f: _kleene(f[high_name] < c, f[low_name] >= c)
    if op == "lte":
        return lambda f: _kleene(f[high_name] <= c, f[low_name] > c)
    if op == "gt":
        return lambda f: _kleene(f[low_name] > c, f[high_name] <= c)
    if op == "gte":
        return lambda f: _kleene(f[low_name] >= c, f[high_name] < c)
    raise ValueError(f"a date or number has no test {op!r}")


def _pattern(pattern: CompiledPattern) -> Callable[[dict], "bool | None"]:
    """The pattern's truth over one fact: all checks true, some false, or else unknown."""
    truths = tuple(_interval(check) if check.interval else _exact(check) for check in pattern.checks)

    def truth(fields: dict) -> bool | None:
        result = True
        for check in truths:
            value = check(fields)
            if value is False:
                return False
            if value is None:
                result = None
        return result

    return truth


class PythonMatcher:
    """Matches the program's alternatives of the given roles over one profile's facts."""

    def __init__(self, program: Program, roles: tuple[str, ...] = ("considers", "outcome", "absent")):
        self.alternatives = [(alt.action, [(p.fact, _pattern(p)) for p in alt.patterns])
                             for alt in program.alternatives if alt.action.role in roles]

    def match(self, facts: list[Fact]) -> list[Match]:
        by_type: dict[str, list[Fact]] = {}
        for fact in facts:
            by_type.setdefault(fact.type, []).append(fact)
        matches = []
        for action, patterns in self.alternatives:
            possible, sure = [], []
            for fact_type, truth in patterns:
                found = [(fact.fid, truth(fact.fields)) for fact in by_type.get(fact_type, ())]
                possible.append([fid for fid, value in found if value is not False])
                sure.append([fid for fid, value in found if value is True])
                if not possible[-1]:
                    break
            else:
                certain = set(itertools.product(*sure))
                matches.extend((action, combination, combination in certain)
                               for combination in itertools.product(*possible))
        return matches
