"""The durable-rules matcher (the default): the compiled patterns run by
durable-rules' Rete network, on a private host.

What durable-rules decides here, and nothing more: which alternatives'
patterns match which facts of one profile — single-fact patterns, and joins
of several patterns (an alternative with ``all:``).  Which branch wins, the
``otherwise`` outcome, the evidence and the verdict are decided in Python by
``engine/decide/decide.py``.

This is the only module that imports durable-rules; its traps are recorded
in ``shared/DURABLE_RULES.md`` and handled here:

* one private host per process, with its background timer threads switched
  off (they segfault with more than one live session), and each program's
  ruleset registered once, from a deep copy;
* actions are named strings resolved by ``get_action``, with exactly one
  parameter so that they run synchronously;
* facts are asserted one at a time, each with a unique ``fid``; dates reach
  the core as day numbers, never as strings;
* every session ends with a ``$close`` fact whose no-op rule guarantees an
  action ran before ``delete_state`` (which segfaults otherwise), and one
  session is live at a time;
* an exception inside an action is stored in the state, not raised: it is
  checked after every assertion and becomes an :class:`EngineError`;
* no negation: only positive patterns are compiled.
"""

from __future__ import annotations

import copy
import itertools

from ...errors import EngineError
from ..compile import Check, CompiledPattern, Program
from ..facts import Fact
from .base import Match

CLOSE = "$close"
_ORDERING = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}


def _tests(check: Check) -> list[dict]:
    """durable-rules' JSON tests for one check (it has no `in`: an `$or` of equalities)."""
    name, value = check.field, check.value
    if check.op == "eq":
        return [{name: value}]
    if check.op == "ne":
        return [{"$neq": {name: value}}]
    if check.op in _ORDERING:
        return [{_ORDERING[check.op]: {name: value}}]
    if check.op == "in":
        return [{name: value[0]}] if len(value) == 1 else [{"$or": [{name: v} for v in value]}]
    if check.op == "not_in":
        return [{"$neq": {name: v}} for v in value]
    if check.op == "present":
        return [{"$neq": {name: ""}}] if value else [{name: ""}]
    raise ValueError(f"unknown operator {check.op!r}")


def _condition(pattern: CompiledPattern) -> dict:
    tests = [{"type": pattern.fact}] + [t for check in pattern.checks for t in _tests(check)]
    return tests[0] if len(tests) == 1 else {"$and": tests}


def ruleset(program: Program) -> tuple[dict, dict]:
    """(durable-rules' JSON ruleset of the program's outcome alternatives, action of each rule)."""
    definition, actions = {}, {}
    for alternative in program.of_role("outcome"):
        definition[alternative.name] = {"all": [{f"f{k}": _condition(p)} for k, p in enumerate(alternative.patterns)],
                                        "run": alternative.name}
        actions[alternative.name] = alternative.action
    definition[CLOSE] = {"all": [{"f0": {"type": CLOSE}}], "run": CLOSE}
    return definition, actions


class _Host:
    """The process's one durable-rules host (created on first use)."""

    _instance = None

    @classmethod
    def get(cls):
        if cls._instance is None:
            cls._instance = _make_host()
        return cls._instance


def _make_host():
    from durable import engine as durable_engine  # heavy: import only when screening

    class Host(durable_engine.Host):
        def __init__(self):
            self.sink: list = []
            self.registered: set[str] = set()
            super().__init__()

        def _run(self):
            """No background dispatch: we need no timers, and it segfaults."""

        def get_action(self, action_name):
            sink = self.sink

            def record(c):
                sink.append((action_name, c._m))

            return record

    host = Host()
    host.durable = durable_engine
    return host


_sessions = itertools.count(1)


class DurableMatcher:
    """Matches the program's outcome alternatives with durable-rules."""

    def __init__(self, program: Program):
        self.name = program.name
        self.definition, self.actions = ruleset(program)

    def match(self, facts: list[Fact]) -> list[Match]:
        """Assert one profile's facts in a fresh session; the (action, fids) of the rules that fired."""
        host = _Host.get()
        durable = host.durable
        if self.name not in host.registered:
            host.register_rulesets({self.name: copy.deepcopy(self.definition)})
            host.registered.add(self.name)
        sid = f"s{next(_sessions)}"
        host.sink.clear()
        try:
            for fact in [*facts, Fact(len(facts), CLOSE, {}, {})]:
                message = {"type": fact.type, **fact.fields, "fid": fact.fid, "sid": sid}
                try:
                    state = host.assert_fact(self.name, message)
                except durable.MessageNotHandledException:
                    continue  # no rule looks at this fact
                except durable.MessageObservedException:
                    raise EngineError("engine_failure", {"profile": sid, "reason": "fact identity collision"}) from None
                if state and state.get("exception"):
                    raise EngineError("engine_failure", {"profile": sid, "reason": str(state["exception"])})
        finally:
            # delete_state on a session where no action ran segfaults; the $close
            # rule makes one run, unless an error cut the session short before it.
            if host.sink:
                host.delete_state(self.name, sid)
        matches = []
        for name, matched in host.sink:
            if name != CLOSE:
                matches.append((self.actions[name], tuple(matched[f"f{k}"]["fid"] for k in range(len(matched)))))
        return matches
