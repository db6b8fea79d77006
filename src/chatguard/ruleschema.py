"""Checking a rule file's fields: their types with pydantic, their values with our own rules.

The fields themselves are declared once, on the plain :class:`~chatguard.rulefile.RuleSpec`;
pydantic validates that dataclass directly. This module is apart from
:mod:`chatguard.rulefile` so that reading an already compiled pack (what `chatguard check`
does) never imports pydantic; only loading rule files does.
"""

from __future__ import annotations

import dataclasses
import difflib
import functools
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from chatguard.errors import ChatguardError
from chatguard.rulefile import CATEGORIES, SEVERITIES, Examples, RuleSpec
from chatguard.yamlpos import Path_, where

#: Error types of a field that the schema does not have (a model's and a dataclass's name).
_UNKNOWN_FIELD = ("extra_forbidden", "unexpected_keyword_argument")


def validate_rule(data: dict[str, Any], path: Path, lines: dict[Path_, int]) -> RuleSpec:
    """The rule file's fields checked, as a plain record; a mistake names file, line, field."""
    try:
        spec = _adapter().validate_python(data)
    except ValidationError as exc:
        raise _schema_error(path, lines, exc) from None
    for name, check in _VALUE_CHECKS:
        problem = check(getattr(spec, name))
        if problem:
            raise ChatguardError(f"{where(path, lines, (name,))}: {problem}")
    return spec


@functools.cache
def _adapter() -> TypeAdapter[RuleSpec]:
    return TypeAdapter(RuleSpec)


def _id_problem(value: str) -> str | None:
    if not re.fullmatch(r"[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*", value):
        return "expected <category>.<name> in lower case, e.g. swearing.profanity"
    return None


def _category_problem(value: str) -> str | None:
    if value not in CATEGORIES:
        close = difflib.get_close_matches(value, CATEGORIES, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return f"unknown category{hint}; one of {', '.join(CATEGORIES)}"
    return None


def _severity_problem(value: str) -> str | None:
    return None if value in SEVERITIES else f"expected one of {', '.join(SEVERITIES)}"


def _kinds_problem(value: list[str]) -> str | None:
    from chatguard.model import KINDS

    for kind in value:
        if kind not in KINDS:
            return f"unknown message kind {kind!r}; one of {', '.join(KINDS)}"
    return None


#: Checks of a valid type's value, in the order of the fields in a rule file.
_VALUE_CHECKS: tuple[tuple[str, Callable[[Any], str | None]], ...] = (
    ("id", _id_problem),
    ("category", _category_problem),
    ("severity", _severity_problem),
    ("applies_to", _kinds_problem),
)


def _schema_error(path: Path, lines: dict[Path_, int], exc: ValidationError) -> ChatguardError:
    errors = exc.errors()
    # A misspelt field shows up twice (unknown, and the real one missing): name the typo.
    error = next((e for e in errors if e["type"] in _UNKNOWN_FIELD), errors[0])
    at = tuple(error["loc"])
    kind = error["type"]
    if kind in _UNKNOWN_FIELD:
        known = [f.name for f in dataclasses.fields(RuleSpec)]
        if len(at) > 1 and at[0] == "examples":
            known = [f.name for f in dataclasses.fields(Examples)]
        close = difflib.get_close_matches(str(at[-1]), known, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        return ChatguardError(f"{where(path, lines, at)}: unknown field{hint}")
    if kind == "missing":
        return ChatguardError(f"{path}:1: {'.'.join(map(str, at))}: required field is missing")
    message = str(error["msg"])
    message = {
        "Input should be a valid string": "expected text",
        "Input should be a valid list": "expected a list",
        "Input should be a valid dictionary": "expected a mapping",
        "Input should be a valid boolean": "expected true or false",
    }.get(message, message)
    return ChatguardError(f"{where(path, lines, at)}: {message}")
