"""Decision -> its explanation as data: the reasons, the evidence and what
would change each outcome, in Vietnamese or English.

Reasons are the pack's templates filled from the decision's evidence.
:func:`record` is the decision as every output and the audit store keep it
(codes for programs, texts for people); the renderers read it or the
:class:`Explainer` directly.  Nothing here prints.
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import lru_cache

from ..i18n import fmt_date, label
from ..pack.model import Pack
from .decide import Decision, RuleOutcome
from .facts import DATE_FEEDS

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")
_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TERM = re.compile(r"^\d{4}-\d{4}$")
_NONE = {"vi": "không có", "en": "none"}


@lru_cache(maxsize=8192)
def _date(text: str | None, lang: str) -> str:
    """A date of the evidence as written: 25/8/2020, tháng 3/2016, năm 2016, không rõ; nay for none."""
    if text and "/" in text:  # an interval: the end of a bar counted from a date known to the month or year
        first, last = text.split("/")
        between = ("từ {} đến {}", "between {} and {}") if last != ".." else ("từ {}{}", "from {}{}")
        return (between[0] if lang == "vi" else between[1]).format(
            fmt_date(first, lang), fmt_date(last, lang) if last != ".." else "")
    return fmt_date(text, lang)


@lru_cache(maxsize=8192)
def _on(text: str | None, lang: str) -> str:
    """"ngày 25/8/2020", "tháng 3/2016", "năm 2016", "(ngày không rõ)": a date after a verb."""
    shown = _date(text, lang)
    if text and len(text) == 10 and "/" not in text:
        return ("ngày " if lang == "vi" else "on ") + shown
    if text == "unknown":
        return "(ngày không rõ)" if lang == "vi" else "(date unknown)"
    if text and "/" not in text:
        return (("tháng " if len(text) == 7 else "năm ") if lang == "vi" else "in ") + shown
    return shown


def _split(template: str) -> list[tuple[str, str | None, str]]:
    """A template as (literal text, placeholder name or None, the placeholder as written)."""
    parts, at = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append((template[at:match.start()], match.group(1), match.group(0)))
        at = match.end()
    parts.append((template[at:], None, ""))
    return parts


@lru_cache(maxsize=4096)  # a batch names the same posts and bodies again and again
def post_name(label_text: str, org: str | None) -> str:
    """A post and its body, without saying the body twice: "Ủy viên Ban Thường vụ Tỉnh ủy" with
    org "Tỉnh ủy Thái Bình" reads "Ủy viên Ban Thường vụ Tỉnh ủy Thái Bình"."""
    if not org:
        return label_text
    words, org_words = label_text.split(), org.split()
    for size in range(min(len(words), len(org_words)), 0, -1):
        # Two words in common ("Huyện ủy", "UBND tỉnh"), or the one word "Sở": a single common word
        # such as "Ủy" (of "Ủy ban") is not the same body.
        if size < 2 and words[-1].casefold() != "sở":
            break
        if [w.casefold() for w in words[-size:]] == [w.casefold() for w in org_words[:size]]:
            rest = " ".join(org_words[size:])
            return f"{label_text} {rest}".strip()
    return f"{label_text}, {org}"


class Explainer:
    """Renders the evidence and reasons of decisions made under one pack."""

    def __init__(self, pack: Pack, as_of: date, lang: str = "vi", personnel_plan: str | None = None):
        self.pack = pack
        self.as_of = as_of
        self.lang = lang
        #: The province's personnel plan as the user cites it (``memo --basis``, or the pack's parameter).
        self.personnel_plan = personnel_plan or pack.parameters.get("personnel_plan")
        #: (reason, missing texts) of each outcome already explained, by what they are made of
        #: (:func:`_texts_key`): most rules give a handful of distinct texts over a whole batch.
        self._texts: dict[tuple, tuple[str, tuple[tuple[str, str], ...]]] = {}
        #: The JSON of each rule's entry of a record already encoded, by what it is made of.
        self._fragments: dict[tuple, str] = {}
        #: Rules whose entries seldom repeat (they cite dates of birth, of posts): encoded
        #: without looking them up, after the first ``_LEARN`` entries of each say so.
        self._seldom: set[str] = set()
        self._misses: dict[str, int] = {}
        self._seen: dict[str, int] = {}
        #: Each template as (literal, placeholder or None, placeholder as written) parts.
        self._parts: dict[str, list[tuple[str, str | None, str]]] = {}
        #: Texts that are the same in every template: the as-of date, the pack's parameters.
        self._fixed: dict[str, str] = {"as_of": fmt_date(as_of, lang), "as_of_year": str(as_of.year)}

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

    def title_label(self, item: dict) -> str:
        """A post's title as the profile wrote its form (a city's "Thành ủy" stays so), in Vietnamese;
        the catalog's English name otherwise."""
        if self.lang == "vi" and item.get("label"):
            return item["label"]
        return self.title(item.get("title"))

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
                born = ("sinh " if vi else "born ") + _on(item.get("birth_date"), self.lang)
                if item.get("birth_date_taken"):
                    born += (f" (theo quy định, tính là ngày {_date(item['birth_date_taken'], self.lang)})" if vi
                             else f" (taken by rule as {_date(item['birth_date_taken'], self.lang)})")
                parts.append(f"{label('gender', item.get('gender'), self.lang)}, {born}")
            names = {"professional": ("chuyên môn", "education"),
                     "political_theory": ("lý luận chính trị", "political theory"),
                     "state_management": ("quản lý nhà nước", "state management")}
            for key, (name_vi, name_en) in names.items():
                if key in item:
                    value = label(key, item[key], self.lang) if item[key] else ("chưa ghi" if vi else "not recorded")
                    parts.append(f"{name_vi if vi else name_en} {value}")
            return ", ".join(parts)
        if kind == "position":
            name = post_name(self.title_label(item), item.get("org"))
            text = f"{name} ({_date(item['start'], self.lang)} – {_date(item['end'], self.lang)})"
            if "ratings" in item:
                if item["ratings"]:
                    marks = ", ".join(self._marks(item["ratings"]))
                    text += ("; đánh giá: " if vi else "; ratings: ") + marks
                else:
                    text += "; chưa có năm đánh giá" if vi else "; no rated year yet"
            return text
        if kind == "planning":
            decision = f" ({item['decision']})" if item.get("decision") else ""
            term = ("nhiệm kỳ " if vi else "term ") + self.param(item["term"])
            return f"{post_name(self.title_label(item), item.get('org'))} {term}{decision}"
        if kind == "discipline":
            form = label("discipline", item["form"], self.lang)
            decided = ("quyết định " if vi else "decided ") + _on(item["decided"], self.lang)
            if item["form"] == "khai_tru" or item.get("effect_end") is None:
                return f"{form}, {decided}"
            until = ("hết hiệu lực " if vi else "in effect until ") + _on(item["effect_end"], self.lang)
            return f"{form}, {decided}, {until}"
        if kind == "assessment":
            result = label("assessment", item["result"], self.lang)
            who = item.get("by") or ("Ban Thường vụ" if vi else "The Standing Committee")
            note = f": {item['note']}" if item.get("note") else ""
            if vi:
                when = f"{_on(item['date'], self.lang)[:1].upper()}{_on(item['date'], self.lang)[1:]}, " \
                    if item.get("date") else ""
                undated = "" if item.get("date") else " (hồ sơ chưa ghi ngày đánh giá)"
                return f"{when}{who} đánh giá {result}{undated}{note}"
            when = f" {_on(item['date'], self.lang)}" if item.get("date") else " (undated)"
            return f"{who}: {result}{when}{note}"
        return str(item)

    def evidence_text(self, items) -> str:
        return "; ".join(self.summary(i) for i in items) if items else _NONE[self.lang]

    # -- reasons -------------------------------------------------------
    def reason(self, outcome: RuleOutcome) -> str:
        if outcome.own is not None:
            return self.exception_reason(outcome)
        parts = []
        for basis in outcome.basis:
            text = self.fill(basis.template.get(self.lang), basis.evidence)
            if text not in parts:
                parts.append(text)
        return " | ".join(parts)

    def fill(self, template: str, evidence, extra: dict | None = None, shown: str | None = None) -> str:
        """The template filled; ``shown`` is the evidence's text when the caller has it already.
        The evidence is rendered only when the template names it.

        A template is split into its literal parts and placeholders once (``_parts``);
        the as-of date and the pack's parameters are rendered once per explainer."""
        parts = self._parts.get(template)
        if parts is None:
            parts = self._parts[template] = _split(template)
        out = []
        for literal, name, written in parts:
            out.append(literal)
            if name is None:
                continue
            if extra and name in extra:
                out.append(extra[name])
            elif name == "evidence":
                if shown is None:
                    shown = self.evidence_text(evidence)
                out.append(shown)
            elif name in self._fixed:
                out.append(self._fixed[name])
            elif name in self.pack.parameters:
                value = self._fixed[name] = self.param(self.pack.parameters[name])
                out.append(value)
            else:
                out.append(written)
        return "".join(out)

    # -- what would change the outcome -------------------------------------
    def item_values(self, item: dict) -> dict[str, str]:
        """The values of one cited fact that a `missing` text may name."""
        vi = self.lang == "vi"
        unset = "chưa ghi" if vi else "not recorded"
        values: dict[str, str] = {}
        kind = item["fact"]
        if kind in ("position", "planning"):
            values["title"] = post_name(self.title_label(item), item.get("org"))
        if kind == "position":
            values["org"] = item.get("org") or ""
            values["start"] = _date(item["start"], self.lang)
            values["start_on"] = _on(item["start"], self.lang)
            ratings = item.get("ratings", [])
            values["unrated_years"] = ", ".join(str(r["year"]) for r in ratings if r["rating"] is None)
            values["bad_years"] = ", ".join(str(r["year"]) for r in ratings
                                            if r["rating"] in ("hoan_thanh", "khong_hoan_thanh"))
        if kind == "planning":
            values["term"] = self.param(item["term"])
        if kind == "discipline":
            values["form"] = label("discipline", item["form"], self.lang)
            values["decided"] = _date(item["decided"], self.lang)
            values["decided_on"] = _on(item["decided"], self.lang)
            values["effect_end"] = (_date(item["effect_end"], self.lang) if item.get("effect_end")
                                    else ("không có thời hạn" if vi else "no end"))
            values["effect_end_on"] = (_on(item["effect_end"], self.lang) if item.get("effect_end")
                                       else values["effect_end"])
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
                values["birth_on"] = _on(item["birth_date"], self.lang)
        return values

    def _approval(self, entry: dict) -> str:
        """"được Bộ Chính trị chấp thuận (Công văn số …, ngày …): note"."""
        vi = self.lang == "vi"
        who = entry["by"] if vi else self.pack.catalog.bodies.get(entry["body"], ("", entry["by"]))[1]
        text = (f"được {who} chấp thuận ({entry['document']} {_on(entry['date'], self.lang)})" if vi
                else f"approved by {who} ({entry['document']} of {_date(entry['date'], self.lang)})")
        return text + (f": {entry['note']}" if entry.get("note") else "")

    def exception_reason(self, outcome: RuleOutcome) -> str:
        """"Đạt theo ngoại lệ được Bộ Chính trị chấp thuận (…)", then the rule's own reason."""
        vi = self.lang == "vi"
        own = self.reason(outcome.own)
        return ((f"Đạt theo ngoại lệ {self._approval(outcome.exception)}. Nếu không có ngoại lệ: {own}") if vi
                else f"Met by exception {self._approval(outcome.exception)}. Without the exception: {own}")

    def exception_evidence(self, entry: dict) -> str:
        """The exception as the evidence of a pass it gives: "Ngoại lệ được Bộ Chính trị chấp thuận (…)"."""
        return ("Ngoại lệ " if self.lang == "vi" else "Exception ") + self._approval(entry)

    def exception_sentence(self, rule_id: str, entry: dict) -> str:
        """An exception applied, for the memo: "Đã kinh qua …: ngoại lệ được Bộ Chính trị chấp thuận (…)"."""
        return (f"{self.rule_title(rule_id)}: " + ("ngoại lệ " if self.lang == "vi" else "exception ")
                + self._approval(entry))

    def _marks(self, ratings: list[dict]) -> list[str]:
        """Each year's rating; three or more years in a row without one, as one span
        ("1945–2009 chưa có"), so an unknown start date does not list sixty years."""
        vi = self.lang == "vi"
        none = "chưa có" if vi else "no rating"
        marks, run = [], []

        def close():
            if len(run) >= 3:
                marks.append(f"{run[0]}–{run[-1]} {none}")
            else:
                marks.extend(f"{year} {none}" for year in run)
            run.clear()

        for r in ratings:
            if r["rating"] is None:
                run.append(r["year"])
                continue
            close()
            marks.append(f"{r['year']} {label('rating', r['rating'], self.lang)}")
        close()
        return marks

    def open_dates(self, outcome: RuleOutcome) -> list[dict]:
        """The dates to complete when only an imprecise date keeps an outcome open (kind
        `record`): those of the facts left open, and only the dates the rule reads."""
        vi = self.lang == "vi"
        found = []
        tested = self.pack.rule(outcome.rule_id).tested_fields()
        for item in outcome.basis[0].evidence:
            fields = {"position": (("start", "ngày bắt đầu", "the start date"), ("end", "ngày thôi giữ", "the end date")),
                      "discipline": (("decided", "ngày quyết định kỷ luật", "the date of the decision"),
                                     ("until", "ngày hết hiệu lực kỷ luật", "the date the measure ends")),
                      "person": (("birth_date", "ngày sinh", "the birth date"),)}.get(item["fact"], ())
            for key, name_vi, name_en in fields:
                written = item.get(key)
                if written is None or (len(written) == 10 and "/" not in written):
                    continue
                if not DATE_FEEDS[item["fact"]][key] & tested.get(item["fact"], set()):
                    continue  # a date this rule never reads (the end of a post, for "has held")
                subject = ""
                if item["fact"] == "position":
                    subject = (" của chức vụ " if vi else " of the post ") + post_name(self.title_label(item),
                                                                                      item.get("org"))
                elif item["fact"] == "discipline":
                    subject = f" ({label('discipline', item['form'], self.lang)})"
                shown = _on(written, self.lang).strip("()")
                found.append({"text": (f"cần {name_vi} chính xác{subject} (hồ sơ ghi: {shown})" if vi
                                       else f"needs the exact {name_en[4:]}{subject} (on file: {shown})"),
                              "kind": "record"})
        return found

    def missing(self, outcome: RuleOutcome) -> list[dict]:
        """What would change a failing or pending outcome: [{text, kind}], computed from
        the rule's `missing` texts and the facts the outcome cites."""
        if outcome.outcome == "pass":
            return []
        found: list[dict] = []
        bases = outcome.basis
        if outcome.open_because == "dates":
            # the exact dates, then what else would settle it (another post's missing rating, say)
            found = self.open_dates(outcome)
            bases = outcome.basis[1:]
        seen: set[tuple[str, str]] = {(entry["text"], entry["kind"]) for entry in found}
        rule_title = self.rule_title(outcome.rule_id)
        for basis in bases:
            shown = None  # the basis's evidence as text, rendered once however many items name it
            for spec in basis.missing:
                names = set(_PLACEHOLDER.findall(spec.get(self.lang)))
                per_item = bool(names - {"rule_title", "evidence", "as_of", "as_of_year"} - set(self.pack.parameters))
                if not basis.evidence and getattr(spec, "empty", None) is not None:
                    texts = [(spec.empty, {})]
                elif per_item and basis.evidence:
                    texts = [(spec, self.item_values(item)) for item in basis.evidence]
                else:
                    texts = [(spec, self.item_values(basis.evidence[0]) if basis.evidence else {})]
                for text_spec, values in texts:
                    template = text_spec.get(self.lang)
                    if shown is None and "{evidence}" in template:
                        shown = self.evidence_text(basis.evidence)
                    text = self.fill(template, basis.evidence, {"rule_title": rule_title, **values}, shown)
                    if (text, text_spec.kind) not in seen:
                        seen.add((text, text_spec.kind))
                        found.append({"text": text, "kind": text_spec.kind})
        return found

    def _looked_up(self, rule_id: str, missed: bool) -> None:
        """Count the look-ups of a rule's entries: after ``_LEARN`` of them, a rule whose
        entries were nine times in ten new is no longer looked up (the bytes are the same
        either way: what is looked up is what would be made)."""
        seen = self._seen.get(rule_id, 0)
        if seen > _LEARN:
            return
        self._seen[rule_id] = seen + 1
        misses = self._misses[rule_id] = self._misses.get(rule_id, 0) + missed
        if seen + 1 == _LEARN and misses * 10 >= _LEARN * 9:
            self._seldom.add(rule_id)

    def texts(self, outcome: RuleOutcome, key: tuple | None = None) -> tuple[str, list[dict]]:
        """(:meth:`reason`, :meth:`missing`) of an outcome, each combination rendered once
        (``key``: the outcome's :func:`_texts_key`, when the caller has it)."""
        if key is None and outcome.rule_id in self._seldom:
            return self.reason(outcome), self.missing(outcome)
        key = key or _texts_key(outcome)
        if key is None:
            return self.reason(outcome), self.missing(outcome)
        known = self._texts.get(key)
        if known is None:
            if len(self._texts) >= _TEXTS_KEPT:
                self._texts.clear()  # bounded: a batch of all-different careers costs no more than no cache
            known = self._texts[key] = (self.reason(outcome),
                                        tuple((m["text"], m["kind"]) for m in self.missing(outcome)))
        return known[0], [{"text": text, "kind": kind} for text, kind in known[1]]

    # -- basis and provenance ---------------------------------------------
    def citation(self, document_id: str, part: str | None = None) -> str:
        """An official document as a party document cites it (``Document.cite``), the
        province's plan with the number and date the user gave (``personnel_plan``)."""
        return self.pack.spec.documents[document_id].cite(self.lang, part, self.personnel_plan)

    def basis_text(self, rule_id: str) -> list[str]:
        """Each official document a rule applies, cited (what the memo's "Căn cứ" says)."""
        return [self.citation(ref.document, ref.part) for ref in self.pack.rule(rule_id).basis]

    def provenance_text(self, rule_id: str) -> list[str]:
        """Where the rule's wording was read: the reading and its quote, or the pack's summary."""
        return [source.line(self.pack.spec.readings) for source in self.pack.rule(rule_id).provenance]


_TEXTS_KEPT = 4_096
#: How many of a rule's entries are looked up before deciding whether they repeat.
_LEARN = 512


def _item_key(item: dict) -> tuple:
    """One cited fact as a key: its fields (a stint's ratings as pairs)."""
    ratings = item.get("ratings")
    if ratings is None:
        return tuple(item.items())
    return (tuple(kv for kv in item.items() if kv[0] != "ratings"), tuple((r["year"], r["rating"]) for r in ratings))


def _texts_key(outcome: RuleOutcome, keys: dict | None = None) -> tuple | None:
    """Everything an outcome's reason, missing texts and evidence are made of; None for one
    that applies an exception (rare, and made of more).  ``keys``: the keys of the facts
    already made for this decision (facts are shared by the rules that cite them)."""
    if outcome.exception is not None:
        return None
    if keys is None:
        keys = {}
    parts = []
    for b in outcome.basis:
        items = []
        for item in b.evidence:
            key = keys.get(id(item))
            if key is None:
                key = keys[id(item)] = _item_key(item)
            items.append(key)
        parts.append((id(b.template), tuple(items), tuple(map(id, b.missing))))
    return (outcome.rule_id, outcome.outcome, outcome.open_because, tuple(parts))


_encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode


def record_text(decision: Decision, ex: Explainer) -> str:
    """``jsonform.compact(record(decision, ex))``, the same bytes, made from the JSON of
    each rule's entry, which is encoded once for every combination of rule, outcome and
    cited facts (most rules give a handful over a whole batch)."""
    parts = []
    fragments, keys, seldom = ex._fragments, {}, ex._seldom
    for o in decision.outcomes:
        key = None if o.rule_id in seldom else _texts_key(o, keys)
        if key is not None:
            text = fragments.get(key)
            ex._looked_up(o.rule_id, text is None)
            if text is None:
                if len(fragments) >= _TEXTS_KEPT:
                    fragments.clear()
                text = fragments[key] = _encode(_rule_entry(o, ex, key))
        else:
            text = _encode(_rule_entry(o, ex))
        parts.append(text)
    return (f'{{"profile_id": {_encode(decision.profile_id)}, "full_name": {_encode(decision.full_name)}, '
            f'"verdict": {_encode(decision.verdict)}, "source": {_encode(decision.source)}, '
            f'"rules": [{", ".join(parts)}]}}')


def _rule_entry(o: RuleOutcome, ex: Explainer, key: tuple | None = None) -> dict:
    reason, missing = ex.texts(o, key)
    rule = {"id": o.rule_id, "kind": o.kind, "outcome": o.outcome, "reason": reason,
            "evidence": o.evidence, "missing": missing}
    if o.exception is not None:
        rule["exception"] = o.exception
    return rule


def record(decision: Decision, ex: Explainer) -> dict:
    """The decision as JSON data: what `screen --format json` prints and the audit store keeps."""
    return {"profile_id": decision.profile_id, "full_name": decision.full_name, "verdict": decision.verdict,
            "source": decision.source, "rules": [_rule_entry(o, ex) for o in decision.outcomes]}
