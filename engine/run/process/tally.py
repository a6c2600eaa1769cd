"""A tally: the figures of one sitting, whole and checked (SPEC §6).

:func:`merge` turns one or two sheets (double entry) and any counted ballot
papers into one set of fields, naming every difference between them;
:func:`build` makes a :class:`Tally` of them; :func:`check` refuses a tally
whose figures do not hold together: each candidate's votes ≤ valid ≤
returned ≤ issued ≤ present ≤ summoned, valid + invalid = returned, the
reasons of invalid ballots add up, and every candidate of the step's list has
a count and nobody else does. Every problem names its fields and numbers.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from ...errors import Problem
from .sheet import COUNTS, Sheet

#: The chain SPEC §6 fixes, largest first: each figure is at most the one before it.
CHAIN = ("summoned", "present", "ballots.issued", "ballots.returned", "ballots.valid")
_COMPARED_TEXTS = ("date", "place")


@dataclass(frozen=True)
class Tally:
    step: int
    summoned: int
    present: int
    issued: int
    returned: int
    valid: int
    invalid: int
    #: (reason, count), as the sheet wrote them.
    invalid_reasons: tuple[tuple[str, int], ...] = ()
    #: (profile id, votes), by profile id.
    votes: tuple[tuple[str, int], ...] = ()
    date: str | None = None
    place: str | None = None
    counting_board: tuple[str, ...] = ()
    note: str | None = None

    def figure(self, name: str) -> int:
        return {"summoned": self.summoned, "present": self.present, "ballots.issued": self.issued,
                "ballots.returned": self.returned, "ballots.valid": self.valid,
                "ballots.invalid": self.invalid}[name]

    def votes_of(self, profile_id: str) -> int:
        return dict(self.votes)[profile_id]

    def as_dict(self) -> dict:
        """The stored form: the sheet's own layout (SPEC §6), with the optional parts present."""
        ballots = {"issued": self.issued, "returned": self.returned, "valid": self.valid, "invalid": self.invalid}
        if self.invalid_reasons:
            ballots["invalid_reasons"] = dict(self.invalid_reasons)
        data = {"step": self.step, "summoned": self.summoned, "present": self.present, "ballots": ballots,
                "votes": dict(self.votes)}
        for key in ("date", "place", "note"):
            if getattr(self, key):
                data[key] = getattr(self, key)
        if self.counting_board:
            data["counting_board"] = list(self.counting_board)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Tally":
        ballots = data["ballots"]
        return cls(step=data["step"], summoned=data["summoned"], present=data["present"],
                   issued=ballots["issued"], returned=ballots["returned"], valid=ballots["valid"],
                   invalid=ballots["invalid"], invalid_reasons=tuple(ballots.get("invalid_reasons", {}).items()),
                   votes=tuple(sorted(data["votes"].items())), date=data.get("date"), place=data.get("place"),
                   counting_board=tuple(data.get("counting_board", ())), note=data.get("note"))


def _who(sheet: Sheet, number: int) -> str:
    return f"{sheet.clerk} ({sheet.source})" if sheet.clerk else sheet.source or f"#{number}"


def merge(sheets: list[Sheet], counted: dict | None = None, counted_from: str = "") -> tuple[dict, list[Problem]]:
    """One set of fields from one or two sheets and the counted papers; every difference is a problem."""
    problems: list[Problem] = []
    fields: dict = {}
    if len(sheets) == 2:
        first, second = sheets
        if first.sha256 and first.sha256 == second.sha256:
            problems.append(Problem("", "tally_double_same_file", {"file": second.source}))
        compared = sorted((set(first.fields) | set(second.fields)) - {"clerk", "note"}
                          - {k for k in set(first.fields) | set(second.fields) if k.startswith("counting_board.")})
        for name in compared:
            a, b = first.fields.get(name), second.fields.get(name)
            if name in _COMPARED_TEXTS and (a is None or b is None):
                continue
            if a != b:
                problems.append(Problem(name, "tally_double_differs", {
                    "field": name, "first": _who(first, 1), "second": _who(second, 2),
                    "a": "—" if a is None else a, "b": "—" if b is None else b}))
    for sheet in sheets:
        for name, value in sheet.fields.items():
            fields.setdefault(name, value)
    if counted is not None:
        has_reasons = any(k.startswith("ballots.invalid_reasons.") for k in fields)
        for name, value in counted.items():
            if name.startswith("ballots.invalid_reasons."):
                if not has_reasons:
                    fields[name] = value
                continue
            if name in fields and fields[name] != value:
                problems.append(Problem(name, "tally_ballots_differ", {"field": name, "a": fields[name], "b": value,
                                                                       "ballots": counted_from}))
            fields[name] = value
    return fields, problems


def build(fields: dict, step: int, source: str) -> tuple[Tally | None, list[Problem]]:
    """A :class:`Tally` of merged fields, or what is missing; the sheet's `step` defaults to ``--step``."""
    # A missing count of a candidate is named by check(), against the step's list.
    problems = [Problem(name, "tally_missing", {"field": name}, source) for name in COUNTS if name not in fields]
    if problems:
        return None, problems
    prefix = "ballots.invalid_reasons."
    board = [fields[k] for k in sorted((k for k in fields if k.startswith("counting_board.")),
                                       key=lambda k: int(k.split(".")[1]))]
    return Tally(
        step=fields.get("step", step), summoned=fields["summoned"], present=fields["present"],
        issued=fields["ballots.issued"], returned=fields["ballots.returned"], valid=fields["ballots.valid"],
        invalid=fields["ballots.invalid"],
        invalid_reasons=tuple((k[len(prefix):], v) for k, v in fields.items() if k.startswith(prefix)),
        votes=tuple(sorted((k[len("votes."):], v) for k, v in fields.items() if k.startswith("votes."))),
        date=fields.get("date"), place=fields.get("place"), counting_board=tuple(board), note=fields.get("note"),
    ), []


def check(tally: Tally, step: int, listed: list[tuple[str, str]], source: str,
          declared_summoned: int | None = None) -> list[Problem]:
    """Everything wrong with a tally for step ``step`` whose list is ``listed`` ((id, name), in order)."""
    problems: list[Problem] = []

    def add(loc: str, code: str, **params) -> None:
        problems.append(Problem(loc, code, params, source))

    if tally.step != step:
        add("step", "tally_step_differs", value=tally.step, step=step)
    for upper, lower in zip(CHAIN, CHAIN[1:]):
        if tally.figure(lower) > tally.figure(upper):
            add(lower, "tally_exceeds", field=lower, value=tally.figure(lower), other=upper,
                other_value=tally.figure(upper))
    names = dict(listed)
    for profile_id, votes in tally.votes:
        if votes > tally.valid:
            add(f"votes.{profile_id}", "tally_votes_exceed", field=f"votes.{profile_id}", value=votes,
                other_value=tally.valid, who=_person(profile_id, names))
    if tally.valid + tally.invalid != tally.returned:
        add("ballots.invalid", "tally_sum", valid=tally.valid, invalid=tally.invalid,
            total=tally.valid + tally.invalid, returned=tally.returned)
    if tally.invalid_reasons and sum(n for _, n in tally.invalid_reasons) != tally.invalid:
        add("ballots.invalid_reasons", "tally_reasons_sum", total=sum(n for _, n in tally.invalid_reasons),
            invalid=tally.invalid)
    counted = dict(tally.votes)
    for profile_id, _name in listed:
        if profile_id not in counted:
            add(f"votes.{profile_id}", "tally_candidate_missing", who=_person(profile_id, names), step=step)
    shown = ", ".join(list(names)[:20]) + (f", … ({len(names)})" if len(names) > 20 else "") if names else "—"
    unknown = 0
    for profile_id in counted:
        if profile_id not in names:
            unknown += 1  # a suggestion for the first few: a sheet of thousands of wrong ids costs no more
            add(f"votes.{profile_id}", "tally_candidate_unknown", value=profile_id, step=step, listed=shown,
                suggestions=difflib.get_close_matches(profile_id, list(names), n=2) if unknown <= 20 else [])
    if declared_summoned is not None and tally.summoned != declared_summoned:
        add("summoned", "tally_summoned_declared", value=tally.summoned, step=step, declared=declared_summoned)
    return problems


def _person(profile_id: str, names: dict[str, str]) -> str:
    return f"{names[profile_id]} ({profile_id})" if names.get(profile_id) else profile_id
