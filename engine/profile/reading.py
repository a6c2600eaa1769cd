"""Profile files -> items: one profile-shaped document each, not yet validated.

A directory means every profile file under it, in sorted path order, with
its symbolic links followed, to files and to folders alike (a folder reached
twice, through a loop of links, is read once; a link that leads nowhere, a
FIFO or a device named like a profile is reported as an invalid file, never
waited on and never skipped in silence); a file that cannot be read at all
becomes one item carrying the problem, so that one bad file never stops the
others.  JSON Lines files stream (a line is parsed
where the item is processed); YAML and JSON files are read whole, within the
size bound below.
"""

from __future__ import annotations

import json
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

import yaml

from ..errors import InputFileError, Problem
from .yamlio import MAX_INT_BITS, BadValue, DuplicateKeyError, load_all, too_large

#: Workbooks and CSV files are read by ``engine/profile/workbook.py``.
TABLE_SUFFIXES = (".xlsx", ".csv")
PROFILE_SUFFIXES = (".yaml", ".yml", ".json", ".jsonl", *TABLE_SUFFIXES)

#: Bounds on what one input may cost (README, "Limits"): a YAML or JSON file is
#: read whole, so it is capped; a JSON Lines file streams, so only a line is.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_LINE_BYTES = 1024 * 1024
MAX_DEPTH = 32


def profile_files(paths: list[str]) -> list[str]:
    """Every profile file named by ``paths``; a directory means its files, sorted."""
    found: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            inner = _folder_files(path)
            if not inner:
                raise InputFileError("no_profile_files", {"path": raw})
            found.extend(p.as_posix() for p in inner)
        elif path.is_file():
            if path.suffix.lower() not in PROFILE_SUFFIXES:
                raise InputFileError("unsupported_file", {"path": raw})
            found.append(path.as_posix())
        elif path.exists() and path.suffix.lower() in PROFILE_SUFFIXES:
            raise InputFileError("not_regular_file_named", {"path": raw})
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


def _folder_files(folder: Path) -> list[Path]:
    """Every file named like a profile under ``folder``, sorted, links followed.

    Hidden files and folders (editor backups, .DS_Store, .git, ...) and the lock
    files office programs leave beside an open workbook (~$book.xlsx,
    .~lock.book.xlsx#) are not profiles.  Whatever is named like a profile is listed, whether or not it is a
    regular file, so that reading it reports what it is instead of dropping it."""
    found: list[Path] = []
    seen: set[str] = set()
    for here, folders, files in os.walk(folder, followlinks=True):
        real = os.path.realpath(here)
        if real in seen:  # a loop of links, or a folder linked twice: read once
            folders[:] = []
            continue
        seen.add(real)
        folders[:] = [name for name in folders if not name.startswith(".")]
        found.extend(Path(here) / name for name in files
                     if not name.startswith((".", "~$")) and os.path.splitext(name)[1].lower() in PROFILE_SUFFIXES)
    return sorted(found)


def _regular(source: str) -> bool:
    """Whether ``source`` (links followed) is a regular file; a broken link is not."""
    try:
        return stat.S_ISREG(os.stat(source).st_mode)
    except OSError:
        return False


def _open_regular(source: str):
    """The file, open for binary reading, if it is a regular file (links followed):
    opening never waits (a FIFO without a writer), and what it is is checked on
    the open file itself, not on a name that could change in between."""
    try:
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        if os.path.islink(source):
            raise InputFileError("broken_link", {"target": os.readlink(source)}) from None
        raise
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise InputFileError("not_regular_file", {})
        os.set_blocking(fd, True)
    except BaseException:
        os.close(fd)
        raise
    return os.fdopen(fd, "rb", buffering=_READ_BUFFER)


#: A file is read in pieces of this size: a JSON Lines file of profiles (a few KB a line)
#: costs one system call per several lines, not one per line.
_READ_BUFFER = 1 << 16


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def no_duplicate_pairs(pairs):
    """``object_pairs_hook`` for ``json.loads``: a key written twice is a ValueError."""
    result = dict(pairs)
    if len(result) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise ValueError(f"duplicate key {key!r}")
            seen.add(key)
    return result


def _json_int(text: str):
    """A JSON integer, or a BadValue for one too large to be anything a profile holds
    (Python refuses to parse more than 4,300 digits: one such number would take the
    whole file down)."""
    if len(text) > 4 * MAX_INT_BITS:
        return BadValue("number_too_large", "", str(len(text)))
    value = int(text)
    return BadValue("number_too_large", "", str(len(text))) if too_large(value) else value


class TooDeep(ValueError):
    """JSON nested deeper than Python's parser goes: the same finding as a document that
    parses and then measures deeper than MAX_DEPTH (where the parser stops depends on the
    Python version; what the reader is told must not)."""


def _json(text: str):
    try:
        return json.loads(text, parse_constant=_reject_constant, object_pairs_hook=no_duplicate_pairs,
                          parse_int=_json_int)
    except RecursionError:
        raise TooDeep(f"nested deeper than {MAX_DEPTH} levels") from None


def read_bytes(source, limit: int = MAX_FILE_BYTES) -> bytes:
    """A whole file of at most ``limit`` bytes, or InputFileError saying why not: not a
    regular file (a folder, a FIFO, a device: never waited on), a broken link, too
    large (measured on what is read, not only on what the file claims)."""
    source = str(source)
    mb = 1024 * 1024
    with _open_regular(source) as stream:
        size = os.fstat(stream.fileno()).st_size
        if size > limit:  # rounded up: a file over the bound never reads as "16 MB > 16 MB"
            raise InputFileError("file_too_large", {"size": -(-size // mb), "max": max(limit // mb, 1)})
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise InputFileError("file_too_large", {"size": -(-len(data) // mb), "max": max(limit // mb, 1)})
    return data


def decode_text(data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark dropped), or InputFileError: UTF-16, not UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    _refuse_utf16(data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError("file_not_utf8", {"offset": err.start}) from None


def read_text(source, limit: int = MAX_FILE_BYTES) -> str:
    """A whole text file (profile, pack, catalog, pack test, process file), or
    InputFileError saying why not: not a regular file, a broken link, too large,
    UTF-16, not UTF-8."""
    return decode_text(read_bytes(source, limit))


def _refuse_utf16(data: bytes) -> None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or (len(data) > 3 and (data[1] == 0 or data[0] == 0)):
        raise InputFileError("file_utf16", {})


def depth(value, limit: int = MAX_DEPTH) -> int:
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


def deep_path(value, limit: int = MAX_DEPTH) -> tuple | None:
    """The path of the first node nested deeper than ``limit``, or None."""
    stack = [(value, 1, ())]
    while stack:
        node, level, path = stack.pop()
        if isinstance(node, (dict, list)):
            if level > limit:
                return path
            items = node.items() if isinstance(node, dict) else enumerate(node)
            stack.extend((child, level + 1, path + (key if isinstance(key, (str, int)) else str(key),))
                         for key, child in items)
    return None


@dataclass
class Item:
    """One profile-shaped item of an input file, before validation."""

    source: str
    index: int | None
    document: object = None
    #: A JSON Lines line not parsed yet (parsing happens where the item is processed).
    raw: str | None = None
    problem: Problem | None = None
    #: Where each field was read, for an item read from a workbook or CSV (``engine/profile/workbook.py``).
    cells: object = None


def _documents(source: str) -> list[tuple[int, object, Problem | None]]:
    """(index, document, problem) for each profile-shaped item of a JSON or YAML file."""
    text = read_text(source)
    suffix = os.path.splitext(source)[1].lower()
    if suffix == ".json":
        try:
            data = _json(text)
        except TooDeep:
            return [(0, None, Problem("", "too_deep", {"max": MAX_DEPTH}))]
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
    with _open_regular(source) as stream:
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
    file that cannot be read at all is one item carrying the problem.  A workbook is one
    book; every CSV file of ``files`` is one sheet of a single book, read where the first is."""
    csv_files = [f for f in files if f.lower().endswith(".csv") and _regular(f)]
    for source in files:
        try:
            if source.lower().endswith(TABLE_SUFFIXES):
                if not _regular(source):  # a FIFO or a device named like a workbook: never opened
                    yield Item(source, None, problem=Problem("", "not_regular_file"))
                    continue
                if source.lower().endswith(".csv") and source != csv_files[0]:
                    continue
                from .workbook import table_items  # openpyxl is loaded only for a run that reads a workbook

                items, found = table_items(csv_files if source in csv_files else [source])
                empty = not items
                if warnings is not None:
                    warnings.extend(found)
                yield from items
            elif source.lower().endswith(".jsonl"):
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


def _yaml_reason(err: yaml.YAMLError, offset: int = 0) -> str:
    mark = getattr(err, "problem_mark", None)
    problem = getattr(err, "problem", None) or str(err).splitlines()[0]
    return f"{problem} (line {mark.line + 1 + offset}, column {mark.column + 1})" if mark else str(problem)


_SURROGATE = re.compile("[\ud800-\udfff]")


def clean_text(text: str) -> str:
    """``text`` with any lone surrogate written as ``\\uXXXX`` (one cannot be
    encoded as UTF-8: printed or stored as it is, it would stop the run)."""
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _shown(value) -> str:
    text = clean_text(str(value))
    return text if len(text) <= 40 else text[:37] + "…"


def odd_values(document) -> list[tuple[tuple, str, dict]]:
    """(path, message code, parameters) of every value a reader could not take for
    what it is: a BadValue the YAML or JSON reader left in its place, and any text
    (a value or a key) holding a lone surrogate.  Walked without recursion; a
    document is bounded in depth and size before it gets here."""
    found: list[tuple[tuple, str, dict]] = []
    seen: set[int] = set()
    stack: list[tuple[object, tuple]] = [(document, ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, BadValue):
            found.append((path, node.code, node.params()))
        elif isinstance(node, str):
            match = _SURROGATE.search(node)
            if match:
                found.append((path, "lone_surrogate", {"code": f"{ord(match.group()):04X}", "value": _shown(node)}))
        elif isinstance(node, (dict, list)):
            if id(node) in seen:
                continue  # a YAML alias: its content is reported where it is defined
            seen.add(id(node))
            if isinstance(node, dict):
                for key, value in node.items():
                    shown_key = clean_text(key) if isinstance(key, str) else key
                    if isinstance(key, (str, BadValue)):
                        stack.append((key, path + (shown_key if isinstance(key, str) else "[key]",)))
                    stack.append((value, path + (shown_key if not isinstance(key, BadValue) else "[key]",)))
            else:
                stack.extend((value, path + (index,)) for index, value in reversed(list(enumerate(node))))
    found.sort(key=lambda entry: [str(part) for part in entry[0]])
    return found


def item_document(item: Item):
    """The item's document, parsing a JSON Lines line now; raises ValueError on bad JSON."""
    return _json(item.raw) if item.raw is not None else item.document
