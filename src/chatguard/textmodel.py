"""A small linear text model: words, word pairs and a few symbols, weighed and added up.

Word lists find what their authors thought of; parents find other words. A logistic regression
over the words of labelled chats generalises a little further (measured on chats nobody tuning
the pack had seen), and stays explainable: a finding shows the words that weighed most. Models
are data like word lists (``rules/models/<name>.json``, written by ``scripts/train_models.py``),
and a rule uses one with ``model: <name>`` and a ``threshold``.

Features are counted the same way everywhere, so one message scores the same alone (``check``,
rule examples) as inside a million-message scan, where the scores come from the scan's
:class:`~chatguard.tokenindex.TokenIndex` in a few array operations:

- a token is a run of ASCII letters and digits, lower-cased (``don't`` is ``don`` and ``t``);
- a piece is three to five letters of a word, marked where the word starts and ends
  (``<cl``, ``less>``), so a word the training chats never used still weighs what its parts
  do ("clueless" beside "useless", "incompetence" beside "incompetent");
- a pair is two tokens in a row within the message;
- a symbol (an emoji, ``?``, ``!``) counts once if the message holds it.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from chatguard.errors import ChatguardError

#: The version of the model file format this code writes (2 added word pieces).
FORMAT = 2
#: The versions it reads.
FORMATS = (1, 2)
#: Lengths of the word pieces a model weighs, and the words that have them.
PIECE_SIZES = (3, 4, 5)
_PIECE_WORD = re.compile(r"[a-z]{3,20}")
_TOKEN = re.compile(r"[A-Za-z0-9]+")
#: Characters that may become symbol features: anything outside ASCII that is not a letter,
#: digit, space or quotation mark, and ASCII ? and !.
_SYMBOL = re.compile(r"[^\x00-\x7f\s\w\u2018\u2019\u201c\u201d\u200e\u200f\u202f]|[?!]")

Span = tuple[int, int]

#: Words too common to explain a finding: they may carry weight, but a report shows the words
#: with meaning ("clue", "shambles", "they can fine me"), not "she" or "the".
_PLAIN = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "d",
        "did",
        "do",
        "does",
        "don",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "him",
        "his",
        "i",
        "if",
        "in",
        "is",
        "it",
        "its",
        "just",
        "ll",
        "m",
        "me",
        "my",
        "no",
        "not",
        "of",
        "on",
        "or",
        "our",
        "re",
        "s",
        "she",
        "so",
        "t",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "they",
        "this",
        "to",
        "too",
        "up",
        "us",
        "ve",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "your",
        "all",
        "any",
        "some",
        "how",
        "why",
        "where",
        "one",
        "get",
        "got",
    ]
)


def tokens(text: str) -> list[str]:
    """The model's tokens of a text, in order."""
    return [t.lower() for t in _TOKEN.findall(text)]


def pieces(token: str) -> list[str]:
    """The word pieces of a token, in a fixed order (none for numbers, short or long words)."""
    if not _PIECE_WORD.fullmatch(token):
        return []
    marked = f"<{token}>"
    return [marked[i : i + n] for n in PIECE_SIZES for i in range(len(marked) - n + 1)]


def features(text: str) -> list[str]:
    """Every feature occurrence: tokens, ``#piece`` word pieces, ``a b`` pairs, ``§x`` for each
    distinct symbol."""
    toks = tokens(text)
    out = list(toks)
    out.extend(f"#{piece}" for tok in toks for piece in pieces(tok))
    out.extend(f"{a} {b}" for a, b in itertools.pairwise(toks))
    out.extend(f"§{s}" for s in sorted(set(_SYMBOL.findall(text))))
    return out


@dataclass(frozen=True)
class TextModel:
    """Weights of one model; ``score`` is a logit (log-odds)."""

    name: str
    category: str
    bias: float
    unigrams: dict[str, float]
    bigrams: dict[str, float]
    symbols: dict[str, float]
    pieces: dict[str, float] = field(default_factory=dict)
    description: str = ""
    suggested_threshold: float = 0.8
    meta: dict[str, Any] = field(default_factory=dict)
    _token_weights: dict[str, float] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    def token_weight(self, token: str) -> float:
        """What one occurrence of a token adds: its own weight and its pieces' (in that order,
        as the column adds them). Remembered per token: a draft or a small scan scores every
        message one at a time, and the same words come back in message after message."""
        weight = self._token_weights.get(token)
        if weight is None:
            part = 0.0
            for piece in pieces(token):
                part += self.pieces.get(piece, 0.0)
            weight = self._token_weights[token] = self.unigrams.get(token, 0.0) + part
        return weight

    def score(self, text: str) -> float:
        """The log-odds that ``text`` belongs to the category (summed as the column does)."""
        toks = tokens(text)
        uni = 0.0
        for tok in toks:
            uni += self.token_weight(tok)
        bi = 0.0
        for a, b in itertools.pairwise(toks):
            bi += self.bigrams.get(f"{a} {b}", 0.0)
        sym = 0.0
        for symbol in sorted(self.symbols):
            if symbol in text:
                sym += self.symbols[symbol]
        return self.bias + uni + bi + sym

    def strongest(self, text: str, limit: int = 3) -> list[Span]:
        """Spans of the features that pushed the score up most (what a report highlights)."""
        found: dict[str, tuple[float, list[Span]]] = {}
        matches = list(_TOKEN.finditer(text))
        for i, match in enumerate(matches):
            tok = match.group().lower()
            weight = self.token_weight(tok)
            if weight > 0:
                found.setdefault(tok, (weight, []))[1].append(match.span())
            if i + 1 < len(matches):
                pair = f"{tok} {matches[i + 1].group().lower()}"
                weight = self.bigrams.get(pair, 0.0)
                if weight > 0:
                    span = (match.start(), matches[i + 1].end())
                    found.setdefault(pair, (weight, []))[1].append(span)
        for symbol, weight in self.symbols.items():
            at = text.find(symbol)
            if weight > 0 and at >= 0:
                found[symbol] = (weight, [(at, at + len(symbol))])
        meaningful = {
            name: value
            for name, value in found.items()
            if not all(word in _PLAIN for word in name.split(" "))
        }
        ranked = sorted((meaningful or found).values(), key=lambda item: -item[0])[:limit]
        return sorted(span for _, spans in ranked for span in spans)

    def column_scores(self, index: Any) -> np.ndarray:
        """Log-odds of every row of a scan, from its token index (float64, one per row)."""
        return column_scores([self], index)[0]


def column_scores(models: Sequence[TextModel], index: Any) -> list[np.ndarray]:
    """Log-odds of every row for several models at once, from a scan's token index.

    The costly part of a model's score over a million messages is finding its word pairs among
    the tens of millions of adjacent tokens; done once for the pairs of every model together,
    each further model costs two array reads instead of a search of its own. Each row's sum is
    added up in the order :meth:`TextModel.score` adds it, so a message scores exactly the same
    alone as in a crowd.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = index.rows
    size = len(index.counts)
    vocabulary = index.vocabulary
    ids, token_rows = index.token_ids, index.token_rows
    # Every model's pairs, as codes of two vocabulary ids, in one sorted table.
    pair_names = sorted({pair for model in models for pair in model.bigrams})
    firsts = pa.array([p.split(" ")[0] for p in pair_names], pa.string())
    seconds = pa.array([p.split(" ")[1] for p in pair_names], pa.string())
    a = _positions(pc.index_in(firsts, value_set=vocabulary))
    b = _positions(pc.index_in(seconds, value_set=vocabulary))
    present = (a >= 0) & (b >= 0)
    codes = a[present] * size + b[present]
    order = np.argsort(codes, kind="stable")
    codes = codes[order]
    known_pairs = [pair_names[i] for i in np.flatnonzero(present)[order].tolist()]
    where = slot = np.zeros(0, dtype=np.int64)
    if len(codes) and len(ids) > 1:
        starts = np.zeros(size, dtype=bool)
        starts[a[present]] = True
        ends = np.zeros(size, dtype=bool)
        ends[b[present]] = True
        where = np.flatnonzero(starts[ids[:-1]] & ends[ids[1:]] & index.same_row())
        text_codes = ids[where].astype(np.int64) * size + ids[where + 1]
        slot = np.minimum(np.searchsorted(codes, text_codes), len(codes) - 1)
        hit = codes[slot] == text_codes
        where, slot = where[hit], slot[hit]
    index.focus_symbols({s for model in models for s in model.symbols})
    out: list[np.ndarray] = []
    piece_of, piece_names = _vocabulary_pieces(vocabulary, any(m.pieces for m in models))
    for model in models:
        weights = _weights_of(vocabulary, model.unigrams)
        if model.pieces and len(piece_of):
            per_piece = _weights_of(piece_names, model.pieces)
            weights = weights + np.bincount(piece_of[0], per_piece[piece_of[1]], minlength=size)
        uni = np.bincount(token_rows, weights=weights[ids], minlength=rows)
        bi = np.zeros(rows, dtype=np.float64)
        if model.bigrams and len(where):
            pair_weights = np.array([model.bigrams.get(p, 0.0) for p in known_pairs])
            mine = pair_weights[slot] != 0.0
            bi = np.bincount(
                token_rows[where[mine]], weights=pair_weights[slot[mine]], minlength=rows
            ).astype(np.float64)
        sym = np.zeros(rows, dtype=np.float64)
        for symbol in sorted(model.symbols):
            sym[index.symbol_rows(symbol)] += model.symbols[symbol]
        out.append(np.asarray(model.bias + uni + bi + sym, dtype=np.float64))
    return out


def _weights_of(entries: Any, weights: dict[str, float]) -> np.ndarray:
    """The weight of each entry of a pyarrow string array (0 where ``weights`` has none)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    out = np.zeros(len(entries), dtype=np.float64)
    if weights:
        names = list(weights)
        at = _positions(pc.index_in(entries, value_set=pa.array(names, pa.string())))
        values = np.array([weights[n] for n in names], dtype=np.float64)
        known = at >= 0
        out[known] = values[at[known]]
    return out


def _vocabulary_pieces(vocabulary: Any, wanted: bool) -> tuple[np.ndarray, Any]:
    """Every piece of every vocabulary entry: (entry ids and piece ids, in :func:`pieces`
    order), and the distinct pieces as a pyarrow array."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not wanted:
        return np.zeros((2, 0), dtype=np.int64), pa.array([], pa.string())
    owners: list[int] = []
    names: list[str] = []
    for entry, token in enumerate(vocabulary.to_pylist()):
        found = pieces(token or "")
        owners.extend([entry] * len(found))
        names.extend(found)
    encoded = pc.dictionary_encode(pa.array(names, pa.string()))
    codes = np.asarray(encoded.indices.to_numpy(zero_copy_only=False), dtype=np.int64)
    return np.array([owners, codes], dtype=np.int64).reshape(2, -1), encoded.dictionary


def _positions(found: Any) -> np.ndarray:
    import pyarrow.compute as pc

    return np.asarray(pc.fill_null(found, -1).to_numpy(zero_copy_only=False), dtype=np.int64)


def logit(probability: float) -> float:
    return math.log(probability / (1 - probability))


def load_models(folders: Sequence[Path]) -> dict[str, TextModel]:
    """Every ``models/*.json`` in the rule folders (a later folder wins)."""
    models: dict[str, TextModel] = {}
    for folder in folders:
        for path in sorted(p for p in (folder / "models").glob("*.json") if p.is_file()):
            models[path.stem] = read_model(path)
    return models


def read_model(path: Path) -> TextModel:
    """One model file, checked: a mistake names the file and what to do."""
    hint = (
        "write it with scripts/train_models.py (in chatguard's source), or remove it from models/"
    )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ChatguardError(f"{path}: not a readable model file ({exc})", hint=hint) from exc
    if not isinstance(data, dict) or data.get("chatguard-model") not in FORMATS:
        raise ChatguardError(f"{path}: not a chatguard model (format {FORMAT})", hint=hint)
    try:
        bias = float(data["bias"])
        parts = [
            {str(k): float(v) for k, v in dict(data[key]).items()}
            for key in ("unigrams", "bigrams", "symbols")
        ]
        word_pieces = {str(k): float(v) for k, v in dict(data.get("pieces", {})).items()}
        threshold = float(data.get("suggested_threshold", 0.8))
    except (KeyError, TypeError, ValueError) as exc:
        raise ChatguardError(
            f"{path}: a field is missing or not a number ({exc})", hint=hint
        ) from exc
    if not all(
        math.isfinite(v) for part in (*parts, word_pieces) for v in part.values()
    ) or not math.isfinite(bias):
        raise ChatguardError(f"{path}: a weight is not a finite number", hint=hint)
    if not 0 < threshold < 1:
        raise ChatguardError(f"{path}: suggested_threshold must be between 0 and 1", hint=hint)
    if any(len(k.split(" ")) != 2 for k in parts[1]):
        raise ChatguardError(f"{path}: every bigram must be two words", hint=hint)
    return TextModel(
        name=path.stem,
        category=str(data.get("category", "")),
        bias=bias,
        unigrams=parts[0],
        bigrams=parts[1],
        symbols=parts[2],
        pieces=word_pieces,
        description=str(data.get("description", "")),
        suggested_threshold=threshold,
        meta={k: v for k, v in data.items() if k in {"trained_on", "command", "cv"}},
    )


# --------------------------------------------------------------------------- training


@dataclass(frozen=True)
class Fitted:
    bias: float
    weights: dict[str, float]


def fit_features(
    docs: Sequence[Sequence[str]],
    labels: Sequence[bool],
    *,
    min_count: int = 2,
    l2: float = 1.0,
    epochs: int = 400,
    rate: float = 0.5,
) -> Fitted:
    """Class-balanced logistic regression by full-batch gradient descent (deterministic), on
    messages already turned into :func:`features`: training fits the same messages many times,
    once per category and per left-out set, so they are featurised once."""
    counts: dict[str, int] = {}
    for doc in docs:
        for name in set(doc):
            counts[name] = counts.get(name, 0) + 1
    names = sorted(n for n, c in counts.items() if c >= min_count)
    column = {n: i for i, n in enumerate(names)}
    rows: list[int] = []
    cols: list[int] = []
    for i, doc in enumerate(docs):
        for name in doc:
            j = column.get(name)
            if j is not None:
                rows.append(i)
                cols.append(j)
    r = np.array(rows, dtype=np.int64)
    c = np.array(cols, dtype=np.int64)
    y = np.array(labels, dtype=np.float64)
    n = len(y)
    positive = max(y.mean(), 1e-9)
    class_weight = np.where(y == 1, 0.5 / positive, 0.5 / max(1 - positive, 1e-9))
    w = np.zeros(len(names), dtype=np.float64)
    b = 0.0
    for _ in range(epochs):
        z = np.bincount(r, weights=w[c], minlength=n) + b
        p = 1 / (1 + np.exp(-z))
        g = (p - y) * class_weight
        grad = np.bincount(c, weights=g[r], minlength=len(names)) / n + l2 * w / n
        w -= rate * grad
        b -= rate * float(g.mean())
    return Fitted(b, dict(zip(names, w.tolist(), strict=True)))


def as_model_data(
    fitted: Fitted,
    *,
    category: str,
    description: str,
    keep: float = 0.02,
    max_symbols: int = 12,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The JSON a model file holds: small weights dropped, a few symbols kept, rounded."""
    unigrams: dict[str, float] = {}
    bigrams: dict[str, float] = {}
    symbols: dict[str, float] = {}
    word_pieces: dict[str, float] = {}
    for name, weight in fitted.weights.items():
        if abs(weight) < keep:
            continue
        if name.startswith("#"):
            word_pieces[name[1:]] = round(weight, 4)
        elif name.startswith("§"):
            symbols[name[1:]] = round(weight, 4)
        elif " " in name:
            bigrams[name] = round(weight, 4)
        else:
            unigrams[name] = round(weight, 4)
    strongest = sorted(symbols, key=lambda s: -abs(symbols[s]))[:max_symbols]
    return {
        "chatguard-model": FORMAT,
        "category": category,
        "description": description,
        "bias": round(fitted.bias, 4),
        **(extra or {}),
        "unigrams": dict(sorted(unigrams.items())),
        "bigrams": dict(sorted(bigrams.items())),
        "symbols": {s: symbols[s] for s in sorted(strongest)},
        "pieces": dict(sorted(word_pieces.items())),
    }
