"""Steps 2–5 as an attacker and a careless clerk would try them (issue 14's
treatment, given to the process commands): every hostile tally sheet or file
of ballot papers is a refused tally naming the file and the field, never a
traceback, a hang or a silent misreading, and nothing is recorded."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sangloc.engine.commands.main import main
from conftest import ROOT
from test_injection import terminal_safe
from test_process import BASE, _record, _records, _sheet, process, screening  # noqa: F401 - fixtures

HOSTILE = Path(__file__).resolve().parent / "inputs" / "hostile"
TALLIES = yaml.safe_load((HOSTILE / "tallies" / "expected.yaml").read_text(encoding="utf-8"))
BALLOTS = yaml.safe_load((HOSTILE / "ballots" / "expected.yaml").read_text(encoding="utf-8"))
#: A sheet the papers of tests/inputs/hostile/ballots would agree with, were they not hostile.
COUNTED = {"step": 2, "summoned": 120, "present": 115, "ballots": {"issued": 115, "returned": 3, "valid": 3, "invalid": 0},
           "votes": {"DT-0001": 3, "DT-0002": 2, "DT-0003": 1, "DT-0004": 0}}


def _refused(result, process_file: Path, before: bytes, store: Path, words) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "nothing recorded" in result.stderr and "Traceback" not in result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    terminal_safe(result.stderr)
    assert process_file.read_bytes() == before
    assert _records("tally", store) == 0


def test_every_hostile_tally_and_ballot_file_has_its_words():
    for folder, expected in (("tallies", TALLIES), ("ballots", BALLOTS)):
        files = {p.name for p in (HOSTILE / folder).iterdir() if p.name != "expected.yaml"}
        assert files == set(expected), folder


@pytest.mark.parametrize("name", sorted(TALLIES), ids=sorted(TALLIES))
def test_a_hostile_tally_is_refused_naming_the_file_and_the_field(runner, process, tmp_path, name):
    before = process.read_bytes()
    result = _record(runner, process, 2, HOSTILE / "tallies" / name)
    _refused(result, process, before, tmp_path / "audit.sqlite", TALLIES[name])
    vi = _record(runner, process, 2, HOSTILE / "tallies" / name, lang="vi")
    assert vi.exit_code == 1 and "chưa ghi gì" in vi.stderr and name in vi.stderr


@pytest.mark.parametrize("name", sorted(BALLOTS), ids=sorted(BALLOTS))
def test_a_hostile_file_of_ballot_papers_is_refused_naming_its_line(runner, process, tmp_path, name):
    sheet = tmp_path / "counted.yaml"
    sheet.write_text(yaml.safe_dump(COUNTED), encoding="utf-8")
    before = process.read_bytes()
    result = _record(runner, process, 2, sheet, extra=["--ballots", str(HOSTILE / "ballots" / name)])
    _refused(result, process, before, tmp_path / "audit.sqlite", BALLOTS[name])


def test_the_papers_those_files_spoil_are_counted_when_typed_cleanly(runner, process, tmp_path):
    sheet = tmp_path / "counted.yaml"
    sheet.write_text(yaml.safe_dump(COUNTED), encoding="utf-8")
    papers = tmp_path / "phieu.txt"
    papers.write_bytes("\ufeffDT-0001, DT-0002\r\nDT-0001,DT-0003\r\n# ghi chú\r\nDT-0001;DT-0002\r\n".encode("utf-8"))
    result = _record(runner, process, 2, sheet, extra=["--ballots", str(papers)])
    assert result.exit_code == 0, result.output


# -- files that are not a page of figures ----------------------------------------

def _fifo(tmp: Path) -> Path:
    os.mkfifo(tmp / "pipe.yaml")
    return tmp / "pipe.yaml"


def _link(tmp: Path, target: str) -> Path:
    (tmp / "link.yaml").symlink_to(target)
    return tmp / "link.yaml"


def _folder(tmp: Path) -> Path:
    (tmp / "folder.yaml").mkdir()
    return tmp / "folder.yaml"


def _huge(tmp: Path, size: int = 1_100_000) -> Path:
    path = tmp / "huge.yaml"
    path.write_text(yaml.safe_dump(BASE) + "#" * size + "\n", encoding="utf-8")
    return path


NOT_A_PAGE = [
    ("a FIFO nobody writes", _fifo, "not a regular file"),
    ("a link to /dev/zero", lambda t: _link(t, "/dev/zero"), "not a regular file"),
    ("a link to nowhere", lambda t: _link(t, str(t / "nowhere.yaml")), "symbolic link to"),
    ("a link to itself", lambda t: _link(t, "link.yaml"), "Too many levels of symbolic links"),
    ("a folder", _folder, "not a regular file"),
    ("a file over its bound", _huge, "the file is too large (1100 KB, at most 1000 KB)"),
    ("a file that does not exist", lambda t: t / "khong-co.yaml", "No such file or directory"),
]


def _cli(*args, cwd):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], capture_output=True, text=True,
                          timeout=60, check=False, cwd=cwd, env={**os.environ, "SANGLOC_AUDIT_DB": str(cwd / "audit.sqlite")})


@pytest.mark.parametrize("as_ballots", [False, True], ids=["tally", "ballots"])
@pytest.mark.parametrize("what,make,words", NOT_A_PAGE, ids=[c[0] for c in NOT_A_PAGE])
def test_a_file_that_is_no_page_of_figures_is_refused_not_waited_on(process, tmp_path, what, make, words, as_ballots):
    if as_ballots and make is _huge:  # a file of papers may hold twenty pages
        make, words = (lambda t: _huge(t, 20_100_000)), "the file is too large (20100 KB, at most 20000 KB)"
    bad = make(tmp_path)
    before = process.read_bytes()
    files = ["--tally", bad]
    if as_ballots:
        sheet = tmp_path / "counted.yaml"
        sheet.write_text(yaml.safe_dump(COUNTED), encoding="utf-8")
        files = ["--tally", sheet, "--ballots", bad]
    done = _cli("process", "record", process, "--step", "2", *files, "--lang", "en", cwd=tmp_path)
    assert done.returncode == 1, done.stdout + done.stderr
    assert words in done.stderr and str(bad) in done.stderr and "Traceback" not in done.stderr, done.stderr
    assert "nothing recorded" in done.stderr
    assert process.read_bytes() == before


# -- values read as the clerk wrote them -----------------------------------------

def test_counts_are_read_digit_by_digit_and_texts_as_written(runner, process, tmp_path):
    """What YAML 1.1 would have guessed at is read as the clerk meant it or refused:
    `047` is 47 (not octal 39), a BOM is no part of the first key, `!!float 61` is
    61, a whole number written 98.0 by a program is 98, a line separator in a note
    is a space."""
    text = ("\ufeffstep: 2\nsummoned: 120\npresent: 115\nballots: {issued: 115, returned: 114, valid: 112, "
            "invalid: 2}\nvotes: {DT-0001: 98.0, DT-0002: 079, DT-0003: !!float 61, DT-0004: \"047\"}\n"
            "note: \"dòng một\\Ldòng hai\"\nplace: on\n")
    sheet = tmp_path / "t.yaml"
    sheet.write_text(text, encoding="utf-8")
    result = _record(runner, process, 2, sheet)
    assert result.exit_code == 0, result.output
    tally = json.loads(process.read_text(encoding="utf-8"))["journal"][-1]["tally"]
    assert tally["votes"] == {"DT-0001": 98, "DT-0002": 79, "DT-0003": 61, "DT-0004": 47}
    assert tally["note"] == "dòng một dòng hai" and tally["place"] == "on"


def test_thousands_of_keying_errors_are_counted_not_all_listed(runner, process, tmp_path):
    sheet = tmp_path / "counted.yaml"
    sheet.write_text(yaml.safe_dump(COUNTED), encoding="utf-8")
    papers = tmp_path / "phieu.txt"
    papers.write_text("DT-0O01\n" * 5000, encoding="utf-8")
    result = _record(runner, process, 2, sheet, extra=["--ballots", str(papers)])
    assert result.exit_code == 1
    assert "problems: 5000" in result.stderr and "… and 4950 more" in result.stderr
    assert len(result.stderr.splitlines()) < 60
