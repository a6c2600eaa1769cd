"""Rule models -> durable-rules rulesets, and the private host that runs them.

This is the only module that imports durable-rules; its traps are recorded
in ``shared/DURABLE_RULES.md`` and handled here:

* one private :class:`_Host` per process, with its background timer threads
  switched off (they segfault with more than one live session) and rulesets
  registered once per (pack digest, as-of date), from a deep copy;
* actions are named strings resolved by ``get_action``, with exactly one
  parameter so that they run synchronously;
* facts are asserted one at a time, each with a unique ``fid``; dates reach
  the core as day numbers, never as strings;
* every session ends with a ``$close`` fact whose no-op rule guarantees an
  action ran before ``delete_state`` (which segfaults otherwise), and one
  session is live at a time;
* an exception inside an action is stored in the state, not raised: it is
  checked after every assertion and becomes an :class:`EngineError`;
* no negation: a rule's default outcome is decided afterwards, in Python,
  from which positive patterns fired (``engine/evaluate.py``).
"""

from __future__ import annotations

import copy
import difflib
import itertools
from dataclasses import dataclass
from datetime import date

from engine.errors import EngineError
from engine.facts import CATALOG_FIELDS, FACT_FIELDS, Fact

_OPS = ("eq", "ne", "in", "not_in", "gt", "gte", "lt", "lte", "present")
_COMPARE = {"gt": "$gt", "gte": "$gte", "lt": "$lt", "lte": "$lte"}
#: durable-rules' own limits (shared/DURABLE_RULES.md); past some it hangs.
MAX_PATTERNS_PER_RULE = 16
MAX_RULES = 4096
MAX_DISTINCT_TESTS = 512
CLOSE = "$close"


@dataclass(frozen=True)
class Action:
    """What one durable rule means: which pack rule, which role, which branch."""

    rule_id: str
    role: str  # "considers" or "outcome"
    branch: int
    alternative: int


@dataclass(frozen=True)
class CompiledPack:
    name: str
    #: Every compiled rule: outcome branches and the `considers` evidence filters.
    definition: dict
    actions: dict[str, Action]

    def decisive(self) -> dict:
        """The rules that decide outcomes (what durable-rules runs); `considers`
        rules only select the evidence of a default outcome."""
        return {name: rule for name, rule in self.definition.items()
                if name == CLOSE or self.actions[name].role == "outcome"}


class _Conditions:
    """Turns one pattern's ``where`` into durable-rules tests, or problems.

    A problem is ``(path, code, params)``, its path relative to the pack's
    list of rules: ``(rule index, "outcomes", 0, "when", 1, "all", 0, "where", field, op)``.
    """

    def __init__(self, parameters: dict, catalog, as_of: date, assessment_ids: set[str]):
        self.parameters = parameters
        self.catalog = catalog
        self.as_of = as_of
        self.assessment_ids = assessment_ids
        self.problems: list[tuple[tuple, str, dict]] = []
        self.tests: set[str] = set()

    def pattern(self, path: tuple, fact: str, where: dict) -> dict | None:
        fields = FACT_FIELDS.get(fact)
        if fields is None:
            self._problem(path + ("fact",), "pack_unknown_fact", value=fact, known=", ".join(FACT_FIELDS),
                          suggestions=difflib.get_close_matches(fact, list(FACT_FIELDS), n=1))
            return None
        tests: list = [{"type": fact}]
        for name, test in where.items():
            kind = fields.get(name)
            if kind is None:
                self._problem(path + ("where", name), "pack_unknown_field", fact=fact, value=name,
                              suggestions=difflib.get_close_matches(name, list(fields), n=2))
                continue
            ops = test if isinstance(test, dict) and "param" not in test else {"eq": test}
            for op, value in ops.items():
                at = path + ("where", name) + ((op,) if ops is test else ())
                tests.extend(self._test(at, fact, name, kind, op, value))
        for test in tests:
            self.tests.add(repr(test))
        return tests[0] if len(tests) == 1 else {"$and": tests}

    def _test(self, path, fact, name, kind, op, value) -> list:
        if op not in _OPS:
            self._problem(path, "pack_unknown_operator", value=op, known=", ".join(_OPS),
                          suggestions=difflib.get_close_matches(str(op), _OPS, n=1))
            return []
        if op == "present":
            if kind != "str" or not isinstance(value, bool):
                self._problem(path, "pack_present")
                return []
            return [{"$neq": {name: ""}}] if value else [{name: ""}]
        param = value.get("param") if isinstance(value, dict) else None
        value = self._resolve(path, value)
        if value is None:
            return []
        if op in ("in", "not_in"):
            if not isinstance(value, list) or not value:
                self._problem(path, "pack_empty_list", value=op)
                return []
            values = [self._scalar(path, fact, name, kind, v, param) for v in value]
            if None in values:
                return []
            if op == "not_in":
                return [{"$neq": {name: v}} for v in values]
            return [{name: values[0]}] if len(values) == 1 else [{"$or": [{name: v} for v in values]}]
        scalar = self._scalar(path, fact, name, kind, value, param)
        if scalar is None:
            return []
        if op == "eq":
            return [{name: scalar}]
        if op == "ne":
            return [{"$neq": {name: scalar}}]
        if kind == "str":
            self._problem(path, "pack_compare_text", value=op)
            return []
        return [{_COMPARE[op]: {name: scalar}}]

    def _resolve(self, path, value):
        if isinstance(value, dict):
            if set(value) != {"param"}:
                self._problem(path, "pack_value_form")
                return None
            name = value["param"]
            if name == "as_of":
                return self.as_of
            if name not in self.parameters:
                self._problem(path, "pack_unknown_param", value=name,
                              suggestions=difflib.get_close_matches(str(name), ["as_of", *self.parameters], n=2))
                return None
            return self.parameters[name]
        return value

    def _scalar(self, path, fact, name, kind, value, param):
        code, extra = ("pack_bad_param_value", {"param": param}) if param else ("pack_bad_value", {})
        if kind == "date":
            if isinstance(value, date):
                return value.toordinal()
            try:
                return date.fromisoformat(value).toordinal()
            except (TypeError, ValueError):
                self._problem(path, code, value=value, expected="date", **extra)
                return None
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self._problem(path, code, value=value, expected="integer", **extra)
                return None
            return value
        if not isinstance(value, str):
            self._problem(path, code, value=value, expected="string", **extra)
            return None
        table = CATALOG_FIELDS.get((fact, name))
        if table == "title" and value not in self.catalog.titles:
            self._problem(path, "pack_unknown_title", value=value,
                          suggestions=difflib.get_close_matches(value, list(self.catalog.titles), n=2))
        if table == "category" and value not in self.catalog.categories:
            self._problem(path, "pack_unknown_category", value=value,
                          suggestions=difflib.get_close_matches(value, list(self.catalog.categories), n=2))
        if (fact, name) == ("assessment", "criterion") and value not in self.assessment_ids:
            self._problem(path, "pack_unknown_assessment", value=value,
                          suggestions=difflib.get_close_matches(value, sorted(self.assessment_ids), n=2))
        return value

    def _problem(self, path: tuple, code: str, **params) -> None:
        self.problems.append((path, code, params))


def _assessment_ids(spec, rules) -> set[str]:
    return {a.id for a in spec.assessments} | {r.id for r in rules if r.kind == "judgement"}


def _build(spec, rules, catalog, as_of: date) -> tuple[dict, dict[str, Action], list]:
    conditions = _Conditions(spec.parameters, catalog, as_of, _assessment_ids(spec, rules))
    definition: dict = {}
    actions: dict[str, Action] = {}

    def add(name: str, action: Action, path: tuple, patterns) -> None:
        compiled = [conditions.pattern(path + (k,), p.fact, p.where) for k, p in enumerate(patterns)]
        if len(compiled) > MAX_PATTERNS_PER_RULE:
            conditions._problem(path, "pack_limit", detail=f"more than {MAX_PATTERNS_PER_RULE} patterns")
        if None in compiled:
            return
        definition[name] = {"all": [{f"f{k}": c} for k, c in enumerate(compiled)], "run": name}
        actions[name] = action

    for i, rule in enumerate(rules):
        for k, pattern in enumerate(rule.considers):
            add(f"{rule.id}/considers/{k}", Action(rule.id, "considers", -1, k), (i, "considers"), [pattern])
        for b, branch in enumerate(rule.outcomes):
            for a, alternative in enumerate(branch.when):
                add(f"{rule.id}/{b}/{a}", Action(rule.id, "outcome", b, a),
                    (i, "outcomes", b, "when", a, "all"), alternative.all)
    definition[CLOSE] = {"all": [{"f0": {"type": CLOSE}}], "run": CLOSE}
    actions[CLOSE] = Action(CLOSE, "close", -1, -1)
    if len(definition) > MAX_RULES:
        conditions._problem((), "pack_limit", detail=f"more than {MAX_RULES} compiled rules")
    if len(conditions.tests) > MAX_DISTINCT_TESTS:
        conditions._problem((), "pack_limit", detail=f"more than {MAX_DISTINCT_TESTS} distinct tests")
    return definition, actions, conditions.problems


def condition_problems(spec, rules, catalog, as_of: date) -> list[tuple[tuple, str, dict]]:
    """Every problem compiling the pack's conditions would meet (at ``as_of``)."""
    return _build(spec, rules, catalog, as_of)[2]


def compile_pack(pack, as_of: date) -> CompiledPack:
    definition, actions, problems = _build(pack.spec, pack.rules, pack.catalog, as_of)
    if problems:  # a loaded pack compiled once already: this is sangloc's bug, not the user's
        raise EngineError("engine_failure", {"profile": "-", "reason": repr(problems[0])})
    name = f"{pack.id}:{pack.digest[7:23]}:{as_of.isoformat()}"
    return CompiledPack(name, definition, actions)


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


def run_facts(compiled: CompiledPack, facts: list[Fact]) -> list[tuple[Action, tuple[int, ...]]]:
    """Assert one profile's facts in a fresh session; the (action, fids) of the
    decisive rules that fired."""
    host = _Host.get()
    durable = host.durable
    if compiled.name not in host.registered:
        host.register_rulesets({compiled.name: copy.deepcopy(compiled.decisive())})
        host.registered.add(compiled.name)
    sid = f"s{next(_sessions)}"
    host.sink.clear()
    try:
        for fact in [*facts, Fact(len(facts), CLOSE, {}, {})]:
            message = {"type": fact.type, **fact.fields, "fid": fact.fid, "sid": sid}
            try:
                state = host.assert_fact(compiled.name, message)
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
            host.delete_state(compiled.name, sid)
    fired = []
    for name, matched in host.sink:
        if name == CLOSE:
            continue
        fids = tuple(matched[f"f{k}"]["fid"] for k in range(len(matched)))
        fired.append((compiled.actions[name], fids))
    return fired
