"""One pass that finds the ids written more than once in a batch.

A duplicated id makes every item carrying it invalid, naming where its twins
are: none may win silently (SPEC §4).  An item counts when its document has
an ``id`` in text, whether or not the rest of it is valid; ids are compared
after NFC normalisation.  The pass runs before screening, in every output
mode, so that a profile's verdict never depends on the output format.
"""

from __future__ import annotations

import unicodedata

from ..errors import Problem
from ..profile.reading import Item, clean_text, item_document, iter_items

Place = tuple[str, int | None]


def item_id(item: Item) -> str | None:
    """The id an item claims, NFC-normalised; None when it claims none in text."""
    if item.problem is not None:
        return None
    try:
        document = item_document(item)
    except (ValueError, RecursionError):
        return None
    value = document.get("id") if isinstance(document, dict) else None
    return unicodedata.normalize("NFC", clean_text(value)) if isinstance(value, str) else None


class Duplicates:
    """The places of every id written more than once."""

    def __init__(self, places: dict[str, list[Place]]):
        self.places = places

    @classmethod
    def scan(cls, files: list[str]) -> tuple["Duplicates", int]:
        """(duplicates, number of items) of the files' items."""
        seen: dict[str, Place] = {}
        twice: dict[str, list[Place]] = {}
        count = 0
        for item in iter_items(files):
            count += 1
            claimed = item_id(item)
            if claimed is None:
                continue
            place = (item.source, item.index)
            if claimed in seen:
                twice.setdefault(claimed, [seen[claimed]]).append(place)
            else:
                seen[claimed] = place
        return cls(twice), count

    def problem(self, claimed: str | None, source: str, index: int | None) -> Problem | None:
        """The duplicate-id problem of the item at (source, index), naming its twins; None if unique."""
        places = self.places.get(claimed) if claimed is not None else None
        if not places:
            return None
        others = ", ".join(f"{s} #{(i or 0) + 1}" for s, i in places if (s, i) != (source, index))
        return Problem("id", "duplicate_id", {"value": claimed, "other": others})
