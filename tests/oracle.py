"""An independent, deliberately simple reading of SPEC §2, for the tests only.

It shares no code with the engine: it reads the profile dict as written, with
its own little tables of words -> codes (SPEC §4), its own title categories
(SPEC §3 and the pack's catalog, copied here as constants) and its own date
parsing.

Partial dates are read *exhaustively*: a date known to the month or the year,
and a post's start or end written "không rõ", stands for every day it allows;
the plain SPEC §2 rules are evaluated for every combination of candidate days
(a completion of the record) and a rule is decided when every completion
gives the same outcome, else it is `review`.  Candidate days are the ends of
each interval and the days inside it where some comparison the rules make
can change: the as-of date and its neighbours, 1 January and 31 December of
every year, and the as-of date less each discipline bar, with neighbours
(``days="all"`` takes every day instead; the tests check both agree).

Two readings of "every combination":

* ``joint=True`` (the default): the completions are the real histories the
  record allows: a post ends on or after it starts, a measure's `until` is on
  or after its decision, a "không rõ" start lies from 1945-01-01 to the as-of
  date and not after the chosen end, a "không rõ" end from the chosen start to
  the as-of date (SPEC §4);
* ``joint=False``: each date ranges over its own interval, independently of
  the others (SPEC §2's "true when it holds for every day of the interval"):
  a "không rõ" start over 1945-01-01 .. min(as-of, the end's last day), a
  "không rõ" end over the start's first day .. the as-of date.

Rules that read one date per comparison and combine them with any/all give the
same answer as per-comparison three-valued logic under ``joint=False``; the
joint reading can only decide more (it knows more about the history).

Positions and discipline entries are independent of each other (no
constraint couples two entries), so the outcome set of a rule is computed from
each entry's own set of values over its completions; that is the same set as
over the product of all of them.
"""

from __future__ import annotations

import bisect
import calendar
import itertools
import re
import unicodedata
from datetime import date, timedelta

# ---- the pack's constants (SPEC §2, §3; rules/pho-bi-thu-tinh-uy-2020) ------------------------

KEY_DISTRICT = {"bi_thu_huyen_uy", "pho_bi_thu_huyen_uy", "chu_tich_hdnd_huyen", "chu_tich_ubnd_huyen"}
SENIOR = {"uy_vien_btv_tinh_uy", "pho_chu_tich_hdnd_tinh", "pho_chu_tich_ubnd_tinh"}
EQUIVALENT = {"truong_ban_to_chuc_tinh_uy", "truong_ban_tuyen_giao_tinh_uy", "truong_ban_dan_van_tinh_uy",
              "truong_ban_noi_chinh_tinh_uy", "chu_nhiem_ubkt_tinh_uy", "chu_tich_ubmttq_tinh",
              "chanh_van_phong_tinh_uy"}
JUDGEMENTS = ("trung-thanh", "trinh-do-toan-dien", "nam-chac-tinh-hinh", "am-hieu-xay-dung-dang",
              "uy-tin-doan-ket", "nang-luc-cu-the-hoa", "nang-luc-chi-dao-tham-muu", "kinh-nghiem-lanh-dao")
RULES = ("quy-hoach", "chu-chot-cap-huyen", "hoan-thanh-tot-cap-tinh", "do-tuoi", "trinh-do", "ky-luat",
         "quan-ly-nha-nuoc", *JUDGEMENTS)
BAR_MONTHS = {"khien_trach": 12, "canh_cao": 12, "cach_chuc": 24}
MALE_BORN_FROM, FEMALE_BORN_FROM = date(1965, 9, 1), date(1970, 9, 1)
EARLIEST = date(1945, 1, 1)
#: Rules an approved exception can make pass, and the bodies that may approve one.
EXCEPTION_RULES = ("chu-chot-cap-huyen", "hoan-thanh-tot-cap-tinh", "do-tuoi")
BODIES = ("Bộ Chính trị", "Ban Bí thư")
#: Rules that read the absence of an entry on an incomplete record as review, and the entries they need.
ABSENCE = {"chu-chot-cap-huyen": KEY_DISTRICT, "hoan-thanh-tot-cap-tinh": SENIOR | EQUIVALENT}


# ---- words (SPEC §4, the catalog's tables) ---------------------------------------------------

def key(text: str) -> str:
    """Case, spacing, normalisation form, tone placement of 'uỷ' and the i/y of 'sỹ'/'kỹ' ignored."""
    text = " ".join(unicodedata.normalize("NFC", text).casefold().split())
    return text.replace("uỷ", "ủy").replace("sỹ", "sĩ").replace("kỹ", "kĩ")


WORDS: dict[str, dict[str, list[str]]] = {
    "gender": {"male": ["Nam"], "female": ["Nữ"]},
    "rating": {"xuat_sac": ["Hoàn thành xuất sắc nhiệm vụ", "HTXSNV"],
               "hoan_thanh_tot": ["Hoàn thành tốt nhiệm vụ", "HTTNV", "hoàn thành tốt"],
               "hoan_thanh": ["Hoàn thành nhiệm vụ", "HTNV"],
               "khong_hoan_thanh": ["Không hoàn thành nhiệm vụ", "KHTNV"]},
    "professional": {"trung_cap": ["Trung cấp"], "cao_dang": ["Cao đẳng"],
                     "dai_hoc": ["Đại học", "Cử nhân", "Kỹ sư"], "thac_si": ["Thạc sĩ", "ThS"],
                     "tien_si": ["Tiến sĩ", "TS"]},
    "political_theory": {"so_cap": ["Sơ cấp"], "trung_cap": ["Trung cấp"], "cao_cap": ["Cao cấp"],
                         "cu_nhan": ["Cử nhân"]},
    "state_management": {"chuyen_vien": ["Chuyên viên"], "chuyen_vien_chinh": ["Chuyên viên chính", "CVC"],
                         "chuyen_vien_cao_cap": ["Chuyên viên cao cấp", "CVCC"]},
    "discipline": {"khien_trach": ["Khiển trách"], "canh_cao": ["Cảnh cáo"], "cach_chuc": ["Cách chức"],
                   "khai_tru": ["Khai trừ", "Khai trừ khỏi Đảng"]},
    "result": {"met": ["đạt"], "not_met": ["không đạt"]},
}
_WORD_CODES = {group: {key(w): code for code, words in table.items() for w in (code, *words)}
               for group, table in WORDS.items()}

#: A finding of the board named by its id, or its title in the pack, full or short.
FINDING_NAMES = {
    "trung-thanh": ["Tuyệt đối trung thành", "Trung thành"],
    "trinh-do-toan-dien": ["Kiến thức toàn diện"],
    "nam-chac-tinh-hinh": ["Nắm chắc tình hình địa phương và đất nước", "Nắm chắc tình hình"],
    "am-hieu-xay-dung-dang": ["Am hiểu xây dựng Đảng"],
    "uy-tin-doan-ket": ["Uy tín và đoàn kết"],
    "nang-luc-cu-the-hoa": ["Cụ thể hóa nghị quyết"],
    "nang-luc-chi-dao-tham-muu": ["Chỉ đạo cơ quan tham mưu"],
    "kinh-nghiem-lanh-dao": ["Kinh nghiệm lãnh đạo"],
    "tuong-duong": [],
}
_FINDINGS = {key(n): finding for finding, names in FINDING_NAMES.items() for n in (finding, *names)}

#: Titles by label or alias (a few of the catalog's), and the city forms a post's org resolves (SPEC §3).
TITLE_NAMES = {
    "bi_thu_huyen_uy": ["Bí thư Huyện ủy", "Bí thư Quận ủy", "Bí thư Thị ủy"],
    "pho_bi_thu_huyen_uy": ["Phó Bí thư Huyện ủy", "Phó Bí thư Thị ủy", "Phó Bí thư Thường trực Quận ủy"],
    "chu_tich_hdnd_huyen": ["Chủ tịch HĐND huyện", "Chủ tịch HĐND quận"],
    "chu_tich_ubnd_huyen": ["Chủ tịch UBND huyện", "Chủ tịch Ủy ban nhân dân huyện", "Chủ tịch UBND thị xã"],
    "pho_chu_tich_ubnd_huyen": ["Phó Chủ tịch UBND huyện"],
    "uy_vien_btv_huyen_uy": ["Ủy viên BTV Huyện ủy"],
    "uy_vien_btv_tinh_uy": ["Ủy viên Ban Thường vụ Tỉnh ủy", "Ủy viên BTV Tỉnh ủy", "UVBTV Tỉnh ủy"],
    "pho_chu_tich_hdnd_tinh": ["Phó Chủ tịch HĐND tỉnh", "Phó Chủ tịch Thường trực HĐND tỉnh"],
    "pho_chu_tich_ubnd_tinh": ["Phó Chủ tịch UBND tỉnh", "Phó Chủ tịch Ủy ban nhân dân tỉnh"],
    "truong_ban_to_chuc_tinh_uy": ["Trưởng Ban Tổ chức Tỉnh ủy"],
    "chu_nhiem_ubkt_tinh_uy": ["Chủ nhiệm UBKT Tỉnh ủy"],
    "chu_tich_ubmttq_tinh": ["Chủ tịch UBMTTQ tỉnh"],
    "chanh_van_phong_tinh_uy": ["Chánh Văn phòng Tỉnh ủy"],
    "pho_bi_thu_tinh_uy": ["Phó Bí thư Tỉnh ủy"],
    "chu_tich_ubnd_tinh": ["Chủ tịch UBND tỉnh"],
    "giam_doc_so": ["Giám đốc Sở Tài chính", "Giám đốc Sở Nội vụ"],
}
_TITLES = {key(n): code for code, names in TITLE_NAMES.items() for n in (code, *names)}
#: A city form -> (the provincial title in a centrally-governed city, the district title in any other city).
CITY_FORMS = {
    "Bí thư Thành ủy": ("bi_thu_tinh_uy", "bi_thu_huyen_uy"),
    "Phó Bí thư Thành ủy": ("pho_bi_thu_tinh_uy", "pho_bi_thu_huyen_uy"),
    "Ủy viên Ban Thường vụ Thành ủy": ("uy_vien_btv_tinh_uy", "uy_vien_btv_huyen_uy"),
    "Ủy viên BTV Thành ủy": ("uy_vien_btv_tinh_uy", "uy_vien_btv_huyen_uy"),
    "Phó Chủ tịch UBND thành phố": ("pho_chu_tich_ubnd_tinh", "pho_chu_tich_ubnd_huyen"),
    "Phó Chủ tịch HĐND thành phố": ("pho_chu_tich_hdnd_tinh", "pho_chu_tich_hdnd_huyen"),
    "Chủ tịch UBND thành phố": ("chu_tich_ubnd_tinh", "chu_tich_ubnd_huyen"),
    "Chủ tịch HĐND thành phố": ("chu_tich_hdnd_tinh", "chu_tich_hdnd_huyen"),
    "Trưởng Ban Tổ chức Thành ủy": ("truong_ban_to_chuc_tinh_uy", "truong_ban_to_chuc_huyen_uy"),
    "Chánh Văn phòng Thành ủy": ("chanh_van_phong_tinh_uy", "chanh_van_phong_huyen_uy"),
}
_CITY_FORMS = {key(form): codes for form, codes in CITY_FORMS.items()}
#: The centrally-governed cities at the 2020 reference date (SPEC §3).
CENTRAL_CITIES = ("Hà Nội", "Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ")
#: Cities under a province: a city form there is a district-level post.
PROVINCIAL_CITIES = ("Vinh", "Thái Nguyên", "Hạ Long", "Nha Trang", "Buôn Ma Thuột")


def word(group: str, value: str) -> str:
    return _WORD_CODES[group][key(value)]


def finding(name: str) -> str:
    return _FINDINGS[key(name)]


def title(text: str, org: str | None) -> str:
    if key(text) in _CITY_FORMS:
        province, district = _CITY_FORMS[key(text)]
        return province if any(key(city) in key(org or "") for city in CENTRAL_CITIES) else district
    return _TITLES.get(key(text), text)


def term(text: str) -> str:
    first, second = re.findall(r"\d{4}", text)
    return f"{first}-{second}"


# ---- dates (SPEC §4) -------------------------------------------------------------------------

#: What a written date can be besides an interval of days.
HELD, UNKNOWN = "held", "unknown"

_DAY_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_DAY_VN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_MONTH_ISO = re.compile(r"(\d{4})-(\d{2})")
_MONTH_VN = re.compile(r"(?:tháng )?(\d{1,2})/(\d{4})")
_YEAR = re.compile(r"\d{4}")


def span(value) -> tuple[date, date] | str:
    """A written date -> (first day, last day); HELD for "nay" or no end; UNKNOWN for "không rõ"."""
    if value is None:
        return HELD
    if isinstance(value, int):
        return date(value, 1, 1), date(value, 12, 31)
    text = key(value)
    if text in ("nay", "hiện nay"):
        return HELD
    if text == "không rõ":
        return UNKNOWN
    if m := _DAY_ISO.fullmatch(text):
        day = date(int(m[1]), int(m[2]), int(m[3]))
        return day, day
    if m := _DAY_VN.fullmatch(text):
        day = date(int(m[3]), int(m[2]), int(m[1]))
        return day, day
    for pattern, (y, mo) in ((_MONTH_ISO, (1, 2)), (_MONTH_VN, (2, 1))):
        if m := pattern.fullmatch(text):
            year, month = int(m[y]), int(m[mo])
            return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if _YEAR.fullmatch(text):
        return date(int(text), 1, 1), date(int(text), 12, 31)
    raise ValueError(f"not a date: {value!r}")


def is_partial(value) -> bool:
    """A date that stands for more than one day (a birth date by year or month included)."""
    found = span(value)
    return found == UNKNOWN or (found != HELD and found[0] != found[1])


def plus_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, day.day if day.day <= last else last)


def _critical(as_of: date) -> list[date]:
    """The days where some comparison of the rules can change."""
    one = timedelta(days=1)
    days = {as_of - one, as_of, as_of + one}
    for year in range(EARLIEST.year - 1, as_of.year + 2):
        days.update({date(year, 1, 1), date(year, 12, 31)})
    for months in set(BAR_MONTHS.values()):
        switch = plus_months(as_of, -months)
        days.update(switch + timedelta(days=k) for k in range(-3, 4))
    return sorted(days)


_CRITICAL: dict[date, list[date]] = {}


def candidates(first: date, last: date, as_of: date, days: str = "critical") -> list[date]:
    """The days of [first, last] a completion takes."""
    if first > last:
        return []
    if days == "all":
        return [first + timedelta(days=k) for k in range((last - first).days + 1)]
    critical = _CRITICAL.get(as_of) or _CRITICAL.setdefault(as_of, _critical(as_of))
    inside = critical[bisect.bisect_right(critical, first):bisect.bisect_left(critical, last)]
    return [first, *inside, last] if first != last else [first]


# ---- reading a profile as written ----------------------------------------------------------

def read(profile: dict) -> dict:
    """The profile in codes and spans, read with the oracle's own tables."""
    education = {k: word(k, v) for k, v in (profile.get("education") or {}).items() if v is not None}
    assessments = {}
    for name, record in (profile.get("assessments") or {}).items():
        result = record if isinstance(record, str) else record["result"]
        assessments[finding(name)] = word("result", result)
    return {
        "gender": word("gender", profile["gender"]),
        "birth": span(profile["birth_date"])[0],  # partial_birth_date: first_day (SPEC §2)
        "positions": [(title(p["title"], p.get("org")), span(p["start"]), span(p.get("end")))
                      for p in profile.get("positions") or []],
        "ratings": {int(y): word("rating", r) for y, r in (profile.get("ratings") or {}).items()},
        "planning": [(title(p["title"], p.get("org")), term(p["term"])) for p in profile.get("planning") or []],
        "education": education,
        "discipline": [(word("discipline", d["form"]), span(d["decided"]),
                        span(d["until"]) if d.get("until") is not None else None)
                       for d in profile.get("discipline") or []],
        "assessments": assessments,
        "record_complete": profile.get("record_complete", True) is not False,
        "exceptions": {e["rule"] for e in profile.get("exceptions") or []},
    }


# ---- the plain rules, on exact days ----------------------------------------------------------

def stint_status(code: str, start: date, end: date | None, ratings: dict, confirmed: bool, as_of: date) -> str:
    """SPEC §2: "none" (not a stint), "good", "bad" or "unknown"."""
    if start > as_of:
        return "none"
    years = [y for y in range(start.year, as_of.year) if end is None or end >= date(y, 1, 1)]
    values = [ratings.get(y) for y in years]
    if any(v in ("hoan_thanh", "khong_hoan_thanh") for v in values):
        return "bad"
    if years and all(v in ("xuat_sac", "hoan_thanh_tot") for v in values):
        return "good" if code in SENIOR or confirmed else "unknown"
    return "unknown"


def in_effect(form: str, decided: date, until: date | None, as_of: date) -> bool:
    if form == "khai_tru":
        return True
    end = until if until is not None else plus_months(decided, BAR_MONTHS[form])
    return decided <= as_of < end


# ---- completions -------------------------------------------------------------------------------

def position_days(start, end, as_of: date, joint: bool = True, days: str = "critical"):
    """Every (start day, end day or None) a completion of one post takes."""
    one = lambda lo, hi: candidates(lo, hi, as_of, days)  # noqa: E731
    if not joint:
        if start == UNKNOWN:
            start = (EARLIEST, max(EARLIEST, min(as_of, end[1]) if end not in (HELD, UNKNOWN) else as_of))
        if end == UNKNOWN:
            low = start[0]
            end = (low, max(low, as_of))
        ends = [None] if end == HELD else one(*end)
        return [(s, e) for s in one(*start) for e in ends]
    pairs = []
    if end == HELD:
        starts = one(EARLIEST, as_of) if start == UNKNOWN else one(*start)
        return [(s, None) for s in starts]
    if end == UNKNOWN:
        for s in (one(EARLIEST, as_of) if start == UNKNOWN else one(*start)):
            pairs.extend((s, e) for e in one(s, as_of))
        return pairs
    for e in one(*end):
        starts = one(EARLIEST, min(as_of, e)) if start == UNKNOWN else one(*start)
        pairs.extend((s, e) for s in starts if s <= e)
    return pairs


def discipline_days(decided, until, as_of: date, joint: bool = True, days: str = "critical"):
    pairs = []
    for d in candidates(*decided, as_of, days):
        untils = [None] if until is None else candidates(*until, as_of, days)
        pairs.extend((d, u) for u in untils if not joint or u is None or u >= d)
    return pairs


def _any_outcomes(per_entry: list[set[bool]]) -> set[bool]:
    """The values of any(...) over every choice of one value per entry."""
    return {any(choice) for choice in itertools.product(*per_entry)}


def own_outcome_sets(profile: dict, as_of: date, joint: bool = True, days: str = "critical") -> dict[str, set[str]]:
    """Per rule, the outcomes of the plain rules over every completion, before exceptions and
    record completeness."""
    r = read(profile)
    out: dict[str, set[str]] = {}
    ok = any((code in ("pho_bi_thu_tinh_uy", "pho_bi_thu_thuong_truc_tinh_uy") and t == "2020-2025")
             or (code in ("chu_tich_hdnd_tinh", "chu_tich_ubnd_tinh") and t == "2021-2026")
             for code, t in r["planning"])
    out["quy-hoach"] = {"pass" if ok else "fail"}

    key_posts = [{s <= as_of for s, _ in position_days(start, end, as_of, joint, days)}
                 for code, start, end in r["positions"] if code in KEY_DISTRICT]
    out["chu-chot-cap-huyen"] = {"pass" if v else "fail" for v in _any_outcomes(key_posts)}

    confirmed = r["assessments"].get("tuong-duong") == "met"
    stints = [{stint_status(code, s, e, r["ratings"], confirmed, as_of)
               for s, e in position_days(start, end, as_of, joint, days)}
              for code, start, end in r["positions"] if code in SENIOR | EQUIVALENT]
    outcomes = set()
    for choice in itertools.product(*stints):
        outcomes.add("pass" if "good" in choice else "review" if "unknown" in choice else "fail")
    out["hoan-thanh-tot-cap-tinh"] = outcomes

    bound = MALE_BORN_FROM if r["gender"] == "male" else FEMALE_BORN_FROM
    out["do-tuoi"] = {"pass" if r["birth"] >= bound else "fail"}

    education = r["education"]
    professional, theory = education.get("professional"), education.get("political_theory")
    if (professional and professional not in ("dai_hoc", "thac_si", "tien_si")) or \
            (theory and theory not in ("cao_cap", "cu_nhan")):
        out["trinh-do"] = {"fail"}
    elif professional and theory:
        out["trinh-do"] = {"pass"}
    else:
        out["trinh-do"] = {"review"}

    entries = [{in_effect(form, d, u, as_of) for d, u in discipline_days(decided, until, as_of, joint, days)}
               for form, decided, until in r["discipline"]]
    out["ky-luat"] = {"fail" if v else "pass" for v in _any_outcomes(entries)}

    out["quan-ly-nha-nuoc"] = {"pass" if education.get("state_management") == "chuyen_vien_cao_cap" else "review"}
    for criterion in JUDGEMENTS:
        out[criterion] = {{"met": "pass", "not_met": "fail"}.get(r["assessments"].get(criterion), "review")}
    return out


def outcome_sets(profile: dict, as_of: date, joint: bool = True, days: str = "critical") -> dict[str, set[str]]:
    """Per rule, the outcomes over every completion, with SPEC §2's record completeness and exceptions
    (neither depends on a date, so each applies to every completion alike)."""
    r = read(profile)
    out = own_outcome_sets(profile, as_of, joint, days)
    if not r["record_complete"]:
        for rule, categories in ABSENCE.items():
            if not any(code in categories for code, _, _ in r["positions"]):
                out[rule] = {"review" if o == "fail" else o for o in out[rule]}
    for rule in r["exceptions"]:
        out[rule] = {"pass"}
    return out


def decided(outcomes: set[str]) -> str:
    """All completions agree: that outcome; else review."""
    return next(iter(outcomes)) if len(outcomes) == 1 else "review"


def rules(profile: dict, as_of: date, joint: bool = True, days: str = "critical") -> dict[str, str]:
    return {rule: decided(found) for rule, found in outcome_sets(profile, as_of, joint, days).items()}


def verdict(outcomes: dict[str, str]) -> str:
    values = set(outcomes.values())
    return "ineligible" if "fail" in values else "review" if "review" in values else "eligible"


# ---- SPEC §2's words, one comparison at a time -----------------------------------------------

def _k_and(*values):
    return False if False in values else None if None in values else True


def _k_or(*values):
    return True if True in values else None if None in values else False


def _k_not(value):
    return None if value is None else not value


def _k_compare(first: date, last: date, holds) -> bool | None:
    """Three-valued: true when ``holds`` for every day of [first, last], false for none, else unknown
    (``holds`` is monotone in the day, so the two ends decide)."""
    a, b = holds(first), holds(last)
    return a if a == b else None


def kleene_hoan_thanh(profile: dict, as_of: date) -> str:
    """`hoan-thanh-tot-cap-tinh` read as SPEC §2 words it, each comparison on a date three-valued over the
    date's own interval ("không rõ" bounded as in the engine's reading of SPEC §4), combined with
    three-valued and/or/not; a rule condition that is unknown makes the rule review."""
    r = read(profile)
    confirmed = r["assessments"].get("tuong-duong") == "met"
    passes, unknowns = [], []
    for code, start, end in r["positions"]:
        if code not in SENIOR | EQUIVALENT:
            continue
        if start == UNKNOWN:
            start = (EARLIEST, max(EARLIEST, min(as_of, end[1]) if end not in (HELD, UNKNOWN) else as_of))
        if end == UNKNOWN:
            end = (start[0], max(start[0], as_of))
        stint = _k_compare(*start, lambda d: d <= as_of)
        rated = {}
        for year in range(EARLIEST.year, as_of.year):
            began = _k_compare(*start, lambda d: d <= date(year, 12, 31))
            going = True if end == HELD else _k_compare(*end, lambda d: d >= date(year, 1, 1))
            rated[year] = _k_and(began, going)
        kinds = {y: r["ratings"].get(y) for y in rated}
        some_rated = _k_or(*rated.values())
        all_good = _k_and(*(_k_or(_k_not(v), kinds[y] in ("xuat_sac", "hoan_thanh_tot")) for y, v in rated.items()))
        bad = _k_or(*(_k_and(v, kinds[y] in ("hoan_thanh", "khong_hoan_thanh")) for y, v in rated.items()))
        good = _k_and(some_rated, all_good)
        counts = code in SENIOR or confirmed
        passes.append(_k_and(stint, good, counts))
        unknowns.append(_k_and(stint, _k_not(bad), _k_not(_k_and(good, counts))))
    passing, pending = _k_or(*passes), _k_or(*unknowns)
    if passing is True:
        out = "pass"
    elif passing is False and pending is False:
        out = "fail"
    elif passing is False and pending is True:
        out = "review"
    else:
        out = "review"  # unknown: review, never pass or fail
    if out == "fail" and not r["record_complete"] and not any(c in ABSENCE["hoan-thanh-tot-cap-tinh"]
                                                              for c, _, _ in r["positions"]):
        out = "review"
    return "pass" if "hoan-thanh-tot-cap-tinh" in r["exceptions"] else out
