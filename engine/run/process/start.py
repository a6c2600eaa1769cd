"""A process started from a screening (``sangloc process init``).

The screening is a ``screen --format json`` file when such a file exists,
else a run of the audit store (SPEC §6). Step 1's list is the eligible
candidates, plus those held for review whom the step-1 meeting cleared, each
with the meeting's record; nobody else. A person whose screening found a
requirement unmet cannot be cleared here: only a higher body's exception,
recorded in the profile and screened again, changes that (SPEC §2).
"""

from __future__ import annotations

import difflib
import hashlib
import json
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from ...errors import AuditError, UsageError
from ...i18n import label
from ...pack.process import DEFAULT_PROCESS, ProcessSection, cited
from .state import FORMAT, Candidate, Cleared, Entry, ProcessDoc, Screening


@dataclass
class ScreeningResult:
    meta: Screening
    #: (profile id, full name, verdict), by profile id.
    results: list[tuple[str, str, str]]
    #: The pack content the audit store kept for the run (None for a file).
    pack_content: dict | None = None


def read_screening(ref: str, audit_path: Path) -> ScreeningResult:
    """A screening JSON file when ``ref`` names one, else a run of the audit store."""
    if Path(ref).is_file():
        return _from_file(ref)
    from .. import audit

    try:
        db = audit.open_readonly(audit_path)
        run_id = audit.resolve_run(db, ref)
    except AuditError:
        raise UsageError("process_from_unknown", {"value": ref, "path": str(audit_path)}) from None
    header = audit.run_header(db, run_id)
    results = sorted((r["decision"]["profile_id"], r["decision"]["full_name"], r["decision"]["verdict"])
                     for r in audit.run_decisions(db, run_id))
    content = audit.pack_content(db, header["pack"]["digest"])
    meta = Screening(source=f"run {run_id}", kind="run", run_id=run_id, as_of=header["as_of"],
                     ruleset=dict(header["pack"]))
    return ScreeningResult(meta, results, content)


def _from_file(path: str) -> ScreeningResult:
    data = Path(path).read_bytes()
    try:
        report = json.loads(data.decode("utf-8-sig"))
        rows = report["results"]
        results = sorted((str(r["profile_id"]), str(r.get("full_name") or ""), str(r["verdict"])) for r in rows)
        ruleset = report.get("ruleset") or {}
        if not isinstance(ruleset, dict) or any(v not in ("eligible", "review", "ineligible") for *_, v in results):
            raise ValueError("ruleset or verdict")
    except (ValueError, KeyError, TypeError) as err:
        raise UsageError("process_not_screening", {"path": path, "reason": str(err) or type(err).__name__}) from None
    meta = Screening(source=path, kind="file", sha256=hashlib.sha256(data).hexdigest(),
                     as_of=str(report.get("as_of")) if report.get("as_of") else None,
                     ruleset={k: str(v) for k, v in ruleset.items() if k in ("id", "version", "digest")})
    return ScreeningResult(meta, results)


def cited_documents(section: ProcessSection, pack) -> tuple[dict[str, dict], dict[str, dict]]:
    """(documents, readings) the section cites, as data, so the process file reads without the pack."""
    documents, readings = cited(section)
    return ({doc_id: pack.spec.documents[doc_id].model_dump(exclude_none=True)
             for doc_id in sorted(documents) if doc_id in pack.spec.documents},
            {reading_id: pack.spec.readings[reading_id].model_dump(exclude_none=True, exclude={"file"})
             for reading_id in sorted(readings) if reading_id in pack.spec.readings})


def start(screening: ScreeningResult, pack, seats: int | None, cleared_ids: list[str], cleared: Cleared | None,
          summoned: dict[int, int], by: str, now: datetime | None = None) -> ProcessDoc:
    """A new process file: the step-1 list from the screening and the meeting's clearances."""
    section = pack.process or DEFAULT_PROCESS
    verdicts = {pid: (name, verdict) for pid, name, verdict in screening.results}
    for raw in cleared_ids:
        profile_id = unicodedata.normalize("NFC", raw).strip()
        if profile_id not in verdicts:
            raise UsageError("process_cleared_unknown", {"value": raw, "suggestions": difflib.get_close_matches(
                profile_id, list(verdicts), n=2)})
        if verdicts[profile_id][1] != "review":
            raise UsageError("process_cleared_verdict", {"value": profile_id,
                                                         "verdict": label("verdict", verdicts[profile_id][1], "vi")})
    chosen = {unicodedata.normalize("NFC", c).strip() for c in cleared_ids}
    candidates = [Candidate(profile_id=pid, full_name=name, verdict=verdict,
                            admitted="eligible" if verdict == "eligible" else "cleared")
                  for pid, name, verdict in screening.results if verdict == "eligible" or pid in chosen]
    now = now or datetime.now(timezone.utc)
    title = pack.spec.title
    documents, readings = cited_documents(section, pack)
    return ProcessDoc(
        format=FORMAT, id=f"P-{now:%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}",
        post=(section.post.model_dump() if section.post else {"vi": title.vi, "en": title.en}),
        subject=(section.subject.model_dump() if section.subject else {"vi": title.vi, "en": title.en}),
        track=section.track, seats=seats, summoned={str(k): v for k, v in sorted(summoned.items())},
        pack={"id": pack.id, "version": pack.version, "digest": pack.digest},
        process=section.model_dump(mode="json", exclude_none=True), process_declared=pack.process is not None,
        documents=documents, readings=readings, screening=screening.meta,
        candidates=candidates, cleared=cleared if chosen else None,
        journal=[Entry(entry=1, kind="init", at=now.isoformat(timespec="seconds"), by=by)],
    )
