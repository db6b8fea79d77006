"""`chatguard check` answers plain drafts without importing Typer (a parent waits for it), and
must then say exactly what the Typer command says: same lines, same exit code, same errors.
Anything else (help, a misspelt option, a draft that looks like an option) goes to Typer."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from chatguard.cli.draft import DraftArgs, plain_check
from tests.conftest import ROOT, Run

DRAFTS = [
    "Mrs Patel is f*cking useless, what a joke",
    "WHY DOES NOBODY EVER TELL US ANYTHING ABOUT THE TRIP",
    "Could whoever borrowed our PE kit drop it back on Thursday? Thanks x",
    "bell\x07 and \x1b[2J escape",
]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["check", "hello"], DraftArgs("hello")),
        (["check", "-"], DraftArgs("-")),
        (["check", "hi", "--roster", "r.yaml"], DraftArgs("hi", Path("r.yaml"))),
        (["check", "--roster=r.yaml", "hi"], DraftArgs("hi", Path("r.yaml"))),
        (
            ["check", "hi", "--rules", "a", "--rules=b"],
            DraftArgs("hi", None, [Path("a"), Path("b")]),
        ),
        (["check"], None),
        (["check", "--help"], None),
        (["check", "-h"], None),
        (["check", "hi", "--rosta", "r.yaml"], None),
        (["check", "hi", "--roster"], None),
        (["check", "hi", "--roster", "--rules"], None),
        (["check", "hi", "--roster=a", "--roster=b"], None),
        (["check", "-5 degrees"], None),
        (["check", "--", "-5 degrees"], None),
        (["check", "one", "two"], None),
        (["scan", "x.txt"], None),
        (["--version"], None),
        ([], None),
    ],
)
def test_only_plain_check_commands_take_the_short_way(
    argv: list[str], expected: DraftArgs | None
) -> None:
    assert plain_check(argv) == expected


def _python(
    *args: str, cwd: Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> Run:
    """This interpreter run as a separate process, with ``NO_COLOR`` and any extra ``env``."""
    done = subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1", **(env or {})},
        timeout=120,
        check=False,
    )
    return Run(done.returncode, done.stdout, done.stderr)


def _console(*args: str, cwd: Path, stdin: str | None = None) -> Run:
    """The console script's entry point, as `chatguard …` runs it (the short way)."""
    return _python("-m", "chatguard", *args, cwd=cwd, stdin=stdin)


@pytest.mark.parametrize("draft", DRAFTS)
def test_the_short_way_says_what_typer_says(
    draft: str, cli: Callable[..., Run], tmp_path: Path
) -> None:
    short = _console("check", draft, cwd=tmp_path)
    typer_way = cli("check", draft)
    assert (short.code, short.out) == (typer_way.code, typer_way.out)
    assert short.code in (0, 1)


def test_the_short_way_reads_stdin_and_reports_errors_as_typer_does(
    cli: Callable[..., Run], tmp_path: Path
) -> None:
    short = _console("check", "-", cwd=tmp_path, stdin="Mrs Patel is bloody useless")
    assert short.code == 1
    assert short.out == cli("check", "-", input="Mrs Patel is bloody useless").out

    missing = tmp_path / "no-roster.yaml"
    short = _console("check", "hi", "--roster", str(missing), cwd=tmp_path)
    typer_way = cli("check", "hi", "--roster", str(missing))
    assert short.code == typer_way.code == 2
    assert short.err == typer_way.err
    assert short.err.count("\n") == 1 and "Traceback" not in short.err


def test_a_plain_check_does_not_import_typer(tmp_path: Path) -> None:
    probe = (
        "import atexit, sys\n"
        "atexit.register(lambda: print(sorted(m for m in ('typer', 'pydantic', 'pandas', "
        "'rich', 'yaml') if m in sys.modules), file=sys.stderr))\n"
        "sys.argv = ['chatguard', 'check', 'Thanks for organising the cake sale!']\n"
        "from chatguard.cli import main\n"
        "main()\n"
    )
    # Once to compile the pack into the cache, then as a parent's second draft would run.
    env = {"CHATGUARD_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):
        done = _python("-c", probe, cwd=ROOT, env=env)
    assert done.code == 0, done.err
    assert done.err.strip().splitlines()[-1] == "[]"


def test_help_and_mistakes_still_go_to_typer(tmp_path: Path) -> None:
    helped = _console("check", "--help", cwd=tmp_path)
    assert helped.code == 0 and "Usage" in helped.out
    wrong = _console("check", "hi", "--rosta", "x.yaml", cwd=tmp_path)
    assert wrong.code == 2 and "No such option" in wrong.err
