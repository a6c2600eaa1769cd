"""Text from a file, made harmless for the medium it is written to.

A profile, a pack, an audit record or a file name may hold characters that
mean something to the place they end up in: an escape sequence to a terminal
(set the window title, write the clipboard, move the cursor, clear the
screen), a bidirectional override that makes a line read otherwise than it
holds, a ``<script>`` or a ``|`` to Markdown, a formula to a spreadsheet, a
character Word's XML cannot hold.  Every renderer passes such text through
the function of its medium here; the writers of ``engine/run/output.py`` and
the command line then pass the whole text once more through :func:`visible`
(defence in depth: whatever a renderer forgot is still shown, not obeyed).

A control character is never dropped silently: it is shown as the escape
``\\uXXXX``, so the reader sees that the file holds one.  That form is also a
valid JSON escape, so the same pass is safe over JSON text.
"""

from __future__ import annotations

import re

#: Bidirectional formatting characters (Unicode TR9): they reorder what a reader sees.
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Line and paragraph separators: a line break to some readers, none to others.
SEPARATORS = "\u2028\u2029"

_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_SURROGATES = "\ud800-\udfff"
#: Everything shown as an escape in a text of several lines (newline and tab kept).
_UNSAFE_TEXT = re.compile(f"[{_CONTROLS}{BIDI}{SEPARATORS}{_SURROGATES}]")
#: Everything shown as an escape in a one-line value (newline, tab and CR too).
_UNSAFE_VALUE = re.compile(f"[\t\n\r{_CONTROLS}{BIDI}{SEPARATORS}{_SURROGATES}]")


def _shown(match: re.Match) -> str:
    return f"\\u{ord(match.group()):04x}"


def visible(text: str) -> str:
    """A text of several lines for a terminal or a text file: every control, bidi
    and separator character, and any lone surrogate, shown as ``\\uXXXX``;
    newline and tab kept."""
    # Every character the pattern escapes is one str.isprintable() refuses (a control,
    # format or separator character, or a surrogate; tests/test_injection.py checks
    # each): a text it accepts, but for a final newline (a line of JSON Lines), holds
    # none, and that check is cheaper than the pattern's scan (measured on a JSON Lines
    # result of about 6 KB: 9 µs against 15).
    if (text[:-1] if text.endswith("\n") else text).isprintable():
        return text
    return _UNSAFE_TEXT.sub(_shown, text)


def one_line(value) -> str:
    """A value placed inside a line (a name, an id, a file name, a message
    parameter): :func:`visible`, and its newlines, tabs and carriage returns shown
    too, so that it cannot start a line of its own."""
    return _UNSAFE_VALUE.sub(_shown, str(value))


def has_unsafe(text: str) -> bool:
    return _UNSAFE_VALUE.search(text) is not None


# -- Markdown ----------------------------------------------------------------

#: ASCII punctuation that starts an inline construct somewhere in CommonMark or GFM
#: (emphasis, code, raw HTML and autolinks, entities, strikethrough, table cells);
#: a link or an image needs "](" or "![", which are broken up below.
_MD_SPECIAL = re.compile(r"([\\`*_<>|&~#])")


def markdown(value) -> str:
    """A value inside a Markdown line or table cell: one line, every character that
    could open an inline construct backslash-escaped (CommonMark allows escaping
    any ASCII punctuation), so ``<script>`` stays text and ``|`` stays in its cell."""
    text = _MD_SPECIAL.sub(r"\\\1", one_line(re.sub(r"\s*[\r\n]+\s*|\t", " ", str(value))))
    return text.replace("](", "]\\(").replace("![", "!\\[")


def markdown_code(value) -> str:
    """A value as a Markdown code span: a fence longer than any run of backticks in it."""
    text = " ".join(one_line(value).split())
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip() else ""
    return f"{fence}{pad}{text}{pad}{fence}"


# -- CSV ---------------------------------------------------------------------

#: OWASP's list of characters that make a spreadsheet read a cell as a formula, and LF.
CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP "CSV injection"):
    one line, prefixed with ``'`` when it starts with ``= + - @``, TAB, CR or LF."""
    if value is None:
        return ""
    text = str(value)
    if text[:1] in CSV_FORMULA_START:
        text = "'" + text
    return one_line(text)


# -- HTML and Word -----------------------------------------------------------

def html_text(value) -> str:
    """A value inside HTML text or a quoted attribute."""
    import html

    return html.escape(one_line(value), quote=True)


#: Characters XML 1.0 cannot hold at all (python-docx refuses them with an exception).
_XML_ILLEGAL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff{_SURROGATES}]")


def docx_text(value) -> str:
    """A value for a Word document: what XML cannot hold, and what a reader
    would not see (controls, bidi overrides), shown as ``\\uXXXX``."""
    return _UNSAFE_VALUE.sub(_shown, _XML_ILLEGAL.sub(_shown, str(value)))
