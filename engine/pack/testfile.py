"""Test files shipped with a pack: ``rules/<pack>/tests/*.yaml``.

Like OpenFisca's YAML tests or ``opa test``: each case is a profile (named,
inline, or a named one with some keys replaced), an optional as-of date, and
the expected verdict and rule outcomes::

    profiles:
      base: {id: T-1, full_name: ..., ...}
    cases:
      - name: nam sinh đúng ngày 01/09/1965 vẫn trong độ tuổi
        profile: base
        with: {birth_date: 1965-09-01}
        expect: {rules: {do-tuoi: pass}}

Running them is ``engine/run/packtests.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import Problem
from ..profile.yamlio import load_one
from .load import Reporter
from .model import Outcome, Pack

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


def unreachable(rule) -> dict[str, str]:
    """Outcomes a rule can never give, each with the reason (a message code)."""
    produced = {b.outcome for b in rule.outcomes} | {rule.otherwise}
    return {outcome: "never_advisory" if rule.kind == "advisory" and outcome == "fail" else "never_produced"
            for outcome in OUTCOMES if outcome not in produced}


def case_files(pack: Pack) -> list[Path]:
    return sorted((pack.path / "tests").glob("*.yaml"))


def load_cases(pack: Pack) -> tuple[list[tuple[str, CaseFile]], list[Problem]]:
    """Every test file's cases, and the problems of the files that cannot be used:
    a FIFO or a folder among them, a file that is not UTF-8 or not YAML, a value no
    profile can hold — each a problem of that file, never a wait or a traceback."""
    from .load import hostile, read_pack_text

    files, problems = [], []
    for path in case_files(pack):
        name = f"tests/{path.name}"
        reporter = Reporter(name)
        text = read_pack_text(path, reporter)
        if text is not None:
            reporter = Reporter(name, text)
            try:
                raw = load_one(text)
            except (yaml.YAMLError, RecursionError) as err:
                mark = getattr(err, "problem_mark", None)
                reporter.problems.append(Problem("", "pack_yaml", {
                    "reason": getattr(err, "problem", None) or str(err).splitlines()[0]}, name,
                    mark.line + 1 if mark else None, mark.column + 1 if mark else None))
            else:
                if not hostile(raw, reporter):
                    try:
                        files.append((name, CaseFile.model_validate(raw)))
                    except ValidationError as err:
                        reporter.pydantic((), err, raw, CaseFile)
        problems.extend(reporter.problems)
    return files, problems
