"""Run the examples written beside each rule (``examples: {match: […], ok: […]}``).

`chatguard rules test` and the pytest suite both use this, so a rule's documentation is also
its test, as in Semgrep's rule files.
"""

from __future__ import annotations

import numpy as np

from chatguard.engine import apply_rule
from chatguard.matchers import Batch
from chatguard.rulefile import Rule, RuleSet


def example_batch(rule: Rule, texts: list[str]) -> Batch:
    """Examples are messages of the first kind the rule reads (text, or media for OCR rules)."""
    return Batch.of_texts(texts, kind=rule.spec.applies_to[0] if rule.spec.applies_to else "text")


def run_examples(pack: RuleSet) -> list[str]:
    """One line per failing example: ``rule-id: should flag / should not flag: "text"``."""
    failures: list[str] = []
    for rule in pack.rules:
        examples = rule.spec.examples
        texts = [*examples.match, *examples.ok]
        if not texts:
            continue
        flagged = flagged_examples(pack, rule, texts)
        for i, text in enumerate(examples.match):
            if i not in flagged:
                failures.append(f"{rule.id}: should flag: {text!r} ({rule.path})")
        for j, text in enumerate(examples.ok, start=len(examples.match)):
            if j in flagged:
                failures.append(f"{rule.id}: should not flag: {text!r} ({rule.path})")
    return failures


def flagged_examples(pack: RuleSet, rule: Rule, texts: list[str]) -> set[int]:
    """Which examples the rule flags; for a rule that follows others, each example is a reply
    to ``examples.after`` (the two a thread of their own, the followed rules applied first)."""
    after = rule.spec.examples.after
    followed = rule.matcher.followed_rules()
    if not followed or after is None:
        return {hit.row for hit in apply_rule(rule, example_batch(rule, texts))}
    batch = example_batch(rule, [t for text in texts for t in (after, text)])
    batch.groups = np.repeat(np.arange(len(texts)), 2)
    known = {r.id: r for r in pack.rules}
    for rule_id in followed:
        if rule_id in known:
            rows = [hit.row for hit in apply_rule(known[rule_id], batch)]
            batch.flagged[rule_id] = np.array(rows, dtype=np.int64)
    return {hit.row // 2 for hit in apply_rule(rule, batch) if hit.row % 2 == 1}
