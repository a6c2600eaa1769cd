"""The two JSON forms sangloc writes: canonical (hashed, compared, stored) and
indented (printed for people and programs)."""

from __future__ import annotations

import json


_canonical = json.JSONEncoder(sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode


def canonical(value) -> str:
    """Canonical JSON: sorted keys, no insignificant whitespace, UTF-8 text."""
    return _canonical(value)


def dumps(value) -> str:
    """The indented form: stable key order, UTF-8 text, a final newline."""
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def compact(value) -> str:
    """One line, spaces after separators: one result of a report (and, after its
    ``"kind"``, one line of a JSON Lines stream)."""
    return _compact(value)


def array_lines(key: str, texts, count: int, last: bool):
    """The lines of ``"key": [ … ]`` in a JSON object written two spaces in, one item (already
    encoded, ``count`` of them) a line, so that a long list is written as it comes."""
    closing = "]" if last else "],"
    if not count:
        yield f'  "{key}": [{closing}\n'
        return
    yield f'  "{key}": [\n'
    for number, text in enumerate(texts, start=1):
        yield f"    {text}{',' if number < count else ''}\n"
    yield f"  {closing}\n"
