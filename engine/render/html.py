"""HTML: one self-contained page (no network), printable on A4 and readable on a
phone — the memo as a party document, or the same content as a screening report."""

from __future__ import annotations

import html

from .memo import PARTY, Memo, pending_text, text


_CSS = """
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
* { box-sizing: border-box; }
body { font-family: "Times New Roman", "Liberation Serif", "DejaVu Serif", serif; font-size: 14pt;
       line-height: 1.35; color: #000; background: #fff; margin: 0 auto; max-width: 210mm; padding: 12mm; }
.head { display: flex; justify-content: space-between; gap: 1em; text-align: center; }
.head > div { flex: 1; }
.issuer { font-weight: bold; }
.number { white-space: pre; }
.party { font-weight: bold; border-bottom: 1px solid #000; display: inline-block; padding-bottom: 2px; }
.place { font-style: italic; margin-top: .4em; }
h1 { text-align: center; font-size: 16pt; margin: 1.2em 0 .2em; }
.subject { text-align: center; font-weight: bold; margin: 0 0 .3em; }
.dash { text-align: center; margin-bottom: 1em; }
h2 { font-size: 14pt; margin: 1.2em 0 .4em; }
h3 { font-size: 14pt; font-style: italic; margin: 1em 0 .3em; }
p { text-align: justify; margin: .3em 0; }
ol, ul { margin: .2em 0 .2em 1.2em; padding-left: 1em; }
li { margin: .15em 0; }
.kind { font-style: italic; color: #333; }
.needs { font-style: italic; }
.scroll { overflow-x: auto; -webkit-overflow-scrolling: touch; }
table { border-collapse: collapse; font-size: 11pt; margin: .4em 0; }
th, td { border: 1px solid #000; padding: 2px 5px; vertical-align: top; }
td.mark { text-align: center; }
td.num { text-align: right; }
.legend { font-size: 11pt; }
.foot { display: flex; justify-content: space-between; margin-top: 1.5em; gap: 1em; }
.foot > div:last-child { text-align: center; font-weight: bold; }
.sign-note { font-weight: normal; font-style: italic; }
.footer { font-size: 9pt; color: #444; margin-top: 2em; border-top: 1px solid #999; padding-top: .3em; }
@media (max-width: 600px) {
  body { font-size: 12pt; padding: 4mm; }
  .head, .foot { flex-direction: column; }
}
@media print { body { padding: 0; max-width: none; } h2 { break-after: avoid; } li { break-inside: avoid; } }
"""


def _h(value) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, lang: str, body: list[str], css: str = "") -> str:
    """One self-contained page in the party-document style; ``css`` adds to the shared style."""
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title>", f"<style>{_CSS}{css}</style>", "</head>", "<body>", *body, "</body>", "</html>",
        ""])


def party_head_html(issuer: str, number: str, place_date: str) -> list[str]:
    """The head of a party document (Hướng dẫn 36-HD/VPTW): issuer and number on the left,
    the Party's name and the place and date on the right."""
    return ['<div class="head">',
            f'<div><div class="issuer">{_h(issuer)}</div><div>*</div><div class="number">{_h(number)}</div></div>',
            f'<div><div class="party">{PARTY}</div><div class="place">{_h(place_date)}</div></div>',
            "</div>"]


def memo_html(memo: Memo, party_document: bool = True) -> str:
    """The memo; with ``party_document=False``, the same content as a plain screening report."""
    s = memo.sections
    if party_document:
        body = [
            *party_head_html(memo.issuer, memo.number, memo.place_date),
            f"<h1>{_h(memo.heading)}</h1>", f'<p class="subject">{_h(memo.subject)}</p>',
            '<div class="dash">-----</div>',
            f'<p style="text-align:center">{_h(memo.recipient)}</p>', f"<p>{_h(memo.opening)}</p>",
        ]
    else:
        body = [f"<h1>{_h(s['report'])}</h1>", f'<p class="subject">{_h(memo.subject)}</p>',
                f'<p style="text-align:center">{_h(memo.footer)}</p>']
    body += [f"<h2>{_h(s['basis'])}</h2>", "<ol>"]
    for title, kind, sources in memo.basis:
        body.append(f'<li><b>{_h(title)}</b> <span class="kind">({_h(kind)})</span><ul>'
                    + "".join(f"<li>{_h(src)}</li>" for src in sources) + "</ul></li>")
    body += ["</ol>", f"<h2>{_h(s['proposed'])}</h2>",
             f"<h3>{_h(text(memo.lang, 'eligible', count=len(memo.eligible)))}</h3>"]
    body.append(_people(memo.eligible, s, lambda c: "") if memo.eligible else f"<p>{_h(s['none'])}</p>")
    body.append(f"<h3>{_h(text(memo.lang, 'review', count=len(memo.review)))}</h3>")
    body.append(_people(memo.review, s, lambda c: f" {_h(s['review_note'])}<ul>" + "".join(
        f'<li>{_h(short)}: <span class="needs">{_h(needed)}</span> <span class="kind">({_h(kind)})</span></li>'
        for short, _r, _e, missing in c.items for needed, kind in missing)
        + (f"<li>{_h(pending_text(memo, c))}</li>" if c.pending_judgements else "") + "</ul>")
        if memo.review else f"<p>{_h(s['none'])}</p>")
    body.append(f"<h2>{_h(text(memo.lang, 'excluded', count=len(memo.excluded)))}</h2>")
    body.append(_people(memo.excluded, s, lambda c: "<ul>" + "".join(
        f"<li><b>{_h(short)}</b>: {_h(reason)}<ul>"
        + "".join(f"<li>{_h(s['evidence'])}: {_h(e)}</li>" for e in evidence)
        + "".join(f'<li class="needs">{_h(s["needs"])} {_h(needed)} ({_h(kind)})</li>' for needed, kind in missing)
        + "</ul></li>" for short, reason, evidence, missing in c.items)
        + (f"<li>{_h(pending_text(memo, c))}</li>" if c.pending_judgements else "") + "</ul>")
        if memo.excluded else f"<p>{_h(s['none'])}</p>")
    if memo.invalid:
        body.append(f"<h3>{_h(text(memo.lang, 'invalid', count=len(memo.invalid)))}</h3><ul>"
                    + "".join(f"<li><code>{_h(src)}</code> {_h(who)}: {_h(p)}</li>" for src, who, p in memo.invalid)
                    + "</ul>")
    body += [f"<h2>{_h(s['matrix'])}</h2>", '<div class="scroll"><table>',
             "<tr><th>#</th><th>" + _h(s["name"]) + "</th>"
             + "".join(f'<th title="{_h(short)}">{n}</th>' for n, _, short in memo.matrix_rules) + "</tr>"]
    for n, (pid, name, marks) in enumerate(memo.matrix_rows, 1):
        body.append(f"<tr><td>{n}</td><td>{_h(name)} ({_h(pid)})</td>"
                    + "".join(f'<td class="mark">{m}</td>' for m in marks) + "</tr>")
    body += ["</table></div>",
             '<p class="legend">' + _h("; ".join(f"{n}. {short}" for n, _, short in memo.matrix_rules)) + ".<br>"
             + _h(s["legend"]) + "</p>",
             f"<h2>{_h(s['cohort'])}</h2>", "<ul>"]
    body += [f"<li>{_h(name)}: {count}</li>" for name, count in memo.cohort_verdicts]
    body += ["</ul>", '<div class="scroll"><table>',
             f"<tr><th>{_h(s['cohort_rule'])}</th><th>{_h(s['cohort_excluded'])}</th>"
             f"<th>{_h(s['cohort_pending'])}</th></tr>"]
    body += [f'<tr><td>{_h(name)}</td><td class="num">{fail}</td><td class="num">{review}</td></tr>'
             for name, fail, review in memo.cohort_rules]
    body.append("</table></div>")
    if not party_document:
        return page(f"{s['report']} — {memo.subject}", memo.lang, body)
    body += [f"<p>{_h(memo.closing)}</p>", '<div class="foot">',
             f"<div><b><i>{_h(s['recipients_title'])}</i></b><br>" + "<br>".join(_h(r) for r in memo.recipients)
             + "</div>",
             f'<div>{_h(memo.signer[0])}<br><span class="sign-note">{_h(memo.signer[1])}</span><br><br><br></div>',
             "</div>", f'<div class="footer">{_h(memo.footer)}</div>']
    return page(f"{memo.heading} {memo.subject}", memo.lang, body)


def report_html(memo: Memo) -> str:
    return memo_html(memo, party_document=False)


def _people(candidates, s, extra) -> str:
    return "<ol>" + "".join(f"<li><b>{_h(c.full_name)}</b> ({_h(c.profile_id)}), {_h(c.about)}.{extra(c)}</li>"
                            for c in candidates) + "</ol>"
