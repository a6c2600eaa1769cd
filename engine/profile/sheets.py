"""Table sheets read by their headers: a workbook's sheets, or a CSV file, as rows of cells.

A table is read the way the person who keeps it sees it:

- a cell's value is what the spreadsheet program last computed: a formula is
  read by its cached value; a formula never computed (a file written by a
  program and never opened) and an error value (``#REF!``) are reported on
  the cell, never read as blanks;
- columns are found by their header, in any order, whatever their width,
  hidden or not; a column whose header the caller does not name is not read
  (a clerk's own "STT" or notes column);
- the header row is the first of the top rows that holds the caller's key
  header, so a title above the table is allowed;
- rows with no value in any column read are skipped (empty trailing rows,
  spacing rows); formatting is ignored;
- a merged range below the header is reported by the caller: only its
  top-left cell keeps a value, the others would read as blanks.

Workbooks are read with openpyxl's own sheet parser (one streaming pass, the
cached values, number formats and merged ranges together); CSV files with
the standard library.  Nothing here knows what a profile is: tallies and
other tables reuse :func:`read_table`.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple

from ..errors import InputFileError

#: Bounds on what one workbook may cost: its file, and its sheets once unzipped
#: (a zip bomb is refused before any sheet is parsed).
MAX_BOOK_BYTES = 64 * 1024 * 1024
MAX_UNZIPPED_BYTES = 256 * 1024 * 1024
#: Excel's last column (XFD): a row of more cells than this no spreadsheet program wrote.
MAX_COLUMNS = 16_384
#: Cells (empty ones included) read from one sheet: each costs memory and time as it is
#: parsed, so a small file of millions of empty cells is refused, not read.  Far above
#: any personnel workbook (5,000 cadres with their posts are some 300,000 cells).
MAX_CELLS = 10_000_000
#: How far down the header row is looked for.
HEADER_SEARCH_ROWS = 10


class Cell(NamedTuple):
    """One cell as stored: its value (text, number, true/false, date and time, or None).

    A tuple, not a dataclass: a workbook of 5,000 cadres has half a million of them.  An
    empty cell (or one holding only spaces) is :data:`EMPTY`, and only it."""

    value: object = None
    #: The number format, when the value is a number or a date ("dd/mm/yyyy", "mmm-yy").
    number_format: str = "General"
    #: Why the value cannot be read: "formula" (never computed), "error" (#REF!, #N/A …),
    #: "unreadable" (stored as a type it cannot be: a number cell holding "abc"); else "".
    problem: str = ""


EMPTY = Cell()


@dataclass
class Sheet:
    """One sheet as stored: its name and its non-empty rows (row number, cells from column A)."""

    name: str
    rows: list[tuple[int, list[Cell]]]
    #: Merged ranges as (first column, first row, last column, last row), 1-based.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    #: The workbook's date system, for numbers read as dates.
    epoch: datetime = datetime(1899, 12, 30)
    #: Hidden in the workbook ("hidden", or "veryHidden": not even listed by Excel's Unhide).
    hidden: bool = False


@dataclass(frozen=True)
class Column:
    """A column a caller reads: its key, and the headers that name it."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()


@dataclass
class Row:
    """One data row: its number as the spreadsheet shows it, and the cells of the columns read."""

    number: int
    cells: dict[str, Cell]


@dataclass
class Table:
    """A sheet read by its headers."""

    sheet: str
    header_row: int
    #: key -> column number (1-based) of every column found.
    columns: dict[str, int]
    #: key -> the header as the sheet writes it.
    headers: dict[str, str]
    rows: list[Row]
    #: (column number, header) of headers that name the same key as an earlier column.
    repeated: list[tuple[int, str]]
    merged: list[tuple[int, int, int, int]]
    epoch: datetime

    def ref(self, key: str, row: int) -> str | None:
        """"C14": the cell of column ``key`` on ``row``; None when the sheet has no such column."""
        column = self.columns.get(key)
        return f"{column_letter(column)}{row}" if column else None

    def span(self, row: int) -> str:
        """"A14:F14": the cells of ``row`` that are read."""
        if not self.columns:
            return str(row)
        first, last = min(self.columns.values()), max(self.columns.values())
        return f"{column_letter(first)}{row}:{column_letter(last)}{row}"


def column_letter(number: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(number)


_PARENTHESIS = re.compile(r"\([^)]*\)")


def header_key(text) -> str:
    """A header in a form where every spelling is the same: no case, no diacritics (đ is d),
    single spaces, without a parenthesised note or a trailing '*' or ':'."""
    if text is None:
        return ""
    text = _PARENTHESIS.sub(" ", str(text))
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = plain.replace("_", " ")
    return " ".join(plain.strip().rstrip("*:").split())


def headers_of(columns: list[Column]) -> dict[str, str]:
    """header key -> column key, for every header and alias of ``columns``."""
    known: dict[str, str] = {}
    for column in columns:
        for name in (column.header, column.key, *column.aliases):
            known.setdefault(header_key(name), column.key)
    return known


def read_table(sheet: Sheet, columns: list[Column], key_column: str) -> Table:
    """``sheet`` read by the headers of ``columns``: the header row is the first of the top
    rows that names ``key_column``; columns named by no header are not read."""
    known = headers_of(columns)
    header_number, header_cells = None, []
    for number, cells in sheet.rows[:HEADER_SEARCH_ROWS]:
        if any(known.get(header_key(c.value)) == key_column for c in cells if isinstance(c.value, str)):
            header_number, header_cells = number, cells
            break
    found: dict[str, int] = {}
    written: dict[str, str] = {}
    repeated: list[tuple[int, str]] = []
    for index, cell in enumerate(header_cells, start=1):
        if not isinstance(cell.value, str):
            continue
        key = known.get(header_key(cell.value))
        if key is None:
            continue
        if key in found:
            repeated.append((index, cell.value))
            continue
        found[key] = index
        written[key] = cell.value.strip()
    rows: list[Row] = []
    if header_number is not None:
        for number, cells in sheet.rows:
            if number <= header_number:
                continue
            width = len(cells)
            picked = {key: cells[index - 1] for key, index in found.items()
                      if index <= width and cells[index - 1] is not EMPTY}
            if picked:
                rows.append(Row(number, picked))
    return Table(sheet.name, header_number or 0, found, written, rows, repeated, sheet.merged, sheet.epoch)


# -- workbooks -----------------------------------------------------------------------


def read_workbook(path: str, names=None) -> list[Sheet]:
    """The sheets of an .xlsx workbook (only those whose name ``names(name)`` accepts, when given).

    Raises :class:`InputFileError` when the file is no workbook openpyxl can read
    (an old .xls, a password-protected file, a damaged one).
    """
    size = Path(path).stat().st_size
    if size > MAX_BOOK_BYTES:
        raise InputFileError("file_too_large", {"size": size // (1024 * 1024), "max": MAX_BOOK_BYTES // (1024 * 1024)})
    import openpyxl

    try:
        _check_archive(path)
        book = openpyxl.load_workbook(path, read_only=True, data_only=True, keep_links=False)
    except (InputFileError, MemoryError):
        raise
    except Exception as err:  # noqa: BLE001 - zip, XML (a part cut short), keys: the file's fault, said as such
        raise _unreadable(err) from None
    try:
        sheets = []
        for worksheet in book.worksheets:
            if names is not None and not names(worksheet.title):
                continue
            if not hasattr(worksheet, "_get_source"):  # a chartsheet: nothing to read
                continue
            sheets.append(_read_sheet(book, worksheet))
        return sheets
    except (InputFileError, MemoryError):
        raise
    except Exception as err:  # noqa: BLE001 - a damaged sheet (bad shared-string index, bad XML) is the file's fault
        raise _unreadable(err) from None
    finally:
        book.close()


def _unreadable(err: BaseException) -> InputFileError:
    """Why a workbook cannot be read, said in the reader's language where we know why."""
    if isinstance(err, zipfile.BadZipFile):
        return InputFileError("workbook_not_zip", {})
    if isinstance(err, IndexError):  # a cell pointing past the shared strings or the cell styles
        return InputFileError("workbook_dangling", {})
    text = str(err).strip() or type(err).__name__
    return InputFileError("workbook_unreadable", {"reason": text[:200]})


def _check_archive(path: str) -> None:
    """Refuses a workbook too large unzipped, or one whose sheets hold more cells than
    :data:`MAX_CELLS` or a row of more than :data:`MAX_COLUMNS`: counted on the sheets' XML
    as it streams, before any parser builds a row (a row is built whole, with its cells)."""
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        unzipped = sum(info.file_size for info in infos)
        if unzipped > MAX_UNZIPPED_BYTES:
            raise InputFileError("file_too_large", {"size": unzipped // (1024 * 1024),
                                                    "max": MAX_UNZIPPED_BYTES // (1024 * 1024)})
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                with archive.open(info) as stream:
                    _count_cells(stream)


_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")


def _too_many_cells() -> InputFileError:
    return InputFileError("workbook_too_many_cells", {"max": f"{MAX_CELLS:,}".replace(",", ".")})


def _count_cells(stream) -> None:
    cells = in_row = 0
    tail = b""
    while True:
        chunk = stream.read(1 << 20)
        if not chunk:
            return
        data = tail + chunk
        cut = data.rfind(b"<")  # a tag cut by the chunk's end is read with the next chunk
        data, tail = (data[:cut], data[cut:]) if cut > len(data) - 64 else (data, b"")
        for match in _TAG.finditer(data):
            if match.group(1) == b"row":
                in_row = 0
                continue
            cells += 1
            in_row += 1
            if cells > MAX_CELLS or in_row > MAX_COLUMNS:
                raise _too_many_cells()


def _parser_class():
    """openpyxl's sheet parser, telling a formula never computed from one whose result is empty.

    openpyxl reads both as None.  The stored XML differs: a program that writes a
    formula without computing it stores no value, or an empty one of a number
    type; a spreadsheet program that computed an empty text stores it as text
    (``t="str"``).  A never-computed formula must be reported, not read as a blank."""
    from openpyxl.utils.cell import coordinate_to_tuple
    from openpyxl.worksheet._reader import FORMULA_TAG, VALUE_TAG, WorkSheetParser

    class _Parser(WorkSheetParser):
        # How many cells a sheet and a row hold was counted on the XML before (_count_cells);
        # here only a cell addressed beyond the last column is refused.
        def parse_cell(self, element):
            try:
                cell = super().parse_cell(element)
            except (ValueError, TypeError, OverflowError, KeyError):  # a value its type cannot hold: that cell only
                try:
                    row, column = coordinate_to_tuple(element.get("r"))
                except (ValueError, TypeError, AttributeError):
                    row, column = self.row_counter, self.col_counter + 1
                self.col_counter = column
                cell = {"row": row, "column": column, "value": element.findtext(VALUE_TAG), "data_type": "unreadable",
                        "style_id": 0}
            if cell["column"] > MAX_COLUMNS:
                raise _too_many_cells()
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                stored = element.find(VALUE_TAG)
                if stored is None or (not stored.text and element.get("t", "n") not in ("str", "s", "inlineStr")):
                    cell["data_type"] = "uncomputed"
            return cell

    return _Parser


def _read_sheet(book, worksheet) -> Sheet:
    from openpyxl.cell.read_only import ReadOnlyCell

    parser_class = _parser_class()
    rows: list[tuple[int, list[Cell]]] = []
    formats: dict[int, str] = {}  # style id -> number format, looked up once per style
    with worksheet._get_source() as source, warnings.catch_warnings():
        # openpyxl warns (on stderr, naming its own files) of a date serial out of range and
        # reads the cell as #VALUE!: the cell is reported as such, once, by the workbook reader.
        warnings.simplefilter("ignore")
        # The shared strings a read-only workbook loaded are the worksheet's, not ``book.shared_strings``.
        parser = parser_class(source, worksheet._shared_strings, data_only=True, epoch=book.epoch,
                              date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, parsed in parser.parse():
            cells: list[Cell] = []
            for item in parsed:
                value, kind = item["value"], item["data_type"]
                if kind == "uncomputed":
                    cell = Cell(None, problem="formula")
                elif kind == "unreadable":
                    cell = Cell(value, problem="unreadable")
                elif kind == "e":
                    cell = Cell(value, problem="error")
                elif value is None or (value.__class__ is str and not value.strip()):
                    continue  # an empty cell, or one holding only spaces
                elif isinstance(value, (int, float, datetime, date)) and not isinstance(value, bool):
                    style = item["style_id"]
                    if style not in formats:
                        formats[style] = ReadOnlyCell(worksheet, **item).number_format
                    cell = Cell(value, formats[style])
                else:
                    cell = Cell(value)
                column = item["column"]
                if column > len(cells) + 1:
                    cells.extend([EMPTY] * (column - 1 - len(cells)))
                if column == len(cells) + 1:
                    cells.append(cell)
            if cells:
                rows.append((number, cells))
        merged = []
        if parser.merged_cells is not None:
            from openpyxl.worksheet.cell_range import CellRange

            for merge in parser.merged_cells.mergeCell:
                area = CellRange(merge.ref)
                merged.append((area.min_col, area.min_row, area.max_col, area.max_row))
    return Sheet(worksheet.title, rows, merged, book.epoch, worksheet.sheet_state != "visible")


# -- CSV -------------------------------------------------------------------------------


def read_csv(path: str) -> Sheet:
    """A CSV file as one sheet named after the file: UTF-8 (with or without the BOM Excel
    writes), separated by commas, semicolons (Excel in a Vietnamese locale) or tabs."""
    size = Path(path).stat().st_size
    if size > MAX_BOOK_BYTES:
        raise InputFileError("file_too_large", {"size": size // (1024 * 1024), "max": MAX_BOOK_BYTES // (1024 * 1024)})
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise InputFileError("file_utf16", {})
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise InputFileError("csv_not_utf8", {"offset": err.start}) from None
    first = text.split("\n", 1)[0]
    try:
        dialect = csv.Sniffer().sniff(first, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # A record is one spreadsheet row, even when a quoted value spans lines.
        for number, values in enumerate(reader, start=1):
            cells = [Cell(v) if v.strip() else EMPTY for v in values]
            if any(c is not EMPTY for c in cells):
                rows.append((number, cells))
    except csv.Error as err:
        raise InputFileError("file_syntax", {"fmt": "CSV", "reason": f"{err} (line {reader.line_num})"}) from None
    return Sheet(Path(path).name, rows)
