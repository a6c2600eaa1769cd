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
from ..profile.catalog import Catalog, normalise
from ..profile.model import ProfileContext
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
    """An official document a rule applies (its basis, SPEC §2), cited as a party document
    cites one: "Quy định số 214-QĐ/TW ngày 02/01/2020 của Ban Chấp hành Trung ương …"."""

    kind: str = Field(min_length=1)
    number: str | None = None
    #: YYYY-MM-DD; a basis dated after the pack's reference date is refused.
    date: str | None = None
    issuer: str | None = None
    subject: str | None = None
    #: The whole citation, when kind, number, date and issuer do not make it (a law and its amendments).
    citation: str | None = None
    #: How to cite it in English.
    en: str | None = None
    #: The province's own document (its personnel plan): number and date come from the user.
    provincial: bool = False

    def cite(self, lang: str, part: str | None = None, personnel_plan: str | None = None) -> str:
        """The document as a party document cites it: "Quy định số 214-QĐ/TW ngày
        02/01/2020 của Ban Chấp hành Trung ương …"; the province's plan as the user gave
        it (``personnel_plan``), or with blanks for the clerk; ``part``: "Phần III, mục 9"."""
        if lang != "vi" and self.en:
            text = self.en
        elif self.citation:
            text = self.citation
        else:
            from ..i18n import fmt_date

            dated = f" ngày {fmt_date(self.date, 'vi')}" if self.date else ""
            issuer = f" của {self.issuer}" if self.issuer else ""
            number = f" số {self.number}" if self.number else ""
            text = f"{self.kind}{number}{dated}{issuer}" + (f" {self.subject}" if self.subject else "")
        if self.provincial:
            if personnel_plan:
                text = personnel_plan
            else:
                text += " (số ……, ngày ……)" if lang == "vi" else " (number ……, dated ……)"
        if part:  # "Điều 82 Luật Cán bộ, công chức", "Phần III, mục 9 Hướng dẫn số 26-HD/BTCTW"
            text = f"{part} {text}" if lang == "vi" else f"{part} of {text}"
        return text


class Reading(_Strict):
    """Where a rule's wording or parameters were actually read (its provenance, SPEC §2)."""

    title: str = Field(min_length=1)
    #: A copy of the text inside the pack folder; quotes are checked against it.
    file: str | None = None


class BasisRef(_Strict):
    document: str
    #: The part applied: "Điều 82", "Phần III, mục 9".
    part: str | None = None


class Provenance(_Strict):
    reading: str
    #: Verbatim words of the reading (checked against its file when it has one).
    quote: str | None = None
    #: The pack's own paraphrase, for a text it does not reproduce.
    summary: str | None = None

    def line(self, readings: dict) -> str:
        """Where it was read, and what: "Bài báo …: «quote»", or the pack's summary."""
        reading = readings.get(self.reading)
        title = (reading.get("title") if isinstance(reading, dict) else getattr(reading, "title", None)) or self.reading
        return f"{title}: «{self.quote}»" if self.quote else f"{title}: {self.summary}"

    @model_validator(mode="after")
    def _quote_or_summary(self):
        if not (self.quote or self.summary):
            raise ValueError("a provenance needs a verbatim `quote` or a `summary`")
        return self


MissingKind = Literal["record", "training", "board", "wait", "planning", "exception", "none"]


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


class Missing(MissingText):
    #: Said instead when the outcome cites no evidence at all.
    empty: MissingText | None = None
    #: Not said when a fact of the profile matches this pattern (what it asks for is on file).
    unless: Pattern | None = None


def missing_list(missing) -> tuple[Missing, ...]:
    """A rule's or an alternative's `missing`, one text or several, as a tuple."""
    if missing is None:
        return ()
    return tuple(missing) if isinstance(missing, list) else (missing,)


class Alternative(_Strict):
    """One way an outcome can be reached: one fact pattern, or a join of several."""

    all: list[Pattern] = Field(min_length=1)
    reason: Text | None = None
    #: What would change the outcome: one text, or every one, in order.
    missing: Missing | list[Missing] | None = None
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


class ExceptionPolicy(_Strict):
    """Which bodies may approve an exception to a rule (SPEC §2)."""

    admitted_from: list[str] = Field(min_length=1)


class IncompleteRecord(_Strict):
    """How a rule reads a career record the profile says is incomplete (SPEC §2): when no
    fact matches ``absent``, a fail is only the lack of a record, and becomes review."""

    absent: Pattern
    reason: Text
    missing: MissingText


class Rule(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    kind: Literal["requirement", "judgement", "advisory"]
    title: Text
    #: A few words for tables and matrices.
    short: Text | None = None
    #: The official documents the rule applies.
    basis: list[BasisRef] = Field(min_length=1)
    #: Where its wording and parameters were read.
    provenance: list[Provenance] = Field(min_length=1)
    #: Facts the rule looks at: the evidence of its default outcome.
    considers: list[Pattern] = []
    #: Tried in order; the first branch with a match decides.
    outcomes: list[OutcomeBranch] = []
    otherwise: Outcome | None = None
    reasons: dict[Outcome, Text] = {}
    #: What would change the `otherwise` outcome (branch outcomes say it per alternative).
    missing: dict[Outcome, Missing | list[Missing]] = {}
    exceptions: ExceptionPolicy | None = None
    incomplete_record: IncompleteRecord | None = None

    def tested_fields(self) -> dict[str, set[str]]:
        """Per fact type, the fields this rule's conditions test."""
        tested: dict[str, set[str]] = {}
        patterns = list(self.considers) + [p for b in self.outcomes for a in b.when for p in a.all]
        if self.incomplete_record is not None:
            patterns.append(self.incomplete_record.absent)
        for pattern in patterns:
            tested.setdefault(pattern.fact, set()).update(pattern.condition.fields)
        return tested

    def short_title(self, lang: str) -> str:
        return (self.short or self.title).get(lang)


class AssessmentDecl(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    #: A short name a record may use ("Tương đương").
    short: Text | None = None


class PackHead(_Strict):
    """Everything of pack.yaml but its rules (validated one by one)."""

    id: str = Field(pattern=ID_PATTERN)
    version: str = Field(min_length=1)
    title: Text
    reference_date: str
    catalog: str
    documents: dict[str, Document]
    readings: dict[str, Reading] = {}
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


CODE_PATTERN = r"^[a-z][a-z0-9_]*$"


class CatalogTitle(_Strict):
    code: str = Field(pattern=CODE_PATTERN)
    label: str = Field(min_length=1)
    en: str = Field(min_length=1)
    level: Literal["province", "district", "commune"] = "province"
    aliases: list[str] = []
    city_forms: list[str] = []
    district: str | None = None
    category: str | None = None
    #: Why the title has its category: a document, or the pack's own reading.
    basis: str | None = None
    #: The label may be followed by the unit's name ("Giám đốc Sở Tài chính").
    named_unit: bool = False
    #: Short forms offices write ("UVBTV"): accepted, shown as the label.
    abbreviations: list[str] = []


class Body(_Strict):
    label: str = Field(min_length=1)
    en: str = Field(min_length=1)
    aliases: list[str] = []


class CatalogFile(_Strict):
    categories: dict[str, Text]
    #: Centrally-governed cities: name -> other ways of writing it.
    central_cities: dict[str, list[str]] = {}
    titles: list[CatalogTitle] = Field(min_length=1)
    #: Coded field -> code -> the words offices write for it (the first is printed).
    words: dict[str, dict[str, list[str]]] = {}
    bodies: dict[str, Body] = {}


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

    def profile_context(self, as_of: date) -> ProfileContext:
        """What validating a profile needs from this pack, at ``as_of``."""
        findings = {a.id: (a.title, a.short) for a in self.spec.assessments}
        findings.update({r.id: (r.title, r.short) for r in self.rules if r.kind == "judgement"})
        return ProfileContext(
            catalog=self.catalog, as_of=as_of, assessment_ids=frozenset(findings), pack_id=self.id,
            assessment_names=_names(findings),
            rule_names=_names({r.id: (r.title, r.short) for r in self.rules}),
            exceptions={r.id: tuple(r.exceptions.admitted_from) for r in self.rules if r.exceptions},
            rule_titles={r.id: (r.short_title("vi"), r.short_title("en")) for r in self.rules})


def _names(named: dict[str, tuple]) -> dict[str, str]:
    """Every way to name an id: itself, and its titles in both languages, normalised."""
    names: dict[str, str] = {}
    for key, texts in named.items():
        for text in (key, *(t for text in texts if text is not None for t in (text.vi, text.en))):
            names.setdefault(normalise(text), key)
    return names
