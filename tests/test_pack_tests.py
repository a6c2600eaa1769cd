"""Tests shipped with packs run under pytest too; `rules check` and `rules test`
report as a pack author needs."""

from __future__ import annotations

import re
import shutil

import pytest

from sangloc.engine.commands.main import main
from conftest import ROOT
from sangloc.engine.pack.load import available_packs, load_pack
from sangloc.engine.pack.testfile import load_cases
from sangloc.engine.run.packtests import run_tests

PACK_DIR = ROOT / "rules" / "pho-bi-thu-tinh-uy-2020"
FIXTURE_PACK = ROOT / "tests" / "packs" / "thu-nghiem-2025"


def _cases():
    found = []
    for name in [*available_packs(), str(FIXTURE_PACK)]:
        pack = load_pack(name)
        files, problems = load_cases(pack)
        assert not problems, [p.text("en") for p in problems]
        found += [pytest.param(pack, file, case, id=f"{pack.id}/{file}/{case.name}")
                  for file, test_file in files for case in test_file.cases]
    return found


@pytest.mark.parametrize("pack,file,case", _cases())
def test_pack_case(pack, file, case):
    run = run_tests(pack)
    result = next(r for r in run.results if r.file == file and r.case == case)
    assert result.passed, (result.differences, [p.text("en") for p in result.problems])


def test_default_pack_tests_reach_every_possible_outcome(pack):
    coverage = run_tests(pack).coverage
    assert not [(rule, o) for rule, states in coverage.items() for o, s in states.items() if s == "missing"]
    assert coverage["quan-ly-nha-nuoc"]["fail"] == "never_advisory"
    assert coverage["do-tuoi"]["review"] == "never_produced"


def test_rules_test_command_reports_coverage(runner):
    result = runner.invoke(main, ["rules", "test", "pho-bi-thu-tinh-uy-2020", "--lang", "en"])
    assert result.exit_code == 0, result.stdout
    assert re.search(r"(\d+)/\1 cases passed", result.stdout)
    assert "quan-ly-nha-nuoc / fail: cannot occur: advisory rules never fail" in result.stdout


def test_a_failing_case_shows_expected_and_actual_with_evidence(runner, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(PACK_DIR, copy)
    path = copy / "tests" / "dieu-kien-khach-quan.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("expect: {verdict: ineligible, rules: {do-tuoi: fail}}",
                                 "expect: {verdict: ineligible, rules: {do-tuoi: pass}}"), encoding="utf-8")
    result = runner.invoke(main, ["rules", "test", str(copy), "--lang", "en"])
    assert result.exit_code == 1
    assert "✗ tests/dieu-kien-khach-quan.yaml: nam sinh ngày 31/08/1965" in result.stdout
    assert "- do-tuoi: pass" in result.stdout
    assert "+ do-tuoi: fail — male, born 1965-08-31: too old" in result.stdout


def test_rules_check_lists_one_precise_message_per_error_in_one_run(runner, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(PACK_DIR, copy)
    (copy / "pack.lock").unlink()
    edits = [  # one error of each kind a pack author makes
        ("    otherwise: review\n", "    otherwise: review\n    otherwize: pass\n"),
        ("start: {lte: {param: as_of}}", "start: {lt_e: {param: as_of}}"),
        ('min_birth_date_male: "1965-09-01"', "min_birth_date_male: 1965"),
        ("deputy_planning_titles: [pho_bi_thu_tinh_uy,", "deputy_planning_titles: [pho_bi_thu_tinh_uyy,"),
        ("category: key_district\n", "category: key_distric\n"),
        ("    sources:\n      - document: bai-bao\n        quote: \"phải tuyệt đối trung thành với lợi ích của Đảng, "
         "của quốc gia - dân tộc và nhân dân\"\n", ""),
        ("  - id: do-tuoi\n", "  - id: ky-luat\n"),
        ("where: {criterion: tuong-duong, result: met}", "where: {criterion: tuong-duongg, result: met}"),
    ]
    pack_yaml = copy / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    pack_yaml.write_text(text, encoding="utf-8")
    catalog = copy / "catalog.yaml"
    catalog.write_text(catalog.read_text(encoding="utf-8").replace(
        "aliases: [Ủy viên BTV Tỉnh ủy]", "aliases: [Ủy viên BTV Tỉnh ủy, Giám đốc Sở]"), encoding="utf-8")

    result = runner.invoke(main, ["rules", "check", str(copy), "--lang", "en"])
    assert result.exit_code == 2
    errors = [line for line in result.stdout.splitlines() if line.startswith("ERROR: ")]
    expected = [
        "rules[4].otherwize: unknown key 'otherwize'; did you mean 'otherwise'?",
        "where.start.lt_e: unknown operator 'lt_e'",
        "parameter 'min_birth_date_male' = '1965' is not a valid date",
        "rules[0].outcomes[0].when[0].where.title.in: title 'pho_bi_thu_tinh_uyy' is not in the catalog; did you mean 'pho_bi_thu_tinh_uy'",
        "category 'key_distric' is not in the catalog; did you mean 'key_district'?",
        "rules[7].sources: rule has no source",
        "rules[5].id: duplicate id 'ky-luat'",
        "assessment 'tuong-duongg' is not declared",
        "'Giám đốc Sở' names both uy_vien_btv_tinh_uy and giam_doc_so",
    ]
    assert len(errors) == len(expected), "\n".join(errors)
    for words in expected:
        matching = [e for e in errors if words in e]
        assert len(matching) == 1, (words, errors)
        assert re.match(r"ERROR: (pack|catalog)\.yaml:\d+:\d+: ", matching[0]), matching[0]


def test_rules_check_warns_about_untested_outcomes_without_failing(runner, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(PACK_DIR, copy)
    shutil.rmtree(copy / "tests")
    result = runner.invoke(main, ["rules", "check", str(copy), "--lang", "en"])
    assert result.exit_code == 0
    assert "WARNING: pack.yaml: rules[3] (do-tuoi): no test case reaches outcome 'fail' of this rule" in result.stdout


def test_content_changed_without_a_new_version_is_reported(runner, tmp_path):
    copy = tmp_path / "pack"
    shutil.copytree(PACK_DIR, copy)
    pack_yaml = copy / "pack.yaml"
    pack_yaml.write_text(pack_yaml.read_text(encoding="utf-8").replace(
        'min_birth_date_male: "1965-09-01"', 'min_birth_date_male: "1966-09-01"'), encoding="utf-8")
    check = runner.invoke(main, ["rules", "check", str(copy), "--lang", "en"])
    assert "content changed but version is still 2" in check.stdout
    lock = runner.invoke(main, ["rules", "lock", str(copy), "--lang", "en"])
    assert lock.exit_code == 2 and "raise `version`" in lock.stderr
    screen = runner.invoke(main, ["screen", str(ROOT / "profiles"), "--rules", str(copy), "--lang", "en"])
    assert "Warning: pack.lock: version: content changed" in screen.stderr
    pack_yaml.write_text(pack_yaml.read_text(encoding="utf-8").replace('version: "2"', 'version: "3"'), encoding="utf-8")
    assert runner.invoke(main, ["rules", "lock", str(copy)]).exit_code == 0
    assert '"2": "sha256:' in (copy / "pack.lock").read_text(encoding="utf-8")
    assert "WARNING" not in runner.invoke(main, ["rules", "check", str(copy), "--lang", "en"]).stdout


def test_shipped_packs_are_locked_at_their_current_version():
    for name in available_packs():
        pack = load_pack(name)
        assert not pack.warnings, [w.text("en") for w in pack.warnings]
        assert (pack.path / "pack.lock").is_file()
