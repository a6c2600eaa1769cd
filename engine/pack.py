"""Rule pack: YAML files -> validated, immutable models.

A pack is a folder: ``pack.yaml`` (id, version, reference date, parameters,
rules), the catalog file it names, the documents its rules quote, an
optional ``pack.lock`` (the digest recorded for each released version) and
optional ``tests/``.  Everything is read with the safe loader and validated
strictly; every problem is reported with file, line and column, and one bad
rule never hides the problems of the others.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic.json_schema import SkipJsonSchema

from engine.catalog import Catalog, Category, Title
from engine.errors import Problem, RulePackError, UsageError
from engine.validation import field_path, translate
from engine.yamlio import DuplicateKeyError, load_one, locate as locate_node, positions

Outcome = Literal["pass", "fail", "review"]
_ID = r"^[a-z0-9][a-z0-9-]*$"
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
TEMPLATE_VALUES = ("evidence", "as_of", "as_of_year")
#: What a `missing` text may name besides those: the rule, and one cited fact's values.
MISSING_VALUES = ("rule_title", "title", "org", "start", "unrated_years", "bad_years", "effect_end", "decided",
                  "birth_date", "professional", "political_theory", "state_management", "unrecorded", "form", "term")
LOCK_FILE = "pack.lock"


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
    id: str = Field(pattern=_ID)
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
    id: str = Field(pattern=_ID)
    title: Text


class PackHead(_Strict):
    """Everything of pack.yaml but its rules (validated one by one)."""

    id: str = Field(pattern=_ID)
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
    return sorted(p.parent.name for p in packs_root().glob("*/pack.yaml"))


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


class Reporter:
    """Collects the problems of one YAML file, each located at its line and column."""

    def __init__(self, file: str, text: str = ""):
        self.file = file
        self.positions = positions(text) if text else {}
        self.problems: list[Problem] = []

    def add(self, path: tuple, message_code: str, **params) -> None:
        path = self._as_written(path)
        line, column = locate_node(self.positions, path)
        self.problems.append(Problem(field_path(path), message_code, params, self.file, line, column))

    def _as_written(self, path: tuple) -> tuple:
        """A single-pattern alternative is written without `all: [...]`: name it as written."""
        for i in range(len(path) - 1):
            if path[i] == "all" and path[i + 1] == 0 and path[:i + 1] not in self.positions:
                return path[:i] + path[i + 2:]
        return path

    def pydantic(self, prefix: tuple, err: ValidationError, document, model: type[BaseModel]) -> None:
        for error in err.errors(include_url=False):
            loc, code, params = translate(error, document, model)
            if code == "unknown_key":
                code = "pack_unknown_key"
            elif code == "missing" and loc and loc[-1] == "sources":
                code = "pack_no_source"
            elif code == "missing":
                code = "pack_missing"
            elif loc and loc[-1] == "sources" and code == "pack_schema":
                code = "pack_no_source"
            elif code == "pack_schema" and "`quote`" in params.get("detail", ""):
                code = "pack_source_text"
            self.add(prefix + tuple(loc), code, **params)


def _read(path: Path, reporter: Reporter) -> tuple[object, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        reporter.add((), "file_unreadable", reason=str(err))
        return None, ""
    reporter.positions = positions(text)
    try:
        return load_one(text), text
    except DuplicateKeyError as err:
        reporter.problems.append(Problem("", "duplicate_key", {"key": err.key, "line": err.line},
                                         reporter.file, err.line, None))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        reporter.problems.append(Problem("", "pack_yaml", {"reason": getattr(err, "problem", None) or str(err)},
                                         reporter.file, mark.line + 1 if mark else None,
                                         mark.column + 1 if mark else None))
    return None, text


def _expand_judgement(rule: Rule, judgement_reasons: dict, judgement_missing: dict | None = None) -> Rule:
    """A judgement rule is decided by the board's recorded assessment, never guessed."""
    if rule.kind != "judgement" or rule.outcomes:
        return rule
    judgement_missing = judgement_missing or {}

    def recorded(result: str, outcome: str) -> Alternative:
        return Alternative(all=[Pattern(fact="assessment", where={"criterion": rule.id, "result": result})],
                           missing=rule.missing.get(outcome) or judgement_missing.get(outcome))

    return rule.model_copy(update={
        "considers": [Pattern(fact="assessment", where={"criterion": rule.id})],
        "outcomes": [OutcomeBranch(outcome="pass", when=[recorded("met", "pass")]),
                     OutcomeBranch(outcome="fail", when=[recorded("not_met", "fail")])],
        "otherwise": rule.otherwise or "review",
        "reasons": {**judgement_reasons, **rule.reasons},
        "missing": {**judgement_missing, **rule.missing},
    })


def _canonical(value) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


def digest_of(content: dict) -> str:
    """SHA-256 of a pack's canonical content: pack.yaml and catalog as data, each
    quoted document by its own hash (so a reworded comment changes nothing)."""
    hashed = {"pack": content["pack"], "catalog": content["catalog"],
              "documents": {k: hashlib.sha256(v.encode("utf-8")).hexdigest()
                            for k, v in content["documents"].items()}}
    return "sha256:" + hashlib.sha256(_canonical(hashed).encode("utf-8")).hexdigest()


@dataclass
class PackCheck:
    """Everything known about a pack folder after checking it."""

    folder: Path
    pack: Pack | None
    problems: list[Problem]
    warnings: list[Problem]


def check_pack_folder(name_or_path: str) -> PackCheck:
    """Read and check a pack, collecting every problem rather than stopping at the first."""
    folder = locate(name_or_path)
    main = Reporter("pack.yaml")
    raw, _ = _read(folder / "pack.yaml", main)
    if main.problems:
        return PackCheck(folder, None, main.problems, [])
    if not isinstance(raw, dict):
        main.add((), "pack_schema", detail="pack.yaml must be a mapping")
        return PackCheck(folder, None, main.problems, [])

    head, rules = _validate_pack_yaml(raw, main)

    catalog, catalog_raw, reporters = None, None, [main]
    if head is not None and _inside(folder, head.catalog, main, ("catalog",)):
        side = Reporter(head.catalog)
        reporters.append(side)
        catalog_raw, _ = _read(folder / head.catalog, side)
        if not side.problems:
            catalog = _catalog(catalog_raw, side)

    documents_text: dict[str, str] = {}
    reference, expanded = None, ()
    if head is not None:
        for doc_id, document in sorted(head.documents.items()):
            path = ("documents", doc_id, "file")
            if document.file and _inside(folder, document.file, main, path):
                try:
                    documents_text[doc_id] = (folder / document.file).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as err:
                    main.add(path, "file_unreadable", reason=str(err))
        try:
            reference = date.fromisoformat(head.reference_date)
        except ValueError:
            main.add(("reference_date",), "pack_bad_reference_date", value=head.reference_date)
        expanded = _check_and_expand(head, rules, catalog, reference, documents_text, main)

    problems = [p for r in reporters for p in r.problems]
    if problems or head is None or catalog is None or reference is None:
        return PackCheck(folder, None, problems, [])
    content = {"pack": raw, "catalog": catalog_raw, "documents": documents_text}
    digest = digest_of(content)
    warnings = _lock_problems(folder, head.version, digest)
    pack = Pack(folder, head, catalog, reference, expanded, digest, documents_text, content, tuple(warnings))
    return PackCheck(folder, pack, [], warnings)


def pack_from_content(content: dict, label: str = "<stored pack>") -> Pack:
    """A pack rebuilt from the content an audit record kept (no folder needed)."""
    main = Reporter("pack.yaml")
    raw = content.get("pack")
    head, rules = _validate_pack_yaml(raw if isinstance(raw, dict) else {}, main)
    side = Reporter("catalog.yaml")
    catalog = _catalog(content.get("catalog"), side)
    documents_text = dict(content.get("documents") or {})
    if head is None or catalog is None or main.problems or side.problems:
        raise RulePackError(label, main.problems + side.problems)
    reference = date.fromisoformat(head.reference_date)
    expanded = _check_and_expand(head, rules, catalog, reference, documents_text, main)
    if main.problems:
        raise RulePackError(label, main.problems)
    return Pack(Path(label), head, catalog, reference, expanded, digest_of(content), documents_text, content)


def load_pack(name_or_path: str) -> Pack:
    """Load and check a pack; raises :class:`RulePackError` listing every problem."""
    checked = check_pack_folder(name_or_path)
    if checked.pack is None:
        raise RulePackError(str(checked.folder), checked.problems)
    return checked.pack


def _validate_pack_yaml(raw: dict, main: Reporter) -> tuple[PackHead | None, list[tuple[int, Rule]]]:
    """pack.yaml's head and each of its rules, validated apart so one bad rule hides nothing."""
    head = None
    try:
        head = PackHead.model_validate({k: v for k, v in raw.items() if k != "rules"})
    except ValidationError as err:
        main.pydantic((), err, raw, PackFile)
    return head, _validate_rules(raw.get("rules"), main)


def _check_and_expand(head: PackHead, rules: list[tuple[int, Rule]], catalog: Catalog | None,
                      reference: date | None, documents_text: dict[str, str], main: Reporter) -> tuple[Rule, ...]:
    """Check the valid rules against each other, their sources and (with a catalog and a
    reference date) the compiler; the rules with judgements expanded."""
    _check_rules(head, rules, documents_text, main)
    expanded = tuple(_expand_judgement(rule, head.judgement_reasons, head.judgement_missing) for _, rule in rules)
    if catalog is not None and reference is not None:
        from engine.compiler import condition_problems  # conditions are checked where they are compiled

        indices = [i for i, _ in rules]
        for path, code, params in condition_problems(head, expanded, catalog, reference):
            # A problem's path starts with its rule's place among the valid rules; a pack-wide
            # one (a compiler limit) has no rule.
            where = ("rules", indices[path[0]]) + path[1:] if path else ("rules",)
            main.add(where, code, **params)
    return expanded


def _validate_rules(raw_rules, main: Reporter) -> list[tuple[int, Rule]]:
    if not isinstance(raw_rules, list) or not raw_rules:
        main.add(("rules",), "pack_schema", detail="`rules` must be a non-empty list")
        return []
    valid = []
    for i, raw_rule in enumerate(raw_rules):
        try:
            valid.append((i, Rule.model_validate(raw_rule)))
        except ValidationError as err:
            main.pydantic(("rules", i), err, raw_rule, Rule)
    return valid


def _inside(folder: Path, name: str, reporter: Reporter, path: tuple) -> bool:
    """A pack may only name files in its own folder."""
    target = (folder / name).resolve()
    if folder.resolve() not in target.parents:
        reporter.add(path, "pack_file_outside", value=name)
        return False
    if not target.is_file():
        reporter.add(path, "pack_file_missing", value=name)
        return False
    return True


def _catalog(raw, reporter: Reporter) -> Catalog | None:
    try:
        catalog_file = CatalogFile.model_validate(raw)
    except ValidationError as err:
        reporter.pydantic((), err, raw, CatalogFile)
        return None
    categories = [Category(code, text.vi, text.en) for code, text in catalog_file.categories.items()]
    titles = []
    codes: set[str] = set()
    for i, entry in enumerate(catalog_file.titles):
        if entry.code in codes:
            reporter.add(("titles", i, "code"), "pack_duplicate_id", value=entry.code)
        codes.add(entry.code)
        if entry.category is not None and entry.category not in catalog_file.categories:
            reporter.add(("titles", i, "category"), "pack_unknown_category", value=entry.category,
                         suggestions=difflib.get_close_matches(entry.category, list(catalog_file.categories), n=2))
        titles.append(Title(entry.code, entry.label, entry.en, entry.category, tuple(entry.aliases)))
    catalog = Catalog(titles, categories)
    for spelling, code, other in catalog.conflicts():
        index = next(i for i, t in enumerate(catalog_file.titles) if t.code == other)
        reporter.add(("titles", index), "pack_alias_conflict", value=spelling, first=code, other=other)
    return catalog


def _squash(text: str) -> str:
    return " ".join(text.split())


def _check_templates(path: tuple, text, parameters: dict, main: Reporter, extra=()) -> None:
    known = set(TEMPLATE_VALUES) | set(parameters) | set(extra)
    for lang in ("vi", "en"):
        template = text.get(lang)
        for name in _PLACEHOLDER.findall(template):
            if name not in known:
                main.add(path + (lang,), "pack_placeholder", value=name, known=", ".join(sorted(known)))
        # Every brace must belong to a {name}: anything else would be printed as it stands.
        if "{" in _PLACEHOLDER.sub("", template) or "}" in _PLACEHOLDER.sub("", template):
            main.add(path + (lang,), "pack_braces")


def _check_missing(path: tuple, missing: Missing, parameters: dict, main: Reporter) -> None:
    _check_templates(path, missing, parameters, main, MISSING_VALUES)
    if missing.empty:
        _check_templates(path + ("empty",), missing.empty, parameters, main, MISSING_VALUES)


DISCIPLINE_FORMS_WITH_BAR = ("khien_trach", "canh_cao", "cach_chuc")


def _check_parameters(head: PackHead, main: Reporter) -> None:
    if "as_of" in head.parameters:
        main.add(("parameters", "as_of"), "pack_reserved_param")
    bars = head.parameters.get("discipline_bar_months")
    if bars is None:
        return
    if not isinstance(bars, dict):
        main.add(("parameters", "discipline_bar_months"), "pack_bars", value=bars)
        return
    for form in sorted(set(bars) | set(DISCIPLINE_FORMS_WITH_BAR)):
        months = bars.get(form)
        if form not in DISCIPLINE_FORMS_WITH_BAR or isinstance(months, bool) or not isinstance(months, int) \
                or not 1 <= months <= 600:
            main.add(("parameters", "discipline_bar_months", form), "pack_bar", form=form, value=months)


def _check_rules(head: PackHead, rules: list[tuple[int, Rule]], documents_text: dict[str, str],
                 main: Reporter) -> None:
    _check_parameters(head, main)
    seen: set[str] = {a.id for a in head.assessments}
    for outcome, text in head.judgement_reasons.items():
        _check_templates(("judgement_reasons", outcome), text, head.parameters, main)
    for outcome, missing in head.judgement_missing.items():
        _check_missing(("judgement_missing", outcome), missing, head.parameters, main)
    for i, rule in rules:
        at = ("rules", i)
        if rule.id in seen:
            main.add(at + ("id",), "pack_duplicate_id", value=rule.id)
        seen.add(rule.id)
        for j, source in enumerate(rule.sources):
            if source.document not in head.documents:
                main.add(at + ("sources", j, "document"), "pack_unknown_document", value=source.document,
                         suggestions=difflib.get_close_matches(source.document, list(head.documents), n=2))
            text = documents_text.get(source.document)
            if text is not None and source.quote and _squash(source.quote) not in _squash(text):
                main.add(at + ("sources", j, "quote"), "pack_misquote", file=head.documents[source.document].file)
        if rule.kind == "judgement" and rule.otherwise not in (None, "review"):
            main.add(at + ("otherwise",), "pack_judgement_guess", value=rule.otherwise)
        if rule.kind == "judgement":
            reasons = {**head.judgement_reasons, **rule.reasons}
            for outcome in ("pass", "fail", "review"):
                if outcome not in reasons:
                    main.add(at, "pack_no_reason", value=outcome)
        else:
            _check_outcomes(at, rule, main)
        for outcome, text in rule.reasons.items():
            _check_templates(at + ("reasons", outcome), text, head.parameters, main)
        for outcome, missing in rule.missing.items():
            _check_missing(at + ("missing", outcome), missing, head.parameters, main)
        for b, branch in enumerate(rule.outcomes):
            for a, alternative in enumerate(branch.when):
                if alternative.reason:
                    _check_templates(at + ("outcomes", b, "when", a, "reason"), alternative.reason,
                                     head.parameters, main)
                if alternative.missing:
                    _check_missing(at + ("outcomes", b, "when", a, "missing"), alternative.missing,
                                   head.parameters, main)


def _check_outcomes(at: tuple, rule: Rule, main: Reporter) -> None:
    if rule.otherwise is None:
        main.add(at, "pack_no_otherwise")
    if not rule.outcomes:
        main.add(at, "pack_no_outcomes")
    reachable = {b.outcome for b in rule.outcomes} | ({rule.otherwise} if rule.otherwise else set())
    for outcome in sorted(reachable):
        by_branch = outcome != rule.otherwise and all(
            alt.reason for b in rule.outcomes if b.outcome == outcome for alt in b.when)
        if outcome not in rule.reasons and not by_branch:
            main.add(at + ("reasons",), "pack_no_reason", value=outcome)
    if rule.kind == "advisory" and "fail" in reachable:
        main.add(at + ("otherwise",), "pack_advisory_fail")


def read_lock(folder: Path) -> dict[str, str]:
    path = folder / LOCK_FILE
    if not path.is_file():
        return {}
    data = load_one(path.read_text(encoding="utf-8")) or {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _lock_problems(folder: Path, version: str, digest: str) -> list[Problem]:
    """A released version's content must not change: pack.lock remembers its digest."""
    lock = read_lock(folder)
    if not (folder / LOCK_FILE).is_file():
        return []
    if version not in lock:
        return [Problem("version", "pack_not_locked", {"version": version}, LOCK_FILE)]
    if lock[version] != digest:
        return [Problem("version", "pack_digest_changed",
                        {"version": version, "recorded": lock[version][:19] + "…", "actual": digest[:19] + "…"},
                        LOCK_FILE)]
    return []
