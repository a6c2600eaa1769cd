"""What --output may name (issue 14): a new or regular file that is nothing the
run must keep; a FIFO, a character device or `-` written directly; anything
else a usage error with a message. One table, one row per kind of target."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sangloc.engine.commands.main import main
from conftest import PROFILES, ROOT

PROFILE = PROFILES / "dt-0001-nguyen-van-hung.yaml"


def _store(path: Path) -> Path:
    """A real sangloc audit store at ``path`` (any name)."""
    from sangloc.engine.run.audit import connect

    connect(path).close()
    return path


def _sqlite(path: Path) -> Path:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE contacts (name TEXT)")
    return path


def _copy_profiles(tmp: Path) -> Path:
    shutil.copytree(PROFILES, tmp / "in")
    return tmp / "in"


#: (id, make(tmp) -> (inputs, output path), refused words or None when it must be written)
REFUSED = [
    ("the audit store under another name", lambda t: ([PROFILE], _store(t / "old-audit.db")), "audit store"),
    ("the configured audit store, not created yet", lambda t: ([PROFILE], t / "audit.sqlite"), "audit store"),
    ("a hard link to the configured audit store", lambda t: ([PROFILE], _hard_store(t)), "audit store"),
    ("a side file of the audit store", lambda t: ([PROFILE], Path(f"{_store(t / 'kept.sqlite')}-wal")), "audit store"),
    ("another SQLite database", lambda t: ([PROFILE], _sqlite(t / "contacts.csv")), "SQLite database"),
    ("a profile of the run", lambda t: ([_copy_profiles(t)], t / "in" / PROFILE.name), "input of this run"),
    ("a hard link to a profile", lambda t: ([_copy_profiles(t)], _link(t, hard=True)), "input of this run"),
    ("a symbolic link to a profile", lambda t: ([_copy_profiles(t)], _link(t, hard=False)), "input of this run"),
    ("a file of the rule pack", lambda t: ([PROFILE], _pack_file(t)), "input of this run"),
    ("a new file among devices", lambda t: ([PROFILE], Path("/dev/sangloc-test-output")), "among the system's devices"),
]


def _hard_store(tmp: Path) -> Path:
    os.link(_store(tmp / "audit.sqlite"), tmp / "results.csv")  # tmp/audit.sqlite: the store conftest configures
    return tmp / "results.csv"


def _link(tmp: Path, hard: bool) -> Path:
    link = tmp / "link.csv"
    (os.link if hard else os.symlink)(tmp / "in" / PROFILE.name, link)
    return link


def _pack_file(tmp: Path) -> Path:
    shutil.copytree(ROOT / "rules" / "pho-bi-thu-tinh-uy-2020", tmp / "pack")
    return tmp / "pack" / "catalog.yaml"


def _snapshot(path: Path):
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return None
    return info.st_mode, info.st_ino, path.read_bytes() if stat.S_ISREG(info.st_mode) else None


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
@pytest.mark.parametrize("name,make,words", REFUSED, ids=[r[0] for r in REFUSED])
def test_output_never_replaces_what_the_run_must_keep(runner, tmp_path, name, make, words, fmt):
    inputs, output = make(tmp_path)
    rules = ["--rules", str(tmp_path / "pack")] if (tmp_path / "pack").exists() else []
    before = _snapshot(output)
    result = runner.invoke(main, ["screen", *map(str, inputs), *rules, "--format", fmt, "--output", str(output),
                                  "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert _snapshot(output) == before
    if output.parent != Path("/dev"):
        assert not [p for p in output.parent.iterdir() if p.name.startswith(".sangloc-")]
    vi = runner.invoke(main, ["screen", *map(str, inputs), *rules, "--format", fmt, "--output", str(output)])
    assert vi.exit_code == 2 and "--output" in vi.stderr and "Lỗi:" in vi.stderr


@pytest.mark.parametrize("command", [["memo", str(PROFILE), "--format", "md"],
                                     ["explain", "DT-0001", str(PROFILE)],
                                     ["diff", str(PROFILE), "--rules", "pho-bi-thu-tinh-uy-2020",
                                      "--rules", "pho-bi-thu-tinh-uy-2020"]])
def test_every_command_with_output_refuses_the_store(runner, tmp_path, command):
    store = _store(tmp_path / "audit.sqlite")
    before = store.read_bytes()
    result = runner.invoke(main, [*command, "--output", str(store), "--lang", "en"])
    assert result.exit_code == 2 and "audit store" in result.stderr
    assert store.read_bytes() == before


def test_a_new_file_is_written_and_an_existing_one_keeps_its_permissions(runner, tmp_path):
    new = tmp_path / "ket-qua.csv"
    assert runner.invoke(main, ["screen", str(PROFILES), "--format", "csv", "-o", str(new)]).exit_code == 0
    assert new.read_text(encoding="utf-8").startswith("\ufeffMã hồ sơ,")
    private = tmp_path / "rieng.json"
    private.write_text("old", encoding="utf-8")
    private.chmod(0o600)
    assert runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-o", str(private)]).exit_code == 0
    assert private.read_text(encoding="utf-8").startswith("{") and stat.S_IMODE(private.stat().st_mode) == 0o600
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sangloc-")]


def test_a_folder_is_refused(runner, tmp_path):
    result = runner.invoke(main, ["screen", str(PROFILE), "--format", "csv", "-o", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 2 and tmp_path.is_dir()


def _cli(*args, **kwargs):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, timeout=120,
                          check=False, **kwargs)


def test_a_fifo_is_written_directly_and_stays_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = _cli("screen", str(PROFILES), "--format", "csv", "-q", "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert received and received[0].startswith("\ufeffMã hồ sơ,".encode())
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_a_fifo_nobody_reads_is_an_error_not_a_hang(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = _cli("screen", str(PROFILES), "--format", "csv", "-q", "--lang", "en", "-o", str(fifo), cwd=tmp_path)
    assert done.returncode == 2 and b"nobody is reading" in done.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/fd/1"])
def test_stdout_by_any_name_is_written_directly(tmp_path, name):
    done = _cli("screen", str(PROFILES), "--format", "csv", "-q", "-o", name, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("\ufeffMã hồ sơ,".encode())
    with (tmp_path / "out.csv").open("wb") as out:  # stdout redirected to a file: appended to, not replaced
        out.write(b"kept\n")
    with (tmp_path / "out.csv").open("ab") as out:
        subprocess.run([sys.executable, str(ROOT / "cli.py"), "screen", str(PROFILES), "--format", "csv", "-q",
                        "-o", name], stdout=out, cwd=tmp_path, timeout=120, check=True)
    assert (tmp_path / "out.csv").read_bytes().startswith("kept\n\ufeffMã hồ sơ,".encode())


def test_dev_null_stays_a_device(tmp_path):
    before = os.stat("/dev/null")
    done = _cli("screen", str(PROFILES), "--format", "json", "-q", "-o", "/dev/null", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and (after.st_ino, after.st_mode) == (before.st_ino, before.st_mode)


# -- steps 2–5: the process file, its minutes and its status ---------------------------

def _process(runner, tmp: Path) -> dict:
    """A process recorded to step 2 from absolute paths: {name: path} of what it was made from."""
    import yaml

    from test_process import BASE

    screening = tmp / "ket-qua.json"
    assert runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-o", str(screening), "-q"]).exit_code == 0
    process = tmp / "quy-trinh.json"
    result = runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(process), "-q",
                                  "--cleared", "DT-0003", "--cleared", "DT-0004", "--cleared-on", "2020-08-25"])
    assert result.exit_code == 0, result.output
    sheet = tmp / "buoc-2.yaml"
    sheet.write_text(yaml.safe_dump(BASE), encoding="utf-8")
    assert runner.invoke(main, ["process", "record", str(process), "--step", "2", "--tally", str(sheet),
                                "-q"]).exit_code == 0
    return {"screening": screening, "process": process, "sheet": sheet}


#: (id, make(tmp, files) -> output path, refused words) for `process status --output`.
STATUS_REFUSED = [
    ("the process file itself", lambda t, f: f["process"], "input of this run"),
    ("a link to the process file", lambda t, f: _linked(t, f["process"]), "input of this run"),
    ("the screening the process started from", lambda t, f: f["screening"], "input of this run"),
    ("a tally sheet the journal names", lambda t, f: f["sheet"], "input of this run"),
    ("the audit store", lambda t, f: t / "audit.sqlite", "audit store"),
    ("the audit store under another name", lambda t, f: _store(t / "cu.db"), "audit store"),
    ("another SQLite database", lambda t, f: _sqlite(t / "danh-ba.md"), "SQLite database"),
    ("a new file among devices", lambda t, f: Path("/dev/sangloc-test-minutes"), "among the system's devices"),
    ("a folder", lambda t, f: t, "is a directory"),
]


def _linked(tmp: Path, target: Path) -> Path:
    (tmp / "bien-ban.md").symlink_to(target)
    return tmp / "bien-ban.md"


@pytest.mark.parametrize("fmt", ["table", "json", "md", "html", "docx"])
@pytest.mark.parametrize("name,make,words", STATUS_REFUSED, ids=[r[0] for r in STATUS_REFUSED])
def test_process_status_never_writes_over_what_the_process_keeps(runner, tmp_path, name, make, words, fmt):
    files = _process(runner, tmp_path)
    output = make(tmp_path, files)
    kept = {key: path.read_bytes() for key, path in files.items()}
    before = _snapshot(output)
    result = runner.invoke(main, ["process", "status", str(files["process"]), "--format", fmt, "-o", str(output),
                                  "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output, result.stderr
    assert _snapshot(output) == before
    assert {key: path.read_bytes() for key, path in files.items()} == kept
    if output.parent != Path("/dev"):
        assert not [p for p in output.parent.iterdir() if p.name.startswith(".sangloc-")]


def _pack_copy(tmp: Path) -> Path:
    shutil.copytree(ROOT / "rules" / "pho-bi-thu-tinh-uy-2020", tmp / "pack")
    return tmp / "pack" / "pack.yaml"


#: (id, make(tmp, files) -> output path, extra init arguments, refused words) for `process init --output`.
INIT_REFUSED = [
    ("the screening", lambda t, f: f["screening"], [], "input of this run"),
    ("a file of the rule pack", lambda t, f: _pack_copy(t), ["--rules", "{tmp}/pack"], "input of this run"),
    ("the audit store", lambda t, f: t / "audit.sqlite", [], "audit store"),
    ("the configured store, not created yet", lambda t, f: t / "audit.sqlite", ["--no-audit", "--fresh-store"],
     "audit store"),
    ("another SQLite database", lambda t, f: _sqlite(t / "q.json"), [], "SQLite database"),
    ("an existing process", lambda t, f: f["process"], [], "already exists"),
    ("a new file among devices", lambda t, f: Path("/dev/sangloc-test-process"), [], "among the system's devices"),
]


@pytest.mark.parametrize("name,make,extra,words", INIT_REFUSED, ids=[r[0] for r in INIT_REFUSED])
def test_process_init_never_writes_over_anything(runner, tmp_path, monkeypatch, name, make, extra, words):
    files = _process(runner, tmp_path)
    output = make(tmp_path, files)
    extra = [e.replace("{tmp}", str(tmp_path)) for e in extra]
    if "--fresh-store" in extra:  # the store the run would record into, before anything created it
        extra.remove("--fresh-store")
        (tmp_path / "audit.sqlite").unlink()
    kept = {key: path.read_bytes() for key, path in files.items()}
    before = _snapshot(output)
    result = runner.invoke(main, ["process", "init", "--from", str(files["screening"]), "--output", str(output),
                                  "--lang", "en", *extra])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.output, result.stderr
    assert _snapshot(output) == before
    assert {key: path.read_bytes() for key, path in files.items()} == kept


def test_a_process_file_is_rewritten_where_it_is_whatever_names_it(tmp_path, runner):
    """`process record /dev/stdin < quy-trinh.json` or a link: the file itself is replaced
    whole, never appended to through the descriptor, never replaced by a link."""
    files = _process(runner, tmp_path)
    process = files["process"]
    link = tmp_path / "link.json"
    link.symlink_to(process)
    import yaml

    from test_process import BASE

    sheet = tmp_path / "buoc-3.yaml"
    sheet.write_text(yaml.safe_dump({**BASE, "step": 3, "votes": {"DT-0001": 98, "DT-0002": 79, "DT-0003": 61}}),
                     encoding="utf-8")
    with process.open("rb") as stdin:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "process", "record", "/dev/stdin", "--step", "3",
                               "--tally", str(sheet), "-q"], stdin=stdin, capture_output=True, text=True, timeout=120,
                              cwd=tmp_path, env={**os.environ, "SANGLOC_AUDIT_DB": str(tmp_path / "audit.sqlite")})
    assert done.returncode == 0, done.stderr
    import json

    doc = json.loads(process.read_text(encoding="utf-8"))  # one document, three entries
    assert [e["kind"] for e in doc["journal"]] == ["init", "tally", "tally"]
    assert link.is_symlink() and os.path.samefile(link, process)
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for command in (["record", str(fifo), "--step", "4", "--tally", str(sheet)], ["status", str(fifo)]):
        refused = _cli("process", *command, "--lang", "en", cwd=tmp_path)
        assert refused.returncode == 2 and b"is not a regular file" in refused.stderr, refused.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


@pytest.mark.parametrize("fmt", ["json", "md", "html", "docx"])
def test_minutes_and_a_new_process_go_to_a_fifo_directly(tmp_path, runner, fmt):
    files = _process(runner, tmp_path)
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = _cli("process", "status", str(files["process"]), "--format", fmt, "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert received and received[0][:2] in (b"{\n", b"# ", b"<!", b"PK")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    received.clear()
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    done = _cli("process", "init", "--from", str(files["screening"]), "-o", str(fifo), "--no-audit", cwd=tmp_path)
    reader.join(timeout=60)
    assert done.returncode == 0, done.stderr
    assert received and b'"format": "sangloc-process/1"' in received[0]
    nobody = _cli("process", "status", str(files["process"]), "--format", fmt, "-o", str(fifo), "--lang", "en",
                  cwd=tmp_path)
    assert nobody.returncode == 2 and b"nobody is reading" in nobody.stderr


@pytest.mark.parametrize("name", ["-", "/dev/stdout", "/dev/fd/1"])
def test_minutes_and_a_new_process_go_to_stdout_by_any_name(tmp_path, runner, name):
    files = _process(runner, tmp_path)
    done = _cli("process", "status", str(files["process"]), "--format", "md", "-o", name, cwd=tmp_path)
    assert done.returncode == 0 and done.stdout.startswith("# Kết quả các bước".encode()), done.stderr
    started = _cli("process", "init", "--from", str(files["screening"]), "-o", name, "--no-audit", "-q", cwd=tmp_path)
    assert started.returncode == 0 and b'"format": "sangloc-process/1"' in started.stdout, started.stderr
    null = _cli("process", "status", str(files["process"]), "--format", "docx", "-o", "/dev/null", cwd=tmp_path)
    assert null.returncode == 0 and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def _profile_copy(tmp_path: Path) -> tuple[Path, bytes]:
    copy = tmp_path / PROFILE.name  # the name import would give it
    shutil.copy(PROFILE, copy)
    return copy, copy.read_bytes()


@pytest.mark.parametrize("args,words", [
    (["export", "{p}", "--output", "{p}"], "--output '{p}' là tệp đầu vào của lần chạy này"),
    (["import", "{dir}", "--output", "{dir}"], "là tệp đầu vào của lần chạy này"),
    (["memo", "{p}", "--no-audit", "-o", "{dir}/m.md", "--errors", "{p}"], "--errors '{p}' là tệp đầu vào"),
    (["memo", "{p}", "--no-audit", "-o", "{dir}/m.md", "--errors", "{dir}/m.md"],
     "--errors '{dir}/m.md' trùng với tệp kết quả khác của lần chạy này"),
], ids=["export over its input", "import into the folder it reads", "memo errors over an input",
        "memo errors over the memo"])
def test_no_output_of_any_command_replaces_an_input_or_another_output(runner, tmp_path, args, words):
    """Found by a probe: export, import and memo --errors wrote over the profiles they read, or
    over the memo just written."""
    profile, before = _profile_copy(tmp_path)
    fill = {"p": str(profile), "dir": str(tmp_path)}
    result = runner.invoke(main, [a.format(**fill) for a in args])
    assert result.exit_code == 2, result.output
    assert words.format(**fill) in result.stderr
    assert profile.read_bytes() == before and not (tmp_path / "m.md").exists()


def test_a_missing_folder_or_a_trailing_slash_is_refused_before_anything_is_recorded(runner, tmp_path, monkeypatch):
    store = tmp_path / "audit.sqlite"
    monkeypatch.setenv("SANGLOC_AUDIT_DB", str(store))
    missing = runner.invoke(main, ["screen", str(PROFILE), "-o", str(tmp_path / "chua-co" / "kq.json"), "--lang", "en"])
    assert missing.exit_code == 2 and "the folder" in missing.stderr and "does not exist" in missing.stderr
    slash = runner.invoke(main, ["screen", str(PROFILE), "-o", str(tmp_path / "ket-qua") + "/"])
    assert slash.exit_code == 2 and "là một thư mục" in slash.stderr
    assert not (tmp_path / "ket-qua").exists() and not store.exists()
