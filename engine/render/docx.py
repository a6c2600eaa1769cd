"""Word (.docx, python-docx): the memo as a document the office edits and signs."""

from __future__ import annotations

import io

from .memo import PARTY, Memo, pending_text, text


def party_document(title: str):
    """A Word document laid out as a party document: A4, the margins of Hướng dẫn
    36-HD/VPTW, Times New Roman 13."""
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    document.core_properties.title = title
    return document


def add_paragraph(document, value="", bold=False, italic=False, align=None, size=None, space_after=4):
    """One paragraph of one run, as the memo and the minutes write them."""
    from docx.shared import Pt

    added = document.add_paragraph()
    run = added.add_run(value)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    if align is not None:
        added.alignment = align
    added.paragraph_format.space_after = Pt(space_after)
    return added


def party_head_docx(document, issuer: str, number: str, place_date: str) -> None:
    """The head of a party document: issuer and number on the left, the Party's name
    (underlined) and the place and date on the right."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = head.rows[0].cells
    for cell, rows in ((left, [(issuer, True, False), ("*", False, False), (number, False, False)]),
                       (right, [(PARTY, True, False), ("", False, False), (place_date, False, True)])):
        cell.paragraphs[0].text = ""
        for index, (value, bold, italic) in enumerate(rows):
            line = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
            run = line.add_run(value)
            run.bold, run.italic = bold, italic
            if value == PARTY:
                run.underline = True
            line.alignment = WD_ALIGN_PARAGRAPH.CENTER


def memo_docx(memo: Memo) -> bytes:
    """The memo as a Word document the office edits and signs."""
    from functools import partial

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    s = memo.sections
    document = party_document(f"{memo.heading} {memo.subject}")
    para = partial(add_paragraph, document)
    party_head_docx(document, memo.issuer, memo.number, memo.place_date)
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
            para(f"    – {pending_text(memo, c)}", size=12, space_after=0)
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
            para(f"    – {pending_text(memo, c)}", size=12, space_after=0)
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
