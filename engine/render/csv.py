"""CSV for a spreadsheet: one row per candidate, one column per criterion."""

from __future__ import annotations

import csv
import io

from ..decide.explain import Explainer
from ..escape import csv_cell as _cell
from .common import short, sort_invalid


def screen_csv(ex: Explainer, records: list[dict], invalid: list) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rule_ids = [r.id for r in ex.pack.rules]
    writer.writerow(["profile_id", "full_name", "verdict", "reasons", *(_cell(r) for r in rule_ids)])
    for r in records:
        outcomes = {rule["id"]: rule["outcome"] for rule in r["rules"]}
        writer.writerow([_cell(r["profile_id"]), _cell(r["full_name"]), r["verdict"], _cell(short(ex, r)),
                         *(outcomes[rule_id] for rule_id in rule_ids)])
    for entry in sort_invalid(invalid):
        writer.writerow([_cell(entry.profile_id), _cell(entry.full_name), "invalid",
                         _cell(f"{entry.source}: " + "; ".join(p.text(ex.lang) for p in entry.problems)),
                         *([""] * len(rule_ids))])
    return buffer.getvalue()
