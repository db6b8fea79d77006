"""Make chat text harmless for the place it is shown.

Parents' messages can hold terminal escape sequences (``\\x1b[2J`` clears a screen, OSC 8 makes
links) and text that a spreadsheet runs as a formula. Every reporter passes message text through
one of these functions; they change how text is displayed, never what is stored.
"""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def for_terminal(text: str) -> str:
    """Show control characters (ESC, BEL, C1 controls …) as visible escapes, keep newlines."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def for_spreadsheet(text: str) -> str:
    """Prefix a cell that a spreadsheet would read as a formula with an apostrophe."""
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
