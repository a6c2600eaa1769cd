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
    from ..render.common import invalid_dict, sort_invalid
    from ..run.pipeline import Screening
    from ..run.spool import SortedSpool

    # Streamed: the valid profiles' ids wait, sorted, in a spool; memory does not grow with the batch.
    screening = Screening(list(paths), pack, as_of, lang=lang, decide=False)
    valid, invalid, warnings = SortedSpool(), [], []
    for outcome in screening.outcomes():
        warnings.extend(outcome.warnings)
        if outcome.invalid is not None:
            invalid.append(outcome.invalid)
        else:
            valid.add(outcome.result.profile_id, "")
    try:
        if fmt == "json":
            for chunk in _json_report(valid, [invalid_dict(i, lang) for i in sort_invalid(invalid)]):
                say(chunk, nl=False)
        else:
            report_problems(screening.warnings + warnings, invalid, lang, screening.pack)
            files = len(screening.files)
            say(f"{valid.count} hồ sơ hợp lệ, {len(invalid)} hồ sơ lỗi ({files} tệp)" if lang == "vi"
                else f"{valid.count} valid, {len(invalid)} invalid ({files} files)")
    finally:
        valid.close()
    if not valid.count:
        raise NoValidProfile()
    if invalid:
        raise PartialFailure("some_invalid", {"count": len(invalid), "quiet": True})


def _json_report(valid, invalid: list[dict]):
    """``{"valid": [ids], "invalid": [entries]}`` exactly as ``jsonform.dumps`` indents it,
    written piece by piece (the ids come sorted from their spool)."""
    import json

    from ..jsonform import array_lines

    yield "{\n"
    parts = (("valid", (json.dumps(key, ensure_ascii=False) for key, _ in valid), valid.count),
             ("invalid", (json.dumps(entry, ensure_ascii=False, indent=2).replace("\n", "\n    ")
                          for entry in invalid), len(invalid)))
    for key, items, count in parts:
        yield from array_lines(key, items, count, last=key == "invalid")
    yield "}\n"
