"""sangloc benchmark, side by side with a bare rule engine (issue 15).

    pip install -e '.[bench]'                  # zen-engine, the peer
    python bench/run.py                        # 20,000 profiles x 3 rounds, then the 1,000,000-profile memory runs
    python bench/run.py --rounds 5 --no-million
    python bench/run.py --million-formats json csv md table   # every collected output at 1,000,000 (about 25 min more)

The peer is GoRules' zen-engine (Rust core, Python binding) given the same 15
criteria as a decision graph (bench/zen_peer.py, bench/zen_pho_bi_thu_2020.jdm.json
written from the pack by bench/build_zen_graph.py), returning bare verdicts and rule
outcomes: no validation, explanation or audit.  Both of its Python call styles are
run; the targets are measured against its documented quick start
(``create_decision(graph).evaluate``), the peer the issue measured at about 3,000
profiles/s; the ratio to its fastest style (a static loader) is printed beside.

Every measurement is one whole process (start-up included) on the same generated
file (bench/generate.py, seeded), in rounds: each round runs every case once, the
peer first; figures are medians over the rounds, and each ratio is the median of
the ratios measured within a round (side by side, so that a noisy machine weighs
on both).  Memory is the peak resident memory of the whole process tree (main
process and workers, sampled every 20 ms from /proc, and never below the kernel's
own peak for the main process).  The peer's answers are checked against
sangloc's (every verdict and rule outcome), and the durable and Python engines'
outputs against each other (byte for byte).  Results: a printout, and the same
lines in bench/README.md and bench/results.json (its ``checks`` are the printed
target and agreement lines, which README.md quotes; this script rewrites the README
section between its bench markers).

At 1,000,000 profiles the default run measures validate and one collected output
(JSON) only, so that the whole run takes about a quarter of an hour on 2 cores:
JSON, CSV, Markdown and the table keep their results in the same spool
(engine/run/spool.py), and all four are measured at 20,000.  The printout says which
were run at 1,000,000; --million-formats runs the others.
"""

from __future__ import annotations

import argparse
import datetime
import filecmp
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "cli.py")]
PEER = [sys.executable, str(ROOT / "bench" / "zen_peer.py")]

TARGETS = {
    "python_vs_peer": 1.5,          # --engine python, full explanations, JSON Lines
    "defaults_vs_peer": 1.0,        # durable engine, audit store on (JSON Lines)
    "audit_overhead": 0.15,         # the same run without the store
    "audit_bytes_per_profile": 2048,
    "peak_mb": 100,                 # validate and every collected output, 20,000 and 1,000,000 profiles
    "jobs2_vs_jobs1": 1.6,
}


PRINTED: list[str] = []


def say(text: str = "") -> None:
    """Print a line and keep it for bench/README.md."""
    PRINTED.append(text)
    print(text, flush=True)


# -- measuring ---------------------------------------------------------------

def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    stack.extend(int(c) for c in children.read().split())
        except OSError:
            pass
    return found


def _rss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 1024
    except (OSError, ValueError, IndexError):
        return 0


def measure(args: list[str], stdout=subprocess.DEVNULL, env=None) -> dict:
    """Wall seconds, peak memory of the process tree (MB) and exit code of one process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, stdout=stdout, stderr=subprocess.DEVNULL, cwd=ROOT, env=env)
    peak = [0]
    done = threading.Event()

    def sample():
        while not done.is_set():
            peak[0] = max(peak[0], sum(_rss_kb(p) for p in _tree(process.pid)))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    done.set()
    sampler.join()
    return {"seconds": seconds, "cpu_seconds": usage.ru_utime + usage.ru_stime,
            "peak_mb": max(peak[0], usage.ru_maxrss) / 1024, "exit": os.waitstatus_to_exitcode(status)}


def generate(count: int, path: Path) -> Path:
    with path.open("w", encoding="utf-8") as stream:
        subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(count)], stdout=stream, check=True)
    return path


def _load() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


# -- the cases -----------------------------------------------------------------

def cases(data: Path, work: Path, jobs: int, peer: bool) -> dict[str, list[str]]:
    screen = CLI + ["screen", str(data), "--format", "jsonl", "-q"]
    found = {}
    if peer:
        found["peer decision"] = PEER + [str(data), str(work / "peer-decision.jsonl"), "--mode", "decision"]
        found["peer static"] = PEER + [str(data), str(work / "peer-static.jsonl"), "--mode", "static"]
    found.update({
        "python, no audit": screen + ["--engine", "python", "--no-audit", "-o", str(work / "python.jsonl")],
        "durable, no audit": screen + ["--no-audit", "-o", str(work / "durable.jsonl")],
        "defaults (durable, audit)": screen + ["-o", str(work / "defaults.jsonl"), "--audit-db", "{store}"],
        f"defaults, --jobs {jobs}": screen + ["-o", str(work / "jobs.jsonl"), "--audit-db", "{store}",
                                              "--jobs", str(jobs)],
    })
    return found


def rounds(data: Path, work: Path, count: int, repeat: int, jobs: int, peer: bool) -> tuple[dict, list[dict]]:
    rows: dict[str, list[dict]] = {}
    per_round: list[dict] = []
    for number in range(1, repeat + 1):
        say(f"round {number}/{repeat} (load {_load()})")
        this = {"load": _load()}
        for name, args in cases(data, work, jobs, peer).items():
            store = work / f"store-{number}-{len(this)}.sqlite"  # a new store for each run
            row = measure([str(store) if a == "{store}" else a for a in args])
            row["per_second"], row["profiles"] = count / row["seconds"], count
            if "{store}" in args:
                row["store_bytes_per_profile"] = store.stat().st_size / count if store.exists() else None
            this[name] = row
            rows.setdefault(name, []).append(row)
            say(f"  {name:<28} {row['seconds']:7.2f} s {row['per_second']:>9,.0f}/s {row['peak_mb']:>7.0f} MB"
                f"  cpu {row['cpu_seconds'] / count * 1e6:5.0f} µs a profile  exit {row['exit']}")
        per_round.append(this)
    return rows, per_round


def agreement(work: Path) -> list[str]:
    lines = []
    python, durable = work / "python.jsonl", work / "durable.jsonl"
    # Compared by chunks: this process stays small, since a child's peak memory as the kernel
    # counts it starts from its parent's at the fork.
    same = filecmp.cmp(python, durable, shallow=False)
    lines.append(f"  durable and python engines, JSON Lines: {'byte-identical' if same else 'DIFFER'}")
    for mode in ("decision", "static"):
        peer = work / f"peer-{mode}.jsonl"
        if peer.exists():
            done = subprocess.run(PEER + ["--check", str(peer), str(python)], capture_output=True, text=True)
            report = json.loads(done.stdout)
            lines.append(f"  zen-engine ({mode}) vs sangloc: verdicts {report['verdicts_agree']:,}/{report['profiles']:,}, "
                         f"rule outcomes {report['rule_outcomes_agree']:,}/{report['rule_outcomes']:,}"
                         + ("" if report["agree"] else f" — DISAGREE: {report['examples']}"))
    return lines


def memory_runs(data: Path, work: Path, count: int, formats=("json", "csv", "md", "table")) -> list[dict]:
    found = []
    runs = [("validate", CLI + ["validate", str(data), "--format", "json"])]
    for fmt in formats:
        runs.append((f"screen --format {fmt}", CLI + ["screen", str(data), "--format", fmt, "--engine", "python",
                                                      "--no-audit", "-q", "-o", str(work / f"out.{fmt}")]))
    for name, args in runs:
        row = measure(args) | {"name": name, "profiles": count}
        row["per_second"] = count / row["seconds"]
        say(f"  {name:<28} {count:>9,} {row['seconds']:8.1f} s {row['per_second']:>9,.0f}/s {row['peak_mb']:>7.0f} MB"
            f"  exit {row['exit']}")
        found.append(row)
        for leftover in work.glob("out.*"):
            leftover.unlink()
    return found


def stages(data: Path) -> dict:
    """CPU microseconds a profile in each stage, in one process (the profile that explains a figure)."""
    code = f"""
import json, sys, time, gc
from sangloc.engine.pack.load import load_pack
from sangloc.engine.profile.reading import Item, _json
from sangloc.engine.profile.validate import check_item
from sangloc.engine.decide.decide import Decider
from sangloc.engine.decide.explain import Explainer, record_text
from sangloc.engine.run.pipeline import quiet_collector
pack = load_pack("pho-bi-thu-tinh-uy-2020")
context = pack.profile_context(pack.reference_date)
lines = open({str(data)!r}, encoding="utf-8").read().splitlines()[:3000]
items = [Item("bench.jsonl", i, raw=line) for i, line in enumerate(lines)]
out = {{}}
def stage(name, function, values):
    best = None
    for _ in range(3):
        started = time.process_time(); result = [function(v) for v in values]
        elapsed = (time.process_time() - started) / len(values) * 1e6
        best = elapsed if best is None else min(best, elapsed)
    out[name] = round(best, 1)
    return result
quiet_collector()
stage("parse a line", lambda item: _json(item.raw), items)
loaded = stage("read and validate", lambda item: check_item(item, context)[0].profile, items)
for engine in ("python", "durable"):
    decider = Decider(pack, pack.reference_date, engine)
    decider.decide(loaded[0])
    facts = stage("facts", decider.facts, loaded)
    stage(f"match ({{engine}})", decider._outcomes.match, facts)
    decisions = stage(f"decide, all ({{engine}})", decider.decide, loaded)
explainer = Explainer(pack, pack.reference_date)
stage("explain and encode", lambda d: record_text(d, explainer), decisions)
print(json.dumps(out))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout) if done.returncode == 0 else {"error": done.stderr[-500:]}


# -- report -----------------------------------------------------------------------

def _median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def summary(rows: dict, per_round: list[dict], jobs: int, peer: bool) -> dict:
    med = {name: {key: _median([r[key] for r in runs]) for key in ("seconds", "per_second", "peak_mb")}
           for name, runs in rows.items()}

    def ratio(a, b, key="per_second"):
        return _median([r[a][key] / r[b][key] for r in per_round if a in r and b in r])

    result = {"median": med, "profiles": next(iter(rows.values()))[0]["profiles"],
              "cpu_us": {name: _median([r["cpu_seconds"] for r in runs]) / runs[0]["profiles"] * 1e6
                         for name, runs in rows.items()}}
    if peer:
        for name in rows:
            result.setdefault("vs_peer_decision", {})[name] = ratio(name, "peer decision")
            result.setdefault("vs_peer_static", {})[name] = ratio(name, "peer static")
    result["audit_overhead"] = ratio("defaults (durable, audit)", "durable, no audit", "seconds") - 1
    result["store_bytes_per_profile"] = _median([r.get("store_bytes_per_profile")
                                                 for r in rows["defaults (durable, audit)"]])
    result["jobs_speedup"] = ratio(f"defaults, --jobs {jobs}", "defaults (durable, audit)")
    return result


def check(result: dict, memory: list[dict], stage_profile: dict, jobs: int, peer: bool,
          not_run: list[str]) -> list[str]:
    lines = ["targets:"]

    def report(ok, text, miss=""):
        lines.append(f"  {'MET   ' if ok else 'MISSED'} {text}")
        if not ok and miss:
            lines.append(f"         {miss}")

    med = result["median"]
    if peer:
        vs, static = result["vs_peer_decision"], result["vs_peer_static"]
        peer_rate = med["peer decision"]["per_second"]
        stages_text = ", ".join(f"{k} {v}" for k, v in stage_profile.items())
        for name, key, levers in (
                ("python, no audit", "python_vs_peer",
                 "validating the common profile without pydantic's per-field Python validators (a compiled "
                 "schema), and deciding and explaining the whole pack as one generated function instead of "
                 "per-rule objects; or more cores (--jobs)"),
                ("defaults (durable, audit)", "defaults_vs_peer",
                 "the levers above, and durable-rules' round trip (its facts encoded as they are derived, "
                 "its frames read without JSON)")):
            ratio = vs[name]
            needed = 1e6 / (peer_rate * TARGETS[key])
            ours = 1e6 / med[name]["per_second"]
            report(ratio >= TARGETS[key],
                   f"{name}: {med[name]['per_second']:,.0f}/s = {ratio:.2f}x zen-engine's {peer_rate:,.0f}/s "
                   f"(target >= {TARGETS[key]}x; {static[name]:.2f}x its static loader's "
                   f"{med['peer static']['per_second']:,.0f}/s)",
                   f"the target needs {needed:.0f} µs a profile end to end, sangloc takes {ours:.0f} "
                   f"({result['cpu_us'][name]:.0f} µs of CPU); where one profile's CPU goes: {stages_text}. "
                   f"What would close it: {levers}.")
    overhead = result["audit_overhead"]
    report(overhead <= TARGETS["audit_overhead"],
           f"audit store: {overhead * 100:+.1f} % time over the same run without it (target <= 15 %; CPU "
           f"{result['cpu_us']['defaults (durable, audit)']:.0f} against {result['cpu_us']['durable, no audit']:.0f} "
           "µs a profile)",
           "the store's time is the spool and one transaction at the end: hashing and inserting each record")
    size = result["store_bytes_per_profile"]
    report(size is not None and size <= TARGETS["audit_bytes_per_profile"],
           f"audit store: {size:,.0f} bytes a profile (target <= 2,048; the input line as read is "
           f"{result.get('line_bytes', 0):,.0f})",
           "a record keeps the input line as read, its SHA-256, one letter a rule, the verdict and the "
           "decision's SHA-256; what would close it: compressing the stored input lines")
    for row in memory:
        report(row["peak_mb"] <= TARGETS["peak_mb"] and row["exit"] in (0, 1),
               f"{row['name']}, {row['profiles']:,} profiles: peak {row['peak_mb']:.0f} MB (target <= 100 MB"
               + (f"; zen-engine holds {med['peer decision']['peak_mb']:.0f} MB at {result['profiles']:,})" if peer else ")")
               + ("" if row["exit"] in (0, 1) else f", exit {row['exit']}"),
               "the spool keeps a run of sorted results in memory before writing it, and the merge holds one "
               "buffer a run; what would close it: smaller runs or a two-level merge")
    for text in not_run:
        lines.append(f"  NOT RUN {text}")
    speedup = result["jobs_speedup"]
    report(speedup >= TARGETS["jobs2_vs_jobs1"],
           f"--jobs {jobs}: {speedup:.2f}x --jobs 1 (target >= 1.6x on a quiet machine); whole process tree "
           f"{med[f'defaults, --jobs {jobs}']['peak_mb']:.0f} MB vs {med['defaults (durable, audit)']['peak_mb']:.0f} MB",
           f"2 cores: the main process (reading, the duplicate pass, writing, the audit spool) runs beside "
           f"the {jobs} workers, and other sessions share the cores (load average {_load()}); what would close it: "
           "a quiet machine, or reading and writing in the workers")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--million", action=argparse.BooleanOptionalAction, default=True,
                        help="also the memory runs at 1,000,000 profiles (about half an hour)")
    parser.add_argument("--million-count", type=int, default=1_000_000)
    parser.add_argument("--million-formats", nargs="+", default=["json"], choices=["json", "csv", "md", "table"],
                        help="the collected outputs measured at 1,000,000 profiles (validate always is)")
    args = parser.parse_args()
    try:
        import zen  # noqa: F401

        peer = True
    except ImportError:
        peer = False
        print("zen-engine is not installed (pip install -e '.[bench]'): no peer, no ratios", file=sys.stderr)
    machine = {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
               "processor": _processor(), "load_at_start": _load(), "date": datetime.date.today().isoformat()}
    command = "python bench/run.py" + (" " + " ".join(sys.argv[1:]) if sys.argv[1:] else "")
    say(f"sangloc benchmark · {command} · {machine['date']} · Python {machine['python']} · {machine['cpus']} cores · "
        f"{machine['processor']} · load {machine['load_at_start']}")
    not_run = []
    with tempfile.TemporaryDirectory(prefix="sangloc-bench-") as folder:
        work = Path(folder)
        data = generate(args.profiles, work / "profiles.jsonl")
        line_bytes = data.stat().st_size / args.profiles
        say(f"{args.profiles:,} generated profiles, {line_bytes:,.0f} bytes a line (JSON Lines), the same file for "
            "every case")
        rows, per_round = rounds(data, work, args.profiles, args.rounds, args.jobs, peer)
        say("agreement:")
        agree = agreement(work)
        for line in agree:
            say(line)
        say("stage profile, one process, CPU µs a profile (best of 3 over 3,000 profiles):")
        stage_profile = stages(data)
        say("  " + ", ".join(f"{k} {v}" for k, v in stage_profile.items()))
        say("memory:")
        memory = memory_runs(data, work, args.profiles)
        if args.million:
            data.unlink()
            big = generate(args.million_count, work / "million.jsonl")
            memory += memory_runs(big, work, args.million_count, args.million_formats)
            big.unlink()
            skipped = [f for f in ("json", "csv", "md", "table") if f not in args.million_formats]
            if skipped:
                not_run.append(f"screen --format {', '.join(skipped)} at {args.million_count:,} profiles: not "
                               f"measured in this run, to keep it to about a quarter of an hour (they keep their "
                               f"results in the same spool as --format json; measured above at {args.profiles:,}; "
                               f"--million-formats runs them)")
        else:
            not_run.append("the 1,000,000-profile memory runs (--no-million)")
    result = summary(rows, per_round, args.jobs, peer)
    result["line_bytes"] = line_bytes
    say("medians over the rounds:")
    for name, figures in result["median"].items():
        extra = ""
        if peer:
            extra = (f"  {result['vs_peer_decision'][name]:5.2f}x peer (decision)"
                     f"  {result['vs_peer_static'][name]:5.2f}x peer (static)")
        say(f"  {name:<28} {figures['seconds']:7.2f} s {figures['per_second']:>9,.0f}/s "
            f"{figures['peak_mb']:>7.0f} MB  cpu {result['cpu_us'][name]:5.0f} µs{extra}")
    verdicts = check(result, memory, stage_profile, args.jobs, peer, not_run)
    for line in verdicts:
        say(line)
    checks = [line for line in verdicts if line.startswith("  ")] + agree
    (ROOT / "bench" / "results.json").write_text(json.dumps(
        {"command": command, "machine": machine, "targets": TARGETS, "rounds": per_round, "summary": result,
         "memory": memory, "stages_us": stage_profile, "agreement": agree, "checks": checks},
        ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (ROOT / "bench" / "README.md").write_text(
        "# Benchmark\n\n"
        "Written by `bench/run.py` (see its docstring for what it measures and how); do not edit by hand.\n\n"
        f"Latest run: `{command}`, {machine['date']}, {machine['cpus']} cores ({machine['processor']}), "
        f"Python {machine['python']}.\n\n```\n" + "\n".join(PRINTED) + "\n```\n", encoding="utf-8")
    quote_in_readme(command, machine, verdicts, agree)
    print("written bench/results.json, bench/README.md and README.md's benchmark section")
    return 0


README_START, README_END = "<!-- bench/run.py writes from here -->", "<!-- bench/run.py writes up to here -->"


def quote_in_readme(command: str, machine: dict, verdicts: list[str], agree: list[str]) -> None:
    """The README's benchmark section: the targets and agreement lines of this run, as printed."""
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        print("README.md has no benchmark markers: its section is not rewritten", file=sys.stderr)
        return
    section = (f"{README_START}\nLatest run (`{command}`, {machine['date']}) on this project's machine: "
               f"{machine['cpus']} cores ({machine['processor']}), Python {machine['python']}; the whole "
               "printout is in [bench/README.md](bench/README.md).\n\n```\n" + "\n".join(verdicts + ["agreement:"] + agree)
               + f"\n```\n{README_END}")
    before, rest = text.split(README_START, 1)
    after = rest.split(README_END, 1)[1]
    readme.write_text(before + section + after, encoding="utf-8")


def _processor() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


if __name__ == "__main__":
    sys.exit(main())
