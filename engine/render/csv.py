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
from ..run.spool import SortedSpool
from .common import problem_words, short, sort_invalid, who

BOM = "\ufeff"


def screen_csv(ex: Explainer, records: list[dict], invalid: list, codes: bool = False) -> str:
    listing = CsvList(ex, codes)
    for record in records:
        listing.add(record)
    return "".join(listing.chunks(invalid))


class CsvList:
    """The screening CSV, one row rendered as each result comes, the rows kept sorted by
    profile id in a spool (``engine/run/spool.py``): memory does not grow with the batch."""

    def __init__(self, ex: Explainer, codes: bool = False):
        self.ex, self.codes = ex, codes
        self.rules = list(ex.pack.rules)
        self.buffer = io.StringIO()
        self.writer = csv.writer(self.buffer, lineterminator="\n")
        self.rows = SortedSpool()

    def _row(self, cells: list) -> str:
        self.buffer.seek(0)
        self.buffer.truncate()
        self.writer.writerow(cells)
        return self.buffer.getvalue()

    def add(self, r: dict) -> None:
        ex, codes = self.ex, self.codes
        outcomes = {rule["id"]: rule["outcome"] for rule in r["rules"]}
        verdict = r["verdict"] if codes else label("verdict", r["verdict"], ex.lang)
        vi = ex.lang == "vi"
        excepted = {rule["id"] for rule in r["rules"] if (rule.get("exception") or {}).get("used")}
        marks = [outcomes[rule.id] if codes else label("outcome", outcomes[rule.id], ex.lang)
                 + (f" ({'theo ngoại lệ' if vi else 'by exception'})" if rule.id in excepted else "")
                 for rule in self.rules]
        self.rows.add(r["profile_id"], self._row([_cell(r["profile_id"]), _cell(r["full_name"]), verdict,
                                                  _cell(short(ex, r)), *marks]))

    def chunks(self, invalid: list):
        ex, codes, rules = self.ex, self.codes, self.rules
        vi = ex.lang == "vi"
        if codes:
            head = self._row(["profile_id", "full_name", "verdict", "reasons", *(_cell(r.id) for r in rules)])
        else:
            head = BOM + self._row([("Mã hồ sơ" if vi else "ID"), ("Họ và tên" if vi else "Full name"),
                                    ("Kết luận" if vi else "Verdict"), ("Lý do" if vi else "Reasons"),
                                    *(_cell(r.short_title(ex.lang)) for r in rules)])
        try:
            yield head
            for _, row in self.rows:
                yield row
        finally:
            self.rows.close()
        for entry in sort_invalid(invalid):
            verdict = "invalid" if codes else ("Hồ sơ cần bổ sung, sửa chữa" if vi else "To complete or correct")
            problems = ("; ".join(p.text(ex.lang) for p in entry.problems) if codes
                        else who(entry, ex.lang) + ": " + "; ".join(problem_words(p, ex.lang, ex) for p in entry.problems))
            yield self._row([_cell(entry.profile_id), _cell(entry.full_name), verdict, _cell(problems),
                             *([""] * len(rules))])
