"""Every fixed text a person reads, in Vietnamese (default) and English.

Titles of positions live in the pack's catalog and rule titles and reasons in
the pack itself; this module holds the texts that belong to sangloc's own
vocabulary: messages, outcome and verdict names, the levels of SPEC §4.
"""

from __future__ import annotations

import re

from datetime import date

#: Labels of the enumerated values of the profile format (SPEC §4).
LABELS: dict[str, dict[str, tuple[str, str]]] = {
    "gender": {"male": ("Nam", "male"), "female": ("Nữ", "female")},
    "rating": {
        "xuat_sac": ("hoàn thành xuất sắc nhiệm vụ", "excellent"),
        "hoan_thanh_tot": ("hoàn thành tốt nhiệm vụ", "good"),
        "hoan_thanh": ("hoàn thành nhiệm vụ", "satisfactory"),
        "khong_hoan_thanh": ("không hoàn thành nhiệm vụ", "unsatisfactory"),
    },
    "professional": {
        "trung_cap": ("trung cấp", "intermediate vocational"),
        "cao_dang": ("cao đẳng", "college"),
        "dai_hoc": ("đại học", "bachelor's degree"),
        "thac_si": ("thạc sĩ", "master's degree"),
        "tien_si": ("tiến sĩ", "doctorate"),
    },
    "political_theory": {
        "so_cap": ("sơ cấp", "elementary"),
        "trung_cap": ("trung cấp", "intermediate"),
        "cao_cap": ("cao cấp", "advanced"),
        "cu_nhan": ("cử nhân", "bachelor"),
    },
    "state_management": {
        "chuyen_vien": ("chuyên viên", "specialist"),
        "chuyen_vien_chinh": ("chuyên viên chính", "principal specialist"),
        "chuyen_vien_cao_cap": ("chuyên viên cao cấp", "senior specialist"),
    },
    "discipline": {
        "khien_trach": ("khiển trách", "reprimand"),
        "canh_cao": ("cảnh cáo", "warning"),
        "cach_chuc": ("cách chức", "removal from post"),
        "khai_tru": ("khai trừ", "expulsion"),
    },
    "type": {
        "string": ("chuỗi ký tự", "text"),
        "integer": ("số nguyên", "integer"),
        "number": ("số", "number"),
        "boolean": ("giá trị đúng/sai", "true/false"),
        "list": ("danh sách", "list"),
        "mapping": ("ánh xạ (mapping)", "mapping"),
        "date": ("ngày (YYYY-MM-DD)", "date (YYYY-MM-DD)"),
        "null": ("giá trị rỗng", "null"),
    },
    "assessment": {"met": ("đạt", "met"), "not_met": ("không đạt", "not met")},
    "result": {"met": ("đạt", "met"), "not_met": ("không đạt", "not met")},
    "outcome": {
        "pass": ("đạt", "pass"),
        "fail": ("không đạt", "fail"),
        "review": ("chờ xem xét", "review"),
    },
    "verdict": {
        "eligible": ("Đủ tiêu chuẩn", "Eligible"),
        "review": ("Cần xem xét", "Needs review"),
        "ineligible": ("Không đủ tiêu chuẩn", "Ineligible"),
    },
    "missing": {
        "record": ("Bổ sung hồ sơ", "Complete the file"),
        "training": ("Đào tạo, bồi dưỡng", "Training"),
        "board": ("Ban Thường vụ xem xét", "For the Standing Committee"),
        "wait": ("Chờ đến hạn", "Wait"),
        "planning": ("Quy hoạch", "Planning"),
        "exception": ("Chỉ xét được khi có ngoại lệ", "Only by an approved exception"),
        "none": ("Không thể khắc phục", "Cannot be changed"),
    },
    "kind": {
        "requirement": ("điều kiện bắt buộc", "requirement"),
        "judgement": ("tiêu chuẩn do Ban Thường vụ đánh giá", "board judgement"),
        "advisory": ("khuyến nghị", "advisory"),
    },
}


def label(group: str, code: str | None, lang: str) -> str:
    """The human label of ``code`` in ``group``; the code itself if unknown."""
    if code is None:
        return "—"
    pair = LABELS.get(group, {}).get(code)
    if pair is None:
        return code
    return pair[0] if lang == "vi" else pair[1]


def _vi_parts(value: date) -> tuple[str, str, str]:
    """Day and month as official documents write them: a day below 10 and the
    months 1 and 2 take a leading zero (Nghị định 30/2020/NĐ-CP, Phụ lục I)."""
    return f"{value.day:02d}", f"{value.month:02d}" if value.month < 3 else str(value.month), str(value.year)


def fmt_date(value, lang: str) -> str:
    """A date as documents write it: 25/8/2020 (01/02/2021), tháng 3/2016, năm 2016 in
    Vietnamese; 2020-08-25, 2016-03, 2016 in English; an open end is "nay"/"present".

    ``value`` is a ``date``, a :class:`~engine.dates.PartialDate`, its ISO text
    ("2016-03", "unknown") or None."""
    from .dates import PartialDate

    if value is None:
        return "nay" if lang == "vi" else "present"
    if isinstance(value, str):
        value = PartialDate.from_iso(value)
    if isinstance(value, PartialDate):
        if value.precision == "unknown":
            return "không rõ" if lang == "vi" else "unknown"
        if value.precision == "year":
            return str(value.year)
        if value.precision == "month":
            month = f"{value.month:02d}" if value.month < 3 else str(value.month)
            return f"{month}/{value.year}" if lang == "vi" else f"{value.year}-{value.month:02d}"
        value = value.first
    if lang != "vi":
        return value.isoformat()
    day, month, year = _vi_parts(value)
    return f"{day}/{month}/{year}"


_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
              "October", "November", "December")


def long_date(value: date, lang: str) -> str:
    """ngày 25 tháng 8 năm 2020 / 25 August 2020: the date line of a document."""
    if lang != "vi":
        return f"{value.day} {_MONTHS_EN[value.month - 1]} {value.year}"
    day, month, year = _vi_parts(value)
    return f"ngày {day} tháng {month} năm {year}"


_MESSAGES: dict[str, tuple[str, str]] = {
    # profile input (SPEC §4)
    "not_mapping": ("hồ sơ phải là một ánh xạ (mapping), nhận được {got}",
                    "a profile must be a mapping, got {got}"),
    "missing": ("thiếu trường bắt buộc", "required field missing"),
    "unknown_key": ("mục '{key}' không có trong mẫu hồ sơ nên chưa được đọc{hint}",
                    "'{key}' is not a part of the profile, so it was not read{hint}"),
    "wrong_type": ("sai kiểu: cần {expected}, nhận được {got}",
                   "wrong type: expected {expected}, got {got}"),
    "bad_date": ("'{value}' không phải ngày tháng; ghi ngày/tháng/năm (15/03/2016), tháng/năm (03/2016 hoặc tháng 3/2016) hoặc năm (2016)",
                 "'{value}' is not a date; write day/month/year (15/03/2016), month/year (03/2016) or a year (2016)"),
    "not_a_day": ("ngày '{value}' không có thật", "'{value}' is not a real day"),
    "year_out_of_range": ("'{value}': năm phải từ 1900 đến 2100 (có gõ nhầm không?)",
                          "'{value}': the year must be from 1900 to 2100 (a slip of the keyboard?)"),
    "born_after_as_of": ("sinh {born}, sau ngày xét {as_of}", "born {born}, after the as-of date {as_of}"),
    "not_exact": ("'{value}': cần ghi đủ ngày, tháng, năm (ví dụ 15/07/2020)",
                  "'{value}': a full date is needed (day, month and year, such as 15/07/2020)"),
    "end_before_start": ("{end} trước ngày bắt đầu {start}", "{end} is before the start, {start}"),
    "until_before_decided": ("{end} trước ngày quyết định kỷ luật {start}",
                             "{end} is before the date of the decision, {start}"),
    "unknown_title": ("chức danh '{value}' không có trong danh mục{hint}",
                      "title '{value}' is not in the catalog{hint}"),
    "ambiguous_title": ("chức danh '{value}' có thể là cấp tỉnh ({province}, ở thành phố trực thuộc Trung ương: {cities}) hoặc cấp huyện ({district}, ở thành phố thuộc tỉnh); hãy ghi rõ đơn vị (org), ví dụ 'Thành ủy Hà Nội' hoặc 'Thành ủy Vinh'",
                        "title '{value}' may be province level ({province}, in a centrally-governed city: {cities}) or district level ({district}, in a city under a province); write the body (org), such as 'Thành ủy Hà Nội' or 'Thành ủy Vinh'"),
    "concurrent_posts": ("'{value}' gộp nhiều chức vụ ({parts}); hãy ghi mỗi chức vụ một mục, cùng ngày bắt đầu nếu giữ cùng lúc",
                         "'{value}' joins several posts ({parts}); write one entry per post, with the same start if held together"),
    "unknown_word": ("'{value}' không phải giá trị được chấp nhận; ghi một trong: {allowed}",
                     "'{value}' is not an accepted value; write one of: {allowed}"),
    "too_many": ("nhiều quá {max_length} mục", "more than {max_length} entries"),
    "unknown_rule": ("không có tiêu chí '{value}' trong bộ quy tắc {pack}{hint}", "there is no rule '{value}' in pack {pack}{hint}"),
    "exception_not_admitted": ("tiêu chí «{title_vi}» không nhận ngoại lệ theo bộ quy tắc này",
                               "«{title_en}» admits no exception under this pack"),
    "exception_body": ("ngoại lệ do '{value}' chấp thuận không được tính cho tiêu chí này; chỉ: {allowed}",
                       "an exception approved by '{value}' does not count for this rule; only: {allowed}"),
    "exception_after_as_of": ("ngoại lệ ngày {date} sau ngày xét {as_of}", "the exception of {date} is dated after the as-of date {as_of}"),
    "duplicate_exception": ("ghi hai ngoại lệ cho cùng tiêu chí «{title_vi}»",
                            "two exceptions are recorded for «{title_en}»"),
    "duplicate_assessment": ("tiêu chí '{value}' đã được ghi dưới tên '{first}'; mỗi tiêu chí chỉ ghi một lần",
                             "the criterion '{value}' is already recorded as '{first}'; record each criterion once"),
    "bad_choice": ("giá trị không hợp lệ '{value}'; cho phép: {allowed}",
                   "unknown value '{value}'; allowed: {allowed}"),
    "bad_year": ("năm đánh giá {value} nằm ngoài khoảng 1945..{max}",
                 "rating year {value} outside 1945..{max}"),
    "not_a_year": ("'{value}' không phải một năm (YYYY)", "'{value}' is not a year (YYYY)"),
    "duplicate_year": ("năm {value} được ghi hai lần ('{first}' và '{second}')",
                       "year {value} is given twice ('{first}' and '{second}')"),
    "empty_file": ("tệp không có hồ sơ nào", "the file holds no profile"),
    "bad_term": ("nhiệm kỳ '{value}' phải có dạng YYYY-YYYY (ví dụ 2020-2025)",
                 "term '{value}' must be YYYY-YYYY (such as 2020-2025)"),
    "bad_id": ("mã hồ sơ '{value}' chỉ được gồm chữ, số và . _ -",
               "profile id '{value}' may hold only letters, digits and . _ -"),
    "duplicate_id": ("mã hồ sơ '{value}' trùng với hồ sơ ở {other}",
                     "profile id '{value}' duplicates the profile in {other}"),
    # An id written many times names one twin and counts the rest: a message per twin
    # naming every other one would grow with the square of their number.
    "duplicate_id/more": ("mã hồ sơ '{value}' trùng với hồ sơ ở {other} và {more} hồ sơ khác",
                          "profile id '{value}' duplicates the profile in {other} and {more} more"),
    "control_chars": ("chứa ký tự điều khiển hoặc ký tự vô hình (không in ra được); hãy gõ lại",
                      "contains control or invisible characters (they do not print); type it again"),
    "invalid_key": ("tên mục phải là chữ (có gõ nhầm không?)", "a field name must be text (a slip of the keyboard?)"),
    "empty_string": ("không được để trống", "must not be empty"),
    "duplicate_key": ("khóa '{key}' xuất hiện hai lần (dòng {line})",
                      "key '{key}' appears twice (line {line})"),
    "unknown_assessment": ("tiêu chí đánh giá '{value}' không có trong bộ quy tắc {pack}{hint}",
                           "criterion '{value}' is not in rule pack {pack}{hint}"),
    "yaml_tag": ("lỗi cú pháp YAML: thẻ '{tag}' không dùng được ở đây (dòng {line}, cột {column}); hãy bỏ thẻ và ghi giá trị bình thường",
                 "YAML syntax error: tag '{tag}' is not allowed here (line {line}, column {column}); remove the tag and write the plain value"),
    "yaml_not_tagged": ("'{value}' không phải giá trị mà thẻ YAML '{tag}' đòi hỏi (dòng {line}, cột {column})",
                        "'{value}' is not what its YAML tag '{tag}' says (line {line}, column {column})"),
    "yaml_not_allowed": ("thẻ YAML '{tag}' (dữ liệu nhị phân, tập hợp, ánh xạ có thứ tự) không dùng được ở đây (dòng {line}, cột {column}); hãy ghi văn bản, danh sách hoặc ánh xạ thường",
                         "YAML tag '{tag}' (binary data, a set, an ordered map) is not allowed here (line {line}, column {column}); write text, a plain list or a plain mapping"),
    "number_too_large": ("số quá lớn ({value} chữ số); không trường nào chứa số lớn như vậy",
                         "number too large ({value} digits); no field holds such a number"),
    "lone_surrogate": ("chứa ký tự hỏng: nửa cặp thay thế U+{code} (một ký tự Unicode bị cắt đôi) trong '{value}'; hãy sửa lại văn bản",
                       "holds a broken character: a lone surrogate U+{code} (half of a Unicode character) in '{value}'; correct the text"),
    # files
    "broken_link": ("liên kết tượng trưng trỏ tới '{target}', nơi không có tệp nào",
                    "symbolic link to '{target}', where there is no file"),
    "not_regular_file_named": ("'{path}' không phải tệp thường (thư mục, FIFO, thiết bị hoặc socket); không đọc",
                               "'{path}' is not a regular file (a folder, a FIFO, a device or a socket); not read"),
    "not_regular_file": ("không phải tệp thường (thư mục, FIFO, thiết bị hoặc socket); không đọc",
                         "not a regular file (a folder, a FIFO, a device or a socket); not read"),
    "file_unreadable": ("không đọc được tệp: {reason}", "cannot read the file: {reason}"),
    "file_not_utf8": ("tệp không phải văn bản UTF-8 (byte {offset})",
                      "the file is not UTF-8 text (byte {offset})"),
    "file_too_large": ("tệp quá lớn ({size} MB > {max} MB); hãy chia nhỏ hoặc dùng JSON Lines (.jsonl)",
                       "the file is too large ({size} MB > {max} MB); split it or use JSON Lines (.jsonl)"),
    "file_utf16": ("tệp được lưu theo mã UTF-16; hãy lưu lại theo UTF-8",
                   "the file is encoded as UTF-16; save it as UTF-8"),
    "line_too_long": ("dòng dài hơn {max} KB; bỏ qua dòng này", "line longer than {max} KB; skipped"),
    "too_deep": ("dữ liệu lồng quá {max} tầng", "the data nests deeper than {max} levels"),
    "too_long": ("dài quá {max_length} ký tự", "longer than {max_length} characters"),
    "file_syntax": ("lỗi cú pháp {fmt}: {reason}", "{fmt} syntax error: {reason}"),
    "path_missing": ("không tìm thấy đường dẫn '{path}'", "path '{path}' does not exist"),
    "no_profile_files": ("không có tệp hồ sơ (.yaml, .yml, .json, .jsonl, .xlsx, .csv) trong '{path}'",
                         "no profile files (.yaml, .yml, .json, .jsonl, .xlsx, .csv) under '{path}'"),
    "unsupported_file": ("'{path}': chỉ đọc được tệp .yaml, .yml, .json, .jsonl, .xlsx, .csv",
                         "'{path}': only .yaml, .yml, .json, .jsonl, .xlsx and .csv files can be read"),
    # workbooks and CSV files of profiles (engine/profile/workbook.py)
    "workbook_not_zip": ("không đọc được sổ tính .xlsx: không phải tệp .xlsx (có thể là .xls cũ, tệp có mật khẩu hoặc tệp hỏng)",
                         "cannot read the .xlsx workbook: it is no .xlsx file (an old .xls, a password-protected or a damaged file?)"),
    "workbook_dangling": ("không đọc được sổ tính .xlsx: tệp bị hỏng: một ô trỏ tới chuỗi hoặc định dạng không có trong tệp; hãy mở và lưu lại bằng Excel hoặc LibreOffice",
                          "cannot read the .xlsx workbook: it is damaged: a cell points to a string or a format the file does not hold; open it and save it again in Excel or LibreOffice"),
    "workbook_unreadable": ("không đọc được sổ tính .xlsx: {reason}", "cannot read the .xlsx workbook: {reason}"),
    "csv_not_utf8": ("tệp CSV không phải văn bản UTF-8 (byte {offset}); trong Excel hãy lưu bằng «CSV UTF-8 (Comma delimited)»",
                     "the CSV file is not UTF-8 text (byte {offset}); in Excel save it as «CSV UTF-8 (Comma delimited)»"),
    "no_profile_sheets": ("sổ tính không có trang «Cán bộ»; các trang của mẫu hồ sơ: {sheets} (tạo mẫu bằng lệnh sangloc template)",
                          "the workbook has no «Cán bộ» sheet; the sheets of the profile layout: {sheets} (make one with sangloc template)"),
    "csv_unknown_part": ("không nhận ra tệp {file} là trang nào của mẫu hồ sơ từ dòng tiêu đề ({headers}); có thể là: {parts}",
                         "cannot tell which sheet of the profile layout {file} is from its header row ({headers}); it may be: {parts}"),
    "workbook_sheet_hidden": ("trang «{sheet}» đang bị ẩn trong sổ tính; các hồ sơ trên trang này vẫn được đọc, hãy kiểm tra lại",
                              "the sheet «{sheet}» is hidden in the workbook; the profiles on it are read all the same: check them"),
    "workbook_part_twice": ("trang «{sheet}» và trang «{first}» cùng là trang «{part}»; cả hai được đọc, hãy kiểm tra xem có trùng không",
                            "the sheets «{sheet}» and «{first}» are both the «{part}» sheet; both are read: check them for twins"),
    "csv_not_profiles": ("tệp CSV không có cột nào của mẫu hồ sơ nên không được đọc",
                         "the CSV file has no column of the profile layout and is not read"),
    "csv_no_cadres": ("không có tệp CSV nào là trang «Cán bộ» (Mã hồ sơ, Họ và tên, Giới tính, Ngày sinh); các tệp {sheets} ghép với cán bộ của trang đó theo mã hồ sơ",
                      "no CSV file is the «Cán bộ» sheet (Mã hồ sơ, Họ và tên, Giới tính, Ngày sinh); the files of {sheets} join to its cadres by id"),
    "header_missing": ("không tìm thấy dòng tiêu đề có cột «{header}» trong {rows} dòng đầu; các dòng của trang này không được đọc",
                       "no header row with the column «{header}» in the first {rows} rows; the rows of this sheet are not read"),
    "column_repeated": ("cột «{header}» có hai lần; hãy giữ một cột", "the column «{header}» appears twice; keep one"),
    "unknown_column": ("cột «{header}» không thuộc mẫu nên không được đọc{hint}",
                       "the column «{header}» is not part of the layout and is not read{hint}"),
    "cell_empty": ("ô bắt buộc còn trống", "a required cell is empty"),
    "column_missing": ("trang này thiếu cột bắt buộc «{header}»", "this sheet lacks the required column «{header}»"),
    "cell_formula": ("ô có công thức chưa được tính nên chưa có giá trị; hãy mở tệp bằng Excel hoặc LibreOffice rồi lưu lại",
                     "the cell's formula was never computed, so it has no value; open the file in Excel or LibreOffice and save it"),
    "cell_unreadable": ("ô lưu giá trị «{value}» dưới một kiểu không chứa được nó (tệp không do Excel hay LibreOffice ghi ra?); hãy gõ lại giá trị trong ô",
                        "the cell stores «{value}» as a type that cannot hold it (not written by Excel or LibreOffice?); type the value again"),
    "workbook_too_many_cells": ("sổ tính có quá nhiều ô (quá {max} ô, hoặc một dòng quá 16.384 cột): không đọc; hãy xóa các dòng, cột thừa rồi lưu lại",
                                "the workbook has too many cells (over {max}, or a row over 16,384 columns): not read; delete the extra rows and columns and save it again"),
    "cell_error": ("ô có giá trị lỗi {value}; hãy sửa công thức hoặc ghi giá trị", "the cell holds the error {value}; fix the formula or write the value"),
    "id_not_text": ("mã hồ sơ {value} không phải văn bản hay số nguyên; hãy định dạng cột «Mã hồ sơ» là Văn bản (Text) rồi nhập lại",
                    "profile id {value} is neither text nor a whole number; format the «Mã hồ sơ» column as Text and type it again"),
    "orphan_rows": ("không có cán bộ nào mang mã hồ sơ '{value}' ở trang «Cán bộ»; các dòng này không được dùng: {rows}",
                    "no cadre has the profile id '{value}' on the «Cán bộ» sheet; these rows are not used: {rows}"),
    "row_without_id": ("dòng có dữ liệu nhưng chưa ghi mã hồ sơ nên không ghép được với cán bộ nào: {rows}",
                       "rows with data but no profile id, joined to no cadre: {rows}"),
    "duplicate_row": ("mã hồ sơ '{value}' đã có ở dòng {other} của trang «{sheet}»; mỗi cán bộ chỉ một dòng ở trang này",
                      "profile id '{value}' is already on row {other} of the «{sheet}» sheet; one row per cadre there"),
    "duplicate_year_row": ("năm {value} đã ghi ở dòng {other}; mỗi năm một dòng", "the year {value} is already on row {other}; one row a year"),
    "duplicate_criterion_row": ("tiêu chuẩn '{value}' đã ghi ở dòng {other}; mỗi tiêu chuẩn một dòng",
                                "the criterion '{value}' is already on row {other}; one row a criterion"),
    "name_mismatch": ("họ tên '{value}' khác họ tên ở trang «Cán bộ» ('{expected}') của mã hồ sơ {id}; hãy kiểm tra mã hồ sơ của dòng này",
                      "the name '{value}' differs from the «Cán bộ» sheet's name ('{expected}') for profile id {id}; check this row's id"),
    "merged_cells": ("các ô này được gộp (merge) nên chỉ ô đầu có giá trị; hãy bỏ gộp và ghi giá trị ở từng dòng",
                     "these cells are merged, so only the first holds a value; unmerge them and write the value on every row"),
    "xlsx_needs_output": ("định dạng xlsx cần --output TỆP.xlsx", "the xlsx format needs --output FILE.xlsx"),
    "import_output_file": ("--output phải là một thư mục, không phải tệp: '{path}'", "--output must be a folder, not a file: '{path}'"),
    # rule packs
    "pack_invalid": ("bộ quy tắc '{path}' không hợp lệ ({count} lỗi):",
                     "rule pack '{path}' is invalid ({count} problems):"),
    "pack_not_found": ("không tìm thấy bộ quy tắc '{name}'; có sẵn: {available}",
                       "rule pack '{name}' not found; available: {available}"),
    "pack_yaml": ("lỗi cú pháp YAML: {reason}", "YAML syntax error: {reason}"),
    "pack_unknown_key": ("khóa không hợp lệ '{key}'{hint}", "unknown key '{key}'{hint}"),
    "pack_missing": ("thiếu khóa bắt buộc", "required key missing"),
    "pack_schema": ("{detail}", "{detail}"),
    "pack_no_source": ("quy tắc không có xuất xứ: cần `provenance`, mỗi mục có trích dẫn nguyên văn (quote) hoặc tóm tắt (summary)",
                       "rule has no provenance: add `provenance`, each with a verbatim quote or a summary"),
    "pack_no_basis": ("quy tắc không có căn cứ: cần `basis` nêu văn bản được áp dụng",
                      "rule has no basis: add `basis` naming the documents it applies"),
    "pack_source_text": ("xuất xứ cần trích dẫn nguyên văn (quote) hoặc tóm tắt (summary)",
                         "a provenance needs a verbatim `quote` or a `summary`"),
    "pack_duplicate_id": ("mã '{value}' bị trùng", "duplicate id '{value}'"),
    "pack_unknown_document": ("văn bản '{value}' không có trong `documents`{hint}",
                              "document '{value}' is not in `documents`{hint}"),
    "pack_unknown_reading": ("nguồn '{value}' không có trong `readings`{hint}",
                             "reading '{value}' is not in `readings`{hint}"),
    "pack_basis_after": ("văn bản '{value}' ngày {date} ban hành sau ngày tham chiếu {reference}, không thể là căn cứ",
                         "document '{value}' of {date} is dated after the reference date {reference} and cannot be a basis"),
    "pack_misquote": ("trích dẫn không có nguyên văn trong tệp {file} của văn bản",
                      "quote not found verbatim in the document's file {file}"),
    "pack_no_otherwise": ("thiếu kết quả mặc định `otherwise`", "missing `otherwise` outcome"),
    "pack_no_outcomes": ("quy tắc không có `outcomes`", "rule has no `outcomes`"),
    "pack_no_reason": ("thiếu lời giải thích (reasons) cho kết quả '{value}'",
                       "no reason text for outcome '{value}'"),
    "pack_advisory_fail": ("quy tắc khuyến nghị không bao giờ được cho kết quả 'fail'",
                           "an advisory rule can never fail"),
    "pack_file_outside": ("tệp '{value}' phải nằm trong thư mục của bộ quy tắc",
                          "file '{value}' must exist inside the pack folder"),
    "pack_unknown_category": ("nhóm chức danh '{value}' không có trong danh mục{hint}",
                              "category '{value}' is not in the catalog{hint}"),
    "pack_alias_conflict": ("'{value}' chỉ cả {first} và {other}", "'{value}' names both {first} and {other}"),
    "pack_unknown_fact": ("loại dữ kiện '{value}' không có{hint}; có: {known}",
                          "unknown fact '{value}'{hint}; known: {known}"),
    "pack_unknown_field": ("dữ kiện '{fact}' không có trường '{value}'{hint}",
                           "fact '{fact}' has no field '{value}'{hint}"),
    "pack_unknown_operator": ("phép so sánh '{value}' không có{hint}; có: {known}",
                              "unknown operator '{value}'{hint}; known: {known}"),
    "pack_unknown_param": ("tham số '{value}' không có trong `parameters`{hint}",
                           "unknown parameter '{value}'{hint}"),
    "pack_bad_value": ("giá trị '{value}' không hợp lệ: cần {expected}", "value '{value}' is not a valid {expected}"),
    "pack_bad_param_value": ("tham số '{param}' = '{value}' không hợp lệ: cần {expected}",
                             "parameter '{param}' = '{value}' is not a valid {expected}"),
    "pack_present": ("`present` nhận true hoặc false, trên trường văn bản",
                     "`present` takes true or false, on a text field"),
    "pack_compare_text": ("`{value}` so sánh số hoặc ngày, không so sánh văn bản",
                          "`{value}` compares numbers or dates, not text"),
    "pack_empty_list": ("`{value}` cần một danh sách khác rỗng", "`{value}` needs a non-empty list"),
    "pack_value_form": ("giá trị phải là hằng số hoặc {{param: TÊN}}", "a value is a literal or {{param: NAME}}"),
    "pack_unknown_title": ("chức danh '{value}' không có trong danh mục{hint}",
                           "title '{value}' is not in the catalog{hint}"),
    "pack_unknown_assessment": ("tiêu chí đánh giá '{value}' chưa được khai báo (trong `assessments` hoặc là quy tắc judgement){hint}",
                                "assessment '{value}' is not declared (in `assessments` or as a judgement rule){hint}"),
    "pack_braces": ("dấu ngoặc {{ }} chỉ dùng để bao tên biến, như {{evidence}}",
                    "braces {{ }} may only enclose a placeholder name, such as {{evidence}}"),
    "pack_judgement_guess": ("tiêu chuẩn do Ban Thường vụ đánh giá phải chờ xem xét khi chưa có đánh giá (otherwise: review), không được '{value}'",
                             "a board judgement must stay pending while unassessed (otherwise: review), not '{value}'"),
    "pack_reserved_param": ("'as_of' là tên dành riêng cho ngày xét; hãy đặt tên khác",
                            "'as_of' is reserved for the as-of date; choose another name"),
    "pack_bars": ("discipline_bar_months phải là ánh xạ hình thức → số tháng", "discipline_bar_months must map forms to months"),
    "pack_bar": ("thời hạn của hình thức '{form}' phải là số tháng từ 1 đến 600 (nhận được: {value}); các hình thức cần có: khien_trach, canh_cao, cach_chuc",
                 "the bar of form '{form}' must be 1 to 600 months (got: {value}); the forms needing one: khien_trach, canh_cao, cach_chuc"),
    "pack_file_missing": ("không tìm thấy tệp '{value}' trong thư mục bộ quy tắc", "file '{value}' not found in the pack folder"),
    "pack_district_title": ("'{value}' phải là mã một chức danh cấp huyện trong danh mục",
                            "'{value}' must be the code of a district-level title of the catalog"),
    "pack_word_group": ("không có trường mã '{value}'; có: {known}", "there is no coded field '{value}'; known: {known}"),
    "pack_word_code": ("mã '{value}' không có; có: {known}", "there is no code '{value}'; known: {known}"),
    "pack_unknown_body": ("cơ quan '{value}' không có trong danh mục (bodies){hint}",
                          "body '{value}' is not in the catalog's bodies{hint}"),
    "pack_exception_judgement": ("tiêu chuẩn do Ban Thường vụ đánh giá không nhận ngoại lệ",
                                 "a board judgement admits no exception"),
    "pack_list_on_interval": ("`{value}` chỉ dùng cho trường văn bản; với ngày và số, dùng eq, ne, lt, lte, gt, gte",
                              "`{value}` is for text fields only; for dates and numbers use eq, ne, lt, lte, gt, gte"),
    "pack_limit": ("vượt giới hạn của bộ máy suy diễn: {detail}", "beyond the inference engine's limits: {detail}"),
    "pack_bad_reference_date": ("ngày tham chiếu '{value}' không phải ngày hợp lệ (YYYY-MM-DD)",
                                "reference date '{value}' is not a real date (YYYY-MM-DD)"),
    "pack_placeholder": ("lời giải thích dùng biến không có '{{{value}}}'; có: {known}",
                         "reason uses an unknown placeholder '{{{value}}}'; known: {known}"),
    "pack_digest_changed": ("nội dung đã đổi nhưng phiên bản vẫn là {version} (pack.lock ghi {recorded}, nay là {actual}); hãy tăng `version` rồi chạy `sangloc rules lock`",
                            "content changed but version is still {version} (pack.lock records {recorded}, now {actual}); raise `version`, then run `sangloc rules lock`"),
    "pack_bad_lock": ("pack.lock hỏng ({reason}); tệp này do `sangloc rules lock` ghi, không sửa bằng tay: hãy lấy lại bản đúng",
                      "pack.lock is malformed ({reason}); it is written by `sangloc rules lock`, not by hand: restore the right copy"),
    "pack_not_locked": ("phiên bản {version} chưa được ghi vào pack.lock; chạy `sangloc rules lock`",
                        "version {version} is not recorded in pack.lock; run `sangloc rules lock`"),
    "never_advisory": ("không thể xảy ra: quy tắc khuyến nghị không bao giờ loại",
                       "cannot occur: advisory rules never fail"),
    "never_produced": ("không thể xảy ra: không nhánh nào cho kết quả này và nó không phải kết quả mặc định",
                       "cannot occur: no branch yields it and it is not the default"),
    "pack_untested": ("không có ca kiểm thử nào đạt tới kết quả '{outcome}' của quy tắc này",
                      "no test case reaches outcome '{outcome}' of this rule"),
    # commands
    "memo_some_invalid": ("Tờ trình chỉ gồm các hồ sơ hợp lệ; {count} hồ sơ cần bổ sung, sửa chữa (danh sách ở trên)",
                          "the memo holds the valid profiles only; {count} files need completing or correcting (see the messages above or --errors)"),
    "some_invalid": ("{count} hồ sơ lỗi chưa được xét; xem các thông báo ở trên",
                     "{count} invalid profiles were not screened; see the messages above"),
    "no_valid_profile": ("không có hồ sơ hợp lệ nào để sàng lọc",
                         "no valid profile to screen"),
    "profile_not_found": ("không tìm thấy hồ sơ '{value}'{hint}",
                          "profile '{value}' not found{hint}"),
    "rule_not_found": ("không có quy tắc '{value}' trong bộ quy tắc {pack}{hint}",
                       "rule '{value}' is not in rule pack {pack}{hint}"),
    "bad_pack_id": ("mã bộ quy tắc '{value}' chỉ gồm chữ thường không dấu, số và dấu -",
                    "pack id '{value}' may hold only lowercase letters, digits and -"),
    "path_exists": ("'{path}' đã tồn tại", "'{path}' already exists"),
    "audit_missing": ("không có sổ kiểm toán '{path}'", "no audit store at '{path}'"),
    "audit_unusable": ("không dùng được sổ kiểm toán '{path}': {reason}",
                       "cannot use the audit store '{path}': {reason}"),
    "audit_foreign": ("'{path}' là một cơ sở dữ liệu SQLite nhưng không phải sổ kiểm toán của sangloc",
                      "'{path}' is an SQLite database but not a sangloc audit store"),
    "audit_schema": ("sổ kiểm toán '{path}' có phiên bản lược đồ {found}; bản sangloc này dùng phiên bản {expected} và không chuyển đổi được: dùng bản sangloc phù hợp hoặc một sổ mới (--audit-db)",
                     "audit store '{path}' has schema version {found}; this sangloc uses version {expected} and cannot migrate it: use a matching sangloc or a new store (--audit-db)"),
    "audit_no_run": ("không có lần chạy '{value}' (sổ có {count} lần chạy; xem `sangloc audit runs`)",
                     "no run '{value}' (the store holds {count} runs; see `sangloc audit runs`)"),
    "audit_damaged": ("bản ghi số {seq} của sổ kiểm toán bị hỏng ({detail}); chạy `sangloc audit verify` để kiểm tra cả sổ",
                      "audit record {seq} is damaged ({detail}); run `sangloc audit verify` to check the whole store"),
    "audit_unreadable": ("sổ kiểm toán không còn đúng cấu trúc của sangloc ({reason}); chạy `sangloc audit verify`",
                         "the audit store no longer has sangloc's structure ({reason}); run `sangloc audit verify`"),
    "audit_not_database": ("'{path}' là một tệp khác, không phải sổ kiểm toán của sangloc; không ghi vào đó: hãy chỉ một tệp khác bằng --audit-db",
                           "'{path}' is some other file, not a sangloc audit store; nothing is written into it: name another file with --audit-db"),
    "audit_not_file": ("'{path}' không phải tệp thường nên không thể là sổ kiểm toán (FIFO, thiết bị hay thư mục); hãy chỉ một tệp bằng --audit-db",
                       "'{path}' is not a regular file, so it cannot be an audit store (a FIFO, a device or a folder); name a file with --audit-db"),
    "audit_no_pack": ("sổ không lưu nội dung bộ quy tắc {digest}", "the store lacks the content of pack {digest}"),
    "docx_needs_output": ("định dạng docx cần --output TỆP.docx", "the docx format needs --output FILE.docx"),
    "diff_two_packs": ("cần đúng hai lần --rules (A và B), nhận được {count}",
                       "give --rules exactly twice (A and B), got {count}"),
    "bad_date_option_form": ("{option} '{value}' phải viết đúng dạng YYYY-MM-DD, ví dụ 2020-08-25",
                             "{option} '{value}' must be written YYYY-MM-DD, such as 2020-08-25"),
    "bad_date_option": ("{option} '{value}' không phải ngày có thật (YYYY-MM-DD, ví dụ 2020-08-25)",
                        "{option} '{value}' is not a real date (YYYY-MM-DD, such as 2020-08-25)"),
    "output_unwritable": ("không ghi được tệp kết quả '{path}': {reason}",
                          "cannot write the output file '{path}': {reason}"),
    "output_is_store": ("{option} '{path}' là sổ kiểm toán của sangloc (hoặc tệp đi kèm của sổ); không ghi đè lên sổ: hãy chọn tên tệp kết quả khác",
                        "{option} '{path}' is a sangloc audit store (or one of its side files); the store is never written over: choose another output file"),
    "output_is_database": ("{option} '{path}' là một cơ sở dữ liệu SQLite (hoặc tệp đi kèm của nó), không phải tệp kết quả; không ghi đè: hãy chọn tên tệp khác",
                           "{option} '{path}' is an SQLite database (or one of its side files), not an output file; it is not written over: choose another file"),
    "output_is_input": ("{option} '{path}' là tệp đầu vào của lần chạy này (hồ sơ, tệp của bộ quy tắc, kết quả sàng lọc, tệp quy trình hoặc bảng kiểm phiếu); không ghi đè: hãy chọn tên tệp kết quả khác",
                        "{option} '{path}' is an input of this run (a profile, a file of the rule pack, a screening result, a process file or a tally sheet); it is not written over: choose another output file"),
    "output_is_other_output": ("{option} '{path}' trùng với tệp kết quả khác của lần chạy này; hãy chọn tên tệp khác",
                               "{option} '{path}' is another output of this run; choose another file name"),
    "output_no_folder": ("không ghi được tệp kết quả '{path}': chưa có thư mục '{folder}'; hãy tạo thư mục trước",
                         "cannot write the output '{path}': the folder '{folder}' does not exist; create it first"),
    "output_is_folder": ("{option} '{path}' là một thư mục; cần tên một tệp", "{option} '{path}' is a folder; give a file name"),
    "output_special_file": ("{option} '{path}' không phải tệp thường, FIFO hay thiết bị ký tự; không ghi vào đó",
                            "{option} '{path}' is not a regular file, a FIFO or a character device; nothing is written there"),
    "output_among_devices": ("{option} '{path}' sẽ tạo một tệp mới giữa các thiết bị của hệ thống (/dev, /proc); hãy ghi ra nơi khác",
                             "{option} '{path}' would create a new file among the system's devices (/dev, /proc); write it elsewhere"),
    "output_no_reader": ("{option} '{path}' là một FIFO chưa có ai đọc; hãy mở bên đọc trước",
                         "{option} '{path}' is a FIFO nobody is reading; start its reader first"),
    "engine_failure": ("lỗi bộ máy suy diễn khi xét hồ sơ {profile}: {reason}",
                       "inference engine failure on profile {profile}: {reason}"),
}


def message(code: str, lang: str, params: dict) -> str:
    """Render message ``code``; templates are ours, parameters are values."""
    pair = (params.get("more") and _MESSAGES.get(f"{code}/more")) or _MESSAGES.get(code)
    if pair is None:
        return f"{code} {params}"
    template = pair[0] if lang == "vi" else pair[1]
    hint = did_you_mean(list(params.get("suggestions", ())), lang)
    values = {k: v for k, v in params.items() if k != "hint"}
    for key in ("expected", "got"):
        if key in values:
            values[key] = label("type", values[key], lang)
    for key in ("end", "start", "born", "date", "as_of"):  # dates as documents write them: 01/3/2012, 2016, tháng 3/2016
        if isinstance(values.get(key), str) and re.fullmatch(r"\d{4}(-\d{2}){0,2}|unknown", values[key]):
            values[key] = fmt_date(values[key], lang)
    for key in ("field", "other"):  # a tally's fields are named in words, then as written
        if key in values:
            values[f"{key}_label"] = label("field", values[key], lang)
    return template.format(hint=hint, **values)


def did_you_mean(candidates: list[str], lang: str) -> str:
    """'; did you mean 'a', 'b'?' or '' when there is nothing close."""
    if not candidates:
        return ""
    joined = ", ".join(f"'{c}'" for c in candidates)
    return f"; có phải là {joined}?" if lang == "vi" else f"; did you mean {joined}?"


# -- steps 2–5 (SPEC §6) ---------------------------------------------------

LABELS.update({
    "body": {
        "ban_thuong_vu": ("Ban Thường vụ Tỉnh ủy", "Provincial Standing Committee"),
        "hoi_nghi_can_bo_chu_chot": ("Hội nghị cán bộ chủ chốt", "Conference of key cadres"),
        "ban_chap_hanh": ("Ban Chấp hành Đảng bộ tỉnh", "Provincial Party Executive Committee"),
    },
    "denominator": {
        "summoned": ("tổng số người được triệu tập", "the number summoned"),
        "present": ("số người có mặt", "the number present"),
        "valid": ("số phiếu hợp lệ", "the number of valid ballots"),
    },
    "track": {
        "lan_dau": ("giới thiệu lần đầu", "first-time introduction"),
        "tai_cu": ("giới thiệu tái cử", "re-election"),
        "giua_nhiem_ky": ("giới thiệu giữa nhiệm kỳ", "mid-term introduction"),
    },
    "admitted": {
        "eligible": ("đủ tiêu chuẩn, điều kiện", "meets every criterion"),
        "cleared": ("Ban Thường vụ đã xem xét, thông qua", "cleared by the Standing Committee"),
    },
    #: Why `record --ballots` found a paper invalid (a reason the board wrote is kept as written).
    "ballot_reason": {
        "too_many_marks": ("đánh dấu quá số người được chọn", "more names marked than may be chosen"),
        "unlisted": ("ghi thêm tên người ngoài danh sách", "a name added outside the list"),
        "set_aside": ("tổ kiểm phiếu loại, không ghi lý do", "set aside by the counting board, no reason given"),
    },
    #: The fields of a tally sheet, as its messages name them.
    "field": {
        "step": ("bước", "step"),
        "summoned": ("số người được triệu tập", "number summoned"),
        "present": ("số người có mặt", "number present"),
        "ballots.issued": ("số phiếu phát ra", "ballots issued"),
        "ballots.returned": ("số phiếu thu vào", "ballots returned"),
        "ballots.valid": ("số phiếu hợp lệ", "valid ballots"),
        "ballots.invalid": ("số phiếu không hợp lệ", "invalid ballots"),
        "ballots.invalid_reasons": ("lý do phiếu không hợp lệ", "reasons for invalid ballots"),
        "votes": ("số phiếu của từng người", "votes per candidate"),
        "date": ("ngày họp", "date of the sitting"),
        "place": ("địa điểm", "place"),
        "clerk": ("người nhập", "clerk"),
        "counting_board": ("tổ kiểm phiếu", "counting board"),
        "note": ("ghi chú", "note"),
    },
})

_MESSAGES.update({
    # packs
    "pack_step_number": ("bước này đứng thứ {expected} trong danh sách nhưng ghi số {value}",
                         "this step stands at place {expected} but says {value}"),
    "pack_bad_share": ("tỷ lệ '{value}' không hợp lệ: cần một phân số lớn hơn 0 và không quá 1 (ví dụ \"1/2\", \"2/3\", 0.5)",
                       "share '{value}' is invalid: give a fraction above 0 and at most 1 (such as \"1/2\", \"2/3\", 0.5)"),
    # process files and commands
    "process_step_outside": ("bước {step} nằm ngoài các bước ghi kết quả kiểm phiếu ({first}–{last}) của quy trình",
                             "step {step} is outside the steps whose ballots are recorded ({first}–{last})"),
    "process_unreadable": ("không đọc được tệp quy trình '{path}': {reason}",
                           "cannot read the process file '{path}': {reason}"),
    "process_not_a_process": ("'{path}' không phải tệp quy trình của sangloc ({reason}); tệp này do `sangloc process init` tạo ra",
                              "'{path}' is not a sangloc process file ({reason}); `sangloc process init` makes one"),
    "process_journal_broken": ("tệp quy trình '{path}' đã bị sửa ngoài sangloc: mục {entry} không còn khớp ({detail}); dùng bản sao lưu hoặc đối chiếu với sổ kiểm toán (`sangloc audit replay`)",
                               "the process file '{path}' was edited outside sangloc: entry {entry} no longer holds ({detail}); use a backup or compare with the audit store (`sangloc audit replay`)"),
    "process_not_regular": ("tệp quy trình '{path}' không phải tệp thường (thư mục, FIFO, thiết bị hay luồng vào); sangloc chỉ đọc và ghi lại một tệp quy trình thường",
                            "the process file '{path}' is not a regular file (a folder, a FIFO, a device or a stream); sangloc reads and rewrites only a regular process file"),
    "process_option_too_long": ("{option} dài hơn {max} ký tự", "{option} is longer than {max} characters"),
    "process_journal_full": ("nhật ký của tệp quy trình đã có {max} mục, mức tối đa; không ghi thêm",
                             "the process file's journal holds {max} entries, the most it may; nothing more is recorded"),
    "process_too_many_candidates": ("danh sách bước 1 sẽ có {count} người; một quy trình có nhiều nhất {max}",
                                    "the step-1 list would hold {count} candidates; a process holds at most {max}"),
    "process_too_many_steps": ("bộ quy tắc {pack} khai báo {count} bước; một quy trình có nhiều nhất {max} bước",
                               "rule pack {pack} declares {count} steps; a process has at most {max}"),
    "process_busy": ("tệp quy trình '{path}' đang được một lần ghi khác giữ quá {seconds} giây; chưa ghi gì, hãy chạy lại lệnh",
                     "the process file '{path}' has been held by another entry for over {seconds} seconds; nothing was recorded, run the command again"),
    "process_changed_meanwhile": ("tệp quy trình '{path}' vừa bị thay đổi bởi một lần ghi khác; chưa ghi gì, hãy chạy lại lệnh",
                                  "the process file '{path}' was changed by another entry meanwhile; nothing was recorded, run the command again"),
    "process_from_unknown": ("--from '{value}': không có tệp kết quả sàng lọc nào như vậy, cũng không có lần chạy như vậy trong sổ kiểm toán {path} (xem `sangloc audit runs`)",
                             "--from '{value}': there is no such screening result file, nor such a run in the audit store {path} (see `sangloc audit runs`)"),
    "process_from_not_regular": ("--from '{path}' không phải tệp thường (thư mục, FIFO, thiết bị); cần tệp JSON của `sangloc screen --format json` hoặc mã một lần chạy",
                                 "--from '{path}' is not a regular file (a folder, a FIFO, a device); give the JSON of `sangloc screen --format json` or a run id"),
    "process_from_broken_link": ("--from '{path}' là liên kết tượng trưng trỏ tới nơi không có tệp nào",
                                 "--from '{path}' is a symbolic link to where there is no file"),
    "process_not_screening": ("'{path}' không phải kết quả sàng lọc dạng JSON của `sangloc screen --format json` ({reason})",
                              "'{path}' is not the JSON of `sangloc screen --format json` ({reason})"),
    "process_cleared_unknown": ("--cleared {value}: không có trong kết quả sàng lọc{hint}",
                                "--cleared {value}: not in the screening result{hint}"),
    "process_cleared_verdict": ("--cleared {value}: hồ sơ có kết luận «{verdict}»; hội nghị bước 1 chỉ xem xét, thông qua người đang chờ xem xét",
                                "--cleared {value}: the profile's verdict is «{verdict}»; the step-1 meeting clears only candidates held for review"),
    "process_cleared_needs_date": ("--cleared cần --cleared-on NGÀY: ngày hội nghị bước 1 xem xét, thông qua",
                                   "--cleared needs --cleared-on DATE: the date the step-1 meeting cleared them"),
    "process_bad_summoned": ("--summoned '{value}' phải có dạng BƯỚC=SỐ NGƯỜI (ví dụ 2=120), với bước từ {first} đến {last}",
                             "--summoned '{value}' must be STEP=NUMBER (such as 2=120), with a step from {first} to {last}"),
    "process_no_section": ("bộ quy tắc {pack} không khai báo các bước của quy trình; dùng thứ tự và ngưỡng mặc định, không có căn cứ",
                           "rule pack {pack} declares no process section; the default order and thresholds are used, without basis"),
    "process_pack_differs": ("kết quả sàng lọc được lập theo bộ quy tắc {screened}; quy trình dùng bộ quy tắc {used}",
                             "the screening was made under rule pack {screened}; the process uses rule pack {used}"),
    "process_double_entry_required": ("bước {step} yêu cầu nhập hai lần độc lập: cho --tally hai lần, mỗi tệp do một người nhập",
                                      "step {step} must be keyed twice independently: give --tally twice, one file per clerk"),
    "process_too_many_tallies": ("cho nhiều nhất hai lần --tally (nhập hai lần độc lập)",
                                 "give --tally at most twice (double entry)"),
    "process_needs_tally": ("cần --tally TỆP (bảng kết quả kiểm phiếu); với --ballots, tệp này ghi số người được triệu tập, có mặt và số phiếu phát ra",
                            "give --tally FILE (the tally sheet); with --ballots it holds the numbers summoned, present and ballots issued"),
    "process_replaces_not_last": ("--replaces {value}: chỉ sửa được lần ghi kết quả đang có hiệu lực sau cùng (mục {last}); các bước sau dùng danh sách của nó",
                                  "--replaces {value}: only the last entry in effect (entry {last}) can be corrected; the steps after it use its list"),
    "process_replaces_step": ("--replaces {value}: mục {value} là kết quả bước {other}, không phải bước {step}",
                              "--replaces {value}: entry {value} records step {other}, not step {step}"),
    "process_replaces_needs_reason": ("--replaces cần --reason: lý do sửa, để ghi vào nhật ký nhập liệu",
                                      "--replaces needs --reason: why, for the entry journal"),
    "process_no_step": ("quy trình chưa ghi bước {step}", "no sitting of step {step} is recorded"),
    # tallies (SPEC §6): each names its fields and their numbers
    "tally_refused": ("không ghi kết quả bước {step} từ {source}: {count} lỗi, chưa ghi gì:",
                      "step {step} from {source} refused, nothing recorded; problems: {count}"),
    "problems_more": ("  … và {count} lỗi khác", "  … and {count} more"),
    "tally_syntax": ("lỗi cú pháp {fmt}: {reason}", "{fmt} syntax error: {reason}"),
    "tally_format": ("chỉ đọc được bảng kiểm phiếu .yaml, .yml, .json, .csv, .xlsx (nhận được '{suffix}')",
                     "a tally sheet must be .yaml, .yml, .json, .csv or .xlsx (got '{suffix}')"),
    "tally_not_mapping": ("bảng kiểm phiếu phải là một ánh xạ (step, summoned, present, ballots, votes)",
                          "a tally must be a mapping (step, summoned, present, ballots, votes)"),
    "tally_unknown_key": ("khóa không hợp lệ '{key}'{hint}", "unknown key '{key}'{hint}"),
    "tally_csv_columns": ("dòng có {count} cột; bảng CSV có đúng hai cột `field,value` (văn bản có dấu phẩy thì đặt trong ngoặc kép)",
                          "the row has {count} columns; a CSV tally has exactly two, `field,value` (quote a text that holds a comma)"),
    "tally_field_mapping": ("{field_label} ({field}) phải là một ánh xạ (tên: số)",
                            "{field_label} ({field}) must be a mapping (name: number)"),
    "tally_missing": ("thiếu {field_label} ({field})", "{field_label} ({field}) is missing"),
    "tally_not_count": ("{field_label} ({field}) phải là số nguyên không âm, nhận được '{value}'",
                        "{field_label} ({field}) must be a whole number ≥ 0, got '{value}'"),
    "tally_bad_text": ("{field_label} ({field}) phải là văn bản, nhận được '{value}'",
                       "{field_label} ({field}) must be text, got '{value}'"),
    "tally_count_too_large": ("{field_label} ({field}) có {digits} chữ số; một con số kiểm phiếu có nhiều nhất {max} chữ số",
                              "{field_label} ({field}) has {digits} digits; a count of people or ballots has at most {max}"),
    "tally_control_character": ("{field_label} ({field}) chứa ký tự điều khiển, ký tự đổi chiều văn bản hoặc ký tự vô hình ({char}), khiến người đọc biên bản không thấy hoặc thấy sai thứ tự: '{value}'; hãy gõ lại văn bản",
                                "{field_label} ({field}) holds a control, text-direction or invisible character ({char}) that the minutes' reader would not see, or would see reordered: '{value}'; type the text again"),
    "tally_csv_formula": ("{field_label} ({field}) bắt đầu như một công thức bảng tính ('{value}'); bảng CSV chỉ chứa giá trị: hãy xuất giá trị, hoặc viết văn bản không bắt đầu bằng = + - @",
                          "{field_label} ({field}) starts like a spreadsheet formula ('{value}'); a CSV tally holds values: export the values, or write the text so that it does not start with = + - @"),
    "tally_too_many": ("{field_label} ({field}) liệt kê {count} mục; nhiều nhất {max}",
                       "{field_label} ({field}) lists {count}; at most {max}"),
    "tally_not_storable": ("không lưu được vào nhật ký của tệp quy trình: {reason}",
                           "cannot be kept in the process file's journal: {reason}"),
    "tally_csv_semicolon": ("các cột được ngăn bằng dấu chấm phẩy (;): hãy lưu bảng dạng CSV ngăn bằng dấu phẩy, hai cột `field,value`",
                            "the columns are separated by semicolons (;): save the sheet as comma-separated CSV, two columns `field,value`"),
    "tally_file_too_large": ("tệp quá lớn ({size} KB, tối đa {max} KB): bảng kiểm phiếu hay tệp phiếu chỉ là vài trang",
                             "the file is too large ({size} KB, at most {max} KB): a tally or a file of ballot papers is a few pages"),
    "tally_bad_date": ("{field_label} ({field}) '{value}' không phải ngày hợp lệ (YYYY-MM-DD hoặc DD/MM/YYYY)",
                       "{field_label} ({field}) '{value}' is not a real date (YYYY-MM-DD or DD/MM/YYYY)"),
    "tally_step_differs": ("bảng ghi bước {value} (step) nhưng lệnh ghi --step {step}",
                           "the sheet says step {value} (step) but the command says --step {step}"),
    "tally_exceeds": ("{field_label} ({field} = {value}) lớn hơn {other_label} ({other} = {other_value})",
                      "{field_label} ({field} = {value}) is greater than {other_label} ({other} = {other_value})"),
    "tally_votes_exceed": ("số phiếu của {who}: {field} = {value}, lớn hơn số phiếu hợp lệ (ballots.valid = {other_value})",
                           "the votes of {who}: {field} = {value}, more than the valid ballots (ballots.valid = {other_value})"),
    "tally_sum": ("số phiếu hợp lệ (ballots.valid = {valid}) cộng số phiếu không hợp lệ (ballots.invalid = {invalid}) bằng {total}, khác số phiếu thu vào (ballots.returned = {returned})",
                  "valid (ballots.valid = {valid}) plus invalid (ballots.invalid = {invalid}) ballots make {total}, not the ballots returned (ballots.returned = {returned})"),
    "tally_reasons_sum": ("các lý do phiếu không hợp lệ (ballots.invalid_reasons) cộng lại {total}, khác số phiếu không hợp lệ (ballots.invalid = {invalid})",
                          "the reasons for invalid ballots (ballots.invalid_reasons) add up to {total}, not the invalid ballots (ballots.invalid = {invalid})"),
    "tally_candidate_missing": ("thiếu số phiếu của {who}, người có trong danh sách bước {step}",
                                "no count for {who}, who is on the list of step {step}"),
    "tally_candidate_unknown": ("'{value}' không có trong danh sách bước {step} (danh sách: {listed}){hint}",
                                "'{value}' is not on the list of step {step} (the list: {listed}){hint}"),
    "tally_summoned_declared": ("số người được triệu tập (summoned = {value}) khác số đã khai khi lập quy trình cho bước {step} ({declared})",
                                "the number summoned (summoned = {value}) differs from the one declared for step {step} at init ({declared})"),
    "tally_order_done": ("bước {step} đã được ghi (mục {entry}); muốn sửa thì ghi bản sửa với --replaces {entry} --reason \"…\"",
                         "step {step} is already recorded (entry {entry}); to correct it, record the correction with --replaces {entry} --reason \"…\""),
    "tally_order_early": ("chưa thể ghi bước {step}: bước tiếp theo của quy trình là bước {next}",
                          "step {step} cannot be recorded yet: the next step of the process is step {next}"),
    "tally_order_finished": ("quy trình đã ghi đủ {last} bước; muốn sửa bước cuối thì dùng --replaces {entry} --reason \"…\"",
                             "all {last} steps are recorded; to correct the last one use --replaces {entry} --reason \"…\""),
    "journal_step_outside": ("bước {step} không thuộc các bước {first}–{last} của quy trình này",
                             "step {step} is not one of this process's steps {first}–{last}"),
    "journal_replaces_not_last": ("mục này thay mục {replaces}, nhưng mục {replaces} không phải mục đang có hiệu lực cuối cùng của bước {step}",
                                  "it replaces entry {replaces}, which is not the last entry in effect of step {step}"),
    "tally_double_differs": ("hai lần nhập khác nhau: {field} — {first} ghi {a}, {second} ghi {b}",
                             "the two entries differ: {field} — {first} says {a}, {second} says {b}"),
    "tally_double_same_file": ("hai lần --tally là cùng một nội dung ({file}); nhập hai lần cần hai tệp do hai người nhập độc lập",
                               "both --tally give the same content ({file}); double entry needs two files keyed independently"),
    "tally_ballots_differ": ("{field}: bảng kiểm phiếu ghi {a}, đếm từ phiếu ({ballots}) được {b}",
                             "{field}: the tally sheet says {a}, counting the papers ({ballots}) gives {b}"),
    "ballot_unknown_mark": ("'{value}' không có trong danh sách bước {step}{hint}; tên ghi thêm ngoài danh sách viết với dấu + đứng trước",
                            "'{value}' is not on the list of step {step}{hint}; write a name added outside the list with a leading +"),
    "ballot_twice": ("'{value}' được ghi hai lần trên cùng một phiếu", "'{value}' is written twice on one paper"),
    "ballot_control_character": ("dòng chứa ký tự điều khiển, đổi chiều, ký tự vô hình hoặc ngắt dòng ẩn ({char}): '{value}'; hãy gõ lại dòng này",
                                 "the line holds a control, text-direction, invisible or hidden line-break character ({char}): '{value}'; type the line again"),
    "ballot_line_too_long": ("dòng dài hơn {max} ký tự: một phiếu chỉ ghi vài mã hồ sơ",
                             "the line is longer than {max} characters: a paper names a few profile ids"),
    "ballot_no_papers": ("tệp không có phiếu nào", "the file holds no ballot paper"),
    # flags (SPEC §6)
    "flag_not_quorate": ("Bước {step}: có mặt {present}/{summoned} người, dưới mức tối thiểu {quorum} số được triệu tập ({needed} người); hội nghị không đủ điều kiện tiến hành, không ai được chuyển tiếp, bước này phải tổ chức lại",
                         "Step {step}: {present} of {summoned} present, below the required {quorum} of those summoned ({needed}); the sitting was not quorate, nobody is carried, and the step must sit again"),
    "flag_tie_at_last_seat": ("Bước {step}: {names} cùng được {votes} phiếu ở vị trí cuối cùng (số lượng {seats}); tất cả được chuyển tiếp, không tự phân định — cấp có thẩm quyền quyết định",
                              "Step {step}: {names} are tied with {votes} votes at the last seat ({seats} seats); all are carried, the tie is not broken — the competent body decides"),
    "flag_report_to_higher_committee": ("Bước {step}: {body} không thông qua {names}, người được chuyển từ bước {previous}; {body} phải báo cáo cấp ủy cấp trên có thẩm quyền",
                                        "Step {step}: the {body} did not pass {names}, carried from step {previous}; the {body} must report to the competent higher committee"),
})
