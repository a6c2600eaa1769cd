"""Writing an output where the user asked: stdout, or a file written whole or not at all.

What ``--output`` may name (checked before any work is done, and again just
before the file is put in place):

* nothing yet: a new file, written to a temporary file beside it and renamed
  into place when the run completes, so a run killed midway leaves nothing;
* a regular file: replaced the same way (keeping its permissions), unless it
  is an input of the run (a profile, a file of the rule pack), the audit
  store, or any SQLite database or one of SQLite's side files (``-wal``,
  ``-shm``, ``-journal``) — recognised by content and identity, not by name,
  so a tab-completion slip cannot replace the store with a CSV;
* ``-``, a FIFO, a character device (``/dev/null``, a terminal) or a path that
  names a file descriptor (``/dev/stdout``, ``/dev/fd/N``): written directly,
  never renamed over (renaming would put a regular file in the pipe's place);
  a FIFO nobody reads is an error, not a hang;
* anything else (a folder, a block device, a socket) is a usage error.

Every text written passes through :func:`engine.escape.visible` on its way
out: a control character a renderer let through is shown, never obeyed.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from ..errors import UsageError
from ..escape import one_line, visible

_SQLITE_MAGIC = b"SQLite format 3\x00"
_WAL_MAGIC = (b"\x37\x7f\x06\x82", b"\x37\x7f\x06\x83")
_JOURNAL_MAGIC = b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"
_SIDE_SUFFIXES = ("-wal", "-shm", "-journal")
#: Paths that name an open file descriptor rather than a file of their own.
_DESCRIPTOR_PREFIXES = ("/dev/", "/proc/")


@dataclass
class Target:
    """Where an output goes, once the rules above allowed it."""

    #: As the user wrote it; None means stdout.
    path: str | None
    #: Written directly (stdout, a FIFO, a device, a descriptor path), not through a renamed temp file.
    direct: bool = False
    #: The file a renamed temp file replaces (symbolic links resolved).
    real: str | None = None
    #: Identities (device, inode) and folders the run reads: never written over.
    protected: set = field(default_factory=set)
    folders: tuple = ()
    #: The identity of the audit store the run records into (any name, any link to it).
    store: tuple | None = None
    #: The option that named it, for the messages (``--output``, ``--errors``).
    option: str = "--output"


def _identity(path) -> tuple[int, int] | None:
    try:
        info = os.stat(path)
    except (OSError, ValueError):
        return None
    return info.st_dev, info.st_ino


def _refuse(path: str, code: str, option: str = "--output", **params) -> UsageError:
    return UsageError(code, {"path": one_line(path), "option": option, **params})


def sqlite_kind(path: str) -> str | None:
    """'store' for a sangloc audit store, 'sqlite' for any other SQLite database or
    side file, None otherwise: read from the file's content, never its name."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(16)
    except OSError:
        return None
    for suffix in _SIDE_SUFFIXES:
        if path.endswith(suffix) and sqlite_kind(path[: -len(suffix)]) is not None:
            return sqlite_kind(path[: -len(suffix)])
    if head[:4] in _WAL_MAGIC or head[:8] == _JOURNAL_MAGIC:
        return "sqlite"
    if head != _SQLITE_MAGIC:
        return None
    return "store" if _is_sangloc_store(path) else "sqlite"


def _is_sangloc_store(path: str) -> bool:
    # immutable: nothing is locked, created or written beside the file to look into it.
    try:
        db = sqlite3.connect(f"file:{quote(os.path.abspath(path))}?immutable=1", uri=True, timeout=0.5)
        try:
            row = db.execute("SELECT value FROM meta WHERE key = 'application'").fetchone()
        finally:
            db.close()
    except sqlite3.Error:
        return False
    return bool(row) and row[0] == "sangloc"


def output_target(path: str | None, inputs=(), folders=(), audit_store=None, option: str = "--output",
                  others=()) -> Target:
    """Where ``--output path`` (or ``option path``) may be written, or the usage error saying why not.

    ``inputs`` are the files the run reads, ``folders`` the folders whose files it reads
    (a rule pack's), ``audit_store`` the store it records into, ``others`` the other files
    it writes (the memo, for ``--errors``)."""
    if path is None or path == "-":
        return Target(None, direct=True, option=option)
    protected = {i for i in (_identity(p) for p in inputs) if i}
    folders = tuple(os.path.realpath(f) for f in folders)
    target = Target(path, protected=protected, folders=folders,
                    store=_identity(audit_store) if audit_store is not None else None, option=option)
    if audit_store is not None and os.path.realpath(path) == os.path.realpath(audit_store):
        raise _refuse(path, "output_is_store", option)
    if os.path.realpath(path) in {os.path.realpath(p) for p in others}:  # written twice: one would be lost
        raise _refuse(path, "output_is_other_output", option)
    try:
        info = os.stat(path)
    except FileNotFoundError:
        target.real = os.path.realpath(path)
        if os.path.abspath(path).startswith(_DESCRIPTOR_PREFIXES) or target.real.startswith(_DESCRIPTOR_PREFIXES):
            raise _refuse(path, "output_among_devices", option) from None
        if path.endswith(("/", os.sep)):  # `-o ket-qua/`: a folder meant, not a file named ket-qua
            raise _refuse(path, "output_is_folder", option) from None
        for suffix in _SIDE_SUFFIXES:  # a store's side file that SQLite would read next time
            if target.real.endswith(suffix) and sqlite_kind(target.real[: -len(suffix)]) is not None:
                raise _refuse(path, "output_is_store" if sqlite_kind(target.real[: -len(suffix)]) == "store"
                              else "output_is_database", option) from None
        parent = os.path.dirname(target.real)
        if not os.path.isdir(parent):  # said before the run is worked out and recorded, not after
            raise _refuse(path, "output_no_folder", option, folder=one_line(os.path.dirname(path) or ".")) from None
        return target
    except OSError as err:
        raise _refuse(path, "output_unwritable", reason=err.strerror or str(err)) from None
    mode = info.st_mode
    if stat.S_ISDIR(mode):
        raise _refuse(path, "output_is_folder", option)
    if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode):
        target.direct = True
        return target
    if not stat.S_ISREG(mode):
        raise _refuse(path, "output_special_file", option)
    if os.path.abspath(path).startswith(_DESCRIPTOR_PREFIXES):
        target.direct = True  # /dev/stdout redirected to a file: the shell's file, written in place
    else:
        target.real = os.path.realpath(path)
    _check_regular(target, path)
    return target



def _check_regular(target: Target, path: str) -> None:
    """An existing regular file may be replaced only if it is nothing the run must keep."""
    identity = _identity(path)
    if identity is not None and identity == target.store:
        raise _refuse(target.path, "output_is_store", target.option)
    if identity is not None and identity in target.protected:
        raise _refuse(target.path, "output_is_input", target.option)
    real = os.path.realpath(path)
    if identity is not None and any(real.startswith(folder + os.sep) for folder in target.folders):
        raise _refuse(target.path, "output_is_input", target.option)
    kind = sqlite_kind(real)
    if kind == "store":
        raise _refuse(target.path, "output_is_store", target.option)
    if kind == "sqlite":
        raise _refuse(target.path, "output_is_database", target.option)


def _open_direct(target: Target):
    """A descriptor open for writing on a FIFO, a device or a descriptor path, without
    creating or renaming anything; a FIFO nobody reads is refused instead of waited on."""
    flags = os.O_WRONLY | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(target.path, flags)
    except OSError as err:
        if err.errno == errno.ENXIO:
            raise _refuse(target.path, "output_no_reader", target.option) from None
        raise _refuse(target.path, "output_unwritable", reason=err.strerror or str(err)) from None
    try:
        os.set_blocking(fd, True)
        mode = os.fstat(fd).st_mode
        if stat.S_ISREG(mode):
            _check_regular(target, target.path)
            os.lseek(fd, 0, os.SEEK_END)  # `>>` keeps what was there; `>` has emptied it already
        elif not (stat.S_ISFIFO(mode) or stat.S_ISCHR(mode)):
            raise _refuse(target.path, "output_special_file", target.option)
    except BaseException:
        os.close(fd)
        raise
    return fd


_FILE_BUFFER = 1 << 16


class _Visible:
    """A text stream whose every write is made visible (engine/escape.py)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text: str) -> int:
        return self.stream.write(visible(text))

    def flush(self) -> None:
        self.stream.flush()


class Output:
    """A text or binary stream to stdout, to a special file directly, or to a regular
    file through a temp file renamed into place."""

    def __init__(self, target: Target | str | None, binary: bool = False):
        self.target = target if isinstance(target, Target) or target is None else output_target(target)
        if self.target is None:
            self.target = Target(None, direct=True)
        self.path = self.target.path
        self.binary = binary
        self.temp = None
        self.stream = None
        self.fd = None

    def __enter__(self):
        if self.path is None:
            return sys.stdout.buffer if self.binary else _Visible(sys.stdout)
        if self.target.direct:
            self.fd = _open_direct(self.target)
            self.stream = (os.fdopen(self.fd, "wb") if self.binary
                           else os.fdopen(self.fd, "w", encoding="utf-8", newline=""))
            return self.stream if self.binary else _Visible(self.stream)
        folder = os.path.dirname(self.target.real)
        try:
            handle, self.temp = tempfile.mkstemp(prefix=".sangloc-", suffix=".tmp", dir=folder)
        except OSError as err:
            raise _refuse(self.path, "output_unwritable", reason=err.strerror or str(err)) from None
        # Nobody reads the temp file before it is renamed into place: it is written in pieces
        # of 64 KB (a JSON Lines result takes a few KB: one system call per line otherwise).
        self.stream = (os.fdopen(handle, "wb", buffering=_FILE_BUFFER) if self.binary
                       else os.fdopen(handle, "w", encoding="utf-8", newline="", buffering=_FILE_BUFFER))
        return self.stream if self.binary else _Visible(self.stream)

    def __exit__(self, kind, value, traceback):
        if self.path is None:
            (sys.stdout.buffer if self.binary else sys.stdout).flush()
            return False
        if self.target.direct:
            try:
                self.stream.close()
            except OSError as err:
                if kind is None:
                    raise _refuse(self.path, "output_unwritable", reason=err.strerror or str(err)) from None
            return False
        try:
            if kind is None:
                self.stream.flush()
                os.fsync(self.stream.fileno())
            self.stream.close()
            if kind is None:
                self._put_in_place()
        except OSError as err:
            raise _refuse(self.path, "output_unwritable", reason=err.strerror or str(err)) from None
        finally:
            if os.path.exists(self.temp):
                os.unlink(self.temp)
        return False

    def _put_in_place(self) -> None:
        real = self.target.real
        try:
            info = os.lstat(real)
        except FileNotFoundError:
            info = None
        if info is not None:
            # Something may have appeared there while the run worked: the same rules again.
            if not stat.S_ISREG(info.st_mode):
                raise _refuse(self.path, "output_special_file", self.target.option)
            _check_regular(self.target, real)
            mode = stat.S_IMODE(info.st_mode) & 0o777  # an existing file keeps its permissions
        else:
            # mkstemp makes the file private; a new result is as readable as any file the user writes.
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        os.chmod(self.temp, mode)
        os.replace(self.temp, real)


def write(content: str | bytes, target: Target | str | None) -> None:
    """All of ``content`` to stdout, or to ``target`` (see the rules above)."""
    with Output(target, binary=isinstance(content, bytes)) as stream:
        stream.write(content)


def run_inputs(screening=None, pack=None) -> dict:
    """What a run reads, for :func:`output_target`: its profile files and its pack's folder."""
    inputs, folders = [], []
    if screening is not None:
        inputs += list(screening.files)
    if pack is not None and getattr(pack, "path", None) is not None and Path(pack.path).is_dir():
        folders.append(str(pack.path))
    return {"inputs": inputs, "folders": folders}
