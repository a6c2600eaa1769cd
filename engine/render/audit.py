"""Answers to an auditor's questions, as text (vi/en): the runs, one run, one
person's history, a comparison of two runs, the state of the chain."""

from __future__ import annotations

from datetime import date

from ..i18n import fmt_date, label

_HOW = {
    "altered": ("bị sửa", "altered"),
    "deleted": ("bị xóa (thiếu bản ghi)", "deleted (a record is missing)"),
    "inserted": ("bị chèn thêm", "inserted"),
    "reordered": ("bị đảo thứ tự", "reordered"),
}


def _dt(text: str, lang: str) -> str:
    return text.replace("T", " ").replace("+00:00", " UTC") if lang == "vi" else text


def runs_table(items: list[dict], lang: str) -> str:
    vi = lang == "vi"
    lines = ["#   " + ("mã lần chạy              thời điểm (UTC)          người chạy  ngày xét    bộ quy tắc          số hồ sơ"
                     if vi else "run id                    time (UTC)               user        as of       pack                profiles")]
    for number, run in enumerate(items, start=1):
        pack = f"{run['pack']['id']}@{run['pack']['version']}"
        lines.append(f"{number:<3} {run['run_id']:<25} {_dt(run['created_utc'], lang):<24} {run['os_user']:<11} "
                     f"{run['as_of']:<11} {pack:<19} {run['profiles']}")
    if not items:
        lines.append("(chưa có lần chạy nào)" if vi else "(no run recorded)")
    return "\n".join(lines) + "\n"


def show_table(header: dict, records: list[dict], lang: str) -> str:
    vi = lang == "vi"
    lines = [
        f"{'Lần chạy' if vi else 'Run'} {header['run_id']}",
        f"{'thời điểm' if vi else 'time'}: {_dt(header['created_utc'], lang)} · "
        f"{'người chạy' if vi else 'user'}: {header['os_user']}",
        f"{'lệnh' if vi else 'command'}: {header['command']}",
        f"{'ngày xét' if vi else 'as of'}: {fmt_date(date.fromisoformat(header['as_of']), lang)} · "
        f"{'bộ quy tắc' if vi else 'pack'}: {header['pack']['id']} {header['pack']['version']} {header['pack']['digest']}",
        f"sangloc {header['sangloc_version']}",
        "",
    ]
    for record in records:
        decision = record["decision"]
        failing = [r["id"] for r in decision["rules"] if r["outcome"] == "fail"]
        pending = [r["id"] for r in decision["rules"] if r["outcome"] == "review"]
        line = f"  {decision['profile_id']:<10} {decision['full_name']:<22} {label('verdict', decision['verdict'], lang)}"
        if failing:
            line += f" · ✗ {', '.join(failing)}"
        if pending:
            line += f" · ? {', '.join(pending)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def why_table(profile_id: str, history: list[tuple[dict, dict]], lang: str) -> str:
    vi = lang == "vi"
    if not history:
        return (f"Không có quyết định nào được ghi về {profile_id}\n" if vi
                else f"No decision recorded about {profile_id}\n")
    lines = []
    for header, record in history:
        if "path" in record:  # a process of steps 1–5
            lines += path_lines(header, {**record, "profile_id": profile_id}, lang)
            continue
        lines.append(
            f"{_dt(header['created_utc'], lang)} · {'lần chạy' if vi else 'run'} {header['run_id']} · "
            f"{'ngày xét' if vi else 'as of'} {fmt_date(date.fromisoformat(header['as_of']), lang)} · "
            f"{header['pack']['id']} {header['pack']['version']} ({header['pack']['digest']})")
        if "invalid" in record:
            entry = record["invalid"]
            lines.append(f"  {entry['profile_id']}: " + ("hồ sơ lỗi, không được xét" if vi else "invalid, not screened")
                         + f" ({entry['source']})")
            lines += [f"    ✗ {error}" for error in entry["errors"]]
            lines.append("")
            continue
        decision = record["decision"]
        lines.append(f"  {decision['profile_id']} {decision['full_name']}: {label('verdict', decision['verdict'], lang)}")
        for rule in decision["rules"]:
            if rule["outcome"] != "pass":
                mark = "✗" if rule["outcome"] == "fail" else "?"
                lines.append(f"    {mark} {rule['id']}: {rule['reason']}")
        lines.append(f"  {'mã băm SHA-256 của dữ liệu vào' if vi else 'input SHA-256'}: {record['input_sha256']}")
        lines.append("")
    return "\n".join(lines)


def run_diff_table(run_a: str, run_b: str, changes: list[dict], lang: str) -> str:
    vi = lang == "vi"

    def verdict(code):
        return label("verdict", code, lang) if code else ("không có trong lần chạy" if vi else "not in the run")

    lines = [f"{run_a} → {run_b}: " + (f"{len(changes)} người đổi kết luận" if vi else f"{len(changes)} changed verdict")]
    for change in changes:
        lines.append(f"  {change['profile_id']} {change['full_name']}: {verdict(change['verdict_a'])} → "
                     f"{verdict(change['verdict_b'])}")
        for rule in change["rules"]:
            lines.append(f"      {rule['id']}: {label('outcome', rule['a'], lang)} → {label('outcome', rule['b'], lang)}")
    return "\n".join(lines) + "\n"


def how_text(how: str, lang: str) -> str:
    pair = _HOW[how]
    return pair[0] if lang == "vi" else pair[1]


def _step_name(header: dict, step: int, lang: str) -> str:
    steps = header.get("steps") or []
    spec = steps[step - 1] if 0 < step <= len(steps) else {}
    sitting = spec.get("sitting") or {}
    return sitting.get(lang) or label("body", spec.get("body"), lang)


def _percent(value, lang: str) -> str:
    if value is None:
        return "—"
    return (f"{value:.2f}".replace(".", ",") if lang == "vi" else f"{value:.2f}") + "%"


def path_lines(header: dict, record: dict, lang: str) -> list[str]:
    """One person's path through the steps of a process, as ``audit why`` prints it."""
    vi = lang == "vi"
    path = record["path"]
    last = len(header.get("steps") or []) or 5
    replaced = {o["replaces"]: o["entry"] for o in path if o.get("replaces")}
    post = (header.get("post") or {}).get(lang, "")
    lines = [f"{_dt(header['created_utc'], lang)} · {'quy trình' if vi else 'process'} {header['process_id']} · "
             f"{post} ({label('track', header.get('track'), lang)}) · "
             f"{header['pack']['id']} {header['pack']['version']} ({header['pack']['digest']})"]
    who = " ".join(part for part in (path[0].get("full_name"), f"({record['profile_id']})") if part)
    lines.append(f"  {who}: " + ("con đường qua các bước" if vi else "path through the steps"))
    for outcome in path:
        step = outcome["step"]
        where = f"{'Bước' if vi else 'Step'} {step} · {_step_name(header, step, lang)}"
        if step == 1:
            how = label("admitted", outcome["admitted"], lang)
            cleared = outcome.get("cleared")
            if cleared:
                how += f" ({fmt_date(date.fromisoformat(cleared['on']), lang)}" \
                       + (f"; {cleared['record']}" if cleared.get("record") else "") + ")"
            text = (f"{how}; {'vào danh sách' if vi else 'on the list of'} {outcome['of']}{' người' if vi else ''} "
                    f"({'theo kết quả sàng lọc' if vi else 'from screening'} {outcome['screening']})")
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
                    f"{'của' if vi else 'of'} {label('denominator', outcome['denominator_kind'], lang)} "
                    f"({outcome['denominator']}; {'cần' if vi else 'needs'} {comparison} {outcome['share']}) — "
                    f"{result}")
            if outcome.get("date"):
                where += f", {fmt_date(date.fromisoformat(outcome['date']), lang)}"
        lines.append(f"    {where}: {text}")
        flags = [f for f in outcome.get("flags", []) if f != "not_quorate"]
        if flags:
            lines.append("      ! " + ", ".join(_FLAGS.get(f, (f, f))[0 if vi else 1] for f in flags))
        note = (f"mục {outcome['entry']}, {outcome['by']}, {_dt(outcome['at'], lang)}" if vi
                else f"entry {outcome['entry']}, {outcome['by']}, {outcome['at']}")
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
