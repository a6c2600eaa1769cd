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
from .common import VERDICTS, cohort, mark

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
    #: The numbers (as in section I) of the judgement criteria the board has not assessed yet.
    pending_judgements: list[int] = field(default_factory=list)
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
    #: (numbered short title, not met, for the Standing Committee, to complete or wait for): the
    #: pending columns count only candidates still under consideration.
    cohort_rules: list[tuple[str, int, int, int]]
    #: What the memo asks the meeting to approve, and for which next step.
    proposal: str
    closing: str
    recipients: list[str]
    signature: Signature
    #: Which pack made it: kept in the document's properties, not printed after the signature.
    footer: str
    #: The same, for the screening report, where it is printed under the title.
    made_with: str
    sections: dict[str, str]

    @property
    def with_exceptions(self) -> list[Candidate]:
        return [c for group in (self.eligible, self.to_decide, self.not_ready, self.excluded) for c in group
                if c.exceptions]


_TEXT = {
    "vi": {
        "heading": "TỜ TRÌNH",
        "report": "KẾT QUẢ SÀNG LỌC BƯỚC 1",
        "recipient": "Kính gửi: {to}",
        "ground": "Căn cứ {citation};",
        "opening": ("Thực hiện quy trình giới thiệu nhân sự lần đầu ứng cử chức danh (bước 1), {issuer} đã rà soát, "
                    "đối chiếu hồ sơ của {total} đồng chí với tiêu chuẩn, điều kiện của chức danh, tính đến "
                    "{as_of}{unread}. {issuer_cap} kính trình {to_name} kết quả như sau:"),
        "unread": "; {count} hồ sơ khác cần bổ sung, sửa chữa nên chưa đưa vào đối chiếu",
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
        "matrix": "IV. BẢNG ĐỐI CHIẾU TIÊU CHUẨN",
        "legend": "Ghi chú: ✓ đạt; ✓* đạt theo ngoại lệ (mục II.4); ✗ không đạt; ? chưa đủ căn cứ hoặc chờ Ban Thường vụ "
                  "đánh giá.",
        "cohort": "V. SỐ LIỆU TỔNG HỢP",
        "cohort_rule": "Tiêu chuẩn, điều kiện",
        "cohort_excluded": "Số đồng chí không đạt",
        "cohort_board": "Chờ Ban Thường vụ xem xét, đánh giá",
        "cohort_record": "Chờ bổ sung hồ sơ hoặc đến hạn",
        "cohort_note": "Hai cột sau chỉ tính các đồng chí còn được xem xét (không tính các trường hợp ở mục III).",
        "none": "Không có.",
        "proposal": ("{issuer_cap} đề nghị {to_name} xem xét, thông qua danh sách {eligible} đồng chí tại mục II.1"
                     "{and_decided}, để {next_step}."),
        "and_decided": " và các đồng chí tại mục II.2 được Ban Thường vụ kết luận đạt",
        "next_step": "lấy ý kiến giới thiệu tại {sitting} (bước 2)",
        "closing": "{issuer_cap} kính trình {to_name} xem xét, quyết định.",
        "recipients_title": "Nơi nhận:",
        "recipients": ["- Như trên,", "- Lưu {short}."],
        "sign_note": "(Ký, ghi rõ họ và tên)",
        "born": "sinh ngày {date}",
        "footer": ("Tờ trình được lập bằng phần mềm sangloc theo bộ quy tắc {pack}, phiên bản {version} "
                   "(mã kiểm tra {digest}); ngày xét {as_of}."),
        "report_footer": ("Lập bằng phần mềm sangloc theo bộ quy tắc {pack}, phiên bản {version} (mã kiểm tra "
                          "{digest}); ngày xét {as_of}."),
        "grounds_title": "Các văn bản làm căn cứ",
        "evidence": "Hồ sơ ghi",
        "pending_judgements": "Ban Thường vụ đánh giá {which} (mục I)",
        "pending_later": "Sau khi hoàn thiện, Ban Thường vụ đánh giá {which} (mục I)",
        "pending_span": "các tiêu chuẩn từ {first} đến {last}",
        "pending_some": "tiêu chuẩn {numbers}",
        "by_exception": "; đạt theo ngoại lệ (mục II.4)",
        "no": "TT", "name": "Họ và tên", "id": "Mã hồ sơ",
    },
    "en": {
        "heading": "MEMORANDUM",
        "report": "STEP-1 SCREENING RESULT",
        "recipient": "To: {to}",
        "ground": "Pursuant to {citation};",
        "opening": ("In step 1 of the first-time introduction procedure, {issuer} checked the files of {total} "
                    "cadres against the title's criteria and conditions as of {as_of}{unread}. {issuer_cap} submits "
                    "the following to {to_name}:"),
        "unread": "; {count} other files lack information and are being completed, so they were not checked",
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
        "matrix": "IV. CRITERIA MATRIX",
        "legend": "✓ met; ✓* met by an approved exception (section II.4); ✗ not met; ? not decided yet or awaiting the "
                  "Standing Committee.",
        "cohort": "V. FIGURES",
        "cohort_rule": "Criterion",
        "cohort_excluded": "Not met",
        "cohort_board": "For the Standing Committee",
        "cohort_record": "Awaiting the file or a date",
        "cohort_note": "The last two columns count only the candidates still considered (not those of section III).",
        "none": "None.",
        "proposal": ("{issuer_cap} proposes that {to_name} approve the list of the {eligible} cadres of section II.1"
                     "{and_decided}, to {next_step}."),
        "and_decided": " and those of section II.2 the Standing Committee finds to meet the criteria",
        "next_step": "seek introductions at the {sitting} (step 2)",
        "closing": "{issuer_cap} submits this to {to_name} for its decision.",
        "recipients_title": "Distribution:",
        "recipients": ["- As above,", "- File ({short})."],
        "sign_note": "(Signature, full name)",
        "born": "born {date}",
        "footer": ("Prepared with sangloc under rule pack {pack}, version {version} (check code {digest}); "
                   "as of {as_of}."),
        "report_footer": "Prepared with sangloc under rule pack {pack}, version {version} (check code {digest}); as of {as_of}.",
        "grounds_title": "The documents applied",
        "evidence": "On file",
        "pending_judgements": "The Standing Committee to assess {which} (section I)",
        "pending_later": "Once completed, the Standing Committee to assess {which} (section I)",
        "pending_span": "criteria {first} to {last}",
        "pending_some": "criteria {numbers}",
        "by_exception": "; met by exception (section II.4)",
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


def _committee(lines: list[str]) -> tuple[str, str]:
    """The party committee the issuer belongs to, and its symbol in document numbers:
    ("Tỉnh ủy", "TU"), or ("Thành ủy", "ThU") for a centrally-governed city."""
    parent = lines[0].upper()
    if parent.startswith("THÀNH ỦY"):
        return "Thành ủy", "ThU"
    return "Tỉnh ủy", "TU"


def _issuer_name(lines: list[str], lang: str) -> str:
    """How the body names the issuer in a sentence: "Ban Tổ chức Tỉnh ủy"."""
    body = lines[-1].strip()
    committee = _committee(lines)[0]
    if lang != "vi":
        return "the Organisation Commission" if body.upper().startswith("BAN TỔ CHỨC") else "the issuer"
    words = body.lower().split()
    if body.upper().startswith("BAN ") and not _collective(lines):
        return "Ban " + " ".join(words[1:]).capitalize() + f" {committee}" if len(words) > 1 else "Ban"
    return f"Ban Thường vụ {committee}"


def _symbol(lines: list[str]) -> str:
    symbol = _committee(lines)[1]
    return f"Số      -TTr/{symbol}" if _collective(lines) else f"Số      -TTr/BTC{symbol}"


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


def _candidate(ex: Explainer, result, numbers: dict[str, int]) -> Candidate:
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
            candidate.pending_judgements.append(numbers[rule["id"]])
            continue
        candidate.findings.append(Finding(ex.short_title(rule["id"]), rule["reason"],
                                          [ex.summary(item) for item in rule["evidence"]], _needs(ex, rule)))
    if candidate.exceptions:
        candidate.about += text(ex.lang, "by_exception")
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


#: Words a title line must not break inside ("Phó Bí | thư Tỉnh ủy" reads badly in a centred heading).
_UNBROKEN = ("Phó Bí thư", "Bí thư", "Tỉnh ủy", "Thành ủy", "nhiệm kỳ")


def _unbroken(text: str) -> str:
    """The text with no-break spaces inside the names of posts and bodies."""
    for words in _UNBROKEN:
        text = text.replace(words, words.replace(" ", "\u00a0"))
    return text


def _addressee(lines: list[str], lang: str) -> str:
    """Whom the memo goes to: a ban submits to the Standing Committee; the committee
    itself (T/M BAN THƯỜNG VỤ) submits to the Executive Committee."""
    committee = _committee(lines)[0]
    if _collective(lines):
        place = "thành phố" if committee == "Thành ủy" else "tỉnh"
        return f"Ban Chấp hành Đảng bộ {place}" if lang == "vi" else "the Party Executive Committee"
    return f"Ban Thường vụ {committee}" if lang == "vi" else "the Standing Committee of the Party Committee"


def _count(n: int, lang: str) -> str:
    """A head count as a party document writes it: 03, 12."""
    return f"{n:02d}" if lang == "vi" else str(n)


def _figures(pack, records: list[dict], lang: str) -> list[tuple[str, int, int, int]]:
    """Per criterion: not met (everyone); then, among the candidates still considered, those
    the Standing Committee must assess or decide, and those waiting for the file or a date."""
    rows = []
    for n, rule in enumerate(pack.rules, start=1):
        fail = board = waiting = 0
        for record in records:
            outcome = next(o for o in record["rules"] if o["id"] == rule.id)
            if outcome["outcome"] == "fail":
                fail += 1
            elif outcome["outcome"] == "review" and record["verdict"] != "ineligible":
                kinds = {m["kind"] for m in outcome["missing"]}
                if rule.kind in ("judgement", "advisory") or (kinds and kinds <= BOARD_KINDS):
                    board += 1
                else:
                    waiting += 1
        rows.append((f"{n}. {rule.short_title(lang)}", fail, board, waiting))
    return rows


def _proposal(pack, lang: str, issuer: str, to_name: str, eligible: int, to_decide: int) -> str:
    """What the memo asks the meeting to approve, for the next step of the process."""
    if not eligible and not to_decide:
        return ""
    from ..i18n import label as _label

    step = pack.process.step(2) if pack.process is not None and len(pack.process.steps) > 1 else None
    sitting = (step.sitting.get(lang) if step is not None and step.sitting is not None
               else _label("body", step.body if step is not None else "hoi_nghi_can_bo_chu_chot", lang))
    return text(lang, "proposal", issuer_cap=issuer, to_name=to_name, eligible=_count(eligible, lang),
                and_decided=text(lang, "and_decided") if to_decide else "",
                next_step=text(lang, "next_step", sitting=sitting))


def build_memo(run, lang: str, options: MemoOptions) -> Memo:
    """The memo of a collected run (``engine/run/pipeline.py``) whose results keep their profiles."""
    ex = Explainer(run.pack, run.as_of, lang, personnel_plan=options.basis)
    pack = run.pack
    records = run.records
    lines = issuer_lines(options.issuer)
    name = _issuer_name(lines, lang)
    advisory = {r.short_title(lang) for r in pack.rules if r.kind == "advisory"}
    numbers = {r.id: n for n, r in enumerate(pack.rules, start=1)}
    candidates = [_candidate(ex, r, numbers) for r in run.results]
    review = [c for c in candidates if c.verdict == "review"]
    stats = cohort(records)
    when = options.date or run.as_of
    short_name = name[:1].upper() + name[1:]
    to_name = _addressee(lines, lang)
    eligible = [c for c in candidates if c.verdict == "eligible"]
    to_decide = [c for c in review if _ready(c, advisory)]
    unread = text(lang, "unread", count=_count(len(run.invalid), lang)) if run.invalid else ""
    return Memo(
        lang=lang,
        issuer=lines,
        number=options.number or _symbol(lines),
        place_date=f"{options.place}, {long_date(when, lang)}",
        heading=text(lang, "heading"),
        subject=_unbroken(pack.spec.memo_title.get(lang) if pack.spec.memo_title else pack.spec.title.get(lang)),
        recipient=text(lang, "recipient", to=to_name),
        grounds=_grounds(ex, pack),
        opening=text(lang, "opening", issuer=name, issuer_cap=short_name, total=len(records),
                     as_of=long_date(run.as_of, lang), unread=unread, to_name=to_name),
        criteria=[(n, r.title.get(lang), label("kind", r.kind, lang), _short_basis(ex, r))
                  for n, r in enumerate(pack.rules, start=1)],
        eligible=eligible,
        to_decide=to_decide,
        not_ready=[c for c in review if not _ready(c, advisory)],
        excluded=[c for c in candidates if c.verdict == "ineligible"],
        screened=len(records),
        invalid_count=len(run.invalid),
        matrix_rules=[(n, r.short_title(lang)) for n, r in enumerate(pack.rules, start=1)],
        matrix_rows=[(r["profile_id"], r["full_name"], [mark(o) for o in r["rules"]]) for r in records],
        cohort_verdicts=[(label("verdict", v, lang), stats["verdicts"][v]) for v in VERDICTS],
        cohort_rules=_figures(pack, records, lang),
        proposal=_proposal(pack, lang, short_name, to_name, len(eligible), len(to_decide)),
        closing=text(lang, "closing", issuer_cap=short_name, to_name=to_name),
        recipients=[line.format(short=("Văn phòng" if lang == "vi" else "the office")) for line in
                    _TEXT[lang]["recipients"]],
        signature=signature(lines, options, lang),
        footer=text(lang, "footer", pack=pack.id, version=pack.version, digest=pack.digest[7:19],
                    as_of=fmt_date(run.as_of, lang)),
        made_with=text(lang, "report_footer", pack=pack.id, version=pack.version, digest=pack.digest[7:19],
                       as_of=fmt_date(run.as_of, lang)),
        sections=dict(_TEXT[lang]),
    )


def pending_text(memo: Memo, candidate: Candidate, later: bool = False) -> str:
    """"Ban Thường vụ đánh giá các tiêu chuẩn từ 8 đến 15 (mục I)": by their numbers in section I."""
    numbers = sorted(candidate.pending_judgements)
    if len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        which = text(memo.lang, "pending_span", first=numbers[0], last=numbers[-1])
    else:
        which = text(memo.lang, "pending_some", numbers=", ".join(map(str, numbers)))
    return text(memo.lang, "pending_later" if later else "pending_judgements", which=which)
