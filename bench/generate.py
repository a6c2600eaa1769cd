"""Generate N deterministic, synthetic cadre profiles (for benchmarks and bulk tests).

    python bench/generate.py 10000 > /tmp/cohort.jsonl        # JSON Lines
    python bench/generate.py 1000 --format yaml > cohort.yaml  # YAML documents

Seeded: the same N and seed always give the same bytes. The mix of careers
is chosen so that every verdict and most rule outcomes occur.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from datetime import date, timedelta

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Ngô", "Dương", "Lý", "Trịnh", "Mai"]
MIDDLE_M = ["Văn", "Đình", "Quang", "Minh", "Xuân", "Đức", "Hữu", "Công"]
MIDDLE_F = ["Thị", "Thị Thu", "Thị Thanh", "Ngọc", "Thị Hồng"]
GIVEN_M = ["Hùng", "Dũng", "Long", "Thắng", "Tuấn", "Sơn", "Phúc", "Khải", "Tâm", "Vinh", "Hải", "Nam"]
GIVEN_F = ["Mai", "Lan", "Hương", "Hà", "Ngọc", "Thảo", "Hạnh", "Yến", "Dung", "Nga"]
DISTRICTS = ["Đông Hưng", "Hưng Hà", "Quỳnh Phụ", "Thái Thụy", "Tiền Hải", "Kiến Xương", "Vũ Thư"]
KEY = ["bi_thu_huyen_uy", "pho_bi_thu_huyen_uy", "chu_tich_hdnd_huyen", "chu_tich_ubnd_huyen"]
NON_KEY = ["pho_chu_tich_ubnd_huyen", "pho_chu_tich_hdnd_huyen", "uy_vien_btv_huyen_uy", "pho_giam_doc_so"]
SENIOR = ["uy_vien_btv_tinh_uy", "pho_chu_tich_hdnd_tinh", "pho_chu_tich_ubnd_tinh"]
EQUIVALENT = ["truong_ban_to_chuc_tinh_uy", "truong_ban_dan_van_tinh_uy", "chu_nhiem_ubkt_tinh_uy"]
JUDGEMENTS = ["trung-thanh", "trinh-do-toan-dien", "nam-chac-tinh-hinh", "am-hieu-xay-dung-dang",
              "uy-tin-doan-ket", "nang-luc-cu-the-hoa", "nang-luc-chi-dao-tham-muu", "kinh-nghiem-lanh-dao"]


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def profile(rng: random.Random, number: int) -> dict:
    female = rng.random() < 0.3
    name = " ".join([rng.choice(FAMILY), rng.choice(MIDDLE_F if female else MIDDLE_M),
                     rng.choice(GIVEN_F if female else GIVEN_M)])
    birth = _day(rng, date(1969, 6, 1) if female else date(1964, 6, 1), date(1978, 12, 31))
    district = rng.choice(DISTRICTS)
    first_start = _day(rng, date(2004, 1, 1), date(2012, 12, 31))
    first_end = first_start + timedelta(days=rng.randrange(700, 2000))
    positions = [{"title": rng.choice(NON_KEY), "org": f"huyện {district}",
                  "start": (first_start - timedelta(days=1500)).isoformat(),
                  "end": (first_start - timedelta(days=1)).isoformat()}]
    if rng.random() < 0.95:
        positions.append({"title": rng.choice(KEY), "org": f"huyện {district}",
                          "start": first_start.isoformat(), "end": first_end.isoformat()})
    senior_start = first_end + timedelta(days=1)
    if senior_start > date(2020, 6, 1):
        senior_start = date(2020, 3, 1)
    title = rng.choice(EQUIVALENT) if rng.random() < 0.2 else rng.choice(SENIOR)
    if rng.random() < 0.95:
        positions.append({"title": title, "start": senior_start.isoformat()})
    ratings = {}
    for year in range(senior_start.year, 2020):
        roll = rng.random()
        if roll < 0.015:
            continue
        ratings[str(year)] = ("hoan_thanh" if roll < 0.025 else "xuat_sac" if roll < 0.3 else "hoan_thanh_tot")
    planning = [{"title": rng.choice(["pho_bi_thu_tinh_uy", "pho_bi_thu_thuong_truc_tinh_uy"]),
                 "term": "2020-2025", "decision": "Quyết định số 1205-QĐ/TU"}]
    if rng.random() < 0.15:
        planning = [{"title": rng.choice(["chu_tich_ubnd_tinh", "chu_tich_hdnd_tinh"]), "term": "2021-2026"}]
    elif rng.random() < 0.08:
        planning = [{"title": "giam_doc_so", "term": "2020-2025"}]
    education = {"professional": "cao_dang" if rng.random() < 0.03 else rng.choice(["dai_hoc", "thac_si", "tien_si"]),
                 "political_theory": "trung_cap" if rng.random() < 0.05 else rng.choice(["cao_cap", "cu_nhan"]),
                 "state_management": rng.choice(["chuyen_vien_cao_cap", "chuyen_vien_chinh"])}
    if rng.random() < 0.05:
        del education["political_theory"]
    result = {"id": f"GEN-{number:07d}", "full_name": name, "gender": "female" if female else "male",
              "birth_date": birth.isoformat(), "party_joined": (birth + timedelta(days=9000)).isoformat(),
              "positions": positions, "ratings": ratings, "planning": planning, "education": education}
    if rng.random() < 0.06:
        result["discipline"] = [{"form": rng.choice(["khien_trach", "canh_cao", "cach_chuc"]),
                                 "decided": _day(rng, date(2017, 1, 1), date(2020, 8, 1)).isoformat()}]
    if rng.random() < 0.5:
        result["assessments"] = {j: {"result": "met" if rng.random() < 0.995 else "not_met",
                                     "by": "Ban Thường vụ Tỉnh ủy", "date": "2020-08-20"} for j in JUDGEMENTS}
        if title in EQUIVALENT and rng.random() < 0.5:
            result["assessments"]["tuong-duong"] = {"result": "met"}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--seed", type=int, default=2020)
    parser.add_argument("--format", choices=["jsonl", "yaml"], default="jsonl")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    out = sys.stdout
    for number in range(1, args.count + 1):
        item = profile(rng, number)
        if args.format == "jsonl":
            out.write(json.dumps(item, ensure_ascii=False) + "\n")
        else:
            import yaml

            out.write("---\n" + yaml.safe_dump(item, allow_unicode=True, sort_keys=False))


if __name__ == "__main__":
    main()
