"""Train the default pack's text models (rules/models/<category>.json) from the labelled chats.

Usage (from the repository root, with the project's venv)::

    .venv/bin/python scripts/train_models.py            # writes rules/models/*.json
    .venv/bin/python scripts/train_models.py --check    # trains and compares, writes nothing

Why it is built this way:

* Training data is every labelled set the rules were tuned on (dev + holdout, train2-6, tune)
  plus the benign baseline (fixtures/benign/*.txt, not its held-out subfolders) as negatives.
  The unseen sets (fresh_*, fresh2_* … fresh4_*, benign/unseen*) are never read here, so they
  still measure how the pack does on chats nobody tuned it on.
* Each model's threshold is chosen by leave-one-set-out cross-validation on the training data
  alone: the lowest probability at which the precision of the model by itself, on each set
  scored by a model trained on the other sets, is at least TARGET_PRECISION. Nothing about the
  unseen sets feeds into it.
* Training is deterministic (full-batch gradient descent, a fixed fold split), so running it
  twice writes the same files, and ``--check`` can tell when the data and the files disagree.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "src"))

from chatguard.evaluate import read_labels  # noqa: E402
from chatguard.load import read_chat  # noqa: E402
from chatguard.textmodel import TextModel, as_model_data, features, fit_features, logit  # noqa: E402

LABELLED = REPO / "fixtures" / "labelled"
BENIGN = REPO / "fixtures" / "benign"
OUT = REPO / "rules" / "models"
CATEGORIES = [
    "abuse",
    "child-naming",
    "defamation",
    "disrepute",
    "policy-challenge",
    "discrimination",
]
SETS = [
    ("labels.csv", ["dev_*.txt", "holdout_*.txt"]),
    ("train2_labels.csv", ["train2_*.txt"]),
    ("tune_labels.csv", ["tune_*.txt"]),
    ("train3_labels.csv", ["train3_*.txt"]),
    ("train4_labels.csv", ["train4_*.txt"]),
    ("train5_labels.csv", ["train5_*.txt"]),
    ("train6_labels.csv", ["train6_*.txt"]),
]
TARGET_PRECISION = 0.8
THRESHOLDS = [round(0.5 + 0.05 * i, 2) for i in range(10)]  # 0.5 … 0.95
DESCRIPTIONS = {
    "abuse": "personal comments, criticism or grievances about staff, pupils or parents",
    "child-naming": "a child named or described while an issue about them is discussed",
    "defamation": "claims of wrongdoing about a person, rumours, threats",
    "disrepute": "verdicts on the school, warning others away, taking it public",
    "policy-challenge": "challenging or campaigning against a school policy",
    "discrimination": "prejudiced remarks about a group (race, faith, sex, disability …)",
}


def training_sets(leave_out: str = "") -> list[tuple[str, list[str]]]:
    """The labelled sets the models learn from: every one in SETS but ``leave_out``."""
    return [(labels, patterns) for labels, patterns in SETS if labels != leave_out]


def messages(leave_out: str = "") -> list[tuple[str, set[str], int]]:
    """(text, categories, group) of every authored text message the models learn from.

    The group is the chat set a message comes from (each file pattern of ``SETS`` is one set,
    written by one author); benign messages are dealt round the sets. ``leave_out`` names a set
    (its labels file) to train without, to measure on it afterwards."""
    out: list[tuple[str, set[str], int]] = []
    group = 0
    for labels_name, patterns in training_sets(leave_out):
        labels = read_labels(LABELLED / labels_name)
        for pattern in patterns:
            for path in sorted(LABELLED.glob(pattern)):
                frame = read_chat(path).messages
                frame = frame[frame["author"].notna() & (frame["kind"] == "text")]
                for line, text in zip(frame["line"], frame["text"], strict=True):
                    out.append((str(text), labels.get((path.name, int(line)), set()), group))
            group += 1
    benign = read_chat(sorted(BENIGN.glob("*.txt"))).messages
    benign = benign[benign["author"].notna() & (benign["kind"] == "text")]
    out.extend((str(text), set(), i % group) for i, text in enumerate(benign["text"]))
    return out


def cross_validate(
    texts: list[str], docs: list[list[str]], y: np.ndarray, groups: np.ndarray
) -> dict[str, float]:
    """Scores of each set from a model trained on the others, and the threshold that keeps
    their precision at the target.

    Leaving out a whole set, not random messages, is what makes the threshold honest: a set is
    one author's school, cast and turns of phrase, so its messages are as new to the model as
    a real school's chats will be. Random folds let the model see a message's siblings and
    choose a threshold that only holds on chats like the training ones."""
    held = np.zeros(len(texts))
    for k in sorted(set(groups.tolist())):
        train = np.flatnonzero(groups != k)
        test = np.flatnonzero(groups == k)
        fitted = fit_features([docs[i] for i in train], y[train].tolist())
        data = as_model_data(fitted, category="", description="")
        model = TextModel(
            "cv",
            "",
            data["bias"],
            data["unigrams"],
            data["bigrams"],
            data["symbols"],
            pieces=data["pieces"],
        )
        for i in test.tolist():
            held[i] = model.score(texts[i])
    curve = []
    for threshold in THRESHOLDS:
        flagged = held >= logit(threshold)
        tp = float((flagged & (y == 1)).sum())
        precision = tp / max(float(flagged.sum()), 1.0)
        curve.append((threshold, precision, tp / max(float(y.sum()), 1.0)))
    print("  cv curve: " + " ".join(f"{t}:{p:.2f}/{r:.2f}" for t, p, r in curve), file=sys.stderr)
    good = [c for c in curve if c[1] >= TARGET_PRECISION]
    threshold, precision, recall = good[0] if good else max(curve, key=lambda c: c[1])
    return {"threshold": threshold, "precision": round(precision, 3), "recall": round(recall, 3)}


def _same(stored: dict[str, object], fresh: dict[str, object], tolerance: float = 2e-3) -> bool:
    """Equal up to floating-point noise: another CPU or numpy may round the last digit apart,
    and a weight right at the pruning edge may be kept on one machine and dropped on another."""
    if stored.get("suggested_threshold") != fresh.get("suggested_threshold"):
        return False
    if abs(float(stored["bias"]) - float(fresh["bias"])) > tolerance:  # type: ignore[arg-type]
        return False
    for key in ("unigrams", "bigrams", "symbols", "pieces"):
        a, b = stored.get(key, {}), fresh[key]
        assert isinstance(a, dict) and isinstance(b, dict)
        for name in set(a) | set(b):
            x, y = float(a.get(name, 0.0)), float(b.get(name, 0.0))
            one_sided = name not in a or name not in b
            if one_sided and max(abs(x), abs(y)) > 0.021:
                return False
            if not one_sided and abs(x - y) > tolerance:
                return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with the files, write none")
    parser.add_argument("--leave-out", default="", metavar="LABELS", help="train without this set")
    parser.add_argument("--out", type=Path, default=OUT, help="folder to write the models to")
    args = parser.parse_args()
    data = messages(args.leave_out)
    texts = [t for t, _, _ in data]
    docs = [features(t) for t in texts]
    groups = np.array([g for _, _, g in data])
    files = [pattern for _, patterns in training_sets(args.leave_out) for pattern in patterns]
    stale = []
    for category in CATEGORIES:
        y = np.array([1.0 if category in cats else 0.0 for _, cats, _ in data])
        cv = cross_validate(texts, docs, y, groups)
        fitted = fit_features(docs, y.tolist())
        model = as_model_data(
            fitted,
            category=category,
            description=DESCRIPTIONS[category],
            extra={
                "suggested_threshold": cv["threshold"],
                "cv": cv,
                "trained_on": [*files, "fixtures/benign/*.txt (as negatives)"],
                "command": "python scripts/train_models.py",
            },
        )
        text = json.dumps(model, ensure_ascii=False, indent=1) + "\n"
        path = args.out / f"{category}.json"
        print(
            f"{category}: threshold {cv['threshold']} (cross-validated precision "
            f"{cv['precision']}, recall {cv['recall']}); {len(model['unigrams'])} words, "
            f"{len(model['bigrams'])} pairs, {len(model['symbols'])} symbols",
            file=sys.stderr,
        )
        if args.check:
            if not path.exists() or not _same(json.loads(path.read_text(encoding="utf-8")), model):
                stale.append(path.name)
            continue
        args.out.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if stale:
        print(f"stale: {', '.join(stale)} (run scripts/train_models.py)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
