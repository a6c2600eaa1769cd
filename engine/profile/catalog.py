"""The title catalog: codes, Vietnamese labels, aliases and categories.

A profile may name a title by its code, its label or an alias; the match
ignores case, runs of spaces, the Unicode normalisation form and where the
tone mark sits ("Ủy" and "Uỷ" are both written in offices today).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass

#: Vietnamese tone marks (huyền, sắc, hỏi, ngã, nặng) as combining characters;
#: other diacritics (â, ă, ơ, ư, đ) belong to the letter and stay where they are.
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_SPACES = re.compile(r"\s+")


def normalise(text: str) -> str:
    """A key under which every spelling of one title is the same."""
    words = []
    for word in _SPACES.split(text.strip()):
        decomposed = unicodedata.normalize("NFD", word)
        tones = "".join(ch for ch in decomposed if ch in _TONE_MARKS)
        rest = "".join(ch for ch in decomposed if ch not in _TONE_MARKS)
        words.append(unicodedata.normalize("NFC", rest + tones).casefold())
    return " ".join(words)


@dataclass(frozen=True)
class Title:
    code: str
    label: str
    label_en: str
    category: str | None
    aliases: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.label if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    label_en: str

    def name(self, lang: str) -> str:
        return self.label if lang == "vi" else self.label_en


class Catalog:
    """Titles by code, with a lookup that accepts every spelling a clerk uses."""

    def __init__(self, titles: list[Title], categories: list[Category]):
        self.titles = {t.code: t for t in titles}
        self.categories = {c.code: c for c in categories}
        self._index: dict[str, str] = {}
        self._resolved: dict[str, str] = {}
        for title in titles:
            for spelling in (title.code, title.label, *title.aliases):
                self._index.setdefault(normalise(spelling), title.code)

    def conflicts(self) -> list[tuple[str, str, str]]:
        """(spelling, code, other code) for every spelling that names two titles."""
        owner: dict[str, str] = {}
        found = []
        for title in self.titles.values():
            for spelling in (title.code, title.label, *title.aliases):
                key = normalise(spelling)
                if key in owner and owner[key] != title.code:
                    found.append((spelling, owner[key], title.code))
                owner.setdefault(key, title.code)
        return found

    def resolve(self, text: str) -> Title | None:
        code = self._resolved.get(text)
        if code is None:
            code = self._index.get(normalise(text), "")
            if len(self._resolved) < 10_000:  # titles repeat across profiles; the cache stays small
                self._resolved[text] = code
        return self.titles[code] if code else None

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """The closest known titles, as 'code (label)'."""
        keys = difflib.get_close_matches(normalise(text), list(self._index), n=n * 3, cutoff=0.5)
        codes: list[str] = []
        for key in keys:
            code = self._index[key]
            if code not in codes:
                codes.append(code)
        return [f"{c} ({self.titles[c].label})" for c in codes[:n]]

    def title(self, code: str) -> Title:
        return self.titles[code]
