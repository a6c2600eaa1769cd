"""Profile -> facts: what the matchers see, and what an auditor sees.

Each fact has two faces.  ``fields`` is what the patterns test: flat scalars,
dates as day numbers (durable-rules compares strings as text, so a date must
never reach it as a string), derived values such as a stint's rated years
computed here once.  ``evidence`` is what a decision cites: the profile's own
values, in ISO dates and codes, with the field path they came from.

The facts and their fields are the rule language's vocabulary
(``engine/pack/vocabulary.py``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from ..pack.vocabulary import RATING_LEVEL_FIELDS
from ..profile.model import Profile

#: The day number of an open end (a post still held, a bar that never ends):
#: one past the last real date, so that it is later than any as-of date.
OPEN_END = date.max.toordinal() + 1


@dataclass(frozen=True)
class Fact:
    fid: int
    type: str
    fields: dict
    evidence: dict


def add_months(day: date, months: int) -> date:
    """Calendar months later; a day past the month's end becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rated_years(start: date, end: date | None, as_of: date) -> list[int]:
    """Calendar years before the as-of year that the stint overlaps (SPEC §2)."""
    last = as_of.year - 1 if end is None else min(end.year, as_of.year - 1)
    return list(range(start.year, last + 1))


def effect_end(form: str, decided: date, until: date | None, bar_months: dict) -> date | None:
    """When a discipline stops barring promotion; None when it never does.

    A bar that would end past the last representable day (year 9999) never
    ends within any as-of date sangloc can be given: it is open.
    """
    if until is not None:
        return until
    months = bar_months.get(form)
    if months is None:
        return None
    try:
        return add_months(decided, months)
    except (ValueError, OverflowError):
        return None


def _day(value: date | None) -> int:
    return OPEN_END if value is None else value.toordinal()


def derive(profile: Profile, as_of: date, parameters: dict, assessment_ids: set[str], category_of) -> list[Fact]:
    """Every fact of one profile, in profile order (fids are stable)."""
    facts: list[Fact] = []

    def add(kind: str, fields: dict, evidence: dict) -> None:
        facts.append(Fact(len(facts), kind, fields, evidence))

    education = profile.education
    add("person", {
        "gender": profile.gender,
        "birth_date": profile.birth_date.toordinal(),
        "professional": (education and education.professional) or "",
        "political_theory": (education and education.political_theory) or "",
        "state_management": (education and education.state_management) or "",
    }, {
        "fact": "person", "path": "",
        "gender": profile.gender, "birth_date": profile.birth_date.isoformat(),
        "professional": education and education.professional,
        "political_theory": education and education.political_theory,
        "state_management": education and education.state_management,
    })

    for i, position in enumerate(profile.positions):
        years = rated_years(position.start, position.end, as_of)
        counts = dict.fromkeys(RATING_LEVEL_FIELDS.values(), 0)
        unrated = 0
        for year in years:
            rating = profile.ratings.get(year)
            if rating is None:
                unrated += 1
            else:
                counts[RATING_LEVEL_FIELDS[rating]] += 1
        category = category_of(position.title)
        add("position", {
            "title": position.title, "category": category or "",
            "start": _day(position.start), "end": _day(position.end),
            "rated_years": len(years), "years_unrated": unrated, **counts,
        }, {
            "fact": "position", "path": f"positions[{i}]",
            "title": position.title, "category": category, "org": position.org,
            "start": position.start.isoformat(),
            "end": position.end.isoformat() if position.end else None,
            "ratings": [{"year": y, "rating": profile.ratings.get(y)} for y in years],
        })

    for i, entry in enumerate(profile.planning):
        add("planning", {"title": entry.title, "term": entry.term}, {
            "fact": "planning", "path": f"planning[{i}]",
            "title": entry.title, "term": entry.term, "decision": entry.decision,
        })

    bars = parameters.get("discipline_bar_months", {})
    for i, entry in enumerate(profile.discipline):
        end = effect_end(entry.form, entry.decided, entry.until, bars)
        add("discipline", {
            "form": entry.form, "decided": _day(entry.decided),
            "until": _day(entry.until), "effect_end": _day(end),
        }, {
            "fact": "discipline", "path": f"discipline[{i}]", "form": entry.form,
            "decided": entry.decided.isoformat(),
            "until": entry.until.isoformat() if entry.until else None,
            "effect_end": end.isoformat() if end else None,
        })

    for criterion in sorted(profile.assessments):
        if criterion not in assessment_ids:
            continue  # warned about when loading; the pack has no use for it
        record = profile.assessments[criterion]
        add("assessment", {"criterion": criterion, "result": record.result}, {
            "fact": "assessment", "path": f"assessments.{criterion}",
            "criterion": criterion, "result": record.result, "by": record.by,
            "date": record.date.isoformat() if record.date else None, "note": record.note,
        })
    return facts
