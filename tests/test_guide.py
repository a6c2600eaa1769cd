"""docs/writing-a-pack.md is executed step by step, so the guide cannot rot.

Blocks the guide uses:
  ```sh          lines "$ sangloc ..." are run; other lines must appear in that command's output
  ```diff FILE   "-" lines (with " " context) are replaced by "+" lines, in FILE
  ```yaml append FILE / ```yaml file FILE   appended to / written as FILE
"""

from __future__ import annotations

import re
import shlex
import shutil

from sangloc.engine.commands.main import main
from conftest import PROFILES, ROOT

GUIDE = ROOT / "docs" / "writing-a-pack.md"
_BLOCK = re.compile(r"^```([^\n]*)\n(.*?)^```", re.S | re.M)


def _apply_diff(path, body: str) -> None:
    old, new = [], []
    for line in body.splitlines():
        tag, text = line[:1], line[1:]
        if tag in (" ", "-"):
            old.append(text)
        if tag in (" ", "+"):
            new.append(text)
    content = path.read_text(encoding="utf-8")
    before = "\n".join(old) + "\n"
    assert before in content, f"the guide's '-' lines are not in {path.name}:\n{before}"
    path.write_text(content.replace(before, "\n".join(new) + "\n", 1), encoding="utf-8")


def _run(runner, body: str) -> None:
    output = None
    for line in body.splitlines():
        if line.startswith("$ "):
            args = shlex.split(line[2:])
            assert args[0] == "sangloc"
            result = runner.invoke(main, args[1:])
            assert result.exit_code == 0, (line, result.output)
            output = result.output
        elif line.strip():
            assert output is not None and line.strip() in output, (line, output)


def test_the_pack_writing_guide_runs_as_written(runner, tmp_path, monkeypatch):
    shutil.copytree(PROFILES, tmp_path / "profiles")
    monkeypatch.chdir(tmp_path)
    blocks = _BLOCK.findall(GUIDE.read_text(encoding="utf-8"))
    kinds = [info.split()[:2] for info, _ in blocks]
    assert ["sh"] in kinds and ["diff"] in [k[:1] for k in kinds] and ["yaml", "append"] in kinds
    for info, body in blocks:
        words = info.split()
        if words == ["sh"]:
            _run(runner, body)
        elif words[:1] == ["diff"]:
            _apply_diff(tmp_path / words[1], body)
        elif words[:2] == ["yaml", "append"]:
            with open(tmp_path / words[2], "a", encoding="utf-8") as stream:
                stream.write(body)
        elif words[:2] == ["yaml", "file"]:
            (tmp_path / words[2]).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / words[2]).write_text(body, encoding="utf-8")
    # The new pack is locked, and differs from the default one only where the guide said.
    assert '"1": "sha256:' in (tmp_path / "pho-bi-thu-tinh-uy-2025" / "pack.lock").read_text(encoding="utf-8")
