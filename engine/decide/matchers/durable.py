"""The durable-rules matcher (the default): the compiled patterns run by
durable-rules' Rete network, on a private host.

What durable-rules decides here, and nothing more: which alternatives'
patterns match which facts of one profile — single-fact patterns, and joins
of several patterns (an alternative with ``all:``) — and, for a test on a
date or a number that a fact holds as an interval, whether it matches for
every value of the interval or for some: each such alternative is compiled
twice, once on the bounds that make every value match, once on those that
make some value match.  Which branch wins, the ``otherwise`` outcome, the
evidence and the verdict are decided in Python by ``engine/decide/decide.py``.

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
import logging
import os
import sys

from ...errors import EngineError
from ..compile import Check, CompiledPattern, Program
from ..facts import HI, Fact
from .base import Match

CLOSE = "$close"
#: The name of the rule that matches an alternative for some value of an interval (not every one).
POSSIBLY = "~possibly"
_ORDERING = {"lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte"}
#: For each comparison over an interval [F, F__hi]: the bound to test so that every value
#: satisfies it, and the bound so that some value does.
_EVERY = {"lt": HI, "lte": HI, "gt": "", "gte": ""}
_SOME = {"lt": "", "lte": "", "gt": HI, "gte": HI}


def _interval_tests(check: Check, every: bool) -> list[dict]:
    low, high, value = check.field, check.field + HI, check.value
    if check.op in _ORDERING:
        bound = check.field + (_EVERY if every else _SOME)[check.op]
        return [{_ORDERING[check.op]: {bound: value}}]
    if check.op == "eq":
        return [{low: value}, {high: value}] if every else [{"$lte": {low: value}}, {"$gte": {high: value}}]
    if check.op == "ne":
        return ([{"$or": [{"$lt": {high: value}}, {"$gt": {low: value}}]}] if every
                else [{"$or": [{"$neq": {low: value}}, {"$neq": {high: value}}]}])
    raise ValueError(f"a date or number has no test {check.op!r}")


def _tests(check: Check, every: bool = True) -> list[dict]:
    """durable-rules' JSON tests for one check (it has no `in`: an `$or` of equalities)."""
    if check.interval:
        return _interval_tests(check, every)
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


def _condition(pattern: CompiledPattern, every: bool) -> dict:
    tests = [{"type": pattern.fact}] + [t for check in pattern.checks for t in _tests(check, every)]
    return tests[0] if len(tests) == 1 else {"$and": tests}


def ruleset(program: Program) -> tuple[dict, dict]:
    """(durable-rules' JSON ruleset of the program's outcome alternatives, (action, certain) of each rule)."""
    definition, actions = {}, {}
    for alternative in program.of_role("outcome"):
        uncertain = any(check.interval for p in alternative.patterns for check in p.checks)
        for every, name in ((True, alternative.name), (False, alternative.name + POSSIBLY)):
            if not every and not uncertain:
                continue  # no interval: every match is certain
            definition[name] = {"all": [{f"f{k}": _condition(p, every)} for k, p in enumerate(alternative.patterns)],
                                "run": name}
            actions[name] = (alternative.action, every)
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


def _durable_engine():
    """durable-rules' engine module, imported so that it also loads on Python 3.13.

    durable-rules 2.0.28's C extension refers to ``PyEval_CallObject``, which
    Python 3.13 no longer has, in its persistence callbacks only; sangloc never
    sets them.  Loading the extension with lazy symbol binding defers that
    lookup to a call that never comes (on 3.11 and 3.12 the symbol exists and
    nothing changes)."""
    if sys.version_info >= (3, 13) and "durable_rules_engine" not in sys.modules:
        flags = sys.getdlopenflags()
        sys.setdlopenflags((flags & ~os.RTLD_NOW) | os.RTLD_LAZY)
        try:
            import durable_rules_engine  # noqa: F401
        finally:
            sys.setdlopenflags(flags)
    from durable import engine

    # durable-rules logs any exception raised while it runs an action (Ctrl-C
    # included) to stderr before handing it back; sangloc reports the exception
    # itself, in words, so durable's own log lines are dropped.
    quiet = logging.getLogger("durable")
    if not quiet.handlers:
        quiet.addHandler(logging.NullHandler())
        quiet.propagate = False
    return engine


def _make_host():
    durable_engine = _durable_engine()  # heavy: import only when screening

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
        certain, possible = [], []
        for name, matched in host.sink:
            if name != CLOSE:
                action, every = self.actions[name]
                (certain if every else possible).append((action, tuple(matched[f"f{k}"]["fid"]
                                                                       for k in range(len(matched)))))
        sure = set(certain)
        return ([(action, fids, True) for action, fids in dict.fromkeys(certain)]
                + [(action, fids, False) for action, fids in dict.fromkeys(possible) if (action, fids) not in sure])
