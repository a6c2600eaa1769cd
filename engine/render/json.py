"""JSON for programs (SPEC §5): the screening report, the JSON Lines stream, one explanation.

Codes stay codes here; the texts are those of the records.
"""

from __future__ import annotations

import json

from ..decide.explain import Explainer
from ..jsonform import compact, dumps
from .common import VERDICTS, invalid_dict, sort_invalid


def ruleset(pack) -> dict:
    return {"id": pack.id, "version": pack.version, "digest": pack.digest}


def report_chunks(pack, as_of, lang: str, rows: list[tuple[str, str, str]], invalid: list):
    """The screening JSON, piece by piece, from (profile id, verdict, result as compact
    JSON): sorted by profile id, one result a line, byte-identical whatever the input
    order. Written as it is produced, a large report is never held twice in memory."""
    rows.sort()
    found = {v: 0 for v in VERDICTS}
    for _, verdict, _ in rows:
        found[verdict] += 1
    head = {"ruleset": ruleset(pack), "as_of": as_of.isoformat(), "lang": lang,
            "counts": {**found, "invalid": len(invalid)}}
    yield "{\n" + "".join(f"  {json.dumps(key)}: {compact(value)},\n" for key, value in head.items())
    invalid_texts = [compact(invalid_dict(i, lang)) for i in sort_invalid(invalid)]
    for key, count, texts in (("results", len(rows), (text for _, _, text in rows)),
                              ("invalid", len(invalid_texts), iter(invalid_texts))):
        closing = "]," if key == "results" else "]"
        if not count:
            yield f'  "{key}": [{closing}\n'
            continue
        yield f'  "{key}": [\n'
        for number, text in enumerate(texts, start=1):
            yield f"    {text}{',' if number < count else ''}\n"
        yield f"  {closing}\n"
    yield "}\n"


def result_line(record: dict) -> str:
    """One line of the JSON Lines stream for a decided profile."""
    return json.dumps({"kind": "result", **record}, ensure_ascii=False)


def result_text_line(text: str) -> str:
    """:func:`result_line` from the record already encoded by ``jsonform.compact``: the
    same bytes (a JSON Lines line puts ``"kind"`` first and separates as compact does),
    without encoding the decision a second time."""
    return '{"kind": "result", ' + text[1:]


def invalid_line(entry, lang: str) -> str:
    return json.dumps({"kind": "invalid", **invalid_dict(entry, lang)}, ensure_ascii=False)


def summary_line(pack, as_of, lang: str, counts: dict) -> str:
    return json.dumps({"kind": "summary", "ruleset": ruleset(pack), "as_of": as_of.isoformat(), "lang": lang,
                       "counts": counts}, ensure_ascii=False)


def explain_json(ex: Explainer, record: dict) -> str:
    data = json.loads(json.dumps(record))
    for rule in data["rules"]:
        rule["title"] = ex.rule_title(rule["id"])
        rule["basis"] = ex.basis_text(rule["id"])
        rule["provenance"] = ex.provenance_text(rule["id"])
    return dumps({"ruleset": ruleset(ex.pack), "as_of": ex.as_of.isoformat(), "lang": ex.lang, "result": data})
