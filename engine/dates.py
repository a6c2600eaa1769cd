"""Dates as personnel records write them (SPEC §4), each standing for an interval.

A date may be known to the day ("15/03/2016", "2016-03-15"), to the month
("03/2016", "tháng 3/2016", "2016-03") or to the year ("2016"); a post's
start or end may be "không rõ" (a biography lists the post without dates),
and an end may be "nay" (still held).  A :class:`PartialDate` keeps what was
written and stands for the interval of days it allows: its first and last
day.  Rules compare intervals three-valuedly (``engine/decide/``); outputs
show a date as precisely as it was given.
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import cached_property, lru_cache

#: The earliest day an unknown date can be (the records sangloc reads start after 1945).
EARLIEST = date(1945, 1, 1)

_SPACE = re.compile(r"\s+")
_ISO_DAY = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
_ISO_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_VN_DAY = re.compile(r"(?:ngày\s*)?(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})", re.ASCII)
_VN_MONTH = re.compile(r"(?:tháng\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})", re.ASCII)
_YEAR = re.compile(r"(?:năm\s*)?(\d{4})", re.ASCII)
#: Words meaning "still held" (only for an end) and "not known" (only for a post's start or end).
STILL_HELD = frozenset({"nay", "hiện nay", "đến nay", "hiện tại"})
UNKNOWN = frozenset({"không rõ", "chưa rõ", "không rõ ngày"})


class DateError(ValueError):
    """A text that is no date of the accepted forms, or no real day; ``code`` names which."""

    def __init__(self, code: str, value: str):
        self.code = code
        self.value = value if len(value) <= 60 else value[:59] + "…"  # said on one line
        super().__init__(f"{code}: {value!r}")


@dataclass(frozen=True)
class PartialDate:
    """A date known to the day, the month or the year, or not known (``precision == "unknown"``).

    An unknown date has no interval of its own: :meth:`interval` bounds it by the
    as-of date and by the other end of its post.
    """

    precision: str  # "day" | "month" | "year" | "unknown"
    year: int = 0
    month: int = 0
    day: int = 0

    @property
    def exact(self) -> bool:
        return self.precision == "day"

    # first, last and the ISO text are worked out once per object (kept in its __dict__,
    # beside the fields that equality and hashing read): parsed dates are shared by every
    # profile that writes the same text (``_parse_text`` is remembered).
    @cached_property
    def first(self) -> date:
        if self.precision == "unknown":
            return EARLIEST
        return date(self.year, self.month or 1, self.day or 1)

    @cached_property
    def last(self) -> date | None:
        """The last day it allows; None for an unknown date (bounded only by the run)."""
        if self.precision == "unknown":
            return None
        if self.precision == "day":
            return date(self.year, self.month, self.day)
        month = self.month or 12
        return date(self.year, month, calendar.monthrange(self.year, month)[1])

    def interval(self, latest: date) -> tuple[date, date]:
        """(first day, last day), an unknown date reaching at most ``latest``."""
        last = self.last
        return self.first, (latest if last is None else last)

    def iso(self) -> str:
        """The written precision in ISO 8601 form: 2016-03-15, 2016-03, 2016; "unknown"."""
        return self._iso

    @cached_property
    def _iso(self) -> str:
        if self.precision == "day":
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        if self.precision == "year":
            return f"{self.year:04d}"
        return "unknown"

    @classmethod
    def of(cls, day: date) -> "PartialDate":
        return cls("day", day.year, day.month, day.day)

    @classmethod
    def from_iso(cls, text: str) -> "PartialDate":
        """The inverse of :meth:`iso` (for evidence and stored records)."""
        if text == "unknown":
            return cls("unknown")
        parts = [int(p) for p in text.split("-")]
        precision = ("year", "month", "day")[len(parts) - 1]
        return cls(precision, *parts)


def _folded(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text).strip().casefold())


#: The years a date in a cadre's record can fall in: one outside is a slip of the keyboard.
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _real(precision: str, year: int, month: int = 0, day: int = 0, written: str = "") -> PartialDate:
    if precision != "year" and not 1 <= month <= 12:  # "tháng 0/2016", "00/2016", "2016-13"
        raise DateError("not_a_day", written)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise DateError("year_out_of_range", written)
    if day:
        try:
            date(year, month, day)
        except ValueError:
            raise DateError("not_a_day", written) from None
    return PartialDate(precision, year, month, day)


def parse(value, *, still_held: bool = False, unknown: bool = False) -> PartialDate | None:
    """A written date -> :class:`PartialDate`; None for "nay" when ``still_held`` allows it.

    Accepts a ``date``, a four-digit year as an integer, and the text forms of
    SPEC §4; raises :class:`DateError` for anything else.
    """
    if isinstance(value, bool):
        raise DateError("bad_date", str(value))
    if isinstance(value, date) and not hasattr(value, "hour"):
        return PartialDate.of(value)
    if isinstance(value, int):
        if 1000 <= value <= 9999:
            return _real("year", value, written=str(value))
        raise DateError("bad_date", str(value) if abs(value) < 10 ** 30 else f"{str(value)[:30]}…")
    if not isinstance(value, str):
        raise DateError("bad_date", str(value)[:60])
    return _parse_text(value, still_held, unknown)


#: The text forms, in the order they are tried: (pattern, its groups -> (precision, year, month, day)).
_FORMS = ((_ISO_DAY, lambda y, m, d: ("day", y, m, d)),
          (_VN_DAY, lambda d, m, y: ("day", y, m, d)),
          (_ISO_MONTH, lambda y, m: ("month", y, m)),
          (_VN_MONTH, lambda m, y: ("month", y, m)),
          (_YEAR, lambda y: ("year", y)))


@lru_cache(maxsize=1 << 16)
def _parse_text(written: str, still_held: bool, unknown: bool) -> PartialDate | None:
    """:func:`parse` of a text (remembered: a batch writes the same days again and again;
    a text that is no date raises each time)."""
    text = _folded(written)
    if still_held and text in STILL_HELD:
        return None
    if unknown and text in UNKNOWN:
        return PartialDate("unknown")
    for pattern, build in _FORMS:
        match = pattern.fullmatch(text)
        if match:
            precision, *numbers = build(*(int(g) for g in match.groups()))
            return _real(precision, *numbers, written=written)
    raise DateError("bad_date", written)


def exact_day(value) -> date:
    """A date that must be known to the day (an exception's date, the as-of date of a case)."""
    parsed = parse(value)
    if parsed is None or not parsed.exact:
        raise DateError("not_exact", str(value))
    return parsed.first
