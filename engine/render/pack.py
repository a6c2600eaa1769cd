"""Text for the pack commands: one pack or one rule (``rules show``), the
problems of a pack (``rules check``), its test cases with coverage (``rules test``)."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..errors import Problem
from ..i18n import fmt_date, label, message
from ..pack.conditions import AsOf, Condition
from ..pack.testfile import OUTCOMES
from ..run.packtests import PackTestRun
from .process import pack_process_lines

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


def pack_text(pack, lang: str) -> str:
    vi = lang == "vi"
    lines = [f"{pack.id} — {pack.spec.title.get(lang)}",
             f"{'phiên bản' if vi else 'version'}: {pack.version}",
             f"digest: {pack.digest}",
             f"{'ngày tham chiếu' if vi else 'reference date'}: {fmt_date(pack.reference_date, lang)}",
             f"{'số quy tắc' if vi else 'rules'}: {len(pack.rules)}"]
    lines += [f"  {rule.id:<26} {label('kind', rule.kind, lang):<38} {rule.title.get(lang)}" for rule in pack.rules]
    lines += pack_process_lines(pack, lang)  # steps 2–5 (SPEC §6)
    return "\n".join(lines) + "\n"


def rule_text(pack, rule, lang: str) -> str:
    vi = lang == "vi"
    ex = Explainer(pack, pack.reference_date, lang)
    lines = [f"{rule.id} — {rule.title.get(lang)}", f"{'loại' if vi else 'kind'}: {label('kind', rule.kind, lang)}",
             f"{'căn cứ' if vi else 'sources'}:"]
    lines += [f"  - {line}" for line in ex.source_text(rule.id)]
    for branch in rule.outcomes:
        lines.append(f"{label('outcome', branch.outcome, lang)} {'khi' if vi else 'when'}:")
        for alternative in branch.when:
            lines.append("  - " + (" và " if vi else " and ").join(condition_text(p.condition, ex)
                                                                    for p in alternative.all))
    lines.append(f"{'còn lại' if vi else 'otherwise'}: {label('outcome', rule.otherwise, lang)}")
    return "\n".join(lines) + "\n"


_OPERATORS = {"eq": "=", "ne": "≠", "in": "∈", "not_in": "∉", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def condition_text(condition: Condition, ex: Explainer) -> str:
    """A condition as a person reads it: 'position: category = key_district; start ≤ ngày xét'."""
    vi = ex.lang == "vi"

    def value_text(test) -> str:
        if isinstance(test.value, AsOf):
            return "ngày xét" if vi else "the as-of date"
        if test.param is not None:
            return f"{test.param} ({ex.param(ex.pack.parameters.get(test.param))})"
        value = list(test.value) if isinstance(test.value, tuple) else test.value
        return ex.param(value.isoformat() if hasattr(value, "isoformat") else value)

    tests = []
    for test in condition.tests:
        if test.op == "present":
            tests.append(f"{test.field} {'có ghi' if vi else 'recorded'}" if test.value else
                         f"{test.field} {'chưa ghi' if vi else 'not recorded'}")
        else:
            tests.append(f"{test.field} {_OPERATORS.get(test.op, test.op)} {value_text(test)}")
    return f"{condition.fact}: " + "; ".join(tests) if tests else condition.fact
