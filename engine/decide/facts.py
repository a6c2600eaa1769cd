"""Profile -> facts: what the matchers see, and what an auditor sees.

Each fact has two faces.  ``fields`` is what the patterns test: flat scalars,
dates as day numbers (durable-rules compares strings as text, so a date must
never reach it as a string), derived values such as a stint's rated years
computed here once.  ``evidence`` is what a decision cites: the profile's own
values, in codes and dates as precisely as they were written, with the field
path they came from.

A date may be known only to the month or the year (``engine/dates.py``): it
stands for an interval of days, and so does every value derived from it.
Every date and number field F therefore comes as two fields: F, the least
value it can have, and F__hi, the greatest (equal when the value is known).
The compiler turns each test into one on the bounds that holds when the test
is true for every value of the interval, and one that holds when it is true
for some (``engine/decide/compile.py``).

The facts and their fields are the rule language's vocabulary
(``engine/pack/vocabulary.py``).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from ..dates import EARLIEST, PartialDate
from ..pack.vocabulary import RATING_LEVEL_FIELDS
from ..profile.model import Profile

HI = "__hi"

#: The day number of an open end (a post still held, a bar that never ends):
#: one past the last real date, so that it is later than any as-of date.
OPEN_END = date.max.toordinal() + 1


@dataclass(slots=True)  # not frozen: made for every fact of every profile, and cheaper so
class Fact:
    fid: int
    type: str
    fields: dict
    evidence: dict



#: Which fact fields each date of the profile feeds: a rule that tests none of them
#: never needs that date (``Explainer.open_dates`` asks only for the dates a rule reads).
_STINT_YEARS = {"rated_years", "years_unrated", *RATING_LEVEL_FIELDS.values()}
DATE_FEEDS: dict[str, dict[str, set[str]]] = {
    "position": {"start": {"start", *_STINT_YEARS}, "end": {"end", *_STINT_YEARS}},
    "discipline": {"decided": {"decided", "effect_end"}, "until": {"until", "effect_end"}},
    "person": {"birth_date": {"birth_date"}},
}

def add_months(day: date, months: int) -> date:
    """Calendar months later; a day past the month's end becomes its last day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def rated_years(start: date, end: date | None, as_of: date) -> list[int]:
    """Calendar years before the as-of year that a stint overlaps (SPEC §2), for exact dates."""
    last = as_of.year - 1 if end is None else min(end.year, as_of.year - 1)
    return list(range(start.year, last + 1))


def _later(day: date, months: int) -> date | None:
    try:
        return add_months(day, months)
    except (ValueError, OverflowError):
        return None  # past the last representable day: it never ends within any as-of date


def effect_end(form: str, decided: date, until: date | None, bar_months: dict) -> date | None:
    """When a discipline decided on an exact day stops barring promotion; None when it never does."""
    if until is not None:
        return until
    months = bar_months.get(form)
    return None if months is None else _later(decided, months)


def _day(value: date | None) -> int:
    return OPEN_END if value is None else value.toordinal()


def _span(fields: dict, name: str, low, high) -> None:
    fields[name], fields[name + HI] = low, high


def _days(fields: dict, name: str, bounds: tuple[date | None, date | None]) -> None:
    _span(fields, name, _day(bounds[0]), _day(bounds[1]))


def stint_bounds(start: PartialDate, end: PartialDate | None, as_of: date) -> tuple[tuple, tuple]:
    """((first, last) day the stint may have started, (first, last) day it may have ended; None: still held).

    An unknown start lies between 1945 and the as-of date, not after a known end; an
    unknown end between the start and the as-of date (SPEC §4)."""
    if end is None:
        end_bounds = (None, None)
    elif end.precision == "unknown":
        low = start.first if start.precision != "unknown" else EARLIEST
        end_bounds = (low, max(low, as_of))
    else:
        end_bounds = (end.first, end.last)
    if start.precision == "unknown":
        latest = as_of if end is None or end.precision == "unknown" else min(as_of, end.last)
        start_bounds = (EARLIEST, max(EARLIEST, latest))
    else:
        start_bounds = (start.first, start.last)
    return start_bounds, end_bounds


def stint_years(start_bounds, end_bounds, as_of: date) -> tuple[list[int], list[int]]:
    """(years certainly rated, years possibly rated): calendar years before the as-of year
    that the stint overlaps for every, or for some, start and end its dates allow."""
    (start_lo, start_hi), (end_lo, end_hi) = start_bounds, end_bounds
    last = as_of.year - 1 if end_hi is None else min(end_hi.year, as_of.year - 1)
    possible = list(range(start_lo.year, last + 1))
    # start_hi <= 31 Dec Y, and end_lo >= 1 Jan Y: compared by year.
    first, final = start_hi.year, (end_lo.year if end_lo is not None else None)
    certain = [y for y in possible if first <= y and (final is None or final >= y)]
    return certain, possible


_LEVELS = tuple(RATING_LEVEL_FIELDS.values())


def derive(profile: Profile, as_of: date, parameters: dict, assessment_ids: set[str], category_of) -> list[Fact]:
    """Every fact of one profile, in profile order (fids are stable)."""
    facts: list[Fact] = []

    def add(kind: str, fields: dict, evidence: dict) -> None:
        facts.append(Fact(len(facts), kind, fields, evidence))

    education = profile.education
    born = profile.birth_date
    person = {"gender": profile.gender,
              "professional": (education and education.professional) or "",
              "political_theory": (education and education.political_theory) or "",
              "state_management": (education and education.state_management) or ""}
    evidence = {"fact": "person", "path": "", "gender": profile.gender, "birth_date": born.iso(),
                "professional": education and education.professional,
                "political_theory": education and education.political_theory,
                "state_management": education and education.state_management}
    if not born.exact and parameters.get("partial_birth_date") == "first_day":
        # A birth date known to the year or the month is taken as its first day (SPEC §2).
        _days(person, "birth_date", (born.first, born.first))
        evidence["birth_date_taken"] = born.first.isoformat()
    else:
        _days(person, "birth_date", (born.first, born.last))
    add("person", person, evidence)

    ratings = profile.ratings
    for i, position in enumerate(profile.positions):
        start_bounds, end_bounds = stint_bounds(position.start, position.end, as_of)
        certain, possible = stint_years(start_bounds, end_bounds, as_of)
        surely = set(certain)
        low = dict.fromkeys(_LEVELS, 0)
        high = dict.fromkeys(_LEVELS, 0)
        unrated_low = unrated_high = 0
        shown = []
        for year in possible:
            rating = ratings.get(year)
            shown.append({"year": year, "rating": rating})
            if rating is None:
                unrated_low += year in surely
                unrated_high += 1
            else:
                name = RATING_LEVEL_FIELDS[rating]
                low[name] += year in surely
                high[name] += 1
        code = position.code
        category = category_of(code)
        (start_lo, start_hi), (end_lo, end_hi) = start_bounds, end_bounds
        fields = {"title": code, "category": category or "",
                  "start": _day(start_lo), "start" + HI: _day(start_hi),
                  "end": _day(end_lo), "end" + HI: _day(end_hi),
                  "rated_years": len(certain), "rated_years" + HI: len(possible),
                  "years_unrated": unrated_low, "years_unrated" + HI: unrated_high}
        for name in _LEVELS:
            fields[name], fields[name + HI] = low[name], high[name]
        end = position.end
        add("position", fields, {
            "fact": "position", "path": f"positions[{i}]",
            "title": code, "label": position.form, "category": category, "org": position.org,
            "start": position.start.iso(), "end": end.iso() if end else None, "ratings": shown,
        })

    for i, entry in enumerate(profile.planning):
        add("planning", {"title": entry.code, "term": entry.term}, {
            "fact": "planning", "path": f"planning[{i}]", "title": entry.code, "label": entry.form,
            "term": entry.term, "org": entry.org, "decision": entry.decision,
        })

    bars = parameters.get("discipline_bar_months", {})
    for i, entry in enumerate(profile.discipline):
        decided = (entry.decided.first, entry.decided.last)
        if entry.until is not None:
            ends = (entry.until.first, entry.until.last)
        elif bars.get(entry.form) is None:
            ends = (None, None)
        else:
            ends = (_later(decided[0], bars[entry.form]), _later(decided[1], bars[entry.form]))
        fields = {"form": entry.form}
        _days(fields, "decided", decided)
        _days(fields, "until", (entry.until.first, entry.until.last) if entry.until else (None, None))
        _days(fields, "effect_end", ends)
        if ends[0] is None:
            shown_end = None
        elif ends[0] == ends[1]:
            shown_end = ends[0].isoformat()
        else:
            shown_end = f"{ends[0].isoformat()}/{ends[1].isoformat() if ends[1] else '..'}"
        add("discipline", fields, {
            "fact": "discipline", "path": f"discipline[{i}]", "form": entry.form,
            "decided": entry.decided.iso(), "until": entry.until.iso() if entry.until else None,
            "effect_end": shown_end,
        })

    for criterion in sorted(profile.assessments):
        if criterion not in assessment_ids:
            continue
        record = profile.assessments[criterion]
        add("assessment", {"criterion": criterion, "result": record.result}, {
            "fact": "assessment", "path": f"assessments.{criterion}",
            "criterion": criterion, "result": record.result, "by": record.by,
            "date": record.date.iso() if record.date else None, "note": record.note,
        })
    return facts
