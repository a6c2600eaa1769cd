"""Lines sorted by a key, in bounded memory: what an output sorted by profile id
holds while a run goes on.

Lines are kept in memory up to a bound, then written, sorted, to a private
temporary file (a "run"); reading merges the runs in key order.  Memory is
the bound plus a read buffer per run, whatever the batch.  A key holds no
tab or newline (profile ids cannot); a line may hold anything (a CSV row
with a line break in a cell is escaped in the file and restored).
"""

from __future__ import annotations

import heapq
import re
import tempfile
from typing import Iterator

#: Characters held in memory before a sorted run is written out.
LIMIT = 8_000_000
#: The read buffer of each run.
_BUFFER = 4096


class SortedSpool:
    """``add(key, line)``; then iterate (key, line) in key order (each key once: profile ids are unique)."""

    def __init__(self, limit: int = LIMIT):
        self.limit = limit
        self.batch: list[tuple[str, str]] = []
        self.held = 0
        self.runs: list = []
        self.count = 0

    def add(self, key: str, line: str) -> None:
        self.batch.append((key, line))
        self.count += 1
        self.held += len(key) + len(line) + 64
        if self.held >= self.limit:
            self._spill()

    def _spill(self) -> None:
        self.batch.sort()
        # Binary, with a small buffer: reading merges every run at once, and a million
        # profiles make hundreds of runs, each holding its read buffer.
        run = tempfile.TemporaryFile(mode="w+b", buffering=_BUFFER, prefix=".sangloc-spool-")
        run.writelines(f"{key}\t{_escaped(line)}\n".encode("utf-8") for key, line in self.batch)
        run.seek(0)
        self.runs.append(run)
        self.batch, self.held = [], 0

    def __iter__(self) -> Iterator[tuple[str, str]]:
        self.batch.sort()
        if not self.runs:
            yield from self.batch
            return
        yield from heapq.merge(self.batch, *(_read(run) for run in self.runs))

    def close(self) -> None:
        for run in self.runs:
            run.close()
        self.runs, self.batch = [], []


def _escaped(line: str) -> str:
    if "\\" in line or "\n" in line or "\r" in line:
        return line.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return line


_UNESCAPE = re.compile(r"\\(.)")
_ESCAPES = {"\\": "\\", "n": "\n", "r": "\r"}


def _read(run) -> Iterator[tuple[str, str]]:
    for data in run:
        key, line = data[:-1].decode("utf-8").split("\t", 1)
        if "\\" in line:
            line = _UNESCAPE.sub(lambda m: _ESCAPES[m.group(1)], line)
        yield key, line
