"""Findings as CSV: the JSON finding fields, one row each, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from typing import TextIO

from chatguard.findings import ScanResult
from chatguard.safetext import for_spreadsheet

FIELDS = ("source", "line", "timestamp", "author", "category", "rule", "severity", "text", "match")


def write(result: ScanResult, stream: TextIO) -> None:
    writer = csv.DictWriter(stream, fieldnames=list(FIELDS), lineterminator="\n")
    writer.writeheader()
    for finding in result.findings:
        row = finding.as_contract()
        writer.writerow(
            {k: for_spreadsheet(v) if isinstance(v, str) else v for k, v in row.items()}
        )
