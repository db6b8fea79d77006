"""What every command shares: the app, exit codes, option types, error handling, helpers.

Exit codes, as linters use them: 0 nothing flagged, 1 something flagged, 2 a usage or input
error. Heavy libraries are imported inside commands so that `chatguard check` starts fast.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from chatguard import __version__
from chatguard.cli.draft import (
    EXIT_CLEAN,
    EXIT_FLAGGED,
    EXIT_USAGE,
    error_line,
    one_line,
    ruleset_for,
)
from chatguard.errors import ChatguardError

__all__ = ["EXIT_CLEAN", "EXIT_FLAGGED", "EXIT_USAGE", "one_line", "ruleset_for"]

app = typer.Typer(
    name="chatguard",
    help=(
        "Flag messages in WhatsApp exports of school parent groups that break the parents' "
        "code of conduct. Offline: nothing you give it leaves this computer."
    ),
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)


class DateOrderChoice(StrEnum):
    dmy = "dmy"
    mdy = "mdy"
    ymd = "ymd"


class TableFormat(StrEnum):
    table = "table"
    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


class StatsFormat(StrEnum):
    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"
    markdown = "markdown"


class Severity(StrEnum):
    low = "low"
    medium = "medium"
    high = "high"


rules_app = typer.Typer(
    help="List, show, test and validate rules.", no_args_is_help=True, rich_markup_mode="rich"
)
app.add_typer(rules_app, name="rules")


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`ChatguardError` into one line on stderr and exit code 2."""
    try:
        yield
    except ChatguardError as exc:
        typer.echo(error_line(exc), err=True)
        raise typer.Exit(EXIT_USAGE) from None
    except KeyboardInterrupt:
        typer.echo("chatguard: interrupted", err=True)
        raise typer.Exit(130) from None


def _version(value: bool) -> None:
    if value:
        typer.echo(f"chatguard {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """chatguard command-line tool."""


ExportsArg = Annotated[
    list[Path],
    typer.Argument(
        help="WhatsApp export(s): the .txt, the .zip WhatsApp makes, or a folder holding one. "
        "Several exports of the same group are merged, each message once.",
        show_default=False,
    ),
]
ChatOpt = Annotated[
    str | None, typer.Option("--chat", help="The chat's file name inside a zip holding several.")
]
DateOrderOpt = Annotated[
    DateOrderChoice | None,
    typer.Option(
        "--date-order",
        help="Date order when the file cannot settle it (default: day-first, as in the UK).",
    ),
]
EncodingOpt = Annotated[
    str | None,
    typer.Option("--encoding", help="Encoding of a .txt that is neither UTF-8 nor UTF-16."),
]
ForceOpt = Annotated[bool, typer.Option("--force", help="Replace an existing output file.")]


def read_exports(
    exports: list[Path],
    chat: str | None,
    date_order: DateOrderChoice | None,
    encoding: str | None,
    progress: Any = None,
) -> Any:
    from chatguard.load import read_chat

    return read_chat(
        exports,
        chat=chat,
        date_order=date_order.value if date_order else None,
        encoding=encoding,
        progress=progress,
    )


def warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(f"chatguard: note: {one_line(warning)}", err=True)


RosterOpt = Annotated[
    Path | None,
    typer.Option(
        "--roster",
        help="The school's roster of pupils and staff (YAML). Default: roster in chatguard.yaml.",
    ),
]
RulesOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--rules", help="A folder of the school's own rules, used beside the default pack."
    ),
]


OcrOpt = Annotated[
    bool,
    typer.Option(
        "--ocr", help="Also read the text in attached images (needs Tesseract; zips with media)."
    ),
]
NoOcrCacheOpt = Annotated[
    bool, typer.Option("--no-ocr-cache", help="Do not keep recognised text in the OCR cache.")
]


def ocr_texts(chat: Any, wanted: bool, no_cache: bool) -> dict[tuple[str, str], str] | None:
    """Text read from images when --ocr asks; without Tesseract, say so and go on with text."""
    if not wanted:
        return None
    from chatguard.scan import read_images

    try:
        texts, note = read_images(chat, use_cache=not no_cache)
    except ChatguardError as exc:
        if "Tesseract" not in exc.message:
            raise
        typer.echo(f"chatguard: note: {one_line(exc.one_line())}; scanning the text only", err=True)
        return None
    typer.echo(f"chatguard: note: {one_line(note)}", err=True)
    return texts


def parse_date(value: str | None, option: str) -> Any:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ChatguardError(
            f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


@contextlib.contextmanager
def progress_bar() -> Iterator[Any]:
    """A Rich progress bar on stderr for long work, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as bar:
        tasks: dict[str, Any] = {}

        def update(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = bar.add_task(what, total=total)
            bar.update(tasks[what], completed=done, total=total)

        yield update


@contextlib.contextmanager
def spinner(label: str) -> Iterator[None]:
    """A spinner on stderr while long work runs, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(label + " …"):
        yield


RuleDirArg = Annotated[
    Path | None,
    typer.Argument(help="A folder of rules (default: the bundled pack).", show_default=False),
]


def rule_pack(folder: Path | None, roster: Path | None = None) -> Any:
    from chatguard.roster import load_roster
    from chatguard.rulefile import load_rules
    from chatguard.scan import name_words

    lists = load_roster(roster).word_lists(name_words()) if roster else None
    return load_rules([folder] if folder else None, extra_lists=lists)
