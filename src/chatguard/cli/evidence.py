"""Evidence for meetings: `chatguard evidence` and the human `chatguard review`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from chatguard.cli.common import (
    ChatOpt,
    DateOrderOpt,
    EncodingOpt,
    ExportsArg,
    ForceOpt,
    NoOcrCacheOpt,
    OcrOpt,
    RosterOpt,
    RulesOpt,
    app,
    ocr_texts,
    parse_date,
    progress_bar,
    read_exports,
    ruleset_for,
    spinner,
    user_errors,
)
from chatguard.errors import ChatguardError


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
        ruleset, roster_ = ruleset_for(roster, rules, config)
        review_file = review or config.ignore
        review_ = load_review(review_file) if review_file else None
        options = ScanOptions(
            since=parse_date(since, "--since"),
            until=parse_date(until, "--until"),
            authors=list(author or []),
            context=context,
        )
        with progress_bar() as progress:
            chat_ = read_exports(exports, chat, date_order, encoding, progress)
            images = ocr_texts(chat_, ocr, no_ocr_cache)
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
            with spinner("Printing to PDF"):
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
        ruleset, _ = ruleset_for(roster, rules, config)
        chat_ = read_exports(exports, chat, date_order, encoding)
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
