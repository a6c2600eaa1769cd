"""HTML: the minutes of each sitting (biên bản kiểm phiếu) as party documents
in one self-contained page (no network), each sitting on its own A4 sheet
when printed, after the process's overview."""

from __future__ import annotations

from ..escape import html_text

from .html import page, party_head_html
from .minutes import Journal, Minutes, is_figure
from .process import Overview

_CSS = """
.minutes + .minutes, .overview + .minutes { break-before: page; margin-top: 3em; padding-top: 2em;
  border-top: 1px dashed #999; }
@media print { .minutes + .minutes, .overview + .minutes { border-top: none; margin-top: 0; padding-top: 0; } }
.sitting { text-align: center; font-weight: bold; margin: 0; }
dl.figures { display: grid; grid-template-columns: max-content auto; gap: .1em 1em; margin: .3em 0; }
dl.figures dt { font-weight: normal; }
dl.figures dd { margin: 0; font-weight: bold; }
dl.figures dd.text { font-weight: normal; }
table.results { width: 100%; }
table.results td.name { width: 45%; }
.passed { font-weight: bold; }
.board { text-align: center; font-weight: bold; margin: 1.2em 0 0; }
.sign { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 1em 1em; margin-top: .2em;
  text-align: center; break-inside: avoid; }
.sign > div { flex: 0 0 30%; font-weight: bold; break-inside: avoid; }
.grounds { font-style: italic; margin: .6em 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
.sign .names { font-weight: normal; margin-top: 4em; }
table.journal { font-size: 9.5pt; width: 100%; }
table.journal td { word-break: break-word; }
.overview table td, .overview table th { font-size: 10.5pt; }
.overview table td:first-child { white-space: nowrap; }
"""


def _h(value) -> str:
    return html_text(value)


def _table(cls: str, headers: list[str], rows: list[str]) -> list[str]:
    """A table whose header row repeats on every printed page (thead)."""
    return [f'<div class="scroll"><table class="{cls}"><thead><tr>' + "".join(f"<th>{_h(h)}</th>" for h in headers)
            + "</tr></thead><tbody>", *rows, "</tbody></table></div>"]


def _minutes(minutes: Minutes) -> list[str]:
    s = minutes.sections
    body = ['<section class="minutes">', *party_head_html(minutes.issuer, minutes.number, minutes.place_date),
            f"<h1>{_h(minutes.heading)}</h1>", f'<p class="subject">{_h(minutes.subject)}</p>',
            f'<p class="sitting">{_h(minutes.sitting)}</p>', '<div class="dash">-----</div>']
    if minutes.grounds:
        body.append('<p class="grounds">' + "<br>".join(_h(line) for line in minutes.grounds) + "</p>")
    body += [f"<p>{_h(minutes.opening)}</p>", f"<h2>{_h(s['figures'])}</h2>", '<dl class="figures">']
    for name, value in minutes.figures:
        kind = "" if is_figure(value) else ' class="text"'
        body.append(f"<dt>{_h(name)}:</dt><dd{kind}>{_h(value)}</dd>")
    if minutes.invalid_reasons:
        reasons = "; ".join(f"{reason}: {count}" for reason, count in minutes.invalid_reasons)
        body.append(f'<dt>{_h(s["reasons"])}:</dt><dd class="text">{_h(reasons)}</dd>')
    if minutes.note:
        body.append(f'<dt>{_h(s["note"])}:</dt><dd class="text">{_h(minutes.note)}</dd>')
    body += ["</dl>", f"<h2>{_h(s['results'])}</h2>", f"<p>{_h(minutes.pass_rule)}</p>"]
    body += _table("results", [s[k] for k in ("col_rank", "col_name", "col_votes", "col_percent", "col_result")],
                   [f'<tr><td class="num">{row.rank}</td><td class="name">{_h(row.full_name)}</td>'
                    f'<td class="num">{_h(row.votes)}</td><td class="num">{_h(row.percent)}</td>'
                    f"<td>{_h(row.result)}</td></tr>" for row in minutes.rows])
    body += [f"<p>{_h(minutes.passed)}</p>", f'<p class="passed">{_h(minutes.carried)}</p>',
             f"<h2>{_h(s['flags'])}</h2>"]
    if minutes.flags:
        body.append("<ul>" + "".join(f"<li>{_h(flag)}<ul>" + "".join(f'<li class="kind">{_h(line)}</li>'
                                                                      for line in basis) + "</ul></li>"
                                     for flag, basis in minutes.flags) + "</ul>")
    else:
        body.append(f"<p>{_h(s['flags_none'])}</p>")
    body += [f"<p>{_h(minutes.closing)}</p>", f'<p class="board">{_h(s["board_sign"])}</p>', '<div class="sign">']
    body += [f'<div>{_h(title)}<br><span class="sign-note">{_h(s["sign_note"])}</span>'
             f'<div class="names">{_h(name) or "&nbsp;"}</div></div>' for title, name in minutes.signers]
    body += ["</div>", "</section>"]
    return body


def journal_html(journal: Journal) -> str:
    """The entry journal, a page of its own."""
    body = ['<section class="minutes">', *party_head_html(journal.issuer, "", journal.place_date),
            f"<h1>{_h(journal.heading)}</h1>", f'<p class="subject">{_h(journal.subject)}</p>',
            '<div class="dash">-----</div>', f"<p>{_h(journal.note)}</p>"]
    body += _table("journal", journal.headers,
                   ["<tr>" + "".join(f"<td>{_h(cell)}</td>" for cell in row) + "</tr>" for row in journal.rows])
    return page(f"{journal.heading} — {journal.subject}", journal.lang, body + ["</section>"], _CSS, journal.about)


def _overview(title: str, view: Overview, lang: str) -> list[str]:
    body = ['<section class="overview">', f"<h1>{_h(title)}</h1>"]
    body += _table("overview", view.headers,
                   ["<tr>" + "".join(f"<td>{_h(cell)}</td>" for cell in row) + "</tr>" for row in view.rows])
    body += ["<ul>"] + [f"<li>{_h(note)}</li>" for note in view.notes] + ["</ul>"]
    if view.flags:
        body += [f"<h2>{'Lưu ý' if lang == 'vi' else 'Note'}</h2>", "<ul>"]
        body += [f"<li>{_h(flag)}</li>" for flag in view.flags] + ["</ul>"]
    return body + ["</section>"]


def minutes_html(title: str, view: Overview | None, minutes: list[Minutes], lang: str) -> str:
    """The overview (when given) and the minutes of each sitting, one page."""
    body = _overview(title, view, lang) if view else []
    for item in minutes:
        body += _minutes(item)
    heading = minutes[0].heading if minutes else title
    return page(f"{heading} — {title}", lang, body, _CSS, minutes[0].about if minutes else "")
