"""The two guides are executed step by step, so neither can rot.

docs/writing-a-pack.md (for whoever writes a rule pack) marks its blocks by their info string:
  ```sh          lines "$ sangloc ..." are run; other lines must appear in that command's output
  ```diff FILE   "-" lines (with " " context) are replaced by "+" lines, in FILE
  ```yaml append FILE / ```yaml file FILE   appended to / written as FILE

docs/huong-dan.md (the clerks' guide) keeps its code blocks as a reader copies them and marks
them with HTML comments, which a rendered page does not show, before the block:
  <!-- kiểm thử: tệp PATH -->          the block is written as PATH (a profile, a tally sheet)
  <!-- kiểm thử: thêm vào PATH -->     the block is appended to PATH (the board's findings)
  <!-- kiểm thử: trích từ PATH -->     every line of the block is a line of PATH (an excerpt)
  <!-- kiểm thử: mã thoát N -->        the block's commands exit with N (default 0)
  <!-- kiểm thử: không chạy -->        the block's commands are only parsed (installation, P-…)
  <!-- kiểm thử: sổ tính A từ B, Trang!Ô = giá trị -->   A is the workbook B with one cell changed
several directives separated by ";". In ```text blocks a line "$ sangloc …" is a command and the
lines under it are what it prints, "…" standing for what the guide leaves out; in ```sh blocks
every "sangloc …" line is a command.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess

import openpyxl
import pytest
from click.testing import CliRunner

from sangloc.engine.commands.main import main
from conftest import PROFILES, ROOT

GUIDE = ROOT / "docs" / "writing-a-pack.md"
_BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```", re.S | re.M)


def _apply_diff(path, body: str) -> None:
    old, new = [], []
    for line in body.splitlines():
        tag, text = line[:1], line[1:]
        if tag in (" ", "-"):
            old.append(text)
        if tag in (" ", "+"):
            new.append(text)
    content = path.read_text(encoding="utf-8")
    before = "\n".join(old) + "\n"
    assert before in content, f"the guide's '-' lines are not in {path.name}:\n{before}"
    path.write_text(content.replace(before, "\n".join(new) + "\n", 1), encoding="utf-8")


def _run(runner, body: str) -> None:
    output = None
    for line in body.splitlines():
        if line.startswith("$ "):
            args = shlex.split(line[2:])
            assert args[0] == "sangloc"
            result = runner.invoke(main, args[1:])
            assert result.exit_code == 0, (line, result.output)
            output = result.output
        elif line.strip():
            assert output is not None and line.strip() in output, (line, output)


def test_the_pack_writing_guide_runs_as_written(runner, tmp_path, monkeypatch):
    shutil.copytree(PROFILES, tmp_path / "profiles")
    monkeypatch.chdir(tmp_path)
    blocks = _BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    kinds = [info.split()[:2] for info, _ in blocks]
    assert ["sh"] in kinds and ["diff"] in [k[:1] for k in kinds] and ["yaml", "append"] in kinds
    for info, body in blocks:
        words = info.split()
        if words == ["sh"]:
            _run(runner, body)
        elif words[:1] == ["diff"]:
            _apply_diff(tmp_path / words[1], body)
        elif words[:2] == ["yaml", "append"]:
            with open(tmp_path / words[2], "a", encoding="utf-8") as stream:
                stream.write(body)
        elif words[:2] == ["yaml", "file"]:
            (tmp_path / words[2]).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / words[2]).write_text(body, encoding="utf-8")
    # The new pack is locked, and differs from the default one only where the guide said.
    assert '"1": "sha256:' in (tmp_path / "pho-bi-thu-tinh-uy-2025" / "pack.lock").read_text(encoding="utf-8")


# -- docs/huong-dan.md ---------------------------------------------------------------------------

HUONG_DAN = ROOT / "docs" / "huong-dan.md"
_TOKEN = re.compile(r"<!-- kiểm thử: (?P<directive>.*?) -->|^```(?P<info>[^\n`]*)\n(?P<body>.*?)^```[ \t]*$",
                    re.S | re.M)
_SANGLOC = re.compile(r"^(?:\.venv/bin/)?sangloc(?:\s|$)")
_README_SETUP = re.findall(r"```sh\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.S)[0]


def _guide_blocks() -> list[dict]:
    """The fenced blocks of the guide in order, each with the directives of the comments before it."""
    text = HUONG_DAN.read_text(encoding="utf-8")
    blocks, pending = [], []
    for match in _TOKEN.finditer(text):
        if match.group("directive") is not None:
            pending += [d.strip() for d in match.group("directive").split(";") if d.strip()]
            continue
        blocks.append({"info": match.group("info").strip(), "body": match.group("body"), "directives": pending,
                       "line": text[:match.start()].count("\n") + 1})
        pending = []
    return blocks


def _logical_lines(body: str) -> list[str]:
    """Lines with shell continuations ("\\" at the end) joined."""
    lines, current = [], ""
    for raw in body.splitlines():
        if raw.endswith("\\"):
            current += raw[:-1].rstrip() + " "
        else:
            lines.append(current + raw)
            current = ""
    return lines + ([current] if current else [])


def _commands(block: dict) -> list[tuple[list[str], list[str]]]:
    """(sangloc's arguments, the lines the guide shows under the command) for each command of a block."""
    found = []
    if block["info"] == "sh":
        for line in _logical_lines(block["body"]):
            if _SANGLOC.match(line.strip()):
                found.append((shlex.split(line, comments=True)[1:], []))
    elif block["info"] == "text":
        current = None
        for line in _logical_lines(block["body"]):
            if line.startswith("$ "):
                command = line[2:].strip()
                current = (shlex.split(command, comments=True)[1:], []) if _SANGLOC.match(command) else None
                if current is not None:
                    found.append(current)
            elif current is not None and line.strip():
                current[1].append(line)
    return found


def _shown_in(shown: str, output: str) -> bool:
    """A shown line is in the output when its parts around "…" occur, in order, on one output line."""
    parts = [part.strip() for part in shown.split("…") if part.strip()]
    for line in output.splitlines():
        position = 0
        for part in parts:
            position = line.find(part, position)
            if position < 0:
                break
            position += len(part)
        else:
            return True
    return not parts


def _directive(block: dict, prefix: str) -> list[str]:
    return [d[len(prefix):].strip() for d in block["directives"] if d.startswith(prefix)]


_GUIDE_BLOCKS = _guide_blocks()
_ALL_COMMANDS = [(block["line"], args) for block in _GUIDE_BLOCKS for args, _ in _commands(block)]


def test_the_guide_starts_from_the_readme_setup_line():
    assert _README_SETUP.strip().splitlines()[0] in HUONG_DAN.read_text(encoding="utf-8")


@pytest.mark.parametrize("line, args", _ALL_COMMANDS, ids=[f"L{line}:{' '.join(a)[:60]}" for line, a in _ALL_COMMANDS])
def test_every_command_line_of_the_guide_parses(runner, line, args):
    """Each option the guide shows exists (a misspelt one fails before --help is handled)."""
    assert not any(token in ("|", ">", "<", "&&", ";") for token in args), args
    result = runner.invoke(main, [*args, "--help"])
    assert result.exit_code == 0, (line, args, result.output)


def test_the_guide_has_commands_for_every_step():
    used = {tuple(args[:2]) if args and args[0] in ("process", "audit") else tuple(args[:1])
            for _, args in _ALL_COMMANDS}
    for command in [("screen",), ("validate",), ("explain",), ("memo",), ("template",), ("import",), ("export",),
                    ("process", "init"), ("process", "record"), ("process", "status"), ("process", "journal"),
                    ("audit", "runs"),
                    ("audit", "why"), ("audit", "show"), ("audit", "replay"), ("audit", "verify")]:
        assert command in used, command


def test_every_file_the_guide_names_exists():
    """Files of the repository named in the guide (`profiles/…`, `docs/…`, `tests/cases/…`, links)."""
    text = HUONG_DAN.read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w/.-])((?:profiles|docs|tests/cases/process|rules|engine)/[\w./-]+\.\w+)", text))
    named |= {f"docs/{link}" for link in re.findall(r"\]\(([\w.-]+\.md)\)", text)}
    named |= {f"tests/cases/process/{name}" for name in re.findall(r"`(buoc-[\w.-]+\.(?:json|yaml|csv|txt))`", text)
              if not name.startswith("buoc-2.")}
    for name in ("README.md", "engine/i18n.py"):
        named.discard(name)
    named |= {folder for folder in ("profiles/", "rules/", "tests/cases/process/") if f"`{folder}`" in text}
    assert len(named) >= 10, named
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert missing == [], missing


def test_the_example_profile_of_the_guide_validates(runner, tmp_path):
    [block] = [b for b in _GUIDE_BLOCKS if _directive(b, "tệp ") == ["ho-so/dt-0019-tran-quang-minh.yaml"]]
    path = tmp_path / "dt-0019-tran-quang-minh.yaml"
    path.write_text(block["body"], encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    assert "1 hồ sơ hợp lệ, 0 hồ sơ lỗi" in result.output
    # Every key of the profile format appears in it, but the board's findings and exceptions,
    # which the guide shows from the example profiles.
    for key in ("id:", "full_name:", "gender:", "birth_date:", "party_joined:", "record_complete:", "positions:",
                "org:", "start:", "end:", "ratings:", "planning:", "term:", "decision:", "education:",
                "discipline:", "form:", "decided:"):
        assert key in block["body"], key


def test_the_excerpts_of_the_guide_are_in_their_files():
    excerpts = [(b, path) for b in _GUIDE_BLOCKS for path in _directive(b, "trích từ ") if (ROOT / path).exists()]
    assert len(excerpts) >= 6
    for block, path in excerpts:
        lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
        for line in block["body"].splitlines():
            if line.strip() and line.strip() != "…":
                assert line in lines, (path, line)


def test_the_labels_the_guide_explains_are_the_programs():
    """The verdicts and the six kinds of "what is missing" are named as the program prints them."""
    from sangloc.engine.i18n import LABELS

    text = HUONG_DAN.read_text(encoding="utf-8")
    for group in ("verdict", "missing"):
        for vi, _ in LABELS[group].values():
            assert f"**{vi}**" in text, vi


@pytest.fixture(scope="module")
def walkthrough(tmp_path_factory):
    """Every command of the guide, in order, in a folder holding what the guide starts from (the
    example profiles, tally sheets and workbook): [(where, args, exit code, output, shown lines,
    expected exit code)] and the folder."""
    folder = tmp_path_factory.mktemp("huong-dan")
    shutil.copytree(PROFILES, folder / "profiles")
    shutil.copytree(ROOT / "tests" / "cases" / "process", folder / "tests" / "cases" / "process")
    (folder / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "ho-so-mau.xlsx", folder / "docs")
    saved_cwd, saved_store = os.getcwd(), os.environ.pop("SANGLOC_AUDIT_DB", None)
    os.chdir(folder)  # the guide uses ./sangloc-audit.sqlite
    runner, runs = CliRunner(), []
    try:
        for block in _GUIDE_BLOCKS:
            where = f"docs/huong-dan.md:{block['line']}"
            for path in _directive(block, "tệp "):
                (folder / path).parent.mkdir(parents=True, exist_ok=True)
                (folder / path).write_text(block["body"], encoding="utf-8")
            for path in _directive(block, "thêm vào "):
                with open(folder / path, "a", encoding="utf-8") as stream:
                    stream.write(block["body"])
            for path in _directive(block, "trích từ "):
                if not (ROOT / path).exists():  # a file an earlier command wrote
                    runs.append((where, ["(trích từ)", path], 0, (folder / path).read_text(encoding="utf-8"),
                                 block["body"].splitlines(), 0))
            for spec in _directive(block, "sổ tính "):
                target, rest = spec.split(" từ ", 1)
                source, change = rest.split(", ", 1)
                cell, value = change.split(" = ", 1)
                sheet, address = cell.split("!")
                book = openpyxl.load_workbook(folder / source)
                book[sheet][address] = value
                book.save(folder / target)
            if "không chạy" in block["directives"]:
                continue
            expected = int((_directive(block, "mã thoát ") or ["0"])[0])
            for args, shown in _commands(block):
                if any("…" in arg for arg in args):
                    continue
                result = runner.invoke(main, args)
                runs.append((where, args, result.exit_code, result.output, shown, expected))
    finally:
        os.chdir(saved_cwd)
        if saved_store is not None:
            os.environ["SANGLOC_AUDIT_DB"] = saved_store
    return runs, folder


@pytest.mark.slow
def test_the_guide_runs_as_written(walkthrough):
    """Each command exits as the guide says, and the lines the guide shows under it are in what it prints."""
    runs, folder = walkthrough
    assert len(runs) >= 40
    for where, args, exit_code, output, shown, expected in runs:
        assert exit_code == expected, (where, args, output)
        for line in shown:
            assert _shown_in(line, output), (where, args, line, output)
    # What the guide says the clerk gets: a Word memo, the minutes, the list of files to complete.
    for name in ("to-trinh.docx", "bien-ban-buoc-4.docx", "nhat-ky-buoc-4.docx", "can-bo-sung.txt", "ket-qua.xlsx",
                 "ho-so.xlsx"):
        assert (folder / name).stat().st_size > 0, name


@pytest.mark.slow
def test_the_memo_and_minutes_look_as_the_guide_describes(walkthrough, tmp_path):
    """As LibreOffice prints them: the memo on 6 pages with the matrix on a landscape page 5 and
    the signature the guide shows; the minutes of step 4 on 3 pages."""
    from test_memo import _tool

    soffice, pdftotext, pdfinfo = _tool("soffice"), _tool("pdftotext"), _tool("pdfinfo")
    _, folder = walkthrough
    text = " ".join(HUONG_DAN.read_text(encoding="utf-8").split())
    for name in ("to-trinh.docx", "bien-ban-buoc-4.docx"):
        subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}", "--convert-to",
                        "pdf", "--outdir", str(tmp_path), str(folder / name)], capture_output=True, timeout=300,
                       check=False)
    memo, minutes = tmp_path / "to-trinh.pdf", tmp_path / "bien-ban-buoc-4.pdf"

    def pages(pdf) -> int:
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        return int(re.search(r"Pages:\s+(\d+)", info).group(1))

    assert pages(memo) == 6 and "tờ trình dài 6 trang" in text
    assert pages(minutes) == 2 and "Biên bản (2 trang với bước 4 của ví dụ)" in text
    layout = subprocess.run([pdftotext, "-layout", str(memo), "-"], capture_output=True, text=True,
                            check=True).stdout.split("\f")
    assert "BẢNG ĐỐI CHIẾU" in layout[4] and "(trang 5, khổ ngang)" in text
    sizes = subprocess.run([pdfinfo, "-f", "5", "-l", "5", str(memo)], capture_output=True, text=True,
                           check=True).stdout
    width, height = map(float, re.search(r"Page\s+5 size:\s+([\d.]+) x ([\d.]+)", sizes).groups())
    assert width > height
    first, last = " ".join(layout[0].split()), " ".join(layout[5].split())
    for words in ("TỈNH ỦY THÁI BÌNH", "BAN TỔ CHỨC", "-TTr/BTCTU", "ĐẢNG CỘNG SẢN VIỆT NAM",
                  "Thái Bình, ngày 25 tháng 8 năm 2020", "TỜ TRÌNH", "Kính gửi: Ban Thường vụ Tỉnh ủy",
                  "Căn cứ Đề án số 05-ĐA/TU ngày 15/6/2020"):
        assert words in first, words
    for words in ("K/T TRƯỞNG BAN", "PHÓ TRƯỞNG BAN", "(Ký, ghi rõ họ và tên)", "Nguyễn Văn Bình", "Nơi nhận:",
                  "Lưu Văn phòng."):
        assert words in last, words
