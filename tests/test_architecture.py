"""The layout keeps its promises: imports go downward only, durable-rules is
really called on the default path, and docs/architecture.md names only
modules that exist."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from conftest import PROFILES, ROOT

ENGINE = ROOT / "engine"
#: The rooms, bottom to top; a module may import its own room and those below it.
LAYERS = ["base", "profile", "pack", "decide", "run", "render", "commands"]


def _module(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(("sangloc",) + (parts[:-1] if parts[-1] == "__init__" else parts))


def _layer(module: str) -> str | None:
    parts = module.split(".")
    if parts[:2] != ["sangloc", "engine"] or len(parts) < 3:
        return None
    return parts[2] if parts[2] in LAYERS else "base"


def _imports(path: Path):
    """(line, imported module) of every import of a sangloc module in ``path``."""
    module = _module(path)
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            names = [f"{target}.{alias.name}" for alias in node.names]
            yield node.lineno, target, names
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, [alias.name]


MODULES = sorted(ENGINE.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_only_go_downward(path):
    own = _layer(_module(path))
    for line, target, names in _imports(path):
        if not target.startswith("sangloc"):
            assert not target.split(".")[0] in ("engine", "rules", "cli"), \
                f"{path.name}:{line} imports {target}: use the sangloc package"
            continue
        assert target != "sangloc.engine" or all(n.split(".")[2] in LAYERS + ["errors", "i18n", "jsonform"]
                                                 for n in names), \
            f"{path.relative_to(ROOT)}:{line} imports the package front sangloc.engine"
        layer = _layer(target)
        assert layer is not None, f"{path.relative_to(ROOT)}:{line} imports {target}"
        assert LAYERS.index(layer) <= LAYERS.index(own), \
            f"{path.relative_to(ROOT)}:{line}: {own} imports {target} ({layer}), a room above it"


def test_only_the_durable_matcher_imports_durable_rules():
    importers = {p for p in MODULES for _, target, _ in _imports(p)
                 if target.split(".")[0] in ("durable", "durable_rules_engine")}
    assert importers == {ENGINE / "decide" / "matchers" / "durable.py"}


def test_the_default_path_really_calls_durable_rules(runner, monkeypatch):
    """Replacing durable-rules' own assert_facts (its C core's entry for a batch of facts)
    must change what `screen` does by default: one call a profile, with all its facts."""
    import json

    from sangloc.engine.decide.matchers.durable import _engine

    durable_rules_engine = _engine()  # durable-rules' C core as sangloc loads it (lazily bound on Python 3.13)

    from sangloc.engine.commands.main import main

    calls = []
    original = durable_rules_engine.assert_facts

    def counting(handle, facts):
        calls.extend(fact["type"] for fact in json.loads(facts))
        return original(handle, facts)

    monkeypatch.setattr(durable_rules_engine, "assert_facts", counting)
    result = runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "--no-audit"])
    assert result.exit_code == 0, result.output
    # One batch a profile, opened by $open (the ruleset's one priming call has none).
    assert calls.count("$open") == len(list(PROFILES.iterdir())) and "position" in calls and "assessment" in calls
    calls.clear()
    runner.invoke(main, ["screen", str(PROFILES), "--format", "json", "--no-audit", "--engine", "python"])
    assert calls == []


def test_architecture_page_names_only_modules_that_exist():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:engine|rules|tests|bench)/[\w./-]+|cli\.py)`", text))
    assert len(named) > 20, "the page should name the modules it describes"
    missing = sorted(name for name in named if not (ROOT / name).exists())
    assert not missing, f"docs/architecture.md names what does not exist: {missing}"
    for path in MODULES:  # and every module is on the page
        name = str(path.relative_to(ROOT))
        if path.name != "__init__.py":
            assert f"`{name}`" in text, f"{name} is not described in docs/architecture.md"
