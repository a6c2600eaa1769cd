"""A recorded process decided again (``sangloc audit replay P-…``): every step
recomputed from the tallies the store kept and the steps of the pack whose
content it kept, whatever the process file or ``rules/`` hold today."""

from __future__ import annotations

import sqlite3

from ...errors import AuditError
from ...jsonform import canonical
from ...pack.load import pack_from_content
from ...pack.process import DEFAULT_PROCESS
from .. import audit
from .recording import person_outcomes, step_data
from .state import Entry, ProcessDoc, apply, compute, entry_problem


def replay_process(db: sqlite3.Connection, process_id: str) -> tuple[dict, int, list[tuple[str, str]]]:
    """(process header, steps replayed, [(where, what differs)])."""
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
            differences.append(("*", f"pack content digest {pack.digest} != {doc.pack.digest}"))
        section = pack.process or DEFAULT_PROCESS
        if canonical(section.model_dump(mode="json", exclude_none=True)) != canonical(doc.process):
            differences.append(("*", "the process steps recorded at init differ from the stored pack's"))
    stored_people: dict[int, list] = {}
    for profile_id, record in audit.process_outcomes(db, process_id):
        stored_people.setdefault(record["entry"], []).append((profile_id, record))
    steps = 0
    state = compute(doc)  # the journal as started: the init entry
    for stored in audit.process_entries(db, process_id):
        entry = Entry.model_validate(stored["entry"])
        if entry.entry != len(doc.journal) + 1:
            differences.append((f"entry {entry.entry}", f"entries {len(doc.journal) + 1}–{entry.entry - 1} are not "
                                "in the store (recorded with --no-audit): the steps from here cannot be recomputed"))
            break
        problem = entry_problem(state, entry)
        if problem is not None and "detail" in problem:  # nothing after it can be recomputed
            differences.append((f"entry {entry.entry}", problem["detail"]))
            break
        if problem is not None:
            differences.append((f"entry {entry.entry}", problem["problem"].text("en")))
            if problem["problem"].code.startswith(("tally_order", "tally_candidate")):
                break  # out of order, or not the list it was voted on: the steps from here cannot be recomputed
        doc.journal.append(entry)
        apply(state, entry)
        sitting = state.current[entry.step]
        steps += 1
        again = step_data(sitting)
        if canonical(again) != canonical(stored["outcome"]):
            keys = sorted(k for k in set(again) | set(stored["outcome"]) if again.get(k) != stored["outcome"].get(k))
            differences.append((f"entry {entry.entry} (step {entry.step})", f"{', '.join(keys)} differ"))
        people = person_outcomes(state, sitting)
        if canonical(people) != canonical(stored_people.get(entry.entry, [])):
            differences.append((f"entry {entry.entry} (step {entry.step})", "the outcome of a person differs"))
    return header, steps, differences
