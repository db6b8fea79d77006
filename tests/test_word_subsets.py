"""A draft is searched with only the entries of a disguised word list that can start in it
(`chatguard check` then compiles a fraction of the list): that must find exactly what the
whole list's pattern finds, disguises, case and look-alike characters included."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard.matchers import RegexMatcher, _TokenScanner
from chatguard.wordpattern import words_pattern
from tests.test_token_scanner import walked

WORDS = [
    "shit",
    "arse",
    "ass",
    "arsehole",
    "twat",
    "cow",
    "pr",
    "sod off",
    "sodding hell",
    "for hell's sake",
    "for god's sake",
    "fork-handles",
    "'kin hell",
    "b'stard",
    "idiot",
    "lame",
    "vile",
    "us",
    "uv",
    "café",
    "µg",
]
PIECES = [
    *WORDS,
    "SHIT",
    "sh1t",
    "$h!t",
    "5hit",
    "s h i t",
    "s.h.i.t",
    "s.h i-t",
    "shiiiit",
    "sssshit",
    "a r s e",
    "@rse",
    "4rse",
    "t w a t",
    "tw@t",
    "c*w",
    "|d|ot",
    "!d!0t",
    "|ame",
    "v|le",
    "vv",
    "FOR HELL’S SAKE",
    "for",
    "fork",
    "FORK-HANDLES",
    "sodding  Hell",
    "ſodding hell",
    "’kin hell",
    "b’stard",
    "ſhit",
    "ıdiot",
    "İdiot",
    "Kelvin K",
    "Σ",
    "μg",
    "ΜG",
    "CAFÉ",
    "Scunthorpe",
    "cocktail",
    "shiitake",
    "x",
    "a",
    "s",
    "*",
    "_",
    " ",
    ", ",
    "\n",
    "😂",
]


def whole_list(matcher: RegexMatcher, text: str) -> list[tuple[int, int]]:
    """The spans of the list's whole pattern (as written, whatever a scan compiles it to)."""
    assert matcher._generated is not None
    pattern = re.compile(matcher._generated.exact)
    return [m.span() for m in pattern.finditer(text) if m.end() > m.start()]


def subset(matcher: RegexMatcher, text: str) -> list[tuple[int, int]]:
    return [(start, end) for start, end in matcher._draft_spans(text) if end > start]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=10).map("".join), st.booleans())
def test_the_entries_that_can_start_find_what_the_whole_list_finds(
    text: str, case_sensitive: bool
) -> None:
    generated = words_pattern(WORDS, disguised=True, case_sensitive=case_sensitive)
    assert generated.bodies is not None
    full = RegexMatcher(generated.exact, None, generated=generated)
    lean = RegexMatcher(generated.exact, None, generated=generated)
    assert subset(lean, text) == whole_list(full, text)


def test_a_draft_compiles_only_the_entries_it_can_start() -> None:
    generated = words_pattern(WORDS, disguised=True)
    matcher = RegexMatcher(generated.exact, None, generated=generated)
    assert subset(matcher, "that tw@t again") == [(5, 9)]
    assert matcher._compiled is None  # the whole list was never compiled
    assert matcher._subsets is not None
    (pattern,) = matcher._subsets._compiled.values()
    assert len(pattern.pattern.pattern) < len(generated.exact) / 4
    assert subset(matcher, "nothing here") == []


def _disguised_lists(matcher: object, found: dict[str, RegexMatcher]) -> None:
    if isinstance(matcher, RegexMatcher):
        generated = matcher._generated
        if generated is not None and generated.bodies is not None:
            found[generated.exact] = matcher
    for part in getattr(matcher, "parts_of", lambda: [])():
        _disguised_lists(part, found)


def test_the_packs_disguised_lists_find_the_same_in_every_example() -> None:
    """Over every rule's examples, each disguised list of the default pack finds the same
    spans searched with what can start in the text as with the whole list."""
    from chatguard.scan import load_ruleset

    ruleset = load_ruleset()
    lists: dict[str, RegexMatcher] = {}
    texts = []
    for rule in ruleset.rules:
        for matcher in [rule.matcher, rule.exceptions, *rule.unless]:
            _disguised_lists(matcher, lists)
        texts += [*rule.spec.examples.match, *rule.spec.examples.ok]
    assert len(lists) >= 5
    for matcher in lists.values():
        generated = matcher._generated
        assert generated is not None
        lean = RegexMatcher(generated.exact, None, generated=generated)
        for text in texts:
            assert subset(lean, text) == whole_list(matcher, text), (generated.exact[:60], text)


PLAIN = [
    '"helped"',
    "hasn't got a clue",
    "got a clue",
    "café au lait",
    "idiot",
    "for god's sake",
    "Mr Tumble's",
]
PLAIN_PIECES = [
    *PLAIN,
    "“helped”",
    '"HELPED"',
    "helped",
    "hasn’t got a CLUE",
    "got  a\nclue",
    "CAFÉ AU LAIT",
    "mr tumble's",
    "MR TUMBLE’S",
    "Mr Tumble's",
    "ſake",
    "for",
    "Idiot",
    "x",
    " ",
    '"',
    ", ",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PLAIN_PIECES), max_size=8).map("".join), st.booleans())
def test_phrases_without_a_first_word_shortcut_find_what_the_whole_pattern_finds(
    text: str, case_sensitive: bool
) -> None:
    """A list whose phrases cannot be grouped by first word (one starts with a quote, one is
    not ASCII) compiles, for a draft, only the phrases that can start in it."""
    generated = words_pattern(PLAIN, case_sensitive=case_sensitive)
    assert generated.other_by_first is None
    assert generated.other_bodies is not None
    scanner = _TokenScanner(generated)
    expected = walked(generated.other_exact, scanner.words, not case_sensitive, text)
    assert [s.span() for s in scanner.finditer(text, draft=True)] == expected
    if text.isascii():  # answered from the subset, never the whole pattern
        assert scanner._other is None
