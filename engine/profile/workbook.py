"""Profiles kept in a spreadsheet: the workbook layout, and a workbook (or CSV files) → items.

The layout (``docs/workbooks.md``): one sheet per part of a profile, a header
row, one row per cadre on "Cán bộ" and one row per entry on the other sheets,
joined to the cadre by the "Mã hồ sơ" column.  Each cadre becomes one item
holding the same document a YAML profile holds, and a map from every field
path of it to the cell it came from, so that a problem is reported at
"Quá trình công tác!E14 (Từ ngày)" rather than at ``positions[1].start``.

A CSV file is one sheet of the layout, recognised by its header row; every
CSV file of one run is one book (a "Cán bộ" CSV and the CSVs of the other
parts join by id).  Values are converted only where a spreadsheet changes
what was typed: a date cell is a date (to the day, or to the month or year
its number format shows), a year typed as a number is that year, an id typed
as a whole number is its digits; everything else is left for the profile
model to judge, as it judges YAML.
"""

from __future__ import annotations

import difflib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime

from ..errors import InputFileError, Problem
from .catalog import normalise
from .sheets import Cell, Column, Sheet, Table, column_letter, header_key, read_csv, read_table, read_workbook

TABLE_SUFFIXES = (".xlsx", ".csv")


# -- the layout -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One column of the layout."""

    key: str
    header: str
    #: How its cells are read and written: id, name (a check of the cadre's name), text, note, date,
    #: year, word (a coded field, ``choices`` names its table), title, term, yes_no, criterion, rule, body.
    kind: str
    explain: tuple[str, str]
    example: object = None
    #: The list of the template's drop-down (a word table, "title", "criterion", "rule", "body", "yes_no").
    choices: str | None = None
    required: bool = False
    aliases: tuple[str, ...] = ()

    def column(self) -> Column:
        return Column(self.key, self.header, self.aliases)


@dataclass(frozen=True)
class Part:
    """One sheet of the layout: a part of a profile."""

    sheet: str
    #: Where its rows go in a profile document ("" for the cadre's own row).
    path: str
    #: "profile" (one row per cadre), "list" (one entry a row), "years" (year -> rating),
    #: "one" (at most one row per cadre), "named" (criterion -> finding).
    shape: str
    fields: tuple[Field, ...]
    explain: tuple[str, str]
    aliases: tuple[str, ...] = ()

    def columns(self) -> list[Column]:
        return [f.column() for f in self.fields]

    def data_fields(self) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.kind not in ("id", "name"))


ID = Field("id", "Mã hồ sơ", "id",
           ("Mã hồ sơ của cán bộ, duy nhất trong cả danh sách: chữ, số và . _ - (ví dụ DT-0001). "
            "Các trang khác ghép dòng với cán bộ theo mã này.",
            "The cadre's profile id, unique in the list: letters, digits and . _ - (such as DT-0001). "
            "The other sheets join their rows to the cadre by this id."),
           "DT-0001", required=True, aliases=("Mã", "Mã cán bộ", "Mã số", "Mã hồ sơ cán bộ"))
NAME = Field("name", "Họ và tên", "name",
             ("Họ và tên cán bộ, để dễ đọc; nếu ghi thì phải trùng với trang Cán bộ (để phát hiện ghi nhầm mã).",
              "The cadre's name, for reading; when given it must match the Cán bộ sheet (catches a mistyped id)."),
             "Nguyễn Văn Hùng", aliases=("Họ tên", "full_name"))

_DATE_HELP = ("ghi ngày/tháng/năm (15/03/2016), tháng/năm (tháng 3/2016) hoặc năm (2016)",
              "day/month/year (15/03/2016), month/year (tháng 3/2016) or a year (2016)")

PARTS: tuple[Part, ...] = (
    Part("Cán bộ", "", "profile", (
        ID,
        Field("full_name", "Họ và tên", "text", ("Họ và tên đầy đủ.", "Full name."), "Nguyễn Văn Hùng",
              required=True, aliases=("Họ tên",)),
        Field("gender", "Giới tính", "word", ("Nam hoặc Nữ.", "Nam (male) or Nữ (female)."), "Nam",
              choices="gender", required=True),
        Field("birth_date", "Ngày sinh", "date",
              ("Ngày sinh; " + _DATE_HELP[0] + ". Chỉ ghi năm thì tính là ngày 01/01 của năm đó.",
               "Date of birth; " + _DATE_HELP[1] + ". A year alone counts as 1 January of that year."),
              "14/03/1967", required=True, aliases=("Ngày tháng năm sinh", "Năm sinh")),
        Field("party_joined", "Ngày vào Đảng", "date", ("Ngày vào Đảng (nếu có); " + _DATE_HELP[0] + ".",
                                                         "Date of joining the Party (optional); " + _DATE_HELP[1] + "."),
              "19/05/1990"),
        Field("record_complete", "Hồ sơ đầy đủ", "yes_no",
              ("«Có» (để trống cũng là có) khi quá trình công tác chép từ hồ sơ cán bộ chính thức; «Không» khi "
               "lập từ nguồn chưa đầy đủ (tiểu sử công bố…): khi đó thiếu một chức vụ chỉ là «cần xác minh».",
               "«Có» (yes; empty means yes) when the career is copied from the official personnel record; «Không» "
               "(no) when assembled from partial sources: a post not on file is then to be verified, not a failure."),
              "Có", choices="yes_no"),
    ), ("Mỗi cán bộ một dòng.", "One row per cadre."), aliases=("Cán bộ", "Hồ sơ", "profiles", "cadres")),
    Part("Quá trình công tác", "positions", "list", (
        ID, NAME,
        Field("title", "Chức vụ", "title",
              ("Chức vụ, ghi như danh mục (chọn trong danh sách) hoặc tên gọi khác của nó; mỗi chức vụ một dòng, "
               "hai chức vụ giữ cùng lúc thì hai dòng.",
               "The post, as the catalog names it (pick from the list) or another name of it; one post a row, "
               "two posts held together are two rows."),
              "Bí thư Huyện ủy", choices="title", required=True, aliases=("Chức danh",)),
        Field("org", "Đơn vị", "text",
              ("Cơ quan, đơn vị (nên ghi; bắt buộc với chức danh «Thành ủy», «thành phố» để biết cấp tỉnh hay huyện).",
               "The body (advised; required for a «Thành ủy»/«thành phố» title, to tell province from district)."),
              "Huyện ủy Đông Hưng", aliases=("Cơ quan", "Cơ quan, đơn vị", "org")),
        Field("start", "Từ ngày", "date", ("Ngày bắt đầu giữ chức vụ; " + _DATE_HELP[0] + "; hoặc «không rõ».",
                                          "Start of the post; " + _DATE_HELP[1] + "; or «không rõ» (unknown)."),
              "01/06/2010", required=True, aliases=("Ngày bắt đầu", "Từ", "Bắt đầu")),
        Field("end", "Đến ngày", "date",
              ("Ngày thôi giữ chức vụ; " + _DATE_HELP[0] + "; «nay» hoặc để trống nếu đang giữ; «không rõ» nếu không biết.",
               "End of the post; " + _DATE_HELP[1] + "; «nay» or empty while still held; «không rõ» if unknown."),
              "30/09/2015", aliases=("Ngày kết thúc", "Đến", "Kết thúc")),
    ), ("Mỗi chức vụ một dòng, theo thứ tự thời gian.", "One post a row, in time order."), aliases=("Quá trình", "positions")),
    Part("Đánh giá xếp loại hằng năm", "ratings", "years", (
        ID, NAME,
        Field("year", "Năm", "year", ("Năm đánh giá (ví dụ 2019); mỗi năm một dòng.",
                                      "The year rated (such as 2019); one year a row."), 2019, required=True),
        Field("rating", "Xếp loại", "word", ("Mức xếp loại chất lượng (Quy định 132-QĐ/TW).",
                                             "The rating level (Quy định 132-QĐ/TW)."),
              "Hoàn thành tốt nhiệm vụ", choices="rating", required=True,
              aliases=("Kết quả xếp loại", "Mức xếp loại", "Xếp loại chất lượng")),
    ), ("Mỗi năm một dòng.", "One year a row."), aliases=("Đánh giá xếp loại", "Xếp loại", "ratings")),
    Part("Quy hoạch", "planning", "list", (
        ID, NAME,
        Field("title", "Chức danh quy hoạch", "title", ("Chức danh được quy hoạch (chọn trong danh sách).",
                                                         "The title planned for (pick from the list)."),
              "Phó Bí thư Tỉnh ủy", choices="title", required=True, aliases=("Chức danh",)),
        Field("term", "Nhiệm kỳ", "term", ("Nhiệm kỳ, dạng 2020-2025.", "The term, as 2020-2025."), "2020-2025",
              required=True),
        Field("org", "Đơn vị", "text", ("Đơn vị (cần khi chức danh có thể là cấp tỉnh hoặc cấp huyện).",
                                        "The body (needed when the title may be province or district level)."),
              None, aliases=("Cơ quan", "org")),
        Field("decision", "Quyết định", "text", ("Số, ngày quyết định phê duyệt quy hoạch.",
                                                 "Number and date of the planning decision."),
              "Quyết định số 1205-QĐ/TU ngày 12/3/2018", aliases=("Số quyết định", "Quyết định phê duyệt")),
    ), ("Mỗi chức danh quy hoạch một dòng.", "One planned title a row."), aliases=("planning",)),
    Part("Trình độ", "education", "one", (
        ID, NAME,
        Field("professional", "Chuyên môn", "word", ("Trình độ chuyên môn cao nhất.", "Highest professional level."),
              "Thạc sĩ", choices="professional", aliases=("Trình độ chuyên môn",)),
        Field("political_theory", "Lý luận chính trị", "word", ("Trình độ lý luận chính trị.", "Political theory level."),
              "Cao cấp", choices="political_theory", aliases=("Trình độ lý luận chính trị", "LLCT")),
        Field("state_management", "Quản lý nhà nước", "word", ("Trình độ quản lý nhà nước (ngạch).",
                                                               "State-management training grade."),
              "Chuyên viên cao cấp", choices="state_management", aliases=("Trình độ quản lý nhà nước", "QLNN")),
    ), ("Mỗi cán bộ nhiều nhất một dòng; để trống ô chưa có thông tin.",
        "At most one row per cadre; leave unknown cells empty."), aliases=("education",)),
    Part("Kỷ luật", "discipline", "list", (
        ID, NAME,
        Field("form", "Hình thức", "word", ("Hình thức kỷ luật.", "The form of discipline."), "Khiển trách",
              choices="discipline", required=True, aliases=("Hình thức kỷ luật",)),
        Field("decided", "Ngày quyết định", "date", ("Ngày quyết định kỷ luật; " + _DATE_HELP[0] + ".",
                                                     "Date of the decision; " + _DATE_HELP[1] + "."),
              "02/11/2019", required=True, aliases=("Ngày kỷ luật",)),
        Field("until", "Đến ngày", "date",
              ("Ngày hết hiệu lực, nếu quyết định ghi; để trống thì tính theo thời hạn của hình thức.",
               "End of effect, if the decision says; empty: counted from the form's bar."),
              None, aliases=("Hết hiệu lực", "Hết hạn")),
        Field("note", "Ghi chú", "note", ("Ghi chú.", "Note."), None),
    ), ("Mỗi quyết định kỷ luật một dòng.", "One decision a row."), aliases=("discipline",)),
    Part("Ý kiến Ban Thường vụ", "assessments", "named", (
        ID, NAME,
        Field("criterion", "Tiêu chuẩn", "criterion", ("Tiêu chuẩn được đánh giá (chọn trong danh sách); mỗi tiêu chuẩn một dòng.",
                                                       "The criterion assessed (pick from the list); one a row."),
              "Tuyệt đối trung thành", choices="criterion", required=True),
        Field("result", "Kết quả", "word", ("Đạt hoặc Không đạt.", "Đạt (met) or Không đạt (not met)."), "Đạt",
              choices="result", required=True),
        Field("by", "Cơ quan đánh giá", "text", ("Cơ quan đánh giá.", "The body that assessed."),
              "Ban Thường vụ Tỉnh ủy", aliases=("Người đánh giá",)),
        Field("date", "Ngày đánh giá", "date", ("Ngày đánh giá; " + _DATE_HELP[0] + ".",
                                                "Date of the assessment; " + _DATE_HELP[1] + "."), "20/08/2020"),
        Field("note", "Ghi chú", "note", ("Ghi chú, lý do.", "Note, reasons."), None),
    ), ("Đánh giá của Ban Thường vụ về từng tiêu chuẩn; mỗi tiêu chuẩn một dòng.",
        "The Standing Committee's finding on each criterion; one criterion a row."),
        aliases=("Ý kiến BTV", "Đánh giá của Ban Thường vụ", "assessments")),
    Part("Ngoại lệ", "exceptions", "list", (
        ID, NAME,
        Field("rule", "Tiêu chí", "rule", ("Tiêu chí được chấp thuận ngoại lệ (chọn trong danh sách).",
                                           "The criterion the exception is for (pick from the list)."),
              "Đã kinh qua lãnh đạo chủ chốt cấp huyện", choices="rule", required=True, aliases=("Tiêu chuẩn",)),
        Field("by", "Cơ quan chấp thuận", "body", ("Cơ quan cấp trên chấp thuận.", "The higher body that approved it."),
              "Bộ Chính trị", choices="body", required=True),
        Field("document", "Văn bản", "text", ("Số, ký hiệu văn bản chấp thuận.", "The approving document's number."),
              "Công văn số 45-CV/VPTW", required=True, aliases=("Số văn bản",)),
        Field("date", "Ngày văn bản", "date", ("Ngày của văn bản, đủ ngày/tháng/năm.", "Its date, day, month and year."),
              "10/07/2020", required=True, aliases=("Ngày",)),
        Field("note", "Ghi chú", "note", ("Ghi chú.", "Note."), None),
    ), ("Ngoại lệ được cấp trên chấp thuận; mỗi ngoại lệ một dòng.",
        "Exceptions approved by a higher body; one a row."), aliases=("exceptions",)),
)

CADRES = PARTS[0]
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"


def part_of_sheet(name: str) -> Part | None:
    """The part a workbook sheet holds, by its name (any case, with or without diacritics)."""
    key = header_key(name)
    for part in PARTS:
        if key in {header_key(n) for n in (part.sheet, *part.aliases)}:
            return part
    return None


# -- where a field came from --------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A cell (or the row) a field was read from."""

    sheet: str
    ref: str
    header: str | None = None
    #: False when the sheet has no column for the field (the place is then the row).
    has_column: bool = True

    def text(self) -> str:
        where = f"{self.sheet}!{self.ref}"
        return f"{where} ({self.header})" if self.header and self.has_column else where


#: Codes about a rating's year (the key), not its value.
_YEAR_CODES = {"not_a_year", "bad_year", "duplicate_year"}


@dataclass
class Cells:
    """Where each field of one profile read from a table is, and what reading it found wrong."""

    #: field path ("positions[1].start") -> its place.
    places: dict[str, Place] = field(default_factory=dict)
    #: (field path or None, problem already located) found while reading the cells.
    problems: list[tuple[str | None, Problem]] = field(default_factory=list)

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
            place = self._place(path + "#year" if problem.code in _YEAR_CODES else path) or self._place(path)
            code, params = problem.code, problem.params
            if code == "missing" and place is not None:
                code, params = ("cell_empty", {}) if place.has_column else ("column_missing", {"header": place.header})
            found.append(Problem(place.text() if place else path, code, params))
        return found

    def _place(self, path: str) -> Place | None:
        while True:
            if path in self.places:
                return self.places[path]
            if not path or "#" in path:
                return None
            cut = max(path.rfind("."), path.rfind("["))
            path = path[:cut] if cut > 0 else ""


# -- reading ------------------------------------------------------------------------------


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
    #: Rows already holding a year / a criterion: key -> row number.
    seen: dict[tuple[str, object], int] = field(default_factory=dict)


class _Book:
    """A workbook (or a batch of CSV files) → one document per cadre."""

    def __init__(self, source: str):
        self.source = source
        self.cadres: dict[str, _Cadre] = {}
        self.order: list[_Cadre] = []
        #: ids written on two rows of "Cán bộ": id -> rows.
        self.twice: dict[str, list[int]] = {}
        #: Rows whose id names no cadre: id -> [(sheet, row)].
        self.orphans: dict[str, list[tuple[str, str]]] = {}
        #: Problems of a whole sheet: they concern every cadre.
        self.everyone: list[Problem] = []
        self.file_problems: list[Problem] = []
        self.warnings: list = []

    # -- the cadres' own rows
    def add_cadres(self, table: Table) -> None:
        for row in table.rows:
            id_cell = row.cells.get("id")
            identifier = self._id(table, row, id_cell)
            if identifier is _UNUSABLE:
                identifier = None
            cells = Cells()
            document: dict = {}
            if identifier is not None:
                document["id"] = identifier
            for spec in CADRES.fields:
                self._place(cells, table, row.number, spec.key, spec)
                if spec.kind == "id":
                    continue
                cell = row.cells.get(spec.key)
                if cell is not None:
                    self._put(cells, table, row.number, spec, cell, document, spec.key, spec.key)
            cells.places[""] = Place(table.sheet, table.span(row.number))
            if id_cell is not None and identifier is None:
                reason = self._id_problem(table, row, id_cell)
                if reason is not None:
                    cells.problems.append(("id", reason))
            cadre = _Cadre(identifier or "", document.get("full_name"), row.number, document, cells, len(self.order))
            self.order.append(cadre)
            if identifier is None:
                continue
            if identifier in self.cadres:
                self.twice.setdefault(identifier, [self.cadres[identifier].row]).append(row.number)
                continue
            self.cadres[identifier] = cadre

    # -- the other sheets' rows
    def add_entries(self, part: Part, table: Table) -> None:
        fill = _merged_fill(table)
        data_keys = [f.key for f in part.data_fields()]
        for row in table.rows:
            if not any(k in row.cells for k in data_keys):
                continue  # nothing but an id and a name: no entry
            id_cell = row.cells.get("id") or fill.get(row.number)
            identifier = self._id(table, row, id_cell) if id_cell is not None else None
            if identifier is _UNUSABLE:
                self.file_problems.append(self._id_problem(table, row, id_cell))
                continue
            if identifier is None:
                self.orphans.setdefault("", []).append((table.sheet, table.ref("id", row.number)))
                continue
            if identifier in self.twice:
                continue  # which of the two cadres it belongs to is unknown; the twin rows are reported
            cadre = self.cadres.get(identifier)
            if cadre is None:
                self.orphans.setdefault(identifier, []).append((table.sheet, table.ref("id", row.number)))
                continue
            self._entry(cadre, part, table, row)
        for first_col, first_row, last_col, last_row in table.merged:
            if last_row <= table.header_row or not any(first_col <= c <= last_col for c in table.columns.values()):
                continue
            area = f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"
            problem = Problem(f"{table.sheet}!{area}", "merged_cells", {"range": area})
            for cadre in self._cadres_of_rows(table, first_row, last_row, fill):
                cadre.cells.problems.append((None, problem))

    def _cadres_of_rows(self, table: Table, first: int, last: int, fill: dict) -> list[_Cadre]:
        found: list[_Cadre] = []
        for row in table.rows:
            if first <= row.number <= last:
                cell = row.cells.get("id") or fill.get(row.number)
                identifier = self._id(table, row, cell) if cell is not None else None
                if isinstance(identifier, str) and identifier in self.cadres and self.cadres[identifier] not in found:
                    found.append(self.cadres[identifier])
        return found

    def _entry(self, cadre: _Cadre, part: Part, table: Table, row) -> None:
        cells, document = cadre.cells, cadre.document
        name_cell = row.cells.get("name")
        if name_cell is not None and isinstance(name_cell.value, str) and isinstance(cadre.name, str) \
                and normalise(name_cell.value) != normalise(cadre.name):
            place = Place(table.sheet, table.ref("name", row.number), table.headers.get("name"))
            cells.problems.append((None, Problem(place.text(), "name_mismatch", {
                "value": name_cell.value.strip(), "expected": cadre.name.strip(), "id": cadre.id})))
        if part.shape == "list":
            index = cadre.entries.get(part.path, 0)
            cadre.entries[part.path] = index + 1
            base = f"{part.path}[{index}]"
            entry: dict = {}
            document.setdefault(part.path, []).append(entry)
        elif part.shape == "one":
            base = part.path
            if part.path in document:
                first = cadre.seen[(part.path, None)]
                cells.problems.append((None, Problem(f"{table.sheet}!{table.ref('id', row.number)}", "duplicate_row",
                                                     {"value": cadre.id, "other": first, "sheet": table.sheet})))
                return
            cadre.seen[(part.path, None)] = row.number
            entry = document[part.path] = {}
        elif part.shape == "years":
            self._year(cadre, part, table, row)
            return
        else:  # named: criterion -> finding
            name = self._criterion(cadre, part, table, row)
            if name is None:
                return
            base = f"{part.path}.{name}"
            entry = {}
            document.setdefault(part.path, {})[name] = entry
        cells.places.setdefault(part.path, Place(table.sheet, table.span(row.number)))
        if part.shape != "named":
            cells.places[base] = Place(table.sheet, table.span(row.number))
        for spec in part.data_fields():
            if spec.kind == "criterion":
                continue
            path = f"{base}.{spec.key}"
            self._place(cells, table, row.number, path, spec)
            cell = row.cells.get(spec.key)
            if cell is not None:
                self._put(cells, table, row.number, spec, cell, entry, spec.key, path)

    def _year(self, cadre: _Cadre, part: Part, table: Table, row) -> None:
        cells = cadre.cells
        year_spec, rating_spec = part.data_fields()
        year_cell = row.cells.get("year")
        year_place = Place(table.sheet, table.ref("year", row.number) or table.span(row.number),
                           table.headers.get("year", year_spec.header), "year" in table.columns)
        if year_cell is None or year_cell.problem:
            problem = (Problem(year_place.text(), "column_missing", {"header": year_spec.header}) if "year" not in table.columns
                       else Problem(year_place.text(), *_cell_problem(year_cell)) if year_cell is not None
                       else Problem(year_place.text(), "cell_empty"))
            cells.problems.append((None, problem))
            return
        key, _ = _convert("year", year_cell, table.epoch)
        if ("ratings", key) in cadre.seen:
            cells.problems.append((None, Problem(year_place.text(), "duplicate_year_row",
                                                 {"value": str(key), "other": cadre.seen[("ratings", key)]})))
            return
        cadre.seen[("ratings", key)] = row.number
        path = f"ratings.{key}"
        cells.places[path + "#year"] = year_place
        cells.places.setdefault("ratings", Place(table.sheet, table.span(row.number)))
        self._place(cells, table, row.number, path, rating_spec)
        ratings = cadre.document.setdefault("ratings", {})
        cell = row.cells.get("rating")
        if cell is None:
            ratings[key] = None
            place = cells.places[path]
            cells.problems.append((path, Problem(place.text(), "cell_empty" if place.has_column else "column_missing",
                                                 {} if place.has_column else {"header": rating_spec.header})))
            return
        self._put(cells, table, row.number, rating_spec, cell, ratings, key, path)

    def _criterion(self, cadre: _Cadre, part: Part, table: Table, row) -> str | None:
        cells = cadre.cells
        spec = part.data_fields()[0]
        cell = row.cells.get("criterion")
        place = Place(table.sheet, table.ref("criterion", row.number) or table.span(row.number),
                      table.headers.get("criterion", spec.header), "criterion" in table.columns)
        if cell is None or cell.problem:
            code, params = (_cell_problem(cell) if cell is not None
                            else ("cell_empty", {}) if place.has_column else ("column_missing", {"header": spec.header}))
            cells.problems.append((None, Problem(place.text(), code, params)))
            return None
        name = _text(cell.value)
        name = name.strip() if isinstance(name, str) else str(name)
        key = ("assessments", normalise(name))
        if key in cadre.seen:
            cells.problems.append((None, Problem(place.text(), "duplicate_criterion_row",
                                                 {"value": name, "other": cadre.seen[key]})))
            return None
        cadre.seen[key] = row.number
        cells.places[f"{part.path}.{name}"] = place
        return name

    # -- cells
    def _place(self, cells: Cells, table: Table, number: int, path: str, spec: Field) -> None:
        ref = table.ref(spec.key, number)
        cells.places[path] = Place(table.sheet, ref or table.span(number), table.headers.get(spec.key, spec.header),
                                   ref is not None)

    def _put(self, cells: Cells, table: Table, number: int, spec: Field, cell: Cell, target: dict, key, path: str):
        place = cells.places[path]
        if cell.problem:
            cells.problems.append((path, Problem(place.text(), *_cell_problem(cell))))
            return
        value, problem = _convert(spec.kind, cell, table.epoch)
        if problem is not None:
            cells.problems.append((path, Problem(place.text(), *problem)))
            return
        target[key] = value

    def _id(self, table: Table, row, cell: Cell | None):
        if cell is None or cell.problem:
            return _UNUSABLE if cell is not None else None
        value, problem = _convert("id", cell, table.epoch)
        return _UNUSABLE if problem is not None else value

    def _id_problem(self, table: Table, row, cell: Cell) -> Problem:
        place = Place(table.sheet, table.ref("id", row.number) or table.span(row.number), table.headers.get("id"))
        if cell.problem:
            return Problem(place.text(), *_cell_problem(cell))
        _, problem = _convert("id", cell, table.epoch)
        return Problem(place.text(), *problem)

    # -- the result
    def items(self):
        from .reading import Item

        items = []
        for cadre in self.order:
            if cadre.id and cadre.id in self.twice:
                rows = self.twice[cadre.id]
                place = cadre.cells.places["id"]
                others = ", ".join(str(r) for r in rows if r != cadre.row)
                items.append(Item(self.source, cadre.ordinal, cadre.document, problem=Problem(
                    place.text(), "duplicate_row", {"value": cadre.id, "other": others, "sheet": CADRES.sheet})))
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


_UNUSABLE = object()


def _merged_fill(table: Table) -> dict[int, Cell]:
    """Rows whose id cell lies under a merged range: row -> the range's top cell (what the clerk meant)."""
    column = table.columns.get("id")
    fill: dict[int, Cell] = {}
    if column is None:
        return fill
    tops = {row.number: row.cells.get("id") for row in table.rows}
    for first_col, first_row, last_col, last_row in table.merged:
        if first_col <= column <= last_col and last_row > table.header_row and tops.get(first_row) is not None:
            for number in range(first_row + 1, last_row + 1):
                fill[number] = tops[first_row]
    return fill


def _cell_problem(cell: Cell) -> tuple[str, dict]:
    if cell.problem == "formula":
        return "cell_formula", {}
    return "cell_error", {"value": str(cell.value)}


# -- values ----------------------------------------------------------------------------


def _year_key(value):
    """A rating's year as a key: a number is its whole value, decimal text its number, other text itself."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 6:
        return int(value.strip())
    return value if isinstance(value, (int, str)) else str(value)


def _text(value):
    """A cell in a text column as the spreadsheet shows it: 15 for 15.0, 15/03/2016 for a date."""
    if isinstance(value, bool) or isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _date_section(number_format: str) -> str | None:
    """The section of a number format that writes a date ("dd/mm/yyyy" of "[<10000]0;dd/mm/yyyy"), lowercase."""
    from openpyxl.styles.numbers import is_date_format

    for section in number_format.split(";"):
        plain = _QUOTED.sub("", section).lower()
        if plain and is_date_format(plain):
            return plain
    return None


def _as_date(day: date, number_format: str):
    """A date cell as the precision its format shows: a date, "MM/YYYY" text, or a year."""
    section = _date_section(number_format) or "d"
    if "d" in section:
        return day
    if "m" in section:
        return f"{day.month:02d}/{day.year}"
    return day.year


def _convert(kind: str, cell: Cell, epoch: datetime):
    """(value for the profile document, None) or (None, (code, params)) for a cell of column ``kind``."""
    value = cell.value
    if kind == "year":
        if isinstance(value, (date, datetime)):
            year, _ = _date_value(cell, epoch)
            return (year if isinstance(year, int) else _text(value)), None
        return _year_key(value), None
    if isinstance(value, str):
        return value, None
    if kind == "id":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
                and abs(value) < 1e15:
            return str(int(value)), None
        return None, ("id_not_text", {"value": _text(value)})
    if kind == "date":
        return _date_value(cell, epoch)
    if kind == "yes_no":
        return value, None
    return _text(value), None


def _date_value(cell: Cell, epoch: datetime):
    from openpyxl.utils.datetime import from_excel

    value = cell.value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        serial = (datetime(value.year, value.month, value.day) - epoch).days
        if 1900 <= serial <= 2100:  # a year typed into a date cell: 1968 shows as 21/05/1905
            return serial, None
        return _as_date(value, cell.number_format), None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1000 <= value <= 9999:
            return int(value), None
        if _date_section(cell.number_format) is not None:
            try:
                day = from_excel(value, epoch)
            except (OverflowError, ValueError, TypeError):
                day = None
            if day is not None:
                return _as_date(day.date() if isinstance(day, datetime) else day, cell.number_format), None
        return None, ("bad_date", {"value": _text(value)})
    return value, None


# -- books ------------------------------------------------------------------------------


def _read_book(sources: list[str]) -> _Book:
    """The parts of a workbook (one source) or of a batch of CSV files."""
    book = _Book(sources[0])
    tables: list[tuple[Part, Table]] = []
    if len(sources) == 1 and sources[0].lower().endswith(".xlsx"):
        sheets = read_workbook(sources[0], names=lambda name: part_of_sheet(name) is not None)
        parts = [(part_of_sheet(s.name), s) for s in sheets]
        if not any(p is CADRES for p, _ in parts):
            raise InputFileError("no_profile_sheets", {"sheets": ", ".join(p.sheet for p in PARTS)})
    else:
        parts = []
        for path in sources:
            sheet = read_csv(path)
            part = _part_of_csv(sheet)
            if part is None:  # the guide or the lists, saved as CSV with the rest: not profile data
                book.warnings.append((path, Problem("", "csv_not_profiles")))
                continue
            parts.append((part, sheet))
        if not any(p is CADRES for p, _ in parts):
            raise InputFileError("csv_no_cadres", {"sheets": ", ".join(p.sheet for p in PARTS[1:])})
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
        else:
            for first_col, first_row, last_col, last_row in table.merged:
                if last_row > table.header_row and any(first_col <= c <= last_col for c in table.columns.values()):
                    area = f"{column_letter(first_col)}{first_row}:{column_letter(last_col)}{last_row}"
                    for cadre in book.order:
                        if first_row <= cadre.row <= last_row:
                            cadre.cells.problems.append((None, Problem(f"{table.sheet}!{area}", "merged_cells",
                                                                       {"range": area})))
    return book


def _part_of_csv(sheet: Sheet) -> Part | None:
    """The part a CSV file holds: the one whose headers its header row names most; None when
    its header row names no column of the layout but the id."""
    ids = {header_key(n) for n in (ID.header, ID.key, *ID.aliases)}
    cells = next((c for _, c in sheet.rows[:10] if any(header_key(x.value) in ids for x in c if isinstance(x.value, str))),
                 None)
    if cells is None:  # no "Mã hồ sơ" column: nothing to join
        return None
    written = {header_key(c.value) for c in cells if isinstance(c.value, str)}
    scores = []
    for part in PARTS:
        # The id and the name are on every sheet: they tell nothing about which one this is.
        fields = [f for f in part.fields if f.key not in ("id", "full_name", "name")]
        score = sum(1 for f in fields if {header_key(n) for n in (f.header, f.key, *f.aliases)} & written)
        scores.append((score, part))
    best = max(s for s, _ in scores)
    winners = [p for s, p in scores if s == best]
    if best == 0:
        return None
    if len(winners) > 1:
        raise InputFileError("csv_unknown_part", {
            "file": sheet.name, "headers": ", ".join(str(c.value) for c in cells if c.value is not None)[:200],
            "parts": ", ".join(p.sheet for p in winners)})
    return winners[0]


def _unknown_columns(sheet: Sheet, table: Table, part: Part) -> list:
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


def is_table(path: str) -> bool:
    return path.lower().endswith(TABLE_SUFFIXES)


def fold_name(text: str) -> str:
    """A name in plain ASCII for a file name: "Nguyễn Văn Hùng" -> "nguyen-van-hung"."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
