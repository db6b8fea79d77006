"""The default rule pack: every rule's own examples, its docs, and what must never fire."""

from __future__ import annotations

import pytest

from chatguard.ruledocs import rules_markdown
from chatguard.rulefile import CATEGORIES, load_rules
from chatguard.ruletest import flagged_examples
from chatguard.scan import check_text, load_ruleset
from tests.conftest import ROOT

PACK = load_rules()


def _examples() -> list[tuple[str, str, bool]]:
    cases = []
    for rule in PACK.rules:
        cases += [(rule.id, text, True) for text in rule.spec.examples.match]
        cases += [(rule.id, text, False) for text in rule.spec.examples.ok]
    return cases


@pytest.mark.parametrize(("rule_id", "text", "flags"), _examples())
def test_rule_example(rule_id: str, text: str, flags: bool) -> None:
    rule = PACK.by_id(rule_id)
    hits = flagged_examples(PACK, rule, [text])
    assert bool(hits) == flags, f"{rule_id} {'should' if flags else 'should not'} flag {text!r}"


def test_every_rule_has_examples_both_ways() -> None:
    for rule in PACK.rules:
        assert rule.spec.examples.match, f"{rule.id} has no match examples"
        assert rule.spec.examples.ok, f"{rule.id} has no ok examples"


def test_pack_covers_every_category() -> None:
    covered = {rule.category for rule in PACK.rules}
    assert covered == set(CATEGORIES)


def test_docs_rules_md_is_current() -> None:
    generated = rules_markdown(PACK)
    on_disk = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert on_disk == generated, (
        "docs/rules.md is stale: run `chatguard rules docs -o docs/rules.md --force`"
    )


INNOCENT = [
    "We're driving through Scunthorpe on Saturday",
    "Cocktail evening for the PTA!",
    "The assassin costume was a hit at the party",
    "Mr Hancock's class won the quiz",
    "Holiday cottage in Cockermouth, highly recommend",
    "Shiitake mushrooms on the harvest stall",
    "Penistone Road is closed again",
    "Dick Whittington panto tickets are on sale",
    "Spotted dick and custard for pudding today",
    "Mr Pratt the caretaker fixed the gate",
    "Twatt is a tiny village in Orkney",
    "Lost: navy jumper with Jack's name label, size 7-8",
    "Amelia's party is on Saturday at 2, all welcome!",
    "I emailed the office about dinner money",
    "Mrs Patel was brilliant at the assembly",
    "Does anyone know the uniform policy on trainers?",
    "Will you bring cakes for the fair?",
    "Grace and Rose are having a sleepover",
    "It's hit the news already",
    "Class assembly is on Friday, please pass it on",
]


@pytest.mark.parametrize("text", INNOCENT)
def test_ordinary_chatter_stays_quiet(text: str) -> None:
    hits = check_text(text, load_ruleset())
    assert not hits, [(h.rule.id, text) for h in hits]
