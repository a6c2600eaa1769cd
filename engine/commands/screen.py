"""``sangloc screen``: every profile through the pipeline, to the chosen output."""

from __future__ import annotations

import click

from .options import audit_options, lang_option, output_options, pack_options, quiet_option
from .report import Progress, Recording, report_invalid, report_problems, warn


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_options
@output_options("table", "json", "jsonl", "csv", "md", "html", "xlsx",
                help_text="Dạng kết quả; jsonl ghi từng hồ sơ một dòng, theo thứ tự đầu vào, ngay khi xét xong; "
                          "xlsx là sổ tính Excel (cần --output).")
@lang_option
@click.option("--engine", type=click.Choice(["durable", "python"]), default="durable", show_default=True,
              help="Bộ so khớp mẫu: durable-rules, hoặc bộ so khớp Python dùng để đối chiếu.")
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=1, show_default=True,
              help="Số tiến trình xét song song (kết quả giống hệt --jobs 1).")
@click.option("--codes", is_flag=True, help="CSV: mã thay cho từ ngữ, cho chương trình khác đọc.")
@quiet_option
@audit_options
def screen(paths, pack, as_of, fmt, output, lang, engine, jobs, codes, quiet, audit_db, no_audit):
    """Sàng lọc mọi hồ sơ theo bộ quy tắc; screen every profile.

    Kết quả chia ba nhóm: đủ tiêu chuẩn, cần xem xét, không đủ tiêu chuẩn.

    Ví dụ: sangloc screen profiles/ --format json --output ket-qua.json
    """
    import sys

    from ..errors import UsageError
    from ..run.audit import store_path
    from ..run.output import output_target, run_inputs
    from ..run.pipeline import Screening

    if fmt == "xlsx" and output is None and sys.stdout.isatty():
        raise UsageError("xlsx_needs_output", {})
    screening = Screening(list(paths), pack, as_of, matcher=engine, jobs=jobs, lang=lang,
                          keep_documents=not no_audit, keep_profiles=fmt == "html",
                          keep_records=fmt not in ("json", "jsonl"))
    output = output_target(output, **run_inputs(screening, pack), audit_store=store_path(audit_db))
    recording = Recording(pack, as_of, lang, audit_db, no_audit, quiet)
    progress = Progress(quiet)
    try:
        if fmt == "jsonl":
            counts = _stream(screening, output, lang, quiet, recording, progress)
            screened, invalid = sum(counts[v] for v in ("eligible", "review", "ineligible")), counts["invalid"]
        else:
            screened, invalid = _collected(screening, fmt, output, quiet, recording, progress, codes)
    except BaseException:
        recording.abort()
        raise
    _finish(screened, invalid, quiet)


def _finish(screened: int, invalid: int, quiet: bool) -> None:
    from ..errors import NoValidProfile, PartialFailure

    if not screened:
        raise NoValidProfile()
    if invalid:
        raise PartialFailure("some_invalid", {"count": invalid, "quiet": quiet})


def _collected(screening, fmt, output, quiet, recording, progress, codes=False) -> tuple[int, int]:
    """Every outcome first, then the whole output, sorted by profile id.

    Each result is rendered for the output as it comes and waits, sorted, in a spool
    (``engine/run/spool.py``): memory does not grow with the batch.  The HTML report
    and the workbook, documents built from every validated profile, are the exception."""
    from ..decide.explain import Explainer
    from ..run.output import Output

    if fmt in ("html", "xlsx"):
        return _whole(screening, fmt, output, quiet, recording, progress)
    lang = screening.lang
    ex = Explainer(screening.pack, screening.as_of, lang)
    listing = _listing(fmt, ex, codes)
    invalid, warnings, screened = [], [], 0
    for done, outcome in enumerate(screening.outcomes(), start=1):
        warnings.extend(outcome.warnings)
        recording.add(outcome)
        if outcome.invalid is not None:
            invalid.append(outcome.invalid)
        else:
            screened += 1
            result = outcome.result
            if fmt == "json":
                listing.add(result.profile_id, result.verdict, result.text)
            else:
                listing.add(result.record)
        progress.tick(done, screening.total)
    progress.finish()
    if not quiet:
        report_problems(screening.warnings + warnings, invalid, lang, screening.pack)
    if screened:
        recording.commit()
    else:
        recording.abort()
    with Output(output) as stream:
        for chunk in listing.chunks(invalid):
            stream.write(chunk)
    return screened, len(invalid)


def _listing(fmt, ex, codes):
    if fmt == "json":
        from ..render.json import JsonReport

        return JsonReport(ex.pack, ex.as_of, ex.lang)
    if fmt == "csv":
        from ..render.csv import CsvList

        return CsvList(ex, codes)
    if fmt == "table":
        from ..render.table import TableList

        return TableList(ex)
    from ..render.markdown import MarkdownList

    return MarkdownList(ex)


def _whole(screening, fmt, output, quiet, recording, progress) -> tuple[int, int]:
    """The HTML report and the workbook: documents built from the whole run, kept in memory."""
    from ..decide.explain import Explainer
    from ..run.output import write
    from ..run.pipeline import collect

    run = collect(screening, progress.tick)
    progress.finish()
    if not quiet:
        report_problems(run.warnings, run.invalid, run.lang, run.pack)
    if run.results:
        for result in run.results:
            recording.add(_outcome(result))
        for entry in run.invalid:
            recording.add(_outcome(invalid=entry))
        recording.commit()
    else:
        recording.abort()
    write(_render(fmt, Explainer(run.pack, run.as_of, run.lang), run), output)
    return len(run.results), len(run.invalid)


def _render(fmt, ex, run) -> str | bytes:
    if fmt == "html":
        from ..render.html import report_html
        from ..render.memo import MemoOptions, build_memo

        return report_html(build_memo(run, ex.lang, MemoOptions()))
    from ..render.xlsx import screen_xlsx

    return screen_xlsx(ex, run.records, run.invalid)


def _outcome(result=None, invalid=None):
    from ..run.pipeline import Outcome

    return Outcome(result=result, invalid=invalid)


def _stream(screening, output, lang, quiet, recording, progress) -> dict:
    """--format jsonl: one line per profile, in input order, written as it is decided."""
    from ..render.common import VERDICTS
    from ..render.json import invalid_line, result_text_line, summary_line
    from ..run.output import Output

    counts = {v: 0 for v in (*VERDICTS, "invalid")}
    with Output(output) as stream:
        for done, outcome in enumerate(screening.outcomes(), start=1):
            recording.add(outcome)
            if outcome.result is not None:
                stream.write(result_text_line(outcome.result.text) + "\n")
                counts[outcome.result.verdict] += 1
            else:
                stream.write(invalid_line(outcome.invalid, lang) + "\n")
                counts["invalid"] += 1
                if not quiet:
                    report_invalid(outcome.invalid, lang, screening.pack)
            if not quiet:
                for source, profile_id, problem in outcome.warnings:
                    warn(source, profile_id, problem, lang, screening.pack)
            progress.tick(done, screening.total)
        stream.write(summary_line(screening.pack, screening.as_of, lang, counts) + "\n")
    progress.finish()
    if any(counts[v] for v in VERDICTS):
        recording.commit()
    else:
        recording.abort()
    if not quiet:
        for source, profile_id, problem in screening.warnings:
            warn(source, profile_id, problem, lang, screening.pack)
    return counts
