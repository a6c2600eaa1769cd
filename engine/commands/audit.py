"""``sangloc audit``: what was decided, when, by whom, under which pack; replay; tamper check."""

from __future__ import annotations

import click

from .options import audit_db_option, format_option, lang_option
from .report import say


@click.group()
def audit():
    """Sổ kiểm toán: mọi lần sàng lọc được ghi lại, chạy lại được, phát hiện được sửa đổi."""


def _open_store(audit_db):
    from ..run import audit as store

    return store.open_readonly(store.store_path(audit_db))


def _check_chain(db, lang: str) -> None:
    """After a read command has printed: a store whose chain or wholeness no longer holds is
    said on stderr, and the command exits 1, since what was just printed may have been altered
    (the same check as ``audit verify``: about 0.6 s for 20,000 records)."""
    from ..errors import PartialFailure
    from ..render.audit import broken_text
    from ..run import audit as store

    count, _head, broken = store.verify(db)
    if broken:
        click.echo(("Cảnh báo: sổ kiểm toán không còn nguyên vẹn; nội dung vừa in có thể đã bị sửa. " if lang == "vi"
                    else "Warning: the audit store does not hold; what was just printed may have been altered. ")
                   + broken_text(broken, count, lang), err=True)
        raise PartialFailure("chain_broken", {"quiet": True})


def _stored_pack(db):
    """digest -> the pack the store kept under that digest, or None (damaged or missing)."""
    from functools import lru_cache

    from ..errors import SanglocError
    from ..pack.load import pack_from_content
    from ..run import audit as store

    @lru_cache(maxsize=None)
    def of(digest: str):
        try:
            return pack_from_content(store.pack_content(db, digest))
        except (SanglocError, ValueError, TypeError, KeyError):
            return None

    return of


def _titles(db, lang: str, packs=None):
    """digest -> {rule id: the criterion's short title} from the pack content the store kept."""
    packs = packs or _stored_pack(db)

    def of(digest: str) -> dict:
        pack = packs(digest)
        return {rule.id: rule.short_title(lang) for rule in pack.rules} if pack is not None else {}

    return of


def _citations(db, lang: str, packs=None):
    """(digest, as-of day) -> {rule id: (its basis cited, where its wording was read)}, from the
    pack content the store kept: what an auditor reads beside a criterion not met."""
    from datetime import date
    from functools import lru_cache

    from ..decide.explain import Explainer

    packs = packs or _stored_pack(db)

    @lru_cache(maxsize=None)  # a person's history names the same few runs' packs again and again
    def of(digest: str, as_of: str) -> dict:
        pack = packs(digest)
        if pack is None:
            return {}
        explainer = Explainer(pack, date.fromisoformat(as_of), lang)
        return {rule.id: (explainer.basis_text(rule.id), explainer.provenance_text(rule.id)) for rule in pack.rules}

    return of


@audit.command("runs")
@audit_db_option
@format_option("table", "json")
@lang_option
def audit_runs(audit_db, fmt, lang):
    """Liệt kê các lần chạy đã ghi (cũ nhất trước; số thứ tự dùng được thay cho mã), rồi các quy trình bước 2–5.

    Ví dụ: sangloc audit runs
    """
    from ..jsonform import dumps
    from ..render.audit import runs_table
    from ..run import audit as store

    db = _open_store(audit_db)
    items = store.runs(db)
    if fmt == "json":
        say(dumps(items), nl=False)
        return
    processes = [(store.process_header(db, pid), store.process_entries(db, pid)) for pid in store.process_ids(db)]
    say(runs_table(items, lang, processes), nl=False)


@audit.command("show")
@click.argument("run_ref", metavar="RUN")
@audit_db_option
@format_option("table", "json")
@lang_option
def audit_show(run_ref, audit_db, fmt, lang):
    """Xem một lần chạy: ai chạy, khi nào, lệnh gì, bộ quy tắc nào, kết luận từng người.

    Ví dụ: sangloc audit show 1 --format json
    """
    from ..jsonform import dumps
    from ..render.audit import show_table
    from ..run import audit as store

    db = _open_store(audit_db)
    run_id = store.resolve_run(db, run_ref)
    header, records = store.run_header(db, run_id), store.run_decisions(db, run_id)
    if fmt == "json":
        from ..run.replay import full_records

        records = [record for _, record in full_records(db, [(header, r) for r in records])]
    say(dumps({"run": header, "records": records}) if fmt == "json"
               else show_table(header, records, lang, _titles(db, lang)(header["pack"]["digest"])), nl=False)
    _check_chain(db, lang)


@audit.command("why")
@click.argument("profile_id")
@audit_db_option
@format_option("table", "json")
@lang_option
def audit_why(profile_id, audit_db, fmt, lang):
    """Mọi quyết định đã ghi về một người, mới nhất trước, kèm lý do và digest bộ quy tắc.

    Ví dụ: sangloc audit why DT-0006
    """
    import unicodedata

    from ..jsonform import dumps
    from ..render.audit import why_table
    from ..run import audit as store
    from ..run.replay import full_records

    profile_id = unicodedata.normalize("NFC", profile_id)
    db = _open_store(audit_db)
    history = full_records(db, store.decisions_about(db, profile_id))
    if fmt == "json":
        say(dumps([{"run": h, **r} for h, r in history]), nl=False)
    else:
        packs = _stored_pack(db)
        say(why_table(profile_id, history, lang, _titles(db, lang, packs), _citations(db, lang, packs)), nl=False)
    _check_chain(db, lang)


@audit.command("replay")
@click.argument("run_ref", metavar="RUN")
@audit_db_option
@lang_option
def audit_replay(run_ref, audit_db, lang):
    """Chạy lại một lần chạy với dữ liệu vào và bộ quy tắc đã lưu; báo mọi quyết định khác đi (mã 1).
    Với mã quy trình (P-…): tính lại mọi bước từ các bảng kiểm phiếu đã lưu.

    Ví dụ: sangloc audit replay 1; sangloc audit replay P-20200825T093000Z-1a2b3c
    """
    from ..errors import PartialFailure
    from ..escape import one_line
    from ..run import audit as store
    from ..run.replay import replay

    db = _open_store(audit_db)
    vi = lang == "vi"
    process_id = store.resolve_process(db, run_ref) if run_ref.startswith("P-") else None
    if process_id is not None:  # a process of steps 2–5: every step recomputed from its tallies
        from ..run.process.replay import replay_process

        _header, steps, differences = replay_process(db, process_id, lang)
        summary = (f"Quy trình {process_id}: tính lại {steps} lần ghi kết quả kiểm phiếu, {len(differences)} chỗ khác"
                   if vi else f"Process {process_id}: {steps} tally entries, {len(differences)} differ when recomputed")
    else:
        run_id = store.resolve_run(db, run_ref)
        header, differences = replay(db, run_id, lang)
        summary = (f"Lần chạy {run_id}: {header['profiles']} quyết định, {len(differences)} khác khi chạy lại" if vi
                   else f"Run {run_id}: {header['profiles']} decisions, {len(differences)} differ on replay")
    for where, what in differences:
        say(f"{'KHÁC' if vi else 'DIFFERS'}: {one_line(where)}: {one_line(what)}")
    say(summary)
    _check_chain(db, lang)
    if differences:
        raise PartialFailure("replay_differs", {"count": len(differences), "quiet": True})


@audit.command("diff")
@click.argument("run_a", metavar="RUN_A")
@click.argument("run_b", metavar="RUN_B")
@audit_db_option
@format_option("table", "json")
@lang_option
def audit_diff(run_a, run_b, audit_db, fmt, lang):
    """Hai lần chạy đã ghi: ai đổi kết luận, quy tắc nào đổi.

    Ví dụ: sangloc audit diff 1 2
    """
    from ..jsonform import dumps
    from ..render.audit import run_diff_table
    from ..run import audit as store
    from ..run.replay import run_diff

    db = _open_store(audit_db)
    first, second = store.resolve_run(db, run_a), store.resolve_run(db, run_b)
    changes = run_diff(db, first, second)
    say(dumps({"a": first, "b": second, "changes": changes}) if fmt == "json"
               else run_diff_table(first, second, changes, lang,
                                   _titles(db, lang)(store.run_header(db, second)["pack"]["digest"])), nl=False)
    _check_chain(db, lang)


@audit.command("verify")
@audit_db_option
@lang_option
def audit_verify(audit_db, lang):
    """Kiểm tra chuỗi băm của sổ: nêu bản ghi đầu tiên bị sửa, xóa, chèn hay đảo (mã 1).

    Ví dụ: sangloc audit verify
    """
    from ..errors import PartialFailure
    from ..render.audit import broken_text
    from ..run import audit as store

    db = _open_store(audit_db)
    count, head, broken = store.verify(db)
    vi = lang == "vi"
    if broken:
        say(broken_text(broken, count, lang))
        raise PartialFailure("chain_broken", {"quiet": True})
    items = store.runs(db)
    last = items[-1]["run_id"] if items else "—"
    say((f"Nguyên vẹn: {count} bản ghi, {len(items)} lần chạy (lần cuối {last}); mã băm cuối {head} — "
                "đối chiếu với mã đã ghi vào biên bản để biết không có lần chạy nào bị xóa khỏi cuối sổ" if vi
                else f"Intact: {count} records, {len(items)} runs (last {last}); head hash {head} — compare it "
                     "with the one written in the minutes to know that no run was removed from the end"))
