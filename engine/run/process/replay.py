"""A recorded process decided again (``sangloc audit replay P-…``): every step
recomputed from the tallies the store kept and the steps of the pack whose
content it kept, whatever the process file or ``rules/`` hold today."""

from __future__ import annotations

import sqlite3

from ...errors import AuditError, Problem
from ...escape import one_line
from ...i18n import message
from ...jsonform import canonical
from ...pack.load import pack_from_content
from ...pack.process import DEFAULT_PROCESS
from .. import audit
from .recording import person_outcomes, step_data
from .state import Entry, ProcessDoc, apply, compute, entry_problem


#: The figures of a step's outcome, as an auditor reads them when a recomputed one differs.
_FIGURES = {
    "step": ("bước", "the step"), "body": ("hội nghị", "the body"), "sitting": ("lần bỏ phiếu", "the sitting"),
    "entry": ("số mục", "the entry number"), "quorate": ("đủ số người có mặt hay không", "whether it was quorate"),
    "summoned": ("số người được triệu tập", "the number summoned"), "present": ("số người có mặt", "the number present"),
    "quorum": ("tỷ lệ có mặt cần có", "the quorum"), "quorum_needed": ("số người có mặt cần có", "the number needed present"),
    "share": ("tỷ lệ phiếu cần đạt", "the share of votes needed"),
    "strict": ("cách tính ngưỡng (trên hay từ)", "whether the share must be exceeded"),
    "denominator_kind": ("cơ sở tính tỷ lệ", "what the percentage is of"),
    "denominator": ("số làm cơ sở tính tỷ lệ", "the base of the percentage"),
    "votes_needed": ("số phiếu cần đạt", "the votes needed"),
    "results": ("số phiếu, tỷ lệ và thứ tự của từng người", "each person's votes, percentage and rank"),
    "passed": ("danh sách người đạt", "who passed"), "carried": ("danh sách người được chuyển sang bước sau", "who goes on"),
    "flags": ("các điểm cần báo cáo", "the points to report"),
}


def _where(lang: str, entry: int | None = None, step: int | None = None) -> str:
    vi = lang == "vi"
    if entry is None:
        return "bộ quy tắc và các bước của quy trình" if vi else "the rule pack and the process steps"
    text = f"mục {entry}" if vi else f"entry {entry}"
    return text if step is None else text + (f" (bước {step})" if vi else f" (step {step})")


def replay_process(db: sqlite3.Connection, process_id: str, lang: str = "vi") -> tuple[dict, int, list[tuple[str, str]]]:
    """(process header, steps replayed, [(where, what differs)]), said in ``lang``."""
    vi = lang == "vi"
    header = audit.process_header(db, process_id)
    doc = ProcessDoc.model_validate(header["document"])
    differences: list[tuple[str, str]] = []
    try:
        content = audit.pack_content(db, doc.pack.digest)
    except AuditError:  # a process started with --no-audit: its steps are those the file recorded
        content = None
    if content is not None:
        pack = pack_from_content(content, f"<{doc.pack.id} {doc.pack.version}>")
        if pack.digest != doc.pack.digest:
            differences.append((_where(lang), (
                f"nội dung bộ quy tắc đã lưu có mã băm {pack.digest}, khác mã {doc.pack.digest} quy trình ghi" if vi
                else f"the stored pack's content digest is {pack.digest}, not the {doc.pack.digest} the process names")))
        section = pack.process or DEFAULT_PROCESS
        if canonical(section.model_dump(mode="json", exclude_none=True)) != canonical(doc.process):
            differences.append((_where(lang), (
                "các bước ghi khi lập quy trình khác các bước của bộ quy tắc đã lưu" if vi
                else "the process steps recorded at init differ from the stored pack's")))
    stored_people: dict[int, list] = {}
    for profile_id, record in audit.process_outcomes(db, process_id):
        stored_people.setdefault(record["entry"], []).append((profile_id, record))
    steps = 0
    state = compute(doc)  # the journal as started: the init entry
    for stored in audit.process_entries(db, process_id):
        entry = Entry.model_validate(stored["entry"])
        if entry.entry != len(doc.journal) + 1:
            first, last = len(doc.journal) + 1, entry.entry - 1
            differences.append((_where(lang, entry.entry), (
                f"các mục {first}–{last} không có trong sổ (ghi với --no-audit): từ đây không tính lại được" if vi
                else f"entries {first}–{last} are not in the store (recorded with --no-audit): "
                     "the steps from here cannot be recomputed")))
            break
        problem = entry_problem(state, entry)
        if problem is not None:
            found: Problem = problem["problem"]
            differences.append((_where(lang, entry.entry, entry.step), message(found.code, lang, found.params)))
            if problem.get("fatal") or found.code.startswith(("tally_order", "tally_candidate")):
                break  # out of order, or not the list it was voted on: the steps from here cannot be recomputed
        doc.journal.append(entry)
        apply(state, entry)
        sitting = state.current[entry.step]
        steps += 1
        again = step_data(sitting)
        if canonical(again) != canonical(stored["outcome"]):
            keys = sorted(k for k in set(again) | set(stored["outcome"]) if again.get(k) != stored["outcome"].get(k))
            words = [_FIGURES[k][0 if vi else 1] if k in _FIGURES else one_line(k) for k in keys]
            differences.append((_where(lang, entry.entry, entry.step), (
                "tính lại ra khác kết quả đã lưu ở: " if vi else "recomputed, these differ from the stored outcome: ")
                + "; ".join(words)))
        people = person_outcomes(state, sitting)
        if canonical(people) != canonical(stored_people.get(entry.entry, [])):
            differences.append((_where(lang, entry.entry, entry.step), (
                "kết quả của một người khác kết quả đã lưu" if vi else "the outcome of a person differs")))
    return header, steps, differences
