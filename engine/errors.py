"""One error root, branches by phase, each owning its exit code.

Library code raises these; the command line's one handler
(``engine/commands/main.py``) prints :meth:`SanglocError.text` on stderr and
exits with the class's :attr:`~SanglocError.exit_code`, as click's own
exceptions do.  Every problem with a user's input is also kept as data
(:class:`Problem`) so that it can be rendered in Vietnamese or English and
listed in JSON without parsing a message string.

Exit codes (SPEC §5): 0 everything done; 1 done, but some inputs could not be
used (invalid profiles, a refused tally, a replay that differs, a broken
chain); 2 usage error, unreadable or invalid rule pack, no valid profile at
all; 130 interrupted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .i18n import message

EXIT_OK, EXIT_PARTIAL, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


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

    #: The process exit code of this error.
    exit_code = EXIT_USAGE
    #: Printed before the message on stderr ("Lỗi: …"); empty for an error whose
    #: details the command has already reported.
    prefix = {"vi": "Lỗi: ", "en": "Error: "}

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

    def __init__(self, path: str, problems: list[Problem], listed: bool = False):
        self.path = path
        self.problems = problems
        #: The problems were already shown (``rules check`` prints them as its result).
        self.listed = listed
        super().__init__("pack_invalid", {"path": path, "count": len(problems)})

    def text(self, lang: str = "vi") -> str:
        from .escape import one_line

        head = message(self.code, lang, self.params)
        if self.listed:
            return head.rstrip(":")
        return "\n".join([head] + [f"  {one_line(p.text(lang))}" for p in self.problems])


class AuditError(SanglocError):
    """The audit store cannot be opened, read or written as asked."""


class EngineError(SanglocError):
    """The inference core misbehaved; never the user's fault."""


class NoValidProfile(SanglocError):
    """Nothing could be screened: every profile was invalid (or there was none)."""

    def __init__(self):
        super().__init__("no_valid_profile")


class TallyRefused(SanglocError):
    """A tally of steps 2–5 is refused and nothing is recorded (SPEC §6: exit 1);
    lists every problem, each naming its fields and their numbers."""

    exit_code = EXIT_PARTIAL

    def __init__(self, step, source: str, problems: list[Problem]):
        self.problems = problems
        super().__init__("tally_refused", {"step": step, "source": source, "count": len(problems)})

    #: The problems listed; a file with thousands of keying errors says how many more there are.
    SHOWN = 50

    def text(self, lang: str = "vi") -> str:
        from .escape import one_line

        lines = [one_line(message(self.code, lang, self.params))]
        lines += [f"  {one_line(p.text(lang))}" for p in self.problems[:self.SHOWN]]
        if len(self.problems) > self.SHOWN:
            lines.append(message("problems_more", lang, {"count": len(self.problems) - self.SHOWN}))
        return "\n".join(lines)


class PartialFailure(SanglocError):
    """The command did its work, but some inputs could not be used; the command
    has already said which (SPEC §5: exit 1)."""

    exit_code = EXIT_PARTIAL
    prefix = {"vi": "", "en": ""}

    def text(self, lang: str = "vi") -> str:
        # With --quiet the command stays silent: the exit code says it all.
        return "" if self.params.get("quiet") else super().text(lang)
