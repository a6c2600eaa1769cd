"""``sangloc memo``: the justification memo (tờ trình) for the step-1 meeting."""

from __future__ import annotations

import sys

import click

from .options import audit_options, lang_option, output_options, pack_options, parse_date, quiet_option
from .report import Recording, report_problems


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@pack_options
@output_options("md", "html", "docx",
                help_text="Markdown, HTML (một tệp, in được khổ A4) hoặc Word (.docx, cần --output).")
@lang_option
@click.option("--issuer", default="TỈNH ỦY …|BAN TỔ CHỨC", show_default=True,
              help="Cơ quan ban hành: một dòng, hoặc hai dòng (cơ quan cấp trên | cơ quan ban hành) cách nhau bởi |.")
@click.option("--number", default=None, help="Số và ký hiệu văn bản (mặc định theo cơ quan ban hành, để trống số).")
@click.option("--place", default="…", show_default=True, help="Địa danh trước ngày tháng.")
@click.option("--date", "memo_date", default=None, metavar="DATE", help="Ngày của tờ trình; mặc định là ngày xét.")
@click.option("--basis", default=None, metavar="TEXT",
              help="Đề án nhân sự của tỉnh như trích trong phần Căn cứ (số, ngày); không ghi thì để trống cho văn thư.")
@click.option("--signer", default=None, help="Họ và tên người ký.")
@click.option("--signer-title", default=None,
              help="Chức vụ người ký khi không phải người đứng đầu, ví dụ PHÓ TRƯỞNG BAN (ký thay: K/T).")
@click.option("--errors", "errors_path", default=None, type=click.Path(dir_okay=False),
              help="Ghi danh sách hồ sơ cần bổ sung, sửa chữa vào tệp này, theo lời của văn thư.")
@quiet_option
@audit_options
def memo(paths, pack, as_of, fmt, output, lang, issuer, number, place, memo_date, basis, signer, signer_title,
         errors_path, quiet, audit_db, no_audit):
    """Tờ trình Ban Thường vụ về danh sách nhân sự (bước 1): căn cứ, tiêu chuẩn, danh sách đề xuất,
    các trường hợp không đủ tiêu chuẩn và lý do, bảng đối chiếu, số liệu. Chỉ gồm hồ sơ hợp lệ;
    hồ sơ cần bổ sung được liệt kê riêng (--errors).

    Ví dụ: sangloc memo profiles/ --format docx --output to-trinh.docx --issuer "TỈNH ỦY THÁI BÌNH|BAN TỔ CHỨC"
    """
    from ..errors import NoValidProfile, PartialFailure, UsageError
    from ..render.memo import MemoOptions, build_memo
    from ..run.output import write
    from ..run.pipeline import Outcome, Screening, collect

    if fmt == "docx" and output in (None, "-") and sys.stdout.isatty():
        raise UsageError("docx_needs_output", {})
    options = MemoOptions(issuer=issuer, number=number, place=place, date=parse_date(memo_date, "--date"),
                          basis=basis, signer=signer, signer_title=signer_title)
    from ..run.audit import store_path
    from ..run.output import output_target, run_inputs

    screening = Screening(list(paths), pack, as_of, lang=lang, keep_documents=not no_audit, keep_profiles=True)
    places = run_inputs(screening, pack)
    output = output_target(output, **places, audit_store=store_path(audit_db))
    if errors_path is not None:  # never over an input, nor over the memo itself
        errors_path = output_target(errors_path, **places, audit_store=store_path(audit_db), option="--errors",
                                    others=[output.path] if output.path else [])
    run = collect(screening)
    if not quiet:
        report_problems(run.warnings, run.invalid, lang, run.pack)
    if not run.results:
        raise NoValidProfile()
    document = build_memo(run, lang, options)
    if fmt == "docx":
        from ..render.docx import memo_docx

        content = memo_docx(document)
    elif fmt == "html":
        from ..render.html import memo_html

        content = memo_html(document)
    else:
        from ..render.markdown import memo_md

        content = memo_md(document)
    recording = Recording(pack, run.as_of, lang, audit_db, no_audit, quiet)
    try:
        for outcome in [Outcome(result=r) for r in run.results] + [Outcome(invalid=i) for i in run.invalid]:
            recording.add(outcome)
        recording.commit()
    except BaseException:
        recording.abort()
        raise
    write(content, output)
    if errors_path is not None:
        from ..decide.explain import Explainer
        from ..render.errors import errors_report

        write(errors_report(Explainer(pack, run.as_of, lang), run.invalid), errors_path)
    if run.invalid:
        raise PartialFailure("memo_some_invalid", {"count": len(run.invalid), "quiet": quiet})
