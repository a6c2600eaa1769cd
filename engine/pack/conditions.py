"""The rule language's syntax tree: a pattern's ``where`` -> typed tests.

A pattern names a fact and tests its fields::

    fact: position
    where:
      category: key_district             # equality with a literal
      start: {lte: {param: as_of}}       # an operator, with a pack parameter
      rated_years: {gte: 1}

:func:`parse` turns that into a :class:`Condition` (the fact and a tuple of
:class:`Test`), checking every name against the vocabulary, every value
against its field's type and every parameter against the pack: a problem is
reported with the path of the node that holds it.  The compiler, the
matchers and ``rules show`` all read the same tree; nothing walks ``where``
as a dict again.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import date
from typing import Any

from .vocabulary import CATALOG_FIELDS, FACT_FIELDS

OPERATORS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "present")
ORDERING = ("gt", "gte", "lt", "lte")
#: The parameter that stands for the as-of date of the run (not a pack parameter).
AS_OF = "as_of"


@dataclass(frozen=True)
class AsOf:
    """The as-of date, known only when the pack is compiled for a run."""


@dataclass(frozen=True)
class Test:
    """One test of one field: ``field op value``.

    ``value`` is typed by the field: a text code, an integer, a ``date`` or
    :class:`AsOf`; a tuple of those for ``in``/``not_in``; a bool for
    ``present``.  ``param`` names the pack parameter it was read from.
    """

    field: str
    op: str
    value: Any
    param: str | None = None


@dataclass(frozen=True)
class Condition:
    fact: str
    tests: tuple[Test, ...]

    @property
    def fields(self) -> set[str]:
        return {test.field for test in self.tests}


#: A problem: (path relative to the pattern, message code, parameters).
Problem = tuple[tuple, str, dict]


class _Parser:
    def __init__(self, parameters: dict, catalog, assessment_ids: set[str]):
        self.parameters = parameters
        self.catalog = catalog
        self.assessment_ids = assessment_ids
        self.problems: list[Problem] = []

    def pattern(self, fact: str, where: dict) -> Condition | None:
        fields = FACT_FIELDS.get(fact)
        if fields is None:
            self._problem(("fact",), "pack_unknown_fact", value=fact, known=", ".join(FACT_FIELDS),
                          suggestions=difflib.get_close_matches(fact, list(FACT_FIELDS), n=1))
            return None
        tests: list[Test] = []
        before = len(self.problems)
        for name, written in where.items():
            kind = fields.get(name)
            if kind is None:
                self._problem(("where", name), "pack_unknown_field", fact=fact, value=name,
                              suggestions=difflib.get_close_matches(str(name), list(fields), n=2))
                continue
            ops = written if isinstance(written, dict) and "param" not in written else {"eq": written}
            for op, value in ops.items():
                at = ("where", name) + ((op,) if ops is written else ())
                test = self._test(at, fact, name, kind, op, value)
                if test is not None:
                    tests.append(test)
        return Condition(fact, tuple(tests)) if len(self.problems) == before else None

    def _test(self, at, fact, name, kind, op, value) -> Test | None:
        if op not in OPERATORS:
            self._problem(at, "pack_unknown_operator", value=op, known=", ".join(OPERATORS),
                          suggestions=difflib.get_close_matches(str(op), OPERATORS, n=1))
            return None
        if op == "present":
            if kind != "str" or not isinstance(value, bool):
                self._problem(at, "pack_present")
                return None
            return Test(name, op, value)
        param = value.get("param") if isinstance(value, dict) else None
        resolved = self._resolve(at, value)
        if resolved is None:
            return None
        if op in ("in", "not_in"):
            if kind != "str":
                # A date or a number may be known only as an interval; a list test on it has no
                # exact three-valued reading the matchers share.
                self._problem(at, "pack_list_on_interval", value=op)
                return None
            if not isinstance(resolved, list) or not resolved:
                self._problem(at, "pack_empty_list", value=op)
                return None
            values = [self._scalar(at, fact, name, kind, v, param) for v in resolved]
            return None if None in values else Test(name, op, tuple(dict.fromkeys(values)), param)
        if op in ORDERING and kind == "str":
            self._problem(at, "pack_compare_text", value=op)
            return None
        scalar = self._scalar(at, fact, name, kind, resolved, param)
        return None if scalar is None else Test(name, op, scalar, param)

    def _resolve(self, at, value):
        if not isinstance(value, dict):
            return value
        if set(value) != {"param"}:
            self._problem(at, "pack_value_form")
            return None
        name = value["param"]
        if name == AS_OF:
            return AsOf()
        if not isinstance(name, str) or name not in self.parameters:
            self._problem(at, "pack_unknown_param", value=name,
                          suggestions=difflib.get_close_matches(str(name), [AS_OF, *self.parameters], n=2))
            return None
        return self.parameters[name]

    def _scalar(self, at, fact, name, kind, value, param):
        code, extra = ("pack_bad_param_value", {"param": param}) if param else ("pack_bad_value", {})
        if kind == "date":
            if isinstance(value, AsOf):
                return value
            if isinstance(value, str):
                try:
                    return date.fromisoformat(value)
                except ValueError:
                    pass
            self._problem(at, code, value=value, expected="date", **extra)
            return None
        if isinstance(value, AsOf):
            self._problem(at, code, value=AS_OF, expected="integer" if kind == "int" else "string", **extra)
            return None
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self._problem(at, code, value=value, expected="integer", **extra)
                return None
            return value
        if not isinstance(value, str):
            self._problem(at, code, value=value, expected="string", **extra)
            return None
        table = CATALOG_FIELDS.get((fact, name))
        if table == "title" and value not in self.catalog.titles:
            self._problem(at, "pack_unknown_title", value=value,
                          suggestions=difflib.get_close_matches(value, list(self.catalog.titles), n=2))
        if table == "category" and value not in self.catalog.categories:
            self._problem(at, "pack_unknown_category", value=value,
                          suggestions=difflib.get_close_matches(value, list(self.catalog.categories), n=2))
        if (fact, name) == ("assessment", "criterion") and value not in self.assessment_ids:
            self._problem(at, "pack_unknown_assessment", value=value,
                          suggestions=difflib.get_close_matches(value, sorted(self.assessment_ids), n=2))
        return value

    def _problem(self, at: tuple, code: str, **params) -> None:
        self.problems.append((at, code, params))


def parse(fact: str, where: dict, parameters: dict, catalog, assessment_ids: set[str]
          ) -> tuple[Condition | None, list[Problem]]:
    """One pattern's condition, or the problems that keep it from being one."""
    parser = _Parser(parameters, catalog, assessment_ids)
    condition = parser.pattern(fact, where)
    return condition, parser.problems
