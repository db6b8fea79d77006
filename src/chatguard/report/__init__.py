"""Reporters: pure functions from a :class:`~chatguard.findings.ScanResult` to a stream.

``REPORTERS[name](result, stream)`` — one small module per format, chosen by name; the CLI
never formats anything itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from chatguard.findings import ScanResult
from chatguard.report import csvreport, jsonreport, markdown, terminal

Reporter = Callable[[ScanResult, TextIO], None]

REPORTERS: dict[str, Reporter] = {
    "text": terminal.write,
    "json": jsonreport.write,
    "csv": csvreport.write,
    "markdown": markdown.write,
}
