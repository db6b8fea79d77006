"""The compiled-pack cache stays small: every rule edit compiles a new pack, old ones go."""

from __future__ import annotations

import os
from pathlib import Path

from chatguard.scan import CACHED_PACKS, _prune_packs


def test_only_the_newest_compiled_packs_are_kept(tmp_path: Path) -> None:
    packs = []
    for i in range(CACHED_PACKS + 5):
        path = tmp_path / f"{i:02d}.pickle"
        path.write_bytes(b"x")
        os.utime(path, ns=(i * 10**9, i * 10**9))
        packs.append(path)
    keep = packs[0]  # the one just written may be the oldest by mtime on a coarse clock
    _prune_packs(tmp_path, keep=keep)
    left = sorted(p.name for p in tmp_path.glob("*.pickle"))
    assert len(left) == CACHED_PACKS
    assert keep.name in left
    assert packs[-1].name in left and packs[1].name not in left
