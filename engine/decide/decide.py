"""Profile + pack -> Decision: one outcome per rule, each with its evidence.

A matcher reports which compiled alternatives matched which facts.  Here,
in Python, each rule's outcome is read off those matches: the first outcome
branch (in the pack's order) with a match decides, citing the matched facts;
when none matched, the rule's ``otherwise`` outcome applies, citing the facts
the rule ``considers`` (what was looked for, and what the profile had
instead).  The verdict follows from the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..pack.model import Missing, Pack, Rule, Text
from ..pack.vocabulary import RATING_FIELDS
from ..profile.model import Profile
from .compile import compile_pack
from .facts import Fact, derive
from .matchers.python import PythonMatcher

_POSITION_IDENTITY = ("fact", "path", "title", "category", "org", "start", "end")
MATCHERS = ("durable", "python")


@dataclass(frozen=True)
class Basis:
    """One reason of an outcome, the facts it cites, and what would change it."""

    template: Text
    evidence: tuple[dict, ...]
    missing: Missing | None = None


@dataclass(frozen=True)
class RuleOutcome:
    rule_id: str
    kind: str
    outcome: str
    basis: tuple[Basis, ...]

    @property
    def evidence(self) -> list[dict]:
        seen, items = set(), []
        for basis in self.basis:
            for item in basis.evidence:
                if item["path"] not in seen:
                    seen.add(item["path"])
                    items.append(item)
        return items


@dataclass(frozen=True)
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


def _shown_fields(rule: Rule) -> dict[str, set[str]]:
    """Per fact type, the fields this rule tests: what its evidence must show."""
    shown: dict[str, set[str]] = {}
    patterns = list(rule.considers) + [p for b in rule.outcomes for a in b.when for p in a.all]
    for pattern in patterns:
        shown.setdefault(pattern.fact, set()).update(pattern.condition.fields)
    return shown


def _trim(evidence: dict, tested: set[str]) -> dict:
    kind = evidence["fact"]
    if kind == "person":
        return {k: v for k, v in evidence.items() if k in ("fact", "path") or k in tested}
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
        self._considers = PythonMatcher(program, roles=("considers",))
        self._assessment_ids = pack.assessment_ids()
        self._shown = {rule.id: _shown_fields(rule) for rule in pack.rules}

    def _category(self, code: str) -> str | None:
        return self.pack.catalog.title(code).category

    def facts(self, profile: Profile) -> list[Fact]:
        return derive(profile, self.as_of, self.pack.parameters, self._assessment_ids, self._category)

    def decide(self, profile: Profile, source: str = "") -> Decision:
        facts = self.facts(profile)
        considered: dict[str, set[int]] = {}
        for action, fids in self._considers.match(facts):
            considered.setdefault(action.rule_id, set()).update(fids)
        matched: dict[tuple[str, int, int], set[int]] = {}
        for action, fids in self._outcomes.match(facts):
            matched.setdefault((action.rule_id, action.branch, action.alternative), set()).update(fids)
        outcomes = tuple(self._outcome(rule, facts, considered, matched) for rule in self.pack.rules)
        return Decision(profile.id, profile.full_name, verdict_of(outcomes), outcomes, source)

    def _outcome(self, rule: Rule, facts: list[Fact], considered, matched) -> RuleOutcome:
        shown = self._shown[rule.id]

        def cite(fids) -> tuple[dict, ...]:
            return tuple(_trim(facts[f].evidence, shown.get(facts[f].type, set())) for f in sorted(fids))

        for b, branch in enumerate(rule.outcomes):
            basis = []
            for a, alternative in enumerate(branch.when):
                fids = matched.get((rule.id, b, a))
                if fids:
                    basis.append(Basis(alternative.reason or rule.reasons[branch.outcome], cite(fids),
                                       alternative.missing))
            if basis:
                return RuleOutcome(rule.id, rule.kind, branch.outcome, tuple(basis))
        basis = Basis(rule.reasons[rule.otherwise], cite(considered.get(rule.id, ())),
                      rule.missing.get(rule.otherwise))
        return RuleOutcome(rule.id, rule.kind, rule.otherwise, (basis,))
