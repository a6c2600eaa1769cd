"""Markdown: the minutes of each sitting (biên bản kiểm phiếu) as a party
document, and a process's overview before them."""

from __future__ import annotations

from .markdown import md_text, party_head_md
from .minutes import Journal, Minutes, is_figure
from .process import Overview


def _rows_of(items: list, size: int = 3) -> list[list]:
    return [items[i:i + size] for i in range(0, len(items), size)] or [[]]


def signature_md(signers: list[tuple[str, str]], note: str) -> list[str]:
    """One block per signer (title, note, room to sign, name), three to a row."""
    lines = []
    for row in _rows_of(signers):
        lines += ["| " + " | ".join(f"**{md_text(title)}**" for title, _ in row) + " |",
                  "|" + "|".join(":---:" for _ in row) + "|",
                  "| " + " | ".join(f"*{note}*" for _ in row) + " |",
                  "| " + " | ".join(" " for _ in row) + " |",
                  "| " + " | ".join(md_text(name) for _, name in row) + " |", ""]
    return lines


def minutes_md(minutes: Minutes) -> str:
    s = minutes.sections
    # What made it is in the properties of the Word and HTML documents; Markdown has none (as the memo).
    lines = [*party_head_md(minutes.issuer, minutes.number, minutes.place_date),
             f"<h1 align=\"center\">{minutes.heading}</h1>", "",
             f"**{md_text(minutes.subject)}**", "", f"**{md_text(minutes.sitting)}**", "", "-----", ""]
    if minutes.grounds:
        lines += [f"*{md_text(line)}*  " for line in minutes.grounds[:-1]] + [f"*{md_text(minutes.grounds[-1])}*", ""]
    lines += [md_text(minutes.opening), "", f"## {s['figures']}", ""]
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
        lines.append(f"| {row.rank} | {md_text(row.full_name)} | {row.votes} | {row.percent} | {row.result} |")
    lines += ["", md_text(minutes.passed), "", md_text(minutes.carried), "", f"## {s['flags']}", ""]
    if not minutes.flags:
        lines.append(s["flags_none"])
    for flag, basis in minutes.flags:
        lines.append(f"- {md_text(flag)}")
        lines += [f"  - {md_text(line)}" for line in basis]
    lines += ["", md_text(minutes.closing), "", f"<p align=\"center\"><b>{s['board_sign']}</b></p>", ""]
    lines += signature_md(minutes.signers, s["sign_note"])
    return "\n".join(lines)


def journal_md(journal: Journal) -> str:
    lines = [*party_head_md(journal.issuer, "", journal.place_date),
             f"<h1 align=\"center\">{journal.heading}</h1>", "", f"**{md_text(journal.subject)}**", "",
             md_text(journal.note), "", "| " + " | ".join(journal.headers) + " |", "|--:|---|---|---|--:|---|"]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in journal.rows]
    return "\n".join(lines) + "\n"


def overview_md(title: str, view: Overview, lang: str) -> str:
    lines = [f"# {md_text(title)}", "", "| " + " | ".join(view.headers) + " |",
             "|" + "|".join("---" for _ in view.headers) + "|"]
    lines += ["| " + " | ".join(md_text(cell) for cell in row) + " |" for row in view.rows]
    lines += [""] + [f"- {md_text(note)}" for note in view.notes]
    if view.flags:
        lines += ["", "**" + ("Lưu ý" if lang == "vi" else "Note") + ":**", ""]
        lines += [f"- {md_text(flag)}" for flag in view.flags]
    return "\n".join(lines) + "\n"
