"""The rule pack is data: strictly validated, quoting its sources verbatim,
parameterised so that a bound changes by editing YAML."""

from __future__ import annotations

import json
import shutil

import pytest

from sangloc.engine.commands.main import main
from conftest import ROOT
from sangloc.engine.pack.load import load_pack
from sangloc.engine.errors import RulePackError

PACK_DIR = ROOT / "rules" / "pho-bi-thu-tinh-uy-2020"


@pytest.fixture
def pack_copy(tmp_path):
    target = tmp_path / "pack"
    shutil.copytree(PACK_DIR, target)
    return target


def _edit(folder, old: str, new: str, name: str = "pack.yaml") -> None:
    path = folder / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_default_pack_has_every_rule_of_the_spec(pack):
    assert [r.id for r in pack.rules] == [
        "quy-hoach", "chu-chot-cap-huyen", "hoan-thanh-tot-cap-tinh", "do-tuoi", "trinh-do", "ky-luat",
        "quan-ly-nha-nuoc", "trung-thanh", "trinh-do-toan-dien", "nam-chac-tinh-hinh", "am-hieu-xay-dung-dang",
        "uy-tin-doan-ket", "nang-luc-cu-the-hoa", "nang-luc-chi-dao-tham-muu", "kinh-nghiem-lanh-dao"]
    assert "tuong-duong" in pack.assessment_ids()
    assert pack.reference_date.isoformat() == "2020-08-25"
    for rule in pack.rules:
        assert rule.title.vi and rule.title.en and rule.sources


def test_article_quotes_are_verbatim(pack):
    article = " ".join((PACK_DIR / "source-article.txt").read_text(encoding="utf-8").split())
    quoted = [s.quote for r in pack.rules for s in r.sources if s.document == "bai-bao"]
    assert len(quoted) == 11
    for quote in quoted:
        assert " ".join(quote.split()) in article


def test_a_misquote_stops_the_pack(pack_copy):
    _edit(pack_copy, 'quote: "đã kinh qua lãnh đạo chủ chốt cấp huyện"', 'quote: "đã kinh qua lãnh đạo cấp huyện"')
    with pytest.raises(RulePackError) as caught:
        load_pack(str(pack_copy))
    assert "quote not found verbatim" in caught.value.text("en")


def test_digest_is_stable_and_follows_content(pack, pack_copy):
    assert load_pack(str(pack_copy)).digest == pack.digest
    _edit(pack_copy, 'min_birth_date_male: "1965-09-01"', 'min_birth_date_male: "1966-09-01"')
    assert load_pack(str(pack_copy)).digest != pack.digest


def test_changing_a_bound_is_an_edit_of_yaml(runner, pack_copy):
    _edit(pack_copy, 'min_birth_date_male: "1965-09-01"', 'min_birth_date_male: "1968-01-01"')
    result = runner.invoke(main, ["screen", str(ROOT / "profiles"), "--rules", str(pack_copy), "--format", "json"])
    by_id = {r["profile_id"]: r for r in json.loads(result.stdout)["results"]}
    age = {pid: next(x["outcome"] for x in r["rules"] if x["id"] == "do-tuoi") for pid, r in by_id.items()}
    assert age["DT-0001"] == "fail"      # born 1967-03-14
    assert age["DT-0009"] == "pass"      # born 1968-10-03


def test_changing_a_title_set_is_an_edit_of_yaml(runner, pack_copy):
    _edit(pack_copy, "state_planning_titles: [chu_tich_hdnd_tinh, chu_tich_ubnd_tinh]",
          "state_planning_titles: [chu_tich_hdnd_tinh]")
    result = runner.invoke(main, ["screen", str(ROOT / "profiles"), "--rules", str(pack_copy), "--format", "json"])
    by_id = {r["profile_id"]: r for r in json.loads(result.stdout)["results"]}
    assert by_id["DT-0002"]["verdict"] == "ineligible"   # planned for chu_tich_ubnd_tinh


@pytest.mark.parametrize("old,new,words", [
    ("kind: requirement", "kind: requirment", "rules[0].kind"),
    ("    otherwise: fail\n", "    otherwise: fail\n    otherwize: pass\n", "unknown key 'otherwize'"),
    ("where: {gender: male,", "where: {sex: male,", "fact 'person' has no field 'sex'"),
    ("start: {lte: {param: as_of}}", "start: {lte: {param: as_off}}", "unknown parameter 'as_off'"),
    ("category: key_district\n", "category: key_distric\n", "category 'key_distric' is not in the catalog"),
    ("title: {in: {param: deputy_planning_titles}}", "title: {in: [pho_bi_thu_tinh]}", "title 'pho_bi_thu_tinh' is not in the catalog"),
    ("rated_years: {gte: 1}", "rated_years: {gte: one}", "'one' is not a valid integer"),
    ("- document: hd-26-2019", "- document: hd-26", "document 'hd-26' is not in `documents`; did you mean 'hd-26-2019'?"),
    ("catalog: catalog.yaml", "catalog: ../../etc/passwd", "inside the pack folder"),
    ("  - id: do-tuoi\n", "  - id: ky-luat\n", "duplicate id 'ky-luat'"),
    ("      - outcome: pass\n        when:\n          - fact: position\n            where:\n              category: key_district",
     "      - outcome: pass\n        when:\n          - fact: positon\n            where:\n              category: key_district",
     "unknown fact 'positon'"),
])
def test_broken_pack_is_refused_with_a_precise_message(runner, pack_copy, old, new, words):
    _edit(pack_copy, old, new)
    result = runner.invoke(main, ["screen", str(ROOT / "profiles"), "--rules", str(pack_copy), "--lang", "en"])
    assert result.exit_code == 2
    assert words in result.stderr, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""


def test_catalog_alias_naming_two_titles_is_refused(pack_copy):
    _edit(pack_copy, "aliases: [Ủy viên BTV Tỉnh ủy]", "aliases: [Ủy viên BTV Tỉnh ủy, Giám đốc Sở]", "catalog.yaml")
    with pytest.raises(RulePackError) as caught:
        load_pack(str(pack_copy))
    assert "'Giám đốc Sở' names both" in caught.value.text("en")


def test_pack_yaml_cannot_run_code(pack_copy, tmp_path):
    marker = tmp_path / "owned"
    _edit(pack_copy, 'version: "2"', f'version: !!python/object/apply:os.system ["touch {marker}"]')
    with pytest.raises(RulePackError):
        load_pack(str(pack_copy))
    assert not marker.exists()


@pytest.mark.parametrize("old,new,words", [
    ("discipline_bar_months: {khien_trach: 12, canh_cao: 12, cach_chuc: 24}",
     "discipline_bar_months: {khien_trach: twelve, canh_cao: 12, cach_chuc: 24}", "bar of form 'khien_trach'"),
    ("discipline_bar_months: {khien_trach: 12, canh_cao: 12, cach_chuc: 24}",
     "discipline_bar_months: {khien_trach: 12, cach_chuc: 24}", "bar of form 'canh_cao'"),
    ("discipline_bar_months: {khien_trach: 12, canh_cao: 12, cach_chuc: 24}",
     "discipline_bar_months: {khien_trach: -5, canh_cao: 12, cach_chuc: 24}", "1 to 600 months"),
    ("  state_management_level: chuyen_vien_cao_cap", "  state_management_level: chuyen_vien_cao_cap\n  as_of: \"2020-01-01\"",
     "'as_of' is reserved"),
    ('        vi: "Có trong quy hoạch: {evidence}"', '        vi: "Có trong quy hoạch: {evidence"', "braces { }"),
    ("  - id: trung-thanh\n    kind: judgement\n", "  - id: trung-thanh\n    kind: judgement\n    otherwise: pass\n",
     "must stay pending while unassessed"),
])
def test_pack_mistakes_that_would_change_decisions_are_refused(runner, pack_copy, old, new, words):
    _edit(pack_copy, old, new)
    result = runner.invoke(main, ["rules", "check", str(pack_copy), "--lang", "en"])
    assert result.exit_code == 2 and words in result.stdout, result.stdout
    screen = runner.invoke(main, ["screen", str(ROOT / "profiles"), "--rules", str(pack_copy), "--lang", "en"])
    assert screen.exit_code == 2 and "Traceback" not in screen.stderr


def test_a_duplicate_title_code_in_the_catalog_is_refused(runner, pack_copy):
    text = (pack_copy / "catalog.yaml").read_text(encoding="utf-8")
    (pack_copy / "catalog.yaml").write_text(text + "  - code: bi_thu_huyen_uy\n    label: Bí thư khác\n    en: Other\n",
                                            encoding="utf-8")
    result = runner.invoke(main, ["rules", "check", str(pack_copy), "--lang", "en"])
    assert result.exit_code == 2 and "duplicate id 'bi_thu_huyen_uy'" in result.stdout


@pytest.mark.parametrize("target", ["pack.yaml", "catalog.yaml", "tests/bomb.yaml"])
def test_an_alias_bomb_in_a_pack_is_refused_quickly(runner, pack_copy, target):
    bomb = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    previous = "a"
    for name in "bcdefghi":
        bomb += f"{name}: &{name} [" + ",".join(["*" + previous] * 9) + "]\n"
        previous = name
    (pack_copy / target).write_text(bomb, encoding="utf-8")
    result = runner.invoke(main, ["rules", "check", str(pack_copy), "--lang", "en"])
    assert result.exit_code == 2 and "expands to more than 200,000 nodes" in result.stdout


def test_a_missing_catalog_is_named_as_missing(runner, pack_copy):
    (pack_copy / "catalog.yaml").unlink()
    result = runner.invoke(main, ["rules", "check", str(pack_copy), "--lang", "en"])
    assert "file 'catalog.yaml' not found in the pack folder" in result.stdout


def test_a_pack_beyond_the_engines_limits_is_refused_not_crashed_on(runner, pack_copy):
    """durable-rules hangs on a node with more than 512 distinct tests: refuse such a pack."""
    alternatives = "".join(f"          - {{fact: position, where: {{rated_years: {n}}}}}\n" for n in range(520))
    _edit(pack_copy, "    otherwise: review\n    reasons:\n      pass:\n        vi: \"Đạt: {evidence}\"",
          "    otherwise: review\n    reasons:\n      pass:\n        vi: \"Đạt: {evidence}\"".replace(
              "    otherwise: review", "      - outcome: pass\n        when:\n" + alternatives.rstrip("\n")
              + "\n    otherwise: review"))
    result = runner.invoke(main, ["rules", "check", str(pack_copy), "--lang", "en"])
    assert result.exit_code == 2, result.output
    assert "beyond the inference engine's limits: more than 512 distinct tests" in result.stdout
    assert "Traceback" not in result.output
