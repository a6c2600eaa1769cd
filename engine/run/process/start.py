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
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from ...errors import AuditError, InputFileError, UsageError
from ...escape import has_unsafe, one_line
from ...i18n import label
from ...profile.reading import decode_text, read_bytes
from ...pack.process import DEFAULT_PROCESS, ProcessSection, cited
from .state import FORMAT, MAX_CANDIDATES, MAX_STEPS, Candidate, Cleared, Entry, ProcessDoc, Screening


@dataclass
class ScreeningResult:
    meta: Screening
    #: (profile id, full name, verdict), by profile id.
    results: list[tuple[str, str, str]]
    #: The pack content the audit store kept for the run (None for a file).
    pack_content: dict | None = None


#: The most results a screening given to --from may hold (a province screens hundreds).
MAX_RESULTS = 100_000
_PROFILE_ID = re.compile(r"[\w.\-]{1,64}")
_VERDICTS = ("eligible", "review", "ineligible")
_PACK_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*(?:\.[A-Za-z0-9_\-]+)*")


def read_screening(ref: str, audit_path: Path) -> ScreeningResult:
    """A screening JSON file when ``ref`` names one, else a run of the audit store."""
    if os.path.lexists(ref) and not os.path.isfile(ref):
        # A folder, a FIFO, a device or a link to nowhere: said, never waited on or taken for a run id.
        broken = os.path.islink(ref) and not os.path.exists(ref)
        raise UsageError("process_from_broken_link" if broken else "process_from_not_regular", {"path": one_line(ref)})
    if Path(ref).is_file():
        return _from_file(ref)
    from .. import audit

    try:
        db = audit.open_readonly(audit_path)
        run_id = audit.resolve_run(db, ref)
    except AuditError:
        raise UsageError("process_from_unknown", {"value": one_line(ref), "path": str(audit_path)}) from None
    header = audit.run_header(db, run_id)
    rows = [{"profile_id": r["decision"]["profile_id"], "full_name": r["decision"]["full_name"],
             "verdict": r["decision"]["verdict"]} for r in audit.run_decisions(db, run_id)]
    try:
        results = _results(rows)
    except _NotScreening as err:
        raise AuditError("audit_damaged", {"seq": "?", "detail": f"run {run_id}: {err}"}) from None
    content = audit.pack_content(db, header["pack"]["digest"])
    meta = Screening(source=f"run {run_id}", kind="run", run_id=run_id, as_of=header["as_of"],
                     ruleset={k: header["pack"][k] for k in ("id", "version", "digest")})
    return ScreeningResult(meta, results, content)


class _NotScreening(ValueError):
    """What makes a file no screening result, naming the field."""


def _text(value, where: str, most: int) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _NotScreening(f"{where}: expected text, got {_kind(value)}")
    if len(value) > most:
        raise _NotScreening(f"{where}: longer than {most} characters")
    if has_unsafe(value):
        raise _NotScreening(f"{where}: holds a control or text-direction character ({one_line(value)[:60]})")
    return unicodedata.normalize("NFC", value)


def _kind(value) -> str:
    if isinstance(value, str):
        return "empty text" if not value.strip() else "text"
    return {dict: "a mapping", list: "a list", bool: "true/false", type(None): "null", int: "a number",
            float: "a number"}.get(type(value), type(value).__name__)


def _results(rows) -> list[tuple[str, str, str]]:
    """(profile id, full name, verdict) of each result, by profile id, each field checked as
    `sangloc screen` writes it: an id of letters, digits and . _ -, a name of one line, a verdict."""
    if not isinstance(rows, list):
        raise _NotScreening(f"results: expected a list, got {_kind(rows)}")
    if len(rows) > MAX_RESULTS:
        raise _NotScreening(f"results: more than {MAX_RESULTS:,} results")
    found, seen = [], set()
    for n, row in enumerate(rows):
        if not isinstance(row, dict):
            raise _NotScreening(f"results[{n}]: expected a mapping, got {_kind(row)}")
        profile_id = _text(row.get("profile_id"), f"results[{n}].profile_id", 64)
        if not _PROFILE_ID.fullmatch(profile_id):
            raise _NotScreening(f"results[{n}].profile_id: '{one_line(profile_id)}' is not a profile id "
                                "(letters, digits and . _ -)")
        if profile_id in seen:
            raise _NotScreening(f"results[{n}].profile_id: {profile_id} is listed twice")
        seen.add(profile_id)
        name = _text(row.get("full_name"), f"results[{n}].full_name", 300)
        if row.get("verdict") not in _VERDICTS:
            raise _NotScreening(f"results[{n}].verdict: not one of {', '.join(_VERDICTS)}")
        found.append((profile_id, name, row["verdict"]))
    return sorted(found)


def _from_file(path: str) -> ScreeningResult:
    try:
        data = read_bytes(path)
        report = json.loads(decode_text(data), object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant,
                            parse_int=_bounded_int)
        if not isinstance(report, dict):
            raise _NotScreening(f"expected a JSON object, got {_kind(report)}")
        if "results" not in report:
            raise _NotScreening("results: missing")
        results = _results(report["results"])
        ruleset = report.get("ruleset") or {}
        if not isinstance(ruleset, dict):
            raise _NotScreening(f"ruleset: expected a mapping, got {_kind(ruleset)}")
        ruleset = {k: _text(ruleset[k], f"ruleset.{k}", 200) for k in ("id", "version", "digest") if k in ruleset}
        if "id" in ruleset and not _PACK_ID.fullmatch(ruleset["id"]):
            # The pack a screening names is looked up among the installed packs, never as a path the file chose.
            raise _NotScreening(f"ruleset.id: '{ruleset['id']}' is not the id of a rule pack (give --rules)")
        as_of = report.get("as_of")
        if as_of is not None and not (isinstance(as_of, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", as_of)
                                      and _real_day(as_of)):
            raise _NotScreening("as_of: not a date written YYYY-MM-DD")
    except InputFileError as err:
        raise _Unusable(path, err) from None
    except RecursionError:
        raise UsageError("process_not_screening", {"path": one_line(path), "reason": "nested too deeply"}) from None
    except (ValueError, OSError) as err:
        reason = getattr(err, "strerror", None) or str(err) or type(err).__name__
        raise UsageError("process_not_screening", {"path": one_line(path), "reason": one_line(reason)[:300]}) \
            from None
    meta = Screening(source=path, kind="file", sha256=hashlib.sha256(data).hexdigest(), as_of=as_of, ruleset=ruleset)
    return ScreeningResult(meta, results)


def _real_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _no_duplicates(pairs):
    found = {}
    for key, value in pairs:
        if key in found:
            raise _NotScreening(f"the key {one_line(key)!r} appears twice")
        found[key] = value
    return found


def _refuse_constant(name: str):
    raise _NotScreening(f"{name} is not a number JSON allows")


def _bounded_int(text: str) -> int:
    if len(text) > 20:
        raise _NotScreening(f"a number of {len(text)} digits")
    return int(text)


class _Unusable(UsageError):
    """A screening file that cannot be read at all; the reason is a message of its own."""

    def __init__(self, path: str, reason: InputFileError):
        self.reason = reason
        super().__init__("process_not_screening", {"path": one_line(path), "reason": reason.text("en")})

    def text(self, lang: str = "vi") -> str:
        from ...i18n import message

        return message("process_not_screening", lang, {**self.params, "reason": self.reason.text(lang)})


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
    if len(section.steps) > MAX_STEPS:  # what a process file may hold (engine/run/process/state.py)
        raise UsageError("process_too_many_steps", {"pack": pack.id, "count": len(section.steps), "max": MAX_STEPS})
    verdicts = {pid: (name, verdict) for pid, name, verdict in screening.results}
    for raw in cleared_ids:
        profile_id = unicodedata.normalize("NFC", raw).strip()
        if profile_id not in verdicts:
            raise UsageError("process_cleared_unknown", {"value": one_line(raw), "suggestions": difflib.get_close_matches(
                profile_id, list(verdicts), n=2)})
        if verdicts[profile_id][1] != "review":
            raise UsageError("process_cleared_verdict", {"value": profile_id,
                                                         "verdict": label("verdict", verdicts[profile_id][1], "vi")})
    chosen = {unicodedata.normalize("NFC", c).strip() for c in cleared_ids}
    candidates = [Candidate(profile_id=pid, full_name=name, verdict=verdict,
                            admitted="eligible" if verdict == "eligible" else "cleared")
                  for pid, name, verdict in screening.results if verdict == "eligible" or pid in chosen]
    if len(candidates) > MAX_CANDIDATES:
        raise UsageError("process_too_many_candidates", {"count": len(candidates), "max": MAX_CANDIDATES})
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
