"""Decision -> its explanation as data: the reasons, the evidence and what
would change each outcome, in Vietnamese or English.

Reasons are the pack's templates filled from the decision's evidence.
:func:`record` is the decision as every output and the audit store keep it
(codes for programs, texts for people); the renderers read it or the
:class:`Explainer` directly.  Nothing here prints.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

from ..i18n import fmt_date, label
from ..pack.model import Pack
from .decide import Decision, RuleOutcome

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TERM = re.compile(r"^\d{4}-\d{4}$")
_NONE = {"vi": "không có", "en": "none"}


@lru_cache(maxsize=8192)
def _date(text: str | None, lang: str) -> str:
    return fmt_date(date.fromisoformat(text) if text else None, lang)


class Explainer:
    """Renders the evidence and reasons of decisions made under one pack."""

    def __init__(self, pack: Pack, as_of: date, lang: str = "vi"):
        self.pack = pack
        self.as_of = as_of
        self.lang = lang

    # -- single values -------------------------------------------------
    def title(self, code: str | None) -> str:
        if not code:
            return "—"
        title = self.pack.catalog.titles.get(code)
        return title.name(self.lang) if title else code

    def param(self, value) -> str:
        if isinstance(value, list):
            return " / ".join(self.param(v) for v in value)
        if isinstance(value, str) and value in self.pack.catalog.titles:
            return self.title(value)
        if isinstance(value, str) and _ISO.match(value):
            return _date(value, self.lang)
        if isinstance(value, str) and _TERM.match(value):
            return value.replace("-", "–")
        for group in ("professional", "political_theory", "state_management", "discipline"):
            if isinstance(value, str) and label(group, value, self.lang) != value:
                return label(group, value, self.lang)
        return str(value)

    def rule_title(self, rule_id: str) -> str:
        return self.pack.rule(rule_id).title.get(self.lang)

    def short_title(self, rule_id: str) -> str:
        return self.pack.rule(rule_id).short_title(self.lang)

    # -- evidence ------------------------------------------------------
    def summary(self, item: dict) -> str:
        """One line describing one piece of evidence."""
        vi = self.lang == "vi"
        kind = item["fact"]
        if kind == "person":
            parts = []
            if "gender" in item or "birth_date" in item:
                born = ("sinh ngày " if vi else "born ") + _date(item.get("birth_date"), self.lang)
                parts.append(f"{label('gender', item.get('gender'), self.lang)}, {born}")
            names = {"professional": ("chuyên môn", "education"),
                     "political_theory": ("lý luận chính trị", "political theory"),
                     "state_management": ("quản lý nhà nước", "state management")}
            for key, (name_vi, name_en) in names.items():
                if key in item:
                    value = label(key, item[key], self.lang) if item[key] else ("chưa ghi" if vi else "not recorded")
                    parts.append(f"{name_vi if vi else name_en}: {value}")
            return "; ".join(parts)
        if kind == "position":
            org = f", {item['org']}" if item.get("org") else ""
            text = f"{self.title(item['title'])}{org} ({_date(item['start'], self.lang)} – {_date(item['end'], self.lang)})"
            if "ratings" in item:
                if item["ratings"]:
                    marks = ", ".join(
                        f"{r['year']} {label('rating', r['rating'], self.lang) if r['rating'] else ('chưa có' if vi else 'no rating')}"
                        for r in item["ratings"])
                    text += ("; đánh giá: " if vi else "; ratings: ") + marks
                else:
                    text += "; chưa có năm đánh giá" if vi else "; no rated year yet"
            return text
        if kind == "planning":
            decision = f" ({item['decision']})" if item.get("decision") else ""
            prefix = "quy hoạch " if vi else "planned for "
            term = ("nhiệm kỳ " if vi else "term ") + self.param(item["term"])
            return f"{prefix}{self.title(item['title'])} {term}{decision}"
        if kind == "discipline":
            form = label("discipline", item["form"], self.lang)
            decided = ("quyết định ngày " if vi else "decided ") + _date(item["decided"], self.lang)
            if item["form"] == "khai_tru" or item.get("effect_end") is None:
                return f"{form}, {decided}"
            until = ("hết hiệu lực ngày " if vi else "in effect until ") + _date(item["effect_end"], self.lang)
            return f"{form}, {decided}, {until}"
        if kind == "assessment":
            result = label("assessment", item["result"], self.lang)
            who = ", ".join(x for x in (item.get("by"), _date(item["date"], self.lang) if item.get("date") else None) if x)
            note = f" — {item['note']}" if item.get("note") else ""
            return f"{result}{f' ({who})' if who else ''}{note}"
        return str(item)

    def evidence_text(self, items) -> str:
        return "; ".join(self.summary(i) for i in items) if items else _NONE[self.lang]

    # -- reasons -------------------------------------------------------
    def reason(self, outcome: RuleOutcome) -> str:
        parts = []
        for basis in outcome.basis:
            text = self.fill(basis.template.get(self.lang), basis.evidence)
            if text not in parts:
                parts.append(text)
        return " | ".join(parts)

    def fill(self, template: str, evidence, extra: dict | None = None) -> str:
        values = {"evidence": self.evidence_text(evidence), "as_of": fmt_date(self.as_of, self.lang),
                  "as_of_year": str(self.as_of.year), **(extra or {})}

        def replace(match: re.Match) -> str:
            name = match.group(1)
            if name in values:
                return values[name]
            if name in self.pack.parameters:
                return self.param(self.pack.parameters[name])
            return match.group(0)

        return _PLACEHOLDER.sub(replace, template)

    # -- what would change the outcome -------------------------------------
    def item_values(self, item: dict) -> dict[str, str]:
        """The values of one cited fact that a `missing` text may name."""
        vi = self.lang == "vi"
        unset = "chưa ghi" if vi else "not recorded"
        values: dict[str, str] = {}
        kind = item["fact"]
        if kind in ("position", "planning"):
            values["title"] = self.title(item["title"])
        if kind == "position":
            values["org"] = item.get("org") or ""
            values["start"] = _date(item["start"], self.lang)
            ratings = item.get("ratings", [])
            values["unrated_years"] = ", ".join(str(r["year"]) for r in ratings if r["rating"] is None)
            values["bad_years"] = ", ".join(str(r["year"]) for r in ratings
                                            if r["rating"] in ("hoan_thanh", "khong_hoan_thanh"))
        if kind == "planning":
            values["term"] = self.param(item["term"])
        if kind == "discipline":
            values["form"] = label("discipline", item["form"], self.lang)
            values["decided"] = _date(item["decided"], self.lang)
            values["effect_end"] = (_date(item["effect_end"], self.lang) if item.get("effect_end")
                                    else ("không có thời hạn" if vi else "no end"))
        if kind == "person":
            names = {"professional": ("chuyên môn", "education"),
                     "political_theory": ("lý luận chính trị", "political theory"),
                     "state_management": ("quản lý nhà nước", "state management")}
            absent = []
            for key, (name_vi, name_en) in names.items():
                if key in item:
                    values[key] = label(key, item[key], self.lang) if item[key] else unset
                    if not item[key]:
                        absent.append(name_vi if vi else name_en)
            values["unrecorded"] = (" và " if vi else " and ").join(absent)
            if "birth_date" in item:
                values["birth_date"] = _date(item["birth_date"], self.lang)
        return values

    def missing(self, outcome: RuleOutcome) -> list[dict]:
        """What would change a failing or pending outcome: [{text, kind}], computed from
        the rule's `missing` texts and the facts the outcome cites."""
        if outcome.outcome == "pass":
            return []
        found: list[dict] = []
        rule_title = self.rule_title(outcome.rule_id)
        for basis in outcome.basis:
            spec = basis.missing
            if spec is None:
                continue
            names = set(_PLACEHOLDER.findall(spec.get(self.lang)))
            per_item = bool(names - {"rule_title", "evidence", "as_of", "as_of_year"} - set(self.pack.parameters))
            if not basis.evidence and spec.empty is not None:
                texts = [(spec.empty, {})]
            elif per_item and basis.evidence:
                texts = [(spec, self.item_values(item)) for item in basis.evidence]
            else:
                texts = [(spec, self.item_values(basis.evidence[0]) if basis.evidence else {})]
            for text_spec, values in texts:
                text = self.fill(text_spec.get(self.lang), basis.evidence, {"rule_title": rule_title, **values})
                entry = {"text": text, "kind": text_spec.kind}
                if entry not in found:
                    found.append(entry)
        return found

    def short(self, decision: Decision) -> str:
        """The one line of reasons the screening table shows: every failing and pending rule."""
        vi = self.lang == "vi"
        failing, pending = decision.failing(), decision.pending()
        parts = [f"✗ {self.short_title(o.rule_id)}: {self.reason(o)}" for o in failing]
        parts += [f"? {self.short_title(o.rule_id)}: {self.reason(o)}" for o in pending if o.kind != "judgement"]
        judgements = [self.short_title(o.rule_id) for o in pending if o.kind == "judgement"]
        if judgements:
            parts.append(("? chờ Ban Thường vụ đánh giá: " if vi else "? awaiting the board: ") + ", ".join(judgements))
        if not parts:
            total = len(decision.outcomes)
            parts.append(f"đạt cả {total} tiêu chí" if vi else f"meets all {total} criteria")
        return " · ".join(parts)

    def source_text(self, rule_id: str) -> list[str]:
        """Each source of a rule: the document and its quote (or our summary)."""
        lines = []
        for source in self.pack.rule(rule_id).sources:
            document = self.pack.spec.documents[source.document]
            where = f" ({document.where})" if document.where else ""
            if source.quote:
                lines.append(f"{document.title}{where}: «{source.quote}»")
            else:
                tag = "tóm tắt" if self.lang == "vi" else "summary"
                lines.append(f"{document.title}{where} [{tag}]: {source.summary}")
        return lines


def record(decision: Decision, ex: Explainer) -> dict:
    """The decision as JSON data: what `screen --format json` prints and the audit store keeps."""
    return {
        "profile_id": decision.profile_id,
        "full_name": decision.full_name,
        "verdict": decision.verdict,
        "source": decision.source,
        "rules": [
            {"id": o.rule_id, "kind": o.kind, "outcome": o.outcome, "reason": ex.reason(o),
             "evidence": o.evidence, "missing": ex.missing(o)}
            for o in decision.outcomes
        ],
    }
