"""Literal text every match of a regular expression must contain, read from its syntax tree.

A school's ``pattern:`` rule runs an RE2 pass over the whole message column. Most patterns need
some word (``tell``, ``people|parents|mums``) that few messages hold; knowing it, a scan can
look those messages up in the token index and run the pass on them alone. This is the idea of
RE2's own prefilter and of trigram code search, kept simple: the answer is a list of *options*,
each a set of literals of which every match contains at least one, and any option is a sound
narrowing. An expression this module cannot read yields no options, and the pass reads all.
"""

from __future__ import annotations

import re
from typing import Any

try:  # Python 3.11+: the parser behind ``re``; its tree is what we walk.
    from re import _constants as _c  # type: ignore[attr-defined]
    from re import _parser as _p  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _c = None
    _p = None

#: An option: literals (lower-case) one of which every match contains.
Option = tuple[str, ...]

#: More alternatives than this make an option too costly to look up; it is dropped.
MAX_ALTERNATIVES = 64

_RE2_ONLY = re.compile(r"\\[pP](?:\{[^}]*\}|[A-Za-z])|\\x\{([0-9A-Fa-f]+)\}|\\z")


def _to_python(pattern: str) -> str:
    """Spell RE2-only syntax so Python's parser reads it; classes become ``\\w`` (no literal)."""

    def swap(match: re.Match[str]) -> str:
        if match.group(1) is not None:
            return f"\\U{int(match.group(1), 16):08x}"
        if match.group() == "\\z":
            return "\\Z"
        return "\\w"

    return _RE2_ONLY.sub(swap, pattern)


def required_literals(pattern: str) -> tuple[Option, ...]:
    """Options for an RE2 pattern: each a set of literals one of which every match contains."""
    if _p is None:  # pragma: no cover
        return ()
    try:
        tree = _p.parse(_to_python(pattern))
    except (re.error, OverflowError, RecursionError, ValueError):
        return ()
    try:
        options = _sequence(list(tree))
    except RecursionError:
        return ()
    return tuple(
        option
        for option in dict.fromkeys(options)
        if option and all(option) and len(option) <= MAX_ALTERNATIVES
    )


def _sequence(items: list[tuple[Any, Any]]) -> list[Option]:
    """Every option a sequence of nodes offers: its literal runs and its required parts."""
    options: list[Option] = []
    run: list[str] = []

    def close() -> None:
        if run:
            options.append(("".join(run),))
            run.clear()

    for op, av in items:
        char = _one_char(op, av)
        if char is not None:
            run.append(char)
            continue
        close()
        if op is _c.SUBPATTERN:
            options.extend(_sequence(list(av[3])))
        elif op is _c.ATOMIC_GROUP:
            options.extend(_sequence(list(av)))
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT):
            low, _high, body = av
            if low >= 1:
                options.extend(_sequence(list(body)))
        elif op is _c.BRANCH:
            branch = _branch(av[1])
            if branch is not None:
                options.append(branch)
    close()
    return options


def _branch(alternatives: list[Any]) -> Option | None:
    """One option for ``a|b|c``: the best option of each alternative, together."""
    merged: list[str] = []
    for alternative in alternatives:
        options = _sequence(list(alternative))
        if not options:
            return None  # this alternative needs no literal: neither does the branch
        merged.extend(sorted(options, key=_strength)[-1])
    return tuple(dict.fromkeys(merged))


def _strength(option: Option) -> tuple[int, int]:
    """Longer literals are rarer; fewer alternatives are cheaper."""
    return (min(len(x.strip()) for x in option), -len(option))


def _one_char(op: Any, av: Any) -> str | None:
    """The one character (lower-cased) a node matches, if it is a literal or ``[Xx]``."""
    if op is _c.LITERAL:
        return chr(av).lower()
    if op is _c.IN:
        chars = {chr(v).lower() for kind, v in av if kind is _c.LITERAL}
        if len(chars) == 1 and all(kind is _c.LITERAL for kind, _v in av):
            return chars.pop()
    return None
