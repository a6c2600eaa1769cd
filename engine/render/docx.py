"""Word (.docx, python-docx): the memo as a document the office edits and signs.

Laid out after Hướng dẫn 36-HD/VPTW: the issuer (parent body, then the
issuing body in bold) and the number at the top left, "ĐẢNG CỘNG SẢN VIỆT NAM"
underlined with the place and date at the top right, the title, the
addressee, the grounds, the body, the distribution and the signature block.
The criteria matrix has landscape pages of its own, columns as wide as their
content needs (the name wide, each criterion narrow, numbered, with a legend),
its header row repeated on every page and no row split across pages.
"""

from __future__ import annotations

import io

from ..escape import docx_text as _x
from .memo import PARTY, Candidate, Memo, issuer_lines, pending_text, text


def party_document(title: str):
    """A Word document laid out as a party document: A4 portrait, the margins of
    Hướng dẫn 36-HD/VPTW, Times New Roman 13."""
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
    document.core_properties.title = _x(title)
    return document


def add_paragraph(document, value="", bold=False, italic=False, align=None, size=None, space_after=4, indent=None):
    """One paragraph of one run (justified unless told), as the memo and the minutes write them."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    paragraph = document.add_paragraph()
    run = paragraph.add_run(_x(value))
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    paragraph.alignment = align if align is not None else WD_ALIGN_PARAGRAPH.JUSTIFY
    paragraph.paragraph_format.space_after = Pt(space_after)
    if indent:
        paragraph.paragraph_format.left_indent = Mm(indent)
    return paragraph


def no_borders(table) -> None:
    """A layout table: no lines drawn."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def cell_lines(cell, rows) -> None:
    """Centred lines in a cell: (text, bold, italic, underline) each."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    cell.paragraphs[0].text = ""
    for index, (value, bold, italic, underline) in enumerate(rows):
        paragraph = cell.paragraphs[0] if index == 0 else cell.add_paragraph()
        run = paragraph.add_run(_x(value))
        run.bold, run.italic, run.underline = bold, italic, underline
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.paragraph_format.space_after = Pt(0)


def new_section(document, landscape: bool) -> None:
    """A new page in A4 landscape (a wide table: margins 20/15/15/15 mm) or back in
    portrait (the margins of Hướng dẫn 36-HD/VPTW: 30 mm left, 15 right, 20 top and bottom)."""
    from docx.enum.section import WD_ORIENT, WD_SECTION
    from docx.shared import Mm

    section = document.add_section(WD_SECTION.NEW_PAGE)
    if landscape:
        section.orientation, section.page_width, section.page_height = WD_ORIENT.LANDSCAPE, Mm(297), Mm(210)
        section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = Mm(20), Mm(15), Mm(15), Mm(15)
    else:
        section.orientation, section.page_width, section.page_height = WD_ORIENT.PORTRAIT, Mm(210), Mm(297)
        section.left_margin, section.right_margin, section.top_margin, section.bottom_margin = Mm(30), Mm(15), Mm(20), Mm(20)


def fixed_widths(table, widths_mm: list[float]) -> None:
    """Column widths Word and LibreOffice both keep: a fixed layout, the grid and every cell."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm

    table.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)
    for column, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths_mm):
        column.set(qn("w:w"), str(int(width * 56.7)))  # twentieths of a point
    for row in table.rows:
        for column, cell in enumerate(row.cells):
            cell.width = Mm(widths_mm[column])


def party_head_docx(document, issuer, number: str, place_date: str) -> None:
    """The head of a party document: the issuer (its last line in bold) and the number
    on the left, the Party's name (underlined) and the place and date on the right."""
    from docx.enum.table import WD_TABLE_ALIGNMENT

    head = document.add_table(rows=1, cols=2)
    head.alignment = WD_TABLE_ALIGNMENT.CENTER
    no_borders(head)
    left, right = head.rows[0].cells
    lines = issuer_lines(issuer)
    cell_lines(left, [(line, i == len(lines) - 1, False, False) for i, line in enumerate(lines)]
               + [("*", False, False, False)] + ([(number, False, False, False)] if number else []))
    cell_lines(right, [(PARTY, True, False, True), ("", False, False, False), (place_date, False, True, False)])


def memo_docx(memo: Memo) -> bytes:
    """The memo as a Word document."""
    from functools import partial

    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    s = memo.sections
    document = party_document(f"{memo.heading} {memo.subject}")
    center = WD_ALIGN_PARAGRAPH.CENTER
    para = partial(add_paragraph, document)
    party_head_docx(document, memo.issuer, memo.number, memo.place_date)

    para(memo.heading, bold=True, align=center, size=15, space_after=0)
    para(memo.subject, bold=True, align=center, space_after=0)
    para("-----", align=center)
    para(memo.recipient, align=center)
    for ground in memo.grounds:
        para(f"- {ground}", italic=True, space_after=0, indent=8)
    para("")
    para(memo.opening)

    para(s["criteria"], bold=True)
    para(s["criteria_note"], space_after=2)
    for n, title, kind, basis in memo.criteria:
        para(f"{n}. {title} — {kind} ({basis}).", size=12, space_after=0, indent=5)

    def people(candidates: list[Candidate], detail) -> None:
        if not candidates:
            para(s["none"], space_after=2, indent=5)
        for n, c in enumerate(candidates, 1):
            line = para(f"{n}. ", space_after=0, indent=5)
            line.add_run(_x(c.full_name)).bold = True  # as the HTML and Markdown memos show the name
            line.add_run(_x(f" ({c.profile_id}), {c.about}."))
            detail(c)

    def needs(note: str, later: bool = False):
        def detail(c: Candidate) -> None:
            para(note, italic=True, size=12, space_after=0, indent=10)
            for finding in c.findings:
                for need in finding.needs or [None]:
                    para(f"– {finding.criterion}: {need.text if need else finding.reason}.", size=12, space_after=0,
                         indent=10)
            if c.pending_judgements:
                para(f"– {pending_text(memo, c, later)}.", size=12, space_after=0, indent=10)

        return detail

    def reasons(c: Candidate) -> None:
        for finding in c.findings:
            para(f"– {finding.criterion}: {finding.reason}.", size=12, space_after=0, indent=10)
            for need in finding.needs:
                if need.kind in ("none", "wait", "exception"):
                    para(f"{need.kind_label}: {need.text}.", italic=True, size=11, space_after=0, indent=15)

    para(s["proposed"], bold=True)
    para(text(memo.lang, "eligible", count=len(memo.eligible)), bold=True, italic=True)
    people(memo.eligible, lambda c: None)
    para(text(memo.lang, "to_decide", count=len(memo.to_decide)), bold=True, italic=True)
    people(memo.to_decide, needs(s["to_decide_note"]))
    para(text(memo.lang, "not_ready", count=len(memo.not_ready)), bold=True, italic=True)
    people(memo.not_ready, needs(s["not_ready_note"], later=True))
    if memo.with_exceptions:
        para(text(memo.lang, "exceptions", count=len(memo.with_exceptions)), bold=True, italic=True)
        people(memo.with_exceptions,
               lambda c: [para(f"– {e}.", size=12, space_after=0, indent=10) for e in c.exceptions])
    para(text(memo.lang, "excluded", count=len(memo.excluded)), bold=True)
    people(memo.excluded, reasons)

    # -- the matrix, on landscape pages of its own
    new_section(document, landscape=True)
    para(s["matrix"], bold=True)
    marks = len(memo.matrix_rules)
    usable = 297 - 20 - 15
    longest = max([len(name) for _pid, name, _m in memo.matrix_rows] + [len(s["name"])])
    name_width = min(max(35, longest * 2.3 + 4), usable - 10 - 9 * marks)
    mark_width = (usable - 10 - name_width) / max(marks, 1)
    widths = [10, name_width] + [mark_width] * marks
    matrix = document.add_table(rows=1, cols=2 + marks)
    matrix.style = "Table Grid"
    header = matrix.rows[0]
    for cell, value in zip(header.cells, [s["no"], s["name"], *(str(n) for n, _ in memo.matrix_rules)]):
        cell.text = _x(value)
    for n, (_pid, name, row_marks) in enumerate(memo.matrix_rows, 1):
        cells = matrix.add_row().cells
        for cell, value in zip(cells, [str(n), name, *row_marks]):
            cell.text = _x(value)
    for index, row in enumerate(matrix.rows):
        properties = row._tr.get_or_add_trPr()
        properties.append(OxmlElement("w:cantSplit"))  # a row never breaks across two pages
        if index == 0:
            repeat = OxmlElement("w:tblHeader")  # the header row repeats on every page
            repeat.set(qn("w:val"), "true")
            properties.append(repeat)
        for column, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                paragraph.alignment = None if column == 1 else center
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(11)
                    run.bold = index == 0
    fixed_widths(matrix, widths)
    para("")
    para("; ".join(f"{n}. {short}" for n, short in memo.matrix_rules) + ".", size=11, space_after=2)
    para(s["legend"], size=11, italic=True)

    # -- back to portrait: the figures, the closing and the signature
    new_section(document, landscape=False)
    para(s["cohort"], bold=True)
    for name, count in memo.cohort_verdicts:
        para(f"– {name}: {count}", space_after=0, indent=5)
    figures = document.add_table(rows=1, cols=4)
    figures.style = "Table Grid"
    for cell, value in zip(figures.rows[0].cells,
                           (s["cohort_rule"], s["cohort_excluded"], s["cohort_board"], s["cohort_record"])):
        cell.text = _x(value)
    for name, fail, board, waiting in memo.cohort_rules:
        row = figures.add_row().cells
        for cell, value in zip(row, (name, fail, board, waiting)):
            cell.text = _x(value)
    fixed_widths(figures, [75, 25, 32, 33])
    for index, row in enumerate(figures.rows):
        for column, cell in enumerate(row.cells):
            for paragraph in cell.paragraphs:
                paragraph.alignment = center if column or index == 0 else WD_ALIGN_PARAGRAPH.LEFT
                paragraph.paragraph_format.space_after = Pt(0)
                for run in paragraph.runs:
                    run.font.size = Pt(12)
                    run.bold = index == 0
    para(s["cohort_note"], size=11, italic=True)
    para("")
    if memo.proposal:
        para(memo.proposal)
    para(memo.closing)
    foot = document.add_table(rows=1, cols=2)
    no_borders(foot)
    left, right = foot.rows[0].cells
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run(_x(s["recipients_title"]))
    run.bold, run.italic, run.font.size = True, True, Pt(12)
    left.paragraphs[0].paragraph_format.space_after = Pt(0)
    for recipient in memo.recipients:  # HD 36-HD/VPTW: the addressees in 11 pt, one a line
        line = left.add_paragraph()
        line.add_run(_x(recipient)).font.size = Pt(11)
        line.paragraph_format.space_after = Pt(0)
    sign = memo.signature
    lines = ([(sign.on_behalf, True, False, False)] if sign.on_behalf else []) + [
        (sign.title, True, False, False), (s["sign_note"], False, True, False), ("", False, False, False),
        ("", False, False, False), ("", False, False, False), (sign.name or "", True, False, False)]
    cell_lines(right, lines)
    document.core_properties.comments = _x(memo.footer)  # which pack made it: in the file, not on the page
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
