"""The justification memo (tờ trình) for the step-1 meeting, as data first.

:func:`build_memo` gathers what the Standing Committee reads, from the
decision records of the valid profiles only: the documents the criteria
apply ("Căn cứ"), the criteria, the proposed list (eligible; for the meeting
to decide; not ready for this meeting, with what is still needed), the
excluded with the reasons that exclude them, the exceptions applied, the
criteria matrix and the figures.  Profiles that could not be read are not in
it; one line says how many files are still being completed.  The Markdown,
HTML and Word renderers lay it out as a party document (Hướng dẫn
36-HD/VPTW, 03/04/2018).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..decide.explain import Explainer, post_name
from ..i18n import fmt_date, label, long_date
from .common import MARKS, VERDICTS, cohort

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"
#: What the meeting itself can settle: the board's own judgements.
BOARD_KINDS = frozenset({"board"})


@dataclass
class MemoOptions:
    #: The issuer, one line or two (the parent body, then the issuing body), separated by "|" or a new line.
    issuer: str = "TỈNH ỦY …|BAN TỔ CHỨC"
    #: "Số …-TTr/…"; by default the symbol of the issuer's kind.
    number: str | None = None
    place: str = "…"
    date: date | None = None  # default: the as-of date (the meeting's)
    #: The province's personnel plan as cited in "Căn cứ" (number and date); a blank for the clerk otherwise.
    basis: str | None = None
    signer: str | None = None
    #: The signer's own title when it is not the head's ("PHÓ TRƯỞNG BAN": signs "K/T TRƯỞNG BAN").
    signer_title: str | None = None


@dataclass
class Need:
    text: str
    kind: str
    kind_label: str


@dataclass
class Finding:
    """One criterion a candidate does not (yet) meet: its reason, evidence and what is needed."""

    criterion: str
    reason: str
    evidence: list[str]
    needs: list[Need]


@dataclass
class Candidate:
    profile_id: str
    full_name: str
    #: "sinh ngày …; <every post held on the as-of date>"
    about: str
    verdict: str
    findings: list[Finding] = field(default_factory=list)
    #: Short titles of the judgement criteria the board has not assessed yet.
    pending_judgements: list[str] = field(default_factory=list)
    #: The exceptions applied to this candidate, as sentences.
    exceptions: list[str] = field(default_factory=list)


@dataclass
class Signature:
    #: "T/M BAN THƯỜNG VỤ", "K/T TRƯỞNG BAN", or None when the head signs in person.
    on_behalf: str | None
    title: str
    name: str | None


@dataclass
class Memo:
    lang: str
    issuer: list[str]
    number: str
    place_date: str
    heading: str
    subject: str
    recipient: str
    grounds: list[str]
    opening: str
    #: (number, title, kind label, the documents it applies, short)
    criteria: list[tuple[int, str, str, str]]
    eligible: list[Candidate]
    to_decide: list[Candidate]
    not_ready: list[Candidate]
    excluded: list[Candidate]
    #: Valid profiles counted, and files that could not be read (not in the memo).
    screened: int
    invalid_count: int
    matrix_rules: list[tuple[int, str]]  # (number, short title)
    matrix_rows: list[tuple[str, str, list[str]]]  # (id, name, marks)
    cohort_verdicts: list[tuple[str, int]]
    cohort_rules: list[tuple[str, int, int]]  # (short title, excluded, pending)
    closing: str
    recipients: list[str]
    signature: Signature
    footer: str
    sections: dict[str, str]

    @property
    def with_exceptions(self) -> list[Candidate]:
        return [c for group in (self.eligible, self.to_decide, self.not_ready, self.excluded) for c in group
                if c.exceptions]


_TEXT = {
    "vi": {
        "heading": "TỜ TRÌNH",
        "report": "KẾT QUẢ SÀNG LỌC BƯỚC 1",
        "recipient": "Kính gửi: Ban Thường vụ Tỉnh ủy",
        "ground": "Căn cứ {citation};",
        "opening": ("Thực hiện quy trình giới thiệu nhân sự lần đầu ứng cử chức danh (bước 1), {issuer} đã rà soát, "
                    "đối chiếu hồ sơ của {total} đồng chí với tiêu chuẩn, điều kiện của chức danh, tính đến "
                    "{as_of}. {issuer_cap} kính trình Ban Thường vụ Tỉnh ủy kết quả như sau:"),
        "criteria": "I. TIÊU CHUẨN, ĐIỀU KIỆN",
        "criteria_note": "Các tiêu chuẩn, điều kiện dùng để đối chiếu (đánh số như ở Bảng đối chiếu, mục IV):",
        "proposed": "II. DANH SÁCH ĐỀ XUẤT",
        "eligible": "1. Các đồng chí đủ tiêu chuẩn, điều kiện ({count})",
        "to_decide": "2. Các đồng chí đề nghị Ban Thường vụ xem xét, quyết định tại hội nghị ({count})",
        "to_decide_note": "Nội dung cần Ban Thường vụ cho ý kiến:",
        "not_ready": "3. Các đồng chí chưa đủ căn cứ trình tại hội nghị này ({count})",
        "not_ready_note": "Cần hoàn thiện trước khi trình:",
        "exceptions": "4. Trường hợp áp dụng ngoại lệ ({count})",
        "excluded": "III. CÁC TRƯỜNG HỢP KHÔNG ĐỦ TIÊU CHUẨN, ĐIỀU KIỆN ({count})",
        "invalid": ("Ngoài ra, {count} hồ sơ chưa đủ thông tin để rà soát, đang được bổ sung; "
                    "sẽ báo cáo Ban Thường vụ sau."),
        "matrix": "IV. BẢNG ĐỐI CHIẾU TIÊU CHUẨN",
        "legend": "Ghi chú: ✓ đạt; ✗ không đạt; ? chưa đủ căn cứ hoặc chờ Ban Thường vụ đánh giá.",
        "cohort": "V. SỐ LIỆU TỔNG HỢP",
        "cohort_rule": "Tiêu chuẩn, điều kiện",
        "cohort_excluded": "Số đồng chí không đạt",
        "cohort_pending": "Số đồng chí chưa đủ căn cứ",
        "none": "Không có.",
        "closing": "{issuer_cap} kính trình Ban Thường vụ Tỉnh ủy xem xét, quyết định.",
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Như trên,", "- Lưu {short}."],
        "sign_note": "(Ký, ghi rõ họ và tên)",
        "born": "sinh ngày {date}",
        "footer": ("Tờ trình được lập bằng phần mềm sangloc theo bộ quy tắc {pack}, phiên bản {version} "
                   "(mã kiểm tra {digest}); ngày xét {as_of}."),
        "evidence": "Hồ sơ ghi",
        "pending_judgements": "Ban Thường vụ đánh giá các tiêu chuẩn: {names}",
        "no": "TT", "name": "Họ và tên", "id": "Mã hồ sơ",
    },
    "en": {
        "heading": "MEMORANDUM",
        "report": "STEP-1 SCREENING RESULT",
        "recipient": "To: the Standing Committee of the Provincial Party Committee",
        "ground": "Pursuant to {citation};",
        "opening": ("In step 1 of the first-time introduction procedure, {issuer} checked the files of {total} "
                    "cadres against the title's criteria and conditions as of {as_of}. {issuer_cap} submits the "
                    "following:"),
        "criteria": "I. CRITERIA AND CONDITIONS",
        "criteria_note": "The criteria and conditions checked (numbered as in the matrix, section IV):",
        "proposed": "II. PROPOSED LIST",
        "eligible": "1. Meeting every criterion and condition ({count})",
        "to_decide": "2. For the Standing Committee to consider and decide at this meeting ({count})",
        "to_decide_note": "For the Standing Committee to decide:",
        "not_ready": "3. Not ready to be put to this meeting ({count})",
        "not_ready_note": "To be completed first:",
        "exceptions": "4. Exceptions applied ({count})",
        "excluded": "III. NOT MEETING THE CRITERIA AND CONDITIONS ({count})",
        "invalid": ("Besides, {count} files lack information to be checked; they are being completed and will be "
                    "reported later."),
        "matrix": "IV. CRITERIA MATRIX",
        "legend": "✓ met; ✗ not met; ? not decided yet or awaiting the Standing Committee.",
        "cohort": "V. FIGURES",
        "cohort_rule": "Criterion",
        "cohort_excluded": "Not met",
        "cohort_pending": "Not decided yet",
        "none": "None.",
        "closing": "{issuer_cap} submits this to the Standing Committee for its decision.",
        "recipients_title": "Distribution:",
        "recipients": ["- As above,", "- File ({short})."],
        "sign_note": "(Signature, full name)",
        "born": "born {date}",
        "footer": ("Prepared with sangloc under rule pack {pack}, version {version} (check code {digest}); "
                   "as of {as_of}."),
        "evidence": "On file",
        "pending_judgements": "The Standing Committee to assess: {names}",
        "no": "No.", "name": "Full name", "id": "ID",
    },
}


def text(lang: str, key: str, **values) -> str:
    value = _TEXT[lang][key]
    return value.format(**values) if values else value


def issuer_lines(issuer) -> list[str]:
    """The issuer as one or two lines (the parent body, then the issuing body):
    "TỈNH ỦY THÁI BÌNH|BAN TỔ CHỨC", the same with a new line, or the lines already split."""
    if isinstance(issuer, str):
        issuer = issuer.replace("|", "\n").splitlines()
    return [line.strip() for line in issuer if line.strip()][:2] or ["…"]


def _collective(lines: list[str]) -> bool:
    """The issuing body signs collectively (T/M): the committee or its standing committee, not one of its bans."""
    body = lines[-1].upper()
    return not body.startswith("BAN ") or body.startswith("BAN THƯỜNG VỤ") or body.startswith("BAN CHẤP HÀNH")


def signature(lines: list[str], options: MemoOptions, lang: str) -> Signature:
    """The signature block that follows from the issuer (HD 36-HD/VPTW): a collective body signs
    "T/M" through its secretary; a ban through its head, or "K/T" through a deputy."""
    vi = lang == "vi"
    if _collective(lines):
        head = "BÍ THƯ" if vi else "SECRETARY"
        on_behalf = "T/M BAN THƯỜNG VỤ" if vi else "FOR THE STANDING COMMITTEE"
        if options.signer_title and options.signer_title.upper() != head:
            return Signature(on_behalf, options.signer_title.upper(), options.signer)
        return Signature(on_behalf, head, options.signer)
    head = "TRƯỞNG BAN" if vi else "HEAD"
    if options.signer_title and options.signer_title.upper() != head:
        return Signature(("K/T TRƯỞNG BAN" if vi else "FOR THE HEAD"), options.signer_title.upper(), options.signer)
    return Signature(None, head, options.signer)


def _issuer_name(lines: list[str], lang: str) -> str:
    """How the body names the issuer in a sentence: "Ban Tổ chức Tỉnh ủy"."""
    body = lines[-1].strip()
    if lang != "vi":
        return "the Organisation Commission" if body.upper().startswith("BAN TỔ CHỨC") else "the issuer"
    words = body.lower().split()
    if body.upper().startswith("BAN ") and not _collective(lines):
        return "Ban " + " ".join(words[1:]).capitalize() + " Tỉnh ủy" if len(words) > 1 else "Ban"
    return "Ban Thường vụ Tỉnh ủy"


def _symbol(lines: list[str]) -> str:
    return "Số      -TTr/TU" if _collective(lines) else "Số      -TTr/BTCTU"


def _about(ex: Explainer, loaded) -> str:
    """"sinh ngày …; <every post held on the as-of date>": posts held together are all named."""
    profile = loaded.profile
    born = fmt_date(profile.birth_date, ex.lang)
    parts = [text(ex.lang, "born", date=born) if profile.birth_date.exact
             else ("sinh năm " if ex.lang == "vi" else "born ") + born]
    current = sorted((p for p in profile.positions if p.end is None and p.start.first <= ex.as_of),
                     key=lambda p: p.start.first)
    if current:
        parts.append(", ".join(post_name(p.form if ex.lang == "vi" else ex.title(p.code), p.org) for p in current))
    return "; ".join(parts)


def _needs(ex: Explainer, rule: dict) -> list[Need]:
    return [Need(m["text"], m["kind"], label("missing", m["kind"], ex.lang)) for m in rule["missing"]]


def _candidate(ex: Explainer, result) -> Candidate:
    record = result.record
    candidate = Candidate(record["profile_id"], record["full_name"], _about(ex, result.loaded), record["verdict"])
    excluded = record["verdict"] == "ineligible"
    for rule in record["rules"]:
        exception = rule.get("exception")
        if exception and exception["used"]:
            candidate.exceptions.append(ex.exception_sentence(rule["id"], exception))
        if rule["outcome"] == "pass" or (excluded and rule["outcome"] != "fail"):
            continue  # an excluded candidate's pending criteria are moot
        if rule["kind"] == "judgement" and rule["outcome"] == "review":
            candidate.pending_judgements.append(ex.short_title(rule["id"]))
            continue
        candidate.findings.append(Finding(ex.short_title(rule["id"]), rule["reason"],
                                          [ex.summary(item) for item in rule["evidence"]], _needs(ex, rule)))
    return candidate


def _ready(candidate: Candidate, advisory: set[str]) -> bool:
    """True when the meeting itself can settle everything still open for a candidate."""
    return all(finding.criterion in advisory or {n.kind for n in finding.needs} <= BOARD_KINDS
               for finding in candidate.findings)


def _grounds(ex: Explainer, pack) -> list[str]:
    """"Căn cứ …" for each document the criteria apply, once, in the pack's order of its documents."""
    cited = {ref.document for rule in pack.rules for ref in rule.basis}
    lines = [text(ex.lang, "ground", citation=ex.citation(document_id))
             for document_id in pack.spec.documents if document_id in cited]
    if lines:
        lines[-1] = lines[-1].rstrip(";") + "."
    return lines


def _short_basis(ex: Explainer, rule) -> str:
    """The documents a criterion applies, briefly: "Quy định 214-QĐ/TW; Đề án nhân sự"."""
    names = []
    for ref in rule.basis:
        document = ex.pack.spec.documents[ref.document]
        name = f"{document.kind} {document.number}" if document.number else (document.citation or document.kind)
        if document.provincial:
            name = document.kind + (" nhân sự" if ex.lang == "vi" and document.kind == "Đề án" else "")
        name = f"{ref.part} {name}" if ref.part else name
        if name not in names:
            names.append(name)
    return "; ".join(names)


def build_memo(run, lang: str, options: MemoOptions) -> Memo:
    """The memo of a collected run (``engine/run/pipeline.py``) whose results keep their profiles."""
    ex = Explainer(run.pack, run.as_of, lang, personnel_plan=options.basis)
    pack = run.pack
    records = run.records
    lines = issuer_lines(options.issuer)
    name = _issuer_name(lines, lang)
    advisory = {r.short_title(lang) for r in pack.rules if r.kind == "advisory"}
    candidates = [_candidate(ex, r) for r in run.results]
    review = [c for c in candidates if c.verdict == "review"]
    stats = cohort(records)
    when = options.date or run.as_of
    short_name = name[:1].upper() + name[1:]
    return Memo(
        lang=lang,
        issuer=lines,
        number=options.number or _symbol(lines),
        place_date=f"{options.place}, {long_date(when, lang)}",
        heading=text(lang, "heading"),
        subject=pack.spec.memo_title.get(lang) if pack.spec.memo_title else pack.spec.title.get(lang),
        recipient=text(lang, "recipient"),
        grounds=_grounds(ex, pack),
        opening=text(lang, "opening", issuer=name, issuer_cap=short_name, total=len(records),
                     as_of=long_date(run.as_of, lang)),
        criteria=[(n, r.title.get(lang), label("kind", r.kind, lang), _short_basis(ex, r))
                  for n, r in enumerate(pack.rules, start=1)],
        eligible=[c for c in candidates if c.verdict == "eligible"],
        to_decide=[c for c in review if _ready(c, advisory)],
        not_ready=[c for c in review if not _ready(c, advisory)],
        excluded=[c for c in candidates if c.verdict == "ineligible"],
        screened=len(records),
        invalid_count=len(run.invalid),
        matrix_rules=[(n, r.short_title(lang)) for n, r in enumerate(pack.rules, start=1)],
        matrix_rows=[(r["profile_id"], r["full_name"], [MARKS[o["outcome"]] for o in r["rules"]]) for r in records],
        cohort_verdicts=[(label("verdict", v, lang), stats["verdicts"][v]) for v in VERDICTS],
        cohort_rules=[(r.short_title(lang), stats["rules"][r.id]["fail"], stats["rules"][r.id]["review"])
                      for r in pack.rules],
        closing=text(lang, "closing", issuer_cap=short_name),
        recipients=[line.format(short=("Văn phòng" if lang == "vi" else "the office")) for line in
                    _TEXT[lang]["recipients"]],
        signature=signature(lines, options, lang),
        footer=text(lang, "footer", pack=pack.id, version=pack.version, digest=pack.digest[7:19],
                    as_of=fmt_date(run.as_of, lang)),
        sections=dict(_TEXT[lang]),
    )


def pending_text(memo: Memo, candidate: Candidate) -> str:
    return text(memo.lang, "pending_judgements", names=", ".join(candidate.pending_judgements))
