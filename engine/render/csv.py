"""CSV for a spreadsheet: one row per candidate, one column per criterion.

In the reader's words by default (Vietnamese headers and values, English
with ``--lang en``), with a UTF-8 byte-order mark so that Excel on Windows
opens the diacritics right; codes only with ``--codes``, for programs.
"""

from __future__ import annotations

import csv
import io

from ..decide.explain import Explainer
from ..i18n import label
from ..escape import csv_cell as _cell
from .common import problem_words, short, sort_invalid, who

BOM = "\ufeff"


def screen_csv(ex: Explainer, records: list[dict], invalid: list, codes: bool = False) -> str:
    vi = ex.lang == "vi"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rules = list(ex.pack.rules)
    if codes:
        writer.writerow(["profile_id", "full_name", "verdict", "reasons", *(_cell(r.id) for r in rules)])
    else:
        writer.writerow([("Mã hồ sơ" if vi else "ID"), ("Họ và tên" if vi else "Full name"),
                         ("Kết luận" if vi else "Verdict"), ("Lý do" if vi else "Reasons"),
                         *(_cell(r.short_title(ex.lang)) for r in rules)])
    for r in records:
        outcomes = {rule["id"]: rule["outcome"] for rule in r["rules"]}
        verdict = r["verdict"] if codes else label("verdict", r["verdict"], ex.lang)
        excepted = {rule["id"] for rule in r["rules"] if (rule.get("exception") or {}).get("used")}
        marks = [outcomes[rule.id] if codes else label("outcome", outcomes[rule.id], ex.lang)
                 + (f" ({'theo ngoại lệ' if vi else 'by exception'})" if rule.id in excepted else "")
                 for rule in rules]
        writer.writerow([_cell(r["profile_id"]), _cell(r["full_name"]), verdict, _cell(short(ex, r)), *marks])
    for entry in sort_invalid(invalid):
        verdict = "invalid" if codes else ("Hồ sơ cần bổ sung, sửa chữa" if vi else "To complete or correct")
        problems = ("; ".join(p.text(ex.lang) for p in entry.problems) if codes
                    else who(entry, ex.lang) + ": " + "; ".join(problem_words(p, ex.lang, ex) for p in entry.problems))
        writer.writerow([_cell(entry.profile_id), _cell(entry.full_name), verdict, _cell(problems), *([""] * len(rules))])
    return ("" if codes else BOM) + buffer.getvalue()
