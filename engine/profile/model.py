"""Pydantic models of a cadre profile (SPEC §4), validated strictly.

Validation needs the pack (its catalog resolves titles; its as-of date bounds
rating years; its assessment ids), passed as pydantic's validation context:
``Profile.model_validate(data, context=ProfileContext(...))``.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

from .catalog import Catalog

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Any dash a keyboard or a word processor produces separates the two years.
_TERM = re.compile(r"^\s*(\d{4})\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*(\d{4})\s*$")
_PROFILE_ID = re.compile(r"^[\w.\-]+$")

Rating = Literal["xuat_sac", "hoan_thanh_tot", "hoan_thanh", "khong_hoan_thanh"]
Professional = Literal["trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"]
PoliticalTheory = Literal["so_cap", "trung_cap", "cao_cap", "cu_nhan"]
StateManagement = Literal["chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"]
DisciplineForm = Literal["khien_trach", "canh_cao", "cach_chuc", "khai_tru"]


@dataclass(frozen=True)
class ProfileContext:
    """What validating a profile needs from the pack it will be screened under."""

    catalog: Catalog
    as_of: date
    #: The board's findings the pack knows (judgement rules and declared assessments).
    assessment_ids: frozenset[str] = frozenset()
    pack_id: str = ""


def parse_iso_date(value) -> date:
    """A real calendar date written YYYY-MM-DD; anything else is an input error."""
    if isinstance(value, date) and not hasattr(value, "hour"):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise PydanticCustomError("bad_date", "not a real ISO date", {"value": str(value)})


#: A date field: it arrives as text (the YAML reader keeps dates so) and is parsed
#: before the strict model sees it.
Day = Annotated[date, BeforeValidator(parse_iso_date)]


def _drop_empty(mapping: dict) -> dict:
    """The mapping without its null values, looking into nested mappings and lists of them."""
    cleaned = {}
    for key, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = _drop_empty(value)
        elif isinstance(value, list):
            value = [_drop_empty(v) if isinstance(v, dict) else v for v in value]
        cleaned[key] = value
    return cleaned


def _nonempty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty_string", "must not be empty")
    return value.strip()


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


def _resolve_title(value: str, info: ValidationInfo) -> str:
    context: ProfileContext = info.context
    title = context.catalog.resolve(value)
    if title is None:
        raise PydanticCustomError(
            "unknown_title", "unknown title",
            {"value": value, "suggestions": context.catalog.suggest(value)},
        )
    return title.code


#: Bounds on free text: generous for any real name or decision number, and a
#: cap on what one malformed profile can make the engine carry.
ShortText = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=4000)]


class Position(_Strict):
    title: ShortText
    org: ShortText | None = None
    start: Day
    end: Day | None = None

    _title = field_validator("title")(_resolve_title)


    @model_validator(mode="after")
    def _end_after_start(self):
        if self.end is not None and self.end < self.start:
            raise PydanticCustomError(
                "end_before_start", "end before start",
                {"end": self.end.isoformat(), "start": self.start.isoformat()},
            )
        return self


class PlanningEntry(_Strict):
    title: ShortText
    term: ShortText
    decision: ShortText | None = None

    _title = field_validator("title")(_resolve_title)

    @field_validator("term")
    @classmethod
    def _term(cls, value: str) -> str:
        match = _TERM.match(value)
        if not match or int(match.group(2)) <= int(match.group(1)):
            raise PydanticCustomError("bad_term", "bad term", {"value": value})
        return f"{match.group(1)}-{match.group(2)}"


class Education(_Strict):
    professional: Professional | None = None
    political_theory: PoliticalTheory | None = None
    state_management: StateManagement | None = None


class DisciplineEntry(_Strict):
    form: DisciplineForm
    decided: Day
    until: Day | None = None
    note: LongText | None = None


    @model_validator(mode="after")
    def _until_after_decided(self):
        if self.until is not None and self.until < self.decided:
            raise PydanticCustomError(
                "end_before_start", "until before decided",
                {"end": self.until.isoformat(), "start": self.decided.isoformat()},
            )
        return self


class Assessment(_Strict):
    result: Literal["met", "not_met"]
    by: ShortText | None = None
    date: Day | None = None
    note: LongText | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value):
        # `trung-thanh: met` is how a clerk types it; it means {result: met}.
        return {"result": value} if isinstance(value, str) else value



def _rating_year(key, info: ValidationInfo) -> int:
    """A calendar year from 1945 to the as-of year, written as a YAML integer or JSON text."""
    year = key if isinstance(key, int) and not isinstance(key, bool) else None
    if isinstance(key, str) and key.strip().isdigit():
        year = int(key.strip())
    if year is None:
        raise PydanticCustomError("not_a_year", "not a year", {"value": str(key)})
    last = info.context.as_of.year
    if not 1945 <= year <= last:
        raise PydanticCustomError("bad_year", "bad year", {"value": str(key), "max": last})
    return year


#: Each year of `ratings` is checked on its own, so every bad one is reported at once.
RatingYear = Annotated[int, PlainValidator(_rating_year)]


class Profile(_Strict):
    id: Annotated[str, Field(max_length=64)]
    full_name: ShortText
    gender: Literal["male", "female"]
    birth_date: Day
    party_joined: Day | None = None
    positions: list[Position] = []
    ratings: dict[RatingYear, Rating] = {}
    planning: list[PlanningEntry] = []
    education: Education | None = None
    discipline: list[DisciplineEntry] = []
    assessments: dict[str, Assessment] = {}

    @model_validator(mode="before")
    @classmethod
    def _empty_means_absent(cls, value):
        # `positions:` or `end:` with nothing after it is how YAML says "none":
        # an empty value means the same as a key not written (a required one is then missing).
        return _drop_empty(value) if isinstance(value, dict) else value

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        value = unicodedata.normalize("NFC", value)
        if not _PROFILE_ID.match(value):
            raise PydanticCustomError("bad_id", "bad id", {"value": value})
        return value

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        value = unicodedata.normalize("NFC", _nonempty(value))
        # Control characters, and the bidirectional overrides that can make a name read
        # differently from what it holds.
        if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 or 0x202A <= ord(ch) <= 0x202E or 0x2066 <= ord(ch) <= 0x2069
               for ch in value):
            raise PydanticCustomError("control_chars", "control characters")
        return value


    @field_validator("ratings", mode="before")
    @classmethod
    def _rating_years(cls, value):
        """2016 and "2016" are one year: keeping either would silently drop the other."""
        if isinstance(value, dict):
            seen = set()
            for key in value:
                year = str(key).strip()
                if year in seen:
                    raise PydanticCustomError("duplicate_year", "duplicate year", {"value": year})
                seen.add(year)
        return value
