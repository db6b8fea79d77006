"""Measure a rule set against labelled chats: precision, recall and F1 per category.

A school tunes rules to its own words; this is how it (and we) know whether a change helped.
Labels are a CSV with a row per *positive* message (``file,line,author,categories,excerpt``;
``categories`` separated by ``;``); every other authored message in the exports counts as clean.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from chatguard import model as m
from chatguard.errors import ChatguardError
from chatguard.rulefile import CATEGORIES, RuleSet

Key = tuple[str, int]


@dataclass
class CategoryScore:
    category: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.false_positives
        return self.true_positives / flagged if flagged else 1.0

    @property
    def recall(self) -> float:
        actual = self.true_positives + self.false_negatives
        return self.true_positives / actual if actual else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "category": self.category,
            "tp": self.true_positives,
            "fp": self.false_positives,
            "fn": self.false_negatives,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Mistake:
    kind: str  # "false positive" or "false negative"
    category: str
    file: str
    line: int
    text: str
    rules: list[str] = field(default_factory=list)


@dataclass
class Evaluation:
    scores: list[CategoryScore]
    messages: int
    mistakes: list[Mistake]


def read_labels(path: Path) -> dict[Key, set[str]]:
    """``(file name, header line) -> categories`` from a labels CSV."""
    if not path.is_file():
        raise ChatguardError(f"{path}: no such labels file")
    labels: dict[Key, set[str]] = {}
    try:
        return _read_label_rows(path, labels)
    except UnicodeDecodeError as exc:
        raise ChatguardError(f"{path}: not UTF-8 text", hint="save the CSV as UTF-8") from exc


def _read_label_rows(path: Path, labels: dict[Key, set[str]]) -> dict[Key, set[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"file", "line", "categories"} - set(reader.fieldnames or [])
        if missing:
            raise ChatguardError(
                f"{path}:1: the header lacks {', '.join(sorted(missing))}",
                hint="expected file,line,author,categories,excerpt",
            )
        for number, row in enumerate(reader, start=2):
            try:
                line = int(row["line"])
            except (TypeError, ValueError):
                raise ChatguardError(f"{path}:{number}: line is not a number") from None
            categories = {c.strip() for c in (row["categories"] or "").split(";") if c.strip()}
            unknown = categories - set(CATEGORIES)
            if unknown:
                raise ChatguardError(f"{path}:{number}: unknown category {sorted(unknown)[0]!r}")
            labels.setdefault((Path(row["file"]).name, line), set()).update(categories)
    return labels


def evaluate(labels_path: Path, exports: list[Path], rules: RuleSet) -> Evaluation:
    """Scan each export with ``rules`` and compare with the labels, message by message."""
    from chatguard.load import read_chat
    from chatguard.scan import scan_chat

    labels = read_labels(labels_path)
    predicted: dict[Key, set[str]] = defaultdict(set)
    fired: dict[Key, list[str]] = defaultdict(list)
    texts: dict[Key, str] = {}
    messages = 0
    seen_files: set[str] = set()
    for export in exports:
        chat = read_chat(export)
        name = Path(chat.exports[0].source.path).name
        seen_files.add(name)
        frame = chat.messages
        authored = frame[frame[m.AUTHOR].notna()]
        messages += len(authored)
        lines = set(authored[m.LINE].tolist())
        for key in labels:
            if key[0] == name and key[1] not in lines:
                raise ChatguardError(
                    f"{labels_path}: {name} line {key[1]} is not the first line of a message",
                    hint="labels point at the line with the message's timestamp",
                )
        texts.update(
            zip(
                ((name, line) for line in authored[m.LINE].tolist()),
                authored[m.TEXT].astype(str).tolist(),
                strict=True,
            )
        )
        for finding in scan_chat(chat, rules).findings:
            key = (name, finding.line)
            predicted[key].add(finding.category)
            fired[key].append(finding.rule)
    scores = {c: CategoryScore(c) for c in CATEGORIES}
    mistakes: list[Mistake] = []
    for key in sorted(texts):
        truth = labels.get(key, set())
        guess = predicted.get(key, set())
        for category in CATEGORIES:
            if category in truth and category in guess:
                scores[category].true_positives += 1
            elif category in guess:
                scores[category].false_positives += 1
                mistakes.append(Mistake("false positive", category, *key, texts[key], fired[key]))
            elif category in truth:
                scores[category].false_negatives += 1
                mistakes.append(Mistake("false negative", category, *key, texts[key]))
    unused = {k[0] for k in labels} - seen_files
    if unused:
        raise ChatguardError(
            f"{labels_path}: labels for {sorted(unused)[0]}, which was not given",
            hint="pass every export the labels refer to",
        )
    return Evaluation(list(scores.values()), messages, mistakes)
