"""Whole-word, disguise-tolerant matching: what a parent types vs what must stay quiet."""

from __future__ import annotations

import pytest
import regex

from chatguard.wordpattern import words_pattern

SWEARS = ["fuck", "shit", "cunt", "cock", "ass", "prat", "twat", "dick", "bs", "penis"]
EXACT = regex.compile(words_pattern(SWEARS, disguised=True).exact)


@pytest.mark.parametrize(
    "text",
    [
        "f*ck",
        "sh1t",
        "f.u.c.k",
        "f u c k",
        "fuuuuck",
        "$h!t",
        "F**K",
        "SHIT",
        "sh*t",
        "a$$",
        "f-u-c-k",
        "c0ck",
        "pr@t",
    ],
)
def test_disguised_spellings_match(text: str) -> None:
    assert EXACT.search(f"well {text} that") is not None


@pytest.mark.parametrize(
    "text",
    [
        "Scunthorpe",
        "cocktail",
        "assassin",
        "Hancock",
        "Cockermouth",
        "shiitake",
        "Penistone",
        "Pratt",
        "Twatt",
        "it's hit the news",
        "class",
        "passport",
        "8s",
        "dickens",
        "Shitake",
        "f.uck",
        "bass",
        "cockpit",
        "peacock",
        "Essex",
        "scrap",
        "f u ck",
    ],
)
def test_innocent_words_do_not_match(text: str) -> None:
    assert EXACT.search(f"well {text} that") is None, text


def test_prefilter_finds_a_superset_in_re2() -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    built = words_pattern(SWEARS, disguised=True)
    texts = ["f*ck", "f.u.c.k", "Scunthorpe", "it's hit", "sh1t!", "nothing"]
    mask = pc.match_substring_regex(pa.array(texts), built.prefilter).to_pylist()
    exact = [regex.compile(built.exact).search(t) is not None for t in texts]
    assert all(m or not e for m, e in zip(mask, exact, strict=True))
    assert mask[:2] == [True, True]


def test_phrases_match_across_any_whitespace_and_apostrophes() -> None:
    built = regex.compile(words_pattern(["couldn't run a bath"]).exact)
    assert built.search("she couldn’t  run a\nbath honestly")
    assert not built.search("she couldn't run a bathroom")


def test_names_that_are_words() -> None:
    built = regex.compile(words_pattern(["Will", "Grace"], as_name=True).exact)
    assert built.search("I told Will off")
    assert built.search("Will's mum said")
    assert not built.search("Will you bring cakes?")
    assert not built.search("Yes. Will do")
    assert not built.search("we will see")
    assert not built.search("by the grace of god")
