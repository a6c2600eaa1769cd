"""Tests shipped with a pack: ``rules/<pack>/tests/*.yaml``.

Like OpenFisca's YAML tests or ``opa test``: each case is a profile (named,
inline, or a named one with some keys replaced), an optional as-of date, and
the expected verdict and rule outcomes.  Running them gives, per case, the
differences between expected and actual outcomes with the evidence, and, per
rule, which outcomes some passing case asserts (coverage).

    profiles:
      base: {id: T-1, full_name: ..., ...}
    cases:
      - name: nam sinh đúng ngày 01/09/1965 vẫn trong độ tuổi
        profile: base
        with: {birth_date: 1965-09-01}
        expect: {rules: {do-tuoi: pass}}
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from engine.errors import Problem
from engine.evaluate import Decision, RuleOutcome, Screener
from engine.loader import validate_profile
from engine.model import ProfileContext, parse_iso_date
from engine.pack import Outcome, Pack, Reporter
from engine.yamlio import load_one

OUTCOMES: tuple[str, ...] = ("pass", "fail", "review")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class Expect(_Strict):
    verdict: Literal["eligible", "review", "ineligible"] | None = None
    rules: dict[str, Outcome] = {}


class Case(_Strict):
    name: str = Field(min_length=1)
    profile: str | dict[str, Any]
    replace: dict[str, Any] = Field(default={}, alias="with")
    as_of: str | None = None
    expect: Expect


class CaseFile(_Strict):
    profiles: dict[str, dict[str, Any]] = {}
    cases: list[Case] = Field(min_length=1)


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


def unreachable(rule) -> dict[str, str]:
    """Outcomes a rule can never give, each with the reason (a message code)."""
    produced = {b.outcome for b in rule.outcomes} | {rule.otherwise}
    return {outcome: "never_advisory" if rule.kind == "advisory" and outcome == "fail" else "never_produced"
            for outcome in OUTCOMES if outcome not in produced}


def case_files(pack: Pack) -> list[Path]:
    return sorted((pack.path / "tests").glob("*.yaml"))


def load_cases(pack: Pack) -> tuple[list[tuple[str, CaseFile]], list[Problem]]:
    files, problems = [], []
    for path in case_files(pack):
        name = f"tests/{path.name}"
        reporter = Reporter(name, path.read_text(encoding="utf-8"))
        try:
            raw = load_one(path.read_text(encoding="utf-8"))
            files.append((name, CaseFile.model_validate(raw)))
        except ValidationError as err:
            reporter.pydantic((), err, raw, CaseFile)
        except Exception as err:  # noqa: BLE001 - any unreadable test file is reported, not raised
            reporter.add((), "pack_yaml", reason=str(err))
        problems.extend(reporter.problems)
    return files, problems


def _document(test_file: CaseFile, case: Case) -> dict | None:
    base = test_file.profiles.get(case.profile) if isinstance(case.profile, str) else case.profile
    if base is None:
        return None
    return {**base, **case.replace}


def run_tests(pack: Pack) -> PackTestRun:
    files, problems = load_cases(pack)
    screeners: dict[date, Screener] = {}
    results = []
    for name, test_file in files:
        for case in test_file.cases:
            results.append(_run_case(pack, name, test_file, case, screeners))
    return PackTestRun(results, problems, _coverage(pack, results))


def _run_case(pack, name, test_file, case, screeners) -> CaseResult:
    result = CaseResult(name, case, None)
    try:
        as_of = parse_iso_date(case.as_of) if case.as_of else pack.reference_date
    except Exception:  # noqa: BLE001 - pydantic's error type; reported as a bad date
        result.problems.append(Problem("as_of", "bad_date", {"value": case.as_of}, name))
        return result
    document = _document(test_file, case)
    if document is None:
        result.problems.append(Problem("profile", "profile_not_found", {"value": case.profile}, name))
        return result
    profile, problems = validate_profile(document, ProfileContext(pack.catalog, as_of))
    if problems:
        result.problems.extend(problems)
        return result
    screener = screeners.setdefault(as_of, Screener(pack, as_of))
    decision = screener.decide(profile, name)
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
