"""One tally entry prepared for the journal (``sangloc process record``).

Everything is checked before anything is computed or recorded: the step is
in range and due (or a sitting below quorum sits again, or a correction
names the entry it replaces), the pack's double entry is honoured and both
entries agree, counted papers agree with the sheet, and the figures hold
together (``tally.py``). A refusal lists every problem at once.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone

from pydantic import ValidationError

from ...errors import Problem, TallyRefused, UsageError
from ...escape import one_line
from .ballots import count_papers
from .sheet import Sheet, read_sheet
from .state import FIRST_TALLIED, MAX_ENTRIES, BallotsRef, Entry, SheetRef, State, order_problems
from .tally import build, check, merge


def _located(problem: Problem, sheets: list[Sheet]) -> Problem:
    """A problem of merged figures pointed at the sheet and line that wrote the field (the first that did)."""
    if problem.line is not None:
        return problem
    for sheet in sheets:
        if problem.loc in sheet.lines:
            return replace(problem, file=sheet.source, line=sheet.lines[problem.loc])
    return problem


def check_step(state: State, step: int) -> None:
    """A step outside those whose ballots are recorded is a usage error (SPEC §6)."""
    if not FIRST_TALLIED <= step <= state.last_step:
        raise UsageError("process_step_outside", {"step": step, "first": FIRST_TALLIED, "last": state.last_step})


def prepare(state: State, step: int, tallies: list[str], ballots: str | None, replaces: int | None,
            reason: str | None, by: str, now: datetime | None = None) -> Entry:
    """The journal entry for a sitting of ``step``, or :class:`TallyRefused` naming every problem."""
    check_step(state, step)
    if len(state.doc.journal) >= MAX_ENTRIES:
        raise UsageError("process_journal_full", {"max": MAX_ENTRIES})
    spec = state.section.step(step)
    if not tallies:
        raise UsageError("process_needs_tally", {})
    if len(tallies) > 2:
        raise UsageError("process_too_many_tallies", {})
    if spec.double_entry and len(tallies) < 2:
        raise UsageError("process_double_entry_required", {"step": step})
    if replaces is not None:
        last = state.last_entry
        if last is None or last.entry.entry != replaces:
            raise UsageError("process_replaces_not_last", {"value": replaces,
                                                           "last": last.entry.entry if last else "—"})
        if last.entry.step != step:
            raise UsageError("process_replaces_step", {"value": replaces, "other": last.entry.step, "step": step})
        if not (reason or "").strip():
            raise UsageError("process_replaces_needs_reason", {})
    source = " + ".join(tallies + ([ballots] if ballots else []))
    problems = order_problems(state, step, replaces)
    if problems:
        raise TallyRefused(step, source, problems)
    listed = state.listed(step)
    sheets = [read_sheet(path) for path in tallies]
    problems = [p for sheet in sheets for p in sheet.problems]
    counted = None
    if ballots:
        counted, found = count_papers(ballots, step, [pid for pid, _ in listed], spec.ballot, state.doc.seats)
        problems += found
    if problems:
        raise TallyRefused(step, source, problems)
    fields, problems = merge(sheets, counted.fields if counted else None, ballots or "")
    if problems:
        raise TallyRefused(step, source, [_located(p, sheets) for p in problems])
    tally, problems = build(fields, step, source)
    if tally is not None:
        declared = state.doc.summoned.get(str(step))
        problems = check(tally, step, listed, source, declared)
    if problems:
        raise TallyRefused(step, source, [_located(p, sheets) for p in problems])
    now = now or datetime.now(timezone.utc)
    try:
        return Entry(
            entry=len(state.doc.journal) + 1, kind="tally", at=now.isoformat(timespec="seconds"), by=by, step=step,
            sheets=[SheetRef(file=s.source, sha256=s.sha256, clerk=s.clerk) for s in sheets],
            ballots=BallotsRef(file=counted.source, sha256=counted.sha256, papers=counted.papers) if counted else None,
            replaces=replaces, reason=" ".join(reason.split()) if replaces is not None and reason else None,
            tally=tally.as_dict(),
        )
    except ValidationError as err:  # a bound of the process file the checks above did not name
        first = err.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise TallyRefused(step, source, [Problem(where, "tally_not_storable", {"reason": one_line(first["msg"])})]) \
            from None
