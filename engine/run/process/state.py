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
import re
import stat
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ...errors import InputFileError, Problem, UsageError
from ...escape import one_line
from ...pack.process import ProcessSection
from ...profile.reading import MAX_DEPTH, deep_path, no_duplicate_pairs, odd_values, read_text
from .outcome import Flag, StepOutcome, decide_step
from .tally import Tally

FORMAT = "sangloc-process/1"
FIRST_TALLIED = 2
#: How long an entry waits for another one writing the same process file (as the audit store waits).
LOCK_TIMEOUT_S = 60
#: Bounds on what a process file may hold (it is read whole, and every step is recomputed from
#: it each time): far above any real process, and a cap on what a file edited by hand can cost.
MAX_PROCESS_BYTES = 16 * 1024 * 1024
MAX_CANDIDATES = 10_000
#: Entries of the journal: a process of five steps with its corrections and new sittings makes a
#: dozen; each sitting's minutes list its step's entries, so this also bounds what they print.
MAX_ENTRIES = 100
MAX_STEPS = 20
MAX_COUNT = 10 ** 12 - 1


def _iso_day(value: str) -> str:
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value, re.ASCII):
        raise ValueError("not a date written YYYY-MM-DD")
    date.fromisoformat(value)
    return value


def _iso_time(value: str) -> str:
    datetime.fromisoformat(value)
    return value


#: A text of the file: a name, a note, a file name (shown escaped wherever it is written).
Name = Annotated[str, Field(max_length=300)]
Text = Annotated[str, Field(max_length=4000)]
PathText = Annotated[str, Field(max_length=4096)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]
Day = Annotated[str, Field(max_length=10), AfterValidator(_iso_day)]
Moment = Annotated[str, Field(max_length=40), AfterValidator(_iso_time)]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
#: A profile id as a profile writes it (engine/profile/model.py).
ProfileId = Annotated[str, Field(pattern=r"^[\w.\-]{1,64}$")]


class _Doc(BaseModel):
    # Strict: a count written "120", a flag written 1, a name written as a list is refused, not coerced.
    model_config = ConfigDict(extra="forbid", strict=True)


class Words(_Doc):
    """A text in both languages (the post, the subject)."""

    vi: Text
    en: Text

    def get(self, lang: str) -> str:
        return self.vi if lang == "vi" else self.en


class PackRef(_Doc):
    id: Annotated[str, Field(min_length=1, max_length=200)]
    version: Annotated[str, Field(min_length=1, max_length=200)]
    digest: Annotated[str, Field(pattern=r"^sha256:[0-9a-f]{64}$")]


class Candidate(_Doc):
    profile_id: ProfileId
    full_name: Name
    #: The screening's verdict.
    verdict: Literal["eligible", "review", "ineligible"]
    #: How the person came on the step-1 list: eligible, or cleared by the step-1 meeting.
    admitted: Literal["eligible", "cleared"]


class Cleared(_Doc):
    """The step-1 meeting's record of those it cleared."""

    by: Name
    on: Day
    record: Text | None = None
    note: Text | None = None


class Screening(_Doc):
    #: A file path, or "run <id>" of the audit store.
    source: PathText
    kind: Literal["file", "run"]
    sha256: Sha256 | None = None
    run_id: Annotated[str, Field(max_length=64)] | None = None
    as_of: Day | None = None
    ruleset: dict[Literal["id", "version", "digest"], Annotated[str, Field(max_length=200)]] = {}


class SheetRef(_Doc):
    file: PathText
    sha256: Sha256
    clerk: Text | None = None


class BallotsRef(_Doc):
    file: PathText
    sha256: Sha256
    papers: Count


class BallotFigures(_Doc):
    issued: Count
    returned: Count
    valid: Count
    invalid: Count
    invalid_reasons: Annotated[dict[Text, Count], Field(max_length=1000)] = {}


class TallyDoc(_Doc):
    """A tally as the journal stores it (the sheet's own layout, SPEC §6)."""

    step: Annotated[int, Field(ge=FIRST_TALLIED, le=MAX_STEPS)]
    summoned: Count
    present: Count
    ballots: BallotFigures
    votes: Annotated[dict[ProfileId, Count], Field(max_length=MAX_CANDIDATES)]
    date: Day | None = None
    place: Text | None = None
    note: Text | None = None
    counting_board: Annotated[list[Text], Field(max_length=100)] = []


class Entry(_Doc):
    """One entry of the journal."""

    entry: Annotated[int, Field(ge=1, le=MAX_ENTRIES)]
    kind: Literal["init", "tally"]
    at: Moment
    by: Name
    step: Annotated[int, Field(ge=FIRST_TALLIED, le=MAX_STEPS)] | None = None
    sheets: Annotated[list[SheetRef], Field(max_length=2)] = []
    ballots: BallotsRef | None = None
    replaces: Annotated[int, Field(ge=1, le=MAX_ENTRIES)] | None = None
    reason: Text | None = None
    tally: dict | None = None
    #: The hash of the audit record that holds this entry; None with --no-audit.
    audit_hash: Sha256 | None = None

    @field_validator("tally")
    @classmethod
    def _tally(cls, value):
        # Kept as the dict it is (the stored form is the sheet's layout), checked as a TallyDoc.
        if value is not None:
            TallyDoc.model_validate(value)
        return value

    @model_validator(mode="after")
    def _shape(self):
        if self.kind == "tally" and (self.step is None or self.tally is None or not self.sheets):
            raise ValueError("a tally entry needs its step, its sheets and its tally")
        if self.kind == "tally" and self.tally["step"] != self.step:
            raise ValueError(f"the entry is step {self.step} but its tally says step {self.tally['step']}")
        if self.kind == "init" and (self.step is not None or self.tally is not None or self.sheets
                                    or self.replaces is not None):
            raise ValueError("the init entry records no tally")
        if self.replaces is not None and self.replaces >= self.entry:
            raise ValueError(f"entry {self.entry} cannot replace entry {self.replaces}, which comes after it")
        return self


class ProcessDoc(_Doc):
    format: Literal["sangloc-process/1"]
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$")]
    post: Words
    subject: Words
    track: Annotated[str, Field(max_length=100)]
    seats: Annotated[int, Field(ge=1, le=1000)] | None = None
    summoned: dict[Annotated[str, Field(pattern=r"^[0-9]{1,2}$")], Count] = {}
    pack: PackRef
    process: dict
    process_declared: bool
    #: The official documents and the readings the process section cites, as the pack held them.
    documents: dict[Annotated[str, Field(max_length=200)], dict] = {}
    readings: dict[Annotated[str, Field(max_length=200)], dict] = {}
    screening: Screening
    candidates: Annotated[list[Candidate], Field(max_length=MAX_CANDIDATES)]
    cleared: Cleared | None = None
    journal: Annotated[list[Entry], Field(min_length=1, max_length=MAX_ENTRIES)]

    def section(self) -> ProcessSection:
        return ProcessSection.model_validate(self.process)

    @field_validator("documents")
    @classmethod
    def _documents(cls, value):
        from ...pack.model import Document

        for document in value.values():
            Document.model_validate(document)
        return value

    @field_validator("readings")
    @classmethod
    def _readings(cls, value):
        from ...pack.model import Reading

        for reading in value.values():
            Reading.model_validate(reading)
        return value

    @model_validator(mode="after")
    def _whole(self):
        seen = set()
        for candidate in self.candidates:
            if candidate.profile_id in seen:
                raise ValueError(f"candidates: {candidate.profile_id} is listed twice")
            seen.add(candidate.profile_id)
        for number, entry in enumerate(self.journal, start=1):
            if entry.entry != number:
                raise ValueError(f"journal: entry {entry.entry} stands at place {number}")
            if (entry.kind == "init") != (number == 1):
                raise ValueError(f"journal: entry {number} is {entry.kind}; only the first entry starts the process")
        return self


def process_path(file: str) -> str:
    """The process file a command names, as the file itself (links and /dev/fd names
    resolved): a regular file, or a usage error saying what it is instead."""
    real = os.path.realpath(file)
    try:
        info = os.stat(real)
    except OSError as err:
        raise InputFileError("process_unreadable", {"path": one_line(file), "reason": err.strerror or str(err)}) \
            from None
    if not stat.S_ISREG(info.st_mode):
        raise UsageError("process_not_regular", {"path": one_line(file)})
    return real


@contextmanager
def exclusive(path: str, shown: str | None = None):
    """Hold the process file against another entry, from reading it to replacing it.

    The lock is on the file itself; as a new entry replaces the file (a new
    inode), a waiter that wakes on the old one tries again. Where there is no
    ``fcntl`` the command's check that the file did not change is all there is.
    Opening never waits: a FIFO put in the file's place is refused, not waited on."""
    shown = one_line(shown or path)
    try:
        import fcntl
    except ImportError:  # not POSIX
        yield
        return
    deadline = time.monotonic() + LOCK_TIMEOUT_S
    while True:
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except OSError as err:
            raise InputFileError("process_unreadable", {"path": shown, "reason": err.strerror or str(err)}) from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise UsageError("process_not_regular", {"path": shown})
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # another entry holds it: wait, but never forever
            os.close(fd)
            if time.monotonic() > deadline:
                raise InputFileError("process_busy", {"path": shown, "seconds": LOCK_TIMEOUT_S}) from None
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


class _Unreadable(InputFileError):
    """The process file cannot be read at all; the reason is a message of its own."""

    def __init__(self, path: str, reason: InputFileError):
        self.reason = reason
        super().__init__("process_unreadable", {"path": path, "reason": reason.text("en")})

    def text(self, lang: str = "vi") -> str:
        from ...i18n import message

        return message("process_unreadable", lang, {**self.params, "reason": self.reason.text(lang)})


def _json_number(text: str) -> int:
    """A JSON integer; one of more digits than any figure of a process is refused by its length
    (Python would refuse to read one of 4,300 digits with a message about itself)."""
    if len(text) > 20:
        raise ValueError(f"a number of {len(text)} digits")
    return int(text)


def _reject_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def _reason(err: ValidationError) -> str:
    first = err.errors(include_url=False)[0]
    where = ".".join(str(p) for p in first["loc"])
    return one_line(f"{where}: {first['msg']}" if where else first["msg"])[:300]


def read(path: str, shown: str | None = None) -> tuple[ProcessDoc, str]:
    """The process file and its text (to detect a concurrent change before writing);
    a file that is not one (wrong types, too large, too deep, broken characters) or
    whose journal no longer holds together (edited by hand) is refused."""
    shown = one_line(shown or path)
    try:
        text = read_text(path, MAX_PROCESS_BYTES)
    except InputFileError as err:
        raise _Unreadable(shown, err) from None
    except OSError as err:
        raise InputFileError("process_unreadable", {"path": shown, "reason": err.strerror or str(err)}) from None
    try:
        try:
            data = json.loads(text, object_pairs_hook=no_duplicate_pairs, parse_constant=_reject_constant,
                              parse_int=_json_number)
        except RecursionError:
            raise ValueError(f"nested deeper than {MAX_DEPTH} levels") from None
        deep = deep_path(data, MAX_DEPTH)
        if deep is not None:
            raise ValueError(f"{'.'.join(map(str, deep))}: nested deeper than {MAX_DEPTH} levels")
        odd = odd_values(data)
        if odd:
            where, code, params = odd[0]
            raise ValueError(f"{'.'.join(map(str, where))}: lone surrogate U+{params.get('code')}")
        doc = ProcessDoc.model_validate(data)
        section = doc.section()
        if len(section.steps) > MAX_STEPS:
            raise ValueError(f"process.steps: more than {MAX_STEPS} steps")
        late = [key for key in doc.summoned if not FIRST_TALLIED <= int(key) <= len(section.steps)]
        if late:
            raise ValueError(f"summoned: step {late[0]} is not one whose ballots are recorded")
    except ValidationError as err:
        raise InputFileError("process_not_a_process", {"path": shown, "reason": _reason(err)}) from None
    except ValueError as err:
        raise InputFileError("process_not_a_process", {"path": shown, "reason": one_line(err)[:300]}) from None
    broken = journal_problem(doc)
    if broken:
        raise _JournalBroken(shown, broken)
    return doc, text


class _JournalBroken(InputFileError):
    """The journal no longer holds together; what is wrong is said in the message's language."""

    def __init__(self, path: str, broken: dict):
        self.problem = broken["problem"]
        detail = self.problem.text("en")
        super().__init__("process_journal_broken", {"path": path, "entry": broken["entry"], "detail": detail})

    def text(self, lang: str = "vi") -> str:
        from ...i18n import message

        detail = one_line(self.problem.text(lang))
        return message(self.code, lang, {**self.params, "detail": detail})


def unchanged(path: str, original: str) -> bool:
    """Whether the process file still reads as ``original`` (read as :func:`read` reads it: a
    file saved with CRLF line ends or a byte-order mark compares with itself)."""
    try:
        return read_text(path, MAX_PROCESS_BYTES) == original
    except (InputFileError, OSError):
        return False


def read_by(doc: ProcessDoc) -> list[str]:
    """The files the process was made from, as the journal names them: its screening, its
    tally sheets and files of papers (never an output's place)."""
    files = [doc.screening.source] if doc.screening.kind == "file" else []
    for entry in doc.journal:
        files += [sheet.file for sheet in entry.sheets] + ([entry.ballots.file] if entry.ballots else [])
    return files


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
    state = start_state(doc)
    for entry in doc.journal:
        apply(state, entry)
    return state


def start_state(doc: ProcessDoc) -> State:
    """The state before any tally: the step-1 list."""
    return State(doc, doc.section(), [(c.profile_id, c.full_name) for c in doc.candidates])


def apply(state: State, entry: Entry) -> None:
    """``state`` with one more entry of the journal: each entry costs its own sitting, not the
    whole journal again (a file edited to hold many entries stays linear)."""
    if entry.kind != "tally" or entry.tally is None:
        return
    tally = Tally.from_dict(entry.tally)
    step = entry.step
    if entry.replaces is not None:
        for sitting in state.sittings:
            if sitting.entry.entry == entry.replaces:
                sitting.superseded_by = entry.entry
    listed = state.listed(step)
    previous = state.current.get(step)
    number = 1 if previous is None else previous.number + (0 if entry.replaces is not None else 1)
    sitting = Sitting(entry, tally, decide_step(state.section, step, listed, tally, state.doc.seats), listed, number)
    state.sittings.append(sitting)
    state.current[step] = sitting


def journal_problem(doc: ProcessDoc) -> dict | None:
    """The first entry of the journal that does not hold together (see :func:`entry_problem`)."""
    state = start_state(doc)
    for entry in doc.journal:
        if entry.kind == "tally":
            problem = entry_problem(state, entry)
            if problem is not None:
                return {"entry": entry.entry, **problem}
        apply(state, entry)
    return None


def entry_problem(state: State, entry: Entry) -> dict | None:
    """Why a tally entry cannot follow the journal ``state`` was computed from: a step
    outside the process, one recorded out of order, a correction of anything but the last
    entry in effect, a tally whose figures do not hold on the list it was voted on;
    {"problem": Problem, "fatal": True} when nothing after it can be recomputed (a step
    outside the process, a correction of the wrong entry), {"problem": Problem}, or None."""
    from .tally import check

    last = state.last_entry
    if not FIRST_TALLIED <= entry.step <= state.last_step:
        return {"fatal": True, "problem": Problem("step", "journal_step_outside", {
            "step": entry.step, "first": FIRST_TALLIED, "last": state.last_step})}
    if entry.replaces is not None and (last is None or last.entry.entry != entry.replaces
                                       or last.entry.step != entry.step):
        return {"fatal": True, "problem": Problem("replaces", "journal_replaces_not_last", {
            "replaces": entry.replaces, "step": entry.step})}
    problems = order_problems(state, entry.step, entry.replaces)
    if not problems:
        problems = check(Tally.from_dict(entry.tally), entry.step, state.listed(entry.step), "")
    return {"problem": problems[0]} if problems else None


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
