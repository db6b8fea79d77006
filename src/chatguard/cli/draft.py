"""`chatguard check`: a draft explained, and the short way in that skips the option parser.

A parent waits for this answer before posting, so it must come in under half a second. Typer
converts options through pydantic, and importing the two costs about a fifth of a second on
our slower machines, before any rule is read. The plain forms of the command
(``check TEXT``, ``check -``, with ``--roster`` and ``--rules``) are therefore recognised here
without them; anything else (``--help``, a misspelt option, a draft starting with ``-``) goes
to Typer, which stays the one place that documents the command and reports usage errors.
Both ways print through :func:`explain_draft`, so they cannot drift apart.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatguard.errors import ChatguardError
from chatguard.safetext import for_terminal

EXIT_CLEAN = 0
EXIT_FLAGGED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

#: The options of ``check`` that the short way understands, each taking one value.
_VALUE_OPTIONS = ("--roster", "--rules")


@dataclass
class DraftArgs:
    """``chatguard check``'s arguments, as Typer would have given them."""

    text: str
    roster: Path | None = None
    rules: list[Path] = field(default_factory=list)


def plain_check(argv: list[str]) -> DraftArgs | None:
    """``argv`` (without the program) read as a plain ``check`` command, or None.

    None whenever Typer could answer differently: another command, help, an option this does
    not know, an option without its value, a draft that looks like an option, or two drafts.
    """
    if not argv or argv[0] != "check":
        return None
    text: str | None = None
    roster: Path | None = None
    rules: list[Path] = []
    rest = argv[1:]
    index = 0
    while index < len(rest):
        arg = rest[index]
        name, equals, value = arg.partition("=")
        if name in _VALUE_OPTIONS:
            if not equals:
                if index + 1 >= len(rest):
                    return None
                index += 1
                value = rest[index]
            if not value or (not equals and value.startswith("-")):
                return None
            if name == "--roster":
                if roster is not None:
                    return None
                roster = Path(value)
            else:
                rules.append(Path(value))
        elif arg.startswith("-") and arg != "-":
            return None
        elif text is None:
            text = arg
        else:
            return None
        index += 1
    if text is None:
        return None
    return DraftArgs(text, roster, rules)


def ruleset_for(roster_path: Path | None, rule_dirs: list[Path] | None, config: Any) -> Any:
    """The rule pack with the school's roster and rule folders (options win over the config)."""
    from chatguard.roster import load_roster
    from chatguard.scan import load_ruleset

    roster_path = roster_path or config.roster
    roster = load_roster(roster_path) if roster_path else None
    return load_ruleset(roster, [*config.rules, *(rule_dirs or [])]), roster


def explain_draft(args: DraftArgs, echo: Callable[[str], None]) -> int:
    """Print what in the draft breaks which rule, and why; return the exit code."""
    from chatguard.config import load_config
    from chatguard.engine import matched_words
    from chatguard.findings import category_label
    from chatguard.scan import check_text

    text = sys.stdin.read() if args.text == "-" else args.text
    ruleset, _ = ruleset_for(args.roster, args.rules, load_config())
    hits = check_text(text, ruleset)
    if not hits:
        echo("chatguard: nothing in this message breaks the code of conduct's rules.")
        return EXIT_CLEAN
    for hit in hits:
        spec = hit.rule.spec
        words = matched_words(text, hit.spans)
        echo(
            f"{category_label(spec.category, hit.rule.for_review)} ({spec.id}, "
            f"{spec.severity}): {for_terminal(words or spec.title)}"
        )
        # A school's own rule file is text we did not write either.
        echo(f"  policy: {for_terminal(spec.policy)}")
        echo(f"  why: {for_terminal(' '.join(spec.description.split()))}")
    return EXIT_FLAGGED


def error_line(exc: ChatguardError) -> str:
    """The one line a user error prints on stderr."""
    return f"chatguard: error: {one_line(exc.one_line())}"


def one_line(text: str) -> str:
    """A message for stderr: control characters visible, and truly one line."""
    return for_terminal(text).replace("\n", "\\n")


def run_plain_check(args: DraftArgs) -> int:
    """The short way's whole run: explain the draft, a user error as one line and exit 2."""
    import gc

    # One draft in a process that ends within a second: reference counting frees what it
    # uses, and a cycle collection walking the whole rule pack would cost more than it saves.
    gc.disable()
    try:
        return explain_draft(args, print)
    except ChatguardError as exc:
        print(error_line(exc), file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("chatguard: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
