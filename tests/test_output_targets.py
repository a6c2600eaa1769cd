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
