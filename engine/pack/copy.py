"""A new pack started as a copy of an existing one (``sangloc rules new``).

The copy keeps every comment of ``pack.yaml``: only the lines of ``id`` and
``version`` change (version 1, not locked), and the copy must load before
anyone edits it.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from ..errors import UsageError
from .load import load_pack
from .lock import LOCK_FILE
from .model import ID_PATTERN


def new_pack(new_id: str, source: str, folder: str, with_tests: bool = True) -> Path:
    if not re.match(ID_PATTERN, new_id):
        raise UsageError("bad_pack_id", {"value": new_id})
    pack = load_pack(source)
    target = Path(folder) / new_id
    if target.exists():
        raise UsageError("path_exists", {"path": str(target)})
    skipped = [LOCK_FILE, "__pycache__"] + ([] if with_tests else ["tests"])
    shutil.copytree(pack.path, target, ignore=shutil.ignore_patterns(*skipped))
    pack_yaml = target / "pack.yaml"
    text = pack_yaml.read_text(encoding="utf-8")
    text = re.sub(r"(?m)^id: .*$", f"id: {new_id}", text, count=1)
    text = re.sub(r"(?m)^version: .*$", 'version: "1"', text, count=1)
    pack_yaml.write_text(text, encoding="utf-8")
    load_pack(str(target))
    return target
