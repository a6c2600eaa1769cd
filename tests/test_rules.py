"""Every outcome of every rule of the default pack, boundaries included (SPEC §2).

Each test starts from a profile that passes everything and changes one
thing, then reads the decision through the engine API.
"""

from __future__ import annotations

from datetime import date

import pytest

from conftest import outcome
from sangloc.engine.decide.facts import add_months

JUDGEMENTS = ("trung-thanh", "trinh-do-toan-dien", "nam-chac-tinh-hinh", "am-hieu-xay-dung-dang",
              "uy-tin-doan-ket", "nang-luc-cu-the-hoa", "nang-luc-chi-dao-tham-muu", "kinh-nghiem-lanh-dao")


def test_base_profile_is_eligible(decide, base_profile):
    decision = decide(base_profile)
    assert decision.verdict == "eligible"
    assert {o.outcome for o in decision.outcomes} == {"pass"}
    assert len(decision.outcomes) == 15


# -- quy-hoach -----------------------------------------------------------

@pytest.mark.parametrize("title,term,expected", [
    ("pho_bi_thu_tinh_uy", "2020-2025", "pass"),
    ("pho_bi_thu_thuong_truc_tinh_uy", "2020-2025", "pass"),
    ("chu_tich_hdnd_tinh", "2021-2026", "pass"),
    ("chu_tich_ubnd_tinh", "2021-2026", "pass"),
    ("Phó Bí thư Tỉnh ủy", "2020 - 2025", "pass"),
    ("pho_bi_thu_tinh_uy", "2020–2025", "pass"),
    ("chu_tich_ubnd_tinh", "2020-2025", "fail"),
    ("pho_bi_thu_tinh_uy", "2021-2026", "fail"),
    ("pho_bi_thu_tinh_uy", "2015-2020", "fail"),
    ("giam_doc_so", "2020-2025", "fail"),
    ("bi_thu_tinh_uy", "2020-2025", "fail"),
])
def test_quy_hoach(decide, base_profile, title, term, expected):
    base_profile["planning"] = [{"title": title, "term": term}]
    assert outcome(decide(base_profile), "quy-hoach") == expected


def test_quy_hoach_without_planning_fails_and_says_none_found(decide, base_profile):
    base_profile["planning"] = []
    decision = decide(base_profile)
    rule = next(o for o in decision.outcomes if o.rule_id == "quy-hoach")
    assert rule.outcome == "fail" and rule.evidence == []
    assert decision.verdict == "ineligible"


def test_quy_hoach_failure_cites_what_the_profile_has(decide, base_profile):
    base_profile["planning"] = [{"title": "giam_doc_so", "term": "2020-2025", "decision": "QĐ 7"}]
    rule = next(o for o in decide(base_profile).outcomes if o.rule_id == "quy-hoach")
    assert rule.evidence == [{"fact": "planning", "path": "planning[0]", "title": "giam_doc_so",
                              "label": "Giám đốc Sở", "term": "2020-2025", "org": None, "decision": "QĐ 7"}]


# -- chu-chot-cap-huyen --------------------------------------------------

@pytest.mark.parametrize("title,start,end,expected", [
    ("bi_thu_huyen_uy", "2010-01-01", "2015-06-30", "pass"),
    ("pho_bi_thu_huyen_uy", "2010-01-01", None, "pass"),
    ("chu_tich_hdnd_huyen", "2019-01-01", "2019-01-02", "pass"),
    ("chu_tich_ubnd_huyen", "2012-05-01", "2014-05-01", "pass"),
    ("Bí thư Thị ủy", "2012-05-01", "2014-05-01", "pass"),
    ("  phó BÍ THƯ   thành ủy thuộc tỉnh ", "2012-05-01", "2014-05-01", "pass"),
    ("bi_thu_huyen_uy", "2020-08-25", None, "pass"),   # started on the as-of date
    ("bi_thu_huyen_uy", "2020-08-26", None, "fail"),   # the day after
    ("pho_chu_tich_ubnd_huyen", "2010-01-01", "2015-01-01", "fail"),
    ("uy_vien_btv_huyen_uy", "2010-01-01", "2015-01-01", "fail"),
])
def test_chu_chot_cap_huyen(decide, base_profile, title, start, end, expected):
    base_profile["positions"][0] = {"title": title, "start": start, "end": end}
    assert outcome(decide(base_profile), "chu-chot-cap-huyen") == expected


def test_tone_mark_placement_is_ignored(decide, base_profile):
    base_profile["positions"][1]["title"] = "Uỷ viên Ban Thường vụ Tỉnh uỷ"  # old-style tone marks
    assert outcome(decide(base_profile), "hoan-thanh-tot-cap-tinh") == "pass"


# -- hoan-thanh-tot-cap-tinh ---------------------------------------------

def _senior(decide, profile, positions, ratings, as_of=None, assessments=None):
    profile["positions"] = [profile["positions"][0], *positions]
    profile["ratings"] = ratings
    if assessments is not None:
        profile["assessments"].update(assessments)
    decision = decide(profile, as_of)
    return next(o for o in decision.outcomes if o.rule_id == "hoan-thanh-tot-cap-tinh")


GOOD = {2016: "hoan_thanh_tot", 2017: "xuat_sac", 2018: "hoan_thanh_tot", 2019: "hoan_thanh_tot"}


@pytest.mark.parametrize("title", ["uy_vien_btv_tinh_uy", "pho_chu_tich_hdnd_tinh", "pho_chu_tich_ubnd_tinh"])
def test_senior_post_rated_good_every_year_passes(decide, base_profile, title):
    rule = _senior(decide, base_profile, [{"title": title, "start": "2016-01-01"}], GOOD)
    assert rule.outcome == "pass"
    assert [r["year"] for r in rule.evidence[0]["ratings"]] == [2016, 2017, 2018, 2019]


@pytest.mark.parametrize("bad", ["hoan_thanh", "khong_hoan_thanh"])
def test_one_bad_year_fails(decide, base_profile, bad):
    rule = _senior(decide, base_profile, [{"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}],
                   {**GOOD, 2018: bad})
    assert rule.outcome == "fail"
    assert {"year": 2018, "rating": bad} in rule.evidence[0]["ratings"]


def test_missing_rating_is_review(decide, base_profile):
    ratings = {y: r for y, r in GOOD.items() if y != 2017}
    rule = _senior(decide, base_profile, [{"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}], ratings)
    assert rule.outcome == "review"
    assert {"year": 2017, "rating": None} in rule.evidence[0]["ratings"]


def test_bad_year_outweighs_a_missing_one_in_the_same_stint(decide, base_profile):
    rule = _senior(decide, base_profile, [{"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}],
                   {2016: "hoan_thanh", 2018: "hoan_thanh_tot", 2019: "hoan_thanh_tot"})
    assert rule.outcome == "fail"


def test_as_of_year_is_not_a_rated_year(decide, base_profile):
    # Started in the as-of year: no rated year yet, whatever 2020's rating says.
    rule = _senior(decide, base_profile, [{"title": "uy_vien_btv_tinh_uy", "start": "2020-01-01"}],
                   {2020: "xuat_sac"})
    assert rule.outcome == "review"
    rule = _senior(decide, base_profile, [{"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}],
                   {**GOOD, 2020: "khong_hoan_thanh"})
    assert rule.outcome == "pass"


def test_stint_ending_on_first_of_january_overlaps_that_year(decide, base_profile):
    stint = [{"title": "uy_vien_btv_tinh_uy", "start": "2016-03-01", "end": "2019-01-01"}]
    assert _senior(decide, base_profile, stint, GOOD).outcome == "pass"
    assert _senior(decide, base_profile, stint, {**GOOD, 2019: "hoan_thanh"}).outcome == "fail"
    missing_2019 = {y: r for y, r in GOOD.items() if y != 2019}
    assert _senior(decide, base_profile, stint, missing_2019).outcome == "review"
    # Ending on 31 December 2018 it does not reach 2019 at all.
    stint = [{"title": "uy_vien_btv_tinh_uy", "start": "2016-03-01", "end": "2018-12-31"}]
    assert _senior(decide, base_profile, stint, {**GOOD, 2019: "hoan_thanh"}).outcome == "pass"


def test_later_as_of_date_adds_rated_years(decide, base_profile):
    stint = [{"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}]
    assert _senior(decide, base_profile, stint, GOOD, as_of=date(2021, 3, 1)).outcome == "review"  # 2020 unrated


def test_post_starting_after_as_of_is_not_a_stint(decide, base_profile):
    stint = [{"title": "uy_vien_btv_tinh_uy", "start": "2020-08-26"}]
    rule = _senior(decide, base_profile, stint, GOOD)
    assert rule.outcome == "fail" and rule.evidence == []


def test_equivalent_post_needs_the_boards_confirmation(decide, base_profile):
    stint = [{"title": "truong_ban_to_chuc_tinh_uy", "start": "2016-01-01"}]
    assert _senior(decide, dict(base_profile, assessments=dict(base_profile["assessments"])), stint, GOOD).outcome == "review"
    met = _senior(decide, base_profile, stint, GOOD, assessments={"tuong-duong": {"result": "met"}})
    assert met.outcome == "pass"
    assert {e["fact"] for e in met.evidence} == {"position", "assessment"}


def test_equivalent_post_declared_not_equivalent_stays_review(decide, base_profile):
    stint = [{"title": "chu_tich_ubmttq_tinh", "start": "2016-01-01"}]
    rule = _senior(decide, base_profile, stint, GOOD, assessments={"tuong-duong": {"result": "not_met"}})
    assert rule.outcome == "review"


def test_equivalent_post_with_a_bad_year_fails(decide, base_profile):
    stint = [{"title": "chu_nhiem_ubkt_tinh_uy", "start": "2016-01-01"}]
    rule = _senior(decide, base_profile, stint, {**GOOD, 2017: "hoan_thanh"},
                   assessments={"tuong-duong": {"result": "met"}})
    assert rule.outcome == "fail"


def test_any_good_stint_passes_despite_a_bad_one(decide, base_profile):
    stints = [{"title": "pho_chu_tich_ubnd_tinh", "start": "2012-01-01", "end": "2013-12-31"},
              {"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}]
    rule = _senior(decide, base_profile, stints, {2012: "hoan_thanh", 2013: "hoan_thanh_tot", **GOOD})
    assert rule.outcome == "pass"
    assert [e["path"] for e in rule.evidence] == ["positions[2]"]


def test_unknown_stint_beside_a_bad_one_is_review(decide, base_profile):
    stints = [{"title": "pho_chu_tich_ubnd_tinh", "start": "2012-01-01", "end": "2013-12-31"},
              {"title": "uy_vien_btv_tinh_uy", "start": "2016-01-01"}]
    rule = _senior(decide, base_profile, stints, {2012: "hoan_thanh", 2013: "hoan_thanh_tot", 2016: "xuat_sac"})
    assert rule.outcome == "review"


def test_no_provincial_post_fails(decide, base_profile):
    rule = _senior(decide, base_profile, [{"title": "giam_doc_so", "start": "2016-01-01"}], GOOD)
    assert rule.outcome == "fail" and rule.evidence == []


# -- do-tuoi ---------------------------------------------------------------

@pytest.mark.parametrize("gender,birth,expected", [
    ("male", "1965-09-01", "pass"),
    ("male", "1965-08-31", "fail"),
    ("male", "1970-01-01", "pass"),
    ("female", "1970-09-01", "pass"),
    ("female", "1970-08-31", "fail"),
    ("female", "1968-01-01", "fail"),
])
def test_do_tuoi(decide, base_profile, gender, birth, expected):
    base_profile.update(gender=gender, birth_date=birth)
    assert outcome(decide(base_profile), "do-tuoi") == expected


# -- trinh-do ----------------------------------------------------------------

@pytest.mark.parametrize("education,expected", [
    ({"professional": "dai_hoc", "political_theory": "cao_cap"}, "pass"),
    ({"professional": "thac_si", "political_theory": "cu_nhan"}, "pass"),
    ({"professional": "tien_si", "political_theory": "cao_cap"}, "pass"),
    ({"professional": "cao_dang", "political_theory": "cao_cap"}, "fail"),
    ({"professional": "trung_cap", "political_theory": "cao_cap"}, "fail"),
    ({"professional": "dai_hoc", "political_theory": "trung_cap"}, "fail"),
    ({"professional": "dai_hoc", "political_theory": "so_cap"}, "fail"),
    ({"professional": "dai_hoc"}, "review"),
    ({"political_theory": "cao_cap"}, "review"),
    ({}, "review"),
    (None, "review"),
    ({"professional": "trung_cap"}, "fail"),          # a recorded level below wins over a missing one
    ({"political_theory": "trung_cap"}, "fail"),
])
def test_trinh_do(decide, base_profile, education, expected):
    base_profile["education"] = education
    assert outcome(decide(base_profile), "trinh-do") == expected


# -- ky-luat -----------------------------------------------------------------

@pytest.mark.parametrize("entry,expected", [
    ({"form": "khien_trach", "decided": "2019-08-24"}, "pass"),   # bar ended the day before as-of
    ({"form": "khien_trach", "decided": "2019-08-25"}, "pass"),   # bar ends on the as-of date
    ({"form": "khien_trach", "decided": "2019-08-26"}, "fail"),   # bar ends the day after
    ({"form": "canh_cao", "decided": "2019-08-26"}, "fail"),
    ({"form": "canh_cao", "decided": "2019-08-25"}, "pass"),
    ({"form": "cach_chuc", "decided": "2018-08-26"}, "fail"),     # 24 months
    ({"form": "cach_chuc", "decided": "2018-08-25"}, "pass"),
    ({"form": "khien_trach", "decided": "2020-01-01", "until": "2020-08-25"}, "pass"),
    ({"form": "khien_trach", "decided": "2020-01-01", "until": "2020-08-26"}, "fail"),
    ({"form": "khien_trach", "decided": "2018-01-01", "until": "2021-01-01"}, "fail"),  # until wins over the bar
    ({"form": "canh_cao", "decided": "2020-08-25"}, "fail"),      # decided on the as-of date
    ({"form": "canh_cao", "decided": "2020-08-26"}, "pass"),      # not yet decided on the as-of date
    ({"form": "khai_tru", "decided": "2001-01-01"}, "fail"),
    ({"form": "khai_tru", "decided": "2001-01-01", "until": "2002-01-01"}, "fail"),
])
def test_ky_luat(decide, base_profile, entry, expected):
    base_profile["discipline"] = [entry]
    assert outcome(decide(base_profile), "ky-luat") == expected


def test_ky_luat_month_end_is_clamped(decide, base_profile):
    base_profile["discipline"] = [{"form": "khien_trach", "decided": "2019-08-31"}]
    rule = next(o for o in decide(base_profile).outcomes if o.rule_id == "ky-luat")
    assert rule.outcome == "fail" and rule.evidence[0]["effect_end"] == "2020-08-31"
    base_profile["discipline"] = [{"form": "canh_cao", "decided": "2019-12-31"}]
    assert outcome(decide(base_profile, date(2020, 12, 30)), "ky-luat") == "fail"
    assert outcome(decide(base_profile, date(2020, 12, 31)), "ky-luat") == "pass"


@pytest.mark.parametrize("start,months,end", [
    (date(2019, 8, 31), 12, date(2020, 8, 31)),
    (date(2019, 12, 31), 2, date(2020, 2, 29)),
    (date(2019, 1, 31), 1, date(2019, 2, 28)),
    (date(2018, 11, 30), 24, date(2020, 11, 30)),
])
def test_calendar_months(start, months, end):
    assert add_months(start, months) == end


def test_no_discipline_passes_and_cites_nothing(decide, base_profile):
    rule = next(o for o in decide(base_profile).outcomes if o.rule_id == "ky-luat")
    assert rule.outcome == "pass" and rule.evidence == []


# -- quan-ly-nha-nuoc (advisory) --------------------------------------------

@pytest.mark.parametrize("level,expected", [
    ("chuyen_vien_cao_cap", "pass"), ("chuyen_vien_chinh", "review"), ("chuyen_vien", "review"), (None, "review"),
])
def test_quan_ly_nha_nuoc_never_fails(decide, base_profile, level, expected):
    base_profile["education"]["state_management"] = level
    decision = decide(base_profile)
    assert outcome(decision, "quan-ly-nha-nuoc") == expected
    assert decision.verdict == ("eligible" if expected == "pass" else "review")


# -- judgements ----------------------------------------------------------------

@pytest.mark.parametrize("criterion", JUDGEMENTS)
@pytest.mark.parametrize("record,expected,verdict", [
    ({"result": "met"}, "pass", "eligible"),
    ({"result": "not_met", "by": "Ban Thường vụ Tỉnh ủy"}, "fail", "ineligible"),
    (None, "review", "review"),
])
def test_judgement(decide, base_profile, criterion, record, expected, verdict):
    if record is None:
        del base_profile["assessments"][criterion]
    else:
        base_profile["assessments"][criterion] = record
    decision = decide(base_profile)
    assert outcome(decision, criterion) == expected
    assert decision.verdict == verdict


def test_verdict_lists_every_failing_and_pending_rule(decide, base_profile):
    base_profile.update(birth_date="1960-01-01", planning=[], education={"professional": "dai_hoc"})
    del base_profile["assessments"]["trung-thanh"]
    decision = decide(base_profile)
    assert decision.verdict == "ineligible"
    assert [o.rule_id for o in decision.failing()] == ["quy-hoach", "do-tuoi"]
    assert [o.rule_id for o in decision.pending()] == ["trinh-do", "quan-ly-nha-nuoc", "trung-thanh"]
