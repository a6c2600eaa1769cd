"""Running a pack's own test cases (``engine/pack/testfile.py``): per case, the
differences between expected and actual outcomes with the evidence; per rule,
which outcomes some passing case asserts (coverage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..decide.decide import Decider, Decision, RuleOutcome
from ..errors import Problem
from ..pack.model import Pack
from ..pack.testfile import OUTCOMES, Case, CaseFile, load_cases, unreachable
from ..dates import DateError, exact_day
from ..profile.validate import validate_profile


@dataclass
class CaseResult:
    file: str
    case: Case
    decision: Decision | None
    #: (rule id or "verdict", expected, actual outcome or None)
    differences: list[tuple[str, str, RuleOutcome | str | None]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return not self.differences and not self.problems


@dataclass
class PackTestRun:
    results: list[CaseResult]
    problems: list[Problem]
    #: rule id -> outcome -> "covered" | "missing" | why it cannot occur ("never_…")
    coverage: dict[str, dict[str, str]]

    @property
    def failed(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]


def _document(test_file: CaseFile, case: Case) -> dict | None:
    base = test_file.profiles.get(case.profile) if isinstance(case.profile, str) else case.profile
    if base is None:
        return None
    return {**base, **case.replace}


def run_tests(pack: Pack) -> PackTestRun:
    files, problems = load_cases(pack)
    deciders: dict[date, Decider] = {}
    results = []
    for name, test_file in files:
        for case in test_file.cases:
            results.append(_run_case(pack, name, test_file, case, deciders))
    return PackTestRun(results, problems, _coverage(pack, results))


def _run_case(pack, name, test_file, case, deciders) -> CaseResult:
    result = CaseResult(name, case, None)
    try:
        as_of = exact_day(case.as_of) if case.as_of else pack.reference_date
    except DateError as err:
        result.problems.append(Problem("as_of", err.code, {"value": case.as_of}, name))
        return result
    document = _document(test_file, case)
    if document is None:
        result.problems.append(Problem("profile", "profile_not_found", {"value": case.profile}, name))
        return result
    profile, problems = validate_profile(document, pack.profile_context(as_of))
    if problems:
        result.problems.extend(problems)
        return result
    decider = deciders.get(as_of) or deciders.setdefault(as_of, Decider(pack, as_of))
    decision = decider.decide(profile, name)
    result.decision = decision
    actual = {o.rule_id: o for o in decision.outcomes}
    if case.expect.verdict and case.expect.verdict != decision.verdict:
        result.differences.append(("verdict", case.expect.verdict, decision.verdict))
    for rule_id, expected in case.expect.rules.items():
        got = actual.get(rule_id)
        if got is None or got.outcome != expected:
            result.differences.append((rule_id, expected, got))
    return result


def _coverage(pack: Pack, results: list[CaseResult]) -> dict[str, dict[str, str]]:
    asserted: dict[str, set[str]] = {}
    for result in results:
        if result.passed:
            for rule_id, outcome in result.case.expect.rules.items():
                asserted.setdefault(rule_id, set()).add(outcome)
    coverage = {}
    for rule in pack.rules:
        never = unreachable(rule)
        coverage[rule.id] = {o: never.get(o) or ("covered" if o in asserted.get(rule.id, ()) else "missing")
                             for o in OUTCOMES}
    return coverage


def untested_warnings(pack: Pack, run: PackTestRun) -> list[Problem]:
    """One warning per outcome of a rule that no passing case asserts."""
    warnings = []
    for index, rule in enumerate(pack.rules):
        for outcome, state in run.coverage[rule.id].items():
            if state == "missing":
                warnings.append(Problem(f"rules[{index}] ({rule.id})", "pack_untested", {"outcome": outcome},
                                        "pack.yaml"))
    return warnings
