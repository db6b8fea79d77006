"""Read one or several exports of a group into one messages table.

Last term's export and this term's overlap: each message must appear once. Within one export two
identical messages (a parent sending "ok" twice in a minute) are both real, so only repeats
*across* exports are dropped, counting occurrences so that a pair in both files stays a pair.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pandas as pd

from chatguard import model as m
from chatguard.io import read_export
from chatguard.parse import parse_export


def read_chat(
    paths: str | Path | Sequence[str | Path],
    *,
    chat: str | None = None,
    date_order: str | None = None,
    encoding: str | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> m.Chat:
    """Read and parse exports (.txt, .zip or a folder with one), merged into one :class:`Chat`."""
    if isinstance(paths, str | Path):
        paths = [paths]
    exports = []
    for done, path in enumerate(paths, start=1):
        exports.append(
            parse_export(read_export(path, chat=chat, encoding=encoding), date_order=date_order)
        )
        if progress is not None:
            progress("Reading exports", done, len(paths))
    return merge(exports)


def merge(exports: Iterable[m.ParsedExport]) -> m.Chat:
    """Merge parsed exports into one table, each message once, in time order."""
    exports = list(exports)
    if len(exports) == 1:
        return m.Chat(messages=exports[0].messages, exports=exports)
    frames = []
    for order, export in enumerate(exports):
        frame = export.messages.copy()
        frame["_export"] = order
        frames.append(frame)
    combined = pd.concat(frames, ignore_index=True)
    key = [m.TIMESTAMP, m.AUTHOR, m.TEXT, m.KIND]
    keyed = combined[key].astype({m.AUTHOR: "string", m.TEXT: "string", m.KIND: "string"})
    keyed = keyed.fillna({m.AUTHOR: "\x00"})
    occurrence = keyed.groupby(
        [combined["_export"], *[keyed[c] for c in key]], sort=False
    ).cumcount()
    keyed = keyed.assign(_occurrence=occurrence)
    duplicate = keyed.duplicated(subset=[*key, "_occurrence"], keep="first")
    merged = combined.loc[~duplicate].sort_values([m.TIMESTAMP, "_export", m.LINE], kind="stable")
    merged = merged.drop(columns="_export").reset_index(drop=True)
    return m.Chat(messages=merged, exports=exports, duplicates_dropped=int(duplicate.sum()))
