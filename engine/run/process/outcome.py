"""The arithmetic of one sitting (SPEC §6), in exact fractions.

Quorate when present ≥ quorum × summoned; a candidate passes when votes >
share × denominator (or ≥ when the pack says the share is not strict). Below
quorum nobody passes and nobody is carried. The list carried on is those who
passed, ranked by votes; with seats, the first ``seats`` of them, and every
candidate tied at the last seat with them, named in a flag — a tie is never
broken here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import floor

from ...pack.process import ProcessSection
from .tally import Tally


@dataclass(frozen=True)
class Result:
    profile_id: str
    full_name: str
    votes: int
    passed: bool
    #: 1 for the most votes; equal votes share a rank (1, 2, 2, 4).
    rank: int
    carried: bool
    denominator: int

    @property
    def share(self) -> Fraction | None:
        """100 × votes / denominator, exactly; None when the denominator is 0."""
        return Fraction(100 * self.votes, self.denominator) if self.denominator else None

    @property
    def percent(self) -> float | None:
        """The share rounded half up to two decimals, as JSON prints it."""
        share = self.share
        return None if share is None else floor(share * 100 + Fraction(1, 2)) / 100


@dataclass(frozen=True)
class Flag:
    """Something the board must see: its code, the step, the people it names, and its values."""

    code: str
    step: int
    profile_ids: tuple[str, ...] = ()
    params: dict = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class StepOutcome:
    step: int
    body: str
    summoned: int
    present: int
    quorum: Fraction
    #: The fewest present that make the sitting quorate.
    quorum_needed: int
    quorate: bool
    share: Fraction
    strict: bool
    denominator_kind: str
    denominator: int
    #: The fewest votes that pass.
    votes_needed: int
    #: Ranked: most votes first, equal votes in the order of the step's list.
    results: tuple[Result, ...]
    passed: tuple[str, ...]
    carried: tuple[str, ...]
    flags: tuple[Flag, ...]


def at_least(share: Fraction, whole: int) -> int:
    """The smallest whole number n with n ≥ share × whole."""
    return -((-share.numerator * whole) // share.denominator)


def more_than(share: Fraction, whole: int) -> int:
    """The smallest whole number n with n > share × whole."""
    return share.numerator * whole // share.denominator + 1


def decide_step(section: ProcessSection, number: int, listed: list[tuple[str, str]], tally: Tally,
                seats: int | None) -> StepOutcome:
    """The outcome of a sitting of step ``number`` whose list is ``listed`` ((id, name), in order)."""
    spec = section.step(number)
    quorum, share = spec.quorum_fraction, spec.share_fraction
    quorate = tally.present * quorum.denominator >= quorum.numerator * tally.summoned
    denominator = {"summoned": tally.summoned, "present": tally.present, "valid": tally.valid}[spec.denominator]
    needed = more_than(share, denominator) if spec.strict else at_least(share, denominator)
    votes = dict(tally.votes)
    order = {profile_id: i for i, (profile_id, _) in enumerate(listed)}
    ranked = sorted(listed, key=lambda person: (-votes[person[0]], order[person[0]]))
    # Nobody passes below quorum, nor on a denominator of 0 (a share of nothing is no majority).
    passed = [pid for pid, _ in ranked if quorate and denominator and votes[pid] >= needed]
    flags: list[Flag] = []
    carried = list(passed)
    if seats is not None and len(passed) > seats:
        cut = votes[passed[seats - 1]]
        carried = [pid for pid in passed if votes[pid] >= cut]
        if len(carried) > seats:
            flags.append(Flag("tie_at_last_seat", number, tuple(pid for pid in carried if votes[pid] == cut),
                              {"votes": cut, "seats": seats}))
    if not quorate:
        flags.append(Flag("not_quorate", number, (), {
            "present": tally.present, "summoned": tally.summoned, "needed": at_least(quorum, tally.summoned),
            "quorum": f"{quorum.numerator}/{quorum.denominator}"}))
    passing, carrying = set(passed), set(carried)  # looked up per candidate: sets, not lists
    if quorate and section.reports_if_differs(number) and passing != set(order):
        flags.append(Flag("report_to_higher_committee", number, tuple(pid for pid, _ in listed if pid not in passing),
                          {"previous": number - 1}))
    results, rank = [], 0
    for position, (profile_id, name) in enumerate(ranked, start=1):
        if position == 1 or votes[profile_id] != votes[ranked[position - 2][0]]:
            rank = position
        results.append(Result(profile_id, name, votes[profile_id], profile_id in passing, rank,
                              profile_id in carrying, denominator))
    return StepOutcome(
        step=number, body=spec.body, summoned=tally.summoned, present=tally.present, quorum=quorum,
        quorum_needed=at_least(quorum, tally.summoned), quorate=quorate, share=share, strict=spec.strict,
        denominator_kind=spec.denominator, denominator=denominator, votes_needed=needed, results=tuple(results),
        passed=tuple(passed), carried=tuple(carried), flags=tuple(flags))
