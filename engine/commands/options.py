"""Options shared by commands, declared once (sqlite-utils' ``@output_options``)."""

from __future__ import annotations

import re
from datetime import date
from functools import wraps

import click

from .report import say

DEFAULT_PACK = "pho-bi-thu-tinh-uy-2020"


def _remember_lang(ctx, _param, value):
    # Eager, so that an error raised while other options are processed speaks it too.
    ctx.meta["lang"] = value
    return value


def lang_option(func):
    return click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True,
                        is_eager=True, callback=_remember_lang,
                        help="Ngôn ngữ của văn bản kết quả / language of the output.")(func)


def format_option(*formats: str, help_text: str = "Dạng kết quả."):
    """``--format``, one of ``formats`` (the first is the default)."""
    return click.option("--format", "fmt", type=click.Choice(formats), default=formats[0], show_default=True,
                        help=help_text)


def output_options(*formats: str, help_text: str = "Dạng kết quả."):
    """``--format`` (one of ``formats``) and ``--output FILE`` (written whole or not at all)."""

    def decorator(func):
        func = click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
                            help="Ghi kết quả vào tệp (ghi nguyên vẹn hoặc không ghi gì).")(func)
        return format_option(*formats, help_text=help_text)(func)

    return decorator


def quiet_option(func):
    return click.option("--quiet", "-q", is_flag=True, help="Không hiện tiến độ và cảnh báo.")(func)


_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_date(text: str | None, option: str = "--as-of") -> date | None:
    """A date option written exactly YYYY-MM-DD, as its help says: Python's own
    parser would also take 20200825 and 2020-W35-2, which nobody reading the
    command line later would recognise as a date."""
    from ..errors import UsageError
    from ..escape import one_line

    if text is None:
        return None
    if not _ISO_DAY.fullmatch(text):
        raise UsageError("bad_date_option_form", {"value": one_line(text), "option": option})
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError("bad_date_option", {"value": one_line(text), "option": option}) from None


def pack_options(func):
    """``--rules PACK`` and ``--as-of DATE``: the command receives ``pack`` and ``as_of``."""

    @click.option("--rules", "rules", default=DEFAULT_PACK, show_default=True, metavar="PACK",
                  help="Bộ quy tắc: mã bộ quy tắc trong rules/ hoặc đường dẫn.")
    @click.option("--as-of", "as_of", default=None, metavar="DATE",
                  help="Ngày xét (YYYY-MM-DD); mặc định là ngày tham chiếu của bộ quy tắc.")
    @wraps(func)
    def wrapper(*args, rules, as_of, **kwargs):
        from ..escape import one_line
        from ..pack.load import load_pack

        parsed = parse_date(as_of)
        pack = load_pack(rules)
        lang = click.get_current_context().meta.get("lang", "vi")
        for warning in pack.warnings:
            say(("Cảnh báo: " if lang == "vi" else "Warning: ") + one_line(warning.text(lang)), err=True)
        return func(*args, pack=pack, as_of=parsed or pack.reference_date, **kwargs)

    return wrapper


def audit_db_option(func):
    return click.option("--audit-db", "audit_db", default=None, metavar="PATH",
                        help="Sổ kiểm toán SQLite (mặc định: $SANGLOC_AUDIT_DB hoặc ./sangloc-audit.sqlite).")(func)


def audit_options(func):
    func = click.option("--no-audit", is_flag=True, help="Không ghi lần chạy này vào sổ kiểm toán.")(func)
    return audit_db_option(func)
