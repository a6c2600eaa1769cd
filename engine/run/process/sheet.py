"""A tally sheet (the figures of a biên bản kiểm phiếu) read from a file.

SPEC §6 fixes the sheet: ``step``, ``summoned``, ``present``, ``ballots``
(``issued``, ``returned``, ``valid``, ``invalid``) and ``votes`` (profile id ->
votes), in YAML, JSON, or CSV with two columns ``field,value`` and dotted
names (``ballots.valid``, ``votes.DT-0001``). A sheet may also carry the
reasons of invalid ballots (``ballots.invalid_reasons``: reason -> count), the
sitting's ``date`` and ``place``, the ``clerk`` who keyed it, the members of
the ``counting_board`` and a ``note``.

A sheet is read into :class:`Sheet`: its fields flat, by dotted name, each
with the line it was written on. A value is read as the clerk wrote it: YAML
and JSON numbers stay text until :func:`count_value` reads them, so `047` is
no octal 39, `1.000` no 1 and `1e3` no thousand, but a refused count; a count
has at most 12 digits, no sign and no exponent. A YAML tag that builds
anything but text, a number or a mapping, a lone surrogate, and a control or
direction character in a text are refused, as is a CSV text cell that starts
like a spreadsheet formula. Only a regular file is opened (a FIFO or a device
is never waited on), within :data:`MAX_SHEET_BYTES`. Reading only checks the form of each value;
whether the figures hold together is ``checks.py``'s business, once both
entries (and any counted ballots) are merged. A reader is chosen by the
file's suffix in :data:`READERS`; a workbook reader registers its suffix there.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import yaml

from ...errors import InputFileError, Problem
from ...escape import has_unsafe, one_line
from ...profile.reading import decode_text, depth, no_duplicate_pairs, odd_values, read_bytes
from ...profile.yamlio import DuplicateKeyError, StrictLoader, load_one, positions

#: A tally is a page of figures; anything larger is not one.
MAX_SHEET_BYTES = 1_000_000
MAX_TEXT = 4_000
#: A tally workbook once unzipped: a page of figures is a few kilobytes.
MAX_SHEET_UNZIPPED = 20_000_000
#: The most digits a count may have: no sitting counts a trillion people.
MAX_COUNT_DIGITS = 12
#: How deeply a sheet may nest: ballots → invalid_reasons → a count is three levels.
MAX_SHEET_DEPTH = 4
#: A spreadsheet reads a cell starting with one of these as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@")
COUNTS = ("summoned", "present", "ballots.issued", "ballots.returned", "ballots.valid", "ballots.invalid")
TEXTS = ("date", "place", "clerk", "note")
_TOP = ("step", "summoned", "present", "ballots", "votes", "date", "place", "clerk", "counting_board", "note")
_BALLOTS = ("issued", "returned", "valid", "invalid", "invalid_reasons")


@dataclass
class Sheet:
    """One tally file as read: flat fields (``votes.DT-0001``), the line of each, and problems."""

    source: str
    sha256: str
    fields: dict[str, object] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    @property
    def clerk(self) -> str | None:
        return self.fields.get("clerk")  # type: ignore[return-value]

    def add(self, loc: str, code: str, **params) -> None:
        self.problems.append(Problem(loc, code, params, self.source, self.lines.get(loc)))

    def votes(self) -> dict[str, object]:
        return {k[len("votes."):]: v for k, v in self.fields.items() if k.startswith("votes.")}

    def reasons(self) -> dict[str, object]:
        prefix = "ballots.invalid_reasons."
        return {k[len(prefix):]: v for k, v in self.fields.items() if k.startswith(prefix)}


_COUNT = re.compile(r"[0-9]+(?:\.0)?", re.ASCII)


def count_value(value) -> int | None:
    """A whole number ≥ 0 as a clerk may write it (98, "98", 98.0 as a program writes
    a whole number); None if it is not one. Text is read digit by digit: no sign
    (not even -0), no exponent, no separator, at most :data:`MAX_COUNT_DIGITS` digits."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):  # an explicit !!int tag
        return value if 0 <= value < 10 ** MAX_COUNT_DIGITS else None
    if isinstance(value, float):  # an explicit !!float tag
        ok = value.is_integer() and 0 <= value < 10 ** MAX_COUNT_DIGITS and str(value)[:1] != "-"
        return int(value) if ok else None
    if isinstance(value, str):
        text = value.strip()
        if _COUNT.fullmatch(text) and len(text.split(".")[0]) <= MAX_COUNT_DIGITS:
            return int(text.split(".")[0])
    return None


def _digits(value) -> int:
    """How many digits a value that is all digits has (0 if it is not all digits)."""
    text = value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""
    return len(text) if text.isascii() and text.isdigit() else 0


def sitting_date(value) -> str | None:
    """ISO date from YYYY-MM-DD or D/M/YYYY; None if it is no real day."""
    text = str(value).strip()
    match = re.fullmatch(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})", text)
    try:
        if match:
            return date(int(match[3]), int(match[2]), int(match[1])).isoformat()
        if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            return date.fromisoformat(text).isoformat()
    except ValueError:
        return None
    return None


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number")


_INT, _FLOAT, _BOOL = (f"tag:yaml.org,2002:{kind}" for kind in ("int", "float", "bool"))


class SheetLoader(StrictLoader):
    """The safe YAML reader, with numbers and yes/no left as written: a tally's values
    are read by :func:`count_value` and the text checks, not by YAML 1.1's guesses
    (`047` octal, `1_15`, `0x2f`, `1.000` a float, `on` a boolean). An explicit tag
    (`!!int 98`) is still honoured, or refused as StrictLoader refuses it. A merge key
    (`<<`) is refused: it gives a candidate a second count the reader may not see."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
        for first, resolvers in StrictLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(
                    None, None, "a merge key (<<) is not allowed in a tally: write each figure once, where it belongs",
                    key_node.start_mark)
        return super().construct_mapping(node, deep=deep)


def _aliases(text: str):
    """The mark of the first anchor or alias of a YAML text, or None: a figure written
    elsewhere and shown here as `*name` is not a figure the sheet shows where it counts."""
    try:
        for event in yaml.parse(text, Loader=SheetLoader):  # noqa: S506 - events only
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                return event.start_mark
    except yaml.YAMLError:
        return None  # the loader says what is wrong with it
    return None


def hidden(text: str) -> str:
    """The first character of ``text`` a reader would not see as written: a control, a
    direction or separator character (engine/escape.py), or an invisible format
    character (a zero-width space or joiner, a byte-order mark, a soft hyphen); ''."""
    for char in text:
        if has_unsafe(char) or unicodedata.category(char) == "Cf":
            return char
    return ""


def _odd(document, sheet: Sheet, lines: dict[tuple, int]) -> bool:
    """Report what the reader could not take for a value (a refused tag, a number too
    large, a lone surrogate); True when there was any."""
    found = odd_values(document)
    for path, code, params in found:
        loc = ".".join(str(part) for part in path)
        line = params.get("line") if isinstance(params.get("line"), int) else None
        sheet.problems.append(Problem(loc, code, params, sheet.source, line or lines.get(tuple(path))))
    return bool(found)


def _too_deep(document, sheet: Sheet) -> bool:
    if depth(document, MAX_SHEET_DEPTH) > MAX_SHEET_DEPTH:
        sheet.add("", "too_deep", max=MAX_SHEET_DEPTH)
        return True
    return False


def _yaml(text: str, sheet: Sheet):
    alias = _aliases(text)
    if alias is not None:
        sheet.problems.append(Problem("", "tally_syntax", {"fmt": "YAML", "reason": (
            "an anchor or alias (& *) is not allowed in a tally: write each figure where it belongs")},
            sheet.source, alias.line + 1))
        return None
    where = positions(text, SheetLoader)
    lines = {path: line for path, (line, _) in where.items()}
    try:
        document = load_one(text, SheetLoader)
    except DuplicateKeyError as err:
        sheet.problems.append(Problem("", "duplicate_key", {"key": one_line(err.key), "line": err.line},
                                      sheet.source, err.line))
        return None
    except (yaml.YAMLError, RecursionError) as err:
        mark = getattr(err, "problem_mark", None)
        reason = getattr(err, "problem", None) or str(err).splitlines()[0]
        if isinstance(err, RecursionError):
            reason = f"nested deeper than {MAX_SHEET_DEPTH} levels"
        sheet.problems.append(Problem("", "tally_syntax", {"fmt": "YAML", "reason": one_line(reason)},
                                      sheet.source, mark.line + 1 if mark else None))
        return None
    if _odd(document, sheet, lines) or _too_deep(document, sheet):
        return None
    return _nested(document, sheet, lines)


def _json(text: str, sheet: Sheet):
    try:
        # Numbers stay as written, like YAML's: count_value reads them.
        document = json.loads(text, object_pairs_hook=no_duplicate_pairs, parse_constant=_refuse_constant,
                              parse_int=str, parse_float=str)
    except RecursionError:  # Python 3.11 stops here; 3.13 parses deeper and _too_deep says the same
        sheet.add("", "too_deep", max=MAX_SHEET_DEPTH)
        return None
    except ValueError as err:
        sheet.problems.append(Problem("", "tally_syntax", {"fmt": "JSON", "reason": one_line(err)}, sheet.source,
                                      getattr(err, "lineno", None)))
        return None
    if _odd(document, sheet, {}) or _too_deep(document, sheet):
        return None
    return _nested(document, sheet, {})


def _csv(text: str, sheet: Sheet):
    """Two columns, field and value, one row a field; a header row `field,value` is allowed."""
    try:
        rows = list(csv.reader(io.StringIO(text), strict=True))
    except csv.Error as err:  # a cell over the csv module's limit, a quote left open
        sheet.add("", "tally_syntax", fmt="CSV", reason=one_line(err))
        return
    first = next((row for row in rows if row and "".join(row).strip()), None)
    if first is not None and len(first) == 1 and ";" in first[0]:
        # A spreadsheet set to a semicolon list separator: said once, not as one unknown key per row.
        sheet.add("", "tally_csv_semicolon")
        return
    _field_rows(list(enumerate(rows, start=1)), sheet)


def _xlsx(path: str, sheet: Sheet) -> None:
    """The CSV layout in the first sheet of an .xlsx workbook: field in column A, value in B (a header
    row `field | value` allowed), the line of a field its row. A formula never computed, or one that
    gives an error, is refused naming its cell; a whole number is read as written (98, not 98.0)."""
    import zipfile

    from ...profile.sheets import read_workbook

    try:
        with zipfile.ZipFile(path) as archive:
            unzipped = sum(info.file_size for info in archive.infolist())
        if unzipped > MAX_SHEET_UNZIPPED:  # a page of figures, not a zip bomb
            sheet.add("", "tally_file_too_large", size=unzipped // 1000, max=MAX_SHEET_UNZIPPED // 1000)
            return
        books = read_workbook(path)
    except zipfile.BadZipFile:
        sheet.add("", "workbook_not_zip")
        return
    except InputFileError as err:
        sheet.add("", err.code, **{k: one_line(v) for k, v in err.params.items()})
        return
    if not books:
        sheet.add("", "tally_syntax", fmt="XLSX", reason="no sheet")
        return
    rows = []
    for number, cells in books[0].rows:
        row = []
        for column, cell in enumerate(cells):
            if cell.problem:
                cell_ref = f"{chr(ord('A') + column) if column < 26 else '?'}{number}"
                named = _cell_text(cells[0].value).strip() if column and not cells[0].problem else ""
                where = f"{named} ({cell_ref})" if named else cell_ref
                code = "cell_formula" if cell.problem == "formula" else "cell_error"
                sheet.problems.append(Problem(where, code, {"value": one_line(cell.value)}, sheet.source, number))
                row = None
                break
            row.append(_cell_text(cell.value))
        if row is not None:
            rows.append((number, row))
    _field_rows(rows, sheet)


def _cell_text(value) -> str:
    """A workbook cell as the CSV would hold it: a whole number without '.0', a day as YYYY-MM-DD."""
    from datetime import datetime as moment

    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer() and abs(value) < 10 ** MAX_COUNT_DIGITS:
        return str(int(value))
    if isinstance(value, moment):
        return value.date().isoformat() if value.time() == moment.min.time() else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _field_rows(rows: list[tuple[int, list[str]]], sheet: Sheet) -> None:
    """Rows of `field, value` (the CSV and workbook layouts), each with its line or row number."""
    for number, row in rows:
        if not row or not "".join(row).strip() or row[0].strip().startswith("#"):
            continue
        name = unicodedata.normalize("NFC", row[0].strip())
        if number == 1 and name.lower() in ("field", "trường"):
            continue
        if len(row) > 2 and any(cell.strip() for cell in row[2:]):
            # A text holding a comma is quoted ("Hội trường, Tỉnh ủy"); a third column is never guessed at.
            sheet.problems.append(Problem(name, "tally_csv_columns", {"count": len(row)}, sheet.source, number))
            continue
        value = row[1].strip() if len(row) > 1 else ""
        if name == "counting_board":
            index = sum(1 for k in sheet.fields if k.startswith("counting_board."))
            name = f"counting_board.{index}"
        if name in sheet.fields:
            sheet.lines.setdefault(name, number)
            sheet.add(name, "duplicate_key", key=name, line=number)
            continue
        sheet.lines[name] = number
        if _is_text(name) and value[:1] in FORMULA_START:
            sheet.add(name, "tally_csv_formula", field=_field(name), value=_shown(value))
            continue
        if name.startswith("ballots.invalid_reasons.") and name[len("ballots.invalid_reasons."):][:1] in FORMULA_START:
            sheet.add(name, "tally_csv_formula", field="ballots.invalid_reasons", value=_shown(name))
            continue
        _flat_field(name, value, sheet)


def _is_text(name: str) -> bool:
    return name in TEXTS or name.startswith("counting_board.")


def _field(name: str) -> str:
    """The field a message names: `votes` for a candidate's count, the reasons as a whole, a board's member."""
    for head in ("votes", "ballots.invalid_reasons", "counting_board"):
        if name.startswith(head + "."):
            return head
    return name


def _flat_field(name: str, value, sheet: Sheet) -> None:
    if hidden(name) or len(name) > MAX_TEXT:
        # A name the reader would not see whole: a control, direction or invisible character, or a page of text.
        field_name = _field(name) if _field(name) != name else name.partition(".")[0]
        sheet.problems.append(Problem(_shown(name), "tally_control_character" if hidden(name) else "tally_bad_text",
                                      {"field": field_name, "value": _shown(name), "char": _unsafe_code(name)},
                                      sheet.source, sheet.lines.get(name)))
        return
    head, _, rest = name.partition(".")
    if head == "votes" and rest:
        sheet.fields[name] = value
    elif head == "ballots" and rest.startswith("invalid_reasons.") and len(rest) > len("invalid_reasons."):
        sheet.fields[name] = value
    elif head == "ballots" and rest in _BALLOTS[:4]:
        sheet.fields[name] = value
    elif head == "counting_board" and rest.isdigit():
        sheet.fields[name] = value
    elif not rest and head in _TOP and head not in ("ballots", "votes", "counting_board"):
        sheet.fields[name] = value
    else:
        known = list(_TOP) + [f"ballots.{k}" for k in _BALLOTS] + ["votes.<mã hồ sơ>"]
        sheet.add(name, "tally_unknown_key", key=name, suggestions=difflib.get_close_matches(name, known, n=2))


def _nested(document, sheet: Sheet, lines: dict[tuple, int]):
    """A YAML or JSON mapping flattened to dotted names, every unknown key reported."""
    if not isinstance(document, dict):
        sheet.add("", "tally_not_mapping")
        return None

    def line_of(path: tuple) -> int | None:
        return lines.get(path + ("__key__",)) or lines.get(path)

    def put(name: str, path: tuple, value) -> None:
        if line_of(path):
            sheet.lines[name] = line_of(path)
        _flat_field(name, value, sheet)

    for key, value in document.items():
        key_text = unicodedata.normalize("NFC", str(key))
        if key_text == "ballots" and isinstance(value, dict):
            for inner, count in value.items():
                if inner == "invalid_reasons" and isinstance(count, dict):
                    for reason, n in count.items():
                        put(f"ballots.invalid_reasons.{' '.join(str(reason).split())}",
                            (key, inner, reason), n)
                elif inner == "invalid_reasons":
                    sheet.lines["ballots.invalid_reasons"] = line_of((key, inner)) or 0
                    sheet.add("ballots.invalid_reasons", "tally_field_mapping", field="ballots.invalid_reasons")
                else:
                    put(f"ballots.{inner}", (key, inner), count)
        elif key_text == "votes" and isinstance(value, dict):
            for profile_id, count in value.items():
                put(f"votes.{unicodedata.normalize('NFC', str(profile_id)).strip()}", (key, profile_id), count)
        elif key_text == "counting_board" and isinstance(value, list):
            for index, member in enumerate(value):
                put(f"counting_board.{index}", (key, index), member)
        elif key_text in ("ballots", "votes", "counting_board"):
            if line_of((key,)):
                sheet.lines[key_text] = line_of((key,))
            sheet.add(key_text, "tally_field_mapping" if key_text != "counting_board" else "tally_bad_text",
                      field=key_text, value=_shown(value))
        else:
            put(key_text, (key,), value)
    return document


#: Readers by file suffix: each fills a :class:`Sheet` from the file's text. A
#: workbook reader (the spreadsheet issue) adds its suffix here.
READERS: dict[str, Callable[[str, Sheet], object]] = {".yaml": _yaml, ".yml": _yaml, ".json": _json, ".csv": _csv}


def read_sheet(path: str) -> Sheet:
    """A tally file → a :class:`Sheet` whose values have the right form, or its problems."""
    sheet = Sheet(path, "")
    suffix = Path(path).suffix.lower()
    data = read_input(path, MAX_SHEET_BYTES, sheet.problems)
    if data is None:
        return sheet
    sheet.sha256 = hashlib.sha256(data).hexdigest()
    if suffix == ".xlsx":
        _xlsx(path, sheet)
        _check_values(sheet)
        return sheet
    reader = READERS.get(suffix)
    if reader is None:
        sheet.add("", "tally_format", suffix=one_line(suffix or Path(path).name))
        return sheet
    try:
        text = decode_text(data)
    except InputFileError as err:
        sheet.add("", err.code, **err.params)
        return sheet
    reader(text, sheet)
    _check_values(sheet)
    return sheet


def read_input(path: str, limit: int, problems: list[Problem]) -> bytes | None:
    """A tally's or ballot file's bytes, or None with the problem added: only a regular
    file is read (a FIFO or a device is never waited on, a folder or a link to nowhere
    is said to be one), and no more than ``limit`` bytes of it."""
    try:
        return read_bytes(path, limit)
    except InputFileError as err:
        if err.code == "file_too_large":
            try:
                size = os.stat(path).st_size
            except OSError:
                size = limit + 1
            problems.append(Problem("", "tally_file_too_large", {"size": size // 1000, "max": limit // 1000}, path))
        else:
            problems.append(Problem("", err.code, {k: one_line(v) for k, v in err.params.items()}, path))
    except OSError as err:
        problems.append(Problem("", "file_unreadable", {"reason": one_line(err.strerror or err)}, path))
    return None


#: The most members a counting board, and the most reasons the invalid ballots, a sheet may list.
MAX_LISTED = {"counting_board": 100, "ballots.invalid_reasons": 1000}


def _check_values(sheet: Sheet) -> None:
    """Counts are whole numbers ≥ 0, texts are text a reader sees whole, the date is a
    real day; values normalised in place."""
    for head, most in MAX_LISTED.items():
        listed = [name for name in sheet.fields if name.startswith(head + ".")]
        if len(listed) > most:
            sheet.add(head, "tally_too_many", field=head, count=len(listed), max=most)
            for name in listed:
                del sheet.fields[name]
    for name in list(sheet.fields):
        value = sheet.fields[name]
        if name == "step" or name in COUNTS or name.startswith(("votes.", "ballots.invalid_reasons.")):
            count = count_value(value)
            if count is None:
                digits = _digits(value)
                if digits > MAX_COUNT_DIGITS:
                    sheet.add(name, "tally_count_too_large", field=_field(name), digits=digits,
                              max=MAX_COUNT_DIGITS)
                else:
                    sheet.add(name, "tally_not_count", field=_field(name), value=_shown(value))
                del sheet.fields[name]
            else:
                sheet.fields[name] = count
            continue
        if isinstance(value, (dict, list)) or value is None or isinstance(value, bool) \
                or len(str(value)) > MAX_TEXT or not str(value).strip():
            sheet.add(name, "tally_bad_text", field=_field(name), value=_shown(value))
            del sheet.fields[name]
            continue
        text = " ".join(unicodedata.normalize("NFC", str(value)).split())
        if hidden(text):
            sheet.add(name, "tally_control_character", field=_field(name), value=_shown(text),
                      char=_unsafe_code(text))
            del sheet.fields[name]
        elif name == "date":
            iso = sitting_date(text)
            if iso is None:
                sheet.add(name, "tally_bad_date", field=name, value=_shown(value))
                del sheet.fields[name]
            else:
                sheet.fields[name] = iso
        else:
            sheet.fields[name] = text


def _unsafe_code(text: str) -> str:
    found = hidden(text)
    return f"U+{ord(found):04X}" if found else ""


def _shown(value) -> str:
    """A value quoted in a message: on one line, its controls shown, at most 60 characters."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str) if not isinstance(value, str) else value
    except (TypeError, ValueError, RecursionError):
        text = type(value).__name__
    text = one_line(text)
    return text if len(text) <= 60 else text[:57] + "…"
