"""The ``sangloc`` command: ``python cli.py …`` from a checkout, or ``sangloc …`` once installed.

All it does is run the command group of ``engine/commands``; the checkout is
the ``sangloc`` package (see pyproject.toml).
"""

from __future__ import annotations

import sys
from pathlib import Path


def _package_from_checkout() -> None:
    """Make ``import sangloc`` name this checkout when it is run without being installed."""
    import importlib.util

    root = Path(__file__).resolve().parent
    spec = importlib.util.spec_from_file_location("sangloc", root / "cli.py",
                                                  submodule_search_locations=[str(root)])
    module = importlib.util.module_from_spec(spec)
    sys.modules["sangloc"] = module


def main() -> None:
    try:
        from sangloc.engine.commands.main import main as group
    except ModuleNotFoundError as err:
        if err.name not in ("sangloc", "sangloc.engine"):
            raise
        _package_from_checkout()
        from sangloc.engine.commands.main import main as group
    group()


if __name__ == "__main__":
    main()
