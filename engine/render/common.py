"""What every screening output shares: the verdicts, counts, figures per
criterion, the one line of reasons a list shows, and invalid entries as data.

Renderers read decision records (``engine/decide/explain.py``), so the same
text comes out whether a record was made now or read from the audit store.
"""

from __future__ import annotations

from ..decide.explain import Explainer
from ..i18n import fmt_date, label
from ..profile.validate import Invalid

VERDICTS = ("eligible", "review", "ineligible")
MARKS = {"pass": "✓", "fail": "✗", "review": "?"}


def sort_invalid(invalid: list[Invalid]) -> list[Invalid]:
    return sorted(invalid, key=lambda i: (i.source, i.index if i.index is not None else -1, i.profile_id or ""))


def invalid_dict(entry: Invalid, lang: str) -> dict:
    return {
        "source": entry.source,
        "profile_id": entry.profile_id,
        "full_name": entry.full_name,
        "index": entry.index,
        "errors": [p.text(lang) for p in entry.problems],
        "details": [p.as_dict(lang) for p in entry.problems],
    }


def counts(records: list[dict], invalid: list) -> dict:
    found = {v: 0 for v in VERDICTS}
    for record in records:
        found[record["verdict"]] += 1
    return {**found, "invalid": len(invalid)}


def cohort(records: list[dict]) -> dict:
    """Counts per verdict and, per rule, how many candidates it excluded or left pending."""
    rules: dict[str, dict[str, int]] = {}
    for record in records:
        for rule in record["rules"]:
            counts_of = rules.setdefault(rule["id"], {"pass": 0, "fail": 0, "review": 0})
            counts_of[rule["outcome"]] += 1
    return {"verdicts": counts(records, []), "rules": rules}


def short(ex: Explainer, record: dict) -> str:
    """The one line of reasons a list shows: every failing and pending rule."""
    vi = ex.lang == "vi"
    failing = [r for r in record["rules"] if r["outcome"] == "fail"]
    pending = [r for r in record["rules"] if r["outcome"] == "review"]
    parts = [f"✗ {ex.short_title(r['id'])}: {r['reason']}" for r in failing]
    parts += [f"? {ex.short_title(r['id'])}: {r['reason']}" for r in pending if r["kind"] != "judgement"]
    judgements = [ex.short_title(r["id"]) for r in pending if r["kind"] == "judgement"]
    if judgements:
        parts.append(("? chờ Ban Thường vụ đánh giá: " if vi else "? awaiting the board: ") + ", ".join(judgements))
    if not parts:
        total = len(record["rules"])
        parts.append(f"đạt cả {total} tiêu chí" if vi else f"meets all {total} criteria")
    return " · ".join(parts)


def heading(ex: Explainer, records: list[dict], invalid: list) -> list[str]:
    """Title, pack and date, and the counts: the top of every screening list."""
    vi = ex.lang == "vi"
    pack = ex.pack
    c = counts(records, invalid)
    total = len(records) + len(invalid)
    return [
        ("SÀNG LỌC BƯỚC 1 — " if vi else "STEP-1 SCREENING — ") + pack.spec.title.get(ex.lang),
        (f"Bộ quy tắc: {pack.id} (phiên bản {pack.version}, {pack.digest[:19]}…) · Ngày xét: {fmt_date(ex.as_of, ex.lang)}"
         if vi else
         f"Rule pack: {pack.id} (version {pack.version}, {pack.digest[:19]}…) · As of: {fmt_date(ex.as_of, ex.lang)}"),
        (f"Tổng số: {total} hồ sơ · " if vi else f"Total: {total} profiles · ")
        + " · ".join(f"{label('verdict', v, ex.lang)}: {c[v]}" for v in VERDICTS)
        + (f" · Hồ sơ lỗi: {c['invalid']}" if vi else f" · Invalid: {c['invalid']}"),
    ]


def group(records: list[dict], verdict: str) -> list[dict]:
    return [r for r in records if r["verdict"] == verdict]
