"""The screening result as a workbook for the office: ``screen --format xlsx``.

A summary sheet (the pack, the as-of date, how many candidates per verdict and,
per criterion, how many it passed, excluded or left pending); the list, one
row per candidate grouped by verdict, one column per criterion with ✓ ✗ ? and
the reason as the cell's comment, then the one line of reasons that prints;
and the invalid profiles with their errors, when there are any.  Every sheet
filters, keeps its header in view and prints on A4 landscape.
"""

from __future__ import annotations

from openpyxl.styles import Alignment, Font, PatternFill

from ..decide.explain import Explainer
from ..i18n import fmt_date, label
from .common import VERDICTS, cohort, counts, group, mark, short, sort_invalid
from .sheets import SheetColumn, new_workbook, table_sheet, workbook_bytes

#: Light fills a printout keeps legible: pass, fail, pending.
FILLS = {"pass": PatternFill("solid", fgColor="E2EFDA"), "fail": PatternFill("solid", fgColor="F8CBAD"),
         "review": PatternFill("solid", fgColor="FFF2CC")}
VERDICT_FILLS = {"eligible": FILLS["pass"], "review": FILLS["review"], "ineligible": FILLS["fail"]}

SHEETS = {"vi": ("Tổng hợp", "Danh sách", "Hồ sơ lỗi"), "en": ("Summary", "List", "Invalid")}


def screen_xlsx(ex: Explainer, records: list[dict], invalid: list) -> bytes:
    vi = ex.lang == "vi"
    book = new_workbook()
    _summary(book, ex, records, invalid)
    _list(book, ex, records)
    if invalid:
        rows = [[n, entry.source, entry.profile_id or "", entry.full_name or "",
                 "\n".join(p.text(ex.lang) for p in entry.problems)]
                for n, entry in enumerate(sort_invalid(invalid), start=1)]
        table_sheet(book, SHEETS[ex.lang][2], [
            SheetColumn("STT" if vi else "No.", width=5, center=True),
            SheetColumn("Tệp" if vi else "File", max_width=30),
            SheetColumn("Mã hồ sơ" if vi else "Profile id", min_width=10),
            SheetColumn("Họ và tên" if vi else "Name", min_width=18, max_width=26),
            SheetColumn("Lỗi" if vi else "Errors", width=90, wrap=True)], rows, freeze_columns=3)
    book.active = 1
    return workbook_bytes(book)


def _title(ex: Explainer) -> list[str]:
    vi = ex.lang == "vi"
    pack = ex.pack
    return [("SÀNG LỌC BƯỚC 1 — " if vi else "STEP-1 SCREENING — ") + pack.spec.title.get(ex.lang),
            (f"Bộ quy tắc: {pack.id} (phiên bản {pack.version}) · Ngày xét: {fmt_date(ex.as_of, ex.lang)}" if vi else
             f"Rule pack: {pack.id} (version {pack.version}) · As of: {fmt_date(ex.as_of, ex.lang)}")]


def _summary(book, ex: Explainer, records: list[dict], invalid: list) -> None:
    vi = ex.lang == "vi"
    found = counts(records, invalid)
    per_rule = cohort(records)["rules"]
    columns = [SheetColumn("Tiêu chí" if vi else "Criterion", min_width=40, max_width=70, wrap=True),
               SheetColumn("Loại" if vi else "Kind", width=24, wrap=True),
               SheetColumn(label("outcome", "pass", ex.lang).capitalize(), width=12, center=True),
               SheetColumn(label("outcome", "fail", ex.lang).capitalize(), width=12, center=True),
               SheetColumn(label("outcome", "review", ex.lang).capitalize(), width=14, center=True)]
    rows = []
    for rule in ex.pack.rules:
        tally = per_rule.get(rule.id, {"pass": 0, "fail": 0, "review": 0})
        rows.append([rule.title.get(ex.lang), label("kind", rule.kind, ex.lang),
                     tally["pass"], tally["fail"], tally["review"]])
    total = len(records) + len(invalid)
    lines = _title(ex) + [
        (f"Tổng số: {total} hồ sơ" if vi else f"Total: {total} profiles"),
        *[f"{label('verdict', v, ex.lang)}: {found[v]}" for v in VERDICTS],
        (f"Hồ sơ cần bổ sung, sửa chữa (chưa xét): {found['invalid']}" if vi
         else f"Files to complete or correct (not screened): {found['invalid']}"),
        ("Theo từng tiêu chí (số hồ sơ):" if vi else "Per criterion (profiles):"),
    ]
    sheet = table_sheet(book, SHEETS[ex.lang][0], columns, rows, filters=False, title_lines=lines)
    for number in range(3, 3 + len(VERDICTS)):
        sheet.cell(number + 1, 1).font = Font(bold=True)
    sheet.freeze_panes = None


def _list(book, ex: Explainer, records: list[dict]) -> None:
    vi = ex.lang == "vi"
    rules = list(ex.pack.rules)
    columns = [SheetColumn("STT" if vi else "No.", width=5, center=True),
               SheetColumn("Mã hồ sơ" if vi else "Profile id", min_width=10),
               SheetColumn("Họ và tên" if vi else "Name", min_width=18, max_width=26),
               SheetColumn("Kết luận" if vi else "Verdict", min_width=12, max_width=20, wrap=True)]
    columns += [SheetColumn(rule.short_title(ex.lang), width=4.6, vertical=True, center=True,
                            comment=f"{rule.title.get(ex.lang)} ({label('kind', rule.kind, ex.lang)})")
                for rule in rules]
    columns.append(SheetColumn("Lý do" if vi else "Reasons", width=70, wrap=True))
    rows, comments, fills = [], {}, {}
    ordered = [r for verdict in VERDICTS for r in sorted(group(records, verdict), key=lambda r: r["profile_id"])]
    for index, record in enumerate(ordered):
        outcomes = {rule["id"]: rule for rule in record["rules"]}
        row = [index + 1, record["profile_id"], record["full_name"], label("verdict", record["verdict"], ex.lang)]
        fills[(index, 3)] = VERDICT_FILLS[record["verdict"]]
        for offset, rule in enumerate(rules, start=4):
            outcome = outcomes.get(rule.id)
            if outcome is None:
                row.append(None)
                continue
            row.append(mark(outcome))
            comments[(index, offset)] = f"{rule.short_title(ex.lang)}: {outcome['reason']}"
            fills[(index, offset)] = FILLS[outcome["outcome"]]
        row.append(short(ex, record))
        rows.append(row)
    sheet = table_sheet(book, SHEETS[ex.lang][1], columns, rows, comments=comments, fills=fills,
                        freeze_columns=4, title_lines=_title(ex))
    for row in sheet.iter_rows(min_row=4, max_row=3 + len(rows), min_col=2, max_col=4):
        for cell in row:
            cell.alignment = Alignment(vertical="top", wrap_text=cell.column == 4)
