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


def _ruleset(roster_path: Path | None, rule_dirs: list[Path] | None, config: Any) -> Any:
    from chatguard.roster import load_roster
    from chatguard.scan import load_ruleset

    roster_path = roster_path or config.roster
    roster = load_roster(roster_path) if roster_path else None
    return load_ruleset(roster, [*config.rules, *(rule_dirs or [])]), roster


OcrOpt = Annotated[
    bool,
    typer.Option(
        "--ocr", help="Also read the text in attached images (needs Tesseract; zips with media)."
    ),
]
NoOcrCacheOpt = Annotated[
    bool, typer.Option("--no-ocr-cache", help="Do not keep recognised text in the OCR cache.")
]


def _ocr(chat: Any, wanted: bool, no_cache: bool) -> dict[tuple[str, str], str] | None:
    """Text read from images when --ocr asks; without Tesseract, say so and go on with text."""
    if not wanted:
        return None
    from chatguard.scan import read_images

    try:
        texts, note = read_images(chat, use_cache=not no_cache)
    except ChatguardError as exc:
        if "Tesseract" not in exc.message:
            raise
        typer.echo(f"chatguard: note: {exc.one_line()}; scanning the text only", err=True)
        return None
    typer.echo(f"chatguard: note: {note}", err=True)
    return texts


def _date(value: str | None, option: str) -> Any:
    if value is None:
        return None
    from datetime import date

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ChatguardError(
            f"{option} {value!r} is not a date", hint="write it as YYYY-MM-DD"
        ) from None


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
            since=_date(since, "--since"),
            until=_date(until, "--until"),
            authors=list(author or []),
            categories=list(category or []),
            min_severity=min_severity.value if min_severity else None,
            context=context,
        )
        ruleset, _ = _ruleset(roster, rules, config)
        review_path = ignore or config.ignore
        review = load_review(review_path) if review_path else None
        with _progress_bar() as progress:
            chat_ = _read(exports, chat, date_order, encoding, progress)
            images = _ocr(chat_, ocr, no_ocr_cache)
            result = scan_chat(chat_, ruleset, options, review, progress, images)
        from chatguard.output import open_text
        from chatguard.report import REPORTERS

        with open_text(output, force=force) as stream:
            REPORTERS[format_.value](result, stream)
        if output is not None:
            typer.echo(f"chatguard: wrote {len(result.findings)} finding(s) to {output}", err=True)
    raise typer.Exit(EXIT_FLAGGED if result.findings else EXIT_CLEAN)


@contextlib.contextmanager
def _progress_bar() -> Iterator[Any]:
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
def _progress(label: str) -> Iterator[None]:
    """A spinner on stderr while long work runs, only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console

    with Console(stderr=True).status(label + " …"):
        yield


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
    with user_errors():
        from chatguard.config import load_config
        from chatguard.engine import matched_words
        from chatguard.findings import category_label
        from chatguard.scan import check_text

        if text == "-":
            text = sys.stdin.read()
        ruleset, _ = _ruleset(roster, rules, load_config())
        hits = check_text(text, ruleset)
        from chatguard.safetext import for_terminal

        if not hits:
            typer.echo("chatguard: nothing in this message breaks the code of conduct's rules.")
            raise typer.Exit(EXIT_CLEAN)
        for hit in hits:
            spec = hit.rule.spec
            words = matched_words(text, hit.spans)
            typer.echo(
                f"{category_label(spec.category, hit.rule.for_review)} ({spec.id}, "
                f"{spec.severity}): {for_terminal(words) if words else spec.title}"
            )
            typer.echo(f"  policy: {spec.policy}")
            typer.echo(f"  why: {' '.join(spec.description.split())}")
    raise typer.Exit(EXIT_FLAGGED)


@app.command()
def evidence(
    exports: ExportsArg,
    author: Annotated[
        list[str] | None,
        typer.Option("--author", help="The person (or people) the summary concerns (repeatable)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "-o", "--output", help="Write to FILE: .html, .md or .pdf (format from the suffix)."
        ),
    ] = None,
    roster: RosterOpt = None,
    rules: RulesOpt = None,
    since: Annotated[
        str | None, typer.Option(help="Only messages on or after (YYYY-MM-DD).")
    ] = None,
    until: Annotated[
        str | None, typer.Option(help="Only messages on or before (YYYY-MM-DD).")
    ] = None,
    redact: Annotated[
        str | None,
        typer.Option(
            "--redact",
            help="children (pupils' names become Child A, B …), others (every other author "
            "becomes Parent A, B …, numbers masked), or children,others.",
        ),
    ] = None,
    context: Annotated[
        int, typer.Option("--context", min=0, max=20, help="Messages shown either side.")
    ] = 2,
    review: Annotated[
        Path | None,
        typer.Option(
            "--review", help="Review file from `chatguard review` (lists confirmed findings)."
        ),
    ] = None,
    browser: Annotated[
        Path | None, typer.Option("--browser", help="Chromium, Chrome or Edge, to print a PDF.")
    ] = None,
    policy: Annotated[
        Path | None, typer.Option("--policy", help="The school's code of conduct (text file).")
    ] = None,
    force: ForceOpt = False,
    ocr: OcrOpt = False,
    no_ocr_cache: NoOcrCacheOpt = False,
    chat: ChatOpt = None,
    date_order: DateOrderOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Write a calm, factual, printable evidence summary for a meeting.

    [b]Examples[/b]

      chatguard evidence export.zip --author "Jo Bloggs" --roster roster.yaml -o jo-bloggs.html

      chatguard evidence export.txt --since 2025-09-01 -o year3-autumn.md

      chatguard evidence export.txt --author "+44 7700 900123" --redact children,others -o pack.pdf
    """
    with user_errors():
        import shlex

        from chatguard.config import load_config
        from chatguard.evidence import EvidenceOptions, build_document, render
        from chatguard.ignore import load_review
        from chatguard.output import open_binary
        from chatguard.scan import ScanOptions, scan_chat

        fmt = "markdown"
        if output is not None:
            suffix = output.suffix.lower()
            fmt = {
                ".html": "html",
                ".htm": "html",
                ".md": "markdown",
                ".markdown": "markdown",
                ".pdf": "pdf",
            }.get(suffix, "")
            if not fmt:
                raise ChatguardError(
                    f"{output}: unknown output type {suffix or '(none)'}",
                    hint="name the file .html, .md or .pdf",
                )
            if output.exists() and not force:
                raise ChatguardError(
                    f"{output}: already exists",
                    hint="choose another name, or add --force to replace it",
                )
        modes = {m.strip() for m in (redact or "").split(",") if m.strip()}
        unknown = modes - {"children", "others"}
        if unknown:
            raise ChatguardError(
                f"--redact {sorted(unknown)[0]!r} is not known", hint="use children, others or both"
            )
        if "others" in modes and not author:
            raise ChatguardError(
                "--redact others needs --author", hint="name the person the summary concerns"
            )
        browser_path = None
        if fmt == "pdf":
            from chatguard.pdf import find_browser

            browser_path = find_browser(browser)
        config = load_config()
        ruleset, roster_ = _ruleset(roster, rules, config)
        review_file = review or config.ignore
        review_ = load_review(review_file) if review_file else None
        options = ScanOptions(
            since=_date(since, "--since"),
            until=_date(until, "--until"),
            authors=list(author or []),
            context=context,
        )
        with _progress_bar() as progress:
            chat_ = _read(exports, chat, date_order, encoding, progress)
            images = _ocr(chat_, ocr, no_ocr_cache)
            result = scan_chat(chat_, ruleset, options, progress=progress, images=images)
        command = "chatguard evidence " + " ".join(
            shlex.quote(a) for a in sys.argv[2:] if a != "--force"
        )
        document = build_document(
            chat_,
            result,
            EvidenceOptions(
                concerns=list(author or []),
                since=options.since,
                until=options.until,
                redact_children="children" in modes,
                redact_others="others" in modes,
                context=context,
                school=config.school,
                command=command,
            ),
            review=review_,
            roster=roster_,
            policy_path=policy,
        )
        if fmt == "pdf":
            from chatguard.pdf import html_to_pdf

            assert browser_path is not None and output is not None
            with _progress("Printing to PDF"):
                data = html_to_pdf(render(document, "html"), browser_path)
            with open_binary(output, force=force) as handle:
                handle.write(data)
        else:
            text = render(document, fmt)
            if output is None:
                sys.stdout.write(text)
            else:
                with open_binary(output, force=force) as handle:
                    handle.write(text.encode("utf-8"))
        if output is not None:
            shown = len(document.data["findings"])
            typer.echo(f"chatguard: wrote {shown} finding(s) to {output}", err=True)


@app.command()
def review(
    exports: ExportsArg,
    output: Annotated[
        Path,
        typer.Option("-o", "--output", help="The review file to write (kept and added to)."),
    ] = Path("review.yaml"),
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Your name, recorded with each decision.")
    ] = None,
    roster: RosterOpt = None,
    rules: RulesOpt = None,
    author: Annotated[
        list[str] | None, typer.Option("--author", help="Only this author's messages (repeatable).")
    ] = None,
    context: Annotated[int, typer.Option("--context", min=0, max=20)] = 2,
    all_: Annotated[
        bool, typer.Option("--all", help="Also go through findings already decided.")
    ] = False,
    chat: ChatOpt = None,
    date_order: DateOrderOpt = None,
    encoding: EncodingOpt = None,
) -> None:
    """Walk through the findings and confirm or dismiss each (a person decides, not the tool).

    Keys: [b]c[/b] confirm, [b]d[/b] dismiss (with a reason), [b]s[/b] skip, [b]b[/b] back,
    [b]q[/b] quit. Every decision is saved at once to the review file, which
    `scan --ignore` and `evidence --review` read.

    [b]Example[/b]

      chatguard review export.txt --roster roster.yaml --reviewer "J. Smith (DSL)" -o review.yaml
    """
    with user_errors():
        import datetime as dt

        from rich.console import Console
        from rich.prompt import Prompt

        from chatguard.config import load_config
        from chatguard.ignore import Decision, Review, load_review
        from chatguard.report.terminal import entry
        from chatguard.reviewfile import forget, record, save_review
        from chatguard.scan import ScanOptions, scan_chat

        config = load_config()
        ruleset, _ = _ruleset(roster, rules, config)
        chat_ = _read(exports, chat, date_order, encoding)
        result = scan_chat(chat_, ruleset, ScanOptions(authors=list(author or []), context=context))
        decisions = load_review(output) if output.exists() else Review([], output)
        sha = {e.source.name: e.source.sha256 for e in chat_.exports}
        console = Console(highlight=False)
        pending = [
            f
            for f in result.findings
            if all_ or decisions.lookup(sha[f.source], f.source, f.line, f.rule) is None
        ]
        if not pending:
            console.print(f"Nothing to review: {len(result.findings)} finding(s), all decided.")
            return
        who = reviewer or Prompt.ask("Your name (recorded with each decision)", console=console)
        index = 0
        while 0 <= index < len(pending):
            finding = pending[index]
            key = (sha[finding.source], finding.line, finding.rule)
            console.rule(f"{index + 1} of {len(pending)}")
            console.print(entry(result, finding))
            earlier = decisions.lookup(*key[:1], finding.source, finding.line, finding.rule)
            if earlier is not None:
                console.print(f"  decided before: {earlier.decision} ({earlier.who})")
            choice = Prompt.ask(
                "c confirm · d dismiss · s skip · b back · q quit",
                choices=["c", "d", "s", "b", "q"],
                console=console,
            )
            if choice == "q":
                break
            if choice == "b":
                index = max(0, index - 1)
                continue
            if choice == "s":
                index += 1
                continue
            reason = ""
            if choice == "d":
                while not reason.strip():
                    reason = Prompt.ask("Reason for dismissing", console=console)
            forget(decisions, key)
            record(
                decisions,
                Decision(
                    source=key[0],
                    line=finding.line,
                    rule=finding.rule,
                    decision="confirmed" if choice == "c" else "dismissed",
                    reason=reason.strip(),
                    who=who,
                    when=dt.datetime.now().replace(microsecond=0).isoformat(),
                ),
            )
            save_review(decisions, output)
            index += 1
        console.print(f"Saved {len(decisions.decisions)} decision(s) to {output}")


RuleDirArg = Annotated[
    Path | None,
    typer.Argument(help="A folder of rules (default: the bundled pack).", show_default=False),
]


def _pack(folder: Path | None, roster: Path | None = None) -> Any:
    from chatguard.roster import load_roster
    from chatguard.rulefile import load_rules
    from chatguard.scan import name_words

    lists = load_roster(roster).word_lists(name_words()) if roster else None
    return load_rules([folder] if folder else None, extra_lists=lists)


@rules_app.command("list")
def rules_list(folder: RuleDirArg = None) -> None:
    """List the rules: id, category, severity and title."""
    with user_errors():
        from rich.console import Console
        from rich.table import Table

        pack = _pack(folder)
        table = Table(header_style="bold")
        for column in ("id", "category", "severity", "title"):
            table.add_column(column)
        for rule in sorted(pack.rules, key=lambda r: (r.category, r.id)):
            table.add_row(rule.id, rule.category, rule.severity, rule.spec.title)
        Console().print(table)


@rules_app.command("show")
def rules_show(
    rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. swearing.profanity.")],
    folder: Annotated[Path | None, typer.Option("--rules", help="Rule folder.")] = None,
) -> None:
    """Show one rule: its policy line, why it exists, what it matches and its examples."""
    with user_errors():
        rule = _pack(folder).by_id(rule_id)
        spec = rule.spec
        typer.echo(f"{spec.id}  ({spec.category}, {spec.severity})  {rule.path}")
        typer.echo(f"title: {spec.title}")
        typer.echo(f"policy: {spec.policy}")
        typer.echo(f"why: {' '.join(spec.description.split())}")
        typer.echo("flags, for example:")
        for example in spec.examples.match:
            typer.echo(f"  + {example}")
        typer.echo("lets through, for example:")
        for example in spec.examples.ok:
            typer.echo(f"  - {example}")


@rules_app.command("test")
def rules_test(folder: RuleDirArg = None, roster: RosterOpt = None) -> None:
    """Run every rule's examples: each `match` example must be flagged, each `ok` must not.

    With --roster, the roster's names are known (for examples that name pupils or staff).
    """
    with user_errors():
        from chatguard.ruletest import run_examples

        pack = _pack(folder, roster)
        failures = run_examples(pack)
        for failure in failures:
            typer.echo(failure, err=True)
        total = sum(len(r.spec.examples.match) + len(r.spec.examples.ok) for r in pack.rules)
        typer.echo(f"{total - len(failures)} passed, {len(failures)} failed")
    if failures:
        raise typer.Exit(EXIT_FLAGGED)


@rules_app.command("validate")
def rules_validate(folder: RuleDirArg = None) -> None:
    """Check rule files for mistakes; each error names the file, line and field."""
    with user_errors():
        pack = _pack(folder)
        typer.echo(f"{len(pack.rules)} rules are valid (rule set {pack.digest[:12]})")


@rules_app.command("docs")
def rules_docs(
    folder: RuleDirArg = None,
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write to this file.")
    ] = None,
    force: ForceOpt = False,
) -> None:
    """Write the rules as a Markdown document (docs/rules.md is generated this way)."""
    with user_errors():
        from chatguard.output import open_text
        from chatguard.ruledocs import rules_markdown

        with open_text(output, force=force) as stream:
            stream.write(rules_markdown(_pack(folder)))


@rules_app.command("eval")
def rules_eval(
    labels: Annotated[
        Path, typer.Argument(help="Labels CSV: file,line,author,categories,excerpt.")
    ],
    exports: ExportsArg,
    rules: Annotated[
        Path | None, typer.Option("--rules", help="Rule folder (default: the bundled pack).")
    ] = None,
    roster: RosterOpt = None,
    format_: Annotated[
        StatsFormat, typer.Option("--format", help="text for people, json for other tools.")
    ] = StatsFormat.text,
    show_errors: Annotated[
        bool, typer.Option("--show-errors", help="List every false positive and negative.")
    ] = False,
) -> None:
    """Measure rules on labelled chats: precision, recall and F1 per category.

    [b]Example[/b]

      chatguard rules eval fixtures/labelled/labels.csv fixtures/labelled/*.txt
    """
    with user_errors():
        from chatguard.evaluate import evaluate

        pack = _pack(rules, roster)
        result = evaluate(labels, exports, pack)
        if format_ is StatsFormat.json:
            import json

            typer.echo(
                json.dumps(
                    {
                        "messages": result.messages,
                        "categories": [s.as_dict() for s in result.scores],
                    },
                    indent=2,
                )
            )
            return
        from rich.console import Console
        from rich.table import Table
        from rich.text import Text

        from chatguard.safetext import for_terminal

        console = Console(highlight=False)
        table = Table(title=f"{result.messages} labelled messages", header_style="bold")
        for column in ("category", "TP", "FP", "FN", "precision", "recall", "F1"):
            table.add_column(column, justify="left" if column == "category" else "right")
        for score in result.scores:
            table.add_row(
                score.category,
                str(score.true_positives),
                str(score.false_positives),
                str(score.false_negatives),
                f"{score.precision:.3f}",
                f"{score.recall:.3f}",
                f"{score.f1:.3f}",
            )
        console.print(table)
        if show_errors:
            for mistake in result.mistakes:
                rules_fired = f" [{', '.join(mistake.rules)}]" if mistake.rules else ""
                console.print(
                    Text(
                        f"{mistake.kind} {mistake.category}{rules_fired}: {mistake.file}:"
                        f"{mistake.line}: {for_terminal(mistake.text)}"
                    )
                )


def main() -> None:
    """Entry point of the `chatguard` console script."""
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
    sys.exit(0)
