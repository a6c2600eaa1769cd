"""``sangloc rules``: the packs — list, show, check, test, new, lock."""

from __future__ import annotations

import click

from .options import DEFAULT_PACK, lang_option
from .report import say


@click.group()
def rules():
    """Bộ quy tắc: liệt kê, xem, kiểm tra."""


@rules.command("list")
@lang_option
def rules_list(lang):
    """Liệt kê các bộ quy tắc có sẵn.

    Ví dụ: sangloc rules list
    """
    from ..errors import RulePackError
    from ..pack.load import available_packs, load_pack

    for pack_id in available_packs():
        try:
            pack = load_pack(pack_id)
            say(f"{pack.id}\t{pack.version}\t{pack.digest}\t{pack.spec.title.get(lang)}")
        except RulePackError as err:
            say(f"{pack_id}\t-\t-\t{err.text(lang).splitlines()[0]}")


@rules.command("show")
@click.argument("name", metavar="[PACK|RULE]", required=False)
@click.option("--rules", "rules_name", default=DEFAULT_PACK, show_default=True, metavar="PACK",
              help="Bộ quy tắc chứa quy tắc cần xem.")
@lang_option
def rules_show(name, rules_name, lang):
    """Xem một bộ quy tắc (mã, phiên bản, digest, các quy tắc) hoặc một quy tắc.

    Ví dụ: sangloc rules show pho-bi-thu-tinh-uy-2020; sangloc rules show do-tuoi
    """
    import difflib

    from ..errors import UsageError
    from ..pack.load import load_pack, locate
    from ..render.pack import pack_text, rule_text

    if name is not None:
        try:
            locate(name)
            rules_name, name = name, None
        except UsageError:
            pass
    pack = load_pack(rules_name)
    if name is None:
        say(pack_text(pack, lang), nl=False)
        return
    if name not in {r.id for r in pack.rules}:
        raise UsageError("rule_not_found", {"value": name, "pack": pack.id, "suggestions":
                                            difflib.get_close_matches(name, [r.id for r in pack.rules], n=3)})
    say(rule_text(pack, pack.rule(name), lang), nl=False)


@rules.command("check")
@click.argument("pack_name", metavar="PACK", default=DEFAULT_PACK)
@lang_option
def rules_check(pack_name, lang):
    """Kiểm tra một bộ quy tắc: mọi lỗi kèm tệp, dòng, cột; cảnh báo kết quả chưa có ca kiểm thử.

    Mã thoát 2 nếu bộ quy tắc có lỗi; cảnh báo không làm hỏng.

    Ví dụ: sangloc rules check rules/pho-bi-thu-tinh-uy-2020
    """
    from ..errors import RulePackError
    from ..pack.load import check_pack_folder
    from ..render.pack import problems_text
    from ..run.packtests import run_tests, untested_warnings

    checked = check_pack_folder(pack_name)
    # A released version whose content changed is an error here (a warning when screening).
    problems, warnings = list(checked.problems) + list(checked.warnings), []
    if checked.pack is not None:
        run = run_tests(checked.pack)
        problems += run.problems
        warnings += untested_warnings(checked.pack, run)
    say(problems_text(problems, warnings, lang), nl=False)
    vi = lang == "vi"
    if problems:
        say(f"{len(problems)} lỗi, {len(warnings)} cảnh báo" if vi
                   else f"{len(problems)} errors, {len(warnings)} warnings")
        raise RulePackError(str(checked.folder), problems, listed=True)
    pack = checked.pack
    say(f"{pack.id} {pack.version} {pack.digest}: "
               + (f"hợp lệ, {len(pack.rules)} quy tắc, {len(warnings)} cảnh báo" if vi
                  else f"valid, {len(pack.rules)} rules, {len(warnings)} warnings"))


@rules.command("test")
@click.argument("pack_name", metavar="PACK", default=DEFAULT_PACK)
@lang_option
def rules_test(pack_name, lang):
    """Chạy các ca kiểm thử của bộ quy tắc (rules/<pack>/tests/*.yaml) và báo độ phủ.

    Ví dụ: sangloc rules test pho-bi-thu-tinh-uy-2020
    """
    from ..decide.explain import Explainer
    from ..errors import PartialFailure
    from ..pack.load import load_pack
    from ..render.pack import test_report
    from ..run.packtests import run_tests

    pack = load_pack(pack_name)
    run = run_tests(pack)
    say(test_report(run, Explainer(pack, pack.reference_date, lang)), nl=False)
    if run.failed or run.problems or not run.results:
        raise PartialFailure("pack_tests_failed", {"quiet": True})


@rules.command("new")
@click.argument("new_id")
@click.option("--from", "source", default=DEFAULT_PACK, show_default=True, metavar="PACK",
              help="Bộ quy tắc làm mẫu.")
@click.option("--dir", "folder", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Thư mục đặt bộ quy tắc mới.")
@click.option("--with-tests/--without-tests", default=True, show_default=True,
              help="Sao chép cả các ca kiểm thử của bộ mẫu.")
@lang_option
def rules_new(new_id, source, folder, with_tests, lang):
    """Tạo bộ quy tắc mới bằng cách sao chép một bộ có sẵn (đổi mã, phiên bản 1, chưa khóa).

    Ví dụ: sangloc rules new pho-bi-thu-tinh-uy-2025 --from pho-bi-thu-tinh-uy-2020
    """
    from ..pack.copy import new_pack

    say(str(new_pack(new_id, source, folder, with_tests)))


@rules.command("lock")
@click.argument("pack_name", metavar="PACK", default=DEFAULT_PACK)
@lang_option
def rules_lock(pack_name, lang):
    """Ghi digest của phiên bản hiện tại vào pack.lock (khi phát hành một phiên bản).

    Một phiên bản đã ghi thì nội dung không được đổi nữa: muốn sửa, hãy tăng `version`.

    Ví dụ: sangloc rules lock rules/bo-quy-tac-moi
    """
    from ..errors import RulePackError, UsageError
    from ..pack.load import load_pack
    from ..pack.lock import LOCK_FILE, lock_text, read_lock
    from ..run.output import write

    pack = load_pack(pack_name)
    lock, problems = read_lock(pack.path)
    if problems:
        raise RulePackError(str(pack.path), problems)
    recorded = lock.get(pack.version)
    if recorded and recorded != pack.digest:
        raise UsageError("pack_digest_changed", {"version": pack.version, "recorded": recorded[:19] + "…",
                                                 "actual": pack.digest[:19] + "…"})
    if recorded != pack.digest:  # an unchanged lock file is left as it is
        lock[pack.version] = pack.digest
        write(lock_text(lock), str(pack.path / LOCK_FILE))
    say(f"{pack.id} {pack.version} {pack.digest}")
