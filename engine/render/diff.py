"""Two packs on one cohort, as text, Markdown or JSON: who changes verdict and which rules."""

from __future__ import annotations

from ..decide.explain import Explainer
from ..escape import markdown as _md, one_line
from ..i18n import fmt_date, label
from ..jsonform import dumps
from .common import VERDICTS, counts, invalid_dict, problem_words, sort_invalid, who


def _pack_dict(run) -> dict:
    return {"id": run.pack.id, "version": run.pack.version, "digest": run.pack.digest,
            "as_of": run.as_of.isoformat()}


def diff_json(run_a, run_b, changes, lang: str) -> str:
    reasons_b = {}
    for change in changes:
        if change.record_after:
            reasons_b[change.profile_id] = {r["id"]: r["reason"] for r in change.record_after["rules"]}
    return dumps({
        "a": _pack_dict(run_a), "b": _pack_dict(run_b), "lang": lang,
        "counts": {"a": counts(run_a.records, run_a.invalid), "b": counts(run_b.records, run_b.invalid)},
        "changes": [{
            "profile_id": c.profile_id, "full_name": c.full_name, "verdict_a": c.before, "verdict_b": c.after,
            "rules": [{"id": r.rule_id, "a": r.before, "b": r.after,
                       "reason_b": reasons_b.get(c.profile_id, {}).get(r.rule_id)} for r in c.rules],
        } for c in changes],
        "invalid": {"a": [invalid_dict(i, lang) for i in sort_invalid(run_a.invalid)],
                    "b": [invalid_dict(i, lang) for i in sort_invalid(run_b.invalid)]},
    })


def _verdict(code: str | None, lang: str) -> str:
    if code is None:
        return "Không đọc được" if lang == "vi" else "Not readable"
    return label("verdict", code, lang)


def _outcome(code: str | None, lang: str) -> str:
    if code is None:
        return "không có" if lang == "vi" else "absent"
    return label("outcome", code, lang)


def _lines(run_a, run_b, changes, lang: str, markdown: bool) -> list[str]:
    vi = lang == "vi"
    esc = _md if markdown else one_line  # text from files: one line, and Markdown's characters escaped in Markdown
    ca, cb = counts(run_a.records, run_a.invalid), counts(run_b.records, run_b.invalid)
    title = "SO SÁNH HAI BỘ QUY TẮC" if vi else "COMPARING TWO RULE PACKS"
    lines = [("# " if markdown else "") + title, ""]
    for tag, run in (("A", run_a), ("B", run_b)):
        lines.append(f"{'- ' if markdown else ''}{tag}: {esc(run.pack.spec.title.get(lang))} ({esc(run.pack.id)}, "
                     f"{'phiên bản' if vi else 'version'} {esc(run.pack.version)}), "
                     f"{'ngày xét' if vi else 'as of'} {fmt_date(run.as_of, lang)}")
    lines.append("")
    for verdict in (*VERDICTS, "invalid"):
        name = _verdict(None if verdict == "invalid" else verdict, lang)
        lines.append(f"{'- ' if markdown else '  '}{name}: {ca[verdict]} → {cb[verdict]}")
    for tag, run in (("A", run_a), ("B", run_b)):
        ex = Explainer(run.pack, run.as_of, lang)
        for entry in run.invalid:  # a profile one pack cannot read is a change too: say why
            errors = "; ".join(problem_words(p, lang, ex) for p in entry.problems)
            lines.append(f"{'- ' if markdown else '  '}{'không đọc được theo bộ' if vi else 'not readable under'} {tag}: "
                         f"{esc(who(entry, lang))}: {esc(errors)}")
    lines += ["", (f"{len(changes)} người đổi kết luận" if vi else f"{len(changes)} people change verdict")
              + (":" if changes else ".")]
    titles = {r.id: r.short_title(lang) for run in (run_b, run_a) for r in run.pack.rules}
    for change in changes:
        head = (f"{esc(change.profile_id)} {esc(change.full_name)}: {_verdict(change.before, lang)} → "
                f"{_verdict(change.after, lang)}")
        lines += ["", ("## " if markdown else "") + head]
        for rule in change.rules:
            bullet = "- " if markdown else "    "
            lines.append(f"{bullet}{esc(titles.get(rule.rule_id, rule.rule_id))}: {_outcome(rule.before, lang)} → "
                         f"{_outcome(rule.after, lang)}")
    return lines


def diff_table(run_a, run_b, changes, lang) -> str:
    return "\n".join(_lines(run_a, run_b, changes, lang, markdown=False)) + "\n"


def diff_md(run_a, run_b, changes, lang) -> str:
    return "\n".join(_lines(run_a, run_b, changes, lang, markdown=True)) + "\n"


DIFF_RENDERERS = {"json": diff_json, "table": diff_table, "md": diff_md}
