"""The audit store: every screening recorded, replayable, tamper-evident.

An auditor must be able to answer, years later, "why was this person left off
the list on 25/8/2020, under which rules, and is that record untouched?".

One SQLite file (no server).  Every record — a pack's full content (once per
digest), each profile's canonical input and full decision, a run's header —
is a row of one append-only table ``records`` whose ``hash`` is the SHA-256
of its own content and of the previous row's hash: editing, deleting,
inserting or reordering a row breaks the chain at that row, which
:func:`verify` names.  Beyond the chain, :func:`verify` checks that every run
is whole: each decision has its run's header, each header counts exactly the
decisions before it and names a stored pack, each stored pack belongs to a
run — so deleting any record, even the last run's header at the end of the
store, is found.  (A chain cannot stop someone who rewrites every later hash,
or who removes whole runs from the end; ``audit verify`` prints the head hash,
to be written down in the minutes, so that such a store no longer matches it.)

Writing: a run's records are spooled to a private temporary file while the
run works, and appended in one short transaction at its end (a killed run
leaves nothing), so a run whose output waits on a slow reader (``| less``)
never holds the store's write lock meanwhile.  WAL mode and a busy timeout
let concurrent runs queue.  The file is made readable by its owner only
(0600) every time a run writes into it, whether it existed or not.

Reading: every reader opens the store read-only (``mode=ro``, or
``immutable=1`` when the store or its folder cannot be written, as in an
archive), and never trusts its content: each field read is checked, and
anything unexpected is an :class:`~engine.errors.AuditError` naming the
record, never a traceback.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import sqlite3
import stat
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import quote

from ..errors import AuditError
from ..escape import has_unsafe, one_line
from ..jsonform import canonical
from ..profile.reading import clean_text

SCHEMA_VERSION = 3
DEFAULT_FILE = "sangloc-audit.sqlite"
ENV_VAR = "SANGLOC_AUDIT_DB"
GENESIS = "0" * 64
BUSY_TIMEOUT_MS = 60_000
PAGE_SIZE = 65536
#: A decision record of schema 3 writes each rule's outcome as one letter.
OUTCOME_LETTERS = {"pass": "p", "fail": "f", "review": "r"}
_LETTER_OUTCOMES = {letter: outcome for outcome, letter in OUTCOME_LETTERS.items()}
#: How deeply a stored JSON body may nest: far more than any record sangloc writes.
MAX_BODY_DEPTH = 64

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

_HEX64 = re.compile(r"[0-9a-f]{64}")
_DIGEST = re.compile(r"sha256:[0-9a-f]{64}")
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
#: Migrations from older schema versions: version -> SQL bringing it to version + 1.
#: Version 1 is the first; an unknown version is refused, never guessed at. 1 -> 2
#: admits the process kinds: SQLite cannot alter a CHECK, so the table is copied
#: row for row (a record's hash does not cover its place in the table: the chain
#: is unchanged).
#: 2 -> 3 changes no table: from version 3 on, a decision record keeps what replaying
#: and verifying it needs, once (its input as read, the outcomes, the digest of the
#: decision as printed), not the decision's texts; records written before stay as they
#: are (their hashes cover their bodies) and both forms are read.
_MIGRATIONS: dict[int, str] = {
    2: "",
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


def _unusable(path: Path, reason) -> AuditError:
    return AuditError("audit_unusable", {"path": one_line(path), "reason": one_line(reason)})


def _regular_or_absent(path: Path) -> bool:
    """True if the store exists (as a regular file); an error if something else is there."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return False
    except OSError as err:
        raise _unusable(path, err.strerror or err) from None
    if not stat.S_ISREG(info.st_mode):
        # SQLite would block on a FIFO and chmod would change a device: neither is a store.
        raise AuditError("audit_not_file", {"path": one_line(path)})
    if info.st_size:  # SQLite takes a file shorter than its header for an empty database, and writes over it
        try:
            with open(path, "rb") as stream:
                header = stream.read(16)
        except OSError as err:
            raise _unusable(path, err.strerror or err) from None
        if header != b"SQLite format 3\x00":
            raise AuditError("audit_not_database", {"path": one_line(path)})
    return True


def _make_private(path: Path) -> None:
    """Owner-only, whether the file was just created or was there already: it holds personal data."""
    for name in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        try:
            if stat.S_ISREG(os.stat(name).st_mode):
                os.chmod(name, 0o600)
        except OSError:
            pass  # absent, or not ours to change (a store shared on purpose by its owner)


def connect(path: Path) -> sqlite3.Connection:
    """The store open for writing, created if need be, its schema checked."""
    if not _regular_or_absent(path):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass  # another process created it between our check and our open
        except OSError as err:
            raise _unusable(path, err.strerror or err) from None
    _make_private(path)
    try:
        db = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Large pages for a new store (an existing one keeps its own): records of about 2 KB
        # fill them without leaving a third of each 4 KB page empty.
        db.execute(f"PRAGMA page_size = {PAGE_SIZE}")
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")
        db.execute("BEGIN IMMEDIATE")
        try:
            _ensure_schema(db, path, create=True)
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    except sqlite3.DatabaseError as err:
        raise _unusable(path, err) from None
    _make_private(path)
    return db


def open_readonly(path: Path) -> sqlite3.Connection:
    """The store open for reading only: nothing is created, locked for writing or
    written, so an archived (read-only) store can be read and verified."""
    if not _regular_or_absent(path) or path.stat().st_size == 0:
        # Reading never creates a store: an empty file is not one.
        raise AuditError("audit_missing", {"path": one_line(path)})
    uri = f"file:{quote(str(path.resolve()))}"
    writable = os.access(path, os.W_OK) and os.access(path.resolve().parent, os.W_OK)
    # ro still shares the writers' locks (a run may be appending); immutable is for a store
    # nobody can write, where SQLite could not even create its shared-memory file.
    attempts = ("?mode=ro", "?immutable=1") if writable else ("?immutable=1",)
    last = None
    for options in attempts:
        try:
            db = sqlite3.connect(uri + options, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            db.execute("PRAGMA query_only = 1")
            _ensure_schema(db, path, create=False)
            return db
        except AuditError:
            raise
        except sqlite3.DatabaseError as err:
            last = err
    raise _unusable(path, last)


def _ensure_schema(db: sqlite3.Connection, path: Path, create: bool) -> None:
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and create:
        for statement in _SCHEMA.split(";"):  # one by one: executescript() would commit
            if statement.strip():
                db.execute(statement)
        db.execute("INSERT INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
        db.execute("INSERT INTO meta VALUES ('application', 'sangloc')")
        return
    if "meta" not in tables or "records" not in tables:
        raise AuditError("audit_foreign", {"path": one_line(path)})
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    raw = row[0] if row else None
    version = int(raw) if isinstance(raw, str) and raw.isascii() and raw.isdigit() and len(raw) < 6 else None
    while create and version is not None and version < SCHEMA_VERSION and version in _MIGRATIONS:
        for statement in _MIGRATIONS[version].split(";"):
            if statement.strip():
                db.execute(statement)
        version += 1
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (str(version),))
    if version != SCHEMA_VERSION:
        found = one_line(raw if isinstance(raw, (str, int)) else type(raw).__name__)[:20]
        raise AuditError("audit_schema", {"path": one_line(path), "found": found, "expected": SCHEMA_VERSION})


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
    #: The pack's rules in order: a decision record gives its outcomes in this order.
    rules: tuple[str, ...] = ()


def os_account() -> tuple[str, int]:
    """(account name, uid) of the operating-system account running sangloc, from the
    system's user database, not from $USER or $LOGNAME, which anyone can set."""
    uid = os.geteuid() if hasattr(os, "geteuid") else -1
    try:
        import pwd

        return pwd.getpwuid(uid).pw_name, uid
    except (ImportError, KeyError):
        return f"uid:{uid}", uid  # an account without a name (a container, say)


def new_run_id(now: datetime) -> str:
    return f"{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


_SURROGATE_IN_JSON = re.compile("[\ud800-\udfff]")


def json_text(value) -> str:
    """Canonical JSON that is also valid UTF-8: a lone surrogate (a file name the
    system could not decode, say) is kept as the text ``\\uXXXX``."""
    return _SURROGATE_IN_JSON.sub(lambda m: f"\\\\u{ord(m.group()):04x}", canonical(value))


class AuditWriter:
    """Appends one run to the store, all or nothing, in one short transaction.

    Records are spooled while the run works (a private temporary file beside
    the store, deleted when closed); :meth:`commit` takes the write lock, chains
    them onto the head and appends them with the run's header last (only then
    is its profile count known); :meth:`abort` drops the spool.
    """

    def __init__(self, path: Path, header: RunRecord, pack_content: dict):
        self.path = path
        self.header = header
        self.pack_content = pack_content
        self.now = datetime.now(timezone.utc)
        self.run_id = new_run_id(self.now)
        self.count = 0
        self.invalid: list[dict] = []
        connect(path).close()  # usable, and of our schema: known before the run starts, not after
        try:
            self.spool = tempfile.TemporaryFile(prefix=".sangloc-audit-", dir=path.resolve().parent)
        except OSError:
            try:
                self.spool = tempfile.TemporaryFile(prefix=".sangloc-audit-")
            except OSError as err:
                raise _unusable(path, f"no temporary file for the run's records: {err.strerror or err}") from None

    def add_result(self, result) -> None:
        """One profile's decision (a :class:`~engine.run.pipeline.Result`), as schema 3 keeps it:
        the input as read and its SHA-256, each rule's outcome in the pack's order, the
        verdict, and the SHA-256 of the decision as printed (``Result.text``), against which
        a decision replayed from the input and the stored pack is checked.  The decision's
        texts are not stored: they are made again, and checked, when a reader asks."""
        input_text = result.input_text if result.input_text is not None else json_text(result.document)
        encoded = input_text.encode("utf-8")
        decision = json_text({"full_name": result.full_name,
                              "outcomes": "".join(OUTCOME_LETTERS[o] for o in result.outcomes),
                              "source": result.source, "verdict": result.verdict})
        body = (f'{{"decision":{decision},"input":{input_text},'
                f'"input_sha256":"{hashlib.sha256(encoded).hexdigest()}",'
                f'"record_sha256":"{hashlib.sha256(result.text.encode("utf-8")).hexdigest()}"}}')
        self.spool.write(f"{json.dumps(result.profile_id)}\t{body}\n".encode("utf-8"))
        self.count += 1

    def add_outcome(self, outcome, lang: str, describe=None) -> None:
        """One outcome of the pipeline (``engine/run/pipeline.py``): a decision or an invalid entry."""
        if outcome.result is not None:
            self.add_result(outcome.result)
        else:
            self.add_invalid(outcome.invalid, lang, describe)

    def add_invalid(self, entry, lang: str, describe=None) -> None:
        """A profile of the batch that could not be screened, and why (kept in the run's header),
        each problem as ``describe`` words it (the command gives a clerk's words).

        Its id is kept NFC-normalised, as valid profiles' ids are, so that `audit why`
        finds it whichever normalisation form it was typed in."""
        profile_id = unicodedata.normalize("NFC", clean_text(entry.profile_id)) if entry.profile_id else None
        self.invalid.append({"source": entry.source, "profile_id": profile_id, "index": entry.index,
                             "errors": [describe(p) if describe else p.text(lang) for p in entry.problems]})

    def commit(self) -> str:
        header = self.header
        user, uid = os_account()
        run_body = json_text({
            "run_id": self.run_id, "created_utc": self.now.isoformat(timespec="seconds"),
            "os_user": user, "os_uid": uid, "os_user_source": "getpwuid(geteuid())",
            "command": header.command, "as_of": header.as_of.isoformat(), "lang": header.lang,
            "pack": {"id": header.pack_id, "version": header.pack_version, "digest": header.pack_digest},
            "sangloc_version": header.sangloc_version, "profiles": self.count,
            "invalid": self.invalid, "rules": list(header.rules),
        })
        db = connect(self.path)
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                self._append(db, run_body)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
        except sqlite3.DatabaseError as err:
            raise _unusable(self.path, err) from None
        finally:
            db.close()
            self.spool.close()
        _make_private(self.path)
        return self.run_id

    def _append(self, db: sqlite3.Connection, run_body: str) -> None:
        head = db.execute("SELECT hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
        prev = head[0] if head else GENESIS
        rows: list[tuple] = []

        def add(kind: str, profile_id: str, body: str) -> None:
            nonlocal prev
            digest = record_hash(prev, kind, self.run_id, profile_id, body)
            rows.append((kind, self.run_id, profile_id, body, prev, digest))
            prev = digest
            if len(rows) >= 500:
                flush()

        def flush() -> None:
            db.executemany("INSERT INTO records (kind, run_id, profile_id, body, prev_hash, hash) "
                           "VALUES (?, ?, ?, ?, ?, ?)", rows)
            rows.clear()

        digest = self.header.pack_digest
        known = db.execute("SELECT 1 FROM records WHERE kind = 'pack' AND profile_id = ? LIMIT 1",
                           (digest,)).fetchone()
        if not known:
            add("pack", digest, json_text({"digest": digest, "content": self.pack_content}))
        self.spool.seek(0)
        for line in self.spool:
            profile_id, body = line.decode("utf-8").rstrip("\n").split("\t", 1)
            add("decision", json.loads(profile_id), body)
        add("run", "", run_body)
        flush()

    def abort(self) -> None:
        self.spool.close()


# -- checking what was read ------------------------------------------------

class _Bad(Exception):
    """What is wrong with one stored record (becomes an AuditError naming it)."""


def _damaged(seq, detail: str) -> AuditError:
    return AuditError("audit_damaged", {"seq": seq if isinstance(seq, int) else "?", "detail": one_line(detail)})


def _text(value, what: str, limit: int = 100_000) -> str:
    if not isinstance(value, str) or len(value) > limit:
        raise _Bad(f"{what}: expected text")
    return value


def _body_of(raw) -> dict:
    if not isinstance(raw, str):
        raise _Bad(f"body is {'NULL' if raw is None else type(raw).__name__}, not text")
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        raise _Bad("body is not JSON") from None
    if not isinstance(body, dict):
        raise _Bad("body is not a JSON object")
    stack = [(body, 1)]
    while stack:  # bounded before anything walks it recursively
        node, level = stack.pop()
        if level > MAX_BODY_DEPTH:
            raise _Bad(f"body nests deeper than {MAX_BODY_DEPTH} levels")
        if isinstance(node, dict):
            stack.extend((v, level + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, level + 1) for v in node)
    return body


def _int(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise _Bad(f"{what}: expected a whole number")
    return value


def check_header(body: dict, run_id=None) -> dict:
    """A run's header as the readers use it, every field checked."""
    for key in ("run_id", "created_utc", "os_user", "command", "lang", "sangloc_version"):
        _text(body.get(key), key)
    if has_unsafe(body["run_id"]) or not body["run_id"] or len(body["run_id"]) > 64:
        raise _Bad("run_id: not a run id")
    if run_id is not None and body["run_id"] != run_id:
        raise _Bad("run_id differs from the record's")
    try:
        datetime.fromisoformat(body["created_utc"])
    except ValueError:
        raise _Bad("created_utc: not a date and time") from None
    as_of = _text(body.get("as_of"), "as_of")
    try:
        if not _ISO_DAY.fullmatch(as_of):
            raise ValueError
        date.fromisoformat(as_of)
    except ValueError:
        raise _Bad("as_of: not a date") from None
    if body["lang"] not in ("vi", "en"):
        raise _Bad("lang: neither vi nor en")
    pack = body.get("pack")
    if not isinstance(pack, dict):
        raise _Bad("pack: expected a mapping")
    for key in ("id", "version", "digest"):
        _text(pack.get(key), f"pack.{key}", 1000)
    if not _DIGEST.fullmatch(pack["digest"]):
        raise _Bad("pack.digest: not a sha256 digest")
    _int(body.get("profiles"), "profiles")
    if "os_uid" in body and not (isinstance(body["os_uid"], int) and not isinstance(body["os_uid"], bool)):
        raise _Bad("os_uid: expected a number")
    rules = body.get("rules", [])
    if not isinstance(rules, list) or not all(isinstance(r, str) and len(r) <= 1000 for r in rules):
        raise _Bad("rules: expected a list of rule ids")
    invalid = body.get("invalid", [])
    if not isinstance(invalid, list):
        raise _Bad("invalid: expected a list")
    for n, entry in enumerate(invalid):
        if not isinstance(entry, dict):
            raise _Bad(f"invalid[{n}]: expected a mapping")
        _text(entry.get("source"), f"invalid[{n}].source")
        if entry.get("profile_id") is not None:
            _text(entry["profile_id"], f"invalid[{n}].profile_id")
        if entry.get("index") is not None:
            _int(entry["index"], f"invalid[{n}].index")
        errors = entry.get("errors")
        if not isinstance(errors, list) or not all(isinstance(e, str) for e in errors):
            raise _Bad(f"invalid[{n}].errors: expected a list of texts")
    return body


#: The outcomes and verdicts a decision record may hold.
_OUTCOMES = ("pass", "fail", "review")
_VERDICTS = ("eligible", "review", "ineligible")


def check_decision(body: dict, profile_id=None) -> dict:
    """A profile's record as the readers use it: the fields they read, checked
    (the rest of the record is compared, not read, by replay).

    A record of schema 3 (``record_sha256``) holds each rule's outcome, in the order
    of its run's ``rules``, and not the decision's texts; its profile id is the
    record's own (the chain covers it)."""
    if "input" in body and not isinstance(body["input"], dict):
        raise _Bad("input: expected a mapping")
    if not isinstance(body.get("input_sha256"), str) or not _HEX64.fullmatch(body["input_sha256"]):
        raise _Bad("input_sha256: not a SHA-256")
    decision = body.get("decision")
    if not isinstance(decision, dict):
        raise _Bad("decision: expected a mapping")
    if "record_sha256" in body:
        if not isinstance(body["record_sha256"], str) or not _HEX64.fullmatch(body["record_sha256"]):
            raise _Bad("record_sha256: not a SHA-256")
        outcomes = decision.get("outcomes")
        if not isinstance(outcomes, str) or len(outcomes) > 4096 or not all(o in _LETTER_OUTCOMES for o in outcomes):
            raise _Bad("decision.outcomes: expected the letters p, f, r (pass, fail, review)")
        _text(decision.get("source"), "decision.source")
        if profile_id is not None:
            decision.setdefault("profile_id", profile_id)
    _text(decision.get("profile_id"), "decision.profile_id", 1000)
    if profile_id is not None and decision["profile_id"] != profile_id:
        raise _Bad("decision.profile_id differs from the record's")
    _text(decision.get("full_name"), "decision.full_name", 10_000)
    if decision.get("verdict") not in _VERDICTS:
        raise _Bad("decision.verdict: not a verdict")
    if "record_sha256" in body:
        return body
    rules = decision.get("rules")
    if not isinstance(rules, list):
        raise _Bad("decision.rules: expected a list")
    for n, rule in enumerate(rules):
        if not isinstance(rule, dict):
            raise _Bad(f"decision.rules[{n}]: expected a mapping")
        _text(rule.get("id"), f"decision.rules[{n}].id", 1000)
        _text(rule.get("reason"), f"decision.rules[{n}].reason")
        if rule.get("outcome") not in _OUTCOMES:
            raise _Bad(f"decision.rules[{n}].outcome: not an outcome")
    return body


def check_pack(body: dict) -> dict:
    content = body.get("content")
    if not isinstance(content, dict) or not isinstance(content.get("pack"), dict) \
            or not isinstance(content.get("catalog"), dict):
        raise _Bad("content: expected pack and catalog mappings")
    documents = content.get("documents", {})
    if not isinstance(documents, dict) or not all(isinstance(k, str) and isinstance(v, str)
                                                  for k, v in documents.items()):
        raise _Bad("content.documents: expected texts")
    return body


def _checked(seq, raw, check, *args) -> dict:
    try:
        return check(_body_of(raw), *args)
    except _Bad as bad:
        raise _damaged(seq, str(bad)) from None


def _rows(db: sqlite3.Connection, sql: str, params=()) -> list[tuple]:
    """A query's rows; a store whose tables are not ours any more is an error, not a traceback."""
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.DatabaseError as err:
        raise AuditError("audit_unreadable", {"reason": one_line(err)}) from None


# -- verifying -------------------------------------------------------------

@dataclass
class Broken:
    """The first record where the store does not hold, and how."""

    seq: int
    #: "altered" | "deleted" | "inserted" | "reordered" (the chain), or a run that is not
    #: whole: "header_missing" | "decisions_missing" | "pack_missing" | "orphan_pack" |
    #: "duplicate_run" | "malformed".
    how: str
    run_id: str = ""
    detail: str = ""


_COLUMNS = "seq, kind, run_id, profile_id, body, prev_hash, hash"


def verify(db: sqlite3.Connection) -> tuple[int, str, Broken | None]:
    """(records checked, hash of the last good record, first break or None)."""
    rows = _rows(db, f"SELECT {_COLUMNS} FROM records ORDER BY seq")
    prev, expected_seq = GENESIS, 1  # records are numbered from 1, without gaps
    for i, (seq, kind, run_id, profile_id, body, prev_hash, digest) in enumerate(rows):
        if seq != expected_seq:
            if not isinstance(seq, int):
                return i, prev, Broken(expected_seq, "altered")
            return i, prev, Broken(expected_seq, "deleted")
        texts = all(isinstance(v, str) for v in (kind, run_id, profile_id, body, prev_hash, digest))
        consistent = texts and record_hash(prev_hash, kind, run_id, profile_id, body) == digest
        if prev_hash == prev and consistent:
            prev, expected_seq = digest, seq + 1
            continue
        if not texts:
            return i, prev, Broken(seq, "altered")
        how = _how(rows, i, prev, prev_hash, digest, consistent)
        if how == "rehashed":  # the record before this one was edited and its own hash recomputed
            return i - 1, prev, Broken(seq - 1, "altered")
        return i, prev, Broken(seq, how)
    return len(rows), prev, _whole(rows)


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


def _whole(rows) -> Broken | None:
    """The first record of an intact chain where a run is not whole (see the module's text)."""
    packs: dict[str, int] = {}          # digest -> seq
    used: set[str] = set()              # digests some run names
    headers: dict[str, int] = {}        # run id -> seq of its header
    pending: dict[str, list[int]] = {}  # run id -> seqs of its decisions not yet closed by a header
    processes: set[str] = set()         # process ids whose header was seen
    outcomes: dict[int, int] = {}       # seq of a decision of schema 3 -> how many outcomes it gives
    for seq, kind, run_id, profile_id, body, _prev, _hash in rows:
        try:
            if kind == "pack":
                check_pack(_body_of(body))
                packs.setdefault(profile_id, seq)
            elif kind == "decision":
                record = check_decision(_body_of(body), profile_id)
                if run_id in headers:
                    return Broken(seq, "inserted", run_id)  # a decision after its run was closed
                pending.setdefault(run_id, []).append(seq)
                if "record_sha256" in record:
                    outcomes[seq] = len(record["decision"]["outcomes"])
            elif kind == "run":
                header = check_header(_body_of(body), run_id)
                if run_id in headers:
                    return Broken(seq, "duplicate_run", run_id)
                headers[run_id] = seq
                found = pending.pop(run_id, [])
                if len(found) != header["profiles"]:
                    return Broken(seq, "decisions_missing", run_id,
                                  f"{header['profiles']} / {len(found)}")
                for decision_seq in found:
                    if outcomes.get(decision_seq, len(header.get("rules", []))) != len(header.get("rules", [])):
                        return Broken(decision_seq, "malformed", run_id,
                                      "decision.outcomes: not one for each rule of its run")
                digest = header["pack"]["digest"]
                if digest not in packs:
                    return Broken(seq, "pack_missing", run_id, digest)
                used.add(digest)
            elif kind == "process":
                header = check_process(_body_of(body), run_id)
                if run_id in processes:
                    return Broken(seq, "duplicate_run", run_id)
                processes.add(run_id)
                digest = header["pack"]["digest"]
                if digest in packs:
                    used.add(digest)
                elif not header.get("recorded_late"):
                    # A process started with --no-audit is learnt at its first audited entry, without
                    # the pack's content (the process file holds its steps, not the pack).
                    return Broken(seq, "pack_missing", run_id, digest)
            elif kind in ("tally", "outcome"):
                if run_id not in processes:
                    return Broken(seq, "header_missing", run_id)
                (check_outcome if kind == "outcome" else check_tally)(_body_of(body), run_id)
            else:
                raise _Bad("kind: not one sangloc writes")
        except _Bad as bad:
            return Broken(seq, "malformed", run_id if isinstance(run_id, str) else "", str(bad))
    for run_id, seqs in pending.items():
        return Broken(seqs[-1] + 1, "header_missing", run_id)
    for digest, seq in packs.items():
        if digest not in used:
            return Broken(seq, "orphan_pack", "", digest)
    return None


# -- reading ---------------------------------------------------------------

def resolve_run(db: sqlite3.Connection, ref: str) -> str:
    """A run by its id, a unique prefix of it, or its number in `audit runs` (1 = oldest)."""
    ids = []
    for seq, run_id in _rows(db, "SELECT seq, run_id FROM records WHERE kind = 'run' ORDER BY seq"):
        if not isinstance(run_id, str) or has_unsafe(run_id):
            raise _damaged(seq, "run_id: not a run id")
        ids.append(run_id)
    if ref.isascii() and ref.isdigit() and 1 <= int(ref) <= len(ids):
        return ids[int(ref) - 1]
    matches = [i for i in ids if i.startswith(ref)]
    if len(matches) == 1:
        return matches[0]
    raise AuditError("audit_no_run", {"value": one_line(ref), "count": len(ids)})


def runs(db: sqlite3.Connection) -> list[dict]:
    return [_checked(seq, body, check_header, run_id)
            for seq, run_id, body in _rows(db, "SELECT seq, run_id, body FROM records WHERE kind = 'run' ORDER BY seq")]


def run_header(db: sqlite3.Connection, run_id: str) -> dict:
    rows = _rows(db, "SELECT seq, body FROM records WHERE kind = 'run' AND run_id = ? ORDER BY seq LIMIT 1",
                 (run_id,))
    if not rows:
        raise AuditError("audit_no_run", {"value": one_line(run_id), "count": "?"})
    return _checked(rows[0][0], rows[0][1], check_header, run_id)


def run_decisions(db: sqlite3.Connection, run_id: str) -> list[dict]:
    """Each profile's record of a run: {input, input_sha256, decision}, by profile id (a
    record of schema 3 also gives ``record_sha256``, and its decision's rules without texts)."""
    rows = _rows(db, "SELECT seq, profile_id, body FROM records WHERE kind = 'decision' AND run_id = ? "
                     "ORDER BY profile_id, seq", (run_id,))
    header = run_header(db, run_id) if rows else {}
    return [_with_rules(seq, _checked(seq, body, check_decision, profile_id), header)
            for seq, profile_id, body in rows]


def _with_rules(seq, record: dict, header: dict) -> dict:
    """A record of schema 3 with its decision's ``rules`` ({id, outcome}, in its run's
    order of rules), as a reader of either schema reads them."""
    if "record_sha256" not in record:
        return record
    decision = record["decision"]
    names = header.get("rules", [])
    if len(names) != len(decision["outcomes"]):
        raise _damaged(seq, "decision.outcomes: not one for each rule of its run")
    decision["rules"] = [{"id": name, "outcome": _LETTER_OUTCOMES[letter]}
                         for name, letter in zip(names, decision["outcomes"])]
    return record


def pack_content(db: sqlite3.Connection, digest: str) -> dict:
    rows = _rows(db, "SELECT seq, body FROM records WHERE kind = 'pack' AND profile_id = ? ORDER BY seq LIMIT 1",
                 (digest,))
    if not rows:
        raise AuditError("audit_no_pack", {"digest": one_line(digest)})
    return _checked(rows[0][0], rows[0][1], check_pack)["content"]


def decisions_about(db: sqlite3.Connection, profile_id: str) -> list[tuple[dict, dict]]:
    """(run header, record) for everything recorded about one person, newest first: each
    decision, and each run in which the person's profile could not be screened (the
    record then holds `invalid`: its source and errors instead of a decision).

    Ids are compared after NFC normalisation, whichever form the store or the
    question holds them in."""
    wanted = unicodedata.normalize("NFC", profile_id)
    spellings = sorted({wanted, unicodedata.normalize("NFD", profile_id), profile_id})
    found = []
    marks = ",".join("?" * len(spellings))
    for seq, run_id, stored_id, body in _rows(db, "SELECT seq, run_id, profile_id, body FROM records "
                                                  f"WHERE kind = 'decision' AND profile_id IN ({marks})", spellings):
        header = run_header(db, run_id)
        found.append((seq, header, _with_rules(seq, _checked(seq, body, check_decision, stored_id), header)))
    like = " OR ".join("body LIKE ?" for _ in spellings)
    patterns = [f"%{json.dumps(s, ensure_ascii=False)[1:-1]}%" for s in spellings]
    for seq, run_id, body in _rows(db, f"SELECT seq, run_id, body FROM records WHERE kind = 'run' AND ({like})",
                                   patterns):
        header = _checked(seq, body, check_header, run_id)
        for entry in header.get("invalid", []):
            claimed = entry.get("profile_id")
            if claimed is not None and unicodedata.normalize("NFC", claimed) == wanted:
                found.append((seq, header, {"invalid": entry}))
    found += _process_paths(db, profile_id)  # the person's path through the steps of each process
    return [(header, record) for _, header, record in sorted(found, key=lambda item: -item[0])]


# -- steps 2–5 (SPEC §6) ------------------------------------------------------

def current_user() -> str:
    """The operating-system account, as a run's header records it."""
    return os_account()[0]


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


def check_fields(*keys: str):
    """A checker of a process record: a JSON object holding ``keys``."""
    def check(body: dict, *_args) -> dict:
        missing = [key for key in keys if key not in body]
        if missing:
            raise _Bad(f"{', '.join(missing)}: missing")
        return body

    return check


def _moment(value, what: str) -> str:
    try:
        datetime.fromisoformat(_text(value, what, 40))
    except ValueError:
        raise _Bad(f"{what}: not a date and time") from None
    return value


def _day(value, what: str) -> str:
    try:
        if not _ISO_DAY.fullmatch(_text(value, what, 10)):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise _Bad(f"{what}: not a date") from None
    return value


def _flag(value, what: str) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{what}: expected true or false")
    return value


def _words(value, what: str) -> dict:
    if not isinstance(value, dict):
        raise _Bad(f"{what}: expected a mapping")
    for lang in ("vi", "en"):
        _text(value.get(lang), f"{what}.{lang}", 4000)
    return value


def _process_id(body: dict, process_id) -> str:
    _text(body.get("process_id"), "process_id", 64)
    if has_unsafe(body["process_id"]) or (process_id is not None and body["process_id"] != process_id):
        raise _Bad("process_id: not this process's id")
    return body["process_id"]


def _model(model, value, what: str):
    """``value`` validated as a model of the process file (engine/run/process/state.py)."""
    from pydantic import ValidationError

    try:
        return model.model_validate(value)
    except ValidationError as err:
        first = err.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise _Bad(f"{what}{'.' + where if where else ''}: {first['msg']}") from None


def check_process(body: dict, process_id=None) -> dict:
    """A process's header as the readers use it: every field ``audit why`` prints, and the
    process document ``audit replay`` starts from, checked as a process file is."""
    from .process.state import ProcessDoc

    check_fields("process_id", "created_utc", "os_user", "by", "command", "document", "pack", "post", "track",
                 "steps")(body)
    _process_id(body, process_id)
    _moment(body["created_utc"], "created_utc")
    for key in ("os_user", "by", "command"):
        _text(body[key], key)
    pack = body["pack"]
    if not isinstance(pack, dict):
        raise _Bad("pack: expected a mapping")
    for key in ("id", "version"):
        _text(pack.get(key), f"pack.{key}", 1000)
    if not _DIGEST.fullmatch(str(pack.get("digest", ""))):
        raise _Bad("pack.digest: not a sha256 digest")
    _words(body["post"], "post")
    _text(body["track"], "track", 100)
    steps = body["steps"]
    if not isinstance(steps, list) or not 2 <= len(steps) <= 20:
        raise _Bad("steps: expected a list of 2 to 20 steps")
    for n, step in enumerate(steps):
        if not isinstance(step, dict) or step.get("step") != n + 1:
            raise _Bad(f"steps[{n}]: expected step {n + 1}")
        _text(step.get("body"), f"steps[{n}].body", 100)
        if step.get("sitting") is not None:
            _words(step["sitting"], f"steps[{n}].sitting")
    if "recorded_late" in body:
        _flag(body["recorded_late"], "recorded_late")
    document = _model(ProcessDoc, body["document"], "document")
    if document.id != body["process_id"]:
        raise _Bad("document.id: not this process's id")
    return body


def check_tally(body: dict, process_id=None) -> dict:
    """A tally entry's record: the journal entry as a process file holds it, and its outcome."""
    from .process.state import Entry

    check_fields("process_id", "entry", "outcome")(body)
    _process_id(body, process_id)
    entry = _model(Entry, body["entry"], "entry")
    if entry.kind != "tally":
        raise _Bad("entry.kind: not a tally entry")
    if not isinstance(body["outcome"], dict):
        raise _Bad("outcome: expected a mapping")
    for key in ("command", "os_user"):
        if key in body:
            _text(body[key], key)
    if "recorded_utc" in body:
        _moment(body["recorded_utc"], "recorded_utc")
    return body


#: What a person's outcome at a step may say: the fields ``audit why`` prints.
_ADMITTED = ("eligible", "cleared")


def check_outcome(body: dict, process_id=None) -> dict:
    """A person's outcome at one step, every field ``audit why`` prints checked."""
    check_fields("process_id", "step", "entry", "by", "at", "of", "carried")(body)
    _process_id(body, process_id)
    step = _int(body["step"], "step")
    if not 1 <= step <= 20:
        raise _Bad("step: not a step of a process")
    if not 1 <= _int(body["entry"], "entry"):
        raise _Bad("entry: not an entry of the journal")
    _text(body["by"], "by", 1000)
    _moment(body["at"], "at")
    _int(body["of"], "of")
    _flag(body["carried"], "carried")
    if body.get("full_name") is not None:
        _text(body["full_name"], "full_name", 10_000)
    if step == 1:
        check_fields("admitted", "screening")(body)
        if body["admitted"] not in _ADMITTED:
            raise _Bad("admitted: neither eligible nor cleared")
        _text(body["screening"], "screening", 5000)
        cleared = body.get("cleared")
        if cleared is not None:
            if not isinstance(cleared, dict):
                raise _Bad("cleared: expected a mapping")
            _day(cleared.get("on"), "cleared.on")
            for key in ("record", "by", "note"):
                if cleared.get(key) is not None:
                    _text(cleared[key], f"cleared.{key}", 5000)
        return body
    check_fields("quorate", "votes", "percent", "denominator", "denominator_kind", "share", "strict", "passed",
                 "rank", "flags")(body)
    for key in ("quorate", "strict", "passed"):
        _flag(body[key], key)
    for key in ("votes", "denominator", "rank"):
        _int(body[key], key)
    percent = body["percent"]
    if percent is not None and (isinstance(percent, bool) or not isinstance(percent, (int, float))
                                or not 0 <= percent <= 100):
        raise _Bad("percent: expected a share from 0 to 100")
    for key in ("denominator_kind", "share"):
        _text(body[key], key, 100)
    if body.get("date") is not None:
        _day(body["date"], "date")
    flags = body["flags"]
    if not isinstance(flags, list) or not all(isinstance(f, str) and len(f) <= 100 for f in flags):
        raise _Bad("flags: expected a list of codes")
    if body.get("replaces") is not None:
        _int(body["replaces"], "replaces")
    return body


def process_ids(db: sqlite3.Connection) -> list[str]:
    return [r[0] for r in _rows(db, "SELECT run_id FROM records WHERE kind = 'process' ORDER BY seq")
            if isinstance(r[0], str)]


def resolve_process(db: sqlite3.Connection, ref: str) -> str | None:
    """A process by its id or a unique prefix of it; None when ``ref`` names none."""
    matches = [p for p in process_ids(db) if p.startswith(ref)]
    return matches[0] if len(matches) == 1 else None


def process_header(db: sqlite3.Connection, process_id: str) -> dict:
    rows = _rows(db, "SELECT seq, body FROM records WHERE kind = 'process' AND run_id = ?", (process_id,))
    if not rows:
        raise _damaged("?", f"process {process_id}: its header is missing")
    return _checked(rows[0][0], rows[0][1], check_process, process_id)


def process_entries(db: sqlite3.Connection, process_id: str) -> list[dict]:
    """The tally records of a process, in the order they were recorded."""
    rows = _rows(db, "SELECT seq, body FROM records WHERE kind = 'tally' AND run_id = ? ORDER BY seq", (process_id,))
    return [_checked(seq, body, check_tally, process_id) for seq, body in rows]


def process_outcomes(db: sqlite3.Connection, process_id: str) -> list[tuple[str, dict]]:
    """(profile id, outcome record) of a process, in the order they were recorded."""
    rows = _rows(db, "SELECT seq, profile_id, body FROM records WHERE kind = 'outcome' AND run_id = ? ORDER BY seq",
                 (process_id,))
    return [(profile_id, _checked(seq, body, check_outcome, process_id)) for seq, profile_id, body in rows]


def _process_paths(db: sqlite3.Connection, profile_id: str) -> list[tuple[int, dict, dict]]:
    """(seq of the latest, process header, {"path": [outcome, …]}) of each process the person is in."""
    grouped: dict[str, list[tuple[int, dict]]] = {}
    spellings = sorted({unicodedata.normalize("NFC", profile_id), unicodedata.normalize("NFD", profile_id), profile_id})
    marks = ",".join("?" * len(spellings))
    for seq, run_id, body in _rows(db, "SELECT seq, run_id, body FROM records WHERE kind = 'outcome' "
                                       f"AND profile_id IN ({marks}) ORDER BY seq", spellings):
        grouped.setdefault(run_id, []).append((seq, _checked(seq, body, check_outcome, run_id)))
    found = []
    for process_id, outcomes in grouped.items():
        header = {k: v for k, v in process_header(db, process_id).items() if k != "document"}
        found.append((outcomes[-1][0], header, {"path": [outcome for _, outcome in outcomes]}))
    return found
