"""Ballot papers counted into a tally (``process record --ballots FILE``), so that
the count itself can be audited.

The file holds one line per paper returned, as the counting board keys it:

* the profile ids the paper introduces, separated by ``,`` or ``;``;
* ``-`` for a paper that introduces nobody (valid, no vote);
* ``+Name`` among them for a name written in outside the list;
* ``! reason`` for a paper the board set aside as invalid for a reason it
  states (not the official form, torn, signed …);
* empty lines and lines starting with ``#`` are not papers.

Lines end at a newline (a CRLF file reads the same); a control, direction or
separator character anywhere in a line is a keying error of that line, never
a paper the reader cannot see whole. Only a regular file is read, within
:data:`MAX_BALLOT_BYTES`.

The step's ballot rules (pack data) decide validity: a paper marking more
names than the limit is invalid, and so, unless the pack says ``ignored``, is
one naming someone outside the list. A token that is neither a listed id nor
a ``+`` name is a keying error, refused with its line, never guessed at.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from ...errors import InputFileError, Problem
from ...escape import one_line
from ...pack.process import BallotRules
from ...profile.reading import decode_text
from .sheet import MAX_SHEET_BYTES, MAX_TEXT, hidden, read_input

#: A file of papers for a conference of a few hundred is a few kilobytes; this bounds a wrong file.
MAX_BALLOT_BYTES = 20 * MAX_SHEET_BYTES


@dataclass
class Counted:
    """The papers of one sitting counted: the fields they give a tally (``ballots.valid``, ``votes.<id>`` …)."""

    source: str
    sha256: str
    papers: int = 0
    fields: dict = field(default_factory=dict)


def max_marks(rules: BallotRules, seats: int | None) -> int | None:
    if rules.max_marks == "seats":
        return seats
    return rules.max_marks


def count_papers(path: str, step: int, listed: list[str], rules: BallotRules,
                 seats: int | None) -> tuple[Counted | None, list[Problem]]:
    """Count a file of papers for a step whose list is ``listed``; keying errors refuse the whole file.

    A paper invalid under the pack's rules is counted under a reason code
    (``too_many_marks``, ``unlisted``, ``set_aside``: the labels of group
    ``ballot_reason``), so the minutes say it in their own language; a reason
    the board wrote after ``!`` is kept as written."""
    problems: list[Problem] = []
    data = read_input(path, MAX_BALLOT_BYTES, problems)
    if data is None:
        return None, problems
    try:
        text = decode_text(data)
    except InputFileError as err:
        return None, [Problem("", err.code, err.params, path)]
    counted = Counted(path, hashlib.sha256(data).hexdigest())
    limit = max_marks(rules, seats)
    votes = {profile_id: 0 for profile_id in listed}
    valid = 0
    reasons: dict[str, int] = {}
    for number, raw in enumerate(text.split("\n"), start=1):
        line = unicodedata.normalize("NFC", raw.removesuffix("\r")).strip()
        if not line or line.startswith("#"):
            continue
        if hidden(line) or len(line) > MAX_TEXT:
            char = hidden(line)
            problems.append(Problem("", "ballot_control_character" if char else "ballot_line_too_long", {
                "char": f"U+{ord(char):04X}" if char else "", "value": _shown(line), "max": MAX_TEXT}, path, number))
            continue
        counted.papers += 1
        if line.startswith("!"):
            reason = " ".join(line[1:].split()) or "set_aside"
            reasons[reason] = reasons.get(reason, 0) + 1
            continue
        marks, unlisted, bad = _marks(line, number, step, votes, path)
        problems += bad
        if bad:
            continue
        if limit is not None and len(marks) > limit:
            reason = "too_many_marks"
        elif unlisted and rules.unlisted == "invalid":
            reason = "unlisted"
        else:
            valid += 1
            for profile_id in marks:
                votes[profile_id] += 1
            continue
        reasons[reason] = reasons.get(reason, 0) + 1
    if not counted.papers and not problems:
        problems.append(Problem("", "ballot_no_papers", {}, path))
    if problems:
        return None, problems
    invalid = sum(reasons.values())
    counted.fields = {"ballots.returned": counted.papers, "ballots.valid": valid, "ballots.invalid": invalid,
                      **{f"ballots.invalid_reasons.{reason}": n for reason, n in sorted(reasons.items())},
                      **{f"votes.{profile_id}": n for profile_id, n in votes.items()}}
    return counted, []


def _marks(line: str, number: int, step: int, votes: dict, path: str) -> tuple[list[str], list[str], list[Problem]]:
    """(listed ids marked, names written in, keying errors) of one paper."""
    if line == "-":
        return [], [], []
    marks, unlisted, problems = [], [], []
    for token in (t.strip() for t in re.split(r"[,;]", line)):
        if not token:
            continue
        if token.startswith("+"):
            unlisted.append(token[1:].strip())
        elif token in votes:
            if token in marks:
                problems.append(Problem("", "ballot_twice", {"value": _shown(token)}, path, number))
            marks.append(token)
        else:
            problems.append(Problem("", "ballot_unknown_mark", {
                "value": _shown(token), "step": step,
                "suggestions": difflib.get_close_matches(token, list(votes), n=2) if len(problems) < 50 else []},
                path, number))
    return marks, unlisted, problems


def _shown(line: str) -> str:
    text = one_line(line)
    return text if len(text) <= 60 else text[:57] + "…"
