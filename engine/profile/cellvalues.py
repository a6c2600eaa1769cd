"""A cell's value as the profile field it fills: only what a spreadsheet changed is undone.

A spreadsheet stores a typed year as a number (1968.0), a typed whole-number
id as a number (12.0), a date as a date with a number format that may show it
to the month only ("mmm-yy" for a typed 03/2016), and a date under a format
openpyxl does not take for a date as a bare serial number.  Each is turned back
into what was typed; text is passed on as written, for the profile model to
judge as it judges YAML.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache

from openpyxl.styles.numbers import is_date_format
from openpyxl.utils.datetime import from_excel

from .sheets import Cell


def year_key(value):
    """A rating's year as a key: a number is its whole value, decimal text its number, other text itself."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().isdecimal() and len(value.strip()) <= 6:
        return int(value.strip())
    return value if isinstance(value, (int, str)) else str(value)


def as_text(value):
    """A cell in a text column as the spreadsheet shows it: 15 for 15.0, 15/03/2016 for a date."""
    if isinstance(value, (bool, str)):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    return str(value)


_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


@lru_cache(maxsize=256)
def _date_section(number_format: str) -> str | None:
    """The section of a number format that writes a date ("dd/mm/yyyy" of "[<10000]0;dd/mm/yyyy"), lowercase."""
    for section in number_format.split(";"):
        plain = _QUOTED.sub("", section).lower()
        if plain and is_date_format(plain):
            return plain
    return None


def _as_date(day: date, number_format: str):
    """A date cell as the precision its format shows: a date, "MM/YYYY" text, or a year."""
    section = _date_section(number_format) or "d"
    if "d" in section:
        return day
    if "m" in section:
        return f"{day.month:02d}/{day.year}"
    return day.year


def convert(kind: str, cell: Cell, epoch: datetime):
    """(value for the profile document, None) or (None, (code, params)) for a cell of column ``kind``."""
    value = cell.value
    if kind == "year":
        if isinstance(value, (date, datetime)):
            year, _ = _date_value(cell, epoch)
            return (year if isinstance(year, int) else as_text(value)), None
        return year_key(value), None
    if isinstance(value, str):
        return value, None
    if kind == "id":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer() \
                and abs(value) < 1e15:
            return str(int(value)), None
        return None, ("id_not_text", {"value": as_text(value)})
    if kind == "date":
        return _date_value(cell, epoch)
    if kind == "yes_no":
        return value, None
    return as_text(value), None


def _date_value(cell: Cell, epoch: datetime):
    value = cell.value
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        serial = (datetime(value.year, value.month, value.day) - epoch).days
        if 1900 <= serial <= 2100:  # a year typed into a date cell: 1968 shows as 21/05/1905
            return serial, None
        return _as_date(value, cell.number_format), None
    if isinstance(value, bool):
        return value, None
    if isinstance(value, (int, float)):
        if float(value).is_integer() and 1000 <= value <= 9999:
            return int(value), None
        if _date_section(cell.number_format) is not None:  # a date under a format openpyxl does not take for one
            try:
                day = from_excel(value, epoch)
            except (OverflowError, ValueError, TypeError):
                day = None
            if isinstance(day, (date, datetime)):
                return _as_date(day.date() if isinstance(day, datetime) else day, cell.number_format), None
        return None, ("bad_date", {"value": as_text(value)})
    return value, None
