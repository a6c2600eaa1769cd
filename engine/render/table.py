"""Plain text for a terminal: the screening list grouped by verdict, and one
candidate's explanation, criterion by criterion."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..escape import markdown as _md, one_line as _v
from ..i18n import fmt_date, label
from .common import MARKS, VERDICTS, evidence_name, group, heading, problem_words, short, sort_invalid, who


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
        lines += ["", ("HỒ SƠ CẦN BỔ SUNG, SỬA CHỮA" if vi else "FILES TO COMPLETE OR CORRECT") + f" ({len(invalid)})"]
        for entry in sort_invalid(invalid):
            lines.append(f"  {_v(who(entry, ex.lang))} — " + "; ".join(_v(problem_words(p, ex.lang, ex)) for p in entry.problems))
    return "\n".join(lines) + "\n"


def explain_lines(ex: Explainer, record: dict, markdown: bool = False) -> list[str]:
    """One candidate, every rule: outcome, kind, reason, what would change it, evidence, basis, provenance."""
    vi = ex.lang == "vi"
    pack = ex.pack
    h1, h2 = ("# ", "### ") if markdown else ("", "")
    # Text from a file (the profile, the pack): one line each, Markdown's characters escaped in Markdown.
    esc = _md if markdown else _v
    lines = [
        f"{h1}{'Hồ sơ' if vi else 'Profile'} {esc(record['profile_id'])} — {esc(record['full_name'])}",
        "",
        f"{'Kết luận' if vi else 'Verdict'}: {label('verdict', record['verdict'], ex.lang)}",
        (f"Bộ quy tắc: {esc(pack.spec.title.get(ex.lang))} ({esc(pack.id)}, phiên bản {esc(pack.version)}, mã kiểm tra "
         f"{pack.digest}) · Ngày xét: {fmt_date(ex.as_of, ex.lang)}" if vi else
         f"Rule pack: {esc(pack.spec.title.get(ex.lang))} ({esc(pack.id)}, version {esc(pack.version)}, check code {pack.digest})"
         f" · As of: {fmt_date(ex.as_of, ex.lang)}"),
        f"{'Tệp hồ sơ' if vi else 'Profile file'}: {esc(record['source'])}",
    ]
    bullet = "- " if markdown else "    - "
    indent = "" if markdown else "  "
    for rule in record["rules"]:
        mark = MARKS[rule["outcome"]]
        lines += ["", f"{h2}{mark} {esc(ex.rule_title(rule['id']))} ({esc(rule['id'])}): {label('outcome', rule['outcome'], ex.lang)}"]
        if markdown:
            lines.append("")
        lines.append(f"{indent}{'Loại' if vi else 'Kind'}: {label('kind', rule['kind'], ex.lang)}")
        lines.append(f"{indent}{'Lý do' if vi else 'Reason'}: {esc(rule['reason'])}")
        for item in rule["missing"]:
            lines.append(f"{indent}{label('missing', item['kind'], ex.lang)}: {esc(item['text'])}")
        lines.append(f"{indent}{'Chứng cứ trong hồ sơ' if vi else 'Evidence on file'}:")
        if (rule.get("exception") or {}).get("used"):  # a pass by exception rests on the approval
            lines.append(f"{bullet}{esc(ex.exception_evidence(rule['exception']))}")
        elif not rule["evidence"]:
            lines.append(f"{bullet}{'không có mục nào' if vi else 'nothing on file'}")
        for item in rule["evidence"]:
            name = evidence_name(item, ex)
            lines.append(f"{bullet}{esc(name) + ': ' if name else ''}{esc(ex.summary(item))}")
        lines.append(f"{indent}{'Căn cứ' if vi else 'Basis'}:")
        lines += [f"{bullet}{esc(s)}" for s in ex.basis_text(rule["id"])]
        lines.append(f"{indent}{'Xuất xứ' if vi else 'Provenance'}:")
        lines += [f"{bullet}{esc(s)}" for s in ex.provenance_text(rule["id"])]
    return lines


def explain_text(ex: Explainer, record: dict) -> str:
    return "\n".join(explain_lines(ex, record)) + "\n"
