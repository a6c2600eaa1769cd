"""``sangloc template``, ``sangloc import`` and ``sangloc export``: profiles in the workbook offices keep."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .options import lang_option, pack_options, quiet_option
from .report import report_problems


def _binary_output(output: str | None) -> None:
    from ..errors import UsageError

    if output is None and sys.stdout.isatty():
        raise UsageError("xlsx_needs_output", {})


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Tệp .xlsx cần ghi (ghi nguyên vẹn hoặc không ghi gì).")
@pack_options
@lang_option
def template(output, pack, as_of, lang):
    """Mẫu sổ tính (.xlsx) để văn phòng ghi hồ sơ cán bộ: mỗi phần hồ sơ một trang, tiêu đề tiếng Việt,
    danh sách chọn lấy từ danh mục của bộ quy tắc, trang «Hướng dẫn» giải thích từng cột.

    Ví dụ: sangloc template --output ho-so.xlsx
    """
    from ..render.workbook import profile_book
    from ..run.output import write

    _binary_output(output)
    write(profile_book(pack, lang=lang), output)


def _screening(paths, pack, as_of, lang):
    from ..run.pipeline import Screening

    return Screening(list(paths), pack, as_of, lang=lang, decide=False, keep_profiles=True)


def _valid_profiles(screening, lang, quiet):
    """The valid profiles of ``screening`` (sorted by id), having reported the invalid ones."""
    from ..errors import NoValidProfile
    from ..run.pipeline import collect

    run = collect(screening)
    if not quiet:
        report_problems(run.warnings, run.invalid, lang)
    if not run.results:
        raise NoValidProfile()
    return run


def _finish(run, quiet: bool) -> None:
    from ..errors import PartialFailure

    if run.invalid:
        raise PartialFailure("some_invalid", {"count": len(run.invalid), "quiet": quiet})


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--output", "-o", required=True, type=click.Path(),
              help="Thư mục ghi các tệp YAML (tạo nếu chưa có).")
@pack_options
@lang_option
@quiet_option
def import_(paths, output, pack, as_of, lang, quiet):
    """Sổ tính (.xlsx) hoặc các tệp CSV theo mẫu → mỗi cán bộ một tệp hồ sơ YAML (để lưu trữ, theo dõi thay đổi).

    Hồ sơ có lỗi được báo (trang, ô, cột) và không được ghi; tệp cùng tên trong thư mục được ghi đè.

    Ví dụ: sangloc import ho-so.xlsx --output ho-so/
    """
    from ..errors import UsageError
    from ..profile.workbook import fold_name
    from ..render.profiles import office_record, profile_yaml
    from ..run.output import write

    from ..run.output import output_target, run_inputs

    folder = Path(output)
    if folder.exists() and not folder.is_dir():
        raise UsageError("import_output_file", {"path": output})
    screening = _screening(paths, pack, as_of, lang)
    inputs = run_inputs(screening, pack)
    run = _valid_profiles(screening, lang, quiet)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UsageError("output_unwritable", {"path": output, "reason": err.strerror or str(err)}) from None
    taken: set[str] = set()
    for result in run.results:
        profile = result.loaded.profile
        stem = "-".join(part for part in (fold_name(profile.id), fold_name(profile.full_name)) if part) or "ho-so"
        name, count = f"{stem}.yaml", 1
        while name in taken:  # two ids that read the same without diacritics
            count += 1
            name = f"{stem}-{count}.yaml"
        taken.add(name)
        # a profile file this run reads is never written over, even where its name is the one made here
        write(profile_yaml(office_record(profile, pack)), output_target(str(folder / name), **inputs))
    if not quiet:
        click.echo((f"Đã ghi {len(run.results)} hồ sơ vào thư mục {output}" if lang == "vi"
                    else f"Wrote {len(run.results)} profiles to the folder {output}"), err=True)
    _finish(run, quiet)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Tệp .xlsx cần ghi (ghi nguyên vẹn hoặc không ghi gì).")
@pack_options
@lang_option
@quiet_option
def export(paths, output, pack, as_of, lang, quiet):
    """Hồ sơ (YAML, JSON, .xlsx, CSV) → sổ tính theo mẫu, đủ mọi giá trị (kể cả ngày chỉ có tháng, năm và ghi chú).

    Hồ sơ có lỗi được báo và không được ghi.

    Ví dụ: sangloc export profiles/ --output ho-so.xlsx
    """
    from ..render.profiles import office_record
    from ..render.workbook import profile_book
    from ..run.output import output_target, run_inputs, write

    _binary_output(output)
    screening = _screening(paths, pack, as_of, lang)
    output = output_target(output, **run_inputs(screening, pack))
    run = _valid_profiles(screening, lang, quiet)
    records = [office_record(r.loaded.profile, pack) for r in run.results]
    write(profile_book(pack, records, lang), output)
    if not quiet and output.path:
        click.echo((f"Đã ghi {len(records)} hồ sơ vào {output.path}" if lang == "vi"
                    else f"Wrote {len(records)} profiles to {output.path}"), err=True)
    _finish(run, quiet)
