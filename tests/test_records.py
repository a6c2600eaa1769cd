"""Profiles as personnel records are written (SPEC §2 and §4): partial dates,
Vietnamese words for codes, city-level titles, incomplete records, exceptions,
and the input errors that must not lose data."""

from __future__ import annotations

import copy
import json
import unicodedata

import pytest

from conftest import outcome
from sangloc.engine.commands.main import main
from sangloc.engine.decide.explain import Explainer, record
from sangloc.engine.profile.validate import validate_profile


def _problems(pack, document):
    _, problems = validate_profile(document, pack.profile_context(pack.reference_date))
    return [p.text("en") for p in problems]


def _only_post(base_profile, **post):
    """The base profile with one position only (so that one post decides chu-chot-cap-huyen)."""
    base_profile["positions"] = [{"title": "bi_thu_huyen_uy", **post},
                                 {"title": "uy_vien_btv_tinh_uy", "start": "2015-07-01"}]
    return base_profile


# -- partial dates: every form, and the three-valued reading at the boundaries ---------------

@pytest.mark.parametrize("start,expected", [
    ("2019", "pass"),                 # every day of 2019 is before 25/8/2020
    ("2020", "review"),               # some days of 2020 are, some are not
    ("2021", "fail"),                 # none is
    ("07/2020", "pass"),
    ("08/2020", "review"),            # 1–31 August straddles the 25th
    ("tháng 8/2020", "review"),
    ("09/2020", "fail"),
    ("25/08/2020", "pass"),           # the as-of date itself counts
    ("25/8/2020", "pass"),
    ("26/08/2020", "fail"),
    ("2020-08", "review"),
    ("2020-08-25", "pass"),
    ("không rõ", "pass"),             # a post a biography lists without dates: held before the as-of date
])
def test_a_key_post_start_in_each_form(decide, base_profile, start, expected):
    _only_post(base_profile, start=start, end="nay")
    assert outcome(decide(base_profile), "chu-chot-cap-huyen") == expected


def test_an_open_outcome_names_the_date_to_complete(decide, pack, base_profile):
    _only_post(base_profile, start="2020", org="Huyện ủy Tam Nông")
    decision = decide(base_profile)
    rule = next(o for o in decision.outcomes if o.rule_id == "chu-chot-cap-huyen")
    missing = Explainer(pack, pack.reference_date, "vi").missing(rule)
    assert missing == [{"text": "cần ngày bắt đầu chính xác của chức vụ Bí thư Huyện ủy Tam Nông (hồ sơ ghi: năm 2020)",
                        "kind": "record"}]
    assert decision.verdict == "review"


def test_an_open_key_post_asks_only_for_the_date_the_rule_reads(decide, pack, base_profile):
    """"Has held" reads when a post began, never when it ended: an imprecise end is not asked for."""
    _only_post(base_profile, start="08/2020", end="12/2020", org="Huyện ủy Tam Nông")
    decision = decide(base_profile)
    rule = next(o for o in decision.outcomes if o.rule_id == "chu-chot-cap-huyen")
    texts = [m["text"] for m in Explainer(pack, pack.reference_date, "vi").missing(rule)]
    assert texts == ["cần ngày bắt đầu chính xác của chức vụ Bí thư Huyện ủy Tam Nông (hồ sơ ghi: tháng 8/2020)"]


def test_an_open_performance_also_names_what_else_would_settle_it(decide, pack, base_profile):
    """One senior post with an unknown start, another that lacks one year's rating: either the
    exact start or that rating may settle it, so both are named; an unknown date is said once,
    without brackets in brackets, and sixty unrated years read as one span."""
    base_profile["positions"] = [
        {"title": "bi_thu_huyen_uy", "org": "Huyện ủy A", "start": "2010-01-01", "end": "2015-06-30"},
        {"title": "pho_chu_tich_ubnd_tinh", "org": "UBND tỉnh", "start": "không rõ", "end": "30/06/2015"},
        {"title": "uy_vien_btv_tinh_uy", "start": "2015-07-01"}]
    del base_profile["ratings"][2016]
    decision = decide(base_profile)
    rule = next(o for o in decision.outcomes if o.rule_id == "hoan-thanh-tot-cap-tinh")
    assert rule.outcome == "review" and rule.open_because == "dates"
    ex = Explainer(pack, pack.reference_date, "vi")
    texts = [m["text"] for m in ex.missing(rule)]
    assert texts[0] == "cần ngày bắt đầu chính xác của chức vụ Phó Chủ tịch UBND tỉnh (hồ sơ ghi: ngày không rõ)"
    assert any("năm 2016" in text and "Ủy viên Ban Thường vụ Tỉnh ủy" in text for text in texts[1:]), texts
    reason = ex.reason(rule)
    assert "1945–2014 chưa có" in reason and "1946 chưa có" not in reason


@pytest.mark.parametrize("birth,gender,expected", [
    ("1965", "male", "fail"),         # taken as 01/01/1965, before 01/09/1965
    ("1966", "male", "pass"),
    ("09/1965", "male", "pass"),      # taken as 01/09/1965: the bound itself
    ("08/1965", "male", "fail"),
    ("1970", "female", "fail"),
    ("tháng 9/1970", "female", "pass"),
    ("01/09/1965", "male", "pass"),
    ("31/08/1965", "male", "fail"),
])
def test_a_birth_date_by_year_or_month_is_taken_as_its_first_day(decide, pack, base_profile, birth, gender, expected):
    base_profile.update(birth_date=birth, gender=gender)
    decision = decide(base_profile)
    assert outcome(decision, "do-tuoi") == expected
    if len(birth) < 10:  # the evidence says the day was taken by the rule
        reason = Explainer(pack, pack.reference_date, "vi").reason(
            next(o for o in decision.outcomes if o.rule_id == "do-tuoi"))
        assert "theo quy định, tính là ngày 01/" in reason


@pytest.mark.parametrize("decided,expected", [
    ("2018", "pass"),                 # a 12-month bar from any day of 2018 ends by 31/12/2019
    ("2019", "review"),               # from 01/01/2019 it has ended, from 31/12/2019 it has not
    ("09/2019", "fail"),              # from any day of September 2019 it runs past 25/8/2020
    ("08/2019", "review"),
    ("15/08/2019", "pass"),
    ("26/08/2019", "fail"),
])
def test_a_discipline_decided_in_a_month_or_a_year(decide, base_profile, decided, expected):
    base_profile["discipline"] = [{"form": "cảnh cáo", "decided": decided}]
    assert outcome(decide(base_profile), "ky-luat") == expected


def test_a_senior_stint_with_an_unknown_start_leaves_the_performance_open(decide, base_profile):
    base_profile["positions"][1]["start"] = "không rõ"
    assert outcome(decide(base_profile), "hoan-thanh-tot-cap-tinh") == "review"
    base_profile["positions"][1]["start"] = "2015"  # the ratings of 2015–2019 are all on file
    assert outcome(decide(base_profile), "hoan-thanh-tot-cap-tinh") == "pass"


def test_dates_as_clerks_write_them_give_the_decisions_of_iso_dates(decide, base_profile):
    iso = decide(base_profile)
    written = copy.deepcopy(base_profile)
    written["birth_date"] = "01/01/1968"
    written["positions"][0].update(start="01/01/2010", end="30/06/2015")
    written["positions"][1].update(start="1/7/2015", end="hiện nay")
    assert [(o.rule_id, o.outcome) for o in decide(written).outcomes] == \
        [(o.rule_id, o.outcome) for o in iso.outcomes]


@pytest.mark.parametrize("field,value,words", [
    ("birth_date", "31/02/1970", "is not a real day"),
    ("birth_date", "13/1970", "is not a real day"),
    ("birth_date", "nay", "is not a date"),
    ("birth_date", "không rõ", "is not a date"),
    ("birth_date", 19700101, "is not a date"),
    ("birth_date", "1970/01/01", "is not a date"),
    # found by a probe: month 0, years no record holds, digits of other scripts, a birth after the as-of date
    ("birth_date", "tháng 0/2016", "is not a real day"),
    ("birth_date", "00/1970", "is not a real day"),
    ("birth_date", "9999-12-31", "the year must be from 1900 to 2100"),
    ("birth_date", "0001-01-01", "the year must be from 1900 to 2100"),
    ("birth_date", "１９６８-05-12", "is not a date"),
    ("birth_date", "2021", "born 2021, after the as-of date 2020-08-25"),
    ("birth_date", "26/08/2020", "born 2020-08-26, after the as-of date 2020-08-25"),
])
def test_dates_outside_the_accepted_forms(pack, base_profile, field, value, words):
    base_profile[field] = value
    problems = _problems(pack, base_profile)
    assert len(problems) == 1 and problems[0].startswith(field) and words in problems[0], problems


@pytest.mark.parametrize("field,value,words", [
    ("full_name", "Nguyễn\u200bVăn Hùng", "contains control or invisible characters"),
    ("full_name", "Nguyễn Văn\u00adHùng", "contains control or invisible characters"),
    ("full_name", "\u3164", "contains control or invisible characters"),
    ("id", "DT\u3164-1", "profile id"),
], ids=["zero-width space", "soft hyphen", "a filler alone", "a filler in the id"])
def test_characters_that_print_as_nothing_are_refused(pack, base_profile, field, value, words):
    """Found by a probe: a name or an id holding them reads as another on paper."""
    base_profile[field] = value
    problems = _problems(pack, base_profile)
    assert len(problems) == 1 and problems[0].startswith(field) and words in problems[0], problems


def test_a_field_name_that_is_not_text_is_said_in_words(pack, base_profile):
    base_profile[1] = "a"
    assert _problems(pack, base_profile) == ["1: a field name must be text (a slip of the keyboard?)"]


def test_an_end_before_its_start_only_when_it_is_for_every_day(pack, base_profile):
    base_profile["positions"][0].update(start="2015", end="06/2015")  # may be after the start
    assert _problems(pack, base_profile) == []
    base_profile["positions"][0].update(start="07/2015", end="2014")
    assert _problems(pack, base_profile) == ["positions[0].end: 2014 is before the start, 2015-07"]


# -- words for codes --------------------------------------------------------------------------

def test_a_profile_in_the_words_of_the_personnel_record(decide, base_profile):
    coded = decide(base_profile)
    worded = copy.deepcopy(base_profile)
    worded.update(gender="Nam")
    worded["ratings"] = {year: {"xuat_sac": "Hoàn thành xuất sắc nhiệm vụ", "hoan_thanh_tot": "HTTNV"}[rating]
                         for year, rating in base_profile["ratings"].items()}
    worded["education"] = {"professional": "Đại học", "political_theory": "Cao cấp", "state_management": "CVCC"}
    worded["positions"][0]["title"] = "Bí thư Huyện uỷ"  # the tone mark where older keyboards put it
    worded["positions"][1]["title"] = "UVBTV Tỉnh ủy"
    worded["assessments"] = {"Tuyệt đối trung thành": "đạt", **{k: "Đạt" for k in base_profile["assessments"]
                                                                 if k != "trung-thanh"}}
    assert [(o.rule_id, o.outcome) for o in decide(worded).outcomes] == \
        [(o.rule_id, o.outcome) for o in coded.outcomes]


@pytest.mark.parametrize("group,written,code", [
    ("professional", "Thạc sỹ", "thac_si"), ("professional", "ThS.", "thac_si"), ("professional", "TS", "tien_si"),
    ("political_theory", "Cử nhân", "cu_nhan"), ("state_management", "Chuyên viên chính", "chuyen_vien_chinh"),
    ("rating", "HTXSNV", "xuat_sac"), ("rating", "không hoàn thành nhiệm vụ", "khong_hoan_thanh"),
    ("discipline", "Khiển trách", "khien_trach"), ("gender", "NỮ", "female"), ("result", "không đạt", "not_met"),
])
def test_each_code_by_its_words(pack, group, written, code):
    assert pack.catalog.words[group].resolve(written) == code


def test_an_unknown_word_lists_the_accepted_words(runner, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("id: W-1\nfull_name: Thử\ngender: Nam\nbirth_date: 1970\n"
                    "education: {professional: Kỹ thuật viên}\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path)])
    assert result.exit_code == 2
    assert ("Trình độ chuyên môn: 'Kỹ thuật viên' không phải giá trị được chấp nhận; ghi một trong: "
            "trung cấp, cao đẳng, đại học, thạc sĩ, tiến sĩ") in result.stderr


# -- titles of the centrally-governed cities ----------------------------------------------

@pytest.mark.parametrize("org,expected", [
    ("Thành ủy Hà Nội", "pass"),           # a centrally-governed city: planned like Phó Bí thư Tỉnh ủy
    ("Thành ủy Thành phố Hồ Chí Minh", "pass"),
    ("Thành ủy Vinh", "fail"),             # a city under a province: a district post
])
def test_planning_for_phó_bí_thư_thành_ủy(decide, base_profile, org, expected):
    base_profile["planning"] = [{"title": "Phó Bí thư Thành ủy", "term": "2020 - 2025", "org": org}]
    assert outcome(decide(base_profile), "quy-hoach") == expected


@pytest.mark.parametrize("org,expected", [
    ("Thành ủy Đà Nẵng", "fail"),          # province level: not a key district post
    ("Thành ủy Thái Nguyên", "pass"),      # district level: a key district post
    ("Thành ủy Thủ Đức, Thành phố Hồ Chí Minh", "pass"),  # a city under a centrally-governed city
])
def test_a_past_post_as_phó_bí_thư_thành_ủy(decide, base_profile, org, expected):
    base_profile["positions"][0] = {"title": "Phó Bí thư Thành ủy", "org": org, "start": "2010-01-01",
                                    "end": "2015-06-30"}
    assert outcome(decide(base_profile), "chu-chot-cap-huyen") == expected


@pytest.mark.parametrize("title,org", [
    ("Phó Bí thư Thành ủy", None), ("Chủ tịch UBND thành phố", None), ("Ủy viên Ban Thường vụ Thành ủy", "Thành ủy"),
])
def test_an_ambiguous_title_without_a_place_names_both_readings(pack, base_profile, title, org):
    base_profile["positions"][0] = {"title": title, "start": "2010-01-01", **({"org": org} if org else {})}
    problems = _problems(pack, base_profile)
    assert len(problems) == 1, problems
    assert problems[0].startswith("positions[0].title:") and "province level" in problems[0] \
        and "district level" in problems[0] and "org" in problems[0]


@pytest.mark.parametrize("title,category", [
    ("Bí thư Quận ủy", "key_district"), ("Chủ tịch UBND quận", "key_district"),
    ("Phó Chủ tịch Thường trực UBND tỉnh", "provincial_senior"),
    ("Phó Chủ tịch Thường trực HĐND tỉnh", "provincial_senior"),
    ("Chánh Văn phòng Tỉnh ủy", "provincial_equivalent"),
    ("Trưởng Ban Pháp chế HĐND tỉnh", None), ("Bí thư Tỉnh đoàn", None), ("Giám đốc Công an tỉnh", None),
    ("Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh", None), ("Giám đốc Sở Tài chính", None),
])
def test_common_posts_are_in_the_catalog(pack, title, category):
    code = pack.catalog.resolve(title).code
    assert pack.catalog.title(code).category == category


def test_every_category_says_why(pack):
    for title in pack.catalog.titles.values():
        if title.category is not None:
            assert title.basis, title.code


def test_a_title_joining_two_posts_asks_for_one_entry_each(pack, base_profile):
    base_profile["positions"][1]["title"] = "Ủy viên BTV Tỉnh ủy, Trưởng Ban Tuyên giáo"
    problems = _problems(pack, base_profile)
    assert len(problems) == 1 and "joins several posts" in problems[0] and "one entry per post" in problems[0]


# -- incomplete career records ------------------------------------------------------------

def test_an_incomplete_record_turns_an_absence_into_a_question(decide, pack, base_profile):
    base_profile["positions"] = [base_profile["positions"][1]]  # no key district post on file
    assert outcome(decide(base_profile), "chu-chot-cap-huyen") == "fail"
    base_profile["record_complete"] = False
    decision = decide(base_profile)
    rule = next(o for o in decision.outcomes if o.rule_id == "chu-chot-cap-huyen")
    assert rule.outcome == "review"
    missing = Explainer(pack, pack.reference_date, "vi").missing(rule)
    assert missing[0]["kind"] == "record" and missing[0]["text"].startswith("hồ sơ chưa đầy đủ: cần xác minh")


def test_an_incomplete_record_still_decides_on_what_it_holds(decide, base_profile):
    base_profile["record_complete"] = False
    base_profile["positions"][0].update(start="2021-01-01", end=None)  # a key post, after the as-of date
    assert outcome(decide(base_profile), "chu-chot-cap-huyen") == "fail"
    base_profile["positions"] = [base_profile["positions"][0]]  # no provincial stint at all
    assert outcome(decide(base_profile), "hoan-thanh-tot-cap-tinh") == "review"
    base_profile["planning"] = []  # absence of a planning entry is not read this way
    assert outcome(decide(base_profile), "quy-hoach") == "fail"


# -- exceptions approved by a higher body -------------------------------------------------

EXCEPTION = {"rule": "chu-chot-cap-huyen", "by": "Bộ Chính trị", "document": "Thông báo số 123-TB/TW",
             "date": "15/07/2020", "note": "Đồng ý giới thiệu dù chưa kinh qua chủ chốt cấp huyện"}


def test_an_approved_exception_passes_the_rule_and_says_so(runner, tmp_path, base_profile):
    base_profile["positions"] = [base_profile["positions"][1]]
    base_profile["exceptions"] = [EXCEPTION]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(base_profile, ensure_ascii=False), encoding="utf-8")
    report = json.loads(runner.invoke(main, ["screen", str(path), "--format", "json"]).stdout)
    rule = next(r for r in report["results"][0]["rules"] if r["id"] == "chu-chot-cap-huyen")
    assert rule["outcome"] == "pass" and rule["reason"].startswith("Đạt theo ngoại lệ")
    assert rule["exception"] == {"rule": "chu-chot-cap-huyen", "by": "Bộ Chính trị", "body": "bo_chinh_tri",
                                 "document": "Thông báo số 123-TB/TW", "date": "2020-07-15",
                                 "note": EXCEPTION["note"], "used": True}
    assert report["results"][0]["verdict"] == "eligible"
    explained = runner.invoke(main, ["explain", base_profile["id"], str(path)]).stdout
    assert "Đạt theo ngoại lệ được Bộ Chính trị chấp thuận (Thông báo số 123-TB/TW ngày 15/7/2020)" in explained


def test_an_exception_to_a_rule_that_passes_anyway_is_kept_unused(decide, pack, base_profile):
    base_profile["exceptions"] = [EXCEPTION]
    decision = decide(base_profile)
    data = record(decision, Explainer(pack, pack.reference_date, "vi"))
    rule = next(r for r in data["rules"] if r["id"] == "chu-chot-cap-huyen")
    assert rule["outcome"] == "pass" and rule["exception"]["used"] is False
    assert rule["reason"].startswith("Đã kinh qua chức vụ Bí thư Huyện ủy")


@pytest.mark.parametrize("change,words", [
    ({"rule": "trinh-do"}, "admits no exception"),
    ({"rule": "trung-thanh"}, "admits no exception"),
    ({"rule": "chu-chot"}, "there is no rule 'chu-chot' in pack pho-bi-thu-tinh-uy-2020"),
    ({"by": "Ban Tổ chức Trung ương"}, "does not count for this rule; only: Bộ Chính trị, Ban Bí thư"),
    ({"date": "26/08/2020"}, "dated after the as-of date"),
    ({"date": "07/2020"}, "a full date is needed"),
])
def test_an_exception_the_pack_does_not_admit_is_an_input_error(pack, base_profile, change, words):
    base_profile["exceptions"] = [{**EXCEPTION, **change}]
    problems = _problems(pack, base_profile)
    assert len(problems) == 1 and problems[0].startswith("exceptions[0].") and words in problems[0], problems


def test_an_exception_named_by_the_criterion_title(decide, base_profile):
    base_profile["positions"] = [base_profile["positions"][1]]
    base_profile["exceptions"] = [{**EXCEPTION, "rule": "Đã kinh qua lãnh đạo chủ chốt cấp huyện", "by": "Ban Bí thư"}]
    assert outcome(decide(base_profile), "chu-chot-cap-huyen") == "pass"


# -- nothing lost -------------------------------------------------------------------------

@pytest.mark.parametrize("ratings", [
    {2017: "hoan_thanh_tot", "2017": "hoan_thanh"},
    {"2017": "hoan_thanh_tot", "02017": "hoan_thanh"},
    {"2017": "hoan_thanh_tot", "２０１７": "hoan_thanh"},  # full-width digits
])
def test_a_rating_year_written_twice_in_two_spellings(pack, base_profile, ratings):
    base_profile["ratings"] = ratings
    problems = _problems(pack, base_profile)
    assert len(problems) == 1 and "year 2017 is given twice" in problems[0], problems


@pytest.mark.parametrize("profile_id", ["DT-0001\n", " DT-0001", "DT 0001", "DT-0001\u200f"])
def test_an_id_must_match_the_pattern_as_a_whole(pack, base_profile, profile_id):
    base_profile["id"] = profile_id
    problems = _problems(pack, base_profile)
    assert problems and problems[0].startswith("id:"), problems


def test_an_id_typed_in_another_normal_form_is_the_same_id(runner, tmp_path, base_profile):
    nfc = dict(base_profile, id=unicodedata.normalize("NFC", "Ệ-0001"))
    nfd = dict(base_profile, id=unicodedata.normalize("NFD", "Ệ-0001"))
    (tmp_path / "a.json").write_text(json.dumps(nfc, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "b.json").write_text(json.dumps(nfd, ensure_ascii=False), encoding="utf-8")
    report = json.loads(runner.invoke(main, ["screen", str(tmp_path), "--format", "json"]).stdout)
    assert report["results"] == [] and len(report["invalid"]) == 2


def test_the_same_finding_under_its_id_and_its_title(pack, base_profile):
    base_profile["assessments"]["Tuyệt đối trung thành"] = "không đạt"
    problems = _problems(pack, base_profile)
    assert len(problems) == 1 and "already recorded as 'trung-thanh'" in problems[0]


def test_bounds_on_entries_per_profile(pack, base_profile):
    base_profile["positions"] = [base_profile["positions"][0]] * 101
    assert _problems(pack, base_profile) == ["positions: more than 100 entries"]


def test_numbers_in_yaml_are_read_as_a_clerk_means_them(runner, tmp_path):
    """Found by a probe: YAML 1.1 read an unquoted 02017 as octal 1039, and 0b11110110000 or 1_968 as 1968."""
    base = "id: X-1\nfull_name: Nguyễn Văn Thử\ngender: Nam\nbirth_date: {birth}\nratings:\n  {year}: HTTNV\n"
    (tmp_path / "a.yaml").write_text(base.format(birth="1968", year="02017"), encoding="utf-8")
    read = runner.invoke(main, ["validate", str(tmp_path / "a.yaml"), "--format", "json"])
    assert read.exit_code == 0, read.output
    (tmp_path / "a.yaml").write_text(base.format(birth="1968", year="02017") + "  2017: HTNV\n", encoding="utf-8")
    twice = runner.invoke(main, ["validate", str(tmp_path / "a.yaml"), "--lang", "en"])
    assert twice.exit_code == 2 and "'2017'" in twice.stderr, twice.output
    for birth in ("0b11110110000", "1_968", "0x7B0"):
        (tmp_path / "a.yaml").write_text(base.format(birth=birth, year="2017"), encoding="utf-8")
        refused = runner.invoke(main, ["validate", str(tmp_path / "a.yaml"), "--lang", "en"])
        assert refused.exit_code == 2 and f"'{birth}' is not a date" in refused.stderr, refused.output
