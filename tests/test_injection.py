"""Terminal and document injection (issue 14): every text that came from a file
is neutralised for the medium it is written to. Each output is parsed as its
reader would parse it: a terminal's text has no C0/C1 or bidi control; Markdown
rendered by a real Markdown library has no raw HTML from the data and keeps its
table columns; a CSV cell never starts with = + - @ TAB CR LF; HTML has no
element the data wrote; a Word document opens and shows the controls."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from conftest import ROOT
from sangloc.engine.commands.main import main

INJECTION = Path(__file__).resolve().parent / "inputs" / "hostile" / "injection"
#: What a terminal would obey: C0 but newline and tab, DEL, C1, bidi formatting, line separators.
UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]")


def terminal_safe(text: str) -> None:
    found = UNSAFE.search(text)
    assert found is None, f"raw U+{ord(found.group()):04X} in {text[max(0, found.start() - 60):found.end() + 20]!r}"


def _run(runner, *args, code=(0, 1)):
    result = runner.invoke(main, [*args])
    assert result.exit_code in code, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    terminal_safe(result.stdout)
    terminal_safe(result.stderr)
    return result


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "md", "html"])
def test_screen_output_and_messages_hold_no_control(runner, fmt, lang):
    _run(runner, "screen", str(INJECTION), "--format", fmt, "--lang", lang)


@pytest.mark.parametrize("fmt", ["table", "json", "md"])
def test_explain_holds_no_control(runner, fmt):
    result = _run(runner, "explain", "INJ-0001", str(INJECTION), "--format", fmt)
    assert "onerror=alert(1)" in result.stdout  # shown, not dropped: the reader sees what the file holds
    if fmt == "md":
        _markdown_holds_no_data_html(result.stdout)


def test_validate_audit_and_error_messages_hold_no_control(runner):
    _run(runner, "validate", str(INJECTION), code=(1,))
    _run(runner, "screen", str(INJECTION))
    for args in (["audit", "runs"], ["audit", "show", "1"], ["audit", "why", "INJ-0001"], ["audit", "why", "=1+1\t"],
                 ["audit", "runs", "--format", "json"], ["audit", "show", "1", "--format", "json"],
                 ["audit", "verify"], ["audit", "replay", "1"]):
        _run(runner, *args)
    _run(runner, "explain", "\x1b]0;x\x07", str(INJECTION), code=(2,))   # an unknown id quoted back
    _run(runner, "screen", str(INJECTION), "--rules", "\x1b[2Jno-such-pack", code=(2,))


def test_json_keeps_the_data_but_escapes_what_a_terminal_would_obey(runner):
    result = _run(runner, "screen", str(INJECTION), "--format", "json")
    report = json.loads(result.stdout)
    org = report["results"][0]["rules"]
    assert "\x1b" not in result.stdout and "\u202e" not in result.stdout
    def texts(node):
        if isinstance(node, dict):
            for value in node.values():
                yield from texts(value)
        elif isinstance(node, list):
            for value in node:
                yield from texts(value)
        elif isinstance(node, str):
            yield node

    assert any("<img src=x onerror=alert(1)>" in text for text in texts(org))  # the data round-trips for programs


# -- Markdown ----------------------------------------------------------------

_OUR_HTML = {'<h1 align="center">', "</h1>", "<sub>", "</sub>"}


def _markdown_holds_no_data_html(text: str, ours: set = _OUR_HTML) -> None:
    md = MarkdownIt("commonmark").enable("table")
    tokens = md.parse(text)
    for token in tokens:
        for item in [token, *(token.children or [])]:
            if item.type in ("html_inline", "html_block"):
                for tag in re.findall(r"<[^>]*>", item.content):
                    assert tag in ours, f"raw HTML from the data: {item.content!r}"
            if item.type in ("link_open", "image"):
                assert not str(item.attrs.get("href", item.attrs.get("src", ""))).startswith("javascript:")
    rendered = md.render(text)
    for tag in ours:  # the document's own markup set aside, nothing the data wrote is an element
        rendered = rendered.replace(tag, "")
    for tag in ("<script", "<img", "<b>", "<i>", "<iframe", "<a "):
        assert tag not in rendered, f"{tag} from the data in {rendered[max(0, rendered.find(tag) - 80):][:200]!r}"
    # every row of every table has as many cells as its header: a `|` in a name shifts nothing
    rows, header = [], None
    for token in tokens:
        if token.type == "tr_open":
            rows.append(0)
        elif token.type in ("th_open", "td_open"):
            rows[-1] += 1
        elif token.type == "thead_close":
            header = rows[-1]
        elif token.type == "table_close":
            assert set(rows) == {header}, rows
            rows, header = [], None


def test_markdown_screen_list_renders_no_html_and_keeps_its_columns(runner):
    result = _run(runner, "screen", str(INJECTION), "--format", "md")
    _markdown_holds_no_data_html(result.stdout)
    assert "INJ-0001" in result.stdout


@pytest.mark.parametrize("fmt", ["table", "md", "json"])
def test_two_packs_compared_hold_no_control_and_no_html(runner, tmp_path, fmt):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "pho-bi-thu-tinh-uy-2020", pack)
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace('"1965-09-01"', '"1975-09-01"'), encoding="utf-8")
    (pack / "pack.lock").unlink()
    result = _run(runner, "diff", str(INJECTION), "--rules", "pho-bi-thu-tinh-uy-2020", "--rules", str(pack),
                  "--format", fmt)
    if fmt == "md":
        _markdown_holds_no_data_html(result.stdout)


def test_markdown_memo_renders_no_html_and_keeps_its_columns(runner):
    result = _run(runner, "memo", str(INJECTION), "--format", "md", "--issuer", "TỈNH ỦY <script>x</script> | y",
                  "--number", "Số 1\x1b[2J")
    _markdown_holds_no_data_html(result.stdout)


# -- CSV -----------------------------------------------------------------------

def test_no_csv_cell_starts_a_formula(runner):
    result = _run(runner, "screen", str(INJECTION), "--format", "csv")
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert len(rows) == 3
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@", "\t", "\r", "\n"), cell
    invalid = next(row for row in rows if row[2] == "Hồ sơ cần bổ sung, sửa chữa")
    assert invalid[0].startswith("'=1+1") and invalid[1].startswith("'\\u0009=cmd")


def test_no_workbook_cell_is_a_formula(runner, tmp_path):
    """A text starting with "=" in a profile is written to every workbook as the text it is:
    openpyxl would take it for a live formula (found by a helper: the screening and the export)."""
    import zipfile

    profile = tmp_path / "p.yaml"
    text = (ROOT / "profiles" / "dt-0001-nguyen-van-hung.yaml").read_text(encoding="utf-8")
    profile.write_text(text.replace("full_name: Nguyễn Văn Hùng", 'full_name: "=HYPERLINK(\\"http://x\\",\\"A\\")"'),
                       encoding="utf-8")
    _run(runner, "export", str(profile), "--output", str(tmp_path / "ho-so.xlsx"))
    _run(runner, "screen", str(profile), "--format", "xlsx", "--output", str(tmp_path / "ket-qua.xlsx"), "--no-audit")
    for name in ("ho-so.xlsx", "ket-qua.xlsx"):
        with zipfile.ZipFile(tmp_path / name) as book:
            sheets = [n for n in book.namelist() if n.startswith("xl/worksheets/sheet")]
            assert sheets and not [n for n in sheets if b"<f>" in book.read(n) or b"<f " in book.read(n)], name
            assert any(b"HYPERLINK" in book.read(n) for n in book.namelist()), name  # kept, as text


# -- HTML and Word -------------------------------------------------------------

class _Elements(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.handlers = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


@pytest.mark.parametrize("args", [["screen", "--format", "html"], ["memo", "--format", "html"]])
def test_html_holds_no_element_from_the_data(runner, args):
    result = _run(runner, args[0], str(INJECTION), *args[1:])
    parser = _Elements()
    parser.feed(result.stdout)
    assert "script" not in parser.tags and "img" not in parser.tags
    assert not parser.handlers
    assert "&lt;script&gt;" in result.stdout


def _word_text(path: Path) -> str:
    """Every paragraph and table cell of a Word document, one a line."""
    from docx import Document

    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_word_memo_opens_and_shows_the_controls(runner, tmp_path):
    out = tmp_path / "to-trinh.docx"
    _run(runner, "memo", str(INJECTION), "--format", "docx", "--output", str(out),
         "--issuer", "TỈNH ỦY \x00\x1b[2J")
    joined = _word_text(out)
    terminal_safe(joined)
    assert "\\u001b" in joined and "\\u0000" in joined


# -- steps 2–5: the minutes, the status, the audit path ------------------------------------

#: What a name, a note, a clerk or a file name may hold that is harmless as text and
#: harmful as markup: HTML, a Markdown link to javascript:, table pipes, emphasis.
MARKUP = "<script>alert(1)</script> | ![x](javascript:alert(1)) *đậm* <img src=x onerror=alert(1)> &amp;"
#: Terminal escapes, a bidi override and a line break: what a terminal would obey.
ESCAPES = "\x1b]0;PWNED\x07\x1b[2J\u202egnp.exe\n| giả | mạo |"
_MINUTES_HTML = _OUR_HTML | {'<p align="center">', "<b>", "</b>", "</p>"}


@pytest.fixture
def hostile_process(runner, tmp_path):
    """A process whose every text from a file or an option is hostile: a candidate's name from
    the screening, the clerk (--by), the step-1 meeting's record and note, the tally's place,
    note, clerk, counting board and reasons, and the tally's own file name."""
    import yaml

    from test_process import BASE, PROFILES

    screening = tmp_path / "ket-qua.json"
    assert runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-o", str(screening), "-q"]).exit_code == 0
    report = json.loads(screening.read_text(encoding="utf-8"))
    next(r for r in report["results"] if r["profile_id"] == "DT-0001")["full_name"] = "Nguyễn " + MARKUP
    screening.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    process = tmp_path / "quy-trinh.json"
    _run(runner, "process", "init", "--from", str(screening), "--output", str(process), "--by", ESCAPES,
         "--cleared", "DT-0003", "--cleared", "DT-0004", "--cleared-on", "2020-08-25",
         "--cleared-record", MARKUP + "\n| bản | ghi |", "--cleared-note", ESCAPES)
    folder = tmp_path / ("bảng <script>x | \x1b]0;T\x07\n*")  # no slash: it would be a folder of its own
    folder.mkdir()
    sheet = folder / "buoc-2 <b>|x.yaml"
    sheet.write_text(yaml.safe_dump({**BASE, "place": MARKUP, "note": MARKUP + " `mã` [x](javascript:alert(1))",
                                     "clerk": "<b>Thu</b> | x", "counting_board": ["<b>Tổ</b> | trưởng", "*Thành* viên"],
                                     "ballots": {**BASE["ballots"], "invalid_reasons": {"<i>rách</i> | x": 2}}},
                                    allow_unicode=True), encoding="utf-8")
    recorded = _run(runner, "process", "record", str(process), "--step", "2", "--tally", str(sheet), "--by", ESCAPES)
    assert "Nguyễn <script>" in recorded.stdout  # shown as it is, on its own line, never obeyed
    doc = json.loads(process.read_text(encoding="utf-8"))  # a name a hand edit gave escapes: shown, not obeyed
    doc["candidates"][3]["full_name"] = "Lê \x1b]52;c;ZWNobyBvd25lZA==\x07Thị\u202e \x00Hương\n| giả |"
    process.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return process


def _no_forged_line(text: str) -> None:
    assert not [line for line in text.splitlines() if line.lstrip().startswith(("| giả", "| bản"))], text


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_process_status_and_json_hold_no_control(runner, hostile_process, lang):
    table = _run(runner, "process", "status", str(hostile_process), "--lang", lang)
    _no_forged_line(table.stdout)
    data = json.loads(_run(runner, "process", "status", str(hostile_process), "--format", "json",
                           "--lang", lang).stdout)
    names = {c["profile_id"]: c["full_name"] for c in data["step1"]["candidates"]}
    assert names["DT-0001"] == "Nguyễn " + MARKUP  # the data round-trips for programs


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_minutes_in_markdown_render_no_html_and_keep_their_columns(runner, hostile_process, lang):
    for step in ([], ["--step", "2"]):
        result = _run(runner, "process", "status", str(hostile_process), "--format", "md", "--lang", lang, *step,
                      "--issuer", "TỈNH ỦY <script>x</script> | y", "--place", "Hà Nội\x1b[2J")
        _markdown_holds_no_data_html(result.stdout, _MINUTES_HTML)
        _no_forged_line(result.stdout)
        assert "onerror=alert(1)" in result.stdout
        journal = _run(runner, "process", "journal", str(hostile_process), "--lang", lang, *step,
                       "--issuer", "TỈNH ỦY <script>x</script> | y", "--place", "Hà Nội\x1b[2J")
        _markdown_holds_no_data_html(journal.stdout, _MINUTES_HTML)
        _no_forged_line(journal.stdout)


def test_minutes_in_html_hold_no_element_from_the_data(runner, hostile_process):
    result = _run(runner, "process", "status", str(hostile_process), "--format", "html",
                  "--issuer", "TỈNH ỦY <script>x</script>", "--number", "Số 1\x1b[2J")
    parser = _Elements()
    parser.feed(result.stdout)
    assert not {"script", "img", "i", "iframe", "a"} & set(parser.tags) and not parser.handlers
    assert "&lt;script&gt;" in result.stdout and "&lt;b&gt;Tổ&lt;/b&gt;" in result.stdout
    journal = _run(runner, "process", "journal", str(hostile_process), "--format", "html",
                   "--issuer", "TỈNH ỦY <script>x</script>")
    parser = _Elements()
    parser.feed(journal.stdout)
    assert not {"script", "img", "i", "iframe", "a"} & set(parser.tags) and not parser.handlers
    assert "&lt;script&gt;" in journal.stdout


def test_minutes_in_word_open_and_show_the_controls(runner, hostile_process, tmp_path):
    out = tmp_path / "bien-ban.docx"
    _run(runner, "process", "status", str(hostile_process), "--format", "docx", "-o", str(out),
         "--issuer", "TỈNH ỦY \x00\x1b[2J")
    joined = _word_text(out)
    terminal_safe(joined)
    assert "\\u001b" in joined and "\\u0000" in joined and "\\u202e" in joined and "<script>" in joined
    journal = tmp_path / "nhat-ky.docx"
    _run(runner, "process", "journal", str(hostile_process), "--format", "docx", "-o", str(journal),
         "--issuer", "TỈNH ỦY \x00\x1b[2J")
    journal_text = _word_text(journal)
    terminal_safe(journal_text)
    assert "\\u001b" in journal_text


def test_the_audit_path_of_a_person_holds_no_control(runner, hostile_process):
    process_id = json.loads(hostile_process.read_text(encoding="utf-8"))["id"]
    for person in ("DT-0001", "DT-0003", "DT-0004"):
        for lang in ("vi", "en"):
            why = _run(runner, "audit", "why", person, "--lang", lang)
            _no_forged_line(why.stdout)
            assert "Bước 2" in why.stdout or "Step 2" in why.stdout
    _run(runner, "audit", "why", "DT-0001", "--format", "json")
    _run(runner, "audit", "replay", process_id)
    _run(runner, "audit", "verify")


def test_every_character_visible_escapes_is_one_isprintable_refuses():
    """``visible`` skips its pattern for a text ``str.isprintable()`` accepts: that is
    only safe while no character the pattern escapes is printable."""
    import sys

    from sangloc.engine.escape import _UNSAFE_TEXT, visible

    escaped = [chr(c) for c in range(sys.maxunicode + 1) if _UNSAFE_TEXT.fullmatch(chr(c))]
    assert escaped and not any(c.isprintable() for c in escaped)
    assert visible("a\u202eb\n") == "a\\u202eb\n" and visible("Nguyễn Văn Hùng\n") == "Nguyễn Văn Hùng\n"
