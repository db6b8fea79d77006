"""``near`` counts the words between two spans of a message for every pair of spans; it counts
them from one pass over the message, which must agree with counting the cut-out stretch."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard.matchers import _WORD, _WordRuns

PIECES = ["she", "is", "so", "rude", "Mrs", "Patel", "isn't", "l'école", "Zoë", "42", " ", "  "]
PIECES += [",", ".", "\n", "😂", "-", "_", "’", "'"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join), st.data())
def test_words_between_two_places_are_those_of_the_stretch(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(0, len(text)))
    expected = len(_WORD.findall(text[start:end]))
    assert _WordRuns(text).between(start, end) == expected
