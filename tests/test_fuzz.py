"""Fuzzing the profile loader, both matchers and the pack loader: a fixed seed and a count.

Two fuzzers for each loader: a seeded mutator (byte flips, cut and repeated
slices, splices, and tokens of YAML and JSON that break parsers), and atheris,
coverage-guided (tests/fuzz/targets.py). Anything other than a reported input
error is a crash: the input is kept in the test's temporary folder and named
in the failure, to be copied into tests/inputs/fuzz-regressions/ with the fix
(every file there is replayed by every later run).

Executions per fuzzer: SANGLOC_FUZZ_EXECUTIONS (20,000 profiles and 1,500
packs in CI, a tenth of that elsewhere); the seeds are fixed, so a run is
repeatable.
"""

from __future__ import annotations

import importlib.util
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import PROFILES, ROOT
from sangloc.engine.pack.load import check_pack_folder, load_pack
from sangloc.engine.run.pipeline import Screening, collect

pytestmark = pytest.mark.slow

SCALE = float(os.environ.get("SANGLOC_FUZZ_EXECUTIONS", "1" if os.environ.get("CI") else "0.1"))
PROFILE_RUNS = max(1, int(20_000 * SCALE))
PACK_RUNS = max(1, int(1_500 * SCALE))
REGRESSIONS = Path(__file__).resolve().parent / "inputs" / "fuzz-regressions"
BROKEN = Path(__file__).resolve().parent / "inputs" / "broken"
PACK_DIR = ROOT / "rules" / "pho-bi-thu-tinh-uy-2020"
TOKENS = [b":", b": ", b"- ", b"{", b"}", b"[", b"]", b",", b"&a ", b"*a", b"!!python/object:os.system ",
          b"!!binary ", b"\x00", b"\xff\xfe", b"\xc3", b'"', b"'", b"\n", b"\n  ", b"\t", b"2020-02-30",
          b"1e999", b"NaN", b"-Infinity", b"~", b"null", b"---\n", b"...", b"<<: *a", b"? ", b"%YAML 1.1\n",
          b"9999-12-31", b"0000-01-01", b"\\u0000", b"\xe2\x80\xa8", b"yes", b"0x1F", b"-1", b"1" * 40]


def _mutate(data: bytes, seeds: list[bytes], rnd: random.Random) -> bytes:
    for _ in range(rnd.randint(1, 4)):
        if not data:
            data = rnd.choice(seeds)
        at = rnd.randrange(len(data) + 1)
        choice = rnd.randrange(6)
        if choice == 0 and data:
            data = data[:at] + bytes([rnd.randrange(256)]) + data[at + 1:]
        elif choice == 1:
            data = data[:at] + data[at + rnd.randint(1, 40):]
        elif choice == 2:
            data = data[:at] + data[at:at + rnd.randint(1, 60)] * rnd.randint(2, 5) + data[at:]
        elif choice == 3:
            other = rnd.choice(seeds)
            cut = rnd.randrange(len(other) + 1)
            data = data[:at] + other[cut:cut + rnd.randint(1, 200)] + data[at:]
        elif choice == 4:
            data = data[:at]
        else:
            data = data[:at] + rnd.choice(TOKENS) + data[at:]
    return data


def _kept(folder: Path, name: str, data: bytes) -> Path:
    """Keep a crashing input in the test's temporary folder (never in the source tree)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def pack():
    return load_pack("pho-bi-thu-tinh-uy-2020")


def _screen_file(path: Path, pack, matcher: str) -> None:
    collect(Screening([str(path)], pack, matcher=matcher))


def test_fuzz_the_profile_loader_and_both_matchers(tmp_path, pack, capsys):
    seeds = [p.read_bytes() for p in sorted(PROFILES.iterdir())]
    seeds += [p.read_bytes() for p in sorted(BROKEN.iterdir()) if p.stat().st_size < 100_000]
    rnd = random.Random(1945)
    for execution in range(PROFILE_RUNS):
        data = _mutate(rnd.choice(seeds), seeds, rnd)
        suffix = rnd.choice([".yaml", ".yml", ".json", ".jsonl"])
        matcher = ("python", "durable")[execution % 2]
        path = tmp_path / f"fuzz{suffix}"
        path.write_bytes(data)
        try:
            _screen_file(path, pack, matcher)
        except Exception as err:
            kept = _kept(tmp_path / "crashes", f"profile-{execution}{suffix}", data)
            raise AssertionError(f"execution {execution} ({matcher} matcher) crashed with {err!r}; "
                                 f"input kept as {kept}") from err
    with capsys.disabled():
        print(f"\n  fuzz profile loader and both matchers: {PROFILE_RUNS} executions (seed 1945), no crash")


def test_fuzz_the_pack_loader(tmp_path, capsys):
    original = (PACK_DIR / "pack.yaml").read_bytes()
    catalog = (PACK_DIR / "catalog.yaml").read_bytes()
    seeds = [original, catalog]
    rnd = random.Random(2020)
    loaded = 0
    folder = tmp_path / "pack"
    shutil.copytree(PACK_DIR, folder)
    for execution in range(PACK_RUNS):
        target = rnd.choice(["pack.yaml", "catalog.yaml"])
        data = _mutate(original if target == "pack.yaml" else catalog, seeds, rnd)
        (folder / "pack.yaml").write_bytes(data if target == "pack.yaml" else original)
        (folder / "catalog.yaml").write_bytes(data if target == "catalog.yaml" else catalog)
        try:
            checked = check_pack_folder(str(folder))
            if checked.pack is not None:
                loaded += 1
                _screen_file(PROFILES / "dt-0004-le-thi-huong.yaml", checked.pack, ("python", "durable")[loaded % 2])
        except Exception as err:
            kept = _kept(tmp_path / "crashes", f"pack-{target.split('.')[0]}-{execution}.yaml", data)
            raise AssertionError(f"execution {execution} crashed with {err!r}; input kept as {kept}") from err
    with capsys.disabled():
        print(f"\n  fuzz pack loader: {PACK_RUNS} executions (seed 2020, {loaded} loaded), no crash")


TARGETS = Path(__file__).resolve().parent / "fuzz" / "targets.py"


def _atheris_available() -> bool:
    """atheris is in the test extras where it ships a wheel (x86_64, Python 3.11)."""
    if importlib.util.find_spec("atheris") is not None:
        return True
    import platform

    if os.environ.get("CI") and platform.machine() == "x86_64" and sys.version_info < (3, 12):
        pytest.fail("atheris is not installed; the test extras must install it")
    pytest.skip("atheris is not installed here (it ships wheels for x86_64 and Python 3.11 only)")


@pytest.mark.parametrize("target", ["profile", "pack"])
def test_atheris_coverage_guided_fuzzing(tmp_path, target, capsys):
    _atheris_available()
    corpus, crashes = tmp_path / "corpus", tmp_path / "crashes"
    corpus.mkdir()
    crashes.mkdir()
    if target == "profile":  # the first byte picks the file type (.yaml, .json, .jsonl)
        for number, path in enumerate(sorted(PROFILES.iterdir())):
            selector = b"\x01" if path.suffix == ".json" else b"\x00"
            (corpus / f"seed-{number}").write_bytes(selector + path.read_bytes())
    else:  # the first byte picks the file to fuzz (pack.yaml, catalog.yaml)
        (corpus / "pack").write_bytes(b"\x00" + (PACK_DIR / "pack.yaml").read_bytes())
        (corpus / "catalog").write_bytes(b"\x01" + (PACK_DIR / "catalog.yaml").read_bytes())
    runs = PROFILE_RUNS if target == "profile" else PACK_RUNS
    run = subprocess.run([sys.executable, str(TARGETS), target, f"-runs={runs}", "-seed=1945",
                          f"-artifact_prefix={crashes}/", "-rss_limit_mb=2048", str(corpus)],
                         capture_output=True, text=True, timeout=1800, check=False)
    found = sorted(crashes.iterdir())
    done = re.search(r"Done (\d+) runs", run.stderr)
    with capsys.disabled():
        print(f"\n  atheris {target} loader: {done.group(1) if done else '?'} executions (seed 1945), "
              f"{len(found)} crash(es)")
    assert run.returncode == 0 and not found, f"crashing inputs kept in {crashes}\n" + run.stderr[-3000:]


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*")) or [None], ids=lambda p: p.name if p else "none")
@pytest.mark.parametrize("matcher", ["python", "durable"])
def test_fuzz_regressions_stay_fixed(tmp_path, pack, path, matcher):
    if path is None:
        pytest.skip("no crash has been found by fuzzing yet")
    if path.name.startswith("atheris-"):
        _atheris_available()
        target = path.name.split("-")[1]
        run = subprocess.run([sys.executable, str(TARGETS), target, str(path)], capture_output=True, text=True,
                             timeout=120, check=False)
        assert run.returncode == 0, run.stderr[-3000:]
        return
    if path.name.startswith("pack-"):
        folder = tmp_path / "pack"
        shutil.copytree(PACK_DIR, folder)
        (folder / ("catalog.yaml" if path.name.startswith("pack-catalog") else "pack.yaml")).write_bytes(
            path.read_bytes())
        checked = check_pack_folder(str(folder))
        if checked.pack is not None:
            _screen_file(PROFILES / "dt-0004-le-thi-huong.yaml", checked.pack, matcher)
    else:
        target = tmp_path / f"input{path.suffix}"
        target.write_bytes(path.read_bytes())
        _screen_file(target, pack, matcher)
