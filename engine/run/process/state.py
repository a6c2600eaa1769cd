"""The process file, and the state of a process computed from it.

A process file (JSON, written by ``sangloc process init``) holds what the
process was started from — the pack's steps with their basis, the post, the
seats, the screening and the step-1 list with how each person came on it —
and a journal: every entry made since, in order (who, when, from which
files, what it replaced). Nothing computed is stored as truth: the state of
every step is recomputed from the journal each time it is read
(:func:`compute`), so the file, ``process status`` and ``audit replay`` cannot
disagree about what follows from the tallies.

Only the last entry in effect may be corrected (its correction names it in
``replaces``): every later step voted on the list it carried.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ...errors import InputFileError, Problem
from ...pack.process import ProcessSection
from .outcome import Flag, StepOutcome, decide_step
from .tally import Tally

FORMAT = "sangloc-process/1"
FIRST_TALLIED = 2
#: How long an entry waits for another one writing the same process file (as the audit store waits).
LOCK_TIMEOUT_S = 60


class _Doc(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Candidate(_Doc):
    profile_id: str
    full_name: str
    #: The screening's verdict.
    verdict: str
    #: How the person came on the step-1 list: eligible, or cleared by the step-1 meeting.
    admitted: Literal["eligible", "cleared"]


class Cleared(_Doc):
    """The step-1 meeting's record of those it cleared."""

    by: str
    on: str
    record: str | None = None
    note: str | None = None


class Screening(_Doc):
    #: A file path, or "run <id>" of the audit store.
    source: str
    kind: Literal["file", "run"]
    sha256: str | None = None
    run_id: str | None = None
    as_of: str | None = None
    ruleset: dict = {}


class SheetRef(_Doc):
    file: str
    sha256: str
    clerk: str | None = None


class Entry(_Doc):
    """One entry of the journal."""

    entry: int
    kind: Literal["init", "tally"]
    at: str
    by: str
    step: int | None = None
    sheets: list[SheetRef] = []
    ballots: dict | None = None
    replaces: int | None = None
    reason: str | None = None
    tally: dict | None = None
    #: The hash of the audit record that holds this entry; None with --no-audit.
    audit_hash: str | None = None


class ProcessDoc(_Doc):
    format: Literal["sangloc-process/1"]
    id: str
    post: dict
    subject: dict
    track: str
    seats: int | None = None
    summoned: dict[str, int] = {}
    pack: dict
    process: dict
    process_declared: bool
    #: The official documents and the readings the process section cites, as the pack held them.
    documents: dict[str, dict] = {}
    readings: dict[str, dict] = {}
    screening: Screening
    candidates: list[Candidate]
    cleared: Cleared | None = None
    journal: list[Entry]

    def section(self) -> ProcessSection:
        return ProcessSection.model_validate(self.process)


@contextmanager
def exclusive(path: str):
    """Hold the process file against another entry, from reading it to replacing it.

    The lock is on the file itself; as a new entry replaces the file (a new
    inode), a waiter that wakes on the old one tries again. Where there is no
    ``fcntl`` the command's check that the file did not change is all there is."""
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError as err:
            raise InputFileError("process_unreadable", {"path": path, "reason": err.strerror or str(err)}) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another entry holds it: wait, but never forever
            os.close(fd)
            if time.monotonic() > deadline:
                raise InputFileError("process_busy", {"path": path, "seconds": LOCK_TIMEOUT_S}) from None
            time.sleep(0.05)
            continue
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except OSError:
            same = False
        if same:
            break
        os.close(fd)
    try:
        yield
    finally:
        os.close(fd)  # closing releases the lock


def read(path: str) -> tuple[ProcessDoc, str]:
    """The process file and its text (to detect a concurrent change before writing);
    a file whose journal no longer holds together (edited by hand) is refused."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except (OSError, UnicodeDecodeError) as err:
        raise InputFileError("process_unreadable", {"path": path, "reason": getattr(err, "strerror", None)
                                                    or str(err)}) from None
    try:
        doc = ProcessDoc.model_validate(json.loads(text))
        doc.section()
    except (ValueError, ValidationError) as err:
        reason = str(err).splitlines()[0]
        if isinstance(err, ValidationError):
            first = err.errors(include_url=False)[0]
            reason = ".".join(str(p) for p in first["loc"]) + ": " + first["msg"]
        raise InputFileError("process_not_a_process", {"path": path, "reason": reason}) from None
    broken = journal_problem(doc)
    if broken:
        raise InputFileError("process_journal_broken", {"path": path, **broken})
    return doc, text


def text_of(doc: ProcessDoc) -> str:
    from ...jsonform import dumps

    return dumps(doc.model_dump(mode="json"))


@dataclass
class Sitting:
    """One tally entry and what follows from it."""

    entry: Entry
    tally: Tally
    outcome: StepOutcome
    #: The step's list when it sat: (id, name), in order.
    listed: list[tuple[str, str]]
    #: 1 for the first sitting of its step, 2 for a new sitting after one below quorum …
    number: int
    superseded_by: int | None = None


@dataclass
class State:
    doc: ProcessDoc
    section: ProcessSection
    step1: list[tuple[str, str]]
    sittings: list[Sitting] = field(default_factory=list)
    #: The sitting in effect for each step.
    current: dict[int, Sitting] = field(default_factory=dict)

    @property
    def last_step(self) -> int:
        return len(self.section.steps)

    @property
    def names(self) -> dict[str, str]:
        return dict(self.step1)

    def listed(self, step: int) -> list[tuple[str, str]]:
        """The list voted on at ``step``: what the step before carried (step 1's list for step 2)."""
        if step <= FIRST_TALLIED:
            return list(self.step1)
        before = self.current.get(step - 1)
        names = self.names
        return [(pid, names.get(pid, "")) for pid in before.outcome.carried] if before else []

    @property
    def next_step(self) -> int | None:
        """The step to record next: the first with no sitting in effect, or whose sitting was below quorum."""
        for step in range(FIRST_TALLIED, self.last_step + 1):
            sitting = self.current.get(step)
            if sitting is None or not sitting.outcome.quorate:
                return step
        return None

    @property
    def last_entry(self) -> Sitting | None:
        """The latest sitting in effect, the only one a correction may replace."""
        live = [s for s in self.sittings if s.superseded_by is None]
        return live[-1] if live else None

    @property
    def carried(self) -> list[str]:
        """What the latest sitting carried (nobody after one below quorum); step 1's list before any."""
        last = self.last_entry
        return list(last.outcome.carried) if last else [pid for pid, _ in self.step1]

    @property
    def flags(self) -> list[Flag]:
        return [flag for step in sorted(self.current) for flag in self.current[step].outcome.flags]


def compute(doc: ProcessDoc) -> State:
    """Every step's outcome, from the step-1 list and the journal."""
    section = doc.section()
    state = State(doc, section, [(c.profile_id, c.full_name) for c in doc.candidates])
    for entry in doc.journal:
        if entry.kind != "tally" or entry.tally is None:
            continue
        tally = Tally.from_dict(entry.tally)
        step = entry.step
        if entry.replaces is not None:
            for sitting in state.sittings:
                if sitting.entry.entry == entry.replaces:
                    sitting.superseded_by = entry.entry
        listed = state.listed(step)
        previous = state.current.get(step)
        number = 1 if previous is None else previous.number + (0 if entry.replaces is not None else 1)
        sitting = Sitting(entry, tally, decide_step(section, step, listed, tally, doc.seats), listed, number)
        state.sittings.append(sitting)
        state.current[step] = sitting
    return state


def journal_problem(doc: ProcessDoc) -> dict | None:
    """The first entry of the journal whose tally does not hold together on the list it was voted on."""
    from .tally import check

    replay = doc.model_copy(update={"journal": []})
    for entry in doc.journal:
        if entry.kind == "tally":
            try:
                tally = Tally.from_dict(entry.tally or {})
                listed = compute(replay).listed(entry.step)
            except (KeyError, TypeError, AttributeError, ValueError, IndexError) as err:
                return {"entry": entry.entry, "detail": f"{type(err).__name__}: {err}"}
            problems = check(tally, entry.step, listed, "")
            if problems:
                return {"entry": entry.entry, "detail": problems[0].text("vi")}
        replay.journal.append(entry)
    return None


def order_problems(state: State, step: int, replaces: int | None) -> list[Problem]:
    """Why ``step`` may not be recorded now (SPEC §6: the next step, or a step below quorum again)."""
    if replaces is not None:
        return []
    following = state.next_step
    if following is None:
        last = state.current[state.last_step]
        return [Problem("step", "tally_order_finished", {"last": state.last_step, "entry": last.entry.entry})]
    if step < following:
        return [Problem("step", "tally_order_done", {"step": step, "entry": state.current[step].entry.entry})]
    if step > following:
        return [Problem("step", "tally_order_early", {"step": step, "next": following})]
    return []
