"""Plain text for a terminal: the screening list grouped by verdict, and one
candidate's explanation, criterion by criterion."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..escape import markdown as _md, one_line as _v
from ..i18n import fmt_date, label
from ..run.spool import SortedSpool
from .common import MARKS, VERDICTS, evidence_name, heading_of, problem_words, short, sort_invalid, who


def screen_table(ex: Explainer, records: list[dict], invalid: list) -> str:
    listing = TableList(ex)
    for record in records:
        listing.add(record)
    return "".join(listing.chunks(invalid))


class TableList:
    """The screening list as text, one line rendered as each result comes, each verdict's
    lines kept sorted by profile id in a spool: memory does not grow with the batch."""

    def __init__(self, ex: Explainer):
        self.ex = ex
        self.found = {v: 0 for v in VERDICTS}
        self.groups = {v: SortedSpool() for v in VERDICTS}
        self.width = 4

    def add(self, r: dict) -> None:
        shown = _v(r["profile_id"])
        self.width = max(self.width, len(shown))
        self.found[r["verdict"]] += 1
        self.groups[r["verdict"]].add(r["profile_id"], f"{shown}\t{_v(r['full_name'])} — {_v(short(self.ex, r))}")

    def chunks(self, invalid: list):
        ex = self.ex
        vi = ex.lang == "vi"
        yield "\n".join(heading_of(ex, {**self.found, "invalid": len(invalid)}))
        try:
            for verdict in VERDICTS:
                members = self.groups[verdict]
                yield f"\n\n{label('verdict', verdict, ex.lang).upper()} ({members.count})"
                if not members.count:
                    yield "\n  —"
                for _, line in members:
                    shown, rest = line.split("\t", 1)
                    yield f"\n  {shown:<{self.width}}  {rest}"
        finally:
            for members in self.groups.values():
                members.close()
        if invalid:
            yield "\n\n" + ("HỒ SƠ CẦN BỔ SUNG, SỬA CHỮA" if vi else "FILES TO COMPLETE OR CORRECT") + f" ({len(invalid)})"
            for entry in sort_invalid(invalid):
                yield (f"\n  {_v(who(entry, ex.lang))} — "
                       + "; ".join(_v(problem_words(p, ex.lang, ex)) for p in entry.problems))
        yield "\n"


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
