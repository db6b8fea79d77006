"""The JSON contract of `chatguard scan` (see README and CHANGELOG before changing it)."""

from __future__ import annotations

import json
from typing import TextIO

from chatguard.findings import ScanResult


def write(result: ScanResult, stream: TextIO) -> None:
    json.dump(result.as_contract(), stream, ensure_ascii=False, indent=2)
    stream.write("\n")
