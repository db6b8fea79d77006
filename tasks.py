#!/usr/bin/env python3
"""Set up and run chatguard's everyday jobs with nothing but Python 3.11+.

    python3 tasks.py demo    # make .venv, install chatguard, scan the bundled demo export
    python3 tasks.py test    # make .venv, install chatguard with dev tools, lint, type-check, test

The virtual environment lives in .venv beside this file; it is created on first use and reused.
Standard library only: this runs before anything is installed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
DEMO = ROOT / "fixtures" / "demo" / "WhatsApp Chat with Year 3 Parents.txt"
DEMO_ROSTER = ROOT / "fixtures" / "demo" / "roster.yaml"


def run(*args: str | Path, check: bool = True) -> int:
    print("+", " ".join(str(a) for a in args), flush=True)
    return subprocess.run([str(a) for a in args], cwd=ROOT, check=check).returncode


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project (with ``extras``) when it is missing or stale."""
    if sys.version_info < (3, 11):  # noqa: UP036 (runs before anything is installed)
        sys.exit(f"chatguard needs Python 3.11 or newer; this is {sys.version.split()[0]}")
    python = BIN / "python"
    if not python.exists():
        print(f"Creating {VENV} …", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
        run(python, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    stamp = VENV / f".installed-{extras or 'base'}"
    pyproject = ROOT / "pyproject.toml"
    if not stamp.exists() or stamp.stat().st_mtime < pyproject.stat().st_mtime:
        target = f".[{extras}]" if extras else "."
        run(python, "-m", "pip", "install", "--quiet", "-e", target)
        stamp.touch()


def demo() -> int:
    ensure_venv("")
    code = run(BIN / "chatguard", "scan", DEMO, "--roster", DEMO_ROSTER, check=False)
    # Exit code 1 means "something was flagged": that is the demo working.
    return 0 if code in (0, 1) else code


def test() -> int:
    ensure_venv("dev")
    python = BIN / "python"
    run(python, "-m", "ruff", "check", ".")
    run(python, "-m", "ruff", "format", "--check", ".")
    run(python, "-m", "mypy")
    return run(python, "-m", "pytest", *sys.argv[2:], check=False)


def main() -> int:
    jobs = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in jobs:
        print(__doc__)
        return 2
    try:
        return jobs[sys.argv[1]]()
    except subprocess.CalledProcessError as exc:
        return exc.returncode or 1


if __name__ == "__main__":
    sys.exit(main())
