"""Word (.docx, python-docx): the minutes of each sitting (biên bản kiểm phiếu)
as party documents the counting board signs, each sitting from a new page,
after the process's overview."""

from __future__ import annotations

import io
from functools import partial

from ..escape import docx_text as _x

from .docx import add_paragraph, party_document, party_head_docx
from .minutes import Minutes, is_figure
from .process import Overview


def _table(document, header: list[str], rows: list[list[str]], size: int, widths_mm: list[int] | None = None):
    from docx.shared import Mm, Pt

    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    if widths_mm:
        table.autofit = False
        for column, width in zip(table.columns, widths_mm):
            column.width = Mm(width)
    for cell, value in zip(table.rows[0].cells, header):
        cell.text = _x(value)
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for values in rows:
        for cell, value in zip(table.add_row().cells, values):
            cell.text = _x(value)
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if widths_mm:
                cell.width = Mm(widths_mm[index])
            for line in cell.paragraphs:
                line.paragraph_format.space_after = Pt(0)
                for run in line.runs:
                    run.font.size = Pt(size)
    return table


def _minutes(document, minutes: Minutes) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    s = minutes.sections
    center = WD_ALIGN_PARAGRAPH.CENTER
    para = partial(add_paragraph, document)
    party_head_docx(document, minutes.issuer, minutes.number, minutes.place_date)
    para(minutes.heading, bold=True, align=center, size=15, space_after=0)
    para(minutes.subject, bold=True, align=center, space_after=0)
    para(minutes.sitting, bold=True, align=center, space_after=0)
    para("-----", align=center)
    para(minutes.opening, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    para(s["figures"], bold=True)
    for name, value in minutes.figures:
        line = para(f"– {name}: ", space_after=0)
        line.add_run(_x(value)).bold = is_figure(value)
    if minutes.invalid_reasons:
        para(f"– {s['reasons']}:", space_after=0)
        for reason, count in minutes.invalid_reasons:
            para(f"    + {reason}: {count}", size=12, space_after=0)
    if minutes.note:
        para(f"– {s['note']}: {minutes.note}", space_after=0)
    para(s["results"], bold=True)
    para(minutes.pass_rule, italic=True, size=12)
    _table(document, [s["col_rank"], s["col_name"], s["col_votes"], s["col_percent"], s["col_result"]],
           [[str(r.rank), f"{r.full_name} ({r.profile_id})", r.votes, r.percent, r.result]
            for r in minutes.rows], 11, [18, 70, 20, 22, 35])
    para("")
    para(minutes.passed)
    para(minutes.carried, bold=True)
    para(s["flags"], bold=True)
    if not minutes.flags:
        para(s["flags_none"])
    for flag, basis in minutes.flags:
        para(f"– {flag}", space_after=0)
        for line in basis:
            para(f"    {line}", italic=True, size=11, space_after=0)
    para(s["basis"], bold=True)
    for title, lines in minutes.basis:
        para(f"– {title}:", space_after=0)
        for line in lines:
            para(f"    {line}", italic=True, size=11, space_after=0)
    para("")
    para(minutes.closing)
    para(s["board_sign"], bold=True, align=center, space_after=0)
    (left, left_names), (right, right_name) = minutes.signers
    sign = document.add_table(rows=1, cols=2)
    for cell, title, names in zip(sign.rows[0].cells, (left, right), (left_names, right_name)):
        cell.paragraphs[0].text = ""
        head = cell.paragraphs[0]
        head.add_run(_x(title)).bold = True
        head.alignment = center
        note = cell.add_paragraph()
        note.add_run(s["sign_note"]).italic = True
        note.alignment = center
        for _ in range(3):
            cell.add_paragraph()
        signed = cell.add_paragraph(_x(names))
        signed.alignment = center
    document.add_page_break()
    para(s["journal"], bold=True, align=center)
    para(minutes.journal_note, italic=True, size=11)
    _table(document, [s[k] for k in ("col_entry", "col_at", "col_by", "col_what", "col_replaces", "col_hash")],
           minutes.journal, 9, [12, 28, 25, 70, 14, 26])
    para("")
    para(minutes.footer, size=9, italic=True)


def minutes_docx(title: str, view: Overview | None, minutes: list[Minutes], lang: str) -> bytes:
    """The overview (when given) and the minutes of each sitting, each from a new page."""
    document = party_document(f"{minutes[0].heading if minutes else ''} — {title}")
    if view is not None:
        add_paragraph(document, title, bold=True, size=14)
        _table(document, view.headers, view.rows, 9)
        add_paragraph(document, "")
        for note in view.notes:
            add_paragraph(document, f"– {note}", size=11, space_after=0)
        for flag in view.flags:
            add_paragraph(document, f"! {flag}", size=11, bold=True, space_after=0)
    for number, item in enumerate(minutes):
        if number or view is not None:
            document.add_page_break()
        _minutes(document, item)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
