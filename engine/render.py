"""Whole outputs: the screening list (JSON, table, CSV, Markdown) and one
candidate's explanation (text, Markdown, JSON).  All read Decisions."""

from __future__ import annotations

import csv
import io
import json

from engine.evaluate import Decision
from engine.explain import Explainer
from engine.i18n import fmt_date, label
from engine.loader import Invalid

VERDICTS = ("eligible", "review", "ineligible")
_OUTCOME_MARK = {"pass": "✓", "fail": "✗", "review": "?"}


def dumps(data) -> str:
    """The one JSON form sangloc writes: stable key order, UTF-8 text, indented."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def sort_decisions(decisions: list[Decision]) -> list[Decision]:
    return sorted(decisions, key=lambda d: d.profile_id)


def sort_invalid(invalid: list[Invalid]) -> list[Invalid]:
    return sorted(invalid, key=lambda i: (i.source, i.index if i.index is not None else -1, i.profile_id or ""))


def decision_dict(decision: Decision, ex: Explainer) -> dict:
    return {
        "profile_id": decision.profile_id,
        "full_name": decision.full_name,
        "verdict": decision.verdict,
        "source": decision.source,
        "rules": [
            {"id": o.rule_id, "kind": o.kind, "outcome": o.outcome, "reason": ex.reason(o),
             "evidence": o.evidence, "missing": ex.missing(o)}
            for o in decision.outcomes
        ],
    }


def invalid_dict(entry: Invalid, lang: str) -> dict:
    return {
        "source": entry.source,
        "profile_id": entry.profile_id,
        "full_name": entry.full_name,
        "index": entry.index,
        "errors": [p.text(lang) for p in entry.problems],
        "details": [p.as_dict(lang) for p in entry.problems],
    }


def counts(decisions: list[Decision], invalid: list[Invalid]) -> dict:
    found = {v: 0 for v in VERDICTS}
    for decision in decisions:
        found[decision.verdict] += 1
    return {**found, "invalid": len(invalid)}


def cohort(decisions: list[Decision]) -> dict:
    """Counts per verdict and, per rule, how many candidates it excluded or left pending."""
    rules: dict[str, dict[str, int]] = {}
    for decision in decisions:
        for outcome in decision.outcomes:
            counts_of = rules.setdefault(outcome.rule_id, {"pass": 0, "fail": 0, "review": 0})
            counts_of[outcome.outcome] += 1
    return {"verdicts": counts(decisions, []), "rules": rules}


def cohort_md(ex: Explainer, decisions: list[Decision], invalid: list[Invalid]) -> list[str]:
    vi = ex.lang == "vi"
    stats = cohort(decisions)
    lines = ["", "## " + ("Số liệu tổng hợp" if vi else "Figures"), ""]
    lines += [f"- {label('verdict', v, ex.lang)}: {stats['verdicts'][v]}" for v in VERDICTS]
    lines.append(f"- {'Hồ sơ lỗi' if vi else 'Invalid'}: {len(invalid)}")
    lines += ["", "| Tiêu chí | Số người bị loại | Số người chờ xem xét |" if vi
              else "| Criterion | Excluded by it | Pending on it |", "|---|---:|---:|"]
    for rule in ex.pack.rules:
        counted = stats["rules"].get(rule.id, {"fail": 0, "review": 0})
        lines.append(f"| {_md_cell(rule.short_title(ex.lang))} | {counted['fail']} | {counted['review']} |")
    return lines


def report_json_chunks(pack, as_of, lang: str, results: list[tuple[str, str, str]], invalid: list[Invalid]):
    """The screening JSON, piece by piece, from (profile id, verdict, result as compact
    JSON): sorted by profile id, one result a line, byte-identical whatever the input
    order. Written as it is produced, a large report is never held twice in memory."""
    results.sort()
    found = {v: 0 for v in VERDICTS}
    for _, verdict, _ in results:
        found[verdict] += 1
    head = {
        "ruleset": {"id": pack.id, "version": pack.version, "digest": pack.digest},
        "as_of": as_of.isoformat(),
        "lang": lang,
        "counts": {**found, "invalid": len(invalid)},
    }
    yield "{\n" + "".join(f"  {json.dumps(key)}: {_compact(value)},\n" for key, value in head.items())
    invalid_texts = [_compact(invalid_dict(i, lang)) for i in sort_invalid(invalid)]
    for key, count, texts in (("results", len(results), (text for _, _, text in results)),
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


def report_json(pack, as_of, lang: str, results: list[tuple[str, str, str]], invalid: list[Invalid]) -> str:
    return "".join(report_json_chunks(pack, as_of, lang, list(results), invalid))


def _compact(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def screen_json(ex: Explainer, decisions: list[Decision], invalid: list[Invalid]) -> str:
    return report_json(ex.pack, ex.as_of, ex.lang,
                       [(d.profile_id, d.verdict, _compact(decision_dict(d, ex))) for d in decisions], invalid)


def _heading(ex: Explainer, decisions, invalid) -> list[str]:
    vi = ex.lang == "vi"
    pack = ex.pack
    c = counts(decisions, invalid)
    total = len(decisions) + len(invalid)
    lines = [
        ("SÀNG LỌC BƯỚC 1 — " if vi else "STEP-1 SCREENING — ") + pack.spec.title.get(ex.lang),
        (f"Bộ quy tắc: {pack.id} (phiên bản {pack.version}, {pack.digest[:19]}…) · Ngày xét: {fmt_date(ex.as_of, ex.lang)}"
         if vi else
         f"Rule pack: {pack.id} (version {pack.version}, {pack.digest[:19]}…) · As of: {fmt_date(ex.as_of, ex.lang)}"),
        (f"Tổng số: {total} hồ sơ · " if vi else f"Total: {total} profiles · ")
        + " · ".join(f"{label('verdict', v, ex.lang)}: {c[v]}" for v in VERDICTS)
        + (f" · Hồ sơ lỗi: {c['invalid']}" if vi else f" · Invalid: {c['invalid']}"),
    ]
    return lines


def _group(decisions: list[Decision], verdict: str) -> list[Decision]:
    return [d for d in sort_decisions(decisions) if d.verdict == verdict]


def screen_table(ex: Explainer, decisions: list[Decision], invalid: list[Invalid]) -> str:
    vi = ex.lang == "vi"
    lines = _heading(ex, decisions, invalid)
    width = max([len(d.profile_id) for d in decisions] + [4])
    for verdict in VERDICTS:
        group = _group(decisions, verdict)
        lines += ["", f"{label('verdict', verdict, ex.lang).upper()} ({len(group)})"]
        if not group:
            lines.append("  —")
        for d in group:
            lines.append(f"  {d.profile_id:<{width}}  {d.full_name} — {ex.short(d)}")
    if invalid:
        lines += ["", ("HỒ SƠ LỖI" if vi else "INVALID") + f" ({len(invalid)})"]
        for entry in sort_invalid(invalid):
            who = entry.profile_id or (f"#{entry.index + 1}" if entry.index is not None else "")
            lines.append(f"  {entry.source} {who} — " + "; ".join(p.text(ex.lang) for p in entry.problems))
    return "\n".join(lines) + "\n"


def _cell(text: str | None) -> str:
    """A text cell a spreadsheet will not run as a formula (CSV injection)."""
    text = text or ""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def screen_csv(ex: Explainer, decisions: list[Decision], invalid: list[Invalid]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    rule_ids = [r.id for r in ex.pack.rules]
    writer.writerow(["profile_id", "full_name", "verdict", "reasons", *rule_ids])
    for d in sort_decisions(decisions):
        outcomes = {o.rule_id: o.outcome for o in d.outcomes}
        writer.writerow([_cell(d.profile_id), _cell(d.full_name), d.verdict, _cell(ex.short(d)),
                         *(outcomes[r] for r in rule_ids)])
    for entry in sort_invalid(invalid):
        writer.writerow([_cell(entry.profile_id), _cell(entry.full_name), "invalid",
                         _cell(f"{entry.source}: " + "; ".join(p.text(ex.lang) for p in entry.problems)),
                         *([""] * len(rule_ids))])
    return buffer.getvalue()


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def screen_md(ex: Explainer, decisions: list[Decision], invalid: list[Invalid]) -> str:
    vi = ex.lang == "vi"
    head = _heading(ex, decisions, invalid)
    lines = [f"# {head[0]}", "", head[1], "", head[2]]
    for verdict in VERDICTS:
        group = _group(decisions, verdict)
        lines += ["", f"## {label('verdict', verdict, ex.lang)} ({len(group)})", ""]
        if not group:
            lines.append("—")
            continue
        lines += ["| Mã | Họ và tên | Lý do |" if vi else "| ID | Full name | Reasons |", "|---|---|---|"]
        lines += [f"| {d.profile_id} | {_md_cell(d.full_name)} | {_md_cell(ex.short(d))} |" for d in group]
    if invalid:
        lines += ["", f"## {'Hồ sơ lỗi' if vi else 'Invalid profiles'} ({len(invalid)})", ""]
        for entry in sort_invalid(invalid):
            errors = "; ".join(p.text(ex.lang) for p in entry.problems)
            lines.append(f"- `{entry.source}` {entry.profile_id or ''}: {_md_cell(errors)}")
    lines += cohort_md(ex, decisions, invalid)
    return "\n".join(lines) + "\n"


SCREEN_RENDERERS = {"json": screen_json, "table": screen_table, "csv": screen_csv, "md": screen_md}


# -- one candidate ---------------------------------------------------------

def explain_lines(ex: Explainer, decision: Decision, markdown: bool = False) -> list[str]:
    vi = ex.lang == "vi"
    pack = ex.pack
    h1, h2 = ("# ", "### ") if markdown else ("", "")
    lines = [
        f"{h1}{'Hồ sơ' if vi else 'Profile'} {decision.profile_id} — {decision.full_name}",
        "",
        f"{'Kết luận' if vi else 'Verdict'}: {label('verdict', decision.verdict, ex.lang)}",
        (f"Bộ quy tắc: {pack.id} (phiên bản {pack.version}, {pack.digest}) · Ngày xét: {fmt_date(ex.as_of, ex.lang)}"
         if vi else
         f"Rule pack: {pack.id} (version {pack.version}, {pack.digest}) · As of: {fmt_date(ex.as_of, ex.lang)}"),
        f"{'Tệp hồ sơ' if vi else 'Profile file'}: {decision.source}",
    ]
    bullet = "- " if markdown else "    - "
    indent = "" if markdown else "  "
    for o in decision.outcomes:
        mark = _OUTCOME_MARK[o.outcome]
        lines += ["", f"{h2}[{mark} {label('outcome', o.outcome, ex.lang)}] {o.rule_id} — {ex.rule_title(o.rule_id)}"]
        if markdown:
            lines.append("")
        lines.append(f"{indent}{'Loại' if vi else 'Kind'}: {label('kind', o.kind, ex.lang)}")
        lines.append(f"{indent}{'Lý do' if vi else 'Reason'}: {ex.reason(o)}")
        for item in ex.missing(o):
            lines.append(f"{indent}{'Cần để thay đổi' if vi else 'What would change it'} "
                         f"({label('missing', item['kind'], ex.lang)}): {item['text']}")
        lines.append(f"{indent}{'Chứng cứ' if vi else 'Evidence'}:")
        evidence = o.evidence
        if not evidence:
            lines.append(f"{bullet}{'không có mục nào trong hồ sơ' if vi else 'nothing on file'}")
        for item in evidence:
            where = f"`{item['path']}`" if markdown else item["path"]
            lines.append(f"{bullet}{where + ': ' if item['path'] else ''}{ex.summary(item)}")
        lines.append(f"{indent}{'Căn cứ' if vi else 'Source'}:")
        lines += [f"{bullet}{s}" for s in ex.source_text(o.rule_id)]
    return lines


def explain_text(ex: Explainer, decision: Decision) -> str:
    return "\n".join(explain_lines(ex, decision)) + "\n"


def explain_md(ex: Explainer, decision: Decision) -> str:
    return "\n".join(explain_lines(ex, decision, markdown=True)) + "\n"


def explain_json(ex: Explainer, decision: Decision) -> str:
    pack = ex.pack
    data = decision_dict(decision, ex)
    for rule in data["rules"]:
        rule["title"] = ex.rule_title(rule["id"])
        rule["sources"] = ex.source_text(rule["id"])
    return dumps({"ruleset": {"id": pack.id, "version": pack.version, "digest": pack.digest},
                  "as_of": ex.as_of.isoformat(), "lang": ex.lang, "result": data})


EXPLAIN_RENDERERS = {"table": explain_text, "md": explain_md, "json": explain_json}
