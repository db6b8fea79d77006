"""Build regular expressions for whole words and phrases, optionally tolerant of disguise.

Parents disguise swearing (``f*ck``, ``sh1t``, ``f.u.c.k``, ``f u c k``, ``fuuuuck``, ``$h!t``) but
a school's chat is full of innocent words that *contain* swears (Scunthorpe, cocktail, assassin,
Hancock, shiitake) and surnames that *resemble* them (Pratt, Twatt). The rules here:

- a word matches only as a whole word: no letter or digit may touch it on either side;
- a disguised letter may be a look-alike (``1`` for i, ``$`` for s, ``@`` for a, ``*`` for any
  letter but the first);
- a letter may be stretched to three or more (``fuuuck``) but a single letter is never doubled
  (so ``prat`` does not match ``Pratt``);
- letters may be spaced out only by one separator used between *every* pair of letters
  (``f.u.c.k``, ``f u c k``), so ``it's hit`` never reads as ``shit``.

Every pattern is written twice from one description: with look-arounds for the ``regex`` module
(exact spans), and with consuming boundaries for RE2 (pyarrow's whole-column prefilter), where
it finds a superset of the same rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from chatguard.tokenindex import Lookup, lookup_for

#: Look-alike characters for each letter, beyond the letter itself.
LOOKALIKES: dict[str, str] = {
    "a": "@4",
    "b": "8",
    "c": "(",
    "e": "3",
    "g": "9",
    "i": "1!|",
    "l": "1|",
    "o": "0",
    "s": "$5",
    "t": "7+",
    "u": "v",
}
#: Characters used to space out a disguised word.
SPACERS: tuple[str, ...] = (" ", ".", "-", "_", "*")

_LETTER_OR_DIGIT = r"\p{L}\p{N}"
#: In Python's ``re``: a character that is a letter or a digit (a word character, not "_").
RE_LETTER_OR_DIGIT = r"[^\W_]"


def _char_class(chars: str) -> str:
    escaped = "".join("\\" + c if c in r"\]^-[" else c for c in chars)
    return f"[{escaped}]"


def _letter(char: str, *, first: bool, disguised: bool, short: bool = False) -> str:
    """One letter of a word: itself, its look-alikes, ``*`` (not first), stretched to 3+.

    A word never starts with a digit look-alike (``8s`` is not ``bs``), and words of two letters
    take no look-alikes at all: too many innocent tokens would read as them.
    """
    if not disguised or not char.isalpha():
        return _escape(char)
    lookalikes = "" if short else LOOKALIKES.get(char, "")
    if first:
        lookalikes = "".join(c for c in lookalikes if not c.isdigit())
    options = char + lookalikes + ("" if first else "*")
    cls = _char_class(options)
    return f"{cls}(?:{cls}{{2,}})?"


def _escape(text: str) -> str:
    out = []
    for char in text:
        if char.isalnum() or char in "'’ ":
            out.append(char)
        else:
            out.append("\\" + char if char in r".^$*+?{}[]\|()/-#&~" else char)
    return "".join(out)


def _plain_word(word: str) -> str:
    """A literal word or phrase: runs of spaces match any whitespace, apostrophes both kinds."""
    parts = []
    for token in word.split():
        parts.append("".join("['’]" if c in "'’" else c for c in _escape(token)))
    return r"\s+".join(parts)


def _disguised_word(word: str, group: str | None) -> str:
    """A single word, tolerant of look-alikes, stretching and uniform spacing.

    With ``group`` (the exact pattern), the first gap captures its separator and every later gap
    must repeat it; without (RE2, no back-references), any gap may hold any separator, which
    only widens the prefilter.
    """
    letters = [c for c in word.lower() if not c.isspace()]
    short = len(letters) <= 2
    pieces = [_letter(c, first=i == 0, disguised=True, short=short) for i, c in enumerate(letters)]
    if short:
        return "".join(pieces)
    spacer = _char_class("".join(SPACERS)) + "?"
    if group is None:
        # RE2 has no back-references, and one alternative per separator makes its automaton
        # too big to stay fast: any separator in any gap is looser, and still quick.
        return spacer.join(pieces)
    first_gap = f"(?P<{group}>{spacer})"
    return pieces[0] + first_gap + f"(?P={group})".join(pieces[1:])


@dataclass(frozen=True)
class WordPattern:
    """The spellings of one pattern: exact (``re``/``regex``), prefilter (RE2), literals."""

    exact: str
    prefilter: str
    literals: tuple[str, ...] | None
    """Lower-case substrings one of which any match must contain (None: no such shortcut)."""
    needs_regex_module: bool
    """True when ``exact`` uses what only the ``regex`` module has (variable look-behind)."""
    single_words: frozenset[str] | None = None
    """Entries that are one run of letters/digits, for a token lookup instead of a regex."""
    other_exact: str | None = None
    """The exact pattern for the remaining entries (phrases, words with ' or -), if any."""
    other_by_first: dict[str, str] | None = None
    """``other_exact`` split by each entry's first word (lower-cased unless case-sensitive):
    in ASCII text a match starts at a word, so only that word's entries are tried there (None:
    no such shortcut, as for entries beyond ASCII or starting with a symbol)."""
    other_seconds: dict[str, frozenset[str] | None] | None = None
    """For each key of ``other_by_first``, the second words its entries can have (as tokens
    of the text, lower-cased unless case-sensitive); None where one entry is a single word
    with punctuation (``wow!``), which can match whatever follows."""
    other_bodies: tuple[Alternative, ...] | None = None
    """``other_exact``'s alternatives, where ``other_by_first`` cannot be had (see ``bodies``)."""
    case_sensitive: bool = False
    lookup: Lookup | None = None
    """How a token index can narrow the rows the prefilter reads (plain word lists only)."""
    flags: str = ""
    """The inline flags ``exact`` starts with (``(?i)`` or nothing)."""
    bodies: tuple[Alternative, ...] | None = None
    """``exact``'s alternatives in order, each with the characters it can start with: a text
    that starts no word with any of them cannot match it (None: ``exact`` is not one
    alternation of entries, as for names)."""


@dataclass(frozen=True)
class Alternative:
    """One entry of a word pattern: its regex and the characters a match of it starts with."""

    body: str
    starts: frozenset[str] | None
    """Lower-case unless the list is case-sensitive; None: not known (assume any)."""
    seconds: frozenset[str] | None = None
    """What can follow the first character in a match (None: not known, or nothing)."""
    first_word: str | None = None
    """A literal entry's first run of ASCII letters and digits, which is then a whole token of
    the text wherever it matches (as in ``other_by_first``); None for disguised entries."""

    after_spacer: frozenset[str] | None = None
    """For a spaced-out disguise (``a r s e``): what must follow a lone spacer in second place
    (None: anything)."""

    def can_open(self, openings: dict[str, set[str]], tokens: set[str]) -> bool:
        """Whether a text can hold a match of this entry: ``tokens`` are its tokens, and
        ``openings`` map the first character of each word start to the (up to) two characters
        that follow it there."""
        if self.first_word is not None:
            return self.first_word in tokens
        if self.starts is None:
            return True
        return any(
            self._may_follow(after)
            for first in self.starts & openings.keys()
            for after in openings[first]
        )

    def _may_follow(self, after: str) -> bool:
        if self.seconds is None:
            return True
        second = after[:1]
        if second not in self.seconds:
            return False
        spacer_only = self.after_spacer is not None and second not in self.after_spacer
        if spacer_only and second in SPACERS and self.starts and second not in self.starts:
            return after[1:2] in (self.after_spacer or ())
        return True


def words_pattern(
    words: list[str],
    *,
    disguised: bool = False,
    case_sensitive: bool = False,
    as_name: bool = False,
) -> WordPattern:
    """A pattern matching any of ``words`` (or phrases) as whole words.

    ``as_name`` is for names that are also words (Grace, Will, Mark): written with a capital
    and not where every word has one, at the start of a sentence (``Will you bring …``).
    """
    exact_bodies = []
    loose_bodies = []
    alternatives = []
    fold = not (case_sensitive or as_name)
    for index, word in enumerate(sorted(set(words), key=lambda w: (-len(w), w))):
        if disguised and " " not in word.strip():
            exact_bodies.append(_disguised_word(word, f"sep{index}"))
            loose_bodies.append(_disguised_word(word, None))
        else:
            exact_bodies.append(_plain_word(word))
            loose_bodies.append(_plain_word(word))
        alternatives.append(
            _alternative(
                word, exact_bodies[-1], disguised=disguised and " " not in word.strip(), fold=fold
            )
        )
    core = "|".join(exact_bodies) or "(?!)"
    loose = "|".join(loose_bodies) or "(?!)"
    flags = "" if case_sensitive or as_name else "(?i)"
    bounded = f"(?<![{_LETTER_OR_DIGIT}])(?:{core})(?![{_LETTER_OR_DIGIT}])"
    # Python's re compiles faster than the regex module and needs no \p{..} for this.
    exact = bounded_re(flags, [core])
    if as_name:
        # Not first in a sentence, unless possessive ("Will's mum" is a name anywhere).
        not_first = r"(?<!^\s*)(?<!\n\s*)(?<![.!?]\s*)(?<![.!?]\s*\p{Pi})"
        possessive = f"(?<![{_LETTER_OR_DIGIT}])(?:{core})(?=['’]s(?![{_LETTER_OR_DIGIT}]))"
        exact = f"{flags}(?:{not_first}{bounded}|{possessive})"
    prefilter = f"{flags}(?:^|[^{_LETTER_OR_DIGIT}])(?:{loose})(?:[^{_LETTER_OR_DIGIT}]|$)"
    literals = None if disguised else tuple(sorted({_longest_piece(w) for w in words}))
    single_words = None
    other_exact = None
    other_by_first = None
    other_seconds: dict[str, frozenset[str] | None] | None = None
    other_bodies = None
    if not disguised and not as_name:
        # A list of plain words is matched fastest by looking each token of the text up in a
        # set; only phrases (and words with ' or -) need the regular expression.
        single = {w.strip() for w in words if _SINGLE_TOKEN.fullmatch(w.strip())}
        others = [w for w in words if w.strip() not in single]
        single_words = frozenset(w if case_sensitive else w.lower() for w in single)
        if others:
            ordered = sorted(set(others), key=lambda w: (-len(w), w))
            other_exact = bounded_re(flags, [_plain_word(w) for w in ordered])
            firsts = [m.group() for w in ordered if (m := _SINGLE_TOKEN.match(w.strip()))]
            if all(w.isascii() for w in others) and len(firsts) == len(ordered):
                # Ignoring case, an ASCII pattern matches ASCII text as its lower case does;
                # each entry's first word is a whole token of the text wherever it matches.
                grouped: dict[str, list[str]] = {}
                seconds: dict[str, set[str] | None] = {}
                for word, first in zip(ordered, firsts, strict=True):
                    key = first if case_sensitive else first.lower()
                    grouped.setdefault(key, []).append(_plain_word(word))
                    # Its separators are never letters or digits, so where an entry matches,
                    # the text's next token is the entry's second run of letters and digits.
                    pieces = _SINGLE_TOKEN.findall(word)
                    second = None
                    if len(pieces) > 1:
                        second = pieces[1] if case_sensitive else pieces[1].lower()
                    known = seconds.setdefault(key, set())
                    if second is None or known is None:
                        seconds[key] = None
                    else:
                        known.add(second)
                other_by_first = {key: bounded_re(flags, group) for key, group in grouped.items()}
                other_seconds = {
                    key: None if known is None else frozenset(known)
                    for key, known in seconds.items()
                }
            else:
                other_bodies = tuple(
                    _alternative(w, _plain_word(w), disguised=False, fold=not case_sensitive)
                    for w in ordered
                )
    return WordPattern(
        exact=exact,
        prefilter=prefilter.replace("(?!)", "[^\\s\\S]"),
        literals=literals,
        needs_regex_module=as_name,
        single_words=single_words,
        other_exact=other_exact,
        other_by_first=other_by_first,
        other_seconds=other_seconds,
        other_bodies=other_bodies,
        case_sensitive=case_sensitive,
        lookup=lookup_for(sorted(set(words))) if single_words is not None else None,
        flags=flags,
        # Plain lists have their token shortcut; names need their look-arounds.
        bodies=tuple(alternatives) if single_words is None and not as_name else None,
    )


def _alternative(word: str, body: str, *, disguised: bool, fold: bool) -> Alternative:
    """An entry's regex with what a match of it must start with (see :class:`Alternative`)."""
    starts, seconds, after_spacer = _opening(word, disguised=disguised)
    if fold:
        starts, seconds, after_spacer = (
            None if chars is None else frozenset(c.lower() for c in chars)
            for chars in (starts, seconds, after_spacer)
        )
    first_word = None
    run = None if disguised else _SINGLE_TOKEN.match(word.strip())
    if run is not None and word.isascii():
        first_word = run.group().lower() if fold else run.group()
    return Alternative(body, starts, seconds, first_word, after_spacer)


def _opening(word: str, *, disguised: bool) -> tuple[_Chars, _Chars, _Chars]:
    """The characters a match of this entry can start with, those that can come second, and
    (a spaced-out disguise) those that must follow a lone spacer in second place.

    Mirrors :func:`_letter` (a first letter or its look-alikes, never a digit one, none for
    two-letter words; a letter stretched; ``*`` for any later letter), :func:`_disguised_word`
    (a spacer between letters) and :func:`_plain_word` (either apostrophe, any whitespace).
    None where a set is not known: beyond ASCII, ignoring case equates letters that ``lower()``
    does not (micro sign and mu), and whitespace is more than a few characters.
    """
    stripped = word.strip()
    if not stripped or not stripped.isascii():
        return None, None, None
    if disguised:
        letters = [c for c in stripped.lower() if not c.isspace()]
        short = len(letters) <= 2
        classes = []
        for index, char in enumerate(letters[:2]):
            options = {char}
            if char.isalpha():
                lookalikes = "" if short else LOOKALIKES.get(char, "")
                if index == 0:
                    lookalikes = "".join(c for c in lookalikes if not c.isdigit())
                options |= set(lookalikes) | ({"*"} if index else set())
            classes.append(options)
        if len(classes) < 2:
            return frozenset(classes[0]), None, None
        seconds = classes[0] | classes[1] | (set() if short else set(SPACERS))
        return frozenset(classes[0]), frozenset(seconds), None if short else frozenset(classes[1])
    pair: list[frozenset[str] | None] = []
    for char in stripped[:2]:
        if char.isspace():
            pair.append(None)
        elif char in _APOSTROPHES:
            pair.append(_APOSTROPHES)
        else:
            pair.append(frozenset(char))
    return pair[0], pair[1] if len(pair) > 1 else None, None


#: A set of characters, or None where it is not known.
_Chars = frozenset[str] | None


_APOSTROPHES = frozenset("'’")


_SINGLE_TOKEN = re.compile(r"[^\W_]+")


def bounded_re(flags: str, bodies: list[str]) -> str:
    """Alternatives (in this order) as whole words, for Python's ``re``.

    Given only some of a list's alternatives, still in order, the pattern matches a text exactly
    as the whole list's does when those left out cannot match anywhere in it: an alternation
    tries its alternatives in order at each position, and one that never matches changes
    nothing.
    """
    return flags + f"(?<!{RE_LETTER_OR_DIGIT})(?:{'|'.join(bodies)})(?!{RE_LETTER_OR_DIGIT})"


def _longest_piece(word: str) -> str:
    """The longest run of letters and digits in a word or phrase, lower-cased."""
    pieces = [p for p in re.split(r"[^\w]+|_", word.lower()) if p]
    return max(pieces, key=len) if pieces else word.lower()
