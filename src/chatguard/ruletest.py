"""Run the examples written beside each rule (``examples: {match: […], ok: […]}``).

`chatguard rules test` and the pytest suite both use this, so a rule's documentation is also
its test, as in Semgrep's rule files.
"""

from __future__ import annotations

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
        flagged = {hit.row for hit in apply_rule(rule, example_batch(rule, texts))}
        for i, text in enumerate(examples.match):
            if i not in flagged:
                failures.append(f"{rule.id}: should flag: {text!r} ({rule.path})")
        for j, text in enumerate(examples.ok, start=len(examples.match)):
            if j in flagged:
                failures.append(f"{rule.id}: should not flag: {text!r} ({rule.path})")
    return failures
