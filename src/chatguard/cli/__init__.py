"""The command-line layer: parse options, call the library, map errors to exit codes.

Exit codes, as linters use them: 0 nothing flagged, 1 something flagged, 2 a usage or input
error. Each module registers its commands on the one Typer app; heavy libraries are imported
inside commands so that `chatguard check` starts fast.
"""

from __future__ import annotations

import importlib

from chatguard.cli.common import app

__all__ = ["app", "main"]

# Importing a module registers its commands; `--help` lists them in this order.
for _module in ("read", "scan", "evidence", "rules"):
    importlib.import_module(f"chatguard.cli.{_module}")


def main() -> None:
    """Entry point of the `chatguard` console script."""
    app()
