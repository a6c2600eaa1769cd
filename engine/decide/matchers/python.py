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

Speed: each distinct pattern of the program becomes one Python function,
generated once per program from its checks (source text compiled with
``compile``; the values it compares with are bound as constants of the
function, never written into the source), and evaluated once per fact of its
type however many alternatives share it.
"""

from __future__ import annotations

import itertools
from typing import Callable

from ..compile import Check, CompiledPattern, Program
from ..facts import HI, Fact
from .base import Match

#: A pattern's truth over one fact's fields: True, False, or None (unknown).
Truth = Callable[[dict], "bool | None"]

#: For an ordering over the interval [lo, hi] against c: (true for every value, false for every value).
_ORDER = {"lt": ("{hi} < {c}", "{lo} >= {c}"), "lte": ("{hi} <= {c}", "{lo} > {c}"),
          "gt": ("{lo} > {c}", "{hi} <= {c}"), "gte": ("{lo} >= {c}", "{hi} < {c}"),
          "eq": ("{lo} == {hi} == {c}", "{c} < {lo} or {c} > {hi}"),
          "ne": ("{c} < {lo} or {c} > {hi}", "{lo} == {hi} == {c}")}


def _exact(check: Check, value: str, field: str) -> str:
    """A test on a text field, as a Python condition that is true when the check fails."""
    if check.op == "eq":
        return f"{field} != {value}"
    if check.op == "ne":
        return f"{field} == {value}"
    if check.op == "in":
        return f"{field} not in {value}"
    if check.op == "not_in":
        return f"{field} in {value}"
    if check.op == "present":  # a text field is recorded when it is not empty
        return f"{field} == ''" if check.value else f"{field} != ''"
    raise ValueError(f"a text field has no test {check.op!r}")


def _source(pattern: CompiledPattern, name: str, constants: dict) -> str:
    """The source of one function: the Kleene conjunction of the pattern's checks."""
    lines = [f"def {name}(f):", "    result = True"]
    for check in pattern.checks:
        constant = f"c{len(constants)}"
        value = check.value
        if check.op in ("in", "not_in"):
            value = frozenset(value)
        constants[constant] = value
        if not check.interval:
            lines.append(f"    if {_exact(check, constant, f'f[{check.field!r}]')}:")
            lines.append("        return False")
            continue
        if check.op not in _ORDER:
            raise ValueError(f"a date or number has no test {check.op!r}")
        every, none = (test.format(lo="low", hi="high", c=constant) for test in _ORDER[check.op])
        lines.append(f"    low, high = f[{check.field!r}], f[{check.field + HI!r}]")
        lines.append(f"    if not ({every}):")
        lines.append(f"        if {none}:")
        lines.append("            return False")
        lines.append("        result = None")
    lines.append("    return result")
    return "\n".join(lines)


def pattern_functions(patterns: list[CompiledPattern]) -> list[Truth]:
    """One generated function per pattern (a pattern's truth over one fact's fields)."""
    constants: dict = {}
    source = "\n\n".join(_source(p, f"p{k}", constants) for k, p in enumerate(patterns))
    namespace = dict(constants)
    exec(compile(source, "<sangloc: patterns of a compiled pack>", "exec"), namespace)  # noqa: S102 - our own source
    return [namespace[f"p{k}"] for k in range(len(patterns))]


def _common_key(patterns: list[CompiledPattern]) -> str | None:
    """A text field that every one of ``patterns`` asks to equal some value, if there is one."""
    common = None
    for pattern in patterns:
        fields = {c.field for c in pattern.checks if c.op == "eq" and not c.interval}
        common = fields if common is None else common & fields
    return min(common) if common else None


class PythonMatcher:
    """Matches the program's alternatives of the given roles over one profile's facts."""

    def __init__(self, program: Program, roles: tuple[str, ...] = ("considers", "outcome", "absent")):
        distinct: dict[CompiledPattern, int] = {}
        alternatives = []
        for alt in program.alternatives:
            if alt.action.role in roles:
                alternatives.append((alt.action, tuple(distinct.setdefault(p, len(distinct)) for p in alt.patterns)))
        patterns = list(distinct)
        functions = pattern_functions(patterns)
        #: Per fact type, the (pattern number, function) of the patterns on it; where every
        #: pattern on a type asks one text field to equal a value (an assessment's
        #: criterion), (field, value -> those patterns), so a fact meets only its own.
        self.by_type: dict[str, list[tuple[int, Truth]]] = {}
        self.keyed: dict[str, tuple[str, dict[str, list[tuple[int, Truth]]]]] = {}
        for k, pattern in enumerate(patterns):
            self.by_type.setdefault(pattern.fact, []).append((k, functions[k]))
        for fact_type, entries in self.by_type.items():
            key = _common_key([patterns[k] for k, _ in entries])
            if key is not None:
                table: dict[str, list[tuple[int, Truth]]] = {}
                for k, truth in entries:
                    value = next(c.value for c in patterns[k].checks if c.field == key and c.op == "eq")
                    table.setdefault(value, []).append((k, truth))
                self.keyed[fact_type] = (key, table)
        self.count = len(patterns)
        #: Alternatives of one pattern, by that pattern; joins (several patterns) apart.
        self.single: dict[int, list] = {}
        self.joins = []
        for action, numbers in alternatives:
            if len(numbers) == 1:
                self.single.setdefault(numbers[0], []).append(action)
            else:
                self.joins.append((action, numbers))

    def match(self, facts: list[Fact]) -> list[Match]:
        # For each pattern that some fact may match: the facts it matches possibly and surely, in fact order.
        hits: dict[int, tuple[list[int], list[int]]] = {}
        by_type, keyed = self.by_type, self.keyed
        for fact in facts:
            if fact.type in keyed:
                key, table = keyed[fact.type]
                entries = table.get(fact.fields[key], ())
            else:
                entries = by_type.get(fact.type, ())
            for k, truth in entries:
                value = truth(fact.fields)
                if value is not False:
                    found = hits.get(k)
                    if found is None:
                        found = hits[k] = ([], [])
                    found[0].append(fact.fid)
                    if value:
                        found[1].append(fact.fid)
        matches = []
        single = self.single
        for k, (possible, surely) in hits.items():
            for action in single.get(k, ()):
                if len(surely) == len(possible):
                    matches += [(action, (fid,), True) for fid in possible]
                else:
                    matches += [(action, (fid,), fid in surely) for fid in possible]
        for action, numbers in self.joins:
            if not all(k in hits for k in numbers):
                continue
            certain = set(itertools.product(*(hits[k][1] for k in numbers)))
            matches.extend((action, combination, combination in certain)
                           for combination in itertools.product(*(hits[k][0] for k in numbers)))
        return matches
