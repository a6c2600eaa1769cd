"""The audit store, second round (issue 14): readers never trust its content,
verify runs on a read-only store, every record kind is covered so any deletion
is found, a streamed run never holds the lock while its reader pauses, the
user is the operating-system account, and the store is private whether it
existed or not."""

from __future__ import annotations

import fcntl
import json
import os
import re
import pwd
import shutil
import sqlite3
import stat
import subprocess
import sys
import tempfile
import termios
import time
import unicodedata
from pathlib import Path

import pytest

from sangloc.engine.commands.main import main
from sangloc.engine.run.audit import GENESIS, record_hash
from conftest import PROFILES, ROOT
from test_injection import terminal_safe

AUDIT_COMMANDS = [
    ["audit", "runs"], ["audit", "runs", "--format", "json"], ["audit", "show", "1"],
    ["audit", "show", "1", "--format", "json"], ["audit", "why", "DT-0006"], ["audit", "why", "B-11"],
    ["audit", "why", "DT-0006", "--format", "json"], ["audit", "replay", "1"], ["audit", "diff", "1", "2"],
    ["audit", "verify"],
]


@pytest.fixture
def store(tmp_path):
    return tmp_path / "audit.sqlite"


def _two_runs(runner, tmp_path):
    batch = tmp_path / "batch"
    shutil.copytree(PROFILES, batch)
    (batch / "bad.yaml").write_text("id: B-11\nfull_name: Lỗi\ngender: ông\nbirth_date: 1970-01-01\n",
                                    encoding="utf-8")
    for _ in range(2):
        assert runner.invoke(main, ["screen", str(batch), "--format", "json", "-q"]).exit_code == 1


def _loosen(db: sqlite3.Connection, columns: str = "seq INTEGER PRIMARY KEY, kind, run_id, profile_id, body, "
                                                  "prev_hash, hash") -> None:
    """The records table without its constraints, as an attacker's tool would leave it."""
    names = [c.split()[0] for c in columns.split(", ")]
    db.execute(f"CREATE TABLE loose ({columns})")
    db.execute(f"INSERT INTO loose SELECT {', '.join(names)} FROM records")
    db.execute("DROP TABLE records")
    db.execute("ALTER TABLE loose RENAME TO records")


def _rechain(db: sqlite3.Connection) -> None:
    """Recompute every hash, so that the chain holds over the hostile content."""
    prev = GENESIS
    for seq, kind, run_id, profile_id, body in db.execute(
            "SELECT seq, kind, run_id, profile_id, body FROM records ORDER BY seq").fetchall():
        if all(isinstance(v, str) for v in (kind, run_id, profile_id, body)):
            digest = record_hash(prev, kind, run_id, profile_id, body)
        else:
            digest = "0" * 64
        db.execute("UPDATE records SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest


def _edit_header(change):
    def edit(db):
        seq, body = db.execute("SELECT seq, body FROM records WHERE kind = 'run' ORDER BY seq LIMIT 1").fetchone()
        header = json.loads(body)
        change(header)
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(header), seq))
    return edit


def _edit_decision(change):
    def edit(db):
        seq, body = db.execute("SELECT seq, body FROM records WHERE kind = 'decision' AND profile_id = 'DT-0006' "
                               "ORDER BY seq LIMIT 1").fetchone()
        record = json.loads(body)
        change(record)
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(record), seq))
    return edit


def _set(sql: str, *params):
    return lambda db: db.execute(sql, params)


def _deep(db):
    db.execute("UPDATE records SET body = ? WHERE kind = 'decision' AND profile_id = 'DT-0006'",
               ('{"decision": ' + "[" * 50_000 + "]" * 50_000 + "}",))


#: One hostile change each; the chain is recomputed after it, so only the readers' checks stand between
#: the content and a traceback.
HOSTILE = {
    "header: as_of not a date": _edit_header(lambda h: h.update(as_of="2020-13-45")),
    "header: as_of a week date": _edit_header(lambda h: h.update(as_of="2020-W35-2")),
    "header: created_utc not a time": _edit_header(lambda h: h.update(created_utc="hôm qua")),
    "header: profiles not a number": _edit_header(lambda h: h.update(profiles="nhiều")),
    "header: profiles a boolean": _edit_header(lambda h: h.update(profiles=True)),
    "header: pack a list": _edit_header(lambda h: h.update(pack=["x"])),
    "header: pack digest not a digest": _edit_header(lambda h: h["pack"].update(digest="md5:1")),
    "header: invalid entries not mappings": _edit_header(lambda h: h.update(invalid=[1, None])),
    "header: invalid errors not texts": _edit_header(lambda h: h["invalid"][0].update(errors=[{"x": 1}])),
    "header: escapes in the user and command": _edit_header(
        lambda h: h.update(os_user="\x1b]0;pwned\x07root", command="sangloc\x1b[2J\u202e")),
    "header: run id with escapes": _edit_header(lambda h: h.update(run_id="\x1b[2J")),
    "header: lang unknown": _edit_header(lambda h: h.update(lang="fr")),
    "header: not an object": _set("UPDATE records SET body = '[1, 2]' WHERE kind = 'run'"),
    "header: not JSON": _set("UPDATE records SET body = '{not json' WHERE kind = 'run'"),
    "decision: verdict unknown": _edit_decision(lambda r: r["decision"].update(verdict="maybe")),
    "decision: outcomes a list": _edit_decision(lambda r: r["decision"].update(outcomes=["pass"])),
    "decision: outcome unknown": _edit_decision(lambda r: r["decision"].update(outcomes="x" + r["decision"]["outcomes"][1:])),
    "decision: outcomes a number": _edit_decision(lambda r: r["decision"].update(outcomes=7)),
    "decision: one outcome fewer than the run's rules": _edit_decision(
        lambda r: r["decision"].update(outcomes=r["decision"]["outcomes"][1:])),
    "decision: record digest not a digest": _edit_decision(lambda r: r.update(record_sha256="md5:1")),
    "decision: input not a mapping": _edit_decision(lambda r: r.update(input=[1])),
    "decision: input with a lone surrogate": _edit_decision(lambda r: r["input"].update(full_name="\ud800")),
    "decision: name with escapes": _edit_decision(lambda r: r["decision"].update(full_name="\x1b]52;c;eA==\x07")),
    "decision: deep JSON": _deep,
    "pack: content not a mapping": _set("UPDATE records SET body = '{\"content\": 5}' WHERE kind = 'pack'"),
    "pack: reference date not a date": lambda db: db.execute(
        "UPDATE records SET body = replace(body, '\"reference_date\":\"2020-08-25\"', "
        "'\"reference_date\":\"2020-02-30\"') WHERE kind = 'pack'"),
    "column: body NULL": lambda db: (_loosen(db), db.execute("UPDATE records SET body = NULL WHERE seq = 3")),
    "column: body a blob": lambda db: (_loosen(db), db.execute("UPDATE records SET body = X'7b7d' WHERE seq = 3")),
    "column: run id a number": lambda db: (_loosen(db), db.execute("UPDATE records SET run_id = 5 WHERE kind = 'run'")),
    "column: kind unknown": lambda db: (_loosen(db), db.execute("UPDATE records SET kind = 'other' WHERE seq = 3")),
    "column: missing": lambda db: _loosen(db, "seq INTEGER PRIMARY KEY, kind, run_id, profile_id, body, prev_hash"),
    "table: records missing": _set("DROP TABLE records"),
    "meta: schema version not a number": _set("UPDATE meta SET value = 'một' WHERE key = 'schema_version'"),
    "meta: schema version NULL": lambda db: (
        db.execute("CREATE TABLE m2 (key, value)"), db.execute("INSERT INTO m2 SELECT * FROM meta"),
        db.execute("DROP TABLE meta"), db.execute("ALTER TABLE m2 RENAME TO meta"),
        db.execute("UPDATE meta SET value = NULL WHERE key = 'schema_version'")),
    "meta: schema version a blob": lambda db: (
        db.execute("CREATE TABLE m2 (key, value)"), db.execute("INSERT INTO m2 SELECT * FROM meta"),
        db.execute("DROP TABLE meta"), db.execute("ALTER TABLE m2 RENAME TO meta"),
        db.execute("UPDATE meta SET value = X'31' WHERE key = 'schema_version'")),
}


#: Hostile content that is still well-formed: shown harmlessly (and replay says what differs), not a break.
STORABLE = {"decision: input with a lone surrogate", "decision: name with escapes",
            "header: escapes in the user and command", "pack: reference date not a date"}


@pytest.mark.parametrize("name", sorted(HOSTILE), ids=sorted(HOSTILE))
def test_hostile_content_under_every_audit_command(runner, tmp_path, store, name):
    _two_runs(runner, tmp_path)
    with sqlite3.connect(store) as db:
        HOSTILE[name](db)
        if "records" in {r[0] for r in db.execute("SELECT name FROM sqlite_master")}:
            try:
                _rechain(db)
            except sqlite3.OperationalError:
                pass  # no hash column left to fill
    for args in AUDIT_COMMANDS:
        result = runner.invoke(main, [*args, "--lang", "en"])
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert result.exit_code in (0, 1, 2), (args, result.output)
        assert "Traceback" not in result.output
        terminal_safe(result.stdout)
        terminal_safe(result.stderr)
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    if name not in STORABLE:
        assert verify.exit_code in (1, 2), verify.output  # the store does not hold as it is: said so
        assert "BROKEN" in verify.stdout or "Error" in verify.stderr
    # a new run either records (the content of old records is not its business) or says why not
    screened = runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-q", "--lang", "en"])
    assert screened.exit_code in (0, 2) and "Traceback" not in screened.output


def test_a_damaged_record_is_named(runner, tmp_path, store):
    _two_runs(runner, tmp_path)
    with sqlite3.connect(store) as db:
        _edit_decision(lambda r: r["decision"].update(verdict="maybe"))(db)
        _rechain(db)
        seq = db.execute("SELECT seq FROM records WHERE profile_id = 'DT-0006' ORDER BY seq").fetchone()[0]
    result = runner.invoke(main, ["audit", "why", "DT-0006", "--lang", "en"])
    assert result.exit_code == 2 and f"audit record {seq} is damaged (decision.verdict" in result.stderr
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    assert verify.exit_code == 1 and f"record {seq} has invalid content (decision.verdict" in verify.stdout


# -- every deletion is found -----------------------------------------------

@pytest.mark.parametrize("what,sql,words", [
    ("the last run's header", "DELETE FROM records WHERE seq = (SELECT max(seq) FROM records)",
     "header of run"),
    ("the last run's header and a decision", "DELETE FROM records WHERE seq >= (SELECT max(seq) - 1 FROM records)",
     "header of run"),
    ("the last decision of a run", "DELETE FROM records WHERE seq = (SELECT max(seq) FROM records "
                                   "WHERE kind = 'decision')", "BROKEN: record"),
    ("the only run, leaving its pack", "DELETE FROM records WHERE kind != 'pack'", "which no run uses"),
])
def test_any_deletion_is_found(runner, store, what, sql, words):
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--format", "json"]).exit_code == 0
    with sqlite3.connect(store) as db:
        db.execute(sql)
    result = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    assert result.exit_code == 1 and words in result.stdout, result.stdout
    assert "BROKEN" in runner.invoke(main, ["audit", "verify"]).stdout.replace("HỎNG", "BROKEN")


# -- read-only, user, privacy, names ---------------------------------------

def test_verify_and_read_an_archived_read_only_store(runner, store, monkeypatch):
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--format", "json"]).exit_code == 0
    archive = Path(tempfile.mkdtemp(prefix="sangloc-archive-"))
    try:
        shutil.copy(store, archive / "archived.sqlite")
        os.chmod(archive / "archived.sqlite", 0o444)
        os.chmod(archive, 0o555)
        if os.geteuid() == 0:  # root writes anywhere: let the permission bits answer as for anyone else
            real_access = os.access
            monkeypatch.setattr(os, "access", lambda path, mode, **kw: real_access(path, mode, **kw) and not (
                mode & os.W_OK and not os.stat(path).st_mode & 0o222))
        before = sorted(os.listdir(archive)), (archive / "archived.sqlite").read_bytes()
        monkeypatch.setenv("SANGLOC_AUDIT_DB", str(archive / "archived.sqlite"))
        for args in (["audit", "verify"], ["audit", "runs"], ["audit", "why", "DT-0006"], ["audit", "replay", "1"],
                     ["audit", "show", "1", "--format", "json"]):
            result = runner.invoke(main, [*args, "--lang", "en"])
            assert result.exit_code == 0, (args, result.output)
        assert re.match(r"Intact: \d+ records, 1 runs", runner.invoke(main, ["audit", "verify", "--lang", "en"]).stdout)
        assert (sorted(os.listdir(archive)), (archive / "archived.sqlite").read_bytes()) == before
    finally:
        os.chmod(archive, 0o755)
        shutil.rmtree(archive)


def test_the_recorded_user_is_the_operating_system_account(runner, store, monkeypatch):
    monkeypatch.setenv("USER", "\x1b]0;someone-else\x07")
    monkeypatch.setenv("LOGNAME", "giam-doc")
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--format", "json"]).exit_code == 0
    run = json.loads(runner.invoke(main, ["audit", "runs", "--format", "json"]).stdout)[0]
    assert run["os_user"] == pwd.getpwuid(os.geteuid()).pw_name and run["os_uid"] == os.geteuid()
    text = runner.invoke(main, ["audit", "show", "1"]).stdout
    assert "tài khoản hệ điều hành" in text and "someone-else" not in text
    assert "operating-system account" in runner.invoke(main, ["audit", "runs", "--lang", "en"]).stdout


def test_an_existing_store_file_is_made_private(runner, store):
    store.touch()
    store.chmod(0o644)
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--format", "json"]).exit_code == 0
    assert stat.S_IMODE(store.stat().st_mode) == 0o600
    store.chmod(0o664)
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--format", "json"]).exit_code == 0
    assert stat.S_IMODE(store.stat().st_mode) == 0o600


def test_a_fifo_or_a_folder_as_the_store_is_refused_not_waited_on(tmp_path):
    fifo = tmp_path / "store.fifo"
    os.mkfifo(fifo)
    mode = os.lstat(fifo).st_mode
    for target in (fifo, tmp_path):
        for args in (["screen", str(PROFILES), "-q", "--format", "json"], ["audit", "verify"]):
            done = subprocess.run([sys.executable, str(ROOT / "cli.py"), *args, "--audit-db", str(target),
                                   "--lang", "en"], capture_output=True, text=True, timeout=60, check=False)
            assert done.returncode == 2 and "not a regular file" in done.stderr, done.stderr
    assert os.lstat(fifo).st_mode == mode  # neither replaced nor chmodded


def test_an_invalid_profile_typed_in_nfd_is_found_in_either_form(runner, tmp_path):
    nfd = unicodedata.normalize("NFD", "HỒ-SƠ-1")
    (tmp_path / "p.yaml").write_text(f"id: {nfd}\nfull_name: Lỗi\ngender: nam giới\nbirth_date: 1970-01-01\n",
                                     encoding="utf-8")
    shutil.copy(PROFILES / "dt-0001-nguyen-van-hung.yaml", tmp_path)
    assert runner.invoke(main, ["screen", str(tmp_path), "-q", "--format", "json"]).exit_code == 1
    for typed in (nfd, unicodedata.normalize("NFC", nfd)):
        why = runner.invoke(main, ["audit", "why", typed, "--lang", "en"])
        assert "invalid, not screened" in why.stdout and "Giới tính" in why.stdout, why.output


# -- a streamed run and a reader that pauses --------------------------------

def _waits_on_its_pipe(process) -> bool:
    """True while ``process`` is blocked writing to a full pipe (Linux /proc)."""
    try:
        return "pipe" in Path(f"/proc/{process.pid}/wchan").read_text()
    except OSError:
        return False


def _buffered(fd: int) -> int:
    return int.from_bytes(fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"), sys.byteorder)


@pytest.mark.slow
def test_a_streamed_run_waiting_on_its_reader_holds_no_lock(tmp_path, store):
    batch = tmp_path / "batch.jsonl"
    with batch.open("w") as out:
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "1500"], stdout=out, check=True)
    env = {**os.environ, "SANGLOC_AUDIT_DB": str(store)}
    cli = [sys.executable, str(ROOT / "cli.py")]
    stream = subprocess.Popen([*cli, "screen", str(batch), "--format", "jsonl", "-q"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 120
        while not _waits_on_its_pipe(stream) and time.monotonic() < deadline:  # the pipe fills up:
            time.sleep(0.01)                                                   # the run now waits on us
        assert _buffered(stream.stdout.fileno()) > 4096
        assert stream.poll() is None, "the run should be waiting on its reader"
        started = time.monotonic()
        other = subprocess.run([*cli, "screen", str(PROFILES), "--format", "json", "-q"], env=env,
                               capture_output=True, timeout=60, check=False)
        verify = subprocess.run([*cli, "audit", "verify", "--lang", "en"], env=env, capture_output=True,
                                text=True, timeout=60, check=False)
        assert other.returncode == 0 and verify.returncode == 0, (other.stderr, verify.stdout, verify.stderr)
        assert time.monotonic() - started < 30  # not the 60-second busy timeout
        assert stream.poll() is None  # still paused: the others did not wait for it
        lines = stream.stdout.read().splitlines()  # the reader resumes
        assert stream.wait(timeout=120) == 0 and json.loads(lines[-1])["kind"] == "summary"
    finally:
        if stream.poll() is None:
            stream.kill()
            stream.wait()
    done = subprocess.run([*cli, "audit", "verify", "--lang", "en"], env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and "2 runs" in done.stdout, done.stdout


# -- steps 2–5: process, tally and outcome records ------------------------------------------

def _edit_record(kind: str, change, where: str = ""):
    """Edit the first record of ``kind`` (``where`` narrows it: SQL on its body)."""
    def edit(db):
        seq, body = db.execute(f"SELECT seq, body FROM records WHERE kind = ? {where} ORDER BY seq LIMIT 1",
                               (kind,)).fetchone()
        record = json.loads(body)
        change(record)
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(record), seq))
    return edit


def _put(path: str, value):
    def change(record):
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        for part in parents:
            record = record[part]
        record[last] = value
    return change


def _drop(key: str):
    return lambda record: record.pop(key)


_STEP2 = "AND body LIKE '%\"step\":2,%' AND profile_id = 'DT-0001'"

#: One hostile change each to a process's records; the chain is recomputed after it.
PROCESS_HOSTILE = {
    "process: document not a process": _edit_record("process", _put("document", {"x": 1})),
    "process: document seats as text": _edit_record("process", _put("document.seats", "hai")),
    "process: document candidates numbers": _edit_record("process", _put("document.candidates", [1, 2])),
    "process: document of another process": _edit_record("process", _put("document.id", "P-khac")),
    "process: post a list": _edit_record("process", _put("post", [1])),
    "process: track a mapping": _edit_record("process", _put("track", {"a": 1})),
    "process: steps numbers": _edit_record("process", _put("steps", [1, 2])),
    "process: a sitting's name a number": _edit_record("process", _put("steps.1.sitting", {"vi": 5, "en": 5})),
    "process: created_utc not a time": _edit_record("process", _put("created_utc", "hôm qua")),
    "process: pack version a mapping": _edit_record("process", _put("pack.version", {"a": 1})),
    "process: pack without its id": _edit_record("process", lambda r: r["pack"].pop("id")),
    "process: recorded_late a text": _edit_record("process", _put("recorded_late", "có")),
    "process: escapes in the post, clerk and command": _edit_record("process", lambda r: r.update(
        post={"vi": "\x1b]0;x\x07\n  Bước 9 · giả", "en": "\x1b[2J"}, by="\x1b[2J\nroot", command="\u202esangloc")),
    "process: not an object": _set("UPDATE records SET body = '[1]' WHERE kind = 'process'"),
    "process: deleted": _set("DELETE FROM records WHERE kind = 'process'"),
    "tally: entry a text": _edit_record("tally", _put("entry", "x")),
    "tally: entry without its tally": _edit_record("tally", lambda r: r["entry"].pop("tally")),
    "tally: a vote negative": _edit_record("tally", _put("entry.tally.votes.DT-0001", -5)),
    "tally: a count a fraction": _edit_record("tally", _put("entry.tally.present", 1.5)),
    "tally: step as text": _edit_record("tally", _put("entry.step", "2")),
    "tally: step outside the process": _edit_record("tally", lambda r: (r["entry"].update(step=9),
                                                                        r["entry"]["tally"].update(step=9))),
    "tally: a candidate left out": _edit_record("tally", lambda r: r["entry"]["tally"]["votes"].pop("DT-0004")),
    "tally: entry number huge": _edit_record("tally", _put("entry.entry", 10 ** 30)),
    "tally: a date that is no day": _edit_record("tally", _put("entry.tally.date", "2020-02-30")),
    "tally: outcome a list": _edit_record("tally", _put("outcome", [1])),
    "tally: of another process": _edit_record("tally", _put("process_id", "P-khac")),
    "outcome: step as text": _edit_record("outcome", _put("step", "1")),
    "outcome: step a million": _edit_record("outcome", _put("step", 10 ** 6)),
    "outcome: admitted unknown": _edit_record("outcome", _put("admitted", "được mua")),
    "outcome: of missing": _edit_record("outcome", _drop("of")),
    "outcome: cleared on no day": _edit_record("outcome", _put("cleared", {"on": "hôm qua", "record": 5}),
                                               "AND profile_id = 'DT-0003'"),
    "outcome: cleared a list": _edit_record("outcome", _put("cleared", [1]), "AND profile_id = 'DT-0003'"),
    "outcome: escapes in the name, clerk and screening": _edit_record("outcome", lambda r: r.update(
        full_name="\x1b]52;c;eA==\x07\n  Bước 5 · giả", by="\x1b[2J\n  Bước 4 · giả", screening="\u202e\nx")),
    "outcome: votes as text": _edit_record("outcome", _put("votes", "nhiều"), _STEP2),
    "outcome: quorate missing": _edit_record("outcome", _drop("quorate"), _STEP2),
    "outcome: percent as text": _edit_record("outcome", _put("percent", "x"), _STEP2),
    "outcome: percent a million": _edit_record("outcome", _put("percent", 1e6), _STEP2),
    "outcome: a date that is no day": _edit_record("outcome", _put("date", "2020-02-30"), _STEP2),
    "outcome: at no time": _edit_record("outcome", _put("at", "x"), _STEP2),
    "outcome: flags a mapping": _edit_record("outcome", _put("flags", {"a": 1}), _STEP2),
    "outcome: flags numbers": _edit_record("outcome", _put("flags", [1]), _STEP2),
    "outcome: replaces as text": _edit_record("outcome", _put("replaces", "x"), _STEP2),
    "outcome: entry a mapping": _edit_record("outcome", _put("entry", {"a": 1}), _STEP2),
    "outcome: of another process": _edit_record("outcome", _put("process_id", "P-khac")),
    "outcome: deep JSON": _set("UPDATE records SET body = ? WHERE seq = (SELECT min(seq) FROM records "
                               "WHERE kind = 'outcome')", '{"process_id": "x", "step": 1, "a": ' + "[" * 50_000
                               + "]" * 50_000 + "}"),
    "tally: deep JSON": _set("UPDATE records SET body = ? WHERE seq = (SELECT min(seq) FROM records "
                             "WHERE kind = 'tally')", '{"process_id": "x", "entry": 1, "outcome": ' + "[" * 50_000
                             + "]" * 50_000 + "}"),
    "column: a process's run id a number": lambda db: (_loosen(db), db.execute(
        "UPDATE records SET run_id = 5 WHERE kind = 'process'")),
    "column: an outcome's body NULL": lambda db: (_loosen(db), db.execute(
        "UPDATE records SET body = NULL WHERE seq = (SELECT min(seq) FROM records WHERE kind = 'outcome')")),
}

#: Hostile content that is still well-formed: shown harmlessly, not a break of the store.
PROCESS_STORABLE = {"process: escapes in the post, clerk and command",
                    "outcome: escapes in the name, clerk and screening"}
#: Well-formed records whose figures no longer hold: verify checks form and wholeness; replay recomputes.
PROCESS_REPLAY_FINDS = {"tally: a candidate left out", "tally: step outside the process"}


def _set(sql: str, *params):  # noqa: F811 - the same helper as above, taking parameters
    return lambda db: db.execute(sql, params)


@pytest.fixture(scope="module")
def process_store(tmp_path_factory):
    """A store holding a screening and a whole five-step process (built once, copied per case)."""
    from click.testing import CliRunner

    from test_process import five_step_run

    folder = tmp_path_factory.mktemp("process-store")
    store = folder / "audit.sqlite"
    previous = os.environ.get("SANGLOC_AUDIT_DB"), os.getcwd()
    os.environ["SANGLOC_AUDIT_DB"] = str(store)
    try:
        out = five_step_run(CliRunner(), folder, _Chdir())
    finally:
        os.chdir(previous[1])
        if previous[0] is None:
            os.environ.pop("SANGLOC_AUDIT_DB", None)
        else:
            os.environ["SANGLOC_AUDIT_DB"] = previous[0]
    clean = folder / "clean.sqlite"
    with sqlite3.connect(store) as source, sqlite3.connect(clean) as copy:
        source.backup(copy)
    return clean, json.loads(out.read_text(encoding="utf-8"))["id"]


class _Chdir:
    @staticmethod
    def chdir(path):
        os.chdir(path)


@pytest.mark.parametrize("name", sorted(PROCESS_HOSTILE), ids=sorted(PROCESS_HOSTILE))
def test_hostile_process_records_under_every_audit_command(runner, store, process_store, name):
    clean, process_id = process_store
    with sqlite3.connect(clean) as source, sqlite3.connect(store) as copy:
        source.backup(copy)
    with sqlite3.connect(store) as db:
        PROCESS_HOSTILE[name](db)
        _rechain(db)
    for args in (["audit", "why", "DT-0001"], ["audit", "why", "DT-0003"], ["audit", "why", "DT-0001", "--format",
                                                                             "json"],
                 ["audit", "replay", process_id], ["audit", "verify"], ["audit", "runs"], ["audit", "show", "1"]):
        for lang in ("en", "vi"):
            result = runner.invoke(main, [*args, "--lang", lang])
            assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
            assert result.exit_code in (0, 1, 2), (args, result.output)
            assert "Traceback" not in result.output
            terminal_safe(result.stdout)
            terminal_safe(result.stderr)
            assert not [line for line in result.stdout.splitlines() if line.lstrip().startswith("Bước")
                        and "giả" in line], result.stdout  # no line forged by a value
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    if name in PROCESS_REPLAY_FINDS:
        replay = runner.invoke(main, ["audit", "replay", process_id, "--lang", "en"])
        assert replay.exit_code == 1 and "DIFFERS: entry 2" in replay.stdout, replay.output
    elif name not in PROCESS_STORABLE:
        assert verify.exit_code in (1, 2), verify.output
        assert "BROKEN" in verify.stdout or "Error" in verify.stderr
        why = runner.invoke(main, ["audit", "why", "DT-0001", "--lang", "en"])
        replay = runner.invoke(main, ["audit", "replay", process_id, "--lang", "en"])
        assert why.exit_code != 0 or replay.exit_code != 0 or "DIFFERS" in replay.stdout, (why.output, replay.output)
    else:
        assert verify.exit_code == 0, verify.output


def test_a_damaged_process_record_is_named(runner, store, process_store):
    clean, process_id = process_store
    with sqlite3.connect(clean) as source, sqlite3.connect(store) as copy:
        source.backup(copy)
    with sqlite3.connect(store) as db:
        seq = db.execute(f"SELECT seq FROM records WHERE kind = 'outcome' {_STEP2}").fetchone()[0]
        _edit_record("outcome", _put("percent", "x"), _STEP2)(db)
        _rechain(db)
    why = runner.invoke(main, ["audit", "why", "DT-0001", "--lang", "en"])
    assert why.exit_code == 2 and f"audit record {seq} is damaged (percent" in why.stderr, why.output
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    assert verify.exit_code == 1 and f"record {seq} has invalid content (percent" in verify.stdout, verify.output


def test_a_process_started_without_audit_and_learnt_later_verifies(runner, tmp_path):
    """Nothing of it is in the store before its first audited entry (not even the screening's
    pack): the store learns the process there, and verify, why and replay all hold."""
    import yaml

    from test_process import BASE

    screening = tmp_path / "s.json"
    assert runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-o", str(screening), "-q",
                                "--no-audit"]).exit_code == 0
    process = tmp_path / "q.json"
    assert runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(process), "--no-audit",
                                "--cleared", "DT-0003", "--cleared", "DT-0004", "--cleared-on", "2020-08-25",
                                "-q"]).exit_code == 0
    sheet = tmp_path / "t.yaml"
    sheet.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    assert runner.invoke(main, ["process", "record", str(process), "--step", "2", "--tally", str(sheet),
                                "-q"]).exit_code == 0
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    assert verify.exit_code == 0 and verify.stdout.startswith("Intact: 12 records"), verify.output
    process_id = json.loads(process.read_text(encoding="utf-8"))["id"]
    replay = runner.invoke(main, ["audit", "replay", process_id, "--lang", "en"])
    assert replay.exit_code == 0 and "1 tally entries, 0 differ" in replay.stdout, replay.output
    assert "Step 2 · Conference of key cadres" in runner.invoke(main, ["audit", "why", "DT-0001", "--lang",
                                                                        "en"]).stdout
    with sqlite3.connect(tmp_path / "audit.sqlite") as db:  # a pack deleted from a process that had one is found
        db.execute("UPDATE records SET body = replace(body, '\"recorded_late\":true', '\"recorded_late\":false') "
                   "WHERE kind = 'process'")
        _rechain(db)
    broken = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    assert broken.exit_code == 1 and "no longer holds its pack" in broken.stdout, broken.output


@pytest.mark.parametrize("content", [b"x", b"notes\n", b"SQLite format"], ids=["one byte", "a note", "a header cut short"])
def test_a_short_file_that_is_no_database_is_never_made_a_store(runner, tmp_path, content):
    """Found by a probe: SQLite takes a file shorter than its header for an empty database and
    writes a store over it."""
    other = tmp_path / "ghi-chu.sqlite"
    other.write_bytes(content)
    result = runner.invoke(main, ["screen", str(PROFILES), "-q", "--audit-db", str(other), "--lang", "en"])
    assert result.exit_code == 2 and "is some other file, not a sangloc audit store" in result.stderr
    assert other.read_bytes() == content
