"""The Rich terminal report of `chatguard scan`: a header, one entry per finding, a summary.

Rich drops colour by itself for NO_COLOR and for output that is not a terminal, so the same code
gives plain text in a pipe or a file. Message text goes through :func:`for_terminal` first and is
added as :class:`~rich.text.Text` (never as markup), so escape sequences and ``[bold]`` typed
by a parent are shown, not obeyed.
"""

from __future__ import annotations

from typing import Any, TextIO

from rich.console import Console, Group
from rich.padding import Padding
from rich.rule import Rule
from rich.table import Table
from rich.text import Text

from chatguard.findings import Finding, ScanResult
from chatguard.safetext import for_terminal

SEVERITY_STYLE = {"high": "bold red", "medium": "yellow", "low": "cyan"}


def highlighted(text: str, spans: tuple[tuple[int, int], ...]) -> Text:
    """The message with its matched words in bold reverse; control characters made visible."""
    out = Text()
    cursor = 0
    for start, end in sorted(spans):
        if start < cursor:
            continue
        out.append(for_terminal(text[cursor:start]))
        out.append(for_terminal(text[start:end]), style="bold reverse")
        cursor = end
    out.append(for_terminal(text[cursor:]))
    return out


def _header(result: ScanResult) -> Group:
    lines: list[Any] = []
    for source in result.sources:
        lines.append(
            Text.assemble(
                ("chatguard scan  ", "bold"),
                for_terminal(source.name),
                f"  {source.messages:,} messages, {source.first} → {source.last}",
            )
        )
        lines.append(Text(f"  format: {source.format}   sha256 {source.sha256}", style="dim"))
    lines.append(
        Text(
            f"  {result.scanned:,} messages scanned with {result.rules_used} rules; "
            "times are as shown on the exporting phone",
            style="dim",
        )
    )
    for warning in result.warnings:
        lines.append(Text("  note: " + for_terminal(warning), style="yellow"))
    return Group(*lines)


def entry(result: ScanResult, finding: Finding) -> Group:
    """One finding: who, when, which rule, the message highlighted, context, the policy line."""
    info = result.rules.get(finding.rule)
    head = Text.assemble(
        (f"line {finding.line}", "bold"),
        "  ",
        finding.timestamp.replace("T", " "),
        "  ",
        (for_terminal(finding.author), "bold cyan"),
        "  ",
        (result.label(finding), "magenta"),
        "  ",
        (finding.rule, "dim"),
        "  ",
        (finding.severity, SEVERITY_STYLE.get(finding.severity, "")),
    )
    parts: list[Any] = [head]
    context = result.context.get(finding.row, [])
    for item in context:
        if item["offset"] < 0:
            parts.append(_context_line(item))
    parts.append(Padding(highlighted(finding.text, finding.spans), (0, 0, 0, 4)))
    for item in context:
        if item["offset"] > 0:
            parts.append(_context_line(item))
    if info is not None:
        parts.append(
            Padding(
                Text.assemble(("policy: ", "dim"), (f"{info.title}. ", "dim"), info.policy),
                (0, 0, 0, 4),
            )
        )
    return Group(*parts)


def _context_line(item: dict[str, Any]) -> Padding:
    who = item["author"] or "WhatsApp"
    text = Text(
        f"{item['timestamp'].replace('T', ' ')}  {for_terminal(who)}: {for_terminal(item['text'])}",
        style="dim",
    )
    return Padding(text, (0, 0, 0, 6))


def _summary(result: ScanResult) -> Group:
    if not result.findings:
        message = "Nothing was flagged."
        if result.dismissed:
            message += f" ({result.dismissed} finding(s) dismissed on review.)"
        return Group(Text(message, style="green"))
    tables = Table.grid(padding=(0, 4))
    by_category = Table(title="Findings by category", title_justify="left", box=None)
    by_category.add_column("category")
    by_category.add_column("findings", justify="right")
    for category, count in result.per_category().items():
        by_category.add_row(category, str(count))
    by_author = Table(title="Findings by author", title_justify="left", box=None)
    by_author.add_column("author")
    by_author.add_column("findings", justify="right")
    for author, count in result.per_author().items():
        by_author.add_row(Text(for_terminal(author)), str(count))
    tables.add_row(by_category, by_author)
    closing = Text(
        f"{len(result.findings)} finding(s)"
        + (f", {result.dismissed} dismissed on review" if result.dismissed else "")
        + ". chatguard points; people decide: read each message in its context."
    )
    return Group(tables, closing)


def write(result: ScanResult, stream: TextIO) -> None:
    """Render the report to ``stream`` (colour only when it is a terminal)."""
    console = Console(file=stream, highlight=False, soft_wrap=False, emoji=False)
    console.print(_header(result))
    for finding in result.findings:
        console.print(Rule(style="dim"))
        console.print(entry(result, finding))
    console.print(Rule(style="dim"))
    console.print(_summary(result))
