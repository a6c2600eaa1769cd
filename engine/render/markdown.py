"""Markdown: the screening list with its figures, one candidate's explanation,
and the memo laid out as a party document."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..i18n import label
from .common import VERDICTS, cohort, group, heading, short, sort_invalid
from .memo import PARTY, Memo, pending_text, text
from .table import explain_lines


def cohort_md(ex: Explainer, records: list[dict], invalid: list) -> list[str]:
    vi = ex.lang == "vi"
    stats = cohort(records)
    lines = ["", "## " + ("Số liệu tổng hợp" if vi else "Figures"), ""]
    lines += [f"- {label('verdict', v, ex.lang)}: {stats['verdicts'][v]}" for v in VERDICTS]
    lines.append(f"- {'Hồ sơ lỗi' if vi else 'Invalid'}: {len(invalid)}")
    lines += ["", "| Tiêu chí | Số người bị loại | Số người chờ xem xét |" if vi
              else "| Criterion | Excluded by it | Pending on it |", "|---|---:|---:|"]
    for rule in ex.pack.rules:
        counted = stats["rules"].get(rule.id, {"fail": 0, "review": 0})
        lines.append(f"| {_md_cell(rule.short_title(ex.lang))} | {counted['fail']} | {counted['review']} |")
    return lines


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def screen_md(ex: Explainer, records: list[dict], invalid: list) -> str:
    vi = ex.lang == "vi"
    head = heading(ex, records, invalid)
    lines = [f"# {head[0]}", "", head[1], "", head[2]]
    for verdict in VERDICTS:
        members = group(records, verdict)
        lines += ["", f"## {label('verdict', verdict, ex.lang)} ({len(members)})", ""]
        if not members:
            lines.append("—")
            continue
        lines += ["| Mã | Họ và tên | Lý do |" if vi else "| ID | Full name | Reasons |", "|---|---|---|"]
        lines += [f"| {r['profile_id']} | {_md_cell(r['full_name'])} | {_md_cell(short(ex, r))} |" for r in members]
    if invalid:
        lines += ["", f"## {'Hồ sơ lỗi' if vi else 'Invalid profiles'} ({len(invalid)})", ""]
        for entry in sort_invalid(invalid):
            errors = "; ".join(p.text(ex.lang) for p in entry.problems)
            lines.append(f"- `{entry.source}` {entry.profile_id or ''}: {_md_cell(errors)}")
    lines += cohort_md(ex, records, invalid)
    return "\n".join(lines) + "\n"




def explain_md(ex: Explainer, record: dict) -> str:
    return "\n".join(explain_lines(ex, record, markdown=True)) + "\n"


def _md(value: str) -> str:
    """Text placed in Markdown: no line breaks, no table pipes, no emphasis or links."""
    value = " ".join(str(value).split())
    for char in ("\\", "|", "*", "`", "<"):
        value = value.replace(char, "\\" + char)
    return value.replace("](", "\\](")  # a name cannot become a link


def md_text(value) -> str:
    """Text placed in Markdown as it stands (the memo's rule, shared with the minutes)."""
    return _md(value)


def party_head_md(issuer: str, number: str, place_date: str) -> list[str]:
    """The head of a party document (Hướng dẫn 36-HD/VPTW): issuer and number on the left,
    the Party's name and the place and date on the right."""
    return [f"| {issuer} | **{PARTY}** |", "|:---:|:---:|", "| \\* | — |", f"| {number} | *{place_date}* |", ""]


def memo_md(memo: Memo) -> str:
    s = memo.sections
    lines = [
        *party_head_md(memo.issuer, memo.number, memo.place_date),
        f"<h1 align=\"center\">{memo.heading}</h1>", "",
        f"**{memo.subject}**", "", "-----", "", memo.recipient, "", memo.opening, "",
        f"## {s['basis']}", "",
    ]
    for title, kind, sources in memo.basis:
        lines.append(f"- **{_md(title)}** ({kind})")
        lines += [f"  - {_md(source)}" for source in sources]
    lines += ["", f"## {s['proposed']}", "", f"### {text(memo.lang, 'eligible', count=len(memo.eligible))}", ""]
    lines += [f"{n}. **{c.full_name}** ({c.profile_id}), {c.about}" for n, c in enumerate(memo.eligible, 1)] \
        or [s["none"]]
    lines += ["", f"### {text(memo.lang, 'review', count=len(memo.review))}", ""]
    if not memo.review:
        lines.append(s["none"])
    for n, c in enumerate(memo.review, 1):
        lines.append(f"{n}. **{c.full_name}** ({c.profile_id}), {c.about}. {s['review_note']}")
        for short, _reason, _evidence, missing in c.items:
            for needed, kind in missing:
                lines.append(f"   - {short}: {_md(needed)}" + (f" *({kind})*" if kind else ""))
        if c.pending_judgements:
            lines.append(f"   - {pending_text(memo, c)}")
    lines += ["", f"## {text(memo.lang, 'excluded', count=len(memo.excluded))}", ""]
    if not memo.excluded:
        lines.append(s["none"])
    for n, c in enumerate(memo.excluded, 1):
        lines.append(f"{n}. **{c.full_name}** ({c.profile_id}), {c.about}")
        for short, reason, evidence, missing in c.items:
            lines.append(f"   - **{short}**: {_md(reason)}")
            lines += [f"     - {s['evidence']}: {_md(e)}" for e in evidence]
            lines += [f"     - {s['needs']} {_md(needed)}" + (f" *({kind})*" if kind else "")
                      for needed, kind in missing if needed != reason]
        if c.pending_judgements:
            lines.append(f"   - {pending_text(memo, c)}")
    if memo.invalid:
        lines += ["", f"### {text(memo.lang, 'invalid', count=len(memo.invalid))}", ""]
        lines += [f"- `{source}` {_md(who)}: {_md(problems)}" for source, who, problems in memo.invalid]
    lines += ["", f"## {s['matrix']}", "",
              "| # | " + s["name"] + " | " + " | ".join(str(n) for n, _, _ in memo.matrix_rules) + " |",
              "|---|---|" + "|".join(":-:" for _ in memo.matrix_rules) + "|"]
    for n, (pid, name, marks) in enumerate(memo.matrix_rows, 1):
        lines.append(f"| {n} | {name} ({pid}) | " + " | ".join(marks) + " |")
    lines += ["", "; ".join(f"{n}. {short}" for n, _, short in memo.matrix_rules) + ".", "", s["legend"], "",
              f"## {s['cohort']}", ""]
    lines += [f"- {name}: {count}" for name, count in memo.cohort_verdicts]
    lines += ["", f"| {s['cohort_rule']} | {s['cohort_excluded']} | {s['cohort_pending']} |", "|---|---:|---:|"]
    lines += [f"| {_md(name)} | {fail} | {review} |" for name, fail, review in memo.cohort_rules]
    lines += ["", memo.closing, "",
              f"| **{s['recipients_title']}** | **{memo.signer[0]}** |", "|:---|:---:|",
              f"| {memo.recipients[0]} | *{memo.signer[1]}* |", f"| {memo.recipients[1]} | |", "",
              f"<sub>{memo.footer}</sub>", ""]
    return "\n".join(lines)
