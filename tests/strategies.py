"""Hypothesis strategies for valid profiles, biased towards SPEC §2's boundaries."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import strategies as st

from oracle import EQUIVALENT, JUDGEMENTS, KEY_DISTRICT, SENIOR

AS_OF = date(2020, 8, 25)
OTHER_TITLES = ["pho_chu_tich_ubnd_huyen", "uy_vien_btv_huyen_uy", "giam_doc_so", "tinh_uy_vien", "bi_thu_tinh_uy"]
TITLES = sorted(KEY_DISTRICT) + sorted(SENIOR) + sorted(EQUIVALENT) + OTHER_TITLES


def near(*anchors: date, spread: int = 3) -> st.SearchStrategy[date]:
    """A day close to one of the anchors (the boundaries), or anywhere in a wide range."""
    close = st.sampled_from(anchors).flatmap(
        lambda a: st.integers(-spread, spread).map(lambda d: a + timedelta(days=d)))
    return st.one_of(close, st.dates(date(1995, 1, 1), date(2021, 12, 31)))


@st.composite
def position(draw, as_of: date):
    title = draw(st.sampled_from(TITLES))
    start = draw(near(as_of, date(as_of.year, 1, 1), date(as_of.year - 1, 12, 31), date(2015, 1, 1)))
    item = {"title": title, "start": start.isoformat()}
    if draw(st.booleans()):
        end = start + timedelta(days=draw(st.sampled_from([0, 1, 30, 364, 365, 366, 800, 2000])
                                          | st.integers(0, 4000)))
        if draw(st.booleans()):  # a stint ending on 1 January or 31 December
            end = date(max(end.year, start.year + 1), 1, 1) if draw(st.booleans()) else date(end.year, 12, 31)
        item["end"] = max(end, start).isoformat()
    return item


@st.composite
def discipline(draw, as_of: date):
    form = draw(st.sampled_from(["khien_trach", "canh_cao", "cach_chuc", "khai_tru"]))
    day = min(as_of.day, 28)  # the same date a year or two earlier (29 February has none)
    anchors = [date(as_of.year - 1, as_of.month, day), date(as_of.year - 2, as_of.month, day),
               date(2019, 8, 31), date(2019, 12, 31), date(2018, 2, 28), as_of]
    decided = draw(near(*anchors))
    item = {"form": form, "decided": decided.isoformat()}
    if draw(st.integers(0, 3)) == 0:
        item["until"] = (decided + timedelta(days=draw(st.integers(0, 900)))).isoformat()
    return item


@st.composite
def profile(draw, number: int = 0, as_of: date = AS_OF):
    gender = draw(st.sampled_from(["male", "female"]))
    birth = draw(near(date(1965, 9, 1), date(1970, 9, 1), spread=2)
                 | st.dates(date(1955, 1, 1), date(1985, 12, 31)))
    years = draw(st.lists(st.integers(2005, as_of.year), unique=True, max_size=12))
    ratings = {str(y): draw(st.sampled_from(["xuat_sac", "hoan_thanh_tot", "hoan_thanh_tot", "hoan_thanh",
                                             "khong_hoan_thanh"])) for y in years}
    planning_choices = [(t, term) for t in ("pho_bi_thu_tinh_uy", "pho_bi_thu_thuong_truc_tinh_uy",
                                            "chu_tich_hdnd_tinh", "chu_tich_ubnd_tinh", "giam_doc_so")
                        for term in ("2020-2025", "2021-2026", "2015-2020")]
    planning = [{"title": t, "term": term} for t, term in
                draw(st.lists(st.sampled_from(planning_choices), max_size=2, unique=True))]
    education = {}
    for key, levels in (("professional", ["trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"]),
                        ("political_theory", ["so_cap", "trung_cap", "cao_cap", "cu_nhan"]),
                        ("state_management", ["chuyen_vien", "chuyen_vien_chinh", "chuyen_vien_cao_cap"])):
        if draw(st.integers(0, 4)) > 0:
            education[key] = draw(st.sampled_from(levels))
    assessments = {}
    for criterion in (*JUDGEMENTS, "tuong-duong"):
        choice = draw(st.sampled_from([None, "met", "met", "not_met"]))
        if choice:
            assessments[criterion] = {"result": choice}
    return {
        "id": f"P-{number:05d}",
        "full_name": "Nguyễn Văn Thử",
        "gender": gender,
        "birth_date": birth.isoformat(),
        "positions": draw(st.lists(position(as_of), max_size=4)),
        "ratings": ratings,
        "planning": planning,
        "education": education,
        "discipline": draw(st.lists(discipline(as_of), max_size=2)),
        "assessments": assessments,
    }
