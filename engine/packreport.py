"""Text for the pack commands: check, test (with coverage) and lock."""

from __future__ import annotations

from engine.errors import Problem
from engine.explain import Explainer
from engine.i18n import label, message
from engine.packtest import OUTCOMES, PackTestRun

_MARK = {"covered": "✓", "missing": "✗"}


def problems_text(problems: list[Problem], warnings: list[Problem], lang: str) -> str:
    vi = lang == "vi"
    lines = [("LỖI: " if vi else "ERROR: ") + p.text(lang) for p in problems]
    lines += [("CẢNH BÁO: " if vi else "WARNING: ") + w.text(lang) for w in warnings]
    return "\n".join(lines) + ("\n" if lines else "")


def test_report(run: PackTestRun, ex: Explainer) -> str:
    vi = ex.lang == "vi"
    lines = []
    for problem in run.problems:
        lines.append(("LỖI: " if vi else "ERROR: ") + problem.text(ex.lang))
    for result in run.failed:
        lines += ["", f"✗ {result.file}: {result.case.name}"]
        lines += [f"    {p.text(ex.lang)}" for p in result.problems]
        for rule_id, expected, actual in result.differences:
            if rule_id == "verdict":
                lines.append(f"    - {'kết luận' if vi else 'verdict'}: {label('verdict', expected, ex.lang)}")
                lines.append(f"    + {'kết luận' if vi else 'verdict'}: {label('verdict', actual, ex.lang)}")
                continue
            lines.append(f"    - {rule_id}: {label('outcome', expected, ex.lang)}")
            if actual is None:
                lines.append(f"    + {rule_id}: {'không có quy tắc này' if vi else 'no such rule'}")
                continue
            lines.append(f"    + {rule_id}: {label('outcome', actual.outcome, ex.lang)} — {ex.reason(actual)}")
            for item in actual.evidence:
                lines.append(f"        {item['path'] or '·'}: {ex.summary(item)}")
    passed = len(run.results) - len(run.failed)
    summary = f"{passed}/{len(run.results)} ca kiểm thử đạt" if vi else f"{passed}/{len(run.results)} cases passed"
    if run.problems:
        files = len({p.file for p in run.problems})
        summary += (f"; {files} tệp kiểm thử lỗi, các ca trong đó không chạy được" if vi
                    else f"; {files} test file(s) could not be read and their cases did not run")
    lines += ["", summary,
              "", ("ĐỘ PHỦ (kết quả mà một ca kiểm thử đạt tới)" if vi else "COVERAGE (outcomes some passing case asserts)")]
    width = max(len(r) for r in run.coverage) if run.coverage else 10
    header = f"  {'':<{width}}  " + "  ".join(f"{label('outcome', o, ex.lang):<12}" for o in OUTCOMES)
    lines.append(header)
    notes = []
    for rule_id, states in run.coverage.items():
        cells = []
        for outcome in OUTCOMES:
            state = states[outcome]
            cells.append(f"{_MARK.get(state, '—'):<12}")
            if state not in _MARK:
                notes.append(f"  {rule_id} / {label('outcome', outcome, ex.lang)}: {message(state, ex.lang, {})}")
        lines.append(f"  {rule_id:<{width}}  " + "  ".join(cells))
    lines += ["", ("✓ có ca kiểm thử, ✗ chưa có, — không thể xảy ra:" if vi
                   else "✓ tested, ✗ not tested, — cannot occur:")] + notes
    return "\n".join(lines).lstrip("\n") + "\n"
