"""Plain text for a terminal: the screening list grouped by verdict, and one
candidate's explanation."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..escape import markdown as _md, markdown_code as _md_code, one_line as _v
from ..i18n import fmt_date, label
from .common import MARKS, VERDICTS, group, heading, short, sort_invalid


def screen_table(ex: Explainer, records: list[dict], invalid: list) -> str:
    vi = ex.lang == "vi"
    lines = heading(ex, records, invalid)
    width = max([len(_v(r["profile_id"])) for r in records] + [4])
    for verdict in VERDICTS:
        members = group(records, verdict)
        lines += ["", f"{label('verdict', verdict, ex.lang).upper()} ({len(members)})"]
        if not members:
            lines.append("  —")
        for r in members:
            lines.append(f"  {_v(r['profile_id']):<{width}}  {_v(r['full_name'])} — {_v(short(ex, r))}")
    if invalid:
        lines += ["", ("HỒ SƠ LỖI" if vi else "INVALID") + f" ({len(invalid)})"]
        for entry in sort_invalid(invalid):
            who = entry.profile_id or (f"#{entry.index + 1}" if entry.index is not None else "")
            lines.append(f"  {_v(entry.source)} {_v(who)} — " + "; ".join(_v(p.text(ex.lang)) for p in entry.problems))
    return "\n".join(lines) + "\n"


def explain_lines(ex: Explainer, record: dict, markdown: bool = False) -> list[str]:
    """One candidate, every rule: outcome, kind, reason, what would change it, evidence, source."""
    vi = ex.lang == "vi"
    pack = ex.pack
    h1, h2 = ("# ", "### ") if markdown else ("", "")
    # Text from a file (the profile, the pack): one line each, Markdown's characters escaped in Markdown.
    esc = _md if markdown else _v
    lines = [
        f"{h1}{'Hồ sơ' if vi else 'Profile'} {esc(record['profile_id'])} — {esc(record['full_name'])}",
        "",
        f"{'Kết luận' if vi else 'Verdict'}: {label('verdict', record['verdict'], ex.lang)}",
        (f"Bộ quy tắc: {esc(pack.id)} (phiên bản {esc(pack.version)}, {pack.digest}) · Ngày xét: "
         f"{fmt_date(ex.as_of, ex.lang)}" if vi else
         f"Rule pack: {esc(pack.id)} (version {esc(pack.version)}, {pack.digest}) · As of: {fmt_date(ex.as_of, ex.lang)}"),
        f"{'Tệp hồ sơ' if vi else 'Profile file'}: {esc(record['source'])}",
    ]
    bullet = "- " if markdown else "    - "
    indent = "" if markdown else "  "
    for rule in record["rules"]:
        mark = MARKS[rule["outcome"]]
        lines += ["", f"{h2}[{mark} {label('outcome', rule['outcome'], ex.lang)}] {esc(rule['id'])} — "
                      f"{esc(ex.rule_title(rule['id']))}"]
        if markdown:
            lines.append("")
        lines.append(f"{indent}{'Loại' if vi else 'Kind'}: {label('kind', rule['kind'], ex.lang)}")
        lines.append(f"{indent}{'Lý do' if vi else 'Reason'}: {esc(rule['reason'])}")
        for item in rule["missing"]:
            lines.append(f"{indent}{'Cần để thay đổi' if vi else 'What would change it'} "
                         f"({label('missing', item['kind'], ex.lang)}): {esc(item['text'])}")
        lines.append(f"{indent}{'Chứng cứ' if vi else 'Evidence'}:")
        if not rule["evidence"]:
            lines.append(f"{bullet}{'không có mục nào trong hồ sơ' if vi else 'nothing on file'}")
        for item in rule["evidence"]:
            where = _md_code(item["path"]) if markdown else _v(item["path"])
            lines.append(f"{bullet}{where + ': ' if item['path'] else ''}{esc(ex.summary(item))}")
        lines.append(f"{indent}{'Căn cứ' if vi else 'Source'}:")
        lines += [f"{bullet}{esc(s)}" for s in ex.source_text(rule["id"])]
    return lines


def explain_text(ex: Explainer, record: dict) -> str:
    return "\n".join(explain_lines(ex, record)) + "\n"
