"""``sangloc diff``: the same profiles under two packs."""

from __future__ import annotations

import click

from .options import lang_option, output_options, parse_date


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--rules", "packs", multiple=True, required=True, metavar="PACK",
              help="Hai bộ quy tắc cần so sánh: --rules A --rules B.")
@click.option("--as-of", "as_of", default=None, metavar="DATE",
              help="Ngày xét chung; mặc định mỗi bộ dùng ngày tham chiếu của mình.")
@output_options("table", "json", "md")
@lang_option
def diff(paths, packs, as_of, fmt, output, lang):
    """So sánh hai bộ quy tắc trên cùng các hồ sơ: ai đổi kết luận, vì quy tắc nào.

    Ví dụ: sangloc diff --rules pho-bi-thu-tinh-uy-2020 --rules rules/bo-moi profiles/
    """
    from ..errors import NoValidProfile, PartialFailure, UsageError
    from ..pack.load import load_pack
    from ..render.diff import DIFF_RENDERERS
    from ..run.compare import compare
    from ..run.output import write
    from ..run.pipeline import Screening, collect

    if len(packs) != 2:
        raise UsageError("diff_two_packs", {"count": len(packs)})
    from ..run.audit import store_path
    from ..run.output import output_target, run_inputs

    parsed = parse_date(as_of)
    screenings = [Screening(list(paths), load_pack(name), parsed, lang=lang) for name in packs]
    places = [run_inputs(s, s.pack) for s in screenings]
    output = output_target(output, inputs=places[0]["inputs"], folders=places[0]["folders"] + places[1]["folders"],
                           audit_store=store_path(None))
    run_a, run_b = (collect(s) for s in screenings)
    write(DIFF_RENDERERS[fmt](run_a, run_b, compare(run_a, run_b), lang), output)
    if not run_a.results and not run_b.results:
        raise NoValidProfile()
    if run_a.invalid or run_b.invalid:
        raise PartialFailure("some_invalid", {"count": max(len(run_a.invalid), len(run_b.invalid)), "quiet": True})
