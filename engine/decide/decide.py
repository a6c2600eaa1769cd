"""Profile + pack -> Decision: one outcome per rule, each with its evidence.

A matcher reports which compiled alternatives matched which facts, surely or
only possibly (a date known only to the month or the year).  Here, in
Python, each rule's outcome is read off those matches:

* the first outcome branch (in the pack's order) with a sure match decides,
  citing the matched facts; when none matched, the rule's ``otherwise``
  outcome applies, citing the facts the rule ``considers``;
* a branch that matches only possibly, before the deciding one, leaves two
  outcomes open: unless they are the same, the rule is ``review``, naming the
  dates to complete (SPEC §2, partial dates);
* a requirement that fails for lack of a record, on a profile whose career
  record is not complete, is ``review`` (SPEC §2, record completeness);
* an exception the profile records for the rule makes it ``pass`` (SPEC §2).

The verdict follows from the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..pack.model import Missing, Pack, Rule, Text, missing_list
from ..pack.vocabulary import RATING_FIELDS
from ..profile.model import Profile
from .compile import compile_pack
from .facts import Fact, derive
from .matchers.python import PythonMatcher

_POSITION_IDENTITY = ("fact", "path", "title", "label", "category", "org", "start", "end")
MATCHERS = ("durable", "python")


# Basis, RuleOutcome and Decision are plain dataclasses with slots, not frozen ones: a
# profile makes about forty of them, a frozen one costs four times as much to make
# (measured: 1.15 µs against 0.26), and nothing changes them once made.
@dataclass(slots=True)
class Basis:
    """One reason of an outcome, the facts it cites, and what would change it."""

    template: Text
    evidence: tuple[dict, ...]
    #: What would change it, in order (the texts whose `unless` is met on file left out).
    missing: tuple[Missing, ...] = ()


@dataclass(slots=True)
class RuleOutcome:
    rule_id: str
    kind: str
    outcome: str
    basis: tuple[Basis, ...]
    #: Why the outcome is open: "dates" (a date not precise enough), "record" (an incomplete
    #: career record), or "" when the facts decide it.
    open_because: str = ""
    #: The exception the profile records for this rule, and whether it changed the outcome.
    exception: dict | None = None
    #: The rule's own outcome, when an exception replaced it.
    own: "RuleOutcome | None" = None

    @property
    def evidence(self) -> list[dict]:
        seen, items = set(), []
        for basis in self.basis:
            for item in basis.evidence:
                if item["path"] not in seen:
                    seen.add(item["path"])
                    items.append(item)
        return items


@dataclass(slots=True)
class Decision:
    profile_id: str
    full_name: str
    verdict: str
    outcomes: tuple[RuleOutcome, ...]
    source: str

    def failing(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.outcome == "fail"]

    def pending(self) -> list[RuleOutcome]:
        return [o for o in self.outcomes if o.outcome == "review"]


def verdict_of(outcomes) -> str:
    """ineligible if any rule fails, else review if any is pending, else eligible."""
    found = {o.outcome for o in outcomes}
    if "fail" in found:
        return "ineligible"
    return "review" if "review" in found else "eligible"


#: The reasons sangloc gives itself (a pack's rules give the others).
UNCERTAIN = Text(vi="Chưa kết luận được vì ngày tháng trong hồ sơ chưa đủ chính xác: {evidence}",
                 en="Cannot be decided: a date on file is not precise enough: {evidence}")
EXCEPTION = Text(vi="Đạt theo ngoại lệ", en="Met by exception")


def _shown_fields(rule: Rule) -> dict[str, set[str]]:
    """Per fact type, the fields this rule tests: what its evidence must show."""
    return rule.tested_fields()


def _trim(evidence: dict, tested: set[str]) -> dict:
    kind = evidence["fact"]
    if kind == "person":
        shown = tested | ({"birth_date_taken"} if "birth_date" in tested else set())
        return {k: v for k, v in evidence.items() if k in ("fact", "path") or k in shown}
    if kind == "position":
        keep = _POSITION_IDENTITY + (("ratings",) if tested & RATING_FIELDS else ())
        return {k: evidence[k] for k in keep}
    return evidence


def make_matcher(program, name: str):
    """The matcher of the outcome alternatives: durable-rules (the default) or the Python cross-check."""
    if name == "durable":
        from .matchers.durable import DurableMatcher  # imports durable-rules: only when it is used

        return DurableMatcher(program)
    if name == "python":
        return PythonMatcher(program, roles=("outcome",))
    raise ValueError(f"unknown matcher {name!r}")


class Decider:
    """Decides profiles against one pack at one as-of date.

    ``matcher`` names the matcher of the outcome alternatives; the evidence
    of default outcomes (the ``considers`` patterns) is always matched in
    Python.
    """

    def __init__(self, pack: Pack, as_of: date | None = None, matcher: str = "durable"):
        self.pack = pack
        self.as_of = as_of or pack.reference_date
        self.matcher_name = matcher
        program = compile_pack(pack, self.as_of)
        self._outcomes = make_matcher(program, matcher)
        self._evidence = PythonMatcher(program, roles=("considers", "absent", "unless"))
        self._assessment_ids = pack.assessment_ids()
        self._plans: dict[str, list] = {}
        # Per rule and fact type, the fields its evidence shows; equal sets are one object,
        # so that a fact trimmed for one rule serves every rule that shows the same fields.
        interned: dict[frozenset, frozenset] = {}
        self._shown = {rule.id: {kind: interned.setdefault(frozenset(fields), frozenset(fields))
                                 for kind, fields in _shown_fields(rule).items()} for rule in pack.rules}

    def _category(self, code: str) -> str | None:
        return self.pack.catalog.title(code).category

    def facts(self, profile: Profile) -> list[Fact]:
        return derive(profile, self.as_of, self.pack.parameters, self._assessment_ids, self._category)

    def decide(self, profile: Profile, source: str = "") -> Decision:
        facts = self.facts(profile)
        self._trimmed: dict[tuple, dict] = {}  # (fid, fields shown) -> the fact's evidence so trimmed
        considered: dict[tuple[str, str], set[int]] = {}
        # (rule, branch, alternative) -> the items of its `missing` texts made moot
        on_file: dict[tuple[str, int, int], set[int]] = {}
        for action, fids, certain in self._evidence.match(facts):
            if action.role == "unless":
                if certain:
                    on_file.setdefault((action.rule_id, action.branch, action.alternative), set()).add(action.item)
                continue
            considered.setdefault((action.rule_id, action.role), set()).update(fids)
        sure: dict[tuple[str, int, int], set[int]] = {}
        maybe: dict[tuple[str, int, int], set[int]] = {}
        for action, fids, certain in self._outcomes.match(facts):
            key = (action.rule_id, action.branch, action.alternative)
            (sure if certain else maybe).setdefault(key, set()).update(fids)
        exceptions = {entry.rule: entry for entry in profile.exceptions}
        outcomes = []
        for rule in self.pack.rules:
            outcome = self._outcome(rule, facts, considered, sure, maybe, on_file)
            if (outcome.outcome == "fail" and rule.incomplete_record is not None and not profile.record_complete
                    and not considered.get((rule.id, "absent"))):
                outcome = self._incomplete(rule, facts, considered)
            if rule.id in exceptions:
                outcome = _excepted(outcome, exceptions[rule.id], self.pack.catalog)
            outcomes.append(outcome)
        return Decision(profile.id, profile.full_name, verdict_of(outcomes), tuple(outcomes), source)

    def _cite(self, rule: Rule, facts: list[Fact], fids) -> tuple[dict, ...]:
        shown, trimmed = self._shown[rule.id], self._trimmed
        cited = []
        for f in sorted(fids):
            fact = facts[f]
            tested = shown.get(fact.type, _NOTHING)
            item = trimmed.get((f, tested))
            if item is None:
                item = trimmed[(f, tested)] = _trim(fact.evidence, tested)
            cited.append(item)
        return tuple(cited)

    def _branches(self, rule: Rule) -> list:
        """The rule's branches as deciding reads them, worked out once: (outcome, [(key of
        the alternative, its reason, its missing texts as a tuple)])."""
        plan = self._plans.get(rule.id)
        if plan is None:
            plan = self._plans[rule.id] = [
                (branch.outcome, [((rule.id, b, a), alternative.reason or rule.reasons[branch.outcome],
                                   missing_list(alternative.missing)) for a, alternative in enumerate(branch.when)])
                for b, branch in enumerate(rule.outcomes)]
        return plan

    def _outcome(self, rule: Rule, facts: list[Fact], considered, sure, maybe, on_file) -> RuleOutcome:
        open_outcomes: list[str] = []  # outcomes of the branches that match only possibly
        unsure: set[int] = set()
        for outcome, alternatives in self._branches(rule):
            basis = []
            for key, reason, missing in alternatives:
                fids = sure.get(key)
                if fids:
                    basis.append(Basis(reason, self._cite(rule, facts, fids), _needed(on_file, key, missing)))
                elif key in maybe:
                    unsure.update(maybe[key])
                    open_outcomes.append(outcome)
            if basis:
                decided = RuleOutcome(rule.id, rule.kind, outcome, tuple(basis))
                break
        else:
            basis = Basis(rule.reasons[rule.otherwise], self._cite(rule, facts, considered.get((rule.id, "considers"), ())),
                          _needed(on_file, (rule.id, -1, -1), missing_list(rule.missing.get(rule.otherwise))))
            decided = RuleOutcome(rule.id, rule.kind, rule.otherwise, (basis,))
        if not unsure or set(open_outcomes) == {decided.outcome}:
            return decided
        # Open because of a date; what the sure facts would also need to settle it (when they
        # are themselves pending) comes after: completing either may be what decides it.
        also = decided.basis if decided.outcome == "review" else ()
        return RuleOutcome(rule.id, rule.kind, "review", (Basis(UNCERTAIN, self._cite(rule, facts, unsure)), *also),
                           open_because="dates")

    def _incomplete(self, rule: Rule, facts: list[Fact], considered) -> RuleOutcome:
        spec = rule.incomplete_record
        basis = Basis(spec.reason, self._cite(rule, facts, considered.get((rule.id, "considers"), ())), (spec.missing,))
        return RuleOutcome(rule.id, rule.kind, "review", (basis,), open_because="record")


_NOTHING: frozenset = frozenset()


def _needed(on_file: dict, key: tuple[str, int, int], missing: tuple[Missing, ...]) -> tuple[Missing, ...]:
    """The `missing` texts of an alternative (``key``: rule, branch, alternative), less
    those whose `unless` is met on file."""
    moot = on_file.get(key)
    if not moot:
        return missing
    return tuple(text for k, text in enumerate(missing) if k not in moot)


def _excepted(outcome: RuleOutcome, entry, catalog) -> RuleOutcome:
    """An approved exception: the rule passes, and says so; kept unused when it passes anyway."""
    used = outcome.outcome != "pass"
    record = {"rule": entry.rule, "by": catalog.bodies[entry.body][0], "body": entry.body,
              "document": entry.document, "date": entry.date.iso(), "note": entry.note, "used": used}
    if not used:
        return RuleOutcome(outcome.rule_id, outcome.kind, outcome.outcome, outcome.basis, outcome.open_because,
                           record)
    return RuleOutcome(outcome.rule_id, outcome.kind, "pass", (Basis(EXCEPTION, ()),), "", record, outcome)
