"""sangloc benchmark: plain Python, one run, figures printed and saved.

    python bench/run.py                      # N = 1,000 / 10,000 / 100,000, then the 1,000,000 stream
    python bench/run.py --sizes 1000 10000 --no-million

For each N, on deterministic synthetic profiles (bench/generate.py, seeded,
about 1 KB each): (a) read + validate only (`sangloc validate`); (b) a full
`screen` to JSON with evidence, with each engine; (b') the same as a JSON
Lines stream; and a YAML input at 10,000. Then a 1,000,000-profile streaming
screen (JSONL in, JSONL out) with each engine. Every figure is a separate
process, its peak RSS read from the kernel (wait4). Results: a table on
stdout and bench/results.json; targets are checked and any miss is listed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "cli.py")]

TARGETS = {
    "durable_jsonl_per_s": 2_000,
    "python_jsonl_per_s": 20_000,
    "python_yaml_per_s": 3_000,
    "python_vs_validate_ratio": 2.0,
    "million_peak_rss_mb": 300,
    "help_seconds": 0.3,
}


def measure(args: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MB, exit code) of one sangloc process."""
    started = time.perf_counter()
    process = subprocess.Popen(CLI + args, stdout=stdout, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def generate(count: int, path: Path, fmt: str = "jsonl") -> Path:
    with path.open("w", encoding="utf-8") as stream:
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(count), "--format", fmt],
                       stdout=stream, check=True)
    return path


def row(name: str, count: int, seconds: float, rss: float, code: int) -> dict:
    rate = count / seconds if seconds else 0.0
    print(f"  {name:<44} {count:>9,} {seconds:>8.2f} s {rate:>10,.0f}/s {rss:>8.0f} MB  exit {code}", flush=True)
    return {"name": name, "profiles": count, "seconds": round(seconds, 3), "per_second": round(rate),
            "peak_rss_mb": round(rss), "exit": code}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    parser.add_argument("--million", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--jobs", type=int, default=2, help="also measure with this many processes")
    args = parser.parse_args()
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "processor": _processor()}
    print(f"sangloc benchmark · Python {machine['python']} · {machine['cpus']} cores · {machine['processor']}")
    rows: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="sangloc-bench-") as folder:
        work = Path(folder)
        out = work / "out"
        seconds, rss, code = measure(["--help"])
        rows.append(row("sangloc --help", 0, seconds, rss, code) | {"kind": "help"})
        for count in args.sizes:
            data = generate(count, work / f"cohort-{count}.jsonl")
            print(f"N = {count:,} ({data.stat().st_size / count:,.0f} bytes a profile as JSON Lines)")
            rows.append(row("a. read + validate", count, *measure(["validate", str(data)])) | {"kind": "a"})
            for engine in ("durable", "python"):
                for fmt in ("json", "jsonl"):
                    base = ["screen", str(data), "--format", fmt, "--engine", engine, "-o", str(out), "--no-audit", "-q"]
                    rows.append(row(f"b. screen --engine {engine} --format {fmt}", count, *measure(base))
                                | {"kind": "b", "engine": engine, "format": fmt, "jobs": 1})
                    if args.jobs > 1 and fmt == "jsonl":
                        rows.append(row(f"b. screen --engine {engine} --format {fmt} --jobs {args.jobs}", count,
                                        *measure(base + ["--jobs", str(args.jobs)]))
                                    | {"kind": "b", "engine": engine, "format": fmt, "jobs": args.jobs})
            if count == 10_000:
                yaml_data = generate(count, work / "cohort-10000.yaml", "yaml")
                rows.append(row("b. screen --engine python, YAML in", count,
                                *measure(["screen", str(yaml_data), "--format", "jsonl", "--engine", "python",
                                          "-o", str(out), "--no-audit", "-q"]))
                            | {"kind": "yaml", "engine": "python", "jobs": 1})
            data.unlink()
        if args.million:
            count = 1_000_000
            data = generate(count, work / "cohort-1m.jsonl")
            print(f"N = {count:,}, streaming JSONL in and out")
            for engine in ("durable", "python"):
                rows.append(row(f"stream --engine {engine} --jobs {args.jobs}", count,
                                *measure(["screen", str(data), "--format", "jsonl", "--engine", engine,
                                          "--jobs", str(args.jobs), "-o", str(out), "--no-audit", "-q"]))
                            | {"kind": "million", "engine": engine, "jobs": args.jobs})
    verdicts = check(rows)
    for line in verdicts:
        print(line)
    result = {"machine": machine, "targets": TARGETS, "rows": rows, "checks": verdicts}
    (ROOT / "bench" / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n",
                                                 encoding="utf-8")
    print("written bench/results.json")


def _best(rows, **match) -> dict | None:
    found = [r for r in rows if all(r.get(k) == v for k, v in match.items())]
    return max(found, key=lambda r: (r["profiles"], r["per_second"])) if found else None


def check(rows: list[dict]) -> list[str]:
    lines = ["targets:"]

    def report(name, ok, figure):
        lines.append(f"  {'MET ' if ok else 'MISS'} {name}: {figure}")

    help_row = _best(rows, kind="help")
    report("sangloc --help under 0.3 s", help_row["seconds"] < TARGETS["help_seconds"], f"{help_row['seconds']:.2f} s")
    for engine, target in (("durable", TARGETS["durable_jsonl_per_s"]), ("python", TARGETS["python_jsonl_per_s"])):
        best = _best(rows, kind="b", engine=engine, format="jsonl")
        if best:
            report(f"--engine {engine} from JSONL >= {target:,}/s", best["per_second"] >= target,
                   f"{best['per_second']:,}/s at N={best['profiles']:,} (jobs {best['jobs']})")
    yaml_row = _best(rows, kind="yaml")
    if yaml_row:
        report(f"--engine python from YAML >= {TARGETS['python_yaml_per_s']:,}/s",
               yaml_row["per_second"] >= TARGETS["python_yaml_per_s"], f"{yaml_row['per_second']:,}/s")
    for count in sorted({r["profiles"] for r in rows if r.get("kind") == "a"}):
        validate = _best(rows, kind="a", profiles=count)
        python = [r for r in rows if r.get("kind") == "b" and r.get("engine") == "python" and r["profiles"] == count
                  and r.get("jobs") == 1 and r.get("format") == "json"]
        if validate and python:
            ratio = python[0]["seconds"] / validate["seconds"]
            report(f"N={count:,}: python screen <= 2x read+validate", ratio <= TARGETS["python_vs_validate_ratio"],
                   f"b/a = {ratio:.2f}")
    for row_ in rows:
        if row_.get("kind") == "million":
            report(f"1,000,000 streamed, --engine {row_['engine']}, peak RSS < 300 MB",
                   row_["peak_rss_mb"] < TARGETS["million_peak_rss_mb"] and row_["exit"] == 0,
                   f"{row_['peak_rss_mb']} MB, {row_['per_second']:,}/s")
    return lines


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    main()
