"""A big scan reads each distinct text once; every copy of a text must still get its findings.

Chats repeat themselves ("Thank you!", "<Media omitted>", a notice forwarded to three groups),
so a scan works out what a text alone yields (prefilter masks, the token index, model scores,
spans) once per distinct text and reads it back for each row. A user would notice a mistake
there as a breach flagged in one copy of a message and not in another, or flagged at the wrong
line: these tests scan exports whose every message occurs more than once.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from chatguard import matchers, read_chat
from chatguard import model as m
from chatguard.io import read_export
from chatguard.load import merge
from chatguard.matchers import Batch, distinct_texts
from chatguard.model import Chat
from chatguard.parse import parse_export
from chatguard.scan import batch_from_frame, load_ruleset, scan_chat
from tests.conftest import FIXTURES

# Labelled chats with breaches in every category, and ordinary chatter, over 2,000 messages in
# all: a big scan's path (prefilters, token index, models) rather than message by message.
CORPUS = sorted((FIXTURES / "labelled").glob("dev_*.txt")) + sorted(
    (FIXTURES / "benign").glob("*.txt")
)


def _findings(chat: object) -> set[tuple[str, int, str, str]]:
    result = scan_chat(chat, load_ruleset())  # type: ignore[arg-type]
    return {(Path(f.source).name, f.line, f.rule, f.match) for f in result.findings}


def test_distinct_texts_numbers_each_row_by_its_text_nulls_included() -> None:
    texts = pa.array(["ok", None, "Thank you!", "ok", "", None, "Thank you!"], pa.large_string())
    distinct, keys = distinct_texts(texts)
    assert len(distinct) == 4
    assert [distinct[k].as_py() for k in keys.tolist()] == texts.to_pylist()


def _with_copies(paths: list[Path], copied: list[Path], tmp_path: Path) -> Chat:
    """The exports and a copy of some of them, a year later (so the copy is no overlap that
    reading would drop): each copied message's text then occurs twice."""
    exports = [parse_export(read_export(path)) for path in paths]
    for path in copied:
        copy = tmp_path / f"copy of {path.name}"
        shutil.copyfile(path, copy)
        export = parse_export(read_export(copy))
        export.messages[m.TIMESTAMP] += pd.Timedelta(days=366)
        exports.append(export)
    return merge(exports)


def test_a_copy_of_every_message_gets_the_same_findings_as_the_original(
    tmp_path: Path,
) -> None:
    chat = _with_copies(CORPUS, CORPUS, tmp_path)
    assert len(chat.messages) >= matchers.PREFILTER_MIN_ROWS
    batch = batch_from_frame(chat.messages)
    assert len(batch.distinct) <= len(batch) / 2  # every text at least twice

    # What each file finds when it is scanned alone, message by message.
    alone = set()
    for path in CORPUS:
        one = read_chat(path)
        assert len(one.messages) < matchers.PREFILTER_MIN_ROWS
        alone |= _findings(one)
    assert {rule for _, _, rule, _ in alone} >= {"swearing.profanity", "abuse.staff-insult"}

    expected = alone | {(f"copy of {name}", line, rule, match) for name, line, rule, match in alone}
    assert _findings(chat) == expected


@pytest.mark.parametrize("deduplicate", [True, False])
def test_reading_each_text_once_changes_no_finding(
    deduplicate: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same chat, texts repeated within it, scanned with and without the sharing."""
    chat = _with_copies(CORPUS, CORPUS[:1], tmp_path)  # the first file's texts repeat
    monkeypatch.setattr(matchers, "DEDUPLICATE_TEXTS", False)
    plain = _findings(chat)
    monkeypatch.setattr(matchers, "DEDUPLICATE_TEXTS", deduplicate)
    assert _findings(chat) == plain


def test_a_batch_without_distinct_texts_treats_every_row_as_its_own() -> None:
    batch = Batch.of_texts(["same", "same"])
    assert batch.keys.tolist() == [0, 1]
    assert batch.text(1) == "same"
    assert np.array_equal(batch.keys, np.arange(2))
