"""A big export is parsed with some RE2 passes on both cores; the table must not change.

Files over ``_PARALLEL_MIN_LINES`` lines split header matching in two and run the per-message
kind and system-line tests side by side. Every fixture shape is parsed both ways here (the
threshold lowered to zero), so a mistake in the parallel path shows on small files: a media
message read as text, or a system line given an author.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from chatguard import parse
from chatguard.io import read_export
from chatguard.parse import parse_export
from tests.conftest import FIXTURES

SHAPES = sorted((FIXTURES / "exports").glob("*.txt")) + sorted(
    (FIXTURES / "labelled").glob("dev_*.txt")
)


@pytest.mark.parametrize("path", SHAPES, ids=lambda p: p.name)
def test_the_parallel_parse_gives_the_same_table(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    serial = parse_export(read_export(path)).messages
    monkeypatch.setattr(parse, "_PARALLEL_MIN_LINES", 0)
    parallel = parse_export(read_export(path)).messages
    pd.testing.assert_frame_equal(parallel, serial)


def test_the_shapes_include_every_kind_of_message() -> None:
    kinds = set()
    for path in SHAPES:
        kinds |= set(parse_export(read_export(path)).messages["kind"].astype(str))
    assert kinds >= {"text", "media", "system", "deleted", "poll", "location", "contact"}
