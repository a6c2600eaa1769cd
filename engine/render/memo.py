"""The justification memo (tờ trình) for the step-1 meeting, as data first.

:func:`build_memo` gathers everything the Standing Committee reads — the
basis (each criterion with its source), the proposed list (eligible, then
pending with what the meeting must still decide), the excluded with every
reason and its evidence, the criteria matrix and the cohort figures — from
the decision records.  The Markdown, HTML and Word renderers lay it out as a party
document (Hướng dẫn 36-HD/VPTW, 03/04/2018) in Markdown, HTML or Word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..decide.explain import Explainer, post_name
from ..i18n import fmt_date, label, long_date
from .common import MARKS, VERDICTS, cohort, sort_invalid

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass
class MemoOptions:
    issuer: str = "TỈNH ỦY …"
    number: str = "Số     -TTr/TU"
    place: str = "…"
    date: date | None = None  # default: the as-of date (the meeting's)
    recipient: str | None = None


@dataclass
class Candidate:
    profile_id: str
    full_name: str
    #: "sinh ngày …; <current post>"
    about: str
    verdict: str
    #: (rule short title, reason, [evidence lines], [(missing text, kind label)])
    items: list[tuple[str, str, list[str], list[tuple[str, str]]]] = field(default_factory=list)
    #: Short titles of the judgement criteria the board has not assessed yet.
    pending_judgements: list[str] = field(default_factory=list)


@dataclass
class Memo:
    lang: str
    issuer: str
    number: str
    place_date: str
    heading: str
    subject: str
    recipient: str
    opening: str
    basis: list[tuple[str, str, list[str]]]  # (rule title, kind label, sources)
    eligible: list[Candidate]
    review: list[Candidate]
    excluded: list[Candidate]
    invalid: list[tuple[str, str, str]]  # (source, who, problems)
    matrix_rules: list[tuple[int, str, str]]  # (number, rule id, short title)
    matrix_rows: list[tuple[str, str, list[str]]]  # (id, name, marks)
    cohort_verdicts: list[tuple[str, int]]
    cohort_rules: list[tuple[str, int, int]]  # (short title, excluded, pending)
    closing: str
    recipients: list[str]
    signer: tuple[str, str]
    footer: str
    sections: dict[str, str]


_TEXT = {
    "vi": {
        "heading": "TỜ TRÌNH",
        "report": "KẾT QUẢ SÀNG LỌC BƯỚC 1",
        "recipient": "Kính gửi: Ban Thường vụ Tỉnh ủy",
        "opening": ("Thực hiện quy trình giới thiệu nhân sự lần đầu (bước 1), trên cơ sở danh sách quy hoạch và "
                    "tiêu chuẩn, điều kiện của chức danh, đối chiếu hồ sơ của {total} đồng chí "
                    "tính đến {as_of}, kính trình Ban Thường vụ Tỉnh ủy như sau:"),
        "basis": "I. CĂN CỨ: TIÊU CHUẨN, ĐIỀU KIỆN",
        "proposed": "II. DANH SÁCH ĐỀ XUẤT",
        "eligible": "1. Các đồng chí đủ tiêu chuẩn, điều kiện ({count})",
        "review": "2. Các đồng chí đề nghị Ban Thường vụ xem xét, quyết định ({count})",
        "review_note": "Hội nghị cần quyết định hoặc bổ sung:",
        "excluded": "III. CÁC TRƯỜNG HỢP KHÔNG ĐỦ TIÊU CHUẨN, ĐIỀU KIỆN ({count})",
        "invalid": "Hồ sơ chưa xét được do lỗi dữ liệu ({count})",
        "matrix": "IV. BẢNG ĐỐI CHIẾU TIÊU CHUẨN",
        "legend": "✓ đạt · ✗ không đạt · ? chờ xem xét",
        "cohort": "V. SỐ LIỆU TỔNG HỢP",
        "cohort_rule": "Tiêu chí",
        "cohort_excluded": "Số người bị loại",
        "cohort_pending": "Số người chờ xem xét",
        "none": "Không có.",
        "closing": "Ban Tổ chức Tỉnh ủy kính trình Ban Thường vụ Tỉnh ủy xem xét, quyết định.",
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Như trên,", "- Lưu Văn phòng Tỉnh ủy."],
        "signer": ("T/M BAN TỔ CHỨC TỈNH ỦY", "(Ký, ghi rõ họ và tên)"),
        "born": "sinh ngày {date}",
        "footer": ("Lập bằng sangloc theo bộ quy tắc {pack} phiên bản {version} ({digest}); "
                   "ngày xét {as_of}."),
        "evidence": "Căn cứ hồ sơ",
        "needs": "⇒",
        "pending_judgements": "Chờ Ban Thường vụ đánh giá các tiêu chuẩn: {names}",
        "id": "Mã", "name": "Họ và tên",
    },
    "en": {
        "heading": "MEMORANDUM",
        "report": "STEP-1 SCREENING RESULT",
        "recipient": "To: the Standing Committee of the Provincial Party Committee",
        "opening": ("In step 1 of the first-time introduction procedure, on the basis of the planning list and "
                    "the title's criteria and conditions, the files of {total} cadres were checked as of "
                    "{as_of}. We submit the following:"),
        "basis": "I. BASIS: CRITERIA AND CONDITIONS",
        "proposed": "II. PROPOSED LIST",
        "eligible": "1. Meeting every criterion and condition ({count})",
        "review": "2. For the Standing Committee to consider and decide ({count})",
        "review_note": "The meeting must decide or complete:",
        "excluded": "III. NOT MEETING THE CRITERIA AND CONDITIONS ({count})",
        "invalid": "Files that could not be checked (data errors) ({count})",
        "matrix": "IV. CRITERIA MATRIX",
        "legend": "✓ met · ✗ not met · ? pending",
        "cohort": "V. FIGURES",
        "cohort_rule": "Criterion",
        "cohort_excluded": "Excluded by it",
        "cohort_pending": "Pending on it",
        "none": "None.",
        "closing": "The Organisation Commission submits this to the Standing Committee for its decision.",
        "recipients_title": "Distribution:",
        "recipients": ["- As above,", "- Party Committee Office (file)."],
        "signer": ("FOR THE ORGANISATION COMMISSION", "(Signature, full name)"),
        "born": "born {date}",
        "footer": "Prepared with sangloc under rule pack {pack} version {version} ({digest}); as of {as_of}.",
        "evidence": "On file",
        "needs": "⇒",
        "pending_judgements": "Awaiting the Standing Committee's assessment of: {names}",
        "id": "ID", "name": "Full name",
    },
}


def text(lang: str, key: str, **values) -> str:
    value = _TEXT[lang][key]
    return value.format(**values) if values else value


def _about(ex: Explainer, loaded) -> str:
    """"sinh ngày …; <every post held on the as-of date>": posts held together are all named."""
    profile = loaded.profile
    parts = [text(ex.lang, "born", date=fmt_date(profile.birth_date, ex.lang))]
    current = sorted((p for p in profile.positions if p.end is None and p.start.first <= ex.as_of),
                     key=lambda p: p.start.first)
    if current:
        parts.append(", ".join(post_name(p.form if ex.lang == "vi" else ex.title(p.code), p.org) for p in current))
    return "; ".join(parts)


def _candidate(ex: Explainer, result, outcomes=("fail", "review")) -> Candidate:
    record = result.record
    candidate = Candidate(record["profile_id"], record["full_name"], _about(ex, result.loaded), record["verdict"])
    for rule in record["rules"]:
        if rule["kind"] == "judgement" and rule["outcome"] == "review":
            candidate.pending_judgements.append(ex.short_title(rule["id"]))
            continue
        if rule["outcome"] not in outcomes:
            continue
        evidence = [ex.summary(item) for item in rule["evidence"]]
        # A pack without `missing` texts for a rule still says why, in the rule's reason.
        missing = [(m["text"], label("missing", m["kind"], ex.lang)) for m in rule["missing"]] \
            or [(rule["reason"], "")]
        candidate.items.append((ex.short_title(rule["id"]), rule["reason"], evidence, missing))
    return candidate


def build_memo(run, lang: str, options: MemoOptions) -> Memo:
    """The memo of a collected run (``engine/run/pipeline.py``) whose results keep their profiles."""
    ex = Explainer(run.pack, run.as_of, lang)
    pack = run.pack
    results = run.results
    decisions = run.records

    when = options.date or run.as_of
    subject = pack.spec.memo_title.get(lang) if pack.spec.memo_title else pack.spec.title.get(lang)
    basis = [(rule.title.get(lang), label("kind", rule.kind, lang), ex.source_text(rule.id)) for rule in pack.rules]
    rules = list(pack.rules)
    stats = cohort(decisions)
    total = len(decisions) + len(run.invalid)
    return Memo(
        lang=lang,
        issuer=options.issuer,
        number=options.number,
        place_date=f"{options.place}, {long_date(when, lang)}",
        heading=text(lang, "heading"),
        subject=subject,
        recipient=options.recipient or text(lang, "recipient"),
        opening=text(lang, "opening", total=total, as_of=long_date(run.as_of, lang)),
        basis=basis,
        eligible=[_candidate(ex, r, ()) for r in results if r.verdict == "eligible"],
        review=[_candidate(ex, r, ("review",)) for r in results if r.verdict == "review"],
        excluded=[_candidate(ex, r) for r in results if r.verdict == "ineligible"],
        invalid=[(i.source, " ".join(x for x in (i.profile_id, i.full_name) if x) or "—",
                  "; ".join(p.text(lang) for p in i.problems)) for i in sort_invalid(run.invalid)],
        matrix_rules=[(n, r.id, r.short_title(lang)) for n, r in enumerate(rules, start=1)],
        matrix_rows=[(d["profile_id"], d["full_name"], [MARKS[o["outcome"]] for o in d["rules"]]) for d in decisions],
        cohort_verdicts=[(label("verdict", v, lang), stats["verdicts"][v]) for v in VERDICTS]
        + [(("Hồ sơ lỗi" if lang == "vi" else "Invalid"), len(run.invalid))],
        cohort_rules=[(r.short_title(lang), stats["rules"][r.id]["fail"], stats["rules"][r.id]["review"])
                      for r in rules],
        closing=text(lang, "closing"),
        recipients=_TEXT[lang]["recipients"],
        signer=_TEXT[lang]["signer"],
        footer=text(lang, "footer", pack=pack.id, version=pack.version, digest=pack.digest,
                    as_of=fmt_date(run.as_of, lang)),
        sections={key: _TEXT[lang][key] for key in _TEXT[lang]},
    )


def pending_text(memo: Memo, candidate: Candidate) -> str:
    return text(memo.lang, "pending_judgements", names=", ".join(candidate.pending_judgements))
