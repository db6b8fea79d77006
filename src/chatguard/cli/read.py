"""Commands that read exports: `chatguard parse` and `chatguard stats`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chatguard.cli.common import (
    ChatOpt,
    DateOrderOpt,
    EncodingOpt,
    ExportsArg,
    ForceOpt,
    StatsFormat,
    TableFormat,
    app,
    read_exports,
    user_errors,
    warn,
)
from chatguard.errors import ChatguardError


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
        chat_ = read_exports(exports, chat, date_order, encoding)
        warn(chat_.warnings)
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
        chat_ = read_exports(exports, chat, date_order, encoding)
        from chatguard.stats import chat_stats

        result = chat_stats(chat_)
        if format_ is StatsFormat.json:
            import json

            typer.echo(json.dumps(result, ensure_ascii=False, indent=2))
            return
        from chatguard import tables

        tables.print_stats(result, chat_)
