"""Every input error of SPEC §4: a clear message with file, profile id and
field path, never a traceback, and never at the cost of the other profiles."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from sangloc.engine.commands.main import main
from conftest import PROFILES

BROKEN = Path(__file__).resolve().parent / "inputs" / "broken"
EXPECTED = yaml.safe_load((BROKEN / "expected.yaml").read_text(encoding="utf-8"))


def test_every_broken_file_has_expectations():
    files = {p.name for p in BROKEN.iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_broken_input_is_reported_precisely(runner, name):
    result = runner.invoke(main, ["validate", str(BROKEN / name), "--format", "json", "--lang", "en"])
    assert result.exit_code == 2, result.output  # no valid profile at all
    assert result.exception is None or isinstance(result.exception, SystemExit)
    report = json.loads(result.stdout)
    assert len(report["invalid"]) == 1
    entry = report["invalid"][0]
    assert entry["source"].endswith(name)
    message = " ".join(entry["errors"])
    for words in EXPECTED[name]:
        assert words in message, f"{words!r} not in {message!r}"


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_broken_input_message_in_vietnamese_keeps_the_path(runner, name):
    result = runner.invoke(main, ["validate", str(BROKEN / name)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert "Hồ sơ lỗi:" in result.stderr
    first = EXPECTED[name][0]
    if "." in first or "[" in first or first in ("id", "gender", "birth_date", "full_name"):
        from test_hostile_inputs import assert_named

        assert_named(first, result.stderr)


def test_python_tag_never_runs(runner, tmp_path):
    marker = tmp_path / "owned"
    bad = tmp_path / "tag.yaml"
    bad.write_text(f'id: X\nfull_name: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    runner.invoke(main, ["validate", str(bad)])
    assert not marker.exists()


def test_bad_profiles_never_hide_good_ones(runner, tmp_path):
    batch = tmp_path / "batch"
    shutil.copytree(PROFILES, batch / "good")
    shutil.copytree(BROKEN, batch / "broken", ignore=shutil.ignore_patterns("expected.yaml"))
    result = runner.invoke(main, ["screen", str(batch), "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert len(report["results"]) == len(list(PROFILES.iterdir()))
    assert len(report["invalid"]) == len(EXPECTED)
    assert report["counts"]["invalid"] == len(EXPECTED)


def test_duplicate_ids_are_both_reported(runner, tmp_path):
    (tmp_path / "a.yaml").write_text((PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.yaml").write_text((PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "c.yaml").write_text((PROFILES / "dt-0001-nguyen-van-hung.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(main, ["screen", str(tmp_path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [r["profile_id"] for r in report["results"]] == ["DT-0001"]
    assert [(i["source"][-6:], i["profile_id"]) for i in report["invalid"]] == [("a.yaml", "DT-0003"), ("b.yaml", "DT-0003")]
    assert "duplicates" in report["invalid"][0]["errors"][0] and "b.yaml" in report["invalid"][0]["errors"][0]


def test_jsonl_bad_line_loses_only_that_line(runner, tmp_path):
    good = json.loads((PROFILES / "dt-0013-luong-van-tam.json").read_text(encoding="utf-8"))
    lines = [json.dumps(good, ensure_ascii=False), "{not json", json.dumps(dict(good, id="DT-9013"), ensure_ascii=False)]
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(path), "--format", "json", "--lang", "en"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert [r["profile_id"] for r in report["results"]] == ["DT-0013", "DT-9013"]
    assert report["invalid"][0]["errors"][0].startswith("line 2: JSON syntax error")


def test_yaml_list_and_multi_document_files(runner, tmp_path):
    one = yaml.safe_load((PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8"))
    two = dict(one, id="DT-8003")
    as_list = tmp_path / "list.yaml"
    as_list.write_text(yaml.safe_dump([one, two], allow_unicode=True), encoding="utf-8")
    docs = tmp_path / "docs.yml"
    docs.write_text(yaml.safe_dump_all([dict(one, id="DT-7003"), dict(one, id="DT-6003")], allow_unicode=True),
                    encoding="utf-8")
    result = runner.invoke(main, ["screen", str(as_list), str(docs), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert [r["profile_id"] for r in json.loads(result.stdout)["results"]] == ["DT-0003", "DT-6003", "DT-7003", "DT-8003"]


def test_unknown_assessment_is_an_error_with_suggestions(runner, tmp_path):
    """A misspelt criterion must not drop the board's finding (SPEC §4): the profile is invalid."""
    text = (PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text + "assessments:\n  trung-thanhh: {result: met}\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(path), "--lang", "en"])
    assert result.exit_code == 2
    assert "The Standing Committee's finding on «trung-thanhh»" in result.stderr
    assert "did you mean 'trung-thanh'" in result.stderr


def test_utf8_bom_is_accepted(runner, tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (PROFILES / "dt-0003-pham-van-duc.yaml").read_bytes())
    assert runner.invoke(main, ["validate", str(path)]).exit_code == 0


@pytest.mark.parametrize("args,words", [
    (["screen", "does/not/exist"], "does/not/exist"),
    (["screen", "profiles", "--as-of", "2020-13-01"], "2020-13-01"),
    (["screen", "profiles", "--rules", "no-such-pack"], "no-such-pack"),
    (["explain", "DT-9999", "profiles"], "DT-9999"),
    (["rules", "show", "do-tuoii"], "did you mean 'do-tuoi'"),
])
def test_usage_errors_exit_2_with_one_line(runner, args, words):
    result = runner.invoke(main, [a if a != "profiles" else str(PROFILES) for a in args] + ["--lang", "en"])
    assert result.exit_code == 2, result.output
    assert words in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_empty_optional_keys_mean_none(runner, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("id: N-1\nfull_name: Trống\ngender: male\nbirth_date: 1970-01-01\n"
                    "positions:\nratings:\nplanning:\neducation:\ndiscipline:\nassessments:\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(path), "--format", "json"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["results"][0]["verdict"] == "ineligible"


def test_a_date_beyond_the_years_of_a_record_is_refused_not_crashed(runner, tmp_path):
    """A decision dated 9999 once ran its bar past the calendar's last year; a record's dates are
    now bounded to 1900–2100 (a slip of the keyboard is said, and the other profiles are screened)."""
    text = (PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(text + "discipline:\n  - {form: cach_chuc, decided: 9999-05-01}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(text.replace("DT-0003", "DT-0103") +
                                     "discipline:\n  - {form: cach_chuc, decided: 2100-05-01}\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(tmp_path), "--format", "json", "--as-of", "9999-12-31"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["invalid"][0]["errors"] == [
        "Kỷ luật 1, ngày quyết định: '9999-05-01': năm phải từ 1900 đến 2100 (có gõ nhầm không?)"] \
        or "năm phải từ 1900 đến 2100" in report["invalid"][0]["errors"][0]
    rules = {x["id"]: x for x in report["results"][0]["rules"]}
    assert rules["ky-luat"]["outcome"] == "pass"  # a bar from 2100 has ended long before 9999


def test_empty_values_mean_absent(runner, tmp_path):
    text = (PROFILES / "dt-0005-vu-dinh-long.yaml").read_text(encoding="utf-8")
    path = tmp_path / "p.yaml"
    path.write_text(text.replace("  2019: xuat_sac", "  2018:\n  2019: xuat_sac")
                    + "assessments:\n  trung-thanh:\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    rules = {x["id"]: x["outcome"] for x in json.loads(result.stdout)["results"][0]["rules"]}
    assert rules["hoan-thanh-tot-cap-tinh"] == "review" and rules["trung-thanh"] == "review"


def test_same_file_named_twice_is_read_once(runner):
    one = str(PROFILES / "dt-0001-nguyen-van-hung.yaml")
    result = runner.invoke(main, ["screen", one, one, str(PROFILES), "--format", "json"])
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)["results"]) == len(list(PROFILES.iterdir()))


def test_hidden_files_are_skipped_and_empty_files_warned(runner, tmp_path):
    shutil.copy(PROFILES / "dt-0001-nguyen-van-hung.yaml", tmp_path / "a.yaml")
    (tmp_path / ".a.yaml.swp.yaml").write_text("not: a profile\n", encoding="utf-8")
    (tmp_path / "empty.yaml").write_text("# nothing yet\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(tmp_path), "--lang", "en"])
    assert result.exit_code == 0
    assert "empty.yaml: The file holds no profile" in result.stderr


def test_decomposed_unicode_id_and_name_are_normalised(runner, tmp_path):
    import unicodedata

    text = (PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8")
    text = text.replace("id: DT-0003", "id: Đức-0003")
    (tmp_path / "p.yaml").write_text(unicodedata.normalize("NFD", text), encoding="utf-8")
    result = runner.invoke(main, ["screen", str(tmp_path), "--format", "json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)["results"][0]
    assert found["profile_id"] == unicodedata.normalize("NFC", "Đức-0003")
    assert found["full_name"] == unicodedata.normalize("NFC", "Phạm Văn Đức")
    assert runner.invoke(main, ["explain", unicodedata.normalize("NFD", "Đức-0003"), str(tmp_path)]).exit_code == 0


@pytest.mark.parametrize("term", ["2020\u22122025", "2020 \u2012 2025", "2020\u20102025"])
def test_every_dash_separates_a_term(runner, tmp_path, term):
    text = (PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8").replace("term: 2020-2025", f"term: {term}")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["screen", str(tmp_path), "--format", "json"])
    assert json.loads(result.stdout)["results"][0]["rules"][0]["outcome"] == "pass"


def test_output_file_has_ordinary_permissions(runner, tmp_path):
    out = tmp_path / "ket-qua.csv"
    assert runner.invoke(main, ["screen", str(PROFILES), "--format", "csv", "-o", str(out)]).exit_code == 0
    umask = os.umask(0)
    os.umask(umask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~umask


def test_csv_cells_cannot_become_formulas(runner, tmp_path):
    text = (PROFILES / "dt-0003-pham-van-duc.yaml").read_text(encoding="utf-8")
    (tmp_path / "p.yaml").write_text(text.replace("full_name: Phạm Văn Đức", "full_name: \"=HYPERLINK(1)\""),
                                     encoding="utf-8")
    result = runner.invoke(main, ["screen", str(tmp_path), "--format", "csv"])
    assert "DT-0003,'=HYPERLINK(1)," in result.stdout


def test_one_broken_document_does_not_take_its_neighbours(runner, tmp_path):
    path = tmp_path / "three.yaml"
    path.write_text("id: M-1\nfull_name: A\ngender: male\nbirth_date: 1970-01-01\n---\n"
                    "id: M-2\nfull_name: B\nfull_name: C\ngender: male\nbirth_date: 1970-01-01\n---\n"
                    "id: M-3\nfull_name: D\ngender: male\nbirth_date: 1970-01-01\n", encoding="utf-8")
    report = json.loads(runner.invoke(main, ["validate", str(path), "--format", "json", "--lang", "en"]).stdout)
    assert report["valid"] == ["M-1", "M-3"]
    assert report["invalid"][0]["errors"] == ["line 5: key 'full_name' appears twice (line 8)"]


def test_every_bad_rating_is_reported_at_once(runner, tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("id: R-1\nfull_name: A\ngender: male\nbirth_date: 1970-01-01\n"
                    "ratings: {1944: xuat_sac, 2021: hoan_thanh, 2019: tot, abcd: xuat_sac}\n", encoding="utf-8")
    errors = json.loads(runner.invoke(main, ["validate", str(path), "--format", "json", "--lang", "en"]).stdout)
    assert [e.split(":")[0] for e in errors["invalid"][0]["errors"]] == \
        ["ratings.1944", "ratings.2021", "ratings.2019", "ratings.abcd"]


def test_bidirectional_override_characters_are_refused_in_names(runner, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text("id: X-1\nfull_name: \"Nguy\u202eễn\"\ngender: male\nbirth_date: 1970-01-01\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", str(path), "--lang", "en"])
    assert result.exit_code == 2 and "Full name: contains control or invisible characters" in result.stderr
