"""Screening many profiles: read, validate, decide and render, in order, in one
process or spread over several (``--jobs``), collected or streamed.

Items are read lazily (a JSON Lines file line by line), processed by a
:class:`Worker` — in this process, or in worker processes that each load the
pack and keep their own durable-rules host — and come back in input order,
so that the output does not depend on the number of processes.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from engine.errors import Problem
from engine.evaluate import Decision, Screener
from engine.explain import Explainer
from engine.loader import Invalid, Item, Loaded, check_item, item_document, iter_items
from engine.model import ProfileContext
from engine.pack import Pack, load_pack

CHUNK = 200


@dataclass(frozen=True)
class Settings:
    """What a worker needs to process items the same way in any process."""

    pack_path: str
    as_of: date
    engine: str = "durable"
    lang: str = "vi"
    #: "decision": keep Decision objects; "dict": the JSON-ready decision only;
    #: "line": the finished JSON Lines text (cheapest to send between processes);
    #: "json": the result as it stands in the screening JSON (a tenth of a dict's memory)
    payload: str = "decision"
    keep_document: bool = False
    #: Profile ids that occur more than once in the batch (known before streaming).
    duplicates: frozenset = frozenset()


@dataclass
class Result:
    profile_id: str
    full_name: str
    source: str
    index: int | None
    verdict: str
    decision: Decision | None = None
    data: dict | None = None
    line: str | None = None
    loaded: Loaded | None = None
    document: object = None
    #: Canonical JSON of the input and of the decision, made where the work is done.
    audit_input: str | None = None
    audit_decision: str | None = None


@dataclass
class Outcome:
    result: Result | None = None
    invalid: Invalid | None = None
    warnings: list = field(default_factory=list)


class Worker:
    """Validates, decides and renders items under one pack and as-of date."""

    def __init__(self, settings: Settings, pack: Pack | None = None):
        self.settings = settings
        self.pack = pack or load_pack(settings.pack_path)
        self.context = ProfileContext(self.pack.catalog, settings.as_of)
        self.assessment_ids = self.pack.assessment_ids()
        self.screener = Screener(self.pack, settings.as_of, settings.engine)
        self.explainer = Explainer(self.pack, settings.as_of, settings.lang)

    def process(self, item: Item) -> Outcome:
        from engine.render import decision_dict

        loaded, invalid, warnings = check_item(item, self.context, self.assessment_ids, self.pack.id)
        if invalid is not None:
            return Outcome(invalid=invalid, warnings=warnings)
        profile = loaded.profile
        if profile.id in self.settings.duplicates:
            return Outcome(invalid=duplicate_of(loaded), warnings=warnings)
        try:
            decision = self.screener.decide(profile, item.source)
        except Exception as err:  # noqa: BLE001 - one profile's failure must not lose the batch
            from engine.errors import SanglocError

            code, params = ((err.code, err.params) if isinstance(err, SanglocError)
                            else ("engine_failure", {"profile": profile.id, "reason": repr(err)}))
            return Outcome(invalid=Invalid(item.source, profile.id, [Problem("", code, params)], item.index,
                                           profile.full_name), warnings=warnings)
        result = Result(profile.id, profile.full_name, item.source, item.index, decision.verdict)
        if self.settings.payload == "decision":
            result.decision, result.loaded = decision, loaded
        else:
            data = decision_dict(decision, self.explainer)
            if self.settings.payload == "line":
                result.line = json.dumps({"kind": "result", **data}, ensure_ascii=False)
            elif self.settings.payload == "json":
                result.line = json.dumps(data, ensure_ascii=False, separators=(", ", ": "))
            else:
                result.data = data
            if self.settings.keep_document:
                from engine.audit import canonical

                result.audit_input, result.audit_decision = canonical(loaded.document), canonical(data)
        if self.settings.keep_document:
            result.document = loaded.document
        return Outcome(result=result, warnings=warnings)

    def process_chunk(self, items: list[Item]) -> list[Outcome]:
        return [self.process(item) for item in items]


def split_duplicates(results: list[Result]) -> tuple[list[Result], list[Invalid]]:
    """(results whose id is unique, an Invalid for each of the others, naming its twins)."""
    places: dict[str, list[Result]] = {}
    for result in results:
        places.setdefault(result.profile_id, []).append(result)
    kept, invalid = [], []
    for result in results:
        twins = [t for t in places[result.profile_id] if t is not result]
        if not twins:
            kept.append(result)
            continue
        others = ", ".join(f"{t.source} #{(t.index or 0) + 1}" for t in twins)
        invalid.append(Invalid(result.source, result.profile_id, [
            Problem("id", "duplicate_id", {"value": result.profile_id, "other": others})], result.index,
            result.full_name))
    return kept, invalid


def duplicate_of(loaded: Loaded) -> Invalid:
    """While streaming, a duplicated id is known from the first pass, not where its twin is."""
    return Invalid(loaded.source, loaded.profile.id, [
        Problem("id", "duplicate_id_batch", {"value": loaded.profile.id})], loaded.index, loaded.profile.full_name)


_worker: Worker | None = None


def _start(settings: Settings) -> None:
    import signal

    # Ctrl-C reaches the whole process group: the main process handles it (exit 130,
    # one line) and ends the pool; a worker must not print its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker
    _worker = Worker(settings)


def _run_chunk(items: list[Item]) -> list[Outcome]:
    return _worker.process_chunk(items)


def process(items: Iterator[Item], settings: Settings, jobs: int = 1, pack: Pack | None = None
            ) -> Iterator[Outcome]:
    """Every item's outcome, in input order, computed by ``jobs`` processes."""
    if jobs <= 1:
        worker = Worker(settings, pack)
        for item in items:
            yield worker.process(item)
        return
    chunks = iter(lambda: list(itertools.islice(items, CHUNK)), [])
    # spawn, not fork: a forked durable-rules host would share the parent's C state.
    with multiprocessing.get_context("spawn").Pool(jobs, _start, (settings,)) as pool:
        for outcomes in pool.imap(_run_chunk, chunks):
            yield from outcomes


def duplicated_ids(files: list[str]) -> tuple[frozenset, int]:
    """A first pass over the input for streaming: ids that occur twice, and the item count."""
    seen: set[str] = set()
    twice: set[str] = set()
    count = 0
    for item in iter_items(files):
        count += 1
        try:
            document = item_document(item)
        except ValueError:
            continue
        profile_id = document.get("id") if isinstance(document, dict) else None
        if isinstance(profile_id, str):
            profile_id = unicodedata.normalize("NFC", profile_id)
            (twice if profile_id in seen else seen).add(profile_id)
    return frozenset(twice), count


def jsonl_line(outcome: Outcome, lang: str) -> str:
    from engine.render import invalid_dict

    if outcome.result is not None:
        return outcome.result.line or json.dumps({"kind": "result", **outcome.result.data}, ensure_ascii=False)
    return json.dumps({"kind": "invalid", **invalid_dict(outcome.invalid, lang)}, ensure_ascii=False)
