"""The memo as a document handed to the Standing Committee (issue 13): goldens in
every format, the matrix as Word lays it out, invalid files kept out of it,
the signature that follows the issuer, and no code anywhere a person reads."""

from __future__ import annotations

import io
import re
import shutil
import subprocess

import pytest

from conftest import GOLDEN, PROFILES, ROOT, check_golden
from sangloc.engine.commands.main import main
from test_memo import CANDIDATES, _tool

ISSUER = "TỈNH ỦY THÁI BÌNH|BAN TỔ CHỨC"


@pytest.fixture(autouse=True)
def _from_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def _memo(runner, *args) -> str | bytes:
    result = runner.invoke(main, ["memo", "profiles", "--no-audit", "--issuer", ISSUER, "--place", "Thái Bình", *args])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes if "docx" in args else result.stdout


def docx_text(data: bytes) -> str:
    """Every paragraph and table cell of a Word document, in order, one per line."""
    from docx import Document

    document = Document(io.BytesIO(data))
    lines = []
    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append("".join(t.text or "" for t in child.iter() if t.tag.endswith("}t")))
        elif tag == "tbl":
            for row in child.iter():
                if row.tag.endswith("}tr"):
                    cells = [" / ".join(
                        "".join(t.text or "" for t in paragraph.iter() if t.tag.endswith("}t"))
                        for paragraph in cell if paragraph.tag.endswith("}p"))
                        for cell in row if cell.tag.endswith("}tc")]
                    lines.append(" | ".join(cells))
    return "\n".join(lines) + "\n"


# -- goldens -------------------------------------------------------------------

def test_memo_html_golden(runner, update_golden):
    check_golden(GOLDEN / "memo.html", _memo(runner, "--format", "html"), update_golden)


def test_memo_docx_text_golden(runner, update_golden):
    check_golden(GOLDEN / "memo.docx.txt", docx_text(_memo(runner, "--format", "docx")), update_golden)


# -- the matrix ------------------------------------------------------------------

def _matrix(document):
    for table in document.tables:
        if len(table.columns) > 10:
            return table
    raise AssertionError("no criteria matrix in the document")


def test_docx_matrix_is_landscape_with_columns_as_wide_as_their_content(runner):
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.oxml.ns import qn

    document = Document(io.BytesIO(_memo(runner, "--format", "docx")))
    matrix = _matrix(document)
    widths = [int(col.get(qn("w:w"))) for col in matrix._tbl.tblGrid.findall(qn("w:gridCol"))]
    number, name, *marks = widths
    assert len(marks) == 15 and len(set(marks)) == 1
    assert name >= 3 * marks[0] and number < name  # the name wide, each criterion narrow
    assert matrix._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    # the matrix sits in a landscape section of its own, between two portrait ones
    orientations = [section.orientation for section in document.sections]
    assert orientations == [WD_ORIENT.PORTRAIT, WD_ORIENT.LANDSCAPE, WD_ORIENT.PORTRAIT]
    assert document.sections[1].page_width > document.sections[1].page_height
    rows = matrix.rows
    assert rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None  # repeated on every page
    assert all(row._tr.trPr.find(qn("w:cantSplit")) is not None for row in rows)  # never split
    names = [row.cells[1].text for row in rows[1:]]
    assert sorted(names) == sorted(CANDIDATES.values())
    # a name fits its cell on one line: Times 11 pt averages under 2.3 mm a character
    assert max(len(n) for n in names) * 2.3 * 56.7 <= name


@pytest.mark.slow
def test_docx_matrix_prints_every_name_on_one_line(runner, tmp_path):
    """As LibreOffice lays it out: each candidate's whole name on one line of the matrix page."""
    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    doc = tmp_path / "to-trinh.docx"
    doc.write_bytes(_memo(runner, "--format", "docx"))
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(doc)], capture_output=True, timeout=300, check=False)
    layout = subprocess.run([pdftotext, "-layout", str(tmp_path / "to-trinh.pdf"), "-"], capture_output=True,
                            text=True, check=True).stdout
    page = next(p for p in layout.split("\f") if "BẢNG ĐỐI CHIẾU" in p)
    squashed = [" ".join(line.split()) for line in page.splitlines()]
    for name in CANDIDATES.values():
        assert any(f"{name} " in line for line in squashed), name


# -- invalid files stay out of the memo ---------------------------------------------

@pytest.fixture
def batch_with_a_broken_file(tmp_path):
    batch = tmp_path / "ho-so"
    shutil.copytree(PROFILES, batch)
    (batch / "le-van-loi.yaml").write_text("id: B-11\nfull_name: Lê Văn Lỗi\ngender: ông\nbirth_date: 15/13/1974\n",
                                          encoding="utf-8")
    return batch


@pytest.mark.parametrize("fmt", ["md", "html", "docx"])
def test_a_broken_file_never_enters_the_memo(runner, tmp_path, batch_with_a_broken_file, fmt):
    out = tmp_path / f"to-trinh.{fmt}"
    errors = tmp_path / "can-bo-sung.txt"
    result = runner.invoke(main, ["memo", str(batch_with_a_broken_file), "--no-audit", "--format", fmt,
                                  "-o", str(out), "--errors", str(errors)])
    assert result.exit_code == 1, result.output
    text = docx_text(out.read_bytes()) if fmt == "docx" else out.read_text(encoding="utf-8")
    for leak in (str(tmp_path), "le-van-loi.yaml", "B-11", "Lê Văn Lỗi", "birth_date", "gender", "15/13/1974"):
        assert leak not in text, leak
    assert "01 hồ sơ khác cần bổ sung, sửa chữa nên chưa đưa vào đối chiếu" in " ".join(text.split())
    assert "Tờ trình chỉ gồm các hồ sơ hợp lệ; 1 hồ sơ cần bổ sung" in result.stderr
    report = errors.read_text(encoding="utf-8")
    for words in ("B-11 Lê Văn Lỗi", "tệp le-van-loi.yaml", "Giới tính: 'ông' không phải giá trị được chấp nhận",
                  "Ngày sinh: ngày '15/13/1974' không có thật"):
        assert words in report, words
    for leak in (str(tmp_path), "birth_date", "gender:"):
        assert leak not in report, leak


# -- the signature follows the issuer -------------------------------------------------

@pytest.mark.parametrize("issuer, extra, lines", [
    ("TỈNH ỦY THÁI BÌNH|BAN TỔ CHỨC", [], ["**TRƯỞNG BAN**"]),
    ("TỈNH ỦY THÁI BÌNH|BAN TỔ CHỨC", ["--signer-title", "Phó Trưởng Ban", "--signer", "Nguyễn Văn An"],
     ["**K/T TRƯỞNG BAN**", "**PHÓ TRƯỞNG BAN**", "**Nguyễn Văn An**"]),
    ("TỈNH ỦY THÁI BÌNH", [], ["**T/M BAN THƯỜNG VỤ**", "**BÍ THƯ**"]),
    ("ĐẢNG BỘ TỈNH THÁI BÌNH|BAN THƯỜNG VỤ TỈNH ỦY", ["--signer-title", "Phó Bí thư"],
     ["**T/M BAN THƯỜNG VỤ**", "**PHÓ BÍ THƯ**"]),
], ids=["ban-head", "ban-deputy", "committee", "standing-committee-deputy"])
def test_the_signature_block_follows_the_issuer(runner, issuer, extra, lines):
    result = runner.invoke(main, ["memo", "profiles", "--no-audit", "--issuer", issuer, *extra])
    assert result.exit_code == 0, result.output
    signature = result.stdout.rsplit("***Nơi nhận:***", 1)[1]
    shown = [line.rstrip() for line in signature.splitlines() if line.startswith("**")]
    assert shown == lines
    head = result.stdout.split("# TỜ TRÌNH", 1)[0]
    for line in issuer.split("|"):  # a two-line issuer stays two lines
        assert re.search(rf"^(\*\*)?{re.escape(line)}(\*\*)?  $", head, re.M), line
    if "T/M" not in lines[0]:
        assert "T/M" not in result.stdout


# -- words, not codes, wherever a person reads ------------------------------------------

SNAKE = re.compile(r"\b[a-z]+(?:_[a-z0-9]+)+\b")
PATH = re.compile(r"\b[a-z_]+\[\d+\]")


def _rule_ids() -> list[str]:
    from sangloc.engine.pack.load import load_pack

    return [rule.id for rule in load_pack("pho-bi-thu-tinh-uy-2020").rules]


def _scan(where: str, text: str, ids: list[str], ids_in_parentheses: bool) -> None:
    assert not SNAKE.search(text), (where, SNAKE.search(text).group(), text[max(0, SNAKE.search(text).start() - 80):][:160])
    assert not PATH.search(text), (where, PATH.search(text).group())
    for rule_id in ids:
        for found in re.finditer(rf"(?<![\w-]){re.escape(rule_id)}(?![\w-])", text):
            around = text[found.start() - 1:found.start()] + text[found.end():found.end() + 1]
            if around == "''":
                continue  # a value quoted from the file as it was written there ('chu-chot-cap-huyen')
            assert ids_in_parentheses and around == "()", (where, rule_id, text[max(0, found.start() - 60):found.end() + 20])


def test_no_code_in_any_output_a_person_reads(runner, tmp_path, monkeypatch, batch_with_a_broken_file):
    monkeypatch.setenv("SANGLOC_AUDIT_DB", str(tmp_path / "audit.sqlite"))
    ids = _rule_ids()
    batch = str(batch_with_a_broken_file)
    outputs: list[tuple[str, str, bool]] = []

    def run(*args, parentheses=False):
        result = runner.invoke(main, list(args))
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        text = result.stdout + result.stderr
        if "docx" in args:
            text = docx_text(result.stdout_bytes) + result.stderr
        outputs.append((" ".join(args), text.replace(str(tmp_path), "…"), parentheses))
        return result

    for fmt in ("table", "md", "html", "csv"):
        run("screen", batch, "--format", fmt)
    for fmt in ("md", "html", "docx"):
        run("memo", batch, "--format", fmt, "--no-audit", "--issuer", ISSUER)
    errors = tmp_path / "loi.txt"
    run("memo", batch, "--no-audit", "-o", str(tmp_path / "m.md"), "--errors", str(errors))
    outputs.append(("memo --errors", errors.read_text(encoding="utf-8"), False))
    for profile_id in ("DT-0004", "DT-0009", "DT-0010", "DT-0016", "DT-0017", "DT-0018"):
        for fmt in ("table", "md"):
            run("explain", profile_id, "profiles", "--format", fmt, parentheses=True)
    run("validate", batch)
    run("audit", "runs")
    run("audit", "show", "1")
    run("audit", "why", "DT-0009")
    run("audit", "why", "B-11")
    run("audit", "diff", "1", "2")
    run("diff", "profiles", "--rules", "pho-bi-thu-tinh-uy-2020", "--rules", str(ROOT / "tests" / "packs" / "thu-nghiem-2025"))
    run("rules", "show", parentheses=True)  # how to ask for one rule: its id, in parentheses
    for rule_id in ("hoan-thanh-tot-cap-tinh", "ky-luat", "trung-thanh"):
        run("rules", "show", rule_id, parentheses=True)
    for where, text, parentheses in outputs:
        _scan(where, text, ids, parentheses)


def test_the_html_report_gives_figures_and_list_before_the_criteria(runner):
    html = runner.invoke(main, ["screen", "profiles", "--format", "html", "--no-audit"]).stdout
    headings = re.findall(r"<h2>([^<]*)</h2>", html)
    assert headings[0] == "I. SỐ LIỆU TỔNG HỢP" and headings[1] == "II. DANH SÁCH ĐỀ XUẤT"
    assert headings[-1] == "V. TIÊU CHUẨN, ĐIỀU KIỆN"
