"""Rule pack: YAML files -> validated, immutable models.

A pack is a folder: ``pack.yaml`` (id, version, reference date, parameters,
rules), the catalog file it names, and the documents its rules quote.
Everything is read with the safe loader and validated strictly (unknown keys
are errors); the meaning of conditions is checked against the fact
vocabulary by the compiler, which this module calls so that a pack that
loads is a pack that compiles.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from engine.catalog import Catalog, Category, Title
from engine.errors import Problem, RulePackError, UsageError
from engine.yamlio import DuplicateKeyError, load_one

Outcome = Literal["pass", "fail", "review"]
_ID = r"^[a-z0-9][a-z0-9-]*$"


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
    quote: str | None = None
    summary: str | None = None

    @model_validator(mode="after")
    def _quote_or_summary(self):
        if not (self.quote or self.summary):
            raise ValueError("a source needs a verbatim `quote` or a `summary`")
        return self


class Pattern(_Strict):
    fact: str
    where: dict[str, Any] = {}


class Alternative(_Strict):
    """One way an outcome can be reached: one fact pattern, or a join of several."""

    all: list[Pattern] = Field(min_length=1)
    reason: Text | None = None

    @model_validator(mode="before")
    @classmethod
    def _single_pattern(cls, value):
        if isinstance(value, dict) and "fact" in value:
            value = dict(value)
            reason = value.pop("reason", None)
            return {"all": [value], **({"reason": reason} if reason is not None else {})}
        return value


class OutcomeBranch(_Strict):
    outcome: Outcome
    when: list[Alternative] = Field(min_length=1)


class Rule(_Strict):
    id: str = Field(pattern=_ID)
    kind: Literal["requirement", "judgement", "advisory"]
    title: Text
    sources: list[Source] = Field(min_length=1)
    #: Facts the rule looks at: the evidence of its default outcome.
    considers: list[Pattern] = []
    #: Tried in order; the first branch with a match decides.
    outcomes: list[OutcomeBranch] = []
    otherwise: Outcome | None = None
    reasons: dict[Outcome, Text] = {}


class AssessmentDecl(_Strict):
    id: str = Field(pattern=_ID)
    title: Text


class PackFile(_Strict):
    id: str = Field(pattern=_ID)
    version: str = Field(min_length=1)
    title: Text
    reference_date: str
    catalog: str
    documents: dict[str, Document]
    parameters: dict[str, Any] = {}
    assessments: list[AssessmentDecl] = []
    judgement_reasons: dict[Outcome, Text] = {}
    rules: list[Rule] = Field(min_length=1)


class _CatalogTitle(_Strict):
    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: str = Field(min_length=1)
    en: str = Field(min_length=1)
    aliases: list[str] = []
    category: str | None = None


class CatalogFile(_Strict):
    categories: dict[str, Text]
    titles: list[_CatalogTitle] = Field(min_length=1)


@dataclass(frozen=True)
class Pack:
    """A loaded, checked pack: what the compiler and the renderers read."""

    path: Path
    spec: PackFile
    catalog: Catalog
    reference_date: date
    rules: tuple[Rule, ...]
    digest: str
    documents_text: dict[str, str]

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


def packs_root() -> Path:
    return Path(str(resources.files("rules")))


def available_packs() -> list[str]:
    root = packs_root()
    return sorted(p.parent.name for p in root.glob("*/pack.yaml"))


def locate(name_or_path: str) -> Path:
    """A pack id under ``rules/``, or a path to a pack folder or its pack.yaml."""
    path = Path(name_or_path)
    if path.is_file() and path.name in ("pack.yaml", "pack.yml"):
        return path.parent
    if path.is_dir() and (path / "pack.yaml").is_file():
        return path
    shipped = packs_root() / name_or_path
    if re.match(_ID, name_or_path) and (shipped / "pack.yaml").is_file():
        return shipped
    raise UsageError("pack_not_found", {"name": name_or_path, "available": ", ".join(available_packs())})


def _read_yaml(path: Path, problems: list[Problem]):
    try:
        return load_one(path.read_text(encoding="utf-8"))
    except DuplicateKeyError as err:
        problems.append(Problem(path.name, "duplicate_key", {"key": err.key, "line": err.line}))
    except yaml.YAMLError as err:
        problems.append(Problem(path.name, "pack_field", {"detail": f"YAML: {err}"}))
    except (OSError, UnicodeDecodeError) as err:
        problems.append(Problem(path.name, "file_unreadable", {"reason": str(err)}))
    return None


def _pydantic_problems(prefix: str, err: ValidationError) -> list[Problem]:
    from engine.loader import field_path  # the one field-path syntax of sangloc

    found = []
    for error in err.errors(include_url=False):
        loc = [p for p in error["loc"] if not (isinstance(p, str) and "[" in p)]
        where = f"{prefix}: {field_path(loc)}" if loc else prefix
        if error["type"] == "extra_forbidden":
            detail = f"unknown key '{loc[-1]}'"
        else:
            detail = error["msg"]
        found.append(Problem(where, "pack_field", {"detail": detail}))
    return found


def _expand_judgements(spec: PackFile) -> tuple[Rule, ...]:
    """A judgement rule is decided by the board's recorded assessment, never guessed."""
    rules = []
    for rule in spec.rules:
        if rule.kind == "judgement" and not rule.outcomes:
            def recorded(result: str) -> Alternative:
                return Alternative(all=[Pattern(fact="assessment", where={"criterion": rule.id, "result": result})])

            rule = rule.model_copy(update={
                "considers": [Pattern(fact="assessment", where={"criterion": rule.id})],
                "outcomes": [OutcomeBranch(outcome="pass", when=[recorded("met")]),
                             OutcomeBranch(outcome="fail", when=[recorded("not_met")])],
                "otherwise": rule.otherwise or "review",
                "reasons": {**spec.judgement_reasons, **rule.reasons},
            })
        rules.append(rule)
    return tuple(rules)


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def load_pack(name_or_path: str) -> Pack:
    """Load and check a pack; raises :class:`RulePackError` listing every problem."""
    folder = locate(name_or_path)
    problems: list[Problem] = []
    raw = _read_yaml(folder / "pack.yaml", problems)
    if problems:
        raise RulePackError(str(folder), problems)
    try:
        spec = PackFile.model_validate(raw)
    except ValidationError as err:
        raise RulePackError(str(folder), _pydantic_problems("pack.yaml", err)) from None

    catalog_raw = _read_yaml(folder / spec.catalog, problems) if _inside(folder, spec.catalog, problems) else None
    catalog = None
    if catalog_raw is not None:
        try:
            catalog_file = CatalogFile.model_validate(catalog_raw)
            catalog = _catalog(catalog_file, spec.catalog, problems)
        except ValidationError as err:
            problems.extend(_pydantic_problems(spec.catalog, err))

    documents_text = {}
    for doc_id, document in sorted(spec.documents.items()):
        if document.file and _inside(folder, document.file, problems):
            try:
                documents_text[doc_id] = (folder / document.file).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as err:
                problems.append(Problem(f"documents.{doc_id}.file", "file_unreadable", {"reason": str(err)}))

    try:
        reference = date.fromisoformat(spec.reference_date)
    except ValueError:
        problems.append(Problem("pack.yaml: reference_date", "bad_date", {"value": spec.reference_date}))
        reference = date.min

    rules = _expand_judgements(spec)
    problems.extend(_check_rules(spec, rules, documents_text))
    if catalog is not None and not problems:
        from engine.compiler import check_pack  # conditions are checked where they are compiled

        problems.extend(check_pack(spec, rules, catalog))
    if problems or catalog is None:
        raise RulePackError(str(folder), problems)

    digest = _canonical({"pack": raw, "catalog": catalog_raw,
                         "documents": {k: hashlib.sha256(v.encode()).hexdigest() for k, v in documents_text.items()}})
    return Pack(folder, spec, catalog, reference, rules,
                "sha256:" + hashlib.sha256(digest.encode("utf-8")).hexdigest(), documents_text)


def _inside(folder: Path, name: str, problems: list[Problem]) -> bool:
    """A pack may only name files in its own folder."""
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents or not target.is_file():
        problems.append(Problem(name, "pack_field", {"detail": "file must exist inside the pack folder"}))
        return False
    return True


def _catalog(catalog_file: CatalogFile, name: str, problems: list[Problem]) -> Catalog:
    categories = [Category(code, text.vi, text.en) for code, text in catalog_file.categories.items()]
    titles = []
    for i, entry in enumerate(catalog_file.titles):
        if entry.category is not None and entry.category not in catalog_file.categories:
            problems.append(Problem(f"{name}: titles[{i}].category", "pack_field",
                                    {"detail": f"unknown category '{entry.category}'"}))
        titles.append(Title(entry.code, entry.label, entry.en, entry.category, tuple(entry.aliases)))
    catalog = Catalog(titles, categories)
    for spelling, code, other in catalog.conflicts():
        problems.append(Problem(f"{name}: titles", "pack_field",
                                {"detail": f"'{spelling}' names both {code} and {other}"}))
    return catalog


def _squash(text: str) -> str:
    return " ".join(text.split())


def _check_rules(spec: PackFile, rules: tuple[Rule, ...], documents_text: dict[str, str]) -> list[Problem]:
    problems = []
    seen: set[str] = set()
    declared = {a.id for a in spec.assessments}
    for i, rule in enumerate(rules):
        where = f"pack.yaml: rules[{i}] ({rule.id})"
        if rule.id in seen or rule.id in declared:
            problems.append(Problem(where, "pack_field", {"detail": f"duplicate id '{rule.id}'"}))
        seen.add(rule.id)
        for j, source in enumerate(rule.sources):
            if source.document not in spec.documents:
                problems.append(Problem(f"{where}.sources[{j}]", "pack_field",
                                        {"detail": f"unknown document '{source.document}'"}))
            text = documents_text.get(source.document)
            if text is not None and source.quote and _squash(source.quote) not in _squash(text):
                problems.append(Problem(f"{where}.sources[{j}].quote", "pack_field",
                                        {"detail": "quote not found verbatim in the document's file"}))
        if rule.otherwise is None:
            problems.append(Problem(where, "pack_field", {"detail": "missing `otherwise` outcome"}))
        if not rule.outcomes:
            problems.append(Problem(where, "pack_field", {"detail": "no `outcomes`"}))
        reachable = {b.outcome for b in rule.outcomes} | {rule.otherwise}
        for outcome in sorted(o for o in reachable if o):
            branch_reasons = all(alt.reason for b in rule.outcomes if b.outcome == outcome for alt in b.when)
            if outcome not in rule.reasons and not (branch_reasons and outcome != rule.otherwise):
                problems.append(Problem(where, "pack_field", {"detail": f"no reason text for outcome '{outcome}'"}))
        if rule.kind == "advisory" and "fail" in reachable:
            problems.append(Problem(where, "pack_field", {"detail": "an advisory rule can never fail"}))
    return problems

