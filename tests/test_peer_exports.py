"""Exports from other parsers' test suites, read in place from ../shared/peer-exports/.

They are test inputs only (several are GPL) and are never copied into this repository. Each test
states how the peer's convention maps onto ours; our model keeps every line:
- `messages` counts rows with an author; WhatsApp's own lines are `system_messages`;
- a group's name in the author slot of a system line is not an author (whatstk counts it);
- a body that is not `Name: text` (chat-miner's `John Doe:.`) is a system line, as the JS peer
  whatsapp-chat-parser counts it (chat-miner drops it);
- continuation lines are joined with "\n" (chat-miner joins with a space);
- trailing blank lines of a message are dropped (whatsapp-chat-parser keeps one "\n").
"""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from chatguard import read_chat
from chatguard.parse import parse_text
from chatguard.stats import chat_stats

PEERS = Path(__file__).resolve().parents[2] / "shared" / "peer-exports"
pytestmark = pytest.mark.skipif(
    not PEERS.is_dir(), reason=f"peer exports not found at {PEERS} (shared/ beside the repo)"
)


def stats_of(*parts: str) -> dict[str, object]:
    return chat_stats(read_chat(PEERS.joinpath(*parts)))


def first_authored(*parts: str) -> pd.Timestamp:
    frame = read_chat(PEERS.joinpath(*parts)).messages
    return frame.loc[frame["author"].notna(), "timestamp"].min()


CHAT_MINER = [
    "test_ddmmyy_24hrs.txt",
    "test_mmddyy_24hrs.txt",
    "test_[mmddyy]_24hrs.txt",
    "test_mmddyyyy_12hrs.txt",
    "test_yyyymmdd_24hrs.txt",
]


@pytest.mark.parametrize("name", CHAT_MINER)
def test_chat_miner(name: str) -> None:
    got = stats_of("chat-miner", name)
    # chat-miner: 6 messages, 5 authors, system lines and `John Doe:.` dropped.
    assert got["messages"] == 6
    assert got["system_messages"] == 3
    assert got["authors"] == 5
    assert set(got["by_author"]) == {"John Doe", "🤓", "John Doe 🤓", "John-John Doe", "Jahn Doe"}
    assert first_authored("chat-miner", name) == pd.Timestamp("2019-01-01 11:25")
    frame = read_chat(PEERS / "chat-miner" / name).messages
    assert "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero." in set(
        frame["text"]
    )


def test_chat_miner_spanish_markers_add_twelve_hours() -> None:
    frame = read_chat(PEERS / "chat-miner" / "test_mmddyyyy_12hrs.txt").messages
    times = set(frame["timestamp"])
    assert pd.Timestamp("2019-01-30 20:49") in times  # 08:49 p. m.
    assert pd.Timestamp("2020-06-20 00:08") in times  # 00:08 a. m.


def test_chat_analytics_two_authors_out_of_order() -> None:
    got = stats_of("chat-analytics", "2A_5M.txt")
    assert (got["messages"], got["authors"]) == (5, 2)
    assert got["first"] == "2021-01-01T12:00:00"
    # The peer sorts by time; we keep file order and mark the line that runs backwards.
    assert got["suspect"] == 1
    frame = read_chat(PEERS / "chat-analytics" / "2A_5M.txt").messages
    assert (frame["kind"] == "media").sum() == 1  # `<media omitted>`, lower case


@pytest.mark.parametrize("name", ["4A_11M.txt", "4A_11M.zip"])
def test_chat_analytics_group(name: str) -> None:
    got = stats_of("chat-analytics", name)
    assert (got["messages"], got["authors"]) == (11, 5)
    assert set(got["by_author"]) == {"Alice", "Bob", "Eve", "Mallory", "Trent"}
    frame = read_chat(PEERS / "chat-analytics" / name).messages
    boiii = frame.loc[frame["text"] == "boiii", "timestamp"]
    assert list(boiii) == [pd.Timestamp("2020-09-12 23:55")]  # `12/9/20` read day-first
    assert got["format"]["date_order_assumed"] is True
    assert "👩🏻‍⚖️" in set(frame.loc[frame["author"] == "Trent", "text"])


def test_chat_analytics_zip_equals_txt() -> None:
    txt = read_chat(PEERS / "chat-analytics" / "4A_11M.txt").messages.drop(columns="source")
    zipped = read_chat(PEERS / "chat-analytics" / "4A_11M.zip").messages.drop(columns="source")
    pd.testing.assert_frame_equal(txt, zipped)


@pytest.mark.parametrize("name", ["sample.txt", "sample.zip"])
def test_rwhatsapp(name: str) -> None:
    got = stats_of("rwhatsapp", name)
    # rwa_read.RDS: 9 rows, 7 with an author and 2 with author NA.
    assert (got["messages"], got["system_messages"], got["authors"]) == (7, 2, 2)
    assert got["first"] == "2017-07-12T22:35:00"


WHATSR = [
    "englishandroid24h.txt",
    "englishandroidampm.txt",
    "englishios24h.txt",
    "englishiosampm.txt",
    "germanandroid24h.txt",
    "germanandroidampm.txt",
    "germanios24h.txt",
    "germaniosampm.txt",
]


@pytest.mark.parametrize("name", WHATSR)
def test_whatsr(name: str) -> None:
    got = stats_of("WhatsR", name)
    # WhatsR: 50 rows = 42 user messages + 8 `WhatsApp System Message`; 5 authors. No other
    # peer reaches this: a U+FEFF at a line start hides a header from them.
    assert (got["messages"], got["system_messages"], got["authors"]) == (42, 8, 5)
    assert set(got["by_author"]) == {"Alice", "Bob", "Carol", "Dave", "Mallory"}
    first = "2018-01-29T12:24:03" if "ios" in name else "2018-01-29T12:24:00"
    assert got["first"] == first
    frame = read_chat(PEERS / "WhatsR" / name).messages
    # One media file exported with the chat (the .opus voice note), two locations.
    assert frame["attachment"].notna().sum() == 1
    assert frame["attachment"].dropna().iloc[0] == "PTT-20180129-WA0025.opus"
    assert (frame["kind"] == "location").sum() == 2


def test_whatsapp_chat_parser_example() -> None:
    got = stats_of("whatsapp-chat-parser", "index-test-chatExample.txt")
    assert got["messages"] + got["system_messages"] == 5
    assert got["authors"] == 3
    frame = read_chat(PEERS / "whatsapp-chat-parser" / "index-test-chatExample.txt").messages
    assert frame["text"].iloc[-1] == "How are you?\n\nIs everything alright?"
    # The second field runs 03 -> 05 -> 04 day-first; month-first keeps time running forward.
    assert got["format"]["date_order"] == "mdy"


def test_whatsapp_chat_parser_issue_237_keeps_day_first() -> None:
    frame = read_chat(PEERS / "whatsapp-chat-parser" / "index-test-issue237.txt").messages
    assert list(frame["timestamp"]) == [
        pd.Timestamp("2020-12-30 13:00"),
        pd.Timestamp("2021-01-13 13:00"),
    ]


def test_whatsapp_chat_parser_formats_each_line() -> None:
    lines = (PEERS / "whatsapp-chat-parser" / "parser-test-formats.txt").read_text("utf-8")
    afternoon = pd.Timestamp("2018-06-03 13:55:00")
    evening = pd.Timestamp("2018-06-13 21:25:15")
    expected = {
        1: afternoon,
        2: afternoon,
        7: afternoon,
        8: afternoon,
        11: afternoon,
        12: afternoon,
        3: evening,
        4: evening,
        5: evening,
        6: evening,
        9: evening,
        10: evening,
    }
    for number, line in enumerate(lines.splitlines(), start=1):
        row = parse_text(line).messages.iloc[0]
        assert row["timestamp"] == expected[number], (number, line)
        assert (row["author"], row["text"]) == ("a", "m"), (number, line)


def test_whatsapp_chat_parser_attachments() -> None:
    frame = read_chat(PEERS / "whatsapp-chat-parser" / "parser-test-attachments.txt").messages
    assert list(frame["attachment"]) == [
        "00000042-PHOTO-2020-06-07-15-13-20.jpg",
        "IMG-20210428-WA0001.jpg",
        "2015-08-04-PHOTO-00004762.jpg",
        "4f2680f1db95a8454775cc2eefc95bfc.jpg",
    ]
    assert frame["timestamp"].iloc[0] == pd.Timestamp("2018-06-03 13:55")  # `p.m.` applied


def test_whatstk_lorem() -> None:
    got = stats_of("whatstk", "lorem.txt")
    assert (got["messages"], got["authors"]) == (500, 4)
    assert (got["first"], got["last"]) == ("2020-01-15T02:22:56", "2020-05-11T22:32:48")


def test_whatstk_lorem_2000_bracket_iso_without_comma() -> None:
    got = stats_of("whatstk", "lorem-2000.txt")
    assert (got["messages"], got["authors"], got["first"]) == (2000, 4, "2019-04-16T02:09:00")


def test_whatstk_merge() -> None:
    one = stats_of("whatstk", "lorem-merge-part1.txt")
    two = stats_of("whatstk", "lorem-merge-part2.txt")
    assert (one["messages"], one["authors"], one["first"]) == (300, 4, "2019-10-20T10:16:00")
    assert (two["messages"], two["authors"], two["first"]) == (300, 5, "2020-06-20T10:16:00")
    merged = chat_stats(
        read_chat(
            [
                PEERS / "whatstk" / "lorem-merge-part1.txt",
                PEERS / "whatstk" / "lorem-merge-part2.txt",
            ]
        )
    )
    assert (merged["messages"], merged["authors"]) == (600, 6)


def test_whatstk_pokemon_group_name_is_not_an_author() -> None:
    got = stats_of("whatstk", "pokemon.txt")
    assert got["first"] == "2016-04-15T15:04:00"
    assert "Pokemon Chat" not in got["by_author"]
    assert got["authors"] == 8  # whatstk's 9 authors include `Pokemon Chat`
    frame = read_chat(PEERS / "whatstk" / "pokemon.txt").messages
    assert frame["kind"].iloc[0] == "system"


def _hformats() -> list[tuple[str, str]]:
    folder = PEERS / "whatstk" / "generated-hformats"
    if not folder.is_dir():
        return []
    with (folder / "index.tsv").open(encoding="utf-8") as handle:
        return [(row["file"], row["hformat"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize(("name", "hformat"), _hformats())
def test_whatstk_generated_formats_all_parse_alike(name: str, hformat: str) -> None:
    chat = read_chat(PEERS / "whatstk" / "generated-hformats" / name)
    got = chat_stats(chat)
    assert (got["messages"], got["authors"]) == (40, 4)
    first = "2019-12-26T07:48:51" if "%S" in hformat else "2019-12-26T07:48:00"
    assert got["first"] == first, hformat
    reference = read_chat(PEERS / "whatstk" / "generated-hformats" / "hf_brddashmdashy_HMS.txt")
    assert list(chat.messages["text"]) == list(reference.messages["text"])
    assert list(chat.messages["timestamp"].dt.floor("min")) == list(
        reference.messages["timestamp"].dt.floor("min")
    )
