"""A validated profile written back as an office writes it: Vietnamese words, never codes.

:func:`office_record` turns a :class:`~engine.profile.model.Profile` into the
document ``sangloc import`` writes as YAML and ``sangloc export`` writes into
the workbook: titles in the form the profile used (a code becomes the
catalog's label), every coded value as the first word of its table in the
catalog ("Hoàn thành tốt nhiệm vụ", "Thạc sĩ"), each finding and exception
under its criterion's Vietnamese title, the approving body by name.  Dates
stay :class:`~engine.dates.PartialDate`, so each writer shows them as
precisely as they were given.  Read again under the same pack, the record is
the same profile.
"""

from __future__ import annotations

import yaml

from ..dates import PartialDate
from ..i18n import label
from ..pack.model import Pack
from ..profile.model import Profile


def word(pack: Pack, group: str, code: str) -> str:
    """The word an office writes for ``code``: the first of its table in the catalog, capitalised."""
    table = pack.catalog.words.get(group)
    spellings = table.words.get(code, ()) if table is not None else ()
    text = spellings[0] if spellings else label(group, code, "vi")
    return text[:1].upper() + text[1:]


def finding_title(pack: Pack, finding: str) -> str:
    """The Vietnamese title of a finding the board records (a judgement rule or a declared assessment)."""
    for assessment in pack.spec.assessments:
        if assessment.id == finding:
            return assessment.title.vi
    return pack.rule(finding).title.vi


def office_record(profile: Profile, pack: Pack) -> dict:
    """The profile as an office writes it (dates as :class:`PartialDate`)."""
    catalog = pack.catalog
    record: dict = {"id": profile.id, "full_name": profile.full_name, "gender": word(pack, "gender", profile.gender),
                    "birth_date": profile.birth_date}
    if profile.party_joined is not None:
        record["party_joined"] = profile.party_joined
    if not profile.record_complete:
        record["record_complete"] = False
    if profile.positions:
        record["positions"] = [_drop_none({"title": p.form or p.title, "org": p.org, "start": p.start, "end": p.end})
                               for p in profile.positions]
    if profile.ratings:
        record["ratings"] = {year: word(pack, "rating", code) for year, code in sorted(profile.ratings.items())}
    if profile.planning:
        record["planning"] = [_drop_none({"title": p.form or p.title, "term": p.term, "org": p.org, "decision": p.decision})
                              for p in profile.planning]
    if profile.education is not None:
        education = {key: word(pack, key, getattr(profile.education, key))
                     for key in ("professional", "political_theory", "state_management")
                     if getattr(profile.education, key) is not None}
        if education:
            record["education"] = education
    if profile.discipline:
        record["discipline"] = [_drop_none({"form": word(pack, "discipline", d.form), "decided": d.decided,
                                            "until": d.until, "note": d.note}) for d in profile.discipline]
    if profile.assessments:
        record["assessments"] = {finding_title(pack, finding): _drop_none({
            "result": word(pack, "result", a.result), "by": a.by, "date": a.date, "note": a.note})
            for finding, a in profile.assessments.items()}
    if profile.exceptions:
        record["exceptions"] = [_drop_none({"rule": pack.rule(e.rule).title.vi,
                                            "by": catalog.bodies[e.body][0] if e.body in catalog.bodies else e.by,
                                            "document": e.document, "date": e.date, "note": e.note})
                                for e in profile.exceptions]
    return record


def _drop_none(entry: dict) -> dict:
    return {k: v for k, v in entry.items() if v is not None}


def written_date(value: PartialDate):
    """A date in a YAML profile: 14/03/1967, 03/2016, 1969 (a number), "không rõ"."""
    if value.precision == "day":
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if value.precision == "month":
        return f"{value.month:02d}/{value.year}"
    if value.precision == "year":
        return value.year
    return "không rõ"


def _yaml_values(node):
    if isinstance(node, PartialDate):
        return written_date(node)
    if isinstance(node, dict):
        return {k: _yaml_values(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_yaml_values(v) for v in node]
    return node


class _Dumper(yaml.SafeDumper):
    """Block style throughout, with list items indented under their key, as the example profiles are."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def profile_yaml(record: dict, note: str | None = None) -> str:
    """An office record as a YAML profile file."""
    text = yaml.dump(_yaml_values(record), Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=120)
    return (f"# {note}\n" if note else "") + text
