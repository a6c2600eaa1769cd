"""``sangloc process``: steps 2–5 (SPEC §6) — start a process from a screening,
record each sitting's tally, print its status and minutes."""

from __future__ import annotations

import sys

import click

from .options import audit_options, lang_option, output_options, parse_date, quiet_option
from .report import command_line, sangloc_version, say


@click.group()
def process():
    """Các bước 2–5: đưa danh sách bước 1 qua các lần bỏ phiếu (SPEC §6).

    Ví dụ: sangloc process init --from ket-qua.json --output quy-trinh.json --seats 1
    """


def _say(text_vi: str, text_en: str, lang: str, quiet: bool) -> None:
    if not quiet:
        say(text_vi if lang == "vi" else text_en, err=True)


def _writer(audit_db, no_audit: bool, run_id: str, lang: str, quiet: bool):
    from ..run import audit as store

    if no_audit:
        _say("Lần ghi này không được ghi vào sổ kiểm toán (--no-audit).",
             "This entry was not recorded in the audit store (--no-audit).", lang, False)
        return None
    return store.ChainWriter(store.store_path(audit_db), run_id)


def _write_recorded(target, text, writer, record, check=lambda: None) -> None:
    """The process file written and its audit records appended, both or neither: the records
    are made first (``record(writer)`` sets the journal's hash), then the file's ``text()`` is
    written, ``check()`` may still refuse, and only then is the store's transaction committed."""
    from ..run.output import Output

    try:
        if writer is not None:
            record(writer)
        with Output(target) as stream:
            stream.write(text())
            check()
            if writer is not None:
                writer.commit()
    except BaseException:
        if writer is not None:
            writer.abort()
        raise


def _bounded(option: str, value: str | None, most: int) -> str | None:
    """A text option kept in the process file: within the file's bound (it is shown escaped wherever it is written)."""
    from ..errors import UsageError

    if value is not None and len(value) > most:
        raise UsageError("process_option_too_long", {"option": option, "max": most})
    return value


def _summoned(values: tuple[str, ...], last: int) -> dict[int, int]:
    from ..errors import UsageError
    from ..escape import one_line

    found = {}
    for value in values:
        step, _, count = value.partition("=")
        if not (step.strip().isascii() and step.strip().isdigit() and len(step.strip()) <= 2 and count.strip().isascii()
                and count.strip().isdigit() and len(count.strip()) <= 12 and 2 <= int(step) <= last):
            raise UsageError("process_bad_summoned", {"value": one_line(value), "first": 2, "last": last})
        found[int(step)] = int(count)
    return found


@process.command("init")
@click.option("--from", "source", required=True, metavar="SCREENING",
              help="Kết quả sàng lọc: tệp JSON của `screen --format json`, hoặc mã lần chạy trong sổ kiểm toán.")
@click.option("--output", "-o", required=True, type=click.Path(dir_okay=False),
              help="Tệp quy trình cần tạo (JSON); không ghi đè tệp đã có.")
@click.option("--seats", type=click.IntRange(1, 1000), default=None,
              help="Số lượng cần giới thiệu: chỉ N người nhiều phiếu nhất được chuyển tiếp ở các bước 2–5.")
@click.option("--rules", "rules", default=None, metavar="PACK",
              help="Bộ quy tắc khai báo các bước; mặc định là bộ quy tắc của lần sàng lọc.")
@click.option("--cleared", "cleared", multiple=True, metavar="ID",
              help="Người đang chờ xem xét đã được hội nghị bước 1 xem xét, thông qua (lặp lại cho từng người).")
@click.option("--cleared-on", "cleared_on", default=None, metavar="DATE",
              help="Ngày hội nghị bước 1 thông qua những người ghi ở --cleared.")
@click.option("--cleared-record", "cleared_record", default=None, metavar="TEXT",
              help="Văn bản ghi nhận việc thông qua (ví dụ: «Biên bản hội nghị Ban Thường vụ ngày 25/8/2020»).")
@click.option("--cleared-note", "cleared_note", default=None, metavar="TEXT", help="Ghi chú của hội nghị bước 1.")
@click.option("--summoned", "summoned", multiple=True, metavar="STEP=N",
              help="Số người được triệu tập của một bước, khai trước (ví dụ 2=120); bảng kiểm phiếu phải khớp.")
@click.option("--by", "by", default=None, metavar="NAME", help="Người lập (mặc định: tên đăng nhập).")
@lang_option
@quiet_option
@audit_options
def process_init(source, output, seats, rules, cleared, cleared_on, cleared_record, cleared_note, summoned, by,
                 lang, quiet, audit_db, no_audit):
    """Lập tệp quy trình từ một lần sàng lọc: danh sách bước 1 là những người đủ tiêu
    chuẩn, cộng những người hội nghị bước 1 đã xem xét, thông qua (--cleared).

    Ví dụ: sangloc process init --from ket-qua.json --output quy-trinh.json --seats 1 --cleared DT-0003 --cleared-on 2020-08-25
    """
    import os

    from ..errors import UsageError
    from ..i18n import label, message
    from ..pack.load import load_pack, pack_from_content
    from ..pack.process import DEFAULT_PROCESS
    from ..escape import one_line
    from ..run import audit as store
    from ..run.output import output_target, run_inputs
    from ..run.process.recording import record_start
    from ..run.process.start import read_screening, start
    from ..run.process.state import Cleared, text_of
    from .options import DEFAULT_PACK

    by = _bounded("--by", by, 300)
    cleared_record, cleared_note = _bounded("--cleared-record", cleared_record, 4000), \
        _bounded("--cleared-note", cleared_note, 4000)
    screening = read_screening(source, store.store_path(audit_db))
    if rules is not None:
        pack = load_pack(rules)
    elif screening.pack_content is not None:
        pack = pack_from_content(screening.pack_content, f"<{screening.meta.ruleset.get('id')}>")
    else:
        pack = load_pack(screening.meta.ruleset.get("id") or DEFAULT_PACK)
    # Never the screening, a file of the pack, the audit store or any database; a FIFO, a
    # device or `-` written directly; and never over a file that exists (a process is started once).
    target = output_target(output, inputs=[source] if screening.meta.kind == "file" else [],
                           folders=run_inputs(pack=pack)["folders"], audit_store=store.store_path(audit_db))
    if not target.direct and os.path.lexists(output):
        raise UsageError("path_exists", {"path": one_line(output)})
    prefix = "Cảnh báo: " if lang == "vi" else "Warning: "
    for warning in pack.warnings:
        say(prefix + warning.text(lang), err=True)
    screened = screening.meta.ruleset.get("digest")
    if screened and screened != pack.digest:
        say(prefix + message("process_pack_differs", lang, {
            "screened": f"{screening.meta.ruleset.get('id')} {screening.meta.ruleset.get('version')} ({screened})",
            "used": f"{pack.id} {pack.version} ({pack.digest})"}), err=True)
    if pack.process is None:
        say(prefix + message("process_no_section", lang, {"pack": pack.id}), err=True)
    if cleared and not cleared_on:
        raise UsageError("process_cleared_needs_date", {})
    section = pack.process or DEFAULT_PROCESS
    # The step-1 body's name is kept in Vietnamese: it is the record of a party meeting.
    meeting = Cleared(by=label("body", section.steps[0].body, "vi"), record=cleared_record, note=cleared_note,
                      on=parse_date(cleared_on, "--cleared-on").isoformat()) if cleared else None
    doc = start(screening, pack, seats, list(cleared), meeting, _summoned(summoned, len(section.steps)),
                by or store.current_user())
    writer = _writer(audit_db, no_audit, doc.id, lang, quiet)

    def record(writer):
        doc.journal[0].audit_hash = record_start(writer, doc, pack.content, command_line(), sangloc_version())

    _write_recorded(target, lambda: text_of(doc), writer, record)
    names = one_line(", ".join(f"{c.profile_id}" for c in doc.candidates) or "—")
    shown = one_line(output)
    _say(f"Đã lập quy trình {doc.id} ở tệp {shown}: danh sách bước 1 gồm {len(doc.candidates)} người ({names})",
         f"Started process {doc.id} in {shown}: the step-1 list holds {len(doc.candidates)} ({names})", lang, quiet)


@process.command("record")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--step", "step", type=int, required=True, help="Bước của quy trình (2–5).")
@click.option("--tally", "tallies", multiple=True, metavar="TALLY",
              help="Bảng kết quả kiểm phiếu (YAML, JSON, CSV hoặc sổ tính .xlsx); cho hai lần khi hai người nhập độc lập.")
@click.option("--ballots", default=None, metavar="FILE",
              help="Các phiếu, mỗi dòng một phiếu: sangloc đếm và đối chiếu với bảng kiểm phiếu.")
@click.option("--replaces", type=int, default=None, metavar="ENTRY",
              help="Bản sửa: số mục nhật ký được thay (chỉ mục có hiệu lực sau cùng).")
@click.option("--reason", default=None, metavar="TEXT", help="Lý do sửa (bắt buộc với --replaces).")
@click.option("--by", "by", default=None, metavar="NAME", help="Người ghi (mặc định: tên đăng nhập).")
@lang_option
@quiet_option
@audit_options
def process_record(file, step, tallies, ballots, replaces, reason, by, lang, quiet, audit_db, no_audit):
    """Ghi kết quả kiểm phiếu một bước: kiểm tra mọi con số trước khi tính; bảng sai
    bị từ chối (mã 1) và không ghi gì.

    Ví dụ: sangloc process record quy-trinh.json --step 2 --tally buoc-2.yaml
    """
    from ..errors import InputFileError
    from ..escape import one_line
    from ..run import audit as store
    from ..run.output import output_target
    from ..run.process.entry import prepare
    from ..run.process.recording import record_entry
    from ..render.process import step_table
    from ..run.process.state import compute, exclusive, process_path, read, text_of, unchanged

    # The file itself, whatever name leads to it (a link, /dev/stdin redirected from it):
    # read, locked and replaced where it is, never appended to through a descriptor.
    by, reason = _bounded("--by", by, 300), _bounded("--reason", reason, 4000)
    real = process_path(file)
    with exclusive(real, shown=file):
        doc, original = read(real, shown=file)
        entry = prepare(compute(doc), step, list(tallies), ballots, replaces, reason, by or store.current_user())
        doc.journal.append(entry)
        after = compute(doc)
        target = output_target(real, inputs=list(tallies) + ([ballots] if ballots else []),
                               audit_store=store.store_path(audit_db))
        writer = _writer(audit_db, no_audit, doc.id, lang, quiet)

        def record(writer):
            entry.audit_hash = record_entry(writer, after, after.current[step], command_line(), sangloc_version())

        def still_ours():
            if not unchanged(real, original):  # changed meanwhile (no file lock here): record nothing
                raise InputFileError("process_changed_meanwhile", {"path": one_line(file)})

        _write_recorded(target, lambda: text_of(doc), writer, record, still_ours)
    say(step_table(after, step, lang), nl=False)
    shown = one_line(file)
    _say(f"Đã ghi bước {step} vào {shown} (mục {entry.entry}"
         + (f", thay cho mục {replaces}" if replaces else "") + ")",
         f"Recorded step {step} in {shown} (entry {entry.entry}" + (f", replacing entry {replaces}" if replaces else "")
         + ")", lang, quiet)


def document_options(command):
    """The head of the minutes and of the journal: the committee (TỔ KIỂM PHIẾU is written below it) and the place."""
    command = click.option("--place", default="…", show_default=True,
                           help="Địa danh trước ngày tháng (nơi họp là `place` của bảng kiểm phiếu).")(command)
    return click.option("--issuer", default="TỈNH ỦY …", show_default=True,
                        help="Cấp ủy (góc trên bên trái; dòng dưới là TỔ KIỂM PHIẾU).")(command)


def _binary_needs_a_file(fmt: str, output) -> None:
    """A workbook or a Word document is never written to a terminal."""
    from ..errors import UsageError

    if fmt in ("xlsx", "docx") and output in (None, "-") and sys.stdout.isatty():
        raise UsageError(f"{fmt}_needs_output", {})


def _opened(file, output, step, fmt):
    """The process file read and computed, the output checked, the step (if any) known to it."""
    from ..errors import UsageError
    from ..run.audit import store_path
    from ..run.output import output_target
    from ..run.process.entry import check_step
    from ..run.process.state import compute, process_path, read, read_by

    _binary_needs_a_file(fmt, output)  # before the output is resolved: --output given or not
    real = process_path(file)
    doc, _ = read(real, shown=file)
    # Never over the process file, the screening, a tally sheet or a file of papers it names, the audit store.
    output = output_target(output, inputs=[real, *read_by(doc)], audit_store=store_path(None))
    state = compute(doc)
    if step is not None:
        check_step(state, step)
        if step not in state.current:
            raise UsageError("process_no_step", {"step": step})
    return state, output


@process.command("status")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@output_options("table", "json", "xlsx", "md", "html", "docx",
                help_text="Bảng, JSON, sổ tính (.xlsx); hoặc biên bản kiểm phiếu từng bước: Markdown, HTML, Word (.docx).")
@click.option("--step", "step", type=int, default=None, help="Chỉ biên bản của bước này (md, html, docx).")
@document_options
@click.option("--number", default="", help="Số và ký hiệu của biên bản (mặc định: không ghi số).")
@lang_option
def process_status(file, fmt, output, step, issuer, place, number, lang):
    """Tình trạng quy trình: từng người qua từng bước, số phiếu, tỷ lệ, đạt hay không;
    với md, html, docx: biên bản kiểm phiếu của từng bước (nhật ký nhập liệu: `process journal`).

    Ví dụ: sangloc process status quy-trinh.json --step 2 --format docx --output bien-ban-buoc-2.docx
    """
    from ..render.minutes import MinutesOptions, build_minutes, sittings_for
    from ..render.process import overview, status_json, status_table
    from ..run.output import write

    state, output = _opened(file, output, step, fmt)
    doc = state.doc
    if fmt == "json":
        write(status_json(state, lang), output)
        return
    if fmt == "table":
        write(status_table(state, lang), output)
        return
    if fmt == "xlsx":
        from ..render.process import status_xlsx

        write(status_xlsx(state, lang), output)
        return
    options = MinutesOptions(issuer=issuer, number=number, place=place)
    minutes = [build_minutes(state, sitting, lang, options) for sitting in sittings_for(state, step)]
    subject = doc.subject.get(lang)
    title = ("Kết quả các bước: " if lang == "vi" else "Results of the steps: ") + subject
    view = overview(state, lang) if step is None else None
    if fmt == "md":
        from ..render.minutes_md import minutes_md, overview_md

        parts = ([overview_md(title, view, lang)] if view else []) + [minutes_md(m) for m in minutes]
        write("\n---\n\n".join(parts), output)
    elif fmt == "html":
        from ..render.minutes_html import minutes_html

        write(minutes_html(title, view, minutes, lang), output)
    else:
        from ..render.minutes_docx import minutes_docx

        write(minutes_docx(title, view, minutes, lang), output)


@process.command("journal")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@output_options("md", "html", "docx", help_text="Markdown, HTML hoặc Word (.docx).")
@click.option("--step", "step", type=int, default=None, help="Chỉ các lần nhập của bước này (và lần lập quy trình).")
@document_options
@lang_option
def process_journal(file, fmt, output, step, issuer, place, lang):
    """Nhật ký nhập liệu của quy trình: mỗi lần nhập (thời điểm theo giờ địa phương, người nhập,
    tệp và mã băm, mục được thay), để lưu kèm biên bản kiểm phiếu.

    Ví dụ: sangloc process journal quy-trinh.json --step 4 --format docx --output nhat-ky-buoc-4.docx
    """
    from ..render.minutes import MinutesOptions, build_journal
    from ..run.output import write

    state, output = _opened(file, output, step, fmt)
    journal = build_journal(state, lang, MinutesOptions(issuer=issuer, place=place), step)
    if fmt == "md":
        from ..render.minutes_md import journal_md

        write(journal_md(journal), output)
    elif fmt == "html":
        from ..render.minutes_html import journal_html

        write(journal_html(journal), output)
    else:
        from ..render.minutes_docx import journal_docx

        write(journal_docx(journal), output)
