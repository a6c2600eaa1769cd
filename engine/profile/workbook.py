"""A workbook (or a batch of CSV files) in the profile layout → one item per cadre.

Each cadre becomes one item holding the same document a YAML profile holds,
and a map from its field paths to the cells they came from, so that a
problem is reported at "Quá trình công tác!E14 (Từ ngày)" rather than at
``positions[1].start`` (``engine/profile/validate.py`` asks :class:`Cells`).

A CSV file is one sheet of the layout (``engine/profile/layout.py``),
recognised by its header row; every CSV file of one run is one book (a "Cán
bộ" CSV and the CSVs of the other parts join by id).  Values are converted
only where a spreadsheet changes what was typed: a date cell is a date (to
the day, or to the month or the year its number format shows), a year typed
as a number is that year, an id typed as a whole number is its digits;
everything else is left for the profile model to judge, as it judges YAML.
Rows that name no cadre, ids written twice, merged cells over data, formulas
never computed and error values are reported, each at its cell.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from ..errors import InputFileError, Problem
from ..escape import one_line
from .catalog import normalise
from .cellvalues import as_text, convert
from .layout import CADRES, ID, PARTS, Field, Part, part_of_headers, part_of_sheet
from .sheets import Cell, Sheet, Table, column_letter, header_key, read_csv, read_table, read_workbook

# -- where a field came from --------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A cell (or a row) a field was read from."""

    sheet: str
    ref: str
    header: str | None = None
    #: False when the sheet has no column for the field (the place is then the row).
    has_column: bool = True

    def text(self) -> str:
        where = f"{self.sheet}!{self.ref}"
        return f"{where} ({self.header})" if self.header and self.has_column else where


@dataclass(frozen=True)
class Columns:
    """Where one sheet's columns are: all a place needs (the rows stay behind)."""

    sheet: str
    #: key -> column number, for the columns found.
    numbers: dict[str, int]
    #: key -> header, as the sheet writes it where found, else as the layout does.
    headers: dict[str, str]

    @classmethod
    def of(cls, table: Table, part: Part) -> "Columns":
        return cls(table.sheet, dict(table.columns), {f.key: table.headers.get(f.key, f.header) for f in part.fields})

    def span(self, row: int) -> str:
        if not self.numbers:
            return f"{row}:{row}"
        return f"{column_letter(min(self.numbers.values()))}{row}:{column_letter(max(self.numbers.values()))}{row}"

    def place(self, row: int, key: str | None = None) -> Place:
        if key is None:
            return Place(self.sheet, self.span(row))
        number = self.numbers.get(key)
        if number is None:
            return Place(self.sheet, self.span(row), self.headers.get(key), has_column=False)
        return Place(self.sheet, f"{column_letter(number)}{row}", self.headers.get(key))


#: Codes about a rating's year (the key), not its value.
_YEAR_CODES = {"not_a_year", "bad_year", "duplicate_year"}


@dataclass
class Cells:
    """Where each field of one profile read from a table is, and what reading it found wrong."""

    #: entry path ("positions[1]", "ratings.2016", "" for the cadre's row) -> (its sheet's columns,
    #: its row, the column a problem of the whole entry points at).
    entries: dict[str, tuple[Columns, int, str | None]] = field(default_factory=dict)
    #: (field path or None, problem already located) found while reading the cells.
    problems: list[tuple[str | None, Problem]] = field(default_factory=list)

    def place(self, path: str) -> Place | None:
        """The cell of a field path, or of the nearest entry holding it."""
        if path.endswith("#year") and path[:-5] in self.entries:
            columns, row, _ = self.entries[path[:-5]]
            return columns.place(row, "year")
        probe = path
        while True:
            if probe in self.entries:
                columns, row, key = self.entries[probe]
                return columns.place(row, key)
            head, dot, tail = probe.rpartition(".")
            if (head if dot else "") in self.entries and "[" not in tail:
                columns, row, _ = self.entries[head if dot else ""]
                return columns.place(row, tail)
            if not probe:
                return None
            cut = max(probe.rfind("."), probe.rfind("["))
            probe = probe[:cut] if cut > 0 else ""

    def locate(self, problems: list[Problem]) -> list[Problem]:
        """Reading's problems, then the model's problems at their cells (a field whose cell
        reading already reported is not reported twice)."""
        found = [p for _, p in self.problems]
        taken = {path for path, _ in self.problems if path is not None}
        for problem in problems:
            path = problem.loc
            if problem.code == "duplicate_assessment":  # found on the whole mapping; the row is the second name's
                path = f"{path}.{problem.params.get('value')}"
            if path in taken:
                continue
            place = self.place(path + "#year" if problem.code in _YEAR_CODES else path)
            code, params = problem.code, problem.params
            if code == "missing" and place is not None:
                code, params = ("cell_empty", {}) if place.has_column else ("column_missing", {"header": place.header})
            found.append(Problem(place.text() if place else path, code, params))
        return found


# -- a book being read ------------------------------------------------------------------------


@dataclass
class _Cadre:
    """One cadre being assembled from the rows of every sheet."""

    id: str
    name: object
    row: int
    document: dict
    cells: Cells
    ordinal: int
    entries: dict[str, int] = field(default_factory=dict)
    #: Rows already holding a year, a criterion, the education: key -> row number.
    seen: dict[tuple, int] = field(default_factory=dict)
    #: The sheet of its row (the cadres' sheet, or a second sheet of that part).
    sheet: str = ""


_UNUSABLE = object()
#: The few criterion names of a book, each normalised once.
_normalised = lru_cache(maxsize=4096)(normalise)


class _Book:
    """A workbook (or a batch of CSV files) → one document per cadre."""

    def __init__(self, source: str):
        self.source = source
        self.cadres: dict[str, _Cadre] = {}
        self.order: list[_Cadre] = []
        #: ids written on two rows of "Cán bộ": id -> rows.
        self.twice: dict[str, list[tuple[str, int]]] = {}
        #: Rows whose id names no cadre: id ("" for none) -> [(sheet, cell)].
        self.orphans: dict[str, list[tuple[str, str]]] = {}
        #: Problems of a whole sheet: they concern every cadre.
        self.everyone: list[Problem] = []
        #: Problems of the file that concern no cadre in particular.
        self.file_problems: list[Problem] = []
        #: (source, problem) that do not stop reading.
        self.warnings: list[tuple[str, Problem]] = []

    def add_cadres(self, table: Table) -> None:
        columns = Columns.of(table, CADRES)
        for row in table.rows:
            cells = Cells({"": (columns, row.number, None)})
            id_cell = row.cells.get("id")
            identifier = _identifier(id_cell, table.epoch) if id_cell is not None else None
            document: dict = {}
            if identifier is _UNUSABLE:
                cells.problems.append(("id", Problem(columns.place(row.number, "id").text(), *_id_problem(id_cell))))
                identifier = None
            elif identifier is not None:
                document["id"] = identifier
            for spec in CADRES.fields[1:]:
                cell = row.cells.get(spec.key)
                if cell is not None:
                    _put(cells, spec, cell, table.epoch, document, spec.key, spec.key)
            cadre = _Cadre(identifier or "", document.get("full_name"), row.number, document, cells, len(self.order),
                           sheet=table.sheet)
            self.order.append(cadre)
            if identifier is None:
                continue
            if identifier in self.cadres:
                first = self.cadres[identifier]
                self.twice.setdefault(identifier, [(first.sheet, first.row)]).append((table.sheet, row.number))
            else:
                self.cadres[identifier] = cadre
        for area in _merged_over_data(table):
            problem = Problem(f"{table.sheet}!{area[0]}", "merged_cells", {"range": area[0]})
            for cadre in self.order:
                if area[1] <= cadre.row <= area[2]:
                    cadre.cells.problems.append((None, problem))

    def add_entries(self, part: Part, table: Table) -> None:
        columns = Columns.of(table, part)
        fill = _merged_fill(table)
        owners: dict[int, _Cadre] = {}
        for row in table.rows:
            if len(row.cells) == ("id" in row.cells) + ("name" in row.cells):
                continue  # nothing but an id and a name: no entry
            id_cell = row.cells.get("id") or fill.get(row.number)
            identifier = _identifier(id_cell, table.epoch) if id_cell is not None else None
            if identifier is _UNUSABLE:
                self.file_problems.append(Problem(columns.place(row.number, "id").text(), *_id_problem(id_cell)))
                continue
            if identifier is None:
                self.orphans.setdefault("", []).append((table.sheet, columns.place(row.number, "id").ref))
                continue
            if identifier in self.twice:
                continue  # which of the two cadres it belongs to is unknown; the twin rows are reported
            cadre = self.cadres.get(identifier)
            if cadre is None:
                self.orphans.setdefault(identifier, []).append((table.sheet, columns.place(row.number, "id").ref))
                continue
            owners[row.number] = cadre
            self._entry(cadre, part, columns, table, row)
        for area, first, last in _merged_over_data(table):
            problem = Problem(f"{table.sheet}!{area}", "merged_cells", {"range": area})
            for cadre in {id(c): c for n, c in owners.items() if first <= n <= last}.values():
                cadre.cells.problems.append((None, problem))

    def _entry(self, cadre: _Cadre, part: Part, columns: Columns, table: Table, row) -> None:
        cells, document = cadre.cells, cadre.document
        name_cell = row.cells.get("name")
        if name_cell is not None and isinstance(name_cell.value, str) and isinstance(cadre.name, str) \
                and name_cell.value != cadre.name and normalise(name_cell.value) != normalise(cadre.name):
            cells.problems.append((None, Problem(columns.place(row.number, "name").text(), "name_mismatch", {
                "value": name_cell.value.strip(), "expected": cadre.name.strip(), "id": cadre.id})))
        if part.shape == "years":
            self._rating(cadre, part, columns, table, row)
            return
        if part.shape == "list":
            index = cadre.entries.get(part.path, 0)
            cadre.entries[part.path] = index + 1
            base = f"{part.path}[{index}]"
            cells.entries.setdefault(part.path, (columns, row.number, None))
            cells.entries[base] = (columns, row.number, None)
            entry: dict = {}
            document.setdefault(part.path, []).append(entry)
        elif part.shape == "one":
            base = part.path
            if (part.path,) in cadre.seen:
                cells.problems.append((None, Problem(columns.place(row.number, "id").text(), "duplicate_row", {
                    "value": cadre.id, "other": cadre.seen[(part.path,)], "sheet": table.sheet})))
                return
            cadre.seen[(part.path,)] = row.number
            cells.entries[base] = (columns, row.number, None)
            entry = document[part.path] = {}
        else:  # named: criterion -> finding
            name = self._criterion(cadre, columns, row, table)
            if name is None:
                return
            base = f"{part.path}.{name}"
            cells.entries.setdefault(part.path, (columns, row.number, None))
            cells.entries[base] = (columns, row.number, "criterion")
            entry = {}
            document.setdefault(part.path, {})[name] = entry
        for spec in part.data_fields():
            cell = row.cells.get(spec.key)
            if cell is not None and spec.kind != "criterion":
                _put(cells, spec, cell, table.epoch, entry, spec.key, f"{base}.{spec.key}")

    def _rating(self, cadre: _Cadre, part: Part, columns: Columns, table: Table, row) -> None:
        cells = cadre.cells
        year_cell, rating_cell = row.cells.get("year"), row.cells.get("rating")
        key = None
        if year_cell is not None and not year_cell.problem:
            key, _ = convert("year", year_cell, table.epoch)
        if key is None:
            code, params = _absent(year_cell, columns, "year")
            cells.problems.append((None, Problem(columns.place(row.number, "year").text(), code, params)))
            return
        if ("ratings", key) in cadre.seen:
            cells.problems.append((None, Problem(columns.place(row.number, "year").text(), "duplicate_year_row",
                                                 {"value": str(key), "other": cadre.seen[("ratings", key)]})))
            return
        cadre.seen[("ratings", key)] = row.number
        path = f"ratings.{key}"
        cells.entries.setdefault("ratings", (columns, row.number, None))
        cells.entries[path] = (columns, row.number, "rating")
        ratings = cadre.document.setdefault("ratings", {})
        if rating_cell is None or rating_cell.problem:
            # An empty rating would vanish from the document: say so at its cell.
            code, params = _absent(rating_cell, columns, "rating")
            cells.problems.append((path, Problem(columns.place(row.number, "rating").text(), code, params)))
            return
        _put(cells, part.data_fields()[1], rating_cell, table.epoch, ratings, key, path)

    def _criterion(self, cadre: _Cadre, columns: Columns, row, table: Table) -> str | None:
        cell = row.cells.get("criterion")
        place = columns.place(row.number, "criterion")
        if cell is None or cell.problem:
            cadre.cells.problems.append((None, Problem(place.text(), *_absent(cell, columns, "criterion"))))
            return None
        name = as_text(cell.value)
        name = name.strip() if isinstance(name, str) else str(name)
        key = ("assessments", _normalised(name))
        if key in cadre.seen:
            cadre.cells.problems.append((None, Problem(place.text(), "duplicate_criterion_row",
                                                       {"value": name, "other": cadre.seen[key]})))
            return None
        cadre.seen[key] = row.number
        return name

    def items(self):
        from .reading import Item

        items = []
        for cadre in self.order:
            if cadre.id and cadre.id in self.twice:
                others = [(sheet, row) for sheet, row in self.twice[cadre.id] if (sheet, row) != (cadre.sheet, cadre.row)]
                place = cadre.cells.place("id")
                sheet = others[0][0]
                rows = ", ".join(str(row) for other, row in others if other == sheet)
                items.append(Item(self.source, cadre.ordinal, cadre.document, problem=Problem(
                    place.text(), "duplicate_row", {"value": cadre.id, "other": rows, "sheet": sheet})))
                continue
            cadre.cells.problems.extend((None, p) for p in self.everyone)
            items.append(Item(self.source, cadre.ordinal, cadre.document, cells=cadre.cells))
        index = len(items)
        for identifier, places in self.orphans.items():
            by_sheet: dict[str, list[str]] = {}
            for sheet, ref in places:
                by_sheet.setdefault(sheet, []).append(ref)
            code = "orphan_rows" if identifier else "row_without_id"
            problems = [Problem(f"{sheet}!{refs[0]}", code, {"value": identifier, "rows": ", ".join(refs)})
                        for sheet, refs in by_sheet.items()]
            # One entry per unknown id, naming every sheet its rows are on.
            items.append(Item(self.source, index, {"id": identifier} if identifier else None, problem=problems[0],
                              cells=Cells(problems=[(None, p) for p in problems[1:]])))
            index += 1
        for problem in self.file_problems:
            items.append(Item(self.source, index, problem=problem))
            index += 1
        return items


def _put(cells: Cells, spec: Field, cell: Cell, epoch: datetime, target: dict, key, path: str) -> None:
    """``target[key]`` from ``cell``, or a problem at the cell."""
    if cell.problem:
        cells.problems.append((path, Problem(cells.place(path).text(), *_cell_problem(cell))))
        return
    value, problem = convert(spec.kind, cell, epoch)
    if problem is not None:
        cells.problems.append((path, Problem(cells.place(path).text(), *problem)))
        return
    target[key] = value


def _absent(cell: Cell | None, columns: Columns, key: str) -> tuple[str, dict]:
    """Why a cell a row needs gives no value: its problem, or that it (or its column) is empty."""
    if cell is not None:
        return _cell_problem(cell)
    if key not in columns.numbers:
        return "column_missing", {"header": columns.headers.get(key)}
    return "cell_empty", {}


def _cell_problem(cell: Cell) -> tuple[str, dict]:
    if cell.problem == "formula":
        return "cell_formula", {}
    if cell.problem == "unreadable":
        return "cell_unreadable", {"value": one_line(str(cell.value)[:50])}
    return "cell_error", {"value": str(cell.value)}


def _identifier(cell: Cell, epoch: datetime):
    if cell.problem:
        return _UNUSABLE
    value, problem = convert("id", cell, epoch)
    return _UNUSABLE if problem is not None else value


def _id_problem(cell: Cell) -> tuple[str, dict]:
    if cell.problem:
        return _cell_problem(cell)
    return "id_not_text", {"value": as_text(cell.value)}


def _merged_over_data(table: Table) -> list[tuple[str, int, int]]:
    """("A15:A17", first row, last row) of each merged range over the data rows of a read column."""
    found = []
    for first_col, first_row, last_col, last_row in table.merged:
        if last_row > table.header_row and any(first_col <= c <= last_col for c in table.columns.values()):
            found.append((f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}",
                          first_row, last_row))
    return found


def _merged_fill(table: Table) -> dict[int, Cell]:
    """Rows whose id cell lies under a merged range: row -> the range's top cell (what the clerk meant;
    the merge itself is reported)."""
    column = table.columns.get("id")
    fill: dict[int, Cell] = {}
    if column is None or not table.merged:
        return fill
    tops = {row.number: row.cells.get("id") for row in table.rows}
    for first_col, first_row, last_col, last_row in table.merged:
        if first_col <= column <= last_col and last_row > table.header_row and tops.get(first_row) is not None:
            for number in range(first_row + 1, last_row + 1):
                fill[number] = tops[first_row]
    return fill


# -- books ------------------------------------------------------------------------------


def _read_book(sources: list[str]) -> _Book:
    """The parts of a workbook (one source) or of a batch of CSV files."""
    book = _Book(sources[0])
    parts: list[tuple[Part, Sheet]] = []
    if len(sources) == 1 and sources[0].lower().endswith(".xlsx"):
        sheets = read_workbook(sources[0], names=lambda name: part_of_sheet(name) is not None)
        parts = [(part_of_sheet(s.name), s) for s in sheets]
        if not any(p is CADRES for p, _ in parts):
            raise InputFileError("no_profile_sheets", {"sheets": ", ".join(p.sheet for p in PARTS)})
        # Read, and said: a sheet no one sees on screen, a part written on two sheets.
        for part, sheet in parts:
            if sheet.hidden:
                book.warnings.append((sources[0], Problem("", "workbook_sheet_hidden", {"sheet": one_line(sheet.name)})))
        first: dict[str, Sheet] = {}
        for part, sheet in parts:
            if first.setdefault(part.sheet, sheet) is not sheet:
                book.warnings.append((sources[0], Problem("", "workbook_part_twice", {
                    "sheet": one_line(sheet.name), "first": one_line(first[part.sheet].name), "part": part.sheet})))
    else:
        for path in sources:
            sheet = read_csv(path)
            part = _part_of_csv(sheet)
            if part is None:  # the guide or the lists, saved as CSV with the rest: not profile data
                book.warnings.append((path, Problem("", "csv_not_profiles")))
                continue
            parts.append((part, sheet))
        if not any(p is CADRES for p, _ in parts):
            raise InputFileError("csv_no_cadres", {"sheets": ", ".join(p.sheet for p in PARTS[1:])})
    tables: list[tuple[Part, Table]] = []
    for part, sheet in parts:
        table = read_table(sheet, part.columns(), "id")
        if not table.header_row:
            if sheet.rows:
                problem = Problem(sheet.name, "header_missing", {"header": ID.header, "rows": 10})
                (book.file_problems if part is CADRES else book.everyone).append(problem)
            continue
        for column, header in table.repeated:
            book.everyone.append(Problem(f"{sheet.name}!{column_letter(column)}{table.header_row}", "column_repeated",
                                         {"header": header}))
        book.warnings.extend((book.source, w) for w in _unknown_columns(sheet, table, part))
        tables.append((part, table))
    for part, table in tables:
        if part is CADRES:
            book.add_cadres(table)
    for part, table in tables:
        if part is not CADRES:
            book.add_entries(part, table)
    return book


def _part_of_csv(sheet: Sheet) -> Part | None:
    """The part a CSV file holds, from its header row (the first of the top rows with a "Mã hồ sơ");
    None when it has no such row or names no other column of the layout."""
    ids = {header_key(n) for n in (ID.header, ID.key, *ID.aliases)}
    cells = next((c for _, c in sheet.rows[:10] if any(header_key(x.value) in ids for x in c if isinstance(x.value, str))),
                 None)
    if cells is None:  # no "Mã hồ sơ" column: nothing to join
        return None
    headers = [c.value for c in cells if isinstance(c.value, str)]
    part, tied = part_of_headers(headers)
    if part is None and len(tied) > 1:
        raise InputFileError("csv_unknown_part", {"file": sheet.name, "headers": ", ".join(headers)[:200],
                                                  "parts": ", ".join(p.sheet for p in tied)})
    return part


def _unknown_columns(sheet: Sheet, table: Table, part: Part) -> list[Problem]:
    """Warnings for headers that look like a misspelt header of the layout (their column is not read)."""
    number, cells = next(((n, c) for n, c in sheet.rows if n == table.header_row), (0, []))
    known = {header_key(n): f.header for f in part.fields for n in (f.header, *f.aliases)}
    warnings = []
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell.value, str) or index in table.columns.values():
            continue
        key = header_key(cell.value)
        if not key or key in known:
            continue
        close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.8)
        if close:
            warnings.append(Problem(f"{sheet.name}!{column_letter(index)}{number}", "unknown_column",
                                    {"header": cell.value.strip(), "suggestions": [known[close[0]]]}))
    return warnings


#: The last books read: reading a workbook twice in one run (the duplicate pass, then the
#: screening) parses it once.  Keyed by the files and their size and modification time.
_CACHE: dict[tuple, tuple[list, list]] = {}


def _stamp(paths: list[str]) -> tuple:
    stamps = []
    for path in paths:
        status = os.stat(path)
        stamps.append((os.path.realpath(path), status.st_size, status.st_mtime_ns, status.st_ino))
    return tuple(stamps)


def table_items(sources: list[str]):
    """(items, warnings) of a workbook or a batch of CSV files; the items are those of
    ``engine/profile/reading.py``, one per cadre, in the order of the "Cán bộ" rows."""
    key = _stamp(sources)
    if key not in _CACHE:
        book = _read_book(sources)
        if len(_CACHE) >= 2:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = (book.items(), [(source, None, w) for source, w in book.warnings])
    return _CACHE[key]


def fold_name(text: str) -> str:
    """A name in plain ASCII for a file name: "Nguyễn Văn Hùng" -> "nguyen-van-hung"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
