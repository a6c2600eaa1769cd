"""Two packs on one cohort: who changes verdict, and which rules caused it.

This is how a board sees what a new regulation does before adopting it:
screen the same profiles under both packs and compare decision by decision.
"""

from __future__ import annotations

from dataclasses import dataclass

from engine import ScreenRun
from engine.evaluate import Decision
from engine.explain import Explainer
from engine.i18n import fmt_date, label
from engine.render import VERDICTS, counts, dumps, invalid_dict, sort_invalid


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    before: str | None  # None: the rule is not in that pack
    after: str | None


@dataclass(frozen=True)
class Change:
    profile_id: str
    full_name: str
    before: str | None  # None: the profile was invalid under that pack
    after: str | None
    rules: tuple[RuleChange, ...]
    decision_after: Decision | None


def verdict_changes(a: dict[str, tuple[str, str, dict[str, str]]],
                    b: dict[str, tuple[str, str, dict[str, str]]]) -> list[tuple[str, str, str | None, str | None, list[RuleChange]]]:
    """Who changed verdict between two sets of decisions, and which rules changed.

    Each side maps profile id -> (full name, verdict, {rule id: outcome});
    returns (profile id, name, verdict before, verdict after, rule changes),
    sorted by id. Used for two packs on one cohort and for two recorded runs.
    """
    changes = []
    for profile_id in sorted(set(a) | set(b)):
        before, after = a.get(profile_id), b.get(profile_id)
        verdict_a = before[1] if before else None
        verdict_b = after[1] if after else None
        if verdict_a == verdict_b:
            continue
        outcomes_a = before[2] if before else {}
        outcomes_b = after[2] if after else {}
        order = list(outcomes_a) + [r for r in outcomes_b if r not in outcomes_a]
        rules = [RuleChange(r, outcomes_a.get(r), outcomes_b.get(r)) for r in order
                 if outcomes_a.get(r) != outcomes_b.get(r)]
        changes.append((profile_id, (before or after)[0], verdict_a, verdict_b, rules))
    return changes


def _side(decisions) -> dict[str, tuple[str, str, dict[str, str]]]:
    return {d.profile_id: (d.full_name, d.verdict, {o.rule_id: o.outcome for o in d.outcomes}) for d in decisions}


def compare(run_a: ScreenRun, run_b: ScreenRun) -> list[Change]:
    """Every profile whose verdict differs between the two runs, sorted by id."""
    after = {d.profile_id: d for d in run_b.decisions}
    return [Change(profile_id, name, before, now, tuple(rules), after.get(profile_id))
            for profile_id, name, before, now, rules in verdict_changes(_side(run_a.decisions),
                                                                        _side(run_b.decisions))]


def _pack_dict(run: ScreenRun) -> dict:
    return {"id": run.pack.id, "version": run.pack.version, "digest": run.pack.digest,
            "as_of": run.as_of.isoformat()}


def diff_json(run_a: ScreenRun, run_b: ScreenRun, changes: list[Change], lang: str) -> str:
    ex_b = Explainer(run_b.pack, run_b.as_of, lang)
    reasons_b = {}
    for change in changes:
        if change.decision_after:
            reasons_b[change.profile_id] = {o.rule_id: ex_b.reason(o) for o in change.decision_after.outcomes}
    return dumps({
        "a": _pack_dict(run_a), "b": _pack_dict(run_b), "lang": lang,
        "counts": {"a": counts(run_a.decisions, run_a.invalid), "b": counts(run_b.decisions, run_b.invalid)},
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
        return "Hồ sơ lỗi" if lang == "vi" else "Invalid"
    return label("verdict", code, lang)


def _outcome(code: str | None, lang: str) -> str:
    if code is None:
        return "không có" if lang == "vi" else "absent"
    return label("outcome", code, lang)


def _lines(run_a: ScreenRun, run_b: ScreenRun, changes: list[Change], lang: str, markdown: bool) -> list[str]:
    vi = lang == "vi"
    ca, cb = counts(run_a.decisions, run_a.invalid), counts(run_b.decisions, run_b.invalid)
    title = "SO SÁNH HAI BỘ QUY TẮC" if vi else "COMPARING TWO RULE PACKS"
    lines = [("# " if markdown else "") + title, ""]
    for tag, run in (("A", run_a), ("B", run_b)):
        lines.append(f"{'- ' if markdown else ''}{tag}: {run.pack.id} "
                     f"({'phiên bản' if vi else 'version'} {run.pack.version}, {run.pack.digest[:19]}…), "
                     f"{'ngày xét' if vi else 'as of'} {fmt_date(run.as_of, lang)}")
    lines.append("")
    for verdict in (*VERDICTS, "invalid"):
        name = _verdict(None if verdict == "invalid" else verdict, lang)
        lines.append(f"{'- ' if markdown else '  '}{name}: {ca[verdict]} → {cb[verdict]}")
    for tag, run in (("A", run_a), ("B", run_b)):
        for entry in run.invalid:  # a profile one pack cannot read is a change too: say why
            who = " ".join(x for x in (entry.profile_id, entry.full_name) if x) or entry.source
            errors = "; ".join(p.text(lang) for p in entry.problems)
            lines.append(f"{'- ' if markdown else '  '}{'hồ sơ lỗi theo' if vi else 'invalid under'} {tag}: "
                         f"{who}: {errors}")
    lines += ["", (f"{len(changes)} người đổi kết luận" if vi else f"{len(changes)} people change verdict")
              + (":" if changes else ".")]
    for change in changes:
        head = f"{change.profile_id} {change.full_name}: {_verdict(change.before, lang)} → {_verdict(change.after, lang)}"
        lines += ["", ("## " if markdown else "") + head]
        for rule in change.rules:
            bullet = "- " if markdown else "    "
            lines.append(f"{bullet}{rule.rule_id}: {_outcome(rule.before, lang)} → {_outcome(rule.after, lang)}")
    return lines


def diff_table(run_a, run_b, changes, lang) -> str:
    return "\n".join(_lines(run_a, run_b, changes, lang, markdown=False)) + "\n"


def diff_md(run_a, run_b, changes, lang) -> str:
    return "\n".join(_lines(run_a, run_b, changes, lang, markdown=True)) + "\n"


DIFF_RENDERERS = {"json": diff_json, "table": diff_table, "md": diff_md}
