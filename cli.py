"""sangloc command line: the only place that prints or exits.

Exit codes (SPEC §5): 0 every profile screened; 1 some profiles invalid (the
rest are screened); 2 usage error, unreadable or invalid rule pack, or no
valid profile at all; 130 interrupted.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import date
from functools import wraps

import click

DEFAULT_PACK = "pho-bi-thu-tinh-uy-2020"
EXIT_OK, EXIT_INVALID, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class _Main(click.Group):
    """Turns sangloc's errors into one line on stderr and their exit code."""

    #: The arguments of this invocation, as given (recorded in the audit store).
    invoked_args: list[str] = []

    def main(self, args=None, *rest, **kwargs):
        self.invoked_args = list(sys.argv[1:] if args is None else args)
        return super().main(args, *rest, **kwargs)

    def invoke(self, ctx):
        from engine.errors import SanglocError

        try:
            return super().invoke(ctx)
        except SanglocError as err:
            lang = ctx.meta.get("lang", "vi")
            click.echo(("Lỗi: " if lang == "vi" else "Error: ") + err.text(lang), err=True)
            ctx.exit(err.exit_code)
        except KeyboardInterrupt:
            click.echo("Đã dừng theo yêu cầu (Ctrl-C); không có kết quả nào được ghi.", err=True)
            ctx.exit(EXIT_INTERRUPTED)


def _remember_lang(ctx, _param, value):
    # Eager, so that an error raised while other options are processed speaks it too.
    ctx.meta["lang"] = value
    return value


def _lang_option(func):
    return click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
                        is_eager=True, callback=_remember_lang,
                        help="Ngôn ngữ của văn bản kết quả / language of the output.")(func)


def _parse_date(text: str | None, option: str = "--as-of") -> date | None:
    from engine.errors import UsageError

    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("bad_date_option", {"value": text, "option": option}) from None


def _pack_options(func):
    @click.option("--rules", "rules", default=DEFAULT_PACK, show_default=True, metavar="PACK",
                  help="Bộ quy tắc: mã bộ quy tắc trong rules/ hoặc đường dẫn.")
    @click.option("--as-of", "as_of", default=None, metavar="DATE",
                  help="Ngày xét (YYYY-MM-DD); mặc định là ngày tham chiếu của bộ quy tắc.")
    @wraps(func)
    def wrapper(*args, rules, as_of, **kwargs):
        from engine import load_pack

        parsed = _parse_date(as_of)
        pack = load_pack(rules)
        lang = click.get_current_context().meta.get("lang", "vi")
        for warning in pack.warnings:
            click.echo(("Cảnh báo: " if lang == "vi" else "Warning: ") + warning.text(lang), err=True)
        return func(*args, pack=pack, as_of=parsed, **kwargs)

    return wrapper


class _open_output:
    """A stream to stdout, or to ``output`` through a temp file renamed into place
    only when the run completes: a run killed midway leaves the previous file intact."""

    def __init__(self, output: str | None, binary: bool = False):
        self.output = output
        self.binary = binary
        self.temp = None

    def __enter__(self):
        if self.output is None:
            return sys.stdout.buffer if self.binary else sys.stdout
        from engine.errors import UsageError

        folder = os.path.dirname(os.path.abspath(self.output))
        try:
            handle, self.temp = tempfile.mkstemp(prefix=".sangloc-", suffix=".tmp", dir=folder)
        except OSError as err:
            raise UsageError("output_unwritable", {"path": self.output, "reason": err.strerror or str(err)}) from None
        self.stream = (os.fdopen(handle, "wb") if self.binary
                       else os.fdopen(handle, "w", encoding="utf-8", newline=""))
        return self.stream

    def __exit__(self, kind, value, traceback):
        if self.output is None:
            (sys.stdout.buffer if self.binary else sys.stdout).flush()
            return False
        from engine.errors import UsageError

        try:
            if kind is None:
                self.stream.flush()
                os.fsync(self.stream.fileno())
            self.stream.close()
            if kind is None:
                # mkstemp makes the file private; a result is as readable as any file the user writes.
                umask = os.umask(0)
                os.umask(umask)
                os.chmod(self.temp, 0o666 & ~umask)
                os.replace(self.temp, self.output)
        except OSError as err:
            raise UsageError("output_unwritable", {"path": self.output, "reason": err.strerror or str(err)}) from None
        finally:
            if os.path.exists(self.temp):
                os.unlink(self.temp)
        return False


def _write(text: str | bytes, output: str | None) -> None:
    """To stdout, or to ``output`` atomically."""
    if output is None and not isinstance(text, bytes):
        click.echo(text, nl=False)
        return
    with _open_output(output, binary=isinstance(text, bytes)) as stream:
        stream.write(text)


def _where(source, profile_id, index=None) -> str:
    who = profile_id or (f"#{index + 1}" if index is not None else "")
    return f"{source} {who}".strip()


def _warn(source, profile_id, problem, lang: str) -> None:
    prefix = "Cảnh báo" if lang == "vi" else "Warning"
    click.echo(f"{prefix}: {_where(source, profile_id)}: {problem.text(lang)}", err=True)


def _report_invalid(entry, lang: str) -> None:
    prefix = "Hồ sơ lỗi" if lang == "vi" else "Invalid"
    for problem in entry.problems:
        click.echo(f"{prefix}: {_where(entry.source, entry.profile_id, entry.index)}: {problem.text(lang)}", err=True)


def _report_problems(batch, lang: str) -> None:
    for source, profile_id, problem in batch.warnings:
        _warn(source, profile_id, problem, lang)
    for entry in batch.invalid:
        _report_invalid(entry, lang)


class _Progress:
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


def _audit_options(func):
    @click.option("--audit-db", "audit_db", default=None, metavar="PATH",
                  help="Sổ kiểm toán SQLite (mặc định: $SANGLOC_AUDIT_DB hoặc ./sangloc-audit.sqlite).")
    @click.option("--no-audit", is_flag=True, help="Không ghi lần chạy này vào sổ kiểm toán.")
    @wraps(func)
    def wrapper(*args, **kwargs):
        return func(*args, **kwargs)

    return wrapper


def _audit_writer(pack, as_of, lang: str, audit_db: str | None):
    from engine import audit

    header = audit.RunRecord(_command_line(), as_of, pack.id, pack.version, pack.digest, lang, _version())
    return audit.AuditWriter(audit.store_path(audit_db), header, pack.content)


def _announce(run_id, path, lang: str, quiet: bool) -> None:
    if run_id is None:
        click.echo("Lần chạy này không được ghi vào sổ kiểm toán (--no-audit)." if lang == "vi"
                   else "This run was not recorded in the audit store (--no-audit).", err=True)
    elif not quiet:
        click.echo((f"Đã ghi vào sổ kiểm toán {path}: lần chạy {run_id}" if lang == "vi"
                    else f"Recorded in the audit store {path}: run {run_id}"), err=True)


def audit_canonical(value) -> str:
    from engine.audit import canonical

    return canonical(value)


def _record(pack, as_of, lang: str, audit_db: str | None, no_audit: bool, quiet: bool, rows, invalid=()) -> None:
    """Record a run's (profile id, canonical input, canonical decision) rows, or say on
    stderr that nothing was recorded."""
    if no_audit:
        _announce(None, None, lang, quiet)
        return
    writer = _audit_writer(pack, as_of, lang, audit_db)
    try:
        for profile_id, input_text, decision_text in rows:
            writer.add_canonical(profile_id, input_text, decision_text)
        for entry in invalid:
            writer.add_invalid(entry.source, entry.profile_id, entry.index, [p.text(lang) for p in entry.problems])
        run_id = writer.commit()
    except BaseException:
        writer.abort()
        raise
    _announce(run_id, writer.path, lang, quiet)


def _command_line() -> str:
    import shlex

    root = click.get_current_context().find_root().command
    return shlex.join(["sangloc", *getattr(root, "invoked_args", sys.argv[1:])])


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("sangloc")
    except metadata.PackageNotFoundError:
        return "0+unknown"


def _exit_code(run) -> int:
    if not run.decisions:
        return EXIT_USAGE
    return EXIT_INVALID if run.invalid else EXIT_OK


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="sangloc", prog_name="sangloc")
def main():
    """sangloc — sàng lọc hồ sơ cán bộ theo bộ quy tắc (bước 1, giới thiệu nhân sự
    lần đầu ứng cử chức danh Phó Bí thư Tỉnh ủy).

    Ví dụ / example:

        sangloc screen profiles/
    """


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_pack_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv", "md", "html"]),
              default="table", show_default=True,
              help="Dạng kết quả; jsonl ghi từng hồ sơ một dòng, theo thứ tự đầu vào, ngay khi xét xong.")
@_lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Ghi kết quả vào tệp (ghi nguyên vẹn hoặc không ghi gì).")
@click.option("--engine", type=click.Choice(["durable", "python"]), default="durable", show_default=True,
              help="Bộ thực thi quy tắc: durable-rules, hoặc trình thông dịch Python của cùng bộ quy tắc đã biên dịch.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Số tiến trình xét song song (kết quả giống hệt --jobs 1).")
@click.option("--quiet", "-q", is_flag=True, help="Không hiện tiến độ và cảnh báo.")
@_audit_options
def screen(paths, pack, as_of, fmt, lang, output, engine, jobs, quiet, audit_db, no_audit):
    """Sàng lọc mọi hồ sơ theo bộ quy tắc; screen every profile.

    Kết quả chia ba nhóm: đủ tiêu chuẩn, cần xem xét, không đủ tiêu chuẩn.

    Ví dụ: sangloc screen profiles/ --format json --output ket-qua.json
    """
    as_of = as_of or pack.reference_date
    progress = _Progress(quiet)
    if fmt == "jsonl":
        _screen_stream(list(paths), pack, as_of, lang, output, engine, jobs, quiet, audit_db, no_audit, progress)
        return
    from engine import ScreenRun, screen_results
    from engine.explain import Explainer
    from engine.render import SCREEN_RENDERERS, decision_dict, report_json_chunks

    results, batch = screen_results(list(paths), pack, as_of, engine=engine, jobs=jobs, lang=lang,
                                    payload="json" if fmt == "json" else "decision",
                                    keep_document=not no_audit, progress=progress.tick)
    progress.finish()
    screened = len(results)
    if not quiet:
        _report_problems(batch, lang)
    ex = Explainer(pack, as_of, lang)
    if fmt == "json":
        text = None  # streamed below, after the run is recorded
    elif fmt == "html":
        from engine.memo import MemoOptions, build_memo
        from engine.memo_render import report_html

        text = report_html(build_memo(ScreenRun(pack, as_of, batch, [r.decision for r in results]), lang,
                                      MemoOptions()))
    else:
        text = SCREEN_RENDERERS[fmt](ex, [r.decision for r in results], batch.invalid)
    if results:
        _record(pack, as_of, lang, audit_db, no_audit, quiet, (
            (r.profile_id, r.audit_input, r.audit_decision) if r.audit_input is not None
            else (r.profile_id, audit_canonical(r.document), audit_canonical(decision_dict(r.decision, ex)))
            for r in results), batch.invalid)
    if text is None:
        rows = [(r.profile_id, r.verdict, r.line) for r in results]
        del results[:]  # the rows now hold what the report needs
        with _open_output(output) as stream:
            for chunk in report_json_chunks(pack, as_of, lang, rows, batch.invalid):
                stream.write(chunk)
    else:
        _write(text, output)
    if not screened:
        from engine.errors import SanglocError

        click.echo(("Lỗi: " if lang == "vi" else "Error: ") + SanglocError("no_valid_profile").text(lang), err=True)
    sys.exit(EXIT_USAGE if not screened else EXIT_INVALID if batch.invalid else EXIT_OK)


def _screen_stream(paths, pack, as_of, lang, output, engine, jobs, quiet, audit_db, no_audit, progress):
    """--format jsonl: one line per profile, in input order, written as it is decided."""
    import json

    from engine import screen_stream
    from engine.pipeline import jsonl_line
    from engine.render import VERDICTS

    warnings: list = []
    total, outcomes = screen_stream(paths, pack, as_of, engine=engine, jobs=jobs, lang=lang,
                                    keep_document=not no_audit, warnings=warnings)
    writer = None if no_audit else _audit_writer(pack, as_of, lang, audit_db)
    counts = {v: 0 for v in (*VERDICTS, "invalid")}
    try:
        with _open_output(output) as stream:
            for done, outcome in enumerate(outcomes, start=1):
                stream.write(jsonl_line(outcome, lang) + "\n")
                if outcome.result is not None:
                    counts[outcome.result.verdict] += 1
                    if writer:
                        writer.add_canonical(outcome.result.profile_id, outcome.result.audit_input,
                                             outcome.result.audit_decision)
                else:
                    counts["invalid"] += 1
                    if writer:
                        entry = outcome.invalid
                        writer.add_invalid(entry.source, entry.profile_id, entry.index,
                                           [p.text(lang) for p in entry.problems])
                    if not quiet:
                        _report_invalid(outcome.invalid, lang)
                if not quiet:
                    for source, profile_id, problem in outcome.warnings:
                        _warn(source, profile_id, problem, lang)
                progress.tick(done, total)
            stream.write(json.dumps({"kind": "summary", "ruleset": {"id": pack.id, "version": pack.version,
                                                                   "digest": pack.digest},
                                     "as_of": as_of.isoformat(), "lang": lang, "counts": counts},
                                    ensure_ascii=False) + "\n")
        progress.finish()
        valid = sum(counts[v] for v in VERDICTS)
        if writer and valid:
            _announce(writer.commit(), writer.path, lang, quiet)
            writer = None
        elif no_audit:
            _announce(None, None, lang, quiet)
    finally:
        if writer:
            writer.abort()
    if not quiet:
        for source, profile_id, problem in warnings:
            _warn(source, profile_id, problem, lang)
    sys.exit(EXIT_USAGE if not valid else EXIT_INVALID if counts["invalid"] else EXIT_OK)


@main.command()
@click.argument("profile_id")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_pack_options
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table",
              show_default=True, help="Dạng kết quả.")
@_lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Ghi vào tệp.")
def explain(profile_id, paths, pack, as_of, fmt, lang, output):
    """Giải thích từng quy tắc cho một hồ sơ: kết quả, lý do, chứng cứ, căn cứ.

    Ví dụ: sangloc explain DT-0003 profiles/
    """
    import difflib

    from engine import read_profiles
    from engine.errors import UsageError
    from engine.evaluate import Screener
    from engine.explain import Explainer
    from engine.render import EXPLAIN_RENDERERS

    import unicodedata

    profile_id = unicodedata.normalize("NFC", profile_id)
    batch = read_profiles(list(paths), pack, as_of)
    found = [p for p in batch.profiles if p.profile.id == profile_id]
    if not found:
        bad = [i for i in batch.invalid if i.profile_id == profile_id]
        if bad:
            _report_problems(type(batch)(invalid=bad), lang)
            sys.exit(EXIT_INVALID)
        known = sorted(p.profile.id for p in batch.profiles)
        raise UsageError("profile_not_found", {
            "value": profile_id, "suggestions": difflib.get_close_matches(profile_id, known, n=3)})
    screener = Screener(pack, as_of)
    decision = screener.decide(found[0].profile, found[0].source)
    _write(EXPLAIN_RENDERERS[fmt](Explainer(pack, screener.as_of, lang), decision), output)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_pack_options
@click.option("--format", "fmt", type=click.Choice(["md", "html", "docx"]), default="md", show_default=True,
              help="Markdown, HTML (một tệp, in được khổ A4) hoặc Word (.docx, cần --output).")
@_lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Ghi vào tệp.")
@click.option("--issuer", default="TỈNH ỦY …", show_default=True, help="Cơ quan ban hành (góc trên bên trái).")
@click.option("--number", default="Số     -TTr/TU", show_default=True, help="Số và ký hiệu văn bản.")
@click.option("--place", default="…", show_default=True, help="Địa danh trước ngày tháng.")
@click.option("--date", "memo_date", default=None, metavar="DATE", help="Ngày của tờ trình; mặc định là ngày xét.")
@click.option("--quiet", "-q", is_flag=True, help="Không hiện cảnh báo.")
@_audit_options
def memo(paths, pack, as_of, fmt, lang, output, issuer, number, place, memo_date, quiet, audit_db, no_audit):
    """Tờ trình Ban Thường vụ về danh sách nhân sự (bước 1): căn cứ, danh sách đề xuất,
    các trường hợp không đủ tiêu chuẩn kèm lý do và chứng cứ, bảng đối chiếu, số liệu.

    Ví dụ: sangloc memo profiles/ --format docx --output to-trinh.docx --issuer "TỈNH ỦY THÁI BÌNH"
    """
    from engine import screen as run_screen
    from engine.errors import UsageError
    from engine.memo import MemoOptions, build_memo
    from engine.memo_render import MEMO_RENDERERS, memo_docx

    if fmt == "docx" and output is None and sys.stdout.isatty():
        raise UsageError("docx_needs_output", {})
    run = run_screen(list(paths), pack, as_of)
    if not quiet:
        _report_problems(run.batch, lang)
    if not run.decisions:
        raise UsageError("no_valid_profile", {})
    options = MemoOptions(issuer=issuer, number=number, place=place, date=_parse_date(memo_date, "--date"))
    document = build_memo(run, lang, options)
    content = memo_docx(document) if fmt == "docx" else MEMO_RENDERERS[fmt](document)
    from engine.explain import Explainer
    from engine.render import decision_dict

    ex = Explainer(run.pack, run.as_of, lang)
    documents = {(loaded.source, loaded.profile.id): loaded.document for loaded in run.batch.profiles}
    _record(run.pack, run.as_of, lang, audit_db, no_audit, quiet,
            ((d.profile_id, audit_canonical(documents[(d.source, d.profile_id)]), audit_canonical(decision_dict(d, ex)))
             for d in run.decisions), run.invalid)
    _write(content, output)
    sys.exit(_exit_code(run))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@_pack_options
@_lang_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def validate(paths, pack, as_of, lang, fmt):
    """Chỉ kiểm tra lỗi nhập liệu của hồ sơ, không sàng lọc.

    Ví dụ: sangloc validate profiles/
    """
    from engine import read_profiles
    from engine.render import dumps, invalid_dict, sort_invalid

    batch = read_profiles(list(paths), pack, as_of)
    if fmt == "json":
        click.echo(dumps({"valid": sorted(p.profile.id for p in batch.profiles),
                          "invalid": [invalid_dict(i, lang) for i in sort_invalid(batch.invalid)]}), nl=False)
    else:
        _report_problems(batch, lang)
        vi = lang == "vi"
        click.echo(f"{len(batch.profiles)} hồ sơ hợp lệ, {len(batch.invalid)} hồ sơ lỗi ({batch.files} tệp)" if vi
                   else f"{len(batch.profiles)} valid, {len(batch.invalid)} invalid ({batch.files} files)")
    if not batch.profiles:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if batch.invalid else EXIT_OK)


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--rules", "packs", multiple=True, required=True, metavar="PACK",
              help="Hai bộ quy tắc cần so sánh: --rules A --rules B.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Ngày xét chung; mặc định mỗi bộ dùng ngày tham chiếu của mình.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "md"]), default="table", show_default=True)
@_lang_option
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None, help="Ghi vào tệp.")
def diff(paths, packs, as_of, fmt, lang, output):
    """So sánh hai bộ quy tắc trên cùng các hồ sơ: ai đổi kết luận, vì quy tắc nào.

    Ví dụ: sangloc diff --rules pho-bi-thu-tinh-uy-2020 --rules rules/bo-moi profiles/
    """
    from engine import load_pack, screen as run_screen
    from engine.compare import DIFF_RENDERERS, compare
    from engine.errors import UsageError

    if len(packs) != 2:
        raise UsageError("diff_two_packs", {"count": len(packs)})
    parsed = _parse_date(as_of)
    run_a, run_b = (run_screen(list(paths), load_pack(name), parsed) for name in packs)
    _write(DIFF_RENDERERS[fmt](run_a, run_b, compare(run_a, run_b), lang), output)
    if not run_a.decisions and not run_b.decisions:
        sys.exit(EXIT_USAGE)
    sys.exit(EXIT_INVALID if run_a.invalid or run_b.invalid else EXIT_OK)


@main.command()
@click.argument("kind", type=click.Choice(["profile", "pack", "catalog", "tests"]))
def schema(kind):
    """In JSON Schema của hồ sơ hoặc bộ quy tắc, để trình soạn thảo kiểm tra khi gõ.

    Ví dụ: sangloc schema profile > sangloc-profile.schema.json
    """
    from engine.render import dumps
    from engine.schemas import SCHEMAS

    click.echo(dumps(SCHEMAS[kind]()), nl=False)


@main.group()
def audit():
    """Sổ kiểm toán: mọi lần sàng lọc được ghi lại, chạy lại được, phát hiện được sửa đổi."""


def _audit_db_option(func):
    return click.option("--audit-db", "audit_db", default=None, metavar="PATH",
                        help="Sổ kiểm toán (mặc định: $SANGLOC_AUDIT_DB hoặc ./sangloc-audit.sqlite).")(func)


def _open_store(audit_db):
    from engine import audit as store

    return store.connect(store.store_path(audit_db), create=False)


@audit.command("runs")
@_audit_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_runs(audit_db, fmt, lang):
    """Liệt kê các lần chạy đã ghi (cũ nhất trước; số thứ tự dùng được thay cho mã).

    Ví dụ: sangloc audit runs
    """
    from engine import audit as store
    from engine.auditreport import runs_table
    from engine.render import dumps

    items = store.runs(_open_store(audit_db))
    click.echo(dumps(items) if fmt == "json" else runs_table(items, lang), nl=False)


@audit.command("show")
@click.argument("run_ref", metavar="RUN")
@_audit_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_show(run_ref, audit_db, fmt, lang):
    """Xem một lần chạy: ai chạy, khi nào, lệnh gì, bộ quy tắc nào, kết luận từng người.

    Ví dụ: sangloc audit show 1 --format json
    """
    from engine import audit as store
    from engine.auditreport import show_table
    from engine.render import dumps

    db = _open_store(audit_db)
    run_id = store.resolve_run(db, run_ref)
    header, records = store.run_header(db, run_id), store.run_decisions(db, run_id)
    click.echo(dumps({"run": header, "records": records}) if fmt == "json" else show_table(header, records, lang),
               nl=False)


@audit.command("why")
@click.argument("profile_id")
@_audit_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_why(profile_id, audit_db, fmt, lang):
    """Mọi quyết định đã ghi về một người, mới nhất trước, kèm lý do và digest bộ quy tắc.

    Ví dụ: sangloc audit why DT-0006
    """
    import unicodedata

    from engine import audit as store
    from engine.auditreport import why_table
    from engine.render import dumps

    profile_id = unicodedata.normalize("NFC", profile_id)
    history = store.decisions_about(_open_store(audit_db), profile_id)
    if fmt == "json":
        click.echo(dumps([{"run": h, **r} for h, r in history]), nl=False)
    else:
        click.echo(why_table(profile_id, history, lang), nl=False)


@audit.command("replay")
@click.argument("run_ref", metavar="RUN")
@_audit_db_option
@_lang_option
def audit_replay(run_ref, audit_db, lang):
    """Chạy lại một lần chạy với dữ liệu vào và bộ quy tắc đã lưu; báo mọi quyết định khác đi (mã 1).

    Ví dụ: sangloc audit replay 1
    """
    from engine import audit as store
    from engine.auditreport import replay

    db = _open_store(audit_db)
    run_id = store.resolve_run(db, run_ref)
    header, differences = replay(db, run_id)
    vi = lang == "vi"
    for profile_id, what in differences:
        click.echo(f"{'KHÁC' if vi else 'DIFFERS'}: {profile_id}: {what}")
    click.echo((f"Lần chạy {run_id}: {header['profiles']} quyết định, {len(differences)} khác khi chạy lại" if vi
                else f"Run {run_id}: {header['profiles']} decisions, {len(differences)} differ on replay"))
    sys.exit(EXIT_INVALID if differences else EXIT_OK)


@audit.command("diff")
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@_audit_db_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@_lang_option
def audit_diff(run_a, run_b, audit_db, fmt, lang):
    """Hai lần chạy đã ghi: ai đổi kết luận, quy tắc nào đổi.

    Ví dụ: sangloc audit diff 1 2
    """
    from engine import audit as store
    from engine.auditreport import run_diff, run_diff_table
    from engine.render import dumps

    db = _open_store(audit_db)
    first, second = store.resolve_run(db, run_a), store.resolve_run(db, run_b)
    changes = run_diff(db, first, second)
    click.echo(dumps({"a": first, "b": second, "changes": changes}) if fmt == "json"
               else run_diff_table(first, second, changes, lang), nl=False)


@audit.command("verify")
@_audit_db_option
@_lang_option
def audit_verify(audit_db, lang):
    """Kiểm tra chuỗi băm của sổ: nêu bản ghi đầu tiên bị sửa, xóa, chèn hay đảo (mã 1).

    Ví dụ: sangloc audit verify
    """
    from engine import audit as store
    from engine.auditreport import how_text

    count, head, broken = store.verify(_open_store(audit_db))
    vi = lang == "vi"
    if broken:
        click.echo((f"HỎNG: bản ghi số {broken.seq} {how_text(broken.how, lang)}; {count} bản ghi trước đó còn nguyên"
                    if vi else f"BROKEN: record {broken.seq} {how_text(broken.how, lang)}; "
                               f"{count} records before it are intact"))
        sys.exit(EXIT_INVALID)
    from engine import audit as store_module

    items = store_module.runs(_open_store(audit_db))
    last = items[-1]["run_id"] if items else "—"
    click.echo((f"Nguyên vẹn: {count} bản ghi, {len(items)} lần chạy (lần cuối {last}); mã băm cuối {head} — "
                "đối chiếu với mã đã ghi vào biên bản để biết không có lần chạy nào bị xóa khỏi cuối sổ" if vi
                else f"Intact: {count} records, {len(items)} runs (last {last}); head hash {head} — compare it "
                     "with the one written in the minutes to know that no run was removed from the end"))


@main.group()
def rules():
    """Bộ quy tắc: liệt kê, xem, kiểm tra."""


@rules.command("list")
@_lang_option
def rules_list(lang):
    """Liệt kê các bộ quy tắc có sẵn.

    Ví dụ: sangloc rules list
    """
    from engine import available_packs, load_pack
    from engine.errors import RulePackError

    for pack_id in available_packs():
        try:
            pack = load_pack(pack_id)
            click.echo(f"{pack.id}\t{pack.version}\t{pack.digest}\t{pack.spec.title.get(lang)}")
        except RulePackError as err:
            click.echo(f"{pack_id}\t-\t-\t{err.text(lang).splitlines()[0]}")


@rules.command("show")
@click.argument("name", metavar="[PACK|RULE]", required=False)
@click.option("--rules", "rules_name", default=DEFAULT_PACK, show_default=True, metavar="PACK",
              help="Bộ quy tắc chứa quy tắc cần xem.")
@_lang_option
def rules_show(name, rules_name, lang):
    """Xem một bộ quy tắc (mã, phiên bản, digest, các quy tắc) hoặc một quy tắc.

    Ví dụ: sangloc rules show pho-bi-thu-tinh-uy-2020; sangloc rules show do-tuoi
    """
    import difflib

    from engine import load_pack
    from engine.errors import UsageError
    from engine.pack import locate

    if name is not None:
        try:
            locate(name)
            rules_name, name = name, None
        except UsageError:
            pass
    pack = load_pack(rules_name)
    if name is None:
        _show_pack(pack, lang)
        return
    if name not in {r.id for r in pack.rules}:
        raise UsageError("rule_not_found", {"value": name, "pack": pack.id, "suggestions":
                                            difflib.get_close_matches(name, [r.id for r in pack.rules], n=3)})
    _show_rule(pack, pack.rule(name), lang)


def _show_pack(pack, lang: str) -> None:
    from engine.i18n import fmt_date, label

    vi = lang == "vi"
    click.echo(f"{pack.id} — {pack.spec.title.get(lang)}")
    click.echo(f"{'phiên bản' if vi else 'version'}: {pack.version}")
    click.echo(f"digest: {pack.digest}")
    click.echo(f"{'ngày tham chiếu' if vi else 'reference date'}: {fmt_date(pack.reference_date, lang)}")
    click.echo(f"{'số quy tắc' if vi else 'rules'}: {len(pack.rules)}")
    for rule in pack.rules:
        click.echo(f"  {rule.id:<26} {label('kind', rule.kind, lang):<38} {rule.title.get(lang)}")


def _show_rule(pack, rule, lang: str) -> None:
    from engine.explain import Explainer
    from engine.i18n import label

    vi = lang == "vi"
    click.echo(f"{rule.id} — {rule.title.get(lang)}")
    click.echo(f"{'loại' if vi else 'kind'}: {label('kind', rule.kind, lang)}")
    ex = Explainer(pack, pack.reference_date, lang)
    click.echo(f"{'căn cứ' if vi else 'sources'}:")
    for line in ex.source_text(rule.id):
        click.echo(f"  - {line}")
    for branch in rule.outcomes:
        click.echo(f"{label('outcome', branch.outcome, lang)} {'khi' if vi else 'when'}:")
        for alternative in branch.when:
            click.echo("  - " + (" và " if vi else " and ").join(_pattern_text(p, ex) for p in alternative.all))
    click.echo(f"{'còn lại' if vi else 'otherwise'}: {label('outcome', rule.otherwise, lang)}")


_OPERATORS = {"eq": "=", "ne": "≠", "in": "∈", "not_in": "∉", "gt": ">", "gte": "≥", "lt": "<", "lte": "≤"}


def _pattern_text(pattern, ex) -> str:
    """A condition as a person reads it: 'position: category = key_district; start ≤ ngày xét'."""
    pack = ex.pack
    vi = ex.lang == "vi"

    def value_text(value) -> str:
        if isinstance(value, dict) and "param" in value:
            name = value["param"]
            if name == "as_of":
                return "ngày xét" if vi else "the as-of date"
            return f"{name} ({ex.param(pack.parameters.get(name))})"
        return ex.param(value)

    tests = []
    for field, test in pattern.where.items():
        ops = test if isinstance(test, dict) and "param" not in test else {"eq": test}
        for op, value in ops.items():
            if op == "present":
                tests.append(f"{field} {'có ghi' if vi else 'recorded'}" if value else
                             f"{field} {'chưa ghi' if vi else 'not recorded'}")
            else:
                tests.append(f"{field} {_OPERATORS.get(op, op)} {value_text(value)}")
    return f"{pattern.fact}: " + "; ".join(tests) if tests else pattern.fact


@rules.command("check")
@click.argument("pack_name", metavar="PACK", default=DEFAULT_PACK)
@_lang_option
def rules_check(pack_name, lang):
    """Kiểm tra một bộ quy tắc: mọi lỗi kèm tệp, dòng, cột; cảnh báo kết quả chưa có ca kiểm thử.

    Mã thoát 1 nếu có lỗi; cảnh báo không làm hỏng.

    Ví dụ: sangloc rules check rules/pho-bi-thu-tinh-uy-2020
    """
    from engine.pack import check_pack_folder
    from engine.packreport import problems_text
    from engine.packtest import run_tests, untested_warnings

    checked = check_pack_folder(pack_name)
    # A released version whose content changed is an error here (a warning when screening).
    problems, warnings = list(checked.problems) + list(checked.warnings), []
    if checked.pack is not None:
        run = run_tests(checked.pack)
        problems += run.problems
        warnings += untested_warnings(checked.pack, run)
    click.echo(problems_text(problems, warnings, lang), nl=False)
    vi = lang == "vi"
    if problems:
        click.echo(f"{len(problems)} lỗi, {len(warnings)} cảnh báo" if vi
                   else f"{len(problems)} errors, {len(warnings)} warnings")
        sys.exit(EXIT_INVALID)
    pack = checked.pack
    click.echo(f"{pack.id} {pack.version} {pack.digest}: "
               + (f"hợp lệ, {len(pack.rules)} quy tắc, {len(warnings)} cảnh báo" if vi
                  else f"valid, {len(pack.rules)} rules, {len(warnings)} warnings"))


@rules.command("test")
@click.argument("pack_name", metavar="PACK", default=DEFAULT_PACK)
@_lang_option
def rules_test(pack_name, lang):
    """Chạy các ca kiểm thử của bộ quy tắc (rules/<pack>/tests/*.yaml) và báo độ phủ.

    Ví dụ: sangloc rules test pho-bi-thu-tinh-uy-2020
    """
    from engine import load_pack
    from engine.explain import Explainer
    from engine.packreport import test_report
    from engine.packtest import run_tests

    pack = load_pack(pack_name)
    run = run_tests(pack)
    click.echo(test_report(run, Explainer(pack, pack.reference_date, lang)), nl=False)
    if run.failed or run.problems or not run.results:
        sys.exit(EXIT_INVALID)


@rules.command("new")
@click.argument("new_id")
@click.option("--from", "source", default=DEFAULT_PACK, show_default=True, metavar="PACK",
              help="Bộ quy tắc làm mẫu.")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Thư mục đặt bộ quy tắc mới.")
@click.option("--with-tests/--without-tests", default=True, show_default=True,
              help="Sao chép cả các ca kiểm thử của bộ mẫu.")
@_lang_option
def rules_new(new_id, source, folder, with_tests, lang):
    """Tạo bộ quy tắc mới bằng cách sao chép một bộ có sẵn (đổi mã, phiên bản 1, chưa khóa).

    Ví dụ: sangloc rules new pho-bi-thu-tinh-uy-2025 --from pho-bi-thu-tinh-uy-2020
    """
    import re
    import shutil
    from pathlib import Path

    from engine import load_pack
    from engine.errors import UsageError
    from engine.pack import LOCK_FILE

    if not re.match(r"^[a-z0-9][a-z0-9-]*$", new_id):
        raise UsageError("bad_pack_id", {"value": new_id})
    pack = load_pack(source)
    target = Path(folder) / new_id
    if target.exists():
        raise UsageError("path_exists", {"path": str(target)})
    skipped = [LOCK_FILE, "__pycache__"] + ([] if with_tests else ["tests"])
    shutil.copytree(pack.path, target, ignore=shutil.ignore_patterns(*skipped))
    pack_yaml = target / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", text, count=1)
    text = re.sub(r"(?m)^version: .*$", 'version: "1"', text, count=1)
    pack_yaml.write_text(text, encoding="utf-8")
    load_pack(str(target))  # the copy must load before anyone edits it
    click.echo(str(target))


@rules.command("lock")
@click.argument("pack_name", metavar="PACK", default=DEFAULT_PACK)
@_lang_option
def rules_lock(pack_name, lang):
    """Ghi digest của phiên bản hiện tại vào pack.lock (khi phát hành một phiên bản).

    Một phiên bản đã ghi thì nội dung không được đổi nữa: muốn sửa, hãy tăng `version`.

    Ví dụ: sangloc rules lock rules/bo-quy-tac-moi
    """
    from engine import load_pack
    from engine.errors import UsageError
    from engine.pack import LOCK_FILE, read_lock

    pack = load_pack(pack_name)
    lock = read_lock(pack.path)
    recorded = lock.get(pack.version)
    if recorded and recorded != pack.digest:
        raise UsageError("pack_digest_changed", {"version": pack.version, "recorded": recorded[:19] + "…",
                                                 "actual": pack.digest[:19] + "…"})
    if recorded != pack.digest:  # an unchanged lock file is left as it is
        lock[pack.version] = pack.digest
        lines = ["# sangloc rules lock: the digest of each released version of this pack. Do not edit by hand."]
        lines += [f'"{version}": "{digest}"' for version, digest in lock.items()]
        _write("\n".join(lines) + "\n", str(pack.path / LOCK_FILE))
    click.echo(f"{pack.id} {pack.version} {pack.digest}")


if __name__ == "__main__":
    main()
