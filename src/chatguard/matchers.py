"""The matcher kinds a rule can use, compiled once and applied to many messages at once.

A matcher is written in YAML as a mapping with one *kind* key and its options::

    words: ["@swears", bloody]        # whole words; "@name" pulls in a shared list
    disguised: true                   # tolerate f*ck, sh1t, f.u.c.k, fuuuck

Kinds (the registry :data:`KINDS` is the single source of what the schema allows):
``words``, ``phrases``, ``pattern``, ``names`` (the school's roster), ``shouting``,
``attachment``, and the compositions ``any``, ``all``, ``not`` and ``near``.

Evaluation works on a :class:`Batch` of messages and a *domain* of row numbers: a composition
narrows the domain before asking its next part, so the expensive exact pass runs only on the few
rows that can still match. Leaves first run an RE2 prefilter over the whole column (pyarrow, in
C++) when the domain is large, and the ``regex`` module (with a time limit) on what is left,
which also yields the spans a report highlights.
"""

from __future__ import annotations

import difflib
import functools
import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np
import regex

from chatguard.errors import RuleTimeoutError
from chatguard.literals import required_literals
from chatguard.textmodel import TextModel, column_scores, logit
from chatguard.tokenindex import Lookup, Needs, Plan, TokenIndex
from chatguard.wordpattern import (
    RE_LETTER_OR_DIGIT,
    Alternative,
    WordPattern,
    bounded_re,
    words_pattern,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

Span = tuple[int, int]

#: Below this many messages a batch is matched exactly, message by message (a draft, examples).
PREFILTER_MIN_ROWS = 2000
#: In a big scan, a later part of a rule asked about at least this many rows runs RE2 on them
#: before reading them in Python.
PREFILTER_SUBSET_MIN_ROWS = 32
#: In a batch of up to this many texts (a draft), a word pattern is compiled, for each text, with
#: only the entries that can start in it.
SUBSET_MAX_ROWS = 4
#: A disguised list of at least this many entries is matched by first character (measured: a
#: list of about 20 is faster whole, one of about 100 twice as fast this way).
DISPATCH_MIN_ENTRIES = 40
#: Longest time one regular expression may spend on one message.
REGEX_TIMEOUT_SECONDS = 1.0
#: Widest `attachment: … within:` window, in messages either side.
MAX_ATTACHMENT_WINDOW = 50
#: Deepest nesting of any/all/not/near a rule may use.
MAX_DEPTH = 40
#: When a word list's index lookup keeps more than this share of the column, RE2 reads it all.
INDEX_MAX_SHARE = 0.5
#: Narrow word lists and patterns with a token index before their RE2 pass.
USE_TOKEN_INDEX = True
#: Read each distinct text of a big scan once (see :attr:`Batch.keys`); off, every row is read
#: on its own, as if no two messages were alike (the benchmark's worst case).
DEDUPLICATE_TEXTS = True
#: A prefilter asked about at most this share of the column reads only those rows.
SUBSET_MAX_SHARE = 0.3


@dataclass(frozen=True)
class Prefilter:
    """An RE2 pattern that every message a leaf can match also matches.

    ``lookup`` (plain word lists only) lets the scan look the list's words up in a
    :class:`~chatguard.tokenindex.TokenIndex` and run RE2 only on the rows found.
    """

    pattern: str
    lookup: Lookup | Needs | None = None


def _re2_mask(texts: Any, pattern: str) -> np.ndarray:
    """Which of ``texts`` (a pyarrow column) match RE2 ``pattern``.

    A pattern RE2 refuses marks every row: the exact pass then decides.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    try:
        found = pc.fill_null(pc.match_substring_regex(texts, pattern), False)
        return np.asarray(found.to_numpy(zero_copy_only=False), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return np.ones(len(texts), dtype=bool)


def distinct_texts(texts: Any) -> tuple[Any, np.ndarray]:
    """The different texts of a pyarrow column, each once, and for each row the number of
    its text among them (a :class:`Batch`'s ``distinct`` and ``keys``)."""
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(texts, null_encoding="encode")
    keys = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return encoded.dictionary, keys


@dataclass(frozen=True)
class _Part:
    """One model's scores out of a background job that scored several models together."""

    job: Future[list[np.ndarray]]
    at: int

    def result(self) -> np.ndarray:
        return self.job.result()[self.at]


def _model_key(model: TextModel) -> str:
    return f"\0model\0{model.name}\0{id(model)}"


class SpecError(Exception):
    """A matcher spec is malformed; ``at`` is the path inside the matcher."""

    def __init__(self, at: tuple[str | int, ...], message: str) -> None:
        super().__init__(message)
        self.at = at
        self.message = message


@dataclass
class Batch:
    """Messages to match, with what matchers need to know about each."""

    texts: Any
    """A pyarrow string array (big scans) or a list of str (a draft, a test example)."""
    kinds: np.ndarray
    """Kind of each message (text, media …) as an object array of str."""
    authors: np.ndarray
    """Author of each message (object array; None for system lines)."""
    attachments: np.ndarray
    """Attachment name or None, per message."""
    groups: np.ndarray
    """An id per export, so neighbours are never looked for across two files."""
    rule: str = ""
    """The rule being evaluated (named in a time-out error)."""
    distinct: Any = None
    """The different texts of the batch (as ``texts``), each once: see ``keys``."""
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    """For each row, where its text is in ``distinct``.

    A chat repeats itself ("Thank you!", "<Media omitted>", "This message was deleted"), and
    whatever a matcher finds in a text alone (prefilter masks, the token index, model scores,
    spans) is the same for every copy of it: it is worked out once per distinct text, keyed
    by these numbers, and read back for each row. Without ``distinct`` every row is its own.
    """
    _python: dict[int, str] = field(default_factory=dict)
    _cache: dict[str, np.ndarray] = field(default_factory=dict)
    _masks: dict[str, np.ndarray] = field(default_factory=dict)
    _index: TokenIndex | None = None
    _plans: dict[str, Plan | None] = field(default_factory=dict)
    _pending: dict[str, Future[np.ndarray] | _Part] = field(default_factory=dict)
    _partial: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    _tokens: dict[tuple[int, bool], Tokens | None] = field(default_factory=dict)
    flagged: dict[str, np.ndarray] = field(default_factory=dict)
    """Rows each rule applied so far has flagged (``follows:`` reads them)."""
    spans: dict[str, dict[int, list[Span]]] = field(default_factory=dict)
    """Exact matches already found, per pattern and distinct text (rules share patterns)."""

    def __post_init__(self) -> None:
        if self.distinct is None:
            self.distinct = self.texts
            self.keys = np.arange(len(self.kinds), dtype=np.int64)

    def __len__(self) -> int:
        return len(self.kinds)

    @property
    def columnar(self) -> bool:
        return not isinstance(self.texts, list)

    @classmethod
    def of_texts(cls, texts: list[str], kind: str = "text") -> Batch:
        """A batch of loose texts (drafts, rule examples), each its own message."""
        n = len(texts)
        return cls(
            texts=list(texts),
            kinds=np.array([kind] * n, dtype=object),
            authors=np.array(["draft"] * n, dtype=object),
            attachments=np.array([None] * n, dtype=object),
            groups=np.arange(n),
        )

    def domain(self, kinds: tuple[str, ...]) -> np.ndarray:
        """Rows of these kinds that someone wrote (computed once per set of kinds)."""
        key = "\0domain\0" + "\0".join(sorted(kinds))
        cached = self._cache.get(key)
        if cached is None:
            authored = self._cache.get("\0authored")
            if authored is None:
                authored = np.array([a is not None for a in self.authors.tolist()], dtype=bool)
                self._cache["\0authored"] = authored
            cached = np.flatnonzero(np.isin(self.kinds, list(kinds)) & authored)
            self._cache[key] = cached
        return cached

    def text(self, row: int) -> str:
        return self.text_of(int(self.keys[row]))

    def text_of(self, key: int) -> str:
        """The distinct text ``key`` (see :attr:`keys`) as a Python string."""
        if not self.columnar:
            return str(self.distinct[key])
        cached = self._python.get(key)
        if cached is None:
            value = self.distinct[key].as_py()
            cached = "" if value is None else value
            self._python[key] = cached
        return cached

    def tokens(self, key: int, fold: bool) -> Tokens | None:
        """The words (:func:`tokens_of`) of distinct text ``key``, found once and shared by
        every word list."""
        at = (key, fold)
        if at in self._tokens:
            return self._tokens[at]
        found = self._tokens[at] = tokens_of(self.text_of(key), fold)
        return found

    def materialise(self, rows: np.ndarray) -> None:
        """Fetch the texts of many rows from the column in one call (faster than one by one)."""
        self.materialise_keys(self.keys[rows].tolist())

    def materialise_keys(self, keys: list[int]) -> None:
        """Fetch many distinct texts (see :attr:`keys`) from the column in one call."""
        if not self.columnar:
            return
        python = self._python
        missing = [k for k in dict.fromkeys(keys) if k not in python]
        if not missing:
            return
        import pyarrow as pa

        values = self.distinct.take(pa.array(missing, pa.int64())).to_pylist()
        python.update(zip(missing, (v or "" for v in values), strict=True))

    @contextmanager
    def prefiltering(self, work: list[Prefilter | TextModel]) -> Iterator[None]:
        """Run prefilters and model scores over the whole column in the background.

        They run on two worker threads (pyarrow and numpy release the GIL) in the order the
        rules will ask for them; a rule waits only for its own, so its Python pass overlaps
        the work of the rules after it and both cores stay busy.
        """
        if not self.columnar or len(self) < PREFILTER_MIN_ROWS:
            yield
            return
        prefilters = [w for w in work if isinstance(w, Prefilter)]
        models = [w for w in work if isinstance(w, TextModel)]
        wanted = list(dict.fromkeys(p for p in prefilters if p.pattern not in self._masks))
        if not wanted and not models:
            yield
            return
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="chatguard-prefilter")
        try:
            # Passes over the whole column need no index: they start now, while the index is
            # built and the lookups are planned (the plan is Python, and leaves a core idle).
            for p in wanted:
                if p.lookup is None or not USE_TOKEN_INDEX:
                    self._pending[p.pattern] = pool.submit(self._column_mask, p)
            if USE_TOKEN_INDEX and any(p.lookup is not None for p in wanted):
                self._plan_lookups([p for p in wanted if p.lookup is not None])
            if models:
                self.token_index()  # built once, here, before two threads could both start it
            by_key = {_model_key(m): m for m in models}  # models are not hashable
            unscored = [m for key, m in by_key.items() if key not in self._cache]
            scored_together: Future[list[np.ndarray]] | None = None
            for item in work:
                if isinstance(item, Prefilter):
                    if item.pattern not in self._masks and item.pattern not in self._pending:
                        self._pending[item.pattern] = pool.submit(self._column_mask, item)
                elif unscored and scored_together is None:
                    # Every model in one job: they share the search for their word pairs.
                    index = self.token_index()
                    scored_together = pool.submit(column_scores, unscored, index)
                    for i, model in enumerate(unscored):
                        self._pending[_model_key(model)] = _Part(scored_together, i)
            yield
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self._pending.clear()

    def model_scores(self, model: TextModel) -> np.ndarray:
        """The model's log-odds for every row (computed once per scan)."""
        key = _model_key(model)
        scores = self._cache.get(key)
        if scores is None:
            pending = self._pending.pop(key, None)
            index = self.token_index()
            # Scored per distinct text, read back for each row.
            scores = pending.result() if pending is not None else model.column_scores(index)
            scores = self._cache[key] = scores[self.keys]
        return scores

    def _plan_lookups(self, prefilters: list[Prefilter]) -> None:
        """Plan every list's index lookup at once, so the index is focused on their words."""
        index = self.token_index()
        for p in prefilters:
            if p.lookup is not None:
                self._plans[p.pattern] = index.plan(p.lookup)
        limit = INDEX_MAX_SHARE * index.rows
        for pattern, plan in self._plans.items():
            if plan is not None and index.estimate(plan) > limit:
                self._plans[pattern] = None  # too common to be worth narrowing: read it all
        found = [plan for plan in self._plans.values() if plan is not None]
        if found:
            index.focus(np.unique(np.concatenate([ids for ids, _ in found])))
            index.focus_symbols(s for _, symbols in found for s in symbols)

    def token_index(self) -> TokenIndex:
        """The index of every message's words, built on first use."""
        if self._index is None:
            self._index = TokenIndex.build(self.distinct)
        return self._index

    def _column_mask(self, prefilter: Prefilter) -> np.ndarray:
        """Which distinct texts (see :attr:`keys`) match the prefilter's RE2 pattern."""
        import pyarrow as pa

        texts = self.distinct
        keys = None
        if USE_TOKEN_INDEX and prefilter.lookup is not None:
            index = self.token_index()
            if prefilter.pattern not in self._plans:
                plan = index.plan(prefilter.lookup)
                common = plan is not None and index.estimate(plan) > INDEX_MAX_SHARE * index.rows
                self._plans[prefilter.pattern] = None if common else plan
            plan = self._plans[prefilter.pattern]
            if plan is not None:
                keys = index.rows_for(plan)
                texts = texts.take(pa.array(keys))
        hit = _re2_mask(texts, prefilter.pattern)
        if keys is None:
            return hit
        mask = np.zeros(len(self.distinct), dtype=bool)
        mask[keys[hit]] = True
        return mask

    def prefilter(self, prefilter: Prefilter, rows: np.ndarray) -> np.ndarray:
        """Rows among ``rows`` whose text matches the prefilter.

        The whole column (each distinct text once) is matched once per pattern and kept:
        rules share lists (staff references, insults), and a column pass costs the same as a
        pass over most of it.
        """
        mask = self._masks.get(prefilter.pattern)
        if mask is None:
            pending = self._pending.pop(prefilter.pattern, None)
            if pending is None and len(rows) <= SUBSET_MAX_SHARE * len(self):
                return self._subset_prefilter(prefilter, rows)
            mask = pending.result() if pending is not None else self._column_mask(prefilter)
            self._masks[prefilter.pattern] = mask
        return np.asarray(rows[mask[self.keys[rows]]])

    def _subset_prefilter(self, prefilter: Prefilter, rows: np.ndarray) -> np.ndarray:
        """The prefilter run on these rows only (a later part of a rule, after the first
        narrowed it): rows already checked for this pattern are remembered, not read again."""
        import pyarrow as pa

        size = len(self.distinct)
        checked, hit = self._partial.setdefault(
            prefilter.pattern, (np.zeros(size, dtype=bool), np.zeros(size, dtype=bool))
        )
        keys = self.keys[rows]
        todo = sorted_union([keys[~checked[keys]]])
        if len(todo):
            matched = _re2_mask(self.distinct.take(pa.array(todo)), prefilter.pattern)
            checked[todo] = True
            hit[todo[matched]] = True
        return np.asarray(rows[hit[keys]])


@dataclass
class Hits:
    """Rows that matched, and for each the character spans that made it match."""

    rows: np.ndarray
    spans: dict[int, list[Span]]

    @classmethod
    def none(cls) -> Hits:
        return cls(np.zeros(0, dtype=np.int64), {})


class Matcher:
    """Base of every compiled matcher."""

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:  # pragma: no cover
        raise NotImplementedError

    def entry_prefilters(self) -> list[Prefilter]:
        """Prefilters this matcher's leaves run over the column (computed ahead, in parallel)."""
        return []

    def background_work(self) -> list[Prefilter | TextModel]:
        """What to compute over the whole column ahead of time: primary prefilters, models."""
        return list(self.primary_prefilters())

    def followed_rules(self) -> list[str]:
        """Rule ids whose findings this matcher reads (they must be applied first)."""
        return [r for part in self.parts_of() for r in part.followed_rules()]

    def parts_of(self) -> list[Matcher]:
        """The matchers this one is made of (none for a leaf)."""
        parts = getattr(self, "parts", None)
        if parts is not None:
            return list(parts)
        return [m for m in (getattr(self, n, None) for n in ("part", "first", "second")) if m]

    def primary_prefilters(self) -> list[Prefilter]:
        """The prefilters that read a rule's whole domain: worth running ahead of time.

        A later part of ``all`` or ``near`` is asked only about the rows the first part left,
        and usually reads just those (see :meth:`Batch.prefilter`).
        """
        return self.entry_prefilters()

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        """A superset of the rows that can match, found with whole-column masks only.

        Compositions intersect their parts' candidates before any message is read in Python:
        a staff reference and a grievance word are each common, both together are rare.
        """
        return domain


# --------------------------------------------------------------------------- leaves


class RegexMatcher(Matcher):
    """Words, phrases, names or a raw pattern: an exact regex and an optional RE2 prefilter.

    A pattern a school wrote is compiled at once, so a mistake is reported when the rules load.
    Patterns we generate from word lists are always valid, and compiling a long list costs
    time, so they compile on first use: `chatguard check` then pays only for what it reads.
    """

    def __init__(
        self,
        exact: str,
        prefilter: str | None,
        *,
        flags: int = 0,
        generated: WordPattern | None = None,
    ) -> None:
        self._source = exact
        self._flags = flags
        self._compiled: Any = None
        self._generated = generated
        self.literals = generated.literals if generated else None
        if generated is None:
            try:
                self._compiled = regex.compile(exact, flags)
            except regex.error as exc:
                raise SpecError((), f"not a valid regular expression ({exc})") from exc
        self.prefilter = (
            None if prefilter is None else Prefilter(prefilter, _lookup(prefilter, generated))
        )
        self._subsets: _Subsets | None = None

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        if self._generated is not None:
            # Python's re stores a pattern as its source and compiles it again when read back:
            # a stored pack keeps word patterns uncompiled (they compile on first use), or
            # `chatguard check` would compile every list that any earlier scan had used. (The
            # regex module's patterns, a school's own, are stored compiled and read back fast.)
            state["_compiled"] = None
        state["_subsets"] = None
        return state

    @property
    def exact(self) -> Any:
        if self._compiled is None:
            generated = self._generated
            if generated is not None and generated.single_words is not None:
                self._compiled = _TokenScanner(generated)
            elif generated is not None and not generated.needs_regex_module:
                dispatch = _FirstCharDispatch.of(generated) if not self._flags else None
                self._compiled = dispatch or _TimeoutFree(re.compile(self._source, self._flags))
            else:
                self._compiled = regex.compile(self._source, self._flags)
        return self._compiled

    def _draft_spans(self, text: str) -> list[Span]:
        """A draft's spans, compiling only the entries of a long list that can start in it.

        Compiling a long disguised word list costs a draft a tenth of a second, and a draft
        starts only a few words (see :class:`_Subsets`).
        """
        generated = self._generated
        if self._compiled is None and generated is not None and generated.bodies is not None:
            if self._subsets is None:
                self._subsets = _Subsets(generated.flags, generated.bodies)
            whole, pattern = self._subsets.for_text(text)
            if not whole:
                return [] if pattern is None else [m.span() for m in pattern.finditer(text)]
        exact = self.exact
        if isinstance(exact, _TokenScanner):
            return exact.spans(text, tokens_of(text, exact.fold), draft=True)
        return [m.span() for m in exact.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)]

    def entry_prefilters(self) -> list[Prefilter]:
        return [self.prefilter] if self.prefilter else []

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        if self.prefilter is not None and batch.columnar and len(domain) >= PREFILTER_MIN_ROWS:
            return batch.prefilter(self.prefilter, domain)
        return domain

    def could_match(self, text: str) -> bool:
        """A cheap first look: does the text contain a substring every match must contain?"""
        if self.literals is None:
            return True
        low = text.lower()
        return any(literal in low for literal in self.literals)

    @staticmethod
    def _worth_prefiltering(batch: Batch, rows: np.ndarray) -> bool:
        """Run RE2 on these rows first? Yes for a big domain; in a big scan, also for a later
        part of a rule asked about a few hundred rows (RE2 reads them faster than a Python
        look for the list's literals)."""
        if len(rows) >= PREFILTER_MIN_ROWS:
            return True
        return len(batch) >= PREFILTER_MIN_ROWS and len(rows) >= PREFILTER_SUBSET_MIN_ROWS

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        rows = domain
        filtered = False
        if self.prefilter is not None and batch.columnar and self._worth_prefiltering(batch, rows):
            rows = batch.prefilter(self.prefilter, rows)
            filtered = True
        if self.literals is not None and not filtered:
            batch.materialise(rows)
            rows = np.array(
                [r for r in rows.tolist() if self.could_match(batch.text(r))], dtype=np.int64
            )
            if len(rows) == 0:
                return Hits.none()
        # Spans are found once per distinct text (see Batch.keys), by whichever rule sharing
        # this pattern reads it first, and read back for every row holding that text.
        known = batch.spans.setdefault(f"{self._flags}\0{self._source}", {})
        keys = batch.keys[rows].tolist()
        batch.materialise_keys([k for k in keys if k not in known])
        spans: dict[int, list[Span]] = {}
        # A few texts (a draft) are searched with what can start in each; many, with it all.
        few = len(batch) <= SUBSET_MAX_ROWS
        exact: Any = None if few else self.exact
        scanner = exact if isinstance(exact, _TokenScanner) else None
        for row, key in zip(rows.tolist(), keys, strict=True):
            found = known.get(key)
            if found is None:
                found = known[key] = self._spans_in(batch, key, few, exact, scanner)
            if found:
                spans[row] = found
        return Hits(np.array(sorted(spans), dtype=np.int64), spans)

    def _spans_in(
        self, batch: Batch, key: int, few: bool, exact: Any, scanner: _TokenScanner | None
    ) -> list[Span]:
        """The non-empty spans of the pattern in distinct text ``key``."""
        text = batch.text_of(key)
        try:
            if few:
                found = self._draft_spans(text)
            elif scanner is not None:
                found = scanner.spans(text, batch.tokens(key, scanner.fold))
            else:
                found = [m.span() for m in exact.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)]
        except TimeoutError as exc:
            raise RuleTimeoutError(
                f"rule {batch.rule}: its pattern took over {REGEX_TIMEOUT_SECONDS:g} s on one "
                "message and was stopped",
                hint="simplify the pattern (nested repeats such as (a+)+ are catastrophic)",
            ) from exc
        return [s for s in found if s[1] > s[0]]


def _lookup(prefilter: str, generated: WordPattern | None) -> Lookup | Needs | None:
    """How the token index can narrow this prefilter: by a list's words, or a pattern's needs."""
    if generated is not None and generated.lookup is not None:
        return generated.lookup
    options = required_literals(prefilter)
    return Needs(options) if options else None


def sorted_union(arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct row numbers of several arrays, sorted.

    ``np.unique`` would do, but its first call imports ``numpy.ma`` (tens of milliseconds that
    `chatguard check` would pay for one draft).
    """
    joined = np.concatenate(arrays)
    joined.sort()
    if len(joined) < 2:
        return joined
    return joined[np.concatenate(([True], joined[1:] != joined[:-1]))]


class _Subsets:
    """A word pattern compiled, for one text, with only the entries that can start in it.

    A draft starts only a few words, and compiling a long list whole costs `chatguard check`
    most of its time. Leaving out alternatives that cannot match anywhere in the text changes
    nothing (see :func:`~chatguard.wordpattern.bounded_re`); which ones can is told by each
    entry's first characters or first word (:class:`~chatguard.wordpattern.Alternative`).
    """

    def __init__(self, flags: str, bodies: tuple[Alternative, ...]) -> None:
        self.flags = flags
        self.bodies = bodies
        self._compiled: dict[tuple[int, ...], _TimeoutFree] = {}

    def for_text(self, text: str) -> tuple[bool, _TimeoutFree | None]:
        """``(True, None)`` when the text needs the whole pattern (letters that fold to ASCII
        ones though ``lower()`` keeps them); else the subset's pattern, None if empty."""
        low = _lowered(text, "i" in self.flags)
        if low is None:
            return True, None
        # A match starts where no letter or digit comes just before (the pattern's look-behind).
        openings: dict[str, set[str]] = {}
        for i, char in enumerate(low):
            if i == 0 or not text[i - 1].isalnum():
                openings.setdefault(char, set()).add(low[i + 1 : i + 3])
        tokens = set(_TOKEN.findall(low))
        chosen = tuple(
            index
            for index, alternative in enumerate(self.bodies)
            if alternative.can_open(openings, tokens)
        )
        if not chosen:
            return False, None
        compiled = self._compiled.get(chosen)
        if compiled is None:
            source = bounded_re(self.flags, [self.bodies[i].body for i in chosen])
            compiled = self._compiled[chosen] = _TimeoutFree(re.compile(source))
        return False, compiled


class _TimeoutFree:
    """Python's ``re`` pattern with the ``regex`` module's ``timeout`` argument accepted.

    Patterns we generate from word lists have no nested repeats, so they need no time limit.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern

    def finditer(self, text: str, timeout: float | None = None) -> Any:
        return self.pattern.finditer(text)


class _FirstCharDispatch:
    """A long alternation of words (a disguised swear list) tried only where a word starts,
    with just the entries that can start with the character there.

    Python's ``re`` tries every alternative at every word start; most fail on their first
    character. Here one pass finds the word starts whose first two characters can begin some
    entry, and each is matched against the entries starting with that character, in list
    order. That finds exactly what the whole pattern finds (an alternative that cannot match at
    a position changes nothing there; see :func:`~chatguard.wordpattern.bounded_re`). A
    character that ``lower()`` does not map to one of the entries' first characters (``ſ``,
    which ``re`` reads as s) gets the whole pattern.
    """

    def __init__(self, flags: str, bodies: tuple[Alternative, ...]) -> None:
        self.flags = flags
        self.fold = "i" in flags
        self.bodies = bodies
        self.chars = frozenset(c for alternative in bodies for c in alternative.starts or ())
        # A word start whose first two characters can begin an entry: one pass in C skips the
        # rest ("the" when no entry starts "th"). The second is only looked at, so the next
        # word start is still found however close.
        openings = []
        for char in sorted(self.chars):
            entries = [b for b in bodies if b.starts is not None and char in b.starts]
            if any(b.seconds is None for b in entries):
                openings.append(re.escape(char))
                continue
            after = set().union(*(b.seconds or () for b in entries))
            openings.append(f"{re.escape(char)}(?=[{''.join(sorted(map(re.escape, after)))}])")
        self.openings = re.compile(f"{flags}(?<!{RE_LETTER_OR_DIGIT})(?:{'|'.join(openings)})")
        self._by_char: dict[str, re.Pattern[str]] = {}
        self._whole: re.Pattern[str] | None = None

    @property
    def whole(self) -> re.Pattern[str]:
        """The whole list's pattern, compiled only for a text that needs it (as ``ſ`` does)."""
        if self._whole is None:
            self._whole = re.compile(bounded_re(self.flags, [b.body for b in self.bodies]))
        return self._whole

    @classmethod
    def of(cls, generated: WordPattern) -> _FirstCharDispatch | None:
        """The dispatch for a long list whose every entry's first characters are known."""
        bodies = generated.bodies
        if not bodies or len(bodies) < DISPATCH_MIN_ENTRIES:
            return None
        if any(b.starts is None for b in bodies):
            return None
        return cls(generated.flags, bodies)

    def _entries_for(self, char: str) -> re.Pattern[str]:
        compiled = self._by_char.get(char)
        if compiled is None:
            chosen = [b.body for b in self.bodies if b.starts is not None and char in b.starts]
            compiled = self._by_char[char] = re.compile(bounded_re(self.flags, chosen))
        return compiled

    def finditer(self, text: str, timeout: float | None = None) -> list[_Span]:
        found: list[_Span] = []
        end = 0
        for opening in self.openings.finditer(text):
            start = opening.start()
            if start < end:
                continue
            char = opening.group()
            key = char.lower() if self.fold else char
            pattern = self._entries_for(key) if key in self.chars else self.whole
            hit = pattern.match(text, start)
            if hit is not None and hit.end() > start:
                found.append(_Span(hit.span()))
                end = hit.end()
        return found


_TOKEN = re.compile(r"[^\W_]+")
_TOKEN_SPLIT = re.compile(r"([^\W_]+)")


class _Span:
    __slots__ = ("_span",)

    def __init__(self, span: tuple[int, int]) -> None:
        self._span = span

    def span(self) -> tuple[int, int]:
        return self._span


#: Letters that ``re`` ignoring case equates with an ASCII letter though ``lower()`` keeps them
#: (dotless i, long s), and capital sigma, whose lower case depends on the letters around it.
_FOLD_SURPRISES = frozenset("ıſΣ")


def _lowered(text: str, fold: bool) -> str | None:
    """The text as a case-ignoring ASCII pattern sees it (itself unless ``fold``), or None where
    ``lower()`` moves offsets or keeps a letter that ``re`` folds (then read the text whole)."""
    if not fold:
        return text
    low = text.lower()
    if len(low) != len(text) or not _FOLD_SURPRISES.isdisjoint(text):
        return None
    return low


@dataclass(frozen=True, slots=True)
class Tokens:
    """A text's words as word lists see them: lower-cased (unless case matters), in order."""

    words: list[str]
    starts: list[int]
    distinct: frozenset[str]


def tokens_of(text: str, fold: bool) -> Tokens | None:
    """The text's tokens, or None where lower-casing would move offsets (see :func:`_lowered`).

    A scan computes them once per message (:meth:`Batch.tokens`): every word list that reads
    the message shares them.
    """
    low = _lowered(text, fold)
    if low is None:
        return None
    # One split gives gaps and words in turn; offsets are the running sum of their lengths.
    parts = _TOKEN_SPLIT.split(low)
    offsets = list(accumulate(map(len, parts), initial=0))
    words = parts[1::2]
    return Tokens(words, offsets[1:-1:2], frozenset(words))


class _TokenScanner:
    """Whole words from a list, found by looking each token of the text up in a set.

    Equivalent to the generated ``(?<!letter|digit)(?:w1|w2…)(?!letter|digit)``, ignoring case
    unless the list is case-sensitive, for entries that are one run of letters/digits; other
    entries (phrases, ``couldn't``, ``two-faced``) go through their own regular expression. A
    regex alternation of hundreds of words tries each at every position: this is one pass.
    """

    def __init__(self, generated: WordPattern) -> None:
        self.words = generated.single_words or frozenset()
        self.fold = not generated.case_sensitive
        self.other_source = generated.other_exact
        self.other_by_first = generated.other_by_first
        self.other_seconds = generated.other_seconds or {}
        # Compiled on first use: a draft (`check`) meets few of a list's first words, and
        # compiling every phrase pattern of the pack would cost it most of a second.
        self._other: re.Pattern[str] | None = None
        self._by_first: dict[str, re.Pattern[str]] = {}
        # Phrases that cannot be grouped by first word: a draft compiles only the ones that can
        # start in it (see RegexMatcher.evaluate), a scan the whole pattern.
        self._subsets = (
            _Subsets(generated.flags, generated.other_bodies) if generated.other_bodies else None
        )

    @property
    def other(self) -> re.Pattern[str] | None:
        if self._other is None and self.other_source is not None:
            self._other = re.compile(self.other_source)
        return self._other

    def _phrases_after(self, word: str) -> re.Pattern[str] | None:
        """The compiled pattern of the entries starting with ``word`` (None: there are none)."""
        compiled = self._by_first.get(word)
        if compiled is None and self.other_by_first:
            source = self.other_by_first.get(word)
            if source is not None:
                compiled = self._by_first[word] = re.compile(source)
        return compiled

    def finditer(
        self, text: str, timeout: float | None = None, *, draft: bool = False
    ) -> list[_Span]:
        return [_Span(span) for span in self.spans(text, tokens_of(text, self.fold), draft=draft)]

    def spans(self, text: str, tokens: Tokens | None, *, draft: bool = False) -> list[Span]:
        """Where the list's entries occur in ``text``, given its tokens (:func:`tokens_of`)."""
        if tokens is None or (self.other_source is not None and self.other_by_first is None):
            return self._walk(text, draft)
        # Lower-casing kept every offset and every word whole: the tokens are looked up all at
        # once, and only a text holding a listed word (or a phrase's first word) is walked.
        found: list[Span] = []
        words = self.words
        if not words.isdisjoint(tokens.distinct):
            pairs = zip(tokens.starts, tokens.words, strict=True)
            found = [(start, start + len(word)) for start, word in pairs if word in words]
        firsts = self.other_by_first.keys() & tokens.distinct if self.other_by_first else None
        if firsts:
            # A phrase is tried only where its first word is followed by a second word one
            # of that word's phrases has ("the" starts many phrases: "the worst" needs "worst").
            end = 0
            text_words, starts, seconds = tokens.words, tokens.starts, self.other_seconds
            last = len(text_words) - 1
            for at in [i for i, word in enumerate(text_words) if word in firsts]:
                start = starts[at]
                word = text_words[at]
                after = seconds.get(word)
                if start < end or (
                    after is not None and (at == last or text_words[at + 1] not in after)
                ):
                    continue
                phrases = self._phrases_after(word)
                if phrases is None:
                    continue
                hit = phrases.match(text, start)
                if hit is not None and hit.end() > start:
                    found.append(hit.span())
                    end = hit.end()
            found.sort()
        return found

    def _other_for(self, text: str, draft: bool) -> Any:
        """The phrase pattern to search this text with (None: no phrase can match it)."""
        if draft and self._other is None and self._subsets is not None:
            whole, pattern = self._subsets.for_text(text)
            if not whole:
                return pattern
        return self.other

    def _walk(self, text: str, draft: bool) -> list[Span]:
        """Token by token, and the whole phrase pattern over the text."""
        found: list[Span] = []
        if self.words:
            for match in _TOKEN.finditer(text):
                token = match.group()
                if (token.lower() if self.fold else token) in self.words:
                    found.append(match.span())
        other = self._other_for(text, draft)
        if other is not None:
            found.extend(m.span() for m in other.finditer(text))
        found.sort()
        return found


class NothingMatcher(Matcher):
    """Matches nothing: a roster list used by a rule when no roster was given."""

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        return Hits.none()

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        return domain[:0]


_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_NOT_ASCII_UPPER = bytes(b for b in range(256) if not chr(b).isupper() or b > 127)
_NOT_ASCII_ALPHA = bytes(b for b in range(256) if not chr(b).isalpha() or b > 127)


def _capitals_and_letters(text: str) -> tuple[int, int]:
    """How many capitals and how many letters the text has (``str.isupper``/``isalpha``).

    In C for the ASCII characters (deleting every other byte of the UTF-8, whose multi-byte
    characters never hold an ASCII byte); one by one only for the rest (an emoji, an accent).
    """
    data = text.encode("utf-8", "surrogatepass")
    capitals = len(data.translate(None, _NOT_ASCII_UPPER))
    letters = len(data.translate(None, _NOT_ASCII_ALPHA))
    if not text.isascii():
        rest = _ASCII_RUNS.sub("", text)
        capitals += sum(map(str.isupper, rest))
        letters += sum(map(str.isalpha, rest))
    return capitals, letters


class ShoutingMatcher(Matcher):
    """Mostly capital letters over a minimum length: a display of anger in text."""

    def __init__(self, min_letters: int, ratio: float) -> None:
        self.min_letters = min_letters
        self.ratio = ratio

    def prefilter(self) -> Prefilter:
        """An RE2 pattern every shouted message matches: a run of k capitals.

        With L >= min_letters letters of which at most (1 - ratio) L are small, the capitals
        fall into at most (1 - ratio) L + 1 runs, so one run holds at least
        ratio L / ((1 - ratio) L + 1) of them; that grows with L, so L = min_letters bounds it.
        """
        m = self.min_letters
        k = max(1, int(self.ratio * m / ((1 - self.ratio) * m + 1)))
        return Prefilter(r"\p{Lu}" + (r"(?:[^\p{L}]*\p{Lu})" + f"{{{k - 1}}}" if k > 1 else ""))

    def entry_prefilters(self) -> list[Prefilter]:
        return [self.prefilter()]

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        if batch.columnar and len(domain) >= PREFILTER_MIN_ROWS:
            return batch.prefilter(self.prefilter(), domain)
        return domain

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        if batch.columnar and len(domain) >= PREFILTER_MIN_ROWS:
            domain = batch.prefilter(self.prefilter(), domain)
            batch.materialise(domain)
        spans: dict[int, list[Span]] = {}
        shouted: dict[int, list[Span]] = {}  # per distinct text (see Batch.keys)
        for row, key in zip(domain.tolist(), batch.keys[domain].tolist(), strict=True):
            found = shouted.get(key)
            if found is None:
                text = batch.text_of(key)
                capitals, alphabetic = _capitals_and_letters(text)
                loud = alphabetic >= self.min_letters and capitals >= self.ratio * alphabetic
                found = shouted[key] = [(0, len(text))] if loud else []
            if found:
                spans[row] = found
        return Hits(np.array(sorted(spans), dtype=np.int64), spans)


class ModelMatcher(Matcher):
    """A linear text model's score over a threshold (see :mod:`chatguard.textmodel`).

    A big scan scores every row at once from the token index; a draft or a rule example is
    scored on its own, to the same number. The spans are the model's strongest words.
    """

    def __init__(self, model: TextModel, threshold: float) -> None:
        self.model = model
        self.threshold = threshold
        self.cutoff = logit(threshold)

    def _rows(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        if batch.columnar and len(batch) >= PREFILTER_MIN_ROWS:
            scores = batch.model_scores(self.model)
            return np.asarray(domain[scores[domain] >= self.cutoff])
        return np.array(
            [r for r in domain.tolist() if self.model.score(batch.text(r)) >= self.cutoff],
            dtype=np.int64,
        )

    def background_work(self) -> list[Prefilter | TextModel]:
        return [self.model]

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        return self._rows(batch, domain)

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        rows = self._rows(batch, domain)
        batch.materialise(rows)
        strongest: dict[int, list[Span]] = {}  # per distinct text (see Batch.keys)
        spans: dict[int, list[Span]] = {}
        for row, key in zip(rows.tolist(), batch.keys[rows].tolist(), strict=True):
            found = strongest.get(key)
            if found is None:
                found = strongest[key] = self.model.strongest(batch.text_of(key))
            spans[row] = found
        return Hits(np.asarray(rows, dtype=np.int64), spans)


class AttachmentMatcher(Matcher):
    """An image (or any media) attached by the same person within N messages either side."""

    def __init__(self, media: str, within: int, same_author: bool) -> None:
        self.media = media
        self.within = within
        self.same_author = same_author

    def _is_media(self, batch: Batch) -> np.ndarray:
        """Which rows are media of the wanted kind (computed once per batch, from media rows
        only: most of a chat is text)."""
        key = f"\0media\0{self.media}"
        cached = batch._cache.get(key)
        if cached is not None:
            return cached
        media = np.asarray(batch.kinds == "media", dtype=bool)
        if self.media == "image":
            rows = np.flatnonzero(media)
            # An omitted medium (`<Media omitted>`) may be an image: we cannot tell, so it counts.
            other = [
                bool(name) and not _IMAGE_NAME.search(name)
                for name in batch.attachments[rows].tolist()
            ]
            media[rows[np.array(other, dtype=bool)]] = False
        batch._cache[key] = media
        return media

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        media = np.flatnonzero(self._is_media(batch))
        near = np.zeros(len(batch), dtype=bool)
        n = len(batch)
        # From each medium to the messages around it: media are few, messages many.
        for shift in range(-self.within, self.within + 1):
            if shift == 0:
                continue
            src = media - shift
            inside = (src >= 0) & (src < n)
            src, dst = src[inside], media[inside]
            ok = batch.groups[dst] == batch.groups[src]
            if self.same_author:
                ok &= batch.authors[dst] == batch.authors[src]
            near[src[ok]] = True
        rows = domain[near[domain]]
        return Hits(rows, {int(r): [] for r in rows})


class FollowsMatcher(Matcher):
    """The message comes within N messages after one that a named rule flagged (same export).

    A thread about a child goes on with "yeah him", "and the mum's no better": the child was
    identified a message or two before, so the follow-up identifies them too.
    """

    def __init__(self, rules: list[str], within: int) -> None:
        self.rules = rules
        self.within = within

    def followed_rules(self) -> list[str]:
        return list(self.rules)

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        return self.evaluate(batch, domain).rows

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        n = len(batch)
        before = np.zeros(n, dtype=bool)
        for rule in self.rules:
            before[batch.flagged.get(rule, np.zeros(0, dtype=np.int64))] = True
        # Count messages within each export: merged exports interleave by time, and a message
        # of another group in between is not part of this thread.
        order = np.lexsort((np.arange(n), batch.groups))
        groups = batch.groups[order]
        flagged_before = before[order]
        in_order = np.zeros(n, dtype=bool)
        for shift in range(1, self.within + 1):
            src = np.arange(shift, n)
            in_order[src] |= flagged_before[src - shift] & (groups[src - shift] == groups[src])
        after = np.zeros(n, dtype=bool)
        after[order] = in_order
        rows = np.asarray(domain[after[domain] & ~before[domain]], dtype=np.int64)
        return Hits(rows, {int(r): [] for r in rows})


_IMAGE_NAME = regex.compile(r"(?i)\.(?:jpe?g|png|gif|webp|heic|bmp)$|PHOTO|IMG-|Screenshot")


# --------------------------------------------------------------------------- compositions


class AnyMatcher(Matcher):
    def __init__(self, parts: list[Matcher]) -> None:
        self.parts = parts

    def entry_prefilters(self) -> list[Prefilter]:
        return [p for part in self.parts for p in part.entry_prefilters()]

    def primary_prefilters(self) -> list[Prefilter]:
        return [p for part in self.parts for p in part.primary_prefilters()]

    def background_work(self) -> list[Prefilter | TextModel]:
        return [w for part in self.parts for w in part.background_work()]

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        found = [part.candidates(batch, domain) for part in self.parts]
        return sorted_union(found) if found else domain[:0]

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        spans: dict[int, list[Span]] = {}
        for part in self.parts:
            hits = part.evaluate(batch, domain)
            for row in hits.rows.tolist():
                spans.setdefault(row, []).extend(hits.spans.get(row, []))
        return Hits(np.array(sorted(spans), dtype=np.int64), spans)


class AllMatcher(Matcher):
    def __init__(self, parts: list[Matcher]) -> None:
        self.parts = parts

    def entry_prefilters(self) -> list[Prefilter]:
        return [p for part in self.parts for p in part.entry_prefilters()]

    def primary_prefilters(self) -> list[Prefilter]:
        return self.parts[0].primary_prefilters() if self.parts else []

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        for part in self.parts:
            domain = part.candidates(batch, domain)
            if len(domain) == 0:
                break
        return domain

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        spans: dict[int, list[Span]] = {}
        rows = self.candidates(batch, domain)
        for index, part in enumerate(self.parts):
            hits = part.evaluate(batch, rows)
            rows = hits.rows
            if index == 0:
                spans = {r: list(hits.spans.get(r, [])) for r in rows.tolist()}
            else:
                spans = {r: spans[r] + hits.spans.get(r, []) for r in rows.tolist()}
            if len(rows) == 0:
                break
        return Hits(rows, spans)


class NotMatcher(Matcher):
    def __init__(self, part: Matcher) -> None:
        self.part = part

    def entry_prefilters(self) -> list[Prefilter]:
        return self.part.entry_prefilters()

    def primary_prefilters(self) -> list[Prefilter]:
        return []  # `not` reads only the rows its rule already has

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        hit = self.part.evaluate(batch, domain).rows
        rows = np.setdiff1d(domain, hit, assume_unique=True)
        return Hits(rows, {int(r): [] for r in rows})


_WORD = regex.compile(r"[\p{L}\p{N}']+")


class NearMatcher(Matcher):
    """Two matchers whose spans lie within N words of each other."""

    def __init__(self, first: Matcher, second: Matcher, within: int, ordered: bool) -> None:
        self.first = first
        self.second = second
        self.within = within
        self.ordered = ordered

    def entry_prefilters(self) -> list[Prefilter]:
        return self.first.entry_prefilters() + self.second.entry_prefilters()

    def primary_prefilters(self) -> list[Prefilter]:
        return self.first.primary_prefilters()

    def candidates(self, batch: Batch, domain: np.ndarray) -> np.ndarray:
        domain = self.first.candidates(batch, domain)
        return self.second.candidates(batch, domain) if len(domain) else domain

    def evaluate(self, batch: Batch, domain: np.ndarray) -> Hits:
        domain = self.candidates(batch, domain)
        a = self.first.evaluate(batch, domain)
        if len(a.rows) == 0:
            return Hits.none()
        b = self.second.evaluate(batch, a.rows)
        spans: dict[int, list[Span]] = {}
        # Copies of a text with the same spans pair up the same way: worked out once.
        paired: dict[tuple[int, tuple[Span, ...], tuple[Span, ...]], list[Span]] = {}
        rows = b.rows.tolist()
        for row, key in zip(rows, batch.keys[b.rows].tolist(), strict=True):
            left, right = a.spans.get(row, []), b.spans.get(row, [])
            at = (key, tuple(left), tuple(right))
            pairs = paired.get(at)
            if pairs is None:
                pairs = paired[at] = self._close_pairs(batch.text_of(key), left, right)
            if pairs:
                spans[row] = pairs
        return Hits(np.array(sorted(spans), dtype=np.int64), spans)

    def _close_pairs(self, text: str, left: list[Span], right: list[Span]) -> list[Span]:
        found: list[Span] = []
        words: _WordRuns | None = None
        for x in left:
            for y in right:
                if self.ordered and y[0] < x[0]:
                    continue
                first, second = (x, y) if x[0] <= y[0] else (y, x)
                if second[0] < first[1]:  # overlapping spans share words: not two things
                    continue
                if words is None:
                    words = _WordRuns(text)
                if words.between(first[1], second[0]) <= self.within:
                    found.extend([x, y])
        return sorted(set(found))


class _WordRuns:
    """Counts the words (runs of :data:`_WORD`) of a stretch of one text, as if cut out of it.

    ``near`` asks this for every pair of spans, and a message with many (pronouns, names) has
    many pairs: one pass over the text, then two bisections per stretch.
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [m.start() for m in _WORD.finditer(text)]

    def between(self, start: int, end: int) -> int:
        """``len(_WORD.findall(text[start:end]))``: the runs starting inside, plus one cut
        in two by ``start``."""
        if start >= end:
            return 0
        inside = bisect_left(self.starts, end) - bisect_left(self.starts, start)
        text = self.text
        cut = start > 0 and _WORD.fullmatch(text[start - 1 : start + 1]) is not None
        return inside + (1 if cut else 0)


# --------------------------------------------------------------------------- compiling specs


@dataclass(frozen=True)
class Vocabulary:
    """Named word lists a rule can pull in with ``@name`` (shared lists and the roster)."""

    lists: dict[str, list[str]]
    optional: frozenset[str] = frozenset()
    """Lists that may be empty (the roster, when none was given): they then match nothing."""
    matchers: dict[str, Any] = field(default_factory=dict)
    """Named matchers (``rules/matchers/<name>.yaml``) that rules reuse with ``use: name``."""
    models: dict[str, TextModel] = field(default_factory=dict)
    """Text models (``rules/models/<name>.json``) that rules use with ``model: name``."""
    using: tuple[str, ...] = ()
    """Names being expanded right now (a matcher that uses itself is an error)."""

    def expand(self, entries: Iterable[Any], at: tuple[str | int, ...]) -> list[str]:
        words: list[str] = []
        for index, entry in enumerate(entries):
            if not isinstance(entry, str) or not entry.strip():
                raise SpecError((*at, index), "expected a non-empty word")
            if entry.startswith("@"):
                name = entry[1:]
                if name not in self.lists:
                    close = difflib.get_close_matches(name, self.lists, n=1)
                    hint = f" (did you mean @{close[0]}?)" if close else ""
                    raise SpecError((*at, index), f"no word list named {entry}{hint}")
                words.extend(self.lists[name])
            else:
                words.append(entry.strip())
        return words


Builder = Callable[[dict[str, Any], Vocabulary, tuple[str | int, ...]], Matcher]


@dataclass(frozen=True)
class Kind:
    """One matcher kind: its options with defaults, and how to build it."""

    options: dict[str, Any]
    build: Builder
    doc: str


def _require(
    value: Any, kind: type | tuple[type, ...], at: tuple[str | int, ...], what: str
) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise SpecError(at, f"expected {what}")
    if not isinstance(value, kind):
        raise SpecError(at, f"expected {what}")
    return value


def _word_list(
    spec: dict[str, Any], key: str, vocab: Vocabulary, at: tuple[str | int, ...]
) -> list[str]:
    value = spec[key]
    if isinstance(value, str):
        value = [value]
    _require(value, list, (*at, key), "a list of words")
    words = vocab.expand(value, (*at, key))
    optional_only = bool(value) and all(
        isinstance(v, str) and v.startswith("@") and v[1:] in vocab.optional for v in value
    )
    if not words and not optional_only:
        raise SpecError((*at, key), "the list is empty")
    return words


def _build_words(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    key = "words" if "words" in spec else "phrases"
    words = _word_list(spec, key, vocab, at)
    if not words:
        return NothingMatcher()
    disguised = _require(spec.get("disguised", False), bool, (*at, "disguised"), "true or false")
    case = _require(
        spec.get("case_sensitive", False), bool, (*at, "case_sensitive"), "true or false"
    )
    as_name = _require(spec.get("as_name", False), bool, (*at, "as_name"), "true or false")
    return _word_matcher(tuple(words), disguised, case or as_name, as_name)


@functools.lru_cache(maxsize=1024)
def _word_matcher(
    words: tuple[str, ...], disguised: bool, case_sensitive: bool, as_name: bool
) -> RegexMatcher:
    """One matcher per distinct list: rules that share a list share its pattern, compiled once
    (and stored once in the compiled-pack cache that `chatguard check` reads)."""
    built: WordPattern = words_pattern(
        list(words), disguised=disguised, case_sensitive=case_sensitive, as_name=as_name
    )
    return RegexMatcher(built.exact, built.prefilter, generated=built)


def _build_pattern(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    pattern = _require(spec["pattern"], str, (*at, "pattern"), "a regular expression")
    case = _require(
        spec.get("case_sensitive", False), bool, (*at, "case_sensitive"), "true or false"
    )
    flags = 0 if case else regex.IGNORECASE
    try:
        return RegexMatcher(pattern, to_re2(pattern, case_sensitive=case), flags=flags)
    except SpecError as exc:
        raise SpecError((*at, "pattern"), exc.message) from exc


def _build_shouting(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    _require(spec["shouting"], bool, (*at, "shouting"), "true")
    letters = _require(spec.get("min_letters", 12), int, (*at, "min_letters"), "a whole number")
    if letters < 1:
        raise SpecError((*at, "min_letters"), "expected a whole number of at least 1")
    ratio = _require(spec.get("ratio", 0.8), (int, float), (*at, "ratio"), "a number from 0 to 1")
    if not 0 < ratio <= 1:
        raise SpecError((*at, "ratio"), "expected a number from 0 to 1")
    return ShoutingMatcher(letters, float(ratio))


def _build_model(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    name = _require(spec["model"], str, (*at, "model"), "the name of a model in models/")
    model = vocab.models.get(name)
    if model is None:
        close = difflib.get_close_matches(name, vocab.models, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise SpecError((*at, "model"), f"no model named {name}{hint}")
    threshold = _require(
        spec.get("threshold", model.suggested_threshold),
        (int, float),
        (*at, "threshold"),
        "a probability between 0 and 1",
    )
    if not 0 < threshold < 1:
        raise SpecError((*at, "threshold"), "expected a probability between 0 and 1")
    return ModelMatcher(model, float(threshold))


def _build_follows(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    rules = spec["follows"]
    if isinstance(rules, str):
        rules = [rules]
    _require(rules, list, (*at, "follows"), "a list of rule ids")
    if not rules or not all(isinstance(r, str) and r.strip() for r in rules):
        raise SpecError((*at, "follows"), "expected a list of rule ids")
    within = _require(spec.get("within", 3), int, (*at, "within"), "a whole number")
    if not 1 <= within <= MAX_ATTACHMENT_WINDOW:
        raise SpecError(
            (*at, "within"), f"expected a whole number from 1 to {MAX_ATTACHMENT_WINDOW}"
        )
    return FollowsMatcher([r.strip() for r in rules], within)


def _build_attachment(
    spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]
) -> Matcher:
    media = _require(spec["attachment"], str, (*at, "attachment"), "image or media")
    if media not in {"image", "media"}:
        raise SpecError((*at, "attachment"), "expected image or media")
    within = _require(spec.get("within", 1), int, (*at, "within"), "a whole number of messages")
    if not 0 <= within <= MAX_ATTACHMENT_WINDOW:
        raise SpecError(
            (*at, "within"),
            f"expected a whole number of messages from 0 to {MAX_ATTACHMENT_WINDOW}",
        )
    same = _require(spec.get("same_author", True), bool, (*at, "same_author"), "true or false")
    return AttachmentMatcher(media, within, same)


def _parts(
    spec: dict[str, Any], key: str, vocab: Vocabulary, at: tuple[str | int, ...]
) -> list[Matcher]:
    value = _require(spec[key], list, (*at, key), "a list of matchers")
    if not value:
        raise SpecError((*at, key), "the list is empty")
    return [compile_matcher(part, vocab, (*at, key, i)) for i, part in enumerate(value)]


def _build_any(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    return AnyMatcher(_parts(spec, "any", vocab, at))


def _build_all(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    return AllMatcher(_parts(spec, "all", vocab, at))


def _build_not(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    return NotMatcher(compile_matcher(spec["not"], vocab, (*at, "not")))


def _build_use(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    name = _require(spec["use"], str, (*at, "use"), "the name of a shared matcher")
    if name not in vocab.matchers:
        close = difflib.get_close_matches(name, list(vocab.matchers), n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise SpecError((*at, "use"), f"no shared matcher named {name!r}{hint}")
    if name in vocab.using:
        raise SpecError((*at, "use"), f"shared matcher {name!r} uses itself")
    inner = Vocabulary(
        vocab.lists, vocab.optional, vocab.matchers, vocab.models, (*vocab.using, name)
    )
    try:
        return compile_matcher(vocab.matchers[name], inner, ("match",))
    except SpecError as exc:
        raise SpecError((*at, "use"), f"in shared matcher {name!r}: {exc.message}") from exc


def _build_near(spec: dict[str, Any], vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    parts = _parts(spec, "near", vocab, at)
    if len(parts) != 2:
        raise SpecError((*at, "near"), "expected exactly two matchers")
    within = _require(spec.get("within", 5), int, (*at, "within"), "a whole number of words")
    if within < 0:
        raise SpecError((*at, "within"), "expected a whole number of words, 0 or more")
    ordered = _require(spec.get("ordered", False), bool, (*at, "ordered"), "true or false")
    return NearMatcher(parts[0], parts[1], within, ordered)


#: Every matcher kind: its options (with defaults) and builder. The schema is these keys.
KINDS: dict[str, Kind] = {
    "words": Kind(
        {"disguised": False, "case_sensitive": False, "as_name": False},
        _build_words,
        "whole words, any case; '@name' includes a shared list",
    ),
    "phrases": Kind(
        {"disguised": False, "case_sensitive": False, "as_name": False},
        _build_words,
        "whole phrases; spaces match any run of white space",
    ),
    "pattern": Kind(
        {"case_sensitive": False},
        _build_pattern,
        "a regular expression (regex module), with a time limit",
    ),
    "shouting": Kind(
        {"min_letters": 12, "ratio": 0.8},
        _build_shouting,
        "mostly capital letters over a minimum length",
    ),
    "attachment": Kind(
        {"within": 1, "same_author": True},
        _build_attachment,
        "an image or media attached within N messages by the same person",
    ),
    "model": Kind(
        {"threshold": 0.8},
        _build_model,
        "a text model from rules/models/<name>.json scores over a threshold",
    ),
    "follows": Kind(
        {"within": 3},
        _build_follows,
        "within N messages after one that the named rules flagged (same export)",
    ),
    "use": Kind({}, _build_use, "a shared matcher from rules/matchers/<name>.yaml"),
    "any": Kind({}, _build_any, "at least one of the matchers"),
    "all": Kind({}, _build_all, "every one of the matchers"),
    "not": Kind({}, _build_not, "the matcher does not match"),
    "near": Kind(
        {"within": 5, "ordered": False}, _build_near, "two matchers within N words of each other"
    ),
}


def compile_matcher(spec: Any, vocab: Vocabulary, at: tuple[str | int, ...]) -> Matcher:
    """Validate and compile one matcher spec; :class:`SpecError` says where it is wrong."""
    depth = sum(1 for part in at if part in {"any", "all", "not", "near", "use"})
    if depth > MAX_DEPTH:
        raise SpecError(at, f"matchers nested more than {MAX_DEPTH} deep")
    if not isinstance(spec, dict):
        raise SpecError(at, f"expected a matcher (a mapping with one of: {', '.join(KINDS)})")
    kinds = [k for k in spec if k in KINDS]
    if len(kinds) != 1:
        unknown = [k for k in spec if k not in KINDS]
        if not kinds and unknown:
            close = difflib.get_close_matches(str(unknown[0]), list(KINDS), n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            raise SpecError((*at, str(unknown[0])), f"unknown matcher kind{hint}")
        raise SpecError(at, f"expected exactly one of: {', '.join(KINDS)}")
    kind = KINDS[kinds[0]]
    for key in spec:
        if key != kinds[0] and key not in kind.options:
            known = list(kind.options)
            close = difflib.get_close_matches(str(key), known, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            allowed = f"; {kinds[0]} takes {', '.join(known)}" if known else ""
            raise SpecError((*at, str(key)), f"unknown option{hint}{allowed}")
    return kind.build(spec, vocab, at)


#: Python's \w and \s, spelt for RE2 (whose own are ASCII-only).
_RE2_WORD = r"\p{L}\p{N}\p{Mn}\p{Mc}\p{Pc}"
_RE2_SPACE = (
    r"\t\n\x{b}\x{c}\r\x{1c}-\x{20}\x{85}\x{a0}\x{1680}\x{2000}-\x{200a}"
    r"\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}"
)


def to_re2(pattern: str, *, case_sensitive: bool) -> str | None:
    """An RE2 prefilter that finds a superset of what ``pattern`` finds, or None.

    RE2 lacks look-arounds, back-references and atomic groups, and its ``\\b \\w \\d \\s``
    are ASCII-only. A looser pattern is still a superset, so we drop look-around groups and word
    boundaries, read atomic groups and possessive repeats as ordinary ones, let a back-reference
    match anything, and spell the classes in Unicode. What cannot be translated gives None:
    then the exact pass reads every row.
    """
    if regex.search(r"\\[GKXRN]|\\g<|\(\?#|\(\?[a-zA-Z]*x|\{,|\(\?[a-zA-Z]*[LuV]", pattern):
        return None
    out: list[str] = []
    in_class = False
    i = 0
    n = len(pattern)
    while i < n:
        char = pattern[i]
        if char == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            if not in_class and nxt in "bB":
                i += 2
                continue
            if nxt in _RE2_CLASSES:
                outside, inside = _RE2_CLASSES[nxt]
                out.append(inside if in_class else outside)
                i += 2
                continue
            if nxt in "WDS":
                return None
            if not in_class and nxt.isdigit() and nxt != "0":
                out.append("(?s:.*)")  # a back-reference matches some text: any text will do
                i += 2
                continue
            out.append(r"\z" if nxt == "Z" and not in_class else pattern[i : i + 2])
            i += 2
            continue
        if in_class:
            if char == "]":
                in_class = False
            out.append(char)
            i += 1
            continue
        if char == "[":
            in_class = True
            out.append(char)
            if pattern.startswith("^", i + 1):
                out.append("^")
                i += 1
            if pattern.startswith("]", i + 1):
                out.append("\\]")
                i += 1
            i += 1
            continue
        if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
            end = _group_end(pattern, i)
            if end is None:
                return None
            i = end  # drop the look-around: matching without it finds more, never less
            continue
        if pattern.startswith("(?P=", i):
            end = pattern.find(")", i)
            if end < 0:
                return None
            out.append("(?s:.*)")
            i = end + 1
            continue
        if pattern.startswith("(?>", i):
            out.append("(?:")
            i += 3
            continue
        if char == "+" and out and out[-1] in {"*", "+", "?", "}"}:
            i += 1  # possessive `a++` reads as `a+`
            continue
        out.append(char)
        i += 1
    translated = "".join(out)
    return translated if case_sensitive else "(?i)" + translated


_RE2_CLASSES = {
    "w": (f"[{_RE2_WORD}]", _RE2_WORD),
    "d": (r"\p{Nd}", r"\p{Nd}"),
    "s": (f"[{_RE2_SPACE}]", _RE2_SPACE),
}


def _group_end(pattern: str, start: int) -> int | None:
    """Index just past the group opening at ``start`` (escapes and classes respected)."""
    depth = 0
    in_class = False
    i = start
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None
