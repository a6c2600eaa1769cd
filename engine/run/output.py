"""Writing an output where the user asked: stdout, or a file written whole or not at all.

A file is written to a temporary file beside it and renamed into place only
when the run completes, so a run killed midway leaves the previous file
intact; nothing is ever written over something that is not an output.
"""

from __future__ import annotations

import os
import sys
import tempfile

from ..errors import UsageError


class Output:
    """A text or binary stream to stdout, or to ``path`` through a temp file renamed into place."""

    def __init__(self, path: str | None, binary: bool = False):
        self.path = path
        self.binary = binary
        self.temp = None
        self.stream = None

    def __enter__(self):
        if self.path is None:
            return sys.stdout.buffer if self.binary else sys.stdout
        folder = os.path.dirname(os.path.abspath(self.path))
        try:
            handle, self.temp = tempfile.mkstemp(prefix=".sangloc-", suffix=".tmp", dir=folder)
        except OSError as err:
            raise UsageError("output_unwritable", {"path": self.path, "reason": err.strerror or str(err)}) from None
        self.stream = (os.fdopen(handle, "wb") if self.binary
                       else os.fdopen(handle, "w", encoding="utf-8", newline=""))
        return self.stream

    def __exit__(self, kind, value, traceback):
        if self.path is None:
            (sys.stdout.buffer if self.binary else sys.stdout).flush()
            return False
        try:
            if kind is None:
                self.stream.flush()
                os.fsync(self.stream.fileno())
            self.stream.close()
            if kind is None:
                # mkstemp makes the file private; a result is as readable as any file the user writes.
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temp, 0o666 & ~umask)
                os.replace(self.temp, self.path)
        except OSError as err:
            raise UsageError("output_unwritable", {"path": self.path, "reason": err.strerror or str(err)}) from None
        finally:
            if os.path.exists(self.temp):
                os.unlink(self.temp)
        return False


def write(content: str | bytes, path: str | None) -> None:
    """All of ``content`` to stdout, or to ``path`` atomically."""
    with Output(path, binary=isinstance(content, bytes)) as stream:
        stream.write(content)
