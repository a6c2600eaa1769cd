"""Workbook figures: writing and reading 5,000 cadres, and openpyxl against python-calamine.

    python bench/workbook.py              # 5,000 cadres
    python bench/workbook.py --count 1000

On deterministic synthetic profiles (bench/generate.py) exported to the
template's layout: (a) as processes (wall time, peak RSS): `sangloc export`,
and `sangloc validate` and `sangloc screen --engine python` on the workbook
and on the same profiles as JSON Lines; (b) in this process, best of three,
wall and CPU seconds: the writing alone, then reading the part sheets' cells
three ways: openpyxl's read-only values (public API), sangloc's whole reader
(openpyxl's parser with number formats, uncomputed formulas and merged ranges,
then the rows joined into profiles), and python-calamine when it is installed
(it is not a dependency); the cells openpyxl and calamine give are compared.
openpyxl writes inline strings; Excel and LibreOffice write shared strings,
which read faster: with LibreOffice present the workbook is saved again by it
and read once more.  Then the cells where the readers differ on a small
workbook of what offices leave in files.  Results: printed, and
bench/workbook-results.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, str(ROOT / "cli.py")]


def measure(args: list[str]) -> tuple[float, float, int]:
    started = time.perf_counter()
    process = subprocess.Popen(CLI + args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def best(function, runs: int = 3):
    """({"seconds", "cpu_seconds"} of the fastest run, its result): other processes on a shared
    machine stretch wall time; CPU time shows the work itself."""
    fastest, result = None, None
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        result = function()
        took = {"seconds": round(time.perf_counter() - started, 2), "cpu_seconds": round(time.process_time() - cpu, 2)}
        if fastest is None or took["cpu_seconds"] < fastest["cpu_seconds"]:
            fastest = took
    return fastest, result


def _plain(value):
    """A cell's value in one form for both readers: numbers as floats, dates as dates."""
    if isinstance(value, bool) or value is None or value == "":
        return None if value in (None, "") else value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, datetime):
        return value.date() if not (value.hour or value.minute or value.second) else value
    return value


def openpyxl_values(path: Path, names: list[str]) -> dict:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    cells = {}
    for name in names:
        for r, row in enumerate(book[name].iter_rows(values_only=True), start=1):
            for c, value in enumerate(row, start=1):
                if _plain(value) is not None:
                    cells[(name, r, c)] = _plain(value)
    book.close()
    return cells


def sangloc_profiles(path: Path) -> int:
    from sangloc.engine.profile import workbook

    workbook._CACHE.clear()
    items, _ = workbook.table_items([str(path)])
    assert all(item.problem is None and not item.cells.problems for item in items)
    return len(items)


def sangloc_cells(path: Path, names: list[str]) -> dict:
    """What sangloc's reader sees: the value, its number format, or why it cannot be read."""
    from sangloc.engine.profile.sheets import read_workbook

    cells = {}
    for sheet in read_workbook(str(path), names=lambda n: n in names):
        for r, row in sheet.rows:
            for c, cell in enumerate(row, start=1):
                if cell.problem:
                    cells[(sheet.name, r, c)] = f"<{cell.problem}: {cell.value}>"
                elif _plain(cell.value) is not None:
                    cells[(sheet.name, r, c)] = f"{_plain(cell.value)!r} as {cell.number_format}"
    return cells


def calamine_values(path: Path, names: list[str]) -> dict:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    cells = {}
    for name in names:
        sheet = book.get_sheet_by_name(name)
        first_row, first_col = sheet.start or (0, 0)
        for r, row in enumerate(sheet.iter_rows(), start=first_row + 1):
            for c, value in enumerate(row, start=first_col + 1):
                if _plain(value) is not None:
                    cells[(name, r, c)] = _plain(value)
    return cells


def differences(a: dict, b: dict) -> list:
    keys = sorted(set(a) | set(b), key=str)
    return [(k, a.get(k), b.get(k)) for k in keys if a.get(k) != b.get(k)]


def tricky_book(path: Path) -> list[str]:
    """What offices leave in files, written as a spreadsheet program would store it."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "T"
    rows = [("error value", "#DIV/0!", "General"), ("formula never computed", "=1+1", "General"),
            ("month format (Excel's 03/2016)", datetime(2016, 3, 1), "mmm-yy"),
            ("template date format", date(2016, 3, 15), "[<10000]0;dd/mm/yyyy"),
            ("year typed in a date cell", 1968, "dd/mm/yyyy")]
    for r, (what, value, number_format) in enumerate(rows, start=1):
        sheet.cell(r, 1, what)
        sheet.cell(r, 2, value).number_format = number_format
    book.save(path)
    return [what for what, _, _ in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=5000)
    args = parser.parse_args()
    import shutil

    from sangloc.engine.pack.load import load_pack
    from sangloc.engine.profile.layout import PARTS
    from sangloc.engine.render.profiles import office_record
    from sangloc.engine.render.workbook import profile_book
    from sangloc.engine.run.pipeline import Screening, collect

    names = [p.sheet for p in PARTS]
    results: dict = {"count": args.count, "python": sys.version.split()[0], "cpus": os.cpu_count(),
                     "load_average_at_start": round(os.getloadavg()[0], 2)}
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        cohort = folder / "cohort.jsonl"
        with cohort.open("w", encoding="utf-8") as stream:
            subprocess.run([sys.executable, str(ROOT / "bench" / "generate.py"), str(args.count)], stdout=stream,
                           check=True)
        book = folder / "cohort.xlsx"
        # Processes first: a child forked later would count this process's memory as its own.
        processes = {}
        seconds, rss, code = measure(["export", str(cohort), "--output", str(book), "-q"])
        processes["export jsonl -> xlsx"] = {"seconds": round(seconds, 2), "peak_rss_mb": round(rss), "exit": code}
        for label, path in (("xlsx", book), ("jsonl", cohort)):
            for command in (["validate"], ["screen", "--format", "json", "--engine", "python", "--no-audit", "-q"]):
                seconds, rss, code = measure([*command, str(path)])
                processes[f"{command[0]} {label}"] = {"seconds": round(seconds, 2), "peak_rss_mb": round(rss),
                                                      "exit": code}
        results["processes"] = processes
        results["file_mb"] = round(book.stat().st_size / 1e6, 2)
        pack = load_pack("pho-bi-thu-tinh-uy-2020")
        run = collect(Screening([str(cohort)], pack, decide=False, keep_profiles=True))
        records = [office_record(r.loaded.profile, pack) for r in run.results]
        results["write (profile_book)"], _ = best(lambda: profile_book(pack, records), runs=2)
        copies = {"written by openpyxl (inline strings)": book}
        soffice = shutil.which("soffice")
        if soffice:
            resaved = folder / "lo"
            subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{folder / 'profile'}",
                            "--convert-to", "xlsx", "--outdir", str(resaved), str(book)], capture_output=True,
                           timeout=600, check=False)
            if (resaved / book.name).exists():
                copies["saved by LibreOffice (shared strings)"] = resaved / book.name
        results["read"] = {}
        for copy_name, path in copies.items():
            reads, values = {}, {}
            reads["sangloc: cells to profiles"], count = best(lambda: sangloc_profiles(path))
            assert count == args.count
            for name, reader in (("openpyxl read-only values", openpyxl_values), ("python-calamine", calamine_values)):
                try:
                    reads[name], values[name] = best(lambda: reader(path, names))
                except ImportError:
                    continue
            if "python-calamine" in values:
                reads["cells differing, calamine vs openpyxl"] = len(differences(values["openpyxl read-only values"],
                                                                                 values["python-calamine"]))
            reads["cells"] = len(values["openpyxl read-only values"])
            results["read"][copy_name] = reads
        tricky = folder / "tricky.xlsx"
        labels = tricky_book(tricky)
        shown = {"openpyxl": openpyxl_values(tricky, ["T"]), "sangloc": sangloc_cells(tricky, ["T"])}
        try:
            shown["python-calamine"] = calamine_values(tricky, ["T"])
        except ImportError:
            pass
        results["tricky_cells"] = {label: {name: str(cells.get(("T", r, 2))) for name, cells in shown.items()}
                                   for r, label in enumerate(labels, start=1)}
    print(json.dumps(results, ensure_ascii=False, indent=2))
    (ROOT / "bench" / "workbook-results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n",
                                                          encoding="utf-8")


if __name__ == "__main__":
    main()
