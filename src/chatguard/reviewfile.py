"""Write review files (the decisions `chatguard review` records), safely.

Saving never loses what was there: earlier decisions are kept (a new decision on the same
finding replaces the old one), the file is written to a private temporary file beside it and
moved into place, and it is readable by the owner only.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import yaml

from chatguard.errors import ChatguardError
from chatguard.ignore import Decision, Review


def save_review(review: Review, path: Path) -> None:
    """Write ``review`` to ``path`` atomically, owner-only."""
    data = {
        "chatguard-review": 1,
        "decisions": [
            d.as_dict() for d in sorted(review.decisions, key=lambda d: (d.source, d.line, d.rule))
        ],
    }
    text = (
        "# chatguard review file: decisions a person made about findings.\n"
        "# `chatguard scan --ignore` leaves dismissed ones out; `chatguard evidence --review`\n"
        "# lists confirmed ones.\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    )
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, temp = tempfile.mkstemp(prefix=".chatguard-review-", dir=folder)
    except OSError as exc:
        raise ChatguardError(f"{path}: cannot be written ({exc.strerror})") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp, 0o600)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ChatguardError(f"{path}: cannot be written ({exc.strerror})") from exc


def record(review: Review, decision: Decision) -> None:
    """Add ``decision``, replacing any earlier one about the same finding."""
    review.decisions = [d for d in review.decisions if d.key() != decision.key()] + [decision]


def forget(review: Review, key: tuple[str, int, str]) -> None:
    review.decisions = [d for d in review.decisions if d.key() != key]
