"""Two packs on one cohort: who changes verdict, and which rules caused it.

This is how a board sees what a new regulation does before adopting it:
screen the same profiles under both packs and compare decision by decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from .pipeline import Collected


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    before: str | None  # None: the rule is not in that pack
    after: str | None


@dataclass(frozen=True)
class Change:
    profile_id: str
    full_name: str
    before: str | None  # None: the profile was invalid under that pack
    after: str | None
    rules: tuple[RuleChange, ...]
    #: The profile's decision under B (its record), when it has one.
    record_after: dict | None


def verdict_changes(a: dict[str, tuple[str, str, dict[str, str]]],
                    b: dict[str, tuple[str, str, dict[str, str]]]) -> list[tuple[str, str, str | None, str | None, list[RuleChange]]]:
    """Who changed verdict between two sets of decisions, and which rules changed.

    Each side maps profile id -> (full name, verdict, {rule id: outcome});
    returns (profile id, name, verdict before, verdict after, rule changes),
    sorted by id. Used for two packs on one cohort and for two recorded runs.
    """
    changes = []
    for profile_id in sorted(set(a) | set(b)):
        before, after = a.get(profile_id), b.get(profile_id)
        verdict_a = before[1] if before else None
        verdict_b = after[1] if after else None
        if verdict_a == verdict_b:
            continue
        outcomes_a = before[2] if before else {}
        outcomes_b = after[2] if after else {}
        order = list(outcomes_a) + [r for r in outcomes_b if r not in outcomes_a]
        rules = [RuleChange(r, outcomes_a.get(r), outcomes_b.get(r)) for r in order
                 if outcomes_a.get(r) != outcomes_b.get(r)]
        changes.append((profile_id, (before or after)[0], verdict_a, verdict_b, rules))
    return changes


def side(records) -> dict[str, tuple[str, str, dict[str, str]]]:
    """Decision records as one side of :func:`verdict_changes`."""
    return {r["profile_id"]: (r["full_name"], r["verdict"], {rule["id"]: rule["outcome"] for rule in r["rules"]})
            for r in records}


def compare(run_a: Collected, run_b: Collected) -> list[Change]:
    """Every profile whose verdict differs between the two runs, sorted by id."""
    after = {r["profile_id"]: r for r in run_b.records}
    return [Change(profile_id, name, before, now, tuple(rules), after.get(profile_id))
            for profile_id, name, before, now, rules in verdict_changes(side(run_a.records), side(run_b.records))]
