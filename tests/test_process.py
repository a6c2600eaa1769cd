"""Steps 2–5 (SPEC §6): a process started from the screening of profiles/,
tallies checked before anything is computed, exact thresholds, quorum, ties,
the Standing Committee/Executive Committee conflict, another pack's order,
ballot counting, double entry, corrections, the audit chain and the minutes."""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from fractions import Fraction
from pathlib import Path

import pytest
import yaml

from sangloc.engine.commands.main import main
from sangloc.engine.pack.process import ProcessSection, ProcessStep, fraction
from sangloc.engine.run.process.outcome import decide_step
from sangloc.engine.run.process.tally import Tally
from conftest import GOLDEN, PROFILES, ROOT, check_golden

CASES = ROOT / "tests" / "cases" / "process"
BROKEN = CASES / "broken"
ALTERNATIVE = ROOT / "tests" / "packs" / "giua-nhiem-ky"
LISTED = ["DT-0001", "DT-0002", "DT-0003", "DT-0004", "DT-0017"]


BASE = {"step": 2, "summoned": 120, "present": 115,
        "ballots": {"issued": 115, "returned": 114, "valid": 112, "invalid": 2},
        "votes": {"DT-0001": 98, "DT-0002": 79, "DT-0003": 61, "DT-0004": 47, "DT-0017": 55}}


@pytest.fixture
def screening(runner, tmp_path):
    path = tmp_path / "ket-qua.json"
    result = runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "-o", str(path), "-q"])
    assert result.exit_code == 0, result.output
    return path


def _init(runner, screening, out, *extra):
    return runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(out),
                                "--by", "Nguyễn Thị Thu", *extra])


@pytest.fixture
def process(runner, screening, tmp_path):
    """Step 1's list: the two eligible, and DT-0003 and DT-0004 cleared by the step-1 meeting."""
    out = tmp_path / "quy-trinh.json"
    result = _init(runner, screening, out, "--cleared", "DT-0003", "--cleared", "DT-0004",
                   "--cleared-on", "2020-08-25")
    assert result.exit_code == 0, result.output
    return out


def _sheet(tmp_path, name="t.yaml", **changes) -> Path:
    """A tally sheet: BASE with ``changes`` (``ballots``/``votes`` merged, ``None`` drops a key)."""
    data = json.loads(json.dumps(BASE))
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(data.get(key), dict):
            data[key].update(value)
        elif value is None:
            data.pop(key, None)
        else:
            data[key] = value
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _record(runner, process, step, *sheets, extra=(), lang="en"):
    args = ["process", "record", str(process), "--step", str(step), "--by", "Nguyễn Thị Thu", "--lang", lang]
    for sheet in sheets:
        args += ["--tally", str(sheet)]
    return runner.invoke(main, [*args, *extra])


def _status(runner, process, lang="en") -> dict:
    result = runner.invoke(main, ["process", "status", str(process), "--format", "json", "--lang", lang])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _records(kind: str, store: Path) -> int:
    with sqlite3.connect(store) as db:
        return db.execute("SELECT count(*) FROM records WHERE kind = ?", (kind,)).fetchone()[0]


# -- init ---------------------------------------------------------------------

def test_init_lists_the_eligible_and_those_the_meeting_cleared(runner, process):
    doc = json.loads(process.read_text(encoding="utf-8"))
    assert [(c["profile_id"], c["admitted"]) for c in doc["candidates"]] == [
        ("DT-0001", "eligible"), ("DT-0002", "eligible"), ("DT-0003", "cleared"), ("DT-0004", "cleared"),
        ("DT-0017", "eligible")]
    assert doc["cleared"]["by"] == "Ban Thường vụ Tỉnh ủy" and doc["cleared"]["on"] == "2020-08-25"
    assert doc["process"]["steps"][1]["body"] == "hoi_nghi_can_bo_chu_chot"
    status = _status(runner, process)
    assert status["steps"] == [] and status["carried"] == LISTED and status["next_step"] == 2 and not status["flags"]


def test_init_from_an_audit_run_id(runner, tmp_path):
    assert runner.invoke(main, ["screen", str(PROFILES), "-q"]).exit_code == 0
    run_id = json.loads(runner.invoke(main, ["audit", "runs", "--format", "json"]).stdout)[0]["run_id"]
    out = tmp_path / "q.json"
    result = runner.invoke(main, ["process", "init", "--from", run_id, "--output", str(out)])
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["screening"] == {"source": f"run {run_id}", "kind": "run", "sha256": None, "run_id": run_id,
                                "as_of": "2020-08-25", "ruleset": doc["pack"]}
    assert [c["profile_id"] for c in doc["candidates"]] == ["DT-0001", "DT-0002", "DT-0017"]


def test_zero_eligible_gives_an_empty_step_one_list(runner, tmp_path):
    screening = tmp_path / "s.json"
    runner.invoke(main, ["screen", str(PROFILES / "dt-0006-do-minh-tuan.yaml"), "--format", "json",
                         "-o", str(screening), "-q"])
    out = tmp_path / "q.json"
    assert runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(out)]).exit_code == 0
    assert _status(runner, out)["carried"] == []
    empty = _sheet(tmp_path, votes=None)
    recorded = _record(runner, out, 2, empty)
    assert recorded.exit_code == 0, recorded.output
    assert _status(runner, out)["steps"][0]["results"] == []


@pytest.mark.parametrize("args,words", [
    (["--cleared", "DT-0006", "--cleared-on", "2020-08-25"], ["DT-0006", "Không đủ tiêu chuẩn", "chờ xem xét"]),
    (["--cleared", "DT-0033", "--cleared-on", "2020-08-25"], ["DT-0033", "có phải là", "'DT-0003'"]),
    (["--cleared", "DT-0003"], ["--cleared-on"]),
    (["--summoned", "7=10"], ["--summoned '7=10'", "2 đến 5"]),
], ids=["ineligible", "unknown", "no-date", "summoned-step"])
def test_init_refuses_what_the_meeting_cannot_clear(runner, screening, tmp_path, args, words):
    result = _init(runner, screening, tmp_path / "q.json", *args)
    assert result.exit_code == 2
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert not (tmp_path / "q.json").exists()


def test_init_never_overwrites_a_process_and_from_must_exist(runner, screening, process):
    again = _init(runner, screening, process)
    assert again.exit_code == 2 and "đã tồn tại" in again.stderr
    missing = runner.invoke(main, ["process", "init", "--from", "khong-co.json", "--output", "x.json", "--lang", "en"])
    assert missing.exit_code == 2 and "no such screening result file" in missing.stderr
    assert "Traceback" not in missing.output


def test_a_broken_process_file_is_a_clear_error(runner, tmp_path):
    bad = tmp_path / "q.json"
    bad.write_text('{"format": "something else"}', encoding="utf-8")
    result = runner.invoke(main, ["process", "status", str(bad), "--lang", "en"])
    assert result.exit_code == 2 and "is not a sangloc process file" in result.stderr


# -- the tally's checks ---------------------------------------------------------

EXPECTED = yaml.safe_load((BROKEN / "expected.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED), ids=sorted(EXPECTED))
def test_a_broken_tally_is_refused_naming_fields_and_numbers(runner, process, tmp_path, name):
    before = process.read_bytes()
    result = _record(runner, process, 2, BROKEN / name)
    assert result.exit_code == 1, result.output
    assert "nothing recorded" in result.stderr and "Traceback" not in result.output
    for word in EXPECTED[name]:
        assert word in result.stderr, (word, result.stderr)
    assert process.read_bytes() == before
    assert _records("tally", tmp_path / "audit.sqlite") == 0


def test_every_broken_tally_has_its_words():
    files = {p.name for p in BROKEN.iterdir() if p.name != "expected.yaml"}
    assert files == set(EXPECTED)


def test_a_step_outside_two_to_five_is_a_usage_error(runner, process, tmp_path):
    for step in (1, 6, 0):
        result = _record(runner, process, step, _sheet(tmp_path, step=step))
        assert result.exit_code == 2 and f"step {step} is outside" in result.stderr


def test_the_number_summoned_declared_at_init_must_match(runner, screening, tmp_path):
    out = tmp_path / "q.json"
    assert _init(runner, screening, out, "--summoned", "2=118").exit_code == 0
    result = _record(runner, out, 2, _sheet(tmp_path, votes=None))
    assert result.exit_code == 1 and "summoned = 120" in result.stderr and "(118)" in result.stderr


# -- thresholds and quorum --------------------------------------------------------

def _tally(**figures) -> Tally:
    base = dict(step=2, summoned=120, present=114, issued=114, returned=114, valid=112, invalid=2)
    base.update(figures)
    return Tally(**base)


@pytest.mark.parametrize("denominator,whole", [("summoned", 120), ("present", 114), ("valid", 112)])
@pytest.mark.parametrize("strict", [True, False], ids=["more-than", "at-least"])
def test_exactly_half_and_one_vote_over_for_each_denominator(denominator, whole, strict):
    section = ProcessSection(steps=[ProcessStep(body="ban_thuong_vu"),
                                    ProcessStep(body="ban_chap_hanh", denominator=denominator, strict=strict)])
    half = whole // 2
    tally = _tally(votes=(("A", half), ("B", half + 1), ("C", half - 1)))
    outcome = decide_step(section, 2, [("A", "a"), ("B", "b"), ("C", "c")], tally, None)
    passed = {r.profile_id: r.passed for r in outcome.results}
    assert passed == {"A": not strict, "B": True, "C": False}
    assert outcome.denominator == whole and outcome.votes_needed == (half + 1 if strict else half)
    exact = next(r for r in outcome.results if r.profile_id == "A")
    assert exact.percent == 50.0 and exact.share == Fraction(50)


def test_percent_is_rounded_half_up_to_two_decimals():
    section = ProcessSection(steps=[ProcessStep(body="ban_thuong_vu"), ProcessStep(body="ban_chap_hanh")])
    outcome = decide_step(section, 2, [("A", "a"), ("B", "b")],
                          _tally(summoned=800, present=800, issued=800, returned=800, valid=800, invalid=0,
                                 votes=(("A", 1), ("B", 533))), None)
    assert [r.percent for r in outcome.results] == [66.63, 0.13]  # 66.625 and 0.125 both round up


def test_shares_are_exact_fractions_as_written():
    assert fraction(0.5) == Fraction(1, 2) and fraction("2/3") == Fraction(2, 3) and fraction("60%") == Fraction(3, 5)
    assert fraction("0,5") == Fraction(1, 2) and fraction(True) is None and fraction("một nửa") is None


def test_the_default_pass_rule_through_the_command_line(runner, process, tmp_path):
    result = _record(runner, process, 2, _sheet(tmp_path, votes={"DT-0001": 60, "DT-0002": 61}))
    assert result.exit_code == 0, result.output
    step = _status(runner, process)["steps"][0]
    assert step["denominator"] == 120 and step["denominator_kind"] == "summoned" and step["share"] == "1/2"
    results = {r["profile_id"]: (r["votes"], r["percent"], r["passed"]) for r in step["results"]}
    assert results["DT-0001"] == (60, 50.0, False) and results["DT-0002"] == (61, 50.83, True)


def test_quorum_at_exactly_two_thirds_and_a_new_sitting(runner, process, tmp_path):
    figures = {"summoned": 300, "ballots": {"issued": 199, "returned": 199, "valid": 199, "invalid": 0},
               "votes": {"DT-0001": 180, "DT-0002": 170, "DT-0003": 160, "DT-0004": 100}}
    short = _record(runner, process, 2, _sheet(tmp_path, "a.yaml", present=199, **figures))
    assert short.exit_code == 0, short.output
    status = _status(runner, process)
    step = status["steps"][0]
    assert step["quorate"] is False and not any(r["passed"] for r in step["results"])
    assert status["carried"] == [] and status["next_step"] == 2
    assert [f["code"] for f in status["flags"]] == ["not_quorate"]
    assert "199 of 300 present" in status["flags"][0]["text"] and "(200)" in status["flags"][0]["text"]
    early = _record(runner, process, 3, _sheet(tmp_path, "b.yaml", step=3))
    assert early.exit_code == 1 and "the next step of the process is step 2" in early.stderr
    again = _record(runner, process, 2, _sheet(tmp_path, "c.yaml", present=200, **figures))
    assert again.exit_code == 0, again.output
    status = _status(runner, process)
    assert status["steps"][0]["quorate"] is True and status["steps"][0]["sitting"] == 2
    assert status["carried"] == ["DT-0001", "DT-0002", "DT-0003"] and status["flags"] == []
    minutes = runner.invoke(main, ["process", "status", str(process), "--step", "2", "--format", "md"]).stdout
    assert "không đủ điều kiện tiến hành" in minutes and "(họp lần 2)" in minutes


# -- the list carried on ------------------------------------------------------------

@pytest.mark.parametrize("seats,votes,carried,tied", [
    (2, {"DT-0001": 98, "DT-0002": 80, "DT-0003": 80, "DT-0004": 61}, LISTED[:3], ["DT-0002", "DT-0003"]),
    (3, {"DT-0001": 98, "DT-0002": 80, "DT-0003": 80, "DT-0004": 61}, LISTED[:3], None),
    (2, {"DT-0001": 98, "DT-0002": 90, "DT-0003": 70, "DT-0004": 70}, LISTED[:2], None),
    (1, {"DT-0001": 61, "DT-0002": 61, "DT-0003": 61, "DT-0004": 60}, LISTED[:3], LISTED[:3]),
], ids=["tie-at-the-cut", "tie-inside-the-seats", "tie-below-the-cut", "three-way"])
def test_ties_at_the_last_seat_are_carried_and_named(runner, screening, tmp_path, seats, votes, carried, tied):
    out = tmp_path / "q.json"
    assert _init(runner, screening, out, "--seats", str(seats), "--cleared", "DT-0003", "--cleared", "DT-0004",
                 "--cleared-on", "2020-08-25").exit_code == 0
    assert _record(runner, out, 2, _sheet(tmp_path, votes=votes)).exit_code == 0
    status = _status(runner, out)
    assert status["carried"] == carried
    flags = [f for f in status["flags"] if f["code"] == "tie_at_last_seat"]
    if tied is None:
        assert flags == []
    else:
        assert flags[0]["profile_ids"] == tied and "the tie is not broken" in flags[0]["text"]
        assert flags[0]["provenance"][0].startswith("Cách hiểu của bộ quy tắc")
        assert "Không tìm thấy quy định năm 2020" in flags[0]["provenance"][0]


def test_the_step_one_list_is_never_cut(runner, screening, tmp_path):
    out = tmp_path / "q.json"
    assert _init(runner, screening, out, "--seats", "1", "--cleared", "DT-0003", "--cleared-on",
                 "2020-08-25").exit_code == 0
    assert _status(runner, out)["carried"] == ["DT-0001", "DT-0002", "DT-0003", "DT-0017"]


def _five_steps(runner, process, tmp_path, step4_votes):
    sheets = [
        (2, {}),
        (3, {"step": 3, "summoned": 50, "present": 48,
             "ballots": {"issued": 48, "returned": 48, "valid": 48, "invalid": 0},
             "votes": {"DT-0001": 41, "DT-0002": 33, "DT-0003": 30}}),
        (4, {"step": 4, "summoned": 15, "present": 14,
             "ballots": {"issued": 14, "returned": 14, "valid": 14, "invalid": 0}, "votes": step4_votes}),
    ]
    for step, changes in sheets:
        data = {**BASE, **changes}
        path = tmp_path / f"s{step}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        result = _record(runner, process, step, path)
        assert result.exit_code == 0, result.output


def test_the_standing_committee_differing_from_the_executive_committee_is_flagged_and_kept(runner, process,
                                                                                          tmp_path):
    _five_steps(runner, process, tmp_path, {"DT-0001": 12, "DT-0002": 7, "DT-0003": 9})
    status = _status(runner, process)
    flag = next(f for f in status["flags"] if f["code"] == "report_to_higher_committee")
    assert flag["step"] == 4 and flag["profile_ids"] == ["DT-0002"]
    assert "must report to the competent higher committee" in flag["text"]
    assert any("26-HD/BTCTW" in line and "Phần III, mục 9" in line for line in flag["basis"])
    last = {**BASE, "step": 5, "summoned": 50, "present": 49,
            "ballots": {"issued": 49, "returned": 49, "valid": 49, "invalid": 0},
            "votes": {"DT-0001": 44, "DT-0003": 30}}
    (tmp_path / "s5.yaml").write_text(yaml.safe_dump(last), encoding="utf-8")
    assert _record(runner, process, 5, tmp_path / "s5.yaml").exit_code == 0
    status = _status(runner, process)
    assert [f["code"] for f in status["flags"]] == ["report_to_higher_committee"]  # kept after step 5
    assert status["next_step"] is None and status["carried"] == ["DT-0001", "DT-0003"]


def test_no_flag_when_the_standing_committee_passes_the_same_set(runner, process, tmp_path):
    _five_steps(runner, process, tmp_path, {"DT-0001": 12, "DT-0002": 8, "DT-0003": 9})
    assert _status(runner, process)["flags"] == []


# -- order and corrections ------------------------------------------------------------

def test_a_step_recorded_twice_or_out_of_order_is_refused_and_a_correction_says_what_it_replaces(
        runner, process, tmp_path):
    assert _record(runner, process, 2, _sheet(tmp_path)).exit_code == 0
    twice = _record(runner, process, 2, _sheet(tmp_path, "b.yaml"))
    assert twice.exit_code == 1 and "step 2 is already recorded (entry 2)" in twice.stderr
    assert "--replaces 2" in twice.stderr
    skipped = _record(runner, process, 4, _sheet(tmp_path, "c.yaml", step=4))
    assert skipped.exit_code == 1 and "the next step of the process is step 3" in skipped.stderr
    fixed = _sheet(tmp_path, "d.yaml", votes={"DT-0004": 62})
    no_reason = _record(runner, process, 2, fixed, extra=["--replaces", "2"])
    assert no_reason.exit_code == 2 and "--reason" in no_reason.stderr
    wrong = _record(runner, process, 2, fixed, extra=["--replaces", "1", "--reason", "x"])
    assert wrong.exit_code == 2 and "only the last entry in effect (entry 2)" in wrong.stderr
    corrected = _record(runner, process, 2, fixed, extra=["--replaces", "2", "--reason", "Nhập nhầm số phiếu"])
    assert corrected.exit_code == 0, corrected.output
    status = _status(runner, process)
    assert status["steps"][0]["entry"] == 3 and status["steps"][0]["sitting"] == 1
    assert status["carried"] == ["DT-0001", "DT-0002", "DT-0004", "DT-0003"]
    journal = json.loads(process.read_text(encoding="utf-8"))["journal"]
    assert [(e["entry"], e["replaces"], e["reason"]) for e in journal] == [
        (1, None, None), (2, None, None), (3, 2, "Nhập nhầm số phiếu")]
    minutes = runner.invoke(main, ["process", "status", str(process), "--step", "2", "--format", "md"]).stdout
    assert minutes.count("BIÊN BẢN KIỂM PHIẾU") == 1 and "| Lê Thị Hương | 62 |" in minutes
    journal = runner.invoke(main, ["process", "journal", str(process), "--step", "2"]).stdout
    assert "lý do sửa: Nhập nhầm số phiếu" in journal
    assert "\n| 3 | " in journal and "\n| 2 | " in journal  # the journal keeps both entries


# -- double entry and ballot papers -----------------------------------------------------

def test_double_entry_records_only_when_both_agree_and_names_every_difference(runner, process, tmp_path):
    first = _sheet(tmp_path, "nhap-1.yaml", clerk="Nguyễn Thị Thu")
    second = _sheet(tmp_path, "nhap-2.yaml", clerk="Lê Quang Minh", present=116, votes={"DT-0002": 97})
    result = _record(runner, process, 2, first, second)
    assert result.exit_code == 1
    assert "present — Nguyễn Thị Thu" in result.stderr and "says 115" in result.stderr and "says 116" in result.stderr
    assert "votes.DT-0002 — " in result.stderr and "says 79" in result.stderr and "says 97" in result.stderr
    same = _record(runner, process, 2, first, first)
    assert same.exit_code == 1 and "double entry needs two files keyed independently" in same.stderr
    agreed = _record(runner, process, 2, first, _sheet(tmp_path, "nhap-3.csv.yaml", clerk="Lê Quang Minh"))
    assert agreed.exit_code == 0, agreed.output
    entry = json.loads(process.read_text(encoding="utf-8"))["journal"][-1]
    assert [s["clerk"] for s in entry["sheets"]] == ["Nguyễn Thị Thu", "Lê Quang Minh"]


def _papers(tmp_path, lines: list[str]) -> Path:
    path = tmp_path / "phieu.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_ballot_papers_are_counted_with_the_packs_validity_rules(runner, screening, tmp_path):
    out = tmp_path / "q.json"
    assert _init(runner, screening, out, "--seats", "2", "--cleared", "DT-0003", "--cleared-on",
                 "2020-08-25").exit_code == 0
    header = tmp_path / "h.yaml"
    header.write_text("step: 2\nsummoned: 10\npresent: 9\nballots: {issued: 9}\nnote: Đếm lại hai lần\n",
                      encoding="utf-8")
    papers = _papers(tmp_path, ["# phiếu", "DT-0001, DT-0002", "DT-0001", "DT-0001; DT-0002", "-",
                                "DT-0001, DT-0002, +Ai Đó", "DT-0001, DT-0002, DT-0001x".replace("x", ""),
                                "! Không đúng mẫu", "DT-0002"])
    keyed = runner.invoke(main, ["process", "record", str(out), "--step", "2", "--tally", str(header),
                                 "--ballots", str(papers), "--lang", "en"])
    assert keyed.exit_code == 1 and "phieu.txt:7" in keyed.stderr and "written twice on one paper" in keyed.stderr
    papers = _papers(tmp_path, ["DT-0001, DT-0002", "DT-0001", "DT-0001; DT-0002", "-", "DT-0001, +Ai Đó",
                                "! Không đúng mẫu", "DT-0002", "DT-0001, DT-0002, DT-0003"])
    counted = runner.invoke(main, ["process", "record", str(out), "--step", "2", "--tally", str(header),
                                   "--ballots", str(papers), "--lang", "en"])
    assert counted.exit_code == 0, counted.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    tally = doc["journal"][-1]["tally"]
    assert tally["ballots"] == {"issued": 9, "returned": 8, "valid": 5, "invalid": 3, "invalid_reasons": {
        "Không đúng mẫu": 1, "too_many_marks": 1, "unlisted": 1}}
    assert tally["votes"] == {"DT-0001": 3, "DT-0002": 3, "DT-0003": 0, "DT-0017": 0}
    minutes = runner.invoke(main, ["process", "status", str(out), "--format", "md"]).stdout
    assert "  - Không đúng mẫu: 01" in minutes and "  - Đánh dấu quá số người được chọn: 01" in minutes
    assert "- Ghi chú: Đếm lại hai lần" in minutes
    assert "  - Ghi thêm tên người ngoài danh sách: 01" in minutes
    assert doc["journal"][-1]["ballots"]["papers"] == 8


def test_counted_papers_must_agree_with_the_sheet(runner, screening, tmp_path):
    out = tmp_path / "q.json"
    assert _init(runner, screening, out).exit_code == 0
    sheet = tmp_path / "h.yaml"
    sheet.write_text("step: 2\nsummoned: 10\npresent: 9\nballots: {issued: 9, returned: 3, valid: 3, invalid: 0}\n"
                     "votes: {DT-0001: 3, DT-0002: 1, DT-0017: 0}\n", encoding="utf-8")
    papers = _papers(tmp_path, ["DT-0001, DT-0002", "DT-0001, DT-0002", "DT-0001", "DT-0007"])
    unknown = runner.invoke(main, ["process", "record", str(out), "--step", "2", "--tally", str(sheet),
                                   "--ballots", str(papers), "--lang", "en"])
    assert unknown.exit_code == 1 and "phieu.txt:4" in unknown.stderr and "'DT-0007' is not on the list" in unknown.stderr
    papers = _papers(tmp_path, ["DT-0001, DT-0002", "DT-0001, DT-0002", "DT-0001"])
    differs = runner.invoke(main, ["process", "record", str(out), "--step", "2", "--tally", str(sheet),
                                   "--ballots", str(papers), "--lang", "en"])
    assert differs.exit_code == 1
    assert "votes.DT-0002: the tally sheet says 1, counting the papers" in differs.stderr and "gives 2" in differs.stderr


# -- another pack, another order --------------------------------------------------------

def test_a_pack_with_another_order_runs_without_a_code_change(runner, screening, tmp_path):
    out = tmp_path / "q.json"
    started = runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(out),
                                   "--rules", str(ALTERNATIVE), "--lang", "en"])
    assert started.exit_code == 0, started.output
    assert "the process uses rule pack giua-nhiem-ky" in started.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [s["body"] for s in doc["process"]["steps"]] == ["ban_thuong_vu", "ban_chap_hanh", "ban_thuong_vu"]
    sheet = tmp_path / "b2.yaml"
    sheet.write_text("step: 2\nsummoned: 50\npresent: 26\nballots: {issued: 26, returned: 26, valid: 26, invalid: 0}\n"
                     "votes: {DT-0001: 13, DT-0002: 12, DT-0017: 5}\n", encoding="utf-8")
    alone = _record(runner, out, 2, sheet)
    assert alone.exit_code == 2 and "step 2 must be keyed twice independently" in alone.stderr
    copy = tmp_path / "b2-nhap-2.yaml"
    copy.write_text(sheet.read_text(encoding="utf-8") + "clerk: Người thứ hai\n", encoding="utf-8")
    assert _record(runner, out, 2, sheet, copy).exit_code == 0
    step = _status(runner, out)["steps"][0]
    # at least 1/2 of those present (26): 13 passes, 12 does not; a quorum of 1/2 of 50 is met by 26
    assert step["denominator_kind"] == "present" and step["denominator"] == 26 and step["quorate"] is True
    assert [(r["profile_id"], r["passed"]) for r in step["results"]] == [("DT-0001", True), ("DT-0002", False),
                                                                           ("DT-0017", False)]
    outside = _record(runner, out, 4, sheet)
    assert outside.exit_code == 2 and "step 4 is outside the steps whose ballots are recorded (2–3)" in outside.stderr
    header = tmp_path / "b3.yaml"
    header.write_text("step: 3\nsummoned: 5\npresent: 5\nballots: {issued: 5}\n", encoding="utf-8")
    papers = _papers(tmp_path, ["DT-0001", "DT-0001, +Ai Đó", "DT-0001", "-", "DT-0001, DT-0001"])
    keyed = runner.invoke(main, ["process", "record", str(out), "--step", "3", "--tally", str(header),
                                 "--ballots", str(papers)])
    assert keyed.exit_code == 1  # a name twice on one paper is a keying error
    papers = _papers(tmp_path, ["DT-0001", "DT-0001, +Ai Đó", "DT-0001", "-", "DT-0001"])
    counted = runner.invoke(main, ["process", "record", str(out), "--step", "3", "--tally", str(header),
                                   "--ballots", str(papers)])
    assert counted.exit_code == 0, counted.output
    status = _status(runner, out)
    last = status["steps"][-1]
    # 60% of the 5 valid papers (the written-in name is ignored, not invalid): 4 votes is more than 3
    assert last["denominator_kind"] == "valid" and last["denominator"] == 5 and last["share"] == "3/5"
    assert last["results"][0]["votes"] == 4 and last["results"][0]["passed"] is True
    assert status["next_step"] is None and status["carried"] == ["DT-0001"]
    assert status["flags"] == []  # a Standing Committee after an Executive Committee that passed the same set


# -- the five steps of the article, the minutes and the audit chain -------------------------

_MASKS = [(re.compile(r"P-\d{8}T\d{6}Z-[0-9a-f]{6}"), "P-…"),
          (re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"), "YYYY-MM-DD hh:mm:ss"),
          (re.compile(r"\| [0-9a-f]{16}… \|"), "| (mã băm) |")]


def _masked(text: str, folder: Path) -> str:
    """The minutes without what differs between two runs: the process id, the times, the hashes, the temp folder."""
    from sangloc.engine.escape import markdown

    text = text.replace(str(folder), "…").replace(markdown(str(folder)), "…")  # as written, and as Markdown escapes it
    for pattern, mask in _MASKS:
        text = pattern.sub(mask, text)
    return text


def five_step_run(runner, store_dir: Path, monkeypatch) -> Path:
    """A clerk's five steps over profiles/, from the tally sheets in tests/cases/process/."""
    monkeypatch.chdir(CASES)
    screening = store_dir / "ket-qua.json"
    out = store_dir / "quy-trinh.json"
    commands = [
        ["screen", str(PROFILES), "--format", "json", "-o", str(screening), "-q"],
        ["process", "init", "--from", str(screening), "--output", str(out), "--seats", "2", "--cleared", "DT-0003",
         "--cleared", "DT-0004", "--cleared-on", "2020-08-25", "--cleared-record",
         "Biên bản hội nghị Ban Thường vụ Tỉnh ủy ngày 25/8/2020", "--by", "Nguyễn Thị Thu"],
        ["process", "record", str(out), "--step", "2", "--tally", "buoc-2.nhap-1.yaml", "--tally", "buoc-2.nhap-2.csv",
         "--by", "Nguyễn Thị Thu"],
        ["process", "record", str(out), "--step", "3", "--tally", "buoc-3.json", "--by", "Nguyễn Thị Thu"],
        ["process", "record", str(out), "--step", "4", "--tally", "buoc-4.yaml", "--ballots", "buoc-4.phieu.txt",
         "--by", "Nguyễn Thị Thu"],
        ["process", "record", str(out), "--step", "5", "--tally", "buoc-5.csv", "--by", "Lê Quang Minh"],
    ]
    for args in commands:
        result = runner.invoke(main, args)
        assert result.exit_code == 0, (args, result.output)
    return out


def test_the_five_steps_of_the_article_with_golden_minutes(runner, tmp_path, monkeypatch, update_golden):
    out = five_step_run(runner, tmp_path, monkeypatch)
    status = runner.invoke(main, ["process", "status", str(out), "--format", "json"])
    check_golden(GOLDEN / "process" / "status.json", status.stdout, update_golden)
    for step in (2, 3, 4, 5):
        minutes = runner.invoke(main, ["process", "status", str(out), "--step", str(step), "--format", "md",
                                       "--issuer", "TỈNH ỦY THÁI BÌNH", "--place", "Thái Bình"])
        assert minutes.exit_code == 0, minutes.output
        check_golden(GOLDEN / "process" / f"bien-ban-buoc-{step}.md", _masked(minutes.stdout, tmp_path),
                     update_golden)
    table = runner.invoke(main, ["process", "status", str(out)])
    assert "44 (88,00%) ✓" in table.stdout and "61 (50,83%) ✓ (ngoài số lượng)" in table.stdout


def test_the_audit_chain_holds_every_step_and_replays_it(runner, tmp_path, monkeypatch):
    out = five_step_run(runner, tmp_path, monkeypatch)
    store = tmp_path / "audit.sqlite"
    assert _records("process", store) == 1 and _records("tally", store) == 4
    assert _records("outcome", store) == 5 + 5 + 2 + 2 + 1
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    # the screening (its pack, 18 decisions, its header), the process and 5 admissions, 4 tallies and 10 outcomes
    assert verify.exit_code == 0 and verify.stdout.startswith("Intact: 40 records")
    process_id = json.loads(out.read_text(encoding="utf-8"))["id"]
    replay = runner.invoke(main, ["audit", "replay", process_id, "--lang", "en"])
    assert replay.exit_code == 0 and "4 tally entries, 0 differ" in replay.stdout
    listed = runner.invoke(main, ["audit", "runs"]).stdout
    assert re.search(re.escape(process_id) + r" · .* · lập từ .* · 4 lần ghi kết quả kiểm phiếu \(bước 2, 3, 4, 5\)",
                     listed), listed
    why = runner.invoke(main, ["audit", "why", "DT-0001"]).stdout
    for line in ("Bước 1 · Hội nghị Ban Thường vụ Tỉnh ủy lần 1: đủ tiêu chuẩn, điều kiện; vào danh sách 5 người",
                 "Bước 2 · Hội nghị cán bộ chủ chốt, 25/8/2020: 98 phiếu, 81,67% của tổng số người được triệu tập (120",
                 "đạt, xếp thứ 1/5 → chuyển sang bước 3",
                 "Bước 5 · Hội nghị Ban Chấp hành Đảng bộ tỉnh lần 2, 25/8/2020: 44 phiếu, 88,00%",
                 "→ kết quả cuối cùng", "DT-0001 Nguyễn Văn Hùng: Đủ tiêu chuẩn"):
        assert line in why, line
    stopped = runner.invoke(main, ["audit", "why", "DT-0002", "--lang", "en"]).stdout
    assert "7 votes, 46.67% of the number summoned (15; needs more than 1/2) — did not pass" in stopped
    assert "report to the higher committee" in stopped
    cleared = runner.invoke(main, ["audit", "why", "DT-0003"]).stdout
    assert "Ban Thường vụ đã xem xét, thông qua (25/8/2020; Biên bản hội nghị Ban Thường vụ Tỉnh ủy" in cleared
    assert "đạt, xếp thứ 3/5 (ngoài số lượng giới thiệu)" in cleared


def test_replay_finds_an_altered_tally(runner, tmp_path, monkeypatch):
    out = five_step_run(runner, tmp_path, monkeypatch)
    process_id = json.loads(out.read_text(encoding="utf-8"))["id"]
    with sqlite3.connect(tmp_path / "audit.sqlite") as db:
        seq, body = db.execute("SELECT seq, body FROM records WHERE kind = 'tally' ORDER BY seq LIMIT 1").fetchone()
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (body.replace('"DT-0003":61', '"DT-0003":60'), seq))
    replay = runner.invoke(main, ["audit", "replay", process_id, "--lang", "en"])
    assert replay.exit_code == 1 and "DIFFERS: entry 2 (step 2)" in replay.stdout
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 1


#: A tally record altered in the store, and what replay says about it, in the auditor's words.
ALTERED_TALLIES = {
    "a count removed": (lambda b: b.replace(',"DT-0001":98', '').replace('"DT-0001":98,', ''),
                        "mục 2 (bước 2): thiếu số phiếu của Nguyễn Văn Hùng (DT-0001), người có trong danh sách bước 2"),
    "the sitting renumbered": (lambda b: b.replace('"sitting":1', '"sitting":2', 1),
                               "mục 2 (bước 2): tính lại ra khác kết quả đã lưu ở: lần bỏ phiếu"),
    "a correction of nothing": (lambda b: b.replace('"replaces":null', '"replaces":1', 1),
                                "mục 2 (bước 2): mục này thay mục 1, nhưng mục 1 không phải mục đang có hiệu lực"),
    "an entry renumbered": (lambda b: re.sub(r'"entry":2', '"entry":9', b),
                            "mục 9: các mục 2–8 không có trong sổ (ghi với --no-audit): từ đây không tính lại được"),
}


@pytest.mark.parametrize("name", sorted(ALTERED_TALLIES))
def test_replay_says_in_words_what_an_altered_tally_changes(runner, tmp_path, monkeypatch, name):
    alter, said = ALTERED_TALLIES[name]
    out = five_step_run(runner, tmp_path, monkeypatch)
    process_id = json.loads(out.read_text(encoding="utf-8"))["id"]
    with sqlite3.connect(tmp_path / "audit.sqlite") as db:
        seq, body = db.execute("SELECT seq, body FROM records WHERE kind = 'tally' ORDER BY seq LIMIT 1").fetchone()
        assert alter(body) != body
        db.execute("UPDATE records SET body = ? WHERE seq = ?", (alter(body), seq))
    replay = runner.invoke(main, ["audit", "replay", process_id])
    assert replay.exit_code == 1, replay.output
    assert replay.exception is None or isinstance(replay.exception, SystemExit)
    assert f"KHÁC: {said}" in replay.stdout, replay.output
    assert "Traceback" not in replay.output and "_" not in replay.stdout.replace(process_id, "")


def test_status_json_is_byte_identical_for_the_same_inputs(runner, tmp_path, monkeypatch):
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    monkeypatch.setenv("SANGLOC_AUDIT_DB", str(first / "audit.sqlite"))
    a = five_step_run(runner, first, monkeypatch)
    monkeypatch.setenv("SANGLOC_AUDIT_DB", str(second / "audit.sqlite"))
    b = five_step_run(runner, second, monkeypatch)
    outputs = [runner.invoke(main, ["process", "status", str(p), "--format", "json"]).stdout_bytes for p in (a, b)]
    assert outputs[0] == outputs[1]


def test_minutes_in_english_name_the_figures_in_english(runner, tmp_path, monkeypatch):
    out = five_step_run(runner, tmp_path, monkeypatch)
    minutes = runner.invoke(main, ["process", "status", str(out), "--step", "4", "--format", "md", "--lang", "en"])
    for words in ("MINUTES OF THE BALLOT COUNT", "Step 4: Standing Committee, second meeting",
                  "Members of the Standing Committee summoned: **15**", "Members of the Standing Committee absent: **1**",
                  "Valid ballots: **13**", "A name added outside the list: 1", "46.67%", "Does not pass",
                  "must report to the competent higher committee", "COUNTING BOARD", "Having regard to"):
        assert words in minutes.stdout, words
    assert "Số phiếu" not in minutes.stdout and "ENTRY JOURNAL" not in minutes.stdout
    journal = runner.invoke(main, ["process", "journal", str(out), "--step", "4", "--lang", "en"]).stdout
    for words in ("ENTRY JOURNAL", "Filed with the minutes of step 4", "counted from 14 papers", "| Time |"):
        assert words in journal, words


def test_an_old_audit_store_is_migrated_with_its_chain_intact(runner, tmp_path, screening):
    store = tmp_path / "audit.sqlite"
    assert runner.invoke(main, ["screen", str(PROFILES), "-q"]).exit_code == 0
    with sqlite3.connect(store) as db:  # the store as schema version 1 wrote it
        db.executescript("""
            CREATE TABLE old (seq INTEGER PRIMARY KEY, kind TEXT NOT NULL CHECK (kind IN ('pack', 'run', 'decision')),
                              run_id TEXT NOT NULL, profile_id TEXT NOT NULL, body TEXT NOT NULL,
                              prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
            INSERT INTO old SELECT * FROM records; DROP TABLE records; ALTER TABLE old RENAME TO records;
            CREATE INDEX records_run ON records (run_id, kind); CREATE INDEX records_profile ON records (profile_id, kind);
            UPDATE meta SET value = '1' WHERE key = 'schema_version';""")
    assert _init(runner, screening, tmp_path / "q.json").exit_code == 0
    with sqlite3.connect(store) as db:
        assert db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "3"
    verify = runner.invoke(main, ["audit", "verify", "--lang", "en"])
    # two screenings (20 and 19 records: the pack is stored once), the process and its 3 admissions
    assert verify.exit_code == 0 and verify.stdout.startswith("Intact: 43 records")


def test_no_audit_still_keeps_the_journal_and_says_so(runner, process, tmp_path):
    result = _record(runner, process, 2, _sheet(tmp_path), extra=["--no-audit"])
    assert result.exit_code == 0 and "not recorded in the audit store" in result.stderr
    entry = json.loads(process.read_text(encoding="utf-8"))["journal"][-1]
    assert entry["audit_hash"] is None and entry["by"] == "Nguyễn Thị Thu"
    journal = runner.invoke(main, ["process", "journal", str(process), "--step", "2"]).stdout
    assert "không ghi vào sổ" in journal


# -- the pack's process section ----------------------------------------------------------

@pytest.mark.parametrize("old,new,words", [
    ('      share: "1/2"\n      strict: true\n      denominator: summoned\n      pass_basis: &pass_basis',
     '      share: "3/2"\n      strict: true\n      denominator: summoned\n      pass_basis: &pass_basis',
     ["process.steps[1].share", "share '3/2' is invalid"]),
    ("denominator: summoned", "denominator: voters", ["process.steps[1].denominator", "voters"]),
    ("    - step: 3\n      body: ban_chap_hanh", "    - step: 7\n      body: ban_chap_hanh",
     ["process.steps[2].step", "stands at place 3 but says 7"]),
    ("quote: \"Tại hội nghị Ban Thường vụ Tỉnh ủy lần 1 (bước 1 của quy trình)\"",
     "quote: \"Tại hội nghị Ban Thường vụ Tỉnh ủy lần 3 (bước 1 của quy trình)\"",
     ["process.steps[0].basis.provenance[0].quote", "quote not found verbatim"]),
], ids=["share", "denominator", "step-number", "misquote"])
def test_a_broken_process_section_is_located(runner, tmp_path, old, new, words):
    copy = tmp_path / "pack"
    shutil.copytree(ROOT / "rules" / "pho-bi-thu-tinh-uy-2020", copy)
    text = (copy / "pack.yaml").read_text(encoding="utf-8")
    assert old in text, old
    (copy / "pack.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    result = runner.invoke(main, ["rules", "check", str(copy), "--lang", "en"])
    assert result.exit_code == 2  # an invalid pack (SPEC §5)
    for word in words:
        assert word in result.stdout, (word, result.stdout)
    assert re.search(r"pack\.yaml:\d+:\d+: process\.", result.stdout)


def test_a_pack_without_a_process_uses_the_default_order_and_says_so(runner, screening, tmp_path):
    out = tmp_path / "q.json"
    result = runner.invoke(main, ["process", "init", "--from", str(screening), "--output", str(out),
                                  "--rules", str(ROOT / "tests" / "packs" / "thu-nghiem-2025"), "--lang", "en"])
    assert result.exit_code == 0 and "declares no process section" in result.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["process_declared"] is False
    assert [s["body"] for s in doc["process"]["steps"]] == [
        "ban_thuong_vu", "hoi_nghi_can_bo_chu_chot", "ban_chap_hanh", "ban_thuong_vu", "ban_chap_hanh"]


def test_a_process_file_edited_by_hand_is_refused(runner, process, tmp_path):
    assert _record(runner, process, 2, _sheet(tmp_path)).exit_code == 0
    doc = json.loads(process.read_text(encoding="utf-8"))
    doc["journal"][-1]["tally"]["votes"]["DT-0004"] = 200
    process.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = runner.invoke(main, ["process", "status", str(process), "--lang", "en"])
    assert result.exit_code == 2 and "was edited outside sangloc: entry 2 no longer holds" in result.stderr
    assert "votes.DT-0004 = 200" in result.stderr


def test_two_clerks_recording_at_once_record_one_entry(screening, runner, tmp_path):
    import subprocess
    import sys

    out = tmp_path / "q.json"
    assert _init(runner, screening, out, "--cleared", "DT-0003", "--cleared", "DT-0004",
                 "--cleared-on", "2020-08-25").exit_code == 0
    sheets = [_sheet(tmp_path, "a.yaml"), _sheet(tmp_path, "b.yaml", votes={"DT-0004": 50})]
    env = {**__import__("os").environ, "SANGLOC_AUDIT_DB": str(tmp_path / "audit.sqlite")}
    clerks = [subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "process", "record", str(out), "--step", "2",
                                "--tally", str(sheet), "--lang", "en"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True) for sheet in sheets]
    results = [(clerk.wait(timeout=120), clerk.stderr.read()) for clerk in clerks]
    assert sorted(code for code, _ in results) == [0, 1], results
    assert "step 2 is already recorded" in next(err for code, err in results if code == 1)
    journal = json.loads(out.read_text(encoding="utf-8"))["journal"]
    assert [e["kind"] for e in journal] == ["init", "tally"]
    assert _records("tally", tmp_path / "audit.sqlite") == 1
    assert runner.invoke(main, ["audit", "verify"]).exit_code == 0


def test_rules_show_gives_each_steps_basis_and_provenance_and_the_schema_knows_the_section(runner):
    shown = runner.invoke(main, ["rules", "show", "--lang", "en"]).stdout
    assert "  2. Conference of key cadres\n" in shown
    assert "passes with more than 1/2 the number summoned; quorate with at least 2/3 of those summoned" in shown
    assert "provenance: Báo Nghệ An (baonghean.vn), 14/11/2019" in shown
    assert "quorum: the province's personnel plan" in shown
    import jsonschema

    schema = json.loads(runner.invoke(main, ["schema", "pack"]).stdout)
    validator = jsonschema.Draft202012Validator(schema)
    pack = yaml.safe_load((ROOT / "rules" / "pho-bi-thu-tinh-uy-2020" / "pack.yaml").read_text(encoding="utf-8"))
    assert not list(validator.iter_errors(json.loads(json.dumps(pack, default=str))))
    pack["process"]["steps"][1]["denominatr"] = "present"
    assert list(validator.iter_errors(json.loads(json.dumps(pack, default=str))))


# -- the documents as the Standing Committee sees them --------------------------------------

MINUTES_WORDS = ("ĐẢNG CỘNG SẢN VIỆT NAM", "TỈNH ỦY THÁI BÌNH", "BIÊN BẢN KIỂM PHIẾU", "Thái Bình, ngày 25 tháng 8 năm 2020",
                 "Bước 4: Hội nghị Ban Thường vụ Tỉnh ủy lần 2", "Căn cứ Hướng dẫn số 26-HD/BTCTW",
                 "Số ủy viên Ban Thường vụ được triệu tập", "Số ủy viên Ban Thường vụ vắng mặt: 01",
                 "Số phiếu không hợp lệ: 01", "Ghi thêm tên người ngoài danh sách: 01", "46,67%", "Không đạt",
                 "Ban Thường vụ Tỉnh ủy phải báo cáo cấp ủy cấp trên có thẩm quyền", "Phần III, mục 9",
                 "TỔ KIỂM PHIẾU", "TỔ TRƯỞNG", "THÀNH VIÊN", "Nguyễn Thị Hồng", "Bùi Văn Tài", "Đinh Thị Loan")
#: Nothing a counting board would not write: no software line, no journal, no profile ids, no number.
MINUTES_NOT = ("sangloc", "NHẬT KÝ", "DT-0", "-BB/")


@pytest.mark.slow
def test_minutes_html_renders_in_chromium(runner, tmp_path, monkeypatch):
    import subprocess

    from test_memo import _tool

    chromium = _tool("chromium")
    out = five_step_run(runner, tmp_path, monkeypatch)
    page = tmp_path / "bien-ban.html"
    result = runner.invoke(main, ["process", "status", str(out), "--format", "html", "-o", str(page),
                                  "--issuer", "TỈNH ỦY THÁI BÌNH", "--place", "Thái Bình"])
    assert result.exit_code == 0, result.output
    source = page.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", source), "the page must not load anything"
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
             f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0", "--hide-scrollbars"]
    shot = tmp_path / "page.png"
    run = subprocess.run([chromium, *flags, "--window-size=794,1123", f"--screenshot={shot}", page.as_uri()],
                         capture_output=True, text=True, timeout=120, check=False)
    assert shot.exists() and shot.stat().st_size > 20_000, run.stderr[-2000:]
    dom = subprocess.run([chromium, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120, check=False).stdout
    text = " ".join(re.sub(r"<[^>]+>", " ", dom.split("<body", 1)[1]).split())
    for words in MINUTES_WORDS + ("Kết quả các bước", "Bước 2: Hội nghị cán bộ chủ chốt",
                                  "Bước 5: Hội nghị Ban Chấp hành Đảng bộ tỉnh lần 2"):
        assert words in text, words
    assert text.count("BIÊN BẢN KIỂM PHIẾU") == 4 and "sangloc" not in text and "NHẬT KÝ" not in text
    assert '<meta name="description" content="Lập bằng sangloc' in source
    assert source.count("<thead>") == 5  # the overview and each step's results repeat their header row


@pytest.mark.slow
def test_minutes_docx_opens_in_libreoffice(runner, tmp_path, monkeypatch):
    import subprocess

    from test_memo import _tool

    soffice, pdftotext = _tool("soffice"), _tool("pdftotext")
    out = five_step_run(runner, tmp_path, monkeypatch)
    doc = tmp_path / "bien-ban-buoc-4.docx"
    result = runner.invoke(main, ["process", "status", str(out), "--step", "4", "--format", "docx", "-o", str(doc),
                                  "--issuer", "TỈNH ỦY THÁI BÌNH", "--place", "Thái Bình"])
    assert result.exit_code == 0, result.output
    convert = subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path / 'lo'}",
                              "--convert-to", "pdf", "--outdir", str(tmp_path), str(doc)],
                             capture_output=True, text=True, timeout=300, check=False)
    pdf = tmp_path / "bien-ban-buoc-4.pdf"
    assert pdf.exists(), convert.stdout + convert.stderr
    text = " ".join(subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for words in MINUTES_WORDS:
        assert words in text, words
    for words in MINUTES_NOT:
        assert words not in text, words
    import zipfile

    with zipfile.ZipFile(doc) as package:
        assert "<w:tblHeader" in package.read("word/document.xml").decode("utf-8")
        assert "Lập bằng sangloc" in package.read("docProps/core.xml").decode("utf-8")


def test_the_journal_is_filed_apart_in_local_time(runner, tmp_path, monkeypatch):
    """The entry journal is a document of its own (not in the signed minutes), its times on the local clock."""
    import time

    out = five_step_run(runner, tmp_path, monkeypatch)
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    time.tzset()
    try:
        journal = runner.invoke(main, ["process", "journal", str(out), "--step", "4", "--issuer", "TỈNH ỦY THÁI BÌNH",
                                       "--place", "Thái Bình"])
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert journal.exit_code == 0, journal.output
    at = json.loads(out.read_text(encoding="utf-8"))["journal"][3]["at"]
    from datetime import datetime, timedelta, timezone

    local = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(timezone(timedelta(hours=7)))
    for words in ("TỈNH ỦY THÁI BÌNH", "**TỔ KIỂM PHIẾU**", "NHẬT KÝ NHẬP LIỆU",
                  "Kèm theo biên bản kiểm phiếu bước 4 (Hội nghị Ban Thường vụ Tỉnh ủy lần 2)",
                  f"| 4 | {local:%d/%m/%Y %H:%M:%S} (UTC+07:00) | Nguyễn Thị Thu |", "đếm từ 14 phiếu"):
        assert words in journal.stdout, words
    assert "| 3 |" not in journal.stdout and "Lập bằng sangloc" not in journal.stdout
    for fmt in ("html", "docx"):
        written = tmp_path / f"nhat-ky.{fmt}"
        result = runner.invoke(main, ["process", "journal", str(out), "--format", fmt, "-o", str(written)])
        assert result.exit_code == 0 and written.stat().st_size > 0, result.output


def test_a_process_started_without_audit_is_learnt_by_the_store_at_its_first_audited_entry(runner, screening,
                                                                                            tmp_path):
    out = tmp_path / "q.json"
    assert _init(runner, screening, out, "--no-audit").exit_code == 0
    sheet = tmp_path / "t.yaml"
    sheet.write_text(yaml.safe_dump({**BASE, "votes": {"DT-0001": 98, "DT-0002": 79, "DT-0017": 55}}),
                     encoding="utf-8")
    assert _record(runner, out, 2, sheet).exit_code == 0
    why = runner.invoke(main, ["audit", "why", "DT-0001", "--lang", "en"])
    assert why.exit_code == 0 and "Step 2 · Conference of key cadres" in why.stdout
    process_id = json.loads(out.read_text(encoding="utf-8"))["id"]
    replay = runner.invoke(main, ["audit", "replay", process_id, "--lang", "en"])
    assert replay.exit_code == 0 and "1 tally entries, 0 differ" in replay.stdout


def test_a_csv_sheet_reads_quoted_commas_a_bom_and_no_header(tmp_path):
    from sangloc.engine.run.process.sheet import read_sheet

    path = tmp_path / "t.csv"
    path.write_bytes("\ufeffsummoned,120\nplace,\"Hội trường, Tỉnh ủy\"\n# ghi chú\n\nvotes.DT-0001, 98 \n"
                     "counting_board,A\ncounting_board,B\n".encode("utf-8"))
    sheet = read_sheet(str(path))
    assert not sheet.problems, [p.text("en") for p in sheet.problems]
    assert sheet.fields == {"summoned": 120, "place": "Hội trường, Tỉnh ủy", "votes.DT-0001": 98,
                            "counting_board.0": "A", "counting_board.1": "B"}
    assert sheet.lines["votes.DT-0001"] == 5


def test_an_entry_waits_for_another_but_never_forever(runner, process, tmp_path, monkeypatch):
    import fcntl
    import os

    from sangloc.engine.run.process import state

    monkeypatch.setattr(state, "LOCK_TIMEOUT_S", 0.2)
    held = os.open(process, os.O_RDONLY)
    fcntl.flock(held, fcntl.LOCK_EX)
    try:
        result = _record(runner, process, 2, _sheet(tmp_path))
    finally:
        os.close(held)
    assert result.exit_code == 2 and "held by another entry for over 0.2 seconds" in result.stderr
    assert _record(runner, process, 2, _sheet(tmp_path)).exit_code == 0


# -- a tally keyed in a workbook ------------------------------------------------------------

def _book(path: Path, rows) -> Path:
    import openpyxl

    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    book.save(path)
    return path


def test_a_tally_in_a_workbook_reads_as_its_csv(runner, process, tmp_path):
    """The CSV layout in an .xlsx workbook (field in A, value in B): numbers as the spreadsheet stores
    them, a date cell as a day; double entry agrees with the same sheet keyed in YAML."""
    from datetime import datetime

    rows = [("field", "value"), ("step", 2), ("date", datetime(2020, 8, 25)), ("summoned", 120), ("present", 115.0),
            ("ballots.issued", 115), ("ballots.returned", 114), ("ballots.valid", 112), ("ballots.invalid", 2)]
    rows += [(f"votes.{pid}", votes) for pid, votes in BASE["votes"].items()]
    rows += [("counting_board", "Phạm Thị Hòa"), ("counting_board", "Lê Văn Bình")]
    book = _book(tmp_path / "buoc-2.xlsx", rows)
    yaml_sheet = _sheet(tmp_path, date="2020-08-25", counting_board=["Phạm Thị Hòa", "Lê Văn Bình"])
    result = _record(runner, process, 2, book, yaml_sheet)
    assert result.exit_code == 0, result.output
    tally = json.loads(process.read_text(encoding="utf-8"))["journal"][-1]["tally"]
    assert tally["present"] == 115 and tally["date"] == "2020-08-25" and tally["votes"]["DT-0017"] == 55


@pytest.mark.parametrize("rows,words", [
    ([("step", 2), ("summoned", "=120")], ["buoc-2.xlsx:2", "summoned (B2)", "formula was never computed"]),
    ([("step", 2), ("summoned", 120.5)], ["buoc-2.xlsx:2", "summoned", "120.5"]),
    ([("step", 2), ("note", "=HYPERLINK(\"x\")")], ["buoc-2.xlsx:2", "note (B2)", "formula was never computed"]),
], ids=["formula", "fraction", "formula-note"])
def test_a_broken_workbook_tally_names_its_row(runner, process, tmp_path, rows, words):
    book = _book(tmp_path / "buoc-2.xlsx", rows)
    before = process.read_bytes()
    result = _record(runner, process, 2, book)
    assert result.exit_code == 1, result.output
    for word in words:
        assert word in result.stderr, (word, result.stderr)
    assert process.read_bytes() == before


def test_a_file_named_xlsx_that_is_no_workbook_is_refused(runner, process, tmp_path):
    fake = tmp_path / "buoc-2.xlsx"
    fake.write_text("step,2\n", encoding="utf-8")
    result = _record(runner, process, 2, fake)
    assert result.exit_code == 1 and "cannot read the .xlsx workbook" in result.stderr, result.output
    assert "Traceback" not in result.output


def test_status_as_a_workbook(runner, tmp_path, monkeypatch):
    """`process status --format xlsx`: the overview, then a sheet per step with votes and shares as numbers;
    the same process file gives the same bytes."""
    import openpyxl

    out = five_step_run(runner, tmp_path, monkeypatch)
    books = []
    for name in ("a.xlsx", "b.xlsx"):
        result = runner.invoke(main, ["process", "status", str(out), "--format", "xlsx", "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        books.append((tmp_path / name).read_bytes())
    assert books[0] == books[1]
    book = openpyxl.load_workbook(tmp_path / "a.xlsx")
    assert book.sheetnames == ["Kết quả", "Bước 2", "Bước 3", "Bước 4", "Bước 5"]
    overview = [[c.value for c in row] for row in book["Kết quả"].iter_rows()]
    assert ["DT-0001", "Nguyễn Văn Hùng", "✓ đủ tiêu chuẩn, điều kiện", "98 (81,67%) ✓", "41 (82,00%) ✓",
            "12 (80,00%) ✓", "44 (88,00%) ✓"] in overview
    assert any(row[0] and str(row[0]).startswith("Lưu ý: Bước 4") for row in overview)
    step2 = [[c.value for c in row] for row in book["Bước 2"].iter_rows()]
    assert [1, "DT-0001", "Nguyễn Văn Hùng", 98, 0.8167, "Đạt", "→"] in step2
    assert book["Bước 2"]["E5"].number_format == "0.00%"


@pytest.mark.parametrize("command,fmt", [(["status", "--format", "xlsx"], "xlsx"),
                                         (["status", "--step", "4", "--format", "docx"], "docx"),
                                         (["journal", "--format", "docx", "-o", "-"], "docx")],
                         ids=["status-xlsx", "minutes-docx", "journal-docx"])
def test_a_binary_document_is_not_written_to_a_terminal(runner, tmp_path, monkeypatch, command, fmt):
    import os
    import pty
    import subprocess
    import sys

    out = five_step_run(runner, tmp_path, monkeypatch)
    controller, terminal = pty.openpty()
    try:
        done = subprocess.run([sys.executable, str(ROOT / "cli.py"), "process", command[0], str(out), *command[1:]],
                              stdout=terminal, stderr=subprocess.PIPE, timeout=120, check=False)
    finally:
        os.close(terminal)
        os.close(controller)
    assert done.returncode == 2 and f"định dạng {fmt} cần --output TỆP.{fmt}" in done.stderr.decode()
