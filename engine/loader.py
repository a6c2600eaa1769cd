"""Profile files -> validated profiles, and every input error as data.

One bad profile, or one unreadable file, never stops the others: each
problem becomes an :class:`Invalid` entry naming the file, the profile id
when known, and the field path; everything valid is kept.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import ValidationError

from engine.errors import InputFileError, Problem
from engine.model import Profile, ProfileContext
from engine.validation import field_path, translate, type_name
from engine.yamlio import DuplicateKeyError, load_all

PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl")

#: Bounds on what one input may cost (README, "Limits"): a YAML or JSON file is
#: read whole, so it is capped; a JSON Lines file streams, so only a line is.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_DEPTH = 32


@dataclass
class Invalid:
    """A profile (or a whole file) that could not be screened, and why."""

    source: str
    profile_id: str | None
    problems: list[Problem]
    index: int | None = None
    full_name: str | None = None


@dataclass
class Loaded:
    profile: Profile
    source: str
    index: int
    #: The profile as read, before validation (what an audit record keeps).
    document: dict | None = None


@dataclass
class Batch:
    profiles: list[Loaded] = field(default_factory=list)
    invalid: list[Invalid] = field(default_factory=list)
    #: (source, profile id, problem) that do not stop screening.
    warnings: list[tuple[str, str | None, Problem]] = field(default_factory=list)
    files: int = 0


def profile_files(paths: list[str]) -> list[str]:
    """Every profile file named by ``paths``; a directory means its files, sorted."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            # Hidden files (editor backups, .DS_Store, ...) are not profiles.
            inner = sorted(
                p for p in path.rglob("*")
                if p.is_file() and p.suffix.lower() in PROFILE_SUFFIXES
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            if not inner:
                raise InputFileError("no_profile_files", {"path": raw})
            found.extend(p.as_posix() for p in inner)
        elif path.is_file():
            if path.suffix.lower() not in PROFILE_SUFFIXES:
                raise InputFileError("unsupported_file", {"path": raw})
            found.append(path.as_posix())
        elif path.exists():
            raise InputFileError("unsupported_file", {"path": raw})
        else:
            raise InputFileError("path_missing", {"path": raw})
    # A file named twice (directly and through its folder, say) is read once.
    unique, seen = [], set()
    for name in found:
        key = os.path.realpath(name)
        if key not in seen:
            seen.add(key)
            unique.append(name)
    return unique


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _no_duplicate_pairs(pairs):
    result = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _json(text: str):
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_no_duplicate_pairs)
    except RecursionError:
        raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None


def _read_text(source: str) -> str:
    size = Path(source).stat().st_size
    if size > MAX_FILE_BYTES:
        raise InputFileError("file_too_large", {"size": size // (1024 * 1024), "max": MAX_FILE_BYTES // (1024 * 1024)})
    data = Path(source).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    _refuse_utf16(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError("file_not_utf8", {"offset": err.start}) from None


def _refuse_utf16(data: bytes) -> None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 3 and (data[1] == 0 or data[0] == 0)):
        raise InputFileError("file_utf16", {})


def _depth(value, limit: int = MAX_DEPTH) -> int:
    """How deeply a document nests (stops counting past ``limit``), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        node, level = stack.pop()
        if isinstance(node, (dict, list)):
            deepest = max(deepest, level)
            if level > limit:
                return level
            stack.extend((child, level + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


@dataclass
class Item:
    """One profile-shaped item of an input file, before validation."""

    source: str
    index: int | None
    document: object = None
    #: A JSON Lines line not parsed yet (parsing happens where the item is processed).
    raw: str | None = None
    problem: Problem | None = None


def _documents(source: str) -> list[tuple[int, object, Problem | None]]:
    """(index, document, problem) for each profile-shaped item of a JSON or YAML file."""
    text = _read_text(source)
    suffix = os.path.splitext(source)[1].lower()
    if suffix == ".json":
        try:
            data = _json(text)
        except ValueError as err:
            raise InputFileError("file_syntax", {"fmt": "JSON", "reason": str(err)}) from None
        docs = data if isinstance(data, list) else [data]
    else:
        try:
            loaded = load_all(text)
        except (yaml.YAMLError, RecursionError) as err:
            chunks = _yaml_documents(text)
            if len(chunks) < 2:
                raise InputFileError(*_yaml_problem(err, 0)) from None
            return _each_document(chunks)  # one broken document must not take the others with it
        loaded = [doc for doc in loaded if doc is not None]
        docs = loaded[0] if len(loaded) == 1 and isinstance(loaded[0], list) else loaded
    return [(i, doc, None) for i, doc in enumerate(docs)]


_DOCUMENT_START = re.compile(r"^---(\s|$)")


def _yaml_documents(text: str) -> list[tuple[int, str]]:
    """(first line number, text) of each `---` document of a YAML stream; a preamble
    of directives and comments goes with the first document."""
    chunks: list[tuple[int, list[str]]] = [(0, [])]
    for number, line in enumerate(text.splitlines(keepends=True)):
        if _DOCUMENT_START.match(line):
            chunks.append((number, []))
        chunks[-1][1].append(line)
    first_line, preamble = chunks[0]
    if len(chunks) > 1 and all(not l.strip() or l.lstrip().startswith(("#", "%")) for l in preamble):
        chunks = [(first_line, preamble + chunks[1][1])] + chunks[2:]
    return [(start, "".join(lines)) for start, lines in chunks if "".join(lines).strip()]


def _each_document(chunks: list[tuple[int, str]]) -> list[tuple[int, object, Problem | None]]:
    items: list[tuple[int, object, Problem | None]] = []
    for start, chunk in chunks:
        try:
            documents = [d for d in load_all(chunk) if d is not None]
        except (yaml.YAMLError, RecursionError) as err:
            code, params = _yaml_problem(err, start)
            items.append((len(items), None, Problem(f"line {start + 1}", code, params)))
            continue
        for document in documents:
            items.append((len(items), document, None))
    return items


def _yaml_problem(err: BaseException, offset: int) -> tuple[str, dict]:
    if isinstance(err, DuplicateKeyError):
        return "duplicate_key", {"key": err.key, "line": err.line + offset}
    if isinstance(err, RecursionError):
        return "file_syntax", {"fmt": "YAML", "reason": f"nested deeper than {MAX_DEPTH} levels"}
    return "file_syntax", {"fmt": "YAML", "reason": _yaml_reason(err, offset)}


def _lines(stream):
    """The lines of a binary stream, each at most MAX_LINE_BYTES (a longer one is
    skipped to its end and given as None): memory stays bounded whatever the file."""
    while True:
        data = stream.readline(MAX_LINE_BYTES + 1)
        if not data:
            return
        if len(data) > MAX_LINE_BYTES and not data.endswith(b"\n"):
            while True:
                rest = stream.readline(MAX_LINE_BYTES)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield data


def _jsonl_items(source: str):
    """A JSON Lines file, line by line: memory does not grow with the file."""
    with open(source, "rb") as stream:
        _refuse_utf16(stream.read(4))
        stream.seek(0)
        for number, data in enumerate(_lines(stream), start=1):
            if data is None:
                yield Item(source, number - 1, problem=Problem(f"line {number}", "line_too_long",
                                                              {"max": MAX_LINE_BYTES // 1024}))
                continue
            if number == 1 and data.startswith(b"\xef\xbb\xbf"):
                data = data[3:]
            try:
                line = data.decode("utf-8")
            except UnicodeDecodeError as err:
                yield Item(source, number - 1, problem=Problem(f"line {number}", "file_not_utf8", {"offset": err.start}))
                continue
            if line.strip():
                yield Item(source, number - 1, raw=line)


def iter_items(files: list[str], warnings: list | None = None):
    """Every item of every file of ``files`` (from :func:`profile_files`), in order; a
    file that cannot be read at all is one item carrying the problem."""
    for source in files:
        try:
            if source.lower().endswith(".jsonl"):
                empty = True
                for item in _jsonl_items(source):
                    empty = False
                    yield item
            else:
                documents = _documents(source)
                empty = not documents
                for index, document, problem in documents:
                    yield Item(source, index, document, problem=problem)
        except InputFileError as err:
            yield Item(source, None, problem=Problem("", err.code, err.params))
            continue
        except OSError as err:
            yield Item(source, None, problem=Problem("", "file_unreadable", {"reason": err.strerror or str(err)}))
            continue
        if empty and warnings is not None:
            warnings.append((source, None, Problem("", "empty_file")))


def item_document(item: Item):
    """The item's document, parsing a JSON Lines line now; raises ValueError on bad JSON."""
    return _json(item.raw) if item.raw is not None else item.document


def check_item(item: Item, context: ProfileContext, assessment_ids: set[str], pack_id: str):
    """(Loaded or None, Invalid or None, warnings) for one item."""
    if item.problem is not None:
        return None, Invalid(item.source, None, [item.problem], item.index), []
    try:
        document = item_document(item)
    except ValueError as err:
        number = (item.index or 0) + 1
        return None, Invalid(item.source, None, [Problem(f"line {number}", "file_syntax",
                                                         {"fmt": "JSON", "reason": str(err)})], item.index), []
    if _depth(document) > MAX_DEPTH:
        return None, Invalid(item.source, None, [Problem("", "too_deep", {"max": MAX_DEPTH})], item.index), []
    profile, problems = validate_profile(document, context)
    if problems:
        return None, Invalid(item.source, _guess(document, "id"), problems, item.index,
                             _guess(document, "full_name")), []
    warnings = []
    for criterion in sorted(profile.assessments):
        if criterion not in assessment_ids:
            warnings.append((item.source, profile.id, Problem(
                f"assessments.{criterion}", "unknown_assessment",
                {"value": criterion, "pack": pack_id,
                 "suggestions": difflib.get_close_matches(criterion, sorted(assessment_ids), n=2)},
            )))
    return Loaded(profile, item.source, item.index, document), None, warnings


def _yaml_reason(err: yaml.YAMLError, offset: int = 0) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return f"{problem} (line {mark.line + 1 + offset}, column {mark.column + 1})" if mark else str(problem)


def load_batch(paths: list[str], context: ProfileContext, assessment_ids: set[str], pack_id: str) -> Batch:
    """Read and validate every profile under ``paths``."""
    batch = Batch()
    files = profile_files(paths)
    batch.files = len(files)
    for item in iter_items(files, batch.warnings):
        loaded, invalid, warnings = check_item(item, context, assessment_ids, pack_id)
        batch.warnings.extend(warnings)
        if invalid is not None:
            batch.invalid.append(invalid)
        else:
            batch.profiles.append(loaded)
    reject_duplicates(batch)
    return batch


def _guess(document, key: str) -> str | None:
    """What an invalid profile says its id (or name) is, if it says so in text."""
    if isinstance(document, dict) and isinstance(document.get(key), str):
        return document[key]
    return None


def reject_duplicates(batch: Batch) -> None:
    """A duplicated id makes every profile carrying it invalid: none may win silently."""
    seen: dict[str, list[Loaded]] = {}
    for loaded in batch.profiles:
        seen.setdefault(loaded.profile.id, []).append(loaded)
    keep = []
    for loaded in batch.profiles:
        twins = [t for t in seen[loaded.profile.id] if t is not loaded]
        if not twins:
            keep.append(loaded)
            continue
        others = ", ".join(f"{t.source} #{t.index + 1}" for t in twins)
        batch.invalid.append(Invalid(loaded.source, loaded.profile.id, [
            Problem("id", "duplicate_id", {"value": loaded.profile.id, "other": others})
        ], loaded.index, loaded.profile.full_name))
    batch.profiles = keep


def validate_profile(document, context: ProfileContext) -> tuple[Profile | None, list[Problem]]:
    """The profile, or every problem pydantic and our validators found in it."""
    if not isinstance(document, dict):
        return None, [Problem("", "not_mapping", {"got": type_name(document)})]
    try:
        return Profile.model_validate(document, context=context), []
    except ValidationError as err:
        return None, [_problem(e, document) for e in err.errors(include_url=False)]


def _problem(error: dict, document: dict) -> Problem:
    loc, code, params = translate(error, document, Profile)
    if code == "end_before_start":
        loc.append("until" if loc and loc[0] == "discipline" else "end")
    if code == "duplicate_year":
        loc.append(params["value"])
    if loc and loc[-1] == "result" and loc[0] == "assessments" and len(loc) == 3 \
            and isinstance(document.get("assessments", {}).get(loc[1]), str):
        loc.pop()  # written as the shorthand `criterion: value`: no `result` key to point at
    return Problem(field_path(loc, document), code, params)
