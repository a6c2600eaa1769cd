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
           "votes": {"DT-0001": 3, "DT-0002": 2, "DT-0003": 1, "DT-0004": 0, "DT-0017": 0}}


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
            "invalid: 2}\nvotes: {DT-0001: 98.0, DT-0002: 079, DT-0003: !!float 61, DT-0004: \"047\", "
            "DT-0017: \"055\"}\n"
            "note: \"dòng một\\Ldòng hai\"\nplace: on\n")
    sheet = tmp_path / "t.yaml"
    sheet.write_text(text, encoding="utf-8")
    result = _record(runner, process, 2, sheet)
    assert result.exit_code == 0, result.output
    tally = json.loads(process.read_text(encoding="utf-8"))["journal"][-1]["tally"]
    assert tally["votes"] == {"DT-0001": 98, "DT-0002": 79, "DT-0003": 61, "DT-0004": 47, "DT-0017": 55}
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


# -- the process file edited by hand ----------------------------------------------

def _recorded(runner, process, tmp_path) -> dict:
    """The process with step 2 recorded, as data to edit."""
    assert _record(runner, process, 2, _sheet(tmp_path)).exit_code == 0
    return json.loads(process.read_text(encoding="utf-8"))


def _tally_entry(doc, **changes) -> dict:
    entry = json.loads(json.dumps(doc["journal"][1]))
    entry.update(changes)
    return entry


def _set(path: str, value):
    """An edit setting ``path`` (dotted, list indices as numbers) to ``value``."""
    def edit(doc):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        node = doc
        for part in parents:
            node = node[part]
        node[last] = value
        return doc
    return edit


def _text(change):
    """An edit of the file's text, for what JSON data cannot express."""
    return lambda doc: change(json.dumps(doc, ensure_ascii=False))


#: (what, edit(doc) -> doc or text, words the message (--lang en) must hold)
HAND_EDITS = [
    ("seats written as text", _set("seats", "2"), ["seats: Input should be a valid integer"]),
    ("seats negative", _set("seats", -1), ["seats: Input should be greater than or equal to 1"]),
    ("seats a boolean", _set("seats", True), ["seats: Input should be a valid integer"]),
    ("a number of 5000 digits", _text(lambda t: t.replace('"seats": null', '"seats": ' + "9" * 5000)),
     ["a number of 5000 digits"]),
    ("NaN for a number", _text(lambda t: t.replace('"seats": null', '"seats": NaN')), ["NaN is not a number"]),
    ("nested 100,000 deep", _text(lambda t: t.replace('"seats": null', '"seats": ' + "[" * 100_000 + "]" * 100_000)),
     ["nested deeper than 32 levels"]),
    ("a key written twice", _text(lambda t: t.replace('"seats": null', '"seats": null, "seats": 3')),
     ["duplicate key 'seats'"]),
    ("a lone surrogate in a name", _text(lambda t: t.replace("Nguyễn Văn Hùng", "Nguy\\ud800n")),
     ["lone surrogate U+D800"]),
    ("a name written as a list", _set("candidates.0.full_name", ["Nguyễn", "Văn"]),
     ["candidates.0.full_name: Input should be a valid string"]),
    ("a page of text as a name", _set("candidates.0.full_name", "N" * 5000), ["candidates.0.full_name"]),
    ("a profile id with escapes", _set("candidates.0.profile_id", "DT-\x1b[2J"), ["candidates.0.profile_id"]),
    ("a candidate listed twice", lambda d: (d["candidates"].append(d["candidates"][0]), d)[1],
     ["DT-0001 is listed twice"]),
    ("the subject without English", _set("subject", {"vi": "x"}), ["subject.en: Field required"]),
    ("the pack without its id", lambda d: (d["pack"].pop("id"), d)[1], ["pack.id: Field required"]),
    ("a process id with escapes", _set("id", "P-\x1b]0;x\x07"), ["id: String should match pattern"]),
    ("a document that is no document", _set("documents", {"x": {"bad": 1}}), ["documents"]),
    ("the number summoned declared for step 7", _set("summoned", {"7": 10}),
     ["summoned: step 7 is not one whose ballots are recorded"]),
    ("an entry time that is no time", _set("journal.0.at", "hôm qua"), ["journal.0.at", "hôm qua"]),
    ("a hash that is no hash", _set("journal.0.audit_hash", "xyz"), ["journal.0.audit_hash"]),
    ("no journal", _set("journal", []), ["journal: List should have at least 1 item"]),
    ("a vote written as text", _set("journal.1.tally.votes.DT-0001", "98"),
     ["journal.1.tally.votes.DT-0001: Input should be a valid integer"]),
    ("a vote negative", _set("journal.1.tally.votes.DT-0001", -5),
     ["journal.1.tally.votes.DT-0001: Input should be greater than or equal to 0"]),
    ("a vote a fraction", _set("journal.1.tally.votes.DT-0001", 97.5), ["journal.1.tally.votes.DT-0001"]),
    ("a vote a boolean", _set("journal.1.tally.votes.DT-0001", True), ["journal.1.tally.votes.DT-0001"]),
    ("a tally date that is no day", _set("journal.1.tally.date", "2020-02-30"), ["journal.1.tally.date"]),
    ("reasons written as a list", _set("journal.1.tally.ballots.invalid_reasons", [1]),
     ["journal.1.tally.ballots.invalid_reasons"]),
    ("papers counted as text", _set("journal.1.ballots", {"file": "p.txt", "sha256": "0" * 64, "papers": "14"}),
     ["journal.1.ballots.papers"]),
    ("a tally entry without its sheets", _set("journal.1.sheets", []), ["a tally entry needs its step, its sheets"]),
    ("a tally entry whose tally says another step", _set("journal.1.tally.step", 3),
     ["the entry is step 2 but its tally says step 3"]),
    ("a second init entry", lambda d: (d["journal"].append({**d["journal"][0], "entry": 3}), d)[1],
     ["only the first entry starts the process"]),
    ("entries out of number", _set("journal.1.entry", 77), ["journal: entry 77 stands at place 2"]),
    ("a step recorded before the one due", lambda d: (d["journal"].__setitem__(1, _tally_entry(
        d, step=3, tally={**d["journal"][1]["tally"], "step": 3})), d)[1],
     ["entry 2 no longer holds", "step 3 cannot be recorded yet: the next step of the process is step 2"]),
    ("a step outside the process", lambda d: (d["journal"].__setitem__(1, _tally_entry(
        d, step=9, tally={**d["journal"][1]["tally"], "step": 9})), d)[1],
     ["entry 2 no longer holds", "step 9 is not one of this process's steps 2–5"]),
    ("a step recorded twice", lambda d: (d["journal"].append(_tally_entry(d, entry=3)), d)[1],
     ["entry 3 no longer holds", "step 2 is already recorded (entry 2)"]),
    ("a correction of the start", lambda d: (d["journal"].append(_tally_entry(d, entry=3, replaces=1)), d)[1],
     ["entry 3 no longer holds", "it replaces entry 1, which is not the last entry in effect of step 2"]),
    ("a correction of an entry yet to come", lambda d: (d["journal"].__setitem__(1, _tally_entry(d, replaces=5)),
                                                        d)[1], ["cannot replace entry 5, which comes after it"]),
    ("figures that no longer hold", _set("journal.1.tally.votes.DT-0004", 200),
     ["entry 2 no longer holds", "votes.DT-0004 = 200"]),
]


@pytest.mark.parametrize("what,edit,words", HAND_EDITS, ids=[h[0] for h in HAND_EDITS])
def test_a_process_file_edited_by_hand_is_refused_with_a_message(runner, process, tmp_path, what, edit, words):
    edited = edit(_recorded(runner, process, tmp_path))
    if isinstance(edited, str):
        process.write_text(edited, encoding="utf-8", errors="surrogatepass")
    else:
        process.write_text(json.dumps(edited, ensure_ascii=False), encoding="utf-8")
    before = process.read_bytes()
    sheet = _sheet(tmp_path, "buoc-3.yaml", step=3)
    for command in (["status"], ["status", "--format", "json"], ["status", "--format", "md"],
                    ["status", "--format", "docx", "-o", str(tmp_path / "bb.docx")],
                    ["record", "--step", "3", "--tally", str(sheet)]):
        result = runner.invoke(main, ["process", command[0], str(process), *command[1:], "--lang", "en"])
        assert result.exit_code == 2, (command, result.output)
        assert result.exception is None or isinstance(result.exception, SystemExit), (command, result.exception)
        for word in words:
            assert word in result.stderr, (command, word, result.stderr)
        terminal_safe(result.stderr)
    assert process.read_bytes() == before
    vi = runner.invoke(main, ["process", "status", str(process)])
    assert vi.exit_code == 2 and "Lỗi:" in vi.stderr


@pytest.mark.parametrize("what,content,words", [
    ("over 16 MB", lambda: b'{"format": "sangloc-process/1", "x": "' + b"x" * (17 * 1024 * 1024) + b'"}',
     ["too large (18 MB > 16 MB)"]),
    ("UTF-16", lambda: '{"format": "sangloc-process/1"}'.encode("utf-16"), ["UTF-16"]),
    ("not UTF-8", lambda: b'{"format": "sangloc-process/1", "id": "\xff"}', ["not UTF-8 text (byte 39)"]),
    ("empty", lambda: b"", ["is not a sangloc process file"]),
    ("a list", lambda: b"[]", ["is not a sangloc process file", "Input should be a valid dictionary"]),
], ids=["huge", "utf16", "latin1", "empty", "list"])
def test_a_file_that_is_no_process_file_is_said_so(runner, tmp_path, what, content, words):
    path = tmp_path / "q.json"
    path.write_bytes(content())
    result = runner.invoke(main, ["process", "status", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)


# -- a screening given to --from ---------------------------------------------------

def _screening_edit(change):
    def make(path: Path):
        report = json.loads(path.read_text(encoding="utf-8"))
        changed = change(report)
        path.write_text(changed if isinstance(changed, str) else json.dumps(report, ensure_ascii=False),
                        encoding="utf-8")
    return make


def _result(key, value):
    return _screening_edit(lambda r: r["results"][0].update({key: value}))


#: (what, make(path), words): each a usage error naming the file and the field, nothing created.
HOSTILE_SCREENINGS = [
    ("results not a list", _screening_edit(lambda r: r.update(results="tất cả")), ["results: expected a list"]),
    ("a result not a mapping", _screening_edit(lambda r: r.update(results=[[1, 2]])),
     ["results[0]: expected a mapping, got a list"]),
    ("an id written as a number", _result("profile_id", 5), ["results[0].profile_id: expected text, got a number"]),
    ("an id null", _result("profile_id", None), ["results[0].profile_id: expected text, got null"]),
    ("an id with markup", _result("profile_id", "DT|<b>"), ["results[0].profile_id", "is not a profile id"]),
    ("an id of a megabyte", _result("profile_id", "X" * 1_000_000), ["results[0].profile_id: longer than 64"]),
    ("an id listed twice", _screening_edit(lambda r: r["results"].append(r["results"][0])), ["is listed twice"]),
    ("a name with escapes", _result("full_name", "\x1b]0;PWN\x07Nguyễn"),
     ["results[0].full_name: holds a control or text-direction character"]),
    ("a name with a lone surrogate", _screening_edit(lambda r: json.dumps(r).replace("Nguy", "\\ud800", 1)),
     ["full_name: holds a control or text-direction character"]),
    ("a name written as a list", _result("full_name", ["a"]), ["results[0].full_name: expected text, got a list"]),
    ("a name of five megabytes", _result("full_name", "N" * 5_000_000), ["results[0].full_name: longer than 300"]),
    ("a verdict unknown", _result("verdict", "maybe"), ["results[0].verdict: not one of"]),
    ("a ruleset that is a list", _screening_edit(lambda r: r.update(ruleset=[1])), ["ruleset: expected a mapping"]),
    ("a pack id that is a path", _screening_edit(lambda r: r["ruleset"].update(id="../../tmp/pack")),
     ["ruleset.id: '../../tmp/pack' is not the id of a rule pack"]),
    ("as_of a mapping", _screening_edit(lambda r: r.update(as_of={"a": 1})), ["as_of: not a date"]),
    ("nested 100,000 deep", _screening_edit(lambda r: json.dumps(r)[:-1] + ', "x": ' + "[" * 100_000
                                            + "]" * 100_000 + "}"), ["nested too deeply"]),
    ("a number of 5000 digits", _screening_edit(lambda r: json.dumps(r)[:-1] + ', "x": ' + "9" * 5000 + "}"),
     ["a number of 5000 digits"]),
    ("a key written twice", _screening_edit(lambda r: json.dumps(r)[:-1] + ', "results": []}'),
     ["the key 'results' appears twice"]),
    ("NaN", _screening_edit(lambda r: json.dumps(r)[:-1] + ', "x": NaN}'), ["NaN is not a number"]),
    ("200,000 results", _screening_edit(lambda r: r.update(results=[
        {"profile_id": f"X{i}", "full_name": "N", "verdict": "eligible"} for i in range(200_000)])),
     ["results: more than 100,000 results"]),
    ("UTF-16", lambda p: p.write_bytes(p.read_text(encoding="utf-8").encode("utf-16")), ["UTF-16"]),
    ("a JSON list", lambda p: p.write_text("[]", encoding="utf-8"), ["expected a JSON object, got a list"]),
]


@pytest.mark.parametrize("what,make,words", HOSTILE_SCREENINGS, ids=[h[0] for h in HOSTILE_SCREENINGS])
def test_a_hostile_screening_is_a_usage_error_naming_the_field(runner, screening, tmp_path, what, make, words):
    make(screening)
    out = tmp_path / "q.json"
    result = runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(out), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "is not the JSON of `sangloc screen --format json`" in result.stderr
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    terminal_safe(result.stderr)
    assert not out.exists()


@pytest.mark.parametrize("what,make,words", [
    ("a FIFO", lambda t: (os.mkfifo(t / "s.json"), t / "s.json")[1], "is not a regular file"),
    ("a folder", lambda t: (os.mkdir(t / "s.json"), t / "s.json")[1], "is not a regular file"),
    ("a link to /dev/zero", lambda t: ((t / "s.json").symlink_to("/dev/zero"), t / "s.json")[1],
     "is not a regular file"),
    ("a link to nowhere", lambda t: ((t / "s.json").symlink_to(t / "nowhere"), t / "s.json")[1],
     "symbolic link to where there is no file"),
], ids=["fifo", "folder", "dev-zero", "dangling"])
def test_a_screening_that_is_no_file_is_refused_not_waited_on(tmp_path, what, make, words):
    path = make(tmp_path)
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "process", "init", "--from", str(path), "--output",
                           str(tmp_path / "q.json"), "--lang", "en"], capture_output=True, text=True, timeout=60,
                          check=False, cwd=tmp_path, env={**os.environ, "SANGLOC_AUDIT_DB": str(tmp_path / "a.sqlite")})
    assert done.returncode == 2 and words in done.stderr and "Traceback" not in done.stderr, done.stderr


@pytest.mark.parametrize("option,value", [("--by", "B" * 301), ("--cleared-record", "R" * 4001),
                                          ("--cleared-note", "N" * 4001)])
def test_a_text_option_beyond_the_files_bound_is_a_usage_error(runner, screening, tmp_path, option, value):
    result = runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(tmp_path / "q.json"),
                                  "--cleared", "DT-0003", "--cleared-on", "2020-08-25", option, value, "--lang", "en"])
    assert result.exit_code == 2 and f"{option} is longer than" in result.stderr, result.output


# -- costs: linear within the stated bounds, refused quickly at ten times them ---------------

def _screening_of(path: Path, count: int) -> Path:
    report = {"ruleset": {"id": "pho-bi-thu-tinh-uy-2020"}, "as_of": "2020-08-25",
              "results": [{"profile_id": f"X-{i:06d}", "full_name": f"Người {i}", "verdict": "eligible"}
                          for i in range(count)]}
    path.write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")
    return path


def _measured(*args, cwd: Path):
    """(exit code, stderr, seconds, peak RSS in KB) of a sangloc command, measured through a
    small parent (a child forked from the test process would inherit its peak)."""
    import time

    measure = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
               "_, status, u = os.wait4(p.pid, 0); print(os.waitstatus_to_exitcode(status), u.ru_maxrss)")
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "cli.py"), *map(str, args)],
                         capture_output=True, text=True, timeout=600, check=False, cwd=cwd,
                         env={**os.environ, "SANGLOC_AUDIT_DB": str(cwd / "audit.sqlite")})
    code, peak = run.stdout.split()
    return int(code), run.stderr, time.monotonic() - started, int(peak)


def test_ten_times_the_bounds_is_refused_quickly(runner, process, tmp_path):
    from sangloc.engine.run.process.state import MAX_CANDIDATES, MAX_ENTRIES

    screening = _screening_of(tmp_path / "s.json", 10 * MAX_CANDIDATES)
    code, err, seconds, peak = _measured("process", "init", "--from", screening, "-o", tmp_path / "q.json",
                                         "--lang", "en", cwd=tmp_path)
    assert code == 2 and "the step-1 list would hold 100000 candidates; a process holds at most 10000" in err, err
    assert seconds < 60 and peak < 500 * 1024, (seconds, peak)
    doc = _recorded(runner, process, tmp_path)
    entry = doc["journal"][1]
    doc["journal"] += [{**entry, "entry": n, "replaces": n - 1} for n in range(3, 10 * MAX_ENTRIES + 1)]
    process.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    code, err, seconds, peak = _measured("process", "status", process, "--format", "md", "--lang", "en", cwd=tmp_path)
    assert code == 2 and "journal: List should have at most 100 items" in err, err
    assert seconds < 30 and peak < 300 * 1024, (seconds, peak)


@pytest.mark.slow
def test_a_process_at_its_bounds_costs_time_and_memory_in_proportion(tmp_path):
    """Ten thousand candidates through four steps, and a journal of a hundred entries: every
    command in well under a minute (Word's tables are the slowest) and bounded memory."""
    from sangloc.engine.run.process.state import MAX_CANDIDATES, MAX_ENTRIES

    _screening_of(tmp_path / "s.json", MAX_CANDIDATES)
    code, err, seconds, peak = _measured("process", "init", "--from", "s.json", "-o", "q.json", cwd=tmp_path)
    assert code == 0, err
    listed = [f"X-{i:06d}" for i in range(MAX_CANDIDATES)]
    for step in (2, 3, 4, 5):
        votes = {pid: (int(pid[2:]) * 7919) % 100 for pid in listed}
        sheet = {"step": step, "summoned": 100, "present": 100,
                 "ballots": {"issued": 100, "returned": 100, "valid": 100, "invalid": 0}, "votes": votes}
        (tmp_path / f"t{step}.json").write_text(json.dumps(sheet), encoding="utf-8")
        code, err, seconds, peak = _measured("process", "record", "q.json", "--step", step, "--tally", f"t{step}.json",
                                             cwd=tmp_path)
        assert code == 0 and seconds < 30 and peak < 400 * 1024, (step, err[-500:], seconds, peak)
        listed = [pid for pid in listed if votes[pid] > 50]
    process_id = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))["id"]
    # (command, seconds, MB): python-docx builds Word's tables cell by cell, the heaviest by far (30,000 rows here)
    for args, most, mb in ((["process", "status", "q.json"], 30, 400),
                           (["process", "status", "q.json", "--format", "md"], 30, 400),
                           (["process", "status", "q.json", "--format", "html"], 30, 400),
                           (["process", "status", "q.json", "--format", "docx", "-o", "b.docx"], 120, 1024),
                           (["audit", "why", "X-000001"], 30, 400), (["audit", "replay", process_id], 30, 400),
                           (["audit", "verify"], 30, 400)):
        code, err, seconds, peak = _measured(*args, cwd=tmp_path)
        assert code == 0 and seconds < most and peak < mb * 1024, (args, err[-500:], seconds, peak)
    # A hundred sittings of a list of a thousand: the file's own bound (16 MB) allows no more.
    doc = json.loads((tmp_path / "q.json").read_text(encoding="utf-8"))
    doc["candidates"] = doc["candidates"][:1000]
    doc["journal"] = doc["journal"][:2]
    kept = {c["profile_id"] for c in doc["candidates"]}
    doc["journal"][1]["tally"]["votes"] = {k: v for k, v in doc["journal"][1]["tally"]["votes"].items() if k in kept}
    low = {**doc["journal"][1]["tally"], "present": 10,
           "ballots": {"issued": 10, "returned": 10, "valid": 10, "invalid": 0},
           "votes": {k: v % 11 for k, v in doc["journal"][1]["tally"]["votes"].items()}}
    doc["journal"][1]["tally"] = low
    doc["journal"] += [{**doc["journal"][1], "entry": n} for n in range(3, MAX_ENTRIES + 1)]  # sittings below quorum
    (tmp_path / "q.json").write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    for fmt, most in (("table", 30), ("md", 60), ("html", 60)):
        code, err, seconds, peak = _measured("process", "status", "q.json", "--format", fmt, cwd=tmp_path)
        assert code == 0 and seconds < most and peak < 800 * 1024, (fmt, err[-500:], seconds, peak)


def test_a_process_file_saved_by_a_text_editor_still_takes_entries(runner, process, tmp_path):
    """Opened in Notepad and saved: CRLF line ends and a byte-order mark. The file reads the
    same, and the check that nobody changed it meanwhile compares it with itself (it said
    "changed by another entry" forever)."""
    text = process.read_text(encoding="utf-8")
    process.write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    result = _record(runner, process, 2, _sheet(tmp_path))
    assert result.exit_code == 0, result.output
    assert json.loads(process.read_text(encoding="utf-8"))["journal"][-1]["step"] == 2


def test_a_pack_of_more_steps_than_a_process_holds_is_refused_at_init(runner, screening, tmp_path):
    import shutil

    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "pho-bi-thu-tinh-uy-2020", pack)
    (pack / "pack.lock").unlink()
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    steps = data["process"]["steps"]
    steps += [{**json.loads(json.dumps(steps[2], default=str)), "step": n} for n in range(len(steps) + 1, 22)]
    for n, step in enumerate(steps, start=1):
        step["step"] = n
    (pack / "pack.yaml").write_text(yaml.safe_dump(json.loads(json.dumps(data, default=str)), allow_unicode=True),
                                    encoding="utf-8")
    out = tmp_path / "q.json"
    result = runner.invoke(main, ["process", "init", "--from", str(screening), "--rules", str(pack), "--output",
                                  str(out), "--lang", "en"])
    assert result.exit_code == 2 and "declares 21 steps; a process has at most 20" in result.stderr, result.output
    assert not out.exists()
