"""Items -> validated profiles, and every input error as data.

One bad profile never stops the others: each problem becomes an
:class:`Invalid` entry naming the file, the profile id when known, and the
field path; everything valid is kept as a :class:`Loaded` profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import ValidationError

from ..errors import Problem
from .model import Profile, ProfileContext
from .reading import MAX_DEPTH, Item, TooDeep, clean_text, depth, item_document, odd_values
from .problems import field_path, translate, type_name


@dataclass
class Invalid:
    """A profile (or a whole file) that could not be screened, and why."""

    source: str
    profile_id: str | None
    problems: list[Problem]
    index: int | None = None
    full_name: str | None = None


@dataclass
class Loaded:
    profile: Profile
    source: str
    index: int
    #: The profile as read, before validation (what an audit record keeps).
    document: dict | None = None


def check_item(item: Item, context: ProfileContext):
    """(Loaded or None, Invalid or None, warnings) for one item."""
    if item.problem is not None:
        more = [p for _, p in item.cells.problems] if item.cells is not None else []
        return None, Invalid(item.source, guess(item.document, "id"), [item.problem, *more], item.index,
                             guess(item.document, "full_name")), []
    try:
        document = item_document(item)
    except TooDeep:
        return None, Invalid(item.source, None, [Problem("", "too_deep", {"max": MAX_DEPTH})], item.index), []
    except ValueError as err:
        number = (item.index or 0) + 1
        return None, Invalid(item.source, None, [Problem(f"line {number}", "file_syntax",
                                                         {"fmt": "JSON", "reason": str(err)})], item.index), []
    validated = None
    if item.cells is None and isinstance(document, dict) and _shallow(item, document):
        # The common case first (not a workbook's row: its cells add problems of their own): a
        # profile the model accepts holds no value the reader could not take (no such value
        # passes its strict types) and nests four levels at most; only a lone surrogate is left
        # to look for, and JSON can write one only as an escape.
        validated = validate_profile(document, context)
        if not validated[1] and (item.raw is not None and "\\u" not in item.raw or not odd_values(document)):
            return Loaded(validated[0], item.source, item.index, document), None, []
    elif depth(document) > MAX_DEPTH:
        return None, Invalid(item.source, None, [Problem("", "too_deep", {"max": MAX_DEPTH})], item.index), []
    odd = odd_values(document)
    if odd:  # what the reader could not take for a value: said as such, before the model guesses at it
        return None, Invalid(item.source, guess(document, "id"), [
            Problem(field_path(path, document), code, params) for path, code, params in odd],
            item.index, guess(document, "full_name")), []
    profile, problems = validated or validate_profile(document, context)
    if item.cells is not None:  # read from a workbook: problems at their cells, and reading's own
        problems = item.cells.locate(problems)
    if problems:
        return None, Invalid(item.source, guess(document, "id"), problems, item.index,
                             guess(document, "full_name")), []
    return Loaded(profile, item.source, item.index, document), None, []


def _shallow(item: Item, document: dict) -> bool:
    """Whether the document surely nests no deeper than the bound: a JSON line opens no
    more mappings and lists than that (a count over its text, strings included, is an
    upper bound), or the walk says so."""
    raw = item.raw
    if raw is not None and raw.count("{") + raw.count("[") <= MAX_DEPTH:
        return True
    return depth(document) <= MAX_DEPTH


def guess(document, key: str) -> str | None:
    """What an invalid profile says its id (or name) is, if it says so in text."""
    if isinstance(document, dict) and isinstance(document.get(key), str):
        return clean_text(document[key])
    return None


def validate_profile(document, context: ProfileContext) -> tuple[Profile | None, list[Problem]]:
    """The profile, or every problem pydantic and our validators found in it."""
    if not isinstance(document, dict):
        return None, [Problem("", "not_mapping", {"got": type_name(document)})]
    try:
        return Profile.model_validate(document, context=context), []
    except ValidationError as err:
        return None, [_problem(e, document) for e in err.errors(include_url=False)]


#: The field a problem found by a whole entry's check is about.
_FIELD_OF = {"unknown_title": "title", "ambiguous_title": "title", "concurrent_posts": "title",
             "exception_body": "by", "exception_after_as_of": "date"}


def _problem(error: dict, document: dict) -> Problem:
    loc, code, params = translate(error, document, Profile)
    if code in ("end_before_start", "until_before_decided"):
        loc.append("until" if loc and loc[0] == "discipline" else "end")
    elif code in _FIELD_OF and (not loc or loc[-1] != _FIELD_OF[code]):
        loc.append(_FIELD_OF[code])
    if code == "duplicate_year":
        loc.append(params["value"])
    if loc and loc[-1] == "result" and loc[0] == "assessments" and len(loc) == 3 \
            and isinstance(document.get("assessments", {}).get(loc[1]), str):
        loc.pop()  # written as the shorthand `criterion: value`: no `result` key to point at
    return Problem(field_path(loc, document), code, params)
