"""What a process leaves in the audit store's hash chain, and a step's outcome as data.

``process init`` records the process (kind ``process``: the whole file as
started, the command, who and when) and each person's admission to the
step-1 list (kind ``outcome``, step 1); ``process record`` records the tally
entry with the step's outcome (kind ``tally``) and each person's outcome at
that step (kind ``outcome``). ``audit why`` reads the outcomes of one person,
``audit replay`` recomputes every step from the tallies.
"""

from __future__ import annotations

from datetime import datetime, timezone

from .. import audit
from .outcome import StepOutcome
from .state import ProcessDoc, Sitting, State


def fraction_text(value) -> str:
    return f"{value.numerator}/{value.denominator}"


def step_data(sitting: Sitting) -> dict:
    """A sitting's outcome as data (codes, numbers; no text): stored, replayed, printed as JSON."""
    outcome: StepOutcome = sitting.outcome
    return {
        "step": outcome.step, "body": outcome.body, "sitting": sitting.number, "entry": sitting.entry.entry,
        "quorate": outcome.quorate, "summoned": outcome.summoned, "present": outcome.present,
        "quorum": fraction_text(outcome.quorum), "quorum_needed": outcome.quorum_needed,
        "share": fraction_text(outcome.share), "strict": outcome.strict,
        "denominator_kind": outcome.denominator_kind, "denominator": outcome.denominator,
        "votes_needed": outcome.votes_needed,
        "results": [{"profile_id": r.profile_id, "full_name": r.full_name, "votes": r.votes, "percent": r.percent,
                     "passed": r.passed, "rank": r.rank, "carried": r.carried} for r in outcome.results],
        "passed": list(outcome.passed), "carried": list(outcome.carried),
        "flags": [{"code": f.code, "step": f.step, "profile_ids": list(f.profile_ids), "params": f.params}
                  for f in outcome.flags],
    }


def person_outcomes(state: State, sitting: Sitting) -> list[tuple[str, dict]]:
    """(profile id, outcome record) of everyone voted on at a sitting."""
    data = step_data(sitting)
    entry = sitting.entry
    records = []
    named = [(f["code"], set(f["profile_ids"])) for f in data["flags"]]  # sets: a flag may name thousands
    for result in data["results"]:
        flags = [code for code, ids in named if not ids or result["profile_id"] in ids]
        records.append((result["profile_id"], {
            "process_id": state.doc.id, "full_name": result["full_name"], "entry": entry.entry, "step": data["step"], "sitting": data["sitting"],
            "body": data["body"], "date": sitting.tally.date, "quorate": data["quorate"],
            "votes": result["votes"], "percent": result["percent"], "denominator": data["denominator"],
            "denominator_kind": data["denominator_kind"], "share": data["share"], "strict": data["strict"],
            "passed": result["passed"], "rank": result["rank"], "of": len(data["results"]),
            "carried": result["carried"], "flags": flags, "replaces": entry.replaces, "by": entry.by,
            "at": entry.at}))
    return records


def process_header(doc: ProcessDoc, command: str, sangloc_version: str) -> dict:
    section = doc.section()
    return {
        "process_id": doc.id, "created_utc": doc.journal[0].at, "os_user": audit.current_user(),
        "by": doc.journal[0].by, "command": command, "sangloc_version": sangloc_version,
        "pack": doc.pack.model_dump(), "post": doc.post.model_dump(), "track": doc.track, "seats": doc.seats,
        "screening": doc.screening.model_dump(mode="json"),
        "steps": [{"step": n, "body": s.body, "sitting": s.sitting.model_dump() if s.sitting else None}
                  for n, s in enumerate(section.steps, start=1)],
        "document": doc.model_dump(mode="json"),
    }


def record_start(writer: audit.ChainWriter, doc: ProcessDoc, pack_content: dict | None, command: str,
                 sangloc_version: str, late: bool = False) -> str:
    """The records of ``process init``; the hash of the process record. ``late``: the
    process was started with --no-audit, and the store learns of it at its first
    recorded entry (without the pack's content, which the file does not hold)."""
    if pack_content is not None:
        writer.add_pack(doc.pack.digest, pack_content)
    header = process_header(doc, command, sangloc_version)
    if late:
        header["recorded_late"] = True
    digest = writer.add("process", "", header)
    body = doc.section().step(1).body
    for candidate in doc.candidates:
        writer.add("outcome", candidate.profile_id, {
            "process_id": doc.id, "full_name": candidate.full_name, "entry": 1, "step": 1, "sitting": 1, "body": body,
            "admitted": candidate.admitted, "verdict": candidate.verdict,
            "cleared": doc.cleared.model_dump(mode="json") if candidate.admitted == "cleared" and doc.cleared else None,
            "screening": doc.screening.source, "of": len(doc.candidates), "carried": True,
            "by": doc.journal[0].by, "at": doc.journal[0].at})
    return digest


def record_entry(writer: audit.ChainWriter, state: State, sitting: Sitting, command: str,
                 sangloc_version: str) -> str:
    """The records of one tally entry (``state`` already holds it); the hash of the tally record."""
    if not writer.knows("process", state.doc.id):
        started = state.doc.model_copy(update={"journal": state.doc.journal[:1]})
        record_start(writer, started, None, command, sangloc_version, late=True)
    entry = sitting.entry.model_dump(mode="json", exclude={"audit_hash"})
    digest = writer.add("tally", "", {"process_id": state.doc.id, "entry": entry, "outcome": step_data(sitting),
                                      "command": command, "os_user": audit.current_user(),
                                      "recorded_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                                      "sangloc_version": sangloc_version})
    for profile_id, record in person_outcomes(state, sitting):
        writer.add("outcome", profile_id, record)
    return digest
