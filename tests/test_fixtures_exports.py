"""Our own export fixtures (fixtures/exports/), one per format variant, against expected.yaml.

Each file was written by hand to exercise one shape WhatsApp produces (see the fixture README in
expected.yaml's keys); the expected values were counted by hand and re-counted mechanically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from chatguard import read_chat
from chatguard.errors import ChatguardError
from chatguard.stats import chat_stats

EXPORTS = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
EXPECTED: dict[str, Any] = yaml.safe_load((EXPORTS / "expected.yaml").read_text("utf-8"))
FILES = sorted(k for k, v in EXPECTED.items() if k != "merged" and "error" not in v)
ERRORS = sorted(k for k, v in EXPECTED.items() if k != "merged" and "error" in v)


@pytest.mark.parametrize("name", FILES)
def test_counts_and_format(name: str) -> None:
    want = EXPECTED[name]
    chat = read_chat(EXPORTS / name)
    got = chat_stats(chat)
    for key in (
        "messages",
        "system_messages",
        "authors",
        "by_author",
        "first",
        "last",
        "multiline_messages",
        "media",
        "deleted",
        "edited",
        "suspect",
    ):
        assert got[key] == want[key], f"{name}: {key}"
    fmt = got["format"]
    assert fmt["platform"] == want["platform"]
    assert fmt["date_order"] == want["date_order"]
    assert fmt["date_order_assumed"] == want["date_order_assumed"]
    assert fmt["clock"] == want["clock"]


@pytest.mark.parametrize("name", FILES)
def test_spot_rows(name: str) -> None:
    frame = read_chat(EXPORTS / name).messages.set_index("line")
    for row in EXPECTED[name].get("rows") or []:
        got = frame.loc[row["line"]]
        assert (None if pd.isna(got["author"]) else got["author"]) == row["author"], row
        assert got["kind"] == row["kind"], row
        attachment = None if pd.isna(got["attachment"]) else got["attachment"]
        assert attachment == row["attachment"], row
        assert bool(got["edited"]) == row["edited"], row
        assert got["text"] == row["text"], row
        assert got["timestamp"] == pd.Timestamp(row["timestamp"]), row


@pytest.mark.parametrize("name", ERRORS)
def test_zip_errors(name: str) -> None:
    with pytest.raises(ChatguardError) as caught:
        read_chat(EXPORTS / name)
    message = caught.value.one_line()
    assert name in message
    if EXPECTED[name]["error"] == "several chats":
        assert "--chat" in message
        assert message.count(".txt") >= 2


def test_merge_keeps_each_message_once() -> None:
    want = EXPECTED["merged"]
    chat = read_chat([EXPORTS / f for f in want["files"]])
    got = chat_stats(chat)
    assert got["messages"] + got["system_messages"] == want["messages"]
    assert got["first"] == want["first"]
    assert got["last"] == want["last"]
    assert chat.messages["timestamp"].is_monotonic_increasing
