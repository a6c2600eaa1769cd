"""A pack folder -> a checked :class:`~engine.pack.model.Pack`, or every problem.

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
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import yaml
from pydantic import BaseModel, ValidationError

from ..errors import InputFileError, Problem, RulePackError, UsageError
from ..jsonform import canonical
from ..i18n import label
from ..profile.catalog import Catalog, Category, Title, WordTable
from ..profile.model import CODES
from ..profile.problems import field_path, translate
from ..profile.reading import MAX_DEPTH, deep_path, odd_values, read_text
from ..profile.yamlio import DuplicateKeyError, load_one, locate as locate_node, positions
from . import conditions
from .lock import lock_problems
from .model import (ID_PATTERN, Alternative, CatalogFile, OutcomeBranch, Pack, PackFile, PackHead,
                    missing_list,
                    Pattern, Rule)
from .process import ProcessSection, process_problems

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
TEMPLATE_VALUES = ("evidence", "as_of", "as_of_year")
#: What a `missing` text may name besides those: the rule, and one cited fact's values.
MISSING_VALUES = ("rule_title", "title", "org", "start", "unrated_years", "bad_years", "effect_end", "decided",
                  "birth_date", "professional", "political_theory", "state_management", "unrecorded", "form", "term",
                  # the same dates after a verb: "ngày 15/01/2021", "tháng 3/2016", "năm 2016"
                  "start_on", "birth_on", "decided_on", "effect_end_on")
#: Limits of the rule language. They are durable-rules' own (shared/DURABLE_RULES.md: past
#: some of them it hangs instead of failing), so that every pack runs on every matcher.
MAX_PATTERNS_PER_ALTERNATIVE = 16
MAX_ALTERNATIVES = 4096
MAX_DISTINCT_TESTS = 512


def packs_root() -> Path:
    """The packs shipped with sangloc: ``rules/`` beside ``engine/`` (in a checkout and in the wheel)."""
    return Path(__file__).resolve().parents[2] / "rules"


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
    if re.match(ID_PATTERN, name_or_path) and (shipped / "pack.yaml").is_file():
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
            elif code == "missing" and loc and loc[-1] in ("basis", "provenance"):
                code = "pack_no_source" if loc[-1] == "provenance" else "pack_no_basis"
            elif code == "missing":
                code = "pack_missing"
            elif loc and loc[-1] in ("basis", "provenance") and code == "pack_schema":
                code = "pack_no_source" if loc[-1] == "provenance" else "pack_no_basis"
            elif code == "pack_schema" and "`quote`" in params.get("detail", ""):
                code = "pack_source_text"
            self.add(prefix + tuple(loc), code, **params)


def read_pack_text(path: Path, reporter: Reporter, at: tuple = ()) -> str | None:
    """A file of the pack as text, or None with the reason among the reporter's problems
    (not a regular file, not UTF-8, too large, unreadable): never a traceback, never a wait."""
    try:
        return read_text(path)
    except InputFileError as err:
        reporter.add(at, err.code, **err.params)
    except OSError as err:
        reporter.add(at, "file_unreadable", reason=err.strerror or str(err))
    return None


def _read(path: Path, reporter: Reporter) -> tuple[object, str]:
    text = read_pack_text(path, reporter)
    if text is None:
        return None, ""
    reporter.positions = positions(text)
    try:
        document = load_one(text)
    except DuplicateKeyError as err:
        reporter.problems.append(Problem("", "duplicate_key", {"key": err.key, "line": err.line},
                                         reporter.file, err.line, None))
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        reporter.problems.append(Problem("", "pack_yaml", {"reason": getattr(err, "problem", None) or str(err)},
                                         reporter.file, mark.line + 1 if mark else None,
                                         mark.column + 1 if mark else None))
    except RecursionError:
        reporter.add((), "too_deep", max=MAX_DEPTH)
    else:
        if not hostile(document, reporter):
            return document, text
    return None, text


def hostile(document, reporter: Reporter) -> bool:
    """Report what a YAML file of the pack holds that no pack can use: nesting past the
    bound (it would exhaust the recursion of every later step), a value the reader
    could not take (``engine/profile/yamlio.py``'s BadValue), a lone surrogate."""
    deep = deep_path(document)
    if deep is not None:
        reporter.add(deep, "too_deep", max=MAX_DEPTH)
        return True
    odd = odd_values(document)
    for path, code, params in odd:
        reporter.add(path, code, **params)
    return bool(odd)


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


def digest_of(content: dict) -> str:
    """SHA-256 of a pack's canonical content: pack.yaml and catalog as data, each
    quoted document by its own hash (so a reworded comment changes nothing)."""
    hashed = {"pack": content["pack"], "catalog": content["catalog"],
              "documents": {k: hashlib.sha256(v.encode("utf-8")).hexdigest()
                            for k, v in content["documents"].items()}}
    return "sha256:" + hashlib.sha256(canonical(hashed).encode("utf-8")).hexdigest()


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
    reference, expanded, process = None, (), None
    if head is not None:
        for reading_id, reading in sorted(head.readings.items()):
            path = ("readings", reading_id, "file")
            if reading.file and _inside(folder, reading.file, main, path):
                text = read_pack_text(folder / reading.file, main, path)
                if text is not None:
                    documents_text[reading_id] = text
        try:
            reference = date.fromisoformat(head.reference_date)
        except ValueError:
            main.add(("reference_date",), "pack_bad_reference_date", value=head.reference_date)
        else:
            _check_documents(head, reference, main)
        expanded = _check_and_expand(head, rules, catalog, documents_text, main)
        process = _process(head, documents_text, main)

    problems = [p for r in reporters for p in r.problems]
    if problems or head is None or catalog is None or reference is None:
        return PackCheck(folder, None, problems, [])
    content = {"pack": raw, "catalog": catalog_raw, "documents": documents_text}
    digest = digest_of(content)
    warnings = lock_problems(folder, head.version, digest)
    pack = Pack(folder, head, catalog, reference, expanded, digest, documents_text, content, tuple(warnings),
                process=process)
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
    try:
        reference = date.fromisoformat(head.reference_date)
    except (TypeError, ValueError):
        main.add(("reference_date",), "pack_bad_reference_date", value=head.reference_date)
        raise RulePackError(label, main.problems) from None
    expanded = _check_and_expand(head, rules, catalog, documents_text, main)
    process = _process(head, documents_text, main)
    if main.problems:
        raise RulePackError(label, main.problems)
    return Pack(Path(label), head, catalog, reference, expanded, digest_of(content), documents_text, content,
                process=process)


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
                      documents_text: dict[str, str], main: Reporter) -> tuple[Rule, ...]:
    """Check the valid rules against each other and their sources, expand the judgement
    rules, and (with a catalog) parse every pattern's condition; the expanded rules."""
    _check_rules(head, rules, documents_text, main)
    expanded = tuple(_expand_judgement(rule, head.judgement_reasons, head.judgement_missing) for _, rule in rules)
    if catalog is not None:
        assessment_ids = {a.id for a in head.assessments} | {r.id for r in expanded if r.kind == "judgement"}
        _parse_conditions(head.parameters, catalog, assessment_ids,
                          [(("rules", i), rule) for (i, _), rule in zip(rules, expanded)], main)
    return expanded


def _process(head: PackHead, documents_text: dict[str, str], main: Reporter) -> ProcessSection | None:
    """The `process` section (SPEC §6) checked, or None when the pack declares none."""
    if head.process is None:
        return None
    try:
        section = ProcessSection.model_validate(head.process)
    except ValidationError as err:
        main.pydantic(("process",), err, head.process, ProcessSection)
        return None
    for path, code, params in process_problems(section, head.documents, head.readings, documents_text):
        main.add(("process",) + path, code, **params)
    return section


def _patterns(rule: Rule):
    """(path in the rule, pattern, alternative) of every pattern a rule holds."""
    for k, pattern in enumerate(rule.considers):
        yield ("considers", k), pattern, None
    for b, branch in enumerate(rule.outcomes):
        for a, alternative in enumerate(branch.when):
            for k, pattern in enumerate(alternative.all):
                yield ("outcomes", b, "when", a, "all", k), pattern, alternative
    if rule.incomplete_record is not None:
        yield ("incomplete_record", "absent"), rule.incomplete_record.absent, None
    for path, missing in _missing_texts(rule):
        if missing.unless is not None:
            yield path + ("unless",), missing.unless, None


def _missing_texts(rule: Rule):
    """(path in the rule, text) of every `missing` text a rule holds."""
    for outcome, missing in rule.missing.items():
        for k, text in enumerate(missing_list(missing)):
            yield ("missing", outcome) + ((k,) if isinstance(missing, list) else ()), text
    for b, branch in enumerate(rule.outcomes):
        for a, alternative in enumerate(branch.when):
            for k, text in enumerate(missing_list(alternative.missing)):
                yield (("outcomes", b, "when", a, "missing") + ((k,) if isinstance(alternative.missing, list) else ()),
                       text)


def _parse_conditions(parameters: dict, catalog: Catalog, assessment_ids: set[str],
                      rules: list[tuple[tuple, Rule]], main: Reporter) -> None:
    """Give every pattern its condition, or report why it has none; then the language's limits."""
    distinct: set = set()
    alternatives = 0
    for at, rule in rules:
        if rule.exceptions is not None:
            if rule.kind == "judgement":
                main.add(at + ("exceptions",), "pack_exception_judgement")
            for j, body in enumerate(rule.exceptions.admitted_from):
                if body not in catalog.bodies:
                    main.add(at + ("exceptions", "admitted_from", j), "pack_unknown_body", value=body,
                             suggestions=difflib.get_close_matches(body, list(catalog.bodies), n=2))
        for path, pattern, alternative in _patterns(rule):
            condition, problems = conditions.parse(pattern.fact, pattern.where, parameters, catalog, assessment_ids)
            for where, code, params in problems:
                main.add(at + path + where, code, **params)
            pattern._condition = condition
            if condition is not None:
                distinct.add(("type", condition.fact))
                distinct.update((condition.fact, repr(test)) for test in condition.tests)
        for b, branch in enumerate(rule.outcomes):
            for a, alternative in enumerate(branch.when):
                alternatives += 1
                if len(alternative.all) > MAX_PATTERNS_PER_ALTERNATIVE:
                    main.add(at + ("outcomes", b, "when", a), "pack_limit",
                             detail=f"more than {MAX_PATTERNS_PER_ALTERNATIVE} patterns")
    if alternatives > MAX_ALTERNATIVES:
        main.add(("rules",), "pack_limit", detail=f"more than {MAX_ALTERNATIVES} alternatives")
    if len(distinct) > MAX_DISTINCT_TESTS:
        main.add(("rules",), "pack_limit", detail=f"more than {MAX_DISTINCT_TESTS} distinct tests")


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
    if not target.exists():
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
    codes = {entry.code: entry for entry in catalog_file.titles}
    seen: set[str] = set()
    for i, entry in enumerate(catalog_file.titles):
        if entry.code in seen:
            reporter.add(("titles", i, "code"), "pack_duplicate_id", value=entry.code)
        seen.add(entry.code)
        if entry.category is not None and entry.category not in catalog_file.categories:
            reporter.add(("titles", i, "category"), "pack_unknown_category", value=entry.category,
                         suggestions=difflib.get_close_matches(entry.category, list(catalog_file.categories), n=2))
        if entry.district is not None and getattr(codes.get(entry.district), "level", None) != "district":
            reporter.add(("titles", i, "district"), "pack_district_title", value=entry.district)
        titles.append(Title(entry.code, entry.label, entry.en, entry.category, tuple(entry.aliases), entry.level,
                            tuple(entry.city_forms), entry.district, entry.basis, entry.named_unit,
                            tuple(entry.abbreviations)))
    words = {}
    for group, table in catalog_file.words.items():
        if group not in CODES:
            reporter.add(("words", group), "pack_word_group", value=group, known=", ".join(CODES))
            continue
        for code in table:
            if code not in CODES[group]:
                reporter.add(("words", group, code), "pack_word_code", value=code, known=", ".join(CODES[group]))
    for group, codes_of in CODES.items():
        table = catalog_file.words.get(group, {})
        words[group] = WordTable({code: tuple(table.get(code, ())) + (label(group, code, "vi"),)
                                  for code in codes_of})
    bodies = {code: (body.label, body.en, tuple(body.aliases)) for code, body in catalog_file.bodies.items()}
    catalog = Catalog(titles, categories, words, {k: tuple(v) for k, v in catalog_file.central_cities.items()},
                      bodies)
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


def _check_missing(path: tuple, missing, parameters: dict, main: Reporter) -> None:
    for k, text in enumerate(missing_list(missing)):
        at = path + ((k,) if isinstance(missing, list) else ())
        _check_templates(at, text, parameters, main, MISSING_VALUES)
        if text.empty:
            _check_templates(at + ("empty",), text.empty, parameters, main, MISSING_VALUES)


def _check_documents(head: PackHead, reference: date, main: Reporter) -> None:
    """An official document is a basis only if it existed on the pack's reference date."""
    for doc_id, document in head.documents.items():
        if document.date is None:
            continue
        try:
            dated = date.fromisoformat(document.date)
        except ValueError:
            main.add(("documents", doc_id, "date"), "pack_bad_value", value=document.date, expected="date")
            continue
        if dated > reference:
            main.add(("documents", doc_id, "date"), "pack_basis_after", value=doc_id,
                     date=document.date, reference=head.reference_date)


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
        for j, ref in enumerate(rule.basis):
            if ref.document not in head.documents:
                main.add(at + ("basis", j, "document"), "pack_unknown_document", value=ref.document,
                         suggestions=difflib.get_close_matches(ref.document, list(head.documents), n=2))
        for j, source in enumerate(rule.provenance):
            if source.reading not in head.readings:
                main.add(at + ("provenance", j, "reading"), "pack_unknown_reading", value=source.reading,
                         suggestions=difflib.get_close_matches(source.reading, list(head.readings), n=2))
            text = documents_text.get(source.reading)
            if text is not None and source.quote and _squash(source.quote) not in _squash(text):
                main.add(at + ("provenance", j, "quote"), "pack_misquote", file=head.readings[source.reading].file)
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
