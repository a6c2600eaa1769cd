"""The memo laid out as a party document: Markdown, HTML (one self-contained
file, printable on A4, readable on a phone) and Word (.docx, python-docx).

Layout after Hướng dẫn 36-HD/VPTW (03/04/2018): the issuing body and the
number at the top left, "ĐẢNG CỘNG SẢN VIỆT NAM" with a rule under it and the
place and date at the top right, the document type and subject centred, then
the body, the distribution list at the bottom left and the signature block at
the bottom right.
"""

from __future__ import annotations

import html
import io

from engine.memo import Memo, text

PARTY = "ĐẢNG CỘNG SẢN VIỆT NAM"


# -- Markdown -----------------------------------------------------------------

def _md(value: str) -> str:
    """Text placed in Markdown: no line breaks, no table pipes, no emphasis or links."""
    value = " ".join(str(value).split())
    for char in ("\\", "|", "*", "`", "<"):
        value = value.replace(char, "\\" + char)
    return value.replace("](", "\\](")  # a name cannot become a link


def memo_md(memo: Memo) -> str:
    s = memo.sections
    lines = [
        f"| {memo.issuer} | **{PARTY}** |", "|:---:|:---:|",
        f"| \\* | — |", f"| {memo.number} | *{memo.place_date}* |", "",
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
            lines.append(f"   - {_pending(memo, c)}")
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
            lines.append(f"   - {_pending(memo, c)}")
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


def _pending(memo: Memo, candidate) -> str:
    return text(memo.lang, "pending_judgements", names=", ".join(candidate.pending_judgements))


# -- HTML -----------------------------------------------------------------------

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


def _page(title: str, lang: str, body: list[str]) -> str:
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(title)}</title>", f"<style>{_CSS}</style>", "</head>", "<body>", *body, "</body>", "</html>", ""])


def memo_html(memo: Memo, party_document: bool = True) -> str:
    """The memo; with ``party_document=False``, the same content as a plain screening report."""
    s = memo.sections
    if party_document:
        body = [
            '<div class="head">',
            f'<div><div class="issuer">{_h(memo.issuer)}</div><div>*</div><div class="number">{_h(memo.number)}</div></div>',
            f'<div><div class="party">{PARTY}</div><div class="place">{_h(memo.place_date)}</div></div>',
            "</div>",
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
        + (f"<li>{_h(_pending(memo, c))}</li>" if c.pending_judgements else "") + "</ul>")
        if memo.review else f"<p>{_h(s['none'])}</p>")
    body.append(f"<h2>{_h(text(memo.lang, 'excluded', count=len(memo.excluded)))}</h2>")
    body.append(_people(memo.excluded, s, lambda c: "<ul>" + "".join(
        f"<li><b>{_h(short)}</b>: {_h(reason)}<ul>"
        + "".join(f"<li>{_h(s['evidence'])}: {_h(e)}</li>" for e in evidence)
        + "".join(f'<li class="needs">{_h(s["needs"])} {_h(needed)} ({_h(kind)})</li>' for needed, kind in missing)
        + "</ul></li>" for short, reason, evidence, missing in c.items)
        + (f"<li>{_h(_pending(memo, c))}</li>" if c.pending_judgements else "") + "</ul>")
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
        return _page(f"{s['report']} — {memo.subject}", memo.lang, body)
    body += [f"<p>{_h(memo.closing)}</p>", '<div class="foot">',
             f"<div><b><i>{_h(s['recipients_title'])}</i></b><br>" + "<br>".join(_h(r) for r in memo.recipients)
             + "</div>",
             f'<div>{_h(memo.signer[0])}<br><span class="sign-note">{_h(memo.signer[1])}</span><br><br><br></div>',
             "</div>", f'<div class="footer">{_h(memo.footer)}</div>']
    return _page(f"{memo.heading} {memo.subject}", memo.lang, body)


def report_html(memo: Memo) -> str:
    return memo_html(memo, party_document=False)


def _people(candidates, s, extra) -> str:
    return "<ol>" + "".join(f"<li><b>{_h(c.full_name)}</b> ({_h(c.profile_id)}), {_h(c.about)}.{extra(c)}</li>"
                            for c in candidates) + "</ol>"


# -- Word ---------------------------------------------------------------------

def memo_docx(memo: Memo) -> bytes:
    """The memo as a Word document the office edits and signs."""
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    s = memo.sections
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    document.core_properties.title = f"{memo.heading} {memo.subject}"

    def para(value="", bold=False, italic=False, align=None, size=None, space_after=4):
        paragraph = document.add_paragraph()
        run = paragraph.add_run(value)
        run.bold, run.italic = bold, italic
        if size:
            run.font.size = Pt(size)
        if align:
            paragraph.alignment = align
        paragraph.paragraph_format.space_after = Pt(space_after)
        return paragraph

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    for cell, rows in ((left, [(memo.issuer, True, False), ("*", False, False), (memo.number, False, False)]),
                       (right, [(PARTY, True, False), ("", False, False), (memo.place_date, False, True)])):
        cell.paragraphs[0].text = ""
        for index, (value, bold, italic) in enumerate(rows):
            paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            run = paragraph.add_run(value)
            run.bold, run.italic = bold, italic
            if value == PARTY:
                run.underline = True
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    center = WD_ALIGN_PARAGRAPH.CENTER
    para(memo.heading, bold=True, align=center, size=15, space_after=0)
    para(memo.subject, bold=True, align=center, space_after=0)
    para("-----", align=center)
    para(memo.recipient, align=center)
    para(memo.opening)
    para(s["basis"], bold=True)
    for n, (title, kind, sources) in enumerate(memo.basis, 1):
        para(f"{n}. {title} ({kind})", space_after=0)
        for source in sources:
            para(f"    – {source}", italic=True, size=11, space_after=0)
    para(s["proposed"], bold=True)
    para(text(memo.lang, "eligible", count=len(memo.eligible)), bold=True, italic=True)
    for n, c in enumerate(memo.eligible, 1):
        para(f"{n}. {c.full_name} ({c.profile_id}), {c.about}.", space_after=0)
    para(text(memo.lang, "review", count=len(memo.review)), bold=True, italic=True)
    for n, c in enumerate(memo.review, 1):
        para(f"{n}. {c.full_name} ({c.profile_id}), {c.about}. {s['review_note']}", space_after=0)
        for short, _reason, _evidence, missing in c.items:
            for needed, kind in missing:
                para(f"    – {short}: {needed} ({kind})", size=12, space_after=0)
        if c.pending_judgements:
            para(f"    – {_pending(memo, c)}", size=12, space_after=0)
    para(text(memo.lang, "excluded", count=len(memo.excluded)), bold=True)
    for n, c in enumerate(memo.excluded, 1):
        para(f"{n}. {c.full_name} ({c.profile_id}), {c.about}.", space_after=0)
        for short, reason, evidence, missing in c.items:
            para(f"    – {short}: {reason}", size=12, space_after=0)
            for e in evidence:
                para(f"        {s['evidence']}: {e}", size=11, italic=True, space_after=0)
            for needed, kind in missing:
                para(f"        {s['needs']} {needed} ({kind})", size=11, italic=True, space_after=0)
        if c.pending_judgements:
            para(f"    – {_pending(memo, c)}", size=12, space_after=0)
    if memo.invalid:
        para(text(memo.lang, "invalid", count=len(memo.invalid)), bold=True, italic=True)
        for source, who, problems in memo.invalid:
            para(f"– {source} {who}: {problems}", size=11, space_after=0)
    para(s["matrix"], bold=True)
    matrix = document.add_table(rows=1, cols=2 + len(memo.matrix_rules))
    matrix.style = "Table Grid"
    cells = matrix.rows[0].cells
    cells[0].text, cells[1].text = "#", s["name"]
    for offset, (n, _, _) in enumerate(memo.matrix_rules):
        cells[2 + offset].text = str(n)
    for n, (pid, name, marks) in enumerate(memo.matrix_rows, 1):
        row = matrix.add_row().cells
        row[0].text, row[1].text = str(n), f"{name} ({pid})"
        for offset, mark in enumerate(marks):
            row[2 + offset].text = mark
    for row in matrix.rows:
        for cell in row.cells:
            for paragraph in cell.paragraphs:
                for run in paragraph.runs:
                    run.font.size = Pt(9)
    para("; ".join(f"{n}. {short}" for n, _, short in memo.matrix_rules) + ". " + s["legend"], size=10)
    para(s["cohort"], bold=True)
    for name, count in memo.cohort_verdicts:
        para(f"– {name}: {count}", space_after=0)
    figures = document.add_table(rows=1, cols=3)
    figures.style = "Table Grid"
    header = figures.rows[0].cells
    header[0].text, header[1].text, header[2].text = s["cohort_rule"], s["cohort_excluded"], s["cohort_pending"]
    for name, fail, review in memo.cohort_rules:
        row = figures.add_row().cells
        row[0].text, row[1].text, row[2].text = name, str(fail), str(review)
    para("")
    para(memo.closing)
    foot = document.add_table(rows=1, cols=2)
    left, right = foot.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run(s["recipients_title"])
    run.bold, run.italic = True, True
    for recipient in memo.recipients:
        left.add_paragraph(recipient)
    right.paragraphs[0].text = ""
    run = right.paragraphs[0].add_run(memo.signer[0])
    run.bold = True
    right.paragraphs[0].alignment = center
    note = right.add_paragraph()
    note.add_run(memo.signer[1]).italic = True
    note.alignment = center
    para("")
    para(memo.footer, size=9, italic=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


MEMO_RENDERERS = {"md": memo_md, "html": memo_html}
