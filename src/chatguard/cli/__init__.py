"""The command-line layer: parse options, call the library, map errors to exit codes.

Exit codes, as linters use them: 0 nothing flagged, 1 something flagged, 2 a usage or input
error. Each module registers its commands on the one Typer app; heavy libraries are imported
inside commands so that `chatguard check` starts fast, and a plain ``check`` does not import
Typer at all (see :mod:`chatguard.cli.draft`).
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

__all__ = ["app", "main"]

#: The modules whose import registers commands; `--help` lists them in this order.
_COMMAND_MODULES = ("read", "scan", "evidence", "rules")


def _typer_app() -> Any:
    from chatguard.cli.common import app

    for module in _COMMAND_MODULES:
        importlib.import_module(f"chatguard.cli.{module}")
    return app


def __getattr__(name: str) -> Any:
    # `from chatguard.cli import app` builds the Typer app only when someone asks for it.
    if name == "app":
        return _typer_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Entry point of the `chatguard` console script."""
    from chatguard.cli.draft import plain_check, run_plain_check

    draft = plain_check(sys.argv[1:])
    if draft is not None:
        sys.exit(run_plain_check(draft))
    _typer_app()()
