"""Issue 14, hostile input second round: every value a file can hold is accepted
or an input error of that one profile or pack — never a traceback, never a
hang — and the smaller promises (links in folders, --as-of, output-format
independence of verdicts)."""

from __future__ import annotations

import json
import re
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from sangloc.engine.commands.main import main
from conftest import PROFILES, ROOT

HOSTILE = Path(__file__).resolve().parent / "inputs" / "hostile"
PROFILE_CASES = yaml.safe_load((HOSTILE / "profiles" / "expected.yaml").read_text(encoding="utf-8"))
PACK_CASES = yaml.safe_load((HOSTILE / "packs" / "expected.yaml").read_text(encoding="utf-8"))
DEFAULT_PACK = ROOT / "rules" / "pho-bi-thu-tinh-uy-2020"


def test_every_hostile_profile_has_expectations():
    files = {p.name for p in (HOSTILE / "profiles").iterdir() if p.name != "expected.yaml"}
    assert files == set(PROFILE_CASES)


@pytest.mark.parametrize("name", sorted(PROFILE_CASES), ids=sorted(PROFILE_CASES))
def test_a_hostile_value_is_an_input_error_of_its_profile(runner, name):
    result = runner.invoke(main, ["validate", str(HOSTILE / "profiles" / name), "--format", "json", "--lang", "en"])
    assert result.exit_code == 2, result.output  # the one profile is invalid: none left to screen
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    report = json.loads(result.stdout)
    assert len(report["invalid"]) == 1
    message = " ".join(report["invalid"][0]["errors"])
    for words in PROFILE_CASES[name]:
        assert words in message, f"{words!r} not in {message!r}"


@pytest.mark.parametrize("name", sorted(PROFILE_CASES), ids=sorted(PROFILE_CASES))
def test_a_hostile_value_is_reported_in_vietnamese_on_one_line(runner, name):
    result = runner.invoke(main, ["validate", str(HOSTILE / "profiles" / name)])
    assert result.exit_code == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("Hồ sơ lỗi:")]
    assert lines and "Traceback" not in result.output
    assert_named(PROFILE_CASES[name][0], lines[0])


def assert_named(field: str, line: str) -> None:
    """The field is named in a clerk's words ("Chức vụ thứ 1, cơ quan, đơn vị"), never by its path."""
    from sangloc.engine.render.common import field_words

    if field.startswith("assessments."):
        assert "Ý kiến của Ban Thường vụ về «" in line and f" {field}" not in line, (field, line)
    elif re.fullmatch(r"[a-z_]+(\[\d+\])?(\.[\w-]+)*", field):
        words = field_words(field, "vi")
        assert words[:1].upper() + words[1:] in line, (field, line)
        assert f" {field}:" not in line and f" {field}." not in line, (field, line)
    else:
        assert field in line, (field, line)


def test_one_bad_value_in_a_list_loses_only_its_profile(runner, tmp_path):
    good = yaml.safe_load((PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8"))
    text = yaml.safe_dump([good, dict(good, id="DT-9003")], allow_unicode=True, sort_keys=False)
    bad = "- id: H-99\n  full_name: Ba\n  gender: male\n  birth_date: !!timestamp 2020-02-30\n  note: !!binary aGk=\n"
    huge = "- {id: H-98, full_name: Bon, gender: male, birth_date: " + "7" * 5000 + "}\n"
    (tmp_path / "list.yaml").write_text(text + bad + huge, encoding="utf-8")
    records = [json.dumps(good, ensure_ascii=False, default=str), '{"id": "H-97", "full_name": "\\udfff"}',
               '{"id": "H-96", "n": ' + "1" * 5000 + "}"]
    (tmp_path / "lines.jsonl").write_text("\n".join(records) .replace('"DT-0003"', '"DT-8003"', 1) + "\n",
                                          encoding="utf-8")
    for fmt in ("json", "jsonl", "csv", "table", "md", "html"):
        result = runner.invoke(main, ["screen", str(tmp_path), "--format", fmt, "--lang", "en", "--no-audit"])
        assert result.exit_code == 1, (fmt, result.output)
        assert "Traceback" not in result.output
    report = json.loads(runner.invoke(main, ["screen", str(tmp_path), "--format", "json", "--no-audit"]).stdout)
    assert sorted(r["profile_id"] for r in report["results"]) == ["DT-0003", "DT-8003", "DT-9003"]
    assert sorted(i["profile_id"] for i in report["invalid"]) == ["H-96", "H-97", "H-98", "H-99"]


def test_a_lone_surrogate_id_is_recorded_and_printed_safely(runner, tmp_path, monkeypatch):
    good = json.loads((PROFILES / "dt-0013-luong-van-tam.json").read_text(encoding="utf-8"))
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(good) + '\n{"id": "X\\ud800", "full_name": "Y"}\n', encoding="utf-8")
    result = runner.invoke(main, ["screen", str(path), "--format", "jsonl"])
    assert result.exit_code == 1, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert lines[1]["profile_id"] == "X\\ud800"
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0


# -- packs -----------------------------------------------------------------

def _hostile_pack(tmp_path, case: dict) -> Path:
    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, pack)
    target = pack / case["file"]
    if case["file"].endswith("/"):
        target.mkdir()
    elif "replace" in case:
        old, new = case["replace"]
        text = target.read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, new.replace("{hex}", "f" * 3000), 1), encoding="utf-8")
    elif "write_bytes" in case:
        target.write_bytes(case["write_bytes"].encode("latin-1"))
    else:
        target.write_text(case["write"], encoding="utf-8")
    return pack


@pytest.mark.parametrize("name", sorted(PACK_CASES), ids=sorted(PACK_CASES))
def test_a_hostile_pack_is_a_problem_of_that_pack(runner, tmp_path, name):
    case = PACK_CASES[name]
    pack = _hostile_pack(tmp_path, case)
    result = runner.invoke(main, ["rules", "check", str(pack), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    for words in case["words"]:
        assert words in result.output, f"{words!r} not in {result.output!r}"
    # screening with it says why (a lock problem is a warning there) and never crashes
    screened = runner.invoke(main, ["screen", str(PROFILES), "--rules", str(pack), "--no-audit", "--lang", "en"])
    assert screened.exit_code in (0, 2) and "Traceback" not in screened.output, screened.output


def test_a_version_with_quotes_and_newlines_locks_and_screens(runner, tmp_path):
    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, pack)
    (pack / "pack.lock").unlink()
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    assert 'version: "2"' in text
    (pack / "pack.yaml").write_text(text.replace('version: "2"', 'version: "3\\"b\': #x\\n- y"'), encoding="utf-8")
    assert runner.invoke(main, ["rules", "lock", str(pack)]).exit_code == 0
    assert runner.invoke(main, ["rules", "lock", str(pack)]).exit_code == 0  # an unchanged lock reads back
    checked = runner.invoke(main, ["rules", "check", str(pack), "--lang", "en"])
    assert checked.exit_code == 0, checked.output
    result = runner.invoke(main, ["screen", str(PROFILES), "--rules", str(pack), "--format", "json", "--lang", "en"])
    assert result.exit_code == 0 and "Warning" not in result.stderr, result.output


@pytest.mark.parametrize("where", ["tests/f.yaml", "pack.lock", "source-article.txt", "catalog.yaml"])
def test_a_fifo_in_a_pack_is_reported_not_waited_on(tmp_path, where):
    pack = tmp_path / "pack"
    shutil.copytree(DEFAULT_PACK, pack)
    if (pack / where).exists():
        (pack / where).unlink()
    os.mkfifo(pack / where)
    command = "test" if where.startswith("tests/") else "check"
    done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "rules", command, str(pack), "--lang", "en"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode in (1, 2), done.stdout + done.stderr
    assert "not a regular file" in done.stdout + done.stderr and "Traceback" not in done.stderr


# -- smaller ---------------------------------------------------------------

def test_a_linked_folder_is_followed_like_a_linked_file(runner, tmp_path):
    outside = tmp_path / "district"
    outside.mkdir()
    shutil.copy(PROFILES / "dt-0002-tran-thi-mai.yaml", outside)
    batch = tmp_path / "batch"
    (batch / "sub").mkdir(parents=True)
    shutil.copy(PROFILES / "dt-0001-nguyen-van-hung.yaml", batch)
    (batch / "linked").symlink_to(outside, target_is_directory=True)
    (batch / "dt-0003.yaml").symlink_to(PROFILES / "dt-0003-pham-van-duc.yaml")
    (batch / "sub" / "loop").symlink_to(batch, target_is_directory=True)  # read once, not forever
    (batch / "gone.yaml").symlink_to(tmp_path / "nowhere.yaml")
    os.mkfifo(batch / "pipe.yaml")
    result = runner.invoke(main, ["screen", str(batch), "--format", "json", "--lang", "en", "--no-audit"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert sorted(r["profile_id"] for r in report["results"]) == ["DT-0001", "DT-0002", "DT-0003"]
    errors = {Path(i["source"]).name: i["errors"][0] for i in report["invalid"]}
    assert "symbolic link to" in errors["gone.yaml"] and "not a regular file" in errors["pipe.yaml"]


@pytest.mark.parametrize("value,words", [
    ("20200825", "must be written YYYY-MM-DD"),
    ("2020-W35-2", "must be written YYYY-MM-DD"),
    ("2020-238", "must be written YYYY-MM-DD"),
    ("２０２０-08-25", "must be written YYYY-MM-DD"),
    (" 2020-08-25", "must be written YYYY-MM-DD"),
    ("2020-02-30", "is not a real date"),
    ("2020-08-25\x1b[2J", "\\u001b[2J"),
])
def test_as_of_is_strictly_yyyy_mm_dd(runner, value, words):
    result = runner.invoke(main, ["screen", str(PROFILES), "--as-of", value, "--lang", "en"])
    assert result.exit_code == 2
    assert words in result.stderr and "\x1b" not in result.stderr
    vi = runner.invoke(main, ["screen", str(PROFILES), "--as-of", value])
    assert "YYYY-MM-DD" in vi.stderr and "ví dụ 2020-08-25" in vi.stderr


def test_a_duplicate_id_with_an_invalid_twin_gets_the_same_verdict_in_every_format(runner, tmp_path):
    shutil.copy(PROFILES / "dt-0003-pham-van-duc.yaml", tmp_path / "a.yaml")
    (tmp_path / "b.yaml").write_text("id: DT-0003\nfull_name: Sai\ngender: nam giới\n", encoding="utf-8")
    shutil.copy(PROFILES / "dt-0001-nguyen-van-hung.yaml", tmp_path / "c.yaml")
    as_json = runner.invoke(main, ["screen", str(tmp_path), "--format", "json", "--no-audit"])
    as_jsonl = runner.invoke(main, ["screen", str(tmp_path), "--format", "jsonl", "--no-audit"])
    assert as_json.exit_code == as_jsonl.exit_code == 1
    report = json.loads(as_json.stdout)
    lines = [json.loads(line) for line in as_jsonl.stdout.splitlines()]
    assert [r["profile_id"] for r in report["results"]] == [l["profile_id"] for l in lines if l["kind"] == "result"]
    assert sorted((i["source"], i["profile_id"]) for i in report["invalid"]) == \
        sorted((l["source"], l["profile_id"]) for l in lines if l["kind"] == "invalid")
    assert [r["profile_id"] for r in report["results"]] == ["DT-0001"]
