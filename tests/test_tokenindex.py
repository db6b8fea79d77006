"""The token index and the literals read from patterns only ever narrow a scan, never change it.

A big scan looks word lists up in a token index and runs each RE2 prefilter only on the rows the
index (or a pattern's required literals) points at. A user would notice a wrong narrowing as a
breach that a scan of a big export misses but a scan of the same message alone finds, so the
tests check the narrowed rows always include every row the plain RE2 pass matches.
"""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chatguard import matchers, read_chat
from chatguard.literals import required_literals
from chatguard.scan import load_ruleset, scan_chat
from chatguard.tokenindex import FOLDS_TO_ASCII, TokenIndex, lookup_for
from chatguard.wordpattern import words_pattern
from tests.conftest import FIXTURES

PIECES = ["bloody", "useless", "don't", "clue", "the", "head", "teacher", "café", "ok", "a"]
JOINERS = [" ", ". ", ", ", "’", "'", "\n", "-", "_", "é", " 🎉 ", "", "\u00a0"]
ODD = ["ſ", "\u212a", "İ", "ı", "É", "ß", "Ⓐ", "🎉", "£", "’"]


def _texts() -> st.SearchStrategy[str]:
    word = st.sampled_from(PIECES + ODD + ["USELESS", "Bloody", "DON’T", "uſeless", "Kclue"])
    return st.lists(st.tuples(word, st.sampled_from(JOINERS)), max_size=12).map(
        lambda parts: "".join(w + j for w, j in parts)
    )


def _entries() -> st.SearchStrategy[list[str]]:
    entry = st.sampled_from(
        ["bloody", "useless", "don't", "hasn't got a clue", "the head", "ok", "🎉", "£", "a clue"]
    )
    return st.lists(entry, min_size=1, max_size=5, unique=True)


def _re2_rows(texts: list[str], pattern: str) -> set[int]:
    found = pc.fill_null(
        pc.match_substring_regex(pa.array(texts, pa.large_string()), pattern), False
    )
    return {i for i, hit in enumerate(found.to_pylist()) if hit}


@settings(max_examples=200, deadline=None)
@given(st.lists(_texts(), min_size=1, max_size=40), _entries())
def test_a_word_list_lookup_keeps_every_row_its_prefilter_matches(
    texts: list[str], entries: list[str]
) -> None:
    built = words_pattern(entries)
    lookup = lookup_for(sorted(set(entries)))
    assert lookup is not None
    index = TokenIndex.build(pa.array(texts, pa.large_string()))
    plan = index.plan(lookup)
    assert plan is not None
    narrowed = set(index.rows_for(plan).tolist())
    assert _re2_rows(texts, built.prefilter) <= narrowed


PATTERNS = [
    r"(?i)(?:telling|told|tell|I'll tell|I've told) (?:my|him|her|them|[A-Z][a-z]+)",
    r"(?:[Tt]he|[Tt]hat|[Tt]his|[Aa]) (?:[\p{L}\p{N}-]+ ){0,2}(?:kid|boy|girl)",
    r"(?i)[\p{L}\p{N}.+-]+@[\p{L}\p{N}-]+\.",
    r"(?i)the (?:same |few )?(?:people|parents|mums) (?:who|that)",
    r"(?i)(?m)^[\t ]*(?:from|sent):",
    r"(?i)don['’]t (?:care|bother)",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(_texts(), min_size=1, max_size=40), st.sampled_from(PATTERNS))
def test_a_pattern_lookup_keeps_every_row_its_prefilter_matches(
    texts: list[str], pattern: str
) -> None:
    texts = [
        *texts,
        "Telling him now",
        "the same parents who",
        "x@y.z",
        "sent: today",
        "DON’T CARE",
    ]
    options = required_literals(pattern)
    assert options, pattern
    index = TokenIndex.build(pa.array(texts, pa.large_string()))
    from chatguard.tokenindex import Needs

    plan = index.plan(Needs(options))
    assert plan is not None
    assert _re2_rows(texts, pattern) <= set(index.rows_for(plan).tolist())


def test_characters_that_fold_to_ascii_letters_are_never_narrowed_away() -> None:
    texts = ["uſeless", "\u212aclue", "nothing here"]
    index = TokenIndex.build(pa.array(texts, pa.large_string()))
    assert set(index.always.tolist()) == {0, 1}
    assert set(FOLDS_TO_ASCII) >= {"ſ", "\u212a"}


def test_every_pack_pattern_match_on_the_corpus_holds_one_literal_of_each_option() -> None:
    """Read against real chats: what the pack's RE2 prefilters match, and the literals."""
    chat = read_chat(sorted((FIXTURES / "labelled").glob("*.txt")))
    texts = [t for t in chat.messages["text"].tolist() if isinstance(t, str)]
    lowered = [t.lower() for t in texts]
    rules = load_ruleset()
    checked = 0
    for rule in rules.rules:
        for prefilter in rule.matcher.entry_prefilters():
            options = required_literals(prefilter.pattern)
            for row in _re2_rows(texts, prefilter.pattern):
                checked += 1
                for option in options:
                    assert any(lit in lowered[row] for lit in option), (rule.id, option, texts[row])
    assert checked > 500


@pytest.mark.parametrize(("use_index", "subset_share"), [(True, 0.3), (False, 0.3), (True, 0.0)])
def test_a_big_scan_finds_the_same_with_and_without_the_index(
    use_index: bool, subset_share: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over 2,000 messages the scan narrows (token index, later parts of a rule on the rows
    the first part left); the findings must be those of matching every message exactly."""
    paths = sorted((FIXTURES / "labelled").glob("*.txt")) + sorted(
        (FIXTURES / "benign").glob("*.txt")
    )
    chat = read_chat(paths)
    assert len(chat.messages) >= matchers.PREFILTER_MIN_ROWS
    monkeypatch.setattr(matchers, "USE_TOKEN_INDEX", use_index)
    monkeypatch.setattr(matchers, "SUBSET_MAX_SHARE", subset_share)
    found = {(f.source, f.line, f.rule, f.match) for f in scan_chat(chat, load_ruleset()).findings}
    small = set()
    for path in paths:  # each file alone is under the prefilter threshold: matched exactly
        one = read_chat(path)
        assert len(one.messages) < matchers.PREFILTER_MIN_ROWS
        small |= {
            (f.source, f.line, f.rule, f.match) for f in scan_chat(one, load_ruleset()).findings
        }
    assert found == small
