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


def _titled(rule_id: str, titles: dict | None) -> str:
    """A criterion by its title (the stored pack's), never its id alone."""
    return (titles or {}).get(rule_id, rule_id)


def show_table(header: dict, records: list[dict], lang: str, titles: dict | None = None) -> str:
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
        failing = [_titled(r["id"], titles) for r in decision["rules"] if r["outcome"] == "fail"]
        pending = [_titled(r["id"], titles) for r in decision["rules"] if r["outcome"] == "review"]
        line = f"  {decision['profile_id']:<10} {decision['full_name']:<22} {label('verdict', decision['verdict'], lang)}"
        if failing:
            line += f" · ✗ {', '.join(failing)}"
        if pending:
            line += f" · ? {', '.join(pending)}"
        lines.append(line)
    return "\n".join(lines) + "\n"


def why_table(profile_id: str, history: list[tuple[dict, dict]], lang: str, titles=None) -> str:
    """``titles(pack digest) -> {rule id: title}`` names each criterion as the pack of its run did."""
    vi = lang == "vi"
    if not history:
        return (f"Không có quyết định nào được ghi về {profile_id}\n" if vi
                else f"No decision recorded about {profile_id}\n")
    lines = []
    for header, record in history:
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
        named = titles(header["pack"]["digest"]) if titles else {}
        for rule in decision["rules"]:
            if rule["outcome"] != "pass":
                mark = "✗" if rule["outcome"] == "fail" else "?"
                lines.append(f"    {mark} {_titled(rule['id'], named)}: {rule['reason']}")
        lines.append(f"  {'mã băm SHA-256 của dữ liệu vào' if vi else 'input SHA-256'}: {record['input_sha256']}")
        lines.append("")
    return "\n".join(lines)


def run_diff_table(run_a: str, run_b: str, changes: list[dict], lang: str, titles: dict | None = None) -> str:
    vi = lang == "vi"

    def verdict(code):
        return label("verdict", code, lang) if code else ("không có trong lần chạy" if vi else "not in the run")

    lines = [f"{run_a} → {run_b}: " + (f"{len(changes)} người đổi kết luận" if vi else f"{len(changes)} changed verdict")]
    for change in changes:
        lines.append(f"  {change['profile_id']} {change['full_name']}: {verdict(change['verdict_a'])} → "
                     f"{verdict(change['verdict_b'])}")
        for rule in change["rules"]:
            lines.append(f"      {_titled(rule['id'], titles)}: {label('outcome', rule['a'], lang)} → "
                         f"{label('outcome', rule['b'], lang)}")
    return "\n".join(lines) + "\n"


def how_text(how: str, lang: str) -> str:
    pair = _HOW[how]
    return pair[0] if lang == "vi" else pair[1]
