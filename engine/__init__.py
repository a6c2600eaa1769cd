"""sangloc's engine: the public API the CLI and tests use.

    pack = load_pack("pho-bi-thu-tinh-uy-2020")
    run = screen(["profiles/"], pack)            # as of the pack's reference date
    run.decisions[0].verdict                     # "eligible" | "review" | "ineligible"
    run.invalid                                  # profiles that could not be screened

Nothing here prints or exits; errors are :mod:`engine.errors` exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Callable, Iterator

from engine.errors import SanglocError
from engine.evaluate import Decision
from engine.loader import Batch, Invalid, iter_items, load_batch, profile_files
from engine.model import ProfileContext
from engine.pack import Pack, available_packs, load_pack

__all__ = ["Decision", "Invalid", "Pack", "SanglocError", "ScreenRun", "available_packs",
           "load_pack", "read_profiles", "screen", "screen_results", "screen_stream"]

Progress = Callable[[int, int | None], None]


@dataclass
class ScreenRun:
    pack: Pack
    as_of: date
    batch: Batch
    decisions: list[Decision]

    @property
    def invalid(self) -> list[Invalid]:
        return self.batch.invalid


def read_profiles(paths: list[str], pack: Pack, as_of: date | None = None) -> Batch:
    """Read and validate profiles without screening them (``sangloc validate``)."""
    as_of = as_of or pack.reference_date
    return load_batch(paths, ProfileContext(pack.catalog, as_of), pack.assessment_ids(), pack.id)


def _settings(pack: Pack, as_of: date, engine: str, lang: str, payload: str, keep_document: bool,
              duplicates: frozenset = frozenset()):
    from engine.pipeline import Settings

    return Settings(str(pack.path), as_of, engine, lang, payload, keep_document, duplicates)


def screen_results(paths: list[str], pack: Pack, as_of: date | None = None, *, engine: str = "durable",
                   jobs: int = 1, lang: str = "vi", payload: str = "decision", keep_document: bool = False,
                   progress: Progress | None = None):
    """(results, batch) for every profile under ``paths``, collected; a duplicated id
    makes every profile carrying it invalid."""
    from engine.pipeline import process, split_duplicates

    as_of = as_of or pack.reference_date
    files = profile_files(paths)
    batch = Batch(files=len(files))
    results = []
    settings = _settings(pack, as_of, engine, lang, payload, keep_document)
    items = iter_items(files, batch.warnings)
    for done, outcome in enumerate(process(items, settings, jobs, pack), start=1):
        batch.warnings.extend(outcome.warnings)
        if outcome.invalid is not None:
            batch.invalid.append(outcome.invalid)
        else:
            results.append(outcome.result)
        if progress:
            progress(done, None)
    # Duplicates can only be judged once everything is read.
    results, twins = split_duplicates(results)
    batch.invalid.extend(twins)
    batch.profiles = [r.loaded for r in results if r.loaded is not None]
    return results, batch


def screen(paths: list[str], pack: Pack, as_of: date | None = None, progress: Progress | None = None,
           engine: str = "durable", jobs: int = 1) -> ScreenRun:
    """Screen every valid profile under ``paths``; invalid ones are listed, not raised."""
    as_of = as_of or pack.reference_date
    results, batch = screen_results(paths, pack, as_of, engine=engine, jobs=jobs, keep_document=True,
                                    progress=progress)
    return ScreenRun(pack, as_of, batch, [r.decision for r in results])


def screen_stream(paths: list[str], pack: Pack, as_of: date | None = None, *, engine: str = "durable",
                  jobs: int = 1, lang: str = "vi", keep_document: bool = False,
                  warnings: list | None = None) -> tuple[int, Iterator]:
    """(item count, outcomes in input order) for streaming output; a first pass
    finds duplicated ids so that every profile carrying one is reported."""
    from engine.pipeline import duplicated_ids, process

    as_of = as_of or pack.reference_date
    files = profile_files(paths)
    duplicates, count = duplicated_ids(files)
    settings = _settings(pack, as_of, engine, lang, "line", keep_document, duplicates)
    return count, process(iter_items(files, warnings), settings, jobs, pack)
