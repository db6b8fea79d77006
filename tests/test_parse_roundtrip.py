"""Property test: random chats rendered in every header format parse back to the same rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard.parse import parse_text


@dataclass(frozen=True)
class Sent:
    when: datetime
    author: str | None  # None: a system line
    text: str
    kind: str


def _android_dmy(t: datetime) -> str:
    return f"{t:%d/%m/%Y, %H:%M} - "


def _android_mdy_12h(t: datetime) -> str:
    return f"{t.month}/{t.day}/{t:%y}, {int(t.strftime('%I'))}:{t:%M}\u202f{t:%p} - "


def _android_dotted_12h(t: datetime) -> str:
    marker = "a.m." if t.hour < 12 else "p.m."
    return f"{t:%d.%m.%y}, {int(t.strftime('%I'))}:{t:%M} {marker} - "


def _ios_dmy(t: datetime) -> str:
    return f"[{t:%d/%m/%Y, %H:%M:%S}] "


def _ios_12h(t: datetime) -> str:
    return f"[{t:%d.%m.%y}, {int(t.strftime('%I'))}:{t:%M:%S}\u202f{t:%p}] "


def _ymd(t: datetime) -> str:
    return f"{t:%Y-%m-%d, %H:%M} - "


FORMATS = {
    "android-dmy": (_android_dmy, False),
    "android-mdy-12h": (_android_mdy_12h, False),
    "android-dotted-12h": (_android_dotted_12h, False),
    "ios-dmy": (_ios_dmy, True),
    "ios-12h": (_ios_12h, True),
    "ymd": (_ymd, False),
}

ORDERS = {"android-mdy-12h": "mdy", "ymd": "ymd"} | dict.fromkeys(
    ["android-dmy", "android-dotted-12h", "ios-dmy", "ios-12h"], "dmy"
)

_name_chars = st.characters(
    categories=("Lu", "Ll", "Nd", "So"), exclude_characters="\u200e\u200f\ufeff"
)
authors = st.one_of(
    st.text(_name_chars, min_size=1, max_size=12).map(lambda s: s.strip() or "X"),
    st.builds(
        lambda a, b: f"{a} {b}",
        st.sampled_from(["Sarah", "Mo", "Dad", "~ Kelly"]),
        st.sampled_from(["Jones", "Ahmed", "🚀", "B"]),
    ),
    st.integers(1000, 9999).map(lambda n: f"+44 7700 90{n}"),
)
_word = st.text(
    st.characters(
        categories=("Lu", "Ll", "Nd", "Po", "So", "Zs"),
        exclude_characters="\u200e\u200f\ufeff\u2028\u2029\x85\xa0\u202f\u3000",
    ),
    min_size=1,
    max_size=30,
)
text_lines = st.lists(_word.map(lambda s: "w" + s.rstrip()), min_size=1, max_size=4)


@st.composite
def chats(draw: st.DrawFn) -> list[Sent]:
    start = datetime(2025, 1, 13, 8, 0) + timedelta(days=draw(st.integers(0, 300)))
    people = draw(st.lists(authors, min_size=1, max_size=6, unique=True))
    sent: list[Sent] = []
    when = start
    for _ in range(draw(st.integers(1, 25))):
        when += timedelta(minutes=draw(st.integers(0, 2000)))
        choice = draw(st.integers(0, 9))
        if choice == 0:
            sent.append(Sent(when, None, f"{draw(st.sampled_from(people))} added Ben", "system"))
        elif choice == 1:
            sent.append(Sent(when, draw(st.sampled_from(people)), "<Media omitted>", "media"))
        else:
            body = "\n".join(draw(text_lines))
            sent.append(Sent(when, draw(st.sampled_from(people)), body, "text"))
    return sent


def render(sent: list[Sent], fmt: str) -> str:
    header, ios = FORMATS[fmt]
    lines = []
    for message in sent:
        text = message.text
        if ios and message.kind == "media":
            text = "image omitted"
        who = "" if message.author is None else f"{message.author}: "
        if ios and message.author is None:
            who = "Year 3 Parents: \u200e"
        lines.append(header(message.when) + who + text)
    return "\n".join(lines) + "\n"


@settings(max_examples=100, deadline=None)
@given(chats(), st.sampled_from(sorted(FORMATS)))
def test_rendered_chats_parse_back(sent: list[Sent], fmt: str) -> None:
    # A file whose days are all 1-12 cannot settle its date order; the user says it then.
    settled = any(m.when.day > 12 for m in sent)
    order = None if settled else ORDERS[fmt]
    parsed = parse_text(render(sent, fmt), date_order=order).messages
    assert len(parsed) == len(sent)
    has_seconds = fmt.startswith("ios")
    for row, message in zip(parsed.itertuples(), sent, strict=True):
        when = message.when if has_seconds else message.when.replace(second=0)
        assert row.timestamp == when
        assert row.kind == message.kind
        if message.kind == "system":
            assert pd.isna(row.author)
        else:
            assert row.author == message.author
        if message.kind == "text":
            assert row.text == message.text
