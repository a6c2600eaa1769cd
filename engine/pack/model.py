"""A rule pack as data: the pydantic models of pack.yaml and catalog.yaml, and
the checked, immutable :class:`Pack` the rest of sangloc reads.

A rule is data, never code: its id, kind, titles, sources, and outcome
branches whose conditions are fact patterns (parsed into a syntax tree by
``engine/pack/conditions.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator
from pydantic.json_schema import SkipJsonSchema

from ..errors import Problem
from ..profile.catalog import Catalog
from .conditions import Condition

if TYPE_CHECKING:
    from .process import ProcessSection

Outcome = Literal["pass", "fail", "review"]
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Text(_Strict):
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class Document(_Strict):
    title: str = Field(min_length=1)
    where: str | None = None
    #: A copy of the document inside the pack folder; quotes are checked against it.
    file: str | None = None


class Source(_Strict):
    document: str
    #: Verbatim words of the document (checked against its file when it has one).
    quote: str | None = None
    #: Our own paraphrase, for a text the pack does not reproduce.
    summary: str | None = None

    @model_validator(mode="after")
    def _quote_or_summary(self):
        if not (self.quote or self.summary):
            raise ValueError("a source needs a verbatim `quote` or a `summary`")
        return self


MissingKind = Literal["record", "training", "board", "wait", "planning", "none"]


class MissingText(_Strict):
    """What would change an outcome, in plain words, and what kind of change it is:
    a fact to add to the file (record), a course or degree to complete (training),
    a decision of the board (board), a date to wait for (wait), a planning
    decision (planning), or none possible (none)."""

    kind: MissingKind
    vi: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class Missing(MissingText):
    #: Said instead when the outcome cites no evidence at all.
    empty: MissingText | None = None


class Pattern(_Strict):
    fact: str
    where: dict[str, Any] = {}
    #: The parsed `where` (``engine/pack/conditions.py``), set when the pack is checked.
    _condition: Condition | None = PrivateAttr(default=None)

    @property
    def condition(self) -> Condition:
        if self._condition is None:
            raise RuntimeError("the pattern of an unchecked pack has no condition")
        return self._condition


class Alternative(_Strict):
    """One way an outcome can be reached: one fact pattern, or a join of several."""

    all: list[Pattern] = Field(min_length=1)
    reason: Text | None = None
    missing: Missing | None = None
    #: True when written as a single pattern (no `all:` in the YAML).
    single: SkipJsonSchema[bool] = False

    @model_validator(mode="before")
    @classmethod
    def _single_pattern(cls, value):
        if isinstance(value, dict) and "fact" in value:
            value = dict(value)
            extra = {key: value.pop(key) for key in ("reason", "missing") if key in value}
            return {"all": [value], "single": True, **extra}
        return value


class OutcomeBranch(_Strict):
    outcome: Outcome
    when: list[Alternative] = Field(min_length=1)


class Rule(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["requirement", "judgement", "advisory"]
    title: Text
    #: A few words for tables and matrices.
    short: Text | None = None
    sources: list[Source] = Field(min_length=1)
    #: Facts the rule looks at: the evidence of its default outcome.
    considers: list[Pattern] = []
    #: Tried in order; the first branch with a match decides.
    outcomes: list[OutcomeBranch] = []
    otherwise: Outcome | None = None
    reasons: dict[Outcome, Text] = {}
    #: What would change the `otherwise` outcome (branch outcomes say it per alternative).
    missing: dict[Outcome, Missing] = {}

    def short_title(self, lang: str) -> str:
        return (self.short or self.title).get(lang)


class AssessmentDecl(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text


class PackHead(_Strict):
    """Everything of pack.yaml but its rules (validated one by one)."""

    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(min_length=1)
    title: Text
    reference_date: str
    catalog: str
    documents: dict[str, Document]
    parameters: dict[str, Any] = {}
    assessments: list[AssessmentDecl] = []
    judgement_reasons: dict[Outcome, Text] = {}
    judgement_missing: dict[Outcome, Missing] = {}
    #: The subject line of the step-1 memo (tờ trình).
    memo_title: Text | None = None
    #: Steps 2–5 (SPEC §6), validated as ``engine/pack/process.py``'s ProcessSection when the pack is loaded.
    process: dict[str, Any] | None = None


class PackFile(PackHead):
    """The whole of pack.yaml (for its JSON Schema)."""

    rules: list[Rule] = Field(min_length=1)


class CatalogTitle(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    en: str = Field(min_length=1)
    aliases: list[str] = []
    category: str | None = None


class CatalogFile(_Strict):
    categories: dict[str, Text]
    titles: list[CatalogTitle] = Field(min_length=1)


@dataclass(frozen=True)
class Pack:
    """A loaded, checked pack: what the compiler and the renderers read."""

    path: Path
    spec: PackHead
    catalog: Catalog
    reference_date: date
    rules: tuple[Rule, ...]
    digest: str
    documents_text: dict[str, str]
    #: The pack's content as read (pack.yaml, catalog), for audit records.
    content: dict = field(default_factory=dict)
    warnings: tuple[Problem, ...] = ()
    #: The checked `process` section (``engine/pack/process.py``); None when the pack declares none.
    process: ProcessSection | None = None

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def version(self) -> str:
        return self.spec.version

    @property
    def parameters(self) -> dict:
        return self.spec.parameters

    def assessment_ids(self) -> set[str]:
        return {a.id for a in self.spec.assessments} | {r.id for r in self.rules if r.kind == "judgement"}

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)
