"""Coverage-guided fuzz targets (atheris) for the profile loader and the pack loader.

    python tests/fuzz/targets.py profile -runs=20000 -seed=1945 -artifact_prefix=crash/ CORPUS_DIR
    python tests/fuzz/targets.py pack -runs=1500 -seed=1945 -artifact_prefix=crash/ CORPUS_DIR

A target raises on anything that is not a reported input error; atheris then
writes the input that did it under -artifact_prefix. tests/test_fuzz.py runs
both for a count of executions with a fixed seed.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["sangloc"]):
    from sangloc.engine.pack.load import check_pack_folder, load_pack
    from sangloc.engine.run.pipeline import Screening, collect

WORK = Path(tempfile.mkdtemp(prefix="sangloc-fuzz-"))
PACK = load_pack("pho-bi-thu-tinh-uy-2020")
PACK_COPY = WORK / "pack"
shutil.copytree(PACK.path, PACK_COPY)
ORIGINAL = {name: (PACK.path / name).read_bytes() for name in ("pack.yaml", "catalog.yaml")}
SUFFIXES = (".yaml", ".json", ".jsonl")
PACK_PROFILE = Path(__file__).resolve().parents[2] / "profiles" / "dt-0004-le-thi-huong.yaml"


def profile_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    path = WORK / f"input{SUFFIXES[provider.ConsumeIntInRange(0, 2)]}"
    path.write_bytes(provider.ConsumeBytes(provider.remaining_bytes()))
    collect(Screening([str(path)], PACK, matcher=("python", "durable")[len(data) % 2]))


def pack_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    target = ("pack.yaml", "catalog.yaml")[provider.ConsumeIntInRange(0, 1)]
    for name, content in ORIGINAL.items():
        (PACK_COPY / name).write_bytes(provider.ConsumeBytes(provider.remaining_bytes()) if name == target
                                       else content)
    checked = check_pack_folder(str(PACK_COPY))
    if checked.pack is not None:
        collect(Screening([str(PACK_PROFILE)], checked.pack, matcher="python"))


if __name__ == "__main__":
    TARGETS = {"profile": profile_input, "pack": pack_input}
    which = sys.argv.pop(1)
    atheris.Setup(sys.argv, TARGETS[which])
    atheris.Fuzz()
