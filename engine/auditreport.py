"""Answers to an auditor's questions, as data and as text (vi/en).

Reads the audit store (``engine/audit.py``); replays a run with the pack
content it recorded, whatever ``rules/`` holds today.
"""

from __future__ import annotations

import sqlite3
from datetime import date

from engine import audit
from engine.evaluate import Screener
from engine.explain import Explainer
from engine.i18n import fmt_date, label
from engine.loader import validate_profile
from engine.model import ProfileContext
from engine.pack import pack_from_content
from engine.render import decision_dict

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


def replay(db: sqlite3.Connection, run_id: str) -> tuple[dict, list[tuple[str, str]]]:
    """Re-evaluate a run's stored inputs with its stored pack; (header, [(profile id, what differs)])."""
    header = audit.run_header(db, run_id)
    content = audit.pack_content(db, header["pack"]["digest"])
    pack = pack_from_content(content, f"<{header['pack']['id']} {header['pack']['version']}>")
    as_of = date.fromisoformat(header["as_of"])
    screener = Screener(pack, as_of)
    explainer = Explainer(pack, as_of, header["lang"])
    differences = []
    if pack.digest != header["pack"]["digest"]:
        differences.append(("*", f"pack content digest {pack.digest} != {header['pack']['digest']}"))
    for record in audit.run_decisions(db, run_id):
        stored = record["decision"]
        profile, problems = validate_profile(record["input"], ProfileContext(pack.catalog, as_of))
        if problems:
            differences.append((stored["profile_id"], "; ".join(p.text("en") for p in problems)))
            continue
        again = decision_dict(screener.decide(profile, stored.get("source", "")), explainer)
        if audit.canonical(again) != audit.canonical(stored):
            differences.append((stored["profile_id"], _first_difference(stored, again)))
    return header, differences


def _first_difference(stored: dict, again: dict) -> str:
    if stored.get("verdict") != again.get("verdict"):
        return f"verdict {stored.get('verdict')} -> {again.get('verdict')}"
    for old, new in zip(stored.get("rules", []), again.get("rules", [])):
        if old != new:
            keys = [k for k in sorted(set(old) | set(new)) if old.get(k) != new.get(k)]
            return f"rule {old.get('id')}: {', '.join(keys)} differ"
    keys = [k for k in sorted(set(stored) | set(again)) if stored.get(k) != again.get(k)]
    return f"{', '.join(keys)} differ"


def run_diff(db: sqlite3.Connection, run_a: str, run_b: str) -> list[dict]:
    """Who changed verdict between two recorded runs, and which rules changed."""
    from engine.compare import verdict_changes

    def side(run_id):
        return {r["decision"]["profile_id"]: (r["decision"]["full_name"], r["decision"]["verdict"],
                                              {rule["id"]: rule["outcome"] for rule in r["decision"]["rules"]})
                for r in audit.run_decisions(db, run_id)}

    return [{"profile_id": profile_id, "full_name": name, "verdict_a": before, "verdict_b": after,
             "rules": [{"id": r.rule_id, "a": r.before, "b": r.after} for r in rules]}
            for profile_id, name, before, after, rules in verdict_changes(side(run_a), side(run_b))]


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
