"""One pipeline from profile files to results: read → validate → decide.

:class:`Screening` yields one :class:`Outcome` per item of the input, in
input order — a result (the decision as a record, ``engine/decide/explain.py``)
or an invalid entry — whether the items are processed in this process or
spread over worker processes (``jobs``).  Every output and the audit writer
are consumers of that one stream; none of them reads or decides anything
itself.  Ids written twice are found by one pass before screening
(``engine/run/duplicates.py``) and every item carrying one is invalid, in
every mode.
"""

from __future__ import annotations

import gc
import itertools
import multiprocessing
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Iterator

from ..errors import Problem, SanglocError
from ..jsonform import compact
from ..pack.load import pack_from_content
from ..pack.model import Pack
from ..profile.reading import Item, iter_items, profile_files
from ..profile.validate import Invalid, Loaded, check_item
from ..decide.decide import Decider
from ..decide.explain import Explainer, record, record_text
from .audit import json_text
from .duplicates import Duplicates

CHUNK = 200


@dataclass(frozen=True)
class Settings:
    """What a worker needs to process items the same way in any process."""

    #: The pack's content (pack.yaml, catalog, documents): a worker rebuilds the very pack
    #: the run was started with, whatever its folder holds by then.
    pack_content: dict
    as_of: date
    matcher: str = "durable"
    lang: str = "vi"
    decide: bool = True
    #: Keep each input document (the audit store records it) / each validated profile (the memo reads it).
    keep_documents: bool = False
    keep_profiles: bool = False
    #: Keep each decision as data; without it only its encoded text is kept (enough for JSON
    #: and JSON Lines, and for the audit store).
    keep_records: bool = True


@dataclass
class Result:
    profile_id: str
    full_name: str
    source: str
    index: int | None
    verdict: str | None
    #: The decision as data (None when the run only validates, or keeps only its text).
    record: dict | None = None
    #: The profile as read, when the run keeps it (the audit store records it).
    document: dict | None = None
    #: The validated profile, when the run keeps it (the memo reads it).
    loaded: Loaded | None = None
    #: The decision encoded once, as a result of `screen --format json` prints it
    #: (``jsonform.compact``): the JSON outputs and the audit store all use these bytes.
    text: str | None = None
    #: Each rule's outcome, in the pack's order of rules.
    outcomes: tuple[str, ...] = ()
    #: The input as the audit store keeps it, when the run keeps documents: a JSON Lines
    #: line as it was read, or the canonical JSON of a YAML or JSON document.
    input_text: str | None = None


@dataclass
class Outcome:
    result: Result | None = None
    invalid: Invalid | None = None
    warnings: list = field(default_factory=list)


class Worker:
    """Validates and decides items under one pack and as-of date."""

    def __init__(self, settings: Settings, pack: Pack | None = None):
        self.settings = settings
        self.pack = pack or pack_from_content(settings.pack_content)
        self.context = self.pack.profile_context(settings.as_of)
        self.decider = Decider(self.pack, settings.as_of, settings.matcher) if settings.decide else None
        self.explainer = Explainer(self.pack, settings.as_of, settings.lang)

    def process(self, item: Item) -> Outcome:
        loaded, invalid, warnings = check_item(item, self.context)
        if invalid is not None:
            return Outcome(invalid=invalid, warnings=warnings)
        profile = loaded.profile
        result = Result(profile.id, profile.full_name, item.source, item.index, None,
                        loaded=loaded if self.settings.keep_profiles else None)
        if self.settings.keep_documents:
            # The audit store keeps the input as text: a JSON Lines line as it was read (the
            # document it parses to is not carried back from a worker as well).
            if item.raw is not None:
                result.input_text = item.raw.strip(" \t\r\n")
            else:
                result.document = loaded.document
                result.input_text = json_text(loaded.document)
        if self.decider is not None:
            try:
                decision = self.decider.decide(profile, item.source)
            except Exception as err:  # noqa: BLE001 - one profile's failure must not lose the batch
                code, params = ((err.code, err.params) if isinstance(err, SanglocError)
                                else ("engine_failure", {"profile": profile.id, "reason": repr(err)}))
                return Outcome(invalid=Invalid(item.source, profile.id, [Problem("", code, params)], item.index,
                                               profile.full_name), warnings=warnings)
            result.verdict = decision.verdict
            result.outcomes = tuple(o.outcome for o in decision.outcomes)
            if self.settings.keep_records:
                result.record = record(decision, self.explainer)
                result.text = compact(result.record)
            else:
                result.text = record_text(decision, self.explainer)
        return Outcome(result=result, warnings=warnings)

    def process_chunk(self, items: list[Item]) -> list[Outcome]:
        return [self.process(item) for item in items]


def quiet_collector() -> None:
    """Set the garbage collector for a batch, once the pack and the engine are set up.

    A batch makes many small objects per profile, freed by reference counting (they
    hold no cycles), while the collector's full passes walk every long-lived object
    (modules, schemas, the pack, the texts already rendered) again and again: measured,
    up to a third of a profile's time.  Freezing what set-up made moves it out of
    their way, and a higher first threshold makes passes rarer."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)


_worker: Worker | None = None


def _start(settings: Settings) -> None:
    import signal

    # Ctrl-C reaches the whole process group: the main process handles it (exit 130,
    # one line) and ends the pool; a worker must not print its own traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    global _worker
    _worker = Worker(settings)
    quiet_collector()


def _run_chunk(items: list[Item]) -> list[Outcome]:
    return _worker.process_chunk(items)


class Screening:
    """One run over the profiles under ``paths``: every item's outcome, in input order."""

    def __init__(self, paths: list[str], pack: Pack, as_of: date | None = None, *, matcher: str = "durable",
                 jobs: int = 1, lang: str = "vi", decide: bool = True, keep_documents: bool = False,
                 keep_profiles: bool = False, keep_records: bool = True):
        self.pack = pack
        self.as_of = as_of or pack.reference_date
        self.lang = lang
        self.jobs = jobs
        self.settings = Settings(pack.content, self.as_of, matcher, lang, decide, keep_documents, keep_profiles,
                                 keep_records)
        self.files = profile_files(paths)
        self.duplicates, self.total = Duplicates.scan(self.files)
        #: Problems of whole files that do not stop screening (an empty file).
        self.warnings: list = []

    def outcomes(self) -> Iterator[Outcome]:
        for outcome in self._processed(iter_items(self.files, self.warnings)):
            yield self._with_duplicates(outcome)

    def _processed(self, items: Iterator[Item]) -> Iterator[Outcome]:
        if self.jobs <= 1:
            worker = Worker(self.settings, self.pack)
            quiet_collector()
            for item in items:
                yield worker.process(item)
            return
        chunks = iter(lambda: list(itertools.islice(items, CHUNK)), [])
        # spawn, not fork: a forked durable-rules host would share the parent's C state.
        with multiprocessing.get_context("spawn").Pool(self.jobs, _start, (self.settings,)) as pool:
            for outcomes in pool.imap(_run_chunk, chunks):
                yield from outcomes

    def _with_duplicates(self, outcome: Outcome) -> Outcome:
        if outcome.result is not None:
            result = outcome.result
            problem = self.duplicates.problem(result.profile_id, result.source, result.index)
            if problem is not None:
                return Outcome(invalid=Invalid(result.source, result.profile_id, [problem], result.index,
                                               result.full_name), warnings=outcome.warnings)
            return outcome
        entry = outcome.invalid
        claimed = unicodedata.normalize("NFC", entry.profile_id) if entry.profile_id else None
        problem = self.duplicates.problem(claimed, entry.source, entry.index)
        if problem is not None:
            entry.problems.append(problem)
        return outcome


@dataclass
class Collected:
    """A whole run held in memory: results sorted by profile id, invalid entries in input order."""

    pack: Pack
    as_of: date
    lang: str
    results: list[Result]
    invalid: list[Invalid]
    warnings: list

    @property
    def records(self) -> list[dict]:
        return [r.record for r in self.results]


def collect(screening: Screening, progress=None) -> Collected:
    """Run ``screening`` to the end; ``progress(done, total)`` is told of each item."""
    results, invalid, warnings = [], [], []
    for done, outcome in enumerate(screening.outcomes(), start=1):
        warnings.extend(outcome.warnings)
        if outcome.invalid is not None:
            invalid.append(outcome.invalid)
        else:
            results.append(outcome.result)
        if progress is not None:
            progress(done, screening.total)
    results.sort(key=lambda r: r.profile_id)
    return Collected(screening.pack, screening.as_of, screening.lang, results, invalid,
                     screening.warnings + warnings)
