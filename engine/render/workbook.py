"""The profile workbook: the template an office fills, and profiles written back into it.

One sheet per part of a profile (the layout of ``engine/profile/workbook.py``),
Vietnamese headers with their explanation as a comment, a frozen header row,
drop-down lists for titles and every coded field, date columns formatted
dd/mm/yyyy that also keep a month or a year written as text, and a "Hướng
dẫn" sheet that explains every column with an example.  The lists come from
the pack (its catalog's titles and word tables, its criteria), kept on the
hidden sheet "Danh mục": a new pack gives a new template without a code
change.  :func:`profile_book` without records is the template; with records
(``render/profiles.py``) it is ``sangloc export``.
"""

from __future__ import annotations

from datetime import date

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from ..dates import PartialDate
from ..pack.model import Pack
from ..profile.layout import GUIDE_SHEET, LISTS_SHEET, PARTS, Field, Part
from .profiles import finding_title, word
from .sheets import (HEADER_FILL, HEADER_FONT, SheetColumn, new_workbook, print_setup, row_height, table_sheet,
                     workbook_bytes)

#: A date to the day shows as 15/03/2016; a year typed alone (a number below 10000) shows as itself,
#: not as the day 1968 days after 1900.  Text (tháng 3/2016, không rõ, nay) stays as typed.
DATE_FORMAT = "[<10000]0;dd/mm/yyyy"
TEXT_FORMAT = "@"
#: The rows a drop-down list and a column's format reach (the whole sheet).
LAST_ROW = 1048576

_FORMATS = {"id": TEXT_FORMAT, "name": TEXT_FORMAT, "text": TEXT_FORMAT, "note": TEXT_FORMAT, "term": TEXT_FORMAT,
            "date": DATE_FORMAT, "year": "0"}
#: Columns whose cells are centred: dates (some are numbers, some text) and years.
_CENTERED = {"date", "year"}
_WIDTHS = {"id": 12, "name": 22, "text": 26, "note": 36, "date": 13, "year": 8, "word": 24, "title": 34,
           "term": 11, "yes_no": 10, "criterion": 42, "rule": 42, "body": 18}


def choice_lists(pack: Pack) -> dict[str, list[str]]:
    """The drop-down lists, from the pack: titles by label and city form, the first word of each
    code of every word table, the criteria the board assesses, the rules that admit exceptions."""
    catalog = pack.catalog
    titles: list[str] = []
    for title in catalog.titles.values():
        for name in (title.label, *title.city_forms):
            if name not in titles:
                titles.append(name)
    lists = {"title": titles}
    for group, table in catalog.words.items():
        lists[group] = [word(pack, group, code) for code in table.words]
    findings = [a.id for a in pack.spec.assessments] + [r.id for r in pack.rules if r.kind == "judgement"]
    lists["criterion"] = [finding_title(pack, f) for f in findings]
    lists["rule"] = [r.title.vi for r in pack.rules if r.exceptions]
    lists["body"] = [label for label, _, _ in catalog.bodies.values()]
    lists["yes_no"] = ["Có", "Không"]
    return lists


def cell_date(value: PartialDate | None, still_held: bool = False):
    """A date in a cell: a date to the day, "tháng 3/2016", a year as a number, "không rõ"; "nay" for an open end."""
    if value is None:
        return "nay" if still_held else None
    if value.precision == "day":
        return date(value.year, value.month, value.day)
    if value.precision == "month":
        return f"tháng {value.month}/{value.year}"
    if value.precision == "year":
        return value.year
    return "không rõ"


def _cell(spec: Field, value):
    if spec.kind == "date":
        return cell_date(value, still_held=spec.key == "end")
    if spec.kind == "yes_no":
        return "Không" if value is False else "Có"
    return value


def _rows(part: Part, records: list[dict]) -> list[list]:
    rows: list[list] = []
    for record in records:
        head = {"id": record["id"], "name": record["full_name"]}
        if part.shape == "profile":
            rows.append([_cell(f, record.get(f.key)) for f in part.fields])
            continue
        content = record.get(part.path)
        if not content:
            continue
        if part.shape == "list":
            entries = content
        elif part.shape == "one":
            entries = [content]
        elif part.shape == "years":
            entries = [{"year": year, "rating": rating} for year, rating in content.items()]
        else:
            entries = [{"criterion": name, **finding} for name, finding in content.items()]
        for entry in entries:
            rows.append([head[f.key] if f.key in head else _cell(f, entry.get(f.key)) for f in part.fields])
    return rows


def _explanation(spec: Field, lang: str) -> str:
    vi = lang == "vi"
    lines = [spec.explain[0] if vi else spec.explain[1]]
    if spec.required:
        lines.append("Bắt buộc." if vi else "Required.")
    if spec.example is not None:
        lines.append(("Ví dụ: " if vi else "Example: ") + str(spec.example))
    return "\n".join(lines)


def profile_book(pack: Pack, records: list[dict] | None = None, lang: str = "vi") -> bytes:
    """The workbook of the layout: the template (no records), or the records written into it."""
    records = records or []
    lists = choice_lists(pack)
    book = new_workbook()
    _guide(book, pack, lang)
    for part in PARTS:
        columns = [SheetColumn(f.header, comment=_explanation(f, lang), number_format=_FORMATS.get(f.kind),
                               min_width=_WIDTHS.get(f.kind, 14), max_width=max(_WIDTHS.get(f.kind, 14), 50),
                               wrap=f.kind == "note", center=f.kind in _CENTERED)
                   for f in part.fields]
        sheet = table_sheet(book, part.sheet, columns, _rows(part, records), freeze_columns=2)
        for number, spec in enumerate(part.fields, start=1):
            letter = get_column_letter(number)
            if spec.kind in _FORMATS:  # what a clerk types later takes the column's format
                sheet.column_dimensions[letter].number_format = _FORMATS[spec.kind]
            if spec.kind in _CENTERED:  # a date typed as text and one typed as a date line up
                sheet.column_dimensions[letter].alignment = Alignment(horizontal="center")
            if spec.choices in lists:
                sheet.add_data_validation(_drop_down(lists, spec.choices, f"{letter}2:{letter}{LAST_ROW}", lang))
    _lists(book, lists)
    book.active = 1 if records else 0
    return workbook_bytes(book)


def _drop_down(lists: dict[str, list[str]], name: str, cells: str, lang: str) -> DataValidation:
    column = get_column_letter(list(lists).index(name) + 1)
    vi = lang == "vi"
    # A warning, not a stop: other spellings (HTTNV, ThS, an alias of a title) are read as well.
    validation = DataValidation(
        type="list", formula1=f"'{LISTS_SHEET}'!${column}$2:${column}${len(lists[name]) + 1}", allow_blank=True,
        showErrorMessage=True, errorStyle="warning",
        errorTitle="Không có trong danh sách" if vi else "Not in the list",
        error=("Giá trị này không có trong danh sách. Các cách viết khác (HTTNV, ThS, tên gọi khác của chức danh…) "
               "vẫn được đọc; cách viết không nhận ra sẽ được báo khi kiểm tra (sangloc validate)." if vi else
               "This value is not in the list. Other spellings (HTTNV, ThS, another name of a title…) are read "
               "as well; one that is not recognised is reported by sangloc validate."))
    validation.add(cells)
    return validation


#: The heading of each list on the "Danh mục" sheet (a clerk may unhide it).
_LIST_HEADERS = {"title": "Chức danh", "gender": "Giới tính", "rating": "Xếp loại", "professional": "Chuyên môn",
                 "political_theory": "Lý luận chính trị", "state_management": "Quản lý nhà nước",
                 "discipline": "Hình thức kỷ luật", "result": "Kết quả", "criterion": "Tiêu chuẩn",
                 "rule": "Tiêu chí nhận ngoại lệ", "body": "Cơ quan chấp thuận", "yes_no": "Có/Không"}


def _lists(book, lists: dict[str, list[str]]) -> None:
    sheet = book.create_sheet(LISTS_SHEET)
    for number, (name, values) in enumerate(lists.items(), start=1):
        sheet.cell(1, number, _LIST_HEADERS.get(name, name)).font = HEADER_FONT
        for row, value in enumerate(values, start=2):
            sheet.cell(row, number, value)
        sheet.column_dimensions[get_column_letter(number)].width = min(max(len(v) for v in [*values, name]) + 2, 60)
    sheet.sheet_state = "hidden"


def _guide(book, pack: Pack, lang: str) -> None:
    vi = lang == "vi"
    sheet = book.create_sheet(GUIDE_SHEET)
    widths = {"A": 22, "B": 10, "C": 72, "D": 30}
    for letter, width in widths.items():
        sheet.column_dimensions[letter].width = width
    row = 1

    def line(text: str, bold: bool = False, size: int | None = None) -> None:
        # A paragraph spans the table's width (the guide is not read back: merging is harmless here).
        nonlocal row
        cell = sheet.cell(row, 1, text)
        cell.font = Font(bold=bold, size=size)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = row_height([(text, sum(widths.values()) * (0.8 if size else 1))])
        row += 1

    line("HƯỚNG DẪN GHI MẪU HỒ SƠ CÁN BỘ" if vi else "HOW TO FILL IN THE CADRE PROFILE WORKBOOK", bold=True, size=14)
    line((f"Bộ quy tắc: {pack.spec.title.vi} ({pack.id}, phiên bản {pack.version})" if vi else
          f"Rule pack: {pack.spec.title.en} ({pack.id}, version {pack.version})"))
    row += 1
    for text in (_GENERAL_VI if vi else _GENERAL_EN):
        line(text)
    for part in PARTS:
        row += 1
        line(f"Trang «{part.sheet}»: {part.explain[0]}" if vi else f"Sheet «{part.sheet}»: {part.explain[1]}", bold=True)
        for column, text in enumerate(("Cột", "Bắt buộc", "Giải thích", "Ví dụ") if vi else
                                      ("Column", "Required", "Explanation", "Example"), start=1):
            cell = sheet.cell(row, column, text)
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        row += 1
        for spec in part.fields:
            example = spec.example if spec.example is not None else ""
            values = (spec.header, ("có" if vi else "yes") if spec.required else "",
                      spec.explain[0] if vi else spec.explain[1], str(example))
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row, column, value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                cell.number_format = TEXT_FORMAT
            sheet.row_dimensions[row].height = row_height([(v, widths[k]) for v, k in zip(values, widths)])
            row += 1
        shown = " · ".join(f"{f.header}: {f.example}" for f in part.fields if f.example is not None)
        cell = sheet.cell(row, 1, "Dòng ví dụ" if vi else "Example row")
        cell.font = Font(italic=True)
        cell.alignment = Alignment(vertical="top")
        example = sheet.cell(row, 2, shown)
        example.alignment = Alignment(wrap_text=True, vertical="top")
        example.font = Font(italic=True)
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=4)
        sheet.row_dimensions[row].height = row_height([(shown, widths["B"] + widths["C"] + widths["D"])])
        row += 1
    print_setup(sheet, landscape=True, title_rows=None)


_GENERAL_VI = (
    "Mỗi trang ghi một phần của hồ sơ. Trang «Cán bộ»: mỗi cán bộ một dòng; các trang khác: mỗi mục một dòng, "
    "ghép với cán bộ theo cột «Mã hồ sơ».",
    "Dòng 1 là dòng tiêu đề: giữ nguyên tên cột (thứ tự cột có thể đổi). Di chuột vào ô tiêu đề để xem giải thích.",
    "Ngày tháng: ghi ngày/tháng/năm (15/03/2016); nếu chỉ biết tháng thì gõ «tháng 3/2016», chỉ biết năm thì gõ năm "
    "(2016); «không rõ» khi hồ sơ không ghi ngày; ở cột «Đến ngày» của chức vụ, «nay» hoặc để trống khi còn giữ.",
    "Các cột có danh sách chọn (chức danh, xếp loại, trình độ, hình thức kỷ luật, kết quả): chọn trong danh sách, "
    "hoặc gõ cách viết quen dùng (HTTNV, ThS, CVCC…).",
    "Có thể thêm cột riêng (ví dụ STT), ẩn cột, tô màu, thêm trang khác: sangloc không đọc chúng. Không gộp ô (merge) "
    "ở các dòng dữ liệu.",
    "Kiểm tra: sangloc validate ho-so.xlsx · Sàng lọc: sangloc screen ho-so.xlsx · Lưu thành tệp YAML: "
    "sangloc import ho-so.xlsx --output ho-so/",
)
_GENERAL_EN = (
    "Each sheet holds one part of a profile. «Cán bộ»: one row per cadre; the other sheets: one entry a row, "
    "joined to the cadre by the «Mã hồ sơ» column.",
    "Row 1 is the header: keep the column names (their order may change). Hover over a header for its explanation.",
    "Dates: day/month/year (15/03/2016); a month alone as «tháng 3/2016», a year alone as the year (2016); "
    "«không rõ» when the record gives no date; in a post's «Đến ngày», «nay» or empty while still held.",
    "Columns with a drop-down (titles, ratings, levels, forms of discipline, results): pick from the list, "
    "or type a usual spelling (HTTNV, ThS, CVCC…).",
    "You may add your own columns (such as STT), hide columns, colour cells, add sheets: sangloc does not read "
    "them. Do not merge cells in data rows.",
    "Check: sangloc validate ho-so.xlsx · Screen: sangloc screen ho-so.xlsx · Save as YAML files: "
    "sangloc import ho-so.xlsx --output ho-so/",
)
