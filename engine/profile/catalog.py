"""The catalog: titles with their level and category, the words offices write
for every code, the centrally-governed cities, the bodies that approve exceptions.

A profile names a title by its code, its label or an alias, and a coded
value by its code or its Vietnamese words; every match ignores case, runs of
spaces, the Unicode normalisation form, where the tone mark sits ("Ủy"/"Uỷ")
and the i/y spelling ("sĩ"/"sỹ").  A label that can name a post of either
level ("Phó Bí thư Thành ủy") is resolved from the post's ``org`` (SPEC §3).
Everything here is data read from the pack's ``catalog.yaml``.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

#: Vietnamese tone marks (huyền, sắc, hỏi, ngã, nặng) as combining characters;
#: other diacritics (â, ă, ơ, ư, đ) belong to the letter and stay where they are.
_TONE_MARKS = {"\u0300", "\u0301", "\u0309", "\u0303", "\u0323"}
_SPACES = re.compile(r"\s+")
_CONSONANTS = set("bcdđghklmnpqrstvx")
#: What separates two posts written in one title ("Ủy viên BTV Tỉnh ủy, Trưởng Ban Tuyên giáo").
_JOINED = re.compile(r"\s*(?:[,;+/]|\s-\s|\bkiêm\b|\bđồng thời\b|\bkiêm nhiệm\b)\s*", re.IGNORECASE)


def _syllable(word: str) -> str:
    """One written syllable in a form where every spelling of it is the same."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = "".join(sorted(ch for ch in decomposed if ch in _TONE_MARKS))
    rest = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in _TONE_MARKS)).casefold()
    # i/y after a consonant is one sound written two ways: sĩ/sỹ, kỹ/kĩ, lý/lí, quy/qui.
    if len(rest) > 1 and rest.endswith("y") and (rest[-2] in _CONSONANTS or rest.endswith("quy")):
        rest = rest[:-1] + "i"
    return rest + tones


@lru_cache(maxsize=1 << 16)
def normalise(text: str) -> str:
    """A key under which every spelling of one title or word is the same.

    Remembered: a batch writes the same few hundred titles and words over and over."""
    return " ".join(_syllable(word) for word in _SPACES.split(text.strip()) if word)


@lru_cache(maxsize=1 << 16)
def normalise_word(text: str) -> str:
    """:func:`normalise`, also ignoring the dots and commas of abbreviations ("ThS.", "PGS.TS")."""
    return normalise(re.sub(r"[.,]", " ", text))


@dataclass(frozen=True)
class Title:
    code: str
    label: str
    label_en: str
    category: str | None
    aliases: tuple[str, ...] = ()
    level: str = "province"  # "province" | "district" | "commune"
    #: The same post's labels in a centrally-governed city ("Phó Bí thư Thành ủy").
    city_forms: tuple[str, ...] = ()
    #: What a city form means in a city under a province (a district-level title), if anything.
    district: str | None = None
    #: Why the title has its category: a document, or the pack's own reading.
    basis: str | None = None
    #: The label may be followed by the unit's name ("Giám đốc Sở Tài chính").
    named_unit: bool = False
    #: Short forms offices write ("UVBTV"): accepted, and shown as the label.
    abbreviations: tuple[str, ...] = ()

    def name(self, lang: str) -> str:
        return self.label if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Category:
    code: str
    label: str
    label_en: str

    def name(self, lang: str) -> str:
        return self.label if lang == "vi" else self.label_en


@dataclass(frozen=True)
class Resolved:
    """A title as a profile wrote it: the catalog's code, and the label of the form used."""

    code: str
    label: str


class TitleProblem(ValueError):
    """Why a written title names no single post: ``code`` and ``params`` of the message."""

    def __init__(self, code: str, params: dict):
        self.code = code
        self.params = params
        super().__init__(code)


@dataclass
class WordTable:
    """The words of one coded field: code -> the words offices write for it."""

    words: dict[str, tuple[str, ...]]
    _index: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        for code, spellings in self.words.items():
            for spelling in (code, *spellings):
                self._index.setdefault(normalise_word(spelling), code)

    def resolve(self, text: str) -> str | None:
        return self._index.get(normalise_word(text))

    def accepted(self) -> list[str]:
        """The words to show a person who wrote something else: the first word of each code."""
        return [spellings[0] if spellings else code for code, spellings in self.words.items()]


class Catalog:
    """Titles by code, with a lookup that accepts every spelling a clerk uses."""

    def __init__(self, titles: list[Title], categories: list[Category], words: dict[str, WordTable] | None = None,
                 cities: dict[str, tuple[str, ...]] | None = None, bodies: dict[str, tuple[str, str, tuple]] | None = None):
        self.titles = {t.code: t for t in titles}
        self.categories = {c.code: c for c in categories}
        self.words = words or {}
        #: Centrally-governed cities: name -> aliases.
        self.cities = cities or {}
        #: Bodies that may approve an exception: code -> (label, English label, aliases).
        self.bodies = bodies or {}
        self.body_words = WordTable({code: (label, *aliases) for code, (label, _, aliases) in self.bodies.items()})
        self._index: dict[str, str] = {}
        #: How a matched spelling is shown: the alias as the catalog writes it ("Bí thư Quận ủy"),
        #: the label for a code or an abbreviation.
        self._shown: dict[str, str] = {}
        self._city_forms: dict[str, tuple[str, str]] = {}
        for title in titles:
            for spelling in (title.label, *title.aliases, title.code, *title.abbreviations):
                key = normalise(spelling)
                if key not in self._index:
                    self._index[key] = title.code
                    self._shown[key] = spelling if spelling in title.aliases else title.label
        for title in titles:
            for form in title.city_forms:
                self._city_forms.setdefault(normalise(form), (title.code, form))
        self._named_units = sorted(((normalise(t.label), t.code) for t in titles if t.named_unit),
                                   key=lambda pair: -len(pair[0]))
        self._city_names = sorted(((normalise(n), name) for name, aliases in self.cities.items()
                                   for n in (name, *aliases)), key=lambda pair: -len(pair[0]))

    def conflicts(self) -> list[tuple[str, str, str]]:
        """(spelling, code, other code) for every spelling that names two titles."""
        owner: dict[str, str] = {}
        found = []
        for title in self.titles.values():
            for spelling in (title.code, title.label, *title.aliases, *title.abbreviations, *title.city_forms):
                key = normalise(spelling)
                if key in owner and owner[key] != title.code:
                    found.append((spelling, owner[key], title.code))
                owner.setdefault(key, title.code)
        return found

    def resolve(self, text: str, org: str | None = None) -> Resolved:
        """The post a written title names; raises :class:`TitleProblem` when it names none, or two."""
        key = normalise(text)
        code = self._index.get(key)
        if code is not None:
            return Resolved(code, self._shown[key])
        if key in self._city_forms:
            return self._city_form(key, text, org)
        for label_key, unit_code in self._named_units:  # "Giám đốc Sở Tài chính"
            if key.startswith(label_key + " "):
                return Resolved(unit_code, text.strip())
        parts = [p for p in _JOINED.split(text) if p.strip()]
        if len(parts) > 1 and any(self._known(p) for p in parts):
            raise TitleProblem("concurrent_posts", {"value": text, "parts": " | ".join(p.strip() for p in parts)})
        raise TitleProblem("unknown_title", {"value": text, "suggestions": self.suggest(text)})

    def _known(self, text: str) -> bool:
        key = normalise(text)
        return key in self._index or key in self._city_forms

    def _city_form(self, key: str, text: str, org: str | None) -> Resolved:
        code, form = self._city_forms[key]
        title = self.titles[code]
        district = self.titles.get(title.district) if title.district else None
        level = self.city_level(org)
        if level == "province":
            return Resolved(code, form)
        if level == "district" and district is not None:
            return Resolved(district.code, form)
        readings = {"province": title.label, "district": district.label if district else "—"}
        raise TitleProblem("ambiguous_title", {"value": text, "province": readings["province"],
                                               "district": readings["district"],
                                               "cities": ", ".join(self.cities), "org": org or ""})

    def city_level(self, org: str | None) -> str | None:
        """The level of a city named in ``org``: "province" for a centrally-governed city,
        "district" for any other city; None when ``org`` names no city."""
        if not org:
            return None
        text = normalise(re.sub(r"[.,;()]", " ", org))
        markers = (normalise("Thành ủy"), normalise("Thành phố"), "tp")
        found = None
        for marker in markers:
            at = re.search(rf"(?:^| ){re.escape(marker)} (.+)$", text)
            if at and (found is None or at.start() < found.start()):
                found = at
        if found is not None:
            name = found.group(1)
            for marker in markers:  # "Thành ủy Thành phố Hồ Chí Minh"
                if name.startswith(marker + " "):
                    name = name[len(marker) + 1:]
            return "province" if self._central(name, anchored=True) else "district"
        return "province" if self._central(text, anchored=False) else None

    def _central(self, text: str, anchored: bool) -> bool:
        for key, _ in self._city_names:
            if (text == key or text.startswith(key + " ")) if anchored else re.search(rf"(?:^| ){re.escape(key)}(?: |$)", text):
                return True
        return False

    def suggest(self, text: str, n: int = 3) -> list[str]:
        """The closest known titles, by label."""
        pool = {**{k: self.titles[c].label for k, c in self._index.items()},
                **{k: form for k, (_, form) in self._city_forms.items()}}
        keys = difflib.get_close_matches(normalise(text), list(pool), n=n * 3, cutoff=0.5)
        labels: list[str] = []
        for key in keys:
            if pool[key] not in labels:
                labels.append(pool[key])
        return labels[:n]

    def title(self, code: str) -> Title:
        return self.titles[code]
