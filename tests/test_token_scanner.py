"""A plain word list's matcher checks a whole ASCII text at once before walking its tokens, and
tries its phrases only where one's first word is: both shortcuts must find exactly what a walk
over every token and the whole phrase pattern over every text find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard.matchers import _capitals_and_letters, _TokenScanner, tokens_of
from chatguard.wordpattern import words_pattern

WORDS = [
    "idiot",
    "useless",
    "Pratt",
    "clue",
    "hasn't got a clue",
    "hasn't got",
    "got a clue",
    "couldn't run a bath",
    "two-faced",
    "x_y",
    "οδος",
    "clue!",
    "got it, clue",
    "got 2 clues",
    "clue Again",
    "bath Time",
]
PIECES = [
    *WORDS,
    "IDIOT",
    "Useless",
    "pratt",
    "hasn’t got a CLUE",
    "couldn't  run\na bath",
    "TWO-FACED",
    "İdiot",
    "ſeless",
    "haſn't got a clue",
    "ıdiot",
    "ΟΔΟΣ'",
    "Σ",
    "Α",
    "Kelvin K",
    "CLUE!",
    "clue!!",
    "got",
    "it",
    "2",
    "clues",
    "clue again",
    "CLUE Again",
    "bath time",
    "BATH TIME",
    "idiots",
    "useless1",
    "x",
    "x_y",
    "_",
    "got",
    "a",
    " ",
    ", ",
    "\n",
    "é",
    "😂",
]
_TOKEN = re.compile(r"[^\W_]+")


def walked(
    pattern: str | None, words: frozenset[str], fold: bool, text: str
) -> list[tuple[int, int]]:
    """Every token looked up one by one, and the phrase pattern run on every text."""
    found = []
    for match in _TOKEN.finditer(text):
        token = match.group()
        if (token.lower() if fold else token) in words:
            found.append(match.span())
    if pattern is not None:
        found.extend(m.span() for m in re.compile(pattern).finditer(text))
    return sorted(found)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.booleans())
def test_the_shortcuts_find_what_a_full_walk_finds(text: str, case_sensitive: bool) -> None:
    generated = words_pattern(WORDS, case_sensitive=case_sensitive)
    scanner = _TokenScanner(generated)
    expected = walked(generated.other_exact, scanner.words, not case_sensitive, text)
    assert [s.span() for s in scanner.finditer(text)] == expected


def test_phrases_beyond_ascii_or_starting_with_a_symbol_are_always_searched() -> None:
    for phrases, text, span in (
        (["café crème", "idiot"], "un CAFÉ CRÈME svp", (3, 13)),
        (["£5 fine", "idiot"], "a £5 fine for lates", (2, 9)),
    ):
        generated = words_pattern(phrases)
        assert generated.other_by_first is None
        assert [s.span() for s in _TokenScanner(generated).finditer(text)] == [span]


def test_phrases_are_grouped_by_first_word_in_their_order() -> None:
    generated = words_pattern(["hasn't got a clue", "has no clue", "Has No Idea"])
    assert generated.other_by_first is not None
    assert sorted(generated.other_by_first) == ["has", "hasn"]
    sensitive = words_pattern(["Has No Idea", "has no clue"], case_sensitive=True)
    assert sensitive.other_by_first is not None
    assert sorted(sensitive.other_by_first) == ["Has", "has"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=12).map("".join), st.booleans())
def test_a_texts_tokens_are_its_words_with_their_offsets(text: str, fold: bool) -> None:
    """A scan finds each message's words once and every list reads them (Batch.tokens)."""
    tokens = tokens_of(text, fold)
    if tokens is None:  # lower-casing would move offsets: the lists walk the text instead
        assert fold and (len(text.lower()) != len(text) or set(text) & set("ıſΣ"))
        return
    seen = text.lower() if fold else text
    assert tokens.words == _TOKEN.findall(seen)
    assert tokens.starts == [m.start() for m in _TOKEN.finditer(seen)]
    assert tokens.distinct == frozenset(tokens.words)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=40))
def test_capitals_and_letters_are_counted_as_str_counts_them(text: str) -> None:
    """Shouting counts ASCII texts by deleting bytes; the counts must be str's own."""
    expected = (sum(map(str.isupper, text)), sum(map(str.isalpha, text)))
    assert _capitals_and_letters(text) == expected
