"""The durable-rules matcher (the default): the compiled patterns run by
durable-rules' Rete network, through its C core's own interface.

What durable-rules decides here, and nothing more: which alternatives'
patterns match which facts of one profile — single-fact patterns, and joins
of several patterns (an alternative with ``all:``) — and, for a test on a
date or a number that a fact holds as an interval, whether it matches for
every value of the interval or for some: each such alternative is compiled
twice, once on the bounds that make every value match, once on those that
make some value match.  Which branch wins, the ``otherwise`` outcome, the
evidence and the verdict are decided in Python by ``engine/decide/decide.py``.

This is the only module that imports durable-rules.  It calls the C
extension (``durable_rules_engine``) directly, without durable's Python
``Host``: that wrapper encoded every fact and every action as JSON one at a
time (about 90 % of the time, 10–15 round trips a profile).  Its traps are
recorded in ``shared/DURABLE_RULES.md`` and handled here:

* one ruleset per program, created once per process and never freed; no
  background timer threads (only the ``Host`` wrapper starts them);
* one round trip a profile: its facts are asserted in one ``assert_facts``
  call, each with an explicit ``id`` unique within the profile (so the
  core's 32-bit content hash never names two facts the same), after a
  constant ``$open`` fact that no rule matches, which makes the session
  exist before any fact of the profile is read, and before a final
  ``$close`` fact whose rule is defined last: its action being the last one
  drained proves the core read the whole batch (a fact it cannot parse ends
  the batch silently);
* one session, durable's default (``"0"``), live at a time, deleted after
  every profile; it was primed once, by running an action in it, because
  ``delete_state`` on a session where no action ever started segfaults and
  each later session reuses the primed slot (checked on every profile);
* actions are drained with ``start_action_for_state`` /
  ``complete_and_start_action`` and never written back (no ``update_state``):
  sangloc reads only which facts each rule matched;
* a rule with an ``$or`` fires once per branch its fact satisfies: the
  matches are made unique here;
* dates reach the core as day numbers, never as strings; no negation: only
  positive patterns are compiled;
* a fact is written with only the fields some outcome pattern tests, from a
  template made once per fact type (``fact_forms``);
* glibc's allocator is told to keep freed memory instead of returning it to
  the system after each session (measured: 90–160 µs a profile otherwise).
"""

from __future__ import annotations

import copy
import json
import operator
import os
import sys
from json.encoder import encode_basestring

from ...errors import EngineError
from ..compile import Check, CompiledPattern, Program
from ...pack.vocabulary import FACT_FIELDS
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


class DriverError(RuntimeError):
    """The core did not do what a profile's round trip needs."""


#: A fact that no rule matches, asserted first: the session exists before the profile's facts.
_OPEN = '{"id":"open","type":"$open"}'
_SID = "0"  # the session of facts that name none
#: At most this many facts a profile (the profile model's bounds allow about 230).
MAX_FACTS = 1024
_CLOSE_FRAME = '{"' + CLOSE + '":'


def _fnv1_32(text: str) -> int:
    """The core's fnv1Hash32, by which it indexes message ids."""
    value = 0x811C9DC5
    for byte in text.encode():
        value ^= byte if byte < 128 else (byte - 256) & 0xFFFFFFFF  # C's char is signed
        value = (value * 16777619) & 0xFFFFFFFF
    return value


def _engine():
    """durable-rules' C extension, imported so that it also loads on Python 3.13.

    durable-rules 2.0.28's C extension refers to ``PyEval_CallObject``, which
    Python 3.13 no longer has, in its persistence callbacks only; sangloc never
    sets them.  Loading the extension with lazy symbol binding defers that
    lookup to a call that never comes (on 3.11 and 3.12 the symbol exists and
    nothing changes)."""
    if "durable_rules_engine" not in sys.modules and sys.version_info >= (3, 13):
        flags = sys.getdlopenflags()
        sys.setdlopenflags((flags & ~os.RTLD_NOW) | os.RTLD_LAZY)
        try:
            import durable_rules_engine  # noqa: F401
        finally:
            sys.setdlopenflags(flags)
    import durable_rules_engine

    return durable_rules_engine


def _keep_freed_memory() -> None:
    """Each session allocates about 0.3 MB of index arrays and frees them when deleted;
    by default glibc then gives that memory back to the system and takes it again for
    the next profile.  Fixed thresholds stop that (process-wide; nothing off glibc)."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-1, 256 << 20)  # M_TRIM_THRESHOLD
        libc.mallopt(-3, 32 << 20)   # M_MMAP_THRESHOLD
    except (OSError, AttributeError):
        pass


class _Ruleset:
    """One program's ruleset in the core, with its primed session slot."""

    def __init__(self, name: str, definition: dict):
        core = _engine()
        rules = {rule: {"all": body["all"]} for rule, body in definition.items() if rule != CLOSE}
        rules[CLOSE] = {"all": [{"f0": {"type": CLOSE}}]}  # last: its action is drained last
        hashes = {_fnv1_32(str(i)) for i in range(MAX_FACTS + 1)} | {_fnv1_32("sid-" + _SID), _fnv1_32("open")}
        if len(hashes) != MAX_FACTS + 3:
            raise DriverError("message ids would collide")
        _keep_freed_memory()
        self.handle = core.create_ruleset(name, json.dumps(rules, ensure_ascii=False))
        # Prime the session slot: an action must have started in it before any delete_state.
        _code, slot = core.assert_facts(self.handle, '[{"id":0,"type":"%s"}]' % CLOSE)
        if core.start_action_for_state(self.handle, slot) is None:
            raise DriverError("the priming session ran no action")
        while core.complete_and_start_action(self.handle, slot):
            pass
        core.delete_state(self.handle, _SID)
        self.slot = slot

    def run(self, payload: str) -> list[str]:
        """Every action's frame (rule name -> matched facts, as JSON), the $close one last."""
        core = _engine()
        handle, frames = self.handle, []
        try:
            code, slot = core.assert_facts(handle, payload)
            if slot != self.slot:
                raise DriverError(f"the session was not created in its slot ({slot})")
            if code == 2:
                raise DriverError("a fact id was asserted twice")
            started = core.start_action_for_state(handle, slot)
            if started is not None:
                frames.append(started[1])
                frame = core.complete_and_start_action(handle, slot)
                while frame:
                    frames.append(frame)
                    frame = core.complete_and_start_action(handle, slot)
            if not frames or not frames[-1].startswith(_CLOSE_FRAME):
                raise DriverError("the core did not read every fact")
        finally:
            try:
                core.delete_state(handle, _SID)
            except core.error:
                pass  # no session was created
        return frames


#: The rulesets of this process, by program name (the core never frees one).
_rulesets: dict[str, _Ruleset] = {}


class DurableMatcher:
    """Matches the program's outcome alternatives with durable-rules."""

    def __init__(self, program: Program):
        self.name = program.name
        self.definition, self.actions = ruleset(program)
        self.patterns = {name: int(len(body["all"])) for name, body in self.definition.items()}
        self.forms = fact_forms(program)

    def _ruleset(self) -> _Ruleset:
        found = _rulesets.get(self.name)
        if found is None:
            found = _rulesets[self.name] = _Ruleset(self.name, copy.deepcopy(self.definition))
        return found

    def match(self, facts: list[Fact]) -> list[Match]:
        """Assert one profile's facts in one round trip; the (action, fids) of the rules that fired."""
        if len(facts) >= MAX_FACTS:
            raise EngineError("engine_failure", {"profile": "", "reason": f"more than {MAX_FACTS} facts"})
        rules = self._ruleset()
        try:
            forms = self.forms
            texts = [_fact_text(fact, forms[fact.type]) for fact in facts]
            frames = rules.run("[" + ",".join([_OPEN, *texts, '{"id":%d,"type":"%s"}' % (len(facts), CLOSE)]) + "]")
        except (DriverError, ValueError) as err:
            raise EngineError("engine_failure", {"profile": "", "reason": str(err)}) from None
        except Exception as err:  # the core's own error
            raise EngineError("engine_failure", {"profile": "", "reason": repr(err)}) from None
        # (rule, fids) made unique: a rule with an $or fires once per branch its fact satisfies.
        fired = dict.fromkeys(_matched(frame, texts, self.patterns) for frame in frames[:-1])
        actions = self.actions
        certain = {(actions[name][0], fids): None for name, fids in fired if actions[name][1]}
        possible = {(actions[name][0], fids): None for name, fids in fired if not actions[name][1]}
        return ([(action, fids, True) for action, fids in certain]
                + [(action, fids, False) for action, fids in possible if (action, fids) not in certain])


_encode = json.JSONEncoder(ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode


def fact_forms(program: Program) -> dict[str, tuple[str, object, tuple[int, ...]]]:
    """Per fact type, how its facts are written for the core: (a %-template of the JSON
    text, the getter of its values from a fact's fields, which of them are texts).

    Only the fields some outcome pattern tests are written (both bounds of an interval);
    the core never reads the others.  A test on a date or a number (``check.interval``)
    reads day numbers and counts, which every fact holds as ints (``engine/decide/facts.py``):
    written with ``%d``; any other test reads a text, written as JSON writes a string."""
    tested: dict[str, list[str]] = {fact_type: [] for fact_type in FACT_FIELDS}
    numbers: set[tuple[str, str]] = set()
    for alternative in program.of_role("outcome"):
        for pattern in alternative.patterns:
            names = tested.setdefault(pattern.fact, [])
            for check in pattern.checks:
                for name in (check.field, check.field + HI) if check.interval else (check.field,):
                    if check.interval:
                        numbers.add((pattern.fact, name))
                    if name not in names:
                        names.append(name)
    forms = {}
    for fact_type, names in tested.items():
        template = '{"id":%d,"type":' + _encode(fact_type).replace("%", "%%") + "".join(
            "," + _encode(name).replace("%", "%%") + (":%d" if (fact_type, name) in numbers else ":%s")
            for name in names) + "}"
        getter = (operator.itemgetter(*names) if len(names) > 1
                  else (lambda fields, name=names[0]: (fields[name],)) if names else (lambda fields: ()))
        texts = tuple(k for k, name in enumerate(names) if (fact_type, name) not in numbers)
        forms[fact_type] = (template, getter, texts)
    return forms


def _fact_text(fact: Fact, form: tuple[str, object, tuple[int, ...]]) -> str:
    """A fact as the core reads it, its id first: ``{"id":3,"type":"position",…}``."""
    template, getter, texts = form
    values = getter(fact.fields)
    if texts:
        values = list(values)
        for k in texts:
            values[k] = encode_basestring(values[k])
    return template % (fact.fid, *values)


#: What follows the rule's name in the frame of a rule of one pattern: its fact's id comes next.
_ONE_FACT = '":{"f0":{"id":'


def _matched(frame: str, texts: list[str], patterns: dict) -> tuple[str, tuple[int, ...]]:
    """(rule name, fid of the fact each pattern matched) of one action's frame.

    The core writes a frame as ``{"rule":{"f0":<fact>,"f1":<fact>}}``, each fact
    the very text it was given, which starts with its id: each fact is found by
    its id and checked to be that text; any other frame is read as JSON."""
    try:
        end = frame.index('"', 2)
        name = frame[2:end]
        if patterns[name] == 1 and frame.startswith(_ONE_FACT, end):  # most rules: one pattern
            at = end + len(_ONE_FACT) - len('{"id":')
            fid = int(frame[at + 6:frame.index(",", at + 6)])
            text = texts[fid] if 0 <= fid < len(texts) else None
            if text is not None and frame.startswith(text, at):
                return name, (fid,)
        found: dict[int, int] = {}
        at = end + 3
        for _ in range(patterns[name]):
            key_end = frame.index('":', at)
            pattern = int(frame[at + 2:key_end])
            at = key_end + 2
            fid = int(frame[at + 6:frame.index(",", at + 6)]) if frame.startswith('{"id":', at) else -1
            text = texts[fid] if 0 <= fid < len(texts) else None
            if text is None or not frame.startswith(text, at):
                raise ValueError(frame)
            found[pattern] = fid
            at += len(text) + 1
        return name, tuple(found[k] for k in range(patterns[name]))
    except (ValueError, KeyError, IndexError):
        ((name, matched),) = json.loads(frame).items()
        return name, tuple(matched[f"f{k}"]["id"] for k in range(patterns[name]))
