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
from typing import Callable

from engine.errors import Problem, SanglocError
from engine.evaluate import Decision, Screener
from engine.loader import Batch, Invalid, load_batch
from engine.model import ProfileContext
from engine.pack import Pack, available_packs, load_pack

__all__ = ["Decision", "Invalid", "Pack", "SanglocError", "ScreenRun", "available_packs",
           "load_pack", "read_profiles", "screen"]


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


def screen(paths: list[str], pack: Pack, as_of: date | None = None,
           progress: Callable[[int, int], None] | None = None) -> ScreenRun:
    """Screen every valid profile under ``paths``; invalid ones are listed, not raised."""
    as_of = as_of or pack.reference_date
    batch = read_profiles(paths, pack, as_of)
    screener = Screener(pack, as_of)
    decisions = []
    total = len(batch.profiles)
    for done, loaded in enumerate(batch.profiles, start=1):
        try:
            decisions.append(screener.decide(loaded.profile, loaded.source))
        except Exception as err:  # noqa: BLE001 - one profile's failure must not lose the batch
            code, params = ((err.code, err.params) if isinstance(err, SanglocError)
                            else ("engine_failure", {"profile": loaded.profile.id, "reason": repr(err)}))
            batch.invalid.append(Invalid(loaded.source, loaded.profile.id, [Problem("", code, params)],
                                         loaded.index))
        if progress:
            progress(done, total)
    return ScreenRun(pack, as_of, batch, decisions)
