"""Findings as a Markdown document for pasting into notes: a summary and a table.

Every value printed by the template is escaped for Markdown by default (Jinja2's ``finalize``),
so a parent's ``<script>``, ``|`` or ``**`` shows as written and cannot break the table; control
characters (escape sequences) are shown as visible escapes, as on the terminal.
"""

from __future__ import annotations

import re
from typing import Any, TextIO

from chatguard.findings import ScanResult
from chatguard.safetext import for_terminal
from chatguard.templating import environment

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")


def escape(value: Any) -> str:
    """Backslash-escape Markdown syntax and keep a cell on one line."""
    text = for_terminal("" if value is None else str(value))
    text = _MD_SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    return text.replace("\r", " ").replace("\n", "<br>")


def write(result: ScanResult, stream: TextIO) -> None:
    template = environment(markdown=True).get_template("scan.md.j2")
    stream.write(template.render(result=result))
