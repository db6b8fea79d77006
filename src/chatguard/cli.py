"""The command-line layer: parse options, call the library, map errors to exit codes.

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
from chatguard.errors import ChatguardError

EXIT_CLEAN = 0
EXIT_FLAGGED = 1
EXIT_USAGE = 2

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


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Turn a :class:`ChatguardError` into one line on stderr and exit code 2."""
    try:
        yield
    except ChatguardError as exc:
        typer.echo(f"chatguard: error: {exc.one_line()}", err=True)
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


def _read(
    exports: list[Path], chat: str | None, date_order: DateOrderChoice | None, encoding: str | None
) -> Any:
    from chatguard.load import read_chat

    return read_chat(
        exports,
        chat=chat,
        date_order=date_order.value if date_order else None,
        encoding=encoding,
    )


def _warn(warnings: list[str]) -> None:
    for warning in warnings:
        typer.echo(f"chatguard: note: {warning}", err=True)


@app.command()
def parse(
    exports: ExportsArg,
    to: Annotated[
        TableFormat, typer.Option("--to", help="Output: a table on screen, csv, jsonl or parquet.")
    ] = TableFormat.table,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file (default: stdout).")
    ] = None,
    chat: ChatOpt = None,
    date_order: DateOrderOpt = None,
    encoding: EncodingOpt = None,
    force: ForceOpt = False,
) -> None:
    """Read exports into one table of messages, one row per message.

    [b]Examples[/b]

      chatguard parse export.txt

      chatguard parse "WhatsApp Chat with Year 3 Parents.zip" --to csv -o messages.csv

      chatguard parse last-term.txt this-term.txt --to parquet -o year3.parquet
    """
    with user_errors():
        chat_ = _read(exports, chat, date_order, encoding)
        _warn(chat_.warnings)
        from chatguard import tables

        if to is TableFormat.parquet and output is None:
            raise ChatguardError("parquet is binary", hint="name a file with -o messages.parquet")
        if to is TableFormat.table and output is None:
            tables.print_messages(chat_.messages)
            return
        tables.write_messages(
            chat_.messages, to.value if to is not TableFormat.table else "csv", output, force=force
        )


@app.command()
def stats(
    exports: ExportsArg,
    format_: Annotated[
        StatsFormat, typer.Option("--format", help="text for people, json for other tools.")
    ] = StatsFormat.text,
    chat: ChatOpt = None,
    date_order: DateOrderOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Count messages, authors, media and more, and show the detected format.

    [b]Examples[/b]

      chatguard stats "WhatsApp Chat with Year 3 Parents.zip"

      chatguard stats export.txt --format json
    """
    with user_errors():
        chat_ = _read(exports, chat, date_order, encoding)
        from chatguard.stats import chat_stats

        result = chat_stats(chat_)
        if format_ is StatsFormat.json:
            import json

            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        from chatguard import tables

        tables.print_stats(result, chat_)


def main() -> None:
    """Entry point of the `chatguard` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
