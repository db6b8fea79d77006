"""Show and write the messages table and the stats (for `chatguard parse` and `stats`)."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table
from rich.text import Text

from chatguard import model as m
from chatguard.output import open_binary, open_text
from chatguard.safetext import for_spreadsheet, for_terminal

#: Rows shown on screen before pointing the user at --to csv.
SCREEN_ROWS = 200


def _console() -> Console:
    return Console(highlight=False, soft_wrap=False)


def print_messages(frame: pd.DataFrame) -> None:
    """A Rich table of the first messages, safe for any terminal."""
    console = _console()
    table = Table(show_lines=False, header_style="bold")
    for name in ("line", "time", "author", "kind", "text"):
        table.add_column(name, overflow="fold")
    for row in frame.head(SCREEN_ROWS).itertuples(index=False):
        author = getattr(row, m.AUTHOR)
        table.add_row(
            str(getattr(row, m.LINE)),
            str(getattr(row, m.TIMESTAMP)),
            Text(for_terminal(author) if isinstance(author, str) else "—", style="cyan"),
            str(getattr(row, m.KIND)),
            Text(for_terminal(str(getattr(row, m.TEXT)))),
        )
    console.print(table)
    if len(frame) > SCREEN_ROWS:
        console.print(
            f"… {len(frame) - SCREEN_ROWS:,} more messages; use --to csv -o FILE for all of them"
        )


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    out = frame.copy()
    out[m.TIMESTAMP] = out[m.TIMESTAMP].dt.strftime("%Y-%m-%dT%H:%M:%S")
    out[m.KIND] = out[m.KIND].astype("string")
    rows = out.astype(object).where(out.notna(), None).to_dict("records")
    return [{str(key): value for key, value in row.items()} for row in rows]


def write_messages(frame: pd.DataFrame, fmt: str, path: Path | None, *, force: bool) -> None:
    """Write the messages as csv, jsonl or parquet (to a new owner-only file, or stdout)."""
    if fmt == "parquet":
        assert path is not None
        with open_binary(path, force=force) as handle:
            frame.to_parquet(handle, index=False)
        return
    records = _records(frame)
    with open_text(path, force=force) as stream:
        if fmt == "jsonl":
            for record in records:
                stream.write(json.dumps(record, ensure_ascii=False) + "\n")
            return
        writer = csv.DictWriter(stream, fieldnames=list(m.COLUMNS), lineterminator="\n")
        writer.writeheader()
        for record in records:
            writer.writerow(
                {k: for_spreadsheet(v) if isinstance(v, str) else v for k, v in record.items()}
            )


def print_stats(result: dict[str, Any], chat: m.Chat) -> None:
    """The stats for people: counts, authors, format and notes."""
    console = _console()
    for export in chat.exports:
        console.print(
            Text.assemble(
                ("Export ", "bold"),
                for_terminal(export.source.name),
                f"  ({export.source.size:,} bytes, sha256 {export.source.sha256[:16]}…)",
            )
        )
        console.print(f"  format: {export.format.describe()}")
    summary = Table(show_header=False, box=None, pad_edge=False)
    summary.add_column(style="bold")
    summary.add_column()
    for key in (
        "messages",
        "system_messages",
        "authors",
        "first",
        "last",
        "multiline_messages",
        "media",
        "deleted",
        "edited",
        "suspect",
    ):
        summary.add_row(key.replace("_", " "), str(result[key]))
    if chat.duplicates_dropped:
        summary.add_row("repeats across exports", str(chat.duplicates_dropped))
    console.print(summary)
    authors = Table(title="Messages by author", header_style="bold")
    authors.add_column("author")
    authors.add_column("messages", justify="right")
    for name, count in result["by_author"].items():
        authors.add_row(Text(for_terminal(name)), str(count))
    console.print(authors)
    for warning in result["warnings"]:
        console.print(Text("note: " + for_terminal(warning), style="yellow"))
