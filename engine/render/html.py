"""HTML: one self-contained page (no network), printable on A4 and readable on a
phone — the memo as a party document, or the screening report (figures and the
list first, the criteria and their basis after).

Printing: the criteria matrix goes on landscape pages of its own, its header
row repeats on every page and no row is split across two.
"""

from __future__ import annotations

from ..escape import html_text
from .memo import PARTY, Candidate, Memo, issuer_lines, pending_text, text

_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
@page matrix { size: A4 landscape; margin: 15mm 15mm 15mm 20mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 14pt;
       line-height: 1.35; color: #000; background: #fff; margin: 0 auto; max-width: 210mm; padding: 12mm; }
.head { display: flex; justify-content: space-between; gap: 1em; text-align: center; }
.head > div { flex: 1; }
.parent { font-weight: normal; }
.issuer { font-weight: bold; }
.number { white-space: pre; }
.party { font-weight: bold; border-bottom: 1px solid #000; display: inline-block; padding-bottom: 2px; }
.place { font-style: italic; margin-top: .4em; }
h1 { text-align: center; font-size: 16pt; margin: 1.2em 0 .2em; }
.subject { text-align: center; font-weight: bold; margin: 0 0 .3em; }
.dash { text-align: center; margin-bottom: 1em; }
.to { text-align: center; }
h2 { font-size: 14pt; margin: 1.2em 0 .4em; }
h3 { font-size: 14pt; font-style: italic; margin: 1em 0 .3em; }
p { text-align: justify; margin: .3em 0; }
ol, ul { margin: .2em 0 .2em 1.2em; padding-left: 1em; }
li { margin: .15em 0; }
.grounds { list-style: none; padding-left: 0; margin-left: 0; font-style: italic; }
.grounds li::before { content: "- "; }
.kind { font-style: italic; color: #333; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 11pt; margin: .4em 0; }
th, td { border: 1px solid #000; padding: 2px 5px; vertical-align: top; }
thead th { background: #f2f2f2; }
td.mark { text-align: center; width: 2.2em; }
td.num, th.num { text-align: right; }
td.name { white-space: nowrap; }
.legend { font-size: 11pt; }
.foot { display: flex; justify-content: space-between; margin-top: 1.5em; gap: 1em; }
.foot > div { flex: 1 1 50%; }
.foot > div:first-child { font-size: 11pt; }
.foot > div:last-child { text-align: center; font-weight: bold; }
.sign-note { font-weight: normal; font-style: italic; }
.sign-space { height: 5em; }
.footer { font-size: 9pt; color: #444; margin-top: 2em; border-top: 1px solid #999; padding-top: .3em; }
.figures td, .figures th { padding: 2px 8px; }
@media (max-width: 600px) {
  body { font-size: 12pt; padding: 4mm; }
  .head, .foot { flex-direction: column; }
}
@media print {
  body { padding: 0; max-width: none; }
  h2, h3 { break-after: avoid; }
  li { break-inside: avoid; }
  .matrix { page: matrix; break-before: page; }
  .matrix + * { break-before: page; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  .scroll { overflow: visible; }
}
"""


def _h(value) -> str:
    """Any value in the page: escaped, on one line, its control characters shown."""
    return html_text(value)


def page(title: str, lang: str, body: list[str], css: str = "", about: str = "") -> str:
    """One self-contained page in the party-document style; ``css`` adds to the shared style;
    ``about`` (which pack made it) goes in the page's head, not on the printed page."""
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        *([f'<meta name="description" content="{_h(about)}">'] if about else []),
        f"<title>{_h(title)}</title>", f"<style>{_CSS}{css}</style>", "</head>", "<body>", *body, "</body>", "</html>",
        ""])


def party_head_html(issuer, number: str, place_date: str) -> list[str]:
    """The head of a party document (Hướng dẫn 36-HD/VPTW): the issuer (its last line in
    bold) and the number on the left, the Party's name and the place and date on the right."""
    lines = issuer_lines(issuer)
    shown = "".join(f'<div class="{"issuer" if i == len(lines) - 1 else "parent"}">{_h(line)}</div>'
                    for i, line in enumerate(lines))
    return ['<div class="head">', f'<div>{shown}<div>*</div>' + (f'<div class="number">{_h(number)}</div>' if number else "") + "</div>",
            f'<div><div class="party">{PARTY}</div><div class="place">{_h(place_date)}</div></div>', "</div>"]


def _people(memo: Memo, candidates: list[Candidate], detail) -> str:
    if not candidates:
        return f"<p>{_h(memo.sections['none'])}</p>"
    return "<ol>" + "".join(f"<li><b>{_h(c.full_name)}</b> ({_h(c.profile_id)}), {_h(c.about)}.{detail(c)}</li>"
                            for c in candidates) + "</ol>"


def _needs(memo: Memo, note: str, later: bool = False):
    def detail(c: Candidate) -> str:
        items = []
        for finding in c.findings:
            for need in finding.needs or [None]:
                items.append(f"<li>{_h(finding.criterion)}: {_h(need.text if need else finding.reason)}.</li>")
        if c.pending_judgements:
            items.append(f"<li>{_h(pending_text(memo, c, later))}.</li>")
        return f" {_h(note)}<ul>{''.join(items)}</ul>"

    return detail


def _reasons(c: Candidate) -> str:
    items = []
    for finding in c.findings:
        extra = "".join(f'<li class="kind">{_h(n.kind_label)}: {_h(n.text)}.</li>' for n in finding.needs
                        if n.kind in ("none", "wait", "exception"))
        items.append(f"<li><b>{_h(finding.criterion)}</b>: {_h(finding.reason)}."
                     + (f"<ul>{extra}</ul>" if extra else "") + "</li>")
    return "<ul>" + "".join(items) + "</ul>"


def _list(memo: Memo) -> list[str]:
    s = memo.sections
    body = [f"<h2>{_h(s['proposed'])}</h2>", f"<h3>{_h(text(memo.lang, 'eligible', count=len(memo.eligible)))}</h3>",
            _people(memo, memo.eligible, lambda c: ""),
            f"<h3>{_h(text(memo.lang, 'to_decide', count=len(memo.to_decide)))}</h3>",
            _people(memo, memo.to_decide, _needs(memo, s["to_decide_note"])),
            f"<h3>{_h(text(memo.lang, 'not_ready', count=len(memo.not_ready)))}</h3>",
            _people(memo, memo.not_ready, _needs(memo, s["not_ready_note"], later=True))]
    if memo.with_exceptions:
        body += [f"<h3>{_h(text(memo.lang, 'exceptions', count=len(memo.with_exceptions)))}</h3>",
                 _people(memo, memo.with_exceptions,
                         lambda c: "<ul>" + "".join(f"<li>{_h(e)}.</li>" for e in c.exceptions) + "</ul>")]
    body += [f"<h2>{_h(text(memo.lang, 'excluded', count=len(memo.excluded)))}</h2>",
             _people(memo, memo.excluded, _reasons)]
    return body


def _matrix(memo: Memo) -> list[str]:
    s = memo.sections
    head = (f'<thead><tr><th class="num">{_h(s["no"])}</th><th>{_h(s["name"])}</th>'
            + "".join(f'<th title="{_h(short)}">{n}</th>' for n, short in memo.matrix_rules) + "</tr></thead>")
    rows = "".join(f'<tr><td class="num">{n}</td><td class="name">{_h(name)}</td>'
                   + "".join(f'<td class="mark">{m}</td>' for m in marks) + "</tr>"
                   for n, (_pid, name, marks) in enumerate(memo.matrix_rows, 1))
    legend = "; ".join(f"{n}. {short}" for n, short in memo.matrix_rules) + "."
    return ['<section class="matrix">', f"<h2>{_h(s['matrix'])}</h2>",
            f'<div class="scroll"><table>{head}<tbody>{rows}</tbody></table></div>',
            f'<p class="legend">{_h(legend)}<br>{_h(s["legend"])}</p>', "</section>"]


def _figures(memo: Memo) -> list[str]:
    s = memo.sections
    return [f"<h2>{_h(s['cohort'])}</h2>", "<ul>"
            + "".join(f"<li>{_h(name)}: {count}</li>" for name, count in memo.cohort_verdicts) + "</ul>",
            '<div class="scroll"><table class="figures"><thead>'
            f"<tr><th>{_h(s['cohort_rule'])}</th><th>{_h(s['cohort_excluded'])}</th><th>{_h(s['cohort_board'])}</th>"
            f"<th>{_h(s['cohort_record'])}</th></tr></thead><tbody>"
            + "".join(f'<tr><td>{_h(name)}</td><td class="num">{fail}</td><td class="num">{board}</td>'
                      f'<td class="num">{waiting}</td></tr>' for name, fail, board, waiting in memo.cohort_rules)
            + f'</tbody></table></div><p class="legend">{_h(s["cohort_note"])}</p>']


def _criteria(memo: Memo) -> list[str]:
    s = memo.sections
    return [f"<h2>{_h(s['criteria'])}</h2>", f"<p>{_h(s['criteria_note'])}</p>", "<ol>"
            + "".join(f'<li>{_h(title)} <span class="kind">— {_h(kind)} ({_h(basis)})</span></li>'
                      for _n, title, kind, basis in memo.criteria) + "</ol>"]


def memo_html(memo: Memo) -> str:
    """The memo as the office prints it."""
    s = memo.sections
    sign = memo.signature
    body = [
        *party_head_html(memo.issuer, memo.number, memo.place_date),
        f"<h1>{_h(memo.heading)}</h1>", f'<p class="subject">{_h(memo.subject)}</p>',
        '<div class="dash">-----</div>', f'<p class="to">{_h(memo.recipient)}</p>',
        '<ul class="grounds">' + "".join(f"<li>{_h(g)}</li>" for g in memo.grounds) + "</ul>",
        f"<p>{_h(memo.opening)}</p>",
        *_criteria(memo), *_list(memo), *_matrix(memo), *_figures(memo),
        *([f"<p>{_h(memo.proposal)}</p>"] if memo.proposal else []), f"<p>{_h(memo.closing)}</p>", '<div class="foot">',
        f"<div><b><i>{_h(s['recipients_title'])}</i></b><br>" + "<br>".join(_h(r) for r in memo.recipients) + "</div>",
        "<div>" + (f"{_h(sign.on_behalf)}<br>" if sign.on_behalf else "") + f"{_h(sign.title)}<br>"
        f'<span class="sign-note">{_h(s["sign_note"])}</span><div class="sign-space"></div>'
        + (_h(sign.name) if sign.name else "") + "</div>",
        "</div>"]
    return page(f"{memo.heading} {memo.subject}", memo.lang, body, about=memo.footer)


def report_html(memo: Memo) -> str:
    """The screening as a report: figures and the list first, the criteria and their basis after."""
    s = memo.sections
    body = [f"<h1>{_h(s['report'])}</h1>", f'<p class="subject">{_h(memo.subject)}</p>',
            f'<p class="to">{_h(memo.made_with)}</p>', *_figures(memo), *_list(memo), *_matrix(memo), *_criteria(memo),
            f"<h3>{_h(s['grounds_title'])}</h3>",
            '<ul class="grounds">' + "".join(f"<li>{_h(g)}</li>" for g in memo.grounds) + "</ul>"]
    return page(f"{s['report']} — {memo.subject}", memo.lang, _renumbered(body))


_ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def _renumbered(body: list[str]) -> list[str]:
    """The memo's sections numbered again in the order the report gives them (I, II, …)."""
    import re

    count = iter(_ROMAN)
    return [re.sub(r"<h2>(?:[IVX]+)\. ", lambda _m: f"<h2>{next(count)}. ", part) for part in body]
