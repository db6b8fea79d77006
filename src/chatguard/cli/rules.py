"""`chatguard rules …`: list, show, test, validate, document and measure rules."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from chatguard.cli.common import (
    EXIT_FLAGGED,
    ExportsArg,
    ForceOpt,
    RosterOpt,
    RuleDirArg,
    StatsFormat,
    rule_pack,
    rules_app,
    user_errors,
)


@rules_app.command("list")
def rules_list(folder: RuleDirArg = None) -> None:
    """List the rules: id, category, severity and title."""
    with user_errors():
        from rich.console import Console
        from rich.table import Table

        pack = rule_pack(folder)
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
        rule = rule_pack(folder).by_id(rule_id)
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

        pack = rule_pack(folder, roster)
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
        pack = rule_pack(folder)
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
            stream.write(rules_markdown(rule_pack(folder)))


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

        pack = rule_pack(rules, roster)
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
