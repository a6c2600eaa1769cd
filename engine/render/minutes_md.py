"""Markdown: the minutes of each sitting (biên bản kiểm phiếu) as a party
document, and a process's overview before them."""

from __future__ import annotations

from .markdown import md_text, party_head_md
from .minutes import Minutes, is_figure
from .process import Overview


def minutes_md(minutes: Minutes) -> str:
    s = minutes.sections
    lines = [*party_head_md(minutes.issuer, minutes.number, minutes.place_date),
             f"<h1 align=\"center\">{minutes.heading}</h1>", "",
             f"**{md_text(minutes.subject)}**", "", f"**{md_text(minutes.sitting)}**", "", "-----", "",
             md_text(minutes.opening), "", f"## {s['figures']}", ""]
    for name, value in minutes.figures:
        lines.append(f"- {name}: **{md_text(value)}**" if is_figure(value) else f"- {name}: {md_text(value)}")
    if minutes.invalid_reasons:
        lines.append(f"- {s['reasons']}:")
        lines += [f"  - {md_text(reason)}: {count}" for reason, count in minutes.invalid_reasons]
    if minutes.note:
        lines.append(f"- {s['note']}: {md_text(minutes.note)}")
    lines += ["", f"## {s['results']}", "", md_text(minutes.pass_rule), "",
              f"| {s['col_rank']} | {s['col_name']} | {s['col_votes']} | {s['col_percent']} | {s['col_result']} |",
              "|:-:|---|--:|--:|---|"]
    for row in minutes.rows:
        lines.append(f"| {row.rank} | {md_text(row.full_name)} ({md_text(row.profile_id)}) | {row.votes} | "
                     f"{row.percent} | {row.result} |")
    lines += ["", md_text(minutes.passed), "", md_text(minutes.carried), "", f"## {s['flags']}", ""]
    if not minutes.flags:
        lines.append(s["flags_none"])
    for flag, basis in minutes.flags:
        lines.append(f"- {md_text(flag)}")
        lines += [f"  - {md_text(line)}" for line in basis]
    lines += ["", f"## {s['basis']}", ""]
    for title, citations in minutes.basis:
        lines.append(f"- {title}:")
        lines += [f"  - {md_text(line)}" for line in citations]
    (left, left_names), (right, right_name) = minutes.signers
    lines += ["", md_text(minutes.closing), "", f"<p align=\"center\"><b>{s['board_sign']}</b></p>", "",
              f"| **{left}** | **{right}** |", "|:---:|:---:|",
              f"| *{s['sign_note']}* | *{s['sign_note']}* |", "| | |",
              f"| {md_text(left_names)} | {md_text(right_name)} |", "",
              f"## {s['journal']}", "",
              md_text(minutes.journal_note), "",
              f"| {s['col_entry']} | {s['col_at']} | {s['col_by']} | {s['col_what']} | {s['col_replaces']} | "
              f"{s['col_hash']} |", "|--:|---|---|---|--:|---|"]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in minutes.journal]
    lines += ["", f"<sub>{md_text(minutes.footer)}</sub>", ""]
    return "\n".join(lines)


def overview_md(title: str, view: Overview, lang: str) -> str:
    lines = [f"# {md_text(title)}", "", "| " + " | ".join(view.headers) + " |",
             "|" + "|".join("---" for _ in view.headers) + "|"]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in view.rows]
    lines += [""] + [f"- {md_text(note)}" for note in view.notes]
    if view.flags:
        lines += ["", "**" + ("Lưu ý" if lang == "vi" else "Note") + ":**", ""]
        lines += [f"- {md_text(flag)}" for flag in view.flags]
    return "\n".join(lines) + "\n"
