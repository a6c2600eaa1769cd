"""``sangloc validate``: input errors only, nothing decided."""

from __future__ import annotations

import click

from .options import format_option, lang_option, pack_options
from .report import report_problems, say


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_options
@lang_option
@format_option("table", "json")
def validate(paths, pack, as_of, lang, fmt):
    """Chỉ kiểm tra lỗi nhập liệu của hồ sơ, không sàng lọc.

    Ví dụ: sangloc validate profiles/
    """
    from ..errors import NoValidProfile, PartialFailure
    from ..jsonform import dumps
    from ..render.common import invalid_dict, sort_invalid
    from ..run.pipeline import Screening, collect

    screening = Screening(list(paths), pack, as_of, lang=lang, decide=False)
    run = collect(screening)
    if fmt == "json":
        say(dumps({"valid": [r.profile_id for r in run.results],
                          "invalid": [invalid_dict(i, lang) for i in sort_invalid(run.invalid)]}), nl=False)
    else:
        report_problems(run.warnings, run.invalid, lang, run.pack)
        files = len(screening.files)
        say(f"{len(run.results)} hồ sơ hợp lệ, {len(run.invalid)} hồ sơ lỗi ({files} tệp)" if lang == "vi"
                   else f"{len(run.results)} valid, {len(run.invalid)} invalid ({files} files)")
    if not run.results:
        raise NoValidProfile()
    if run.invalid:
        raise PartialFailure("some_invalid", {"count": len(run.invalid), "quiet": True})
