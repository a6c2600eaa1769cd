"""The README and the help text cannot drift from the program."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from sangloc.engine.commands.main import main
from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
COMMANDS = [["screen"], ["explain"], ["memo"], ["validate"], ["diff"], ["schema"], ["rules", "list"], ["rules", "show"],
            ["rules", "check"], ["rules", "test"], ["rules", "new"], ["rules", "lock"],
            ["audit", "runs"], ["audit", "show"], ["audit", "why"], ["audit", "replay"], ["audit", "diff"],
            ["audit", "verify"], ["process", "init"], ["process", "record"], ["process", "status"], ["template"],
            ["import"], ["export"]]


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c) for c in COMMANDS])
def test_every_command_has_help_with_an_example_and_is_in_the_readme(runner, command):
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Ví dụ" in result.stdout
    assert f"sangloc {' '.join(command)}" in README


def test_readme_starts_with_the_two_commands_and_ci_runs_the_second():
    blocks = re.findall(r"```sh\n(.*?)```", README, flags=re.S)
    setup, tests = blocks[0].strip().splitlines()
    assert "pip install" in setup and setup.endswith("sangloc screen profiles/")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert tests in ci


@pytest.mark.slow
def test_plain_install_ships_one_package_with_its_packs(tmp_path):
    """`pip install .` (not only an editable install) installs one top-level package,
    `sangloc`, with every subpackage and the rule packs as package data. Built from the
    tracked files copied elsewhere, so that a stale build/ folder cannot hide a gap."""
    source = tmp_path / "source"
    tracked = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True).stdout
    for name in filter(None, tracked.decode("utf-8").split("\0")):
        if (ROOT / name).is_file():
            (source / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, source / name)
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q",
                    "-w", str(tmp_path), str(source)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("sangloc-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {name.split("/", 1)[0] for name in names} == {"sangloc", wheel.name.split("-py")[0] + ".dist-info"}
    packages = sorted(path.parent.relative_to(ROOT).as_posix() for path in ROOT.glob("engine/**/__init__.py"))
    for package in packages + ["rules"]:
        assert f"sangloc/{package}/__init__.py" in names, package
    modules = sorted(path.relative_to(ROOT).as_posix() for path in ROOT.glob("engine/**/*.py"))
    assert [m for m in modules if f"sangloc/{m}" not in names] == []
    for name in ("cli.py", "rules/pho-bi-thu-tinh-uy-2020/pack.yaml", "rules/pho-bi-thu-tinh-uy-2020/pack.lock",
                 "rules/pho-bi-thu-tinh-uy-2020/catalog.yaml", "rules/pho-bi-thu-tinh-uy-2020/source-article.txt"):
        assert f"sangloc/{name}" in names, name


def test_readme_quotes_the_latest_benchmark_run():
    """The README's figures are those bench/run.py wrote last, not remembered ones: every
    target line of its last printout, and its bench/README.md the same."""
    results = json.loads((ROOT / "bench" / "results.json").read_text(encoding="utf-8"))
    bench_readme = (ROOT / "bench" / "README.md").read_text(encoding="utf-8")
    for line in results["checks"]:
        assert line.strip() in README, line
        assert line in bench_readme, line


def test_readme_example_output_is_current(runner, monkeypatch):
    monkeypatch.chdir(ROOT)
    shown = README.split("$ sangloc screen profiles/\n", 1)[1].split("  …\n", 1)[0]
    actual = runner.invoke(main, ["screen", "profiles/", "--no-audit", "-q"]).stdout
    assert actual.startswith(shown)


def test_readme_steps_two_to_five_run_as_written(runner, tmp_path, monkeypatch):
    """The README's worked example of steps 2–5, every command as written (continuations joined,
    `T=…` as the shell would read it), from a folder holding the example profiles and tally sheets."""
    import shlex

    block = README.split("### Steps 2–5", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    shutil.copytree(ROOT / "profiles", tmp_path / "profiles")
    shutil.copytree(ROOT / "tests" / "cases" / "process", tmp_path / "tests" / "cases" / "process")
    monkeypatch.chdir(tmp_path)
    variables, ran = {}, []
    for line in block.replace("\\\n", " ").splitlines():
        command = line.removeprefix("$ ").strip()
        name, equals, value = command.partition("=")
        if equals and name.isidentifier() and " " not in command:
            variables[name] = value
            continue
        for name, value in variables.items():
            command = command.replace(f"${name}", value)
        args = shlex.split(command)
        assert args[0] == "sangloc", line
        result = runner.invoke(main, args[1:])
        assert result.exit_code == 0, (line, result.output)
        ran.append((args[1:3], result.stdout))
    assert [args for args, _ in ran].count(["process", "record"]) == 4
    status = next(out for args, out in ran if args == ["process", "status"])
    assert "Kết quả cuối cùng: Nguyễn Văn Hùng (DT-0001)" in status and "DT-0017  Võ Thành Nam" in status
    assert (tmp_path / "bien-ban-buoc-4.docx").stat().st_size > 0
