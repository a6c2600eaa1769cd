"""Answers to an auditor's questions, as text (vi/en): the runs, one run, one
person's history, a comparison of two runs, the state of the chain.

Every text read from the store is shown on one line with its control
characters visible (``engine/escape.py``): the store's content is data, never
instructions to the terminal.
"""

from __future__ import annotations

from datetime import date

from ..escape import one_line as _v
from ..i18n import fmt_date, label

_HOW = {
    "altered": ("bị sửa", "altered"),
    "deleted": ("bị xóa (thiếu bản ghi)", "deleted (a record is missing)"),
    "inserted": ("bị chèn thêm", "inserted"),
    "reordered": ("bị đảo thứ tự", "reordered"),
}

#: A run that is not whole, though the chain holds: (vi, en) with {run} and {detail}.
_WHOLE = {
    "header_missing": ("là chỗ bản ghi đầu (header) của lần chạy {run} đã bị xóa: các quyết định của lần chạy còn đó mà không có header",
                       "is where the header of run {run} was deleted: the run's decisions remain without it"),
    "decisions_missing": ("là header của lần chạy {run}, nhưng số quyết định không khớp (ghi / còn: {detail}): có bản ghi bị xóa",
                          "is the header of run {run}, but its decisions do not match (recorded / present: {detail}): records were deleted"),
    "pack_missing": ("là header của lần chạy {run}, nhưng sổ không còn bộ quy tắc {detail} của nó: bản ghi bộ quy tắc bị xóa",
                     "is the header of run {run}, but the store no longer holds its pack {detail}: the pack record was deleted"),
    "orphan_pack": ("là bộ quy tắc {detail} mà không lần chạy nào dùng: lần chạy ghi nó đã bị xóa",
                    "is pack {detail}, which no run uses: the run that stored it was deleted"),
    "duplicate_run": ("là header thứ hai của lần chạy {run}: bị chèn thêm", "is a second header of run {run}: inserted"),
    "malformed": ("có nội dung không hợp lệ ({detail})", "has invalid content ({detail})"),
}


def _dt(text: str, lang: str) -> str:
    text = _v(text)
    return text.replace("T", " ").replace("+00:00", " UTC") if lang == "vi" else text


def runs_table(items: list[dict], lang: str, processes: list[tuple[dict, list[dict]]] = ()) -> str:
    """The recorded screening runs, then the processes of steps 2–5 (header, tally entries)."""
    vi = lang == "vi"
    lines = ["#   " + ("mã lần chạy              thời điểm (UTC)          người chạy  ngày xét    bộ quy tắc          số hồ sơ"
                     if vi else "run id                    time (UTC)               user        as of       pack                profiles")]
    for number, run in enumerate(items, start=1):
        pack = _v(f"{run['pack']['id']}@{run['pack']['version']}")
        lines.append(f"{number:<3} {_v(run['run_id']):<25} {_dt(run['created_utc'], lang):<24} "
                     f"{_v(run['os_user']):<11} {run['as_of']:<11} {pack:<19} {run['profiles']}")
    if not items:
        lines.append("(chưa có lần chạy nào)" if vi else "(no run recorded)")
    else:
        lines.append("")
        lines.append("Người chạy: tài khoản hệ điều hành chạy lệnh, do hệ thống cho biết (không lấy từ biến môi trường)."
                     if vi else "User: the operating-system account that ran the command, as the system reports it "
                                "(not taken from environment variables).")
    if processes:
        lines += ["", "Quy trình các bước 2–5 đã ghi:" if vi else "Processes of steps 2–5 recorded:"]
    for header, entries in processes:
        screening = header["document"].get("screening", {})
        source = (f"lần chạy {_v(screening.get('run_id'))}" if vi else f"run {_v(screening.get('run_id'))}") \
            if screening.get("kind") == "run" else (f"tệp {_v(screening.get('source'))}" if vi
                                                     else f"file {_v(screening.get('source'))}")
        steps = sorted({entry["entry"]["step"] for entry in entries})
        recorded = ", ".join(str(step) for step in steps) or "—"
        lines.append(f"  {_v(header['process_id'])} · {_dt(header['created_utc'], lang)} · "
                     + (f"lập từ {source} · {len(entries)} lần ghi kết quả kiểm phiếu (bước {recorded})" if vi
                        else f"started from {source} · {len(entries)} tally entries (steps {recorded})"))
    return "\n".join(lines) + "\n"


def _titled(rule_id: str, titles: dict | None) -> str:
    """A criterion by its title (the stored pack's), never its id alone."""
    return (titles or {}).get(rule_id, rule_id)


def show_table(header: dict, records: list[dict], lang: str, titles: dict | None = None) -> str:
    vi = lang == "vi"
    lines = [
        f"{'Lần chạy' if vi else 'Run'} {_v(header['run_id'])}",
        f"{'thời điểm' if vi else 'time'}: {_dt(header['created_utc'], lang)} · "
        f"{'người chạy (tài khoản hệ điều hành)' if vi else 'user (operating-system account)'}: {_v(header['os_user'])}",
        f"{'lệnh' if vi else 'command'}: {_v(header['command'])}",
        f"{'ngày xét' if vi else 'as of'}: {fmt_date(date.fromisoformat(header['as_of']), lang)} · "
        f"{'bộ quy tắc' if vi else 'pack'}: {_v(header['pack']['id'])} {_v(header['pack']['version'])} "
        f"{header['pack']['digest']}",
        f"sangloc {_v(header['sangloc_version'])}",
        "",
    ]
    for record in records:
        decision = record["decision"]
        failing = [_v(_titled(r["id"], titles)) for r in decision["rules"] if r["outcome"] == "fail"]
        pending = [_v(_titled(r["id"], titles)) for r in decision["rules"] if r["outcome"] == "review"]
        line = (f"  {_v(decision['profile_id']):<10} {_v(decision['full_name']):<22} "
                f"{label('verdict', decision['verdict'], lang)}")
        if failing:
            line += f" · ✗ {', '.join(failing)}"
        if pending:
            line += f" · ? {', '.join(pending)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def why_table(profile_id: str, history: list[tuple[dict, dict]], lang: str, titles=None, citations=None) -> str:
    """``titles(pack digest) -> {rule id: title}`` names each criterion as the pack of its run did;
    ``citations(pack digest, as-of) -> {rule id: (basis, provenance)}`` cites, under each criterion
    not met, the documents it applies and where its wording was read, from that same pack."""
    vi = lang == "vi"
    if not history:
        return (f"Không có quyết định nào được ghi về {_v(profile_id)}\n" if vi
                else f"No decision recorded about {_v(profile_id)}\n")
    lines = []
    for header, record in history:
        if "path" in record:  # a process of steps 1–5
            lines += path_lines(header, {**record, "profile_id": profile_id}, lang)
            continue
        lines.append(
            f"{_dt(header['created_utc'], lang)} · {'lần chạy' if vi else 'run'} {_v(header['run_id'])} · "
            f"{'ngày xét' if vi else 'as of'} {fmt_date(date.fromisoformat(header['as_of']), lang)} · "
            f"{_v(header['pack']['id'])} {_v(header['pack']['version'])} ({header['pack']['digest']})")
        if "invalid" in record:
            entry = record["invalid"]
            lines.append(f"  {_v(entry['profile_id'])}: "
                         + ("hồ sơ lỗi, không được xét" if vi else "invalid, not screened") + f" ({_v(entry['source'])})")
            lines += [f"    ✗ {_v(error)}" for error in entry["errors"]]
            lines.append("")
            continue
        decision = record["decision"]
        lines.append(f"  {_v(decision['profile_id'])} {_v(decision['full_name'])}: "
                     f"{label('verdict', decision['verdict'], lang)}")
        named = titles(header["pack"]["digest"]) if titles else {}
        cited = citations(header["pack"]["digest"], header["as_of"]) if citations else {}
        for rule in decision["rules"]:
            if rule["outcome"] != "pass":
                mark = "✗" if rule["outcome"] == "fail" else "?"
                reason = f": {_v(rule['reason'])}" if "reason" in rule else ""
                lines.append(f"    {mark} {_v(_titled(rule['id'], named))}{reason}")
                if rule["outcome"] == "fail" and rule["id"] in cited:
                    basis, provenance = cited[rule["id"]]
                    lines += [f"        {'Căn cứ' if vi else 'Basis'}: {_v(text)}" for text in basis]
                    lines += [f"        {'Xuất xứ' if vi else 'Read in'}: {_v(text)}" for text in provenance]
        if decision.get("reproduced") is False:
            lines.append("  " + ("lý do không làm lại được đúng như đã in (khác mã băm đã ghi)" if vi
                                 else "the reasons cannot be made again exactly as printed (the recorded digest differs)"))
        lines.append(f"  {'mã băm SHA-256 của dữ liệu vào' if vi else 'input SHA-256'}: {record['input_sha256']}")
        lines.append("")
    return "\n".join(lines)


def run_diff_table(run_a: str, run_b: str, changes: list[dict], lang: str, titles: dict | None = None) -> str:
    vi = lang == "vi"

    def verdict(code):
        return label("verdict", code, lang) if code else ("không có trong lần chạy" if vi else "not in the run")

    lines = [f"{_v(run_a)} → {_v(run_b)}: "
             + (f"{len(changes)} người đổi kết luận" if vi else f"{len(changes)} changed verdict")]
    for change in changes:
        lines.append(f"  {_v(change['profile_id'])} {_v(change['full_name'])}: {verdict(change['verdict_a'])} → "
                     f"{verdict(change['verdict_b'])}")
        for rule in change["rules"]:
            lines.append(f"      {_v(_titled(rule['id'], titles))}: {label('outcome', rule['a'], lang)} → "
                         f"{label('outcome', rule['b'], lang)}")
    return "\n".join(lines) + "\n"


def how_text(how: str, lang: str) -> str:
    pair = _HOW[how]
    return pair[0] if lang == "vi" else pair[1]


def broken_text(broken, count: int, lang: str) -> str:
    """What `audit verify` says of the first place where the store does not hold."""
    vi = lang == "vi"
    if broken.how in _HOW:
        return (f"HỎNG: bản ghi số {broken.seq} {how_text(broken.how, lang)}; {count} bản ghi trước đó còn nguyên"
                if vi else f"BROKEN: record {broken.seq} {how_text(broken.how, lang)}; "
                           f"{count} records before it are intact")
    pair = _WHOLE[broken.how]
    what = (pair[0] if vi else pair[1]).format(run=_v(broken.run_id), detail=_v(broken.detail))
    return (f"HỎNG: chuỗi băm còn nguyên nhưng bản ghi số {broken.seq} {what}" if vi
            else f"BROKEN: the hash chain holds, but record {broken.seq} {what}")


def _step_name(header: dict, step: int, lang: str) -> str:
    steps = header.get("steps") or []
    spec = steps[step - 1] if 0 < step <= len(steps) else {}
    sitting = spec.get("sitting") or {}
    return _v(sitting.get(lang) or label("body", spec.get("body"), lang))


def _percent(value, lang: str) -> str:
    if value is None:
        return "—"
    return (f"{value:.2f}".replace(".", ",") if lang == "vi" else f"{value:.2f}") + "%"


def path_lines(header: dict, record: dict, lang: str) -> list[str]:
    """One person's path through the steps of a process, as ``audit why`` prints it: every
    text the store holds (names, the clerk, the meeting's record, the screening's file
    name, the pack) on its one line, its controls shown (``engine/escape.py``)."""
    vi = lang == "vi"
    path = record["path"]
    last = len(header.get("steps") or []) or 5
    replaced = {o["replaces"]: o["entry"] for o in path if o.get("replaces")}
    post = (header.get("post") or {}).get(lang, "")
    pack = header["pack"]
    lines = [f"{_dt(header['created_utc'], lang)} · {'quy trình' if vi else 'process'} {_v(header['process_id'])} · "
             f"{_v(post)} ({_v(label('track', header.get('track'), lang))}) · "
             f"{_v(pack['id'])} {_v(pack['version'])} ({_v(pack['digest'])})"]
    who = " ".join(_v(part) for part in (path[0].get("full_name"), f"({record['profile_id']})") if part)
    lines.append(f"  {who}: " + ("con đường qua các bước" if vi else "path through the steps"))
    for outcome in path:
        step = outcome["step"]
        where = f"{'Bước' if vi else 'Step'} {step} · {_step_name(header, step, lang)}"
        if step == 1:
            how = label("admitted", outcome["admitted"], lang)
            cleared = outcome.get("cleared")
            if cleared:
                how += f" ({fmt_date(date.fromisoformat(cleared['on']), lang)}" \
                       + (f"; {_v(cleared['record'])}" if cleared.get("record") else "") + ")"
            text = (f"{how}; {'vào danh sách' if vi else 'on the list of'} {outcome['of']}{' người' if vi else ''} "
                    f"({'theo kết quả sàng lọc' if vi else 'from screening'} {_v(outcome['screening'])})")
        elif not outcome["quorate"]:
            text = ("hội nghị không đủ điều kiện tiến hành: kết quả không có giá trị, phải họp lại" if vi
                    else "the sitting was not quorate: void, to sit again")
        else:
            comparison = ("trên" if vi else "more than") if outcome["strict"] else ("từ" if vi else "at least")
            result = ("đạt" if vi else "passed") if outcome["passed"] else ("không đạt" if vi else "did not pass")
            result += f", {'xếp thứ' if vi else 'rank'} {outcome['rank']}/{outcome['of']}"
            if outcome["carried"]:
                result += (" → kết quả cuối cùng" if vi else " → final result") if step == last else \
                    (f" → chuyển sang bước {step + 1}" if vi else f" → carried to step {step + 1}")
            elif outcome["passed"]:
                result += " (ngoài số lượng giới thiệu)" if vi else " (beyond the seats)"
            text = (f"{outcome['votes']} {'phiếu' if vi else 'votes'}, {_percent(outcome['percent'], lang)} "
                    f"{'của' if vi else 'of'} {_v(label('denominator', outcome['denominator_kind'], lang))} "
                    f"({outcome['denominator']}; {'cần' if vi else 'needs'} {comparison} {_v(outcome['share'])}) — "
                    f"{result}")
            if outcome.get("date"):
                where += f", {fmt_date(date.fromisoformat(outcome['date']), lang)}"
        lines.append(f"    {where}: {text}")
        flags = [f for f in outcome.get("flags", []) if f != "not_quorate"]
        if flags:
            lines.append("      ! " + ", ".join(_v(_FLAGS.get(f, (f, f))[0 if vi else 1]) for f in flags))
        note = (f"mục {outcome['entry']}, {_v(outcome['by'])}, {_dt(outcome['at'], lang)}" if vi
                else f"entry {outcome['entry']}, {_v(outcome['by'])}, {_v(outcome['at'])}")
        if outcome.get("replaces"):
            note += f"; {'sửa mục' if vi else 'corrects entry'} {outcome['replaces']}"
        if outcome["entry"] in replaced:
            note += f"; {'đã được thay bằng mục' if vi else 'replaced by entry'} {replaced[outcome['entry']]}"
        lines.append(f"      [{note}]")
    lines.append("")
    return lines


_FLAGS = {
    "tie_at_last_seat": ("bằng phiếu ở vị trí cuối cùng: cấp có thẩm quyền quyết định",
                         "tied at the last seat: the competent body decides"),
    "report_to_higher_committee": ("Ban Thường vụ khác kết quả của Ban Chấp hành: báo cáo cấp ủy cấp trên",
                                   "the Standing Committee differs from the Executive Committee: report to the higher committee"),
}
