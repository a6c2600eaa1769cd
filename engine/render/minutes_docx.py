"""Word (.docx, python-docx): the minutes of each sitting (biên bản kiểm phiếu)
as party documents the counting board signs, each sitting from a new page,
after the process's overview."""

from __future__ import annotations

import io
from functools import partial

from ..escape import docx_text as _x

from .docx import add_paragraph, party_document, party_head_docx
from .minutes import Journal, Minutes, is_figure
from .process import Overview


def repeat_header(row) -> None:
    """The row repeats at the top of every page the table runs on (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


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
    repeat_header(table.rows[0])
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
    for line in minutes.grounds:
        para(line, italic=True, space_after=0, indent=8)
    if minutes.grounds:
        para("", space_after=0)
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
           [[str(r.rank), r.full_name, r.votes, r.percent, r.result]
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
    para("")
    para(minutes.closing)
    para(s["board_sign"], bold=True, align=center, space_after=0)
    signature_docx(document, minutes.signers, s["sign_note"])


def signature_docx(document, signers: list[tuple[str, str]], note_text: str) -> None:
    """One block per signer (title, note, room to sign, name), three to a row."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    from .docx import no_borders

    center = WD_ALIGN_PARAGRAPH.CENTER
    columns = min(3, len(signers)) or 1
    rows = [signers[i:i + columns] for i in range(0, len(signers), columns)]
    sign = document.add_table(rows=len(rows), cols=columns)
    no_borders(sign)
    for table_row, row in zip(sign.rows, rows):
        # a short last row keeps its blocks to the right, where the head of the board signs
        cells = table_row.cells[columns - len(row):]
        for cell, (title, name) in zip(cells, row):
            head = cell.paragraphs[0]
            head.add_run(_x(title)).bold = True
            head.alignment = center
            note = cell.add_paragraph()
            note.add_run(note_text).italic = True
            note.alignment = center
            for _ in range(3):
                cell.add_paragraph()
            signed = cell.add_paragraph(_x(name))
            signed.alignment = center


def journal_docx(journal: Journal) -> bytes:
    """The entry journal as a Word document of its own."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = party_document(f"{journal.heading} — {journal.subject}")
    document.core_properties.comments = _x(journal.about)
    party_head_docx(document, journal.issuer, "", journal.place_date)
    add_paragraph(document, journal.heading, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=15, space_after=0)
    add_paragraph(document, journal.subject, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, space_after=0)
    add_paragraph(document, "-----", align=WD_ALIGN_PARAGRAPH.CENTER)
    add_paragraph(document, journal.note, italic=True, size=11)
    _table(document, journal.headers, journal.rows, 9, [12, 30, 25, 68, 14, 26])
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def minutes_docx(title: str, view: Overview | None, minutes: list[Minutes], lang: str) -> bytes:
    """The overview (when given) and the minutes of each sitting, each from a new page."""
    document = party_document(f"{minutes[0].heading if minutes else ''} — {title}")
    if minutes:
        document.core_properties.comments = _x(minutes[0].about)
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
