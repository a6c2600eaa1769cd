"""The audit store: every screening recorded, replayable, tamper-evident.

An auditor must be able to answer, years later, "why was this person left off
the list on 25/8/2020, under which rules, and is that record untouched?".

One SQLite file (no server).  Every record — a pack's full content (once per
digest), a run's header, each profile's canonical input and full decision —
is a row of one append-only table ``records`` whose ``hash`` is the SHA-256
of its own content and of the previous row's hash: editing, deleting,
inserting or reordering a row breaks the chain at that row, which
:func:`verify` names.  (A chain cannot stop someone who rewrites every later
hash too; ``audit verify`` prints the head hash, to be written down in the
minutes, so that a rewritten store no longer matches it.)

Each run is written in one transaction (a killed run leaves nothing); the
database is in WAL mode with a busy timeout, so concurrent runs queue up
instead of failing; the file is created readable by its owner only.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from ..errors import AuditError
from ..jsonform import canonical

SCHEMA_VERSION = 2
DEFAULT_FILE = "sangloc-audit.sqlite"
ENV_VAR = "SANGLOC_AUDIT_DB"
GENESIS = "0" * 64
BUSY_TIMEOUT_MS = 60_000

#: The kinds of record: a pack's content, a screening run's header and each of its
#: decisions; a process of steps 2–5 started (`process`), each tally entry with its
#: outcome (`tally`), and each person's outcome at each step (`outcome`).
KINDS = ("pack", "run", "decision", "process", "tally", "outcome")

_TABLE = f"""
CREATE TABLE {{name}} (
    seq        INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ({", ".join(f"'{kind}'" for kind in KINDS)})),
    run_id     TEXT NOT NULL,
    profile_id TEXT NOT NULL,
    body       TEXT NOT NULL,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);
"""
_INDEXES = """
CREATE INDEX records_run ON records (run_id, kind);
CREATE INDEX records_profile ON records (profile_id, kind);
"""

#: Migrations from older schema versions: version -> SQL bringing it to version + 1.
#: Version 1 is the first; an unknown version is refused, never guessed at. 1 -> 2
#: admits the process kinds: SQLite cannot alter a CHECK, so the table is copied
#: row for row (a record's hash does not cover its place in the table: the chain
#: is unchanged).
_MIGRATIONS: dict[int, str] = {
    1: _TABLE.format(name="records_v2") + """
INSERT INTO records_v2 (seq, kind, run_id, profile_id, body, prev_hash, hash)
    SELECT seq, kind, run_id, profile_id, body, prev_hash, hash FROM records;
DROP TABLE records;
ALTER TABLE records_v2 RENAME TO records;
""" + _INDEXES,
}

_SCHEMA = "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);" + _TABLE.format(name="records") + _INDEXES


def record_hash(prev_hash: str, kind: str, run_id: str, profile_id: str, body: str) -> str:
    joined = "\n".join((prev_hash, kind, run_id, profile_id, body))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()


def store_path(option: str | None) -> Path:
    return Path(option or os.environ.get(ENV_VAR) or DEFAULT_FILE)


def _create_private(path: Path) -> None:
    """Create the file owner-only before SQLite opens it: it holds personal data."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def connect(path: Path, create: bool = True) -> sqlite3.Connection:
    if not create and (not path.exists() or path.stat().st_size == 0):
        # Reading never creates a store: an empty file is not one.
        raise AuditError("audit_missing", {"path": str(path)})
    try:
        _create_private(path)
    except FileExistsError:
        pass  # another process created it between our check and our open
    except OSError as err:
        raise AuditError("audit_unusable", {"path": str(path), "reason": err.strerror or str(err)}) from None
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        _ensure_schema(db, path)
    except sqlite3.DatabaseError as err:
        raise AuditError("audit_unusable", {"path": str(path), "reason": str(err)}) from None
    for suffix in ("-wal", "-shm"):  # SQLite's side files hold the same personal data
        side = Path(f"{path}{suffix}")
        if side.exists():
            try:
                os.chmod(side, 0o600)
            except OSError:
                pass
    return db


def _run_script(db: sqlite3.Connection, script: str) -> None:
    """Statement by statement: executescript() would commit our open transaction."""
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def _ensure_schema(db: sqlite3.Connection, path: Path) -> None:
    db.execute("BEGIN IMMEDIATE")
    try:
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if not tables:
            _run_script(db, _SCHEMA)
            db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            db.execute("INSERT INTO meta VALUES ('application', 'sangloc')")
        elif "meta" not in tables:
            raise AuditError("audit_foreign", {"path": str(path)})
        else:
            row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0]) if row else 0
            while version < SCHEMA_VERSION and version in _MIGRATIONS:
                _run_script(db, _MIGRATIONS[version])
                version += 1
                db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
            if version != SCHEMA_VERSION:
                raise AuditError("audit_schema", {"path": str(path), "found": version, "expected": SCHEMA_VERSION})
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise


@dataclass(frozen=True)
class RunRecord:
    """What one run of ``screen`` (or ``memo``) records about itself."""

    command: str
    as_of: date
    pack_id: str
    pack_version: str
    pack_digest: str
    lang: str
    sangloc_version: str


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container, say) is not an error
        return f"uid:{os.getuid()}" if hasattr(os, "getuid") else "unknown"


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


class AuditWriter:
    """Appends one run to the store, all or nothing.

    The write lock is taken when the writer opens (so the chain's head cannot
    move under it) and released by :meth:`commit` or :meth:`abort`; decisions
    may be added as they are made, so a streamed run needs no memory for them.
    The run's header is the last record of the run: only then is its profile
    count known.
    """

    def __init__(self, path: Path, header: RunRecord, pack_content: dict):
        self.path = path
        self.header = header
        self.now = datetime.now(timezone.utc)
        self.run_id = new_run_id(self.now)
        self.count = 0
        self.invalid: list[dict] = []
        self._pending: list[tuple] = []
        self.db = connect(path)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            head = self.db.execute("SELECT hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            self.prev = head[0] if head else GENESIS
            known = self.db.execute("SELECT 1 FROM records WHERE kind = 'pack' AND profile_id = ? LIMIT 1",
                                    (header.pack_digest,)).fetchone()
            if not known:
                self._add("pack", header.pack_digest, {"digest": header.pack_digest, "content": pack_content})
        except BaseException:
            self.abort()
            raise

    def _add(self, kind: str, profile_id: str, body: dict) -> None:
        text = canonical(body)
        digest = record_hash(self.prev, kind, self.run_id, profile_id, text)
        self._pending.append((kind, self.run_id, profile_id, text, self.prev, digest))
        self.prev = digest
        if len(self._pending) >= 500:
            self._flush()

    def _flush(self) -> None:
        try:
            self.db.executemany("INSERT INTO records (kind, run_id, profile_id, body, prev_hash, hash) "
                                "VALUES (?, ?, ?, ?, ?, ?)", self._pending)
        except sqlite3.DatabaseError as err:
            raise AuditError("audit_unusable", {"path": str(self.path), "reason": str(err)}) from None
        self._pending.clear()

    def add_result(self, profile_id: str, document, decision: dict) -> None:
        """One profile's input and its decision (the record of ``engine/decide/explain.py``)."""
        input_text, decision_text = canonical(document), canonical(decision)
        sha = hashlib.sha256(input_text.encode("utf-8")).hexdigest()
        body = f'{{"decision":{decision_text},"input":{input_text},"input_sha256":"{sha}"}}'
        digest = record_hash(self.prev, "decision", self.run_id, profile_id, body)
        self._pending.append(("decision", self.run_id, profile_id, body, self.prev, digest))
        self.prev = digest
        if len(self._pending) >= 500:
            self._flush()
        self.count += 1

    def add_outcome(self, outcome, lang: str) -> None:
        """One outcome of the pipeline (``engine/run/pipeline.py``): a decision or an invalid entry."""
        if outcome.result is not None:
            result = outcome.result
            self.add_result(result.profile_id, result.document, result.record)
        else:
            self.add_invalid(outcome.invalid, lang)

    def add_invalid(self, entry, lang: str) -> None:
        """A profile of the batch that could not be screened, and why (kept in the run's header)."""
        self.invalid.append({"source": entry.source, "profile_id": entry.profile_id, "index": entry.index,
                             "errors": [p.text(lang) for p in entry.problems]})

    def commit(self) -> str:
        header = self.header
        self._add("run", "", {
            "run_id": self.run_id, "created_utc": self.now.isoformat(timespec="seconds"), "os_user": _user(),
            "command": header.command, "as_of": header.as_of.isoformat(), "lang": header.lang,
            "pack": {"id": header.pack_id, "version": header.pack_version, "digest": header.pack_digest},
            "sangloc_version": header.sangloc_version, "profiles": self.count,
            "invalid": self.invalid,
        })
        self._flush()
        try:
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            raise AuditError("audit_unusable", {"path": str(self.path), "reason": str(err)}) from None
        finally:
            self.db.close()
        return self.run_id

    def abort(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # nothing open (already committed, or the connection is gone)
        self.db.close()


@dataclass
class Broken:
    """The first record where the chain does not hold, and how."""

    seq: int
    how: str  # "altered" | "deleted" | "inserted" | "reordered"


def verify(db: sqlite3.Connection) -> tuple[int, str, Broken | None]:
    """(records checked, hash of the last good record, first break or None)."""
    rows = db.execute("SELECT seq, kind, run_id, profile_id, body, prev_hash, hash FROM records ORDER BY seq").fetchall()
    prev, expected_seq = GENESIS, 1  # records are numbered from 1, without gaps
    for i, (seq, kind, run_id, profile_id, body, prev_hash, digest) in enumerate(rows):
        if seq != expected_seq:
            return i, prev, Broken(expected_seq, "deleted")
        consistent = record_hash(prev_hash, kind, run_id, profile_id, body) == digest
        if prev_hash == prev and consistent:
            prev, expected_seq = digest, seq + 1
            continue
        how = _how(rows, i, prev, prev_hash, digest, consistent)
        if how == "rehashed":  # the record before this one was edited and its own hash recomputed
            return i - 1, prev, Broken(seq - 1, "altered")
        return i, prev, Broken(seq, how)
    return len(rows), prev, None


def _how(rows, i: int, prev: str, prev_hash: str, digest: str, consistent: bool) -> str:
    """Best account of why the chain breaks at row ``i``."""
    others = {row[6] for j, row in enumerate(rows) if j != i}
    following = rows[i + 1] if i + 1 < len(rows) else None
    if digest in others:
        return "inserted"      # a copy of another record
    if prev_hash != prev and prev_hash in others:
        return "reordered"     # it follows a record that stands elsewhere
    if following is not None and following[5] == prev:
        return "inserted"      # the chain goes on after it as if it were not there
    if prev_hash == prev:
        return "altered"       # in its place, but its content no longer gives its hash
    if following is None:
        return "inserted"      # appended outside the chain
    if consistent and i > 0:
        return "rehashed"      # numbers run on without a gap: the previous record changed, hash and all
    return "deleted" if consistent else "altered"


# -- reading ---------------------------------------------------------------

def _body(row, *keys: str) -> dict:
    """A record's body; a damaged one is an error that points at `audit verify`."""
    try:
        body = json.loads(row[0])
        for key in keys:
            body[key]  # noqa: B018 - presence check
        return body
    except (ValueError, TypeError, KeyError):
        raise AuditError("audit_damaged", {}) from None


def resolve_run(db: sqlite3.Connection, ref: str) -> str:
    """A run by its id, a unique prefix of it, or its number in `audit runs` (1 = oldest)."""
    ids = [r[0] for r in db.execute("SELECT run_id FROM records WHERE kind = 'run' ORDER BY seq")]
    if ref.isdigit() and 1 <= int(ref) <= len(ids):
        return ids[int(ref) - 1]
    matches = [i for i in ids if i.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    raise AuditError("audit_no_run", {"value": ref, "count": len(ids)})


_HEADER_KEYS = ("run_id", "created_utc", "os_user", "command", "as_of", "lang", "pack", "sangloc_version", "profiles")


def runs(db: sqlite3.Connection) -> list[dict]:
    return [_body(r, *_HEADER_KEYS) for r in db.execute("SELECT body FROM records WHERE kind = 'run' ORDER BY seq")]


def run_header(db: sqlite3.Connection, run_id: str) -> dict:
    row = db.execute("SELECT body FROM records WHERE kind = 'run' AND run_id = ?", (run_id,)).fetchone()
    if row is None:
        raise AuditError("audit_damaged", {})
    return _body(row, *_HEADER_KEYS)


def run_decisions(db: sqlite3.Connection, run_id: str) -> list[dict]:
    """Each profile's record of a run: {input, input_sha256, decision}, by profile id."""
    rows = db.execute("SELECT body FROM records WHERE kind = 'decision' AND run_id = ? ORDER BY profile_id, seq",
                      (run_id,))
    return [_body(r, "input", "input_sha256", "decision") for r in rows]


def pack_content(db: sqlite3.Connection, digest: str) -> dict:
    row = db.execute("SELECT body FROM records WHERE kind = 'pack' AND profile_id = ?", (digest,)).fetchone()
    if row is None:
        raise AuditError("audit_no_pack", {"digest": digest})
    return _body(row, "content")["content"]


def decisions_about(db: sqlite3.Connection, profile_id: str) -> list[tuple[dict, dict]]:
    """(run header, record) for everything recorded about one person, newest first: each
    decision, and each run in which the person's profile could not be screened (the
    record then holds `invalid`: its source and errors instead of a decision), and
    each process of steps 1–5 the person was in (the record holds `path`: the
    person's outcome at each step, and the header is the process's)."""
    found = []
    rows = db.execute("SELECT seq, run_id, body FROM records WHERE kind = 'decision' AND profile_id = ?",
                      (profile_id,)).fetchall()
    for seq, run_id, body in rows:
        found.append((seq, run_header(db, run_id), _body((body,), "decision", "input_sha256")))
    for seq, body in db.execute("SELECT seq, body FROM records WHERE kind = 'run' AND body LIKE ?",
                                (f"%{json.dumps(profile_id, ensure_ascii=False)[1:-1]}%",)).fetchall():
        header = _body((body,), *_HEADER_KEYS)
        for entry in header.get("invalid", []):
            if entry.get("profile_id") == profile_id:
                found.append((seq, header, {"invalid": entry}))
    found += _process_paths(db, profile_id)  # the person's path through the steps of each process
    return [(header, record) for _, header, record in sorted(found, key=lambda item: -item[0])]


# -- steps 2–5 (SPEC §6) ------------------------------------------------------

def current_user() -> str:
    """The operating-system user, as a run's header records it."""
    return _user()


class ChainWriter:
    """Appends the records of one process entry (``process init``, ``process record``)
    to the chain, all or nothing: the write lock is held from opening to
    :meth:`commit`, so the chain's head cannot move meanwhile."""

    def __init__(self, path: Path, run_id: str):
        self.path, self.run_id = path, run_id
        self.hashes: list[str] = []
        self._pending: list[tuple] = []
        self.db = connect(path)
        try:
            self.db.execute("BEGIN IMMEDIATE")
            head = self.db.execute("SELECT hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            self.prev = head[0] if head else GENESIS
        except BaseException:
            self.abort()
            raise

    def add(self, kind: str, profile_id: str, body: dict) -> str:
        text = canonical(body)
        digest = record_hash(self.prev, kind, self.run_id, profile_id, text)
        self._pending.append((kind, self.run_id, profile_id, text, self.prev, digest))
        self.prev = digest
        self.hashes.append(digest)
        return digest

    def knows(self, kind: str, run_id: str) -> bool:
        """Whether the store (or this writer) already holds a record of ``kind`` for ``run_id``."""
        if any(pending[0] == kind and pending[1] == run_id for pending in self._pending):
            return True
        return self.db.execute("SELECT 1 FROM records WHERE kind = ? AND run_id = ? LIMIT 1",
                               (kind, run_id)).fetchone() is not None

    def add_pack(self, digest: str, content: dict) -> None:
        """A pack's content, once per digest (replay rebuilds the process from it)."""
        known = self.db.execute("SELECT 1 FROM records WHERE kind = 'pack' AND profile_id = ? LIMIT 1",
                                (digest,)).fetchone()
        if not known:
            self.add("pack", digest, {"digest": digest, "content": content})

    def commit(self) -> None:
        try:
            self.db.executemany("INSERT INTO records (kind, run_id, profile_id, body, prev_hash, hash) "
                                "VALUES (?, ?, ?, ?, ?, ?)", self._pending)
            self.db.execute("COMMIT")
        except sqlite3.DatabaseError as err:
            self.abort()
            raise AuditError("audit_unusable", {"path": str(self.path), "reason": str(err)}) from None
        self.db.close()

    def abort(self) -> None:
        try:
            self.db.execute("ROLLBACK")
        except sqlite3.Error:
            pass  # nothing open
        self.db.close()


def process_ids(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in db.execute("SELECT run_id FROM records WHERE kind = 'process' ORDER BY seq")]


def resolve_process(db: sqlite3.Connection, ref: str) -> str | None:
    """A process by its id or a unique prefix of it; None when ``ref`` names none."""
    matches = [p for p in process_ids(db) if p.startswith(ref)]
    return matches[0] if len(matches) == 1 else None


def process_header(db: sqlite3.Connection, process_id: str) -> dict:
    row = db.execute("SELECT body FROM records WHERE kind = 'process' AND run_id = ?", (process_id,)).fetchone()
    if row is None:
        raise AuditError("audit_damaged", {})
    return _body(row, "process_id", "created_utc", "os_user", "command", "document")


def process_entries(db: sqlite3.Connection, process_id: str) -> list[dict]:
    """The tally records of a process, in the order they were recorded."""
    rows = db.execute("SELECT body FROM records WHERE kind = 'tally' AND run_id = ? ORDER BY seq", (process_id,))
    return [_body(r, "entry", "outcome") for r in rows]


def process_outcomes(db: sqlite3.Connection, process_id: str) -> list[tuple[str, dict]]:
    """(profile id, outcome record) of a process, in the order they were recorded."""
    rows = db.execute("SELECT profile_id, body FROM records WHERE kind = 'outcome' AND run_id = ? ORDER BY seq",
                      (process_id,))
    return [(profile_id, _body((body,), "step")) for profile_id, body in rows]


def _process_paths(db: sqlite3.Connection, profile_id: str) -> list[tuple[int, dict, dict]]:
    """(seq of the latest, process header, {"path": [outcome, …]}) of each process the person is in."""
    grouped: dict[str, list[tuple[int, dict]]] = {}
    for seq, run_id, body in db.execute("SELECT seq, run_id, body FROM records WHERE kind = 'outcome' "
                                        "AND profile_id = ? ORDER BY seq", (profile_id,)):
        grouped.setdefault(run_id, []).append((seq, _body((body,), "step")))
    found = []
    for process_id, outcomes in grouped.items():
        header = {k: v for k, v in process_header(db, process_id).items() if k != "document"}
        found.append((outcomes[-1][0], header, {"path": [outcome for _, outcome in outcomes]}))
    return found
