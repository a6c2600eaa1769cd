"""The audit store's decision records of schema 3 (issue 15): what replaying and
verifying need, stored once — the input as read, each rule's outcome, the
verdict, and the SHA-256 of the decision as printed — at most 2 KB a profile;
the decision's texts made again from the stored input and pack when a reader
asks, and shown only when they hash to what was printed."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys

from sangloc.engine.commands.main import main
from sangloc.engine.run.audit import GENESIS, record_hash
from conftest import PROFILES, ROOT

COHORT = len(list(PROFILES.iterdir()))


def _rechain(db) -> None:
    prev = GENESIS
    for seq, kind, run_id, profile_id, body in db.execute(
            "SELECT seq, kind, run_id, profile_id, body FROM records ORDER BY seq").fetchall():
        digest = record_hash(prev, kind, run_id, profile_id, body)
        db.execute("UPDATE records SET prev_hash = ?, hash = ? WHERE seq = ?", (prev, digest, seq))
        prev = digest


def test_a_profile_costs_at_most_2_kb_of_store_and_its_line_is_kept_as_read(runner, tmp_path):
    batch = tmp_path / "batch.jsonl"
    with batch.open("w") as stream:
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), "1000"], stdout=stream, check=True)
    store = tmp_path / "store.sqlite"
    result = runner.invoke(main, ["screen", str(batch), "--format", "json", "-q", "--audit-db", str(store)])
    assert result.exit_code == 0, result.output
    before = store.stat().st_size  # the pack, and the pages every table and index starts with
    assert runner.invoke(main, ["screen", str(batch), "-q", "--audit-db", str(store)]).exit_code == 0
    grown = store.stat().st_size - before
    assert grown <= 2048 * 1000, f"{grown / 1000:,.0f} bytes a profile"
    lines = batch.read_text(encoding="utf-8").splitlines()
    printed = {r["profile_id"]: r for r in json.loads(result.stdout)["results"]}
    with sqlite3.connect(store) as db:
        rows = db.execute("SELECT profile_id, body FROM records WHERE kind = 'decision' ORDER BY seq").fetchall()
    assert len(rows) == 2000
    for line, (profile_id, body) in zip(lines[:50], rows[:50]):
        stored = json.loads(body)
        assert stored["input_sha256"] == hashlib.sha256(line.encode("utf-8")).hexdigest()
        assert line in body  # the line itself, not a re-encoding of it
        as_printed = json.dumps(printed[profile_id], ensure_ascii=False, separators=(", ", ": "))
        assert stored["record_sha256"] == hashlib.sha256(as_printed.encode("utf-8")).hexdigest()
        assert "reason" not in body and "evidence" not in body


def _as_schema_2(db) -> None:
    """Rewrite a store's records as schema 2 wrote them: each decision whole, the input canonical."""
    for seq, body in db.execute("SELECT seq, body FROM records WHERE kind = 'decision'").fetchall():
        record = json.loads(body)
        decision = record["decision"]
        full = {"profile_id": "?", "full_name": decision["full_name"], "verdict": decision["verdict"],
                "source": decision["source"], "rules": []}
        canonical = json.dumps(record["input"], sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps({
            "decision": full, "input": record["input"],
            "input_sha256": hashlib.sha256(canonical.encode("utf-8")).hexdigest()}, sort_keys=True), seq))
    db.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")


def test_a_store_of_schema_2_is_migrated_and_both_forms_are_read(runner, tmp_path):
    store = tmp_path / "store.sqlite"
    first = runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-q", "--audit-db", str(store)])
    screened = {r["profile_id"]: r for r in json.loads(first.stdout)["results"]}
    # The first run as schema 2 kept it: the decision whole (here made again from the screening).
    with sqlite3.connect(store) as db:
        _as_schema_2(db)
        for seq, profile_id, body in db.execute(
                "SELECT seq, profile_id, body FROM records WHERE kind = 'decision'").fetchall():
            record = json.loads(body)
            record["decision"] = screened[profile_id]
            db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(record, ensure_ascii=False), seq))
        _rechain(db)
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--audit-db", str(store)]).exit_code == 0
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
    verify = runner.invoke(main, ["audit", "verify", "--audit-db", str(store), "--lang", "en"])
    assert verify.exit_code == 0 and verify.stdout.startswith(f"Intact: {1 + 2 * (COHORT + 1)} records")
    for run in ("1", "2"):
        shown = json.loads(runner.invoke(main, ["audit", "show", run, "--format", "json", "--audit-db",
                                                str(store)]).stdout)
        assert {r["decision"]["profile_id"]: r["decision"] for r in shown["records"]} == screened
        replayed = runner.invoke(main, ["audit", "replay", run, "--audit-db", str(store), "--lang", "en"])
        assert replayed.exit_code == 0 and f"{COHORT} decisions, 0 differ" in replayed.stdout
    why = runner.invoke(main, ["audit", "why", "DT-0010", "--audit-db", str(store)]).stdout
    assert why.count("✗ Kỷ luật: Đang trong thời hạn kỷ luật") == 2
    diff = json.loads(runner.invoke(main, ["audit", "diff", "1", "2", "--format", "json", "--audit-db",
                                           str(store)]).stdout)
    assert diff["changes"] == []


def test_texts_that_no_longer_hash_to_what_was_printed_are_not_shown(runner, tmp_path):
    store = tmp_path / "store.sqlite"
    assert runner.invoke(main, ["screen", str(PROFILES), "-q", "--audit-db", str(store)]).exit_code == 0
    with sqlite3.connect(store) as db:  # as if this version rendered the reasons differently
        seq, body = db.execute("SELECT seq, body FROM records WHERE profile_id = 'DT-0010'").fetchone()
        record = json.loads(body)
        record["record_sha256"] = "0" * 64
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (json.dumps(record, ensure_ascii=False), seq))
        _rechain(db)
    why = runner.invoke(main, ["audit", "why", "DT-0010", "--audit-db", str(store), "--lang", "en"]).stdout
    assert "cannot be made again exactly as printed" in why and "Đang trong thời hạn" not in why
    assert "✗ Discipline\n" in why  # the outcome itself is stored
    replayed = runner.invoke(main, ["audit", "replay", "1", "--audit-db", str(store), "--lang", "en"])
    assert replayed.exit_code == 1 and "DT-0010: the decision's texts differ from those printed" in replayed.stdout
    assert runner.invoke(main, ["audit", "verify", "--audit-db", str(store)]).exit_code == 0
