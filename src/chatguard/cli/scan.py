"""The main job: `chatguard scan` over exports and `chatguard check` of a draft."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chatguard.cli.common import (
    EXIT_CLEAN,
    EXIT_FLAGGED,
    ChatOpt,
    DateOrderOpt,
    EncodingOpt,
    ExportsArg,
    ForceOpt,
    NoOcrCacheOpt,
    OcrOpt,
    ReportFormat,
    RosterOpt,
    RulesOpt,
    Severity,
    app,
    ocr_texts,
    one_line,
    parse_date,
    progress_bar,
    read_exports,
    ruleset_for,
    user_errors,
    warn,
)
from chatguard.errors import ChatguardError


@app.command()
def scan(
    exports: ExportsArg,
    roster: RosterOpt = None,
    rules: RulesOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Only messages on or after this date (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only messages on or before this date (YYYY-MM-DD).")
    ] = None,
    author: Annotated[
        list[str] | None, typer.Option("--author", help="Only this author's messages (repeatable).")
    ] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Only these categories (repeatable).")
    ] = None,
    min_severity: Annotated[
        Severity | None, typer.Option("--min-severity", help="Leave out findings below this.")
    ] = None,
    context: Annotated[
        int, typer.Option("--context", min=0, max=50, help="Show N messages either side.")
    ] = 0,
    format_: Annotated[
        ReportFormat, typer.Option("--format", help="text (terminal), json, csv or markdown.")
    ] = ReportFormat.text,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write the report to this file.")
    ] = None,
    ignore: Annotated[
        Path | None, typer.Option("--ignore", help="Reviewed findings to leave out (review file).")
    ] = None,
    force: ForceOpt = False,
    ocr: OcrOpt = False,
    no_ocr_cache: NoOcrCacheOpt = False,
    chat: ChatOpt = None,
    date_order: DateOrderOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Flag messages that break the code of conduct. Exit 0: none; 1: some; 2: an error.

    [b]Examples[/b]

      chatguard scan "WhatsApp Chat with Year 3 Parents.zip" --roster roster.yaml

      chatguard scan export.txt --since 2025-09-01 --author "+44 7700 900123" --category swearing

      chatguard scan export.txt --format json -o findings.json

      chatguard scan export.txt --context 2 --ignore review.yaml

      chatguard scan "WhatsApp Chat with Year 3 Parents.zip" --ocr
    """
    with user_errors():
        from chatguard.config import load_config
        from chatguard.ignore import load_review
        from chatguard.rulefile import CATEGORIES
        from chatguard.scan import ScanOptions, scan_chat

        config = load_config()
        for name in category or []:
            if name not in CATEGORIES:
                raise ChatguardError(
                    f"unknown category {name!r}", hint=f"use one of {', '.join(CATEGORIES)}"
                )
        options = ScanOptions(
            since=parse_date(since, "--since"),
            until=parse_date(until, "--until"),
            authors=list(author or []),
            categories=list(category or []),
            min_severity=min_severity.value if min_severity else None,
            context=context,
        )
        ruleset, _ = ruleset_for(roster, rules, config)
        review_path = ignore or config.ignore
        review = load_review(review_path) if review_path else None
        with progress_bar() as progress:
            chat_ = read_exports(exports, chat, date_order, encoding, progress)
            images = ocr_texts(chat_, ocr, no_ocr_cache)
            result = scan_chat(chat_, ruleset, options, review, progress, images)
        from chatguard.output import open_text
        from chatguard.report import REPORTERS

        if format_ is not ReportFormat.text or output is not None:
            warn(chat_.warnings)  # the terminal report shows them in its header
        with open_text(output, force=force) as stream:
            REPORTERS[format_.value](result, stream)
        if output is not None:
            typer.echo(
                f"chatguard: wrote {len(result.findings)} finding(s) to {one_line(str(output))}",
                err=True,
            )
    raise typer.Exit(EXIT_FLAGGED if result.findings else EXIT_CLEAN)


@app.command()
def check(
    text: Annotated[str, typer.Argument(help="The draft message, or - to read it from stdin.")],
    roster: RosterOpt = None,
    rules: RulesOpt = None,
) -> None:
    """Check a draft message before posting it. Exit 0: fine; 1: it would be flagged.

    [b]Examples[/b]

      chatguard check "Mrs Patel is bloody useless"

      pbpaste | chatguard check -
    """
    from chatguard.cli.draft import DraftArgs, explain_draft

    with user_errors():
        code = explain_draft(DraftArgs(text, roster, list(rules or [])), typer.echo)
    raise typer.Exit(code)
