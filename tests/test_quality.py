"""The default pack's quality, measured the way a school would measure its own tuned rules.

- On the labelled corpus (fixtures/labelled/dev_* and holdout_*, labels.csv): precision >= 0.90
  and recall >= 0.85 in every category. (The fresh_* set, fresh_labels.csv, is kept apart: it
  measures how the rules do on chats nobody tuning them had seen, and is reported, not gated.)
- On the benign baseline (fixtures/benign/, 2,000+ ordinary class-group messages): no rule fires
  outside the reviewed list of known false positives (fixtures/benign/known-false-positives.yaml,
  a review file), as Sigma does for its rules.
"""

from __future__ import annotations

import pytest

from chatguard import read_chat
from chatguard.evaluate import evaluate
from chatguard.ignore import load_review
from chatguard.roster import load_roster
from chatguard.rulefile import CATEGORIES
from chatguard.scan import load_ruleset, scan_chat
from tests.conftest import FIXTURES

LABELLED = FIXTURES / "labelled"
BENIGN = FIXTURES / "benign"


@pytest.fixture(scope="module")
def evaluation() -> object:
    rules = load_ruleset(load_roster(LABELLED / "roster.yaml"))
    tuned_on = sorted([*LABELLED.glob("dev_*.txt"), *LABELLED.glob("holdout_*.txt")])
    return evaluate(LABELLED / "labels.csv", tuned_on, rules)


@pytest.mark.parametrize("category", CATEGORIES)
def test_precision_and_recall_on_the_labelled_corpus(evaluation: object, category: str) -> None:
    score = next(s for s in evaluation.scores if s.category == category)  # type: ignore[attr-defined]
    assert score.precision >= 0.90, (category, score.as_dict())
    assert score.recall >= 0.85, (category, score.as_dict())


def test_benign_baseline_stays_quiet() -> None:
    chat = read_chat(sorted(BENIGN.glob("*.txt")))
    assert chat.messages["author"].notna().sum() >= 2000
    known = BENIGN / "known-false-positives.yaml"
    review = load_review(known) if known.exists() else None
    result = scan_chat(chat, load_ruleset(), review=review)
    unexpected = [(f.source, f.line, f.rule, f.text) for f in result.findings]
    assert unexpected == [], (
        "new false positives on ordinary chatter (fix the rule, or review "
        "and add them to fixtures/benign/known-false-positives.yaml)"
    )


def test_ordinary_chatter_nobody_tuned_on_raises_few_false_alarms() -> None:
    """fixtures/benign/unseen/ and unseen2/ are held out: never trained on, so they show how
    noisy the pack is on schools it has never seen. unseen/: 20 of 1,032 messages flagged when it
    was written, 13 after general fixes prompted by the kinds its README names; unseen2/ (never
    tuned on at all): 38 of 1,023 when written, 30 now (2026-12-03). More than the limits below
    means a change made the pack noisier."""
    for folder, limit in (("unseen", 25), ("unseen2", 35)):
        chat = read_chat(sorted((BENIGN / folder).glob("*.txt")))
        assert chat.messages["author"].notna().sum() >= 1000
        flagged = {(f.source, f.line) for f in scan_chat(chat, load_ruleset()).findings}
        assert len(flagged) <= limit, (folder, sorted(flagged))


def test_known_false_positives_are_few_and_explained() -> None:
    known = BENIGN / "known-false-positives.yaml"
    if not known.exists():
        return
    review = load_review(known)
    assert len(review.decisions) <= 10
    assert all(d.reason for d in review.decisions)


LABEL_SETS = {
    "labels.csv": ["dev_*.txt", "holdout_*.txt"],
    "fresh_labels.csv": ["fresh_*.txt"],
    "fresh2_labels.csv": ["fresh2_*.txt"],
    "train2_labels.csv": ["train2_*.txt"],
    "tune_labels.csv": ["tune_*.txt"],
    "train3_labels.csv": ["train3_*.txt"],
    "train4_labels.csv": ["train4_*.txt"],
    "train5_labels.csv": ["train5_*.txt"],
    "train6_labels.csv": ["train6_*.txt"],
    "fresh4_labels.csv": ["fresh4_*.txt"],
    "fresh3_labels.csv": ["fresh3_*.txt"],
}


@pytest.mark.parametrize("labels", sorted(LABEL_SETS))
def test_every_label_points_at_a_message_the_parser_reads(labels: str) -> None:
    """A label the parser cannot find would be silently scored as a miss or ignored."""
    import csv

    paths = sorted(p for pattern in LABEL_SETS[labels] for p in LABELLED.glob(pattern))
    frame = read_chat(paths).messages
    by_key = {
        (str(source), int(line)): (author, text)
        for source, line, author, text in frame[["source", "line", "author", "text"]].itertuples(
            index=False
        )
    }
    with (LABELLED / labels).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        found = by_key.get((row["file"], int(row["line"])))
        assert found is not None, row
        author, text = found
        assert author == row["author"], row
        assert set(row["categories"].split(";")) <= set(CATEGORIES), row
        assert text.replace("\u200e", "").startswith(row["excerpt"].replace("\u200e", "")), row
