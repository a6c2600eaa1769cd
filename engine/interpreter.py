"""A second executor of the compiled rules: durable-rules' JSON condition form,
interpreted in plain Python (``--engine python``).

It reads the very definition the compiler registers with durable-rules — no
second translation of the pack — and reports the same ``(action, fact ids)``
matches, so decisions and evidence are identical by construction of the
evaluation step, and any difference between the two executors is a bug in
one of them (the differential tests look for exactly that).  It is also
much faster: no JSON round trip per fact and per action.

Supported, because it is all the compiler emits: ``{field: value}``
equality, ``$and``, ``$or``, ``$neq``, ``$lt``, ``$lte``, ``$gt``, ``$gte``,
and rules of one or more independent patterns (``all``).  Anything else is
refused when the definition is loaded, never silently misread.
"""

from __future__ import annotations

import itertools
import operator
from typing import Callable

from engine.compiler import CLOSE, Action, CompiledPack
from engine.errors import EngineError
from engine.facts import Fact

_COMPARE = {"$neq": operator.ne, "$lt": operator.lt, "$lte": operator.le, "$gt": operator.gt,
            "$gte": operator.ge}

Predicate = Callable[[dict], bool]


def _condition(node) -> Predicate:
    """A predicate over one fact's message, from one JSON condition node."""
    if not isinstance(node, dict) or len(node) != 1:
        raise EngineError("engine_failure", {"profile": "-", "reason": f"unsupported condition {node!r}"})
    (key, value), = node.items()
    if key == "$and":
        flat = [_simple(part) for part in value]
        if all(flat):  # the common case: a conjunction of field tests, checked in one loop
            tests = tuple(flat)

            def conjunction(fact):
                for name, compare, expected in tests:
                    if name not in fact or not compare(fact[name], expected):
                        return False
                return True

            return conjunction
        parts = tuple(_condition(part) for part in value)
        return lambda fact: all(part(fact) for part in parts)
    if key == "$or":
        parts = tuple(_condition(part) for part in value)
        return lambda fact: any(part(fact) for part in parts)
    if key in _COMPARE:
        (name, expected), = value.items()
        compare = _COMPARE[key]
        return lambda fact: name in fact and compare(fact[name], expected)
    if key.startswith("$"):
        raise EngineError("engine_failure", {"profile": "-", "reason": f"unsupported operator {key}"})
    return lambda fact: key in fact and fact[key] == value


def _simple(node):
    """(field, comparison, value) for a single field test, else None."""
    if not isinstance(node, dict) or len(node) != 1:
        return None
    (key, value), = node.items()
    if key in _COMPARE and isinstance(value, dict) and len(value) == 1:
        (name, expected), = value.items()
        return name, _COMPARE[key], expected
    if not key.startswith("$"):
        return key, operator.eq, value
    return None


def _pattern(node) -> tuple[str | None, Predicate]:
    """(fact type the pattern requires, predicate for the rest): facts are indexed by type."""
    if isinstance(node, dict) and list(node) == ["type"]:
        return node["type"], lambda fact: True
    if isinstance(node, dict) and list(node) == ["$and"]:
        parts = node["$and"]
        types = [p["type"] for p in parts if isinstance(p, dict) and list(p) == ["type"]]
        if len(types) == 1:
            rest = [p for p in parts if not (isinstance(p, dict) and list(p) == ["type"])]
            return types[0], _condition({"$and": rest})
    return None, _condition(node)


class Interpreter:
    """Evaluates one compiled pack's rules over one profile's facts."""

    def __init__(self, compiled: CompiledPack, roles: tuple[str, ...] = ("considers", "outcome")):
        self.rules: list[tuple[Action, list[tuple[str | None, Predicate]]]] = []
        for name, rule in compiled.definition.items():
            if name == CLOSE or compiled.actions[name].role not in roles:
                continue
            patterns = rule.get("all")
            if not patterns or set(rule) - {"all", "run"}:
                raise EngineError("engine_failure", {"profile": "-", "reason": f"unsupported rule {name}"})
            predicates = []
            for k, pattern in enumerate(patterns):
                if list(pattern) != [f"f{k}"]:
                    raise EngineError("engine_failure", {"profile": "-", "reason": f"unsupported pattern in {name}"})
                predicates.append(_pattern(pattern[f"f{k}"]))
            self.rules.append((compiled.actions[name], predicates))

    def run(self, facts: list[Fact]) -> list[tuple[Action, tuple[int, ...]]]:
        by_type: dict[str | None, list[tuple[int, dict]]] = {None: []}
        for fact in facts:
            message = (fact.fid, {"type": fact.type, **fact.fields})
            by_type.setdefault(fact.type, []).append(message)
            by_type[None].append(message)
        fired = []
        for action, predicates in self.rules:
            candidates = []
            for fact_type, predicate in predicates:
                matching = [fid for fid, message in by_type.get(fact_type, ()) if predicate(message)]
                if not matching:
                    break
                candidates.append(matching)
            else:
                fired.extend((action, combination) for combination in itertools.product(*candidates))
        return fired
