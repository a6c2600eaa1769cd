"""Hypothesis strategies for valid profiles, biased towards SPEC §2's boundaries and written
as personnel records write them (SPEC §4): partial dates, "nay", "không rõ", Vietnamese words
for codes, titles by label and city forms resolved from `org`, incomplete records, exceptions.

Every profile drawn is valid: an end is never before its start for every day of both
intervals (it may overlap it: a post started "2020" and ended 15/6/2020), a "không rõ" end
only follows a start that can be on or before the as-of date, an exception is admitted and
dated on or before the as-of date.  The number of dates a profile leaves open (a post's
start and end, a measure's decision and `until`, known only to the month or the year, or
"không rõ") is capped, so that the oracle's exhaustive reading stays fast; a birth date
known to the month or the year is taken as its first day (never open) and is not counted.
A date left open is, two times in three, the month or year of a boundary itself: the as-of
date, 1 January of its year, 31 December of the year before, the as-of date less a
discipline bar, 1/9/1965 and 1/9/1970 for a birth date.

Strategies are built once and cached: building them on every draw costs more than the
draw.
"""

from __future__ import annotations

import calendar
import functools
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta

from hypothesis import strategies as st

from oracle import (BODIES, CITY_FORMS, EQUIVALENT, EXCEPTION_RULES, FINDING_NAMES, JUDGEMENTS, KEY_DISTRICT,
                    PROVINCIAL_CITIES, SENIOR, TITLE_NAMES, WORDS, is_partial, plus_months)

AS_OF = date(2020, 8, 25)
OTHER_TITLES = ["pho_chu_tich_ubnd_huyen", "uy_vien_btv_huyen_uy", "giam_doc_so", "tinh_uy_vien", "bi_thu_tinh_uy"]
TITLES = tuple(sorted(KEY_DISTRICT) + sorted(SENIOR) + sorted(EQUIVALENT) + OTHER_TITLES)
CENTRAL_ORGS = ("Thành ủy Hà Nội", "UBND thành phố Đà Nẵng", "HĐND Thành phố Hồ Chí Minh", "Thành ủy Hải Phòng",
                "Thành ủy Cần Thơ")
PROVINCIAL_ORGS = tuple(f"{body} {city}" for body, city in zip(
    ["Thành ủy", "UBND thành phố", "Thành ủy", "HĐND thành phố", "Thành ủy"], PROVINCIAL_CITIES))
PLANNING_TITLES = ("pho_bi_thu_tinh_uy", "pho_bi_thu_thuong_truc_tinh_uy", "chu_tich_hdnd_tinh", "chu_tich_ubnd_tinh",
                   "giam_doc_so")
TERMS = ("2020-2025", "2020 - 2025", "2020–2025", "2021-2026", "2021 - 2026", "2015-2020")


@functools.lru_cache(maxsize=None)
def pick(*options) -> st.SearchStrategy:
    return st.sampled_from(options)


@functools.lru_cache(maxsize=None)
def ints(low: int, high: int) -> st.SearchStrategy[int]:
    return st.integers(low, high)


def one_in(draw, n: int) -> bool:
    return draw(ints(1, n)) == 1


@dataclass
class Budget:
    """How many more dates this profile may leave open, and how many of them "không rõ"."""

    partial: int
    unknown: int


@functools.lru_cache(maxsize=None)
def near(*anchors: date, spread: int = 3) -> st.SearchStrategy[date]:
    """A day close to one of the anchors (the boundaries), or anywhere in a wide range."""
    close = st.sampled_from(anchors).flatmap(
        lambda a: st.integers(-spread, spread).map(lambda d: a + timedelta(days=d)))
    return st.one_of(close, st.dates(date(1995, 1, 1), date(2021, 12, 31)))


# ---- words ---------------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _variants(text: str) -> tuple[str, ...]:
    """The text as a clerk may type it: case, spacing, normalisation form, sỹ for sĩ."""
    return (text, text, text, text, text.upper(), text.lower(), "  " + text.replace(" ", "   ") + " ",
            unicodedata.normalize("NFD", text), text.replace("sĩ", "sỹ").replace("Kỹ", "Kĩ"))


def spelled(text: str) -> st.SearchStrategy[str]:
    return pick(*_variants(text))


@functools.lru_cache(maxsize=None)
def coded(group: str, code: str) -> st.SearchStrategy[str]:
    """A code (half the time), or one of the Vietnamese words for it as a clerk types it."""
    words = [v for w in WORDS[group][code] for v in _variants(w)]
    return st.sampled_from((code,) * len(words) + tuple(words))


def titled(draw, codes: tuple[str, ...]) -> dict:
    """A title by code, label or alias, or a city form with the org that resolves it."""
    choice = draw(ints(0, 9))
    if choice == 0:
        form = draw(pick(*sorted(CITY_FORMS)))
        return {"title": draw(spelled(form)), "org": draw(pick(*CENTRAL_ORGS, *PROVINCIAL_ORGS))}
    code = draw(pick(*codes))
    if choice <= 4 and TITLE_NAMES.get(code):
        name = draw(pick(*TITLE_NAMES[code]))
        if one_in(draw, 4):
            name = name.replace("Ủy", "Uỷ").replace("ủy", "uỷ")  # the older tone placement
        return {"title": draw(spelled(name))}
    return {"title": code}


# ---- dates -------------------------------------------------------------------------------------

def interval(day: date, precision: str) -> tuple[date, date]:
    if precision == "day":
        return day, day
    if precision == "month":
        return date(day.year, day.month, 1), date(day.year, day.month, calendar.monthrange(day.year, day.month)[1])
    return date(day.year, 1, 1), date(day.year, 12, 31)


def written(draw, day: date, precision: str):
    """The day, or the month or year holding it, in one of the forms of SPEC §4."""
    if precision == "day":
        forms = (day.isoformat(), f"{day.day}/{day.month}/{day.year}", f"{day.day:02d}/{day.month:02d}/{day.year}")
    elif precision == "month":
        forms = (f"{day.year}-{day.month:02d}", f"{day.month}/{day.year}", f"{day.month:02d}/{day.year}",
                 f"tháng {day.month}/{day.year}", f"Tháng {day.month:02d}/{day.year}")
    else:
        forms = (str(day.year), day.year)
    return forms[draw(ints(0, 5)) % len(forms)]


def dated(draw, day: date, budget: Budget, anchors: tuple[date, ...] = ()):
    """(written date, first day, last day): the day, or (within the budget) its month or year,
    two times in three the month or year of one of the anchors."""
    if budget.partial > 0 and draw(ints(0, 4)) < 2:
        budget.partial -= 1
        precision = draw(pick("month", "month", "year"))
        if anchors and draw(ints(0, 2)) > 0:
            day = draw(pick(*anchors))
    else:
        precision = "day"
    return (written(draw, day, precision), *interval(day, precision))


def _unknown(draw, budget: Budget) -> bool:
    if budget.unknown > 0 and one_in(draw, 4):
        budget.unknown -= 1
        return True
    return False


# ---- entries -----------------------------------------------------------------------------------

def _boundaries(as_of: date) -> tuple[date, ...]:
    return (as_of, as_of, date(as_of.year, 1, 1), date(as_of.year - 1, 12, 31), date(2015, 1, 1))


def position(draw, as_of: date, budget: Budget) -> dict:
    item = titled(draw, TITLES)
    anchors = _boundaries(as_of)
    if _unknown(draw, budget):
        item["start"] = draw(pick("không rõ", "Không rõ"))
        kind = draw(pick("date", "date", "held", "unknown"))
        if kind == "date":
            item["end"] = dated(draw, draw(near(*anchors)), budget, anchors)[0]
        elif kind == "unknown" and _unknown(draw, budget):
            item["end"] = "không rõ"
        return item
    item["start"], first, last = dated(draw, draw(near(*anchors)), budget, anchors)
    kind = draw(pick("none", "none", "held", "date", "date", "date", "date", "unknown"))
    if kind == "held":
        item["end"] = draw(pick("nay", "hiện nay", "Hiện nay", None))
    elif kind == "unknown" and first <= as_of and _unknown(draw, budget):
        item["end"] = "không rõ"
    elif kind in ("date", "unknown"):
        end = last + timedelta(days=draw(_STEPS))
        shape = draw(ints(0, 4))
        if shape == 0:  # a stint ending on 1 January or 31 December
            end = date(max(end.year, last.year + 1), 1, 1) if draw(st.booleans()) else date(end.year, 12, 31)
        elif shape == 1:  # ending around the as-of date
            end = max(last, draw(near(as_of, date(as_of.year, 1, 1))))
        elif shape == 2 and first < last:  # ending within the start's own month or year
            end = first + timedelta(days=draw(ints(0, (last - first).days)))
        item["end"] = dated(draw, end, budget)[0]
    return item


_STEPS = st.sampled_from((0, 1, 30, 364, 365, 366, 800, 2000)) | st.integers(0, 4000)


def discipline(draw, as_of: date, budget: Budget) -> dict:
    form = draw(pick("khien_trach", "canh_cao", "cach_chuc", "khai_tru"))
    day = min(as_of.day, 28)  # the same date a year or two earlier (29 February has none)
    anchors = (date(as_of.year - 1, as_of.month, day), date(as_of.year - 2, as_of.month, day),
               plus_months(as_of, -12), plus_months(as_of, -24), date(2019, 8, 31), date(2019, 12, 31),
               date(2018, 2, 28), as_of)
    item = {"form": draw(coded("discipline", form))}
    item["decided"], _, last = dated(draw, draw(near(*anchors)), budget, anchors[2:4] + (as_of,))
    if one_in(draw, 4):
        until = last + timedelta(days=draw(ints(0, 900)))
        if draw(st.booleans()):
            until = max(last, draw(near(as_of)))
        item["until"] = dated(draw, until, budget, (as_of,) if as_of >= last else ())[0]
    return item


def exception(draw, rule: str, as_of: date) -> dict:
    item = {"rule": rule, "by": draw(spelled(draw(pick(*BODIES)))),
            "document": f"Thông báo số {draw(ints(1, 999))}-TB/TW",
            "date": written(draw, draw(st.dates(date(2015, 1, 1), as_of)), "day")}
    if draw(st.booleans()):
        item["note"] = "Trường hợp đặc biệt"
    return item


def _some(draw, at_most: int, make) -> list:
    return [make() for _ in range(draw(ints(0, at_most)))]


@st.composite
def profile(draw, number: int = 0, as_of: date = AS_OF, open_dates: bool = False, budget: Budget | None = None):
    """A valid profile; ``open_dates``: one with at least one date left open (partial or "không rõ");
    ``budget``: how many dates it may leave open (drawn when not given)."""
    if budget is None:
        budget = Budget(partial=draw(pick(0, 1, 1, 2, 2, 3)), unknown=draw(pick(0, 0, 0, 0, 0, 1, 2)))
    else:
        budget = Budget(budget.partial, budget.unknown)
    gender = draw(pick("male", "female"))
    # born by the as-of date (a later birth is an input error): the boundaries, or any day of a wide range
    birth = draw((near(date(1965, 9, 1), date(1970, 9, 1), spread=2) | st.dates(date(1955, 1, 1), date(1985, 12, 31)))
                 .filter(lambda day: day <= as_of))
    precision = draw(pick("day", "day", "day", "month", "year"))
    if precision == "month" and one_in(draw, 2):  # the first or the last month of the bound
        birth = draw(pick(date(1965, 8, 15), date(1965, 9, 15), date(1970, 8, 15), date(1970, 9, 15)))
    if draw(st.booleans()):  # a run of rated years up to the as-of year, mostly good, with a few gaps
        first = draw(ints(as_of.year - 12, as_of.year))
        years = [y for y in range(first, as_of.year + 1) if not one_in(draw, 10)]
        levels = ("xuat_sac", "hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh",
                  "khong_hoan_thanh")
    else:
        years = draw(st.lists(ints(1998, as_of.year), unique=True, max_size=14))
        levels = ("xuat_sac", "hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh", "khong_hoan_thanh")
    ratings = {}
    for y in years:
        ratings[y if draw(st.booleans()) else str(y)] = draw(coded("rating", draw(pick(*levels))))
    planning = []
    for code in draw(st.lists(pick(*PLANNING_TITLES), max_size=2, unique=True)):
        planning.append({**titled(draw, (code,)), "term": draw(pick(*TERMS))})
    education = {}
    for group, levels in (("professional", ("trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si")),
                          ("political_theory", ("so_cap", "trung_cap", "cao_cap", "cu_nhan")),
                          ("state_management", ("chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"))):
        if draw(ints(0, 4)) > 0:
            education[group] = draw(coded(group, draw(pick(*levels))))
    assessments = {}
    for criterion in (*JUDGEMENTS, "tuong-duong"):
        choice = draw(pick(None, "met", "met", "not_met"))
        if choice:
            name = criterion
            if FINDING_NAMES[criterion] and one_in(draw, 4):
                name = draw(spelled(draw(pick(*FINDING_NAMES[criterion]))))
            result = draw(coded("result", choice))
            assessments[name] = result if one_in(draw, 4) else {"result": result}
    if draw(st.booleans()):  # who spends the budget first
        positions = _some(draw, 4, lambda: position(draw, as_of, budget))
        entries = _some(draw, 2, lambda: discipline(draw, as_of, budget))
    else:
        entries = _some(draw, 2, lambda: discipline(draw, as_of, budget))
        positions = _some(draw, 4, lambda: position(draw, as_of, budget))
    document = {
        "id": f"P-{number:05d}",
        "full_name": "Nguyễn Văn Thử",
        "gender": draw(coded("gender", gender)),
        "birth_date": written(draw, birth, precision),
        "positions": positions,
        "ratings": ratings,
        "planning": planning,
        "education": education,
        "discipline": entries,
        "assessments": assessments,
    }
    if open_dates and not has_open_dates(document):
        item = titled(draw, TITLES)
        item["start"] = written(draw, draw(near(*_boundaries(as_of))), draw(pick("month", "year")))
        positions.append(item)
    complete = draw(pick(None, None, None, True, False, False))
    if complete is not None:
        document["record_complete"] = complete
    if one_in(draw, 5):
        rules = draw(st.lists(pick(*EXCEPTION_RULES), min_size=1, max_size=2, unique=True))
        document["exceptions"] = [exception(draw, rule, as_of) for rule in rules]
    return document


def has_open_dates(document: dict) -> bool:
    """Whether a date of a post or a measure stands for more than one day."""
    values = [p[k] for p in document.get("positions") or [] for k in ("start", "end") if p.get(k) is not None]
    values += [d[k] for d in document.get("discipline") or [] for k in ("decided", "until") if d.get(k) is not None]
    return any(is_partial(v) for v in values)
