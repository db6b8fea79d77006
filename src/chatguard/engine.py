"""Apply compiled rules to a batch of messages: whole-column matching, exceptions, spans.

For each rule the domain is the messages of the kinds it reads; its matcher narrows that to the
rows that match (see :mod:`chatguard.matchers`); span-level ``exceptions`` drop matched words
that sit inside an allowed phrase (``Dick Whittington``, ``spotted dick``); message-level
``unless`` matchers drop the whole message (a birthday party, a lost jumper).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from chatguard.matchers import Batch, Span
from chatguard.rulefile import Rule, RuleSet
from chatguard.textmodel import TextModel


@dataclass(frozen=True)
class RuleHit:
    """One message matched by one rule, with the character spans that triggered it."""

    row: int
    rule: Rule
    spans: tuple[Span, ...]


def apply_rule(rule: Rule, batch: Batch) -> list[RuleHit]:
    """The messages of ``batch`` that ``rule`` flags."""
    batch.rule = rule.id
    domain = batch.domain(tuple(rule.spec.applies_to))
    domain = rule.matcher.candidates(batch, domain)
    if len(domain) == 0:
        return []
    hits = rule.matcher.evaluate(batch, domain)
    rows = hits.rows
    spans = {int(r): sorted(set(hits.spans.get(int(r), []))) for r in rows}
    if rule.exceptions is not None and len(rows):
        allowed = rule.exceptions.evaluate(batch, rows)
        for row in allowed.rows.tolist():
            kept = [s for s in spans[row] if not _covered(s, allowed.spans.get(row, []))]
            if kept:
                spans[row] = kept
            else:  # every matched word sits inside an allowed phrase (or none was matched)
                del spans[row]
        rows = np.array(sorted(spans), dtype=np.int64)
    for exception in rule.unless:
        if len(rows) == 0:
            break
        dropped = exception.evaluate(batch, rows).rows
        rows = np.setdiff1d(rows, dropped, assume_unique=True)
    return [RuleHit(int(r), rule, tuple(spans[int(r)])) for r in rows.tolist()]


def _covered(span: Span, allowed: list[Span]) -> bool:
    return any(a[0] <= span[0] and span[1] <= a[1] for a in allowed)


#: Called with (what, done, total) as long work advances (the CLI draws a progress bar).
Progress = Callable[[str, int, int], None]


def apply_rules(rules: RuleSet, batch: Batch, progress: Progress | None = None) -> list[RuleHit]:
    """Every (message, rule) hit, in message order then rule order."""
    hits: list[RuleHit] = []
    ordered = in_dependency_order(rules.rules)
    # The text models are the longest background job: it starts first (a stable sort keeps the
    # rest in rule order), and the rules that wait for it are applied after the others.
    work = sorted(
        (w for rule in ordered for w in rule.matcher.background_work()),
        key=lambda w: not isinstance(w, TextModel),
    )
    with batch.prefiltering(work):
        for done, rule in enumerate(ordered, start=1):
            found = apply_rule(rule, batch)
            batch.flagged[rule.id] = np.array([h.row for h in found], dtype=np.int64)
            hits.extend(found)
            if progress is not None:
                progress("Applying rules", done, len(ordered))
    hits.sort(key=lambda h: (h.row, h.rule.category, h.rule.id))
    return hits


def in_dependency_order(rules: list[Rule]) -> list[Rule]:
    """Rules that read other rules' findings (``follows:``) after the rules they read, and
    rules that wait for a text model's scores after the rest of those that read none."""
    reading = [r for r in rules if _reads(r)]
    free = [r for r in rules if not _reads(r)]
    scored = [r for r in free if _uses_a_model(r)]
    return [r for r in free if not _uses_a_model(r)] + scored + reading


def _uses_a_model(rule: Rule) -> bool:
    return any(isinstance(w, TextModel) for w in rule.matcher.background_work())


def _reads(rule: Rule) -> bool:
    matchers = [rule.matcher, *([rule.exceptions] if rule.exceptions else []), *rule.unless]
    return any(m.followed_rules() for m in matchers)


def matched_words(text: str, spans: tuple[Span, ...]) -> str:
    """The words that triggered a rule, in order, each once, joined with " … "."""
    seen: list[str] = []
    for start, end in _merge(spans):
        words = " ".join(text[start:end].split())
        if words and words not in seen:
            seen.append(words)
    return " … ".join(seen)


def _merge(spans: tuple[Span, ...]) -> list[Span]:
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(a, b) for a, b in merged]
