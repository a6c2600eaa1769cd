"""One error root, branches by phase.

Library code raises these; only ``cli.py`` turns them into messages and exit
codes.  Every problem with a user's input is also kept as data
(:class:`Problem`) so that it can be rendered in Vietnamese or English and
listed in JSON without parsing a message string.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.i18n import message


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, located by its field path.

    Problems in a rule pack also carry the file and the line and column where
    the offending YAML node starts; a profile's problems are located by the
    batch entry that holds them.
    """

    loc: str
    code: str
    params: dict = field(default_factory=dict)
    file: str = ""
    line: int | None = None
    column: int | None = None

    def where(self) -> str:
        place = self.file
        if self.file and self.line:
            place = f"{self.file}:{self.line}" + (f":{self.column}" if self.column else "")
        return ": ".join(part for part in (place, self.loc) if part)

    def text(self, lang: str = "vi") -> str:
        body = message(self.code, lang, self.params)
        where = self.where()
        return f"{where}: {body}" if where else body

    def as_dict(self, lang: str = "vi") -> dict:
        data = {"loc": self.loc, "code": self.code, "message": message(self.code, lang, self.params)}
        if self.file:
            data.update(file=self.file, line=self.line, column=self.column)
        return data


class SanglocError(Exception):
    """Root of every error sangloc raises on purpose."""

    #: The process exit code the CLI uses for this error.
    exit_code = 2

    def __init__(self, code: str, params: dict | None = None):
        self.code = code
        self.params = params or {}
        super().__init__(self.text("en"))

    def text(self, lang: str = "vi") -> str:
        return message(self.code, lang, self.params)


class UsageError(SanglocError):
    """The command line asks for something that cannot be done."""


class InputFileError(SanglocError):
    """A profile file or directory cannot be read at all."""


class RulePackError(SanglocError):
    """A rule pack is unreadable or invalid; lists every problem found."""

    def __init__(self, path: str, problems: list[Problem]):
        self.path = path
        self.problems = problems
        super().__init__("pack_invalid", {"path": path, "count": len(problems)})

    def text(self, lang: str = "vi") -> str:
        head = message(self.code, lang, self.params)
        return "\n".join([head] + [f"  {p.text(lang)}" for p in self.problems])


class EngineError(SanglocError):
    """The inference core misbehaved; never the user's fault."""
