"""The profiles that could not be read, as a clerk reads a to-do list: which file,
which person, what to fix — no server paths, no field codes (``memo --errors``)."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..i18n import fmt_date
from .common import problem_words, sort_invalid, who


def errors_report(ex: Explainer, invalid: list) -> str:
    vi = ex.lang == "vi"
    lines = [("HỒ SƠ CẦN BỔ SUNG, SỬA CHỮA" if vi else "FILES TO COMPLETE OR CORRECT"),
             (f"Ngày xét {fmt_date(ex.as_of, ex.lang)}; {len(invalid)} hồ sơ cần bổ sung, sửa chữa nên chưa có trong tờ trình."
              if vi else f"As of {fmt_date(ex.as_of, ex.lang)}; {len(invalid)} files are to be completed or corrected and are "
                         "not in the memo."), ""]
    if not invalid:
        lines.append("Không có." if vi else "None.")
    for n, entry in enumerate(sort_invalid(invalid), 1):
        lines.append(f"{n}. {who(entry, ex.lang)}")
        lines += [f"   - {problem_words(p, ex.lang, ex)}" for p in entry.problems]
    return "\n".join(lines) + "\n"
