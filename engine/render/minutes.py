"""The minutes of a sitting (biên bản kiểm phiếu) and the overview of a process, as data.

:func:`build_minutes` gathers what the counting board signs for one sitting
of steps 2–5: the body and sitting, date and place, those summoned and
present against the quorum, the ballots issued, returned, valid and invalid
(with reasons), each candidate's votes and share of the denominator, who
passes, the ranking, the list carried on, every flag with the rule it comes
from, the documents the sitting rests on (cited once, at the top), and one
signature block per member of the counting board. The journal of entries is
a document of its own (:func:`build_journal`, ``process journal``), filed with
the minutes but not signed with them. The Markdown, HTML and Word renderers (``minutes_md.py``,
``minutes_html.py``, ``minutes_docx.py``) lay it out as a party document,
like the memo. Texts are Vietnamese by default, English with ``--lang en``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from ..i18n import label, long_date, message
from ..run.process.outcome import Flag
from ..run.process.state import Sitting, State

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass
class MinutesOptions:
    #: The committee above the counting board; "TỔ KIỂM PHIẾU" is added below it unless a second line is given.
    issuer: str = "TỈNH ỦY …"
    #: The minutes of a counting board carry no number unless one is given.
    number: str = ""
    #: The locality written before the date (the venue is the tally's `place`).
    place: str = "…"


@dataclass
class Row:
    rank: int
    profile_id: str
    full_name: str
    votes: str
    percent: str
    result: str
    carried: bool


@dataclass
class Minutes:
    lang: str
    issuer: list[str]
    number: str
    place_date: str
    heading: str
    subject: str
    sitting: str
    #: "Căn cứ …" lines, each document once, before the opening.
    grounds: list[str]
    opening: str
    board: list[str]
    figures: list[tuple[str, str]]
    invalid_reasons: list[tuple[str, int]]
    #: The sheet's own note, if any.
    note: str | None
    pass_rule: str
    rows: list[Row]
    passed: str
    carried: str
    flags: list[tuple[str, list[str]]]
    closing: str
    #: (title, name) of each signature block, one per member of the counting board, its head last.
    signers: list[tuple[str, str]]
    #: What made the document: in its properties (Word) or its head (HTML), never on the page.
    about: str
    sections: dict[str, str] = field(default_factory=dict)


@dataclass
class Journal:
    """The entry journal of a process (or of one step), a document of its own."""

    lang: str
    issuer: list[str]
    place_date: str
    heading: str
    subject: str
    note: str
    headers: list[str]
    rows: list[list[str]]
    about: str


_TEXT = {
    "vi": {
        "heading": "BIÊN BẢN KIỂM PHIẾU",
        "subject": "Kết quả kiểm phiếu {subject}",
        "sitting": "Bước {step}: {sitting}{again}",
        "again": " (họp lần {number})",
        "opening": ("Hôm nay, {when}, tại {place}, {sitting} tiến hành giới thiệu nhân sự bằng phiếu kín "
                    "theo danh sách {count} đồng chí {source}. Tổ kiểm phiếu{members} đã kiểm phiếu; kết quả như sau:"),
        "source_step1": "đã được Ban Thường vụ Tỉnh ủy xem xét, thông qua ở bước 1",
        "source_step": "được chuyển từ bước {step}",
        "members": " gồm các đồng chí {names}",
        "place_blank": "…",
        "when_blank": "ngày … tháng … năm …",
        "figures": "I. SỐ LIỆU KIỂM PHIẾU",
        "summoned": "Số {members} được triệu tập",
        "present": "Số {members} có mặt",
        "absent": "Số {members} vắng mặt",
        "quorum": "Điều kiện tiến hành",
        "quorum_ok": "có mặt {present}/{summoned} {member}, đạt tối thiểu {quorum} số {member} được triệu tập ({needed} {member}): hội nghị đủ điều kiện tiến hành",
        "quorum_short": "có mặt {present}/{summoned} {member}, dưới mức tối thiểu {quorum} số {member} được triệu tập ({needed} {member}): hội nghị không đủ điều kiện tiến hành",
        "issued": "Số phiếu phát ra",
        "returned": "Số phiếu thu vào",
        "valid": "Số phiếu hợp lệ",
        "invalid": "Số phiếu không hợp lệ",
        "reasons": "Lý do phiếu không hợp lệ",
        "note": "Ghi chú",
        "results": "II. KẾT QUẢ GIỚI THIỆU",
        "pass_rule": ("Người được giới thiệu phải đạt {comparison} {share} {denominator_label} ({denominator}), "
                      "tức ít nhất {needed} phiếu; tỷ lệ phần trăm tính trên {denominator_label}."),
        "more_than": "trên", "at_least": "từ",
        "no_majority": "Mẫu số bằng 0: không ai đạt.",
        "col_rank": "Xếp thứ", "col_name": "Họ và tên", "col_votes": "Số phiếu", "col_percent": "Tỷ lệ",
        "col_result": "Kết quả",
        "passed_yes": "Đạt", "passed_no": "Không đạt", "void": "Không có giá trị",
        "passed_beyond": "Đạt, ngoài số lượng giới thiệu",
        "passed": "Các đồng chí đạt: {names}.",
        "passed_none": "Không có đồng chí nào đạt.",
        "carried": "Danh sách chuyển sang bước {step} ({sitting}), theo thứ tự số phiếu: {names}.",
        "carried_seats": " Số lượng giới thiệu: {seats}.",
        "carried_final": "Kết quả giới thiệu cuối cùng của quy trình, theo thứ tự số phiếu: {names}.",
        "carried_none": "Không có đồng chí nào được chuyển sang bước {step}.",
        "carried_void": "Hội nghị không đủ điều kiện tiến hành: không ai được chuyển tiếp; bước {step} phải tổ chức lại.",
        "flags": "III. NHỮNG ĐIỂM CẦN LƯU Ý",
        "flags_none": "Không có.",
        "grounds": "Căn cứ {line};",
        "no_document": "chưa tìm được văn bản",
        "closing": ("Biên bản kiểm phiếu đã được đọc công khai tại hội nghị; Tổ kiểm phiếu nhất trí ký tên."),
        "board": "TỔ KIỂM PHIẾU",
        "board_sign": "TỔ KIỂM PHIẾU",
        "head_of_board": "TỔ TRƯỞNG",
        "member_sign": "THÀNH VIÊN",
        "sign_note": "(Ký, ghi rõ họ và tên)",
        "journal": "NHẬT KÝ NHẬP LIỆU",
        "journal_subject": "Kèm theo biên bản kiểm phiếu {subject}",
        "journal_subject_step": "Kèm theo biên bản kiểm phiếu bước {step} ({sitting}), {subject}",
        "journal_note": ("Mọi lần nhập vào tệp quy trình {process}, theo thứ tự; thời điểm theo giờ địa phương; "
                         "mã băm là của bản ghi trong sổ kiểm toán, kiểm tra bằng lệnh «sangloc audit verify»."),
        "col_entry": "Mục", "col_at": "Thời điểm", "col_by": "Người nhập", "col_what": "Nội dung",
        "col_replaces": "Thay cho", "col_hash": "Mã băm",
        "what_init": "Lập quy trình từ kết quả sàng lọc {source}: danh sách bước 1 gồm {count} người",
        "what_tally": "Bước {step}: {files}",
        "what_double": "nhập hai lần độc lập, trùng khớp",
        "what_ballots": "đếm từ {papers} phiếu ({file})",
        "what_reason": "lý do sửa: {reason}",
        "no_audit": "không ghi vào sổ",
        "footer": "Lập bằng sangloc từ tệp quy trình {process}; bộ quy tắc {pack} phiên bản {version} ({digest}).",
        "step_word": "Bước",
    },
    "en": {
        "heading": "MINUTES OF THE BALLOT COUNT",
        "subject": "Ballot count of the {subject}",
        "sitting": "Step {step}: {sitting}{again}",
        "again": " (sitting {number})",
        "opening": ("On {when}, at {place}, the {sitting} introduced candidates by secret ballot from the list of "
                    "{count} {source}. The counting board{members} counted the ballots, with this result:"),
        "source_step1": "approved by the Standing Committee at step 1",
        "source_step": "carried from step {step}",
        "members": " ({names})",
        "place_blank": "…",
        "when_blank": "… (date)",
        "figures": "I. FIGURES",
        "summoned": "{members} summoned",
        "present": "{members} present",
        "absent": "{members} absent",
        "quorum": "Quorum",
        "quorum_ok": "{present} of {summoned} present, at least {quorum} of those summoned ({needed}): the sitting is quorate",
        "quorum_short": "{present} of {summoned} present, below {quorum} of those summoned ({needed}): the sitting is not quorate",
        "issued": "Ballots issued",
        "returned": "Ballots returned",
        "valid": "Valid ballots",
        "invalid": "Invalid ballots",
        "reasons": "Reasons for invalid ballots",
        "note": "Note",
        "results": "II. RESULT",
        "pass_rule": ("A candidate needs {comparison} {share} of {denominator_label} ({denominator}), that is at "
                      "least {needed} votes; percentages are of {denominator_label}."),
        "more_than": "more than", "at_least": "at least",
        "no_majority": "The denominator is 0: nobody passes.",
        "col_rank": "Rank", "col_name": "Full name", "col_votes": "Votes", "col_percent": "Share",
        "col_result": "Result",
        "passed_yes": "Passes", "passed_no": "Does not pass", "void": "Void",
        "passed_beyond": "Passes, beyond the seats",
        "passed": "Passing: {names}.",
        "passed_none": "Nobody passes.",
        "carried": "Carried to step {step} ({sitting}), by votes: {names}.",
        "carried_seats": " Seats: {seats}.",
        "carried_final": "Final result of the process, by votes: {names}.",
        "carried_none": "Nobody is carried to step {step}.",
        "carried_void": "The sitting was not quorate: nobody is carried; step {step} must sit again.",
        "flags": "III. POINTS TO NOTE",
        "flags_none": "None.",
        "grounds": "Having regard to {line};",
        "no_document": "no document found",
        "closing": "These minutes were read out at the sitting; the counting board signs them.",
        "board": "COUNTING BOARD",
        "board_sign": "COUNTING BOARD",
        "head_of_board": "HEAD",
        "member_sign": "MEMBER",
        "sign_note": "(Signature, full name)",
        "journal": "ENTRY JOURNAL",
        "journal_subject": "Filed with the minutes of the {subject}",
        "journal_subject_step": "Filed with the minutes of step {step} ({sitting}), {subject}",
        "journal_note": ("Every entry made in process file {process}, in order; times are local; the hash is that "
                         "of the audit store's record, checked by «sangloc audit verify»."),
        "col_entry": "Entry", "col_at": "Time", "col_by": "Entered by", "col_what": "What",
        "col_replaces": "Replaces", "col_hash": "Hash",
        "what_init": "Process started from screening {source}: step-1 list of {count}",
        "what_tally": "Step {step}: {files}",
        "what_double": "keyed twice independently, both agree",
        "what_ballots": "counted from {papers} papers ({file})",
        "what_reason": "why corrected: {reason}",
        "no_audit": "not in the store",
        "footer": "Prepared with sangloc from process file {process}; rule pack {pack} version {version} ({digest}).",
        "step_word": "Step",
    },
}


def text(lang: str, key: str, **values) -> str:
    value = _TEXT[lang][key]
    return value.format(**values) if values else value


def number(value: int, lang: str) -> str:
    """1.234 in Vietnamese, 1,234 in English."""
    return f"{value:,}".replace(",", "." if lang == "vi" else ",")


def count(value: int, lang: str) -> str:
    """A count as Vietnamese minutes write it: 01 … 09 with a leading zero, then 10, 1.234."""
    return f"{value:02d}" if lang == "vi" and 0 <= value < 10 else number(value, lang)


#: Those a body summons: (plural as a figure names them, short form in a sentence).
_MEMBERS = {
    "vi": {"hoi_nghi_can_bo_chu_chot": ("đại biểu", "đại biểu"),
           "ban_chap_hanh": ("ủy viên Ban Chấp hành", "ủy viên"),
           "ban_thuong_vu": ("ủy viên Ban Thường vụ", "ủy viên")},
    "en": {"hoi_nghi_can_bo_chu_chot": ("Delegates", "delegates"),
           "ban_chap_hanh": ("Members of the Executive Committee", "members"),
           "ban_thuong_vu": ("Members of the Standing Committee", "members")},
}


def members_of(body: str, lang: str) -> tuple[str, str]:
    return _MEMBERS[lang].get(body, ("người", "người") if lang == "vi" else ("Persons", "persons"))


def capitalised(value: str) -> str:
    return value[:1].upper() + value[1:]


def is_figure(value: str) -> bool:
    """A figure of the minutes that is a bare number (printed bold), not a sentence."""
    return value.replace(".", "").replace(",", "").isdigit()


def percent(value: float | None, lang: str) -> str:
    if value is None:
        return "—"
    shown = f"{value:.2f}"
    return (shown.replace(".", ",") if lang == "vi" else shown) + "%"


def share_text(share: Fraction, lang: str) -> str:
    """A share as documents write it: 1/2, 2/3."""
    return f"{share.numerator}/{share.denominator}"


def sitting_name(state: State, step: int, lang: str) -> str:
    spec = state.section.step(step)
    if spec.sitting is not None:
        return spec.sitting.get(lang)
    return label("body", spec.body, lang)


def citation_lines(state: State, citation, lang: str) -> list[str]:
    """A citation's basis as a party document cites it; where no document was found,
    that said, with where the figure was read (its provenance)."""
    from ..pack.model import Document

    if citation is None:
        return []
    lines = []
    for ref in citation.basis:
        document = state.doc.documents.get(ref.document)
        lines.append(Document.model_validate(document).cite(lang, ref.part) if document else ref.document)
    if not lines:
        lines = [f"({text(lang, 'no_document')}) {line}" for line in provenance_lines(state, citation)]
    return lines


def provenance_lines(state: State, citation) -> list[str]:
    """Where a citation's wording or figure was read."""
    return [source.line(state.doc.readings) for source in citation.provenance] if citation else []


def names_text(state: State, profile_ids, lang: str, ids: bool = True) -> str:
    """Names, each with its profile id; with ``ids=False`` (the minutes, which a person reads)
    names alone, an id added only where two on the list share a name."""
    shared = set() if ids else shared_names(state)
    return ", ".join(person_name(state, pid, ids, shared) for pid in profile_ids)


def shared_names(state: State) -> set[str]:
    """Names two candidates of the process share (an id tells them apart)."""
    from collections import Counter

    return {name for name, n in Counter(state.names.values()).items() if n > 1}


def person_name(state: State, profile_id: str, ids: bool = False, shared: set[str] | None = None) -> str:
    name = state.names.get(profile_id, profile_id)
    if ids or name in (shared if shared is not None else shared_names(state)):
        return f"{name} ({profile_id})"
    return name


def flag_text(state: State, flag: Flag, lang: str, ids: bool = True) -> str:
    params = {**flag.params, "step": flag.step, "names": names_text(state, flag.profile_ids, lang, ids),
              "body": label("body", state.section.step(flag.step).body, lang)}
    return message(f"flag_{flag.code}", lang, params)


def flag_basis(state: State, flag: Flag):
    """The citation a flag comes from."""
    spec = state.section.step(flag.step)
    return {"not_quorate": spec.quorum_basis, "tie_at_last_seat": state.section.ties,
            "report_to_higher_committee": spec.report_basis}.get(flag.code)


def _when(tally_date: str | None, lang: str) -> str:
    return long_date(date.fromisoformat(tally_date), lang) if tally_date else text(lang, "when_blank")


def issuer_of(options: MinutesOptions, lang: str) -> list[str]:
    """The committee, then the counting board (unless the issuer names its own second line)."""
    from .memo import issuer_lines

    lines = issuer_lines(options.issuer)
    return lines if len(lines) > 1 else lines + [text(lang, "board")]


def local_time(at: str) -> str:
    """An entry's moment (kept in UTC) as the local clock showed it: 25/08/2020 14:30:05 (UTC+07:00)."""
    moment = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone()
    offset = moment.strftime("%z")
    return f"{moment:%d/%m/%Y %H:%M:%S} (UTC{offset[:3]}:{offset[3:]})"


def journal_rows(state: State, lang: str, step: int | None = None) -> list[list[str]]:
    """The entry journal: every entry, or those of one step (and the process's start)."""
    rows = []
    for entry in state.doc.journal:
        if step is not None and entry.kind == "tally" and entry.step != step:
            continue
        if entry.kind == "init":
            what = text(lang, "what_init", source=state.doc.screening.source, count=len(state.doc.candidates))
        else:
            files = ", ".join(f"{s.file}" + (f" ({s.clerk})" if s.clerk else "") + f" sha256:{s.sha256[:12]}"
                              for s in entry.sheets)
            what = text(lang, "what_tally", step=entry.step, files=files)
            if len(entry.sheets) == 2:
                what += "; " + text(lang, "what_double")
            if entry.ballots:
                what += "; " + text(lang, "what_ballots", papers=entry.ballots.papers, file=entry.ballots.file)
            if entry.reason:
                what += "; " + text(lang, "what_reason", reason=entry.reason)
        rows.append([str(entry.entry), local_time(entry.at), entry.by, what,
                     str(entry.replaces) if entry.replaces else "—",
                     entry.audit_hash[:16] + "…" if entry.audit_hash else text(lang, "no_audit")])
    return rows


def about(state: State, lang: str) -> str:
    pack = state.doc.pack
    return text(lang, "footer", process=state.doc.id, pack=pack.id, version=pack.version, digest=pack.digest)


def build_journal(state: State, lang: str, options: MinutesOptions, step: int | None = None) -> Journal:
    """The journal of entries, to file with the minutes (of one step, or of the whole process)."""
    subject = state.doc.subject.get(lang)
    dates = sorted(s.tally.date for s in sittings_for(state, step) if s.tally.date)
    return Journal(
        lang=lang, issuer=issuer_of(options, lang),
        place_date=f"{options.place}, {_when(dates[-1] if dates else None, lang)}",
        heading=text(lang, "journal"),
        subject=(text(lang, "journal_subject_step", step=step, sitting=sitting_name(state, step, lang), subject=subject)
                 if step is not None else text(lang, "journal_subject", subject=subject)),
        note=text(lang, "journal_note", process=state.doc.id),
        headers=[text(lang, k) for k in ("col_entry", "col_at", "col_by", "col_what", "col_replaces", "col_hash")],
        rows=journal_rows(state, lang, step), about=about(state, lang))


def build_minutes(state: State, sitting: Sitting, lang: str, options: MinutesOptions) -> Minutes:
    """The minutes of one sitting."""
    outcome, tally, step = sitting.outcome, sitting.tally, sitting.outcome.step
    spec = state.section.step(step)
    name = sitting_name(state, step, lang)
    venue = tally.place or text(lang, "place_blank")
    board = list(tally.counting_board)
    members, member = members_of(spec.body, lang)
    figures = [
        (text(lang, "summoned", members=members), count(tally.summoned, lang)),
        (text(lang, "present", members=members), count(tally.present, lang)),
        (text(lang, "absent", members=members), count(tally.summoned - tally.present, lang)),
        (text(lang, "quorum"), text(lang, "quorum_ok" if outcome.quorate else "quorum_short",
                                    present=number(tally.present, lang), summoned=number(tally.summoned, lang),
                                    quorum=share_text(outcome.quorum, lang), member=member,
                                    needed=number(outcome.quorum_needed, lang))),
        (text(lang, "issued"), count(tally.issued, lang)),
        (text(lang, "returned"), count(tally.returned, lang)),
        (text(lang, "valid"), count(tally.valid, lang)),
        (text(lang, "invalid"), count(tally.invalid, lang)),
    ]
    void = not outcome.quorate
    shared = shared_names(state)
    rows = [Row(r.rank, r.profile_id, f"{r.full_name} ({r.profile_id})" if r.full_name in shared else r.full_name,
                count(r.votes, lang), percent(r.percent, lang), _result(r, void, lang), r.carried)
            for r in outcome.results]
    pass_rule = text(lang, "pass_rule", comparison=text(lang, "more_than" if outcome.strict else "at_least"),
                     share=share_text(outcome.share, lang),
                     denominator_label=label("denominator", outcome.denominator_kind, lang),
                     denominator=number(outcome.denominator, lang), needed=count(outcome.votes_needed, lang))
    if not outcome.denominator:
        pass_rule += " " + text(lang, "no_majority")
    following = step + 1 if step < state.last_step else None
    if void:
        carried = text(lang, "carried_void", step=step)
    elif following is None:
        carried = text(lang, "carried_final", names=names_text(state, outcome.carried, lang, ids=False) or "—")
    elif not outcome.carried:
        carried = text(lang, "carried_none", step=following)
    else:
        carried = text(lang, "carried", step=following, sitting=sitting_name(state, following, lang),
                       names=names_text(state, outcome.carried, lang, ids=False))
    if state.doc.seats and not void:
        carried += text(lang, "carried_seats", seats=count(state.doc.seats, lang))
    source = (text(lang, "source_step1") if step == 2 else text(lang, "source_step", step=step - 1))
    grounds: list[str] = []
    for citation in (spec.basis, spec.pass_basis, spec.quorum_basis):
        for line in citation_lines(state, citation, lang):
            if line not in grounds:
                grounds.append(line)
    return Minutes(
        lang=lang, issuer=issuer_of(options, lang), number=options.number,
        place_date=f"{options.place}, {_when(tally.date, lang)}",
        heading=text(lang, "heading"), subject=text(lang, "subject", subject=state.doc.subject.get(lang)),
        sitting=text(lang, "sitting", step=step, sitting=name,
                     again=text(lang, "again", number=sitting.number) if sitting.number > 1 else ""),
        grounds=[text(lang, "grounds", line=line)[:-1] + ("." if n == len(grounds) else ";")
                 for n, line in enumerate(grounds, 1)],
        opening=text(lang, "opening", when=_when(tally.date, lang), place=venue,
                     sitting=name[:1].lower() + name[1:] if lang == "en" else name,
                     count=count(len(sitting.listed), lang),
                     source=source, members=text(lang, "members", names=", ".join(board)) if board else ""),
        board=board, figures=figures, pass_rule=pass_rule, note=tally.note,
        invalid_reasons=[(capitalised(label("ballot_reason", reason, lang)), count(n, lang))
                         for reason, n in tally.invalid_reasons],
        rows=rows,
        passed=(text(lang, "passed", names=names_text(state, outcome.passed, lang, ids=False)) if outcome.passed
                else text(lang, "passed_none")),
        carried=carried,
        flags=[(flag_text(state, f, lang, ids=False), citation_lines(state, flag_basis(state, f), lang))
               for f in outcome.flags],
        closing=text(lang, "closing"),
        signers=_signers(board, lang),
        about=about(state, lang),
        sections=dict(_TEXT[lang]),
    )


def _result(result, void: bool, lang: str) -> str:
    if void:
        return text(lang, "void")
    if result.passed and not result.carried:
        return text(lang, "passed_beyond")
    return text(lang, "passed_yes" if result.passed else "passed_no")


def _signers(board: list[str], lang: str) -> list[tuple[str, str]]:
    """(title, name) of each signature block: each member of the board, then its head (the first named)
    on the right, as minutes sign; blank blocks for a head and two members when the sheet names nobody."""
    names = board or ["", "", ""]
    return [(text(lang, "member_sign"), name) for name in names[1:]] + [(text(lang, "head_of_board"), names[0])]


def sittings_for(state: State, step: int | None) -> list[Sitting]:
    """The sittings in effect (a correction replaces its entry; a new sitting after one below quorum does not)."""
    return [s for s in state.sittings if s.superseded_by is None and (step is None or s.outcome.step == step)]
