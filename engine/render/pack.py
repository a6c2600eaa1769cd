"""Text for the pack commands: one pack or one rule (``rules show``), the
problems of a pack (``rules check``), its test cases with coverage (``rules test``)."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..errors import Problem
from ..escape import one_line
from ..i18n import fmt_date, label, message
from ..pack.conditions import AsOf, Condition
from ..pack.vocabulary import FACT_FIELDS
from .common import finding_title
from ..pack.testfile import OUTCOMES
from ..run.packtests import PackTestRun
from .process import pack_process_lines

_MARK = {"covered": "✓", "missing": "✗"}


def problems_text(problems: list[Problem], warnings: list[Problem], lang: str) -> str:
    vi = lang == "vi"
    lines = [("LỖI: " if vi else "ERROR: ") + one_line(p.text(lang)) for p in problems]
    lines += [("CẢNH BÁO: " if vi else "WARNING: ") + one_line(w.text(lang)) for w in warnings]
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
    lines = [pack.spec.title.get(lang),
             f"{'mã bộ quy tắc' if vi else 'pack id'}: {pack.id}",
             f"{'phiên bản' if vi else 'version'}: {pack.version}",
             f"{'mã kiểm tra' if vi else 'check code (digest)'}: {pack.digest}",
             f"{'ngày tham chiếu' if vi else 'reference date'}: {fmt_date(pack.reference_date, lang)}",
             f"{'số tiêu chuẩn, điều kiện' if vi else 'rules'}: {len(pack.rules)}"]
    lines += [f"  {n}. {rule.title.get(lang)} ({rule.id}) — {label('kind', rule.kind, lang)}"
              for n, rule in enumerate(pack.rules, start=1)]
    lines += pack_process_lines(pack, lang)  # steps 2–5 (SPEC §6)
    return "\n".join(lines) + "\n"


def rule_text(pack, rule, lang: str) -> str:
    vi = lang == "vi"
    ex = Explainer(pack, pack.reference_date, lang)
    lines = [f"{rule.title.get(lang)} ({rule.id})", f"{'Loại' if vi else 'Kind'}: {label('kind', rule.kind, lang)}",
             f"{'Căn cứ' if vi else 'Basis'}:"]
    lines += [f"  - {line}" for line in ex.basis_text(rule.id)]
    lines.append(f"{'Xuất xứ' if vi else 'Provenance'}:")
    lines += [f"  - {line}" for line in ex.provenance_text(rule.id)]
    for branch in rule.outcomes:
        lines.append(f"{label('outcome', branch.outcome, lang).capitalize()} {'khi' if vi else 'when'}:")
        for alternative in branch.when:
            lines.append("  - " + ("; đồng thời " if vi else "; and ").join(condition_text(p.condition, ex)
                                                                            for p in alternative.all))
    lines.append(f"{'Các trường hợp còn lại' if vi else 'Otherwise'}: {label('outcome', rule.otherwise, lang)}")
    if rule.exceptions is not None:
        names = [pack.catalog.bodies[b][0 if vi else 1] for b in rule.exceptions.admitted_from
                 if b in pack.catalog.bodies]
        bodies = (" hoặc " if vi else " or ").join(names)
        lines.append(f"Được xét ngoại lệ khi {bodies} đồng ý" if vi else f"An exception counts when {bodies} approves it")
    if rule.incomplete_record is not None:
        lines.append(("Khi hồ sơ chưa đầy đủ và không có " if vi else "When the record is incomplete and shows no ")
                     + condition_text(rule.incomplete_record.absent.condition, ex)
                     + (": chờ xem xét thay vì không đạt" if vi else ": review instead of fail"))
    return "\n".join(lines) + "\n"


#: How a condition names a fact, a field and a comparison (vi, en).
_FACTS = {"person": ("lý lịch", "the profile"), "position": ("một chức vụ", "a position"),
          "planning": ("một mục quy hoạch", "a planning entry"),
          "discipline": ("một quyết định kỷ luật", "a disciplinary decision"),
          "assessment": ("ý kiến của Ban Thường vụ", "a finding of the Standing Committee")}
_FIELD_NAMES = {
    "gender": ("giới tính", "gender"), "birth_date": ("ngày sinh", "birth date"),
    "professional": ("trình độ chuyên môn", "education"), "political_theory": ("lý luận chính trị", "political theory"),
    "state_management": ("quản lý nhà nước", "state management"), "title": ("chức danh", "title"),
    "category": ("nhóm chức danh", "category"), "start": ("ngày bắt đầu", "start date"),
    "end": ("ngày kết thúc", "end date"), "rated_years": ("số năm được đánh giá", "rated years"),
    "years_xuat_sac": ("số năm xếp loại «hoàn thành xuất sắc nhiệm vụ»", "years rated excellent"),
    "years_hoan_thanh_tot": ("số năm xếp loại «hoàn thành tốt nhiệm vụ»", "years rated good"),
    "years_hoan_thanh": ("số năm xếp loại «hoàn thành nhiệm vụ»", "years rated satisfactory"),
    "years_khong_hoan_thanh": ("số năm xếp loại «không hoàn thành nhiệm vụ»", "years rated unsatisfactory"),
    "years_unrated": ("số năm chưa có kết quả đánh giá", "years without a rating"),
    "term": ("nhiệm kỳ", "term"), "form": ("hình thức", "form"), "decided": ("ngày quyết định", "date decided"),
    "until": ("ngày hết hiệu lực ghi trong quyết định", "end date written in the decision"),
    "effect_end": ("ngày hết thời hạn kỷ luật", "end of the disciplinary term"),
    "criterion": ("tiêu chuẩn", "criterion"), "result": ("kết quả", "result"),
}
_DATE_OPS = {"eq": ("là", "is"), "ne": ("khác", "is not"), "lt": ("trước", "before"),
             "lte": ("không muộn hơn", "no later than"), "gt": ("sau", "after"),
             "gte": ("không sớm hơn", "no earlier than")}
_NUMBER_OPS = {"eq": ("bằng", "is"), "ne": ("khác", "is not"), "lt": ("nhỏ hơn", "less than"),
               "lte": ("không quá", "at most"), "gt": ("lớn hơn", "more than"), "gte": ("ít nhất", "at least")}
_TEXT_OPS = {"eq": ("là", "is"), "ne": ("không phải", "is not"), "in": ("là một trong", "is one of"),
             "not_in": ("không phải", "is none of")}
_WORD_GROUPS = {"gender": "gender", "professional": "professional", "political_theory": "political_theory",
                "state_management": "state_management", "form": "discipline", "result": "result"}


def condition_text(condition: Condition, ex: Explainer) -> str:
    """A condition as a sentence: "một chức vụ có nhóm chức danh là «Lãnh đạo chủ chốt cấp huyện»,
    ngày bắt đầu không muộn hơn ngày xét"."""
    vi = ex.lang == "vi"
    i = 0 if vi else 1
    kinds = FACT_FIELDS[condition.fact]

    def shown(field: str, value) -> str:
        if isinstance(value, AsOf):
            return "ngày xét" if vi else "the as-of date"
        if isinstance(value, tuple):
            return (" hoặc " if vi else " or ").join(shown(field, v) for v in value)
        if hasattr(value, "isoformat"):
            return ("ngày " if vi else "") + fmt_date(value, ex.lang)
        if field == "category":
            category = ex.pack.catalog.categories.get(value)
            return f"«{category.name(ex.lang)}»" if category else str(value)
        if field == "title":
            return f"«{ex.title(value)}»"
        if field == "criterion":
            return f"«{finding_title(ex, value)}»"
        if field in _WORD_GROUPS:
            return label(_WORD_GROUPS[field], value, ex.lang)
        if field == "term":
            return str(value).replace("-", "–")
        return str(value)

    tests = []
    for test in condition.tests:
        name = _FIELD_NAMES.get(test.field, (test.field, test.field))[i]
        if test.op == "present":
            tests.append(f"{name} {('đã ghi' if test.value else 'chưa ghi') if vi else ('recorded' if test.value else 'not recorded')}")
            continue
        ops = _DATE_OPS if kinds[test.field] == "date" else _NUMBER_OPS if kinds[test.field] == "int" else _TEXT_OPS
        tests.append(f"{name} {ops[test.op][i]} {shown(test.field, test.value)}")
    fact = _FACTS[condition.fact][i]
    if not tests:
        return fact
    return f"{fact} {'có' if vi else 'with'} " + ", ".join(tests)
