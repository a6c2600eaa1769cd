"""JSON for programs (SPEC §5): the screening report, the JSON Lines stream, one explanation.

Codes stay codes here; the texts are those of the records.
"""

from __future__ import annotations

import json

from ..decide.explain import Explainer
from ..jsonform import array_lines, compact, dumps
from ..run.spool import SortedSpool
from .common import VERDICTS, invalid_dict, sort_invalid


def ruleset(pack) -> dict:
    return {"id": pack.id, "version": pack.version, "digest": pack.digest}


def report_chunks(pack, as_of, lang: str, rows: list[tuple[str, str, str]], invalid: list):
    """The screening JSON, piece by piece, from (profile id, verdict, result as compact
    JSON): sorted by profile id, one result a line, byte-identical whatever the input
    order. Written as it is produced, a large report is never held twice in memory."""
    report = JsonReport(pack, as_of, lang)
    for profile_id, verdict, text in rows:
        report.add(profile_id, verdict, text)
    return report.chunks(invalid)


class JsonReport:
    """The screening JSON of a run, gathered one result at a time in bounded memory (the
    results wait, sorted by profile id, in a spool: ``engine/run/spool.py``)."""

    def __init__(self, pack, as_of, lang: str):
        self.pack, self.as_of, self.lang = pack, as_of, lang
        self.found = {v: 0 for v in VERDICTS}
        self.results = SortedSpool()

    def add(self, profile_id: str, verdict: str, text: str) -> None:
        """One result: its id, verdict and the decision as ``jsonform.compact`` encoded it."""
        self.found[verdict] += 1
        self.results.add(profile_id, text)

    def chunks(self, invalid: list):
        try:
            yield from self._chunks(invalid)
        finally:
            self.results.close()

    def _chunks(self, invalid: list):
        lang = self.lang
        head = {"ruleset": ruleset(self.pack), "as_of": self.as_of.isoformat(), "lang": lang,
                "counts": {**self.found, "invalid": len(invalid)}}
        yield "{\n" + "".join(f"  {json.dumps(key)}: {compact(value)},\n" for key, value in head.items())
        invalid_texts = [compact(invalid_dict(i, lang)) for i in sort_invalid(invalid)]
        for key, count, texts in (("results", self.results.count, (text for _, text in self.results)),
                                  ("invalid", len(invalid_texts), iter(invalid_texts))):
            yield from array_lines(key, texts, count, last=key == "invalid")
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
