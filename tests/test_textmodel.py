"""The text models: a message scores the same alone as in a big scan; bad model files are
reported like bad rules; the shipped models are what the training script makes of the data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest

from chatguard import read_chat
from chatguard.errors import ChatguardError
from chatguard.rulefile import default_pack, load_rules
from chatguard.textmodel import TextModel, read_model
from chatguard.tokenindex import TokenIndex
from tests.conftest import FIXTURES

REPO = Path(__file__).resolve().parent.parent
MODELS = sorted((default_pack() / "models").glob("*.json"))


def test_the_pack_ships_models() -> None:
    assert {p.stem for p in MODELS} >= {"disrepute", "policy-challenge"}


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.stem)
def test_column_scores_equal_one_message_at_a_time(path: Path) -> None:
    """A finding must not depend on whether the message was scanned alone or in a crowd."""
    model = read_model(path)
    chat = read_chat(sorted((FIXTURES / "labelled").glob("*.txt")))
    texts = [t if isinstance(t, str) else "" for t in chat.messages["text"].tolist()]
    index = TokenIndex.build(pa.array(texts, pa.large_string()))
    column = model.column_scores(index)
    alone = np.array([model.score(t) for t in texts])
    assert np.array_equal(column, alone)


def test_a_word_never_seen_in_training_weighs_what_its_pieces_do() -> None:
    """ "clueless" was never in the chats, but "useless" was: the shared ending carries over,
    alone and in a crowd alike."""
    model = TextModel("m", "abuse", -1.0, {}, {}, {}, pieces={"less>": 0.75, "ess>": 0.25})
    texts = ["honestly she is clueless", "lessons start at 9", "", "Clueless!!"]
    alone = np.array([model.score(t) for t in texts])
    assert alone.tolist() == [0.0, -1.0, -1.0, 0.0]
    index = TokenIndex.build(pa.array(texts, pa.large_string()))
    assert np.array_equal(model.column_scores(index), alone)
    text = texts[0]
    assert [text[a:b] for a, b in model.strongest(text)] == ["clueless"]


def test_strongest_words_explain_a_finding_in_plain_words() -> None:
    model = read_model(default_pack() / "models" / "policy-challenge.json")
    text = "I'm keeping him off on the INSET swap day, they can fine me"
    shown = [text[a:b].lower() for a, b in model.strongest(text)]
    assert shown and not {"the", "they", "me", "i"} & set(shown)


def _pack_with(tmp_path: Path, model_text: str, rule_model: str = "mine") -> Path:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "mine.json").write_text(model_text, encoding="utf-8")
    (tmp_path / "abuse").mkdir()
    (tmp_path / "abuse" / "m.yaml").write_text(
        "id: abuse.m\ncategory: abuse\nseverity: low\ntitle: t\n"
        'policy: "Abusive, personal comments."\ndescription: d\n'
        f"match:\n  model: {rule_model}\n",
        encoding="utf-8",
    )
    return tmp_path


def test_a_broken_model_file_is_named_with_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(ChatguardError) as caught:
        load_rules([_pack_with(tmp_path, "{not json")])
    assert "mine.json" in str(caught.value) and "train_models.py" in (caught.value.hint or "")


def test_a_rule_naming_a_missing_model_suggests_the_close_one(tmp_path: Path) -> None:
    good = {"chatguard-model": 1, "bias": 0, "unigrams": {}, "bigrams": {}, "symbols": {}}
    with pytest.raises(ChatguardError) as caught:
        load_rules([_pack_with(tmp_path, json.dumps(good), rule_model="mien")])
    assert "no model named mien" in str(caught.value) and "mine" in str(caught.value)


def test_the_shipped_models_are_what_training_makes_of_the_data() -> None:
    """Retrain from the fixtures (deterministic) and compare: stale models fail here."""
    done = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "train_models.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.parametrize(
    "bad",
    [
        {"chatguard-model": 1, "bias": "NaN", "unigrams": {}, "bigrams": {}, "symbols": {}},
        {
            "chatguard-model": 1,
            "bias": 0,
            "unigrams": {"x": "Infinity"},
            "bigrams": {},
            "symbols": {},
        },
        {"chatguard-model": 1, "bias": 0, "unigrams": {}, "bigrams": {"one": 1}, "symbols": {}},
        {"chatguard-model": 3, "bias": 0, "unigrams": {}, "bigrams": {}, "symbols": {}},
        {
            "chatguard-model": 2,
            "bias": 0,
            "unigrams": {},
            "bigrams": {},
            "symbols": {},
            "pieces": {"less>": "NaN"},
        },
        {
            "chatguard-model": 1,
            "bias": 0,
            "unigrams": {},
            "bigrams": {},
            "symbols": {},
            "suggested_threshold": 1.5,
        },
    ],
)
def test_a_model_with_impossible_numbers_is_refused(tmp_path: Path, bad: dict[str, object]) -> None:
    with pytest.raises(ChatguardError) as caught:
        load_rules([_pack_with(tmp_path, json.dumps(bad))])
    assert "mine.json" in str(caught.value)
