"""The minutes of a sitting (biên bản kiểm phiếu) and the overview of a process, as data.

:func:`build_minutes` gathers what the counting board signs for one sitting
of steps 2–5: the body and sitting, date and place, those summoned and
present against the quorum, the ballots issued, returned, valid and invalid
(with reasons), each candidate's votes and share of the denominator, who
passes, the ranking, the list carried on, every flag with the rule it comes
from, the counting board's signature blocks, and the journal of entries as
an annex. The Markdown, HTML and Word renderers (``minutes_md.py``,
``minutes_html.py``, ``minutes_docx.py``) lay it out as a party document,
like the memo. Texts are Vietnamese by default, English with ``--lang en``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from fractions import Fraction

from ..i18n import fmt_date, label, long_date, message
from ..run.process.outcome import Flag
from ..run.process.state import Sitting, State

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


@dataclass
class MinutesOptions:
    issuer: str = "TỈNH ỦY …"
    number: str = "Số     -BB/TU"
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
    issuer: str
    number: str
    place_date: str
    heading: str
    subject: str
    sitting: str
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
    basis: list[tuple[str, list[str]]]
    closing: str
    signers: list[tuple[str, str]]
    journal: list[list[str]]
    journal_note: str
    footer: str
    sections: dict[str, str] = field(default_factory=dict)


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
        "summoned": "Tổng số người được triệu tập",
        "present": "Số người có mặt",
        "quorum": "Điều kiện tiến hành",
        "quorum_ok": "có mặt {present}/{summoned} người, đạt tối thiểu {quorum} số người được triệu tập ({needed} người): hội nghị đủ điều kiện tiến hành",
        "quorum_short": "có mặt {present}/{summoned} người, dưới mức tối thiểu {quorum} số người được triệu tập ({needed} người): hội nghị không đủ điều kiện tiến hành",
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
        "basis": "IV. CĂN CỨ",
        "basis_body": "Hội nghị và thành phần",
        "basis_pass": "Tỷ lệ phiếu",
        "basis_quorum": "Điều kiện tiến hành",
        "no_document": "chưa tìm được văn bản",
        "closing": ("Biên bản kiểm phiếu đã được đọc công khai tại hội nghị; Tổ kiểm phiếu nhất trí ký tên."),
        "board_sign": "TỔ KIỂM PHIẾU",
        "head_of_board": "TỔ TRƯỞNG",
        "members_sign": "CÁC THÀNH VIÊN",
        "sign_note": "(Ký, ghi rõ họ và tên)",
        "journal": "PHỤ LỤC: NHẬT KÝ NHẬP LIỆU",
        "journal_note": ("Mọi lần nhập vào tệp quy trình {process}, theo thứ tự; mã băm là của bản ghi trong sổ "
                         "kiểm toán, kiểm tra bằng lệnh «sangloc audit verify»."),
        "col_entry": "Mục", "col_at": "Thời điểm (UTC)", "col_by": "Người nhập", "col_what": "Nội dung",
        "col_replaces": "Thay cho", "col_hash": "Mã băm",
        "what_init": "Lập quy trình từ kết quả sàng lọc {source}: danh sách bước 1 gồm {count} người",
        "what_tally": "Bước {step}: {files}",
        "what_double": "nhập hai lần độc lập, trùng khớp",
        "what_ballots": "đếm từ {papers} phiếu ({file})",
        "what_reason": "lý do sửa: {reason}",
        "no_audit": "không ghi vào sổ",
        "footer": ("Lập bằng sangloc từ tệp quy trình {process}; bộ quy tắc {pack} phiên bản {version} ({digest})."),
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
        "summoned": "Summoned",
        "present": "Present",
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
        "basis": "IV. BASIS",
        "basis_body": "The sitting and its members",
        "basis_pass": "The share of votes",
        "basis_quorum": "The quorum",
        "no_document": "no document found",
        "closing": "These minutes were read out at the sitting; the counting board signs them.",
        "board_sign": "COUNTING BOARD",
        "head_of_board": "HEAD",
        "members_sign": "MEMBERS",
        "sign_note": "(Signature, full name)",
        "journal": "ANNEX: ENTRY JOURNAL",
        "journal_note": ("Every entry made in process file {process}, in order; the hash is that of the audit "
                         "store's record, checked by «sangloc audit verify»."),
        "col_entry": "Entry", "col_at": "Time (UTC)", "col_by": "Entered by", "col_what": "What",
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


def names_text(state: State, profile_ids, lang: str) -> str:
    names = state.names
    return ", ".join(f"{names.get(pid, pid)} ({pid})" for pid in profile_ids)


def flag_text(state: State, flag: Flag, lang: str) -> str:
    params = {**flag.params, "step": flag.step, "names": names_text(state, flag.profile_ids, lang),
              "body": label("body", state.section.step(flag.step).body, lang)}
    return message(f"flag_{flag.code}", lang, params)


def flag_basis(state: State, flag: Flag):
    """The citation a flag comes from."""
    spec = state.section.step(flag.step)
    return {"not_quorate": spec.quorum_basis, "tie_at_last_seat": state.section.ties,
            "report_to_higher_committee": spec.report_basis}.get(flag.code)


def _when(tally_date: str | None, lang: str) -> str:
    return long_date(date.fromisoformat(tally_date), lang) if tally_date else text(lang, "when_blank")


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
        at = datetime.fromisoformat(entry.at).strftime("%Y-%m-%d %H:%M:%S")
        rows.append([str(entry.entry), at, entry.by, what, str(entry.replaces) if entry.replaces else "—",
                     entry.audit_hash[:16] + "…" if entry.audit_hash else text(lang, "no_audit")])
    return rows


def build_minutes(state: State, sitting: Sitting, lang: str, options: MinutesOptions) -> Minutes:
    """The minutes of one sitting."""
    outcome, tally, step = sitting.outcome, sitting.tally, sitting.outcome.step
    spec = state.section.step(step)
    name = sitting_name(state, step, lang)
    venue = tally.place or text(lang, "place_blank")
    board = list(tally.counting_board)
    figures = [
        (text(lang, "summoned"), number(tally.summoned, lang)),
        (text(lang, "present"), number(tally.present, lang)),
        (text(lang, "quorum"), text(lang, "quorum_ok" if outcome.quorate else "quorum_short",
                                    present=number(tally.present, lang), summoned=number(tally.summoned, lang),
                                    quorum=share_text(outcome.quorum, lang),
                                    needed=number(outcome.quorum_needed, lang))),
        (text(lang, "issued"), number(tally.issued, lang)),
        (text(lang, "returned"), number(tally.returned, lang)),
        (text(lang, "valid"), number(tally.valid, lang)),
        (text(lang, "invalid"), number(tally.invalid, lang)),
    ]
    void = not outcome.quorate
    rows = [Row(r.rank, r.profile_id, r.full_name, number(r.votes, lang), percent(r.percent, lang),
                _result(r, void, lang),
                r.carried) for r in outcome.results]
    pass_rule = text(lang, "pass_rule", comparison=text(lang, "more_than" if outcome.strict else "at_least"),
                     share=share_text(outcome.share, lang),
                     denominator_label=label("denominator", outcome.denominator_kind, lang),
                     denominator=number(outcome.denominator, lang), needed=number(outcome.votes_needed, lang))
    if not outcome.denominator:
        pass_rule += " " + text(lang, "no_majority")
    following = step + 1 if step < state.last_step else None
    if void:
        carried = text(lang, "carried_void", step=step)
    elif following is None:
        carried = text(lang, "carried_final", names=names_text(state, outcome.carried, lang) or "—")
    elif not outcome.carried:
        carried = text(lang, "carried_none", step=following)
    else:
        carried = text(lang, "carried", step=following, sitting=sitting_name(state, following, lang),
                       names=names_text(state, outcome.carried, lang))
    if state.doc.seats and not void:
        carried += text(lang, "carried_seats", seats=state.doc.seats)
    source = (text(lang, "source_step1") if step == 2 else text(lang, "source_step", step=step - 1))
    basis = [(text(lang, "basis_body"), citation_lines(state, spec.basis, lang)),
             (text(lang, "basis_pass"), citation_lines(state, spec.pass_basis, lang)),
             (text(lang, "basis_quorum"), citation_lines(state, spec.quorum_basis, lang))]
    pack = state.doc.pack
    return Minutes(
        lang=lang, issuer=options.issuer, number=options.number,
        place_date=f"{options.place}, {_when(tally.date, lang)}",
        heading=text(lang, "heading"), subject=text(lang, "subject", subject=state.doc.subject.get(lang)),
        sitting=text(lang, "sitting", step=step, sitting=name,
                     again=text(lang, "again", number=sitting.number) if sitting.number > 1 else ""),
        opening=text(lang, "opening", when=_when(tally.date, lang), place=venue,
                     sitting=name[:1].lower() + name[1:] if lang == "en" else name, count=len(sitting.listed),
                     source=source, members=text(lang, "members", names=", ".join(board)) if board else ""),
        board=board, figures=figures, pass_rule=pass_rule, note=tally.note,
        invalid_reasons=[(label("ballot_reason", reason, lang), count) for reason, count in tally.invalid_reasons],
        rows=rows,
        passed=(text(lang, "passed", names=names_text(state, outcome.passed, lang)) if outcome.passed
                else text(lang, "passed_none")),
        carried=carried,
        flags=[(flag_text(state, f, lang), citation_lines(state, flag_basis(state, f), lang))
               for f in outcome.flags],
        basis=[(title, lines) for title, lines in basis if lines],
        closing=text(lang, "closing"),
        signers=_signers(board, lang),
        journal=journal_rows(state, lang, step),
        journal_note=text(lang, "journal_note", process=state.doc.id),
        footer=text(lang, "footer", process=state.doc.id, pack=pack.id, version=pack.version,
                    digest=pack.digest),
        sections=dict(_TEXT[lang]),
    )


def _result(result, void: bool, lang: str) -> str:
    if void:
        return text(lang, "void")
    if result.passed and not result.carried:
        return text(lang, "passed_beyond")
    return text(lang, "passed_yes" if result.passed else "passed_no")


def _signers(board: list[str], lang: str) -> list[tuple[str, str]]:
    """(title, name) of each signature block: the head of the board (the first named), then its members."""
    if not board:
        return [(text(lang, "members_sign"), ""), (text(lang, "head_of_board"), "")]
    return [(text(lang, "members_sign"), "; ".join(board[1:])), (text(lang, "head_of_board"), board[0])]


def sittings_for(state: State, step: int | None) -> list[Sitting]:
    """The sittings in effect (a correction replaces its entry; a new sitting after one below quorum does not)."""
    return [s for s in state.sittings if s.superseded_by is None and (step is None or s.outcome.step == step)]
