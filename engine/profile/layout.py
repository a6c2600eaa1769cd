"""The profile workbook's layout: one sheet per part of a profile, and the columns of each.

"Cán bộ" holds one row per cadre; every other sheet one row per entry (a post,
a year's rating, a planning entry, …), joined to the cadre by "Mã hồ sơ".
Each column has its Vietnamese header (and the other headers offices write
for it), how its cells are read and written, the drop-down list the template
gives it, and its explanation in both languages.  Reading
(``engine/profile/workbook.py``) and writing (``engine/render/workbook.py``)
both follow this one description, so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .sheets import Column, header_key


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
        return _data_fields(self)


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


#: Sheets of the template that are not read back.
GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"


@lru_cache(maxsize=None)
def _data_fields(part: Part) -> tuple[Field, ...]:
    return tuple(f for f in part.fields if f.kind not in ("id", "name"))


def part_of_sheet(name: str) -> Part | None:
    """The part a workbook sheet holds, by its name (any case, with or without diacritics)."""
    key = header_key(name)
    for part in PARTS:
        if key in {header_key(n) for n in (part.sheet, *part.aliases)}:
            return part
    return None


def part_of_headers(headers: list[str]) -> tuple[Part | None, list[Part]]:
    """The part a header row names most columns of (a CSV file is one sheet): (the part, or None
    when it names none but the id and the name; the parts tied with it)."""
    written = {header_key(h) for h in headers}
    scores = []
    for part in PARTS:
        # The id and the name are on every sheet: they tell nothing about which one this is.
        fields = [f for f in part.fields if f.key not in ("id", "full_name", "name")]
        scores.append((sum(1 for f in fields if {header_key(n) for n in (f.header, f.key, *f.aliases)} & written),
                       part))
    best = max(score for score, _ in scores)
    winners = [part for score, part in scores if score == best]
    return (None if best == 0 or len(winners) > 1 else winners[0]), (winners if best else [])
