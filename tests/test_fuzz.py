"""Fuzzing: whatever text, bytes or rule file arrives, chatguard parses it or says why it cannot.

Every property here has the same shape: the only exception the library may raise is
:class:`ChatguardError` (the one a user can cause and the CLI prints as one line), and when
something parses, the messages table keeps its invariants.

The number of examples per test comes from ``CHATGUARD_FUZZ_EXAMPLES`` (default 60, so CI stays
fast); ``bench/fuzz_long.py`` runs the same tests with 5,000.
"""

from __future__ import annotations

import itertools
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from hypothesis import HealthCheck, assume, event, example, given, settings
from hypothesis import strategies as st

from chatguard import model as m
from chatguard.errors import ChatguardError
from chatguard.io import decode_chat_bytes
from chatguard.parse import parse_text
from chatguard.rulefile import load_rules

EXAMPLES = int(os.environ.get("CHATGUARD_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# --------------------------------------------------------------------------- invariants


def physical_lines(data: bytes) -> list[str]:
    """The file's lines as the contract counts them: split at LF (CRLF is one break)."""
    text = data.replace(b"\r\n", b"\n").decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "" and len(lines) > 1:
        lines.pop()
    return lines


def check_invariants(frame: pd.DataFrame, data: bytes) -> None:
    """What must hold of any messages table, whatever the input was."""
    m.check_messages(frame)
    assert list(frame.columns) == list(m.COLUMNS)
    lines = physical_lines(data)
    numbers = frame[m.LINE].tolist()
    assert all(a < b for a, b in itertools.pairwise(numbers)), numbers
    assert all(1 <= n <= len(lines) for n in numbers), (numbers, len(lines))
    assert not frame[m.TIMESTAMP].isna().any()
    assert set(frame[m.KIND].astype(str)) <= set(m.KINDS)
    assert not frame[m.TEXT].isna().any()
    for author in frame[m.AUTHOR].dropna():
        assert isinstance(author, str) and author != "", repr(author)
    system = frame[m.KIND].astype(str) == "system"
    assert frame.loc[system, m.AUTHOR].isna().all()
    # `raw` is the header line exactly as it stands in the export.
    for number, raw in zip(numbers, frame[m.RAW].tolist(), strict=True):
        assert raw == lines[number - 1], (number, raw, lines[number - 1])


def parse_or_refuse(text: str, **kwargs: Any) -> bool:
    """Parse ``text``; a ChatguardError is an allowed answer, anything else is a bug.

    Returns whether it parsed; the outcome is recorded as a Hypothesis event, so
    ``--hypothesis-show-statistics`` tells how much of the fuzz got past the refusals.
    """
    try:
        parsed = parse_text(text, **kwargs)
    except ChatguardError as exc:
        event(f"refused: {_reason(exc)}")
        return False
    check_invariants(parsed.messages, text.lstrip("\ufeff").encode("utf-8"))
    event("parsed" if len(parsed.messages) else "parsed, no message")
    return True


def _reason(exc: ChatguardError) -> str:
    """The kind of refusal, without the file name or line number."""
    text = re.sub(r"^line \d+: ", "", exc.message.split(": ", 1)[-1])
    return text.split(":")[0][:40]


# --------------------------------------------------------------------------- arbitrary input


@FUZZ
@given(st.text(max_size=400))
@example("13/05/2025, 14:03 - Ann: hi\n")
@example("\ufeff[13/05/2025, 14:03:22] Ann: hi\r\n")
@example("\n\n\n")
def test_parse_text_on_arbitrary_text(text: str) -> None:
    parse_or_refuse(text)


@FUZZ
@given(st.binary(max_size=600))
@example(b"\xff\xfe1\x003\x00/\x000\x005\x00")
@example(b"1\x003\x00/\x000\x005\x00/\x002\x000\x002\x005\x00,\x00 \x001\x004\x00")
@example(b"\xef\xbb\xbf13/05/2025, 14:03 - Ann: \xe2\x98")
def test_decode_and_parse_arbitrary_bytes(data: bytes) -> None:
    try:
        utf8, used = decode_chat_bytes(data, "fuzz.txt")
    except ChatguardError as exc:
        assert exc.one_line().startswith("fuzz.txt")
        event(f"refused by the decoder: {_reason(exc)}")
        return
    event(f"decoded as {used}")
    assert isinstance(used, str)
    text = utf8.decode("utf-8")  # what it returns is UTF-8, whatever came in
    assert not text.startswith("\ufeff")
    parse_or_refuse(text)


# --------------------------------------------------------------------------- header-shaped input

_digits = st.integers(0, 9999).map(str)
_small = st.integers(0, 99).map(lambda n: f"{n:02d}" if n < 10 else str(n))
_markers = st.sampled_from(
    ["", " AM", " PM", "\u202fPM", "\u00a0a.m.", " p. m.", " vorm.", " nachm.", " μ.μ.", " 午後"]
)
_junk = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=25)
_one_line_junk = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",), exclude_characters="\r\n"),
    max_size=25,
)


_day = st.integers(1, 28).map(str)
_month = st.integers(1, 12).map(lambda n: f"{n:02d}")
_year = st.sampled_from(["2025", "25", "2024", "2019"])
_odd_year = st.sampled_from(["1969", "2201", "0", "123", "99999"])


@st.composite
def header_styles(draw: st.DrawFn) -> tuple[str, bool, str, str]:
    """What is fixed for a whole export: date separator, brackets, delimiter, comma."""
    return (
        draw(st.sampled_from(["/", ".", "-", ". "])),
        draw(st.booleans()),
        draw(st.sampled_from([" - ", " – ", ": ", " "])),
        draw(st.sampled_from([", ", " ", ",", ",\u00a0"])),
    )


@st.composite
def header_lines(draw: st.DrawFn, style: tuple[str, bool, str, str]) -> str:
    """A line that looks like a WhatsApp header, with real parts and random junk mixed in.

    Most lines follow the export's style and hold a real date and time; some break one part of
    it (another separator, an impossible date, a 99th hour), so every stage of the parser is hit.
    """
    fault = draw(st.integers(0, 11))  # which part, if any, to break (0-5: one part)
    if fault == 0:
        style = draw(header_styles())
    sep, bracket, delimiter, comma = style
    d1 = draw(st.one_of(_small, _digits) if fault == 1 else _day)
    d2 = draw(_small if fault == 2 else _month)
    d3 = draw(st.one_of(_odd_year, _digits) if fault == 3 else _year)
    parts = [d1, d2, d3]
    if draw(st.integers(0, 4)) == 0:
        parts = [d3, d2, d1]  # year first
    date = sep.join(parts)
    hour = draw(_small if fault == 4 else st.integers(0, 23).map(str))
    minute = draw(_small if fault == 5 else st.integers(0, 59).map(lambda n: f"{n:02d}"))
    secs = draw(st.sampled_from(["", "", ":00", ":59", ":61", ".30"]))
    clock = f"{hour}:{minute}{secs}{draw(_markers)}"
    lead = draw(st.sampled_from(["", "", "\u200e", "\ufeff", " ", "\u202a"]))
    stamp = f"{date}{comma}{clock}"
    head = f"{lead}[{stamp}] " if bracket else f"{lead}{stamp}{delimiter}"
    author = draw(
        st.one_of(
            st.sampled_from(["Ann", "Bob Smith", "+44 7700 900123", "Mum: Priya", "~ Kelly", ""]),
            _one_line_junk,
        )
    )
    body = draw(
        st.one_of(
            st.sampled_from(
                [
                    "hi",
                    "<Media omitted>",
                    "This message was deleted",
                    "\u200eimage omitted",
                    "POLL:",
                    "location: https://maps.google.com/?q=1,2",
                    "Sarah added Tom",
                    "Messages and calls are end-to-end encrypted.",
                    "hello <This message was edited>",
                    "IMG-20250513-WA0001.jpg (file attached)",
                ]
            ),
            _junk,
        )
    )
    colon = draw(st.sampled_from([": ", ":", "", ": \u200e"]))
    return f"{head}{author}{colon}{body}"


@st.composite
def header_shaped_chats(draw: st.DrawFn) -> str:
    style = draw(header_styles())
    header = header_lines(style)
    lines = draw(
        st.lists(
            st.one_of(header, header, header, _junk, st.just("")),
            min_size=1,
            max_size=30,
        )
    )
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    return newline.join(lines) + draw(st.sampled_from(["", newline]))


@FUZZ
@given(header_shaped_chats(), st.sampled_from([None, "dmy", "mdy", "ymd"]))
def test_header_shaped_fuzz(text: str, order: str | None) -> None:
    parse_or_refuse(text, date_order=order)


@FUZZ
@given(header_shaped_chats())
def test_header_shaped_fuzz_after_a_real_header(text: str) -> None:
    """With one real header first, the shape is learnt and the junk reaches the deep stages."""
    parse_or_refuse("13/05/2025, 14:03 - Ann: first\n" + text)


# --------------------------------------------------------------------------- rule files

VALID_RULE: dict[str, Any] = {
    "id": "swearing.fuzz",
    "category": "swearing",
    "severity": "low",
    "title": "Fuzz",
    "policy": "Displays of anger including swearing or using offensive language.",
    "description": "A rule the fuzzer mutates.",
    "match": {"any": [{"words": ["blast"], "disguised": True}, {"pattern": "bl(a|o)st"}]},
    "exceptions": ["blast furnace"],
    "unless": [{"words": ["panto"]}],
    "applies_to": ["text", "media"],
    "examples": {"match": ["oh blast"], "ok": ["a blaster"]},
    "enabled": True,
}

_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
    st.sampled_from(
        ["@swears", "@roster-pupils", "@nope", "(", "(a+)+$", "words", "any", "not", "near"]
    ),
)
_keys = st.one_of(
    st.sampled_from(
        [
            *VALID_RULE,
            "words",
            "phrases",
            "pattern",
            "shouting",
            "attachment",
            "any",
            "all",
            "not",
            "near",
            "within",
            "ordered",
            "disguised",
            "as_name",
            "case_sensitive",
            "min_letters",
            "ratio",
            "same_author",
            "match",
            "ok",
        ]
    ),
    st.text(max_size=10),
)
documents = st.recursive(
    _scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(_keys, inner, max_size=5)),
    max_leaves=25,
)


def _mutations(draw: st.DrawFn) -> dict[str, Any]:
    rule: dict[str, Any] = yaml.safe_load(yaml.safe_dump(VALID_RULE))
    for _ in range(draw(st.integers(1, 3))):
        action = draw(st.sampled_from(["drop", "retype", "add", "nest"]))
        path = draw(st.sampled_from(_paths(rule))) if _paths(rule) else ()
        parent: Any = rule
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1] if path else None
        if action == "drop" and last is not None:
            del parent[last]
        elif action == "retype" and last is not None:
            parent[last] = draw(documents)
        elif action == "add" and isinstance(parent, dict):
            parent[draw(_keys)] = draw(documents)
        elif action == "nest" and last is not None:
            parent[last] = draw(st.sampled_from([[parent[last]], {"any": [parent[last]]}]))
    return rule


def _paths(node: Any, at: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out: list[tuple[Any, ...]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*at, key))
            out.extend(_paths(value, (*at, key)))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            out.append((*at, index))
            out.extend(_paths(value, (*at, index)))
    return out


mutated_rules = st.composite(_mutations)()


def load_rule_document(document: Any) -> str:
    """Write ``document`` as a rule file and load it: a ChatguardError or a working rule."""
    try:
        text = yaml.safe_dump(document, allow_unicode=True)
    except (yaml.YAMLError, RecursionError):
        assume(False)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "swearing"
        folder.mkdir()
        (folder / "fuzz.yaml").write_text(text, encoding="utf-8")
        try:
            ruleset = load_rules([Path(tmp)])
        except ChatguardError as exc:
            assert str(folder / "fuzz.yaml") in exc.one_line()
            return "refused"
    from chatguard.engine import apply_rule
    from chatguard.matchers import Batch

    for rule in ruleset.rules:  # a rule that loads must also run
        apply_rule(rule, Batch.of_texts(["oh blast", "a blaster", "BLAST IT ALL", ""]))
    return "loaded"


@FUZZ
@given(documents)
def test_rule_loader_on_arbitrary_documents(document: Any) -> None:
    event(load_rule_document(document))


@FUZZ
@given(mutated_rules)
def test_rule_loader_on_mutated_valid_rule(rule: dict[str, Any]) -> None:
    event(load_rule_document(rule))


def test_the_valid_rule_is_valid() -> None:
    """The mutations start from a rule that loads (else the test above proves little)."""
    assert load_rule_document(VALID_RULE) == "loaded"
