"""Writing a table sheet a clerk reads, filters and prints: the helper every .xlsx output uses.

:func:`table_sheet` writes one header row and the rows under it with what an
office expects of a list: a styled header that stays in view (frozen), with
an explanation as a comment where one is given; columns as wide as their
content; filters on the header; cell comments (the reason behind a ✓ ✗ ?);
and a print setup for A4 landscape, one page wide, the header repeated on
every page.  :func:`workbook_bytes` saves a workbook the same way every time
(fixed timestamps), so the same inputs give the same file.
"""

from __future__ import annotations

import io
import zipfile
from copy import copy
from dataclasses import dataclass
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
HEADER_FONT = Font(bold=True)
_EDGE = Side(style="thin", color="9FB1C8")
HEADER_BORDER = Border(left=_EDGE, right=_EDGE, top=_EDGE, bottom=_EDGE)
#: Fixed document times: a workbook written twice from the same inputs is the same file.
FIXED_TIME = datetime(2020, 1, 1)
AUTHOR = "sangloc"


@dataclass
class SheetColumn:
    """One column of a table sheet."""

    header: str
    #: An explanation shown as the header cell's comment.
    comment: str | None = None
    #: Width in characters; None: from the content, between ``min_width`` and ``max_width``.
    width: float | None = None
    min_width: float = 6
    max_width: float = 60
    #: Number format of the column's cells, written or typed later ("@" text, "dd/mm/yyyy" …).
    number_format: str | None = None
    wrap: bool = False
    #: The header written upwards (narrow columns of marks).
    vertical: bool = False
    center: bool = False


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (date, datetime)):
        return "00/00/0000"
    return str(value)


def table_sheet(book: Workbook, title: str, columns: list[SheetColumn], rows: list[list], *,
                comments: dict[tuple[int, int], str] | None = None,
                fills: dict[tuple[int, int], PatternFill] | None = None,
                freeze_columns: int = 0, filters: bool = True, landscape: bool = True,
                title_lines: list[str] = ()) -> Worksheet:
    """A sheet named ``title``: ``title_lines`` (the first one bold) and a blank row when
    given, the header, then ``rows``; ``comments`` and ``fills`` by (row index in ``rows``,
    column index), both from 0."""
    sheet = book.create_sheet(title)
    comments = comments or {}
    fills = fills or {}
    for number, text in enumerate(title_lines, start=1):
        sheet.cell(number, 1, text).font = Font(bold=number == 1, size=13 if number == 1 else None)
    top = len(title_lines) + 1 if title_lines else 1
    for number, column in enumerate(columns, start=1):
        cell = sheet.cell(top, number, column.header)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.border = HEADER_BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center",
                                   horizontal="center" if column.vertical or column.center else "left",
                                   text_rotation=90 if column.vertical else 0)
        if column.comment:
            cell.comment = _comment(column.comment)
    styles = _Styles(sheet, columns)
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            fill = fills.get((r, c))
            if value is None and fill is None:
                continue
            cell = sheet.cell(top + 1 + r, c + 1, value)
            style = styles.of(c, fill, isinstance(value, str) and "\n" in value)
            if style is not None:
                cell._style = copy(style)
            if (r, c) in comments:
                cell.comment = _comment(comments[(r, c)])
    widths = []
    for number, column in enumerate(columns, start=1):
        widths.append(_width(column, [row[number - 1] for row in rows]))
        sheet.column_dimensions[get_column_letter(number)].width = widths[-1]
    wrapped = [i for i, column in enumerate(columns) if column.wrap]
    for r, values in enumerate(rows):
        texts = [(_shown(values[i]), widths[i]) for i in wrapped if i < len(values)]
        texts += [(v, 10 ** 6) for v in values if isinstance(v, str) and "\n" in v]
        if texts:
            sheet.row_dimensions[top + 1 + r].height = row_height(texts)
    last = get_column_letter(max(len(columns), 1))
    if any(c.vertical for c in columns):
        longest = max(len(c.header) for c in columns if c.vertical)
        sheet.row_dimensions[top].height = min(max(60, longest * 6.5), 200)
    sheet.freeze_panes = f"{get_column_letter(freeze_columns + 1)}{top + 1}"
    if filters:
        sheet.auto_filter.ref = f"A{top}:{last}{top + max(len(rows), 1)}"
    print_setup(sheet, landscape=landscape, title_rows=f"{top}:{top}")
    return sheet


class _Styles:
    """The style of a column's data cells, built once and copied to each cell: building a style
    per cell is most of the time openpyxl takes to write a sheet of a few hundred thousand cells."""

    def __init__(self, sheet: Worksheet, columns: list[SheetColumn]):
        self.sheet, self.columns = sheet, columns
        self.built: dict[tuple, object] = {}

    def of(self, index: int, fill: PatternFill | None, multiline: bool):
        key = (index, id(fill) if fill is not None else None, multiline)
        if key not in self.built:
            column = self.columns[index]
            prototype = Cell(self.sheet)  # never placed in the sheet
            if column.number_format:
                prototype.number_format = column.number_format
            if column.wrap or column.center or multiline:
                prototype.alignment = Alignment(wrap_text=column.wrap or multiline, vertical="top",
                                                horizontal="center" if column.center else None)
            if fill is not None:
                prototype.fill = fill
            self.built[key] = prototype._style if prototype.has_style else None
        return self.built[key]


def print_setup(sheet: Worksheet, landscape: bool = True, title_rows: str | None = "1:1") -> None:
    """A4, landscape or portrait, one page wide, the header on every page, page numbers below."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.center.text = "&P / &N"


#: The height of one line of 11-point text, in points.
LINE_HEIGHT = 15


def row_height(texts: list[tuple[str, float]]) -> float:
    """The height a row needs for its wrapped ``(text, column width)`` cells: spreadsheet programs
    do not all grow a row for wrapped text when they open a file, so it is written."""
    lines = 1
    for text, width in texts:
        # A column's width counts the digit 0; running text fits about a fifth more characters.
        usable = max(width * 1.2 - 1, 1)
        lines = max(lines, sum(max(1, -(-len(part) // int(usable))) for part in text.splitlines() or [""]))
    return float(min(LINE_HEIGHT * lines + 2, 409))


def _width(column: SheetColumn, values: list) -> float:
    if column.width is not None:
        return column.width
    header = 3 if column.vertical else max((len(w) for w in column.header.split()), default=4) + 2
    if not column.vertical and len(column.header) <= 24:
        header = len(column.header) + 3
    longest = max((max((len(line) for line in _shown(v).splitlines()), default=0) for v in values), default=0)
    return float(min(max(header, longest + 2, column.min_width), column.max_width))


def _comment(text: str) -> Comment:
    comment = Comment(text, AUTHOR)
    lines = sum(max(1, len(line) // 40 + 1) for line in text.splitlines())
    comment.width = 320
    comment.height = min(40 + 16 * lines, 400)
    return comment


def new_workbook() -> Workbook:
    """A workbook without its default sheet, dated at a fixed time."""
    book = Workbook()
    book.remove(book.active)
    book.properties.creator = AUTHOR
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    return book


def workbook_bytes(book: Workbook) -> bytes:
    """The workbook as an .xlsx file, the same bytes for the same content.

    sangloc writes no formula: openpyxl takes any text starting with "=" for one, so a
    name or a note read from a file ("=HYPERLINK(…)") would be a live formula when the
    workbook is opened.  Every such cell is written as the text it is."""
    from openpyxl.writer.excel import ExcelWriter

    for worksheet in book.worksheets:
        for row in worksheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
    buffer = io.BytesIO()
    book.properties.modified = FIXED_TIME  # Workbook.save would stamp the time of saving
    ExcelWriter(book, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True)).save()
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as source, \
            zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            target.writestr(entry, source.read(info.filename))
    return fixed.getvalue()
