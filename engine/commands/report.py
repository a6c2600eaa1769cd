"""What every command says on stderr (warnings, invalid profiles, progress) and
the audit record a run leaves."""

from __future__ import annotations

import shlex
import sys
from datetime import date

import click


def say(text: str = "", err: bool = False, nl: bool = True) -> None:
    """Text for a person (stdout) or a message (stderr): whatever came from a file in
    it — a name, a file name, an unknown value quoted in a message, a record of the
    audit store — has its control, bidi and separator characters shown, never obeyed
    (``engine/escape.py``)."""
    from ..escape import visible

    click.echo(visible(text), err=err, nl=nl)


def _where(source, profile_id, index=None) -> str:
    from ..escape import one_line

    who = profile_id or (f"#{index + 1}" if index is not None else "")
    return one_line(f"{source} {who}".strip())


def _text(problem, lang: str, pack=None) -> str:
    """A problem on one line, in words: the part of the profile ("Chức vụ thứ 2, ngày bắt
    đầu"), then what is wrong; a value it quotes cannot start a line of its own."""
    from ..escape import one_line
    from ..render.common import problem_words

    return one_line(problem_words(problem, lang, _explainer(pack, lang)))


def _explainer(pack, lang: str):
    """What names a criterion by its title in a message (None without a pack: ids stay)."""
    if pack is None:
        return None
    from ..decide.explain import Explainer

    return Explainer(pack, pack.reference_date, lang)


def warn(source, profile_id, problem, lang: str, pack=None) -> None:
    prefix = "Cảnh báo" if lang == "vi" else "Warning"
    say(f"{prefix}: {_where(source, profile_id)}: {_text(problem, lang, pack)}", err=True)


def report_invalid(entry, lang: str, pack=None) -> None:
    prefix = "Hồ sơ lỗi" if lang == "vi" else "Invalid"
    for problem in entry.problems:
        say(f"{prefix}: {_where(entry.source, entry.profile_id, entry.index)}: {_text(problem, lang, pack)}", err=True)


def report_problems(warnings, invalid, lang: str, pack=None) -> None:
    for source, profile_id, problem in warnings:
        warn(source, profile_id, problem, lang, pack)
    for entry in invalid:
        report_invalid(entry, lang, pack)


def command_line() -> str:
    """This invocation as a shell command line (recorded in the audit store)."""
    root = click.get_current_context().find_root().command
    return shlex.join(["sangloc", *getattr(root, "invoked_args", sys.argv[1:])])


def sangloc_version() -> str:
    from importlib import metadata

    try:
        return metadata.version("sangloc")
    except metadata.PackageNotFoundError:
        return "0+unknown"


class Recording:
    """A run's audit record as a consumer of its outcomes: written whole when the run
    completes, or not at all; with ``--no-audit``, nothing but a line saying so."""

    def __init__(self, pack, as_of: date, lang: str, audit_db: str | None, no_audit: bool, quiet: bool):
        from ..run import audit

        self.lang, self.quiet, self.pack = lang, quiet, pack
        self.writer = None
        if not no_audit:
            header = audit.RunRecord(command_line(), as_of, pack.id, pack.version, pack.digest, lang,
                                     sangloc_version(), tuple(rule.id for rule in pack.rules))
            self.writer = audit.AuditWriter(audit.store_path(audit_db), header, pack.content)

    def add(self, outcome) -> None:
        if self.writer is not None:
            self.writer.add_outcome(outcome, self.lang, self._describe)

    def _describe(self, problem) -> str:
        """An input problem as the store keeps it for an auditor: in words, not field paths."""
        from ..render.common import problem_words

        return problem_words(problem, self.lang, _explainer(self.pack, self.lang))

    def commit(self) -> None:
        vi = self.lang == "vi"
        if self.writer is None:
            say("Lần chạy này không được ghi vào sổ kiểm toán (--no-audit)." if vi
                       else "This run was not recorded in the audit store (--no-audit).", err=True)
            return
        run_id, path = self.writer.commit(), self.writer.path
        self.writer = None
        if not self.quiet:
            say((f"Đã ghi vào sổ kiểm toán {path}: lần chạy {run_id}" if vi
                        else f"Recorded in the audit store {path}: run {run_id}"), err=True)

    def abort(self) -> None:
        if self.writer is not None:
            self.writer.abort()
            self.writer = None


class Progress:
    """A progress line on stderr for runs longer than a second, only where a person is watching."""

    def __init__(self, quiet: bool):
        import time

        self.enabled = not quiet and sys.stderr.isatty()
        self.clock = time.monotonic
        self.started = self.clock()
        self.shown = 0.0
        self.visible = False

    def tick(self, done: int, total: int | None = None) -> None:
        if not self.enabled:
            return
        now = self.clock()
        if now - self.started < 1.0 or now - self.shown < 0.2:
            return
        self.shown = now
        rate = done / max(now - self.started, 1e-9)
        share = f" ({100 * done // total}%)" if total else ""
        click.echo(f"\r  {done}{'/' + str(total) if total else ''} hồ sơ{share} · {rate:,.0f}/s   ", err=True, nl=False)
        self.visible = True

    def finish(self) -> None:
        if self.visible:
            click.echo("", err=True)
            self.visible = False
