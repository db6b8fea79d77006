"""An index of the words of every message, so a word list narrows a scan by lookup, not a pass.

A word list's RE2 prefilter costs one pass over the whole message column (about 0.14 s per
million messages), and the default pack has well over a hundred lists. The index is built once
per scan (about a second per million messages, on both cores) and then answers "which messages
contain one of these words" from arrays. It is only ever used to *narrow* the rows a list's RE2
prefilter then runs on, never to decide a match, so a scan finds exactly what it found without
it; the narrowing must therefore never drop a row the prefilter would match. That holds because:

- A token is a maximal run of ASCII letters and digits, lower-cased; every other byte (space,
  punctuation, and every byte of a non-ASCII character) separates tokens. A list uses the index
  only when every entry is ASCII in its letters and digits, and a prefilter match needs each of
  an entry's letter/digit runs bounded by non-letters/digits, so each run is a whole token here
  (a non-ASCII letter next to it only splits the text more finely: more rows, never fewer).
- RE2, ignoring case, folds two non-ASCII characters to ASCII letters (``ſ`` to s, the Kelvin
  sign to k); Python's ``re`` adds dotted and dotless i. Messages holding any of them are always
  kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

#: Characters a case-insensitive regular expression may read as an ASCII letter.
FOLDS_TO_ASCII = "\u0130\u0131\u017f\u212a"

#: One entry of a word list, as the lower-case ASCII letter/digit runs it is made of.
Pieces = tuple[str, ...]


@dataclass(frozen=True)
class Lookup:
    """How the index finds the rows a word list can match: by its words, or its symbols.

    ``words`` holds each entry that has letters or digits as its runs of them; ``symbols`` each
    entry with none (an emoji, ``£``) as a literal every match contains.
    """

    words: tuple[Pieces, ...]
    symbols: tuple[str, ...]


@dataclass(frozen=True)
class Needs:
    """What a regular expression needs: options, each literals one of which every match holds.

    Read from the pattern by :func:`chatguard.literals.required_literals`; lower-case.
    """

    options: tuple[tuple[str, ...], ...]


#: A plan: vocabulary ids to look for, and symbols to find literally.
Plan = tuple[np.ndarray, tuple[str, ...]]

#: How many of a pattern's strongest options are costed against the index.
OPTIONS_COSTED = 3

_RUN = re.compile(r"[a-z0-9]+")


def lookup_for(entries: Sequence[str]) -> Lookup | None:
    """The lookup for a plain word list, or None when one entry cannot be served by the index."""
    words: list[Pieces] = []
    symbols: list[str] = []
    for entry in entries:
        pieces = entry_pieces(entry)
        if pieces is None:
            return None
        if pieces:
            words.append(pieces)
            continue
        # No letters or digits: the longest run without spaces, matched literally. Quotes
        # match either kind in the pattern, and a character with a case could be folded.
        chunk = max(entry.split(), key=len, default="")
        if not chunk or any(c in "'’" or c.lower() != c.upper() for c in chunk):
            return None
        symbols.append(chunk)
    return Lookup(tuple(words), tuple(sorted(set(symbols))))


def entry_pieces(entry: str) -> Pieces | None:
    """The letter/digit runs of a word or phrase (none for a symbol); None if not ASCII."""
    low = entry.lower()
    if any(char.isalnum() and not char.isascii() for char in low):
        return None
    pieces: list[str] = []
    run: list[str] = []
    for char in low + " ":
        if char.isascii() and char.isalnum():
            run.append(char)
        elif run:
            pieces.append("".join(run))
            run = []
    return tuple(pieces)


def _byte_table() -> np.ndarray:
    table = np.full(256, ord(" "), dtype=np.uint8)
    for code in b"abcdefghijklmnopqrstuvwxyz0123456789":
        table[code] = code
    for code in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[code] = code + 32
    return table


_BYTES = _byte_table()


@dataclass
class TokenIndex:
    """Every token of a column of messages: its vocabulary id and the row it is in."""

    token_ids: np.ndarray
    """int32, one per token, in row order."""
    token_rows: np.ndarray
    """int32, the row of each token."""
    vocabulary: Any
    """A pyarrow string array: the distinct tokens, indexed by id."""
    counts: np.ndarray
    """How many times each vocabulary entry occurs."""
    always: np.ndarray
    """Rows (sorted) holding a character in :data:`FOLDS_TO_ASCII`: never narrowed away."""
    rows: int
    """How many messages the column holds."""
    _symbol_rows: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _texts: Any = field(default=None, repr=False)
    _containing: dict[str, np.ndarray] = field(default_factory=dict, repr=False)
    _joined: tuple[str, np.ndarray] | None = field(default=None, repr=False)
    _focused: np.ndarray | None = field(default=None, repr=False)
    _same_row: np.ndarray | None = field(default=None, repr=False)
    _bytes: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)
    _focus_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32), repr=False)
    _focus_starts: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64), repr=False)

    @classmethod
    def build(cls, texts: Any) -> TokenIndex:
        """Tokenise a pyarrow string column, in two halves on two threads."""
        from concurrent.futures import ThreadPoolExecutor  # (imported here: not on `check`'s path)

        import pyarrow as pa
        import pyarrow.compute as pc

        if isinstance(texts, pa.ChunkedArray):
            texts = texts.combine_chunks()
        n = len(texts)
        half = n // 2
        with ThreadPoolExecutor(max_workers=2) as pool:
            halves = [
                pool.submit(_tokenise, texts.slice(0, half)),
                pool.submit(_tokenise, texts.slice(half)),
            ]
            folding = pool.submit(pc.match_substring_regex, texts, f"[{FOLDS_TO_ASCII}]")
            parts = [h.result() for h in halves]
            folded = folding.result()
        tokens = pa.concat_arrays([p[0] for p in parts])
        rows = np.concatenate([parts[0][1], parts[1][1] + half]).astype(np.int32, copy=False)
        encoded = pc.dictionary_encode(tokens)
        ids = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int32)
        vocabulary = encoded.dictionary
        counts = np.bincount(ids, minlength=len(vocabulary))
        always = np.flatnonzero(
            np.asarray(pc.fill_null(folded, False).to_numpy(zero_copy_only=False), dtype=bool)
        )
        return cls(ids, rows, vocabulary, counts, always, n, _texts=texts)

    def plan(self, lookup: Lookup | Needs) -> Plan | None:
        """The ids and symbols that find every row the lookup's list or pattern can match.

        None when the index cannot narrow it (a pattern whose literals it cannot read).
        """
        if isinstance(lookup, Lookup):
            return self.anchors(lookup.words), lookup.symbols
        best: tuple[int, Plan] | None = None
        strongest = sorted(lookup.options, key=_strength, reverse=True)[:OPTIONS_COSTED]
        for option in strongest:
            found = self._option_plan(option)
            if found is not None and (best is None or found[0] < best[0]):
                best = found
        return None if best is None else best[1]

    def _option_plan(self, option: tuple[str, ...]) -> tuple[int, Plan] | None:
        """(estimated cost, plan) for one option: the tokens holding each literal's longest run."""
        ids: list[np.ndarray] = []
        symbols: list[str] = []
        for literal in option:
            runs = _RUN.findall(literal.lower())
            if runs:
                ids.append(self.tokens_containing(max(runs, key=len)))
            elif literal.strip() and all(c.lower() == c.upper() for c in literal):
                symbols.append(literal)
            else:
                return None
        chosen = np.unique(np.concatenate(ids)) if ids else np.zeros(0, dtype=np.int64)
        cost = int(self.counts[chosen].sum()) + len(symbols) * len(self.token_ids)
        return cost, (chosen, tuple(symbols))

    def tokens_containing(self, run: str) -> np.ndarray:
        """Vocabulary ids of the tokens that contain ``run`` (lower-case letters/digits)."""
        cached = self._containing.get(run)
        if cached is None:
            if self._joined is None:
                words = self.vocabulary.to_pylist()
                lengths = np.fromiter((len(w) + 1 for w in words), np.int64, len(words))
                starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
                self._joined = ("\n".join(words), starts)
            joined, starts = self._joined
            at = [m.start() for m in re.finditer(re.escape(run), joined)]
            found = np.searchsorted(starts, np.array(at, dtype=np.int64), side="right") - 1
            cached = np.unique(found)
            self._containing[run] = cached
        return cached

    def same_row(self) -> np.ndarray:
        """For each token but the last: is the next token in the same message? (cached)"""
        cached = self._same_row
        if cached is None:
            cached = self.token_rows[:-1] == self.token_rows[1:]
            self._same_row = cached
        return cached

    def estimate(self, plan: Plan) -> int:
        """An upper bound on the rows a plan finds (its tokens' occurrences; a symbol: all)."""
        ids, symbols = plan
        found = int(self.counts[ids].sum()) + len(self.always)
        return found + sum(len(self.symbol_rows(symbol)) for symbol in symbols)

    def rows_for(self, plan: Plan) -> np.ndarray:
        """Sorted rows holding one of the plan's tokens or symbols (and the always-rows)."""
        ids, symbols = plan
        mask = np.zeros(self.rows, dtype=bool)
        if self._focused is not None and bool(self._focused[ids].all()):
            starts = self._focus_starts
            for i in ids.tolist():
                mask[self._focus_rows[starts[i] : starts[i + 1]]] = True
        elif len(ids):
            wanted = np.zeros(len(self.counts), dtype=bool)
            wanted[ids] = True
            mask[self.token_rows[wanted[self.token_ids]]] = True
        mask[self.always] = True
        for symbol in symbols:
            mask[self.symbol_rows(symbol)] = True
        return np.flatnonzero(mask)

    def focus_symbols(self, symbols: Iterable[str]) -> None:
        """Find the rows of many symbols at once, in the column's UTF-8 bytes.

        A symbol's rows are where its bytes start: the places of its first byte (shared by
        every symbol that starts alike, so all emoji cost one search of the column) narrowed
        by each next byte. UTF-8 never starts a character inside another, so this finds exactly
        the messages ``symbol in text`` is true of.
        """
        wanted = sorted(set(symbols) - set(self._symbol_rows))
        if not wanted:
            return
        data, starts = self._utf8()
        by_first: dict[int, np.ndarray] = {}
        for symbol in wanted:
            raw = symbol.encode("utf-8")
            if not raw:
                self._symbol_rows[symbol] = np.arange(self.rows, dtype=np.int64)
                continue
            at = by_first.get(raw[0])
            if at is None:
                at = by_first[raw[0]] = np.flatnonzero(data == raw[0])
            at = at[at + len(raw) <= len(data)]
            for k in range(1, len(raw)):
                at = at[data[at + k] == raw[k]]
            rows = np.searchsorted(starts, at, side="right") - 1
            inside = at + len(raw) <= starts[rows + 1]
            self._symbol_rows[symbol] = np.unique(rows[inside]).astype(np.int64)

    def _utf8(self) -> tuple[np.ndarray, np.ndarray]:
        """The column's bytes (uint8) and where each row starts in them (int64, rows + 1)."""
        import pyarrow as pa

        if self._bytes is None:
            texts = self._texts
            if not pa.types.is_large_string(texts.type):
                texts = texts.cast(pa.large_string())
            buffers = texts.buffers()
            offsets = np.frombuffer(buffers[1], dtype=np.int64)
            offsets = offsets[texts.offset : texts.offset + len(texts) + 1]
            first, last = (int(offsets[0]), int(offsets[-1])) if len(offsets) else (0, 0)
            raw = buffers[2]
            data = (
                np.frombuffer(raw, dtype=np.uint8)[first:last]
                if raw is not None
                else np.zeros(0, dtype=np.uint8)
            )
            self._bytes = (data, offsets - first)
        return self._bytes

    def symbol_rows(self, symbol: str) -> np.ndarray:
        """Sorted rows whose text contains ``symbol``."""
        if symbol not in self._symbol_rows:
            self.focus_symbols([symbol])
        return self._symbol_rows[symbol]

    def anchors(self, entries: Iterable[Pieces]) -> np.ndarray:
        """Vocabulary ids to look for: the rarest piece of each entry that can occur at all."""
        import pyarrow as pa
        import pyarrow.compute as pc

        entries = list(entries)
        flat = [piece for pieces in entries for piece in pieces]
        if not flat:
            return np.zeros(0, dtype=np.int64)
        found = pc.index_in(pa.array(flat, pa.string()), value_set=self.vocabulary)
        ids = np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)
        chosen: list[int] = []
        at = 0
        for pieces in entries:
            these = ids[at : at + len(pieces)]
            at += len(pieces)
            if (these < 0).any():
                continue  # a piece that occurs nowhere: this entry matches nowhere
            chosen.append(int(these[np.argmin(self.counts[these])]))
        return np.unique(np.array(chosen, dtype=np.int64))

    def focus(self, ids: np.ndarray) -> None:
        """Prepare fast lookups of these ids (the union of every list a scan will ask about)."""
        wanted = np.zeros(len(self.counts), dtype=bool)
        wanted[ids] = True
        positions = np.flatnonzero(wanted[self.token_ids])
        focus_ids = self.token_ids[positions]
        order = np.argsort(focus_ids, kind="stable")
        self._focus_rows = self.token_rows[positions][order]
        self._focus_starts = np.searchsorted(focus_ids[order], np.arange(len(self.counts) + 1))
        self._focused = wanted


def _tokenise(texts: Any) -> tuple[Any, np.ndarray]:
    """(tokens, row of each token) of one slice of the column."""
    import pyarrow as pa
    import pyarrow.compute as pc

    buffers = texts.buffers()
    data = buffers[2]
    mapped = pa.py_buffer(_BYTES[np.frombuffer(data, dtype=np.uint8)]) if data is not None else None
    spaced = pa.Array.from_buffers(
        texts.type, len(texts), [buffers[0], buffers[1], mapped], offset=texts.offset
    )
    split = pc.ascii_split_whitespace(spaced)
    offsets = np.asarray(split.offsets.to_numpy(), dtype=np.int64)
    rows = np.repeat(np.arange(len(texts), dtype=np.int32), np.diff(offsets))
    return split.values.slice(offsets[0], offsets[-1] - offsets[0]), rows


def _strength(option: tuple[str, ...]) -> tuple[int, int]:
    """Longer literals are rarer; fewer alternatives are cheaper."""
    return (min(len(x.strip()) for x in option), -len(option))
