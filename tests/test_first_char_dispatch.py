"""A long disguised word list is matched, in a scan, only where a word starts and only with the
entries that can start with the character there: that must find exactly what the whole list's
pattern finds, disguises, case and characters that ``re`` folds to ASCII letters included."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard import read_chat
from chatguard.matchers import DISPATCH_MIN_ENTRIES, RegexMatcher, _FirstCharDispatch
from chatguard.scan import load_ruleset
from chatguard.wordpattern import words_pattern
from tests.conftest import FIXTURES
from tests.test_word_subsets import PIECES, WORDS


def whole(exact: str, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.compile(exact).finditer(text)]


def dispatched(dispatch: _FirstCharDispatch, text: str) -> list[tuple[int, int]]:
    return [s.span() for s in dispatch.finditer(text)]


#: Word starts packed close together: a look-alike opening right after another (``$(``), a
#: spacer or capital as the second character, and first letters ``re`` folds (ſ, K, İ, ı).
CLOSE = ["$", "(", "@", "!", "|", "S", "H", "T", "ſ", "K", "İ", "ı", "s.", "t-", "sh", "tw", "ar"]


@settings(max_examples=700, deadline=None)
@given(st.lists(st.sampled_from(PIECES + CLOSE), max_size=10).map("".join), st.booleans())
def test_first_characters_find_what_the_whole_list_finds(text: str, case_sensitive: bool) -> None:
    generated = words_pattern(WORDS, disguised=True, case_sensitive=case_sensitive)
    assert generated.bodies is not None
    plain = [w for w in WORDS if w.isascii()]  # "café", "µg": first characters not known
    ascii_only = words_pattern(plain, disguised=True, case_sensitive=case_sensitive)
    assert ascii_only.bodies is not None
    dispatch = _FirstCharDispatch(ascii_only.flags, ascii_only.bodies)
    assert dispatched(dispatch, text) == whole(ascii_only.exact, text)


def test_only_long_lists_whose_first_characters_are_known_are_dispatched() -> None:
    filler = [f"word{n}x" for n in range(DISPATCH_MIN_ENTRIES)]
    assert _FirstCharDispatch.of(words_pattern(WORDS, disguised=True)) is None  # too short
    long = words_pattern([w for w in WORDS if w.isascii()] + filler, disguised=True)
    assert _FirstCharDispatch.of(long) is not None
    assert _FirstCharDispatch.of(words_pattern([*WORDS, *filler], disguised=True)) is None


def test_the_packs_long_lists_find_on_real_chats_what_their_whole_patterns_find() -> None:
    rules = load_ruleset()
    matchers: list[RegexMatcher] = []

    def walk(matcher: object) -> None:
        if isinstance(matcher, RegexMatcher):
            matchers.append(matcher)
        for part in matcher.parts_of():  # type: ignore[attr-defined]
            walk(part)

    for rule in rules.rules:
        walk(rule.matcher)
    dispatches = [m.exact for m in matchers if isinstance(m.exact, _FirstCharDispatch)]
    assert len(dispatches) >= 2  # the disguised swear lists
    chat = read_chat(sorted((FIXTURES / "labelled").glob("*.txt")))
    texts = [t for t in chat.messages["text"].tolist() if isinstance(t, str)]
    texts += [e for rule in rules.rules for e in rule.spec.examples.match + rule.spec.examples.ok]
    hits = 0
    for dispatch in dispatches:
        pattern = dispatch.whole
        for text in texts:
            expected = [m.span() for m in pattern.finditer(text)]
            assert dispatched(dispatch, text) == expected, text
            hits += bool(expected)
    assert hits > 100
