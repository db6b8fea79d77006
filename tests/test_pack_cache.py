"""The compiled-pack cache stays small: every rule edit compiles a new pack, old ones go."""

from __future__ import annotations

import io
import os
import pickle
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


class _CountingUnpickler(pickle.Unpickler):
    """Reads a pickle, counting the patterns Python's ``re`` compiles again while reading."""

    recompiled = 0

    def find_class(self, module: str, name: str) -> object:
        if (module, name) == ("re", "_compile"):
            self.recompiled += 1
        return super().find_class(module, name)


def test_a_pack_stored_after_use_reads_back_without_compiling_word_patterns() -> None:
    """Rules that share a list share its matcher, across loads in one process too: a pack
    stored after a scan has used its lists must still store them uncompiled, or every
    `chatguard check` would compile them all again while reading the pack."""
    from chatguard.scan import check_text, load_ruleset

    ruleset = load_ruleset()
    for rule in ruleset.rules:
        for text in rule.spec.examples.match[:2]:
            check_text(text, ruleset)
    reader = _CountingUnpickler(io.BytesIO(pickle.dumps(ruleset)))
    again = reader.load()
    assert reader.recompiled == 0
    assert check_text("Mrs Patel is f*cking useless", again)
