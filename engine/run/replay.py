"""Replay: a recorded run re-decided from the inputs and the pack content the
store kept, whatever ``rules/`` holds today; and who changed verdict between
two recorded runs.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from ..decide.decide import Decider
from ..decide.explain import Explainer, record
from ..jsonform import canonical
from ..pack.load import pack_from_content
from ..profile.reading import odd_values
from ..profile.validate import validate_profile
from . import audit
from .compare import side, verdict_changes


def replay(db: sqlite3.Connection, run_id: str) -> tuple[dict, list[tuple[str, str]]]:
    """Re-evaluate a run's stored inputs with its stored pack; (header, [(profile id, what differs)])."""
    header = audit.run_header(db, run_id)
    content = audit.pack_content(db, header["pack"]["digest"])
    pack = pack_from_content(content, f"<{header['pack']['id']} {header['pack']['version']}>")
    as_of = date.fromisoformat(header["as_of"])
    decider = Decider(pack, as_of)
    explainer = Explainer(pack, as_of, header["lang"])
    differences = []
    if pack.digest != header["pack"]["digest"]:
        differences.append(("*", f"pack content digest {pack.digest} != {header['pack']['digest']}"))
    context = pack.profile_context(as_of)
    for stored_record in audit.run_decisions(db, run_id):
        stored = stored_record["decision"]
        document = stored_record.get("input")
        odd = odd_values(document)
        if odd:  # a stored input no reader could have produced: said, not validated
            differences.append((stored["profile_id"], "; ".join(f"{'.'.join(map(str, path))}: {code}"
                                                                for path, code, _ in odd)))
            continue
        profile, problems = validate_profile(document, context)
        if problems:
            differences.append((stored["profile_id"], "; ".join(p.text("en") for p in problems)))
            continue
        again = record(decider.decide(profile, stored.get("source", "")), explainer)
        if canonical(again) != canonical(stored):
            differences.append((stored["profile_id"], _first_difference(stored, again)))
    return header, differences


def _first_difference(stored: dict, again: dict) -> str:
    if stored.get("verdict") != again.get("verdict"):
        return f"verdict {stored.get('verdict')} -> {again.get('verdict')}"
    for old, new in zip(stored.get("rules", []), again.get("rules", [])):
        if old != new:
            keys = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
            return f"rule {old.get('id')}: {', '.join(keys)} differ"
    keys = [k for k in sorted(set(stored) | set(again)) if stored.get(k) != again.get(k)]
    return f"{', '.join(keys)} differ"


def run_diff(db: sqlite3.Connection, run_a: str, run_b: str) -> list[dict]:
    """Who changed verdict between two recorded runs, and which rules changed."""
    def decisions(run_id):
        return side(r["decision"] for r in audit.run_decisions(db, run_id))

    return [{"profile_id": profile_id, "full_name": name, "verdict_a": before, "verdict_b": after,
             "rules": [{"id": r.rule_id, "a": r.before, "b": r.after} for r in rules]}
            for profile_id, name, before, after, rules in verdict_changes(decisions(run_a), decisions(run_b))]
