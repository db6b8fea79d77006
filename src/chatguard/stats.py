"""Counts that describe an export: what `chatguard stats` prints and `scan` puts in `sources`.

The definitions are a contract: `messages` counts every row with an author whatever its kind;
`system_messages` counts WhatsApp's own lines; `first`/`last` span every line, system included.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from chatguard import model as m


def _iso(value: Any) -> str | None:
    if value is None or pd.isna(value):
        return None
    return str(pd.Timestamp(value).isoformat())


def message_stats(frame: pd.DataFrame) -> dict[str, Any]:
    """The counts of one messages table (one export, or several merged)."""
    authored = frame[m.AUTHOR].notna()
    by_author = frame.loc[authored, m.AUTHOR].value_counts(sort=False)
    ordered = sorted(by_author.items(), key=lambda item: (-int(item[1]), str(item[0])))
    kinds = frame.loc[authored, m.KIND]
    return {
        "messages": int(authored.sum()),
        "system_messages": int((~authored).sum()),
        "authors": len(by_author),
        "by_author": {str(name): int(count) for name, count in ordered},
        "first": _iso(frame[m.TIMESTAMP].min()) if len(frame) else None,
        "last": _iso(frame[m.TIMESTAMP].max()) if len(frame) else None,
        "multiline_messages": int(
            frame[m.TEXT].str.contains("\n", regex=False).fillna(False).sum()
        ),
        "media": int((kinds == "media").sum()),
        "deleted": int((kinds == "deleted").sum()),
        "edited": int(frame[m.EDITED].sum()),
        "suspect": int(frame[m.SUSPECT].sum()),
    }


def chat_stats(chat: m.Chat) -> dict[str, Any]:
    """`chatguard stats --format json`: the counts, the detected format and any warnings."""
    result = message_stats(chat.messages)
    formats = [export.format.as_dict() for export in chat.exports]
    result["format"] = formats[0] if len(formats) == 1 else formats
    result["sources"] = [
        {
            "path": e.source.path,
            "sha256": e.source.sha256,
            "messages": int(e.messages[m.AUTHOR].notna().sum()),
        }
        for e in chat.exports
    ]
    result["duplicates_dropped"] = chat.duplicates_dropped
    result["warnings"] = chat.warnings
    return result
