"""The audit store: recorded, replayable, tamper-evident, safe under
concurrent and killed runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from sangloc.engine.commands.main import main
from conftest import PROFILES, ROOT


#: The example profiles screened by these tests.
COHORT = len(list(PROFILES.iterdir()))


@pytest.fixture
def store(tmp_path):
    return tmp_path / "audit.sqlite"


def _screen(runner, *extra):
    result = runner.invoke(main, ["screen", str(PROFILES), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    return result


def _verify(runner, store):
    return runner.invoke(main, ["audit", "verify", "--audit-db", str(store), "--lang", "en"])


def test_screen_records_a_run_with_inputs_decisions_and_pack(runner, store):
    result = _screen(runner)
    assert "Đã ghi vào sổ kiểm toán" in result.stderr
    assert store.stat().st_mode & 0o777 == 0o600
    runs = json.loads(runner.invoke(main, ["audit", "runs", "--format", "json"]).stdout)
    assert len(runs) == 1
    run = runs[0]
    assert run["pack"]["digest"].startswith("sha256:") and run["as_of"] == "2020-08-25"
    assert run["command"].startswith("sangloc ") and run["os_user"] and run["sangloc_version"]
    shown = json.loads(runner.invoke(main, ["audit", "show", "1", "--format", "json"]).stdout)
    assert len(shown["records"]) == COHORT
    record = next(r for r in shown["records"] if r["decision"]["profile_id"] == "DT-0006")
    assert record["input"]["birth_date"] == "1963-04-21"
    screened = next(r for r in json.loads(result.stdout)["results"] if r["profile_id"] == "DT-0006")
    assert record["decision"] == screened
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM records WHERE kind = 'pack'").fetchone()[0] == 1
        _screen(runner)  # the same pack again is not stored twice
        assert db.execute("SELECT count(*) FROM records WHERE kind = 'pack'").fetchone()[0] == 1


def test_no_audit_records_nothing_and_says_so(runner, store):
    result = _screen(runner, "--no-audit", "--lang", "en")
    assert "not recorded" in result.stderr
    assert not store.exists()


def test_audit_db_option_overrides_the_environment(runner, tmp_path):
    other = tmp_path / "khac.sqlite"
    _screen(runner, "--audit-db", str(other))
    assert other.exists()
    assert runner.invoke(main, ["audit", "runs", "--audit-db", str(other), "--format", "json"]).stdout.count("run_id") == 1


def test_why_lists_every_decision_about_a_person_newest_first(runner):
    _screen(runner)
    _screen(runner, "--as-of", "2021-02-01")
    why = json.loads(runner.invoke(main, ["audit", "why", "DT-0010", "--format", "json"]).stdout)
    assert [w["run"]["as_of"] for w in why] == ["2021-02-01", "2020-08-25"]
    assert [w["decision"]["verdict"] for w in why] == ["review", "ineligible"]
    text = runner.invoke(main, ["audit", "why", "DT-0010", "--lang", "en"]).stdout
    assert "✗ Discipline: Within the term" not in text  # reasons are kept in the language of the run
    assert "✗ Discipline: Đang trong thời hạn kỷ luật" in text and "sha256:" in text


def test_why_cites_the_basis_and_reading_of_a_criterion_not_met_from_the_stored_pack(runner):
    """An auditor reads, under the criterion that excluded someone, the documents it applied and where
    its wording was read, from the pack content the store kept for that run."""
    _screen(runner)
    why = runner.invoke(main, ["audit", "why", "DT-0006"]).stdout
    age = why.index("✗ Độ tuổi")
    assert why.index("Căn cứ: Hướng dẫn số 26-HD/BTCTW ngày 18/10/2019 của Ban Tổ chức Trung ương", age) > age
    assert "Xuất xứ: Báo Thái Nguyên ngày 27/02/2020" in why
    assert "Căn cứ:" not in why[why.index("? Trung thành"):]  # cited under criteria not met only


def test_audit_diff_between_runs(runner):
    _screen(runner)
    _screen(runner, "--as-of", "2021-02-01")
    report = json.loads(runner.invoke(main, ["audit", "diff", "1", "2", "--format", "json"]).stdout)
    changed = {c["profile_id"]: c for c in report["changes"]}
    assert changed["DT-0010"]["verdict_a"] == "ineligible" and changed["DT-0010"]["verdict_b"] == "review"
    assert {"id": "ky-luat", "a": "fail", "b": "pass"} in changed["DT-0010"]["rules"]


def test_replay_reproduces_every_decision_even_after_the_pack_changed(runner, tmp_path, store):
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "pho-bi-thu-tinh-uy-2020", pack)
    _screen(runner, "--rules", str(pack))
    text = (pack / "pack.yaml").read_text(encoding="utf-8")
    (pack / "pack.yaml").write_text(text.replace('"1965-09-01"', '"1975-09-01"'), encoding="utf-8")
    result = runner.invoke(main, ["audit", "replay", "1", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"{COHORT} decisions, 0 differ on replay" in result.stdout


def test_replay_detects_a_decision_edited_in_the_store(runner, store):
    _screen(runner)
    with sqlite3.connect(store) as db:
        seq, body = db.execute("SELECT seq, body FROM records WHERE profile_id = 'DT-0006'").fetchone()
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (body.replace('"ineligible"', '"eligible"'), seq))
    result = runner.invoke(main, ["audit", "replay", "1", "--lang", "en"])
    assert result.exit_code == 1
    assert "DIFFERS: DT-0006: the recorded verdict is «Eligible»; replayed, «Ineligible»" in result.stdout
    said = runner.invoke(main, ["audit", "replay", "1"]).stdout
    assert "KHÁC: DT-0006: kết luận đã ghi là «Đủ tiêu chuẩn», chạy lại ra «Không đủ tiêu chuẩn»" in said


def test_replay_names_the_criterion_whose_recorded_outcome_was_edited(runner, store):
    _screen(runner)
    with sqlite3.connect(store) as db:
        seq, body = db.execute("SELECT seq, body FROM records WHERE profile_id = 'DT-0006'").fetchone()
        record = json.loads(body)
        outcomes = record["decision"]["outcomes"]
        assert outcomes.count("f") == 1  # age alone excluded DT-0006: recorded as met instead
        record["decision"]["outcomes"] = outcomes.replace("f", "p")
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(record, ensure_ascii=False), seq))
    said = runner.invoke(main, ["audit", "replay", "1"])
    assert said.exit_code == 1
    assert "KHÁC: DT-0006: tiêu chuẩn «Độ tuổi»: đã ghi «đạt», chạy lại ra «không đạt»" in said.stdout, said.output


def _tamper(store, sql: str, *params):
    with sqlite3.connect(store) as db:
        db.execute(sql, params)


#: Two runs over the examples: the pack once, then each run's decisions and header.
RECORDS = 1 + 2 * (COHORT + 1)


@pytest.mark.parametrize("tampering,seq,how", [
    ("edit", 7, "altered"),
    ("delete", 7, "deleted"),
    ("insert", RECORDS + 1, "inserted"),
    ("reorder", 7, "reordered"),
    ("insert-middle", 7, "inserted"),
])
def test_verify_detects_and_locates_tampering(runner, store, tampering, seq, how):
    _screen(runner)
    _screen(runner)
    assert f"Intact: {RECORDS} records" in _verify(runner, store).stdout
    if tampering == "edit":
        _tamper(store, "UPDATE records SET body = replace(body, '\"verdict\":\"', '\"verdict\":\"in') WHERE seq = 7")
    elif tampering == "delete":
        _tamper(store, "DELETE FROM records WHERE seq = 7")
    elif tampering == "insert":
        _tamper(store, "INSERT INTO records (kind, run_id, profile_id, body, prev_hash, hash) "
                       "SELECT kind, run_id, profile_id, body, prev_hash, hash FROM records WHERE seq = 5")
    elif tampering == "reorder":
        with sqlite3.connect(store) as db:
            a = db.execute("SELECT kind, run_id, profile_id, body, prev_hash, hash FROM records WHERE seq = 7").fetchone()
            b = db.execute("SELECT kind, run_id, profile_id, body, prev_hash, hash FROM records WHERE seq = 8").fetchone()
            for target, row in ((7, b), (8, a)):
                db.execute("UPDATE records SET kind=?, run_id=?, profile_id=?, body=?, prev_hash=?, hash=? "
                           "WHERE seq = ?", (*row, target))
    elif tampering == "insert-middle":
        with sqlite3.connect(store) as db:
            db.execute("UPDATE records SET seq = seq + 1000 WHERE seq >= 7")
            db.execute("UPDATE records SET seq = seq - 999 WHERE seq >= 1007")
            db.execute("INSERT INTO records (seq, kind, run_id, profile_id, body, prev_hash, hash) "
                       "SELECT 7, kind, run_id, profile_id, replace(body, '\"verdict\"', '\"verdict\" '), prev_hash, hash "
                       "FROM records WHERE seq = 8")
    result = _verify(runner, store)
    assert result.exit_code == 1
    assert f"BROKEN: record {seq} {how}" in result.stdout, result.stdout


@pytest.mark.slow
def test_two_processes_writing_at_once_both_succeed(tmp_path, store):
    env = {**os.environ, "SANGLOC_AUDIT_DB": str(store)}
    command = [sys.executable, str(ROOT / "cli.py"), "screen", str(PROFILES), "--format", "json", "-q"]
    writers = [subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
               for _ in range(4)]
    for writer in writers:
        _, err = writer.communicate(timeout=300)
        assert writer.returncode == 0, err.decode()
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT count(*) FROM records WHERE kind = 'run'").fetchone()[0] == 4
        assert db.execute("SELECT count(*) FROM records WHERE kind = 'decision'").fetchone()[0] == 4 * COHORT
    check = subprocess.run([sys.executable, str(ROOT / "cli.py"), "audit", "verify", "--lang", "en"],
                           env=env, capture_output=True, text=True, check=False)
    assert check.returncode == 0 and f"Intact: {1 + 4 * (COHORT + 1)} records" in check.stdout


@pytest.mark.slow
def test_a_killed_run_leaves_the_store_valid_and_no_partial_run(tmp_path, store):
    batch = tmp_path / "batch.jsonl"
    subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "1500"], stdout=batch.open("w"), check=True)
    env = {**os.environ, "SANGLOC_AUDIT_DB": str(store)}
    command = [sys.executable, str(ROOT / "cli.py"), "screen", str(batch), "--format", "json", "-q",
               "-o", str(tmp_path / "out.json")]
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, check=True)  # one complete run first
    wal = store.with_name(store.name + "-wal")
    points = [  # each a moment of the run, observed rather than guessed from a delay
        ("started", lambda: True),
        ("reading the batch", lambda: _has_open(process, str(batch))),
        ("the store's transaction begun", lambda: wal.exists() and wal.stat().st_size > 0),
        ("the store's transaction half written", lambda: wal.exists() and wal.stat().st_size > 1_000_000),
        ("the output being written", lambda: any(p.name.startswith(".sangloc-") for p in tmp_path.iterdir())),
    ]
    for what, reached in points:
        process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 120
        while not reached() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)
        process.send_signal(signal.SIGKILL)
        process.wait()
        with sqlite3.connect(store) as db:
            for run_id, body in db.execute("SELECT run_id, body FROM records WHERE kind = 'run'").fetchall():
                decisions = db.execute("SELECT count(*) FROM records WHERE kind = 'decision' AND run_id = ?",
                                       (run_id,)).fetchone()[0]
                assert decisions == json.loads(body)["profiles"]
        check = subprocess.run([sys.executable, str(ROOT / "cli.py"), "audit", "verify"], env=env,
                               capture_output=True, text=True, check=False)
        assert check.returncode == 0, check.stdout


def _has_open(process, name: str) -> bool:
    """True while ``process`` holds a file whose path ends with ``name`` open (Linux /proc)."""
    try:
        return any(os.readlink(fd.path).endswith(name) for fd in os.scandir(f"/proc/{process.pid}/fd"))
    except OSError:
        return False


def test_a_store_of_another_schema_version_is_refused_clearly(runner, store):
    _screen(runner)
    _tamper(store, "UPDATE meta SET value = '7' WHERE key = 'schema_version'")
    result = runner.invoke(main, ["screen", str(PROFILES), "--lang", "en"])
    assert result.exit_code == 2
    assert "schema version 7" in result.stderr and "cannot migrate" in result.stderr


def test_a_foreign_sqlite_file_is_refused(runner, store):
    with sqlite3.connect(store) as db:
        db.execute("CREATE TABLE contacts (name TEXT)")
    result = runner.invoke(main, ["audit", "runs", "--lang", "en"])
    assert result.exit_code == 2 and "not a sangloc audit store" in result.stderr


def test_audit_commands_on_a_missing_store_say_so(runner, store):
    result = runner.invoke(main, ["audit", "runs", "--lang", "en"])
    assert result.exit_code == 2 and "no audit store" in result.stderr


def test_a_damaged_record_is_reported_not_crashed_on(runner, store):
    _screen(runner)
    _tamper(store, """UPDATE records SET body = '{"x":1}' WHERE seq = 3""")
    assert "BROKEN: record 3 altered" in _verify(runner, store).stdout
    for args in (["audit", "show", "1"], ["audit", "why", "DT-0002"], ["audit", "replay", "1"]):
        result = runner.invoke(main, [*args, "--lang", "en"])
        assert result.exit_code == 2 and "damaged" in result.stderr and "Traceback" not in result.stderr, args


@pytest.mark.parametrize("tampering,expected", [
    ("DELETE FROM records WHERE seq = 1", "BROKEN: record 1 deleted"),
    ("rehash", "BROKEN: record 6 altered"),
])
def test_verify_names_the_record_that_was_changed(runner, store, tampering, expected):
    from sangloc.engine.run.audit import record_hash

    _screen(runner)
    if tampering == "rehash":  # an edit whose own hash was recomputed: the next link breaks
        with sqlite3.connect(store) as db:
            kind, run_id, profile_id, body, prev_hash = db.execute(
                "SELECT kind, run_id, profile_id, body, prev_hash FROM records WHERE seq = 6").fetchone()
            body = body.replace('"verdict":"', '"verdict":"x')
            db.execute("UPDATE records SET body = ?, hash = ? WHERE seq = 6",
                       (body, record_hash(prev_hash, kind, run_id, profile_id, body)))
    else:
        _tamper(store, tampering)
    assert expected in _verify(runner, store).stdout


def test_invalid_profiles_are_recorded_with_their_errors(runner, tmp_path):
    shutil.copytree(PROFILES, tmp_path / "batch")
    (tmp_path / "batch" / "bad.yaml").write_text("id: B-11\nfull_name: Lỗi\ngender: ông\nbirth_date: 1970-01-01\n",
                                                 encoding="utf-8")
    assert runner.invoke(main, ["screen", str(tmp_path / "batch")]).exit_code == 1
    why = runner.invoke(main, ["audit", "why", "B-11", "--lang", "en"]).stdout
    assert "invalid, not screened" in why and "Giới tính" in why
    runs = json.loads(runner.invoke(main, ["audit", "runs", "--format", "json"]).stdout)
    assert runs[0]["invalid"][0]["profile_id"] == "B-11"


def test_reading_an_empty_file_never_makes_it_a_store(runner, tmp_path):
    empty = tmp_path / "empty.sqlite"
    empty.touch()
    result = runner.invoke(main, ["audit", "verify", "--audit-db", str(empty), "--lang", "en"])
    assert result.exit_code == 2 and empty.stat().st_size == 0
