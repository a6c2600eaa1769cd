"""An independent, deliberately simple reading of SPEC §2, for the tests only.

It shares no code with the engine: it reads the profile dict as written (codes
only), with the bounds and title categories copied from SPEC §2 and §3.
"""

from __future__ import annotations

import calendar
from datetime import date

KEY_DISTRICT = {"bi_thu_huyen_uy", "pho_bi_thu_huyen_uy", "chu_tich_hdnd_huyen", "chu_tich_ubnd_huyen"}
SENIOR = {"uy_vien_btv_tinh_uy", "pho_chu_tich_hdnd_tinh", "pho_chu_tich_ubnd_tinh"}
EQUIVALENT = {"truong_ban_to_chuc_tinh_uy", "truong_ban_tuyen_giao_tinh_uy", "truong_ban_dan_van_tinh_uy",
              "truong_ban_noi_chinh_tinh_uy", "chu_nhiem_ubkt_tinh_uy", "chu_tich_ubmttq_tinh"}
JUDGEMENTS = ("trung-thanh", "trinh-do-toan-dien", "nam-chac-tinh-hinh", "am-hieu-xay-dung-dang",
              "uy-tin-doan-ket", "nang-luc-cu-the-hoa", "nang-luc-chi-dao-tham-muu", "kinh-nghiem-lanh-dao")
BAR_MONTHS = {"khien_trach": 12, "canh_cao": 12, "cach_chuc": 24}


def _d(text):
    return date.fromisoformat(text) if text else None


def _plus_months(day: date, months: int) -> date:
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return date(year, month, day.day if day.day <= last else last)


def _result(profile: dict, criterion: str):
    record = (profile.get("assessments") or {}).get(criterion)
    if record is None:
        return None
    return record if isinstance(record, str) else record.get("result")


def rules(profile: dict, as_of: date) -> dict[str, str]:
    out = {}
    planning = profile.get("planning") or []
    ok = any((p["title"] in ("pho_bi_thu_tinh_uy", "pho_bi_thu_thuong_truc_tinh_uy") and p["term"] == "2020-2025")
             or (p["title"] in ("chu_tich_hdnd_tinh", "chu_tich_ubnd_tinh") and p["term"] == "2021-2026")
             for p in planning)
    out["quy-hoach"] = "pass" if ok else "fail"

    positions = profile.get("positions") or []
    out["chu-chot-cap-huyen"] = "pass" if any(
        p["title"] in KEY_DISTRICT and _d(p["start"]) <= as_of for p in positions) else "fail"

    ratings = {int(y): r for y, r in (profile.get("ratings") or {}).items()}
    equivalent_confirmed = _result(profile, "tuong-duong") == "met"
    statuses = []
    for p in positions:
        start, end = _d(p["start"]), _d(p.get("end"))
        if start > as_of or p["title"] not in SENIOR | EQUIVALENT:
            continue
        years = [y for y in range(start.year, as_of.year) if end is None or end >= date(y, 1, 1)]
        values = [ratings.get(y) for y in years]
        if any(v in ("hoan_thanh", "khong_hoan_thanh") for v in values):
            status = "bad"
        elif years and all(v in ("xuat_sac", "hoan_thanh_tot") for v in values):
            status = "good" if p["title"] in SENIOR or equivalent_confirmed else "unknown"
        else:
            status = "unknown"
        statuses.append(status)
    out["hoan-thanh-tot-cap-tinh"] = ("pass" if "good" in statuses else "review" if "unknown" in statuses
                                      else "fail")

    birth = _d(profile["birth_date"])
    bound = date(1965, 9, 1) if profile["gender"] == "male" else date(1970, 9, 1)
    out["do-tuoi"] = "pass" if birth >= bound else "fail"

    education = profile.get("education") or {}
    professional, theory = education.get("professional"), education.get("political_theory")
    if (professional and professional not in ("dai_hoc", "thac_si", "tien_si")) or \
            (theory and theory not in ("cao_cap", "cu_nhan")):
        out["trinh-do"] = "fail"
    elif professional and theory:
        out["trinh-do"] = "pass"
    else:
        out["trinh-do"] = "review"

    barred = False
    for entry in profile.get("discipline") or []:
        if entry["form"] == "khai_tru":
            barred = True
            continue
        decided = _d(entry["decided"])
        end = _d(entry.get("until")) or _plus_months(decided, BAR_MONTHS[entry["form"]])
        if decided <= as_of < end:
            barred = True
    out["ky-luat"] = "fail" if barred else "pass"

    out["quan-ly-nha-nuoc"] = "pass" if education.get("state_management") == "chuyen_vien_cao_cap" else "review"
    for criterion in JUDGEMENTS:
        result = _result(profile, criterion)
        out[criterion] = {"met": "pass", "not_met": "fail"}.get(result, "review")
    return out


def verdict(outcomes: dict[str, str]) -> str:
    values = set(outcomes.values())
    return "ineligible" if "fail" in values else "review" if "review" in values else "eligible"
