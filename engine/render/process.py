"""A process's status: candidates × steps with votes, percentages and pass
marks, as JSON (SPEC §6) and as text for a terminal; the overview every
document format starts with."""

from __future__ import annotations

from dataclasses import dataclass

from ..escape import one_line
from ..i18n import label
from ..jsonform import dumps
from ..run.process.recording import step_data
from ..run.process.state import State
from .minutes import citation_lines, provenance_lines, flag_basis, flag_text, number, percent, share_text, sitting_name


def status_data(state: State, lang: str) -> dict:
    """``process status --format json``: recorded steps, the list carried, the flags.

    Byte-identical for the same process file and tallies: the process id and the
    journal's times are left out (they are in the file and in the minutes)."""
    steps = []
    for step in sorted(state.current):
        data = step_data(state.current[step])
        data["results"] = [{"profile_id": r["profile_id"], "full_name": r["full_name"], "votes": r["votes"],
                            "percent": r["percent"], "passed": r["passed"], "rank": r["rank"],
                            "carried": r["carried"]} for r in data["results"]]
        data["sitting_name"] = sitting_name(state, step, lang)
        data["flags"] = [f["code"] for f in data["flags"]]
        steps.append(data)
    first = state.section.step(1)
    return {
        "post": state.doc.post.get(lang), "subject": state.doc.subject.get(lang), "track": state.doc.track,
        "seats": state.doc.seats, "pack": state.doc.pack.model_dump(),
        "step1": {"body": first.body, "sitting_name": sitting_name(state, 1, lang),
                  "candidates": [c.model_dump() for c in state.doc.candidates]},
        "steps": steps,
        "carried": state.carried,
        "next_step": state.next_step,
        "flags": [{"code": flag.code, "step": flag.step, "text": flag_text(state, flag, lang),
                   "profile_ids": list(flag.profile_ids),
                   "basis": citation_lines(state, flag_basis(state, flag), lang),
                   "provenance": provenance_lines(state, flag_basis(state, flag))}
                  for flag in state.flags],
    }


def status_json(state: State, lang: str) -> str:
    return dumps(status_data(state, lang))


@dataclass
class Overview:
    """Candidates × steps, as cells of text; shared by the terminal table and the documents."""

    headers: list[str]
    rows: list[list[str]]
    notes: list[str]
    flags: list[str]


def overview(state: State, lang: str) -> Overview:
    vi = lang == "vi"
    steps = range(1, state.last_step + 1)
    headers = [("Mã" if vi else "ID"), ("Họ và tên" if vi else "Full name")] + \
        [f"{'Bước' if vi else 'Step'} {n}" for n in steps]
    rows = []
    results = {step: {r.profile_id: r for r in sitting.outcome.results} for step, sitting in state.current.items()}
    for candidate in state.doc.candidates:
        row = [candidate.profile_id, candidate.full_name,
               "✓ " + label("admitted", candidate.admitted, lang)]
        for step in steps[1:]:
            sitting = state.current.get(step)
            result = results[step].get(candidate.profile_id) if sitting else None
            if result is None:
                row.append("—")
                continue
            mark = "✓" if result.passed else "✗"
            if sitting.outcome.quorate and result.passed and not result.carried:
                mark = "✓ (" + ("ngoài số lượng" if vi else "beyond the seats") + ")"
            row.append(f"{number(result.votes, lang)} ({percent(result.percent, lang)}) {mark}")
        rows.append(row)
    notes = []
    for step in sorted(state.current):
        outcome = state.current[step].outcome
        quorum = (("đủ điều kiện tiến hành" if vi else "quorate") if outcome.quorate
                  else ("KHÔNG đủ điều kiện tiến hành" if vi else "NOT quorate"))
        comparison = ("trên" if vi else "more than") if outcome.strict else ("từ" if vi else "at least")
        present, summoned = number(outcome.present, lang), number(outcome.summoned, lang)
        needed, whole = number(outcome.quorum_needed, lang), number(outcome.denominator, lang)
        votes, share = number(outcome.votes_needed, lang), share_text(outcome.share, lang)
        kind = label("denominator", outcome.denominator_kind, lang)
        notes.append(
            f"{'Bước' if vi else 'Step'} {step} · {sitting_name(state, step, lang)}: "
            + (f"có mặt {present}/{summoned} ({quorum}, tối thiểu {needed}); "
               f"đạt khi {comparison} {share} {kind} ({whole}): từ {votes} phiếu" if vi else
               f"{present} of {summoned} present ({quorum}, at least {needed}); "
               f"passes with {comparison} {share} of {kind} ({whole}): {votes} votes or more"))
    following = state.next_step
    names = state.names  # built once: a property that builds a dict, not to be called per candidate
    carried = ", ".join(f"{names.get(p, p)} ({p})" for p in state.carried) or "—"
    if following is None and state.current:
        notes.append(("Kết quả cuối cùng: " if vi else "Final result: ") + carried)
    elif state.current and not state.last_entry.outcome.quorate:
        notes.append((f"Bước {following} phải tổ chức lại (hội nghị không đủ điều kiện tiến hành)" if vi
                      else f"Step {following} must sit again (the sitting was not quorate)"))
    else:
        notes.append((f"Danh sách cho bước {following}: " if vi else f"List for step {following}: ") + carried)
    return Overview(headers, rows, notes, [flag_text(state, flag, lang) for flag in state.flags])


def status_table(state: State, lang: str) -> str:
    """The overview for a terminal: every text from the file on its one line, its controls shown."""
    vi = lang == "vi"
    view = overview(state, lang)
    seats = (f" · {'số lượng giới thiệu' if vi else 'seats'}: {state.doc.seats}" if state.doc.seats else "")
    lines = [one_line(f"{'QUY TRÌNH' if vi else 'PROCESS'} {state.doc.id} — {state.doc.subject.get(lang)}"),
             one_line(f"{'Bộ quy tắc' if vi else 'Rule pack'}: {state.doc.pack.id} "
                      f"({'phiên bản' if vi else 'version'} {state.doc.pack.version}){seats}"), ""]
    rows = [[one_line(cell) for cell in row] for row in [view.headers] + view.rows]
    widths = [max(len(cell) for cell in column) for column in zip(*rows)]
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())
    if not view.rows:
        lines.append("  " + ("(danh sách bước 1 không có ai)" if vi else "(the step-1 list is empty)"))
    lines += [""] + [one_line(note) for note in view.notes]
    if view.flags:
        lines += ["", "LƯU Ý:" if vi else "NOTE:"] + [f"  ! {one_line(flag)}" for flag in view.flags]
    return "\n".join(lines) + "\n"


def step_table(state: State, step: int, lang: str) -> str:
    """One sitting, as ``process record`` prints it once recorded."""
    vi = lang == "vi"
    sitting = state.current[step]
    outcome = sitting.outcome
    lines = [one_line(f"{'Bước' if vi else 'Step'} {step} · {sitting_name(state, step, lang)}"
                      + (f" ({'họp lần' if vi else 'sitting'} {sitting.number})" if sitting.number > 1 else ""))]
    for result in outcome.results:
        mark = ("✓" if result.passed else "✗") if outcome.quorate else "—"
        carried = " →" if result.carried else ""
        lines.append(f"  {result.rank:>2}. {result.profile_id:<10} {one_line(result.full_name):<24} "
                     f"{number(result.votes, lang):>6}  {percent(result.percent, lang):>8}  {mark}{carried}")
    lines += [one_line(overview(state, lang).notes[list(sorted(state.current)).index(step)])]
    lines += [f"  ! {one_line(flag_text(state, flag, lang))}" for flag in outcome.flags]
    return "\n".join(lines) + "\n"


def pack_process_lines(pack, lang: str) -> list[str]:
    """The steps a pack declares, with each figure's basis and provenance (``rules show``)."""
    from ..pack.process import DEFAULT_PROCESS

    vi = lang == "vi"
    section = pack.process or DEFAULT_PROCESS
    lines = [("các bước của quy trình:" if vi else "process steps:")
             + ("" if pack.process else (" mặc định, bộ quy tắc không khai báo" if vi else " the default, the pack declares none"))]

    def cited(name: str, citation) -> list[str]:
        if citation is None:
            return []
        basis = [pack.spec.documents[ref.document].cite(lang, ref.part) if ref.document in pack.spec.documents
                 else ref.document for ref in citation.basis]
        pad = " " * len(name)
        lines = [f"       {name}: {'; '.join(basis) or ('chưa tìm được văn bản' if vi else 'no document found')}"]
        lines += [f"       {pad}  {'xuất xứ' if vi else 'provenance'}: {source.line(pack.spec.readings)}"
                  for source in citation.provenance]
        return lines

    for n, step in enumerate(section.steps, start=1):
        name = step.sitting.get(lang) if step.sitting else label("body", step.body, lang)
        body = label("body", step.body, lang)
        lines.append(f"  {n}. {body}" + (f" — {name}" if name != body else ""))
        if n > 1:
            comparison = ("trên" if vi else "more than") if step.strict else ("từ" if vi else "at least")
            lines.append(f"       {'đạt khi' if vi else 'passes with'} {comparison} "
                         f"{share_text(step.share_fraction, lang)} {label('denominator', step.denominator, lang)}; "
                         f"{'đủ điều kiện khi có mặt từ' if vi else 'quorate with at least'} "
                         f"{share_text(step.quorum_fraction, lang)} "
                         f"{'số người được triệu tập' if vi else 'of those summoned'}"
                         + ((", nhập hai lần" if vi else ", keyed twice") if step.double_entry else ""))
        lines += cited("căn cứ" if vi else "basis", step.basis)
        lines += cited("tỷ lệ phiếu" if vi else "pass rule", step.pass_basis)
        lines += cited("điều kiện tiến hành" if vi else "quorum", step.quorum_basis)
        lines += cited("phiếu hợp lệ" if vi else "ballots", step.ballot.basis)
        if section.reports_if_differs(n):
            lines += cited("báo cáo cấp trên" if vi else "report", step.report_basis) or [
                f"       {'báo cáo cấp trên khi khác bước trước' if vi else 'reported when it differs from the step before'}"]
    lines += cited("bằng phiếu ở vị trí cuối" if vi else "ties at the last seat", section.ties)
    return lines


def status_xlsx(state: State, lang: str) -> bytes:
    """``process status --format xlsx``: the overview (candidates × steps) on a first sheet, its notes and
    flags under it, then one sheet per recorded step (rank, name, votes, share, result) with numbers as
    numbers; the same process file gives the same workbook."""
    from .minutes import members_of
    from .sheets import SheetColumn, new_workbook, table_sheet, workbook_bytes

    vi = lang == "vi"
    view = overview(state, lang)
    book = new_workbook()
    seats = (f" · {'số lượng giới thiệu' if vi else 'seats'}: {state.doc.seats}" if state.doc.seats else "")
    title = [f"{'QUY TRÌNH' if vi else 'PROCESS'} {state.doc.id} — {state.doc.subject.get(lang)}",
             f"{'Bộ quy tắc' if vi else 'Rule pack'}: {state.doc.pack.id} "
             f"({'phiên bản' if vi else 'version'} {state.doc.pack.version}){seats}"]
    columns = [SheetColumn(view.headers[0], min_width=10), SheetColumn(view.headers[1], min_width=18, max_width=28)]
    columns += [SheetColumn(header, min_width=12, max_width=36, wrap=True) for header in view.headers[2:]]
    notes = [[note] for note in view.notes] + [[("Lưu ý: " if vi else "Note: ") + flag] for flag in view.flags]
    sheet = table_sheet(book, "Kết quả" if vi else "Results", columns, view.rows, title_lines=title)
    first_free = sheet.max_row + 2
    for offset, (note,) in enumerate(notes):
        sheet.cell(first_free + offset, 1, note)
    for step in sorted(state.current):
        outcome = state.current[step].outcome
        void = not outcome.quorate
        rows = [[r.rank, r.profile_id, r.full_name, r.votes, round(r.percent / 100, 4) if r.percent is not None else None,
                 ("—" if void else ("Đạt" if vi else "Passes") if r.passed else ("Không đạt" if vi else "Does not pass")),
                 ("→" if r.carried else "")] for r in outcome.results]
        spec = state.section.step(step)
        members = members_of(spec.body, lang)[0]
        lines = [f"{'Bước' if vi else 'Step'} {step} · {sitting_name(state, step, lang)}",
                 (f"{members[:1].upper()}{members[1:]} " if not vi else f"Số {members} ")
                 + (f"được triệu tập: {outcome.summoned} · có mặt: {outcome.present}" if vi
                    else f"summoned: {outcome.summoned} · present: {outcome.present}")]
        step_sheet = table_sheet(book, f"{'Bước' if vi else 'Step'} {step}", [
            SheetColumn("Xếp thứ" if vi else "Rank", width=8, center=True),
            SheetColumn("Mã hồ sơ" if vi else "Profile id", min_width=10),
            SheetColumn("Họ và tên" if vi else "Full name", min_width=18, max_width=28),
            SheetColumn("Số phiếu" if vi else "Votes", width=10, center=True),
            SheetColumn("Tỷ lệ" if vi else "Share", width=10, number_format="0.00%"),
            SheetColumn("Kết quả" if vi else "Result", min_width=12),
            SheetColumn("Chuyển tiếp" if vi else "Carried", width=11, center=True)], rows, title_lines=lines)
        for row in step_sheet.iter_rows(min_row=len(lines) + 3, min_col=5, max_col=5):
            for cell in row:
                cell.number_format = "0.00%"
    return workbook_bytes(book)  # a text from the process file is a text, never a formula
