"""Costs that must not explode on small inputs (issue 14): time and memory grow
linearly with the input, and a profile over the stated bounds on entries
(``engine/profile/model.py``) is an input error of that profile, said at once.

Each case runs sangloc in a subprocess at ten times a bound, and measures its
wall time and peak memory (the kernel's figure for that one process, from
``wait4`` in a small launcher) and the size of what it wrote.  The limits are generous, so that a
loaded machine passes; what they catch is the quadratic growth of the past:
2,500 profiles sharing one id took 1.7 GB and wrote 250 MB; one profile of
4,000 positions took over a minute.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sangloc.engine.profile.model import (MAX_ASSESSMENTS, MAX_DISCIPLINE, MAX_EXCEPTIONS, MAX_PLANNING,
                                          MAX_POSITIONS, MAX_RATINGS)

from conftest import BASE_PROFILE, ROOT

CLI = [sys.executable, str(ROOT / "cli.py")]


#: Runs its arguments and writes their peak memory (KB) to the file named first.  A child's
#: peak as the kernel counts it starts from its parent's at the fork (exec keeps the larger),
#: so sangloc is started from this small process, not from pytest, whose own size grows
#: with the tests run before.
LAUNCHER = ("import os, subprocess, sys; p = subprocess.Popen(sys.argv[2:]); _, s, u = os.wait4(p.pid, 0); "
            "open(sys.argv[1], 'w').write(str(u.ru_maxrss)); sys.exit(os.waitstatus_to_exitcode(s))")


def measured(args: list[str], out: Path, tmp_path: Path) -> tuple[float, float, int]:
    """(seconds, peak resident memory in MB, exit code) of one sangloc run writing to ``out``."""
    env = dict(os.environ, SANGLOC_AUDIT_DB=str(tmp_path / "audit.sqlite"))
    peak = tmp_path / "peak-kb.txt"
    started = time.perf_counter()
    with out.open("wb") as stdout, (tmp_path / "stderr.txt").open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-c", LAUNCHER, str(peak), *CLI, *args], stdout=stdout,
                                   stderr=stderr, env=env, cwd=tmp_path)
        _, status, _ = os.wait4(process.pid, 0)
    return time.perf_counter() - started, int(peak.read_text()) / 1024, os.waitstatus_to_exitcode(status)


def _lines(path: Path, profiles) -> Path:
    path.write_text("".join(json.dumps(p, ensure_ascii=False) + "\n" for p in profiles), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["jsonl", "json"])
def test_25000_profiles_sharing_one_id_cost_linear_time_memory_and_output(tmp_path, fmt):
    """Ten times the 2,500 twins that once took 1.7 GB: every twin still reported, each
    message naming one other twin and counting the rest."""
    count = 25_000
    batch = _lines(tmp_path / "twins.jsonl", ({"id": "DT-0001", "full_name": "Nguyễn Văn A"} for _ in range(count)))
    out = tmp_path / f"out.{fmt}"
    seconds, peak, code = measured(["screen", str(batch), "--format", fmt, "--engine", "python", "-q"], out, tmp_path)
    assert code == 2  # no valid profile at all
    assert seconds < 120, f"{seconds:.1f} s"
    assert peak < 400, f"{peak:.0f} MB"
    assert out.stat().st_size < 2_000 * count, f"{out.stat().st_size:,} bytes"
    if fmt == "jsonl":
        entries = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()[:-1]]
    else:
        entries = json.loads(out.read_text(encoding="utf-8"))["invalid"]
    assert len(entries) == count
    assert all(e["kind" if fmt == "jsonl" else "profile_id"] in ("invalid", "DT-0001") for e in entries)
    first, last = entries[0]["errors"], entries[-1]["errors"]
    assert any("#2 và 24998 hồ sơ khác" in e for e in first), first
    assert any("#1 và 24998 hồ sơ khác" in e for e in last), last


def test_twins_among_many_are_named_and_counted_in_english(runner, tmp_path):
    from sangloc.engine.commands.main import main

    profiles = [dict(BASE_PROFILE, id=f"T-{n % 3}") for n in range(7)] + [dict(BASE_PROFILE, id="T-9")]
    batch = _lines(tmp_path / "batch.jsonl", profiles)
    result = runner.invoke(main, ["screen", str(batch), "--format", "json", "--lang", "en", "--no-audit"])
    report = json.loads(result.stdout)
    assert [r["profile_id"] for r in report["results"]] == ["T-9"]
    errors = {(i["profile_id"], i["index"]): i["errors"][0] for i in report["invalid"]}
    assert len(errors) == 7
    assert errors[("T-0", 0)] == f"id: profile id 'T-0' duplicates the profile in {batch} #4 and 1 more"
    assert errors[("T-0", 3)].endswith(" #1 and 1 more") and errors[("T-0", 6)].endswith(" #1 and 1 more")
    assert errors[("T-1", 1)] == f"id: profile id 'T-1' duplicates the profile in {batch} #5"
    assert errors[("T-1", 4)].endswith(" #2")


def test_a_line_that_only_looks_like_a_twin_is_confirmed_by_its_full_reading(runner, tmp_path):
    """A line opening with the same id but holding a duplicate key claims no id: its
    namesake is screened, as it would be without the first pass."""
    from sangloc.engine.commands.main import main

    good = json.dumps(BASE_PROFILE, ensure_ascii=False)
    broken = good[:-1] + ', "gender": "male"}'  # a key written twice: the line is not a profile
    batch = tmp_path / "batch.jsonl"
    batch.write_text(good + "\n" + broken + "\n", encoding="utf-8")
    result = runner.invoke(main, ["screen", str(batch), "--format", "json", "--lang", "en", "--no-audit"])
    report = json.loads(result.stdout)
    assert [r["profile_id"] for r in report["results"]] == ["T-0001"]
    assert len(report["invalid"]) == 1 and "duplicate key" in report["invalid"][0]["errors"][0]


def _over(key: str, bound: int):
    """A profile with ten times ``bound`` entries under ``key``."""
    n = 10 * bound
    entries = {
        "positions": [{"title": "pho_chu_tich_ubnd_tinh", "start": f"{1950 + i % 70}-01-01"} for i in range(n)],
        "planning": [{"title": "pho_bi_thu_tinh_uy", "term": "2020-2025"}] * n,
        "discipline": [{"form": "khien_trach", "decided": "2019-01-01"}] * n,
        "assessments": {f"tieu-chi-{i}": "met" for i in range(n)},
        "exceptions": [{"rule": "do-tuoi", "by": "Bộ Chính trị", "document": "Công văn số 1", "date": "2020-01-01"}] * n,
        "ratings": {str(1000 + i): "xuat_sac" for i in range(n)},
    }[key]
    return dict(BASE_PROFILE, **{key: entries})


@pytest.mark.parametrize("key,bound", [("positions", MAX_POSITIONS), ("planning", MAX_PLANNING),
                                       ("discipline", MAX_DISCIPLINE), ("assessments", MAX_ASSESSMENTS),
                                       ("exceptions", MAX_EXCEPTIONS), ("ratings", MAX_RATINGS)])
def test_ten_times_a_bound_is_one_input_error_of_that_profile_said_at_once(tmp_path, key, bound):
    batch = _lines(tmp_path / "batch.jsonl", [_over(key, bound), dict(BASE_PROFILE, id="T-0002")])
    out = tmp_path / "out.json"
    seconds, peak, code = measured(["screen", str(batch), "--format", "json", "--lang", "en", "--engine", "python",
                                    "-q"], out, tmp_path)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert code == 1
    assert [r["profile_id"] for r in report["results"]] == ["T-0002"]
    assert report["invalid"][0]["errors"] == [f"{key}: more than {bound} entries"]
    assert seconds < 20, f"{seconds:.1f} s"
    assert peak < 300, f"{peak:.0f} MB"


def test_a_profile_at_every_bound_is_decided_and_explained_in_linear_time(tmp_path):
    """The "what would change" texts once re-rendered every item's evidence for every
    item: a profile of 4,000 positions took over a minute."""
    profile = dict(BASE_PROFILE,
                   positions=[{"title": "pho_chu_tich_ubnd_tinh", "org": f"UBND tỉnh số {i}", "start": f"{1950 + i % 70}-01-01",
                               "end": f"{1950 + i % 70}-06-30"} for i in range(MAX_POSITIONS)],
                   planning=[{"title": "giam_doc_so", "term": f"{2000 + i}-{2005 + i}"} for i in range(MAX_PLANNING)],
                   discipline=[{"form": "khien_trach", "decided": f"{1990 + i}-01-01"} for i in range(MAX_DISCIPLINE)])
    batch = _lines(tmp_path / "batch.jsonl", [profile])
    for engine in ("python", "durable"):
        out = tmp_path / f"out-{engine}.jsonl"
        seconds, peak, code = measured(["screen", str(batch), "--format", "jsonl", "--engine", engine, "-q"],
                                       out, tmp_path)
        assert code == 0, (tmp_path / "stderr.txt").read_text(encoding="utf-8")
        record = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
        assert record["verdict"] == "ineligible"
        assert seconds < 20, f"{seconds:.1f} s"
        assert peak < 300, f"{peak:.0f} MB"
        # Each of 160 cited entries is said a bounded number of times, not once per other entry.
        assert out.stat().st_size < 400_000, f"{out.stat().st_size:,} bytes"
