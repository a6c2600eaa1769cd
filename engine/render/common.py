"""What every screening output shares: the verdicts, counts, figures per
criterion, the one line of reasons a list shows, and invalid entries as data.

Renderers read decision records (``engine/decide/explain.py``), so the same
text comes out whether a record was made now or read from the audit store.
"""

from __future__ import annotations

import os
import re

from ..decide.explain import Explainer
from ..i18n import fmt_date, label, message
from ..profile.validate import Invalid

VERDICTS = ("eligible", "review", "ineligible")
MARKS = {"pass": "✓", "fail": "✗", "review": "?"}


def mark(rule: dict) -> str:
    """A criterion's mark in a matrix (the memo's, the result workbook's): ✓ ✗ ?, and ✓* where
    it is met by an approved exception."""
    return MARKS[rule["outcome"]] + ("*" if (rule.get("exception") or {}).get("used") else "")


def sort_invalid(invalid: list[Invalid]) -> list[Invalid]:
    return sorted(invalid, key=lambda i: (i.source, i.index if i.index is not None else -1, i.profile_id or ""))


def invalid_dict(entry: Invalid, lang: str) -> dict:
    return {
        "source": entry.source,
        "profile_id": entry.profile_id,
        "full_name": entry.full_name,
        "index": entry.index,
        "errors": [p.text(lang) for p in entry.problems],
        "details": [p.as_dict(lang) for p in entry.problems],
    }


def counts(records: list[dict], invalid: list) -> dict:
    found = {v: 0 for v in VERDICTS}
    for record in records:
        found[record["verdict"]] += 1
    return {**found, "invalid": len(invalid)}


def cohort(records: list[dict]) -> dict:
    """Counts per verdict and, per rule, how many candidates it excluded or left pending."""
    tally = Cohort()
    for record in records:
        tally.add(record)
    return tally.figures()


class Cohort:
    """:func:`cohort`, counted one record at a time."""

    def __init__(self):
        self.verdicts = {v: 0 for v in VERDICTS}
        self.rules: dict[str, dict[str, int]] = {}

    def add(self, record: dict) -> None:
        self.verdicts[record["verdict"]] += 1
        for rule in record["rules"]:
            counts_of = self.rules.setdefault(rule["id"], {"pass": 0, "fail": 0, "review": 0})
            counts_of[rule["outcome"]] += 1

    def figures(self) -> dict:
        return {"verdicts": {**self.verdicts, "invalid": 0}, "rules": self.rules}


def short(ex: Explainer, record: dict) -> str:
    """The one line of reasons a list shows: every failing and pending rule."""
    vi = ex.lang == "vi"
    failing = [r for r in record["rules"] if r["outcome"] == "fail"]
    pending = [r for r in record["rules"] if r["outcome"] == "review"]
    parts = [f"✗ {ex.short_title(r['id'])}: {r['reason']}" for r in failing]
    parts += [f"? {ex.short_title(r['id'])}: {r['reason']}" for r in pending if r["kind"] != "judgement"]
    judgements = [ex.short_title(r["id"]) for r in pending if r["kind"] == "judgement"]
    if judgements:
        parts.append(("? chờ Ban Thường vụ đánh giá: " if vi else "? awaiting the board: ") + ", ".join(judgements))
    excepted = [ex.short_title(r["id"]) for r in record["rules"] if (r.get("exception") or {}).get("used")]
    names = ", ".join(f"«{name}»" for name in excepted)  # a pass by exception is said wherever the list is read
    if not parts:
        total = len(record["rules"])
        parts.append(f"đạt cả {total} tiêu chí" if vi else f"meets all {total} criteria")
        if excepted:
            parts[-1] += f", trong đó {names} theo ngoại lệ" if vi else f", {names} by exception"
    elif excepted:
        parts.append(f"{names} đạt theo ngoại lệ" if vi else f"{names} met by exception")
    return " · ".join(parts)


def heading(ex: Explainer, records: list[dict], invalid: list) -> list[str]:
    """Title, pack and date, and the counts: the top of every screening list."""
    return heading_of(ex, counts(records, invalid))


def heading_of(ex: Explainer, c: dict) -> list[str]:
    """:func:`heading` from the counts per verdict and of invalid profiles."""
    vi = ex.lang == "vi"
    pack = ex.pack
    total = sum(c[v] for v in VERDICTS) + c["invalid"]
    return [
        ("SÀNG LỌC BƯỚC 1 — " if vi else "STEP-1 SCREENING — ") + pack.spec.title.get(ex.lang),
        (f"Bộ quy tắc {pack.id}, phiên bản {pack.version} (mã kiểm tra {pack.digest[7:19]}) · "
         f"Ngày xét: {fmt_date(ex.as_of, ex.lang)}" if vi else
         f"Rule pack {pack.id}, version {pack.version} (check code {pack.digest[7:19]}) · "
         f"As of: {fmt_date(ex.as_of, ex.lang)}"),
        (f"Tổng số: {total} hồ sơ · " if vi else f"Total: {total} profiles · ")
        + " · ".join(f"{label('verdict', v, ex.lang)}: {c[v]}" for v in VERDICTS)
        + (f" · Hồ sơ cần bổ sung, sửa chữa: {c['invalid']}" if vi else f" · Files to complete or correct: {c['invalid']}"),
    ]


def group(records: list[dict], verdict: str) -> list[dict]:
    return [r for r in records if r["verdict"] == verdict]


#: The parts of a profile, as a clerk names them (SPEC §4).
_SECTIONS = {
    "positions": ("chức vụ thứ {n}", "position {n}"),
    "planning": ("quy hoạch thứ {n}", "planning entry {n}"),
    "discipline": ("kỷ luật thứ {n}", "disciplinary measure {n}"),
    "exceptions": ("ngoại lệ thứ {n}", "exception {n}"),
}
_FIELDS = {
    "id": ("mã hồ sơ", "profile id"), "full_name": ("họ và tên", "full name"), "gender": ("giới tính", "gender"),
    "birth_date": ("ngày sinh", "birth date"), "party_joined": ("ngày vào Đảng", "date of joining the Party"),
    "record_complete": ("hồ sơ đầy đủ", "record complete"), "positions": ("quá trình công tác", "career"),
    "ratings": ("đánh giá, xếp loại hằng năm", "annual ratings"), "planning": ("quy hoạch", "planning"),
    "education": ("trình độ", "education"), "discipline": ("kỷ luật", "discipline"),
    "assessments": ("ý kiến của Ban Thường vụ", "the Standing Committee's findings"),
    "exceptions": ("ngoại lệ", "exceptions"),
    "title": ("chức danh", "title"), "org": ("cơ quan, đơn vị", "body"), "start": ("ngày bắt đầu", "start date"),
    "end": ("ngày kết thúc", "end date"), "term": ("nhiệm kỳ", "term"), "decision": ("quyết định", "decision"),
    "professional": ("trình độ chuyên môn", "professional education"),
    "political_theory": ("lý luận chính trị", "political theory"),
    "state_management": ("quản lý nhà nước", "state management"), "form": ("hình thức", "form"),
    "decided": ("ngày quyết định", "date of the decision"), "until": ("ngày hết hiệu lực", "end of the measure"),
    "note": ("ghi chú", "note"), "result": ("kết quả", "result"), "by": ("cơ quan, người đánh giá", "by"),
    "date": ("ngày", "date"), "rule": ("tiêu chuẩn", "criterion"), "document": ("văn bản", "document"),
}
_STEP = re.compile(r"([a-z_]+)(?:\[(\d+)\])?")


def field_words(loc: str, lang: str, ex: Explainer | None = None) -> str:
    """A field path in a clerk's words: "positions[1].end" -> "chức vụ thứ 2, ngày kết thúc"."""
    vi = lang == "vi"
    if not loc:
        return ""
    if loc.startswith("line "):
        return ("dòng " if vi else "line ") + loc[5:]
    words, parts = [], loc.split(".")
    head = _STEP.fullmatch(parts[0])
    section = head.group(1) if head else parts[0]  # "exceptions" of "exceptions[0]"
    for i, part in enumerate(parts):
        step = _STEP.fullmatch(part)
        if step and step.group(2) is not None and step.group(1) in _SECTIONS:
            words.append(_SECTIONS[step.group(1)][0 if vi else 1].format(n=int(step.group(2)) + 1))
        elif i > 0 and parts[0] == "ratings":
            words[-1] = ("đánh giá, xếp loại năm " if vi else "rating of ") + part
        elif i == 1 and parts[0] == "assessments":
            name = finding_title(ex, part) if ex is not None else part
            words[-1] = (f"ý kiến của Ban Thường vụ về «{name}»" if vi else f"the Standing Committee's finding on «{name}»")
        elif i == 1 and parts[0] == "education":
            words[-1] = _FIELDS.get(part, (part, part))[0 if vi else 1]
        elif part == "by" and section == "exceptions":
            words.append("cơ quan chấp thuận" if vi else "approving body")
        elif part == "date" and section == "exceptions":
            words.append("ngày chấp thuận" if vi else "date of approval")
        elif part in _FIELDS:
            words.append(_FIELDS[part][0 if vi else 1])
        else:
            words.append(part)
    return ", ".join(words)


def _known_rule(ex: Explainer, rule_id: str) -> bool:
    return any(rule.id == rule_id for rule in ex.pack.rules)


def problem_words(problem, lang: str, ex: Explainer | None = None) -> str:
    """One input problem in a clerk's words: where (as a part of the profile), then what."""
    loc = problem.loc
    if problem.code == "unknown_key" and "." in loc:
        loc = loc.rsplit(".", 1)[0]  # the message names the key that is not in the profile's form
    elif problem.code == "unknown_key":
        loc = ""
    where = field_words(loc, lang, ex)
    body = message(problem.code, lang, problem.params)
    return f"{where[:1].upper() + where[1:]}: {body}" if where else body[:1].upper() + body[1:]


def who(entry, lang: str) -> str:
    """An invalid entry's person and file, for a clerk: "DT-0009 Bùi Quang Vinh (tệp dt-0009.yaml)"."""
    name = " ".join(x for x in (entry.profile_id, entry.full_name) if x)
    place = ("tệp " if lang == "vi" else "file ") + os.path.basename(entry.source)
    if entry.index is not None and not entry.source.lower().endswith((".yaml", ".yml")) or (entry.index or 0) > 0:
        place += (f", mục {entry.index + 1}" if lang == "vi" else f", item {entry.index + 1}")
    return f"{name} ({place})" if name else place


def evidence_name(item: dict, ex: Explainer) -> str:
    """Where a piece of evidence sits in the profile, as a clerk names it: "Chức vụ thứ 2"."""
    path = item.get("path") or ""
    if path.startswith("assessments."):
        rule_id = path.split(".", 1)[1]
        name = finding_title(ex, rule_id)
        return f"Ý kiến của Ban Thường vụ về «{name}»" if ex.lang == "vi" else f"The Standing Committee on «{name}»"
    words = field_words(path, ex.lang, ex)
    return words[:1].upper() + words[1:]


def finding_title(ex: Explainer, finding: str) -> str:
    """A finding of the board by its criterion's title (a judgement rule's, or a declared assessment's)."""
    if _known_rule(ex, finding):
        return ex.rule_title(finding)
    for declared in ex.pack.spec.assessments:
        if declared.id == finding:
            return declared.title.get(ex.lang)
    return finding
