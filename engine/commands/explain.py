"""``sangloc explain``: every rule for one candidate."""

from __future__ import annotations

import click

from .options import lang_option, output_options, pack_options


@click.command()
@click.argument("profile_id")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_options
@output_options("table", "json", "md")
@lang_option
def explain(profile_id, paths, pack, as_of, fmt, output, lang):
    """Giải thích từng quy tắc cho một hồ sơ: kết quả, lý do, chứng cứ, căn cứ.

    Ví dụ: sangloc explain DT-0003 profiles/
    """
    import difflib
    import unicodedata

    from ..decide.explain import Explainer
    from ..errors import PartialFailure, UsageError
    from ..run.output import write
    from ..run.pipeline import Screening, collect
    from .report import report_invalid

    profile_id = unicodedata.normalize("NFC", profile_id)
    from ..run.audit import store_path
    from ..run.output import output_target, run_inputs

    screening = Screening(list(paths), pack, as_of, matcher="durable", lang=lang)
    output = output_target(output, **run_inputs(screening, pack), audit_store=store_path(None))
    run = collect(screening)
    found = [r for r in run.results if r.profile_id == profile_id]
    if not found:
        bad = [i for i in run.invalid if i.profile_id and unicodedata.normalize("NFC", i.profile_id) == profile_id]
        if bad:
            for entry in bad:
                report_invalid(entry, lang, run.pack)
            raise PartialFailure("some_invalid", {"count": len(bad), "quiet": True})
        known = sorted(r.profile_id for r in run.results)
        raise UsageError("profile_not_found", {
            "value": profile_id, "suggestions": difflib.get_close_matches(profile_id, known, n=3)})
    ex = Explainer(pack, as_of, lang)
    if fmt == "json":
        from ..render.json import explain_json as render
    elif fmt == "md":
        from ..render.markdown import explain_md as render
    else:
        from ..render.table import explain_text as render
    write(render(ex, found[0].record), output)
