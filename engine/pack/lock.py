"""``pack.lock``: the digest recorded for each released version of a pack.

A released version's content must not change; the lock remembers its digest
(``sangloc rules lock``), and ``rules check`` refuses, ``screen`` warns, when
the content no longer gives it.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..errors import InputFileError, Problem
from ..profile.problems import field_path
from ..profile.reading import odd_values, read_text
from ..profile.yamlio import load_one

_DIGEST = re.compile(r"^sha256:[0-9a-f]{64}$")

LOCK_FILE = "pack.lock"
_HEADER = "# sangloc rules lock: the digest of each released version of this pack. Do not edit by hand."


def read_lock(folder: Path) -> tuple[dict[str, str], list[Problem]]:
    """(version -> digest, problems): a malformed lock is a problem of the pack, never a crash."""
    path = folder / LOCK_FILE
    if not path.exists() and not path.is_symlink():
        return {}, []
    try:
        data = load_one(read_text(path))
    except InputFileError as err:
        return {}, [Problem("", err.code, err.params, LOCK_FILE)]
    except (OSError, yaml.YAMLError, RecursionError) as err:
        reason = getattr(err, "problem", None) or (getattr(err, "strerror", None) or str(err)).splitlines()[0]
        return {}, [Problem("", "pack_bad_lock", {"reason": reason}, LOCK_FILE)]
    if data is None:
        return {}, []
    odd = odd_values(data)
    if odd:
        path, code, params = odd[0]
        return {}, [Problem(field_path(path), code, params, LOCK_FILE)]
    if not isinstance(data, dict) or not all(
            isinstance(k, (str, int)) and not isinstance(k, bool) and isinstance(v, str) and _DIGEST.match(v)
            for k, v in data.items()):
        return {}, [Problem("", "pack_bad_lock", {"reason": '"VERSION": "sha256:<64 hex>"'}, LOCK_FILE)]
    return {str(k): v for k, v in data.items()}, []


def lock_problems(folder: Path, version: str, digest: str) -> list[Problem]:
    """The lock's problems, and whether the content still gives the digest recorded for ``version``."""
    lock, problems = read_lock(folder)
    if problems or not (folder / LOCK_FILE).exists():
        return problems
    if version not in lock:
        return [Problem("version", "pack_not_locked", {"version": version}, LOCK_FILE)]
    if lock[version] != digest:
        return [Problem("version", "pack_digest_changed",
                        {"version": version, "recorded": lock[version][:19] + "…", "actual": digest[:19] + "…"},
                        LOCK_FILE)]
    return []


def lock_text(lock: dict[str, str]) -> str:
    """The lock file's text: YAML that quotes whatever a version holds."""
    body = yaml.safe_dump({str(k): v for k, v in lock.items()}, allow_unicode=True, default_flow_style=False,
                          sort_keys=False, default_style='"')
    return f"{_HEADER}\n{body}"
