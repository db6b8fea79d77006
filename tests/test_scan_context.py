"""`--context N`: the N messages around a finding come from its own export, even when several
exports are merged and their messages interleave by time."""

from __future__ import annotations

from pathlib import Path

from chatguard import read_chat
from chatguard.scan import ScanOptions, load_ruleset, scan_chat

OAK = """\
12/03/2025, 15:00 - Amy: Oak one
12/03/2025, 15:02 - Ben: Oak two
12/03/2025, 15:04 - Cat: this is bloody ridiculous
12/03/2025, 15:06 - Dee: Oak four
12/03/2025, 15:08 - Eve: Oak five
"""
BIRCH = """\
12/03/2025, 15:01 - Fay: Birch one
12/03/2025, 15:03 - Gus: Birch two
12/03/2025, 15:05 - Hal: Birch three
12/03/2025, 15:07 - Ivy: Birch four
"""


def test_context_counts_neighbours_within_the_findings_own_export(tmp_path: Path) -> None:
    oak = tmp_path / "WhatsApp Chat with Oak.txt"
    birch = tmp_path / "WhatsApp Chat with Birch.txt"
    oak.write_text(OAK, encoding="utf-8")
    birch.write_text(BIRCH, encoding="utf-8")
    result = scan_chat(read_chat([oak, birch]), load_ruleset(), ScanOptions(context=2))
    (finding,) = [f for f in result.findings if f.category == "swearing"]
    around = result.context[finding.row]
    assert [(c["offset"], c["text"]) for c in around] == [
        (-2, "Oak one"),
        (-1, "Oak two"),
        (0, "this is bloody ridiculous"),
        (1, "Oak four"),
        (2, "Oak five"),
    ]
