"""Nothing lost, nothing invented: a large batch with corrupted profiles, runs
killed or interrupted midway."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT

CORRUPTIONS = [
    lambda d: d.update(birth_date="1970-02-30"),
    lambda d: d.update(gender="ông"),
    lambda d: d.pop("full_name"),
    lambda d: d.update(full_name=12345),
    lambda d: d["positions"].append({"title": "Bí thư Huyện ủy X", "start": "2010-01-01"}),
    lambda d: d.update(ratings={"2016": "tot"}),
    lambda d: d.update(positons=[]),
    lambda d: d.update(discipline=[{"form": "khien_trach", "decided": "2019-01-01", "until": "2018-01-01"}]),
    lambda d: d.update(planning=[{"title": "pho_bi_thu_tinh_uy", "term": 2020}]),
    lambda d: d.update(full_name="Nguyễn\u0007Văn"),
]


def _generate(count: int) -> list[str]:
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(count)],
                         capture_output=True, text=True, check=True).stdout
    return out.splitlines()


def _cli(args, **kwargs):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *args], capture_output=True, text=True,
                          check=False, **kwargs)


@pytest.mark.slow
def test_ten_thousand_with_one_percent_corrupted_loses_nothing(tmp_path):
    lines = _generate(10_000)
    corrupted: set[str] = set()
    for number in range(0, 10_000, 100):  # 1%, in varied ways
        document = json.loads(lines[number])
        kind = (number // 100) % (len(CORRUPTIONS) + 3)
        if kind < len(CORRUPTIONS):
            CORRUPTIONS[kind](document)
            lines[number] = json.dumps(document, ensure_ascii=False)
            corrupted.add(document["id"])
        elif kind == len(CORRUPTIONS):
            lines[number] = lines[number][: len(lines[number]) // 2]  # cut mid-object
            corrupted.add(f"line {number + 1}")
        elif kind == len(CORRUPTIONS) + 1:
            lines[number] = "\ufffd garbage \x01"
            corrupted.add(f"line {number + 1}")
        else:
            twin = json.loads(lines[number + 1])
            document["id"] = twin["id"]  # a duplicated id: both profiles must be reported
            lines[number] = json.dumps(document, ensure_ascii=False)
            corrupted.update({f"dup {twin['id']}"})
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n", encoding="utf-8")
    for fmt, jobs in (("jsonl", "2"), ("json", "1")):
        out = tmp_path / f"out.{fmt}"
        result = _cli(["screen", str(batch), "--format", fmt, "--engine", "python", "--jobs", jobs, "-o", str(out),
                       "--no-audit", "-q"])
        assert result.returncode == 1, result.stderr[-2000:]
        if fmt == "jsonl":
            records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
            results = [r for r in records if r["kind"] == "result"]
            invalid = [r for r in records if r["kind"] == "invalid"]
            assert records[-1]["kind"] == "summary"
        else:
            report = json.loads(out.read_text(encoding="utf-8"))
            results, invalid = report["results"], report["invalid"]
        duplicated = {c.split(" ", 1)[1] for c in corrupted if c.startswith("dup ")}
        assert len(results) + len(invalid) == 10_000
        assert len(invalid) == len(corrupted) + len(duplicated)  # a duplicate pair is two invalid profiles
        invalid_ids = {i["profile_id"] for i in invalid}
        for marker in corrupted:
            if marker.startswith("line "):
                assert any(i["errors"][0].startswith(marker + ":") for i in invalid), marker
            elif marker.startswith("dup "):
                assert sum(i["profile_id"] == marker[4:] for i in invalid) == 2
            else:
                assert marker in invalid_ids, marker
        assert not invalid_ids & {r["profile_id"] for r in results}


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    """Wait until ``condition()`` holds (the event itself, not a guess at how long it takes)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def _writing(folder, at_least: int = 64 * 1024):
    """True once a run is midway through writing its output into ``folder``."""
    return lambda: any(p.name.startswith(".sangloc-") and p.stat().st_size >= at_least for p in folder.iterdir())


def _start(args, tmp_path):
    env = {**os.environ, "SANGLOC_AUDIT_DB": str(tmp_path / "audit.sqlite")}
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


@pytest.fixture(scope="module")
def big_batch(tmp_path_factory):
    path = tmp_path_factory.mktemp("big") / "batch.jsonl"
    path.write_text("\n".join(_generate(6_000)) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_run_killed_midway_leaves_the_previous_output_intact(tmp_path, big_batch, jobs):
    out = tmp_path / "ket-qua.jsonl"
    out.write_text("previous result\n", encoding="utf-8")
    process = _start(["screen", str(big_batch), "--format", "jsonl", "--jobs", jobs, "-o", str(out)], tmp_path)
    _wait_for(_writing(tmp_path), "the run to be midway through its output")
    assert process.poll() is None, "the run finished before it could be killed"
    process.kill()
    process.wait()
    assert out.read_text(encoding="utf-8") == "previous result\n"


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_with_one_line(tmp_path, big_batch, jobs):
    out = tmp_path / "ket-qua.json"
    out.write_text("previous result\n", encoding="utf-8")
    process = _start(["screen", str(big_batch), "--format", "jsonl", "--jobs", jobs, "-o", str(out)], tmp_path)
    _wait_for(_writing(tmp_path), "the run to be midway through its output")
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.killpg(process.pid, signal.SIGINT)  # as a terminal's Ctrl-C: the whole process group
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and "Ctrl-C" in lines[0], err
    assert "Traceback" not in err
    assert out.read_text(encoding="utf-8") == "previous result\n"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".sangloc-")]
    if (tmp_path / "audit.sqlite").exists():  # nothing half-recorded
        check = _cli(["audit", "runs", "--audit-db", str(tmp_path / "audit.sqlite"), "--format", "json"])
        assert json.loads(check.stdout or "[]") == []


@pytest.mark.slow
def test_huge_inputs_fail_fast_in_bounded_memory(tmp_path):
    """A 200 MB YAML file and a 200 MB single JSON line: a clear error, quickly, in little memory."""
    yaml_file = tmp_path / "huge.yaml"
    with yaml_file.open("w", encoding="utf-8") as stream:
        stream.write("id: H-1\nfull_name: A\ngender: male\nbirth_date: 1970-01-01\nnote: |\n")
        line = "  " + "x" * 1022 + "\n"
        for _ in range(200 * 1024):
            stream.write(line)
    jsonl_file = tmp_path / "huge.jsonl"
    with jsonl_file.open("w", encoding="utf-8") as stream:
        stream.write('{"id": "H-2", "full_name": "')
        chunk = "x" * (1024 * 1024)
        for _ in range(200):
            stream.write(chunk)
        stream.write('"}\n{"id": "H-3", "full_name": "B", "gender": "male", "birth_date": "1970-01-01"}\n')
    for path, words in ((yaml_file, "too large"), (jsonl_file, "longer than 1024 KB")):
        started = time.monotonic()
        # Measured through a small parent: a child forked from this (large) test process
        # would inherit its peak RSS figure.
        measure = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL); "
                   "_, _, u = os.wait4(p.pid, 0); print(u.ru_maxrss)")
        run = subprocess.run([sys.executable, "-c", measure, sys.executable, str(ROOT / "cli.py"), "validate",
                              str(path), "--lang", "en"], capture_output=True, text=True, check=False)
        assert words in run.stderr, run.stderr
        assert time.monotonic() - started < 30
        peak_kb = int(run.stdout.strip())
        assert peak_kb < 300 * 1024, f"peak RSS {peak_kb} KB"
