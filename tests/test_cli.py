"""The commands as a user's script sees them: golden outputs, exit codes,
atomic files, byte-identical JSON."""

from __future__ import annotations

import json
import random
import subprocess
import sys

import pytest
import yaml

from sangloc.engine.commands.main import main
from conftest import GOLDEN, PROFILES, ROOT, check_golden

SCREEN_GOLDEN = [
    (["--format", "json"], "screen.json"),
    (["--format", "json", "--lang", "en"], "screen.en.json"),
    ([], "screen.txt"),
    (["--lang", "en"], "screen.en.txt"),
    (["--format", "csv"], "screen.csv"),
    (["--format", "md"], "screen.md"),
]


@pytest.fixture(autouse=True)
def _run_from_root(monkeypatch):
    # Sources are reported as given; run from the project root so they read "profiles/...".
    monkeypatch.chdir(ROOT)


@pytest.mark.parametrize("args,golden", SCREEN_GOLDEN, ids=[g for _, g in SCREEN_GOLDEN])
def test_screen_example_profiles(runner, update_golden, args, golden):
    result = runner.invoke(main, ["screen", "profiles", *args])
    assert result.exit_code == 0, result.stderr
    check_golden(GOLDEN / golden, result.stdout, update_golden)


EXPLAIN_GOLDEN = [
    (["DT-0004"], "explain-DT-0004.txt"),
    (["DT-0009", "--lang", "en"], "explain-DT-0009.en.txt"),
    (["DT-0014", "--format", "json"], "explain-DT-0014.json"),
    (["DT-0010", "--format", "md"], "explain-DT-0010.md"),
]


@pytest.mark.parametrize("args,golden", EXPLAIN_GOLDEN, ids=[g for _, g in EXPLAIN_GOLDEN])
def test_explain(runner, update_golden, args, golden):
    result = runner.invoke(main, ["explain", args[0], "profiles", *args[1:]])
    assert result.exit_code == 0, result.stderr
    check_golden(GOLDEN / golden, result.stdout, update_golden)


def test_example_cohort_shows_all_three_verdicts(runner):
    report = json.loads(runner.invoke(main, ["screen", "profiles", "--format", "json"]).stdout)
    assert {r["verdict"] for r in report["results"]} == {"eligible", "review", "ineligible"}
    assert set(report) >= {"ruleset", "as_of", "results", "invalid"}
    assert report["ruleset"]["id"] == "pho-bi-thu-tinh-uy-2020" and report["ruleset"]["digest"].startswith("sha256:")
    assert report["as_of"] == "2020-08-25"


def test_example_cohort_reaches_every_outcome_of_every_objective_rule(runner):
    report = json.loads(runner.invoke(main, ["screen", "profiles", "--format", "json"]).stdout)
    reached: dict[str, set] = {}
    for result in report["results"]:
        for rule in result["rules"]:
            reached.setdefault(rule["id"], set()).add(rule["outcome"])
    for rule_id in ("quy-hoach", "do-tuoi", "ky-luat"):
        assert reached[rule_id] == {"pass", "fail"}, rule_id
    assert reached["chu-chot-cap-huyen"] == {"pass", "fail", "review"}  # review: an incomplete record
    for rule_id in ("hoan-thanh-tot-cap-tinh", "trinh-do"):
        assert reached[rule_id] == {"pass", "fail", "review"}, rule_id
    assert reached["quan-ly-nha-nuoc"] == {"pass", "review"}


def test_json_is_byte_identical_across_runs(runner):
    first = runner.invoke(main, ["screen", "profiles", "--format", "json"]).stdout
    second = runner.invoke(main, ["screen", "profiles", "--format", "json"]).stdout
    assert first == second


def test_json_does_not_depend_on_input_order(runner, tmp_path, monkeypatch):
    documents = [yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.BaseLoader) if p.suffix == ".yaml"
                 else json.loads(p.read_text(encoding="utf-8")) for p in sorted(PROFILES.iterdir())]
    outputs = []
    for seed in (1, 2, 3):
        random.Random(seed).shuffle(documents)
        folder = tmp_path / str(seed)
        folder.mkdir()
        (folder / "batch.jsonl").write_text(
            "\n".join(json.dumps(d, ensure_ascii=False) for d in documents) + "\n", encoding="utf-8")
        monkeypatch.chdir(folder)
        outputs.append(runner.invoke(main, ["screen", "batch.jsonl", "--format", "json"]).stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert len(json.loads(outputs[0])["results"]) == len(documents)


def test_as_of_option_changes_the_reference_date(runner):
    report = json.loads(runner.invoke(main, ["screen", "profiles", "--format", "json", "--as-of", "2021-02-01"]).stdout)
    assert report["as_of"] == "2021-02-01"
    verdicts = {r["profile_id"]: r for r in report["results"]}
    ky_luat = next(r for r in verdicts["DT-0010"]["rules"] if r["id"] == "ky-luat")
    assert ky_luat["outcome"] == "pass"  # the warning of 15/01/2020 has run its 12 months


def test_output_file_is_written_whole(runner, tmp_path):
    out = tmp_path / "ket-qua.json"
    result = runner.invoke(main, ["screen", "profiles", "--format", "json", "--output", str(out)])
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["counts"]["eligible"] == 3
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".sangloc-")]  # no temp file left


def test_failed_run_leaves_the_previous_output_intact(runner, tmp_path):
    out = tmp_path / "ket-qua.json"
    out.write_text("previous", encoding="utf-8")
    result = runner.invoke(main, ["screen", "profiles", "--rules", "no-such-pack", "--output", str(out)])
    assert result.exit_code == 2
    assert out.read_text(encoding="utf-8") == "previous"
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".sangloc-")]


def test_unwritable_output_is_a_clear_error(runner, tmp_path):
    result = runner.invoke(main, ["screen", "profiles", "--output", str(tmp_path / "no" / "such" / "dir.txt")])
    assert result.exit_code == 2
    assert "không ghi được tệp kết quả" in result.stderr


def test_no_valid_profile_exits_2_but_lists_them(runner, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: X\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(bad), "--format", "json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["invalid"][0]["profile_id"] == "X"


def test_rules_list_and_show(runner):
    listed = runner.invoke(main, ["rules", "list"])
    assert listed.exit_code == 0 and listed.stdout.startswith("pho-bi-thu-tinh-uy-2020\t2\tsha256:")
    shown = runner.invoke(main, ["rules", "show"])
    assert "số tiêu chuẩn, điều kiện: 15" in shown.stdout
    by_pack_id = runner.invoke(main, ["rules", "show", "pho-bi-thu-tinh-uy-2020", "--lang", "en"])
    assert by_pack_id.exit_code == 0
    assert "version: 2" in by_pack_id.stdout and "check code (digest): sha256:" in by_pack_id.stdout and "rules: 15" in by_pack_id.stdout
    rule = runner.invoke(main, ["rules", "show", "chu-chot-cap-huyen"])
    assert "«đã kinh qua lãnh đạo chủ chốt cấp huyện»" in rule.stdout
    assert runner.invoke(main, ["rules", "check", "pho-bi-thu-tinh-uy-2020"]).exit_code == 0


def test_python_cli_py_and_help_work_as_a_process():
    result = subprocess.run([sys.executable, "cli.py", "screen", "profiles", "--format", "json"],
                            capture_output=True, text=True, cwd=ROOT, check=False)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["counts"] == {"eligible": 3, "review": 8, "ineligible": 7, "invalid": 0}
