"""Markdown: the screening list with its figures, one candidate's explanation,
and the memo laid out as a party document (no raw HTML: what a Markdown
viewer shows is what the text says)."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..escape import markdown
from ..i18n import label
from ..run.spool import SortedSpool
from .common import VERDICTS, Cohort, cohort, heading_of, problem_words, short, sort_invalid, who
from .memo import PARTY, Candidate, Memo, issuer_lines, pending_text, text
from .table import explain_lines


def md(value, keep_spaces: bool = False) -> str:
    """Text placed in Markdown: one line, and nothing a Markdown viewer would read as markup
    (``escape.markdown``); runs of spaces kept as no-break spaces when ``keep_spaces`` (the
    blank of a document number), else collapsed."""
    text = markdown(value)
    return text.replace(" ", "\u00a0") if keep_spaces else " ".join(text.split())


def cohort_md(ex: Explainer, records: list[dict], invalid: list) -> list[str]:
    return _cohort_lines(ex, cohort(records), len(invalid))


def _cohort_lines(ex: Explainer, stats: dict, invalid: int) -> list[str]:
    vi = ex.lang == "vi"
    lines = ["", "## " + ("Số liệu tổng hợp" if vi else "Figures"), ""]
    lines += [f"- {label('verdict', v, ex.lang)}: {stats['verdicts'][v]}" for v in VERDICTS]
    lines.append(f"- {'Hồ sơ cần bổ sung, sửa chữa' if vi else 'Files to complete or correct'}: {invalid}")
    lines += ["", "| Tiêu chuẩn, điều kiện | Số đồng chí không đạt | Số đồng chí chưa đủ căn cứ |" if vi
              else "| Criterion | Not met | Not decided yet |", "|---|---:|---:|"]
    for rule in ex.pack.rules:
        counted = stats["rules"].get(rule.id, {"fail": 0, "review": 0})
        lines.append(f"| {md(rule.short_title(ex.lang))} | {counted['fail']} | {counted['review']} |")
    return lines


def screen_md(ex: Explainer, records: list[dict], invalid: list) -> str:
    listing = MarkdownList(ex)
    for record in records:
        listing.add(record)
    return "".join(listing.chunks(invalid))


class MarkdownList:
    """The screening list in Markdown, one row rendered as each result comes, each verdict's
    rows kept sorted by profile id in a spool: memory does not grow with the batch."""

    def __init__(self, ex: Explainer):
        self.ex = ex
        self.tally = Cohort()
        self.groups = {v: SortedSpool() for v in VERDICTS}

    def add(self, r: dict) -> None:
        self.tally.add(r)
        self.groups[r["verdict"]].add(r["profile_id"],
                                      f"| {md(r['profile_id'])} | {md(r['full_name'])} | {md(short(self.ex, r))} |")

    def chunks(self, invalid: list):
        ex = self.ex
        vi = ex.lang == "vi"
        stats = self.tally.figures()
        head = heading_of(ex, {**stats["verdicts"], "invalid": len(invalid)})
        yield "\n".join([f"# {md(head[0])}", "", md(head[1]), "", md(head[2])])
        try:
            for verdict in VERDICTS:
                members = self.groups[verdict]
                yield f"\n\n## {label('verdict', verdict, ex.lang)} ({members.count})\n"
                if not members.count:
                    yield "\n—"
                    continue
                yield "\n| Mã hồ sơ | Họ và tên | Lý do |" if vi else "\n| ID | Full name | Reasons |"
                yield "\n|---|---|---|"
                for _, row in members:
                    yield "\n" + row
        finally:
            for members in self.groups.values():
                members.close()
        lines = []
        if invalid:
            lines += ["", f"## {'Hồ sơ cần bổ sung, sửa chữa' if vi else 'Files to complete or correct'} ({len(invalid)})", ""]
            for entry in sort_invalid(invalid):
                problems = "; ".join(problem_words(p, ex.lang, ex) for p in entry.problems)
                lines.append(f"- {md(who(entry, ex.lang))}: {md(problems)}")
        lines += _cohort_lines(ex, stats, len(invalid))
        yield "".join("\n" + line for line in lines) + "\n"


def explain_md(ex: Explainer, record: dict) -> str:
    return "\n".join(explain_lines(ex, record, markdown=True)) + "\n"


# -- the memo ---------------------------------------------------------------------

def _hard(lines: list[str]) -> list[str]:
    """Lines kept apart in one paragraph (two trailing spaces: a Markdown line break)."""
    return [line + "  " for line in lines[:-1]] + lines[-1:]


def _people(memo: Memo, candidates: list[Candidate], detail) -> list[str]:
    if not candidates:
        return [memo.sections["none"]]
    lines = []
    for n, c in enumerate(candidates, 1):
        lines.append(f"{n}. **{md(c.full_name)}** ({md(c.profile_id)}), {md(c.about)}.")
        lines += detail(c)
    return lines


def _needs(memo: Memo, c: Candidate, later: bool = False) -> list[str]:
    lines = []
    for finding in c.findings:
        for need in finding.needs:
            lines.append(f"   - {md(finding.criterion)}: {md(need.text)}.")
        if not finding.needs:
            lines.append(f"   - {md(finding.criterion)}: {md(finding.reason)}.")
    if c.pending_judgements:
        lines.append(f"   - {md(pending_text(memo, c, later))}.")
    return lines


def _reasons(memo: Memo, c: Candidate) -> list[str]:
    lines = []
    for finding in c.findings:
        lines.append(f"   - {md(finding.criterion)}: {md(finding.reason)}.")
        lines += [f"     - {md(need.kind_label)}: {md(need.text)}." for need in finding.needs
                  if need.kind in ("none", "wait", "exception")]
    return lines


def md_text(value) -> str:
    """Text placed in Markdown as it stands (the memo's rule, shared with the minutes)."""
    return md(value)


def party_head_md(issuer, number: str, place_date: str) -> list[str]:
    """The head of a party document (Hướng dẫn 36-HD/VPTW): the issuer (its last line in
    bold) and the number, then the Party's name and the place and date: lines, no table."""
    lines = issuer_lines(issuer)
    shown = [md(line) for line in lines[:-1]] + [f"**{md(lines[-1])}**"]
    return (_hard(shown + ["\\*"] + ([md(number, keep_spaces=True)] if number else [])) + [""]
            + _hard([f"**{PARTY}**", f"*{md(place_date)}*"]) + [""])


def memo_md(memo: Memo) -> str:
    s = memo.sections
    sign = memo.signature
    lines = party_head_md(memo.issuer, memo.number, memo.place_date)
    lines += [f"# {memo.heading}", "", f"**{md(memo.subject)}**", "", "\\-----", "", md(memo.recipient), ""]
    lines += [f"- {md(ground)}" for ground in memo.grounds] + ["", md(memo.opening), ""]
    lines += [f"## {s['criteria']}", "", md(s["criteria_note"]), ""]
    lines += [f"{n}. {md(title)} — {md(kind)} ({md(basis)})." for n, title, kind, basis in memo.criteria]
    lines += ["", f"## {s['proposed']}", "", f"### {text(memo.lang, 'eligible', count=len(memo.eligible))}", ""]
    lines += _people(memo, memo.eligible, lambda c: [])
    lines += ["", f"### {text(memo.lang, 'to_decide', count=len(memo.to_decide))}", ""]
    lines += _people(memo, memo.to_decide, lambda c: [f"   {md(s['to_decide_note'])}", *_needs(memo, c)])
    lines += ["", f"### {text(memo.lang, 'not_ready', count=len(memo.not_ready))}", ""]
    lines += _people(memo, memo.not_ready, lambda c: [f"   {md(s['not_ready_note'])}", *_needs(memo, c, later=True)])
    if memo.with_exceptions:
        lines += ["", f"### {text(memo.lang, 'exceptions', count=len(memo.with_exceptions))}", ""]
        lines += _people(memo, memo.with_exceptions, lambda c: [f"   - {md(e)}." for e in c.exceptions])
    lines += ["", f"## {text(memo.lang, 'excluded', count=len(memo.excluded))}", ""]
    lines += _people(memo, memo.excluded, lambda c: _reasons(memo, c))
    lines += ["", f"## {s['matrix']}", "",
              f"| {s['no']} | {s['name']} | " + " | ".join(str(n) for n, _ in memo.matrix_rules) + " |",
              "|---:|---|" + "|".join(":-:" for _ in memo.matrix_rules) + "|"]
    for n, (pid, name, marks) in enumerate(memo.matrix_rows, 1):
        lines.append(f"| {n} | {md(name)} | " + " | ".join(marks) + " |")
    lines += ["", md("; ".join(f"{n}. {short}" for n, short in memo.matrix_rules) + "."), "", md(s["legend"]), "",
              f"## {s['cohort']}", ""]
    lines += [f"- {md(name)}: {count}" for name, count in memo.cohort_verdicts]
    lines += ["", f"| {s['cohort_rule']} | {s['cohort_excluded']} | {s['cohort_board']} | {s['cohort_record']} |",
              "|---|---:|---:|---:|"]
    lines += [f"| {md(name)} | {fail} | {board} | {waiting} |" for name, fail, board, waiting in memo.cohort_rules]
    lines += ["", f"*{md(s['cohort_note'])}*", ""]
    lines += ([md(memo.proposal), ""] if memo.proposal else []) + [md(memo.closing), ""]
    lines += _hard([f"***{s['recipients_title']}***", *(md(r) for r in memo.recipients)]) + [""]
    signature = ([f"**{md(sign.on_behalf)}**"] if sign.on_behalf else []) + [f"**{md(sign.title)}**", f"*{s['sign_note']}*"]
    if sign.name:
        signature.append(f"**{md(sign.name)}**")
    lines += _hard(signature) + [""]
    return "\n".join(lines)
