"""A plain word list's matcher checks a whole ASCII text at once before walking its tokens, and
runs its phrase pattern only when one of the phrases' pieces is in the text: both shortcuts must
find exactly what a walk over every token and a phrase search on every text find."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard.matchers import _TokenScanner
from chatguard.wordpattern import words_pattern

WORDS = [
    "idiot",
    "useless",
    "Pratt",
    "clue",
    "hasn't got a clue",
    "couldn't run a bath",
    "two-faced",
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
    "Kelvin K",
    "idiots",
    "useless1",
    "x",
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


def test_phrases_beyond_ascii_are_always_searched() -> None:
    generated = words_pattern(["café crème", "idiot"])
    assert generated.other_pieces is None
    scanner = _TokenScanner(generated)
    assert [s.span() for s in scanner.finditer("un CAFÉ CRÈME svp")] == [(3, 13)]


def test_a_phrase_piece_gate_is_lower_case_unless_the_list_is_case_sensitive() -> None:
    assert words_pattern(["Got A Clue"]).other_pieces == ("clue",)
    assert words_pattern(["Got A Clue"], case_sensitive=True).other_pieces == ("Clue",)
