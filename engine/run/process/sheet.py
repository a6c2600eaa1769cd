"""A tally sheet (the figures of a biên bản kiểm phiếu) read from a file.

SPEC §6 fixes the sheet: ``step``, ``summoned``, ``present``, ``ballots``
(``issued``, ``returned``, ``valid``, ``invalid``) and ``votes`` (profile id ->
votes), in YAML, JSON, or CSV with two columns ``field,value`` and dotted
names (``ballots.valid``, ``votes.DT-0001``). A sheet may also carry the
reasons of invalid ballots (``ballots.invalid_reasons``: reason -> count), the
sitting's ``date`` and ``place``, the ``clerk`` who keyed it, the members of
the ``counting_board`` and a ``note``.

A sheet is read into :class:`Sheet`: its fields flat, by dotted name, each
with the line it was written on. Reading only checks the form of each value;
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
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

import yaml

from ...errors import Problem
from ...profile.yamlio import DuplicateKeyError, load_one, positions

#: A tally is a page of figures; anything larger is not one.
MAX_SHEET_BYTES = 1_000_000
MAX_TEXT = 4_000
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


def count_value(value) -> int | None:
    """A whole number ≥ 0 as a clerk may write it (98, 98.0, "98"); None if it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if isinstance(value, float):
        return int(value) if value.is_integer() and value >= 0 else None
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,12}\s*", value):
        return int(value)
    return None


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


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise UnicodeError("the file is UTF-16; save it as UTF-8")
    return data.decode("utf-8")


def _no_duplicates(pairs):
    found = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"duplicate key {key!r}")
        found[key] = value
    return found


def _refuse_constant(name):
    raise ValueError(f"{name} is not a number")


def _yaml(text: str, sheet: Sheet):
    where = positions(text)
    try:
        document = load_one(text)
    except DuplicateKeyError as err:
        sheet.problems.append(Problem("", "duplicate_key", {"key": err.key, "line": err.line}, sheet.source, err.line))
        return None
    except (yaml.YAMLError, RecursionError) as err:
        mark = getattr(err, "problem_mark", None)
        sheet.problems.append(Problem("", "tally_syntax", {"fmt": "YAML", "reason": getattr(err, "problem", None)
                                                           or str(err).splitlines()[0]},
                                      sheet.source, mark.line + 1 if mark else None))
        return None
    return _nested(document, sheet, {path: line for path, (line, _) in where.items()})


def _json(text: str, sheet: Sheet):
    try:
        document = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as err:
        sheet.problems.append(Problem("", "tally_syntax", {"fmt": "JSON", "reason": str(err)}, sheet.source,
                                      getattr(err, "lineno", None)))
        return None
    return _nested(document, sheet, {})


def _csv(text: str, sheet: Sheet):
    """Two columns, field and value, one row a field; a header row `field,value` is allowed."""
    rows = list(csv.reader(io.StringIO(text)))
    for number, row in enumerate(rows, start=1):
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
        _flat_field(name, value, sheet)


def _flat_field(name: str, value, sheet: Sheet) -> None:
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
    try:
        data = Path(path).read_bytes() if Path(path).stat().st_size <= MAX_SHEET_BYTES else None
    except OSError as err:
        sheet.add("", "file_unreadable", reason=err.strerror or str(err))
        return sheet
    if data is None:
        sheet.add("", "file_too_large", size=Path(path).stat().st_size // 1_000_000 or 1, max=1)
        return sheet
    sheet.sha256 = hashlib.sha256(data).hexdigest()
    reader = READERS.get(suffix)
    if reader is None:
        sheet.add("", "tally_format", suffix=suffix or Path(path).name)
        return sheet
    try:
        text = _decode(data)
    except UnicodeDecodeError as err:
        sheet.add("", "file_not_utf8", offset=err.start)
        return sheet
    except UnicodeError:
        sheet.add("", "file_utf16")
        return sheet
    reader(text, sheet)
    _check_values(sheet)
    return sheet


def _check_values(sheet: Sheet) -> None:
    """Counts are whole numbers ≥ 0, texts are text, the date is a real day; values normalised in place."""
    for name in list(sheet.fields):
        value = sheet.fields[name]
        if name == "step" or name in COUNTS or name.startswith(("votes.", "ballots.invalid_reasons.")):
            count = count_value(value)
            if count is None:
                sheet.add(name, "tally_not_count", field=name if not name.startswith("votes.") else "votes",
                          value=_shown(value))
                del sheet.fields[name]
            else:
                sheet.fields[name] = count
        elif name == "date":
            iso = sitting_date(value)
            if iso is None:
                sheet.add(name, "tally_bad_date", field=name, value=_shown(value))
                del sheet.fields[name]
            else:
                sheet.fields[name] = iso
        elif isinstance(value, (dict, list)) or value is None or isinstance(value, bool) \
                or len(str(value)) > MAX_TEXT or not str(value).strip():
            sheet.add(name, "tally_bad_text", field=name.split(".")[0], value=_shown(value))
            del sheet.fields[name]
        else:
            sheet.fields[name] = " ".join(unicodedata.normalize("NFC", str(value)).split())


def _shown(value) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "…"
