"""Replay: a recorded run re-decided from the inputs and the pack content the
store kept, whatever ``rules/`` holds today; and who changed verdict between
two recorded runs.
"""

from __future__ import annotations

import hashlib
import sqlite3
from datetime import date

from ..decide.decide import Decider
from ..decide.explain import Explainer, record
from ..errors import Problem, SanglocError
from ..escape import one_line
from ..i18n import label
from ..jsonform import canonical, compact
from ..pack.load import pack_from_content
from ..profile.reading import odd_values
from ..profile.validate import validate_profile
from . import audit
from .compare import side, verdict_changes


class _Judge:
    """A run's stored pack, ready to decide its stored inputs again."""

    def __init__(self, db: sqlite3.Connection, header: dict):
        content = audit.pack_content(db, header["pack"]["digest"])
        self.pack = pack_from_content(content, f"<{header['pack']['id']} {header['pack']['version']}>")
        as_of = date.fromisoformat(header["as_of"])
        self.decider = Decider(self.pack, as_of)
        self.explainer = Explainer(self.pack, as_of, header["lang"])
        self.context = self.pack.profile_context(as_of)

    def again(self, stored_record: dict, lang: str = "en") -> dict | str:
        """The decision made again from a record's stored input, or why it cannot be (in ``lang``)."""
        stored = stored_record["decision"]
        document = stored_record.get("input")
        odd = odd_values(document)
        if odd:  # a stored input no reader could have produced: said, not validated
            return "; ".join(Problem(".".join(map(str, path)), code, params).text(lang) for path, code, params in odd)
        profile, problems = validate_profile(document, self.context)
        if problems:
            return "; ".join(p.text(lang) for p in problems)
        return record(self.decider.decide(profile, stored.get("source", "")), self.explainer)


def _matches(stored_record: dict, again: dict) -> bool:
    """Whether a decision made again is the one recorded: the same printed bytes (schema 3
    keeps their digest), or the same data (schema 2 keeps the decision)."""
    if "record_sha256" in stored_record:
        stored = stored_record["decision"]
        return (hashlib.sha256(compact(again).encode("utf-8")).hexdigest() == stored_record["record_sha256"]
                and all(stored.get(key) == again.get(key) for key in ("profile_id", "full_name", "verdict", "source"))
                and stored["outcomes"] == "".join(audit.OUTCOME_LETTERS[rule["outcome"]] for rule in again["rules"]))
    return canonical(again) == canonical(stored_record["decision"])


def replay(db: sqlite3.Connection, run_id: str, lang: str = "en") -> tuple[dict, list[tuple[str, str]]]:
    """Re-evaluate a run's stored inputs with its stored pack; (header, [(profile id, what differs,
    said in ``lang``)])."""
    header = audit.run_header(db, run_id)
    judge = _Judge(db, header)
    differences = []
    if judge.pack.digest != header["pack"]["digest"]:
        differences.append(("*", (
            f"nội dung bộ quy tắc đã lưu có mã băm {judge.pack.digest}, khác mã {header['pack']['digest']} lần chạy ghi"
            if lang == "vi" else
            f"the stored pack's content digest is {judge.pack.digest}, not the {header['pack']['digest']} the run names")))
    titles = {rule.id: rule.short_title(lang) for rule in judge.pack.rules}
    for stored_record in audit.run_decisions(db, run_id):
        stored = stored_record["decision"]
        again = judge.again(stored_record, lang)
        if isinstance(again, str):
            differences.append((stored["profile_id"], again))
        elif not _matches(stored_record, again):
            differences.append((stored["profile_id"], _first_difference(stored, again, lang, titles)))
    return header, differences


def full_records(db: sqlite3.Connection, history: list[tuple[dict, dict]]) -> list[tuple[dict, dict]]:
    """(run header, record) with each decision of schema 3 made whole again: decided anew
    from its stored input and pack, and kept only when the bytes match the digest recorded
    when it was printed (then its reasons, evidence and missing texts are exactly those of
    that day).  One that does not match keeps its outcomes, and says ``"reproduced": false``."""
    judges: dict[tuple, _Judge] = {}
    whole = []
    for header, stored_record in history:
        if "record_sha256" in stored_record and "decision" in stored_record:
            key = (header["pack"]["digest"], header["as_of"], header["lang"])
            try:
                judge = judges.get(key) or judges.setdefault(key, _Judge(db, header))
                again = judge.again(stored_record)
            except SanglocError:
                again = "the stored pack cannot be read"
            if isinstance(again, dict) and _matches(stored_record, again):
                stored_record = {**stored_record, "decision": again}
            else:
                stored_record = {**stored_record, "decision": {**stored_record["decision"], "reproduced": False}}
        whole.append((header, stored_record))
    return whole


def _first_difference(stored: dict, again: dict, lang: str, titles: dict) -> str:
    """What differs first between a recorded decision and the same decided again, in words."""
    vi = lang == "vi"
    if stored.get("verdict") != again.get("verdict"):
        before, after = label("verdict", stored.get("verdict"), lang), label("verdict", again.get("verdict"), lang)
        return (f"kết luận đã ghi là «{before}», chạy lại ra «{after}»" if vi
                else f"the recorded verdict is «{before}»; replayed, «{after}»")
    compact_record = "outcomes" in stored  # schema 3: outcomes and names kept, texts by digest
    for old, new in zip(stored.get("rules", []), again.get("rules", [])):
        title = titles.get(new.get("id")) or one_line(new.get("id"))
        if old.get("outcome") != new.get("outcome"):
            before, after = label("outcome", old.get("outcome"), lang), label("outcome", new.get("outcome"), lang)
            return (f"tiêu chuẩn «{title}»: đã ghi «{before}», chạy lại ra «{after}»" if vi
                    else f"criterion «{title}»: recorded «{before}»; replayed, «{after}»")
        if not compact_record and old != new:
            return (f"tiêu chuẩn «{title}»: lý do, chứng cứ hoặc điều cần bổ sung khác bản đã ghi" if vi
                    else f"criterion «{title}»: its reason, evidence or what is missing differ from the record")
    fields = {"profile_id": ("mã hồ sơ", "the profile id"), "full_name": ("họ và tên", "the full name"),
              "source": ("tệp hồ sơ", "the profile file")}
    changed = [fields[k][0 if vi else 1] for k in fields if stored.get(k) != again.get(k)]
    if changed:
        return (f"khác bản đã ghi ở: {', '.join(changed)}" if vi else f"differs from the record in: {', '.join(changed)}")
    return ("lời lý do, chứng cứ hoặc điều cần bổ sung khác bản đã in (so theo mã băm đã ghi)" if vi
            else "the decision's texts differ from those printed (by the digest recorded)")


def run_diff(db: sqlite3.Connection, run_a: str, run_b: str) -> list[dict]:
    """Who changed verdict between two recorded runs, and which rules changed."""
    def decisions(run_id):
        return side(r["decision"] for r in audit.run_decisions(db, run_id))

    return [{"profile_id": profile_id, "full_name": name, "verdict_a": before, "verdict_b": after,
             "rules": [{"id": r.rule_id, "a": r.before, "b": r.after} for r in rules]}
            for profile_id, name, before, after, rules in verdict_changes(decisions(run_a), decisions(run_b))]
