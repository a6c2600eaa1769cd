"""One pass that finds the ids written more than once in a batch.

A duplicated id makes every item carrying it invalid, naming where its twins
are: none may win silently (SPEC §4).  An item counts when its document has
an ``id`` in text, whether or not the rest of it is valid; ids are compared
after NFC normalisation.  The pass runs before screening, in every output
mode, so that a profile's verdict never depends on the output format.

Its cost is linear in the batch, in time and in what it says, and its memory
is about two bytes a profile: it needs ids, not documents; it keeps a Bloom
filter of them, not the ids; and each twin's message names one other twin
and counts the rest (a message naming every twin would grow with the square
of their number: 2,500 profiles sharing one id once made 250 MB of output).

A JSON Lines line whose text opens with ``{"id": "…"`` (no escape in the
value) and names ``"id"`` nowhere else claims that id or none: none when the
line turns out not to be a valid JSON object (a duplicate key, say).  Such a
line is read by that pattern alone, and only the lines whose id is found
more than once are then parsed in full to confirm it; any other item is
parsed as the screening will parse it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass

from ..errors import Problem
from ..profile.reading import Item, clean_text, item_document, iter_items

Place = tuple[str, int | None]

#: A line that opens with its id, the value free of escapes and quotes.
_LEADING_ID = re.compile(r'\s*\{\s*"id"\s*:\s*"([^"\\]*)"')


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


def _claimed(item: Item) -> tuple[str | None, bool]:
    """(the id the item claims, whether that is certain): a JSON Lines line read by
    the pattern above claims its id or none, to be confirmed if the id recurs."""
    raw = item.raw
    if raw is not None and item.problem is None and raw.count('"id"') == 1:
        match = _LEADING_ID.match(raw)
        if match:
            return unicodedata.normalize("NFC", match.group(1)), False
    return item_id(item), True


@dataclass(frozen=True)
class _Twins:
    """Where an id is written: the first two places and how many there are."""

    first: Place
    second: Place
    count: int


class Duplicates:
    """The places of every id written more than once."""

    def __init__(self, twins: dict[str, _Twins]):
        self.twins = twins

    @classmethod
    def scan(cls, files: list[str]) -> tuple["Duplicates", int]:
        """(duplicates, number of items) of the files' items.

        A first reading keeps no id, only a Bloom filter of them (about two bytes a
        profile): an id it may have seen before is a candidate.  Only if there is one,
        a second reading gathers the places of the candidates, exactly."""
        seen = _Seen(sum(_size(f) for f in files))
        candidates: set[str] = set()
        count = 0
        for item in iter_items(files):
            count += 1
            claimed, _certain = _claimed(item)
            if claimed is not None and seen.add(claimed):
                candidates.add(claimed)
        del seen
        if not candidates:
            return cls({}), count
        again: dict[str, list[tuple[Place, bool]]] = {}
        for item in iter_items(files):
            claimed, certain = _claimed(item)
            if claimed in candidates:
                again.setdefault(claimed, []).append(((item.source, item.index), certain))
        unsure = {place for places in again.values() if len(places) > 1 for place, certain in places if not certain}
        if unsure:
            confirmed = _confirm(files, unsure)
            again = {claimed: [(place, True) for place, certain in places
                               if certain or confirmed.get(place) == claimed]
                     for claimed, places in again.items()}
        twins = {claimed: _Twins(places[0][0], places[1][0], len(places))
                 for claimed, places in again.items() if len(places) > 1}
        return cls(twins), count

    def problem(self, claimed: str | None, source: str, index: int | None) -> Problem | None:
        """The duplicate-id problem of the item at (source, index), naming one twin and
        counting the others; None if its id is unique."""
        twins = self.twins.get(claimed) if claimed is not None else None
        if twins is None:
            return None
        other = twins.second if twins.first == (source, index) else twins.first
        params = {"value": claimed, "other": f"{other[0]} #{(other[1] or 0) + 1}"}
        if twins.count > 2:
            params["more"] = twins.count - 2
        return Problem("id", "duplicate_id", params)


class _Seen:
    """A Bloom filter of ids: :meth:`add` says whether the id may have been added before
    (never "no" for one that was), in memory that does not hold the ids."""

    def __init__(self, input_bytes: int):
        # About one bit for every 16 bytes of input (a profile takes several hundred):
        # with four probes, a false candidate now and then, which the second reading settles.
        self.bits = max(1 << 23, min(input_bytes // 16, 1 << 32))
        self.table = bytearray(self.bits // 8 + 1)

    def add(self, claimed: str) -> bool:
        value = hash(claimed) & 0xFFFFFFFFFFFFFFFF
        first, step = value & 0xFFFFFFFF, (value >> 32) | 1
        table, bits, present = self.table, self.bits, True
        for probe in range(4):
            bit = (first + probe * step) % bits
            byte, mask = bit >> 3, 1 << (bit & 7)
            if not table[byte] & mask:
                present = False
                table[byte] |= mask
        return present


def _size(source: str) -> int:
    try:
        return os.stat(source).st_size
    except OSError:
        return 0


def _confirm(files: list[str], places: set[Place]) -> dict[Place, str | None]:
    """The id each item at ``places`` claims, from its full parse."""
    sources = {source for source, _ in places}
    return {(item.source, item.index): item_id(item)
            for item in iter_items([f for f in files if f in sources])
            if (item.source, item.index) in places}
