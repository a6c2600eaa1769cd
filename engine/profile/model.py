"""Pydantic models of a cadre profile (SPEC §4), as personnel records write it.

Dates may be partial (``engine/dates.py``), coded values may be written in
the Vietnamese words offices use, titles by label or alias.  Validation
needs the pack (its catalog, as-of date, assessment and rule names, which
rules admit exceptions), passed as pydantic's validation context:
``Profile.model_validate(data, context=ProfileContext(...))``.  Every value
a file can hold is either accepted or an input error naming its field.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Mapping

from pydantic import (AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainValidator, PrivateAttr, ValidationInfo,
                      WithJsonSchema, field_validator, model_validator)
from pydantic_core import PydanticCustomError

from ..dates import DateError, PartialDate, parse
from .catalog import Catalog, TitleProblem, normalise

#: Any dash a keyboard or a word processor produces separates the two years.
_TERM = re.compile(r"\s*(\d{4})\s*[-\u2010\u2011\u2012\u2013\u2014\u2212]\s*(\d{4})\s*")
_PROFILE_ID = re.compile(r"[\w.\-]+")
#: Control characters, direction marks, and characters that print as nothing (zero-width
#: spaces and joiners, the soft hyphen, line and paragraph separators, fillers): a name or
#: an id holding one reads as another on paper and compares unequal on screen.
_INVISIBLE = "\u00ad\u115f\u1160\u180e\u200b-\u200d\u2028\u2029\u2060-\u2064\ufeff\u3164\uffa0"
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069{_INVISIBLE}]")
_CONTROL_IN_NOTE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069{_INVISIBLE}]")

#: The codes of every coded field (SPEC §4); the words for each are in the catalog.
CODES: dict[str, tuple[str, ...]] = {
    "gender": ("male", "female"),
    "rating": ("xuat_sac", "hoan_thanh_tot", "hoan_thanh", "khong_hoan_thanh"),
    "professional": ("trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"),
    "political_theory": ("so_cap", "trung_cap", "cao_cap", "cu_nhan"),
    "state_management": ("chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"),
    "discipline": ("khien_trach", "canh_cao", "cach_chuc", "khai_tru"),
    "result": ("met", "not_met"),
}

#: Bounds on what one profile may hold: far above any real career, and a cap on
#: what one malformed file can make the engine do.
MAX_POSITIONS, MAX_PLANNING, MAX_DISCIPLINE, MAX_ASSESSMENTS, MAX_EXCEPTIONS = 100, 30, 30, 50, 20
#: A rating is for one year from 1945 to the as-of year: 200 years is more than any as-of date allows.
MAX_RATINGS = 200


@dataclass(frozen=True)
class ProfileContext:
    """What validating a profile needs from the pack it will be screened under."""

    catalog: Catalog
    as_of: date
    #: The board's findings the pack knows (judgement rules and declared assessments).
    assessment_ids: frozenset[str] = frozenset()
    pack_id: str = ""
    #: Every name of a finding (id, title, short title), normalised -> its id.
    assessment_names: Mapping[str, str] = field(default_factory=dict)
    #: Every name of a rule, normalised -> its id.
    rule_names: Mapping[str, str] = field(default_factory=dict)
    #: Rule id -> the bodies that may approve an exception to it (rules that admit one), in the pack's order.
    exceptions: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: Rule id -> its short title (vi, en), for messages that name a rule.
    rule_titles: Mapping[str, tuple[str, str]] = field(default_factory=dict)


def _context(info: ValidationInfo) -> ProfileContext:
    return info.context


# -- text ----------------------------------------------------------------------

def _plain(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    if _CONTROL.search(value):
        raise PydanticCustomError("control_chars", "control characters")
    return value


def _note(value: str) -> str:
    value = unicodedata.normalize("NFC", value)
    if _CONTROL_IN_NOTE.search(value):
        raise PydanticCustomError("control_chars", "control characters")
    return value


#: Bounds on free text: generous for any real name or decision number, and a cap on
#: what one malformed profile can make the engine carry.
ShortText = Annotated[str, Field(max_length=300), AfterValidator(_plain)]
LongText = Annotated[str, Field(max_length=4000), AfterValidator(_note)]


# -- dates -------------------------------------------------------------------

def _date_validator(*, still_held: bool = False, unknown: bool = False, exact: bool = False):
    def validate(value):
        if value is None and still_held:
            return None
        try:
            parsed = parse(value, still_held=still_held, unknown=unknown)
        except DateError as err:
            raise PydanticCustomError(err.code, err.code, {"value": err.value}) from None
        if exact and (parsed is None or not parsed.exact):
            raise PydanticCustomError("not_exact", "not a full date", {"value": str(value)})
        return parsed

    return PlainValidator(validate)


_DATE_SCHEMA = WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 1000, "maximum": 9999}],
                               "description": "15/03/2016, 03/2016, tháng 3/2016, 2016, 2016-03-15"})
#: A date known to the day, the month or the year.
Day = Annotated[PartialDate, _date_validator(), _DATE_SCHEMA]
#: A post's start: also "không rõ".
Start = Annotated[PartialDate, _date_validator(unknown=True), _DATE_SCHEMA]
#: A post's end: also "không rõ", and "nay" (still held, the same as no end).
End = Annotated[PartialDate | None, _date_validator(still_held=True, unknown=True), _DATE_SCHEMA]
#: A date that must be known to the day.
ExactDay = Annotated[PartialDate, _date_validator(exact=True), _DATE_SCHEMA]


def _before(end: PartialDate | None, start: PartialDate) -> bool:
    """An end before its start for every day of both intervals (SPEC §4)."""
    return end is not None and end.last is not None and start.precision != "unknown" and end.last < start.first


# -- words for codes -------------------------------------------------------------

def _word(group: str):
    """A coded field: its code or the words offices write for it (the catalog's tables)."""

    def validate(value: str, info: ValidationInfo) -> str:
        table = _context(info).catalog.words.get(group)
        code = table.resolve(value) if table is not None else (value if value in CODES[group] else None)
        if code is None:
            allowed = table.accepted() if table is not None else list(CODES[group])
            raise PydanticCustomError("unknown_word", "unknown word",
                                      {"value": value, "allowed": ", ".join(allowed)})
        return code

    return Annotated[str, Field(max_length=300), AfterValidator(validate),
                     WithJsonSchema({"type": "string", "examples": list(CODES[group])})]


Gender = _word("gender")
Rating = _word("rating")
Professional = _word("professional")
PoliticalTheory = _word("political_theory")
StateManagement = _word("state_management")
DisciplineForm = _word("discipline")
Result = _word("result")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


#: Entries already validated, by their content and the context they were validated in.
_REMEMBERED: dict[tuple, tuple[ProfileContext, BaseModel]] = {}


def _remembered(value, handler, info: ValidationInfo):
    """An entry written exactly as one already validated under the same context is that
    entry (the models are frozen, so one object can serve every profile that writes it):
    a batch repeats the board's findings, the planning decision and the education of
    thousands of profiles.  Only entries of plain texts are remembered."""
    if not isinstance(value, dict) or not all(type(v) is str for v in value.values()):
        return handler(value)
    context = info.context
    key = (id(context), tuple(value.items()))
    found = _REMEMBERED.get(key)
    if found is not None and found[0] is context:
        return found[1]
    validated = handler(value)
    if len(_REMEMBERED) >= 4096:
        _REMEMBERED.clear()
    # The context is kept with the entry: while it is, its id names no other context.
    _REMEMBERED[key] = (context, validated)
    return validated


class _Titled(_Strict):
    """An entry that names a title: resolved from the catalog, with the entry's ``org``."""

    _code: str = PrivateAttr("")
    _form: str = PrivateAttr("")

    # Read from pydantic's store of private attributes directly: through ``self._code``
    # each read goes by pydantic's __getattr__, a few microseconds a fact.
    @property
    def code(self) -> str:
        return self.__pydantic_private__["_code"]

    @property
    def form(self) -> str:
        """The label of the form the entry was written in ("Phó Bí thư Thành ủy")."""
        return self.__pydantic_private__["_form"]

    def _resolve_title(self, info: ValidationInfo) -> None:
        try:
            resolved = _context(info).catalog.resolve(self.title, self.org)
        except TitleProblem as problem:
            raise PydanticCustomError(problem.code, problem.code, problem.params) from None
        private = self.__pydantic_private__  # what pydantic's __setattr__ would write, written directly
        private["_code"], private["_form"] = resolved.code, resolved.label


class Position(_Titled):
    title: ShortText
    org: ShortText | None = None
    start: Start
    end: End = None

    @model_validator(mode="after")
    def _checked(self, info: ValidationInfo):
        self._resolve_title(info)
        if _before(self.end, self.start):
            raise PydanticCustomError("end_before_start", "end before start",
                                      {"end": self.end.iso(), "start": self.start.iso()})
        return self


class PlanningEntry(_Titled):
    title: ShortText
    term: ShortText
    org: ShortText | None = None
    decision: ShortText | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _remember(cls, value, handler, info: ValidationInfo):
        return _remembered(value, handler, info)

    @field_validator("term")
    @classmethod
    def _term(cls, value: str) -> str:
        match = _TERM.fullmatch(value)
        if not match or int(match.group(2)) <= int(match.group(1)):
            raise PydanticCustomError("bad_term", "bad term", {"value": value})
        return f"{match.group(1)}-{match.group(2)}"

    @model_validator(mode="after")
    def _checked(self, info: ValidationInfo):
        self._resolve_title(info)
        return self


class Education(_Strict):
    professional: Professional | None = None
    political_theory: PoliticalTheory | None = None
    state_management: StateManagement | None = None

    @model_validator(mode="wrap")
    @classmethod
    def _remember(cls, value, handler, info: ValidationInfo):
        return _remembered(value, handler, info)


class DisciplineEntry(_Strict):
    form: DisciplineForm
    decided: Day
    until: Day | None = None
    note: LongText | None = None

    @model_validator(mode="after")
    def _until_after_decided(self):
        if _before(self.until, self.decided):
            raise PydanticCustomError("until_before_decided", "until before decided",
                                      {"end": self.until.iso(), "start": self.decided.iso()})
        return self


class Assessment(_Strict):
    result: Result
    by: ShortText | None = None
    date: Day | None = None
    note: LongText | None = None

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, value):
        # `trung-thanh: met` (or `: đạt`) is how a clerk types it; it means {result: met}.
        return {"result": value} if isinstance(value, str) else value

    @model_validator(mode="wrap")
    @classmethod
    def _remember(cls, value, handler, info: ValidationInfo):
        return _remembered(value, handler, info)


class ExceptionEntry(_Strict):
    """An exception to one rule, approved by a higher body (SPEC §2)."""

    rule: ShortText
    by: ShortText
    document: ShortText
    date: ExactDay
    note: LongText | None = None

    _body: str = PrivateAttr("")

    @property
    def body(self) -> str:
        """The approving body's code in the catalog."""
        return self._body

    @field_validator("rule")
    @classmethod
    def _rule(cls, value: str, info: ValidationInfo) -> str:
        context = _context(info)
        rule_id = context.rule_names.get(normalise(value))
        if rule_id is None:
            raise PydanticCustomError("unknown_rule", "unknown rule", {
                "value": value, "pack": context.pack_id,
                "suggestions": difflib.get_close_matches(value, sorted(set(context.rule_names.values())), n=2)})
        if rule_id not in context.exceptions:
            vi, en = context.rule_titles.get(rule_id, (value, value))
            raise PydanticCustomError("exception_not_admitted", "no exception", {"title_vi": vi, "title_en": en})
        return rule_id

    @model_validator(mode="after")
    def _admitted(self, info: ValidationInfo):
        context = _context(info)
        bodies = context.exceptions.get(self.rule, ())
        body = context.catalog.body_words.resolve(self.by)
        if body not in bodies:
            names = ", ".join(context.catalog.bodies[b][0] for b in bodies if b in context.catalog.bodies)
            raise PydanticCustomError("exception_body", "body not admitted", {"value": self.by, "allowed": names})
        if self.date.first > context.as_of:
            raise PydanticCustomError("exception_after_as_of", "after the as-of date",
                                      {"date": self.date.iso(), "as_of": context.as_of.isoformat()})
        self._body = body
        return self


def _year(key) -> int | None:
    """A rating year as written: an integer, or text of digits (any script, leading zeros allowed)."""
    if type(key) is str and len(key) == 4 and key.isascii() and key.isdigit():
        return int(key)  # the common spelling, "2016": what the general case below says of it
    if isinstance(key, int) and not isinstance(key, bool):
        return key
    if isinstance(key, str) and key.strip().isdecimal() and len(key.strip()) <= 6:
        return int(key.strip())
    return None


def _rating_year(key, info: ValidationInfo) -> int:
    """A calendar year from 1945 to the as-of year."""
    year = _year(key)
    if year is None:
        raise PydanticCustomError("not_a_year", "not a year", {"value": str(key)[:60]})
    last = _context(info).as_of.year
    if not 1945 <= year <= last:
        raise PydanticCustomError("bad_year", "bad year", {"value": str(key)[:60], "max": last})
    return year


#: Each year of `ratings` is checked on its own, so every bad one is reported at once.
RatingYear = Annotated[int, PlainValidator(_rating_year)]


def _finding(key, info: ValidationInfo) -> str:
    """A finding of the board named by its criterion's id or Vietnamese title, full or short."""
    if not isinstance(key, str):
        raise PydanticCustomError("unknown_assessment", "unknown", {"value": str(key)[:60], "pack": "",
                                                                     "suggestions": []})
    context = _context(info)
    found = context.assessment_names.get(normalise(key)) or (key if key in context.assessment_ids else None)
    if found is None:
        raise PydanticCustomError("unknown_assessment", "unknown assessment", {
            "value": key, "pack": context.pack_id,
            "suggestions": difflib.get_close_matches(key, sorted(context.assessment_ids), n=2)})
    return found


Finding = Annotated[str, PlainValidator(_finding)]


_YES, _NO = {"true", "có", "co", "đúng", "yes", "đầy đủ"}, {"false", "không", "khong", "sai", "no", "chưa đầy đủ"}


def _yes_no(value):
    """A yes or no as a file or a spreadsheet writes it: true/false, có/không."""
    if isinstance(value, str):
        word = " ".join(value.strip().casefold().split())
        if word in _YES:
            return True
        if word in _NO:
            return False
    return value


def _holds_null(mapping: dict) -> bool:
    """Whether a null is among the mapping's values, or those of the mappings it holds
    (directly or in lists), where :func:`_drop_empty` would drop one."""
    stack = [mapping]
    while stack:
        for value in stack.pop().values():
            if value is None:
                return True
            if isinstance(value, dict):
                stack.append(value)
            elif isinstance(value, list):
                stack.extend(v for v in value if isinstance(v, dict))
    return False


def _drop_empty(mapping: dict) -> dict:
    """The mapping without its null values, looking into nested mappings and lists of them;
    the mapping itself when it holds none (most profiles: not copied)."""
    return _without_nulls(mapping) if _holds_null(mapping) else mapping


def _without_nulls(mapping: dict) -> dict:
    cleaned = {}
    for key, value in mapping.items():
        if value is None:
            continue
        if isinstance(value, dict):
            value = _without_nulls(value)
        elif isinstance(value, list):
            value = [_without_nulls(v) if isinstance(v, dict) else v for v in value]
        cleaned[key] = value
    return cleaned


def _bounded(mapping, limit: int) -> None:
    """A mapping over its bound is one error, said before any of its entries is checked
    (pydantic checks a mapping's length only after every entry, one error each)."""
    if isinstance(mapping, dict) and len(mapping) > limit:
        raise PydanticCustomError("too_many", "too many entries", {"max_length": limit})


def _nonempty(value: str) -> str:
    if not value.strip():
        raise PydanticCustomError("empty_string", "must not be empty")
    return value.strip()


class Profile(_Strict):
    id: Annotated[str, Field(max_length=64)]
    full_name: ShortText
    gender: Gender
    birth_date: Day
    party_joined: Day | None = None
    positions: Annotated[list[Position], Field(max_length=MAX_POSITIONS)] = []
    ratings: Annotated[dict[RatingYear, Rating], Field(max_length=MAX_RATINGS)] = {}
    planning: Annotated[list[PlanningEntry], Field(max_length=MAX_PLANNING)] = []
    education: Education | None = None
    discipline: Annotated[list[DisciplineEntry], Field(max_length=MAX_DISCIPLINE)] = []
    assessments: Annotated[dict[Finding, Assessment], Field(max_length=MAX_ASSESSMENTS)] = {}
    record_complete: Annotated[bool, BeforeValidator(_yes_no),
                               WithJsonSchema({"type": ["boolean", "string"], "examples": [True, False, "có", "không"]})] = True
    exceptions: Annotated[list[ExceptionEntry], Field(max_length=MAX_EXCEPTIONS)] = []

    @model_validator(mode="before")
    @classmethod
    def _empty_means_absent(cls, value):
        # `positions:` or `end:` with nothing after it is how YAML says "none":
        # an empty value means the same as a key not written (a required one is then missing).
        # An `end` left empty means the post is still held, as "nay" does.
        return _drop_empty(value) if isinstance(value, dict) else value

    @field_validator("id")
    @classmethod
    def _id(cls, value: str) -> str:
        # Normalised first, then matched as a whole: a trailing newline or space is an error.
        value = unicodedata.normalize("NFC", value)
        if not _PROFILE_ID.fullmatch(value) or _CONTROL.search(value):  # a filler is a "letter" that prints as nothing
            raise PydanticCustomError("bad_id", "bad id", {"value": value})
        return value

    @field_validator("full_name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _nonempty(value)

    @field_validator("birth_date")
    @classmethod
    def _born_by_as_of(cls, value, info: ValidationInfo):
        as_of = _context(info).as_of
        if value.first > as_of:
            raise PydanticCustomError("born_after_as_of", "born after the as-of date",
                                      {"born": value.iso(), "as_of": as_of.isoformat()})
        return value

    @field_validator("ratings", mode="before")
    @classmethod
    def _rating_years(cls, value):
        """2017, "2017" and "02017" are one year: keeping either would silently drop the other."""
        _bounded(value, MAX_RATINGS)
        if isinstance(value, dict):
            seen: dict[int, str] = {}
            for key in value:
                year = _year(key)
                if year is None:
                    continue
                if year in seen:
                    raise PydanticCustomError("duplicate_year", "duplicate year",
                                              {"value": str(year), "first": seen[year], "second": str(key)})
                seen[year] = str(key)
        return value

    @field_validator("assessments", mode="before")
    @classmethod
    def _one_finding_each(cls, value, info: ValidationInfo):
        """A criterion named twice (by its id and by its title) would keep one finding silently."""
        _bounded(value, MAX_ASSESSMENTS)
        if isinstance(value, dict):
            names = _context(info).assessment_names
            seen: dict[str, str] = {}
            for key in value:
                found = names.get(normalise(key)) if isinstance(key, str) else None
                if found is None:
                    continue
                if found in seen:
                    raise PydanticCustomError("duplicate_assessment", "duplicate",
                                              {"value": str(key), "first": seen[found]})
                seen[found] = str(key)
        return value

    @field_validator("exceptions")
    @classmethod
    def _one_exception_each(cls, value, info: ValidationInfo):
        rules = [entry.rule for entry in value]
        titles = _context(info).rule_titles
        for rule in rules:
            if rules.count(rule) > 1:
                vi, en = titles.get(rule, (rule, rule))
                raise PydanticCustomError("duplicate_exception", "duplicate", {"title_vi": vi, "title_en": en})
        return value
